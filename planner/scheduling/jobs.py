"""The scheduled jobs of the schedule (planner/core/scheduler.py runs them): due reminders, mail still to go out,
the automatic start and end of the operational phase, and the weekly digest of each coordinator. Each takes
`now`, does what is due then and commits; running one twice for the same moment does nothing twice."""
import logging
from datetime import datetime, time, timedelta, timezone

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from planner.auth.models import User
from planner.core.audit import AuditEntry, log_action
from planner.core.clock import utcnow
from planner.core.enums import Role
from planner.core.errors import TransitionRefused
from planner.core.notifications import notify
from planner.core.scheduler import claim_once, scheduled_job
from planner.extensions import db
from planner.operations.models import Operation, OperationState
from planner.operations.services import coordinators_of, take_transition
from planner.participants.models import Participation, ParticipationStatus
from planner.scheduling.deadlines import ACTIVE_STATES, deadlines_for_user, local_today
from planner.scheduling.models import Phase, PhaseKind
from planner.scheduling.reminders import send_due_reminders

DIGEST_TIME = time(7, 0)  # on Mondays, UTC
DIGEST_MAX_LINES = 30
log = logging.getLogger("planner.scheduler")


@scheduled_job("reminders", minutes=5)
def reminders_job(now):
    return send_due_reminders(now)


@scheduled_job("mail", minutes=5)
def mail_job(now):
    """Mail that could not go out at once (the SMTP server was down) is tried again."""
    from planner.core import mail

    return mail.deliver_queued_mail(now)


@scheduled_job("phases", minutes=15)
def phases_job(now):
    return advance_operations(now)


@scheduled_job("digest", minutes=60)
def digest_job(now):
    return send_weekly_digests(now)


# --- the automatic start and end of the operational phase ---------------------------------------------------------

def _operations_with_operational_phase(state):
    return db.session.execute(
        select(Operation.id, Phase.start_date, Phase.end_date)
        .join(Phase, (Phase.operation_id == Operation.id) & (Phase.kind == PhaseKind.OPERATIONAL.value))
        .where(Operation.state == state.value).order_by(Operation.id)
    ).all()


def advance_operations(now=None):
    """Start the operational phase of each operation in planning on its first day, and end it after its last
    day, when the guards pass; when they do not, tell the coordinators why, once a day. Returns
    {"started": [ids], "ended": [ids], "refused": [ids]}."""
    now = now or utcnow()
    done = {"started": [], "ended": [], "refused": []}
    for action, state in (("start", OperationState.PLANNING), ("end", OperationState.OPERATIONAL)):
        for operation_id, start, end in _operations_with_operational_phase(state):
            operation = db.session.get(Operation, operation_id)
            today = local_today(operation, now)
            due = start <= today if action == "start" else (end is not None and end < today)
            if not due:
                continue
            try:
                take_transition(None, operation, action, now=now, scheduled=True)
            except TransitionRefused as refusal:
                db.session.rollback()
                operation = db.session.get(Operation, operation_id)
                if claim_once(f"operation-{operation_id}-{action}-refused-{today.isoformat()}", now):
                    _notify_refusal(operation, action, start if action == "start" else end, refusal, now)
                    done["refused"].append(operation_id)
                db.session.commit()
                continue
            except Exception:  # noqa: BLE001  (one operation's failure must not hold up the others)
                db.session.rollback()
                log.exception("the automatic %s of operation %s failed", action, operation_id)
                continue
            db.session.commit()
            done["started" if action == "start" else "ended"].append(operation_id)
    return done


def _notify_refusal(operation, action, day, refusal, now):
    reasons = [str(r) for r in refusal.reasons] or [str(refusal.message)]
    if action == "start":
        subject = _("%(ref)s %(code)s: the operational phase did not start", ref=operation.reference,
                    code=operation.code_name)
        body = _("The operational phase was to start on %(date)s, but it cannot start yet:", date=day.isoformat())
    else:
        subject = _("%(ref)s %(code)s: the operational phase did not end", ref=operation.reference,
                    code=operation.code_name)
        body = _("The operational phase was to end on %(date)s, but it cannot end yet:", date=day.isoformat())
    body += "\n" + "\n".join(f"- {r}" for r in reasons)
    body += "\n\n" + _("The planner tries again every quarter of an hour and tells you once a day until it "
                       "succeeds; a coordinator can also take the step on the operation's overview.")
    notify(coordinators_of(operation), f"operation.{action}_refused", subject, body,
           link=f"/operations/{operation.id}", operation_id=operation.id)
    log_action(operation, f"operation.automatic_{action}_refused", None, data={"reasons": reasons}, now=now)


# --- the weekly digest -----------------------------------------------------------------------------------------

def digest_moment(now):
    """The latest digest moment at or before `now` (Monday 07:00 UTC)."""
    monday = (now - timedelta(days=now.weekday())).date()
    moment = datetime.combine(monday, DIGEST_TIME, tzinfo=timezone.utc)
    return moment if moment <= now else moment - timedelta(days=7)


def coordinated_operations(user, since):
    """The operations the user's organisation leads or co-organises that are under way, or were closed since."""
    return db.session.scalars(
        select(Operation).join(Participation, Participation.operation_id == Operation.id)
        .where(Participation.organisation_id == user.organisation_id,
               Participation.status == ParticipationStatus.ACCEPTED.value,
               or_(Participation.is_lead.is_(True), Participation.is_co_organiser.is_(True)),
               or_(Operation.state.in_(ACTIVE_STATES),
                   (Operation.state == OperationState.CLOSED.value) & (Operation.closed_at >= since)))
        .order_by(Operation.year, Operation.sequence)
    ).all()


def digest_of(user, since, until, now):
    """[(operation, [(action, count)], [overdue MyDeadline])] of what happened in the user's operations."""
    operations = coordinated_operations(user, since)
    if not operations:
        return []
    counts = {}
    for operation_id, action, count in db.session.execute(
        select(AuditEntry.operation_id, AuditEntry.action, func.count(AuditEntry.id))
        .where(AuditEntry.operation_id.in_([o.id for o in operations]),
               AuditEntry.created_at >= since, AuditEntry.created_at < until)
        .group_by(AuditEntry.operation_id, AuditEntry.action).order_by(AuditEntry.operation_id, AuditEntry.action)
    ):
        counts.setdefault(operation_id, []).append((action, count))
    overdue = {op: [my for my in items if my.overdue] for op, items in deadlines_for_user(user, now).items()}
    result = []
    for operation in operations:
        late = overdue.get(operation, [])
        if counts.get(operation.id) or late:
            result.append((operation, counts.get(operation.id, []), late))
    return result


def send_weekly_digests(now=None):
    """Each coordinator gets, once a week (Monday 07:00 UTC or the first run after it), what happened in the
    operations they coordinate over the seven days before, and what is overdue. Nothing to tell: no mail.
    Returns the number of digests sent."""
    now = now or utcnow()
    until = digest_moment(now)
    since = until - timedelta(days=7)
    year, week, _day = until.isocalendar()
    sent = 0
    coordinators = db.session.scalars(
        select(User).where(User.role == Role.COORDINATOR.value, User.is_active_account.is_(True)).order_by(User.id)
    ).all()
    for user in coordinators:
        if not claim_once(f"digest-{user.id}-{year}-W{week:02d}", now):
            db.session.rollback()
            continue
        items = digest_of(user, since, until, now)
        if items:
            lines = []
            for operation, actions, late in items:
                lines.append(f"{operation.reference} {operation.code_name}:")
                lines.extend(_("  %(action)s: %(n)d", action=action, n=count) for action, count in actions)
                lines.extend(_("  overdue: %(what)s (due %(date)s)", what=my.deadline.label,
                               date=my.due.isoformat()) + (f" — {', '.join(my.missing)}" if my.missing else "")
                             for my in late)
            subject = _("Your operations this week (%(since)s to %(until)s)", since=since.date().isoformat(),
                        until=(until - timedelta(days=1)).date().isoformat())
            notify([user], "digest.weekly", subject, "\n".join(lines[:DIGEST_MAX_LINES * 3]), link="/",
                   template="digest",
                   context={"items": items, "since": since.date(), "until": (until - timedelta(days=1)).date()})
            sent += 1
        db.session.commit()
    return sent
