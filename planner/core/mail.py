"""Mail: every notification also becomes a MailMessage row, the mail log.

With PLANNER_MAIL_SERVER set, a message is stored 'queued' and the messages queued in a transaction are sent
through SMTP after it commits (never before: a rolled-back change sends nothing), then stamped 'sent' or
'failed' in a transaction of their own. Without a mail server the message is stored 'outbox' and stays there,
for the administrators' outbox page, so that the embedded default works with no mail server.

A failed message is tried again by `deliver_queued_mail` (a scheduler job), at most MAX_ATTEMPTS times in all.
Each send first claims its row (`UPDATE … SET status='sending' WHERE id=… AND status IN (…)`), so two processes
(a web worker after its commit and the scheduler, or two schedulers) never send one message twice. A claim left
behind by a process that died while sending is taken again after STALE_CLAIM.

An SMTP failure never breaks the request whose commit queued the message: it is logged on the row.
"""
import logging
import re
import smtplib
import ssl
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from flask import current_app, g, has_app_context
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, and_, event, inspect, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.core.audit import log_action
from planner.core.clock import utcnow
from planner.core.enums import LabelledEnum, sql_in
from planner.core.types import UTCDateTime
from planner.extensions import db

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
SMTP_TIMEOUT = 10  # seconds, for connecting and for each SMTP command
RETRY_DELAY = timedelta(minutes=5)  # a failed message waits RETRY_DELAY * 2**(attempts-1) before the next try
STALE_CLAIM = timedelta(minutes=15)  # a message 'sending' for longer than this was left by a dead process
TEMPLATE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class MailStatus(LabelledEnum):
    OUTBOX = "outbox", _l("In the outbox (no mail server)")
    QUEUED = "queued", _l("Queued")
    SENDING = "sending", _l("Being sent")
    SENT = "sent", _l("Sent")
    FAILED = "failed", _l("Failed")


class MailMessage(db.Model):
    """One mail to one recipient, as rendered when it was queued (text and HTML)."""

    __tablename__ = "mail_message"
    __table_args__ = (
        CheckConstraint(f"status IN ({sql_in(MailStatus)})", name="status_known"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        CheckConstraint("(status = 'sent') = (sent_at IS NOT NULL)", name="sent_iff_sent_at"),
        Index("ix_mail_message_status_attempts", "status", "attempts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(80))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    notification_id: Mapped[int | None] = mapped_column(
        ForeignKey("notification.id", ondelete="SET NULL"), index=True)
    operation_id: Mapped[int | None] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(default=0)
    last_attempt_at: Mapped[object | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[object | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    resent_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("mail_message.id", ondelete="SET NULL"), index=True)

    user = relationship("User")
    notification = relationship("Notification")
    resent_from = relationship("MailMessage", remote_side=[id])

    def __str__(self):
        return f"mail #{self.id} ({self.kind})"

    @property
    def status_enum(self):
        return MailStatus(self.status)


# --- queueing ---------------------------------------------------------------------------------------------------

def mail_server_configured(app=None) -> bool:
    return bool((app or current_app).config.get("MAIL_SERVER"))


def initial_status() -> str:
    return MailStatus.QUEUED.value if mail_server_configured() else MailStatus.OUTBOX.value


def absolute_link(link):
    """A link of the planner (`/operations/3`) as an address a mail client can open, from PLANNER_BASE_URL."""
    if not link:
        return None
    link = str(link)
    if re.match(r"^[a-z][a-z0-9+.-]*://", link, re.IGNORECASE):
        return link
    base = current_app.config.get("BASE_URL", "").rstrip("/")
    return f"{base}/{link.lstrip('/')}"


def header_text(value, limit=300):
    """A single line: mail headers cannot carry line breaks (nor is one meaningful in a subject)."""
    return " ".join(str(value).split())[:limit]


def render_mail(user, kind, subject, body, link, template=None, context=None):
    """(text, html) of `templates/emails/<template>.txt|.html` in the recipient's locale. The templates get
    `user`, `recipient_name`, `subject`, `body`, `link` (absolute), `kind`, `base_url` and the `context` items.
    The HTML is autoescaped (the .html extension); the text is not escaped (it is text)."""
    name = template or "notification"
    if not TEMPLATE_NAME.fullmatch(name):
        raise ValueError(f"not a mail template name: {name!r}")
    values = {
        "user": user, "recipient_name": user.name, "subject": header_text(subject), "body": str(body or ""),
        "link": absolute_link(link), "kind": kind, "base_url": current_app.config.get("BASE_URL", ""),
        **(context or {}),
    }
    env = current_app.jinja_env
    # Rendered straight from the environment: the request's context processors (its user, its page) have no
    # place in a mail to somebody else, and a scheduler job has no request at all.
    with force_locale(user.locale or "en"):
        text = env.get_template(f"emails/{name}.txt").render(values)
        html = env.get_template(f"emails/{name}.html").render(values)
    return text, html


def queue_mail(user, kind, subject, body, link, operation_id, notification=None, template=None, context=None):
    """Render the mail for `user` and store it in the current transaction: 'queued' (sent after the commit) when
    a mail server is configured, else 'outbox'. Users without an e-mail address get none (returns None)."""
    if user is None or not getattr(user, "email", None) or not has_app_context():
        return None
    text, html = render_mail(user, kind, subject, body, link, template=template, context=context)
    message = MailMessage(
        created_at=utcnow(), kind=str(kind)[:80], user_id=user.id, recipient=user.email,
        subject=header_text(subject), text_body=text, html_body=html, notification=notification,
        operation_id=operation_id, status=initial_status(), attempts=0,
    )
    db.session.add(message)
    _send_after_commit(message)
    return message


def resend(message, user, now=None):
    """A new copy of `message` to the same recipient (queued or kept in the outbox, as the configuration says),
    audited on the original, delivered after the commit. Returns the copy. The account it was for must still be
    active (its mail may hold what only its holder may read), and the copy goes to its current address."""
    recipient = message.recipient
    if message.user is not None:
        if not message.user.is_active or not message.user.email:
            from flask_babel import gettext as _

            from planner.core.errors import TransitionRefused

            raise TransitionRefused(_("The account this message was for is deactivated: it is not sent again."))
        recipient = message.user.email
    copy = MailMessage(
        created_at=now or utcnow(), kind=message.kind, user_id=message.user_id, recipient=recipient,
        subject=message.subject, text_body=message.text_body, html_body=message.html_body,
        notification_id=message.notification_id, operation_id=message.operation_id, status=initial_status(),
        attempts=0, resent_from_id=message.id,
    )
    db.session.add(copy)
    db.session.flush()
    log_action(message, "mail.resent", user, data={"copy_id": copy.id, "status": copy.status,
                                                   "recipient_user_id": message.user_id}, now=now)
    _send_after_commit(copy)
    return copy


def _send_after_commit(message):
    if message.status == MailStatus.QUEUED.value and has_app_context():
        g.setdefault("pending_mail", []).append(message)


# --- sending ----------------------------------------------------------------------------------------------------

_CLAIMABLE = (MailStatus.QUEUED.value, MailStatus.FAILED.value)


def _claim(conn, message_id, now):
    """Take the message for this process; False when another process has it (or it is done)."""
    table = MailMessage.__table__
    result = conn.execute(
        update(table)
        .where(table.c.id == message_id, table.c.attempts < MAX_ATTEMPTS,
               or_(table.c.status.in_(_CLAIMABLE),
                   and_(table.c.status == MailStatus.SENDING.value, table.c.last_attempt_at < now - STALE_CLAIM)))
        .values(status=MailStatus.SENDING.value, attempts=table.c.attempts + 1, last_attempt_at=now)
    )
    return result.rowcount == 1


def _stamp(message_id, error=None, now=None):
    table = MailMessage.__table__
    if error is None:
        values = {"status": MailStatus.SENT.value, "sent_at": now or utcnow(), "last_error": None}
    else:
        values = {"status": MailStatus.FAILED.value, "last_error": str(error)[:500]}
    with db.engine.begin() as conn:
        conn.execute(update(table).where(table.c.id == message_id, table.c.status == MailStatus.SENDING.value)
                     .values(**values))


def _email_message(row, config):
    sender = config.get("MAIL_SENDER") or "planner@localhost"
    email = EmailMessage()
    email["Subject"] = header_text(row.subject)
    email["From"] = sender
    email["To"] = row.recipient
    email["Date"] = format_datetime(row.created_at)
    email["Message-ID"] = make_msgid("planner", domain=sender.rpartition("@")[2] or "localhost")
    email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to the planner
    email.set_content(row.text_body)
    email.add_alternative(row.html_body, subtype="html")
    return email


class _Connection:
    """One SMTP session for a batch, opened on the first message; a server that cannot be reached fails the
    rest of the batch at once instead of waiting for the timeout again for each message."""

    def __init__(self, config):
        self.config = config
        self.smtp = None
        self.unreachable = None

    def send(self, email):
        if self.unreachable is not None:
            raise self.unreachable
        if self.smtp is None:
            try:
                self.smtp = self._open()
            except (OSError, smtplib.SMTPException) as exc:
                self.unreachable = exc
                raise
        try:
            self.smtp.send_message(email)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError):
            raise  # this message only; the session goes on
        except (OSError, smtplib.SMTPException):
            self.close()  # the next message opens a new session
            raise

    def _open(self):
        config = self.config
        smtp = smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25), timeout=SMTP_TIMEOUT)
        try:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def close(self):
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None


def send_messages(message_ids, now=None):
    """Claim, send and stamp the given messages (in their own transactions, never the session's). Returns the
    number sent. Messages another process holds, or that are done, are left alone."""
    if not message_ids or not mail_server_configured():
        return 0
    config = current_app.config
    table = MailMessage.__table__
    now = now or utcnow()
    connection = _Connection(config)
    sent = 0
    try:
        for message_id in message_ids:
            with db.engine.begin() as conn:
                if not _claim(conn, message_id, now):
                    continue
                row = conn.execute(select(table).where(table.c.id == message_id)).one()
            try:
                connection.send(_email_message(row, config))
            except Exception as exc:  # noqa: BLE001 - whatever went wrong is written on the row
                log.warning("mail #%s to %s not sent: %s", message_id, row.recipient, exc)
                _stamp(message_id, error=f"{type(exc).__name__}: {exc}")
            else:
                _stamp(message_id, now=utcnow())
                sent += 1
    finally:
        connection.close()
    return sent


def deliver_queued_mail(now=None, limit=100):
    """The scheduler job: send the messages still queued, and try the failed ones again (after a growing delay,
    at most MAX_ATTEMPTS tries in all). Commits its own work, message by message; running it twice, or in two
    processes at once, sends each message once. Returns the number sent."""
    if not mail_server_configured():
        return 0
    now = now or utcnow()
    table = MailMessage.__table__
    retry_due = [
        and_(table.c.attempts == n, table.c.last_attempt_at <= now - RETRY_DELAY * 2 ** (n - 1))
        for n in range(1, MAX_ATTEMPTS)
    ]
    stmt = (
        select(table.c.id)
        .where(table.c.attempts < MAX_ATTEMPTS,
               or_(table.c.status == MailStatus.QUEUED.value,
                   and_(table.c.status == MailStatus.FAILED.value, or_(*retry_due)),
                   and_(table.c.status == MailStatus.SENDING.value, table.c.last_attempt_at < now - STALE_CLAIM)))
        .order_by(table.c.id)
        .limit(limit)
    )
    with db.engine.connect() as conn:
        ids = conn.scalars(stmt).all()
    return send_messages(ids, now=now)


# --- after the commit -------------------------------------------------------------------------------------------

def _after_commit(session):
    if not has_app_context():
        return
    pending = g.pop("pending_mail", [])
    ids = []
    for message in pending:
        identity = inspect(message).identity
        if identity:
            ids.append(identity[0])
    if not ids:
        return
    try:
        send_messages(ids)
    except Exception:  # noqa: BLE001 - the commit happened; mail trouble must not turn it into an error
        log.exception("mail delivery after commit failed; deliver_queued_mail will try again")


def _after_rollback(session):
    if has_app_context():
        g.pop("pending_mail", None)


def init_app(app):
    for name, listener in (("after_commit", _after_commit), ("after_rollback", _after_rollback)):
        if not event.contains(db.session, name, listener):
            event.listen(db.session, name, listener)
