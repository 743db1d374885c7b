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



def test_the_demo_annual_report_opens_the_records_behind_its_figures(app, client, login):
    """A newcomer at the secretariat follows the draft's figures of controls and of last year into their
    drill-downs, per operation, and on into an operation's control list."""
    import re
    from html import unescape

    from planner.auth.models import User
    from planner.demo import DEMO_PASSWORD

    freeze(datetime(2026, 11, 23, 10, tzinfo=timezone.utc))
    assert app.test_cli_runner().invoke(args=["planner", "seed-demo"]).exit_code == 0
    with app.app_context():
        secretariat = db.session.scalar(select(User).where(User.email == "secretariat@ccwp.example"))
        login(secretariat, DEMO_PASSWORD)
        html = unescape(client.get("/reports/annual/2026").get_data(as_text=True))
        controls = re.search(r'id="fact-overview-controls">[^<]*</dt>\s*<dd[^>]*><a href="([^"]+)"', html).group(1)
        assert controls == "/reports/annual/2026/controls"
        page = unescape(client.get(controls).get_data(as_text=True))
        shown = re.search(r'id="fact-overview-controls">[^<]*</dt>\s*<dd[^>]*><a [^>]*>([^<]+)</a>', html).group(1)
        total = re.search(r'<tr data-operation="total">.*?data-figure="controls">([^<]+)<', page, re.S).group(1)
        assert total == shown and re.search(r'<tr data-operation="JSO-2026-\d+">', page)
        listed = re.search(r'href="(/operations/\d+/controls\?status=submitted)"', page).group(1)
        assert client.get(listed).status_code == 200
        previous = re.findall(r'href="(/reports/annual/2025/records[^"]*)"', html)
        assert previous and all(client.get(url).status_code == 200 for url in previous[:3])
        assert "/reports/annual/2025/records" in previous  # the comparison's seizures of 2025, per operation
        last_year = client.get("/reports/annual/2025/records").get_data(as_text=True)
        assert "LAST HARBOUR" in last_year and "WHITE FROST" in last_year  # one of them recorded afterwards
        db.session.remove()
