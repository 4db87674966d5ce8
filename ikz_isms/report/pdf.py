"""The one PDF engine of ikz-isms (reportlab): fonts, styles, page furniture, contents, tables.

Reports, tender packs and cost statements are all built with :class:`ReportBuilder`, so
every PDF embeds DejaVu Sans and every page carries the classification marking at top and
bottom and "Seite x von y". The bytes depend only on the input: reportlab runs in invariant
mode and the creation date comes from the data (the report date of
:func:`ikz_isms.report.model.report_date`, or the day given to :func:`builder_for_date`),
never the clock.
"""

from __future__ import annotations

import datetime as _dt
import io
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm as cm  # re-exported for the report modules
from reportlab.lib.units import mm
from reportlab.lib.utils import TimeStamp
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    Image,
    KeepTogether,
    LongTable,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    TableStyle,
)
from reportlab.platypus import CondPageBreak as CondPageBreak  # re-exported for the report modules
from reportlab.platypus.tableofcontents import TableOfContents, defaultTableStyle

from ..present.de import date_de
from .model import midnight_epoch
from .text import escape

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 2 * cm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN

HEADER_BG = colors.HexColor("#1F3A5F")
GRID = colors.HexColor("#9AA5B1")
ZEBRA = colors.HexColor("#F2F4F7")
MARKING = colors.HexColor("#B00020")

#: status colours shared by tables and charts (green done, amber partial, red open, grey unassessed)
STATUS_COLOURS = {
    "ja": colors.HexColor("#2E7D32"),
    "entbehrlich": colors.HexColor("#81C784"),
    "teilweise": colors.HexColor("#F9A825"),
    "nein": colors.HexColor("#C62828"),
    "unbearbeitet": colors.HexColor("#9E9E9E"),
}
STATUS_TINTS = {
    "ja": colors.HexColor("#E3F1E4"),
    "entbehrlich": colors.HexColor("#EEF7EE"),
    "teilweise": colors.HexColor("#FFF4D6"),
    "nein": colors.HexColor("#FBE3E3"),
    "unbearbeitet": colors.HexColor("#EEEEEE"),
}


def register_fonts() -> None:
    """Embed DejaVu Sans (full Latin coverage: umlauts, ß, €, typographic dashes)."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


def _style(name: str, size: float, *, bold: bool = False, leading: float | None = None, **kw: Any) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=FONT_BOLD if bold else FONT, fontSize=size,
                          leading=leading or size * 1.25, **kw)


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_right: ParagraphStyle
    head: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    module: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    toc1: ParagraphStyle
    toc2: ParagraphStyle


def make_styles() -> Styles:
    return Styles(
        body=_style("body", 9.5, leading=13, spaceAfter=4),
        small=_style("small", 8, leading=10, textColor=colors.HexColor("#444444")),
        cell=_style("cell", 7.5, leading=9.2),
        cell_bold=_style("cellb", 7.5, bold=True, leading=9.2),
        cell_right=_style("cellr", 7.5, leading=9.2, alignment=TA_RIGHT),
        head=_style("head", 7.5, bold=True, leading=9.2, textColor=colors.white),
        h1=_style("h1", 15, bold=True, leading=19, spaceBefore=4, spaceAfter=8, textColor=HEADER_BG),
        h2=_style("h2", 11.5, bold=True, leading=15, spaceBefore=8, spaceAfter=5, textColor=HEADER_BG),
        module=_style("module", 8.5, bold=True, leading=11, spaceBefore=6, spaceAfter=3),
        title=_style("title", 22, bold=True, leading=28, spaceAfter=10, textColor=HEADER_BG),
        subtitle=_style("subtitle", 13, leading=17, spaceAfter=6),
        toc1=_style("toc1", 10.5, bold=True, leading=15, leftIndent=0),
        toc2=_style("toc2", 9, leading=12.5, leftIndent=14),
    )


def table_style(commands: Sequence[tuple[Any, ...]]) -> TableStyle:
    """A table style whose cells default to DejaVu Sans.

    reportlab's cell font is Helvetica, which would then be named in the PDF (not embedded)
    even when every cell holds a paragraph of our own font.
    """
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), *commands])


class Cell(Paragraph):  # type: ignore[misc]  # reportlab is untyped
    """A table cell paragraph that breaks its lines once per width.

    A long table asks every cell for its size many times (height calculation, each page
    split, drawing) and always with its column's width; re-breaking the lines each time made
    large reports several times slower.
    """

    _wrapped: tuple[float, float]
    _wrapped_for: float

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if getattr(self, "_wrapped_for", None) == availWidth:
            return self._wrapped
        self._wrapped = super().wrap(availWidth, availHeight)
        self._wrapped_for = availWidth
        return self._wrapped

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        if not getattr(canvas, "sketch", False):
            super().drawOn(canvas, x, y, _sW)


#: a row may be split across pages only into parts at least this tall (points): a row of ordinary
#: height moves to the next page whole, as before; a row taller than a page (a statement of
#: several thousand characters in a narrow column) is continued on the next page instead of
#: ending the report with reportlab's LayoutError
MIN_ROW_PART = 160


#: the longest text one paragraph flowable gets (see :meth:`ReportBuilder.para`)
PARA_PIECE = 4000


def _pieces(text: str, size: int) -> list[str]:
    """``text`` in pieces of at most about ``size`` characters, cut after a sentence's end (". ")
    where there is one in the second half of a piece, else at a space, else hard."""
    pieces = []
    rest = text
    while len(rest) > size:
        cut = rest.rfind(". ", size // 2, size)
        cut = cut + 1 if cut >= 0 else rest.rfind(" ", size // 2, size)
        if cut <= 0:
            cut = size
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


class ReportTable(LongTable):  # type: ignore[misc]  # reportlab is untyped
    """A table that, like :class:`Cell`, is not drawn on the throw-away first pass, and whose rows
    taller than a page are continued on the next (:data:`MIN_ROW_PART`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("splitInRow", MIN_ROW_PART)
        super().__init__(*args, **kwargs)

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        if not getattr(canvas, "sketch", False):
            super().drawOn(canvas, x, y, _sW)


#: horizontal cell padding (left + right) of :meth:`ReportBuilder.table`, plus a hair of slack
CELL_PAD = 3 + 3 + 0.5
#: a column is never widened beyond this share of the page for its longest word; longer words
#: (free text) may still break
MAX_WORD_SHARE = 0.22


def _longest_word(text: str, font: str, size: float) -> float:
    return max((pdfmetrics.stringWidth(word, font, size) for word in text.split()), default=0.0)


def fit_widths(header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float]) -> list[float]:
    """Column widths in points, widened so that no header word and no word of a plain-text cell breaks.

    reportlab splits a word that does not fit its column mid-word ("Meng/e", "Umsetzu/ng");
    the width a column needs beyond its share is taken from columns with room to spare, in
    proportion to that room.
    """
    register_fonts()
    size = 7.5
    cap = MAX_WORD_SHARE * CONTENT_WIDTH
    points = [w * CONTENT_WIDTH for w in widths]
    needs = []
    for index, head in enumerate(header):
        need = _longest_word(head, FONT_BOLD, size)
        for row in rows:
            value = row[index] if index < len(row) else None
            if isinstance(value, str):
                need = max(need, _longest_word(value, FONT, size))
        needs.append(min(need, cap) + CELL_PAD)
    missing = sum(max(0.0, need - width) for need, width in zip(needs, points))
    spare = sum(max(0.0, width - need) for need, width in zip(needs, points))
    if missing <= 0 or spare <= 0:
        return points
    give = min(1.0, missing / spare)
    take = min(1.0, spare / missing)
    return [width + (need - width) * take if need > width else width - (width - need) * give
            for need, width in zip(needs, points)]


class Heading(Paragraph):  # type: ignore[misc]  # reportlab is untyped
    """A heading that enters the table of contents and the PDF outline."""

    def __init__(self, text: str, style: ParagraphStyle, level: int, key: str):
        super().__init__(escape(text), style)
        self.toc_text = text
        self.toc_level = level
        self.toc_key = key


class _Document(BaseDocTemplate):  # type: ignore[misc]  # reportlab is untyped
    def afterFlowable(self, flowable: Any) -> None:
        if isinstance(flowable, Heading):
            self.canv.bookmarkPage(flowable.toc_key)
            self.canv.addOutlineEntry(flowable.toc_text, flowable.toc_key, level=flowable.toc_level,
                                      closed=flowable.toc_level > 0)
            self.notify("TOCEntry", (flowable.toc_level, escape(flowable.toc_text), self.page, flowable.toc_key))


@dataclass(frozen=True)
class Furniture:
    """What every page shows around the content."""

    marking: str
    running_title: str
    date_text: str


def _canvas_class(furniture: Furniture, epoch: int, sketch_first: bool) -> type:
    passes = []

    class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab is untyped
        """Holds pages back until the end, so each can say "Seite x von y".

        With contents and headings, the first pass only collects page numbers and is never
        saved (the contents are still empty then, so a second pass follows), so its tables
        are laid out but not drawn (``sketch``); later passes draw everything.
        """

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # reportlab starts every page in Helvetica, which would then be named (not embedded) in the PDF
            kwargs["initialFontName"] = kwargs.get("initialFontName") or FONT
            super().__init__(*args, **kwargs)
            passes.append(self)
            self.sketch = sketch_first and len(passes) == 1
            # reportlab takes the creation date from the clock or SOURCE_DATE_EPOCH only
            stamp = TimeStamp(invariant=True)
            stamp.t = epoch
            stamp.lt = time.gmtime(epoch)
            stamp.YMDhms = tuple(stamp.lt)[:6]
            self._doc._timeStamp = stamp
            self._held: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held)
            for state in self._held:
                self.__dict__.update(state)
                self._furniture(total)
                Canvas.showPage(self)
            Canvas.save(self)

        def _furniture(self, total: int) -> None:
            self.saveState()
            self.setFillColor(MARKING)
            self.setFont(FONT_BOLD, 9)
            self.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 1.1 * cm, furniture.marking)
            self.drawCentredString(PAGE_WIDTH / 2, 0.8 * cm, furniture.marking)
            self.setFillColor(colors.HexColor("#555555"))
            self.setFont(FONT, 7.5)
            self.drawString(MARGIN, PAGE_HEIGHT - 1.55 * cm, furniture.running_title)
            self.drawRightString(PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 1.55 * cm, furniture.date_text)
            self.setStrokeColor(GRID)
            self.setLineWidth(0.4)
            self.line(MARGIN, PAGE_HEIGHT - 1.7 * cm, PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 1.7 * cm)
            self.line(MARGIN, 1.35 * cm, PAGE_WIDTH - MARGIN, 1.35 * cm)
            self.drawRightString(PAGE_WIDTH - MARGIN, 1.0 * cm, f"Seite {self._pageNumber} von {total}")
            self.restoreState()

    return NumberedCanvas


class ReportBuilder:
    """Collects the story of one report and writes it as a PDF."""

    def __init__(self, *, title: str, subject: str, author: str, marking: str, running_title: str,
                 date: Any, epoch: int, date_text: str | None = None):
        """``date_text`` replaces "Erstellt am <date>" at the top right of every page."""
        register_fonts()
        self.styles = make_styles()
        self.title = title
        self.subject = subject
        self.author = author
        self.epoch = epoch
        self.furniture = Furniture(marking, running_title, date_text or f"Erstellt am {date_de(date)}")
        self.story: list[Any] = []
        self._keys = 0

    def toc(self) -> None:
        contents = TableOfContents(dotsMinLevel=0, tableStyle=table_style(defaultTableStyle.getCommands()))
        contents.levelStyles = [self.styles.toc1, self.styles.toc2]
        self.story.append(contents)

    def heading(self, text: str, level: int = 0, *, new_page: bool = False) -> None:
        if new_page:
            self.story.append(PageBreak())
        elif level == 0:
            self.story.append(CondPageBreak(6 * cm))
        else:
            self.story.append(CondPageBreak(3 * cm))
        self._keys += 1
        style = self.styles.h1 if level == 0 else self.styles.h2
        self.story.append(Heading(text, style, level, f"h{self._keys}"))

    def para(self, text: str, style: ParagraphStyle | None = None) -> None:
        """A paragraph of literal text.

        A text longer than :data:`PARA_PIECE` characters becomes several paragraphs, cut at
        sentence ends (or spaces) with no space between them, so it reads as one: reportlab
        breaks a paragraph's lines again for every page it is split across, which made a section
        text of 400 kB take minutes.
        """
        style = style or self.styles.body
        if len(text) <= PARA_PIECE:
            self.story.append(Paragraph(escape(text), style))
            return
        pieces = _pieces(text, PARA_PIECE)
        first = ParagraphStyle(f"{style.name}-first", parent=style, spaceAfter=0)
        middle = ParagraphStyle(f"{style.name}-middle", parent=style, spaceBefore=0, spaceAfter=0)
        last = ParagraphStyle(f"{style.name}-last", parent=style, spaceBefore=0)
        for index, piece in enumerate(pieces):
            chosen = first if index == 0 else last if index == len(pieces) - 1 else middle
            self.story.append(Paragraph(escape(piece), chosen))

    def markup(self, markup: str, style: ParagraphStyle | None = None) -> None:
        """A paragraph of our own markup; every user value in it must be escaped by the caller."""
        self.story.append(Paragraph(markup, style or self.styles.body))

    def space(self, height: float = 4 * mm) -> None:
        self.story.append(Spacer(1, height))

    def page_break(self) -> None:
        self.story.append(PageBreak())

    def add(self, flowable: Any) -> None:
        self.story.append(flowable)

    def cell(self, text: Any, *, bold: bool = False, right: bool = False) -> Paragraph:
        style = self.styles.cell_bold if bold else self.styles.cell_right if right else self.styles.cell
        return Cell(escape("" if text is None else text), style)

    def cell_markup(self, markup: str) -> Paragraph:
        """A cell of our own markup; every user value in it must be escaped by the caller."""
        return Cell(markup, self.styles.cell)

    def table(self, header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float], *,
              right: Sequence[int] = (), tints: Sequence[tuple[int, int, Any]] = (),
              extra: Sequence[tuple[Any, ...]] = ()) -> None:
        """A table that breaks across pages and repeats its header.

        Cells that are strings are user text (escaped, wrapped); other cells (Paragraphs,
        drawings) are used as given. ``widths`` are fractions of the content width;
        ``tints`` colours single cells as (column, row, colour), rows counted without header.
        """
        data = [[Cell(escape(h), self.styles.head) for h in header]]
        widths = fit_widths(header, rows, widths)
        for row in rows:
            data.append([
                self.cell(value, right=index in right) if not hasattr(value, "wrap") else value
                for index, value in enumerate(row)
            ])
        commands: list[tuple[Any, ...]] = [
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
            ("GRID", (0, 0), (-1, -1), 0.3, GRID),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA]),
        ]
        commands.extend(("BACKGROUND", (col, row + 1), (col, row + 1), tint) for col, row, tint in tints)
        commands.extend(extra)
        table = ReportTable(data, colWidths=widths, repeatRows=1,
                          style=table_style(commands), hAlign="LEFT")
        self.story.append(table)

    def pairs(self, rows: Sequence[tuple[str, str]], widths: Sequence[float] = (0.36, 0.64)) -> None:
        """Label–value lines in body text size, labels bold, no header row (a statement's figures).

        Both columns are user text (escaped, wrapped); ``widths`` are fractions of the content width.
        """
        label = ParagraphStyle("pair-label", parent=self.styles.body, fontName=FONT_BOLD, spaceAfter=0)
        value = ParagraphStyle("pair-value", parent=self.styles.body, spaceAfter=0)
        data = [[Cell(escape(left), label), Cell(escape(right), value)] for left, right in rows]
        table = ReportTable(data, colWidths=[w * CONTENT_WIDTH for w in widths], hAlign="LEFT", style=table_style([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.3, GRID),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]))
        self.story.append(table)

    def keep(self, *flowables: Any) -> None:
        self.story.append(KeepTogether(list(flowables)))

    def image(self, path: Path, max_width: float, max_height: float) -> Image:
        image = Image(str(path))
        scale = min(max_width / image.imageWidth, max_height / image.imageHeight, 1.0)
        image.drawWidth = image.imageWidth * scale
        image.drawHeight = image.imageHeight * scale
        return image

    def signature_block(self, pairs: Sequence[tuple[str, str]]) -> None:
        """Lines to sign on, two per row, each with the role (and the name, if given) below."""
        captions = [escape(role) + (f"<br/>{escape(name)}" if name else "") for role, name in pairs]
        rows: list[list[Any]] = []
        commands: list[tuple[Any, ...]] = [("VALIGN", (0, 0), (-1, -1), "TOP")]
        for start in range(0, len(captions), 2):
            pair = captions[start:start + 2]
            rows.append(["", "", ""])
            rows.append([Paragraph(pair[0], self.styles.small), "",
                         Paragraph(pair[1], self.styles.small) if len(pair) > 1 else ""])
            line_row = len(rows) - 1
            commands.append(("LINEABOVE", (0, line_row), (0, line_row), 0.6, colors.black))
            if len(pair) > 1:
                commands.append(("LINEABOVE", (2, line_row), (2, line_row), 0.6, colors.black))
        heights = [1.4 * cm if i % 2 == 0 else None for i in range(len(rows))]
        table = LongTable(rows, colWidths=[CONTENT_WIDTH * 0.45, CONTENT_WIDTH * 0.1, CONTENT_WIDTH * 0.45],
                          rowHeights=heights, hAlign="LEFT", style=table_style(commands))
        self.story.append(KeepTogether([table]))

    def render(self) -> bytes:
        """The PDF bytes (two or more passes so contents and "von y" are right)."""
        buffer = io.BytesIO()
        doc = _Document(
            buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=2.2 * cm,
            bottomMargin=1.9 * cm, title=self.title, author=self.author, subject=self.subject,
            creator="ikz-isms", producer="ikz-isms (ReportLab)", invariant=1, lang="de-DE",
        )
        frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        sketch_first = any(isinstance(f, TableOfContents) for f in self.story) and \
            any(isinstance(f, Heading) for f in self.story)
        _expect_entries(self.story)
        doc.multiBuild(list(self.story), canvasmaker=_canvas_class(self.furniture, self.epoch, sketch_first))
        return buffer.getvalue()


def _headings(flowables: Sequence[Any]) -> Iterator[Heading]:
    """The headings of a story in order, also those kept together with what follows them."""
    for flowable in flowables:
        if isinstance(flowable, Heading):
            yield flowable
        elif isinstance(flowable, KeepTogether):
            yield from _headings(flowable._content)


def _expect_entries(story: Sequence[Any]) -> None:
    """Give each table of contents its entries before the first pass, with page 0 for now.

    reportlab lays out a contents table with the entries of the pass before; left empty, the
    first pass sets a one-line table, the second pass a table of its full length (which moves
    every page after it) and only a third has page numbers that hold. With the entries known
    from the story, the first pass already sets the table at its full length, the second has
    the right numbers, and ``multiBuild`` stops there. Should a heading be missed here, the
    entries differ and reportlab simply takes another pass.
    """
    entries = [(h.toc_level, escape(h.toc_text), 0, h.toc_key) for h in _headings(story)]
    for flowable in story:
        if isinstance(flowable, TableOfContents) and entries:
            flowable._entries = list(entries)


def builder_for_date(day: _dt.date, *, title: str, subject: str, marking: str, running_title: str,
                     author: str = "ikz-isms", date_text: str | None = None) -> ReportBuilder:
    """A builder whose PDF is dated ``day`` (00:00 UTC).

    ``day`` comes from the data (a notice date, the end of a settled year), never the clock,
    so the same input gives the same bytes.
    """
    return ReportBuilder(title=title, subject=subject, author=author, marking=marking, running_title=running_title,
                         date=day, epoch=midnight_epoch(day), date_text=date_text)
