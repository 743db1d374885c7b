"""API: operations and their lifecycle. The same queries and services as the pages."""
from flask import jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from planner.api.base import (
    endpoint, expected_version, int_argument, json_body, paging, paging_parameters, query_parameter,
    reject_unknown_fields,
)
from planner.api.serializers import audit_entry_json, operation_json, transition_json
from planner.core.audit import AuditEntry
from planner.core.errors import FieldErrors, PermissionDenied
from planner.extensions import db
from planner.operations.access import operation_access
from planner.operations.lifecycle import TRANSITIONS
from planner.operations.models import Operation, OperationState
from planner.operations.queries import filter_operations, get_visible_operation, visible_history, visible_operations
from planner.operations.services import create_operation, take_transition, update_operation

CREATE_FIELDS = ("code_name", "year", "lead", "co_organisers", "time_zone", "handling_marking", "summary")
TRANSITION_FIELDS = ("action", "comment")


def _operation_response(operation, status=200):
    access = operation_access(current_user, operation)
    response = jsonify(operation_json(operation, access))
    response.status_code = status
    if access.sees_full:
        response.set_etag(str(operation.version))
    return response


@endpoint(
    "/operations", summary="The operations you may see", response_schema="OperationList", errors=(422,),
    parameters=[
        query_parameter("year", {"type": "integer"}, "Only this year's operations."),
        query_parameter("state", {"type": "string", "enum": OperationState.codes()}, "Only operations in this state."),
        query_parameter("q", {"type": "string", "maxLength": 100}, "Part of the code name or reference."),
        *paging_parameters(),
    ],
)
def list_operations():
    """Newest year first, then by reference. An invited organisation or an observer gets the summary fields only;
    declined, withdrawn and uninvolved organisations do not see the operation at all."""
    errors = FieldErrors()
    year = int_argument("year", errors, minimum=1990, maximum=2100)
    state = request.args.get("state") or None
    if state is not None and state not in OperationState.codes():
        errors.add("state", _("Choose one of: %(codes)s.", codes=", ".join(OperationState.codes())))
    q = (request.args.get("q") or "").strip()
    if len(q) > 100:
        errors.add("q", _("Use at most 100 characters."))
    page, per_page = paging(errors)
    errors.raise_if_any(_("The query parameters are not valid."))

    stmt = filter_operations(visible_operations(current_user), year, state, q or None)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    operations = db.session.scalars(
        stmt.options(selectinload(Operation.participations))
        .order_by(Operation.year.desc(), Operation.sequence)
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    items = [operation_json(op, operation_access(current_user, op)) for op in operations]
    return jsonify({"items": items, "total": total, "page": page, "per_page": per_page,
                    "pages": max((total + per_page - 1) // per_page, 1)})


@endpoint(
    "/operations", methods=("POST",), permission="operations.create", summary="Create an operation (in draft)",
    request_schema="OperationCreate", response_schema="Operation", status=201,
    request_example={"code_name": "BALTIC BREEZE", "year": 2026, "lead": "LT", "co_organisers": ["OLAF"],
                     "summary": "Cigarettes smuggled in sea containers."},
)
def create_operation_endpoint():
    """The lead is your own organisation (admins may name another); it is an accepted participant from the
    start. The answer carries the new `id`, its `reference` (JSO-<year>-<nn>) and its `state` (draft)."""
    data = json_body()
    reject_unknown_fields(data, CREATE_FIELDS)
    operation = create_operation(current_user, data)
    response = _operation_response(operation, 201)
    response.headers["Location"] = url_for("api.get_operation", operation_id=operation.id)
    return response


@endpoint("/operations/<int:operation_id>", summary="One operation", response_schema="Operation", errors=(404,))
def get_operation(operation_id):
    """The full representation for members, the secretariat and admins; the summary for an invited
    organisation or an observer; 404 for everybody else. The ETag is the version."""
    operation, _access = get_visible_operation(current_user, operation_id)
    return _operation_response(operation)


@endpoint(
    "/operations/<int:operation_id>", methods=("PATCH",), summary="Change an operation (draft or planning)",
    request_schema="OperationUpdate", response_schema="Operation", errors=(404, 409),
    parameters=[{"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"},
                 "description": "The version read (the ETag of GET), instead of `version` in the body."}],
    request_example={"version": 3, "summary": "Cigarettes and tobacco in sea containers."},
)
def update_operation_endpoint(operation_id):
    """Coordinators of the lead and co-organisers. Send only the fields to change and the `version` you read
    (in the body or as `If-Match`); a stale version answers 409 with `current_version`. Unknown fields
    answer 422, naming them."""
    operation, _access = get_visible_operation(current_user, operation_id)
    data = json_body()
    version = expected_version(data)
    update_operation(current_user, operation, data, expected_version=version)
    return _operation_response(operation)


@endpoint(
    "/operations/<int:operation_id>/transitions", methods=("POST",), summary="Take a step in the lifecycle",
    request_schema="TransitionRequest", response_schema="Operation", errors=(404, 409),
    request_example={"action": "submit", "comment": "Ready for the working party."},
)
def transition_operation(operation_id):
    """submit, return, approve, reject, start, end, evaluate, close or cancel. The answer is the operation in
    its new state. 409 when the state or a condition does not allow it (`errors.conditions` lists every unmet
    condition); 403 when you may not take this step (e.g. a secretariat user whose organisation leads the
    operation cannot approve it)."""
    operation, _access = get_visible_operation(current_user, operation_id)
    data = json_body()
    reject_unknown_fields(data, TRANSITION_FIELDS)
    action, comment = data.get("action"), data.get("comment")
    errors = FieldErrors()
    if not isinstance(action, str) or not action.strip():
        errors.add("action", _("Name the action: one of %(names)s.", names=", ".join(TRANSITIONS)))
    elif action not in TRANSITIONS:
        errors.add("action", _("Unknown action; choose one of %(names)s.", names=", ".join(TRANSITIONS)))
    if comment is not None and not isinstance(comment, str):
        errors.add("comment", _("The comment must be text."))
    errors.raise_if_any()
    take_transition(current_user, operation, action, comment)
    return _operation_response(operation)


@endpoint(
    "/operations/<int:operation_id>/history", summary="The operation's history", response_schema="History",
    errors=(404, 422), parameters=paging_parameters(default_per_page=100, max_per_page=200),
)
def operation_history(operation_id):
    """Its audit entries (newest first, paged) and its transitions (oldest first). Only for those who see the
    History tab: the lead and co-organisers, the secretariat and admins (others: 403)."""
    operation, access = get_visible_operation(current_user, operation_id)
    if not access.sees_history:
        raise PermissionDenied(_("Only the lead, the co-organisers, the secretariat and admins see the history."))
    errors = FieldErrors()
    page, per_page = paging(errors, default_per_page=100)
    errors.raise_if_any(_("The query parameters are not valid."))
    stmt = visible_history(access)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    entries = db.session.scalars(
        stmt.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return jsonify({
        "operation": {"id": operation.id, "reference": operation.reference},
        "entries": [audit_entry_json(e) for e in entries],
        "total": total, "page": page, "per_page": per_page, "pages": max((total + per_page - 1) // per_page, 1),
        "transitions": [transition_json(t) for t in operation.transitions],
    })

