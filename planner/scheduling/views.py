"""Pages of the schedule: the Schedule tab (phases, reporting frequency, deadlines), the year calendar, the
user's calendar feed and the per-operation iCalendar download. Thin: load-or-404/403, one service call,
redirect."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from planner.core.clock import utcnow
from planner.core.errors import PlannerError
from planner.core.permissions import has_permission, public, requires
from planner.extensions import db
from planner.operations.tabs import register_tab
from planner.operations.views import operation_page
from planner.scheduling import ical
from planner.scheduling.deadlines import (
    ACTIVE_STATES, STATUS_LABELS, DeadlineKind, annual_report_deadlines, deadlines_for_user, operation_deadlines,
    proposed_respond_by, sees_who_is_missing, visible_deadlines,
)
from planner.scheduling.forms import FeedForm, ReminderForm, ReminderRemoveForm, ScheduleForm
from planner.scheduling.models import PhaseKind, ReportingFrequency
from planner.scheduling.reminders import (
    add_reminder, outstanding, remindable_deadlines, reminders_of, remove_reminder, send_reminder_now,
)
from planner.scheduling.queries import (
    calendar_year, feed_phases, get_reminders_for_viewing, get_schedule_for_viewing,
)
from planner.scheduling.services import (
    MAX_PLACE, NEEDS_END, ONE_DAY, feed_of, feed_user, may_edit_schedule, phases_of, regenerate_feed_token,
    reporting_frequency, save_schedule, schedule_version,
)

bp = Blueprint("scheduling", __name__)

register_tab("schedule", _l("Schedule"), "scheduling.show", 40, lambda a: a.sees_full)

ICS_MIMETYPE = "text/calendar; charset=utf-8"


def deadline_rows(operation, access):
    """The operation's deadlines for the tab, result reporting days folded into one row."""
    rows, results = [], None
    for d in visible_deadlines(access, operation_deadlines(operation)):
        if d.kind is DeadlineKind.RESULTS:
            if results is None:
                results = {"label": d.label, "due": d.due, "dates": [], "note": d.note,
                           "organisations": [o.code for o in d.organisations], "status": _("not tracked yet")}
                rows.append(results)
            results["dates"].append(d.due)
            continue
        if sees_who_is_missing(access):
            missing = [o.code for o in d.missing]
            status = (_("missing: %(orgs)s", orgs=", ".join(missing)) if missing
                      else str(STATUS_LABELS["met"]) if d.is_met else str(STATUS_LABELS["open"]))
            orgs = [o.code for o in d.organisations]
        else:
            own = d.status_of(operation.participation_of(current_user.organisation_id).organisation) \
                if operation.participation_of(current_user.organisation_id) else None
            status = str(STATUS_LABELS.get(own, "")) if own else ""
            orgs = [o.code for o in d.organisations]
        rows.append({"label": d.label, "due": d.due, "dates": [d.due], "note": d.note, "organisations": orgs,
                     "status": status})
    return rows


def _form_phases():
    """The phase rows of the form, in kind order; a row without any date is left out. Returns (data, index→kind)."""
    items, kinds = [], []
    for kind in PhaseKind:
        start = (request.form.get(f"{kind.value}-start") or "").strip()
        end = (request.form.get(f"{kind.value}-end") or "").strip()
        place = (request.form.get(f"{kind.value}-place") or "").strip()
        if not start and not end and not place:
            continue
        item = {"kind": kind.value, "start": start or None}
        if end:
            item["end"] = end
        if place:
            item["place"] = place
        items.append(item)
        kinds.append(kind.value)
    return items, kinds


def _field_errors(errors, kinds):
    """Dotted errors (`phases.2.end`) keyed by the form's inputs (`operational-end`) as well."""
    mapped = {}
    for key, messages in errors.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "phases" and parts[1].isdigit() and int(parts[1]) < len(kinds):
            mapped[f"{kinds[int(parts[1])]}-{parts[2]}"] = messages
    return mapped


@bp.route("/operations/<int:operation_id>/schedule", methods=["GET", "POST"])
@requires("authenticated")
def show(operation_id):
    operation, access = get_schedule_for_viewing(current_user, operation_id)
    editable = may_edit_schedule(access)
    form = ScheduleForm()
    message, errors, field_errors, values = None, {}, {}, None
    if request.method == "POST":
        if not editable:
            abort(403)
        if not form.validate_on_submit():
            abort(400)
        items, kinds = _form_phases()
        data = {"phases": items, "confirm_outside_year": request.form.get("confirm_outside_year") == "y",
                "reporting_frequency": request.form.get("reporting_frequency") or None}
        try:
            save_schedule(current_user, operation, data, form.version.data)
        except PlannerError as exc:
            db.session.rollback()
            message, errors = exc.message, exc.errors
            field_errors = _field_errors(errors, kinds)
            values = {f"{i['kind']}-{k}": i.get(k) for i in items for k in ("start", "end", "place")}
            values["reporting_frequency"] = data["reporting_frequency"]
            values["confirm_outside_year"] = data["confirm_outside_year"]
            operation, access = get_schedule_for_viewing(current_user, operation_id)
            status = exc.status
        else:
            db.session.commit()
            flash(_("The schedule is saved."), "success")
            return redirect(url_for("scheduling.show", operation_id=operation.id))
    phases = phases_of(operation)
    if values is None:
        values = {"reporting_frequency": reporting_frequency(operation), "confirm_outside_year": False}
        for p in phases:
            values[f"{p.kind}-start"] = p.start_date.isoformat()
            values[f"{p.kind}-end"] = p.end_date.isoformat() if p.end_date else ""
            values[f"{p.kind}-place"] = p.place or ""
    form.version.data = schedule_version(operation)
    page = operation_page(
        "scheduling/schedule.html", operation, access, tab="schedule", phases=phases, editable=editable, form=form,
        message=message, errors=errors, field_errors=field_errors, values=values, kinds=list(PhaseKind),
        needs_end=NEEDS_END, one_day=ONE_DAY, max_place=MAX_PLACE, frequencies=list(ReportingFrequency),
        frequency=ReportingFrequency(reporting_frequency(operation)), deadlines=deadline_rows(operation, access),
        proposed_respond_by=proposed_respond_by(operation) if access.coordinates else None,
        shows_reminders=sees_who_is_missing(access),
    )
    return (page, status) if message else page


@bp.route("/operations/<int:operation_id>/calendar.ics")
@requires("authenticated")
def operation_ics(operation_id):
    operation, access = get_schedule_for_viewing(current_user, operation_id)
    return ics_response(operation_ics_body(operation, access), f"{operation.reference}.ics")


def operation_ics_body(operation, access):
    return ical.operation_calendar(operation, phases_of(operation),
                                   visible_deadlines(access, operation_deadlines(operation)),
                                   show_missing=sees_who_is_missing(access))


def ics_response(body, filename):
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


# --- the calendar ------------------------------------------------------------------------------------------------

@bp.route("/calendar")
@requires("authenticated")
def calendar_now():
    return redirect(url_for("scheduling.calendar", year=utcnow().year))


@bp.route("/calendar/<int:year>")
@requires("authenticated")
def calendar(year):
    if not 1990 <= year <= 2100:
        abort(404)
    cal = calendar_year(current_user, year, with_programme=has_permission(current_user, "programme.view"))
    return render_template("scheduling/calendar.html", calendar=cal, year=year,
                           phase_labels={k.value: k.label for k in PhaseKind})


# --- the user's calendar feed --------------------------------------------------------------------------------------

@bp.route("/calendar/feed", methods=["GET", "POST"])
@requires("authenticated")
def feed_page():
    form = FeedForm()
    url = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        token = regenerate_feed_token(current_user)
        db.session.commit()
        url = url_for("scheduling.feed", token=token, _external=True)
    return render_template("scheduling/feed.html", form=form, feed=feed_of(current_user), url=url)


@bp.route("/calendar/feed/<token>.ics")
@public
def feed(token):
    """The feed a calendar client polls: the secret in the address is the only credential; a wrong one is 404.
    Never audited (clients poll it every few minutes)."""
    user = feed_user(token)
    if user is None:
        abort(404)
    body = user_feed_body(user)
    db.session.rollback()
    return ics_response(body, "planner.ics")


def user_feed_body(user, now=None):
    return ical.user_feed(user, feed_phases(user), deadlines_for_user(user, now, include_past=True),
                          annual_report_deadlines(user, now))


# --- reminders ---------------------------------------------------------------------------------------------------

def _deadline_choices(operation):
    return [(key, f"{d.label} — {d.due.isoformat()}" + (f" ({d.organisations[0].code})"
                                                       if d.kind is DeadlineKind.INVITATION_ANSWER else ""))
            for key, d in remindable_deadlines(operation).items()]


@bp.route("/operations/<int:operation_id>/reminders", methods=["GET", "POST"])
@requires("authenticated")
def reminders(operation_id):
    operation, access = get_reminders_for_viewing(current_user, operation_id)
    form = ReminderForm()
    form.deadline.choices = _deadline_choices(operation)
    message, errors, status = None, {}, 200
    if request.method == "POST":
        if not access.coordinates:
            abort(403)
        if not form.validate_on_submit():
            abort(400)
        action = request.form.get("action")
        data = {"deadline": form.deadline.data, "message": form.message.data}
        try:
            if action == "send_now":
                row = send_reminder_now(current_user, operation, data)
                done = _("The reminder went to: %(orgs)s.", orgs=", ".join(row.recipient_codes))
            elif action == "add":
                data["days_before"] = form.days_before.data
                row = add_reminder(current_user, operation, data)
                done = _("The reminder will go out on %(when)s.", when=row.due_at.strftime("%Y-%m-%d %H:%M UTC"))
            else:
                abort(400)
        except PlannerError as exc:
            db.session.rollback()
            message, errors, status = exc.message, exc.errors, exc.status
            operation, access = get_reminders_for_viewing(current_user, operation_id)
        else:
            db.session.commit()
            flash(done, "success")
            return redirect(url_for("scheduling.reminders", operation_id=operation.id))
    deadlines = remindable_deadlines(operation)
    page = operation_page(
        "scheduling/reminders.html", operation, access, tab="schedule", rows=reminders_of(operation),
        deadlines=deadlines, outstanding=outstanding, form=form, remove_form=ReminderRemoveForm(),
        editable=access.coordinates and operation.state in ACTIVE_STATES, message=message, errors=errors,
    )
    return page, status


@bp.route("/operations/<int:operation_id>/reminders/<int:reminder_id>/remove", methods=["POST"])
@requires("authenticated")
def remove_reminder_page(operation_id, reminder_id):
    operation, access = get_reminders_for_viewing(current_user, operation_id)
    if not access.coordinates:
        abort(403)
    if not ReminderRemoveForm().validate_on_submit():
        abort(400)
    try:
        remove_reminder(current_user, operation, reminder_id)
    except PlannerError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("The reminder is removed."), "success")
    return redirect(url_for("scheduling.reminders", operation_id=operation.id))
