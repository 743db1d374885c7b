"""API: the consolidated annual report to the Council. The same rules as the pages (planner.reports.access
through planner.reports.annual_queries): the secretariat and admins read the live draft, the coordinators and
contact points of EU Member State administrations and agencies the latest issued revision, nobody else anything;
the secretariat issues revisions."""
from flask import Response, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from planner.api.base import endpoint, json_body, reject_unknown_fields
from planner.api.idempotency import idempotency_key, remember, replay
from planner.api.openapi import TAGS as OPENAPI_TAGS
from planner.api.schemas import SCHEMAS
from planner.api.serializers import iso
from planner.core.errors import PermissionDenied, ValidationError
from planner.core.spreadsheets import XLSX_MIMETYPE
from planner.reports.access import issues_annual_report
from planner.reports.annual_queries import (
    annual_document, annual_revision, annual_revisions, issued_headers, log_annual_download, require_year,
)
from planner.reports.services import MAX_NOTE_LENGTH, issue_annual_report

TAGS = ("reports",)
if not any(t["name"] == "reports" for t in OPENAPI_TAGS):
    OPENAPI_TAGS.append({"name": "reports", "description": "Final reports, the annual report and public summaries."})

MIMETYPES = {"xlsx": XLSX_MIMETYPE, "pdf": "application/pdf"}
_READERS = ("The secretariat and admins receive the live draft (every submitted record of the year's operations, "
            "in aggregate); the coordinators and contact points of EU Member State administrations and agencies "
            "the latest issued revision (404 while none is issued); anybody else 403. A year outside 1990–2100 or "
            "without operations: 404.")
_DOWNLOAD = ("Live for the secretariat and admins; for the distribution the latest issued bytes exactly as stored, "
             "with the headers `X-Report-SHA256` and `X-Report-Revision`.")


def _described(text):
    return text + "\n\n" + _READERS


def revision_json(issued):
    return {
        "revision": issued.revision, "number": issued.number, "issued_at": iso(issued.issued_at),
        "issued_by": {"name": issued.issued_by.name, "organisation": issued.issued_by.organisation.code},
        "xlsx_sha256": issued.xlsx_sha256, "pdf_sha256": issued.pdf_sha256, "changes_count": len(issued.changes),
        "note": issued.note,
        "xlsx_url": url_for("api.get_annual_report_revision_xlsx", year=issued.year, number=issued.revision),
        "pdf_url": url_for("api.get_annual_report_revision_pdf", year=issued.year, number=issued.revision),
    }


def _file(content, name, headers):
    sent = {"Content-Disposition": f'attachment; filename="{name}"'}
    sent.update(headers)
    return Response(content, mimetype=MIMETYPES[name.rsplit(".", 1)[1]], headers=sent)


@endpoint("/reports/annual/<int:year>", summary="The annual report on a year (dataset)", tags=TAGS,
          response_schema="AnnualReport", errors=(404,), description=_described(
              "The report's dataset (`dataset`: cover, numbered sections with facts and tables, as the PDF and the "
              "xlsx render it), `state` (draft, or issued once a revision exists), `source` (live: computed now; "
              "issued: the latest revision as stored, `revision` naming it) and the issued `revisions`."))
def get_annual_report(year):
    document = annual_document(current_user, year)
    return jsonify({
        "year": year, "state": document.state, "source": "live" if document.live else "issued",
        "revision": None if document.live else document.latest.revision,
        "number": document.dataset().cover.number if document.live else document.latest.number,
        "dataset": document.dataset_json(),
        "revisions": [revision_json(r) for r in annual_revisions(current_user, year)],
    })


@endpoint("/reports/annual/<int:year>.xlsx", summary="The annual report as an Excel workbook", tags=TAGS,
          errors=(404,), description=_described(_DOWNLOAD))
def get_annual_report_xlsx(year):
    document = annual_document(current_user, year)
    return _file(document.file("xlsx", current_user, via="api"), document.file_name("xlsx"), document.headers("xlsx"))


@endpoint("/reports/annual/<int:year>.pdf", summary="The annual report as a PDF", tags=TAGS, errors=(404,),
          description=_described(_DOWNLOAD))
def get_annual_report_pdf(year):
    document = annual_document(current_user, year)
    return _file(document.file("pdf", current_user, via="api"), document.file_name("pdf"), document.headers("pdf"))


@endpoint("/reports/annual/<int:year>/issue", methods=("POST",),
          summary="Issue the annual report (a new revision)", tags=TAGS, request_schema="AnnualReportIssue",
          response_schema="IssuedAnnualReport", status=201, errors=(404, 409),
          request_example={"note": "Corrects the tobacco quantities reported by LV."})
def issue_annual_report_endpoint(year):
    """The secretariat freezes the report as it is now: the xlsx and the PDF are stored with their SHA-256, the
    issuer and the date as the next revision (REV 0, REV 1 …); `changes` lists every figure that differs from the
    previous revision (`figure`: its path, `before`, `after`). An `Idempotency-Key` header makes a retry return the
    first answer instead of issuing again."""
    if not issues_annual_report(current_user):
        raise PermissionDenied(_("Only the working-party secretariat issues the annual report."))
    require_year(year)
    data = json_body() if request.get_data(cache=True) else {}
    reject_unknown_fields(data, ("note",))
    note = data.get("note")
    if note is not None and not isinstance(note, str):
        raise ValidationError(_("The report could not be issued."), {"note": [_("Give a text.")]})
    if note is not None and len(note) > MAX_NOTE_LENGTH:
        raise ValidationError(_("The report could not be issued."),
                              {"note": [_("At most %(n)d characters.", n=MAX_NOTE_LENGTH)]})
    key = idempotency_key()
    if key:
        stored = replay(current_user, key)
        if stored is not None:
            return stored
    issued = issue_annual_report(year, current_user, note or "")
    response = jsonify({**revision_json(issued), "changes": issued.changes})
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_annual_report_revision_pdf", year=year, number=issued.revision)
    if key:
        remember(current_user, key, response)
    return response


@endpoint("/reports/annual/<int:year>/revisions", summary="The issued revisions of an annual report", tags=TAGS,
          response_schema="AnnualReportRevisionList", errors=(404,))
def list_annual_report_revisions(year):
    """Every issued revision, oldest first: revision, document number, issue date and issuer, the SHA-256 of the
    xlsx and of the PDF, and how many figures changed since the previous revision. Readers of the annual report
    only (403 otherwise); an empty list while none is issued."""
    return jsonify({"items": [revision_json(r) for r in annual_revisions(current_user, year)]})


@endpoint("/reports/annual/<int:year>/revisions/<int:number>.xlsx", summary="An issued revision (Excel)",
          tags=TAGS, errors=(404,))
def get_annual_report_revision_xlsx(year, number):
    """The workbook of revision `number` exactly as issued (its SHA-256 in `X-Report-SHA256`)."""
    issued = annual_revision(current_user, year, number)
    log_annual_download(current_user, year, "xlsx", issued, via="api")
    return _file(issued.xlsx, f"annual-report-{year}-rev{number}.xlsx", issued_headers(issued, "xlsx"))


@endpoint("/reports/annual/<int:year>/revisions/<int:number>.pdf", summary="An issued revision (PDF)", tags=TAGS,
          errors=(404,))
def get_annual_report_revision_pdf(year, number):
    """The PDF of revision `number` exactly as issued (its SHA-256 in `X-Report-SHA256`)."""
    issued = annual_revision(current_user, year, number)
    log_annual_download(current_user, year, "pdf", issued, via="api")
    return _file(issued.pdf, f"annual-report-{year}-rev{number}.pdf", issued_headers(issued, "pdf"))


_REVISION = {
    "type": "object",
    "required": ["revision", "number", "issued_at", "issued_by", "xlsx_sha256", "pdf_sha256", "changes_count"],
    "properties": {
        "revision": {"type": "integer", "minimum": 0, "description": "0 for the first issue, 1 for REV 1 …"},
        "number": {"type": "string", "examples": ["JSO/AR/2026 REV 1"]},
        "issued_at": {"type": "string", "format": "date-time"},
        "issued_by": {"type": "object", "properties": {"name": {"type": "string"},
                                                       "organisation": {"type": "string"}}},
        "xlsx_sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "pdf_sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "changes_count": {"type": "integer", "description": "Figures changed since the previous revision."},
        "note": {"type": "string"},
        "xlsx_url": {"type": "string"}, "pdf_url": {"type": "string"},
    },
}
_CHANGE = {"type": "object", "required": ["figure", "before", "after"], "properties": {
    "figure": {"type": "string", "examples": ["by_commodity.tobacco/kg.quantity"],
               "description": "section.fact, or table.row.column"},
    "before": {"type": ["string", "null"]}, "after": {"type": ["string", "null"]}}}
SCHEMAS.update({
    "AnnualReportRevision": _REVISION,
    "AnnualReportRevisionList": {"type": "object", "required": ["items"], "properties": {
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/AnnualReportRevision"}}}},
    "AnnualReportIssue": {"type": "object", "additionalProperties": False, "properties": {
        "note": {"type": "string", "maxLength": MAX_NOTE_LENGTH, "description": "What this revision corrects."}}},
    "IssuedAnnualReport": {"allOf": [{"$ref": "#/components/schemas/AnnualReportRevision"}, {
        "type": "object", "required": ["changes"], "properties": {"changes": {"type": "array", "items": _CHANGE}}}]},
    "AnnualReport": {"type": "object", "required": ["year", "state", "source", "dataset", "revisions"], "properties": {
        "year": {"type": "integer"},
        "state": {"type": "string", "enum": ["draft", "issued"], "description": "issued once a revision exists"},
        "source": {"type": "string", "enum": ["live", "issued"]},
        "revision": {"type": ["integer", "null"], "description": "The revision of `dataset` when issued."},
        "number": {"type": "string"},
        "dataset": {"type": "object", "description": "kind, title, cover, sections (key, title, text, facts, "
                                                     "tables, subsections), generated_at, scope_note; quantities, "
                                                     "money and rates as exact decimal strings. The records behind "
                                                     "a figure: a fact's `link`, a table row's `links` entry or a "
                                                     "cell's `cell_links` entry ({column key: link}), each naming "
                                                     "`list` (`annual`: submitted seizures, `annual_controls`: "
                                                     "submitted control records), `year` when it is not the "
                                                     "report's, and the filters of the drill-down pages."},
        "revisions": {"type": "array", "items": {"$ref": "#/components/schemas/AnnualReportRevision"}},
    }},
})
