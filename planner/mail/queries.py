"""What a user may see of the mail log: administrators see every message, nobody else any. The filters of the
log (status, recipient) are read here once for the page and the API."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import false, func, select
from sqlalchemy.orm import selectinload

from planner.core.audit import AuditEntry
from planner.core.errors import FieldErrors, NotFound
from planner.core.mail import MailMessage, MailStatus
from planner.core.permissions import has_permission
from planner.extensions import db

PAGE_SIZE = 50
RECIPIENT_MAX = 100

FILTER_LABELS = {
    "status": _l("Status"),
    "recipient": _l("Recipient contains"),
}


def visible_mail_messages(user):
    """Every message for administrators (the log holds every notification of every operation), none otherwise."""
    stmt = select(MailMessage)
    if not has_permission(user, "admin.mail"):
        stmt = stmt.where(false())
    return stmt


def parse_mail_filters(args):
    """(values, errors): the status and recipient filters of a query string, and the problems of bad ones."""
    values = {"status": (args.get("status") or "").strip(), "recipient": (args.get("recipient") or "").strip()}
    errors = FieldErrors()
    if values["status"] and values["status"] not in MailStatus.codes():
        errors.add("status", _("%(field)s: choose one of %(codes)s.", field=FILTER_LABELS["status"],
                               codes=", ".join(MailStatus.codes())))
    if len(values["recipient"]) > RECIPIENT_MAX:
        errors.add("recipient", _("%(field)s: use at most %(n)d characters.", field=FILTER_LABELS["recipient"],
                                  n=RECIPIENT_MAX))
    return values, errors


def filter_mail_messages(stmt, status=None, recipient=None):
    if status:
        stmt = stmt.where(MailMessage.status == status)
    if recipient:
        stmt = stmt.where(func.lower(MailMessage.recipient).contains(recipient.lower(), autoescape=True))
    return stmt


def mail_log_page(user, status=None, recipient=None, page=1, per_page=PAGE_SIZE):
    """(messages, total, page, pages): newest first, paged in the database."""
    stmt = filter_mail_messages(visible_mail_messages(user), status, recipient)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    pages = max((total + per_page - 1) // per_page, 1)
    page = min(max(page, 1), pages)
    messages = db.session.scalars(
        stmt.options(selectinload(MailMessage.user))
        .order_by(MailMessage.created_at.desc(), MailMessage.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return messages, total, page, pages


def get_visible_mail_message(user, message_id):
    message = db.session.scalar(visible_mail_messages(user).where(MailMessage.id == message_id))
    if message is None:
        raise NotFound(_("No such message."))
    return message


def resends_of(message):
    """The copies sent again from this message, oldest first."""
    return db.session.scalars(
        select(MailMessage).where(MailMessage.resent_from_id == message.id).order_by(MailMessage.id)
    ).all()


def history_of(message):
    return db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == MailMessage.__tablename__,
                                 AuditEntry.object_id == message.id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    ).all()


def _time(value):
    return value.isoformat() if value else None


def mail_message_json(message, full=False):
    body = {
        "id": message.id,
        "created_at": _time(message.created_at),
        "kind": message.kind,
        "recipient": message.recipient,
        "user_id": message.user_id,
        "subject": message.subject,
        "status": message.status,
        "attempts": message.attempts,
        "last_attempt_at": _time(message.last_attempt_at),
        "sent_at": _time(message.sent_at),
        "last_error": message.last_error,
        "operation_id": message.operation_id,
        "notification_id": message.notification_id,
        "resent_from_id": message.resent_from_id,
    }
    if full:
        body["text_body"] = message.text_body
        body["html_body"] = message.html_body
    return body
