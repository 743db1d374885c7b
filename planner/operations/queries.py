"""What a user may see of operations: one query layer for pages, the API and exports."""
from sqlalchemy import and_, exists, or_, select

from planner.core.enums import Role
from planner.core.errors import NotFound
from planner.extensions import db
from planner.operations.access import operation_access
from planner.operations.models import Operation
from planner.participants.models import Participation, ParticipationStatus

VISIBLE_STATUSES = (ParticipationStatus.ACCEPTED.value, ParticipationStatus.INVITED.value)


def visible_operations(user):
    """A select of the operations `user` may see at least the summary of. Declined, withdrawn or
    uninvolved organisations see nothing; the secretariat and admins see every operation."""
    stmt = select(Operation)
    if Role(user.role) in (Role.SECRETARIAT, Role.ADMIN):
        return stmt
    involved = exists().where(
        and_(
            Participation.operation_id == Operation.id,
            Participation.organisation_id == user.organisation_id,
            Participation.status.in_(VISIBLE_STATUSES),
        )
    )
    return stmt.where(involved)


def filter_operations(stmt, year=None, state=None, q=None):
    if year:
        stmt = stmt.where(Operation.year == year)
    if state:
        stmt = stmt.where(Operation.state == state)
    if q:
        escaped = q.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{escaped}%"
        stmt = stmt.where(or_(Operation.code_name.ilike(like, escape="\\"),
                              Operation.reference.ilike(like, escape="\\")))
    return stmt


def get_visible_operation(user, operation_id):
    """The operation with its access for `user`, or NotFound (404) when the user may not see it at all."""
    valid_id = isinstance(operation_id, int) and 0 < operation_id < 2**31
    operation = db.session.get(Operation, operation_id) if valid_id else None
    if operation is None:
        raise NotFound("No such operation.")
    access = operation_access(user, operation)
    if not access.sees_operation:
        raise NotFound("No such operation.")
    return operation, access


def record_for(user, model, record_id, get_visible, missing):
    """(record, access) for an API route that names a record of an operation by its id alone
    (/seizures/{id}, /warnings/{id}, …): the operation must be visible, then the record through `get_visible(access,
    id)`. Anything else is NotFound(`missing`), so that nobody learns whether the id exists."""
    valid = isinstance(record_id, int) and not isinstance(record_id, bool) and 0 < record_id < 2**31
    operation_id = db.session.scalar(select(model.operation_id).where(model.id == record_id)) if valid else None
    if operation_id is None:
        raise NotFound(missing)
    try:
        _operation, access = get_visible_operation(user, operation_id)
    except NotFound:
        raise NotFound(missing) from None
    return get_visible(access, record_id), access


def overview_fields(operation, access):
    """[(label, value)] of the operation's overview, as far as `access` may see it: the summary for invited
    organisations and observers (DESIGN.md §2b), everything for members and oversight."""
    from flask_babel import gettext as _

    def when(value):
        return value.strftime("%Y-%m-%d %H:%M UTC") if value else "—"

    fields = [
        (_("Reference"), operation.reference),
        (_("Code name"), operation.code_name),
        (_("Year"), str(operation.year)),
        (_("Lead administration"), f"{operation.lead.code} – {operation.lead.name}"),
        (_("Handling marking"), operation.handling_marking),
        (_("Summary"), operation.summary or "—"),
    ]
    if access.sees_full:
        fields += [
            (_("Co-organisers"), ", ".join(o.code for o in operation.co_organisers) or _("none")),
            (_("Time zone"), operation.time_zone),
            (_("Submitted"), when(operation.submitted_at)),
            (_("Approved"), when(operation.approved_at)),
            (_("Operational phase started"), when(operation.actual_start_at)),
            (_("Operational phase ended"), when(operation.actual_end_at)),
        ]
    return fields


# --- the operation's history -------------------------------------------------------------------------------------

# Audit entries about records with a need-to-know of their own (seizures, control records, warnings): the
# capability that owns them registers which ids a reader may see, and the History tab and its API show only those.
HISTORY_SCOPES = {}


def register_history_scope(object_type, visible_ids):
    """`visible_ids(access)` returns a SELECT of the ids of `object_type` rows this reader may see."""
    HISTORY_SCOPES[object_type] = visible_ids


def visible_history(access):
    """SELECT of the operation's audit entries this reader may see (no ordering)."""
    from sqlalchemy import or_

    from planner.core.audit import AuditEntry

    stmt = select(AuditEntry).where(AuditEntry.operation_id == access.operation.id)
    for object_type, visible_ids in HISTORY_SCOPES.items():
        stmt = stmt.where(or_(AuditEntry.object_type != object_type,
                              AuditEntry.object_id.in_(visible_ids(access))))
    return stmt
