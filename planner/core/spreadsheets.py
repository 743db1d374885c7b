"""A generic xlsx writer fed (headers, rows) per sheet; it knows no feature (DESIGN.md §5.7).

    from planner.core.spreadsheets import Sheet, workbook_bytes

    data = workbook_bytes([Sheet("Contacts", ["Organisation", "Name"], [["LT", "Jonas"]])],
                          title="JSO-2026-01 roster", marking="LIMITE")

User text is never a formula: a string starting with =, +, -, @, a tab or a carriage return is written as a
string cell (data type "s"), so Excel and LibreOffice show it as typed and never evaluate it. Numbers, dates
and booleans keep their types; None is an empty cell. The header row is bold and frozen, with a filter.

For large or streamed data, `stream_workbook_bytes` writes in openpyxl's write-only mode from any iterable of
rows (a generator over a database cursor is never turned into a list), with per-column number formats and an
optional native Excel bar chart per sheet:

    data = stream_workbook_bytes([StreamSheet("By unit", ["Unit", "Total"], rows,
                                              number_formats={1: "#,##0.000"},
                                              chart=ChartSpec("Totals", 0, [1], kind="bar"))],
                                 title="Final report", marking="LIMITE", created=issued_at)"""
import math
import os
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from decimal import Decimal
from io import BytesIO
from itertools import chain, islice
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, TYPE_STRING, Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

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
    return ILLEGAL_CHARACTERS_RE.sub("", text)  # every control character but tab, LF and CR


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
        _mark_sheet(ws, marking)
    _describe(workbook, title, marking)
    return workbook


def _mark_sheet(ws, marking):
    """The handling marking in the printed header of every page of the sheet."""
    if marking:
        ws.oddHeader.center.text = ws.evenHeader.center.text = _strip_control(str(marking))


def _describe(workbook, title, marking):
    """At least one sheet; the title and the marking (as keywords) in the file's properties."""
    if not workbook.worksheets:
        workbook.create_sheet("Sheet")
    if title:
        workbook.properties.title = _strip_control(str(title))[:250]
    if marking:
        workbook.properties.keywords = _strip_control(str(marking))[:250]


def workbook_bytes(sheets, title=None, marking=None) -> bytes:
    buffer = BytesIO()
    build_workbook(sheets, title=title, marking=marking).save(buffer)
    return buffer.getvalue()


XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- Streaming writer (write-only mode) -------------------------------------------------------------------

MAX_ROWS = 1_048_576  # Excel's limit, header row included
WIDTH_SAMPLE = 100  # rows read ahead (and only these) to size columns that have no explicit width
CHART_KINDS = ("bar", "col")  # "bar": horizontal bars; "col": vertical columns


@dataclass
class ChartSpec:
    """A native Excel bar chart over a sheet's own cells: one series per value column, titled by its header."""
    title: str
    category_column: int  # 0-based
    value_columns: list  # 0-based
    kind: str = "bar"
    y_title: str = ""


@dataclass
class StreamSheet:
    title: str
    headers: list
    rows: object = ()  # any iterable of row sequences; consumed once, row by row
    widths: dict = field(default_factory=dict)  # column index (0-based) -> width in characters
    chart: ChartSpec = None
    # Not needed and not trusted: chart ranges and the filter are written after the rows, from the rows counted.
    row_count_hint: int = None
    number_formats: dict = field(default_factory=dict)  # column index (0-based) -> Excel format, e.g. "0.00%"


def _naive_utc(value):
    return value.astimezone(timezone.utc).replace(tzinfo=None) if value.tzinfo is not None else value


def _stream_value(ws, value, number_format=None):
    """What to append for one value: the value itself where openpyxl types it right, else a WriteOnlyCell."""
    if value is None:
        return None
    kind = type(value)  # the common cases first: a plain number, one line of plain text (nothing to guard)
    if kind is int and number_format is None:
        return value
    if kind is str and value.isprintable() and not value.startswith(FORMULA_TRIGGERS) and value not in ERROR_CODES:
        return value
    if isinstance(value, datetime):
        value = _naive_utc(value)  # Excel has no time zones: aware times are written in UTC
    if isinstance(value, (float, Decimal)) and not math.isfinite(value):
        value = str(value)  # NaN and infinities are not numbers in a workbook
    elif isinstance(value, (bool, int, float, Decimal, date, time)):
        if number_format is None:
            return value
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = number_format
        return cell
    text = _strip_control(str(value))
    if not text.startswith(FORMULA_TRIGGERS) and text not in ERROR_CODES:
        return text
    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = TYPE_STRING  # text, never a formula or an error value
    return cell


def _header_cell(ws, header):
    value = _stream_value(ws, header)
    cell = value if isinstance(value, Cell) else WriteOnlyCell(ws, value=value)
    cell.font = Font(bold=True)
    return cell


def _check_chart(spec, column_count):
    if spec.kind not in CHART_KINDS:
        raise ValueError(f"chart kind must be one of {CHART_KINDS}, not {spec.kind!r}")
    columns = [spec.category_column, *spec.value_columns]
    if not spec.value_columns or any(not 0 <= c < column_count for c in columns):
        raise ValueError(f"chart columns {columns} do not fit a sheet of {column_count} columns")


def _bar_chart(ws, spec, data_rows, column_count):
    chart = BarChart()
    chart.type = spec.kind
    chart.style = 10
    chart.title = _strip_control(str(spec.title))[:250] or None
    if spec.y_title:
        chart.y_axis.title = _strip_control(str(spec.y_title))[:250]
    chart.x_axis.delete = chart.y_axis.delete = False  # recent Excel hides axes openpyxl leaves unset
    if spec.kind == "bar":  # first row on top, as in the table, with the value axis kept at the bottom
        chart.x_axis.scaling.orientation = "maxMin"
        chart.y_axis.crosses = "max"
    last = data_rows + 1
    for column in spec.value_columns:
        chart.add_data(Reference(ws, min_col=column + 1, min_row=1, max_row=last), titles_from_data=True)
    categories = Reference(ws, min_col=spec.category_column + 1, min_row=2, max_row=last)
    for series in chart.series:
        series.cat = AxDataSource(strRef=StrRef(f=str(categories)))  # labels, not numbers
    if len(spec.value_columns) == 1:
        chart.legend = None
    else:
        chart.legend.position = "b"
    chart.width = 16
    bars = data_rows * len(spec.value_columns)
    chart.height = min(max(7.5, 0.5 * bars + 3), 40) if spec.kind == "bar" else 9
    ws.add_chart(chart, f"{get_column_letter(column_count + 2)}2")


def _column_widths(sheet, sample):
    widths = {}
    for c, header in enumerate(sheet.headers):
        lengths = [len(str(header))] + [len(str(r[c])) for r in sample if c < len(r) and r[c] is not None]
        widths[c] = sheet.widths.get(c) or min(max(lengths) + 2, 60)
    return widths


def _write_stream_sheet(workbook, sheet, title, marking):
    ws = workbook.create_sheet(title)
    column_count = len(sheet.headers)
    if sheet.chart is not None:
        _check_chart(sheet.chart, column_count)
    rows = iter(sheet.rows)
    sample = list(islice(rows, WIDTH_SAMPLE))  # bounded read-ahead; the rest streams
    # Everything written before the rows (views, columns) is set before the first append.
    for c, width in _column_widths(sheet, sample).items():
        ws.column_dimensions[get_column_letter(c + 1)].width = width
    if column_count:
        ws.freeze_panes = "A2"
        ws.append([_header_cell(ws, header) for header in sheet.headers])
    formats = sheet.number_formats
    count = 0
    for row in chain(sample, rows):
        count += 1
        if count >= MAX_ROWS:
            raise ValueError(f"sheet {title!r} has more rows than Excel can hold")
        ws.append([_stream_value(ws, value, formats.get(c)) for c, value in enumerate(row)])
    # The filter, header and drawing are written after the rows, so they can use the count.
    if column_count:
        ws.auto_filter.ref = f"A1:{get_column_letter(column_count)}{count + 1}"
    if sheet.chart is not None and count:
        _bar_chart(ws, sheet.chart, count, column_count)
    _mark_sheet(ws, marking)


class _OneTimeZip(ZipFile):
    """A zip whose members all carry one timestamp, so that the same workbook gives the same bytes."""

    def __init__(self, file, date_time):
        super().__init__(file, "w", ZIP_DEFLATED, allowZip64=True)
        self.date_time = date_time

    def _member(self, name):
        member = ZipInfo(name, date_time=self.date_time)
        member.compress_type = ZIP_DEFLATED
        member.external_attr = 0o600 << 16
        return member

    def writestr(self, zinfo_or_arcname, data, *args, **kwargs):
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = self._member(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename, arcname=None, *args, **kwargs):
        # Write-only sheets are spooled to temporary files: copy them in chunks, with the fixed timestamp.
        member = self._member(arcname or os.path.basename(filename))
        member.file_size = os.path.getsize(filename)
        with open(filename, "rb") as source, self.open(member, "w") as target:
            shutil.copyfileobj(source, target, 1 << 16)


def stream_workbook_bytes(sheets, title=None, marking=None, created=None) -> bytes:
    """Write StreamSheets in write-only mode. `created` (a datetime) fixes the document's created/modified
    dates and the zip timestamps, so that the same input gives the same bytes."""
    workbook = Workbook(write_only=True)
    try:
        return _save_stream_workbook(workbook, sheets, title, marking, created)
    except BaseException:
        _discard_spooled_sheets(workbook)
        raise


def _discard_spooled_sheets(workbook):
    # A failed export (say, the row generator's query failed) must not leave the sheets' temporary files behind.
    for ws in workbook.worksheets:
        writer = getattr(ws, "_writer", None)
        if writer is None:
            continue
        if ws._rows is not None:
            ws._rows.close()
        writer.close()
        if os.path.exists(writer.out):
            writer.cleanup()


def _save_stream_workbook(workbook, sheets, title, marking, created):
    used = set()
    for sheet in sheets:
        _write_stream_sheet(workbook, sheet, _sheet_title(sheet.title, used), marking)
    _describe(workbook, title, marking)
    stamp = _naive_utc(created) if created is not None else datetime.now(timezone.utc).replace(tzinfo=None)
    stamp = stamp.replace(microsecond=0)
    workbook.properties.created = workbook.properties.modified = stamp
    buffer = BytesIO()
    archive = _OneTimeZip(buffer, max(stamp, datetime(1980, 1, 1)).timetuple()[:6])
    ExcelWriter(workbook, archive).save()  # closes the archive; Workbook.save would stamp "modified" with now
    return buffer.getvalue()
