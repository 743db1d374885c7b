"""The controls page: what each administration controlled, per day and location, and the form to record a day."""
from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from planner.core.errors import FieldErrors, PlannerError, ValidationError
from planner.core.permissions import requires
from planner.core.versions import require_version
from planner.extensions import db
from planner.operations.views import operation_page
from planner.results.controls import create_controls, withdraw_control
from planner.results.figures import control_summary
from planner.results.forms import ActionForm, WithdrawForm, field_label
from planner.results.models import ControlRecord, RecordStatus
from planner.results.queries import get_visible_control, may_edit_record, may_report, visible_controls
from planner.results.views import _load, bp
from planner.vocab.codes import SelectionBasis, TransportMode

PER_PAGE = 100
SHARING = ("share_with_eu_member_states", "share_with_third_countries", "share_with_agencies", "public_statistics")


def list_filters():
    """The record list's filters from the query string (the report figures link here with them): {column: code},
    and the problems of values that are not known (named, and the filter ignored)."""
    filters, problems = {}, []
    for key, label, allowed in (("selection_basis", _("Selection basis"), SelectionBasis.codes()),
                                ("transport_mode", _("Transport mode"), TransportMode.codes()),
                                ("status", _("Status"), RecordStatus.codes())):
        value = request.args.get(key, "")
        if value and value not in allowed:
            problems.append(_("%(field)s: “%(value)s” is not a known value.", field=label, value=value[:30]))
        elif value:
            filters[key] = value
    return filters, problems


def _page(operation, access, values=None, errors=None, message=None, status=200):
    page = request.args.get("page", "1")
    page = int(page) if page.isascii() and page.isdigit() and 0 < len(page) < 7 else 1
    filters, filter_problems = list_filters()
    stmt = visible_controls(access).where(*(getattr(ControlRecord, k) == v for k, v in filters.items()))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.session.scalars(stmt.order_by(ControlRecord.control_date.desc(), ControlRecord.id.desc())
                              .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    participation = operation.participation_of(current_user.organisation_id)
    if values is None and participation is not None:
        values = {k: getattr(participation, k) for k in SHARING if hasattr(participation, k)}
    return operation_page(
        "results/controls.html", operation, access, tab="results", rows=rows, total=total, page=page,
        pages=max(1, -(-total // PER_PAGE)), controls=control_summary(access), may_report=may_report(access),
        may_edit=lambda r: may_edit_record(access, r), values=values or {}, errors=errors or {}, message=message,
        modes=TransportMode.choices(), bases=SelectionBasis.choices(), form=ActionForm(), field_label=field_label,
        withdraw_form=WithdrawForm(), filters=filters, filter_problems=filter_problems,
    ), status


def controls_from_form(form):
    """One control record per filled cell of the grid (transport mode × selection basis)."""
    common = {"date": form.get("date", "").strip(), "location": form.get("location", "").strip(),
              "location_code": form.get("location_code", "").strip() or None}
    for key in SHARING:
        common[key] = form.get(key) == "y"
    records, cells = [], []
    for mode in TransportMode.codes():
        for basis in SelectionBasis.codes():
            made = form.get(f"counts.{mode}.{basis}.controls", "").strip()
            hits = form.get(f"counts.{mode}.{basis}.hits", "").strip()
            if made or hits:
                records.append({**common, "transport_mode": mode, "selection_basis": basis,
                                "controls": made or None, "hits": hits or 0})
                cells.append(f"counts.{mode}.{basis}")
    return records, cells


@bp.route("/operations/<int:operation_id>/controls", methods=["GET", "POST"])
@requires("authenticated")
def controls(operation_id):
    operation, access = _load(operation_id)
    if request.method == "GET":
        return _page(operation, access)
    if not may_report(access):
        abort(403)
    ActionForm().validate_on_submit() or abort(400)
    records, cells = controls_from_form(request.form)
    try:
        if not records:
            raise ValidationError(_("Give the number of controls for at least one transport mode and basis."),
                                  {"counts": [_("Fill in at least one cell of the table.")]})
        result = create_controls(current_user, operation, records)
        db.session.commit()
    except PlannerError as exc:
        db.session.rollback()
        errors = FieldErrors()
        for key, messages in exc.errors.items():
            head, _sep, rest = key.partition(".")
            if head == "controls" and rest:
                index, _sep, field = rest.partition(".")
                cell = cells[int(index)] if index.isdigit() and int(index) < len(cells) else "counts"
                target = f"{cell}.{field}" if field in ("controls", "hits") else field
            else:
                target = key
            for m in messages:
                errors.add(target, m)
        values = {k: v for k, v in request.form.items() if k != "csrf_token"}
        for key in SHARING:
            values[key] = request.form.get(key) == "y"
        return _page(operation, access, values, errors.errors, exc.message, exc.status)
    flash(_("%(n)d control records saved.", n=len(result.created)), "success")
    return redirect(url_for("results.controls", operation_id=operation.id))


@bp.route("/operations/<int:operation_id>/controls/<int:control_id>/withdraw", methods=["POST"])
@requires("authenticated")
def withdraw_controls(operation_id, control_id):
    operation, access = _load(operation_id)
    record = get_visible_control(access, control_id)
    form = WithdrawForm()
    form.validate_on_submit() or abort(400)
    try:
        withdraw_control(current_user, record, form.reason.data, require_version(form.version.data))
        db.session.commit()
        flash(_("Control record withdrawn."), "success")
    except PlannerError as exc:
        db.session.rollback()
        flash(" ".join([exc.message] + sum(exc.errors.values(), [])), "danger")
    return redirect(url_for("results.controls", operation_id=operation.id))
