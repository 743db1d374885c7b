"""Pages of the Messages tab: warnings, their addressees' feedback, and what awaits an answer. Thin: load-or-404/403,
one service call, redirect. Who sees which warning is decided in planner.messages.queries."""
from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from planner.core.clock import utcnow
from planner.core.errors import PlannerError
from planner.core.permissions import requires
from planner.extensions import db
from planner.messages.forms import FeedbackForm, WarningForm
from planner.messages.models import FeedbackOutcome, ProfileType, Urgency
from planner.messages.queries import (
    FILTERS, addressable_participations, addressee_row, awaiting_feedback, get_visible_warning, may_answer, may_send,
    own_submitted_seizures, sees_feedback, sees_messages, visible_linked_seizures, visible_warnings, waited_label,
    waiting_hours,
)
from planner.messages.services import PROFILE_FIELDS, give_feedback, require_sender, send_warning
from planner.operations.queries import get_visible_operation
from planner.operations.tabs import register_tab
from planner.operations.views import operation_page
from planner.results.models import CONVEYANCE_COUNTRY_FIELDS, CONVEYANCE_FIELDS, RouteRole

bp = Blueprint("messages", __name__)

register_tab("messages", _l("Messages"), "messages.index", 50, visible=sees_messages)

PAGE_SIZE = 50
ROUTE_SLOTS = 4
MAX_ROUTE_ROWS = 20
URGENCY_CLASSES = {"routine": "bg-secondary", "urgent": "bg-warning text-dark", "immediate": "bg-danger"}
PROFILE_LABELS = {**CONVEYANCE_FIELDS, "description": _l("Description of the profile")}


def _load(operation_id):
    operation, access = get_visible_operation(current_user, operation_id)
    if not sees_messages(access):
        abort(403)
    return operation, access


def _labels():
    return {"urgency": dict(Urgency.choices()), "profile_type": dict(ProfileType.choices()),
            "outcome": dict(FeedbackOutcome.choices()), "route_role": dict(RouteRole.choices()),
            "profile": PROFILE_LABELS, "urgency_class": URGENCY_CLASSES}


@bp.route("/operations/<int:operation_id>/messages")
@requires("authenticated")
def index(operation_id):
    operation, access = _load(operation_id)
    show = request.args.get("show") if request.args.get("show") in FILTERS else "all"
    page = min(max(request.args.get("page", 1, type=int), 1), 100_000)
    stmt = visible_warnings(access, show)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    warnings = db.session.scalars(stmt.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    now = utcnow()
    return operation_page(
        "messages/index.html", operation, access, tab="messages", warnings=warnings, show=show, page=page,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1), total=total, may_send=may_send(access),
        awaiting=awaiting_feedback(access, now), labels=_labels(),
        sees_feedback=lambda warning, addressee: sees_feedback(access, warning, addressee),
        waited=lambda addressee: waited_label(waiting_hours(addressee, now)),
        age=lambda warning: waited_label(max(int((now - warning.created_at).total_seconds() // 3600), 0)),
    )


def _route_rows(form):
    """The route rows of the form in the API's shape, skipping empty ones, with the form slot of each row (so that
    an error lands beside the right inputs)."""
    raw_count = (form.get("route-count") or "").strip()
    count = min(int(raw_count) if raw_count.isascii() and raw_count.isdigit() and len(raw_count) < 4 else 0,
                MAX_ROUTE_ROWS)
    rows, slots = [], []
    for slot in range(count):
        row = {f: form.get(f"route-{slot}-{f}", "").strip() for f in ("country", "place", "role")}
        if any(row.values()):
            rows.append({k: v or None for k, v in row.items()})
            slots.append(slot)
    return rows, slots


def _errors_to_slots(errors, slots):
    """`route.1.country` (the second non-empty row) → `route.<its slot>.country`."""
    result = {}
    for key, messages in errors.items():
        parts = key.split(".")
        if (len(parts) >= 2 and parts[0] == "route" and parts[1].isascii() and parts[1].isdigit()
                and len(parts[1]) < 4 and int(parts[1]) < len(slots)):
            parts[1] = str(slots[int(parts[1])])
        result[".".join(parts)] = messages
    return result


@bp.route("/operations/<int:operation_id>/messages/new", methods=["GET", "POST"])
@requires("authenticated")
def new(operation_id):
    """Send a warning: a profile to one or more participants for control."""
    operation, access = _load(operation_id)
    require_sender(access)  # 403 with the reason (the state, or the role)
    form = WarningForm()
    form.addressees.choices = [(p.organisation.code, f"{p.organisation.code} – {p.organisation.name}")
                               for p in addressable_participations(operation, current_user.organisation_id)]
    profile = {key: request.form.get(f"profile-{key}", "") for key in PROFILE_FIELDS}
    route, slots = _route_rows(request.form)
    message, errors = None, {}
    if request.method == "POST" and form.validate_on_submit():
        data = {"subject": form.subject.data, "profile_type": form.profile_type.data or None,
                "urgency": form.urgency.data or None, "profile": {k: v for k, v in profile.items() if v.strip()},
                "route": route, "indicators": form.indicators.data, "details": form.details.data,
                "expected_at": form.expected_at.data or None, "addressees": form.addressees.data or []}
        try:
            warning = send_warning(current_user, operation, data)
        except PlannerError as exc:
            db.session.rollback()
            message, errors = exc.message, _errors_to_slots(exc.errors, slots)
        else:
            db.session.commit()
            flash(_("Warning %(ref)s sent to %(orgs)s.", ref=warning.reference,
                    orgs=", ".join(a.organisation.code for a in warning.addressees)), "success")
            return redirect(url_for("messages.warning", operation_id=operation.id, warning_id=warning.id))
    elif request.method == "POST":
        message, errors = _("The data is not valid."), form.errors
    route_values = [{} for _slot in range(max(ROUTE_SLOTS, (slots[-1] + 1) if slots else 0))]
    for row, slot in zip(route, slots):
        route_values[slot] = row
    return operation_page(
        "messages/new.html", operation, access, tab="messages", form=form, message=message, errors=errors,
        profile=profile,
        profile_fields=[(k, PROFILE_LABELS[k], k in CONVEYANCE_COUNTRY_FIELDS) for k in PROFILE_FIELDS],
        route_rows=route_values, route_roles=RouteRole.choices(),
    ), (422 if message else 200)


def _warning_page(operation, access, warning, form=None, message=None, errors=None):
    from planner.results.attachment_views import attachments_context

    now = utcnow()
    own = addressee_row(warning, current_user.organisation_id)
    answering = may_answer(access, warning)
    if answering and form is None:
        form = FeedbackForm()
        form.version.data = own.version
        if own.outcome is not None:
            form.outcome.data, form.feedback.data = own.outcome, own.feedback
            form.seizure_id.data = str(own.seizure_id) if own.seizure_id else ""
    seizures = visible_linked_seizures(access, [warning])
    if form is not None:
        form.seizure_id.choices = [("", _("(none)"))] + [
            (str(s.id), f"{s.national_reference} – {s.place} ({s.seized_at.strftime('%Y-%m-%d')})")
            for s in own_submitted_seizures(access)]
    return operation_page(
        "messages/show.html", operation, access, tab="messages", warning=warning, own=own,
        feedback_form=form if answering else None, message=message, errors=errors or {},
        seizures=seizures, attachments=attachments_context(access, warning),
        may_report_seizure=answering and own.outcome is None,
        labels=_labels(), waited=lambda addressee: waited_label(waiting_hours(addressee, now)),
        awaiting=awaiting_feedback(access, now, warning=warning),
        sees_feedback=lambda addressee: sees_feedback(access, warning, addressee),
    )


@bp.route("/operations/<int:operation_id>/messages/<int:warning_id>", endpoint="warning")
@requires("authenticated")
def show(operation_id, warning_id):
    operation, access = get_visible_operation(current_user, operation_id)  # then 404 for a warning not theirs
    warning = get_visible_warning(access, warning_id)
    return _warning_page(operation, access, warning)


@bp.route("/operations/<int:operation_id>/messages/<int:warning_id>/feedback", methods=["POST"])
@requires("authenticated")
def feedback(operation_id, warning_id):
    operation, access = get_visible_operation(current_user, operation_id)
    warning = get_visible_warning(access, warning_id)
    form = FeedbackForm()
    if not form.validate_on_submit():
        abort(400)
    data = {"outcome": form.outcome.data or None, "feedback": form.feedback.data,
            "seizure_id": form.seizure_id.data or None}
    try:
        give_feedback(current_user, warning, data, expected_version=form.version.data or None)
    except PlannerError as exc:
        db.session.rollback()
        operation, access = get_visible_operation(current_user, operation_id)
        warning = get_visible_warning(access, warning_id)
        return _warning_page(operation, access, warning, form=form, message=exc.message,
                             errors=exc.errors), exc.status
    db.session.commit()
    flash(_("Your feedback on %(ref)s is recorded.", ref=warning.reference), "success")
    return redirect(url_for("messages.warning", operation_id=operation.id, warning_id=warning.id))
