"""A coordinator drafts a full business case in the browser and submits it; the secretariat returns it with a
comment; the coordinator sees the comment beside the section, revises and resubmits; the secretariat approves.
Real pages in headless Chromium, CSRF on, everything found by its label or role."""
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
        coordinator = factory.user("LT", "coordinator", email="lina.bc@customs.lt.example", name="Lina Coordinator")
        secretariat = factory.user("CCWP", "secretariat", email="sofia.bc@ccwp.example", name="Sofia Secretariat")
        emails = coordinator.email, secretariat.email
        db.session.remove()
    return emails


def edit_section(page, label, fill, save_label=None):
    page.get_by_role("link", name=f"Edit “{label}”").click()
    page.wait_for_load_state("load")  # the page's script listens for changes from then on
    fill(page)
    page.get_by_role("button", name=f"Save “{save_label or label}”").click()
    expect(page.get_by_text(f"Section “{save_label or label}” saved.")).to_be_visible()


def field(page, label):
    return page.get_by_label(label, exact=True)


def test_business_case_drafted_returned_revised_and_approved(page, people):
    coordinator, secretariat = people
    log_in(page, coordinator)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Operations", exact=True).click()
    page.get_by_role("link", name="New operation").click()
    page.get_by_label("Code name").fill("AMBER SHIELD")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Summary").fill("Cigarettes by road and rail across the eastern border.")
    page.get_by_role("button", name="Create the operation").click()
    state = page.locator("#operation-state")
    expect(state).to_have_text("Draft")
    operation_url = page.url

    page.get_by_role("link", name="Business case").click()
    expect(page.get_by_role("heading", name="Still missing before you can submit")).to_be_visible()

    def threat(p):
        field(p, "Threat narrative").fill("Cigarettes smuggled by lorry and rail from Belarus.")
        field(p, "Sources the assessment rests on").fill("RILO analysis 2025")
        field(p, "Working-party objective or risk area (reference)").fill("CCWP AP11/3")

    def goods(p):
        field(p, "Commodity category 1").select_option("cigarettes")
        # the evidence from past operations follows the choice (aggregates; none recorded yet)
        expect(p.locator("#evidence-panel")).to_contain_text("Cigarettes")
        expect(p.locator("#evidence-panel")).to_contain_text("No seizures or controls are recorded")
        field(p, "HS codes for category 1 (optional)").fill("240220")

    def sectors(p):
        field(p, "Road").check()
        field(p, "Rail").check()

    def routes(p):
        field(p, "Countries of origin").fill("BY")
        field(p, "Countries of transit").fill("LT, PL")
        field(p, "Countries of destination").fill("DE, GB")
        field(p, "Entry and exit points of interest").fill("LTMDK")

    def risk(p):
        field(p, "Likelihood (1–5)").select_option("4")
        field(p, "Impact (1–5)").select_option("4")
        field(p, "Justification of the risk").fill("Seizures doubled in two years.")

    def indicators(p):
        field(p, "Risk indicators and targeting criteria, one per line").fill(
            "new consignee with no history\nroute via a free zone")

    def objectives(p):
        field(p, "Indicator 1").fill("controls performed")
        field(p, "Target 1").fill("500")

    def participants(p):
        field(p, "Proposed participants").fill("LT, PL, LV")
        field(p, "Proposed observers").fill("OLAF")

    def planning(p):
        field(p, "Preparation starts").fill("2026-03-01")
        field(p, "Operational phase starts").fill("2026-05-04")
        field(p, "Operational phase ends").fill("2026-05-15")
        field(p, "Coordination model").select_option("virtual")

    def resources(p):
        field(p, "Officers").fill("120")
        field(p, "Liaison officers").fill("6")
        field(p, "X-ray scanner (fixed or mobile)").check()

    def budget(p):
        field(p, "Cost line 1").fill("travel")
        field(p, "Amount of line 1 (EUR)").fill("12000.00")
        field(p, "Funding requested (EUR)").fill("12000.00")
        field(p, "Funding programme asked").fill("Union Anti-Fraud Programme")

    def communication(p):
        field(p, "Communication plan: what may be published, and when").fill("Press release after the debriefing.")

    for label, fill in (("Threat assessment", threat), ("Targeted goods", goods), ("Transport sectors", sectors),
                        ("Routes and places", routes), ("Perceived risk", risk),
                        ("Risk indicators and targeting criteria", indicators),
                        ("Objectives and expected results", objectives),
                        ("Proposed participants and observers", participants),
                        ("Planned window and coordination", planning), ("Resources", resources),
                        ("Budget", budget), ("Communication plan", communication)):
        edit_section(page, label, fill)

    expect(page.get_by_text("The business case is complete")).to_be_visible()
    expect(page.locator("#risk-level")).to_contain_text("High")
    page.get_by_role("link", name="Overview").click()
    expect(page.locator("#summary-goods")).to_have_text("Cigarettes")
    page.get_by_role("button", name="Submit to the working party").click()
    expect(state).to_have_text("Submitted to the working party")
    log_out(page)

    # The secretariat comments on the routes and returns the case.
    log_in(page, secretariat)
    page.goto(operation_url)
    page.get_by_role("link", name="Business case").click()
    field(page, "Comment on “Routes and places”").fill("Name the rail border crossings too.")
    page.get_by_role("button", name="Add the comment on “Routes and places”").click()
    expect(page.get_by_text("Comment added to “Routes and places”.")).to_be_visible()
    page.get_by_role("link", name="Overview").click()
    field(page, "Comment for “Return with comments” (required)").fill("See the comment on the routes.")
    page.get_by_role("button", name="Return with comments").click()
    expect(state).to_have_text("Draft")
    log_out(page)

    # The coordinator sees the comment beside the section, revises and resubmits.
    log_in(page, coordinator)
    page.goto(operation_url)
    page.get_by_role("link", name="Business case").click()
    beside_routes = page.get_by_role("complementary", name="Comments of the working party on Routes and places")
    expect(beside_routes).to_contain_text("Name the rail border crossings too.")

    def more_places(p):
        expect(p.get_by_text("Name the rail border crossings too.")).to_be_visible()
        field(p, "Entry and exit points of interest").fill("LTMDK, LTKEN")

    edit_section(page, "Routes and places", more_places)
    page.get_by_role("link", name="Overview").click()
    page.get_by_role("button", name="Submit to the working party").click()
    expect(state).to_have_text("Submitted to the working party")
    page.get_by_role("link", name="Business case").click()
    expect(page.get_by_role("link", name="Version 2", exact=True)).to_be_visible()
    log_out(page)

    # The secretariat compares the versions and approves.
    log_in(page, secretariat)
    page.goto(operation_url + "/business-case/compare?a=1&b=2")
    changed = page.locator('tr[data-section="routes"]')
    expect(changed).to_contain_text("changed")
    expect(changed).to_contain_text("LTKEN")
    page.goto(operation_url)
    page.get_by_role("button", name="Approve").click()
    expect(state).to_have_text("Planning")
    expect(page.locator("#summary-window")).to_contain_text("2026-05-04")

    csp_violations = [m for m in page.console_errors if "Content Security Policy" in m]
    assert csp_violations == [], "the pages break their Content-Security-Policy"
    assert page.console_errors == [], "the pages log errors"
