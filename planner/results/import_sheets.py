"""Reading the sheet an upload imports: the workbook, checked and opened by planner.results.import_files, is read
row by row; its data sheets are found by the column keys of their hidden second row (whatever their titles), a
formula anywhere in it is refused, and each filled row becomes {column key: value}. Only the problems of single
cells are found here (a yes/no that is neither, a spreadsheet error value); the records' own rules are checked
by their one validation (planner.results.workbook_import hands the rows to it)."""
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import ngettext

from planner.core.errors import FieldErrors, PlannerError
from planner.results.import_files import UploadRefused, check_upload, open_workbook
from planner.results.import_template import (
    CODE, COLUMN_BY_KEY, FIRST_DATA_ROW, KEY_ROW, MAX_COLUMNS, MAX_ROWS, NO, NUMBER, SHEET_LABELS,
    SHEET_SIGNATURES, TEXT, WHOLE, YES, YES_NO,
)

LOWER_CASE_LISTS = {"location_types", "detection_methods", "transport_modes", "categories", "types",
                    "concealment_methods", "statuses", "selection_bases"}


@dataclass
class SheetRow:
    number: int  # the row number in the sheet, as the spreadsheet shows it
    values: dict  # column key -> cell value (None when blank)


@dataclass
class ReadSheet:
    name: str  # "seizures" or "controls"
    title: str  # the sheet's title in the workbook
    columns: dict  # column key -> column number (1-based)
    rows: list
    other_rows: int = 0  # filled rows of the other data sheet (imported by its own upload)


def _cell_value(cell):
    """The value of a cell as the import reads it: text stripped (None when blank), whole numbers as int, other
    numbers as exact Decimals of the 15 significant digits a spreadsheet keeps (so 283671.925 stays 283671.925),
    date-times to the second."""
    value = cell.value
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return Decimal(format(value, ".15g")) if math.isfinite(value) else str(value)
    if isinstance(value, datetime):
        rounded = value + timedelta(microseconds=500_000) if value.microsecond >= 500_000 else value
        return rounded.replace(microsecond=0)
    if isinstance(value, (date, time)):
        return value if isinstance(value, date) else value.isoformat()
    return str(value)


def _as_text(value):
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value) if value is not None else None


def yes_no_words():
    """({words for yes}, {words for no}): the template's codes, common spellings and the user's language."""
    return {YES, "y", "true", "x", "1", _("yes").lower()}, {NO, "n", "false", "0", _("no").lower()}


def _yes_no(value, words):
    """True, False, or None when the value is not a yes or a no."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, Decimal)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in words[0]:
            return True
        if text in words[1]:
            return False
    return None


def _convert(column, value, where, errors, words):
    """The value a record gets from a cell of `column`; problems of the cell itself go to `errors`."""
    if value is None:
        return None
    if column.kind in (TEXT, CODE):
        text = _as_text(value)
        if column.kind == CODE and column.choices in LOWER_CASE_LISTS:
            text = re.sub(r"[\s\-]+", "_", text.lower())
        return text
    if column.kind == YES_NO:
        answer = _yes_no(value, words)
        if answer is None:
            errors.add(where, _("Write yes or no (or leave the cell blank); “%(value)s” is neither.",
                                value=_as_text(value)[:40]))
        return answer
    if column.kind in (NUMBER, WHOLE) and isinstance(value, (datetime, date)):
        errors.add(where, _("Give a number, not a date."))
        return None
    return value


def _sheet_kind(keys):
    present = {k for k in keys if k}
    for name, signature in SHEET_SIGNATURES.items():
        if signature <= present:
            return name
    return None


def read_sheet(workbook, wanted) -> tuple[ReadSheet, FieldErrors]:
    """The rows of the `wanted` data sheet (found by the column keys of its hidden second row), with the problems
    of single cells; a formula anywhere in the workbook, or a sheet that is not the template's, is refused."""
    sheet = None
    other_rows = 0
    formulas, formula_count = [], 0
    errors = FieldErrors()
    words = yes_no_words()
    by_key = COLUMN_BY_KEY[wanted]
    for ws in workbook.worksheets:
        kind, columns = None, {}
        for r, cells in enumerate(ws.iter_rows(min_row=1, max_row=FIRST_DATA_ROW + MAX_ROWS, max_col=MAX_COLUMNS),
                                  start=1):
            for cell in cells:
                if cell.data_type == "f":
                    formula_count += 1
                    if len(formulas) < 20:
                        formulas.append(f"{ws.title}!{cell.coordinate}")
            if r == KEY_ROW:
                keys = [value if isinstance(value, str) else None for value in map(_cell_value, cells)]
                kind = _sheet_kind(keys)
                if kind == wanted:
                    if sheet is not None:
                        raise UploadRefused(_("The workbook has two %(label)s sheets (%(first)s and %(second)s); "
                                              "keep one and upload again. Nothing was imported.",
                                              label=SHEET_LABELS[wanted], first=sheet.title, second=ws.title))
                    columns = _columns_of(kind, keys, ws.title)
                    sheet = ReadSheet(wanted, ws.title, columns, [])
                elif kind is not None:
                    columns = {k: c for c, k in enumerate(keys, start=1) if k in COLUMN_BY_KEY[kind]}
            if r < FIRST_DATA_ROW or kind is None:
                continue
            values = {key: _cell_value(cells[c - 1]) for key, c in columns.items()}
            if all(v is None for v in values.values()):
                continue
            if r >= FIRST_DATA_ROW + MAX_ROWS:
                if kind == wanted:
                    raise UploadRefused(_("The %(sheet)s sheet has more than %(n)d rows; nothing was imported. "
                                          "Split the rows over several files.", sheet=ws.title, n=MAX_ROWS))
                continue
            if kind != wanted:
                other_rows += 1
                continue
            converted = {}
            for key, value in values.items():
                if value is None:
                    converted[key] = None
                    continue
                where = f"rows.{r}.{key}"
                if cells[columns[key] - 1].data_type == "e":
                    errors.add(where, _("The cell holds a spreadsheet error (%(value)s); type the value instead.",
                                        value=str(value)[:20]))
                    converted[key] = None
                    continue
                converted[key] = _convert(by_key[key], value, where, errors, words)
            sheet.rows.append(SheetRow(r, converted))
    if formula_count:
        shown = ", ".join(formulas) + (" …" if formula_count > len(formulas) else "")
        raise UploadRefused(
            ngettext("The workbook holds %(num)d formula (%(cells)s); the import takes values only. Replace the "
                     "formula by its value (copy, paste as values) and upload again. Nothing was imported.",
                     "The workbook holds %(num)d formulas (%(cells)s); the import takes values only. Replace the "
                     "formulas by their values (copy, paste as values) and upload again. Nothing was imported.",
                     formula_count, cells=shown))
    if sheet is None:
        raise UploadRefused(_("The workbook has no %(sheet)s sheet of the planner's template (the sheet's hidden "
                              "second row names its columns). Download the template, copy your rows into it and "
                              "upload it again. Nothing was imported.", sheet=SHEET_LABELS[wanted]))
    sheet.other_rows = other_rows
    return sheet, errors


def _columns_of(kind, keys, title):
    known = COLUMN_BY_KEY[kind]
    columns, unknown, twice = {}, [], []
    for c, key in enumerate(keys, start=1):
        if key is None:
            continue
        if key not in known:
            unknown.append(key)
        elif key in columns:
            twice.append(key)
        else:
            columns[key] = c
    if unknown or twice:
        problems = [_("Unknown column key “%(key)s” in the hidden second row.", key=k[:40]) for k in unknown]
        problems += [_("The column key “%(key)s” is given twice.", key=k) for k in twice]
        raise UploadRefused(_("The columns of the %(sheet)s sheet are not those of the planner's template; nothing "
                              "was imported. Download the template again and copy your rows into it.", sheet=title),
                            problems)
    return columns


def load_sheet(content, max_bytes, wanted) -> tuple["ReadSheet", FieldErrors]:
    """Check the upload, open it and read the `wanted` sheet (the workbook is closed again)."""
    check_upload(content, max_bytes)
    workbook = open_workbook(content)
    try:
        return read_sheet(workbook, wanted)
    except PlannerError:
        raise
    except Exception:  # noqa: BLE001 - a sheet that only breaks while its cells are read is damaged
        raise UploadRefused(_("The file is damaged or not an Excel workbook that the import can read; nothing was "
                              "imported. Open it in your spreadsheet program and save it again as an Excel "
                              "workbook (.xlsx).")) from None
    finally:
        workbook.close()
