from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from planner.core.audit import AuditEntry
from planner.core.enums import Role
from planner.core.errors import PlannerError
from planner.core.permissions import requires
from planner.extensions import db
from planner.operations.forms import OperationForm, TransitionForm
from planner.operations.models import Operation, OperationState
from planner.operations.queries import (
    filter_operations, get_visible_operation, overview_fields, visible_history, visible_operations,
)
from planner.operations.tabs import tabs_for
from planner.operations.services import available_transitions, create_operation, take_transition, update_operation
from planner.organisations.models import Organisation, OrganisationKind
from planner.participants.models import Participation, ParticipationStatus

bp = Blueprint("operations", __name__)

PAGE_SIZE = 50


@bp.route("/")
@requires("authenticated")
def dashboard():
    stmt = visible_operations(current_user).where(
        Operation.state.notin_((OperationState.CLOSED.value, OperationState.REJECTED.value,
                                OperationState.CANCELLED.value))
    ).order_by(Operation.year.desc(), Operation.reference)
    operations = db.session.scalars(stmt).all()
    by_state = {}
    for op in operations:
        by_state.setdefault(op.state_enum, []).append(op)
    invitations = db.session.scalars(
        select(Participation).join(Operation).where(
            Participation.organisation_id == current_user.organisation_id,
            Participation.status == ParticipationStatus.INVITED.value,
        ).order_by(Participation.respond_by)
    ).all()
    awaiting_review = []
    if Role(current_user.role) is Role.SECRETARIAT:
        awaiting_review = db.session.scalars(
            select(Operation).where(Operation.state == OperationState.SUBMITTED.value).order_by(Operation.submitted_at)
        ).all()
    from planner.messages.queries import open_feedback_for
    from planner.scheduling.deadlines import annual_report_deadlines, deadlines_for_user

    return render_template("operations/dashboard.html", by_state=by_state, states=list(OperationState),
                           invitations=invitations, awaiting_review=awaiting_review,
                           open_warnings=open_feedback_for(current_user),
                           my_deadlines=deadlines_for_user(current_user),
                           annual_deadlines=annual_report_deadlines(current_user))


@bp.route("/operations")
@requires("authenticated")
def index():
    year = request.args.get("year", type=int)
    year = year if year is not None and 1990 <= year <= 2100 else None
    state = request.args.get("state") if request.args.get("state") in OperationState.codes() else None
    q = (request.args.get("q") or "").strip()[:60]
    sort = request.args.get("sort", "reference")
    order = {
        "reference": (Operation.year.desc(), Operation.sequence),
        "code_name": (Operation.code_name,),
        "state": (Operation.state, Operation.reference),
        "lead": (Organisation.code, Operation.reference),
    }.get(sort, (Operation.year.desc(), Operation.sequence))
    page = min(max(request.args.get("page", 1, type=int), 1), 100_000)
    stmt = filter_operations(visible_operations(current_user), year, state, q).join(
        Organisation, Organisation.id == Operation.lead_id)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    operations = db.session.scalars(stmt.order_by(*order).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    years = db.session.scalars(
        select(Operation.year).where(Operation.id.in_(visible_operations(current_user).with_only_columns(Operation.id)))
        .distinct().order_by(Operation.year.desc())
    ).all()
    return render_template("operations/index.html", operations=operations, total=total, page=page,
                           pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1), year=year, state=state, q=q,
                           sort=sort, years=years, states=list(OperationState))


def _lead_choices():
    stmt = select(Organisation).where(Organisation.is_active, Organisation.kind != OrganisationKind.SECRETARIAT.value)
    if Role(current_user.role) is not Role.ADMIN:
        stmt = stmt.where(Organisation.id == current_user.organisation_id)
    return [(o.code, f"{o.code} – {o.name}") for o in db.session.scalars(stmt.order_by(Organisation.code))]


def _co_organiser_choices():
    stmt = select(Organisation).where(Organisation.is_active, Organisation.kind != OrganisationKind.SECRETARIAT.value)
    return [(o.code, f"{o.code} – {o.name}") for o in db.session.scalars(stmt.order_by(Organisation.kind, Organisation.code))]


@bp.route("/operations/new", methods=["GET", "POST"])
@requires("operations.create")
def new():
    form = OperationForm()
    form.lead.choices = _lead_choices()
    form.co_organisers.choices = _co_organiser_choices()
    if request.method == "GET":
        form.lead.data = current_user.organisation.code
        from planner.core.clock import utcnow

        form.year.data = utcnow().year
    message, errors = None, {}
    if form.validate_on_submit():
        data = {
            "code_name": form.code_name.data, "year": form.year.data if form.year.data is not None else request.form.get("year"),
            "lead": form.lead.data, "co_organisers": form.co_organisers.data, "time_zone": form.time_zone.data,
            "handling_marking": form.handling_marking.data, "summary": form.summary.data,
        }
        try:
            operation = create_operation(current_user, data)
        except PlannerError as exc:
            db.session.rollback()
            message, errors = exc.message, exc.errors
        else:
            db.session.commit()
            flash(_("Operation %(ref)s %(code)s created.", ref=operation.reference, code=operation.code_name), "success")
            return redirect(url_for("operations.show", operation_id=operation.id))
    elif form.errors:
        message, errors = _("The data is not valid."), form.errors
    return render_template("operations/form.html", form=form, message=message, errors=errors, operation=None)


@bp.route("/operations/<int:operation_id>/edit", methods=["GET", "POST"])
@requires("authenticated")
def edit(operation_id):
    operation, access = get_visible_operation(current_user, operation_id)
    if not access.coordinates:
        abort(403)
    form = OperationForm(obj=None if request.method == "POST" else operation)
    del form.lead
    form.co_organisers.choices = _co_organiser_choices()
    if request.method == "GET":
        form.co_organisers.data = [o.code for o in operation.co_organisers]
        form.version.data = operation.version
    message, errors = None, {}
    if form.validate_on_submit():
        data = {
            "code_name": form.code_name.data, "year": form.year.data if form.year.data is not None else request.form.get("year"),
            "co_organisers": form.co_organisers.data, "time_zone": form.time_zone.data,
            "handling_marking": form.handling_marking.data, "summary": form.summary.data,
        }
        try:
            update_operation(current_user, operation, data, expected_version=form.version.data or None)
        except PlannerError as exc:
            db.session.rollback()
            message, errors = exc.message, exc.errors
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("operations.show", operation_id=operation.id))
    return render_template("operations/form.html", form=form, message=message, errors=errors, operation=operation)


def operation_page(template, operation, access, **context):
    """Render a tab of the operation page (other capabilities' views call this too)."""
    return render_template(
        template, operation=operation, access=access, transitions=available_transitions(current_user, operation),
        transition_form=TransitionForm(), tabs=tabs_for(operation, access),
        overview=overview_fields(operation, access), **context,
    )


@bp.route("/operations/<int:operation_id>")
@requires("authenticated")
def show(operation_id):
    operation, access = get_visible_operation(current_user, operation_id)
    return operation_page("operations/show.html", operation, access, tab="overview")


@bp.route("/operations/<int:operation_id>/history")
@requires("authenticated")
def history(operation_id):
    operation, access = get_visible_operation(current_user, operation_id)
    if not access.sees_history:
        abort(403)
    entries = db.session.scalars(
        visible_history(access).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    ).all()
    return operation_page("operations/history.html", operation, access, tab="history", entries=entries)


@bp.route("/operations/<int:operation_id>/transitions", methods=["POST"])
@requires("authenticated")
def transition(operation_id):
    operation, access = get_visible_operation(current_user, operation_id)
    form = TransitionForm()
    if not form.validate_on_submit():
        abort(400)
    action = form.action.data
    try:
        take_transition(current_user, operation, action, form.comment.data)
    except PlannerError as exc:
        db.session.rollback()
        status = exc.status
        operation, access = get_visible_operation(current_user, operation_id)
        return operation_page("operations/show.html", operation, access, tab="overview",
                     refused=exc.errors.get("conditions", []), refused_message=exc.message), status
    db.session.commit()
    flash(_("%(ref)s is now: %(state)s.", ref=operation.reference, state=operation.state_enum.label), "success")
    return redirect(url_for("operations.show", operation_id=operation.id))
