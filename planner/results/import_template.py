"""The Excel template of an operation's results: a Seizures sheet, a Controls sheet, an Instructions sheet and a
hidden Lists sheet that feeds the drop-down lists from the vocabularies.

Each data sheet has two header rows: row 1 the labels people read, row 2 (hidden) the machine key of each column,
which is what the import reads (so a translated template, or columns moved around, still import); data starts
on row 3. The column keys are also the `<column>` of the import's errors `rows.<n>.<column>`.

Seizures sheet: one row per item; rows with the same national reference are one seizure, whose own columns
(blue headings) are given on its first row and left blank or repeated identically on the others. Controls sheet:
one row per day, location, transport mode and selection basis."""
from dataclasses import dataclass
from io import BytesIO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from planner.core.spreadsheets import write_cell
from planner.results.models import CONVEYANCE_BY_MODE, CONVEYANCE_COUNTRY_FIELDS, CONVEYANCE_FIELDS, OffenderRole

# Kinds of column: how a cell is read (planner.results.imports) and formatted in the template.
TEXT, MOMENT, DATE, NUMBER, WHOLE, YES_NO, CODE = "text", "moment", "date", "number", "whole", "yes_no", "code"
SEIZURE, ITEM, CONTROL = "seizure", "item", "control"

HEADER_ROW, KEY_ROW, FIRST_DATA_ROW = 1, 2, 3
MAX_ROWS = 10_000  # data rows per sheet; a larger workbook is refused (split it over several files)
MAX_COLUMNS = 100  # columns read per row: the template has about fifty
YES, NO = "yes", "no"


@dataclass(frozen=True)
class Column:
    key: str  # the machine key (hidden row 2) and the <column> of the errors
    label: object
    kind: str
    level: str  # SEIZURE (once per seizure), ITEM (each row) or CONTROL
    choices: str | None = None  # the list of the Lists sheet behind its drop-down
    required: bool = False
    help: object = ""
    width: int = 16


def _conveyance_columns():
    modes = {}
    for mode, keys in CONVEYANCE_BY_MODE.items():
        for key in keys:
            modes.setdefault(key, []).append(mode)
    return [Column(key, label, CODE if key in CONVEYANCE_COUNTRY_FIELDS else TEXT, SEIZURE,
                   choices="countries" if key in CONVEYANCE_COUNTRY_FIELDS else None,
                   help=_l("Only for the transport modes %(modes)s.", modes=", ".join(modes.get(key, []))), width=16)
            for key, label in CONVEYANCE_FIELDS.items()]


_SHARING_HELP = _l("yes or no; blank: your administration's setting for this operation.")

SEIZURE_COLUMNS = [
    Column("national_reference", _l("National reference"), TEXT, SEIZURE, required=True, width=20,
           help=_l("Your administration's reference of the seizure (letters, digits, . _ / -). Rows with the same "
                   "reference are one seizure: one row per item.")),
    Column("seized_at", _l("Seized at (local date and time)"), MOMENT, SEIZURE, required=True, width=18,
           help=_l("Date and time in the operation's time zone, e.g. 2026-05-06 14:30; a date alone means noon.")),
    Column("country", _l("Country"), CODE, SEIZURE, "countries", required=True, width=10,
           help=_l("Where the goods were seized: ISO country code, e.g. LT.")),
    Column("place", _l("Place"), TEXT, SEIZURE, required=True, width=20,
           help=_l("Name of the port, airport, border crossing or town.")),
    Column("location_code", _l("Location code (UN/LOCODE)"), TEXT, SEIZURE, width=12,
           help=_l("Optional UN/LOCODE of a listed place, e.g. LTVNO; it gives the location type when that is "
                   "blank.")),
    Column("location_type", _l("Location type"), CODE, SEIZURE, "location_types", required=True, width=16),
    Column("detection_method", _l("Detection method"), CODE, SEIZURE, "detection_methods", required=True, width=16),
    Column("warning", _l("Warning (W-n)"), TEXT, SEIZURE, width=10,
           help=_l("The warning of this operation that led to the seizure, e.g. W-12 (sent to or by your "
                   "administration).")),
    Column("transport_mode", _l("Transport mode"), CODE, SEIZURE, "transport_modes", required=True, width=16),
    *_conveyance_columns(),
    Column("origin_country", _l("Origin country"), CODE, SEIZURE, "countries", width=10),
    Column("loading_country", _l("Loading country"), CODE, SEIZURE, "countries", width=10),
    Column("transit_countries", _l("Transit countries"), TEXT, SEIZURE, width=14,
           help=_l("Country codes separated by commas, in route order, e.g. PL, LT.")),
    Column("destination_country", _l("Destination country"), CODE, SEIZURE, "countries", width=10),
    Column("category", _l("Commodity category"), CODE, ITEM, "categories", required=True, width=16),
    Column("type", _l("Commodity type"), CODE, ITEM, "types", required=True, width=18,
           help=_l("A type of the item's category (the Instructions sheet lists them).")),
    Column("description", _l("Description"), TEXT, ITEM, width=30),
    Column("hs_code", _l("HS code"), TEXT, ITEM, width=10, help=_l("Optional: 2 to 10 digits, e.g. 240220.")),
    Column("brand", _l("Brand"), TEXT, ITEM, width=14),
    Column("counterfeit", _l("Counterfeit"), YES_NO, ITEM, "yes_no", width=11, help=_l("yes or no; blank: no.")),
    Column("quantity_1", _l("Quantity 1"), NUMBER, ITEM, required=True, width=14,
           help=_l("An exact number, at most three decimals (pieces: whole numbers).")),
    Column("unit_1", _l("Unit 1"), CODE, ITEM, "units", required=True, width=8),
    Column("quantity_2", _l("Quantity 2"), NUMBER, ITEM, width=14,
           help=_l("Optional second quantity of the same item in another unit (e.g. pieces and kg).")),
    Column("unit_2", _l("Unit 2"), CODE, ITEM, "units", width=8),
    Column("estimated_value_eur", _l("Estimated value (EUR)"), NUMBER, ITEM, width=14),
    Column("duties_evaded_eur", _l("Duties and taxes evaded (EUR)"), NUMBER, ITEM, width=14),
    Column("concealment", _l("Concealment method"), CODE, SEIZURE, "concealment_methods", width=18),
    Column("concealment_details", _l("Concealment details"), TEXT, SEIZURE, width=24),
    Column("modus_operandi", _l("Modus operandi"), TEXT, SEIZURE, width=24),
    Column("offenders", _l("Offenders (role:nationality)"), TEXT, SEIZURE, width=22,
           help=_l("Role and nationality only, no names, separated by semicolons, e.g. driver:BY; passenger:LT. "
                   "Roles: %(roles)s.", roles=", ".join(OffenderRole.codes()))),
    Column("arrests", _l("Arrests"), WHOLE, SEIZURE, width=8, help=_l("A whole number; blank: 0.")),
    Column("investigation_opened", _l("Investigation opened"), YES_NO, SEIZURE, "yes_no", width=12,
           help=_l("yes or no; blank: no.")),
    Column("share_with_eu_member_states", _l("Share with EU Member States"), YES_NO, SEIZURE, "yes_no", width=12,
           help=_SHARING_HELP),
    Column("share_with_third_countries", _l("Share with third countries"), YES_NO, SEIZURE, "yes_no", width=12,
           help=_SHARING_HELP),
    Column("share_with_agencies", _l("Share with agencies"), YES_NO, SEIZURE, "yes_no", width=12,
           help=_SHARING_HELP),
    Column("public_statistics", _l("Public statistics"), YES_NO, SEIZURE, "yes_no", width=12,
           help=_l("yes or no: may the seizure be counted in public statistics; blank: no.")),
    Column("embargo_until", _l("Embargo until"), DATE, SEIZURE, width=12,
           help=_l("Optional date before which the seizure stays out of anything public.")),
    Column("status", _l("Status"), CODE, SEIZURE, "statuses", width=10,
           help=_l("submitted or draft; blank: submitted.")),
]

CONTROL_COLUMNS = [
    Column("date", _l("Date"), DATE, CONTROL, required=True, width=12, help=_l("The day of the controls.")),
    Column("location", _l("Location"), TEXT, CONTROL, required=True, width=22,
           help=_l("Where the controls were made (may be left blank when the location code is given).")),
    Column("location_code", _l("Location code (UN/LOCODE)"), TEXT, CONTROL, width=12),
    Column("transport_mode", _l("Transport mode"), CODE, CONTROL, "transport_modes", required=True, width=16),
    Column("selection_basis", _l("Selection basis"), CODE, CONTROL, "selection_bases", required=True, width=16),
    Column("controls", _l("Controls"), WHOLE, CONTROL, required=True, width=10,
           help=_l("How many controls were made.")),
    Column("hits", _l("Controls that found something"), WHOLE, CONTROL, width=12,
           help=_l("Of these controls, how many found something; blank: 0.")),
    Column("share_with_eu_member_states", _l("Share with EU Member States"), YES_NO, CONTROL, "yes_no", width=12,
           help=_SHARING_HELP),
    Column("share_with_third_countries", _l("Share with third countries"), YES_NO, CONTROL, "yes_no", width=12,
           help=_SHARING_HELP),
    Column("share_with_agencies", _l("Share with agencies"), YES_NO, CONTROL, "yes_no", width=12,
           help=_SHARING_HELP),
    Column("public_statistics", _l("Public statistics"), YES_NO, CONTROL, "yes_no", width=12,
           help=_l("yes or no; blank: no.")),
    Column("embargo_until", _l("Embargo until"), DATE, CONTROL, width=12),
]

# Only in the template of an operation recorded afterwards, whose results the secretariat imports on behalf of
# its participating administrations: the administration whose record each row is.
ADMINISTRATION = Column("administration", _l("Reporting administration"), CODE, ITEM, "administrations",
                        required=True, width=12,
                        help=_l("Only for an operation recorded afterwards: the code of the participating "
                                "administration whose record the row is, e.g. LT, on every row."))

SHEETS = {"seizures": SEIZURE_COLUMNS, "controls": CONTROL_COLUMNS}
SHEET_LABELS = {"seizures": _l("Seizures"), "controls": _l("Controls")}
# The keys that tell which sheet is which, whatever its title (a translated template has other titles).
SHEET_SIGNATURES = {"seizures": {"national_reference", "seized_at", "quantity_1"},
                    "controls": {"selection_basis", "controls", "date"}}
COLUMN_BY_KEY = {name: {c.key: c for c in [ADMINISTRATION, *columns]} for name, columns in SHEETS.items()}


def sheet_columns(name, recorded_afterwards=False):
    """The columns of a data sheet: an operation recorded afterwards has the reporting administration first."""
    return [ADMINISTRATION, *SHEETS[name]] if recorded_afterwards else SHEETS[name]

_SEIZURE_FILL = PatternFill("solid", fgColor="DDEBF7")
_ITEM_FILL = PatternFill("solid", fgColor="FFF2CC")
_KEY_FONT = Font(color="808080", size=8)
_NUMBER_FORMATS = {TEXT: "@", MOMENT: "yyyy-mm-dd hh:mm", DATE: "yyyy-mm-dd", WHOLE: "0"}


def list_values():
    """{list name: [(code, label)]} of the drop-down lists, from the vocabularies (active terms)."""
    from planner.results.models import RecordStatus
    from planner.vocab.codes import (
        COMMODITY_CATEGORY, COMMODITY_TYPE, CONCEALMENT_METHOD, DETECTION_METHOD, LOCATION_TYPE, SELECTION_BASIS,
        TRANSPORT_MODE,
    )
    from planner.vocab.countries import country_choices
    from planner.vocab.queries import UNIT, vocabulary

    types = {}
    for term in vocabulary(COMMODITY_TYPE):
        types.setdefault(term.code, term.label)  # one entry per code: the category decides which is meant

    def terms(name):
        return [(t.code, t.label) for t in vocabulary(name)]

    return {
        "countries": sorted(country_choices()),
        "location_types": terms(LOCATION_TYPE),
        "detection_methods": terms(DETECTION_METHOD),
        "transport_modes": terms(TRANSPORT_MODE),
        "categories": terms(COMMODITY_CATEGORY),
        "types": sorted(types.items()),
        "concealment_methods": terms(CONCEALMENT_METHOD),
        "units": terms(UNIT),
        "yes_no": [(YES, _("yes")), (NO, _("no"))],
        "statuses": [(RecordStatus.SUBMITTED.value, str(RecordStatus.SUBMITTED.label)),
                     (RecordStatus.DRAFT.value, str(RecordStatus.DRAFT.label))],
        "selection_bases": terms(SELECTION_BASIS),
    }


def _quoted(title):
    return "'" + title.replace("'", "''") + "'"


def _lists_sheet(workbook, lists):
    """The hidden sheet behind the drop-downs: per list a column of codes and one of labels.
    Returns {list name: the range of its codes} for the data validations."""
    ws = workbook.create_sheet(_("Lists"))
    ranges = {}
    for n, (name, values) in enumerate(lists.items()):
        code_col, label_col = 2 * n + 1, 2 * n + 2
        write_cell(ws, 1, code_col, name).font = Font(bold=True)
        write_cell(ws, 1, label_col, _("label")).font = Font(bold=True)
        for r, (code, label) in enumerate(values, start=2):
            write_cell(ws, r, code_col, code)
            write_cell(ws, r, label_col, str(label))
        letter = get_column_letter(code_col)
        ranges[name] = f"{_quoted(ws.title)}!${letter}$2:${letter}${max(len(values) + 1, 2)}"
        ws.column_dimensions[letter].width = 14
        ws.column_dimensions[get_column_letter(label_col)].width = 30
    ws.sheet_state = "hidden"
    return ws, ranges


def _data_sheet(workbook, name, columns, ranges, marking):
    ws = workbook.create_sheet(str(SHEET_LABELS[name]))
    last = FIRST_DATA_ROW + MAX_ROWS - 1
    for c, column in enumerate(columns, start=1):
        letter = get_column_letter(c)
        label = str(column.label) + (" *" if column.required else "")
        head = write_cell(ws, HEADER_ROW, c, label)
        head.font = Font(bold=True)
        head.alignment = Alignment(wrap_text=True, vertical="top")
        head.fill = _ITEM_FILL if column.level == ITEM else _SEIZURE_FILL
        write_cell(ws, KEY_ROW, c, column.key).font = _KEY_FONT
        dimension = ws.column_dimensions[letter]
        dimension.width = column.width
        if column.kind in _NUMBER_FORMATS:
            dimension.number_format = _NUMBER_FORMATS[column.kind]
        if column.choices:
            validation = DataValidation(type="list", formula1=ranges[column.choices], allow_blank=True,
                                        showErrorMessage=True, errorStyle="warning",
                                        errorTitle=_("Not in the list"),
                                        error=_("This value is not in the list; the import will check it."))
            validation.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last}")
            ws.add_data_validation(validation)
    ws.row_dimensions[HEADER_ROW].height = 45
    ws.row_dimensions[KEY_ROW].hidden = True
    ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=2)
    if marking:
        ws.oddHeader.center.text = marking
        ws.evenHeader.center.text = marking
    return ws


def _instructions(workbook, operation, organisation, defaults, max_bytes, marking, administrations=None):
    ws = workbook.active
    ws.title = _("Instructions")
    past = administrations is not None
    whose = (_("For the results of the participating administrations of this operation, recorded afterwards: name "
               "on every row the administration whose record it is, in the column Reporting administration "
               "(%(codes)s). The records are stored as submitted. Handling: %(marking)s.",
               codes=", ".join(administrations or []), marking=marking or _("no marking")) if past else
             _("For the results of %(org)s (the administration of the user who uploads the file). Handling: "
               "%(marking)s.", org=organisation.code, marking=marking or _("no marking")))
    lines = [
        (_("Results of %(ref)s %(name)s: import template", ref=operation.reference, name=operation.code_name), True),
        (whose, False),
        ("", False),
        (_("Seizures sheet: one row per item. Rows with the same national reference are one seizure: give the "
           "seizure's columns (blue headings) on its first row, and on its other rows leave them blank or repeat "
           "them exactly. The item's columns (yellow headings) are given on every row."), False),
        (_("Dates and times are local times of the operation's time zone, %(zone)s (e.g. 2026-05-06 14:30). "
           "Type numbers as numbers or as text; at most three decimals.", zone=operation.time_zone), False),
        (_("Columns with a drop-down list take the codes of the list (e.g. land_border, cover_load, kg); country "
           "columns take ISO codes (e.g. LT). yes/no columns take yes or no. Columns marked * are required."),
         False),
        (_("Sharing columns left blank take the settings of the row's administration for this operation.") if past
         else _("Sharing columns left blank take your administration's settings for this operation: EU Member States "
                "%(eu)s, third countries %(third)s, agencies %(agencies)s.", eu=_("yes") if defaults[0] else _("no"),
                third=_("yes") if defaults[1] else _("no"), agencies=_("yes") if defaults[2] else _("no")), False),
        (_("Controls sheet: one row per day, location, transport mode and selection basis: how many controls were "
           "made and how many of them found something."), False),
        (_("Upload the file on the Results tab (Import from Excel), one sheet at a time. Every row is checked "
           "first: if one row is wrong, nothing is imported, and you get every problem by row and column with the "
           "workbook back, the wrong cells marked in red."), False),
        (_("Uploading the same rows again does not duplicate them: a seizure whose national reference your "
           "administration recorded already with the same content is skipped; with other content it is a conflict "
           "(edit that record on its page instead). Controls of a day, location, mode and basis recorded already "
           "with the same numbers are skipped likewise."), False),
        (_("Accepted: .xlsx files of at most %(mb).0f MB and %(rows)d rows per sheet, without formulas, macros or "
           "links to other files. Text starting with = is kept as text.", mb=max_bytes / (1024 * 1024),
           rows=MAX_ROWS), False),
        ("", False),
    ]
    row = 1
    for text, bold in lines:
        cell = write_cell(ws, row, 1, text)
        cell.font = Font(bold=bold, size=13 if row == 1 else 11)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=5)
        if text:
            ws.row_dimensions[row].height = 15 if len(text) < 110 else 15 * (len(text) // 110 + 1)
        row += 1
    for c, header in enumerate((_("Sheet"), _("Column"), _("Key"), _("Required"), _("What to write")), start=1):
        write_cell(ws, row, c, header).font = Font(bold=True)
    row += 1
    for name in SHEETS:
        for column in sheet_columns(name, past):
            write_cell(ws, row, 1, str(SHEET_LABELS[name]))
            write_cell(ws, row, 2, str(column.label))
            write_cell(ws, row, 3, column.key)
            write_cell(ws, row, 4, _("yes") if column.required else "")
            write_cell(ws, row, 5, str(column.help)).alignment = Alignment(wrap_text=True, vertical="top")
            row += 1
    row += 1
    write_cell(ws, row, 1, _("Commodity types of each category")).font = Font(bold=True)
    row += 1
    from planner.vocab.queries import commodity_tree

    for category, types in commodity_tree():
        write_cell(ws, row, 1, category.code)
        write_cell(ws, row, 2, ", ".join(t.code for t in types)).alignment = Alignment(wrap_text=True)
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=5)
        row += 1
    for letter, width in zip("ABCDE", (14, 30, 26, 10, 70)):
        ws.column_dimensions[letter].width = width
    if marking:
        ws.oddHeader.center.text = marking


def template_workbook(operation, organisation, max_bytes) -> Workbook:
    """The template of `operation` for `organisation` (its sharing defaults are named in the instructions)."""
    marking = operation.handling_marking if operation.handling_marking != "NONE" else ""
    participation = operation.participation_of(organisation.id)
    defaults = ((participation.share_with_eu_member_states, participation.share_with_third_countries,
                 participation.share_with_agencies) if participation else (True, False, False))
    lists = list_values()
    past = bool(operation.recorded_afterwards)
    administrations = None
    if past:
        administrations = sorted(p.organisation.code for p in operation.participations if p.is_participant)
        lists["administrations"] = [(p.organisation.code, p.organisation.name)
                                    for p in sorted(operation.participations, key=lambda p: p.organisation.code)
                                    if p.is_participant]
    workbook = Workbook()
    _instructions(workbook, operation, organisation, defaults, max_bytes, marking, administrations)
    lists_sheet, ranges = _lists_sheet(workbook, lists)
    for name in SHEETS:
        _data_sheet(workbook, name, sheet_columns(name, past), ranges, marking)
    workbook.move_sheet(lists_sheet, offset=len(workbook.sheetnames) - 1 - workbook.index(lists_sheet))  # last
    workbook.active = 0
    workbook.properties.title = f"{operation.reference} {_('results import template')}"[:250]
    if marking:
        workbook.properties.keywords = marking
    return workbook


def template_bytes(operation, organisation, max_bytes) -> bytes:
    buffer = BytesIO()
    template_workbook(operation, organisation, max_bytes).save(buffer)
    return buffer.getvalue()


def template_filename(operation) -> str:
    return f"{operation.reference}-results-template.xlsx"
