"""Audit entries with a dotted action type: log_action(obj, "operation.approved", user, data={...})."""
from flask import has_request_context, request
from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.core.clock import utcnow
from planner.core.types import UTCDateTime
from planner.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_entry_object", "object_type", "object_id"),
        Index("ix_audit_entry_operation", "operation_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(80), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None]
    object_label: Mapped[str] = mapped_column(String(200), default="")
    # The operation the entry belongs to, so that each operation's History tab is one indexed query.
    operation_id: Mapped[int | None] = mapped_column(ForeignKey("operation.id", ondelete="SET NULL"))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    ip_address: Mapped[str | None] = mapped_column(String(45))

    user = relationship("User", lazy="joined")
    organisation = relationship("Organisation", lazy="joined")


def log_action(obj, action, user, data=None, operation_id=None, now=None):
    """Record that `user` did `action` on `obj`. The caller's transaction carries it."""
    entry = AuditEntry(
        created_at=now or utcnow(),
        action=action,
        user_id=getattr(user, "id", None),
        organisation_id=getattr(user, "organisation_id", None),
        object_type=obj.__tablename__ if hasattr(obj, "__tablename__") else type(obj).__name__.lower(),
        object_id=getattr(obj, "id", None),
        object_label=str(obj)[:200],
        operation_id=operation_id if operation_id is not None else _operation_id_of(obj),
        data=_jsonable(data or {}),
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry


def changes(before: dict, after: dict) -> dict:
    """The fields that differ, as {"field": {"before": …, "after": …}}."""
    return {
        key: {"before": _jsonable(before.get(key)), "after": _jsonable(after.get(key))}
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def _operation_id_of(obj):
    if getattr(obj, "__tablename__", None) == "operation":
        return obj.id
    return getattr(obj, "operation_id", None)


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
