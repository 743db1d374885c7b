"""API: operational messages (warnings and their feedback). The same services and queries as the pages
(planner/messages): which warnings a user sees goes through `visible_warnings`; what a user may do is decided by
the services. An `Idempotency-Key` header makes a retried POST of a warning harmless."""
from flask import jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from planner.api.base import (
    endpoint, expected_version, json_body, paging, paging_parameters, query_parameter, reject_unknown_fields,
)
from planner.api.idempotency import idempotency_key, remember, replay
from planner.api.serializers import iso
from planner.core.clock import utcnow
from planner.core.errors import FieldErrors, PermissionDenied
from planner.extensions import db
from planner.messages.queries import (
    awaiting_any, sees_feedback, sees_messages, visible_linked_seizures, visible_warnings, waiting_hours,
    warning_by_id_for,
)
from planner.messages.services import FEEDBACK_FIELDS, WARNING_FIELDS, give_feedback, send_warning
from planner.operations.queries import get_visible_operation

TAGS = ("messages",)
AWAITING = ("me", "all")
IDEMPOTENCY_KEY = {"name": "Idempotency-Key", "in": "header", "required": False,
                   "schema": {"type": "string", "maxLength": 200},
                   "description": "Any unique text (e.g. a UUID). A retry with the same key and body gets the first "
                                  "answer again, with `Idempotent-Replayed: true`, and sends nothing; the same key "
                                  "with another body answers 422."}
IF_MATCH = {"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"},
            "description": "When correcting a given feedback: the addressee's version, instead of `version` in the "
                           "body."}


def warning_json(warning, seizures, access, now=None, attachments=None):
    """A warning as the API returns it. `seizures`: the linked seizures the user may see ({id: seizure}); a
    seizure not shared with the user is told by its outcome only (`seizure_id` null)."""
    now = now or utcnow()
    body = {
        "id": warning.id,
        "reference": warning.reference,
        "operation_id": warning.operation_id,
        "sender": warning.sender_organisation.code,
        "subject": warning.subject,
        "profile_type": warning.profile_type,
        "urgency": warning.urgency,
        "profile": dict(warning.profile or {}),
        "route": [dict(step) for step in (warning.route or [])],
        "indicators": warning.indicators or "",
        "details": warning.details or "",
        "expected_at": iso(warning.expected_at),
        "created_at": iso(warning.created_at),
        "addressees": [{
            "organisation": a.organisation.code,
            "outcome": a.outcome if sees_feedback(access, warning, a) else None,
            "answered": a.answered_at is not None,
            "feedback": (a.feedback or "") if sees_feedback(access, warning, a) else "",
            "seizure_id": a.seizure_id if a.seizure_id in seizures and sees_feedback(access, warning, a) else None,
            "seizure_reference": seizures[a.seizure_id].national_reference
            if a.seizure_id in seizures and sees_feedback(access, warning, a) else None,
            "answered_at": iso(a.answered_at),
            "version": a.version,
            "waiting_hours": waiting_hours(a, now),
        } for a in warning.addressees],
    }
    if attachments is not None:
        body["attachments"] = [{"id": a.id, "filename": a.filename, "content_type": a.content_type, "size": a.size,
                                "organisation": a.organisation, "uploaded_at": iso(a.uploaded_at)}
                               for a in attachments]
    return body


def _single(warning, access, status=200):
    from planner.results.attachments import list_attachments

    response = jsonify(warning_json(warning, visible_linked_seizures(access, [warning]), access,
                                    attachments=list_attachments(warning)))
    response.status_code = status
    return response


@endpoint(
    "/operations/<int:operation_id>/warnings", summary="The warnings you may see in an operation", tags=TAGS,
    response_schema="WarningList", errors=(404, 422),
    parameters=[
        query_parameter("awaiting", {"type": "string", "enum": list(AWAITING)},
                        "me: only warnings awaiting your organisation's feedback; all: only warnings some addressee "
                        "has not answered yet."),
        *paging_parameters(),
    ],
)
def list_warnings(operation_id):
    """Newest first. A warning is seen by its sender's organisation, its addressees' organisations and the
    coordinators of the lead and of the co-organisers; observers and the oversight see none (403)."""
    _operation, access = get_visible_operation(current_user, operation_id)
    if not sees_messages(access):
        raise PermissionDenied(_("The messages of an operation are for its participants."))
    errors = FieldErrors()
    awaiting = request.args.get("awaiting") or None
    if awaiting is not None and awaiting not in AWAITING:
        errors.add("awaiting", _("Choose one of: %(codes)s.", codes=", ".join(AWAITING)))
    page, per_page = paging(errors)
    errors.raise_if_any(_("The query parameters are not valid."))
    stmt = visible_warnings(access, "awaiting" if awaiting == "me" else "all")
    if awaiting == "all":
        stmt = awaiting_any(stmt)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    warnings = db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    seizures = visible_linked_seizures(access, warnings)
    now = utcnow()
    return jsonify({"items": [warning_json(w, seizures, access, now) for w in warnings], "total": total, "page": page,
                    "per_page": per_page, "pages": max((total + per_page - 1) // per_page, 1)})


@endpoint(
    "/operations/<int:operation_id>/warnings", methods=("POST",), summary="Send a warning", tags=TAGS,
    request_schema="WarningCreate", response_schema="Warning", status=201, errors=(404, 409),
    parameters=[IDEMPOTENCY_KEY],
    request_example={"subject": "Reefer container with cigarettes under a cover load", "profile_type": "container",
                     "urgency": "urgent", "profile": {"container_number": "MSKU1234565", "vessel_name": "EVER GIVEN",
                                                      "vessel_flag": "PA"},
                     "route": [{"country": "CN", "place": "Ningbo", "role": "loading"},
                               {"country": "PL", "place": "Gdańsk", "role": "destination"}],
                     "indicators": "New consignee; declared as frozen fish.", "details": "",
                     "expected_at": "2026-05-12T06:00:00+02:00", "addressees": ["PL", "NL"]},
)
def create_warning(operation_id):
    """Officers, contact points and coordinators of the lead, a co-organiser or an accepted participant send a
    profile to one or more other accepted participants (organisation codes; never observers, never their own
    organisation) while the operation is operational or post-operational. The warning is numbered W-<n> in the
    operation; the addressees' coordinators and contact points are notified."""
    operation, access = get_visible_operation(current_user, operation_id)
    key = idempotency_key()
    if key is not None:
        stored = replay(current_user, key)
        if stored is not None:
            return stored
    data = json_body()
    reject_unknown_fields(data, WARNING_FIELDS)
    warning = send_warning(current_user, operation, data)
    response = _single(warning, access, status=201)
    response.headers["Location"] = url_for("api.get_warning", warning_id=warning.id)
    if key is not None:
        remember(current_user, key, response)
    return response


@endpoint("/warnings/<int:warning_id>", summary="A warning and its feedback", tags=TAGS, response_schema="Warning",
          errors=(404,))
def get_warning(warning_id):
    """404 for everybody who may not see it: only its sender's and addressees' organisations and the organisers'
    coordinators do. `waiting_hours` of an addressee: the whole hours since the warning was sent (until its answer,
    once given)."""
    warning, access = warning_by_id_for(current_user, warning_id)
    return _single(warning, access)


@endpoint(
    "/warnings/<int:warning_id>/feedback", methods=("POST",), summary="Answer a warning", tags=TAGS,
    request_schema="WarningFeedback", response_schema="Warning", errors=(404, 409), parameters=[IF_MATCH],
    request_example={"outcome": "seizure", "feedback": "2.8 million cigarettes behind the fish.", "seizure_id": 42},
)
def give_warning_feedback(warning_id):
    """Officers, contact points and coordinators of an addressee answer for it: `not_controlled` (with the reason
    in `feedback`), `nothing_found`, or `seizure` (with `seizure_id`: a submitted seizure of their own
    administration in this operation). Correcting a given answer needs the addressee's `version` (or If-Match);
    a stale one gets 409. Other users who see the warning get 403."""
    warning, access = warning_by_id_for(current_user, warning_id)
    data = json_body()
    reject_unknown_fields(data, FEEDBACK_FIELDS + ("version",))
    version = expected_version(data) if ("version" in data or request.headers.get("If-Match")) else None
    give_feedback(current_user, warning, {k: v for k, v in data.items() if k != "version"},
                  expected_version=version)
    return _single(warning, access)
