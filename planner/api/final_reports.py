"""API: the final report of an operation. The same access rules (planner/reports/access.py), services and
queries as the Final report tab: the report computed live for the reader, the narrative and its version, making
it final, the contributions, and the issued revisions byte for byte as stored."""
from flask import jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from planner.api.base import endpoint, expected_version, json_body, reject_unknown_fields
from planner.api.idempotency import idempotency_key, remember, replay
from planner.api.schemas import DATETIME, SCHEMAS
from planner.api.serializers import iso, person_json
from planner.core.errors import NotFound, PermissionDenied, ValidationError
from planner.operations.queries import get_visible_operation
from planner.reports.access import (
    finalises_final_report, reads_final_report, reads_issued_final_report, reads_narrative, writes_contribution,
    writes_final_report,
)
from planner.reports.final_dataset import final_report_dataset
from planner.reports.final_queries import (
    contribution_progress, follows_contributions, issued_revision, visible_contributions,
)
from planner.reports.final_views import document_response, issued_document, live_document, log_download
from planner.reports.models import FinalReportStatus, NarrativeSection, ReportKind
from planner.reports.services import (
    contribution_of, final_report_of, issue_final_report, latest_issued, revisions_of, save_contribution,
    save_final_report,
)

TAGS = ("reports",)
IF_MATCH = {"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"},
            "description": "The version read (the ETag of GET), instead of `version` in the body."}


def _reader(operation_id):
    operation, access = get_visible_operation(current_user, operation_id)
    if not reads_final_report(access):
        raise PermissionDenied(_("You may not read the final report of this operation (it has one once the "
                                 "operation has started; observers and members read it)."))
    return operation, access


def revision_json(issued):
    operation_id = issued.operation_id
    return {
        "revision": issued.revision, "label": issued.revision_label, "number": issued.number,
        "issued_at": iso(issued.issued_at), "issued_by": person_json(issued.issued_by), "note": issued.note,
        "xlsx_sha256": issued.xlsx_sha256, "pdf_sha256": issued.pdf_sha256, "changes": issued.changes,
        "xlsx_url": url_for("api.get_final_report_revision_xlsx", operation_id=operation_id,
                            number=issued.revision),
        "pdf_url": url_for("api.get_final_report_revision_pdf", operation_id=operation_id, number=issued.revision),
    }


def contribution_json(row):
    return {"organisation": row.organisation.code, "body": row.body, "submitted": row.submitted_at is not None,
            "submitted_at": iso(row.submitted_at), "updated_at": iso(row.updated_at), "version": row.version}


def final_report_json(operation, access):
    report = final_report_of(operation)
    texts = (report.sections or {}) if report and reads_narrative(access) else {}
    own = contribution_of(operation, access.user.organisation_id)
    body = {
        "operation": {"id": operation.id, "reference": operation.reference, "code_name": operation.code_name,
                      "state": operation.state},
        "status": report.status if report else FinalReportStatus.DRAFT.value,
        "version": report.version if report else 1,
        "sections": {s.value: texts.get(s.value, "") for s in NarrativeSection},
        "section_labels": {s.value: str(s.label) for s in NarrativeSection},
        "updated_at": iso(report.updated_at) if report else None,
        "finalised_at": iso(report.finalised_at) if report else None,
        "finalised_by": person_json(report.finalised_by) if report else None,
        "contributions": [contribution_json(c) for c in visible_contributions(access)],
        "own_contribution_version": own.version if own else 1,
        "dataset": final_report_dataset(operation, access).to_json(),
        "revisions": ([revision_json(r) for r in revisions_of(ReportKind.FINAL, operation_id=operation.id)]
                      if reads_issued_final_report(access) else []),
        "may": {"edit": writes_final_report(access), "make_final": finalises_final_report(access),
                "contribute": writes_contribution(access, report),
                "read_issued": reads_issued_final_report(access)},
    }
    if follows_contributions(access):
        body["contribution_progress"] = [
            {"organisation": org.code, "state": state, "organiser": organiser,
             "submitted_at": iso(row.submitted_at) if row else None}
            for org, state, row, organiser in contribution_progress(operation)]
    return body


def _answer(operation, access, status=200):
    body = final_report_json(operation, access)
    response = jsonify(body)
    response.status_code = status
    response.set_etag(str(body["version"]))
    return response


@endpoint("/operations/<int:operation_id>/final-report", summary="The final report of an operation", tags=TAGS,
          response_schema="FinalReport", errors=(404,))
def get_final_report(operation_id):
    """The members of the operation, its observers, the secretariat and admins, once the operation has started.
    `dataset`: the report computed now over the records you may see (the organisers and the oversight: every
    submitted record). `contributions`: your administration's and, for members, the submitted ones of the others;
    the organisers also get `contribution_progress`. `revisions`: the issued (frozen) revisions, for the LIMITE
    distribution (never a third country). The ETag is the `version` an update sends back."""
    operation, access = _reader(operation_id)
    return _answer(operation, access)


@endpoint("/operations/<int:operation_id>/final-report", methods=("PUT",), summary="Write the narrative",
          tags=TAGS, request_schema="FinalReportUpdate", response_schema="FinalReport", errors=(404, 409),
          parameters=[IF_MATCH], request_example={"sections": {"introduction": "The operation targeted …"},
                                                   "version": 1})
def put_final_report(operation_id):
    """Coordinators of the lead and co-organisers, post-operational or in evaluation. The sections given replace
    their text (the others keep theirs). Editing a final report makes it a draft again: making it final once more
    issues the next revision. A stale `version` (or `If-Match`) gets 409 with the current version."""
    operation, access = _reader(operation_id)
    if not writes_final_report(access):
        raise PermissionDenied(_("Only the coordinators of the lead and co-organisers write the final report, "
                                 "after the operational phase and before the operation is closed."))
    data = json_body()
    reject_unknown_fields(data, {"sections", "version"})
    version = expected_version(data)
    save_final_report(operation, current_user, data.get("sections"), version)
    return _answer(operation, access)


@endpoint("/operations/<int:operation_id>/final-report/issue", methods=("POST",), summary="Make the report final",
          tags=TAGS, request_schema="FinalReportIssue", response_schema="IssuedFinalReport", status=201,
          errors=(404, 409), parameters=[IF_MATCH], request_example={"note": "", "version": 3})
def post_final_report_issue(operation_id):
    """Coordinators of the lead and co-organisers, in evaluation (or closed, for a correction). Every narrative
    section must be written (422 names the missing ones). The figures are computed over every submitted record;
    the xlsx and the PDF are stored with their SHA-256 as the next revision (0, then REV 1 …), with the figures
    changed since the previous revision. `version` (or `If-Match`) is required: the report you read is the one
    you freeze (a stale one gets 409). An `Idempotency-Key` makes a retry harmless."""
    operation, access = _reader(operation_id)
    if not finalises_final_report(access):
        raise PermissionDenied(_("Only the coordinators of the lead and co-organisers make the final report final, "
                                 "in evaluation."))
    data = json_body() if request.get_data(cache=True) else {}
    reject_unknown_fields(data, {"note", "version"})
    key = idempotency_key()
    if key:
        stored = replay(current_user, key)
        if stored is not None:
            return stored
    version = expected_version(data)
    note = data.get("note") or ""
    if not isinstance(note, str):
        raise ValidationError(_("The report could not be issued."), {"note": [_("Give a text.")]})
    issued = issue_final_report(operation, current_user, note=note, version=version)
    report = final_report_of(operation)
    response = jsonify({**revision_json(issued), "status": report.status, "version": report.version})
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_final_report_revision_pdf", operation_id=operation.id,
                                           number=issued.revision)
    if key:
        remember(current_user, key, response)
    return response


@endpoint("/operations/<int:operation_id>/final-report/contribution", methods=("PUT",),
          summary="Write your administration's contribution", tags=TAGS, request_schema="ContributionUpdate",
          response_schema="Contribution", errors=(404, 409), parameters=[IF_MATCH],
          request_example={"body": "Poland deployed 40 officers at Terespol …", "submit": True, "version": 1})
def put_final_report_contribution(operation_id):
    """Coordinators and contact points of a member administration (the lead and co-organisers included) while the
    operation is operational, post-operational or in evaluation, and before the report is final. `submit: true`
    makes it part of the report (it stays editable). The first save needs no version; later ones send the
    contribution's `version` (or `If-Match`): a stale one gets 409."""
    operation, access = _reader(operation_id)
    if not writes_contribution(access, final_report_of(operation)):
        raise PermissionDenied(_("Your administration cannot write a contribution to this final report now."))
    data = json_body()
    reject_unknown_fields(data, {"body", "submit", "version"})
    existing = contribution_of(operation, current_user.organisation_id)
    version = expected_version(data) if existing is not None or "version" in data else None
    row = save_contribution(operation, current_user, data.get("body", ""), submit=data.get("submit") is True,
                            version=version)
    response = jsonify(contribution_json(row))
    response.set_etag(str(row.version))
    return response


def _document(operation_id, kind):
    """The issued revision for the LIMITE distribution when one exists, else the live report for the reader."""
    operation, access = _reader(operation_id)
    issued = latest_issued(ReportKind.FINAL, operation_id=operation.id) if reads_issued_final_report(access) else None
    if issued is not None:
        data, mimetype, filename = issued_document(issued, kind)
    else:
        data, mimetype, filename = live_document(operation, access, kind)
    log_download(operation, current_user, kind, issued, via="api")
    return document_response(data, mimetype, filename, issued)


@endpoint("/operations/<int:operation_id>/final-report.xlsx", summary="The final report as xlsx", tags=TAGS,
          errors=(404,))
def get_final_report_xlsx(operation_id):
    """For the LIMITE distribution (the organisers, the oversight, EU Member State and agency members and
    observers), once a revision is issued: its xlsx exactly as stored (headers `X-Report-SHA256`,
    `X-Report-Revision`). Otherwise the report computed now over the records you may see, with an annex sheet of
    those records."""
    return _document(operation_id, "xlsx")


@endpoint("/operations/<int:operation_id>/final-report.pdf", summary="The final report as PDF", tags=TAGS,
          errors=(404,))
def get_final_report_pdf(operation_id):
    """As the xlsx: the latest issued PDF exactly as stored for the LIMITE distribution, else the live one."""
    return _document(operation_id, "pdf")


def _issued_reader(operation_id):
    operation, access = _reader(operation_id)
    if not reads_issued_final_report(access):
        raise PermissionDenied(_("The issued final report goes to the LIMITE distribution only."))
    return operation, access


@endpoint("/operations/<int:operation_id>/final-report/revisions", summary="The issued revisions", tags=TAGS,
          response_schema="FinalReportRevisions", errors=(404,))
def list_final_report_revisions(operation_id):
    """The LIMITE distribution: each issued revision with its number, issuer, SHA-256 of both files and the
    figures changed since the previous revision."""
    operation, _access = _issued_reader(operation_id)
    return jsonify({"items": [revision_json(r) for r in revisions_of(ReportKind.FINAL, operation_id=operation.id)]})


def _revision(operation_id, revision, kind):
    operation, _access = _issued_reader(operation_id)
    issued = issued_revision(operation, revision)
    if issued is None:
        raise NotFound(_("No such revision."))
    data, mimetype, filename = issued_document(issued, kind)
    log_download(operation, current_user, kind, issued, via="api")
    return document_response(data, mimetype, filename, issued)


@endpoint("/operations/<int:operation_id>/final-report/revisions/<int:number>.xlsx",
          summary="An issued revision as xlsx", tags=TAGS, errors=(404,))
def get_final_report_revision_xlsx(operation_id, number):
    """Byte for byte as issued (headers `X-Report-SHA256`, `X-Report-Revision`)."""
    return _revision(operation_id, number, "xlsx")


@endpoint("/operations/<int:operation_id>/final-report/revisions/<int:number>.pdf",
          summary="An issued revision as PDF", tags=TAGS, errors=(404,))
def get_final_report_revision_pdf(operation_id, number):
    """Byte for byte as issued (headers `X-Report-SHA256`, `X-Report-Revision`)."""
    return _revision(operation_id, number, "pdf")


# --- OpenAPI components of this module ------------------------------------------------------------------------

_SECTIONS = {"type": "object", "additionalProperties": False,
             "properties": {s.value: {"type": "string", "maxLength": 32000} for s in NarrativeSection}}
_REVISION = {"type": "object", "properties": {
    "revision": {"type": "integer", "description": "0 for the first issue, then 1 (REV 1) …"},
    "label": {"type": "string"}, "number": {"type": "string"}, "issued_at": DATETIME,
    "issued_by": {"type": ["object", "null"]}, "note": {"type": "string"},
    "xlsx_sha256": {"type": "string"}, "pdf_sha256": {"type": "string"},
    "changes": {"type": "array", "items": {"type": "object", "properties": {
        "figure": {"type": "string"}, "before": {"type": ["string", "null"]}, "after": {"type": ["string", "null"]}}}},
    "xlsx_url": {"type": "string"}, "pdf_url": {"type": "string"}}}
_CONTRIBUTION = {"type": "object", "properties": {
    "organisation": {"type": "string"}, "body": {"type": "string"}, "submitted": {"type": "boolean"},
    "submitted_at": DATETIME, "updated_at": DATETIME, "version": {"type": "integer"}}}
SCHEMAS.update({
    "FinalReport": {"type": "object", "properties": {
        "operation": {"type": "object"},
        "status": {"type": "string", "enum": FinalReportStatus.codes()},
        "version": {"type": "integer", "description": "Send it back with a PUT (or as If-Match)."},
        "sections": _SECTIONS, "section_labels": {"type": "object"},
        "updated_at": DATETIME, "finalised_at": DATETIME, "finalised_by": {"type": ["object", "null"]},
        "contributions": {"type": "array", "items": {"$ref": "#/components/schemas/Contribution"}},
        "own_contribution_version": {"type": "integer"},
        "contribution_progress": {"type": "array", "items": {"type": "object"},
                                  "description": "The organisers and the oversight: who has contributed."},
        "dataset": {"type": "object", "description": "The report dataset: cover, numbered sections with facts, "
                                                     "tables and texts. Decimals travel as strings."},
        "revisions": {"type": "array", "items": {"$ref": "#/components/schemas/FinalReportRevision"}},
        "may": {"type": "object"}}},
    "FinalReportUpdate": {"type": "object", "required": ["sections"], "additionalProperties": False, "properties": {
        "sections": _SECTIONS, "version": {"type": "integer"}}},
    "FinalReportIssue": {"type": "object", "additionalProperties": False, "properties": {
        "note": {"type": "string", "maxLength": 2000, "description": "What this revision corrects."},
        "version": {"type": "integer"}}},
    "FinalReportRevision": _REVISION,
    "IssuedFinalReport": {**_REVISION, "properties": {**_REVISION["properties"], "status": {"type": "string"},
                                                      "version": {"type": "integer"}}},
    "FinalReportRevisions": {"type": "object", "properties": {
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/FinalReportRevision"}}}},
    "Contribution": _CONTRIBUTION,
    "ContributionUpdate": {"type": "object", "required": ["body"], "additionalProperties": False, "properties": {
        "body": {"type": "string", "maxLength": 32000}, "submit": {"type": "boolean", "default": False},
        "version": {"type": "integer"}}},
})


def _describe_documents():
    """The downloads answer with a file, not JSON."""
    from planner.api.base import OPENAPI_PATHS
    from planner.core.spreadsheets import XLSX_MIMETYPE

    base = "/api/v1/operations/{operation_id}/final-report"
    for path, mimetype in ((base + ".xlsx", XLSX_MIMETYPE), (base + ".pdf", "application/pdf"),
                           (base + "/revisions/{number}.xlsx", XLSX_MIMETYPE),
                           (base + "/revisions/{number}.pdf", "application/pdf")):
        ok = OPENAPI_PATHS[path]["get"]["responses"]["200"]
        ok["content"] = {mimetype: {"schema": {"type": "string", "contentMediaType": mimetype}}}
        ok["headers"] = {"X-Report-SHA256": {"schema": {"type": "string"},
                                             "description": "An issued revision: the SHA-256 of the file."},
                         "X-Report-Revision": {"schema": {"type": "integer"},
                                               "description": "An issued revision: its number."}}


_describe_documents()
