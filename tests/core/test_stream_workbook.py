"""planner/core/spreadsheets.py, streaming writer: types, text never a formula, native charts, generators,
the same input giving the same bytes."""
import io
import re
import zipfile
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet import _writer as openpyxl_sheet_writer

from planner.core.spreadsheets import ChartSpec, StreamSheet, stream_workbook_bytes

DANGEROUS = ['=HYPERLINK("http://x","y")', "@SUM(A1)", "+1", "-2", "=1+1", "\t=1", "#N/A"]
ISSUED = datetime(2026, 3, 2, 9, 30, 12, tzinfo=timezone.utc)


def _zip(content):
    return zipfile.ZipFile(io.BytesIO(content))


def _figures():
    yield ["LT", Decimal("1234.567"), 3, date(2026, 5, 4)]
    yield ["DE", Decimal("0.001"), 12, None]
    yield ["FR", Decimal("283671.925"), 0, date(2026, 1, 31)]


def _figure_sheet(rows=None, **kwargs):
    return StreamSheet("By administration", ["Administration", "Mass (kg)", "Seizures", "First"],
                       _figures() if rows is None else rows, **kwargs)


def test_values_keep_their_types_and_decimals_stay_exact():
    aware = datetime(2026, 5, 4, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    rows = (row + [aware] for row in _figures())
    content = stream_workbook_bytes([StreamSheet("T", ["Org", "kg", "n", "d", "at"], rows,
                                                 number_formats={1: "#,##0.000"})])
    sheet = load_workbook(io.BytesIO(content))["T"]
    assert [c.value for c in sheet[1]] == ["Org", "kg", "n", "d", "at"]
    masses = [sheet.cell(row=r, column=2).value for r in (2, 3, 4)]
    assert [Decimal(str(m)) for m in masses] == [Decimal("1234.567"), Decimal("0.001"), Decimal("283671.925")]
    assert masses[0] == 1234.567 and sheet["B2"].data_type == "n" and sheet["B2"].number_format == "#,##0.000"
    assert sheet["C2"].value == 3 and isinstance(sheet["C2"].value, int) and sheet["C2"].number_format == "General"
    assert sheet["D2"].value.date() == date(2026, 5, 4) and sheet["D3"].value is None
    assert sheet["E2"].value == datetime(2026, 5, 4, 10, 0)  # written in UTC, without a zone
    xml = _zip(content).read("xl/worksheets/sheet1.xml").decode()
    assert "<v>1234.567</v>" in xml and "<v>283671.925</v>" in xml  # the exact decimal, not a float's digits


def test_text_that_looks_like_a_formula_stays_text():
    rows = ([text, "ok\x01\x02", 1] for text in DANGEROUS)
    content = stream_workbook_bytes([StreamSheet("List", ["=Text", "Note", "N"], rows)])
    sheet = load_workbook(io.BytesIO(content))["List"]
    assert (sheet["A1"].value, sheet["A1"].data_type) == ("=Text", "s")
    assert [(c.value, c.data_type) for c in sheet["A"][1:]] == [(text, "s") for text in DANGEROUS]
    assert [c.value for c in sheet["B"][1:]] == ["ok"] * len(DANGEROUS)  # control characters dropped
    xml = _zip(content).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml and 't="e"' not in xml


def test_header_titles_widths_marking_and_properties():
    content = stream_workbook_bytes(
        [_figure_sheet(widths={0: 33}), StreamSheet("A/B:C", ["y"], iter(())), StreamSheet("A/B:C", ["z"], [])],
        title="JSO-2026-01 final report", marking="LIMITE", created=ISSUED)
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["By administration", "A B C", "A B C (2)"]
    sheet = workbook["By administration"]
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:D4"
    assert sheet.column_dimensions["A"].width == 33 and sheet.column_dimensions["B"].width >= len("Mass (kg)")
    assert sheet.oddHeader.center.text == "LIMITE" and workbook["A B C"].oddHeader.center.text == "LIMITE"
    assert workbook["A B C"].max_row == 1
    assert workbook.properties.title == "JSO-2026-01 final report" and workbook.properties.keywords == "LIMITE"
    assert workbook.properties.created == workbook.properties.modified == datetime(2026, 3, 2, 9, 30, 12)


def test_no_sheets_still_makes_a_workbook():
    assert load_workbook(io.BytesIO(stream_workbook_bytes([]))).sheetnames == ["Sheet"]


@pytest.mark.parametrize("kind", ["bar", "col"])
def test_native_chart_over_the_sheet_cells(kind):
    chart = ChartSpec("Mass by administration", 0, [1, 2], kind=kind, y_title="kg")
    archive = _zip(stream_workbook_bytes([StreamSheet("Empty", ["x"], []), _figure_sheet(chart=chart)]))
    rels = archive.read("xl/worksheets/_rels/sheet2.xml.rels").decode()
    assert "relationships/drawing" in rels and "/xl/drawings/drawing1.xml" in rels
    assert "<drawing " in archive.read("xl/worksheets/sheet2.xml").decode()
    assert "/xl/charts/chart1.xml" in archive.read("xl/drawings/_rels/drawing1.xml.rels").decode()
    drawing = archive.read("xl/drawings/drawing1.xml").decode()
    assert re.search(r"<(\w+:)?from><(\w+:)?col>5</", drawing)  # right of the 4 columns, one column apart
    xml = archive.read("xl/charts/chart1.xml").decode()
    assert f'<barDir val="{kind}"' in xml and "Mass by administration" in xml and ">kg<" in xml
    assert "'By administration'!$B$2:$B$4" in xml and "'By administration'!$C$2:$C$4" in xml
    assert "<strRef><f>'By administration'!$A$2:$A$4</f></strRef>" in xml
    assert "'By administration'!B1" in xml  # series named by their headers
    assert ('<orientation val="maxMin"' in xml) == (kind == "bar")  # horizontal bars read top-down
    assert not any(name.startswith("xl/charts/chart2") for name in archive.namelist())


def test_no_chart_without_data_rows_and_bad_specs_are_refused():
    archive = _zip(stream_workbook_bytes([_figure_sheet(rows=[], chart=ChartSpec("t", 0, [1]))]))
    assert not any(name.startswith(("xl/charts/", "xl/drawings/")) for name in archive.namelist())
    with pytest.raises(ValueError, match="chart kind"):
        stream_workbook_bytes([_figure_sheet(chart=ChartSpec("t", 0, [1], kind="pie"))])
    with pytest.raises(ValueError, match="columns"):
        stream_workbook_bytes([_figure_sheet(chart=ChartSpec("t", 0, [4]))])


def test_a_generator_of_many_rows_is_streamed():
    consumed = []

    def records(count):
        for n in range(count):
            yield [n, f"record {n}", Decimal(n) / 1000]
        consumed.append(count)

    content = stream_workbook_bytes([StreamSheet("Annex", ["#", "Text", "t"], records(50_000))])
    assert consumed == [50_000]
    sheet = load_workbook(io.BytesIO(content), read_only=True)["Annex"]
    count, last = 0, None
    for last in sheet.iter_rows(values_only=True):
        count += 1
    assert count == 50_001 and last[:2] == (49_999, "record 49999") and last[2] == 49.999


def test_a_failing_row_source_leaves_no_temporary_file():
    before = list(openpyxl_sheet_writer.ALL_TEMP_FILES)

    def broken():
        yield ["a"]
        raise RuntimeError("the query failed")

    with pytest.raises(RuntimeError, match="the query failed"):
        stream_workbook_bytes([_figure_sheet(), StreamSheet("Annex", ["x"], broken())])
    assert openpyxl_sheet_writer.ALL_TEMP_FILES == before


def test_the_same_input_gives_the_same_bytes():
    def build():
        chart = ChartSpec("Mass", 0, [1])
        return stream_workbook_bytes([_figure_sheet(chart=chart, number_formats={1: "#,##0.000"}),
                                      StreamSheet("Annex", ["n"], ([n] for n in range(500)))],
                                     title="Report", marking="LIMITE", created=ISSUED)

    first, second = build(), build()
    assert _zip(first).read("xl/worksheets/sheet1.xml") == _zip(second).read("xl/worksheets/sheet1.xml")
    assert _zip(first).read("docProps/core.xml") == _zip(second).read("docProps/core.xml")
    assert first == second
    assert {info.date_time for info in _zip(first).infolist()} == {(2026, 3, 2, 9, 30, 12)}
