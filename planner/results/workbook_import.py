"""Import of a filled-in results template (planner.results.import_template), one sheet per upload.

The import only maps cells into the records' JSON shape and back: the seizures go through
`create_seizures(..., skip_identical=True)` and the controls through `create_controls(..., skip_identical=True)`,
the one validation of each (DESIGN.md §5.5). Their errors `seizures.<i>.<path>` / `controls.<i>.<field>` come back
as `rows.<n>.<column>`: the sheet's row number and the column's key. What the import checks itself is only the
shape of the sheet: readable cells (planner.results.import_sheets), the national reference that groups the rows
of a seizure, and seizure columns that differ between the rows of one seizure.

If anything is wrong nothing is stored (the caller rolls back) and every problem is listed; `marked_workbook`
returns the uploaded workbook with the wrong cells filled red, each with a comment holding its problems."""
import re
import warnings
from dataclasses import dataclass, field
from io import BytesIO

from flask_babel import gettext as _
from flask_babel import ngettext

from planner.core.audit import log_action
from planner.core.clock import utcnow
from planner.core.errors import PermissionDenied, ValidationError
from planner.operations.access import operation_access
from planner.results.import_sheets import load_sheet
from planner.results.import_template import COLUMN_BY_KEY, ITEM, SEIZURE, SEIZURE_COLUMNS, SHEET_LABELS, SHEETS
from planner.results.models import CONVEYANCE_FIELDS
from planner.results.queries import may_import_past_results, may_report

SEIZURE_LEVEL = [c.key for c in SEIZURE_COLUMNS if c.level == SEIZURE]
ITEM_LEVEL = [c.key for c in SEIZURE_COLUMNS if c.level == ITEM]
ROUTE_COLUMNS = (("origin_country", "origin"), ("loading_country", "loading"), ("transit_countries", "transit"),
                 ("destination_country", "destination"))
QUANTITY_PAIRS = (1, 2)
_SEPARATORS = re.compile(r"[,;\s]+")


@dataclass
class ImportResult:
    sheet: str
    rows: int
    imported: int
    skipped: int
    created: list = field(default_factory=list)  # the records created
    other_rows: int = 0

    def json(self):
        body = {"sheet": self.sheet, "rows": self.rows, "imported": self.imported, "skipped": self.skipped}
        if self.sheet == "seizures":
            body["references"] = [s.national_reference for s in self.created]
        else:
            body["ids"] = [c.id for c in self.created]
        other = "controls" if self.sheet == "seizures" else "seizures"
        body["other_sheet"] = {"sheet": other, "rows": self.other_rows}
        return body


class RowErrors(ValidationError):
    """Rows of the sheet are wrong (422): errors keyed `rows.<n>.<column>` (or `rows.<n>` for a whole row), and
    what `marked_workbook` needs to mark the cells."""

    def __init__(self, message, errors, sheet):
        super().__init__(message, errors)
        self.sheet_title = sheet.title
        self.columns = sheet.columns


# --- seizures ------------------------------------------------------------------------------------------------

@dataclass
class SeizureGroup:
    """The rows of one seizure and how its record's paths map back onto them."""

    reference: str | None
    rows: list
    record: dict = field(default_factory=dict)
    quantity_pairs: list = field(default_factory=list)  # per item: the pair numbers (1, 2) given, in order
    route_columns: list = field(default_factory=list)  # per route step: the column it came from

    def locate(self, path):
        """(row number, column key or None) of a dotted path of the record."""
        parts = path.split(".") if path else [""]
        first = self.rows[0].number
        if parts[0] == "items" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(self.rows):
            k = int(parts[1])
            row = self.rows[k].number
            rest = parts[2:]
            if not rest:
                return row, None
            if rest[0] == "quantities":
                pairs = self.quantity_pairs[k] or [1]
                if len(rest) > 2 and rest[1].isdigit() and int(rest[1]) < len(pairs):
                    n = pairs[int(rest[1])]
                    return row, f"unit_{n}" if rest[2] == "unit" else f"quantity_{n}"
                return row, f"quantity_{pairs[0]}"
            return row, rest[0] if rest[0] in ITEM_LEVEL else None
        if parts[0] == "items":
            return first, "category"
        if parts[0] == "route":
            if len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(self.route_columns):
                return first, self.route_columns[int(parts[1])]
            return first, "origin_country"
        if parts[0] == "conveyance":
            return first, parts[1] if len(parts) > 1 and parts[1] in CONVEYANCE_FIELDS else "transport_mode"
        if parts[0] == "warning_id":
            return first, "warning"
        if parts[0] in SEIZURE_LEVEL:
            return first, parts[0]
        return first, None


def _offenders(text):
    people = []
    for part in re.split(r"[;\n]+", text):
        part = part.strip()
        if not part:
            continue
        role, _sep, nationality = part.partition(":")
        people.append({"role": re.sub(r"[\s\-]+", "_", role.strip().lower()),
                       "nationality": nationality.strip() or None})
    return people


def _seizure_record(group):
    first = group.rows[0].values
    record = {key: first.get(key) for key in (
        "seized_at", "country", "place", "location_code", "location_type", "detection_method", "transport_mode",
        "concealment", "concealment_details", "modus_operandi", "arrests", "investigation_opened",
        "share_with_eu_member_states", "share_with_third_countries", "share_with_agencies", "public_statistics",
        "embargo_until", "status")}
    record["national_reference"] = group.reference
    record["warning_id"] = first.get("warning")
    record["conveyance"] = {k: first[k] for k in CONVEYANCE_FIELDS if first.get(k) is not None}
    route = []
    for key, role in ROUTE_COLUMNS:
        value = first.get(key)
        if value is None:
            continue
        countries = [c for c in _SEPARATORS.split(value) if c] if key == "transit_countries" else [value]
        for country in countries:
            route.append({"country": country, "role": role})
            group.route_columns.append(key)
    record["route"] = route
    record["offenders"] = _offenders(first["offenders"]) if first.get("offenders") else []
    items = []
    for row in group.rows:
        values = row.values
        quantities, pairs = [], []
        for n in QUANTITY_PAIRS:
            value, unit = values.get(f"quantity_{n}"), values.get(f"unit_{n}")
            if value is None and unit is None:
                continue
            quantities.append({"value": value, "unit": unit})
            pairs.append(n)
        group.quantity_pairs.append(pairs)
        items.append({"category": values.get("category"), "type": values.get("type"),
                      "description": values.get("description"), "hs_code": values.get("hs_code"),
                      "brand": values.get("brand"), "counterfeit": values.get("counterfeit"),
                      "quantities": quantities, "estimated_value_eur": values.get("estimated_value_eur"),
                      "duties_evaded_eur": values.get("duties_evaded_eur")})
    record["items"] = items
    return record


def _group_seizures(rows, errors):
    groups, by_reference = [], {}
    for row in rows:
        reference = row.values.get("national_reference")
        if reference is None:
            errors.add(f"rows.{row.number}.national_reference",
                       _("Give the national reference: it groups the rows of one seizure and tells a new seizure "
                         "from one imported already."))
            groups.append(SeizureGroup(None, [row]))
            continue
        group = by_reference.get(reference)
        if group is None:
            group = by_reference[reference] = SeizureGroup(reference, [row])
            groups.append(group)
            continue
        first = group.rows[0]
        for key in SEIZURE_LEVEL:
            value = row.values.get(key)
            if value is not None and value != first.values.get(key):
                errors.add(f"rows.{row.number}.{key}",
                           _("Differs from row %(row)d, the first row of seizure %(ref)s: give the seizure's columns "
                             "on its first row, and on its other rows leave them blank or repeat them exactly.",
                             row=first.number, ref=reference))
        group.rows.append(row)
    for group in groups:
        group.record = _seizure_record(group)
    return groups


def _import_seizures(user, operation, rows, errors, now, organisation=None):
    from planner.results.services import MAX_BATCH, create_seizures

    groups = _group_seizures(rows, errors)
    created, skipped = [], []
    for start in range(0, len(groups), MAX_BATCH):
        chunk = groups[start:start + MAX_BATCH]
        try:
            result = create_seizures(user, operation, [g.record for g in chunk], now=now, skip_identical=True,
                                     organisation=organisation)
        except ValidationError as exc:
            for key, messages in exc.errors.items():
                match = re.fullmatch(r"seizures\.(\d+)(?:\.(.*))?", key)
                if match is None or int(match.group(1)) >= len(chunk):
                    for message in messages:
                        errors.add("file", message)
                    continue
                row, column = chunk[int(match.group(1))].locate(match.group(2) or "")
                for message in messages:
                    errors.add(f"rows.{row}.{column}" if column else f"rows.{row}", message)
            continue
        created += result.created
        skipped += result.skipped
    return created, skipped


# --- controls ------------------------------------------------------------------------------------------------

def _import_controls(user, operation, rows, errors, now, organisation=None):
    from planner.results.controls import MAX_BATCH, create_controls

    keys = [c.key for c in SHEETS["controls"]]
    created, skipped = [], []
    for start in range(0, len(rows), MAX_BATCH):
        chunk = rows[start:start + MAX_BATCH]
        records = [{key: row.values.get(key) for key in keys} for row in chunk]
        try:
            result = create_controls(user, operation, records, now=now, skip_identical=True,
                                     organisation=organisation)
        except ValidationError as exc:
            for key, messages in exc.errors.items():
                match = re.fullmatch(r"controls\.(\d+)(?:\.([a-z_]+))?.*", key)
                if match is None or int(match.group(1)) >= len(chunk):
                    for message in messages:
                        errors.add("file", message)
                    continue
                row = chunk[int(match.group(1))].number
                column = match.group(2) if match.group(2) in keys else None
                for message in messages:
                    errors.add(f"rows.{row}.{column}" if column else f"rows.{row}", message)
            continue
        created += result.created
        skipped += result.skipped
    return created, skipped


# --- the import ----------------------------------------------------------------------------------------------

def require_importer(access):
    """Only those who may record results import them (and get the template); into an operation recorded
    afterwards, the secretariat and admins, on behalf of its participating administrations."""
    if not (may_report(access) or may_import_past_results(access)):
        raise PermissionDenied(_("Results are imported by officers, contact points and coordinators of a "
                                 "participating administration while the operation is operational or "
                                 "post-operational (and, into an operation recorded afterwards, by the "
                                 "secretariat)."))


def rows_by_administration(access, rows, errors):
    """[(organisation or None, rows)]: every row is the user's own administration's (None) - or, importing the
    results of an operation recorded afterwards, each row's administration is the participating administration
    its column `administration` names (on every row; an observer records nothing)."""
    from planner.organisations.services import resolve_organisation_code

    if not may_import_past_results(access):
        own = access.user.organisation
        for row in rows:
            code = row.values.get("administration")
            named = resolve_organisation_code(code) if code is not None else own
            if named is None or named.id != own.id:
                errors.add(f"rows.{row.number}.administration",
                           _("The rows are the records of your administration (%(own)s): leave this column blank.",
                             own=own.code))
        return [(None, rows)]
    participants = {p.organisation.code: p.organisation for p in access.operation.participations
                    if p.is_participant}
    known = ", ".join(sorted(participants))
    batches = {}
    for row in rows:
        where = f"rows.{row.number}.administration"
        code = row.values.get("administration")
        named = resolve_organisation_code(code) if code is not None else None
        if code is None:
            errors.add(where, _("Name the participating administration whose record this row is: one of %(known)s.",
                                known=known))
        elif named is None or named.code not in participants:
            errors.add(where, _("%(code)s is not a participating administration of this operation; name one of "
                                "%(known)s.", code=str(code)[:20], known=known))
        else:
            batches.setdefault(named.code, []).append(row)
    return [(participants[code], batch) for code, batch in batches.items()]


def import_workbook(user, operation, content, sheet_name, max_bytes, now=None) -> ImportResult:
    """Import the `sheet_name` sheet ("seizures" or "controls") of an uploaded template for the user's
    administration: all its records, or none (RowErrors, UploadRefused, UploadTooLarge; the caller rolls back).
    Records recorded already with the same content are skipped."""
    if sheet_name not in SHEETS:
        raise ValidationError(_("Choose the sheet to import: seizures or controls."),
                              {"sheet": [_("Choose seizures or controls.")]})
    now = now or utcnow()
    access = operation_access(user, operation)
    require_importer(access)
    sheet, errors = load_sheet(content, max_bytes, sheet_name)
    label = SHEET_LABELS[sheet_name]
    if not sheet.rows:
        other = SHEET_LABELS["controls" if sheet_name == "seizures" else "seizures"]
        message = _("The %(sheet)s sheet has no rows to import.", sheet=label)
        if sheet.other_rows:
            message += " " + ngettext("The %(other)s sheet has %(num)d row: import that sheet instead.",
                                      "The %(other)s sheet has %(num)d rows: import that sheet instead.",
                                      sheet.other_rows, other=other)
        raise ValidationError(message, {"file": [message]})
    created, skipped = [], []
    batches = rows_by_administration(access, sheet.rows, errors)
    for organisation, rows in batches:
        importer = _import_seizures if sheet_name == "seizures" else _import_controls
        stored, same = importer(user, operation, rows, errors, now, organisation)
        created += stored
        skipped += same
    if errors:
        rows = {key.split(".")[1] for key in errors.errors if key.startswith("rows.")}
        count = sum(len(m) for m in errors.errors.values())
        problems = ngettext("%(num)d problem", "%(num)d problems", count)
        where = (ngettext("in %(num)d row of the %(sheet)s sheet", "in %(num)d rows of the %(sheet)s sheet",
                          len(rows), sheet=label) if rows else _("in the %(sheet)s sheet", sheet=label))
        raise RowErrors(_("%(problems)s %(where)s; nothing was imported.", problems=problems, where=where),
                        errors.errors, sheet)
    data = {"rows": len(sheet.rows), "imported": len(created), "skipped": len(skipped)}
    if any(organisation is not None for organisation, _rows in batches):
        data["on_behalf_of"] = sorted(organisation.code for organisation, _rows in batches)
    log_action(operation, f"{sheet_name}.imported", user, data=data, operation_id=operation.id, now=now)
    return ImportResult(sheet_name, len(sheet.rows), len(created), len(skipped), created, sheet.other_rows)


def sorted_errors(errors):
    """[(row or None, column key or None, message)] in row order, file problems first."""
    found = []
    for key, messages in errors.items():
        parts = key.split(".")
        if parts[0] == "rows" and len(parts) > 1 and parts[1].isdigit():
            row, column = int(parts[1]), parts[2] if len(parts) > 2 else None
        else:
            row, column = None, None if key == "file" else key
        found += [(row, column, m) for m in messages]
    return sorted(found, key=lambda e: (e[0] or 0, e[1] or ""))


def column_label(sheet_name, key):
    column = COLUMN_BY_KEY.get(sheet_name, {}).get(key)
    return str(column.label) if column else (key or "")


# --- the workbook back, with the wrong cells marked ----------------------------------------------------------

def marked_workbook(content, exc: RowErrors) -> bytes:
    """The uploaded workbook with every wrong cell filled red and a comment holding its problems (a problem of a
    whole row marks the row's first cell)."""
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        workbook = load_workbook(BytesIO(content))
    ws = workbook[exc.sheet_title]
    fill = PatternFill("solid", fgColor="FFC7CE")
    marks = {}
    for row, column, message in sorted_errors(exc.errors):
        if row is None:
            continue
        marks.setdefault((row, exc.columns.get(column, 1)), []).append(message)
    for (row, col), messages in marks.items():
        cell = ws.cell(row=row, column=col)
        cell.fill = fill
        text = "\n".join(messages)
        comment = Comment(text[:2000], _("Planner import"))
        comment.width, comment.height = 320, min(60 + 15 * (len(text) // 40), 400)
        cell.comment = comment
    for other in workbook.worksheets:
        other.sheet_view.tabSelected = other is ws
    workbook.active = workbook.index(ws)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
