"""A generic "Council note" PDF builder (ReportLab platypus); it knows no feature.

A Council note has a cover block (document number, date, from, to, subject, handling marking), then numbered
sections of paragraphs, key/value lists, tables and drawings. The handling marking (e.g. LIMITE) is printed in
the header of EVERY page, beside the document number; the footer says "page X of Y". With `contents=True` a
"Contents" block after the cover lists every section and subsection with its page number; every heading is
also an entry of the PDF outline (bookmarks). A heading is any paragraph in style "h1" or "h2".

Usage (any feature, e.g. a business case or a roster contact list):

    from planner.core.pdf import CouncilNote, NoteCover

    note = CouncilNote(NoteCover(number="JSO 2026/03 BC v2", date=date(2026, 2, 10), sender="LT customs",
                                 recipient="Customs Cooperation Working Party", subject="Business case: AMBER SHIELD",
                                 marking="LIMITE"))
    note.section("Threat assessment")          # → "1. Threat assessment"
    note.paragraph(user_text)                  # user text is escaped (no markup injection)
    note.key_values([("Likelihood", "4"), ("Impact", "4")])
    note.table(["Item", "EUR"], [["travel", "12 000.00"]], col_widths=[120, 60])   # widths in mm, optional
    note.drawing(some_reportlab_graphics_drawing)
    pdf_bytes = note.build()

`CouncilNote(cover, contents=True)` (or `note.contents()` right after creating the note) adds the contents.
The same note gives the same bytes on every build (`invariant=True`, the default; the PDF's creation date is
then `creation_date` if given, else a fixed date), so a frozen report can be rebuilt and compared by hash.

Pass `marking=""` (or "NONE") for an unmarked document: the header then carries the number only. Strings given
to the builder are shown as given: translate them (gettext) before.
"""
from ast import literal_eval
from dataclasses import dataclass, field
from datetime import date as date_type, datetime, timezone
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import (
    KeepTogether, ListFlowable, ListItem, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
UNMARKED = ("", "NONE", None)
HEADING_LEVELS = {"h1": 0, "h2": 1}  # paragraph style name → level in the contents and the outline


@dataclass
class NoteCover:
    """What the cover of a Council note says. `labels` overrides the captions (translated by the caller)."""

    number: str
    date: date_type | str
    sender: str
    recipient: str
    subject: str
    marking: str = "LIMITE"
    file_code: str = ""
    previous_reference: str = ""
    place: str = "Brussels"
    labels: dict = field(default_factory=dict)

    def label(self, key):
        defaults = {"from": "From:", "to": "To:", "subject": "Subject:", "number": "Document number:",
                    "file_code": "File code:", "previous": "Previous document:", "page": "page %(page)d of %(pages)d",
                    "contents": "Contents"}
        return self.labels.get(key, defaults[key])

    @property
    def is_marked(self):
        return self.marking not in UNMARKED

    @property
    def date_text(self):
        return self.date.isoformat() if hasattr(self.date, "isoformat") else str(self.date)


def text(value):
    """User text made safe for a Paragraph (escaped; line breaks kept)."""
    return escape("" if value is None else str(value)).replace("\n", "<br/>")


def _styles():
    base = getSampleStyleSheet()
    return {
        "body": ParagraphStyle("body", parent=base["BodyText"], fontName="Helvetica", fontSize=10, leading=13),
        "small": ParagraphStyle("small", parent=base["BodyText"], fontName="Helvetica", fontSize=8, leading=10),
        "cell": ParagraphStyle("cell", parent=base["BodyText"], fontName="Helvetica", fontSize=9, leading=11),
        "head": ParagraphStyle("head", parent=base["BodyText"], fontName="Helvetica-Bold", fontSize=9, leading=11),
        "cell_right": ParagraphStyle("cell_right", parent=base["BodyText"], fontName="Helvetica", fontSize=9,
                                     leading=11, alignment=TA_RIGHT),
        "head_right": ParagraphStyle("head_right", parent=base["BodyText"], fontName="Helvetica-Bold", fontSize=9,
                                     leading=11, alignment=TA_RIGHT),
        "h1": ParagraphStyle("h1", parent=base["Heading2"], fontName="Helvetica-Bold", fontSize=12, leading=15,
                             spaceBefore=10, spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=base["Heading3"], fontName="Helvetica-Bold", fontSize=10.5, leading=13,
                             spaceBefore=6, spaceAfter=2),
        "marking": ParagraphStyle("marking", parent=base["Title"], fontName="Helvetica-Bold", fontSize=14,
                                  alignment=TA_CENTER, textColor=colors.darkred),
        "subject": ParagraphStyle("subject", parent=base["BodyText"], fontName="Helvetica-Bold", fontSize=11,
                                  leading=14),
        "contents_title": ParagraphStyle("contents_title", parent=base["Heading2"], fontName="Helvetica-Bold",
                                         fontSize=12, leading=15, spaceBefore=4, spaceAfter=4),
        "toc1": ParagraphStyle("toc1", parent=base["BodyText"], fontName="Helvetica", fontSize=10, leading=13,
                               leftIndent=6 * mm, firstLineIndent=-6 * mm, rightIndent=10 * mm, spaceBefore=3, spaceAfter=0),
        "toc2": ParagraphStyle("toc2", parent=base["BodyText"], fontName="Helvetica", fontSize=9, leading=12,
                               leftIndent=14 * mm, firstLineIndent=-8 * mm, rightIndent=10 * mm, spaceBefore=0, spaceAfter=0),
    }


def _pdf_date(moment):
    """A date or datetime as a PDF date string (UTC; a naive datetime is taken as UTC)."""
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("D:%Y%m%d%H%M%S+00'00'")


# A table cell's font (its head's in bold), size and leading, and its left + right padding (ReportLab's 6 points
# each side). A cell whose text fits its column on one line is a plain string in this font: drawn as is, without
# the cost of a Paragraph's markup parsing and line breaking (reports hold thousands of cells); a longer text
# wraps, as a Paragraph. FRAME_WIDTH: what a flowable may use of the page (the frame pads 6 points each side).
CELL_FONT, HEAD_FONT, CELL_SIZE, CELL_LEADING, CELL_PADDING = "Helvetica", "Helvetica-Bold", 9, 11, 12
FRAME_WIDTH = CONTENT_WIDTH - 12


def _natural_widths(headers, columns):
    """The width of each column when every cell is one line (None when a value has a line break)."""
    if any("\n" in v for values in columns for v in values):
        return None
    return [max([stringWidth(str(h), HEAD_FONT, CELL_SIZE)] + [stringWidth(v, CELL_FONT, CELL_SIZE) for v in values])
            + CELL_PADDING for h, values in zip(headers, columns)]


def _fits(values, font, width):
    """Whether every value is one line no wider than `width` points in `font` at CELL_SIZE."""
    return all("\n" not in v for v in values) and max(
        (stringWidth(v, font, CELL_SIZE) for v in values), default=0) <= width


class _NumberedCanvas(pdf_canvas.Canvas):
    """Defers each page until the total is known, then draws the header and "page X of Y" on every page.

    The contents' page numbers are drawn here too, as the forms `_Contents` placed. Bookmarks are bound to a
    page when it is really written (at save), not when asked for: until then the document does not know which
    page it is on.
    """

    cover: NoteCover = None
    creation_date = None

    def __init__(self, *args, **kwargs):
        self._bookmarks = []
        super().__init__(*args, **kwargs)
        self._pages = []
        self.heading_pages = {}  # heading key → its page (set by the document as it places each heading)
        self.deferred_numbers = {}  # heading key → (font, size, colour, width) of its page number in the contents
        if self.creation_date is not None:
            stamp = _pdf_date(self.creation_date)
            self.setDateFormatter(lambda *_parts: stamp)

    def bookmarkPage(self, key, *args, **kwargs):
        self._bookmarks.append((key, args, kwargs))

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._bookmarks = []
        self._startPage()

    def save(self):
        total = len(self._pages)
        # the contents' page numbers, drawn as forms at their places before the pages were known
        for key, (font, size, colour, width) in self.deferred_numbers.items():
            self.beginForm(_number_form(key), lowerx=0, lowery=-size, upperx=width, uppery=2 * size)
            self.setFont(font, size)
            self.setFillColor(colour)
            self.drawRightString(width, 0, str(self.heading_pages.get(key, "")))
            self.endForm()
        for state in self._pages:
            self.__dict__.update(state)
            for key, args, kwargs in self._bookmarks:
                pdf_canvas.Canvas.bookmarkPage(self, key, *args, **kwargs)
            self._decorate(total)
            super().showPage()
        super().save()

    def _decorate(self, total):
        cover = self.cover
        self.saveState()
        top = PAGE_HEIGHT - 12 * mm
        self.setFont("Helvetica", 8)
        self.drawString(MARGIN, top, cover.number)
        if cover.is_marked:
            self.setFont("Helvetica-Bold", 11)
            self.setFillColor(colors.darkred)
            self.drawRightString(PAGE_WIDTH - MARGIN, top, cover.marking)
            self.setFillColor(colors.black)
        self.setStrokeColor(colors.grey)
        self.line(MARGIN, top - 2 * mm, PAGE_WIDTH - MARGIN, top - 2 * mm)
        self.setFont("Helvetica", 8)
        footer = cover.label("page") % {"page": self._pageNumber, "pages": total}
        self.drawCentredString(PAGE_WIDTH / 2, 10 * mm, footer)
        if cover.is_marked:
            self.drawRightString(PAGE_WIDTH - MARGIN, 10 * mm, cover.marking)
        self.restoreState()


def _number_form(key):
    return f"contents-page-{key}"


class _Contents(TableOfContents):
    """The contents laid out in one pass: its entries are known before the build (the headings of the story),
    and each page number is drawn as a form that the canvas defines once every page is placed (PDF allows a
    form to be used before it is defined), so the document is not built twice to learn them."""

    def wrap(self, availWidth, availHeight):
        size = super().wrap(availWidth, availHeight)

        def draw_entry_end(canvas, kind, label):
            _page, level, key = label.split(",")
            key = literal_eval(key)
            if key is None:  # the placeholder of contents without any heading
                return
            style = self.getLevelStyle(int(level))
            width = stringWidth("000", style.fontName, style.fontSize)
            x, y = canvas._curr_tx_info["cur_x"], canvas._curr_tx_info["cur_y"]
            dot = " . "
            dots = int(max(availWidth - x - width, 0) / stringWidth(dot, style.fontName, style.fontSize))
            if dots:
                canvas.setFont(style.fontName, style.fontSize)
                canvas.setFillColor(style.textColor)
                canvas.drawRightString(availWidth - width, y, dots * dot)
            canvas.saveState()
            canvas.translate(availWidth - width, y)
            canvas.doForm(_number_form(key))
            canvas.restoreState()
            canvas.linkRect("", key, (availWidth - width, y, availWidth, y + style.leading), relative=1)
            canvas.deferred_numbers[key] = (style.fontName, style.fontSize, style.textColor, width)

        self.canv.setNamedCB("drawTOCEntryEnd", draw_entry_end)
        return size


class _Heading(Paragraph):
    """A section or subsection heading: its key in the contents and the outline, and its plain title. Split at
    the foot of a page, only its first part carries them (the heading is on the page where it starts)."""

    def __init__(self, markup, style, key=None, **kwargs):  # ReportLab makes the parts of a split with kwargs
        super().__init__(markup, style, **kwargs)
        self.heading_key, self.heading_title = key, self.getPlainText() if key else ""

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        for n, part in enumerate(parts):
            part.heading_key = self.heading_key if n == 0 else None
            part.heading_title = self.heading_title
        return parts


class _NoteDocument(SimpleDocTemplate):
    """Gives every heading placed a bookmark and an entry of the PDF outline, and tells the canvas its page (for
    the contents)."""

    def beforeDocument(self):
        self._outline_level = -1

    def afterFlowable(self, flowable):
        key = getattr(flowable, "heading_key", None)
        if key is None:
            return
        level = HEADING_LEVELS[flowable.style.name]
        self.canv.bookmarkPage(key, fit="XYZ", top=self.frame._y + flowable.style.spaceAfter + flowable.height)
        self._outline_level = min(level, self._outline_level + 1)  # the outline may not skip a level
        self.canv.addOutlineEntry(flowable.heading_title, key, level=self._outline_level)
        self.canv.heading_pages[key] = self.page


class CouncilNote:
    """Collects the body of a note; `build()` returns the PDF as bytes.

    contents: add the "Contents" block after the cover (see `contents()`).
    invariant: the same note gives the same bytes (no time stamp, a fixed document id).
    creation_date: a date or datetime (UTC) written as the PDF's creation and modification date; without it an
    invariant note carries a fixed date (2000-01-01) and any other note the time of the build.
    """

    def __init__(self, cover: NoteCover, title=None, author="", contents=False, invariant=True,
                 creation_date=None):
        self.cover = cover
        self.styles = _styles()
        self.story = []
        self.title = title or cover.subject
        self.author = author
        self.invariant = invariant
        self.creation_date = creation_date
        self._section = 0
        self._subsection = 0
        self._headings = 0
        self._contents = None
        self._cover_block()
        if contents:
            self.contents()

    # --- the cover ---------------------------------------------------------------------------------------
    def _cover_block(self):
        c, s = self.cover, self.styles
        if c.is_marked:
            self.story += [Paragraph(text(c.marking), s["marking"]), Spacer(1, 4 * mm)]
        rows = [
            [Paragraph(text(c.place), s["body"]), Paragraph(text(c.date_text), s["body"])],
            [Paragraph(text(c.label("number")), s["head"]), Paragraph(text(c.number), s["body"])],
        ]
        if c.file_code:
            rows.append([Paragraph(text(c.label("file_code")), s["head"]), Paragraph(text(c.file_code), s["body"])])
        if c.previous_reference:
            rows.append([Paragraph(text(c.label("previous")), s["head"]),
                         Paragraph(text(c.previous_reference), s["body"])])
        rows += [
            [Paragraph(text(c.label("from")), s["head"]), Paragraph(text(c.sender), s["body"])],
            [Paragraph(text(c.label("to")), s["head"]), Paragraph(text(c.recipient), s["body"])],
            [Paragraph(text(c.label("subject")), s["head"]), Paragraph(text(c.subject), s["subject"])],
        ]
        table = Table(rows, colWidths=[40 * mm, FRAME_WIDTH - 40 * mm])
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, -1), (-1, -1), 0.8, colors.black),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]))
        self.story += [table, Spacer(1, 6 * mm)]

    def contents(self, title=None):
        """The "Contents" block at this point of the story (call it right after creating the note): every
        section and subsection with its page number, each a link to its heading. Added once; `title` defaults
        to the cover's "contents" label."""
        if self._contents is not None:
            return
        self._contents = _Contents(levelStyles=[self.styles["toc1"], self.styles["toc2"]], dotsMinLevel=0)
        heading = title if title is not None else self.cover.label("contents")
        self.story += [Paragraph(text(heading), self.styles["contents_title"]), self._contents, Spacer(1, 6 * mm)]

    # --- the body ----------------------------------------------------------------------------------------
    def section(self, title):
        """A numbered section heading ("3. Title"); returns its number."""
        self._section += 1
        self._subsection = 0
        self._heading(f"{self._section}. {text(title)}", "h1")
        return self._section

    def subsection(self, title):
        self._subsection += 1
        self._heading(f"{self._section}.{self._subsection}. {text(title)}", "h2")

    def _heading(self, markup, style):
        self._headings += 1
        self.story.append(_Heading(markup, self.styles[style], f"heading-{self._headings}"))

    def paragraph(self, value, style="body"):
        """Escaped user text; an empty value is shown as an em dash. Each line is a Paragraph of its own (a blank
        line leaves a gap): ReportLab splits one long Paragraph across pages in quadratic time, so a long text
        written as one would take minutes."""
        if value in (None, ""):
            self.story.append(Paragraph("—", self.styles[style]))
            return
        for line in str(value).replace("\r\n", "\n").split("\n"):
            if line.strip():
                self.story.append(Paragraph(text(line), self.styles[style]))
            else:
                self.story.append(Spacer(1, self.styles[style].leading / 2))

    def markup(self, value, style="body"):
        """Trusted ReportLab mini-markup (<b>, <i>): never pass user text here."""
        self.story.append(Paragraph(value, self.styles[style]))

    def bullets(self, items):
        items = [i for i in items if i not in (None, "")]
        if not items:
            return self.paragraph("")
        self.story.append(ListFlowable(
            [ListItem(Paragraph(text(i), self.styles["body"]), leftIndent=12) for i in items],
            bulletType="bullet", start="•", leftIndent=12,
        ))

    def key_values(self, rows, key_width=55):
        """[(label, value)] as a two-column list without grid; key_width in mm."""
        if not rows:
            return
        widths = [key_width * mm, FRAME_WIDTH - key_width * mm]
        data = []
        for key, value in rows:
            key, value = str(key), "—" if value in (None, "") else str(value)
            data.append([key if _fits([key], HEAD_FONT, widths[0] - CELL_PADDING) else
                         Paragraph(text(key), self.styles["head"]),
                         value if _fits([value], CELL_FONT, widths[1] - CELL_PADDING) else
                         Paragraph(text(value), self.styles["cell"])])
        table = Table(data, colWidths=widths)
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("FONT", (0, 0), (0, -1), HEAD_FONT, CELL_SIZE, CELL_LEADING),
            ("FONT", (1, 0), (1, -1), CELL_FONT, CELL_SIZE, CELL_LEADING),
        ]))
        self.story.append(table)

    def table(self, headers, rows, col_widths=None, align_right=(), total_row=False):
        """A table with a repeated header row. col_widths in mm; align_right lists column indexes."""
        right = set(align_right)  # a Paragraph aligns itself: the cell's ALIGN alone would not move it
        count = len(headers)
        widths = [w * mm for w in col_widths] if col_widths else None
        # The room of a column: its width, or without widths an equal share of the page (so that columns of
        # plain strings, which do not wrap, still fit the page together). Figures (right-aligned) are short and
        # always plain; a text column is plain when all its values fit, its head when it fits too.
        columns = [["" if row[i] is None else str(row[i]) for row in rows] for i in range(count)]
        room = [(widths[i] if widths else FRAME_WIDTH / count) - CELL_PADDING for i in range(count)]
        natural = None if widths else _natural_widths(headers, columns)
        if natural and sum(natural) <= FRAME_WIDTH:  # every cell on one line still fits the page: so be it
            widths, room = natural, [FRAME_WIDTH] * count
        plain = {i for i in range(count) if i in right or _fits(columns[i], CELL_FONT, room[i])}
        head = [self.styles["head_right" if i in right else "head"] for i in range(count)]
        data = [[str(h) if i in plain and _fits([str(h)], HEAD_FONT, room[i]) else Paragraph(text(h), head[i])
                 for i, h in enumerate(headers)]]
        for r in range(len(rows)):
            data.append([columns[i][r] if i in plain else Paragraph(text(rows[r][i]), self.styles["cell"])
                         for i in range(count)])
        table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
        style = [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("FONT", (0, 0), (-1, 0), HEAD_FONT, CELL_SIZE, CELL_LEADING),
            ("FONT", (0, 1), (-1, -1), CELL_FONT, CELL_SIZE, CELL_LEADING),
        ]
        for index in align_right:
            style.append(("ALIGN", (index, 0), (index, -1), "RIGHT"))
        if total_row and rows:
            style.append(("LINEABOVE", (0, -1), (-1, -1), 1, colors.black))
        table.setStyle(TableStyle(style))
        self.story.append(table)

    def drawing(self, drawing, keep_with_previous=None):
        """A reportlab.graphics Drawing (a chart, a matrix); kept on one page with an optional caption."""
        flow = [drawing]
        if keep_with_previous:
            flow.insert(0, Paragraph(text(keep_with_previous), self.styles["small"]))
        self.story.append(KeepTogether(flow))

    def spacer(self, height_mm=4):
        self.story.append(Spacer(1, height_mm * mm))

    def page_break(self):
        self.story.append(PageBreak())

    def build(self) -> bytes:
        """The PDF, laid out in one pass (the contents' page numbers are filled in when the pages are saved)."""
        buffer = BytesIO()
        doc = _NoteDocument(
            buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN + 4 * mm,
            bottomMargin=MARGIN, title=self.title, author=self.author, subject=self.cover.subject,
            invariant=1 if self.invariant else 0,
        )
        canvas_class = type("NoteCanvas", (_NumberedCanvas,),
                            {"cover": self.cover, "creation_date": self.creation_date})
        if self._contents is not None:
            self._contents._lastEntries = self._expected_contents()  # what it lays out (pages drawn at save)
        doc.build(list(self.story), canvasmaker=canvas_class)
        return buffer.getvalue()

    def _expected_contents(self):
        """The contents entries of the headings of the story, with page 0 for every page number (the pages are
        drawn when the document is saved)."""
        return [(HEADING_LEVELS[f.style.name], escape(f.heading_title), 0, f.heading_key)
                for f in self.story if isinstance(f, _Heading)]
