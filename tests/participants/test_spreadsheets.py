"""planner/core/spreadsheets.py: a generic writer; user text is never a formula."""
import io
import zipfile
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from planner.core.spreadsheets import Sheet, workbook_bytes

DANGEROUS = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://x","y")']


def test_text_that_looks_like_a_formula_stays_text():
    content = workbook_bytes([Sheet("List", ["Text", "Number"], [[text, 1] for text in DANGEROUS])],
                             title="t", marking="LIMITE")
    sheet = load_workbook(io.BytesIO(content))["List"]
    values = [(c.value, c.data_type) for c in sheet["A"][1:]]
    # a parser may read a CR back as LF (ElementTree does, lxml does not): the text is the same either way
    assert [(v.replace("\r", "\n"), t) for v, t in values] == [(text.replace("\r", "\n"), "s") for text in DANGEROUS]
    xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml


def test_types_titles_and_header():
    content = workbook_bytes([Sheet("A/B:C", ["n", "d", "x"], [[Decimal("1.5"), date(2026, 5, 4), None]]),
                              Sheet("A/B:C", ["y"], [])])
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["A B C", "A B C (2)"]
    sheet = workbook.worksheets[0]
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert sheet["A2"].value == 1.5 and sheet["B2"].value.date() == date(2026, 5, 4) and sheet["C2"].value is None
