"""The one-page evidence brief (A4 PDF) of a view: the map, the key figures, what citizen data adds and
how far to trust it, the method in two sentences, sources and licences, the link that restores the view
and the demo label. HTML and CSS laid out by WeasyPrint (Pango), with local fonts only and no resource
fetched from anywhere: the figure is embedded as data, and any other URL is refused."""

import base64
import datetime
from html import escape

from gapmonitor import i18n
from gapmonitor.evidence import Evidence
from gapmonitor.exports import images
from gapmonitor.i18n import _, format_date

FIGURE_SIZE = (1100, 600)  # px of the figure (× 2 for print): 182 mm wide
FONT_SIZE = 15             # px of the figure's text at that size: about 7 pt on paper
# Tried in turn until the brief fits one page: the figure's greatest height (mm) and the text size (pt).
FITS = ((100, 9.0), (84, 8.5), (70, 8.0), (58, 7.5))

CSS = """
@page { size: A4; margin: 12mm 14mm 11mm 14mm;
        @bottom-right { content: "__FOOTER__"; font-size: 7pt; color: #777;
                        font-family: "Liberation Sans", "DejaVu Sans", sans-serif; } }
* { box-sizing: border-box; }
body { font-family: "Liberation Sans", "DejaVu Sans", sans-serif; font-size: var(--text); color: #1a1a1a; margin: 0;
       line-height: 1.3; }
header { background: var(--colour); color: #fff; padding: 3.2mm 4mm; border-radius: 1.5mm; }
h1 { font-size: 16pt; margin: 0 0 1mm 0; line-height: 1.15; }
header p { margin: 0; font-size: 9pt; }
.demo { margin-top: 2mm; padding: 1.6mm 3mm; background: #fff4e5; border-left: 1.2mm solid #e9a23b;
        color: #9a4d00; font-weight: bold; }
figure { margin: 2.5mm 0 1mm 0; text-align: center; }
figure img { max-width: 100%; max-height: var(--figure); }
.notice { margin: 3mm 0; padding: 6mm 4mm; border: 0.3mm solid #bbb; border-radius: 1.5mm; background: #f6f6f6;
          font-size: 11pt; text-align: center; }
.chips { font-size: 8pt; margin: 0 0 1.5mm 0; }
.chips span { white-space: nowrap; margin-right: 4mm; }
.chips i { display: inline-block; width: 3mm; height: 3mm; margin-right: 1mm; vertical-align: -0.4mm; }
.figures { display: flex; flex-wrap: wrap; gap: 1.5mm; margin: 1.5mm 0 2.5mm 0; }
.figure { flex: 1 1 30mm; border: 0.3mm solid #ddd; border-top: 0.8mm solid var(--colour); border-radius: 1mm;
          padding: 1.2mm 2mm; }
.figure b { display: block; font-size: 12pt; }
.figure span { font-size: 7.5pt; color: #444; }
h2 { font-size: 10pt; margin: 2mm 0 1mm 0; color: #333; border-bottom: 0.3mm solid #ddd; padding-bottom: 0.6mm; }
.columns { display: flex; gap: 5mm; }
.columns > section { flex: 1; }
ul { margin: 0; padding-left: 4mm; }
li { margin-bottom: 0.8mm; }
p { margin: 0 0 1mm 0; }
.sources li { margin-bottom: 0.3mm; }
.link { word-break: break-all; font-size: 8pt; }
.link a { color: #004488; }
"""


def pdf(evidence: Evidence) -> bytes:
    """The brief as PDF bytes: always one A4 page (the figure and text shrink until it fits); a view with
    no data gives a brief that says so instead of the figure. Its words are in the evidence's language."""
    with i18n.using(evidence.lang):
        return _pdf(evidence)


def _pdf(evidence: Evidence) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    figure, note = _figure(evidence)
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)  # nothing is fetched from anywhere
    for height, text in FITS:
        document = HTML(string=_html(evidence, figure, note, height, text), url_fetcher=fetcher).render()
        if len(document.pages) == 1:
            break
    else:  # still too long: the longest lists are cut, saying so
        document = HTML(string=_html(evidence, figure, note, FITS[-1][0], FITS[-1][1], cut=True),
                        url_fetcher=fetcher).render()
    return document.write_pdf(pages=document.pages[:1]) if len(document.pages) > 1 else document.write_pdf()


def _figure(evidence: Evidence) -> tuple[str | None, str | None]:
    """The main figure as a data URI (None when the view has none), and a note when it is taller than a page."""
    if not evidence.pictures:
        return None, None
    picture = evidence.picture()
    width, height = FIGURE_SIZE
    wanted = picture.figure.layout.height
    note = None
    if wanted and wanted > height:  # a taller grid is drawn whole, at its own height
        height = int(wanted)
        if wanted > 2 * FIGURE_SIZE[1]:  # then its rows are too small to read on one page
            note = _("{figure}: to read every row, download this view's image.", figure=_(picture.name))
    png = images.figure_image(picture.figure, "png", width, height, 2, name=images.figure_name(picture, evidence),
                              font_size=FONT_SIZE)
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii"), note


def licence_words(licence: str | None) -> str:
    """'licence: CC BY 4.0' (or 'licence: not given'), in the current language."""
    return _("licence: {licence}", licence=licence) if licence else _("licence: not given")


def _html(evidence: Evidence, figure: str | None, note: str | None, figure_mm: int, text_pt: float,
          cut: bool = False) -> str:
    e = escape
    citizen = list(evidence.citizen)
    sources = list(evidence.sources)
    if cut:
        citizen = citizen[:4] + ([_("… and {count} more: see the view.", count=len(evidence.citizen) - 4)]
                                 if len(citizen) > 4 else [])
        sources = sources[:6]
    picture = evidence.pictures[0] if evidence.pictures else None
    adds, method = _("What citizen data adds, and how far to trust it"), _("Method")
    sources_heading, no_dataset = _("Sources and licences"), _("No dataset in the data shown.")
    restore = _("Restore this view")
    footer = _("SDG Gap Monitor · evidence brief · {date}", date=format_date(datetime.date.today()))
    footer = footer.replace("\\", "\\\\").replace('"', '\\"')  # a CSS string
    parts = [f'<!doctype html><html lang="{e(i18n.current())}"><head><meta charset="utf-8">'
             f'<title>{e(evidence.title)}</title><style>{CSS.replace("__FOOTER__", footer)}</style></head>'
             f'<body style="--colour:{evidence.colour};'
             f'--figure:{figure_mm}mm;--text:{text_pt}pt">',
             f'<header><h1>{e(evidence.title)}</h1><p>{e(evidence.subtitle)}</p></header>']
    if evidence.demo:
        parts.append('<div class="demo">' + e(_(
            "{notice}. Values, and the citizen datasets with their producers, are generated for demonstration; codes "
            "and titles of goals and indicators are official.", notice=evidence.demo)) + "</div>")
    if figure:
        parts.append(f'<figure><img src="{figure}" alt="{e(_(picture.name))}"></figure>')
        if picture.legend:
            parts.append('<div class="chips">' + "".join(
                f'<span><i style="background:{c}"></i>{e(label)}</span>' for label, c in picture.legend) + "</div>")
        if note:
            parts.append(f'<p class="chips">{e(note)}</p>')
    if evidence.notice:
        parts.append(f'<div class="notice">{e(evidence.notice)}</div>')
    if evidence.key_figures:
        parts.append('<div class="figures">' + "".join(
            f'<div class="figure"><b>{e(value)}</b><span>{e(label)}</span></div>'
            for label, value in evidence.key_figures) + "</div>")
    parts.append('<div class="columns">')
    if citizen:
        parts.append(f'<section><h2>{e(adds)}</h2><ul>'
                     + "".join(f"<li>{e(s)}</li>" for s in citizen) + "</ul></section>")
    if evidence.method:
        parts.append(f'<section><h2>{e(method)}</h2><p>{e(evidence.method)}</p></section>')
    parts.append("</div>")
    parts.append(f'<h2>{e(sources_heading)}</h2><ul class="sources">' + ("".join(
        f"<li><b>{e(s.title)}</b> — {e(s.source)}; {e(licence_words(s.licence))}</li>" for s in sources)
        or f'<li>{e(no_dataset)}</li>') + "</ul>")
    if evidence.link:
        parts.append(f'<h2>{e(restore)}</h2><p class="link"><a href="{e(evidence.link)}">{e(evidence.link)}</a></p>')
    parts.append("</body></html>")
    return "".join(parts)
