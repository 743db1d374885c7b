"""The page on which the secretariat (and admins) record an operation of an earlier year. Thin: one service call,
commit, then on to the import of its results."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from planner.core.clock import utcnow
from planner.core.errors import PlannerError
from planner.core.permissions import requires
from planner.extensions import db
from planner.organisations.models import Organisation, OrganisationKind
from planner.past_operations.forms import PastOperationForm
from planner.past_operations.services import record_past_operation
from planner.results.queries import may_import_past_results
from planner.vocab.codes import COMMODITY_CATEGORY, TransportMode
from planner.vocab.queries import choices

bp = Blueprint("past_operations", __name__)


@bp.app_context_processor
def past_operation_helpers():
    return {"may_import_past_results": may_import_past_results}


def _organisation_choices():
    """Every organisation but the secretariat, inactive ones included (they may have taken part back then)."""
    rows = db.session.scalars(select(Organisation).where(Organisation.kind != OrganisationKind.SECRETARIAT.value)
                              .order_by(Organisation.kind, Organisation.code))
    return [(o.code, f"{o.code} – {o.name}") for o in rows]


def _fill_choices(form):
    organisations = _organisation_choices()
    form.lead.choices = [("", _("Choose the lead administration"))] + organisations
    form.participants.choices = organisations
    form.observers.choices = organisations
    form.targeted_goods.choices = choices(COMMODITY_CATEGORY)
    form.transport_sectors.choices = TransportMode.choices()


@bp.route("/operations/past/new", methods=["GET", "POST"])
@requires("operations.record_past")
def new():
    form = PastOperationForm()
    _fill_choices(form)
    if request.method == "GET":
        form.year.data = str(utcnow().year - 1)
    message, errors, status = None, {}, 200
    if form.validate_on_submit():
        try:
            operation = record_past_operation(current_user, form.data_for_service())
        except PlannerError as exc:
            db.session.rollback()
            message, errors, status = exc.message, exc.errors, exc.status
        else:
            db.session.commit()
            flash(_("%(ref)s %(code)s is recorded as a closed operation of %(year)d. Import its results below, "
                    "naming each row's administration.", ref=operation.reference, code=operation.code_name,
                    year=operation.year), "success")
            return redirect(url_for("results.import_page", operation_id=operation.id))
    elif form.errors:
        message, errors, status = _("The data is not valid."), form.errors, 422
    labels = {name: str(getattr(form, name).label.text) for name in PastOperationForm.FIELDS}
    return render_template("past_operations/form.html", form=form, message=message, errors=errors,
                           labels=labels), status
