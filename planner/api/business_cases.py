"""API: the business case, its versions and comments, its PDF, the funding decision and the annual programme.
The same services and queries as the pages (planner.business_cases)."""
from flask import Response, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from planner.api.base import endpoint, expected_version, json_body, query_parameter, reject_unknown_fields
from planner.api.openapi import TAGS
from planner.api.schemas import SCHEMAS
from planner.api.serializers import iso, person_json
from planner.business_cases import services
from planner.business_cases.content import FIELDS, SECTION_KEYS, missing_elements, with_derived
from planner.business_cases.queries import annual_programme, get_case_for_viewing, get_version, programme_json
from planner.core.audit import log_action
from planner.core.errors import FieldErrors, NotFound
from planner.extensions import db
from planner.operations.access import operation_access
from planner.operations.queries import get_visible_operation

if not any(t["name"] == "business cases" for t in TAGS):
    TAGS.append({"name": "business cases", "description": "Business cases, their review, funding decisions and "
                                                          "the annual programme."})
TAG = ("business cases",)


def case_json(operation, case):
    """The whole case (the API's shape) with `version` (send it back with PUT) and read-only `meta`."""
    access = operation_access(current_user, operation)
    content = with_derived(case.content if case else {})
    latest = case.latest_version if case else None
    body = dict(content)
    body["version"] = case.version if case else None
    body["meta"] = {
        "operation_id": operation.id,
        "reference": operation.reference,
        "state": operation.state,
        "document_number": services.document_number(operation, case, None if operation.state == "draft" else latest),
        "council_number": case.council_number if case else None,
        "handling_marking": operation.handling_marking,
        "editable": access.coordinates and operation.state == "draft",
        "missing": missing_elements(content),
        "versions": [v.number for v in case.versions] if case else [],
        "updated_at": iso(case.updated_at) if case else None,
        "updated_by": person_json(case.updated_by) if case else None,
    }
    return body


def version_json(version, with_content=True):
    body = {
        "number": version.number,
        "submitted_at": iso(version.submitted_at),
        "submitted_by": person_json(version.submitted_by),
        "outcome": version.outcome,
        "comments": len(version.comments),
    }
    if with_content:
        body["content"] = with_derived(version.content)
        body["comments"] = [comment_json(c) for c in version.comments]
    return body


def comment_json(comment):
    return {"id": comment.id, "version": comment.version.number, "section": comment.section, "body": comment.body,
            "author": person_json(comment.author), "created_at": iso(comment.created_at)}


def funding_json(operation, decision):
    if decision is None:
        return {"operation_id": operation.id, "granted_eur": None, "programme": None, "decided_on": None,
                "decided_by": None, "version": None}
    return {"operation_id": operation.id, "granted_eur": f"{decision.granted_eur:.2f}",
            "programme": decision.programme, "decided_on": decision.decided_on.isoformat(),
            "decided_by": person_json(decision.decided_by), "version": decision.version}


@endpoint("/operations/<int:operation_id>/business-case", summary="The business case", tags=TAG,
          response_schema="BusinessCase", errors=(404,))
def get_business_case(operation_id):
    """The whole case as JSON, with `version` (send it back with PUT) and read-only `meta` (document number,
    what a submission still misses, versions). For the organisations taking part, the secretariat and admins
    (invited organisations and observers: 403; others: 404)."""
    operation, _access, case = get_case_for_viewing(current_user, operation_id)
    response = jsonify(case_json(operation, case))
    if case is not None:
        response.set_etag(str(case.version))
    return response


@endpoint("/operations/<int:operation_id>/business-case", methods=("PUT",), summary="Replace the business case",
          tags=TAG, request_schema="BusinessCase", response_schema="BusinessCase", errors=(404, 409),
          request_example={"version": 3, "transport_sectors": ["road", "rail"],
                           "targeted_goods": [{"category": "cigarettes", "hs_codes": ["240220"]}]})
def put_business_case(operation_id):
    """The whole case: fields left out are emptied (a draft may be incomplete; submitting checks completeness).
    Only in draft, by the coordinators of the lead and co-organisers. Send the `version` you read (body or
    If-Match; not needed for the very first save); a stale one answers 409 with `current_version`. Every
    problem answers 422 with its dotted field, e.g. `targeted_goods.0.hs_codes.1`."""
    operation, _access = get_visible_operation(current_user, operation_id)
    data = json_body()
    reject_unknown_fields(data, tuple(FIELDS) + ("version", "meta"))
    case = services.case_of(operation)
    version = expected_version(data) if case is not None else None
    data = {k: v for k, v in data.items() if k in FIELDS}
    case = services.save_business_case(current_user, operation, data, expected_version=version, partial=False)
    db.session.flush()
    response = jsonify(case_json(operation, case))
    response.set_etag(str(case.version))
    return response


@endpoint("/operations/<int:operation_id>/business-case/versions", summary="The submitted versions", tags=TAG,
          response_schema="BusinessCaseVersionList", errors=(404,))
def list_business_case_versions(operation_id):
    """Every version frozen at a submission, oldest first (without their content)."""
    operation, _access, case = get_case_for_viewing(current_user, operation_id)
    return jsonify({"items": [version_json(v, with_content=False) for v in (case.versions if case else [])]})


@endpoint("/operations/<int:operation_id>/business-case/versions/<int:number>", summary="One submitted version",
          tags=TAG, response_schema="BusinessCaseVersion", errors=(404,))
def get_business_case_version(operation_id, number):
    """The frozen document of one version, with the secretariat's comments on it."""
    operation, _access, case = get_case_for_viewing(current_user, operation_id)
    return jsonify(version_json(get_version(case, number)))


@endpoint("/operations/<int:operation_id>/business-case/comments", summary="The working party's comments",
          tags=TAG, response_schema="ReviewCommentList", errors=(404,))
def list_business_case_comments(operation_id):
    """Every comment on every version, by version and section."""
    operation, _access, case = get_case_for_viewing(current_user, operation_id)
    items = [comment_json(c) for v in (case.versions if case else []) for c in v.comments]
    return jsonify({"items": items})


@endpoint("/operations/<int:operation_id>/business-case/comments", methods=("POST",), tags=TAG,
          summary="Comment on a section of the version under review", request_schema="ReviewCommentCreate",
          response_schema="ReviewComment", status=201, errors=(404, 409),
          request_example={"section": "routes", "body": "Name the border crossings of interest."})
def create_business_case_comment(operation_id):
    """The secretariat, while the case is submitted. `section` is one of the section keys."""
    operation, _access = get_visible_operation(current_user, operation_id)
    data = json_body()
    reject_unknown_fields(data, ("section", "body"))
    comment = services.add_comment(current_user, operation, data.get("section"), data.get("body"))
    response = jsonify(comment_json(comment))
    response.status_code = 201
    return response


@endpoint("/operations/<int:operation_id>/business-case.pdf", summary="The business case as a Council note (PDF)",
          tags=TAG, errors=(404,),
          parameters=[query_parameter("version", {"type": "integer", "minimum": 1},
                                      "A submitted version; default: the working copy.")])
def business_case_pdf(operation_id):
    """application/pdf: cover (document number, date, from, to, subject), the handling marking on every page,
    numbered sections, the risk matrix. Every download is audited (`document.downloaded`)."""
    from planner.business_cases.exports import business_case_pdf as build

    operation, _access, case = get_case_for_viewing(current_user, operation_id)
    errors = FieldErrors()
    raw = request.args.get("version")
    number = None
    if raw:
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 6:
            errors.add("version", _("Give a version number."))
        else:
            number = int(raw)
    errors.raise_if_any(_("The query parameters are not valid."))
    frozen = get_version(case, number) if number else None
    body, document = build(operation, case, frozen)
    log_action(case or operation, "document.downloaded", current_user,
               data={"document": document, "marking": operation.handling_marking, "format": "pdf", "via": "api"},
               operation_id=operation.id)
    filename = document.replace(" ", "_").replace("/", "-") + ".pdf"
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@endpoint("/operations/<int:operation_id>/funding", summary="The funding decision", tags=TAG,
          response_schema="FundingDecision", errors=(404,))
def get_funding(operation_id):
    """The amount granted (null until the secretariat records it)."""
    operation, _access, _case = get_case_for_viewing(current_user, operation_id)
    return jsonify(funding_json(operation, services.funding_of(operation)))


@endpoint("/operations/<int:operation_id>/funding", methods=("PUT",), summary="Record the funding decision",
          tags=TAG, request_schema="FundingDecisionUpdate", response_schema="FundingDecision", errors=(404, 409),
          request_example={"granted_eur": "9000.00", "programme": "Union Anti-Fraud Programme",
                           "decided_on": "2026-02-10"})
def put_funding(operation_id):
    """The secretariat, from approval on. Amounts are strings with at most two decimals; send the `version` you
    read when a decision exists already."""
    operation, _access = get_visible_operation(current_user, operation_id)
    data = json_body()
    existing = services.funding_of(operation)
    version = expected_version(data) if existing is not None else None
    decision = services.record_funding(current_user, operation, data, expected_version=version)
    return jsonify(funding_json(operation, decision))


@endpoint("/programme/<int:year>", permission="programme.view", summary="The annual programme and its checks",
          tags=TAG, response_schema="Programme", errors=(404,))
def get_programme(year):
    """The year's approved operations (the secretariat and admins also see drafts and submitted ones, and the
    funding per operation), with the checks of item 29: at least four operations approved or under way, the
    transport sectors no operation covers, the priority goods covered, and the funding requested and granted."""
    if not 1990 <= year <= 2100:
        raise NotFound(_("Not found."))
    return jsonify(programme_json(annual_programme(current_user, year)))


# --- OpenAPI schemas ---------------------------------------------------------------------------------------

_STR_LIST = {"type": "array", "items": {"type": "string"}}
_EUR = {"type": ["string", "null"], "pattern": "^[0-9]+(\\.[0-9]{1,2})?$", "examples": ["12000.00"]}
_DATE = {"type": ["string", "null"], "format": "date"}
_PERSON = {"type": ["object", "null"], "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                                                      "organisation": {"type": ["string", "null"]}}}
CASE_PROPERTIES = {
    "threat_assessment": {"type": "object", "properties": {
        "narrative": {"type": "string"}, "sources": {"type": "string"},
        "objective_ref": {"type": ["string", "null"]}}},
    "targeted_goods": {"type": "array", "items": {"type": "object", "properties": {
        "category": {"type": "string"}, "hs_codes": _STR_LIST}}},
    "transport_sectors": _STR_LIST,
    "routes": {"type": "object", "properties": {"origin": _STR_LIST, "transit": _STR_LIST,
                                                "destination": _STR_LIST}},
    "places": _STR_LIST,
    "risk": {"type": "object", "properties": {
        "likelihood": {"type": ["integer", "null"], "minimum": 1, "maximum": 5},
        "impact": {"type": ["integer", "null"], "minimum": 1, "maximum": 5},
        "justification": {"type": "string"},
        "score": {"type": ["integer", "null"], "readOnly": True},
        "level": {"type": ["string", "null"], "readOnly": True}}},
    "risk_indicators": _STR_LIST,
    "objectives": {"type": "array", "items": {"type": "object", "properties": {
        "indicator": {"type": "string"}, "target": {"type": ["integer", "null"]}}}},
    "proposed_participants": _STR_LIST,
    "proposed_observers": _STR_LIST,
    "window": {"type": "object", "properties": {"preparation_start": _DATE, "operational_start": _DATE,
                                                "operational_end": _DATE}},
    "coordination": {"type": "object", "properties": {"model": {"type": ["string", "null"],
                                                                "enum": ["physical", "virtual", None]},
                                                      "host": {"type": ["string", "null"]}}},
    "resources": {"type": "object", "properties": {"officers": {"type": ["integer", "null"]},
                                                   "liaison_officers": {"type": ["integer", "null"]},
                                                   "equipment": _STR_LIST}},
    "budget": {"type": "object", "properties": {
        "lines": {"type": "array", "items": {"type": "object", "properties": {"item": {"type": "string"},
                                                                               "amount_eur": _EUR}}},
        "programme": {"type": "string"}, "requested_eur": _EUR,
        "lines_total_eur": {**_EUR, "readOnly": True}}},
    "communication_plan": {"type": "string"},
    "version": {"type": ["integer", "null"], "description": "Send it back with PUT (or as If-Match)."},
    "meta": {"type": "object", "readOnly": True, "properties": {
        "operation_id": {"type": "integer"}, "reference": {"type": "string"}, "state": {"type": "string"},
        "document_number": {"type": "string"}, "council_number": {"type": ["string", "null"]},
        "handling_marking": {"type": "string"}, "editable": {"type": "boolean"},
        "missing": {"type": "object", "additionalProperties": _STR_LIST,
                    "description": "Section → what a submission still needs."},
        "versions": {"type": "array", "items": {"type": "integer"}},
        "updated_at": {"type": ["string", "null"], "format": "date-time"}, "updated_by": _PERSON}},
}
COMMENT_PROPERTIES = {
    "id": {"type": "integer"}, "version": {"type": "integer"},
    "section": {"type": "string", "enum": SECTION_KEYS}, "body": {"type": "string"}, "author": _PERSON,
    "created_at": {"type": "string", "format": "date-time"},
}
VERSION_PROPERTIES = {
    "number": {"type": "integer"}, "submitted_at": {"type": "string", "format": "date-time"},
    "submitted_by": _PERSON, "outcome": {"type": ["string", "null"], "enum": ["returned", "approved", "rejected", None]},
    "comments": {"description": "In a list: how many; for one version: the comments.",
                 "oneOf": [{"type": "integer"}, {"type": "array", "items": {"$ref": "#/components/schemas/ReviewComment"}}]},
    "content": {"$ref": "#/components/schemas/BusinessCase"},
}
SCHEMAS.update({
    "BusinessCase": {"type": "object", "description": "The whole business case; sections as in the issue.",
                     "properties": CASE_PROPERTIES},
    "BusinessCaseVersion": {"type": "object", "properties": VERSION_PROPERTIES},
    "BusinessCaseVersionList": {"type": "object", "properties": {
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/BusinessCaseVersion"}}}},
    "ReviewComment": {"type": "object", "properties": COMMENT_PROPERTIES},
    "ReviewCommentList": {"type": "object", "properties": {
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/ReviewComment"}}}},
    "ReviewCommentCreate": {"type": "object", "required": ["section", "body"], "additionalProperties": False,
                            "properties": {"section": {"type": "string", "enum": SECTION_KEYS},
                                           "body": {"type": "string", "maxLength": 5000}}},
    "FundingDecision": {"type": "object", "properties": {
        "operation_id": {"type": "integer"}, "granted_eur": _EUR, "programme": {"type": ["string", "null"]},
        "decided_on": _DATE, "decided_by": _PERSON, "version": {"type": ["integer", "null"]}}},
    "FundingDecisionUpdate": {"type": "object", "required": ["granted_eur", "decided_on"],
                              "additionalProperties": False, "properties": {
                                  "granted_eur": _EUR, "programme": {"type": "string", "maxLength": 300},
                                  "decided_on": {"type": "string", "format": "date"},
                                  "version": {"type": "integer"}}},
    "Programme": {"type": "object", "properties": {
        "year": {"type": "integer"},
        "operations": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "reference": {"type": "string"}, "code_name": {"type": "string"},
            "lead": {"type": "string"}, "state": {"type": "string"}, "state_label": {"type": "string"},
            "targeted_goods": _STR_LIST, "transport_sectors": _STR_LIST,
            "operational_start": _DATE, "operational_end": _DATE,
            "requested_eur": {**_EUR, "description": "Secretariat and admins only."},
            "granted_eur": {**_EUR, "description": "Secretariat and admins only."}}}},
        "checks": {"type": "object", "properties": {
            "operations_approved_or_under_way": {"type": "integer"}, "minimum_operations": {"type": "integer"},
            "meets_minimum": {"type": "boolean"}, "covered_transport_sectors": _STR_LIST,
            "uncovered_transport_sectors": _STR_LIST, "priority_goods": _STR_LIST,
            "priority_goods_covered": _STR_LIST, "priority_goods_uncovered": _STR_LIST}},
        "funding": {"type": "object", "properties": {"requested_eur": _EUR, "granted_eur": _EUR}},
    }},
})
