"""Deadlines: computed from the phases, the invitations, the nominations and the settings, never stored, so
that a deadline relative to a phase moves when the phase moves. Dates are local dates in the operation's time
zone; "today" is the clock's now converted to that zone.

Each deadline names the organisations that must meet it and, for each, whether it did: "met", "missing", or
"open" where the planner cannot tell. A result reporting day is met by an organisation that reported a result
dated since the previous reporting day (the results capability tells which days, through `register_result_days`);
a contribution deadline by a participant whose contribution is submitted, and the final report deadline once the
report is final (the reports capability tells, through `register_report_progress`)."""
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from planner.core.clock import utcnow
from planner.core.enums import LabelledEnum
from planner.extensions import db
from planner.operations.access import ORGANISER_PLACES, operation_access
from planner.operations.models import STARTED_STATES, Operation, OperationState
from planner.operations.queries import visible_operations
from planner.participants.models import ParticipationStatus
from planner.scheduling.models import PhaseKind, ReportingFrequency

NOMINATION_DAYS_BEFORE_START = 14
CONTRIBUTION_DAYS_BEFORE_REPORT = 14
DEFAULT_ANNUAL_REPORT_DUE = "03-31"
COUNCIL_TIME_ZONE = "Europe/Brussels"  # the annual report's dates are Brussels dates
MAX_OCCURRENCES = 400  # result reporting: a daily phase of more than a year is cut there
# Operations whose deadlines still matter to anybody.
ACTIVE_STATES = (OperationState.PLANNING.value, OperationState.OPERATIONAL.value,
                 OperationState.POST_OPERATIONAL.value, OperationState.EVALUATION.value)


class DeadlineKind(LabelledEnum):
    INVITATION_ANSWER = "invitation_answer", _l("Answer to the invitation")
    NOMINATIONS = "nominations", _l("Nominations")
    RESULTS = "results", _l("Result reporting")
    CONTRIBUTIONS = "contributions", _l("National contributions to the final report")
    FINAL_REPORT = "final_report", _l("Final report")
    ANNUAL_REPORT = "annual_report", _l("Annual report to the Council")


MET, MISSING, OPEN = "met", "missing", "open"
STATUS_LABELS = {MET: _l("met"), MISSING: _l("missing"), OPEN: _l("not tracked yet")}


@dataclass
class Deadline:
    kind: DeadlineKind
    due: date
    operation: Operation | None
    # organisation -> MET / MISSING / OPEN
    status: dict = field(default_factory=dict)
    key: str = ""  # stable within the operation (iCalendar UIDs)
    note: str = ""

    @property
    def label(self):
        return self.kind.label

    @property
    def missing(self):
        return [org for org, s in self.status.items() if s == MISSING]

    @property
    def organisations(self):
        return list(self.status)

    @property
    def is_met(self):
        return bool(self.status) and all(s == MET for s in self.status.values())

    @property
    def trackable(self):
        return any(s != OPEN for s in self.status.values())

    def status_of(self, organisation):
        return self.status.get(organisation)


def operation_zone(operation):
    """The operation's time zone (Brussels when it names none the system knows)."""
    try:
        return ZoneInfo(operation.time_zone or COUNCIL_TIME_ZONE)
    except (KeyError, ValueError):
        return ZoneInfo(COUNCIL_TIME_ZONE)


def local_today(operation, now=None):
    return (now or utcnow()).astimezone(operation_zone(operation)).date()


def sees_who_is_missing(access):
    """Who has met a deadline and who has not: for the organisers of the operation and the oversight."""
    from planner.operations.access import Place

    return access.place in ORGANISER_PLACES or access.place is Place.OVERSIGHT


def annual_report_due(year):
    """The annual report on `year` is due on PLANNER_ANNUAL_REPORT_DUE (MM-DD) of the following year."""
    raw = current_app.config.get("ANNUAL_REPORT_DUE") or DEFAULT_ANNUAL_REPORT_DUE
    try:
        month, day = (int(x) for x in raw.split("-"))
        return date(year + 1, month, day)
    except (ValueError, TypeError):
        month, day = (int(x) for x in DEFAULT_ANNUAL_REPORT_DUE.split("-"))
        return date(year + 1, month, day)


def proposed_respond_by(operation, now=None):
    """The answer date the schedule proposes for a new invitation: two weeks before the nominations are due (so
    that those who accept have time to nominate), at least a week from today, and never after the nominations.
    None without an operational phase. The invitation fixes its own date when sent."""
    operational = _phases(operation).get(PhaseKind.OPERATIONAL.value)
    if operational is None:
        return None
    nominations = operational.start_date - timedelta(days=NOMINATION_DAYS_BEFORE_START)
    today = local_today(operation, now)
    return min(max(nominations - timedelta(days=14), today + timedelta(days=7)), max(nominations, today))


def _phases(operation):
    from planner.scheduling.services import phases_of

    return {p.kind: p for p in phases_of(operation)}


def _reporting_days(start, end, frequency):
    """The days results are due during the operational phase: every day, or the last day of each week of the
    phase and its last day."""
    if end is None or end < start:
        return []
    if frequency == ReportingFrequency.DAILY.value:
        days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    else:
        days = [start + timedelta(days=n) for n in range(6, (end - start).days + 1, 7)]
        if not days or days[-1] != end:
            days.append(end)
    return days[:MAX_OCCURRENCES]


# Which local days each organisation reported results on, per operation. The results capability registers the
# query, so that the schedule knows no feature built after it.
_RESULT_DAYS = []


def register_result_days(func):
    """`func(operations)` returns {operation id: {organisation id: set of local dates with a reported result}}."""
    _RESULT_DAYS.append(func)


def result_days(operations):
    merged = {op.id: {} for op in operations}
    started = [op for op in operations if op.state in STARTED_STATES]
    for func in _RESULT_DAYS if started else ():
        for operation_id, by_org in func(started).items():
            for organisation_id, days in by_org.items():
                merged[operation_id].setdefault(organisation_id, set()).update(days)
    return merged


# Which contributions to the final report are submitted and whether the report is final, per operation. The reports
# capability registers the query; without one, these deadlines stay "open".
_REPORT_PROGRESS = []


def register_report_progress(func):
    """`func(operations)` returns {operation id: (organisation ids whose contribution is submitted, whether the
    final report is final)}."""
    _REPORT_PROGRESS.append(func)


def report_progress(operations):
    """{operation id: (submitted organisation ids, final)}, or None for each operation when nobody tells."""
    if not _REPORT_PROGRESS:
        return {op.id: None for op in operations}
    merged = {op.id: (set(), False) for op in operations}
    for func in _REPORT_PROGRESS if operations else ():
        for operation_id, (submitted, final) in func(operations).items():
            merged[operation_id] = (merged[operation_id][0] | set(submitted), merged[operation_id][1] or final)
    return merged


def preload_schedules(operations):
    """Load what the deadlines of these operations need in a few queries instead of a few per operation: their
    participations with nominations and contact points, phases, schedule settings and the days results were
    reported on, and the progress of the final report. Returns {operation id: (phases by kind, reporting
    frequency, result days, report progress)} for operation_deadlines."""
    from sqlalchemy.orm import selectinload

    from planner.participants.models import Nomination, Participation
    from planner.scheduling.models import Phase, Schedule

    ids = [op.id for op in operations]
    if not ids:
        return {}
    db.session.scalars(select(Operation).where(Operation.id.in_(ids)).options(
        selectinload(Operation.participations).selectinload(Participation.nomination)
        .selectinload(Nomination.contact_points))).all()
    phases = {}
    for phase in db.session.scalars(select(Phase).where(Phase.operation_id.in_(ids))):
        phases.setdefault(phase.operation_id, {})[phase.kind] = phase
    frequencies = dict(db.session.execute(
        select(Schedule.operation_id, Schedule.reporting_frequency).where(Schedule.operation_id.in_(ids))).all())
    days = result_days(operations)
    progress = report_progress(operations)
    return {i: (phases.get(i, {}), frequencies.get(i, ReportingFrequency.WEEKLY.value), days.get(i, {}),
                progress.get(i)) for i in ids}


def operation_deadlines(operation, preloaded=None):
    """Every deadline of one operation, by due date. `preloaded`: this operation's entry of preload_schedules."""
    from planner.scheduling.services import reporting_frequency

    if preloaded is not None:
        phases, frequency, reported, progress = preloaded
    else:
        phases, frequency, reported, progress = _phases(operation), None, None, None
    participations = list(operation.participations)
    participants = [p for p in participations if p.is_participant]
    organisers = [p for p in participations if p.status == ParticipationStatus.ACCEPTED
                  and (p.is_lead or p.is_co_organiser)]
    result = []
    for p in participations:
        if p.respond_by is None or p.status == ParticipationStatus.WITHDRAWN:
            continue
        answered = p.status != ParticipationStatus.INVITED
        result.append(Deadline(DeadlineKind.INVITATION_ANSWER, p.respond_by, operation,
                               {p.organisation: MET if answered else MISSING},
                               key=f"invitation-{p.organisation.code}"))
    operational = phases.get(PhaseKind.OPERATIONAL.value)
    if operational is not None:
        status = {p.organisation: MET if p.nomination is not None and p.nomination.contact_points else MISSING
                  for p in participants}
        result.append(Deadline(DeadlineKind.NOMINATIONS,
                               operational.start_date - timedelta(days=NOMINATION_DAYS_BEFORE_START), operation,
                               status, key="nominations"))
        frequency = frequency or reporting_frequency(operation)
        days = _reporting_days(operational.start_date, operational.end_date, frequency)
        if days and reported is None:
            reported = result_days([operation])[operation.id]
        since = operational.start_date
        for day in days:
            status = {p.organisation: MET if any(since <= d <= day for d in reported.get(p.organisation_id, ()))
                      else MISSING for p in participants}
            result.append(Deadline(DeadlineKind.RESULTS, day, operation, status, key=f"results-{day.isoformat()}",
                                   note=str(ReportingFrequency(frequency).label)))
            since = day + timedelta(days=1)
    final = phases.get(PhaseKind.FINAL_REPORT_DUE.value)
    if final is not None:
        organiser_ids = {p.organisation_id for p in organisers}
        if preloaded is None:
            progress = report_progress([operation])[operation.id]
        submitted, is_final = progress if progress is not None else (None, False)
        closed = operation.state == OperationState.CLOSED.value
        result.append(Deadline(DeadlineKind.CONTRIBUTIONS,
                               final.start_date - timedelta(days=CONTRIBUTION_DAYS_BEFORE_REPORT), operation,
                               {p.organisation: OPEN if submitted is None else
                                MET if p.organisation_id in submitted else MISSING
                                for p in participants if p.organisation_id not in organiser_ids},
                               key="contributions"))
        report_status = MET if closed or is_final else (OPEN if progress is None else MISSING)
        result.append(Deadline(DeadlineKind.FINAL_REPORT, final.start_date, operation,
                               {p.organisation: report_status for p in organisers}, key="final_report"))
    result.sort(key=lambda d: (d.due, d.kind.value, d.key))
    return result


def visible_deadlines(access, deadlines):
    """The deadlines of one operation as `access` may see them. The organisers and the oversight see all, with
    who has met each; everybody else sees only the organisations they may know of (their own, and the accepted
    ones when they see the list of participants: nobody learns whom the lead invited or who declined), no other
    organisation's invitation, and no other organisation's status."""
    from dataclasses import replace

    from planner.participants.queries import participation_known

    if sees_who_is_missing(access):
        return list(deadlines)
    operation = access.operation
    known = {p.organisation_id for p in operation.participations if participation_known(access, p)}
    result = []
    for deadline in deadlines:
        status = {org: (state if org.id == access.user.organisation_id else OPEN)
                  for org, state in deadline.status.items() if org.id in known}
        if deadline.kind is DeadlineKind.INVITATION_ANSWER and not status:
            continue
        result.append(replace(deadline, status=status))
    return result


@dataclass
class MyDeadline:
    """One deadline as one user meets it: `own` when the user's organisation must meet it; `missing` lists the
    organisations that have not (given to the organisers of the operation only)."""

    deadline: Deadline
    own_status: str | None
    missing: list
    overdue: bool
    today: date

    @property
    def due(self):
        return self.deadline.due

    @property
    def operation(self):
        return self.deadline.operation


def deadlines_for_user(user, now=None, include_past=False):
    """{operation: [MyDeadline]} of the active operations the user sees: its organisation's deadlines, and for
    the organisers (lead and co-organisers) also their participants' with who has not met them. Upcoming ones
    and the overdue ones (not met, due before today); past result reporting days and met deadlines are left out
    unless `include_past` (the calendar feed)."""
    operations = db.session.scalars(
        visible_operations(user).where(Operation.state.in_(ACTIVE_STATES)).order_by(Operation.year, Operation.reference)
    ).all()
    result = {}
    preloaded = preload_schedules(operations)
    for operation in operations:
        access = operation_access(user, operation)
        if not access.sees_operation:
            continue
        organiser = access.place in ORGANISER_PLACES
        today = local_today(operation, now)
        mine = []
        next_results = False
        for deadline in operation_deadlines(operation, preloaded[operation.id]):
            own = next((s for org, s in deadline.status.items() if org.id == user.organisation_id), None)
            if own is None and not organiser:
                continue
            missing = [org.code for org in deadline.missing] if organiser else []
            outstanding = (own in (MISSING, OPEN)) if not organiser else (bool(missing) or own in (MISSING, OPEN)
                                                                          or not deadline.trackable)
            overdue = deadline.due < today and (own == MISSING or bool(missing))
            if not include_past:
                if deadline.kind is DeadlineKind.RESULTS:
                    if deadline.due < today or next_results:
                        continue
                    next_results = True
                elif deadline.due < today and not overdue:
                    continue
                elif not outstanding:
                    continue
            mine.append(MyDeadline(deadline, own, missing, overdue, today))
        if mine:
            result[operation] = mine
    return result


def annual_report_deadlines(user, now=None):
    """The annual report on each year with approved operations, for the secretariat."""
    from planner.core.enums import Role

    if Role(user.role) is not Role.SECRETARIAT:
        return []
    return annual_reports_due(now)


def annual_reports_due(now=None):
    """[(year, due date)] of the annual reports still to come: each year with approved operations."""
    today = (now or utcnow()).astimezone(ZoneInfo(COUNCIL_TIME_ZONE)).date()
    years = db.session.scalars(
        select(Operation.year).where(Operation.state.in_(ACTIVE_STATES + (OperationState.CLOSED.value,)))
        .distinct().order_by(Operation.year)
    ).all()
    return [(year, annual_report_due(year)) for year in years if annual_report_due(year) >= today]


def deadline_json(my):
    d = my.deadline
    body = {
        "kind": d.kind.value,
        "label": str(d.label),
        "due": d.due.isoformat(),
        "overdue": my.overdue,
        "operation": {"id": d.operation.id, "reference": d.operation.reference,
                      "code_name": d.operation.code_name} if d.operation is not None else None,
        "organisations": [org.code for org in d.organisations],
        "own_status": my.own_status,
    }
    if my.missing or my.own_status is None:
        body["missing"] = my.missing
    if d.note:
        body["note"] = d.note
    return body
