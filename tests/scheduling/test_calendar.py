"""The year calendar (visibility, programme checks), the iCalendar feed (parsed with icalendar) and the
per-operation download."""
from datetime import date, datetime, timezone

import pytest
from icalendar import Calendar
from sqlalchemy import select

from planner.core.audit import AuditEntry
from planner.core.clock import freeze
from planner.extensions import db
from planner.scheduling.services import regenerate_feed_token, save_schedule
from tests.api.helpers import assert_error
from tests.scheduling.test_phases import FULL


@pytest.fixture
def operations(factory):
    freeze(datetime(2026, 2, 1, 9, tzinfo=timezone.utc))
    lt = factory.operation_in("planning", code_name="AMBER SHIELD")
    save_schedule(factory.coordinator("LT"), lt, {"phases": FULL}, 0)
    db.session.commit()
    factory.accept(lt, "PL")
    factory.invite(lt, "LV")
    fr = factory.operation_in("planning", lead="FR", code_name="BLUE COAST")
    return lt, fr


def _events(body):
    cal = Calendar.from_ical(body)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_the_calendar_shows_only_what_the_user_may_see(client, login, factory, operations):
    lt, fr = operations
    login(factory.coordinator("PL"))
    html = client.get("/calendar/2026").get_data(as_text=True)
    assert "AMBER SHIELD" in html and "BLUE COAST" not in html
    assert "Pre-operational briefing: 2026-04-20 (Vilnius)" in html
    assert 'class="phase-operational"' in html and "style=" not in html
    assert 'id="check-minimum"' in html and 'id="check-sectors"' in html and 'id="check-goods"' in html
    login(factory.user("LV", "contact_point"))  # invited: the operational window only, no programme checks
    html = client.get("/calendar/2026").get_data(as_text=True)
    assert "Operational phase: 2026-05-04 – 2026-05-15" in html and "Vilnius" not in html
    assert 'id="check-minimum"' not in html
    assert client.get("/calendar").status_code == 302


def test_the_calendar_api(api, factory, operations):
    lt, fr = operations
    body = api("GET", "/calendar/2026", factory.coordinator("PL")).get_json()
    assert [o["code_name"] for o in body["operations"]] == ["AMBER SHIELD"]
    assert body["operations"][0]["phases"] == FULL
    assert body["checks"]["minimum_operations"] == 4 and "road" in body["checks"]["covered_transport_sectors"]
    body = api("GET", "/calendar/2026", factory.secretariat()).get_json()
    assert sorted(o["code_name"] for o in body["operations"]) == ["AMBER SHIELD", "BLUE COAST"]
    lv = api("GET", "/calendar/2026", factory.user("LV", "contact_point")).get_json()
    assert lv["operations"][0]["phases"] == [{"kind": "operational", "start": "2026-05-04", "end": "2026-05-15"}]
    assert "checks" not in lv
    assert api("GET", "/calendar/2025", factory.coordinator("PL")).get_json()["operations"] == []


def test_the_feed_parses_and_holds_phases_and_deadlines(client, login, factory, operations):
    lt, fr = operations
    user = factory.coordinator("LT")
    login(user)
    r = client.post("/calendar/feed")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "/calendar/feed/" in html
    url = html.split('id="feed-url" type="text" readonly value="')[1].split('"')[0]
    client.post("/logout")
    before = db.session.scalar(select(db.func.count(AuditEntry.id)))
    response = client.get(url.replace("http://localhost", ""))
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    events = _events(response.data)
    op = events[f"operation-{lt.id}-phase-operational@joint-operations-planner"]
    assert op["DTSTART"].dt == date(2026, 5, 4) and op["DTEND"].dt == date(2026, 5, 16)  # all day, end exclusive
    assert events[f"operation-{lt.id}-phase-briefing@joint-operations-planner"]["LOCATION"] == "Vilnius"
    nominations = events[f"operation-{lt.id}-deadline-nominations@joint-operations-planner"]
    assert nominations["DTSTART"].dt == date(2026, 4, 20)
    assert f"operation-{lt.id}-deadline-contributions@joint-operations-planner" in events
    assert not any(f"operation-{fr.id}-" in uid for uid in events)
    assert db.session.scalar(select(db.func.count(AuditEntry.id))) == before  # polling is never audited


def test_phase_uids_stay_when_the_dates_move(factory, operations, app):
    lt, _fr = operations
    user = factory.coordinator("LT")
    token = regenerate_feed_token(user)
    db.session.commit()
    client = app.test_client()
    first = _events(client.get(f"/calendar/feed/{token}.ics").data)
    moved = [{**p, "start": "2026-04-27"} if p["kind"] == "briefing" else p for p in FULL]
    save_schedule(user, lt, {"phases": moved}, 1)
    db.session.commit()
    second = _events(client.get(f"/calendar/feed/{token}.ics").data)
    uid = f"operation-{lt.id}-phase-briefing@joint-operations-planner"
    assert first[uid]["DTSTART"].dt == date(2026, 4, 20) and second[uid]["DTSTART"].dt == date(2026, 4, 27)
    assert set(first) == set(second)


def test_a_wrong_or_replaced_feed_token_is_404(factory, app, operations):
    user = factory.coordinator("LT")
    old = regenerate_feed_token(user)
    new = regenerate_feed_token(user)
    db.session.commit()
    client = app.test_client()
    assert client.get(f"/calendar/feed/{old}.ics").status_code == 404
    assert client.get("/calendar/feed/wrong-token-wrong-token-wrong.ics").status_code == 404
    assert client.get(f"/calendar/feed/{new}.ics").status_code == 200
    user.is_active_account = False
    db.session.commit()
    assert client.get(f"/calendar/feed/{new}.ics").status_code == 404


def test_the_operation_ics_for_those_who_see_the_schedule(api, client, login, factory, operations):
    lt, _fr = operations
    r = api("GET", f"/operations/{lt.id}/calendar.ics", factory.coordinator("PL"))
    assert r.status_code == 200 and r.mimetype == "text/calendar"
    events = _events(r.data)
    assert len([u for u in events if "-phase-" in u]) == 6
    assert "Not met yet by" not in r.get_data(as_text=True)  # the organisers' business
    assert_error(api("GET", f"/operations/{lt.id}/calendar.ics", factory.coordinator("FR")), 404)
    assert_error(api("GET", f"/operations/{lt.id}/calendar.ics", factory.user("LV", "contact_point")), 403)
    login(factory.coordinator("FR"))
    assert client.get(f"/operations/{lt.id}/calendar.ics").status_code == 404
    login(factory.coordinator("LT"))
    page = client.get(f"/operations/{lt.id}/calendar.ics")
    assert page.status_code == 200 and b"BEGIN:VCALENDAR" in page.data


def test_a_feed_address_through_the_api(api, app, factory, operations):
    from icalendar import Calendar

    user = factory.coordinator("LT")
    first = api("POST", "/calendar/feed", user)
    assert first.status_code == 201
    url = first.get_json()["url"]
    path = url[url.index("/calendar/feed/"):]
    client = app.test_client()
    assert Calendar.from_ical(client.get(path).data).walk("VEVENT")
    second = api("POST", "/calendar/feed", user).get_json()["url"]
    assert client.get(path).status_code == 404 and second != url  # the old address stops working
    assert api("POST", "/calendar/feed", user, scopes=("read",)).status_code == 403
