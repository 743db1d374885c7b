"""The operational phase in the browser: a field officer logs a seizure with the quick form; a contact point
answers a warning with a seizure; the coordinator sees both on the live page. Real pages, headless Chromium,
CSRF on, everything found by its label or role."""
from datetime import datetime, timezone

import pytest

from planner.core.clock import freeze
from planner.extensions import db
from tests.e2e.conftest import log_in, log_out
from tests.factories import Factory

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
expect = sync_api.expect


@pytest.fixture
def journey(app):
    freeze(datetime(2026, 5, 4, 6, tzinfo=timezone.utc))
    with app.app_context():
        from planner.messages.services import send_warning

        factory = Factory()
        coordinator = factory.user("LT", "coordinator", email="lina@customs.lt.example", name="Lina Coordinator")
        officer = factory.user("LT", "officer", email="rasa@customs.lt.example", name="Rasa Officer")
        ncp = factory.user("PL", "contact_point", email="anna@customs.pl.example", name="Anna Contact-Point")
        op = factory.operation_in("operational", code_name="AMBER WAVE", participants=("PL",))
        freeze(datetime(2026, 5, 6, 9, tzinfo=timezone.utc))
        send_warning(coordinator, op, {"subject": "Lorry BY 7788 with a cover load of briquettes",
                                       "profile_type": "vehicle", "urgency": "urgent", "addressees": ["PL"],
                                       "profile": {"vehicle_plate": "BY 7788", "vehicle_nationality": "BY"},
                                       "indicators": "Cover load declared as wood briquettes"})
        db.session.commit()
        url = f"/operations/{op.id}"
        emails = (officer.email, ncp.email, coordinator.email)
        db.session.remove()
    return url, emails


def test_officer_contact_point_and_coordinator(page, journey):
    url, (officer, ncp, coordinator) = journey

    # The field officer: the quick form, a handful of fields.
    log_in(page, officer)
    page.goto(url)
    page.get_by_role("link", name="Results").click()
    page.get_by_role("link", name="Quick seizure").click()
    page.get_by_label("Place", exact=True).fill("Medininkai")
    page.get_by_label("Location type", exact=True).select_option("land_border")
    page.get_by_label("Transport mode", exact=True).select_option("road")
    page.get_by_label("Detection method", exact=True).select_option("scanner")
    page.get_by_label("Commodity", exact=True).select_option("cigarettes:cigarettes")
    page.get_by_label("Quantity", exact=True).fill("2875000")
    page.get_by_label("Unit", exact=True).select_option("pcs")
    page.get_by_role("button", name="Submit the seizure").click()
    expect(page.get_by_text("Seizure LT-2026-0001 recorded.")).to_be_visible()
    expect(page.locator("#seizure-items")).to_contain_text("2875000 pcs")
    log_out(page)

    # The contact point answers the warning with a seizure.
    log_in(page, ncp)
    page.get_by_role("link", name="W-1").first.click()
    page.get_by_role("link", name="Report the seizure").click()
    page.get_by_label("Place", exact=True).fill("Terespol")
    page.get_by_label("Location type", exact=True).select_option("land_border")
    page.get_by_label("Transport mode", exact=True).select_option("road")
    page.get_by_label("Detection method", exact=True).select_option("intelligence")
    page.get_by_label("Commodity", exact=True).select_option("cigarettes:cigarettes")
    page.get_by_label("Quantity", exact=True).fill("480000")
    page.get_by_label("Unit", exact=True).select_option("pcs")
    page.get_by_role("button", name="Submit the seizure").click()
    expect(page.get_by_text("Seizure PL-2026-0001 recorded.")).to_be_visible()
    page.get_by_role("link", name="W-1").click()
    expect(page.get_by_role("main")).to_contain_text("Seizure made")
    log_out(page)

    # The coordinator sees both on the live page, and nothing awaits feedback any more.
    log_in(page, coordinator)
    page.goto(url)
    page.get_by_role("link", name="Results").click()
    expect(page.locator("#total-seizures")).to_have_text("2")
    expect(page.locator("#per-participant")).to_contain_text("LT")
    expect(page.locator("#per-participant")).to_contain_text("PL")
    expect(page.locator("#per-commodity")).to_contain_text("3,355,000")
    expect(page.locator("#awaiting-feedback")).to_have_text("0")
    assert page.console_errors == []
