"""The live operation page (the Results tab): seizures per day, per commodity and per participant, warnings
awaiting feedback, controls and hit rate so far; and the coordinators' results embargo."""
from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from planner.core.errors import PlannerError
from planner.core.permissions import requires
from planner.extensions import db
from planner.operations.views import operation_page
from planner.results import live
from planner.results.figures import control_summary
from planner.results.forms import EmbargoForm
from planner.results.queries import may_report
from planner.results.views import _load, bp
from planner.vocab.codes import COMMODITY_CATEGORY
from planner.vocab.queries import label_of


def _awaiting_feedback(access):
    """The warnings this user sees that still wait for an addressee's feedback (None: not a member)."""
    from sqlalchemy import func, select

    from planner.messages.models import WarningMessage
    from planner.messages.queries import awaiting_any, sees_messages, warning_scope

    if not sees_messages(access):
        return None
    return db.session.scalar(awaiting_any(select(func.count(WarningMessage.id)).where(warning_scope(access))))


@bp.route("/operations/<int:operation_id>/results")
@requires("authenticated")
def live_page(operation_id):
    operation, access = _load(operation_id)
    commodities = live.totals_per_commodity(access)
    per_category = live.seizures_per_category(access)
    categories = {t.category for t in commodities} | {c for c, _n in per_category}
    labels = {c: label_of(COMMODITY_CATEGORY, c) for c in categories}
    per_participant = live.seizures_per_participant(access)
    return operation_page(
        "results/live.html", operation, access, tab="results", per_day=live.seizures_per_day(access),
        commodities=commodities, category_labels=labels, per_participant=per_participant,
        participant_chart=[(code, n) for code, n, _arrests in per_participant],
        category_chart=[(labels[c], n) for c, n in per_category],
        credited=live.warnings_leading_to_seizures(access),
        totals=live.seizure_totals(access), awaiting=_awaiting_feedback(access),
        controls=control_summary(access), may_report=may_report(access), embargo_form=EmbargoForm(),
    )


@bp.route("/operations/<int:operation_id>/results/embargo", methods=["POST"])
@requires("authenticated")
def set_embargo(operation_id):
    from planner.results.services import set_results_embargo

    operation, access = _load(operation_id)
    if not access.coordinates:
        abort(403)
    form = EmbargoForm()
    form.validate_on_submit() or abort(400)
    try:
        set_results_embargo(current_user, operation, form.embargo_until.data or None)
        db.session.commit()
        flash(_("The results embargo is saved."), "success")
    except PlannerError as exc:
        db.session.rollback()
        flash(" ".join([exc.message] + sum(exc.errors.values(), [])), "danger")
    return redirect(url_for("results.live_page", operation_id=operation.id))
