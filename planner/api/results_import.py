"""API: the Excel template of an operation's results and the import of its sheets. The same template and import
as the Results tab's "Import from Excel" page (planner.results.workbook_import): one workbook with a Seizures and
a Controls sheet; each upload imports one sheet, all its rows or none."""
from flask import Response, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from planner.api.base import OPENAPI_PATHS, BadRequest, endpoint, query_parameter
from planner.api.schemas import SCHEMAS
from planner.auth.models import TokenScope
from planner.core.errors import FieldErrors
from planner.core.spreadsheets import XLSX_MIMETYPE
from planner.extensions import db
from planner.operations.queries import get_visible_operation
from planner.results.import_files import import_max_bytes
from planner.results.import_template import MAX_ROWS, SHEETS, template_bytes, template_filename
from planner.results.workbook_import import RowErrors, import_workbook, marked_workbook, require_importer

TAGS = ("results",)
FIELD = "file"

_SHEET_TEXT = (
    "The workbook is the operation's template (`GET …/seizures/template.xlsx` and `GET …/controls/template.xlsx` "
    "return the same file): a Seizures sheet, a Controls sheet, an Instructions sheet and a hidden Lists sheet. "
    "Row 1 of a data sheet holds the labels, row 2 (hidden) the column keys the import reads, data starts on row 3. "
    "Each upload imports one sheet: `POST …/seizures/import` the Seizures sheet, `POST …/controls/import` the "
    "Controls sheet (the page does the same, one sheet per upload); `other_sheet` in the answer counts the filled "
    "rows of the sheet it did not import."
)
_IMPORT_TEXT = (
    "Multipart form data with the workbook (.xlsx) in the field `file`, at most PLANNER_IMPORT_MAX_BYTES (10 MB "
    f"by default; a larger request gets 413) and {MAX_ROWS} rows. Files that are not .xlsx, zip bombs, workbooks "
    "with macros, embedded objects, links to other files or formula cells are refused (422, problems under "
    "`file`); nothing is stored. Every row is then checked by the same validation as `POST …/{kind}`: if one row "
    "is wrong nothing is stored and the answer is 422 with every problem keyed `rows.<n>.<column>` (the sheet's "
    "row number and the column key of row 2; `rows.<n>` for the row as a whole). With `?feedback=xlsx` that 422 "
    "answer is instead the uploaded workbook with the wrong cells filled red, each with a comment holding its "
    "problems (Content-Type application/vnd.openxmlformats-officedocument.spreadsheetml.sheet). If every row is "
    "right, all are stored in one transaction and the answer (200) counts the records imported and those skipped: "
    "{skip} Officers, contact points and coordinators of an accepted participant, while the operation is "
    "operational or post-operational (403 otherwise); the records belong to the user's administration.\n\n"
    "Into an operation recorded afterwards (`POST /operations/past`; closed from the start) the secretariat and "
    "admins import on behalf of its participating administrations, and nobody else: its template has a first "
    "column `administration`, the code of the participating administration whose record the row is (required on "
    "every row, else `rows.<n>.administration`), and the records are stored as submitted records of that "
    "administration (a row with the status draft is refused)."
)
_SEIZURE_SKIP = ("a seizure whose national reference the administration recorded already with the same content is "
                 "skipped; with other content it is a conflict, reported like an error (edit that record instead). "
                 "Rows with the same national reference are one seizure, one row per item.")
_CONTROL_SKIP = ("controls of a day, location, transport mode and selection basis recorded already with the same "
                 "numbers are skipped; with other numbers they are a conflict, reported like an error.")


def _template_response(operation_id):
    operation, access = get_visible_operation(current_user, operation_id)
    require_importer(access)
    content = template_bytes(operation, current_user.organisation, import_max_bytes())
    return Response(content, mimetype=XLSX_MIMETYPE, headers={
        "Content-Disposition": f'attachment; filename="{template_filename(operation)}"'})


def _uploaded_workbook():
    """The bytes of the multipart field `file` (at most one byte over the limit is read), and the feedback
    format asked for."""
    feedback = request.args.get("feedback", "json")
    if feedback not in ("json", "xlsx"):
        raise BadRequest(_("The parameter feedback takes json or xlsx."))
    if request.mimetype != "multipart/form-data":
        raise BadRequest(_("Send the workbook as multipart/form-data, in the field '%(field)s'.", field=FIELD))
    errors = FieldErrors()
    for name in sorted((set(request.form) | set(request.files)) - {FIELD}):
        errors.add(name, _("Unknown field; send only '%(field)s'.", field=FIELD))
    files = request.files.getlist(FIELD)
    if not files:
        errors.add(FIELD, _("Send the workbook (.xlsx) in the multipart field '%(field)s'.", field=FIELD))
    elif len(files) > 1:
        errors.add(FIELD, _("Send one workbook per request."))
    errors.raise_if_any(_("The workbook was refused; nothing was imported."))
    return files[0].stream.read(import_max_bytes() + 1), feedback


def _import(operation_id, sheet):
    operation, access = get_visible_operation(current_user, operation_id)
    require_importer(access)
    content, feedback = _uploaded_workbook()
    try:
        result = import_workbook(current_user, operation, content, sheet, import_max_bytes())
    except RowErrors as exc:
        if feedback != "xlsx":
            raise
        db.session.rollback()
        return Response(marked_workbook(content, exc), status=422, mimetype=XLSX_MIMETYPE, headers={
            "Content-Disposition": f'attachment; filename="{operation.reference}-import-problems.xlsx"'})
    return jsonify(result.json())


@endpoint("/operations/<int:operation_id>/seizures/template.xlsx", summary="The Excel import template", tags=TAGS,
          errors=(404,))
def get_seizures_template(operation_id):
    """The operation's import template for the token's administration (its sharing defaults are named in the
    instructions), with drop-down lists from the vocabularies. For those who may import (403 otherwise)."""
    return _template_response(operation_id)


@endpoint("/operations/<int:operation_id>/controls/template.xlsx", summary="The Excel import template (controls)",
          tags=TAGS, errors=(404,))
def get_controls_template(operation_id):
    """The same workbook as `GET …/seizures/template.xlsx`: its Controls sheet is the one to fill for controls."""
    return _template_response(operation_id)


@endpoint("/operations/<int:operation_id>/seizures/import", methods=("POST",), scope=TokenScope.WRITE_RESULTS,
          summary="Import the Seizures sheet of a filled-in template", tags=TAGS, request_schema="WorkbookUpload",
          response_schema="WorkbookImport", errors=(404,),
          parameters=[query_parameter("feedback", {"type": "string", "enum": ["json", "xlsx"], "default": "json"},
                                      "xlsx: a 422 answer is the workbook with the wrong cells marked.")],
          description=_SHEET_TEXT + "\n\n" + _IMPORT_TEXT.format(kind="seizures", skip=_SEIZURE_SKIP))
def import_seizures(operation_id):
    return _import(operation_id, "seizures")


@endpoint("/operations/<int:operation_id>/controls/import", methods=("POST",), scope=TokenScope.WRITE_RESULTS,
          summary="Import the Controls sheet of a filled-in template", tags=TAGS, request_schema="WorkbookUpload",
          response_schema="WorkbookImport", errors=(404,),
          parameters=[query_parameter("feedback", {"type": "string", "enum": ["json", "xlsx"], "default": "json"},
                                      "xlsx: a 422 answer is the workbook with the wrong cells marked.")],
          description=_SHEET_TEXT + "\n\n" + _IMPORT_TEXT.format(kind="controls", skip=_CONTROL_SKIP))
def import_controls(operation_id):
    return _import(operation_id, "controls")


# --- OpenAPI components of this module ------------------------------------------------------------------------

SCHEMAS.update({
    "WorkbookUpload": {"type": "object", "required": [FIELD], "additionalProperties": False, "properties": {
        FIELD: {"type": "string", "contentMediaType": XLSX_MIMETYPE,
                "description": "The filled-in template (.xlsx); its content decides, not its name."}}},
    "WorkbookImport": {"type": "object", "properties": {
        "sheet": {"type": "string", "enum": list(SHEETS)},
        "rows": {"type": "integer", "description": "Filled rows of the sheet."},
        "imported": {"type": "integer", "description": "Records stored (seizures: one per national reference)."},
        "skipped": {"type": "integer", "description": "Records stored already with the same content."},
        "references": {"type": "array", "items": {"type": "string"},
                       "description": "Seizures: the national references of the seizures stored."},
        "ids": {"type": "array", "items": {"type": "integer"}, "description": "Controls: the records stored."},
        "other_sheet": {"type": "object", "properties": {"sheet": {"type": "string", "enum": list(SHEETS)},
                                                         "rows": {"type": "integer"}},
                        "description": "The filled rows of the other data sheet, which this upload did not import."},
    }},
})


def _describe_workbooks():
    """The uploads are multipart form data; the templates answer with a workbook; an import may answer 413."""
    for kind in SHEETS:
        post = OPENAPI_PATHS[f"/api/v1/operations/{{operation_id}}/{kind}/import"]["post"]
        post["requestBody"]["content"] = {
            "multipart/form-data": {"schema": {"$ref": "#/components/schemas/WorkbookUpload"}}}
        post["responses"]["422"] = {
            "description": "Nothing was imported: the file is refused (`file`) or rows are wrong "
                           "(`rows.<n>.<column>`); with `?feedback=xlsx`, the marked workbook.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}},
                        XLSX_MIMETYPE: {"schema": {"type": "string", "contentMediaType": XLSX_MIMETYPE}}}}
        post["responses"]["413"] = {
            "description": "The workbook is larger than PLANNER_IMPORT_MAX_BYTES; nothing was read or stored.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        ok = OPENAPI_PATHS[f"/api/v1/operations/{{operation_id}}/{kind}/template.xlsx"]["get"]["responses"]["200"]
        ok["content"] = {XLSX_MIMETYPE: {"schema": {"type": "string", "contentMediaType": XLSX_MIMETYPE}}}
        ok["description"] = "The template workbook, as a download."


_describe_workbooks()
