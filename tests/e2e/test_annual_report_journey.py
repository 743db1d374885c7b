"""The annual report in the browser: the secretariat opens the year's draft from the main navigation, issues it,
sees REV 0 with its SHA-256 and downloads the PDF, whose SHA-256 is the one shown. Real pages, headless Chromium,
CSRF on."""
import hashlib
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from planner.core.clock import freeze
from planner.extensions import db
from tests.e2e.conftest import log_in
from tests.factories import Factory

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
expect = sync_api.expect


@pytest.fixture
def year_of_results(app):
    freeze(datetime(2026, 5, 4, 6, tzinfo=timezone.utc))
    with app.app_context():
        from planner.results.services import create_seizure
        from tests.results.conftest import seizure_data

        factory = Factory()
        secretariat = factory.user("CCWP", "secretariat", email="sofia@ccwp.example", name="Sofia Secretariat")
        op = factory.operation_in("operational", code_name="AMBER WAVE", participants=("PL",))
        freeze(datetime(2026, 5, 10, 9, tzinfo=timezone.utc))
        create_seizure(factory.user("LT", "officer"), op, seizure_data(items=[
            {"category": "tobacco", "type": "raw_tobacco", "quantities": [{"value": "283671.925", "unit": "t"}]}]))
        from planner.results.controls import create_controls

        create_controls(factory.user("PL", "officer"), op, [
            {"date": "2026-05-09", "location": "Terespol", "transport_mode": "road", "selection_basis": "risk_profile",
             "controls": 80, "hits": 4}])
        db.session.commit()
        email = secretariat.email
        db.session.remove()
    return email


def test_the_secretariat_issues_the_annual_report(page, year_of_results, tmp_path):
    log_in(page, year_of_results)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Annual reports").click()
    page.get_by_role("link", name="Annual report 2026").click()
    expect(page.get_by_role("heading", name="Consolidated annual report 2026", exact=True)).to_be_visible()
    expect(page.locator("#table-by_commodity")).to_contain_text("283 671.925")
    # the hit rate of a selection basis opens the control records behind it, per operation
    page.locator('#table-controls_by_basis tr[data-key="risk_profile"] td[data-column="hit_rate"] a').click()
    expect(page.get_by_role("heading", name="Control records behind a figure of the annual report 2026")).to_be_visible()
    row = page.locator("#breakdown tbody tr").first
    expect(row).to_contain_text("AMBER WAVE")
    expect(row.locator('[data-figure="hit_rate"]')).to_have_text("5.00 %")
    expect(row.get_by_role("link", name="Controls of")).to_have_attribute("href", re.compile(
        r"/operations/\d+/controls\?status=submitted&selection_basis=risk_profile$"))
    page.go_back()
    page.get_by_label("Note (what this revision corrects, optional)").fill("For the working party of June.")
    page.get_by_role("button", name="Issue the annual report").click()

    expect(page.get_by_role("heading", name="Annual report 2026, REV 0")).to_be_visible()
    sha = page.locator("#revision-facts").get_by_label("SHA-256 of the PDF").inner_text().strip()
    assert len(sha) == 64
    expect(page.get_by_role("status")).to_contain_text(sha)  # the confirmation names it too
    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF of REV 0").click()
    target = Path(tmp_path) / "annual-report.pdf"
    download_info.value.save_as(target)
    data = target.read_bytes()
    assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == sha
    assert page.console_errors == []
