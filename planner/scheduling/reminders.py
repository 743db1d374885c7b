"""Reminders of an operation's deadlines: rows with the moment they go out, made by default (7 days and 1 day
before a deadline, and an overdue notice the day after it), added by a coordinator, or sent at once. They go
only to the organisations that have not yet done the thing (an invited organisation that has not answered, a
participant without a nominated contact point), to the people who act for them.

A reminder is tied to its deadline by the deadline's key and by how many days before it goes out, so that it
moves when the deadline moves (the operational start moves → the nomination deadline moves → its reminders
move), until it has gone out; a deadline that moves after a default reminder went out gets a new one for the
new date. Services flush; the request or the job commits (notifications and mail go out after the commit)."""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from planner.auth.models import User
from planner.core.audit import log_action
from planner.core.clock import utcnow
from planner.core.enums import Role
from planner.core.errors import FieldErrors, NotFound, PermissionDenied, TransitionRefused
from planner.core.notifications import notify
from planner.extensions import db
from planner.operations.access import operation_access
from planner.operations.lifecycle import after_transition
from planner.scheduling.deadlines import (
    ACTIVE_STATES, COUNCIL_TIME_ZONE, MET, OPEN, DeadlineKind, annual_reports_due, operation_deadlines,
    operation_zone, preload_schedules,
)
from planner.scheduling.models import Reminder, ReminderOrigin, ReminderOutcome

DEFAULT_DAYS_BEFORE = (7, 1, -1)  # -1: the overdue notice, the day after the deadline
SEND_AT = time(8, 0)  # local time in the operation's time zone
# The deadlines the planner can remind of: those whose status it tracks, and those of the final report.
REMINDED_KINDS = (DeadlineKind.INVITATION_ANSWER, DeadlineKind.NOMINATIONS, DeadlineKind.CONTRIBUTIONS,
                  DeadlineKind.FINAL_REPORT)
MAX_MESSAGE = 1000
MIN_DAYS, MAX_DAYS = -60, 365
SEND_NOW_INTERVAL = timedelta(hours=1)  # between two reminders of one deadline sent at once


def send_moment(operation, deadline_due, days_before):
    """The UTC moment a reminder `days_before` the deadline goes out: 08:00 local time that day."""
    day = deadline_due - timedelta(days=days_before)
    return datetime.combine(day, SEND_AT, tzinfo=operation_zone(operation)).astimezone(ZoneInfo("UTC"))


def remindable_deadlines(operation, preloaded=None):
    """{key: Deadline} of the operation's deadlines that reminders can be about."""
    return {d.key: d for d in operation_deadlines(operation, preloaded) if d.kind in REMINDED_KINDS}


def outstanding(deadline):
    """The organisations that have not (as far as the planner knows) met the deadline."""
    return [org for org, status in deadline.status.items() if status != MET]


def people_to_remind(deadline, organisations):
    """Who acts for each organisation on this kind of deadline: the coordinators for the final report, the
    coordinators and contact points otherwise. Active users with an e-mail address only."""
    roles = ((Role.COORDINATOR.value,) if deadline.kind is DeadlineKind.FINAL_REPORT
             else (Role.COORDINATOR.value, Role.CONTACT_POINT.value))
    ids = [org.id for org in organisations]
    if not ids:
        return []
    return db.session.scalars(
        select(User).where(User.organisation_id.in_(ids), User.role.in_(roles), User.is_active_account.is_(True))
        .order_by(User.organisation_id, User.id)
    ).all()


# --- keeping the rows in step with the deadlines ----------------------------------------------------------------

def _offsets(deadline):
    """The default reminders of a deadline: no overdue notice where the planner cannot tell whether it was met."""
    tracked = any(status != OPEN for status in deadline.status.values())
    return [days for days in DEFAULT_DAYS_BEFORE if days >= 0 or tracked]


def sync_reminders(operation, now=None, catch_up=False, preloaded=None):
    """Make the reminder rows of the operation match its deadlines: default rows for every remindable deadline,
    unsent rows moved with their deadline, unsent rows of a deadline that no longer exists cancelled. A default
    reminder whose moment has passed when its deadline is set is recorded as skipped (an invitation due in three
    days gets no "due in seven days" reminder); with `catch_up` (the job, which may have been down) the latest
    such moment of a deadline that has none is made due instead, so that it goes out once. Idempotent."""
    now = now or utcnow()
    deadlines = remindable_deadlines(operation, preloaded)
    rows = db.session.scalars(select(Reminder).where(Reminder.operation_id == operation.id,
                                                     Reminder.days_before.is_not(None))).all()
    taken = {(r.deadline_key, r.deadline_due, r.days_before) for r in rows}
    for row in rows:
        if row.handled_at is not None:
            continue
        deadline = deadlines.get(row.deadline_key)
        if deadline is None:
            row.handled_at, row.outcome = now, ReminderOutcome.CANCELLED.value
            continue
        if row.deadline_due != deadline.due:
            if (row.deadline_key, deadline.due, row.days_before) in taken:
                row.handled_at, row.outcome = now, ReminderOutcome.CANCELLED.value
                continue
            taken.discard((row.deadline_key, row.deadline_due, row.days_before))
            row.deadline_due = deadline.due
            row.due_at = send_moment(operation, deadline.due, row.days_before)
            taken.add((row.deadline_key, row.deadline_due, row.days_before))
    for key, deadline in deadlines.items():
        if not outstanding(deadline):
            continue
        offsets = _offsets(deadline)
        had_rows = any((key, deadline.due, days) in taken for days in offsets)
        missing = [days for days in offsets if (key, deadline.due, days) not in taken]
        passed = [days for days in missing if send_moment(operation, deadline.due, days) <= now]
        # catching up on a deadline without any row for its date: its latest passed moment is made due
        catch = min(passed) if catch_up and passed and not had_rows else None
        for days in missing:
            due_at = send_moment(operation, deadline.due, days)
            row = Reminder(operation_id=operation.id, deadline_kind=deadline.kind.value, deadline_key=key,
                           deadline_due=deadline.due, days_before=days, due_at=due_at,
                           origin=ReminderOrigin.DEFAULT.value, created_at=now)
            if due_at <= now and days != catch:
                row.handled_at, row.outcome = now, ReminderOutcome.SKIPPED.value
            db.session.add(row)
            taken.add((key, deadline.due, days))
    db.session.flush()


def sync_all_reminders(now=None):
    from planner.operations.models import Operation

    operations = db.session.scalars(select(Operation).where(Operation.state.in_(ACTIVE_STATES))).all()
    preloaded = preload_schedules(operations)
    for operation in operations:
        sync_reminders(operation, now, catch_up=True, preloaded=preloaded[operation.id])
    sync_annual_reminders(now, catch_up=True)


# --- the annual report to the Council (a deadline of the secretariat, not of an operation) --------------------------

ANNUAL_DAYS_BEFORE = (7, 1)  # no overdue notice: the planner does not record the report's dispatch yet


def annual_key(year):
    return f"annual-report-{year}"


def annual_moment(due, days_before):
    return datetime.combine(due - timedelta(days=days_before), SEND_AT,
                            tzinfo=ZoneInfo(COUNCIL_TIME_ZONE)).astimezone(ZoneInfo("UTC"))


def sync_annual_reminders(now=None, catch_up=False):
    """Reminder rows of the annual reports still to come (7 days and 1 day before, 08:00 Brussels time), made
    once per year and due date; unsent ones move when the configured due date changes."""
    from planner.core.scheduler import claim_once

    now = now or utcnow()
    for year, due in annual_reports_due(now):
        key = annual_key(year)
        existing = db.session.scalars(select(Reminder).where(Reminder.operation_id.is_(None),
                                                             Reminder.deadline_key == key)).all()
        for row in existing:
            if row.handled_at is None and row.deadline_due != due:
                row.deadline_due, row.due_at = due, annual_moment(due, row.days_before)
        if any(row.deadline_due == due for row in existing) or not claim_once(f"{key}-{due.isoformat()}", now):
            continue
        passed = [days for days in ANNUAL_DAYS_BEFORE if annual_moment(due, days) <= now]
        catch = min(passed) if catch_up and passed else None
        for days in ANNUAL_DAYS_BEFORE:
            row = Reminder(operation_id=None, deadline_kind=DeadlineKind.ANNUAL_REPORT.value, deadline_key=key,
                           deadline_due=due, days_before=days, due_at=annual_moment(due, days),
                           origin=ReminderOrigin.DEFAULT.value, created_at=now)
            if row.due_at <= now and days != catch:
                row.handled_at, row.outcome = now, ReminderOutcome.SKIPPED.value
            db.session.add(row)
    db.session.flush()


def _deliver_annual(row, now):
    from planner.operations.services import secretariat_users

    year = int(row.deadline_key.rsplit("-", 1)[1])
    people = [u for u in secretariat_users() if u.is_active]
    row.handled_at = now
    if not people:
        row.outcome = ReminderOutcome.NOBODY.value
        return row
    subject = _("Reminder: the annual report on %(year)d to the Council is due %(date)s", year=year,
                date=row.deadline_due.isoformat())
    body = _("The consolidated annual report on the joint surveillance operations of %(year)d is due to the "
             "Council on %(date)s.", year=year, date=row.deadline_due.isoformat())
    created = notify(people, "reminder.annual_report", subject, body, link=f"/programme/{year}")
    row.outcome = ReminderOutcome.SENT.value
    row.recipients = ",".join(sorted({u.organisation.code for u in people}))[:1000]
    row.recipient_count = len(created)
    db.session.flush()
    return row


def annual_reminders(year):
    return db.session.scalars(select(Reminder).where(Reminder.operation_id.is_(None),
                                                     Reminder.deadline_key == annual_key(year))
                              .order_by(Reminder.due_at)).all()


# --- what coordinators do -------------------------------------------------------------------------------------

def _coordinating(user, operation):
    access = operation_access(user, operation)
    if not access.coordinates:
        raise PermissionDenied(_("Only the coordinators of the lead and of the co-organisers manage reminders."))
    if operation.state not in ACTIVE_STATES:
        raise TransitionRefused(_("Reminders are sent from the approval of the operation until it closes; the "
                                  "operation is now: %(state)s.", state=operation.state_enum.label))
    return access


def _validate_choice(operation, data, errors, with_days):
    deadlines = remindable_deadlines(operation)
    key = data.get("deadline")
    deadline = deadlines.get(key) if isinstance(key, str) else None
    if deadline is None:
        errors.add("deadline", _("Choose one of the operation's deadlines: %(keys)s.",
                                 keys=", ".join(deadlines) or _("none yet")))
    days = None
    if with_days:
        raw = data.get("days_before")
        if isinstance(raw, bool) or raw is None or raw == "":
            errors.add("days_before", _("Give a whole number of days."))
        else:
            try:
                days = int(raw) if isinstance(raw, int) else int(str(raw).strip())
            except ValueError:
                errors.add("days_before", _("Give a whole number of days."))
            else:
                if not MIN_DAYS <= days <= MAX_DAYS:
                    errors.add("days_before", _("Give a number between %(lo)d and %(hi)d (negative: days after "
                                                "the deadline).", lo=MIN_DAYS, hi=MAX_DAYS))
                    days = None
    message = data.get("message")
    if message is not None and not isinstance(message, str):
        errors.add("message", _("Give the message as text."))
        message = None
    message = (message or "").strip() or None
    if message and len(message) > MAX_MESSAGE:
        errors.add("message", _("Use at most %(n)d characters.", n=MAX_MESSAGE))
    return deadline, days, message


def add_reminder(user, operation, data, now=None):
    """A coordinator adds a reminder `days_before` a deadline (it moves with the deadline)."""
    now = now or utcnow()
    _coordinating(user, operation)
    errors = FieldErrors()
    for key in sorted(set(data) - {"deadline", "days_before", "message"}):
        errors.add(key, _("Unknown field; expected one of: deadline, days_before, message."))
    deadline, days, message = _validate_choice(operation, data, errors, with_days=True)
    if deadline is not None and days is not None:
        due_at = send_moment(operation, deadline.due, days)
        if due_at <= now:
            errors.add("days_before", _("That reminder would have gone out on %(day)s, which has passed; send one "
                                        "now instead.", day=(deadline.due - timedelta(days=days)).isoformat()))
        elif db.session.scalar(select(Reminder.id).where(
                Reminder.operation_id == operation.id, Reminder.deadline_key == deadline.key,
                Reminder.deadline_due == deadline.due, Reminder.days_before == days)) is not None:
            errors.add("days_before", _("A reminder %(n)d days before this deadline is already planned.", n=days))
    errors.raise_if_any(_("The reminder is not valid."))
    row = Reminder(operation_id=operation.id, deadline_kind=deadline.kind.value, deadline_key=deadline.key,
                   deadline_due=deadline.due, days_before=days, due_at=due_at, origin=ReminderOrigin.ADDED.value,
                   message=message, created_at=now, created_by_id=user.id)
    db.session.add(row)
    db.session.flush()
    log_action(operation, "reminder.added", user, data={"deadline": deadline.key, "days_before": days,
                                                        "due_at": due_at.isoformat()}, now=now)
    return row


def remove_reminder(user, operation, reminder_id, now=None):
    """A coordinator removes a reminder that has not gone out yet (default ones too)."""
    _coordinating(user, operation)
    row = db.session.get(Reminder, reminder_id) if isinstance(reminder_id, int) else None
    if row is None or row.operation_id != operation.id:
        raise NotFound(_("No such reminder in this operation."))
    if row.handled_at is not None:
        raise TransitionRefused(_("This reminder has gone out already; it stays in the list."))
    row.handled_at, row.outcome = now or utcnow(), ReminderOutcome.CANCELLED.value
    db.session.flush()
    log_action(operation, "reminder.removed", user, data={"deadline": row.deadline_key,
                                                          "days_before": row.days_before}, now=now)
    return row


def send_reminder_now(user, operation, data, now=None):
    """A coordinator sends a reminder of a deadline at once, to those who have not met it."""
    now = now or utcnow()
    _coordinating(user, operation)
    errors = FieldErrors()
    for key in sorted(set(data) - {"deadline", "message"}):
        errors.add(key, _("Unknown field; expected one of: deadline, message."))
    deadline, _days, message = _validate_choice(operation, data, errors, with_days=False)
    if deadline is not None and not outstanding(deadline):
        errors.add("deadline", _("Everybody concerned has met this deadline: there is nobody to remind."))
    elif deadline is not None:
        last = db.session.scalar(select(func.max(Reminder.handled_at)).where(
            Reminder.operation_id == operation.id, Reminder.deadline_key == deadline.key,
            Reminder.origin == ReminderOrigin.SENT_NOW.value, Reminder.outcome == ReminderOutcome.SENT.value))
        if last is not None and last > now - SEND_NOW_INTERVAL:
            errors.add("deadline", _("A reminder of this deadline went out at %(when)s; the next one can go an hour "
                                     "later.", when=last.strftime("%Y-%m-%d %H:%M UTC")))
    errors.raise_if_any(_("The reminder cannot be sent."))
    row = Reminder(operation_id=operation.id, deadline_kind=deadline.kind.value, deadline_key=deadline.key,
                   deadline_due=deadline.due, days_before=None, due_at=now, origin=ReminderOrigin.SENT_NOW.value,
                   message=message, created_at=now, created_by_id=user.id)
    db.session.add(row)
    db.session.flush()
    _deliver(row, operation, deadline, now)
    log_action(operation, "reminder.sent_now", user, data={"deadline": deadline.key,
                                                           "to": row.recipient_codes}, now=now)
    return row


# --- sending ----------------------------------------------------------------------------------------------------

def _deliver(row, operation, deadline, now):
    """Notify the people of the organisations that have not met the deadline; stamp the row."""
    organisations = outstanding(deadline)
    people = people_to_remind(deadline, organisations)
    row.handled_at = now
    if not organisations:
        row.outcome = ReminderOutcome.NOBODY.value
        return row
    row.outcome = ReminderOutcome.SENT.value
    row.recipients = ",".join(org.code for org in organisations)[:1000]
    from planner.scheduling.deadlines import local_today

    today = local_today(operation, now)
    overdue = deadline.due < today and any(status != OPEN for status in deadline.status.values())
    if overdue:
        subject = _("%(ref)s %(code)s: overdue since %(date)s: %(what)s", ref=operation.reference,
                    code=operation.code_name, date=deadline.due.isoformat(), what=deadline.label)
    else:
        subject = _("%(ref)s %(code)s: reminder: %(what)s due %(date)s", ref=operation.reference,
                    code=operation.code_name, what=deadline.label, date=deadline.due.isoformat())
    by_org = {}
    for person in people:
        by_org.setdefault(person.organisation_id, []).append(person)
    sent = 0
    for organisation in organisations:
        recipients = by_org.get(organisation.id, [])
        body = _("%(what)s of %(org)s is due on %(date)s.", what=deadline.label, org=organisation.code,
                 date=deadline.due.isoformat())
        if overdue:
            body = _("%(what)s of %(org)s was due on %(date)s and has not been received.", what=deadline.label,
                     org=organisation.code, date=deadline.due.isoformat())
        if row.message:
            body += "\n\n" + row.message
        created = notify(recipients, f"reminder.{deadline.kind.value}", subject, body,
                         link=_link(operation, deadline), operation_id=operation.id, template="reminder",
                         context={"operation": operation, "deadline_label": str(deadline.label),
                                  "due": deadline.due, "organisation": organisation.code, "overdue": overdue,
                                  "message": row.message})
        sent += len(created)
    row.recipient_count = sent
    db.session.flush()
    return row


def _link(operation, deadline):
    if deadline.kind in (DeadlineKind.INVITATION_ANSWER, DeadlineKind.NOMINATIONS):
        return f"/operations/{operation.id}/participants"
    return f"/operations/{operation.id}/schedule"


def _claim(row_id, now):
    """Take a due reminder for this process: one UPDATE that only one process can win."""
    result = db.session.execute(
        update(Reminder).where(Reminder.id == row_id, Reminder.handled_at.is_(None))
        .values(handled_at=now, outcome=ReminderOutcome.SUPERSEDED.value)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def send_due_reminders(now=None):
    """The job: every unsent reminder due at `now` goes out once. Of several due reminders of one deadline (the
    process was down) only the latest goes out; the others are marked superseded. Each reminder is committed on
    its own, so that a second process running the same job at the same moment sends none of them again.
    Returns the number of reminders sent."""
    from planner.operations.models import Operation

    now = now or utcnow()
    try:
        sync_all_reminders(now)
        db.session.commit()
    except IntegrityError:  # another process made the same rows at the same moment: theirs stand
        db.session.rollback()
    due = db.session.execute(
        select(Reminder.id, Reminder.operation_id, Reminder.deadline_key, Reminder.due_at)
        .where(Reminder.handled_at.is_(None), Reminder.due_at <= now)
        .order_by(Reminder.operation_id, Reminder.deadline_key, Reminder.due_at.desc(), Reminder.id.desc())
    ).all()
    sent = 0
    for row in due:
        if not _claim(row.id, now):
            db.session.rollback()
            continue
        # Only the latest due reminder of a deadline goes out; decided after the claim, from the database, since
        # another process may have sent a later one since this one's list was read.
        same_deadline = (Reminder.operation_id.is_(None) if row.operation_id is None
                         else Reminder.operation_id == row.operation_id)
        later = db.session.scalar(select(Reminder.id).where(
            same_deadline, Reminder.deadline_key == row.deadline_key, Reminder.id != row.id,
            Reminder.due_at <= now,  # skipped and cancelled ones never went out: they supersede nothing
            Reminder.outcome.is_(None) | Reminder.outcome.notin_((ReminderOutcome.SKIPPED.value,
                                                                  ReminderOutcome.CANCELLED.value)),
            (Reminder.due_at > row.due_at) | ((Reminder.due_at == row.due_at) & (Reminder.id > row.id))).limit(1))
        if later is None:
            reminder = db.session.get(Reminder, row.id)
            db.session.refresh(reminder)
            if row.operation_id is None:
                _deliver_annual(reminder, now)
                sent += reminder.outcome == ReminderOutcome.SENT.value
                db.session.commit()
                continue
            operation = db.session.get(Operation, row.operation_id)
            deadline = remindable_deadlines(operation).get(row.deadline_key)
            if deadline is None or operation.state not in ACTIVE_STATES:
                reminder.outcome = ReminderOutcome.CANCELLED.value
            else:
                _deliver(reminder, operation, deadline, now)
                sent += reminder.outcome == ReminderOutcome.SENT.value
        db.session.commit()
    return sent


# --- reading -----------------------------------------------------------------------------------------------------

def reminders_of(operation):
    return db.session.scalars(select(Reminder).where(Reminder.operation_id == operation.id)
                              .order_by(Reminder.due_at, Reminder.id)).all()


def reminder_json(row, deadlines=None):
    body = {
        "id": row.id, "deadline": row.deadline_key, "deadline_kind": row.deadline_kind,
        "deadline_due": row.deadline_due.isoformat(), "days_before": row.days_before,
        "due_at": row.due_at.isoformat(), "origin": row.origin, "message": row.message,
        "handled_at": row.handled_at.isoformat() if row.handled_at else None, "outcome": row.outcome,
        "recipients": row.recipient_codes, "recipient_count": row.recipient_count,
    }
    if row.handled_at is None and deadlines is not None and row.deadline_key in deadlines:
        body["would_go_to"] = [org.code for org in outstanding(deadlines[row.deadline_key])]
    return body


@after_transition("approve")
def reminders_from_the_first_phases(operation, user, now):
    """Approval gives the first phases, hence the first deadlines: their reminders exist from then on."""
    sync_reminders(operation, now)
