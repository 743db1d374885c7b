"""The coordinator invites three administrations; one declines, two accept and nominate their contact points and
control locations; the coordinator sees the roster and starts the operation. Real pages, headless Chromium, CSRF
on, everything found by its label or role."""
import re

import pytest

from planner.extensions import db
from tests.factories import Factory
from tests.e2e.conftest import log_in, log_out

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
expect = sync_api.expect


@pytest.fixture
def journey(app):
    with app.app_context():
        factory = Factory()
        coordinator = factory.user("LT", "coordinator", email="lina@customs.lt.example", name="Lina Coordinator")
        op = factory.operation_in("planning", code_name="AMBER WAVE")
        people = {
            "lt": coordinator.email,
            "pl": factory.user("PL", "contact_point", email="anna@customs.pl.example", name="Anna Kowalska").email,
            "lv": factory.user("LV", "contact_point", email="ilze@customs.lv.example", name="Ilze Berzina").email,
            "de": factory.user("DE", "contact_point", email="greta@customs.de.example", name="Greta Weber").email,
        }
        url = f"/operations/{op.id}"
        db.session.remove()
    return url, people


def answer(page, email, accept, reason=""):
    log_in(page, email)
    invitations = page.get_by_role("region", name="Invitations awaiting an answer")
    invitations.get_by_role("link", name=re.compile("Accept or decline the invitation to AMBER WAVE")).click()
    if reason:
        page.get_by_label("Reason (required to decline)").fill(reason)
    page.get_by_role("button", name="Accept the invitation" if accept else "Decline the invitation").click()


def nominate(page, email, location, sectors):
    page.get_by_label("Contact point 1: user account").select_option(email)
    page.get_by_label("Contact point 1: phone").fill("+000 123 456")
    page.get_by_label("Contact point 1: reachable 24/7").check()
    page.get_by_label("Control location 1: place").select_option(location)
    page.get_by_label("Control location 1: transport sectors").select_option(sectors)
    page.get_by_role("button", name="Save the nomination").click()
    expect(page.get_by_text(re.compile("The nomination of .* is saved."))).to_be_visible()


def test_invite_answer_nominate_and_start(page, journey):
    url, people = journey

    log_in(page, people["lt"])
    page.goto(url)
    page.get_by_role("link", name="Participants").click()
    page.get_by_role("link", name="Invite organisations").click()
    page.get_by_label("Organisations to invite").select_option(["DE", "LV", "PL"])
    page.get_by_label("Answer by").fill("2099-01-31")
    page.get_by_role("button", name="Send the invitations").click()
    expect(page.get_by_text("Invitation sent to DE, LV, PL.")).to_be_visible()
    organisations = page.get_by_role("table", name="Organisations in this operation")
    expect(organisations.get_by_role("row").filter(has_text="Invited")).to_have_count(3)
    # the lead nominates too
    page.get_by_role("link", name="Our nomination and sharing settings").click()
    nominate(page, people["lt"], "LTMDK", ["road", "rail"])
    log_out(page)

    answer(page, people["de"], accept=False, reason="No staff available in May.")
    expect(page.get_by_text("You declined the invitation.")).to_be_visible()
    log_out(page)

    answer(page, people["pl"], accept=True)
    expect(page.get_by_role("heading", name=re.compile("Nomination of PL"))).to_be_visible()
    nominate(page, people["pl"], "PLKUB", ["road"])
    log_out(page)

    answer(page, people["lv"], accept=True)
    nominate(page, people["lv"], "LVTER", ["road"])
    log_out(page)

    log_in(page, people["lt"])
    page.goto(url)
    page.get_by_role("link", name="Participants").click()
    organisations = page.get_by_role("table", name="Organisations in this operation")
    declined = organisations.get_by_role("row").filter(has=page.get_by_role("cell", name="DE", exact=True))
    expect(declined).to_contain_text("Declined")
    expect(declined).to_contain_text("No staff available in May.")
    contacts = page.get_by_role("table", name="Contacts")
    expect(contacts.get_by_role("row").filter(has_text="Anna Kowalska")).to_contain_text("+000 123 456")
    expect(contacts.get_by_role("row").filter(has_text="Ilze Berzina")).to_have_count(1)
    locations = page.get_by_role("table", name="Control locations")
    expect(locations.get_by_role("row").filter(has_text="PLKUB")).to_contain_text("Kuźnica Białostocka")
    expect(locations.get_by_role("row").filter(has_text="LVTER")).to_have_count(1)

    page.get_by_role("link", name="Overview").click()
    page.get_by_role("button", name="Start the operational phase").click()
    expect(page.locator("#operation-state")).to_have_text("Operational phase")

    csp_violations = [m for m in page.console_errors if "Content Security Policy" in m]
    assert csp_violations == [], "the pages break their Content-Security-Policy"
    assert page.console_errors == [], "the pages log errors"
