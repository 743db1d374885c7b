"""Every change to reports: the final report's narrative, making it final (which issues a frozen revision),
contributions, and issuing the annual report. Callers check access (access.py) first; each function validates,
writes, audits and leaves the commit to the caller."""
import hashlib

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from planner.core.audit import log_action
from planner.core.clock import utcnow
from planner.core.errors import Conflict, StaleVersion, ValidationError
from planner.extensions import db
from planner.operations.lifecycle import guard
from planner.reports.models import (
    FinalReport, FinalReportStatus, IssuedReport, NarrativeSection, ReportContribution, ReportKind,
)
from planner.reports.tables import ReportDataset, changed_figures

MAX_SECTION_LENGTH = 32_000  # an Excel cell holds 32,767 characters: a longer text would be cut in the xlsx
MAX_NOTE_LENGTH = 2_000


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def final_report_of(operation, create=False):
    report = db.session.scalar(select(FinalReport).where(FinalReport.operation_id == operation.id))
    if report is None and create:
        report = FinalReport(operation_id=operation.id, sections={})
        db.session.add(report)
        db.session.flush()
    return report


def _check_version(current, given, what):
    if given is not None and str(given) != str(current):
        raise StaleVersion(_("%(what)s was changed by someone else meanwhile (now version %(v)d): reload it and "
                             "try again.", what=what, v=current), current_version=current)


def clean_sections(data) -> dict:
    """{section code: text}; unknown keys and non-text values are errors naming the field."""
    errors = {}
    if not isinstance(data, dict):
        raise ValidationError(_("The final report could not be saved."), {"sections": [_("Give an object of texts.")]})
    sections = {}
    for key, value in data.items():
        if key not in NarrativeSection.codes():
            errors[f"sections.{key}"] = [_("Not a section of the final report.")]
        elif value is not None and not isinstance(value, str):
            errors[f"sections.{key}"] = [_("Give a text.")]
        elif value is not None and len(value) > MAX_SECTION_LENGTH:
            errors[f"sections.{key}"] = [_("At most %(n)d characters.", n=MAX_SECTION_LENGTH)]
        else:
            sections[key] = (value or "").replace("\r\n", "\n").strip()
    if errors:
        raise ValidationError(_("The final report could not be saved."), errors)
    return sections


def save_final_report(operation, user, sections: dict, version=None, now=None) -> FinalReport:
    """Save the coordinator's narrative (the sections given; the others keep their text). Editing a final report
    that is not closed makes it a draft again: the correction becomes the next revision once made final."""
    sections = clean_sections(sections)
    report = final_report_of(operation, create=True)
    _check_version(report.version, version, _("The final report"))
    before = dict(report.sections or {})
    merged = {**before, **sections}
    if merged == before:
        return report
    report.sections = merged
    report.updated_at, report.updated_by_id = now or utcnow(), user.id
    reopened = report.is_final
    if reopened:
        report.status = FinalReportStatus.DRAFT.value
    db.session.flush()
    log_action(report, "final_report.edited", user, operation_id=operation.id,
               data={"sections": sorted(k for k in merged if merged.get(k) != before.get(k)), "reopened": reopened})
    return report


def issue_final_report(operation, user, note="", version=None, now=None) -> IssuedReport:
    """Make the final report final: compute its dataset over every submitted record of the operation, render the
    xlsx and the PDF (aggregates only), store them with their SHA-256 as the next revision."""
    from planner.reports.final_dataset import final_report_dataset

    report = final_report_of(operation, create=True)
    _check_version(report.version, version, _("The final report"))
    missing = [str(s.label) for s in NarrativeSection if not (report.sections or {}).get(s.value)]
    if missing:
        raise ValidationError(_("The final report cannot be made final yet."),
                               {"sections": [_("Write these sections first: %(names)s.", names=", ".join(missing))]})
    now = now or utcnow()
    report.status, report.finalised_at, report.finalised_by_id = FinalReportStatus.FINAL.value, now, user.id
    revision = _next_revision(IssuedReport.operation_id == operation.id, ReportKind.FINAL)
    dataset = final_report_dataset(operation, None, report=report, revision=revision)
    issued = _store(ReportKind.FINAL, dataset, user, revision, note, now, operation_id=operation.id)
    db.session.flush()
    log_action(report, "final_report.issued", user, operation_id=operation.id,
               data={"revision": revision, "pdf_sha256": issued.pdf_sha256, "xlsx_sha256": issued.xlsx_sha256,
                     "changes": len(issued.changes)})
    return issued


def issue_annual_report(year, user, note="", now=None) -> IssuedReport:
    from planner.reports.annual_dataset import annual_report_dataset

    revision = _next_revision(IssuedReport.year == year, ReportKind.ANNUAL)
    dataset = annual_report_dataset(year, revision=revision)
    issued = _store(ReportKind.ANNUAL, dataset, user, revision, note, now or utcnow(), year=year)
    db.session.flush()
    log_action(issued, "annual_report.issued", user,
               data={"year": year, "revision": revision, "pdf_sha256": issued.pdf_sha256,
                     "xlsx_sha256": issued.xlsx_sha256, "changes": len(issued.changes)})
    return issued


def _next_revision(clause, kind):
    last = db.session.scalar(select(func.max(IssuedReport.revision)).where(IssuedReport.kind == kind.value, clause))
    return 0 if last is None else last + 1


def latest_issued(kind, year=None, operation_id=None):
    clause = IssuedReport.year == year if kind is ReportKind.ANNUAL else IssuedReport.operation_id == operation_id
    return db.session.scalar(select(IssuedReport).where(IssuedReport.kind == kind.value, clause)
                             .order_by(IssuedReport.revision.desc()).limit(1))


def revisions_of(kind, year=None, operation_id=None):
    clause = IssuedReport.year == year if kind is ReportKind.ANNUAL else IssuedReport.operation_id == operation_id
    return db.session.scalars(select(IssuedReport).where(IssuedReport.kind == kind.value, clause)
                              .order_by(IssuedReport.revision)).all()


def _store(kind, dataset: ReportDataset, user, revision, note, now, year=None, operation_id=None) -> IssuedReport:
    from planner.reports.writers import dataset_pdf, dataset_xlsx

    note = (note or "").strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise ValidationError(_("The report could not be issued."),
                               {"note": [_("At most %(n)d characters.", n=MAX_NOTE_LENGTH)]})
    previous = latest_issued(kind, year=year, operation_id=operation_id)
    changes = []
    if previous is not None:
        dataset.cover.previous_reference = previous.number
        changes = changed_figures(ReportDataset.from_json(previous.dataset).figures(), dataset.figures())
    dataset.generated_at = now.replace(microsecond=0).isoformat()  # the moment it is issued, in both files
    dataset.cover.date = now.date().isoformat()
    xlsx, pdf = dataset_xlsx(dataset), dataset_pdf(dataset)
    issued = IssuedReport(kind=kind.value, year=year, operation_id=operation_id, revision=revision,
                          number=dataset.cover.number, dataset=dataset.to_json(), changes=changes, xlsx=xlsx, pdf=pdf,
                          xlsx_sha256=sha256(xlsx), pdf_sha256=sha256(pdf), issued_at=now, issued_by_id=user.id,
                          note=note)
    try:
        with db.session.begin_nested():  # two issues at the same moment: the second one is told, not a 500
            db.session.add(issued)
    except IntegrityError:
        raise Conflict(_("Somebody issued this report at the same moment (revision %(n)d): reload the page to see "
                         "it.", n=revision)) from None
    return issued


def contribution_of(operation, organisation_id, create_for=None):
    row = db.session.scalar(select(ReportContribution).where(ReportContribution.operation_id == operation.id,
                                                             ReportContribution.organisation_id == organisation_id))
    if row is None and create_for is not None:
        row = ReportContribution(operation_id=operation.id, organisation_id=organisation_id, body="",
                                 updated_by_id=create_for.id)
        db.session.add(row)
    return row


def save_contribution(operation, user, body, submit=False, version=None, now=None) -> ReportContribution:
    """The user's administration's contribution to the final report; `submit` makes it part of the report."""
    if not isinstance(body, str):
        raise ValidationError(_("The contribution could not be saved."), {"body": [_("Give a text.")]})
    body = body.replace("\r\n", "\n").strip()
    if len(body) > MAX_SECTION_LENGTH:
        raise ValidationError(_("The contribution could not be saved."),
                               {"body": [_("At most %(n)d characters.", n=MAX_SECTION_LENGTH)]})
    if submit and not body:
        raise ValidationError(_("The contribution could not be saved."),
                               {"body": [_("Write the contribution before submitting it.")]})
    row = contribution_of(operation, user.organisation_id, create_for=user)
    if row.id is not None:
        _check_version(row.version, version, _("The contribution"))
    now = now or utcnow()
    row.body, row.updated_at, row.updated_by_id = body, now, user.id
    if submit and row.submitted_at is None:
        row.submitted_at = now
    db.session.flush()
    log_action(row, "final_report.contribution_saved", user, operation_id=operation.id,
               data={"submitted": row.submitted_at is not None, "length": len(body)})
    return row


@guard("close")
def _final_report_is_final(operation, user):
    report = final_report_of(operation)
    if report is None or not report.is_final:
        return [_("The final report must be final before the operation is closed.")]
    return []
