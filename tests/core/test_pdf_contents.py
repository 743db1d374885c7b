"""The generic Council note builder: contents with right page numbers, outline, marking and "page X of Y" on
every page, byte-identical rebuilds, and bar charts."""
import re
import subprocess
from datetime import date, datetime, timezone
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from planner.core.charts import MAX_ROWS, bar_chart
from planner.core.pdf import CouncilNote, NoteCover

SECTIONS = ["Overview of the operation", "Seizures by commodity", "Lessons learned"]
SUBSECTIONS = {1: ["Controls & hit rate"], 2: ["Cigarettes <and> tobacco"]}
CHART_TITLE = "Seizures per administration in kilograms"


def make_cover(marking="LIMITE"):
    return NoteCover(number="JSO 2026/07 FR", date=date(2026, 3, 1), sender="Lead administration",
                     recipient="Customs Cooperation Working Party", subject="Final report", marking=marking)


def make_note(contents=True, **kwargs):
    note = CouncilNote(make_cover(), contents=contents, **kwargs)
    note.section(SECTIONS[0])
    note.paragraph("Introduction text.")
    note.subsection(SUBSECTIONS[1][0])
    note.table(["Row", "Quantity"], [[f"record {i}", f"{i}.125"] for i in range(120)], col_widths=[100, 60],
               align_right=(1,))
    note.section(SECTIONS[1])
    note.subsection(SUBSECTIONS[2][0])
    note.drawing(bar_chart([("DE", Decimal("1250.125")), ("FR", 80), ("Administration with a very long name "
                                                                        "that will not fit beside the bars", 3)],
                           title=CHART_TITLE, value_label=lambda v: f"{v} kg"), "Chart caption")
    note.table(["Row", "Quantity"], [[f"item {i}", str(i)] for i in range(40)])
    note.section(SECTIONS[2])
    note.paragraph("Closing text.")
    return note


def page_texts(pdf):
    """The reader and each page's text with its lines as drawn, as poppler's pdftotext reads it (the contents'
    page numbers are forms filled in when the document is saved: pypdf's layout mode skips forms)."""
    reader = PdfReader(BytesIO(pdf))
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    pages = text.decode().split("\f")
    return reader, pages[:len(reader.pages)]


def heading_pages(texts, heading):
    """1-based pages holding `heading` as a line of its own (the contents line carries dots and a number)."""
    return [n for n, t in enumerate(texts, start=1) if heading in [line.strip() for line in t.splitlines()]]


def contents_entries(text):
    """{entry title: page} read from the contents lines ("1. Title . . . . 3")."""
    entries = {}
    for line in text.splitlines():
        match = re.match(r"^\s*(\d+(?:\.\d+)?\.\s.*?)\s*(?:\.\s*){3,}(\d+)\s*$", line)
        if match:
            entries[match.group(1).strip()] = int(match.group(2))
    return entries


def expected_headings():
    headings = []
    for number, title in enumerate(SECTIONS, start=1):
        headings.append(f"{number}. {title}")
        headings += [f"{number}.{i}. {sub}" for i, sub in enumerate(SUBSECTIONS.get(number, []), start=1)]
    return headings


def test_contents_lists_every_heading_with_the_page_it_is_on():
    _reader, texts = page_texts(make_note().build())
    assert len(texts) >= 4  # the table rows span pages
    assert "Contents" in texts[0]
    entries = contents_entries(texts[0])
    headings = expected_headings()
    assert list(entries) == headings
    for heading in headings:
        pages = heading_pages(texts, heading)
        assert len(pages) == 1, (heading, pages)
        assert entries[heading] == pages[0], heading
    # the sections really are spread over several pages: the check above compares different numbers
    assert len({entries[h] for h in headings}) >= 3


def test_contents_method_and_translated_label_and_long_contents():
    cover = make_cover()
    cover.labels = {"contents": "Table des matières"}
    note = CouncilNote(cover)
    note.contents()
    note.contents()  # added once
    for number in range(1, 61):
        note.section(f"Part {number}")
        note.table(["a"], [[str(i)] for i in range(8)])
    _reader, texts = page_texts(note.build())
    assert texts[0].count("Table des matières") == 1
    assert "Contents" not in "".join(texts)
    entries = {}
    for text in texts[:3]:  # sixty entries do not fit on the first page
        entries.update(contents_entries(text))
    assert len(entries) == 60
    for number in (1, 30, 60):
        assert entries[f"{number}. Part {number}"] == heading_pages(texts, f"{number}. Part {number}")[0]


def test_without_contents_there_is_no_contents_block():
    _reader, texts = page_texts(make_note(contents=False).build())
    assert "Contents" not in texts[0]
    assert heading_pages(texts, f"1. {SECTIONS[0]}") == [1]


def test_every_page_carries_the_marking_and_page_x_of_y():
    _reader, texts = page_texts(make_note().build())
    total = len(texts)
    assert total >= 4
    for number, text in enumerate(texts, start=1):
        assert "LIMITE" in text, number
        assert "JSO 2026/07 FR" in text, number
        assert f"page {number} of {total}" in text, number
        assert not re.search(rf"page \d+ of (?!{total}\b)\d+", text), number


def test_unmarked_note_has_no_marking():
    note = CouncilNote(make_cover(marking=""), contents=True)
    note.section("Only section")
    _reader, texts = page_texts(note.build())
    assert "LIMITE" not in texts[0]
    assert "page 1 of 1" in texts[0]


def test_headings_are_bookmarks_in_the_outline():
    reader, texts = page_texts(make_note().build())
    flat = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                flat.append((item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline)
    assert [title for title, _page in flat] == expected_headings()
    for title, page in flat:
        assert heading_pages(texts, title) == [page], title
    links = [a.get_object() for a in reader.pages[0].get("/Annots", [])]
    assert sum(1 for a in links if a["/Subtype"] == "/Link") >= len(expected_headings())


def test_builds_are_byte_identical():
    note = make_note()
    first = note.build()
    assert note.build() == first
    assert make_note().build() == first
    assert make_note(creation_date=date(2026, 3, 1)).build() == make_note(creation_date=date(2026, 3, 1)).build()


def test_creation_date_is_written_when_given():
    moment = datetime(2026, 3, 1, 10, 30, tzinfo=timezone.utc)
    reader, _texts = page_texts(make_note(creation_date=moment).build())
    assert reader.metadata.creation_date.replace(tzinfo=timezone.utc) == moment
    reader, _texts = page_texts(make_note().build())
    assert reader.metadata.creation_date.year == 2000  # the fixed date of an invariant document


def test_chart_renders_in_the_pdf():
    _reader, texts = page_texts(make_note().build())
    text = "\n".join(texts)
    assert CHART_TITLE in text
    assert "1250.125 kg" in text and "80 kg" in text
    assert "DE" in text and "Administration with a very long" in text
    assert "that will not fit beside the bars" not in text  # the label was cut


def test_bar_chart_shape():
    assert bar_chart([]) is None
    small = bar_chart([("a", 1)], title="t")
    many = bar_chart([(f"row {i}", Decimal(i) / 3) for i in range(40)])
    capped = bar_chart([(f"row {i}", Decimal(i) / 3) for i in range(MAX_ROWS)])
    assert many.height > small.height
    assert many.height == capped.height
    assert bar_chart([("a", 1)], width_mm=100).width < small.width
    zeros = bar_chart([("a", 0), ("b", Decimal("0.000"))])
    assert zeros is not None
    bars = [node for node in many.contents if node.__class__.__name__ == "Rect"]
    assert len(bars) == MAX_ROWS - 1  # row 0 has the value 0: no bar
    widths = [bar.width for bar in bars]
    assert widths == sorted(widths) and widths[-1] / widths[0] == pytest.approx(MAX_ROWS - 1)  # to scale
    assert [bar.y for bar in bars] == sorted((bar.y for bar in bars), reverse=True)  # the first row on top
    texts = [node.text for node in many.contents if node.__class__.__name__ == "String"]
    assert str(Decimal(23) / 3) in texts and "0" in texts  # the exact value beside its bar, a tick below


def test_bar_chart_is_deterministic():
    from reportlab.graphics import renderSVG

    rows = [("cigarettes", Decimal("283671.925")), ("cocaine", 12)]
    assert renderSVG.drawToString(bar_chart(rows)) == renderSVG.drawToString(bar_chart(rows))


def test_align_right_columns_are_right_aligned():
    note = CouncilNote(make_cover())
    note.table(["Item", "Quantity"], [["a", "1.5"], ["b", "12345.125"]], col_widths=[60, 60], align_right=(1,))
    page = PdfReader(BytesIO(note.build())).pages[0]
    starts = {}
    page.extract_text(visitor_text=lambda t, cm, tm, *_: starts.setdefault(t.strip(), cm[4] + tm[4]))
    assert starts["1.5"] > starts["12345.125"]  # the shorter number starts further right: the ends line up
    assert starts["a"] == starts["b"]


def test_a_long_text_is_one_paragraph_per_line_so_it_lays_out_in_linear_time():
    """One Paragraph of thousands of lines is split across pages in quadratic time (minutes, gigabytes)."""
    from datetime import date

    from reportlab.platypus import Paragraph

    from planner.core.pdf import CouncilNote, NoteCover

    note = CouncilNote(NoteCover("N", date(2026, 1, 1), "a", "b", "c"))
    before = len(note.story)
    note.paragraph("first line\nsecond <b>line</b>\n\nafter a blank line")
    added = note.story[before:]
    paragraphs = [f for f in added if isinstance(f, Paragraph)]
    assert len(added) == 4 and len(paragraphs) == 3
    assert "&lt;b&gt;" in paragraphs[1].text  # still escaped
    note.paragraph("x\n" * 3000)
    assert len(note.build()) > 0


def test_tables_of_one_line_cells_stay_inside_the_margins():
    """Cells that fit on one line are plain strings, which do not wrap: the table they make must still fit the
    frame, the cell padding counted (whether the planner sizes the columns or ReportLab does)."""
    from reportlab.platypus import Table

    from planner.core.pdf import CONTENT_WIDTH

    note = CouncilNote(make_cover())
    for length in range(10, 90, 2):  # from tables that fit easily to tables that must wrap
        rows = [[f"JSO-2026-{i:02d}", ("NORTHERN LIGHTS CROSSING " * 4)[:length], "LT", "Post-operational phase",
                 "12 064", "12 065", "33 632", "2 840"] for i in range(3)]
        note.table(["Reference", "Code name", "Lead", "State", "Seizures", "Arrests", "Controls", "Hits"], rows,
                   align_right=(4, 5, 6, 7))
        note.table([f"Column {i}" for i in range(12)], [[f"v{i}" + "w" * (length // 8) for i in range(12)]])
    note.key_values([("A label", "A value that nearly fills the line " + "m" * n) for n in range(30, 50)])
    note.build()
    frame = CONTENT_WIDTH - 12  # the frame pads 6 points on each side
    widths = [f._width for f in note.story if isinstance(f, Table)]
    assert len(widths) > 80 and max(widths) <= frame + 0.01, max(widths) - frame


def test_contents_without_any_heading_still_builds():
    note = CouncilNote(make_cover(), contents=True)
    note.paragraph("Only text.")
    assert note.build().startswith(b"%PDF")


def test_a_heading_split_at_the_foot_of_a_page_keeps_every_page_number_right():
    """A heading of several lines may be split across two pages: the contents still give every heading the
    page it starts on, and those after it theirs."""
    long_title = "Modus operandi of the networks moving cigarettes " * 6
    checked = 0
    for height in range(150, 235, 3):
        note = CouncilNote(make_cover(), contents=True)
        note.section("Before")
        note.spacer(height)
        note.subsection(long_title)
        note.paragraph("Text under the long heading.")
        note.section("After the long one")
        note.paragraph("Closing text.")
        reader, texts = page_texts(note.build())
        entries = contents_entries(texts[0])
        assert entries["2. After the long one"] == heading_pages(texts, "2. After the long one")[0], height
        assert entries["1. Before"] == heading_pages(texts, "1. Before")[0]
        starts = [n for n, t in enumerate(texts, start=1) if "1.1. Modus operandi" in t and n > 1]
        outline = reader.outline
        flat = [item for group in outline for item in (group if isinstance(group, list) else [group])]
        pages = {item.title.split(" of ")[0]: reader.get_destination_page_number(item) + 1 for item in flat}
        assert pages["1.1. Modus operandi"] == starts[0] and len(pages) == 3, (height, pages)
        checked += 1
    assert checked > 20


def _strings(drawing):
    return [node.text for node in drawing.contents if node.__class__.__name__ == "String"]


def test_bar_chart_ticks_read_well():
    assert _strings(bar_chart([("a", 3), ("b", 1)]))[:4] == ["0", "1", "2", "3"]  # pieces: no half a seizure
    big = _strings(bar_chart([("a", 125_000_000_000), ("b", 5)]))
    assert len([t for t in big if t.endswith("000 000")]) <= 4  # long figures: few ticks, so they do not overlap
    negative = bar_chart([("a", -5), ("b", 10)])
    label = next(n for n in negative.contents if n.__class__.__name__ == "String" and n.text == "-5")
    bar = next(n for n in negative.contents if n.__class__.__name__ == "Rect")
    assert label.x <= bar.x and label.textAnchor == "end"  # a negative value is written left of its bar
