"""API: the public summaries (programme item 34): an operation's and a year's, as the dataset in JSON or as the
unmarked PDF. The same dataset and the same rules as the pages (planner/reports/public_dataset.py)."""
from flask import Response, jsonify
from flask_login import current_user

from planner.api.base import endpoint
from planner.api.openapi import TAGS as OPENAPI_TAGS
from planner.api.schemas import SCHEMAS
from planner.core.errors import NotFound
from planner.reports.public_dataset import load_public_operation, public_operation_dataset, public_year_dataset
from planner.reports.public_views import FIRST_YEAR, LAST_YEAR, log_operation_download, pdf_filename
from planner.reports.writers import dataset_pdf

TAGS = ("reports",)
if not any(t["name"] == "reports" for t in OPENAPI_TAGS):
    OPENAPI_TAGS.append({"name": "reports", "description": "Final reports, the annual report and public summaries."})

_RULES = ("Only submitted records flagged for public statistics count, once their own embargo and their "
          "operation's have passed (an embargo date is the first day the record may be public). The dataset "
          "carries no link to records and its cover has no handling marking.")


def _year(year):
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise NotFound("No such year.")
    return year


def _pdf(body, dataset):
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{pdf_filename(dataset)}"'})


@endpoint("/operations/<int:operation_id>/public-summary", summary="The public summary of an operation", tags=TAGS,
          response_schema="PublicSummary", errors=(404, 409))
def get_public_operation_summary(operation_id):
    """For the press: the operation's code name, the dates of its operational phase, the number of participating
    administrations, seizures and quantities per commodity and unit, seizures by transport mode, controls and the
    hit rate. Members of the operation and the oversight; an invited organisation or an observer gets 403, anybody
    else 404; an operation that has not started gets 409."""
    operation, _access = load_public_operation(current_user, operation_id)
    return jsonify(public_operation_dataset(operation).to_json())


@endpoint("/operations/<int:operation_id>/public-summary.pdf", summary="The public summary of an operation (PDF)",
          tags=TAGS, errors=(404, 409))
def get_public_operation_summary_pdf(operation_id):
    """application/pdf, unmarked: the same figures as the JSON. Every download is audited
    (`document.downloaded`)."""
    operation, _access = load_public_operation(current_user, operation_id)
    dataset = public_operation_dataset(operation)
    body = dataset_pdf(dataset)
    log_operation_download(operation, current_user, dataset, via="api")
    return _pdf(body, dataset)


@endpoint("/reports/public/<int:year>", permission="programme.view", summary="The public summary of a year",
          tags=TAGS, response_schema="PublicSummary", errors=(404,))
def get_public_year_summary(year):
    """For the press: the operations of the year that ran and whose results are public (code name and dates of
    the operational phase only) and the totals over their public records. The secretariat, admins and
    coordinators."""
    return jsonify(public_year_dataset(_year(year)).to_json())


@endpoint("/reports/public/<int:year>.pdf", permission="programme.view", summary="The public summary of a year (PDF)",
          tags=TAGS, errors=(404,))
def get_public_year_summary_pdf(year):
    """application/pdf, unmarked: the same figures as the JSON."""
    dataset = public_year_dataset(_year(year))
    return _pdf(dataset_pdf(dataset), dataset)


_VALUE = {"description": "Counts are integers; quantities and rates are decimal strings (exact); null is nothing."}
_FACT = {"type": "object", "properties": {"key": {"type": "string"}, "label": {"type": "string"}, "value": _VALUE,
                                          "kind": {"type": "string", "enum": ["text", "count", "quantity", "money",
                                                                              "rate"]},
                                          "link": {"type": "null"}}}
_TABLE = {"type": "object", "properties": {
    "key": {"type": "string"}, "title": {"type": "string"},
    "columns": {"type": "array", "items": {"type": "object", "properties": {
        "key": {"type": "string"}, "label": {"type": "string"}, "kind": {"type": "string"}}}},
    "rows": {"type": "array", "items": {"type": "array", "items": _VALUE}},
    "row_keys": {"type": "array", "items": {"type": "string"}},
    "links": {"type": "array", "items": {"type": "null"}, "description": "Always null: nothing links to records."}}}
SCHEMAS["PublicSummary"] = {
    "type": "object", "description": _RULES,
    "properties": {
        "kind": {"type": "string", "const": "public"},
        "title": {"type": "string"},
        "cover": {"type": "object", "properties": {
            "number": {"type": "string"}, "date": {"type": "string", "format": "date"},
            "sender": {"type": "string"}, "recipient": {"type": "string"}, "subject": {"type": "string"},
            "marking": {"type": "string", "const": "", "description": "Unmarked."}}},
        "sections": {"type": "array", "items": {"type": "object", "properties": {
            "key": {"type": "string"}, "title": {"type": "string"}, "text": {"type": ["string", "null"]},
            "facts": {"type": "array", "items": _FACT}, "tables": {"type": "array", "items": _TABLE},
            "subsections": {"type": "array", "items": {"type": "object"}}}}},
        "generated_at": {"type": "string", "format": "date-time"},
        "scope_note": {"type": "string"},
    },
}
