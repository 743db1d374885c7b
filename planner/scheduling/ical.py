"""iCalendar files: a user's feed and one operation's schedule. All-day events (DTSTART/DTEND as dates, DTEND
the day after the last day, as RFC 5545 wants); UIDs stable per operation and phase or deadline, so that a
calendar client updates an event when its dates move instead of adding a new one."""
from datetime import timedelta

from flask_babel import gettext as _
from icalendar import Calendar, Event

from planner.core.clock import utcnow
from planner.scheduling.models import PhaseKind

UID_DOMAIN = "joint-operations-planner"


def _calendar(name):
    cal = Calendar()
    cal.add("prodid", "-//Joint Operations Planner//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    return cal


def _event(uid, summary, first, last, description="", location=None, stamp=None):
    event = Event()
    event.add("uid", f"{uid}@{UID_DOMAIN}")
    event.add("dtstamp", stamp or utcnow())
    event.add("summary", summary)
    event.add("dtstart", first)
    event.add("dtend", (last or first) + timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    if description:
        event.add("description", description)
    if location:
        event.add("location", location)
    return event


def phase_event(operation, phase, stamp=None):
    label = PhaseKind(phase.kind).label
    return _event(f"operation-{operation.id}-phase-{phase.kind}",
                  f"{operation.code_name}: {label}", phase.start_date, phase.end_date,
                  description=f"{operation.reference} {operation.code_name} ({operation.lead.code})",
                  location=phase.place, stamp=stamp)


def deadline_event(deadline, missing=(), stamp=None):
    operation = deadline.operation
    orgs = ", ".join(org.code for org in deadline.organisations)
    description = _("Concerns: %(orgs)s.", orgs=orgs or "—")
    if missing:
        description += " " + _("Not met yet by: %(orgs)s.", orgs=", ".join(missing))
    return _event(f"operation-{operation.id}-deadline-{deadline.key}",
                  _("%(code)s: %(what)s due", code=operation.code_name, what=deadline.label),
                  deadline.due, None, description=description, stamp=stamp)


def user_feed(user, phases_by_operation, my_deadlines, annual=(), stamp=None):
    """The user's feed: the phases of the operations the user sees and the deadlines that concern the user."""
    stamp = stamp or utcnow()
    cal = _calendar(_("Joint operations: %(name)s", name=user.name))
    for operation, phases in phases_by_operation:
        for phase in phases:
            cal.add_component(phase_event(operation, phase, stamp))
    for _operation, items in my_deadlines.items():
        for my in items:
            cal.add_component(deadline_event(my.deadline, my.missing, stamp))
    for year, due in annual:
        cal.add_component(_event(f"annual-report-{year}", _("Annual report on %(year)d due", year=year), due, None,
                                 stamp=stamp))
    return cal.to_ical()


def operation_calendar(operation, phases, deadlines, stamp=None, show_missing=True):
    """`show_missing`: name who has not met each deadline (the organisers' and the oversight's business)."""
    stamp = stamp or utcnow()
    cal = _calendar(f"{operation.reference} {operation.code_name}")
    for phase in phases:
        cal.add_component(phase_event(operation, phase, stamp))
    for deadline in deadlines:
        missing = [org.code for org in deadline.missing] if show_missing else []
        cal.add_component(deadline_event(deadline, missing, stamp))
    return cal.to_ical()
