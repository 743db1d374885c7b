"""Pages of the consolidated annual report to the Council: the years, one year's report (the live draft for the
secretariat and admins, the latest issued revision for the LIMITE distribution), its downloads, issuing a
revision, an issued revision with the figures it changed, and the drill-down of a figure into the operations
behind it. Thin: who reads what is decided in planner.reports.access (through annual_queries)."""
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from planner.core.errors import PermissionDenied, PlannerError
from planner.core.permissions import requires
from planner.core.spreadsheets import XLSX_MIMETYPE
from planner.extensions import db
from planner.reports.access import issues_annual_report, reads_annual_report
from planner.reports.annual_queries import (
    annual_document, annual_revision, annual_revisions, breakdown_by_operation, clean_drill_down,
    control_breakdown_by_operation, described_changes, issued_headers, log_annual_download, report_years,
    list_args, require_year,
)
from planner.reports.figures import rate
from planner.reports.services import MAX_NOTE_LENGTH, issue_annual_report
from planner.reports.tables import QUANTITY, ReportDataset, display

bp = Blueprint("annual_reports", __name__)

MIMETYPES = {"xlsx": XLSX_MIMETYPE, "pdf": "application/pdf"}


class IssueForm(FlaskForm):
    note = TextAreaField(_l("Note (what this revision corrects, optional)"),
                         validators=[Optional(), Length(max=MAX_NOTE_LENGTH)])


@bp.app_context_processor
def annual_report_helpers():
    def shows_annual_reports():
        return bool(current_user and current_user.is_authenticated and reads_annual_report(current_user, True))

    return {"shows_annual_reports": shows_annual_reports}


def _download(content, name, headers=None):
    db.session.commit()  # the audit entry of the download
    sent = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    sent.update(headers or {})
    return Response(content, mimetype=MIMETYPES[name.rsplit(".", 1)[1]], headers=sent)


DRILL_DOWNS = {"annual": ("annual_reports.records", "results.seizures"),
               "annual_controls": ("annual_reports.control_records", "results.controls")}


def _link_url(year, reads_drafts):
    """Dataset links of the annual report → the drill-down page of the seizures or control records behind a
    figure (for those who read the live figures; a link may name another year: last year's figure); for the
    distribution, a figure of one operation links to that operation's seizure or control list where the reader
    sees its results, and other figures link nowhere (their records are not the reader's to list)."""
    from planner.operations.access import operation_access
    from planner.operations.models import Operation
    from planner.operations.queries import visible_operations
    from planner.results.queries import sees_results

    visible = {}
    if not reads_drafts:
        for op in db.session.scalars(visible_operations(current_user).where(Operation.year == year)):
            if sees_results(operation_access(current_user, op)):
                visible[op.reference] = op

    def link_url(link):
        if not link or link.get("list") not in DRILL_DOWNS:
            return None
        drill_down, operation_list = DRILL_DOWNS[link["list"]]
        filters = {k: v for k, v in link.items() if k not in ("list", "status", "year")}
        of_year = link.get("year", year)
        if reads_drafts:
            return url_for(drill_down, year=of_year, **filters)
        operation = visible.get(filters.pop("operation", None))
        if operation is None or of_year != year:
            return None
        return url_for(operation_list, operation_id=operation.id, status="submitted", **filters)

    return link_url


def _described_filters(filters):
    """[(label, value)] of a drill-down's filters, as a reader names them."""
    from planner.reports.final_dataset import label
    from planner.vocab.codes import DetectionMethod, TransportMode

    names = {"operation": _("Operation"), "category": _("Commodity"), "unit": _("Unit"),
             "organisation": _("Administration"), "transport_mode": _("Transport mode"),
             "detection_method": _("Detection method"), "concealment": _("Concealment method"),
             "investigation": _("Follow-up investigation opened"), "selection_basis": _("Selection basis")}
    shown = {
        "operation": lambda op: f"{op.reference} {op.code_name}",
        "category": lambda code: label("commodity_category", code),
        "organisation": lambda org: f"{org.code} — {org.name}",
        "transport_mode": lambda code: str(TransportMode(code).label),
        "detection_method": lambda code: str(DetectionMethod(code).label),
        "concealment": lambda code: label("concealment_method", code),
        "investigation": lambda _value: _("yes"),
        "selection_basis": lambda code: label("selection_basis", code),
    }
    return [(names[key], shown.get(key, str)(value)) for key, value in filters.items()]


def _revision_rows(revisions):
    return [{"issued": r, "changes": described_changes(r)} for r in revisions]


@bp.route("/reports/annual")
@requires("authenticated")
def index():
    if not reads_annual_report(current_user, issued=True):
        raise PermissionDenied(_("You may not read the annual reports."))
    return render_template("reports/annual_index.html", years=report_years(),
                           reads_drafts=reads_annual_report(current_user, issued=False))


@bp.route("/reports/annual/<int:year>")
@requires("authenticated")
def show(year):
    document = annual_document(current_user, year)
    revisions = annual_revisions(current_user, year)
    return render_template(
        "reports/annual_show.html", year=year, document=document, dataset=document.dataset(),
        revisions=_revision_rows(revisions), link_url=_link_url(year, document.reads_drafts), display=display,
        form=IssueForm() if issues_annual_report(current_user) else None)


@bp.route("/reports/annual/<int:year>.xlsx")
@requires("authenticated")
def download_xlsx(year):
    document = annual_document(current_user, year)
    return _download(document.file("xlsx", current_user), document.file_name("xlsx"), document.headers("xlsx"))


@bp.route("/reports/annual/<int:year>.pdf")
@requires("authenticated")
def download_pdf(year):
    document = annual_document(current_user, year)
    return _download(document.file("pdf", current_user), document.file_name("pdf"), document.headers("pdf"))


@bp.route("/reports/annual/<int:year>/issue", methods=["POST"])
@requires("reports.annual")
def issue(year):
    if not issues_annual_report(current_user):
        raise PermissionDenied(_("Only the working-party secretariat issues the annual report."))
    require_year(year)
    form = IssueForm()
    if not form.validate_on_submit():
        for messages in form.errors.values():
            for message in messages:
                flash(message, "error")
        return redirect(url_for("annual_reports.show", year=year))
    try:
        issued = issue_annual_report(year, current_user, form.note.data or "")
    except PlannerError as exc:
        db.session.rollback()
        flash(" ".join([exc.message] + [m for ms in exc.errors.values() for m in ms]), "error")
        return redirect(url_for("annual_reports.show", year=year))
    db.session.commit()
    flash(_("The annual report on %(year)d is issued as REV %(n)d (%(number)s). SHA-256 of the PDF: %(sha)s.",
            year=year, n=issued.revision, number=issued.number, sha=issued.pdf_sha256), "success")
    return redirect(url_for("annual_reports.revision", year=year, number=issued.revision))


@bp.route("/reports/annual/<int:year>/revisions/<int:number>")
@requires("authenticated")
def revision(year, number):
    issued = annual_revision(current_user, year, number)
    reads_drafts = reads_annual_report(current_user, issued=False)
    return render_template(
        "reports/annual_revision.html", year=year, issued=issued, changes=described_changes(issued),
        dataset=ReportDataset.from_json(issued.dataset), link_url=_link_url(year, reads_drafts), display=display,
        reads_drafts=reads_drafts)


@bp.route("/reports/annual/<int:year>/revisions/<int:number>.xlsx")
@requires("authenticated")
def revision_xlsx(year, number):
    issued = annual_revision(current_user, year, number)
    log_annual_download(current_user, year, "xlsx", issued)
    return _download(issued.xlsx, f"annual-report-{year}-rev{number}.xlsx", issued_headers(issued, "xlsx"))


@bp.route("/reports/annual/<int:year>/revisions/<int:number>.pdf")
@requires("authenticated")
def revision_pdf(year, number):
    issued = annual_revision(current_user, year, number)
    log_annual_download(current_user, year, "pdf", issued)
    return _download(issued.pdf, f"annual-report-{year}-rev{number}.pdf", issued_headers(issued, "pdf"))


@bp.route("/reports/annual/<int:year>/records")
@requires("authenticated")
def records(year):
    """A figure of the live report broken down per operation, each row linking to that operation's seizure
    list with the same filters (where the list shows the reader only what it may see)."""
    if not reads_annual_report(current_user, issued=False):
        raise PermissionDenied(_("The figures behind the annual report are read by the secretariat and admins."))
    require_year(year)
    filters, errors = clean_drill_down(request.args, year)
    rows = [] if errors else breakdown_by_operation(year, filters)
    total = {"seizures": sum(r.seizures for r in rows), "arrests": sum(r.arrests for r in rows),
             "quantity": sum((r.quantity for r in rows if r.quantity is not None), start=0) if "unit" in filters
             else None}
    return render_template(
        "reports/annual_records.html", year=year, filters=filters, described=_described_filters(filters),
        errors=errors, rows=rows, total=total,
        list_args=list_args(filters), display=display, QUANTITY=QUANTITY), 400 if errors else 200


@bp.route("/reports/annual/<int:year>/controls")
@requires("authenticated")
def control_records(year):
    """A figure of controls, hits or hit rate of the live report broken down per operation, each row linking to
    that operation's control list with the same filters."""
    if not reads_annual_report(current_user, issued=False):
        raise PermissionDenied(_("The figures behind the annual report are read by the secretariat and admins."))
    require_year(year)
    filters, errors = clean_drill_down(request.args, year, controls=True)
    rows = [] if errors else control_breakdown_by_operation(year, filters)
    controls, hits = sum(r.controls for r in rows), sum(r.hits for r in rows)
    return render_template(
        "reports/annual_controls.html", year=year, filters=filters, described=_described_filters(filters),
        errors=errors, rows=rows, total={"controls": controls, "hits": hits, "hit_rate": rate(hits, controls)},
        list_args=list_args(filters), display=display), 400 if errors else 200
