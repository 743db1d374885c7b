"""A coordinator drafts an operation and submits it to the working party; the secretariat approves it.
Through the real pages in headless Chromium, with CSRF protection on, finding everything by its label or role."""
import re

import pytest

from planner.extensions import db
from tests.factories import Factory
from tests.e2e.conftest import log_in, log_out

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
expect = sync_api.expect


@pytest.fixture
def people(app):
    with app.app_context():
        factory = Factory()
        coordinator = factory.user("LT", "coordinator", email="lina.coordinator@customs.lt.example",
                                   name="Lina Coordinator")
        secretariat = factory.user("CCWP", "secretariat", email="sofia.secretariat@ccwp.example",
                                   name="Sofia Secretariat")
        emails = coordinator.email, secretariat.email
        db.session.remove()
    return emails


def _write_complete_business_case(app, url):
    """The submit guard needs a complete business case (the business-case journey drafts one in the browser)."""
    from planner.operations.models import Operation
    from tests.business_cases.prepare import prepare

    with app.app_context():
        operation = db.session.get(Operation, int(url.rstrip("/").rsplit("/", 1)[1]))
        prepare(Factory(), operation, "submit")
        db.session.remove()


def test_coordinator_submits_and_secretariat_approves(app, page, people):
    coordinator, secretariat = people

    log_in(page, coordinator)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Operations", exact=True).click()
    page.get_by_role("link", name="New operation").click()
    page.get_by_label("Code name").fill("BLUE LAGOON")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Summary").fill("Cigarettes in sea containers through the Baltic ports.")
    page.get_by_role("button", name="Create the operation").click()

    expect(page.get_by_role("heading", name=re.compile("BLUE LAGOON"))).to_be_visible()
    state = page.locator("#operation-state")
    expect(state).to_have_text("Draft")
    _write_complete_business_case(app, page.url)
    page.get_by_role("button", name="Submit to the working party").click()
    expect(state).to_have_text("Submitted to the working party")
    operation_url = page.url

    page.get_by_role("link", name="History").click()
    history = page.get_by_role("table", name=re.compile("Every change to this operation"))
    submitted = history.get_by_role("row").filter(has=page.get_by_role("cell", name="operation.submitted", exact=True))
    expect(submitted).to_have_count(1)
    expect(submitted).to_contain_text("Lina Coordinator (LT)")

    log_out(page)

    log_in(page, secretariat)
    review = page.get_by_role("region", name="Business cases awaiting review")
    review.get_by_role("link", name=re.compile("BLUE LAGOON")).click()
    assert page.url == operation_url
    # CSRF protection is on: the same request without the form's token is refused and changes nothing.
    forged = page.request.post(f"{operation_url}/transitions", form={"action": "approve"})
    assert forged.status == 400
    page.reload()
    expect(state).to_have_text("Submitted to the working party")
    page.get_by_role("button", name="Approve").click()
    expect(state).to_have_text("Planning")
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)

    csp_violations = [m for m in page.console_errors if "Content Security Policy" in m]
    assert csp_violations == [], "the pages break their Content-Security-Policy"
    assert page.console_errors == [], "the pages log errors"
