"""The coordinator opens the Final report tab of an operation in evaluation, writes the six sections, makes the
report final and sees revision 0 with its SHA-256. Real pages, headless Chromium, CSRF on, everything found by its
label or role."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from planner.core.clock import freeze
from planner.extensions import db
from planner.reports.models import IssuedReport, NarrativeSection
from tests.e2e.conftest import log_in
from tests.factories import Factory

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
expect = sync_api.expect


@pytest.fixture
def journey(app):
    freeze(datetime(2026, 6, 1, 9, tzinfo=timezone.utc))
    with app.app_context():
        factory = Factory()
        coordinator = factory.user("LT", "coordinator", email="lina@customs.lt.example", name="Lina Coordinator")
        op = factory.operation_in("evaluation", code_name="AMBER WAVE", participants=("PL",))
        url, email, op_id = f"/operations/{op.id}", coordinator.email, op.id
        labels = [str(s.label) for s in NarrativeSection]
        db.session.remove()
    return url, email, op_id, labels


def test_the_coordinator_writes_and_makes_the_final_report_final(app, page, journey):
    url, email, op_id, labels = journey
    log_in(page, email)
    page.goto(url)
    page.get_by_role("link", name="Final report").click()
    expect(page.locator("#report-status")).to_have_text("Draft")
    for label in labels:
        page.get_by_label(label, exact=True).fill(f"{label}: what the operation showed.")
    page.get_by_role("button", name="Save the narrative").click()
    expect(page.get_by_text("The final report was saved.")).to_be_visible()
    expect(page.get_by_label("Recommendations", exact=True)).to_have_value("Recommendations: what the operation "
                                                                          "showed.")
    page.get_by_role("button", name="Make final").click()
    expect(page.get_by_text("The final report is final")).to_be_visible()
    expect(page.locator("#report-status")).to_have_text("Final")
    revision = page.locator("#revision-list tr[data-revision='0']")
    expect(revision).to_contain_text("Revision 0")
    with app.app_context():
        issued = db.session.scalar(select(IssuedReport).where(IssuedReport.operation_id == op_id))
        pdf_sha256, xlsx_sha256 = issued.pdf_sha256, issued.xlsx_sha256
        db.session.remove()
    expect(revision).to_contain_text(pdf_sha256)
    expect(revision).to_contain_text(xlsx_sha256)
    expect(page.locator("#latest-revision")).to_contain_text(pdf_sha256)
    assert page.console_errors == []
