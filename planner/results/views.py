"""Pages of the Results tab: the live operation page, seizures (list, quick and full forms, record, edit,
withdraw, comments, xlsx export) and controls. Thin: load-or-404/403, one service call, redirect."""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from planner.core.clock import utcnow
from planner.core.errors import PlannerError
from planner.core.permissions import requires
from planner.core.spreadsheets import XLSX_MIMETYPE
from planner.core.versions import require_version
from planner.extensions import db
from planner.operations.queries import get_visible_operation
from planner.operations.tabs import register_tab
from planner.operations.views import operation_page
from planner.organisations.models import Organisation
from planner.results import forms as seizure_forms
from planner.results.forms import ActionForm, CommentForm, WithdrawForm
from planner.results.models import (
    CONVEYANCE_FIELDS, OffenderRole, RecordStatus, RouteRole, SeizureComment,
)
from planner.results.queries import (
    SEIZURE_SORTS, breakdown_filters, get_visible_seizure, may_comment, may_edit_record, may_report, seizure_page,
    sees_results,
)
from planner.results.serialization import seizure_json, seizure_phase
from planner.results.services import (
    comment_on_seizure, create_seizure, resolve_comment, update_seizure, withdraw_seizure,
)
from planner.vocab.codes import CONCEALMENT_METHOD, DetectionMethod, LocationType, TransportMode
from planner.vocab.countries import country_choices
from planner.vocab.queries import choices, commodity_tree
from planner.vocab.units import unit_choices

bp = Blueprint("results", __name__)

register_tab("results", _l("Results"), "results.live_page", 60, sees_results)

PER_PAGE = 50


def _load(operation_id):
    operation, access = get_visible_operation(current_user, operation_id)
    if not sees_results(access):
        abort(403)
    return operation, access


def _zone(operation):
    return ZoneInfo(operation.time_zone or "Europe/Brussels")


def _vocabularies():
    return {
        "countries": country_choices(), "location_types": LocationType.choices(),
        "detection_methods": DetectionMethod.choices(), "transport_modes": TransportMode.choices(),
        "units": unit_choices(), "commodities": commodity_tree(), "concealments": choices(CONCEALMENT_METHOD),
        "route_roles": RouteRole.choices(), "offender_roles": OffenderRole.choices(),
        "conveyance_fields": CONVEYANCE_FIELDS,
        "field_label": seizure_forms.field_label,
    }


# --- the list ------------------------------------------------------------------------------------------------

def _list_filters(operation, errors):
    """The list's filters from the query string; a bad value is named in `errors` and ignored."""
    args = request.args
    filters = {}
    org = args.get("organisation", "").strip().upper()
    if org:
        found = db.session.scalar(select(Organisation.id).where(Organisation.code == org))
        if found is None:
            errors.append(_("Organisation: “%(code)s” is not known.", code=org[:20]))
        filters["organisation_id"] = found or -1
    for key, allowed in (("status", RecordStatus.codes()), ("transport_mode", TransportMode.codes()),
                         ("detection_method", DetectionMethod.codes())):
        value = args.get(key, "")
        if value and value not in allowed:
            errors.append(_("%(field)s: “%(value)s” is not a known value.", field=key, value=value[:30]))
        elif value:
            filters[key] = value
    if args.get("category"):
        filters["category"] = args["category"][:60]
    extra, problems = breakdown_filters(args)  # the filters a report's figures link with
    filters.update(extra)
    errors.extend(_("%(field)s: %(problem)s", field=key, problem=problem) for key, problem in problems)
    zone = _zone(operation)
    for key, shift in (("date_from", 0), ("date_to", 1)):
        raw = args.get(key, "")
        if raw:
            try:
                day = datetime.fromisoformat(raw).date()
                filters[key] = datetime.combine(day + timedelta(days=shift), time(0), zone)
            except ValueError:
                errors.append(_("%(field)s: give a date as YYYY-MM-DD.", field=key))
    if args.get("q"):
        filters["q"] = args["q"].strip()[:100]
    return filters


@bp.route("/operations/<int:operation_id>/seizures")
@requires("authenticated")
def seizures(operation_id):
    operation, access = _load(operation_id)
    errors = []
    filters = _list_filters(operation, errors)
    sort = request.args.get("sort", "-seized_at")
    if sort.lstrip("-") not in SEIZURE_SORTS:
        sort = "-seized_at"
    page = request.args.get("page", "1")
    page = int(page) if page.isascii() and page.isdigit() and 0 < len(page) < 7 else 1
    rows, total = seizure_page(access, filters, sort, page, PER_PAGE)
    organisations = [p.organisation for p in operation.participations if p.status == "accepted"]
    return operation_page(
        "results/seizures.html", operation, access, tab="results", rows=rows, total=total, page=page,
        pages=max(1, -(-total // PER_PAGE)), sort=sort, filter_errors=errors, args=request.args,
        organisations=organisations, may_report=may_report(access), zone=_zone(operation), phase=seizure_phase,
        **_vocabularies(),
    )


@bp.route("/operations/<int:operation_id>/seizures.xlsx")
@requires("authenticated")
def seizures_xlsx(operation_id):
    """Every visible seizure of the list's filters, one row per quantity (need-to-know as on the page)."""
    from planner.results.exports import seizures_workbook

    operation, access = _load(operation_id)
    filters = _list_filters(operation, [])
    sort = request.args.get("sort", "-seized_at")
    data = seizures_workbook(operation, access, filters, sort if sort.lstrip("-") in SEIZURE_SORTS else "-seized_at")
    return Response(data, mimetype=XLSX_MIMETYPE, headers={
        "Content-Disposition": f'attachment; filename="{operation.reference}-seizures.xlsx"'})


# --- one record ----------------------------------------------------------------------------------------------

@bp.route("/operations/<int:operation_id>/seizures/<int:seizure_id>")
@requires("authenticated")
def seizure(operation_id, seizure_id):
    operation, access = _load(operation_id)
    record = get_visible_seizure(access, seizure_id)
    comments = db.session.scalars(select(SeizureComment).where(SeizureComment.seizure_id == record.id)
                                  .order_by(SeizureComment.id)).all()
    return operation_page(
        "results/seizure.html", operation, access, tab="results", seizure=record, comments=comments,
        may_edit=may_edit_record(access, record), may_comment=may_comment(access, record),
        withdraw_form=WithdrawForm(), comment_form=CommentForm(), action_form=ActionForm(),
        zone=_zone(operation), phase=seizure_phase(record), cited_warning=_cited_warning(access, record.warning_id),
        **_attachments_context(access, record),
        **_vocabularies(),
    )


def _cited_warning(access, warning_id):
    """The warning a seizure cites, when this user may see it (others do not learn that it exists)."""
    from planner.core.errors import NotFound
    from planner.messages.queries import get_visible_warning

    if not warning_id:
        return None
    try:
        return get_visible_warning(access, int(warning_id))
    except (NotFound, ValueError):
        return None


def _attachments_context(access, record):
    """The attachments section, when that capability is installed (planner.results.attachments)."""
    try:
        from planner.results.attachments import seizure_attachments_context
    except ImportError:
        return {}
    return seizure_attachments_context(access, record)


def _form_page(operation, access, quick, values, errors, message=None, record=None, status=200):
    return operation_page(
        "results/seizure_form.html", operation, access, tab="results", quick=quick, values=values,
        errors=errors, message=message, seizure=record, form=ActionForm(),
        form_rows=seizure_forms.form_rows(values),
        cited_warning=_cited_warning(access, values.get("warning_id")), **_vocabularies(),
    ), status


@bp.route("/operations/<int:operation_id>/seizures/new", methods=["GET", "POST"])
@requires("authenticated")
def new_seizure(operation_id):
    operation, access = _load(operation_id)
    if not may_report(access):
        abort(403)
    quick = request.values.get("quick") == "1"
    if request.method == "POST":
        ActionForm().validate_on_submit() or abort(400)
        data = seizure_forms.seizure_from_form(request.form, quick=quick)
        try:
            record = create_seizure(current_user, operation, data)
            db.session.commit()
        except PlannerError as exc:
            db.session.rollback()
            return _form_page(operation, access, quick, seizure_forms.values_from_post(request.form), exc.errors,
                              exc.message, status=exc.status)
        flash(_("Seizure %(ref)s recorded.", ref=record.national_reference), "success")
        return redirect(url_for("results.seizure", operation_id=operation.id, seizure_id=record.id))
    now = utcnow().astimezone(_zone(operation))
    participation = operation.participation_of(current_user.organisation_id)
    values = {"seized_date": now.date().isoformat(), "seized_time": now.strftime("%H:%M"),
              "country": current_user.organisation.country or "", "warning_id": request.args.get("warning", ""),
              "share_with_eu_member_states": participation.share_with_eu_member_states,
              "share_with_third_countries": participation.share_with_third_countries,
              "share_with_agencies": participation.share_with_agencies}
    return _form_page(operation, access, quick, values, {})


@bp.route("/operations/<int:operation_id>/seizures/<int:seizure_id>/edit", methods=["GET", "POST"])
@requires("authenticated")
def edit_seizure(operation_id, seizure_id):
    operation, access = _load(operation_id)
    record = get_visible_seizure(access, seizure_id)
    if not may_edit_record(access, record):
        abort(403)
    if request.method == "POST":
        ActionForm().validate_on_submit() or abort(400)
        data = seizure_forms.seizure_from_form(request.form)
        if record.status == RecordStatus.SUBMITTED.value:
            data["status"] = "submitted"
        try:
            update_seizure(current_user, record, data, request.form.get("version"))
            db.session.commit()
        except PlannerError as exc:
            db.session.rollback()
            values = seizure_forms.values_from_post(request.form)
            return _form_page(operation, access, False, values, exc.errors, exc.message, record, exc.status)
        flash(_("Seizure %(ref)s saved.", ref=record.national_reference), "success")
        return redirect(url_for("results.seizure", operation_id=operation.id, seizure_id=record.id))
    values = seizure_forms.form_values(seizure_json(record, for_edit=True), _zone(operation))
    values["version"] = record.version
    return _form_page(operation, access, False, values, {}, record=record)


@bp.route("/operations/<int:operation_id>/seizures/<int:seizure_id>/withdraw", methods=["POST"])
@requires("authenticated")
def withdraw(operation_id, seizure_id):
    operation, access = _load(operation_id)
    record = get_visible_seizure(access, seizure_id)
    form = WithdrawForm()
    form.validate_on_submit() or abort(400)
    try:
        withdraw_seizure(current_user, record, form.reason.data, require_version(form.version.data))
        db.session.commit()
        flash(_("Seizure %(ref)s withdrawn.", ref=record.national_reference), "success")
    except PlannerError as exc:
        db.session.rollback()
        flash(_("Not withdrawn: %(why)s", why=" ".join([exc.message] + sum(exc.errors.values(), []))), "danger")
    return redirect(url_for("results.seizure", operation_id=operation.id, seizure_id=record.id))


@bp.route("/operations/<int:operation_id>/seizures/<int:seizure_id>/comments", methods=["POST"])
@requires("authenticated")
def comment(operation_id, seizure_id):
    operation, access = _load(operation_id)
    record = get_visible_seizure(access, seizure_id)
    form = CommentForm()
    form.validate_on_submit() or abort(400)
    try:
        comment_on_seizure(current_user, record, form.body.data, flags_error=request.form.get("flags_error") == "y")
        db.session.commit()
        flash(_("Comment added."), "success")
    except PlannerError as exc:
        db.session.rollback()
        flash(_("Not added: %(why)s", why=" ".join([exc.message] + sum(exc.errors.values(), []))), "danger")
    return redirect(url_for("results.seizure", operation_id=operation.id, seizure_id=record.id) + "#comments")


@bp.route("/operations/<int:operation_id>/seizures/<int:seizure_id>/comments/<int:comment_id>/resolve",
          methods=["POST"])
@requires("authenticated")
def resolve(operation_id, seizure_id, comment_id):
    operation, access = _load(operation_id)
    record = get_visible_seizure(access, seizure_id)
    ActionForm().validate_on_submit() or abort(400)
    if not 0 < comment_id < 2**31:
        abort(404)
    found = db.session.scalar(select(SeizureComment).where(SeizureComment.id == comment_id,
                                                           SeizureComment.seizure_id == record.id))
    if found is None:
        abort(404)
    try:
        resolve_comment(current_user, found)
        db.session.commit()
    except PlannerError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    return redirect(url_for("results.seizure", operation_id=operation.id, seizure_id=record.id) + "#comments")


# Controls and the live page live in their own modules; the capabilities built beside them register their routes
# on this blueprint when imported.
import planner.results.control_views  # noqa: E402,F401
import planner.results.live_views  # noqa: E402,F401
import planner.results.attachment_views  # noqa: E402,F401
import planner.results.import_views  # noqa: E402,F401
import planner.results.catalogue_views  # noqa: E402,F401
