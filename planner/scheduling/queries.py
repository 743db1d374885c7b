"""What a user may see of schedules: the year calendar (summaries only) and the phases of one operation.
Need-to-know here, never in templates: members and oversight see every phase; an invited organisation or an
observer sees the operational window only (the operation's summary)."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select

from planner.core.errors import PermissionDenied
from planner.extensions import db
from planner.operations.access import operation_access
from planner.operations.models import Operation, OperationState
from planner.operations.queries import get_visible_operation, visible_operations
from planner.scheduling.models import Phase, PhaseKind

HIDDEN_FROM_CALENDAR = (OperationState.REJECTED.value, OperationState.CANCELLED.value)


def get_schedule_for_viewing(user, operation_id):
    """(operation, access) for those who see the operation's schedule; 404 for those who do not see the
    operation at all, 403 for an invited organisation or an observer (they see the window on the overview)."""
    from flask_babel import gettext as _

    operation, access = get_visible_operation(user, operation_id)
    if not access.sees_full:
        raise PermissionDenied(_("Only the organisations taking part, the secretariat and admins see the schedule."))
    return operation, access


def get_reminders_for_viewing(user, operation_id):
    """(operation, access) for those who see the operation's reminders: its organisers and the oversight (the
    reminders name who has not met a deadline); 403 for others who see the operation, 404 for the rest."""
    from flask_babel import gettext as _

    from planner.scheduling.deadlines import sees_who_is_missing

    operation, access = get_visible_operation(user, operation_id)
    if not sees_who_is_missing(access):
        raise PermissionDenied(_("Only the organisers of the operation, the secretariat and admins see its "
                                 "reminders."))
    return operation, access


def visible_phases(access, phases):
    if access.sees_full:
        return list(phases)
    return [p for p in phases if p.kind == PhaseKind.OPERATIONAL.value]


@dataclass
class CalendarRow:
    operation: Operation
    phases: list


@dataclass
class Calendar:
    year: int
    first: date
    last: date
    rows: list
    programme: object  # business_cases.queries.Programme or None

    @property
    def days(self):
        return (self.last - self.first).days + 1

    def offset(self, day):
        """Days from 1 January, clipped to the year."""
        return min(max((day - self.first).days, 0), self.days)

    def span(self, phase):
        start = self.offset(phase.start_date)
        end = self.offset((phase.end_date or phase.start_date)) + 1
        return start, max(end - start, 1)

    def months(self):
        return [(date(self.year, m, 1), self.offset(date(self.year, m, 1))) for m in range(1, 13)]


def calendar_year(user, year, with_programme=False):
    """The operations of `year` the user may see (not rejected or cancelled ones), each with the phases the user
    may see that touch the year; with the programme checks of item 29 when asked (coordinators, secretariat)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    operations = db.session.scalars(
        visible_operations(user).where(Operation.state.notin_(HIDDEN_FROM_CALENDAR))
        .where(or_(Operation.year == year, Operation.id.in_(
            select(Phase.operation_id).where(Phase.start_date <= last,
                                             func.coalesce(Phase.end_date, Phase.start_date) >= first))))
        .order_by(Operation.year, Operation.sequence)
    ).all()
    ids = [op.id for op in operations]
    phases = {}
    for phase in db.session.scalars(select(Phase).where(Phase.operation_id.in_(ids)).order_by(Phase.start_date)):
        phases.setdefault(phase.operation_id, []).append(phase)
    rows = []
    for op in operations:
        access = operation_access(user, op)
        if not access.sees_operation:
            continue
        shown = [p for p in visible_phases(access, phases.get(op.id, []))
                 if p.start_date <= last and (p.end_date or p.start_date) >= first]
        rows.append(CalendarRow(op, shown))
    programme = None
    if with_programme:
        from planner.business_cases.queries import annual_programme

        programme = annual_programme(user, year)
    return Calendar(year, first, last, rows, programme)


def calendar_json(calendar):
    body = {
        "year": calendar.year,
        "operations": [{
            "id": r.operation.id, "reference": r.operation.reference, "code_name": r.operation.code_name,
            "lead": r.operation.lead.code, "state": r.operation.state, "time_zone": r.operation.time_zone,
            "phases": [p.to_json() for p in r.phases],
        } for r in calendar.rows],
    }
    if calendar.programme is not None:
        from planner.business_cases.queries import programme_json

        body["checks"] = programme_json(calendar.programme)["checks"]
    return body


def feed_phases(user):
    """(operation, [phases]) of every operation the user sees (not rejected or cancelled), for the feed."""
    operations = db.session.scalars(
        visible_operations(user).where(Operation.state.notin_(HIDDEN_FROM_CALENDAR)).order_by(Operation.id)
    ).all()
    ids = [op.id for op in operations]
    phases = {}
    for phase in db.session.scalars(select(Phase).where(Phase.operation_id.in_(ids)).order_by(Phase.start_date)):
        phases.setdefault(phase.operation_id, []).append(phase)
    result = []
    for op in operations:
        access = operation_access(user, op)
        if access.sees_operation:
            result.append((op, visible_phases(access, phases.get(op.id, []))))
    return result
