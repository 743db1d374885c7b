"""The coordinator moves the operational start on the Schedule tab and sees the nomination deadline move on the
dashboard. Real pages, headless Chromium, CSRF on, everything found by its label or role."""
from datetime import datetime, timezone

import pytest

from planner.core.clock import freeze
from planner.extensions import db
from tests.e2e.conftest import log_in
from tests.factories import Factory

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
expect = sync_api.expect


@pytest.fixture
def journey(app):
    freeze(datetime(2026, 2, 1, 9, tzinfo=timezone.utc))
    with app.app_context():
        factory = Factory()
        coordinator = factory.user("LT", "coordinator", email="lina@customs.lt.example", name="Lina Coordinator")
        op = factory.operation_in("planning", code_name="AMBER WAVE")
        factory.accept(op, "PL")
        lv = factory.accept(op, "LV")
        db.session.delete(lv.nomination)  # LV has not nominated its contact point yet
        db.session.commit()
        from planner.scheduling.reminders import sync_reminders

        sync_reminders(op)  # the reminders exist from the approval on
        db.session.commit()
        url, email = f"/operations/{op.id}", coordinator.email
        db.session.remove()
    return url, email


def test_moving_the_operational_start_moves_the_nomination_deadline(page, journey):
    url, email = journey
    log_in(page, email)
    deadlines = page.get_by_role("region", name="My next deadlines")
    expect(deadlines).to_contain_text("Nominations due 2026-04-20")
    expect(deadlines).to_contain_text("missing: LV")

    page.goto(url)
    page.get_by_role("link", name="Schedule").click()
    expect(page.get_by_label("Start of “Operational phase”")).to_have_value("2026-05-04")
    page.get_by_label("Start of “Operational phase”").fill("2026-05-18")
    page.get_by_label("End of “Operational phase”").fill("2026-05-29")
    page.get_by_label("End of “Preparation”").fill("2026-05-17")
    page.get_by_label("Start of “Pre-operational briefing”").fill("2026-05-11")
    page.get_by_label("Place of “Pre-operational briefing”").fill("Vilnius")
    page.get_by_label("Result reporting during the operational phase").select_option("daily")
    page.get_by_role("button", name="Save the schedule").click()
    expect(page.get_by_text("The schedule is saved.")).to_be_visible()
    expect(page.locator("#deadlines")).to_contain_text("2026-05-04")  # nominations: 14 days before the start

    page.get_by_role("link", name="Reminders of these deadlines").click()
    reminders = page.locator("#reminders")
    expect(reminders).to_contain_text("2026-04-27 06:00 UTC")  # 7 days before the new date, 08:00 in Brussels
    expect(reminders).not_to_contain_text("2026-04-13")
    expect(reminders).to_contain_text("now: LV")
    page.get_by_label("Deadline", exact=True).select_option("nominations")
    page.get_by_role("button", name="Send a reminder now").click()
    expect(page.get_by_text("The reminder went to: LV.")).to_be_visible()

    page.get_by_role("link", name="Dashboard").first.click()
    deadlines = page.get_by_role("region", name="My next deadlines")
    expect(deadlines).to_contain_text("Nominations due 2026-05-04")
    expect(deadlines).not_to_contain_text("Nominations due 2026-04-20")
    expect(deadlines).to_contain_text("Result reporting due 2026-05-18 (Daily)")
    assert page.console_errors == []
