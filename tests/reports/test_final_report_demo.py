"""The demo's final reports: LAST HARBOUR closed with its report final (revision 0, with Latvia's contribution);
PAPER LANTERN in evaluation with its narrative written as a draft, Lithuania's contribution submitted and the
Netherlands' a draft, left for a newcomer to make final."""
from datetime import datetime, timezone

from sqlalchemy import select

from planner.core.clock import freeze
from planner.extensions import db
from planner.operations.models import Operation
from planner.reports.models import NarrativeSection, ReportContribution, ReportKind
from planner.reports.services import final_report_of, revisions_of


def test_the_demo_has_a_final_report_issued_and_one_to_make_final(app):
    freeze(datetime(2026, 11, 23, 10, tzinfo=timezone.utc))
    result = app.test_cli_runner().invoke(args=["planner", "seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        harbour = db.session.scalar(select(Operation).where(Operation.code_name == "LAST HARBOUR"))
        assert harbour.state == "closed" and final_report_of(harbour).is_final
        issued = revisions_of(ReportKind.FINAL, operation_id=harbour.id)
        assert [r.revision for r in issued] == [0]
        contributions = next(s for s in issued[0].dataset["sections"] if s["key"] == "contributions")
        assert [s["key"] for s in contributions["subsections"]] == ["contribution_LV"]

        lantern = db.session.scalar(select(Operation).where(Operation.code_name == "PAPER LANTERN"))
        report = final_report_of(lantern)
        assert lantern.state == "evaluation" and not report.is_final
        assert all(report.sections.get(code) for code in NarrativeSection.codes())  # ready to be made final
        assert revisions_of(ReportKind.FINAL, operation_id=lantern.id) == []
        submitted = {c.organisation.code: c.submitted_at is not None for c in db.session.scalars(
            select(ReportContribution).where(ReportContribution.operation_id == lantern.id))}
        assert submitted == {"LT": True, "NL": False}
        db.session.remove()

