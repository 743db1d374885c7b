"""The JSON representations of the API: one function per kind of object, reused by every endpoint.
Datetimes are ISO 8601 in UTC with their offset ("2026-05-06T14:30:00+00:00"); organisations are named by
their codes, as the API's input names them."""
from datetime import timezone

from planner.core.permissions import ROLE_PERMISSIONS
from planner.core.enums import Role
from planner.operations.services import available_transitions

# What every organisation that sees an operation at all (an invited one, an observer) may read of it.
SUMMARY_FIELDS = ("id", "reference", "code_name", "lead", "year", "state", "state_label", "summary",
                  "handling_marking", "view", "place")


def iso(moment):
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds") if moment is not None else None


def operation_json(operation, access):
    """The operation as `access.user` may see it: the summary for an invited organisation or an observer,
    everything for members, the secretariat and admins. The handling marking travels with the summary: it
    says how the summary itself must be handled."""
    body = {
        "id": operation.id,
        "reference": operation.reference,
        "code_name": operation.code_name,
        "lead": operation.lead.code,
        "year": operation.year,
        "state": operation.state,
        "state_label": str(operation.state_enum.label),
        "summary": operation.summary,
        "handling_marking": operation.handling_marking,
        "view": "full" if access.sees_full else "summary",
        "place": access.place.value,
    }
    if not access.sees_full:
        return body
    body.update({
        "lead_name": operation.lead.name,
        "co_organisers": sorted(o.code for o in operation.co_organisers),
        "time_zone": operation.time_zone,
        "version": operation.version,
        "created_at": iso(operation.created_at),
        "submitted_at": iso(operation.submitted_at),
        "approved_at": iso(operation.approved_at),
        "actual_start_at": iso(operation.actual_start_at),
        "actual_end_at": iso(operation.actual_end_at),
        "closed_at": iso(operation.closed_at),
        "recorded_afterwards": bool(operation.recorded_afterwards),
        "available_transitions": [t.name for t in available_transitions(access.user, operation)],
    })
    return body


def person_json(user):
    if user is None:
        return None
    return {"id": user.id, "name": user.name, "organisation": user.organisation.code if user.organisation else None}


def audit_entry_json(entry):
    return {
        "id": entry.id,
        "created_at": iso(entry.created_at),
        "action": entry.action,
        "user": person_json(entry.user),
        "organisation": entry.organisation.code if entry.organisation else None,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_label": entry.object_label,
        "data": entry.data or {},
    }


def transition_json(record):
    return {
        "id": record.id,
        "action": record.action,
        "from_state": record.from_state,
        "to_state": record.to_state,
        "user": person_json(record.user),
        "comment": record.comment,
        "created_at": iso(record.created_at),
    }


def organisation_json(org):
    return {"code": org.code, "name": org.name, "kind": org.kind, "country": org.country, "is_active": org.is_active}


def token_json(token, now):
    return {
        "id": token.id,
        "name": token.name,
        "prefix": token.prefix,
        "scopes": token.scope_list,
        "owner": person_json(token.user),
        "service_organisation": token.service_organisation.code if token.service_organisation else None,
        "created_by": person_json(token.created_by),
        "created_at": iso(token.created_at),
        "expires_at": iso(token.expires_at),
        "last_used_at": iso(token.last_used_at),
        "revoked_at": iso(token.revoked_at),
        "active": token.is_valid(now),
    }


def me_json(user, token, now):
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "role": user.role,
        "role_label": str(Role(user.role).label),
        "organisation": organisation_json(user.organisation),
        "is_service_account": user.is_service_account,
        "permissions": sorted(ROLE_PERMISSIONS.get(Role(user.role), ())),
        "token": token_json(token, now),
    }
