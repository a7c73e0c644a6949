"""Figures as images: PNG for slides, SVG for print. Plotly's own exporter (kaleido) draws them in
Debian's Chromium, offline: geo maps take their shapes from the app's topojson (static/world_110m.json),
MathJax is off, and the export browser's only proxy is a closed local port, so no request can leave the
machine. The image carries what the page shows around the figure: a title (goal, indicator, group,
period, quality bar), the legend, a source line (datasets, licences), the link and the demo label."""

import asyncio
import atexit
import io
import os
import re
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from gapmonitor import i18n, maps
from gapmonitor.evidence import Evidence, Picture
from gapmonitor.i18n import _

CHROMIUM = Path(os.environ.get("GAPMONITOR_CHROMIUM", "/usr/bin/chromium"))  # Debian's; never a downloaded one
TOPOJSON_URL = maps.WORLD_TOPOJSON.parent.as_uri() + "/"  # Plotly.js loads <this>world_110m.json
CLOSED_PORT = "127.0.0.1:9"  # the discard port: nothing listens, so a request the export browser makes goes nowhere
SLIDE = (1600, 900)          # 16:9, the size of a slide's picture
TIMEOUT = 120                # seconds for one export
FONT_FAMILY = "Liberation Sans, Arial, Helvetica, sans-serif"
FONT_DIR = Path("/usr/share/fonts/truetype/liberation")  # Debian's fonts-liberation (metric-compatible with Arial)
DEMO_COLOUR = "#9a4d00"      # the demo label: dark orange, the pages' warning


class ImageError(RuntimeError):
    """A figure that cannot be drawn; the message says which and why (never a blank image)."""


# ---- one Chromium for every export of this process ----

class _Exporter:
    """One Kaleido (one Chromium) kept alive in a thread with its own event loop, shared by every thread
    that exports: starting Chromium costs about 1.8 s, an export on a running one about 0.2 s."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido = None

    def _start(self) -> None:
        import kaleido

        if not CHROMIUM.is_file():
            raise ImageError(_("Images need Chromium at {path} (Debian's chromium package), and it is not there.",
                               path=CHROMIUM))
        loop = asyncio.new_event_loop()
        threading.Thread(target=loop.run_forever, name="kaleido", daemon=True).start()

        async def open_browser():
            browser = kaleido.Kaleido(path=str(CHROMIUM), mathjax=False, proxy_server=CLOSED_PORT, timeout=TIMEOUT)
            await browser.open()
            return browser

        try:
            self._kaleido = asyncio.run_coroutine_threadsafe(open_browser(), loop).result(TIMEOUT)
        except Exception as e:
            loop.call_soon_threadsafe(loop.stop)
            raise ImageError(_("Chromium ({path}) did not start for the image export: {error}", path=CHROMIUM,
                               error=e)) from e
        self._loop = loop

    def render(self, figure: dict, fmt: str, width: int, height: int, scale: float) -> bytes:
        """The figure as `fmt` bytes; a browser that died is started again once."""
        for attempt in (1, 2):
            with self._lock:
                if self._kaleido is None:
                    self._start()
                kaleido, loop = self._kaleido, self._loop
            job = kaleido.calc_fig(figure, opts=dict(format=fmt, width=width, height=height, scale=scale),
                                   topojson=TOPOJSON_URL)
            try:
                return asyncio.run_coroutine_threadsafe(job, loop).result(TIMEOUT + 10)
            except Exception as e:
                if attempt == 2 or not self._browser_died():
                    raise ImageError(_("The image export failed: {kind}: {error}", kind=type(e).__name__,
                                       error=e)) from e
                self.close()
        raise AssertionError("unreachable")

    def _browser_died(self) -> bool:
        process = getattr(self._kaleido, "subprocess", None)
        return process is not None and process.poll() is not None

    def close(self) -> None:
        """Stop the browser (at exit, or after it died)."""
        with self._lock:
            kaleido, loop, self._kaleido, self._loop = self._kaleido, self._loop, None, None
        if kaleido is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(kaleido.close(), loop).result(20)
        except Exception:  # a dead browser: nothing left to close
            pass
        loop.call_soon_threadsafe(loop.stop)


EXPORTER = _Exporter()
atexit.register(EXPORTER.close)


def available() -> str | None:
    """None when images can be made here, else why not (for the pages to say instead of a button)."""
    if not CHROMIUM.is_file():
        return _("Images need Chromium at {path} (Debian's chromium package).", path=CHROMIUM)
    return None


# ---- a figure alone ----

def _drawable(figure: go.Figure) -> bool:
    """Whether some trace has something to draw (a location, a point, a cell with a value)."""
    for trace in figure.data:
        for attribute in ("locations", "lat", "z", "x", "y"):
            values = getattr(trace, attribute, None)
            if values is None:
                continue
            if pd.notna(np.asarray(values, dtype=object).ravel()).any():
                return True
    return False


def _export_copy(figure: go.Figure, font_size: int | None = None) -> dict:
    """The figure for an image: the app's local font (larger where the image is shown small), a white paper."""
    copy = go.Figure(figure)
    copy.update_layout(font_family=FONT_FAMILY, paper_bgcolor="#ffffff", dragmode=False)
    if font_size:
        copy.update_layout(font_size=font_size)
    if any(t.type == "heatmap" for t in copy.data):  # blank cells read as blank on paper, not the template's blue
        copy.update_layout(plot_bgcolor="#ffffff", xaxis_showgrid=False, yaxis_showgrid=False)
    return copy.to_plotly_json()


def figure_image(figure: go.Figure, fmt: str = "png", width: int = SLIDE[0], height: int = SLIDE[1],
                 scale: float = 2, name: str | None = None, font_size: int | None = None) -> bytes:
    """One figure as PNG or SVG bytes, exactly `width` × `height` (× `scale` for PNG); ImageError when it
    has nothing to draw or comes out blank. `name`: the figure in the errors' words."""
    name = name or _("The figure")
    if fmt not in ("png", "svg"):
        raise ImageError(_("Images are PNG or SVG, not '{format}'.", format=fmt))
    if figure is None or not _drawable(figure):
        raise ImageError(_("{name} cannot be drawn: it holds no data.", name=name))
    data = EXPORTER.render(_export_copy(figure, font_size), fmt, width, height, scale if fmt == "png" else 1)
    if fmt == "png" and _blank(data):
        raise ImageError(_("{name} came out blank: Chromium drew nothing.", name=name))
    if fmt == "svg" and b"<path" not in data:
        raise ImageError(_("{name} came out blank: the SVG holds no shape.", name=name))
    return data


def figure_name(picture: Picture, evidence: Evidence) -> str:
    """A figure of a view in words (for what an export says of it): 'Map of “Goal 5 · …”'."""
    return _("{figure} of “{title}”", figure=_(picture.name), title=evidence.title)


def _blank(png: bytes) -> bool:
    from PIL import Image

    low, high = Image.open(io.BytesIO(png)).convert("L").getextrema()
    return low == high


# ---- the frame around it: title, legend, source line, link, demo label ----

@dataclass(frozen=True)
class _Text:
    text: str
    x: float
    baseline: float
    size: int
    bold: bool
    colour: str


@dataclass(frozen=True)
class _Chip:
    x: float
    y: float
    side: float
    colour: str


@dataclass(frozen=True)
class _Layout:
    width: int
    height: int
    bar: str                  # the goal colour of the top rule
    texts: tuple
    chips: tuple
    body: tuple               # x, y, width, height of the figure


@cache
def _font(size: int, bold: bool):
    from PIL import ImageFont

    return ImageFont.truetype(str(FONT_DIR / f"LiberationSans-{'Bold' if bold else 'Regular'}.ttf"), size)


def _wrap(text: str, size: int, bold: bool, width: float, most: int) -> list[str]:
    """Lines of `text` that fit `width` px, at most `most` of them (the last one cut with an ellipsis)."""
    font = _font(size, bold)
    words = [piece for word in text.split() for piece in _pieces(word, font, width)]
    lines, line = [], ""
    for word in words:
        trial = f"{line} {word}".strip()
        if line and font.getlength(trial) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    if line:
        lines.append(line)
    if len(lines) > most:
        lines = lines[:most]
        while lines[-1] and font.getlength(lines[-1] + " …") > width:
            lines[-1] = lines[-1][:-1]
        lines[-1] += " …"
    return lines


def _pieces(word: str, font, width: float) -> list[str]:
    """A word too long for a line (a link) cut into pieces that fit."""
    pieces = []
    while font.getlength(word) > width:
        cut = max(1, next(i for i in range(len(word), 0, -1) if font.getlength(word[:i]) <= width))
        pieces.append(word[:cut])
        word = word[cut:]
    return pieces + [word]


PAD = 32


def _layout(evidence: Evidence, picture: Picture, width: int, height: int) -> _Layout:
    texts, chips = [], []
    inner = width - 2 * PAD
    y = 10 + 22

    def block(text, size, bold, colour, most, top):
        ascent = _font(size, bold).getmetrics()[0]
        for line in _wrap(text, size, bold, inner, most):
            texts.append(_Text(line, PAD, top + ascent, size, bold, colour))
            top += round(size * 1.3)
        return top

    y = block(evidence.title, 30, True, "#1a1a1a", 2, y)
    y = block(evidence.subtitle, 17, False, "#444444", 3, y + 2)
    body_top = y + 10
    # the footer, from the bottom up: demo label, link, source line, then the legend chips
    bottom = height - 18
    footer = []
    if evidence.demo:
        footer.append((evidence.demo, 17, True, DEMO_COLOUR, 1))
    footer.append((_("Restore this view: {link}", link=evidence.link), 13, False, "#555555", 2))
    footer.append((evidence.source_line, 13, False, "#555555", 3))
    for text, size, bold, colour, most in footer:
        lines = _wrap(text, size, bold, inner, most)
        top = bottom - len(lines) * round(size * 1.3)
        block(text, size, bold, colour, most, top)
        bottom = top - 4
    if picture.legend:
        bottom = _chips(picture.legend, inner, bottom - 6, texts, chips)
    body_height = bottom - 8 - body_top
    if body_height < 200:
        raise ImageError(_("{figure}: an image of {width} × {height} px leaves no room for the figure.",
                           figure=_(picture.name), width=width, height=height))
    return _Layout(width, height, evidence.colour, tuple(texts), tuple(chips), (PAD, body_top, inner, body_height))


def _chips(legend: tuple, inner: float, bottom: float, texts: list, chips: list) -> float:
    """A legend of colour chips above `bottom`, wrapped into rows; returns the top of the rows."""
    size, side, gap = 15, 14, 26
    font = _font(size, False)
    rows, row, used = [], [], 0.0
    for label, colour in legend:
        need = side + 6 + font.getlength(label) + gap
        if row and used + need > inner:
            rows.append(row)
            row, used = [], 0.0
        row.append((label, colour))
        used += need
    rows.append(row)
    top = bottom - len(rows) * 24
    for i, row in enumerate(rows):
        x, y = PAD, top + i * 24
        for label, colour in row:
            chips.append(_Chip(x, y + 2, side, colour))
            texts.append(_Text(label, x + side + 6, y + 2 + font.getmetrics()[0] - 2, size, False, "#333333"))
            x += side + 6 + font.getlength(label) + gap
    return top


def _body_size(picture: Picture, width: int, height: int, evidence: Evidence) -> tuple[int, int]:
    """The image size: taller than asked when the figure itself is taller than the room left for it (a long
    grid of indicators keeps rows that can be read)."""
    wanted = picture.figure.layout.height
    room = _layout(evidence, picture, width, height).body[3]
    return width, (height + int(wanted) - int(room)) if wanted and wanted > room else height


def image(evidence: Evidence, picture: str | None = None, fmt: str = "png", width: int = SLIDE[0],
          height: int = SLIDE[1], scale: float = 2) -> bytes:
    """A figure of the view (the main one by default, else by name) framed with its title, legend, source
    line, link and demo label: PNG (width × height × scale px) or SVG, in the evidence's language.
    ImageError when it cannot be drawn."""
    with i18n.using(evidence.lang):
        return _image(evidence, picture, fmt, width, height, scale)


def _image(evidence: Evidence, picture: str | None, fmt: str, width: int, height: int, scale: float) -> bytes:
    try:
        chosen = evidence.picture(picture)
    except LookupError as e:
        raise ImageError(str(e)) from None
    width, height = _body_size(chosen, width, height, evidence)
    layout = _layout(evidence, chosen, width, height)
    w, h = layout.body[2:]
    name = figure_name(chosen, evidence)
    if fmt == "svg":
        return _svg(layout, figure_image(chosen.figure, "svg", int(w), int(h), name=name))
    if fmt == "png":
        return _png(layout, figure_image(chosen.figure, "png", int(w), int(h), scale, name=name), scale)
    raise ImageError(_("Images are PNG or SVG, not '{format}'.", format=fmt))


def _png(layout: _Layout, body: bytes, scale: float) -> bytes:
    from PIL import Image, ImageDraw

    def px(v):
        return round(v * scale)

    canvas = Image.new("RGB", (px(layout.width), px(layout.height)), "#ffffff")
    draw = ImageDraw.Draw(canvas)
    draw.rectangle((0, 0, px(layout.width), px(10)), fill=layout.bar)
    for chip in layout.chips:
        draw.rectangle((px(chip.x), px(chip.y), px(chip.x + chip.side), px(chip.y + chip.side)), fill=chip.colour)
    for t in layout.texts:
        draw.text((px(t.x), px(t.baseline)), t.text, font=_font(px(t.size), t.bold), fill=t.colour, anchor="ls")
    canvas.paste(Image.open(io.BytesIO(body)).convert("RGB"), (px(layout.body[0]), px(layout.body[1])))
    out = io.BytesIO()
    canvas.save(out, "PNG", optimize=False)
    return out.getvalue()


def _svg(layout: _Layout, body: bytes) -> bytes:
    x, y = layout.body[:2]
    inner = re.sub(rb"^\s*<\?xml[^>]*\?>\s*", b"", body).decode("utf-8")
    inner = re.sub(r"^<svg\b", f'<svg x="{x}" y="{y}"', inner.lstrip(), count=1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
             f'width="{layout.width}" height="{layout.height}" viewBox="0 0 {layout.width} {layout.height}">',
             f'<rect width="{layout.width}" height="{layout.height}" fill="#ffffff"/>',
             f'<rect width="{layout.width}" height="10" fill="{layout.bar}"/>']
    parts += [f'<rect x="{c.x}" y="{c.y}" width="{c.side}" height="{c.side}" fill="{c.colour}"/>' for c in layout.chips]
    parts += [f'<text x="{t.x}" y="{t.baseline}" font-family="{FONT_FAMILY}" font-size="{t.size}" '
              f'font-weight="{"bold" if t.bold else "normal"}" fill="{t.colour}">{escape(t.text)}</text>'
              for t in layout.texts]
    parts += [inner, "</svg>"]
    return "\n".join(parts).encode("utf-8")
