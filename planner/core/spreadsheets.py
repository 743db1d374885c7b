"""A generic xlsx writer fed (headers, rows) per sheet; it knows no feature (DESIGN.md §5.7).

    from planner.core.spreadsheets import Sheet, workbook_bytes

    data = workbook_bytes([Sheet("Contacts", ["Organisation", "Name"], [["LT", "Jonas"]])],
                          title="JSO-2026-01 roster", marking="LIMITE")

User text is never a formula: a string starting with =, +, -, @, a tab or a carriage return is written as a
string cell (data type "s"), so Excel and LibreOffice show it as typed and never evaluate it. Numbers, dates
and booleans keep their types; None is an empty cell. The header row is bold and frozen, with a filter."""
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_SHEET_TITLE = 31
_BAD_TITLE_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})


@dataclass
class Sheet:
    title: str
    headers: list
    rows: list = field(default_factory=list)
    widths: dict = field(default_factory=dict)  # column index (0-based) -> width in characters


def _sheet_title(title, used):
    base = (str(title).translate(_BAD_TITLE_CHARS).strip() or "Sheet")[:MAX_SHEET_TITLE]
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name = base[:MAX_SHEET_TITLE - len(suffix)] + suffix
        n += 1
    used.add(name.lower())
    return name


def _strip_control(text):
    # openpyxl refuses the control characters XML 1.0 cannot carry; drop them rather than fail the export.
    return "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 32)


def write_cell(ws, row, column, value):
    """Write one value; text is always text."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)  # Excel has no time zones: the caller passes UTC (and says so)
    if isinstance(value, (bool, int, float, Decimal, date, datetime)) or value is None:
        return ws.cell(row=row, column=column, value=value)
    text = _strip_control(str(value))
    cell = ws.cell(row=row, column=column)
    cell.value = text
    if text.startswith(FORMULA_TRIGGERS):
        cell.data_type = TYPE_STRING  # openpyxl would otherwise store "=..." as a formula
    return cell


def build_workbook(sheets, title=None, marking=None):
    workbook = Workbook()
    workbook.remove(workbook.active)
    used = set()
    for sheet in sheets:
        ws = workbook.create_sheet(_sheet_title(sheet.title, used))
        for c, header in enumerate(sheet.headers, start=1):
            write_cell(ws, 1, c, header).font = Font(bold=True)
        for r, row in enumerate(sheet.rows, start=2):
            for c, value in enumerate(row, start=1):
                write_cell(ws, r, c, value)
        if sheet.headers:
            ws.freeze_panes = "A2"
            ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.headers))}{max(len(sheet.rows) + 1, 1)}"
        for c, header in enumerate(sheet.headers):
            width = sheet.widths.get(c) or min(max([len(str(header))] + [len(str(r[c])) for r in sheet.rows[:200]
                                                                          if c < len(r) and r[c] is not None]) + 2, 60)
            ws.column_dimensions[get_column_letter(c + 1)].width = width
        if marking:
            ws.oddHeader.center.text = _strip_control(str(marking))
            ws.evenHeader.center.text = _strip_control(str(marking))
    if not workbook.sheetnames:
        workbook.create_sheet("Sheet")
    if title:
        workbook.properties.title = _strip_control(str(title))[:250]
    if marking:
        workbook.properties.keywords = _strip_control(str(marking))[:250]
    return workbook


def workbook_bytes(sheets, title=None, marking=None) -> bytes:
    buffer = BytesIO()
    build_workbook(sheets, title=title, marking=marking).save(buffer)
    return buffer.getvalue()


XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
