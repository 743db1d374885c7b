"""What a reader sees of the final report besides its dataset: the contributions (the texts one may read, and for
the organisers who has contributed and who has not), the issued revisions, and for the schedule's deadlines which
contributions are submitted and whether the report is final. Pages and the API ask here."""
from sqlalchemy import select

from planner.extensions import db
from planner.operations.access import ORGANISER_PLACES, Place
from planner.reports.models import FinalReport, FinalReportStatus, IssuedReport, ReportContribution, ReportKind

SUBMITTED, DRAFT, NONE = "submitted", "draft", "none"


def follows_contributions(access) -> bool:
    """Who has contributed and who has not: the organisers of the operation and the oversight."""
    return access.place in ORGANISER_PLACES or access.place is Place.OVERSIGHT


def visible_contributions(access):
    """The contributions `access` may read (access.contribution_clause): its own administration's, draft or
    submitted, and the submitted ones of the others as their sharing allows (as the report itself shows them)."""
    from planner.reports.access import contribution_clause

    return db.session.scalars(select(ReportContribution).where(
        ReportContribution.operation_id == access.operation.id, contribution_clause(access))
        .order_by(ReportContribution.id)).all()


def contribution_progress(operation):
    """[(organisation, SUBMITTED | DRAFT | NONE, contribution or None, is organiser)] of every accepted
    participant (observers contribute nothing), the organisers last."""
    rows = {c.organisation_id: c for c in db.session.scalars(
        select(ReportContribution).where(ReportContribution.operation_id == operation.id))}
    result = []
    for p in operation.participations:
        if not p.is_participant:
            continue
        row = rows.get(p.organisation_id)
        state = NONE if row is None else (SUBMITTED if row.submitted_at is not None else DRAFT)
        result.append((p.organisation, state, row, bool(p.is_lead or p.is_co_organiser)))
    result.sort(key=lambda r: (r[3], r[0].code))
    return result


def issued_revision(operation, revision):
    """The issued revision `revision` of the operation's final report, or None."""
    if not isinstance(revision, int) or not 0 <= revision < 2**31:
        return None
    return db.session.scalar(select(IssuedReport).where(
        IssuedReport.kind == ReportKind.FINAL.value, IssuedReport.operation_id == operation.id,
        IssuedReport.revision == revision))


def report_progress(operations):
    """{operation id: (organisation ids whose contribution is submitted, whether the final report is final)}: what
    the contribution and final report deadlines of the schedule look at (planner.scheduling.deadlines)."""
    ids = [op.id for op in operations]
    submitted = {i: set() for i in ids}
    if not ids:
        return {}
    for operation_id, organisation_id in db.session.execute(
            select(ReportContribution.operation_id, ReportContribution.organisation_id)
            .where(ReportContribution.operation_id.in_(ids), ReportContribution.submitted_at.isnot(None))):
        submitted[operation_id].add(organisation_id)
    final = set(db.session.scalars(select(FinalReport.operation_id).where(
        FinalReport.operation_id.in_(ids), FinalReport.status == FinalReportStatus.FINAL.value)))
    return {i: (submitted[i], i in final) for i in ids}


def _register_report_progress():
    from planner.scheduling.deadlines import register_report_progress

    register_report_progress(report_progress)


_register_report_progress()
