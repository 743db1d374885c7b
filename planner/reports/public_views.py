"""Pages of the public summaries (programme item 34): an operation's, as a tab of the operation page, and a
year's. Who generates them: an operation's, whoever sees the operation beyond its summary (its members and the
oversight); a year's, the secretariat, admins and coordinators (programme.view): it holds only public figures.
The page shows the dataset without a single link to records; the PDF is unmarked."""
from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from planner.core.audit import log_action
from planner.core.permissions import requires
from planner.extensions import db
from planner.operations.models import STARTED_STATES
from planner.operations.tabs import register_tab
from planner.operations.views import operation_page
from planner.reports.public_dataset import (
    generates_operation_summary, load_public_operation, public_operation_dataset, public_year_dataset,
)
from planner.reports.tables import display
from planner.reports.writers import dataset_pdf

bp = Blueprint("public_summaries", __name__)

FIRST_YEAR, LAST_YEAR = 1990, 2100  # the years an operation may have


def _shows_tab(access) -> bool:
    return generates_operation_summary(access) and access.operation.state in STARTED_STATES


register_tab("public_summary", _l("Public summary"), "public_summaries.operation_summary", 75, _shows_tab)


def no_link(_link):
    """Public summaries link to nothing: the records behind a public figure stay inside the planner."""
    return None


def check_year(year):
    if not FIRST_YEAR <= year <= LAST_YEAR:
        abort(404)


def pdf_response(body, filename):
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


def pdf_filename(dataset):
    return dataset.cover.number.replace(" ", "_").replace("/", "-") + ".pdf"


def log_operation_download(operation, user, dataset, via=None):
    data = {"document": dataset.cover.number, "marking": "NONE", "format": "pdf"}
    if via:
        data["via"] = via
    log_action(operation, "document.downloaded", user, data=data, operation_id=operation.id)


@bp.route("/operations/<int:operation_id>/public-summary")
@requires("authenticated")
def operation_summary(operation_id):
    operation, access = load_public_operation(current_user, operation_id)
    dataset = public_operation_dataset(operation)
    return operation_page("reports/public_summary.html", operation, access, tab="public_summary", dataset=dataset,
                          link_url=no_link, display=display)


@bp.route("/operations/<int:operation_id>/public-summary.pdf")
@requires("authenticated")
def operation_summary_pdf(operation_id):
    operation, _access = load_public_operation(current_user, operation_id)
    dataset = public_operation_dataset(operation)
    body = dataset_pdf(dataset)
    log_operation_download(operation, current_user, dataset)
    db.session.commit()
    return pdf_response(body, pdf_filename(dataset))


@bp.route("/reports/public/<int:year>")
@requires("programme.view")
def year_summary(year):
    check_year(year)
    chosen = request.args.get("year", type=int)
    if chosen is not None and chosen != year and FIRST_YEAR <= chosen <= LAST_YEAR:
        return redirect(url_for("public_summaries.year_summary", year=chosen))
    dataset = public_year_dataset(year)
    return render_template("reports/public_year.html", dataset=dataset, year=year,
                           link_url=no_link, display=display, title=_("Public summary %(year)d", year=year))


@bp.route("/reports/public/<int:year>.pdf")
@requires("programme.view")
def year_summary_pdf(year):
    check_year(year)
    dataset = public_year_dataset(year)
    return pdf_response(dataset_pdf(dataset), pdf_filename(dataset))
