"""Slides (PPTX, python-pptx) of views: one per view, with its title, the figure, the key figures as
editable text, the source line and the demo label; the speaker notes hold the method, the sources and
the presenter's note. Helper for a story: deck([(evidence, note), ...])."""

import io

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Inches, Pt

from gapmonitor import i18n
from gapmonitor.evidence import Evidence
from gapmonitor.exports import images
from gapmonitor.exports.brief import licence_words
from gapmonitor.i18n import _

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)   # 16:9
FIGURE_SIZE = (1150, 700)                     # px of the picture (× 2): the left two thirds of the slide
FONT_SIZE = 18                                # px of the figure's text at that size: about 9 pt on the slide
TITLE_ONLY = 5                                # the default template's "Title Only" layout: a real title placeholder
DEMO_COLOUR = images.DEMO_COLOUR
FONT = "Liberation Sans"


def deck(views: list[tuple[Evidence, str]]) -> bytes:
    """A PPTX with one slide per (evidence, presenter's note), in order; each slide's words in its evidence's
    language."""
    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = WIDTH, HEIGHT
    for evidence, note in views:
        with i18n.using(evidence.lang):
            _slide(presentation, evidence, note or "")
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#").upper())


def _text(slide, left, top, width, height, paragraphs, size=14, colour="#1a1a1a", bold=False):
    """A text box of paragraphs: each a string, or (text, size, bold, colour)."""
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    for i, paragraph in enumerate(paragraphs):
        text, p_size, p_bold, p_colour = paragraph if isinstance(paragraph, tuple) else (paragraph, size, bold, colour)
        p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = p.add_run()
        run.text = text
        run.font.size, run.font.bold, run.font.name = Pt(p_size), p_bold, FONT
        run.font.color.rgb = _rgb(p_colour)
    return box


def _legend(slide, legend, left, top, width) -> None:
    """The colours of a figure that draws no legend of its own, as text: a coloured square, then its label."""
    frame = slide.shapes.add_textbox(left, top, width, Inches(0.3)).text_frame
    frame.word_wrap = True
    paragraph = frame.paragraphs[0]
    for label, colour in legend:
        for text, rgb in (("■ ", colour), (f"{label}   ", "#333333")):
            run = paragraph.add_run()
            run.text = text
            run.font.size, run.font.name = Pt(10), FONT
            run.font.color.rgb = _rgb(rgb)


def _slide(presentation, evidence: Evidence, note: str) -> None:
    slide = presentation.slides.add_slide(presentation.slide_layouts[TITLE_ONLY])
    margin = Inches(0.45)
    bar = slide.shapes.add_shape(1, 0, 0, WIDTH, Inches(0.12))  # 1: a rectangle, in the goal colour
    bar.fill.solid()
    bar.fill.fore_color.rgb = _rgb(evidence.colour)
    bar.line.fill.background()

    title = slide.shapes.title
    title.left, title.top, title.width, title.height = margin, Inches(0.22), WIDTH - 2 * margin, Inches(0.75)
    title.text = evidence.title
    for p in title.text_frame.paragraphs:
        p.alignment = 1  # left
        for run in p.runs:
            run.font.size, run.font.bold, run.font.name = Pt(28), True, FONT
    _text(slide, margin, Inches(0.95), WIDTH - 2 * margin, Inches(0.6), [evidence.subtitle], size=13, colour="#444444")

    top, bottom = Inches(1.6), HEIGHT - Inches(0.95)
    picture_width = Emu(int((WIDTH - 2 * margin) * 0.66))
    if evidence.pictures:
        chosen = evidence.picture()
        png = images.figure_image(chosen.figure, "png", *FIGURE_SIZE, scale=2, name=images.figure_name(chosen, evidence),
                                  font_size=FONT_SIZE)
        room = bottom - top - (Inches(0.35) if chosen.legend else 0)
        width = min(picture_width, Emu(int(room * FIGURE_SIZE[0] / FIGURE_SIZE[1])))
        height = Emu(int(width * FIGURE_SIZE[1] / FIGURE_SIZE[0]))
        slide.shapes.add_picture(io.BytesIO(png), margin, top, width=width, height=height)
        if chosen.legend:
            _legend(slide, chosen.legend, margin, top + height + Inches(0.05), picture_width)
    if evidence.notice:
        _text(slide, margin, top if not evidence.pictures else bottom - Inches(0.6), picture_width, Inches(1.0),
              [evidence.notice], size=18 if not evidence.pictures else 11, colour="#333333")

    right = margin + picture_width + Inches(0.3)
    figures = [paragraph for label, value in evidence.key_figures
               for paragraph in ((value, 18, True, evidence.colour), (label, 10, False, "#444444"))]
    if figures:
        _text(slide, right, top, WIDTH - right - margin, bottom - top, figures)

    restore = _("Restore this view: {link}", link=evidence.link)
    footer = [(evidence.source_line, 10, False, "#555555"), (restore, 10, False, "#555555")]
    if evidence.demo:
        footer.insert(0, (evidence.demo, 12, True, DEMO_COLOUR))
    _text(slide, margin, HEIGHT - Inches(0.9), WIDTH - 2 * margin, Inches(0.85), footer)

    notes = slide.notes_slide.notes_text_frame
    sources = "; ".join(f"{s.title} — {s.source}; {licence_words(s.licence)}" for s in evidence.sources)
    notes.text = "\n\n".join(part for part in (
        note and _("Presenter's note: {note}", note=note),
        evidence.notice and _("Not shown: {notice}", notice=evidence.notice),
        evidence.citizen and _("What citizen data adds, and how far to trust it: {sentences}",
                               sentences=" ".join(evidence.citizen)),
        evidence.method and _("Method: {method}", method=evidence.method),
        _("Sources and licences: {sources}", sources=sources) if sources else _("Sources and licences: none in the data shown"),
        restore,
    ) if part)
