"""The Final report tab of an operation: the report as computed for the reader (each figure links to the list of
records behind it), its status and issued revisions, the downloads (the live xlsx with the annex of the records
the reader may see, the live PDF, and each issued revision byte for byte as stored), the coordinator's narrative
and making it final, and each member administration's contribution. Thin: load-or-404/403, one service call,
redirect. Importing this module registers the close guard (planner.reports.services)."""
from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from planner.auth.models import User
from planner.core.audit import log_action
from planner.core.clock import utcnow
from planner.core.errors import PlannerError, StaleVersion
from planner.core.permissions import requires
from planner.core.spreadsheets import XLSX_MIMETYPE
from planner.core.versions import require_version
from planner.extensions import db
from planner.messages.queries import sees_messages
from planner.operations.access import Place
from planner.operations.queries import get_visible_operation
from planner.operations.tabs import register_tab
from planner.operations.views import operation_page
from planner.reports.access import (
    finalises_final_report, reads_final_report, reads_issued_final_report, writes_contribution, writes_final_report,
)
from planner.reports.annex import annex_sheet
from planner.reports.final_dataset import final_report_dataset
from planner.reports.final_queries import (
    contribution_progress, follows_contributions, issued_revision, visible_contributions,
)
from planner.reports.models import FinalReportStatus, NarrativeSection, ReportKind
from planner.reports.services import (  # importing it registers the close guard
    contribution_of, final_report_of, issue_final_report, revisions_of, save_contribution, save_final_report,
)
from planner.reports.tables import display
from planner.reports.writers import dataset_pdf, dataset_xlsx
from planner.results.forms import ActionForm
from planner.results.queries import sees_results

bp = Blueprint("final_reports", __name__)

register_tab("reports", _l("Final report"), "final_reports.show", 70, reads_final_report)

PDF_MIMETYPE = "application/pdf"


def load(operation_id):
    """(operation, access) for a reader of the final report: 404 outside the operation, 403 for who may not read."""
    operation, access = get_visible_operation(current_user, operation_id)
    if not reads_final_report(access):
        abort(403)
    return operation, access


def link_url_for(operation, access):
    """link_url(link) for render_dataset: the list of records behind a figure, with the figure's filters. The
    oversight reads every figure in aggregate but lists only the records shared with agencies: no links for it."""
    def link_url(link):
        if access.place is Place.OVERSIGHT:
            return None
        kind = link.get("list")
        args = {k: v for k, v in link.items() if k != "list" and v is not None}
        if kind == "seizures" and sees_results(access):
            return url_for("results.seizures", operation_id=operation.id, **args)
        if kind == "controls" and sees_results(access):
            return url_for("results.controls", operation_id=operation.id, **args)
        if kind == "warnings" and sees_messages(access):
            return url_for("messages.index", operation_id=operation.id)
        return None

    return link_url


def document_response(data, mimetype, filename, issued=None):
    """A download; an issued revision carries its SHA-256 and revision in headers."""
    headers = {"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"}
    if issued is not None:
        headers["X-Report-Revision"] = str(issued.revision)
        headers["X-Report-SHA256"] = issued.xlsx_sha256 if mimetype == XLSX_MIMETYPE else issued.pdf_sha256
    return Response(data, mimetype=mimetype, headers=headers)


def file_stem(text):
    return "".join(c if c.isalnum() or c in "-." else "_" for c in text)


def live_document(operation, access, kind):
    """(bytes, mimetype, filename) of the report computed now for the reader; the xlsx with its record annex."""
    dataset = final_report_dataset(operation, access)
    stem = file_stem(f"{operation.reference}-final-report-{utcnow().date().isoformat()}")
    if kind == "xlsx":
        return dataset_xlsx(dataset, annex=annex_sheet(operation, access)), XLSX_MIMETYPE, stem + ".xlsx"
    return dataset_pdf(dataset), PDF_MIMETYPE, stem + ".pdf"


def issued_document(issued, kind):
    """(bytes, mimetype, filename) of an issued revision exactly as stored."""
    stem = file_stem(issued.number)
    if kind == "xlsx":
        return issued.xlsx, XLSX_MIMETYPE, stem + ".xlsx"
    return issued.pdf, PDF_MIMETYPE, stem + ".pdf"


def log_download(operation, user, kind, issued=None, via=None):
    data = {"document": issued.number if issued else "live", "format": kind,
            "marking": operation.handling_marking}
    if issued is not None:
        data.update(revision=issued.revision, sha256=issued.xlsx_sha256 if kind == "xlsx" else issued.pdf_sha256)
    if via:
        data["via"] = via
    log_action(operation, "document.downloaded", user, data=data, operation_id=operation.id)


# --- the tab --------------------------------------------------------------------------------------------------

def _page(operation, access, status=200, texts=None, version=None, contribution_body=None, **messages):
    report = final_report_of(operation)
    saved = dict(report.sections or {}) if report else {}
    own = contribution_of(operation, current_user.organisation_id)
    revisions = revisions_of(ReportKind.FINAL, operation_id=operation.id) if reads_issued_final_report(access) else []
    ids = {r.issued_by_id for r in revisions} | {report.updated_by_id if report else None}
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids - {None})))}
    return operation_page(
        "reports/final_report.html", operation, access, tab="reports", report=report,
        status_label=FinalReportStatus(report.status).label if report else FinalReportStatus.DRAFT.label,
        sections=list(NarrativeSection), texts=texts if texts is not None else saved,
        version=version if version is not None else (report.version if report else 1),
        dataset=final_report_dataset(operation, access), link_url=link_url_for(operation, access), display=display,
        revisions=list(reversed(revisions)), issued_count=len(revisions), people=people,
        may_edit=writes_final_report(access), may_finalise=finalises_final_report(access),
        may_contribute=writes_contribution(access, report), reads_issued=reads_issued_final_report(access),
        own_contribution=own, contribution_body=contribution_body if contribution_body is not None else (
            own.body if own else ""),
        contribution_version=own.version if own else 1, contributions=visible_contributions(access),
        progress=contribution_progress(operation) if follows_contributions(access) else None,
        form=ActionForm(), **messages,
    ), status


@bp.route("/operations/<int:operation_id>/final-report")
@requires("authenticated")
def show(operation_id):
    operation, access = load(operation_id)
    return _page(operation, access)


@bp.route("/operations/<int:operation_id>/final-report", methods=["POST"])
@requires("authenticated")
def save(operation_id):
    """The coordinator's narrative: the six sections in one form. A stale version keeps the text typed."""
    operation, access = load(operation_id)
    if not writes_final_report(access):
        abort(403)
    ActionForm().validate_on_submit() or abort(400)
    texts = {s.value: request.form.get(s.value, "") for s in NarrativeSection}
    report = final_report_of(operation)
    was_final = bool(report and report.is_final)
    try:
        save_final_report(operation, current_user, texts, require_version(request.form.get("version")))
        db.session.commit()
    except PlannerError as exc:
        db.session.rollback()
        operation, access = load(operation_id)
        current = final_report_of(operation)
        stale = isinstance(exc, StaleVersion) and current is not None
        message = exc.message + (" " + _("Your text is kept in the form below; the report shows the text saved "
                                         "meanwhile. Saving again replaces it.") if stale else "")
        return _page(operation, access, exc.status, texts=texts,
                     version=current.version if stale else request.form.get("version", ""),
                     edit_message=message, edit_errors=exc.errors)
    if was_final:
        flash(_("Saved. The final report is a draft again: make it final to issue the corrected revision."),
              "warning")
    else:
        flash(_("The final report was saved."), "success")
    return redirect(url_for("final_reports.show", operation_id=operation.id) + "#narrative")


@bp.route("/operations/<int:operation_id>/final-report/issue", methods=["POST"])
@requires("authenticated")
def issue(operation_id):
    """Make the final report final: the xlsx and the PDF are issued and stored with their SHA-256."""
    operation, access = load(operation_id)
    if not finalises_final_report(access):
        abort(403)
    ActionForm().validate_on_submit() or abort(400)
    try:
        issued = issue_final_report(operation, current_user, note=request.form.get("note", ""),
                                    version=require_version(request.form.get("version")))
        db.session.commit()
    except PlannerError as exc:
        db.session.rollback()
        operation, access = load(operation_id)
        return _page(operation, access, exc.status, issue_message=exc.message, issue_errors=exc.errors)
    flash(_("The final report is final: %(number)s issued (revision %(revision)d).", number=issued.number,
            revision=issued.revision), "success")
    return redirect(url_for("final_reports.show", operation_id=operation.id) + "#revisions")


@bp.route("/operations/<int:operation_id>/final-report/contribution", methods=["POST"])
@requires("authenticated")
def contribution(operation_id):
    """The user's administration's contribution: saved as a draft, or submitted (then part of the report)."""
    operation, access = load(operation_id)
    if not writes_contribution(access, final_report_of(operation)):
        abort(403)
    ActionForm().validate_on_submit() or abort(400)
    body = request.form.get("body", "")
    submit = request.form.get("action") == "submit"
    existing = contribution_of(operation, current_user.organisation_id)
    try:
        version = require_version(request.form.get("version")) if existing is not None else None
        save_contribution(operation, current_user, body, submit=submit, version=version)
        db.session.commit()
    except PlannerError as exc:
        db.session.rollback()
        operation, access = load(operation_id)
        return _page(operation, access, exc.status, contribution_body=body, contribution_message=exc.message,
                     contribution_errors=exc.errors)
    flash(_("Your contribution was submitted.") if submit else _("Your contribution was saved as a draft."),
          "success")
    return redirect(url_for("final_reports.show", operation_id=operation.id) + "#contribution")


# --- downloads ------------------------------------------------------------------------------------------------

def _live(operation_id, kind):
    operation, access = load(operation_id)
    data, mimetype, filename = live_document(operation, access, kind)
    log_download(operation, current_user, kind)
    db.session.commit()
    return document_response(data, mimetype, filename)


@bp.route("/operations/<int:operation_id>/final-report.xlsx")
@requires("authenticated")
def live_xlsx(operation_id):
    return _live(operation_id, "xlsx")


@bp.route("/operations/<int:operation_id>/final-report.pdf")
@requires("authenticated")
def live_pdf(operation_id):
    return _live(operation_id, "pdf")


def _revision(operation_id, revision, kind):
    operation, access = load(operation_id)
    if not reads_issued_final_report(access):
        abort(403)
    issued = issued_revision(operation, revision)
    if issued is None:
        abort(404)
    data, mimetype, filename = issued_document(issued, kind)
    log_download(operation, current_user, kind, issued)
    db.session.commit()
    return document_response(data, mimetype, filename, issued)


@bp.route("/operations/<int:operation_id>/final-report/revisions/<int:number>.xlsx")
@requires("authenticated")
def revision_xlsx(operation_id, number):
    return _revision(operation_id, number, "xlsx")


@bp.route("/operations/<int:operation_id>/final-report/revisions/<int:number>.pdf")
@requires("authenticated")
def revision_pdf(operation_id, number):
    return _revision(operation_id, number, "pdf")
