"""Notifications: stored for the recipient (shown in the app), queued in the transaction and delivered
after it commits. Each notification also becomes a mail (planner.core.mail: SMTP after the commit, or the
outbox); other deliverers plug in through `register_deliverer`."""
from flask import g, has_app_context
from sqlalchemy import ForeignKey, Index, String, Text, event, inspect
from sqlalchemy.orm import Mapped, mapped_column

from planner.core.clock import utcnow
from planner.core.types import UTCDateTime
from planner.extensions import db


class Notification(db.Model):
    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(80))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(500))
    operation_id: Mapped[int | None] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"))
    read_at: Mapped[object | None] = mapped_column(UTCDateTime)


_deliverers = []


def register_deliverer(func):
    """`func(list_of_notification_ids)` runs after the commit that created them."""
    _deliverers.append(func)
    return func


def notify(users, kind, subject, body="", link=None, operation_id=None, *, template=None, context=None):
    """Store a notification for each user (once per user) in the current transaction, with its mail
    (planner.core.mail.queue_mail: sent after the commit, or kept in the outbox without a mail server).
    `template` names the mail's templates (templates/emails/<template>.txt and .html, default "notification")
    and `context` adds values to them."""
    from planner.core.mail import queue_mail
    seen = set()
    created = []
    for user in users:
        if user is None or user.id in seen or not user.is_active or getattr(user, "is_service_account", False):
            continue
        seen.add(user.id)
        note = Notification(
            user_id=user.id, kind=kind, subject=str(subject)[:300], body=str(body), link=link,
            operation_id=operation_id, created_at=utcnow(),
        )
        db.session.add(note)
        created.append(note)
        queue_mail(user, kind, subject, body, link, operation_id, notification=note, template=template,
                   context=context)
    if created and has_app_context():
        g.setdefault("pending_notifications", []).extend(created)
    return created


def init_app(app):
    @event.listens_for(db.session, "after_commit")
    def _deliver_after_commit(session):
        if not has_app_context():
            return
        pending = g.pop("pending_notifications", [])
        if not pending or not _deliverers:
            return
        ids = [inspect(n).identity[0] for n in pending if inspect(n).identity]
        for deliver in _deliverers:
            deliver(ids)

    @event.listens_for(db.session, "after_rollback")
    def _drop_after_rollback(session):
        if has_app_context():
            g.pop("pending_notifications", None)
