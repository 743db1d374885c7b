"""A generic "Council note" PDF builder (ReportLab platypus); it knows no feature.

A Council note has a cover block (document number, date, from, to, subject, handling marking), then numbered
sections of paragraphs, key/value lists, tables and drawings. The handling marking (e.g. LIMITE) is printed in
the header of EVERY page, beside the document number; the footer says "page X of Y".

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

Pass `marking=""` (or "NONE") for an unmarked document: the header then carries the number only. Strings given
to the builder are shown as given: translate them (gettext) before.
"""
from dataclasses import dataclass, field
from datetime import date as date_type
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import (
    KeepTogether, ListFlowable, ListItem, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle,
)

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
UNMARKED = ("", "NONE", None)


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
                    "file_code": "File code:", "previous": "Previous document:", "page": "page %(page)d of %(pages)d"}
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
        "h1": ParagraphStyle("h1", parent=base["Heading2"], fontName="Helvetica-Bold", fontSize=12, leading=15,
                             spaceBefore=10, spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=base["Heading3"], fontName="Helvetica-Bold", fontSize=10.5, leading=13,
                             spaceBefore=6, spaceAfter=2),
        "marking": ParagraphStyle("marking", parent=base["Title"], fontName="Helvetica-Bold", fontSize=14,
                                  alignment=TA_CENTER, textColor=colors.darkred),
        "subject": ParagraphStyle("subject", parent=base["BodyText"], fontName="Helvetica-Bold", fontSize=11,
                                  leading=14),
    }


class _NumberedCanvas(pdf_canvas.Canvas):
    """Defers each page until the total is known, then draws the header and "page X of Y" on every page."""

    cover: NoteCover = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
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


class CouncilNote:
    """Collects the body of a note; `build()` returns the PDF as bytes."""

    def __init__(self, cover: NoteCover, title=None, author=""):
        self.cover = cover
        self.styles = _styles()
        self.story = []
        self.title = title or cover.subject
        self.author = author
        self._section = 0
        self._subsection = 0
        self._cover_block()

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
        table = Table(rows, colWidths=[40 * mm, CONTENT_WIDTH - 40 * mm])
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, -1), (-1, -1), 0.8, colors.black),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]))
        self.story += [table, Spacer(1, 6 * mm)]

    # --- the body ----------------------------------------------------------------------------------------
    def section(self, title):
        """A numbered section heading ("3. Title"); returns its number."""
        self._section += 1
        self._subsection = 0
        self.story.append(Paragraph(f"{self._section}. {text(title)}", self.styles["h1"]))
        return self._section

    def subsection(self, title):
        self._subsection += 1
        self.story.append(Paragraph(f"{self._section}.{self._subsection}. {text(title)}", self.styles["h2"]))

    def paragraph(self, value, style="body"):
        """Escaped user text; an empty value is shown as an em dash."""
        self.story.append(Paragraph(text(value) if value not in (None, "") else "—", self.styles[style]))

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
        data = [[Paragraph(text(k), self.styles["head"]), Paragraph(text(v) if v not in (None, "") else "—",
                                                                     self.styles["cell"])] for k, v in rows]
        if not data:
            return
        table = Table(data, colWidths=[key_width * mm, CONTENT_WIDTH - key_width * mm])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
        self.story.append(table)

    def table(self, headers, rows, col_widths=None, align_right=(), total_row=False):
        """A table with a repeated header row. col_widths in mm; align_right lists column indexes."""
        data = [[Paragraph(text(h), self.styles["head"]) for h in headers]]
        for row in rows:
            data.append([Paragraph(text(v), self.styles["cell"]) for v in row])
        widths = [w * mm for w in col_widths] if col_widths else None
        table = Table(data, colWidths=widths, repeatRows=1)
        style = [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
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
        buffer = BytesIO()
        doc = SimpleDocTemplate(
            buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN + 4 * mm,
            bottomMargin=MARGIN, title=self.title, author=self.author, subject=self.cover.subject,
        )
        canvas_class = type("NoteCanvas", (_NumberedCanvas,), {"cover": self.cover})
        doc.build(list(self.story), canvasmaker=canvas_class)
        return buffer.getvalue()
