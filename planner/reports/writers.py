"""The xlsx and PDF renderings of a report dataset (tables.py). Both walk the same dataset, so every figure is the
same in the Excel file, the PDF and the page. The xlsx is written in openpyxl's write-only mode with native
Excel charts, one sheet per table, and (final report only) an annex of the records the reader may see, streamed
from the database. PDFs never carry a record annex."""
from datetime import datetime

from flask_babel import gettext as _

from planner.core.charts import bar_chart
from planner.core.pdf import CouncilNote, NoteCover
from planner.core.spreadsheets import ChartSpec, StreamSheet, stream_workbook_bytes
from planner.reports.tables import COUNT, MONEY, QUANTITY, RATE, display

NUMBER_FORMATS = {QUANTITY: "#,##0.######", MONEY: "#,##0.00", RATE: "0.00%", COUNT: "#,##0"}
CHART_ROWS = 20  # a chart shows the largest rows; the table shows them all
PDF_COLUMNS = 12


def _created(dataset):
    return datetime.fromisoformat(dataset.generated_at).replace(tzinfo=None)


def _summary_rows(dataset):
    c = dataset.cover
    yield [_("Document number"), c.number, None]
    yield [_("Date"), c.date, None]
    yield [_("From"), c.sender, None]
    yield [_("To"), c.recipient, None]
    yield [_("Subject"), c.subject, None]
    if c.marking and c.marking != "NONE":
        yield [_("Marking"), c.marking, None]
    yield [_("Figures"), dataset.scope_note, None]
    yield [_("Generated (UTC)"), dataset.generated_at, None]
    for number, section in dataset.walk():
        yield [f"{number}. {section.title}", None, None]
        for fact in section.facts:
            yield [fact.label, fact.value, None]


def _narrative_rows(dataset):
    for number, section in dataset.walk():
        if section.text is not None:
            yield [f"{number}. {section.title}", section.text]


def dataset_xlsx(dataset, annex=None) -> bytes:
    """`annex`: an optional StreamSheet of records (a generator of rows), written last."""
    sheets = [StreamSheet(_("Summary"), [_("Item"), _("Value"), ""], _summary_rows(dataset), widths={0: 50, 1: 60})]
    if any(s.text is not None for _n, s in dataset.walk()):
        sheets.append(StreamSheet(_("Narrative"), [_("Section"), _("Text")], _narrative_rows(dataset),
                                  widths={0: 40, 1: 120}))
    for table in dataset.tables():
        chart = None
        if table.chart and table.rows:
            label_col, value_col = table.chart
            chart = ChartSpec(table.title, label_col, [value_col], kind="bar",
                              y_title=table.columns[value_col].label)
        formats = {i: NUMBER_FORMATS[c.kind] for i, c in enumerate(table.columns) if c.kind in NUMBER_FORMATS}
        sheets.append(StreamSheet(table.sheet or table.title, [c.label for c in table.columns], table.rows,
                                  chart=chart, number_formats=formats, row_count_hint=len(table.rows)))
    if annex is not None:
        sheets.append(annex)
    return stream_workbook_bytes(sheets, title=dataset.cover.subject, marking=dataset.cover.marking,
                                 created=_created(dataset))


def dataset_pdf(dataset) -> bytes:
    c = dataset.cover
    cover = NoteCover(number=c.number, date=c.date, sender=c.sender, recipient=c.recipient, subject=c.subject,
                      marking=c.marking, file_code=c.file_code, previous_reference=c.previous_reference,
                      labels={"from": _("From:"), "to": _("To:"), "subject": _("Subject:"),
                              "number": _("Document number:"), "file_code": _("File code:"),
                              "previous": _("Previous document:"), "page": _("page %(page)d of %(pages)d"),
                              "contents": _("Contents")})
    note = CouncilNote(cover, title=dataset.title, contents=True,
                       creation_date=datetime.fromisoformat(dataset.generated_at))
    if dataset.scope_note:
        note.paragraph(dataset.scope_note, style="small")

    def render(section, depth):
        (note.section if depth == 0 else note.subsection)(section.title)
        if section.text is not None:
            note.paragraph(section.text)
        if section.facts:
            note.key_values([(f.label, display(f.value, f.kind)) for f in section.facts], key_width=85)
        for table in section.tables:
            note.markup(f"<b>{_escape(table.title)}</b>", style="small")
            if not table.rows:
                note.paragraph(_("Nothing recorded."), style="small")
                continue
            for columns in _column_groups(len(table.columns)):
                cols = [table.columns[i] for i in columns]
                note.table([col.label for col in cols],
                           [[display(row[i], table.columns[i].kind) for i in columns] for row in table.rows],
                           align_right=[n for n, col in enumerate(cols) if col.kind != "text"])
            if table.chart:
                label_col, value_col = table.chart
                rows = [(str(r[label_col]), r[value_col]) for key, r in zip(table.row_keys, table.rows)
                        if r[value_col] and key != "total"]
                rows = sorted(rows, key=lambda r: r[1], reverse=True)[:CHART_ROWS]
                drawing = bar_chart(rows, value_label=lambda v, k=table.columns[value_col].kind: display(v, k))
                if drawing is not None:
                    note.drawing(drawing)
            note.spacer(3)
        for sub in section.subsections:
            render(sub, depth + 1)

    for section in dataset.sections:
        render(section, 0)
    return note.build()


def _column_groups(count):
    """A table wider than the page (the participation matrix of 40 operations) is printed in parts of at most
    PDF_COLUMNS columns, each repeating the first column."""
    if count <= PDF_COLUMNS:
        return [list(range(count))]
    step = PDF_COLUMNS - 1
    return [[0] + list(range(start, min(start + step, count))) for start in range(1, count, step)]


def _escape(value):
    from xml.sax.saxutils import escape

    return escape(str(value))
