"""The schedule of an operation: its phases (one validation for the Schedule tab and the API), its reporting
frequency, and each user's secret calendar feed. Services flush; the request commits."""
import hashlib
import secrets
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from planner.core.audit import changes, log_action
from planner.core.clock import utcnow
from planner.core.errors import FieldErrors, PermissionDenied, TransitionRefused
from planner.core.versions import check_version, require_version
from planner.extensions import db
from planner.operations.access import operation_access
from planner.operations.lifecycle import guard
from planner.operations.models import OperationState
from planner.scheduling.models import CalendarFeed, Phase, PhaseKind, ReportingFrequency, Schedule

# The schedule is set once the working party has approved the operation (before that, the business case's
# planned window is the plan, and approval turns it into the first phases) and until the operation closes.
SCHEDULING_STATES = (OperationState.PLANNING, OperationState.OPERATIONAL, OperationState.POST_OPERATIONAL,
                     OperationState.EVALUATION)
MAX_PLACE = 200
PHASE_FIELDS = ("kind", "start", "end", "place")
KIND_ORDER = {kind.value: n for n, kind in enumerate(PhaseKind)}
# Phases that last several days need an end; the others are one day (an end may still be given).
NEEDS_END = {PhaseKind.PREPARATION.value, PhaseKind.OPERATIONAL.value, PhaseKind.POST_OPERATIONAL.value}
ONE_DAY = {PhaseKind.FINAL_REPORT_DUE.value}
# Meetings: a date and a place.
NEEDS_PLACE = {PhaseKind.BRIEFING.value, PhaseKind.DEBRIEFING.value}


def phases_of(operation):
    return sorted(db.session.scalars(select(Phase).where(Phase.operation_id == operation.id)),
                  key=lambda p: (KIND_ORDER.get(p.kind, 99), p.start_date))


def schedule_row(operation):
    return db.session.scalar(select(Schedule).where(Schedule.operation_id == operation.id))


def schedule_version(operation):
    row = schedule_row(operation)
    return row.version if row is not None else 0


def reporting_frequency(operation):
    row = schedule_row(operation)
    return row.reporting_frequency if row is not None else ReportingFrequency.WEEKLY.value


def may_edit_schedule(access):
    return access.coordinates and access.operation.state_enum in SCHEDULING_STATES


def schedule_json(operation):
    return {
        "operation": {"id": operation.id, "reference": operation.reference, "year": operation.year,
                      "time_zone": operation.time_zone},
        "phases": [p.to_json() for p in phases_of(operation)],
        "reporting_frequency": reporting_frequency(operation),
        "version": schedule_version(operation),
    }


# --- validation ------------------------------------------------------------------------------------------------

def _parse_date(value, field, errors):
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) != 10 or not value.isascii():
        errors.add(field, _("Give a date as YYYY-MM-DD."))
        return None
    try:
        parsed = datetime.strptime(value, "%Y-%m-%d").date()  # not fromisoformat: it takes week dates too
    except ValueError:
        errors.add(field, _("Give a date as YYYY-MM-DD."))
        return None
    if not 1990 <= parsed.year <= 2100:
        errors.add(field, _("Give a date between 1990 and 2100."))
        return None
    return parsed


def validate_phases(operation, data):
    """{kind: (start, end, place)} from the request's phases, or ValidationError with dotted fields."""
    errors = FieldErrors()
    items = data.get("phases")
    if not isinstance(items, list):
        errors.add("phases", _("Give the phases as a list."))
        errors.raise_if_any()
    if len(items) > 2 * len(PhaseKind):
        errors.add("phases", _("Give each kind of phase at most once."))
        errors.raise_if_any()
    phases, where = {}, {}
    for i, item in enumerate(items):
        prefix = f"phases.{i}"
        if not isinstance(item, dict):
            errors.add(prefix, _("Give each phase as an object with kind, start, end and place."))
            continue
        for key in sorted(set(item) - set(PHASE_FIELDS)):
            errors.add(f"{prefix}.{key}", _("Unknown field; expected one of: %(fields)s.",
                                            fields=", ".join(PHASE_FIELDS)))
        kind = item.get("kind")
        if kind not in PhaseKind.codes():
            errors.add(f"{prefix}.kind", _("Choose one of: %(kinds)s.", kinds=", ".join(PhaseKind.codes())))
            continue
        if kind in phases:
            errors.add(f"{prefix}.kind", _("This kind of phase is given twice; give each at most once."))
            continue
        start = _parse_date(item.get("start"), f"{prefix}.start", errors)
        if start is None and f"{prefix}.start" not in errors.errors:
            errors.add(f"{prefix}.start", _("Give the date."))
        end = _parse_date(item.get("end"), f"{prefix}.end", errors)
        if kind in ONE_DAY and end is not None:
            errors.add(f"{prefix}.end", _("This is a single date: give the start only."))
            end = None
        if kind in NEEDS_END and end is None and f"{prefix}.end" not in errors.errors:
            errors.add(f"{prefix}.end", _("Give the last day of the phase."))
        if start and end and end < start:
            errors.add(f"{prefix}.end", _("The end comes before the start."))
        place = item.get("place")
        if place is not None and not isinstance(place, str):
            errors.add(f"{prefix}.place", _("Give the place as text."))
            place = None
        place = (place or "").strip() or None
        if place and len(place) > MAX_PLACE:
            errors.add(f"{prefix}.place", _("Use at most %(n)d characters.", n=MAX_PLACE))
        if kind in NEEDS_PLACE and not place and f"{prefix}.place" not in errors.errors:
            errors.add(f"{prefix}.place", _("Give the place of the meeting."))
        phases[kind] = (start, end, place)
        where[kind] = prefix
    op = PhaseKind.OPERATIONAL.value
    if op not in phases and not any(k.endswith(".kind") for k in errors.errors):
        errors.add("phases", _("The schedule needs the operational phase."))
    confirm = data.get("confirm_outside_year", False)
    if not isinstance(confirm, bool):
        errors.add("confirm_outside_year", _("Give true or false."))
        confirm = False
    frequency = data.get("reporting_frequency")
    if frequency is not None and frequency not in ReportingFrequency.codes():
        errors.add("reporting_frequency", _("Choose one of: %(v)s.", v=", ".join(ReportingFrequency.codes())))
    if op in phases and phases[op][0] and phases[op][1] \
            and not any(key.startswith(where[op] + ".") for key in errors.errors):
        _check_order(operation, phases, where, confirm, errors)
    errors.raise_if_any(_("The schedule is not valid."))
    return phases, frequency


def _check_order(operation, phases, where, confirm, errors):
    op_start, op_end = phases[PhaseKind.OPERATIONAL.value][:2]
    if not confirm and (op_start.year != operation.year or op_end.year != operation.year):
        field = "start" if op_start.year != operation.year else "end"
        errors.add(f"{where[PhaseKind.OPERATIONAL.value]}.{field}",
                   _("The operational phase lies outside the operation's year %(year)d; confirm the dates outside "
                     "the year if this is intended.", year=operation.year))
    rules = {
        PhaseKind.PREPARATION.value: ("end", lambda s, e: (e or s) < op_start,
                                      _("The preparation ends before the operational start (%(d)s).")),
        PhaseKind.BRIEFING.value: ("start", lambda s, e: (e or s) < op_start,
                                   _("The briefing takes place before the operational start (%(d)s).")),
        PhaseKind.POST_OPERATIONAL.value: ("start", lambda s, e: s > op_end,
                                           _("The post-operational phase starts after the operational end (%(d)s).")),
        PhaseKind.DEBRIEFING.value: ("start", lambda s, e: s > op_end,
                                     _("The debriefing takes place after the operational end (%(d)s).")),
        PhaseKind.FINAL_REPORT_DUE.value: ("start", lambda s, e: s > op_end,
                                           _("The final report is due after the operational end (%(d)s).")),
    }
    for kind, (field, ok, message) in rules.items():
        if kind in phases and phases[kind][0] is not None:
            start, end, _place = phases[kind]
            if not ok(start, end):
                anchor = op_start if kind in (PhaseKind.PREPARATION.value, PhaseKind.BRIEFING.value) else op_end
                errors.add(f"{where[kind]}.{field}", message % {"d": anchor.isoformat()})


# --- saving ------------------------------------------------------------------------------------------------

def save_schedule(user, operation, data, expected_version, now=None):
    """Replace the operation's phases (kinds left out are removed) and its reporting frequency."""
    now = now or utcnow()
    access = operation_access(user, operation)
    if not access.coordinates:
        raise PermissionDenied(_("Only the coordinators of the lead and of the co-organisers set the schedule."))
    if operation.state_enum not in SCHEDULING_STATES:
        raise TransitionRefused(_("The schedule is set from the approval of the operation until it closes; the "
                                  "operation is now: %(state)s.", state=operation.state_enum.label))
    expected = require_version(expected_version)
    row = schedule_row(operation)
    check_version(expected, row.version if row is not None else 0, _("the schedule"))
    phases, frequency = validate_phases(operation, data)
    before = schedule_json(operation)
    existing = {p.kind: p for p in phases_of(operation)}
    for kind, phase in existing.items():
        if kind not in phases:
            db.session.delete(phase)
    for kind, (start, end, place) in phases.items():
        phase = existing.get(kind) or Phase(operation_id=operation.id, kind=kind)
        phase.start_date, phase.end_date, phase.place = start, end, place
        db.session.add(phase)
    if row is None:
        row = Schedule(operation_id=operation.id)
        db.session.add(row)
    if frequency is not None:
        row.reporting_frequency = frequency
    row.updated_at, row.updated_by_id = now, user.id
    db.session.flush()
    after = schedule_json(operation)
    diff = changes({"phases": before["phases"], "reporting_frequency": before["reporting_frequency"]},
                   {"phases": after["phases"], "reporting_frequency": after["reporting_frequency"]})
    log_action(operation, "schedule.updated", user, data={"changes": diff, "version": row.version}, now=now)
    from planner.scheduling.reminders import sync_reminders

    sync_reminders(operation, now)  # the reminders move with their deadlines
    return row


# --- the guard this capability owns ----------------------------------------------------------------------------

@guard("start")
def operational_phase_scheduled(operation, user):
    phase = db.session.scalar(select(Phase).where(Phase.operation_id == operation.id,
                                                  Phase.kind == PhaseKind.OPERATIONAL.value))
    if phase is None:
        return [_("The schedule needs an operational phase.")]
    return []


# --- calendar feeds --------------------------------------------------------------------------------------------

def _hash(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def regenerate_feed_token(user, now=None):
    """A new secret for the user's feed (the old URL stops working). Returns the token: it is shown once."""
    token = secrets.token_urlsafe(32)
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    if feed is None:
        feed = CalendarFeed(user_id=user.id)
        db.session.add(feed)
    feed.token_hash, feed.created_at = _hash(token), now or utcnow()
    db.session.flush()
    log_action(user, "calendar_feed.regenerated", user, now=now)
    return token


def feed_of(user):
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def feed_user(token):
    """The active user whose feed `token` opens, or None."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == _hash(token)))
    if feed is None:
        return None
    user = feed.user
    if not user.is_active or not user.organisation.is_active:
        return None
    return user

