"""API: seizures and controls of an operation, their comments, the controls' hit rates and the operation's results
embargo. The same services and queries as the pages (planner/results): what a user sees goes through
`visible_seizures` / `visible_controls`; what a user may do is decided by the services.

A POST takes one record (the JSON object) or a batch (`{"seizures": [...]}`, `{"controls": [...]}`): all stored
or none, errors keyed `seizures.<i>.<field>`. An `Idempotency-Key` header makes a retried POST harmless: the
same key answers the first answer again (header `Idempotent-Replayed: true`) and changes nothing."""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from planner.api.base import (
    endpoint, expected_version, json_body, paging, paging_parameters, query_parameter, reject_unknown_fields,
)
from planner.api.idempotency import idempotency_key, remember, replay
from planner.api.serializers import iso, person_json
from planner.auth.models import TokenScope
from planner.core.errors import FieldErrors, PermissionDenied
from planner.extensions import db
from planner.operations.queries import get_visible_operation
from planner.organisations.services import resolve_organisation_code
from planner.results.controls import create_controls, update_control, withdraw_control
from planner.results.figures import control_summary
from planner.results.models import ControlRecord, RecordStatus, SeizureComment
from planner.results.queries import (
    SEIZURE_SORTS, breakdown_filters, control_by_id_for, seizure_by_id_for, seizure_page, sees_results,
    visible_controls,
)
from planner.results.serialization import control_json, seizure_json
from planner.results.services import (
    comment_on_seizure, create_seizure, create_seizures, set_results_embargo, update_seizure, withdraw_seizure,
)
from planner.results.validation import CONTROL_FIELDS, SEIZURE_FIELDS
from planner.vocab.codes import COMMODITY_CATEGORY, DetectionMethod, SelectionBasis, TransportMode
from planner.vocab.queries import codes_of

TAGS = ("results",)
WRITE_RESULTS = TokenScope.WRITE_RESULTS
CONTROL_SORTS = {
    "date": (ControlRecord.control_date,),
    "organisation": (ControlRecord.organisation_id,),
    "location": (ControlRecord.location,),
    "transport_mode": (ControlRecord.transport_mode,),
    "selection_basis": (ControlRecord.selection_basis,),
}
IF_MATCH = {"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"},
            "description": "The version read (the ETag of GET), instead of `version` in the body."}
IDEMPOTENCY_KEY = {"name": "Idempotency-Key", "in": "header", "required": False,
                   "schema": {"type": "string", "maxLength": 200},
                   "description": "Any unique text (e.g. a UUID). A retry with the same key and body gets the first "
                                  "answer again, with `Idempotent-Replayed: true`, and stores nothing; the same key "
                                  "with another body answers 422."}


# --- reading the query string ----------------------------------------------------------------------------------

def _choice_argument(name, codes, errors):
    value = (request.args.get(name) or "").strip()
    if value and value not in codes:
        errors.add(name, _("Choose one of: %(codes)s.", codes=", ".join(codes)))
        return None
    return value or None


def _organisation_argument(errors):
    code = (request.args.get("organisation") or "").strip()
    if not code:
        return None
    organisation = resolve_organisation_code(code[:40])
    if organisation is None:
        errors.add("organisation", _("No organisation has the code “%(code)s”.", code=code[:40]))
        return None
    return organisation.id


def _day_arguments(operation, errors):
    """date_from / date_to (local dates of the operation, both included) as [start, end) in aware datetimes."""
    zone = ZoneInfo(operation.time_zone or "Europe/Brussels")
    bounds = {}
    for name, shift in (("date_from", 0), ("date_to", 1)):
        raw = (request.args.get(name) or "").strip()
        if not raw:
            continue
        try:
            day = date.fromisoformat(raw) if len(raw) == 10 else None
        except ValueError:
            day = None
        if day is None:
            errors.add(name, _("Give a date as YYYY-MM-DD."))
            continue
        bounds[name] = (day, datetime.combine(day + timedelta(days=shift), time(0), zone))
    if "date_from" in bounds and "date_to" in bounds and bounds["date_from"][0] > bounds["date_to"][0]:
        errors.add("date_to", _("The last day comes before the first one."))
    return bounds


def _sort_argument(whitelist, default, errors):
    sort = (request.args.get("sort") or default).strip()
    if sort.lstrip("-") not in whitelist or sort.count("-") > 1:
        known = sorted(whitelist)
        errors.add("sort", _("Sort by one of: %(keys)s (a leading - for descending).", keys=", ".join(known)))
        return default
    return sort


def _q_argument(errors):
    q = (request.args.get("q") or "").strip()
    if len(q) > 100:
        errors.add("q", _("Use at most 100 characters."))
        return None
    return q or None


def _results_access(operation_id):
    operation, access = get_visible_operation(current_user, operation_id)
    if not sees_results(access):
        raise PermissionDenied(_("An invited organisation sees the results once it has accepted."))
    return operation, access


def _created(body, location=None):
    response = jsonify(body)
    response.status_code = 201
    if location:
        response.headers["Location"] = location
    return response


def _idempotent(create):
    """Run `create()` (which returns the answer) once per Idempotency-Key; a retry gets the stored answer."""
    key = idempotency_key()
    if key:
        stored = replay(current_user, key)
        if stored is not None:
            return stored
    response = create()
    if key:
        remember(current_user, key, response)
    return response


def _list_answer(items, total, page, per_page, **extra):
    return jsonify({"items": items, "total": total, "page": page, "per_page": per_page,
                    "pages": max((total + per_page - 1) // per_page, 1), **extra})


def _record_response(body):
    response = jsonify(body)
    response.set_etag(str(body["version"]))
    return response


# --- seizures ----------------------------------------------------------------------------------------------------

@endpoint("/operations/<int:operation_id>/seizures", summary="The seizures you may see", tags=TAGS,
          response_schema="SeizureList", errors=(404, 422), parameters=[
              query_parameter("organisation", {"type": "string"}, "The reporting administration's code."),
              query_parameter("status", {"type": "string", "enum": RecordStatus.codes()}, "Only this status."),
              query_parameter("category", {"type": "string"}, "A commodity category of one of its items."),
              query_parameter("transport_mode", {"type": "string", "enum": TransportMode.codes()}, "Only this mode."),
              query_parameter("detection_method", {"type": "string", "enum": DetectionMethod.codes()},
                              "Only this detection method."),
              query_parameter("date_from", {"type": "string", "format": "date"},
                              "Seized on or after this day (the operation's time zone)."),
              query_parameter("date_to", {"type": "string", "format": "date"}, "Seized on or before this day."),
              query_parameter("q", {"type": "string", "maxLength": 100}, "Part of the national reference or place."),
              query_parameter("unit", {"type": "string", "enum": ["kg", "l", "pcs", "EUR"]},
                              "An item with a quantity in this base unit (of `category` when given)."),
              query_parameter("concealment", {"type": "string"}, "The concealment method's code."),
              query_parameter("origin", {"type": "string"}, "A route step of role origin in this country."),
              query_parameter("phase", {"type": "string", "enum": ["in_operation", "follow_up"]},
                              "Seized during the operational phase, or after it (the follow-up)."),
              query_parameter("investigation", {"type": "string", "enum": ["yes", "no"]},
                              "Whether a follow-up investigation was opened."),
              query_parameter("sort", {"type": "string", "enum": sorted(SEIZURE_SORTS) +
                                       sorted(f"-{k}" for k in SEIZURE_SORTS), "default": "-seized_at"},
                              "The order; the id breaks ties."),
              *paging_parameters(),
          ])
def list_seizures(operation_id):
    """Your administration's records (drafts included) and the submitted or withdrawn records of others that
    their sharing shows you; the lead and co-organisers see every submitted record. An invited organisation gets
    403, anybody outside the operation 404. `results_embargo_until`: the operation's embargo on public use."""
    operation, access = _results_access(operation_id)
    errors = FieldErrors()
    filters = {"organisation_id": _organisation_argument(errors),
               "status": _choice_argument("status", RecordStatus.codes(), errors),
               "category": _choice_argument("category", sorted(codes_of(COMMODITY_CATEGORY)), errors),
               "transport_mode": _choice_argument("transport_mode", TransportMode.codes(), errors),
               "detection_method": _choice_argument("detection_method", DetectionMethod.codes(), errors),
               "q": _q_argument(errors)}
    breakdown, problems = breakdown_filters(request.args)
    filters.update(breakdown)
    for name, problem in problems:
        errors.add(name, problem)
    filters.update({name: moment for name, (_day, moment) in _day_arguments(operation, errors).items()})
    sort = _sort_argument(SEIZURE_SORTS, "-seized_at", errors)
    page, per_page = paging(errors)
    errors.raise_if_any(_("The query parameters are not valid."))
    rows, total = seizure_page(access, {k: v for k, v in filters.items() if v is not None}, sort, page, per_page)
    embargo = operation.results_embargo_until
    return _list_answer(_without_unseen_warnings(access, [seizure_json(s) for s in rows]), total, page, per_page,
                        results_embargo_until=embargo.isoformat() if embargo else None)


# What a GET answers besides the fields a client sends: a PATCH may send a GET body back unchanged.
SEIZURE_READ_ONLY = ("id", "operation_id", "organisation", "phase", "withdrawn_reason", "withdrawn_at",
                     "submitted_at", "created_at", "updated_at")
CONTROL_READ_ONLY = ("id", "operation_id", "organisation", "status", "withdrawn_reason")


def _without_read_only(data, read_only, current):
    """The body without the read-only fields a GET answered; a read-only field sent with another value is an
    error (it cannot be changed), never silently ignored."""
    errors = FieldErrors()
    for key in read_only:
        if key in data and data[key] != current.get(key):
            errors.add(key, _("This field cannot be changed (it is %(value)s).", value=current.get(key)))
    errors.raise_if_any(_("The body changes fields that cannot be changed."))
    return {k: v for k, v in data.items() if k not in read_only}


def _without_unseen_warnings(access, bodies):
    """`warning_id` stays only where the reader sees that warning: others do not learn that it exists."""
    from planner.messages.models import WarningMessage
    from planner.messages.queries import warning_scope

    cited = {b["warning_id"] for b in bodies if b["warning_id"]}
    seen = set(db.session.scalars(select(WarningMessage.id).where(warning_scope(access),
                                                                  WarningMessage.id.in_(cited)))) if cited else set()
    for body in bodies:
        if body["warning_id"] not in seen:
            body["warning_id"] = None
    return bodies


@endpoint("/operations/<int:operation_id>/seizures", methods=("POST",), scope=WRITE_RESULTS, tags=TAGS,
          summary="Record one seizure, or a batch", request_schema="SeizureCreateOrBatch",
          response_schema="SeizureOrBatch", status=201, errors=(404,), parameters=[IDEMPOTENCY_KEY],
          request_example={"national_reference": "LT-2026-0042", "seized_at": "2026-05-06T14:30:00+03:00",
                           "country": "LT", "place": "Medininkai", "location_type": "land_border",
                           "detection_method": "scanner", "transport_mode": "road",
                           "items": [{"category": "cigarettes", "type": "cigarettes",
                                      "quantities": [{"value": "2875000", "unit": "pcs"}]}],
                           "status": "submitted"})
def create_seizures_endpoint(operation_id):
    """Officers, contact points and coordinators of a participating administration, for their own
    administration, while the operation is operational or post-operational. A token with the scope
    `write_results` suffices (a national system's service account). One record answers 201 with it; a batch
    `{"seizures": [...]}` (at most 1000) answers 201 `{"items": [...]}`, all stored or none, with errors keyed
    `seizures.<i>.<field>`. Decimals travel as strings; a float is refused. A national reference left out is
    assigned (`<org>-<year>-<nnnn>`)."""
    operation, _access = get_visible_operation(current_user, operation_id)
    data = json_body()

    def create():
        if "seizures" in data:
            reject_unknown_fields(data, ("seizures",))
            result = create_seizures(current_user, operation, data["seizures"])
            return _created({"items": [seizure_json(s) for s in result.created]})
        seizure = create_seizure(current_user, operation, data)
        return _created(seizure_json(seizure), url_for("api.get_seizure", seizure_id=seizure.id))

    return _idempotent(create)


@endpoint("/seizures/<int:seizure_id>", summary="One seizure", tags=TAGS, response_schema="Seizure",
          errors=(404,))
def get_seizure(seizure_id):
    """404 unless you may see the record (its existence is not told). The ETag is the version."""
    seizure, access = seizure_by_id_for(current_user, seizure_id)
    return _record_response(_without_unseen_warnings(access, [seizure_json(seizure)])[0])


@endpoint("/seizures/<int:seizure_id>", methods=("PATCH",), scope=WRITE_RESULTS, tags=TAGS,
          summary="Change a seizure", request_schema="SeizureUpdate", response_schema="Seizure",
          errors=(404, 409), parameters=[IF_MATCH],
          request_example={"version": 2, "place": "Medininkai border crossing", "status": "submitted"})
def update_seizure_endpoint(seizure_id):
    """Only the reporting administration (officers, contact points, coordinators), while the operation is
    operational or post-operational; in evaluation a change is a correction (audited as such); once closed, the
    record is read-only. Send the fields to change (items, route and offenders are replaced as a whole) and the
    `version` you read (or If-Match); a stale version answers 409 with `current_version`. A draft is submitted
    with `"status": "submitted"`; a submitted record never returns to draft."""
    seizure, _access = seizure_by_id_for(current_user, seizure_id)
    data = _without_read_only(json_body(), SEIZURE_READ_ONLY, seizure_json(seizure))
    reject_unknown_fields(data, (*SEIZURE_FIELDS, "version"))
    version = expected_version(data)
    data.pop("version", None)
    update_seizure(current_user, seizure, data, version)
    return _record_response(seizure_json(seizure))


@endpoint("/seizures/<int:seizure_id>/withdrawal", methods=("POST",), scope=WRITE_RESULTS, tags=TAGS,
          summary="Withdraw a seizure", request_schema="RecordWithdrawal", response_schema="Seizure",
          errors=(404, 409), request_example={"reason": "Recorded twice; see LT-2026-0041.", "version": 3})
def withdraw_seizure_endpoint(seizure_id):
    """The reporting administration withdraws its record with a reason; it is never deleted and stays visible
    (status `withdrawn`) to those who saw it."""
    seizure, _access = seizure_by_id_for(current_user, seizure_id)
    data = json_body()
    reject_unknown_fields(data, ("reason", "version"))
    version = expected_version(data)
    withdraw_seizure(current_user, seizure, data.get("reason"), version)
    return _record_response(seizure_json(seizure))


def comment_json(comment):
    return {"id": comment.id, "seizure_id": comment.seizure_id, "organisation": comment.organisation.code,
            "author": person_json(comment.author), "body": comment.body, "flags_error": comment.flags_error,
            "created_at": iso(comment.created_at), "resolved_at": iso(comment.resolved_at)}


@endpoint("/seizures/<int:seizure_id>/comments", summary="Comments on a seizure", tags=TAGS,
          response_schema="SeizureCommentList", errors=(404,))
def list_seizure_comments(seizure_id):
    """Everybody who sees the record sees its comments and error flags, oldest first."""
    seizure, _access = seizure_by_id_for(current_user, seizure_id)
    comments = db.session.scalars(
        select(SeizureComment).where(SeizureComment.seizure_id == seizure.id).order_by(SeizureComment.id)
        .options(selectinload(SeizureComment.author), selectinload(SeizureComment.organisation))).all()
    return jsonify({"items": [comment_json(c) for c in comments]})


@endpoint("/seizures/<int:seizure_id>/comments", methods=("POST",), scope=WRITE_RESULTS, tags=TAGS,
          summary="Comment on a seizure, or flag an error", request_schema="SeizureCommentCreate",
          response_schema="SeizureComment", status=201, errors=(404,),
          request_example={"body": "The quantity looks like kg, not t.", "flags_error": True})
def create_seizure_comment(seizure_id):
    """Members of the operation who see the record (observers only read). Only the reporting administration
    corrects a record: others comment, or flag an error (`flags_error`), and its contact points are told."""
    seizure, _access = seizure_by_id_for(current_user, seizure_id)
    data = json_body()
    reject_unknown_fields(data, ("body", "flags_error"))
    comment = comment_on_seizure(current_user, seizure, data.get("body"), data.get("flags_error", False))
    return _created(comment_json(comment))


# --- controls ----------------------------------------------------------------------------------------------------

@endpoint("/operations/<int:operation_id>/controls", summary="The control records you may see", tags=TAGS,
          response_schema="ControlList", errors=(404, 422), parameters=[
              query_parameter("organisation", {"type": "string"}, "The reporting administration's code."),
              query_parameter("transport_mode", {"type": "string", "enum": TransportMode.codes()}, "Only this mode."),
              query_parameter("selection_basis", {"type": "string", "enum": SelectionBasis.codes()},
                              "Only this selection basis."),
              query_parameter("status", {"type": "string", "enum": ["submitted", "withdrawn"]}, "Only this status."),
              query_parameter("date_from", {"type": "string", "format": "date"}, "On or after this day."),
              query_parameter("date_to", {"type": "string", "format": "date"}, "On or before this day."),
              query_parameter("sort", {"type": "string", "enum": sorted(CONTROL_SORTS) +
                                       sorted(f"-{k}" for k in CONTROL_SORTS), "default": "-date"},
                              "The order; the id breaks ties."),
              *paging_parameters(),
          ])
def list_controls(operation_id):
    """The same sharing rules as seizures: your administration's records, and others' as their sharing allows;
    the lead and co-organisers see all of them."""
    operation, access = _results_access(operation_id)
    errors = FieldErrors()
    organisation_id = _organisation_argument(errors)
    mode = _choice_argument("transport_mode", TransportMode.codes(), errors)
    basis = _choice_argument("selection_basis", SelectionBasis.codes(), errors)
    status = _choice_argument("status", ["submitted", "withdrawn"], errors)
    days = _day_arguments(operation, errors)
    sort = _sort_argument(CONTROL_SORTS, "-date", errors)
    page, per_page = paging(errors)
    errors.raise_if_any(_("The query parameters are not valid."))
    stmt = visible_controls(access)
    if organisation_id:
        stmt = stmt.where(ControlRecord.organisation_id == organisation_id)
    for column, value in ((ControlRecord.transport_mode, mode), (ControlRecord.selection_basis, basis),
                          (ControlRecord.status, status)):
        if value:
            stmt = stmt.where(column == value)
    if "date_from" in days:
        stmt = stmt.where(ControlRecord.control_date >= days["date_from"][0])
    if "date_to" in days:
        stmt = stmt.where(ControlRecord.control_date <= days["date_to"][0])
    total = db.session.scalar(stmt.with_only_columns(func.count(ControlRecord.id)).order_by(None))
    descending = sort.startswith("-")
    order = [c.desc() if descending else c.asc() for c in CONTROL_SORTS[sort.lstrip("-")]]
    order.append(ControlRecord.id.desc() if descending else ControlRecord.id.asc())
    rows = db.session.scalars(stmt.order_by(*order).limit(per_page).offset((page - 1) * per_page)).all()
    return _list_answer([control_json(r) for r in rows], total, page, per_page)


@endpoint("/operations/<int:operation_id>/controls", methods=("POST",), scope=WRITE_RESULTS, tags=TAGS,
          summary="Record controls, one record or a batch", request_schema="ControlCreateOrBatch",
          response_schema="ControlOrBatch", status=201, errors=(404,), parameters=[IDEMPOTENCY_KEY],
          request_example={"date": "2026-05-06", "location": "Medininkai", "transport_mode": "road",
                           "selection_basis": "risk_profile", "controls": 40, "hits": 3})
def create_controls_endpoint(operation_id):
    """One record per day, location, transport mode and selection basis: the number of controls and how many
    found something. A batch is `{"controls": [...]}` (at most 2000), all stored or none, errors keyed
    `controls.<i>.<field>`. The same reporters and states as seizures; `write_results` suffices."""
    operation, _access = get_visible_operation(current_user, operation_id)
    data = json_body()

    def create():
        if isinstance(data.get("controls"), list):  # a batch; a single record's `controls` is a number
            reject_unknown_fields(data, ("controls",))
            result = create_controls(current_user, operation, data["controls"])
            return _created({"items": [control_json(r) for r in result.created]})
        record = create_controls(current_user, operation, [data], single=True).created[0]
        return _created(control_json(record), url_for("api.get_control", control_id=record.id))

    return _idempotent(create)


@endpoint("/operations/<int:operation_id>/controls/summary", summary="Controls, hits and hit rate per basis",
          tags=TAGS, response_schema="ControlSummary", errors=(404,))
def get_control_summary(operation_id):
    """Per selection basis, the sums of controls and hits over the submitted records you may see, and the hit
    rate (hits / controls, four decimals; null when nothing was controlled). The secretariat and admins see the
    figures of every submitted record: aggregates only."""
    operation, access = _results_access(operation_id)
    summary = control_summary(access)

    def figure_json(figure):
        rate = figure.hit_rate
        return {"controls": figure.controls, "hits": figure.hits, "hit_rate": None if rate is None else str(rate)}

    return jsonify({"operation_id": operation.id,
                    "items": [{"selection_basis": f.selection_basis,
                               "label": str(SelectionBasis(f.selection_basis).label), **figure_json(f)}
                              for f in summary.by_basis],
                    "total": figure_json(summary.total)})


@endpoint("/controls/<int:control_id>", summary="One control record", tags=TAGS, response_schema="Control",
          errors=(404,))
def get_control(control_id):
    """404 unless you may see the record. The ETag is the version."""
    record, _access = control_by_id_for(current_user, control_id)
    return _record_response(control_json(record))


@endpoint("/controls/<int:control_id>", methods=("PATCH",), scope=WRITE_RESULTS, tags=TAGS,
          summary="Change a control record", request_schema="ControlUpdate", response_schema="Control",
          errors=(404, 409), parameters=[IF_MATCH], request_example={"version": 1, "controls": 42, "hits": 4})
def update_control_endpoint(control_id):
    """Only the reporting administration, until the operation closes. Send the fields to change and the
    `version` read (or If-Match); a stale version answers 409 with `current_version`."""
    record, _access = control_by_id_for(current_user, control_id)
    data = _without_read_only(json_body(), CONTROL_READ_ONLY, control_json(record))
    reject_unknown_fields(data, (*CONTROL_FIELDS, "version"))
    version = expected_version(data)
    data.pop("version", None)
    update_control(current_user, record, data, version)
    return _record_response(control_json(record))


@endpoint("/controls/<int:control_id>/withdrawal", methods=("POST",), scope=WRITE_RESULTS, tags=TAGS,
          summary="Withdraw a control record", request_schema="RecordWithdrawal", response_schema="Control",
          errors=(404, 409), request_example={"reason": "Counted twice.", "version": 2})
def withdraw_control_endpoint(control_id):
    """The reporting administration withdraws its record with a reason (never deleted)."""
    record, _access = control_by_id_for(current_user, control_id)
    data = json_body()
    reject_unknown_fields(data, ("reason", "version"))
    version = expected_version(data)
    withdraw_control(current_user, record, data.get("reason"), version)
    return _record_response(control_json(record))


# --- the operation's results embargo ---------------------------------------------------------------------------

@endpoint("/operations/<int:operation_id>/results-embargo", methods=("PUT",), tags=TAGS,
          summary="Set or lift the operation's results embargo", request_schema="ResultsEmbargo",
          response_schema="ResultsEmbargo", errors=(404,), request_example={"embargo_until": "2026-09-30"})
def put_results_embargo(operation_id):
    """Coordinators of the lead and co-organisers, once the operation is approved. No result of the operation
    appears in anything public before this date; null lifts it. Audited (`operation.results_embargo_set`)."""
    operation, _access = get_visible_operation(current_user, operation_id)
    data = json_body()
    reject_unknown_fields(data, ("embargo_until",))
    if "embargo_until" not in data:
        errors = FieldErrors()
        errors.add("embargo_until", _("Give a date as YYYY-MM-DD, or null to lift the embargo."))
        errors.raise_if_any(_("The results embargo is not valid."))
    set_results_embargo(current_user, operation, data["embargo_until"])
    embargo = operation.results_embargo_until
    return jsonify({"operation_id": operation.id, "embargo_until": embargo.isoformat() if embargo else None})
