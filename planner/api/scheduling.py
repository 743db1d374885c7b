"""API: an operation's phases, my deadlines, the year calendar and the iCalendar download. The same services and
queries as the pages (planner/scheduling)."""
from flask import jsonify, request
from flask_login import current_user

from planner.api.base import endpoint, expected_version, json_body, reject_unknown_fields
from planner.api.schemas import SCHEMAS

from planner.core.errors import NotFound
from planner.core.permissions import has_permission
from planner.scheduling.deadlines import (
    annual_report_deadlines, deadline_json, deadlines_for_user, proposed_respond_by,
)
from planner.scheduling.models import PhaseKind, ReminderOrigin, ReminderOutcome, ReportingFrequency
from planner.scheduling.reminders import (
    add_reminder, annual_reminders, outstanding, remindable_deadlines, reminder_json, reminders_of, remove_reminder,
    send_reminder_now,
)
from planner.scheduling.queries import (
    calendar_json, calendar_year, get_reminders_for_viewing, get_schedule_for_viewing,
)
from planner.scheduling.services import may_edit_schedule, save_schedule, schedule_json

TAGS = ("schedule",)


def _schedule_answer(operation, access):
    body = schedule_json(operation)
    body["editable"] = may_edit_schedule(access)
    proposed = proposed_respond_by(operation)
    body["proposed_respond_by"] = proposed.isoformat() if proposed else None
    return body


@endpoint("/operations/<int:operation_id>/phases", summary="The phases of an operation", tags=TAGS,
          response_schema="Schedule", errors=(404,))
def get_phases(operation_id):
    """Everybody who sees the full operation (its members, the secretariat and admins). Dates are local dates in
    the operation's time zone. `version` (0 before the first edit) goes back with an update."""
    operation, access = get_schedule_for_viewing(current_user, operation_id)
    return jsonify(_schedule_answer(operation, access))


@endpoint("/operations/<int:operation_id>/phases", methods=("PUT",), summary="Set the phases of an operation",
          tags=TAGS, request_schema="ScheduleUpdate", response_schema="Schedule", errors=(404, 409),
          request_example={"phases": [
              {"kind": "preparation", "start": "2026-03-01", "end": "2026-05-03"},
              {"kind": "briefing", "start": "2026-04-20", "place": "Vilnius"},
              {"kind": "operational", "start": "2026-05-04", "end": "2026-05-15"},
              {"kind": "post_operational", "start": "2026-05-16", "end": "2026-06-30"},
              {"kind": "debriefing", "start": "2026-09-15", "place": "Warsaw"},
              {"kind": "final_report_due", "start": "2026-10-31"}],
              "reporting_frequency": "weekly", "version": 1})
def put_phases(operation_id):
    """Coordinators of the lead and co-organisers, from the approval until the operation closes. Replaces every
    phase (a kind left out is removed; the operational phase is required). The deadlines that depend on a phase
    (nominations, result reporting, contributions, the final report) move with it. The operational phase lies in
    the operation's year unless `confirm_outside_year` is true. A stale `version` (or `If-Match`) gets 409."""
    operation, access = get_schedule_for_viewing(current_user, operation_id)
    data = json_body()
    reject_unknown_fields(data, {"phases", "reporting_frequency", "confirm_outside_year", "version"})
    version = data.get("version")
    save_schedule(current_user, operation, data,
                  0 if type(version) is int and version == 0 else expected_version(data))
    return jsonify(_schedule_answer(operation, access))


@endpoint("/deadlines", summary="My deadlines", tags=TAGS, response_schema="DeadlineList")
def list_deadlines():
    """The upcoming and overdue deadlines of your organisation in the operations under way; for the organisers
    of an operation also their participants' deadlines, with the organisations that have not met them
    (`missing`). `overdue`: not met and due before today in the operation's time zone."""
    mine = deadlines_for_user(current_user)
    items = [deadline_json(my) for items in mine.values() for my in items]
    items.sort(key=lambda d: (d["due"], d["operation"]["reference"] if d["operation"] else ""))
    annual = [{"year": year, "due": due.isoformat(),
               "reminders": [{"due_at": r.due_at.isoformat(), "days_before": r.days_before, "outcome": r.outcome}
                             for r in annual_reminders(year)]}
              for year, due in annual_report_deadlines(current_user)]
    return jsonify({"items": items, "annual_reports": annual})


@endpoint("/calendar/<int:year>", summary="The year calendar", tags=TAGS, response_schema="Calendar", errors=(404,))
def get_calendar(year):
    """The operations of the year you may see, each with the phases you may see (members and oversight: every
    phase; invited organisations and observers: the operational phase). Coordinators and the secretariat also get
    the programme checks of item 29 (`checks`)."""
    if not 1990 <= year <= 2100:
        raise NotFound("No such year.")
    calendar = calendar_year(current_user, year, with_programme=has_permission(current_user, "programme.view"))
    return jsonify(calendar_json(calendar))


@endpoint("/operations/<int:operation_id>/calendar.ics", summary="The schedule as iCalendar", tags=TAGS,
          errors=(404,))
def get_operation_ics(operation_id):
    """An iCalendar file (text/calendar) with the operation's phases and deadlines as all-day events, for those
    who see the operation's schedule."""
    from planner.scheduling.views import ics_response, operation_ics_body

    operation, access = get_schedule_for_viewing(current_user, operation_id)
    return ics_response(operation_ics_body(operation, access), f"{operation.reference}.ics")


# --- OpenAPI components of this module ------------------------------------------------------------------------

_DATE = {"type": "string", "format": "date"}
_PHASE = {"type": "object", "required": ["kind", "start"], "additionalProperties": False, "properties": {
    "kind": {"type": "string", "enum": PhaseKind.codes()},
    "start": {**_DATE, "description": "The first day (or the date of a one-day phase)."},
    "end": {**_DATE, "description": "The last day; required for preparation, operational and post-operational."},
    "place": {"type": ["string", "null"], "maxLength": 200}}}
SCHEMAS.update({
    "Phase": _PHASE,
    "Schedule": {"type": "object", "properties": {
        "operation": {"type": "object"},
        "phases": {"type": "array", "items": {"$ref": "#/components/schemas/Phase"}},
        "reporting_frequency": {"type": "string", "enum": ReportingFrequency.codes()},
        "version": {"type": "integer", "description": "0 before the schedule was first edited."},
        "editable": {"type": "boolean"},
        "proposed_respond_by": {"type": ["string", "null"], "format": "date",
                                "description": "The answer date the schedule proposes for new invitations."}}},
    "ScheduleUpdate": {"type": "object", "required": ["phases"], "additionalProperties": False, "properties": {
        "phases": {"type": "array", "items": {"$ref": "#/components/schemas/Phase"}},
        "reporting_frequency": {"type": "string", "enum": ReportingFrequency.codes()},
        "confirm_outside_year": {"type": "boolean", "default": False},
        "version": {"type": "integer"}}},
    "Deadline": {"type": "object", "properties": {
        "kind": {"type": "string"}, "label": {"type": "string"}, "due": _DATE, "overdue": {"type": "boolean"},
        "operation": {"type": ["object", "null"]},
        "organisations": {"type": "array", "items": {"type": "string"}},
        "own_status": {"type": ["string", "null"], "enum": ["met", "missing", "open", None]},
        "missing": {"type": "array", "items": {"type": "string"}},
        "note": {"type": "string"}}},
    "DeadlineList": {"type": "object", "properties": {
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Deadline"}},
        "annual_reports": {"type": "array", "items": {"type": "object", "properties": {
            "year": {"type": "integer"}, "due": _DATE,
            "reminders": {"type": "array", "items": {"type": "object"}}}}}}},
    "Calendar": {"type": "object", "properties": {
        "year": {"type": "integer"}, "operations": {"type": "array", "items": {"type": "object"}},
        "checks": {"type": "object"}}},
})


@endpoint("/calendar/feed", methods=("POST",), summary="Make a new calendar feed address", tags=TAGS,
          request_schema="CalendarFeedNew", response_schema="CalendarFeed", status=201, request_example={})
def post_calendar_feed():
    """A new secret address of your iCalendar feed (the phases of your operations and your deadlines). It is shown
    only in this answer: only a hash of its secret is stored. Any earlier address stops working."""
    from flask import url_for

    from planner.scheduling.services import regenerate_feed_token

    if request.get_data(cache=True):
        reject_unknown_fields(json_body(), set())
    token = regenerate_feed_token(current_user)
    return jsonify({"url": url_for("scheduling.feed", token=token, _external=True)}), 201


# --- reminders ------------------------------------------------------------------------------------------------

def _reminders_answer(operation):
    deadlines = remindable_deadlines(operation)
    return {"items": [reminder_json(r, deadlines) for r in reminders_of(operation)],
            "deadlines": [{"key": key, "kind": d.kind.value, "label": str(d.label), "due": d.due.isoformat(),
                           "outstanding": [org.code for org in outstanding(d)]} for key, d in deadlines.items()]}


def _reminders_operation(operation_id):
    return get_reminders_for_viewing(current_user, operation_id)


@endpoint("/operations/<int:operation_id>/reminders", summary="The reminders of an operation", tags=TAGS,
          response_schema="ReminderList", errors=(404,))
def list_reminders(operation_id):
    """The organisers of the operation (lead and co-organisers) and the oversight. Each reminder with when it
    goes out (`due_at`, UTC), whether it went (`outcome`, `handled_at`) and to which organisations
    (`recipients`); a planned one also says to whom it would go now (`would_go_to`). `deadlines` lists the
    deadlines a reminder can be about, with the organisations that have not met them."""
    operation, _access = _reminders_operation(operation_id)
    return jsonify(_reminders_answer(operation))


@endpoint("/operations/<int:operation_id>/reminders", methods=("POST",), summary="Add a reminder", tags=TAGS,
          request_schema="ReminderNew", response_schema="Reminder", status=201, errors=(404, 409),
          request_example={"deadline": "nominations", "days_before": 3, "message": "Please nominate."})
def post_reminder(operation_id):
    """Coordinators of the lead and co-organisers. The reminder goes out `days_before` the deadline (negative:
    after it) at 08:00 in the operation's time zone, to those who have not met the deadline by then, and moves
    with the deadline."""
    operation, _access = _reminders_operation(operation_id)
    data = json_body()
    row = add_reminder(current_user, operation, data)
    return jsonify(reminder_json(row)), 201


@endpoint("/operations/<int:operation_id>/reminders/send", methods=("POST",), summary="Send a reminder now",
          tags=TAGS, request_schema="ReminderNow", response_schema="Reminder", status=201, errors=(404, 409),
          request_example={"deadline": "nominations"})
def send_reminder(operation_id):
    """Coordinators of the lead and co-organisers: a reminder of `deadline` goes out at once to the
    organisations that have not met it (422 when everybody has)."""
    operation, _access = _reminders_operation(operation_id)
    data = json_body()
    row = send_reminder_now(current_user, operation, data)
    return jsonify(reminder_json(row)), 201


@endpoint("/operations/<int:operation_id>/reminders/<int:reminder_id>", methods=("DELETE",),
          summary="Remove a planned reminder", tags=TAGS, response_schema="Reminder", errors=(404, 409))
def delete_reminder(operation_id, reminder_id):
    """Coordinators of the lead and co-organisers remove a reminder that has not gone out (it is kept,
    cancelled); one that went out stays (409)."""
    operation, _access = _reminders_operation(operation_id)
    row = remove_reminder(current_user, operation, reminder_id)
    return jsonify(reminder_json(row))


_REMINDER = {"type": "object", "properties": {
    "id": {"type": "integer"}, "deadline": {"type": "string"}, "deadline_kind": {"type": "string"},
    "deadline_due": _DATE, "days_before": {"type": ["integer", "null"]},
    "due_at": {"type": "string", "format": "date-time"}, "origin": {"type": "string", "enum": ReminderOrigin.codes()},
    "message": {"type": ["string", "null"]}, "handled_at": {"type": ["string", "null"], "format": "date-time"},
    "outcome": {"type": ["string", "null"], "enum": ReminderOutcome.codes() + [None]},
    "recipients": {"type": "array", "items": {"type": "string"}}, "recipient_count": {"type": "integer"},
    "would_go_to": {"type": "array", "items": {"type": "string"}}}}
SCHEMAS.update({
    "CalendarFeed": {"type": "object", "properties": {"url": {"type": "string", "format": "uri"}}},
    "CalendarFeedNew": {"type": "object", "additionalProperties": False, "properties": {},
                        "description": "No fields: an empty body or none."},
    "Reminder": _REMINDER,
    "ReminderList": {"type": "object", "properties": {
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Reminder"}},
        "deadlines": {"type": "array", "items": {"type": "object"}}}},
    "ReminderNew": {"type": "object", "required": ["deadline", "days_before"], "additionalProperties": False,
                    "properties": {"deadline": {"type": "string"},
                                   "days_before": {"type": "integer", "minimum": -60, "maximum": 365},
                                   "message": {"type": ["string", "null"], "maxLength": 1000}}},
    "ReminderNow": {"type": "object", "required": ["deadline"], "additionalProperties": False,
                    "properties": {"deadline": {"type": "string"},
                                   "message": {"type": ["string", "null"], "maxLength": 1000}}},
})
