"""Phases: validation by dotted field, optimistic locking, audit, who may edit, and deadlines that move with the
operational phase (through the page and the API)."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from planner.core.audit import AuditEntry
from planner.core.clock import freeze
from planner.core.errors import PermissionDenied, StaleVersion, TransitionRefused, ValidationError
from planner.extensions import db
from planner.scheduling.deadlines import DeadlineKind, operation_deadlines
from planner.scheduling.services import save_schedule, schedule_json
from tests.api.helpers import assert_error

FULL = [
    {"kind": "preparation", "start": "2026-03-01", "end": "2026-05-03"},
    {"kind": "briefing", "start": "2026-04-20", "place": "Vilnius"},
    {"kind": "operational", "start": "2026-05-04", "end": "2026-05-15"},
    {"kind": "post_operational", "start": "2026-05-16", "end": "2026-06-30"},
    {"kind": "debriefing", "start": "2026-09-15", "place": "Warsaw"},
    {"kind": "final_report_due", "start": "2026-10-31"},
]


def _with(kind, **changes):
    return [{**p, **changes} if p["kind"] == kind else dict(p) for p in FULL]


def nomination_due(operation):
    return next(d.due for d in operation_deadlines(operation) if d.kind is DeadlineKind.NOMINATIONS).isoformat()


@pytest.fixture
def planning(factory):
    freeze(datetime(2026, 2, 1, 9, tzinfo=timezone.utc))
    return factory.operation_in("planning", co_organisers=["OLAF"])


def test_approval_gives_the_first_phases_and_the_api_reads_them(api, factory, planning):
    body = api("GET", f"/operations/{planning.id}/phases", factory.coordinator("LT")).get_json()
    assert body["phases"] == [{"kind": "preparation", "start": "2026-03-01", "end": "2026-05-03"},
                              {"kind": "operational", "start": "2026-05-04", "end": "2026-05-15"}]
    assert body["version"] == 0 and body["reporting_frequency"] == "weekly" and body["editable"] is True


def test_the_full_schedule_saves_and_reads_back_exactly(api, factory, planning):
    coordinator = factory.coordinator("LT")
    r = api("PUT", f"/operations/{planning.id}/phases", coordinator, json={"phases": FULL, "version": 0})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["phases"] == FULL and r.get_json()["version"] == 1
    assert api("GET", f"/operations/{planning.id}/phases", coordinator).get_json()["phases"] == FULL


@pytest.mark.parametrize("phases, field", [
    (_with("preparation", end="2026-05-04"), "phases.0.end"),
    (_with("briefing", start="2026-05-04"), "phases.1.start"),
    (_with("post_operational", start="2026-05-15"), "phases.3.start"),
    (_with("debriefing", start="2026-05-10"), "phases.4.start"),
    (_with("final_report_due", start="2026-05-15"), "phases.5.start"),
    ([{"kind": "operational", "start": "2025-12-20", "end": "2026-01-10"}], "phases.0.start"),
    (_with("operational", end="2026-05-01"), "phases.2.end"),
    (_with("operational", start="4 May 2026"), "phases.2.start"),
    (_with("operational", start="2026-02-30"), "phases.2.start"),
    (_with("briefing", place="x" * 201), "phases.1.place"),
    (_with("briefing", colour="red"), "phases.1.colour"),
    (FULL + [{"kind": "briefing", "start": "2026-04-21"}], "phases.6.kind"),
    ([{"kind": "coffee", "start": "2026-04-21"}], "phases.0.kind"),
    ([p for p in FULL if p["kind"] != "operational"], "phases"),
])
def test_validation_names_the_field(api, factory, planning, phases, field):
    r = api("PUT", f"/operations/{planning.id}/phases", factory.coordinator("LT"),
            json={"phases": phases, "version": 0})
    body = assert_error(r, 422, field)
    assert len(body["errors"]) == 1, body


def test_the_operational_phase_outside_the_year_needs_a_confirmation(api, factory, planning):
    coordinator = factory.coordinator("LT")
    phases = [{"kind": "operational", "start": "2026-12-20", "end": "2027-01-05"}]
    assert_error(api("PUT", f"/operations/{planning.id}/phases", coordinator, json={"phases": phases, "version": 0}),
                 422, "phases.0.end")
    r = api("PUT", f"/operations/{planning.id}/phases", coordinator,
            json={"phases": phases, "version": 0, "confirm_outside_year": True})
    assert r.status_code == 200, r.get_json()


def test_a_stale_version_is_refused_with_409(api, factory, planning):
    coordinator = factory.coordinator("LT")
    assert api("PUT", f"/operations/{planning.id}/phases", coordinator,
               json={"phases": FULL, "version": 0}).status_code == 200
    body = assert_error(api("PUT", f"/operations/{planning.id}/phases", coordinator,
                            json={"phases": FULL, "version": 0}), 409, "version")
    assert body["current_version"] == 1
    assert_error(api("PUT", f"/operations/{planning.id}/phases", coordinator, json={"phases": FULL}), 422, "version")


def test_moving_the_operational_start_through_the_api_moves_the_nomination_deadline(api, factory, planning):
    coordinator = factory.co = factory.coordinator("OLAF")  # a co-organiser's coordinator sets the schedule too
    assert nomination_due(planning) == "2026-04-20"
    moved = _with("operational", start="2026-06-01", end="2026-06-12")
    moved = [p for p in moved if p["kind"] not in ("post_operational",)]
    moved = [{**p, "end": "2026-05-31"} if p["kind"] == "preparation" else p for p in moved]
    r = api("PUT", f"/operations/{planning.id}/phases", coordinator,
            json={"phases": moved, "version": 0, "reporting_frequency": "daily"})
    assert r.status_code == 200, r.get_json()
    db.session.expire_all()
    assert nomination_due(planning) == "2026-05-18"
    results = [d.due.isoformat() for d in operation_deadlines(planning) if d.kind is DeadlineKind.RESULTS]
    assert results[0] == "2026-06-01" and results[-1] == "2026-06-12" and len(results) == 12


def test_moving_the_operational_start_through_the_page_moves_the_nomination_deadline(client, login, factory,
                                                                                      planning):
    login(factory.coordinator("LT"))
    page = client.get(f"/operations/{planning.id}/schedule")
    assert page.status_code == 200 and 'name="operational-start"' in page.get_data(as_text=True)
    form = {"version": "0", "preparation-start": "2026-03-01", "preparation-end": "2026-05-03",
            "operational-start": "2026-05-11", "operational-end": "2026-05-22", "reporting_frequency": "weekly",
            "briefing-start": "2026-05-04", "briefing-place": "Vilnius"}
    r = client.post(f"/operations/{planning.id}/schedule", data=form)
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert nomination_due(planning) == "2026-04-27"
    assert "2026-04-27" in client.get(f"/operations/{planning.id}/schedule").get_data(as_text=True)


def test_the_page_shows_errors_next_to_the_field(client, login, factory, planning):
    login(factory.coordinator("LT"))
    r = client.post(f"/operations/{planning.id}/schedule", data={
        "version": "0", "operational-start": "2026-05-04", "operational-end": "2026-05-15",
        "debriefing-start": "2026-05-01"})
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert 'id="debriefing-start-err"' in html and "after the operational end" in html
    assert 'id="debriefing-place-err"' in html and "Give the place of the meeting." in html
    assert 'value="2026-05-01"' in html  # what was typed stays


def test_the_page_refuses_a_stale_version(client, login, factory, planning):
    login(factory.coordinator("LT"))
    data = {"operational-start": "2026-05-04", "operational-end": "2026-05-15"}
    assert client.post(f"/operations/{planning.id}/schedule", data={**data, "version": "0"}).status_code == 302
    r = client.post(f"/operations/{planning.id}/schedule", data={**data, "version": "0"})
    assert r.status_code == 409 and "Somebody else saved" in r.get_data(as_text=True)


def test_who_may_edit(factory, planning):
    participant = factory.coordinator("PL")
    factory.accept(planning, "PL")
    with pytest.raises(PermissionDenied):
        save_schedule(participant, planning, {"phases": FULL}, 0)
    with pytest.raises(PermissionDenied):
        save_schedule(factory.user("LT", "contact_point"), planning, {"phases": FULL}, 0)
    draft = factory.operation()
    with pytest.raises(TransitionRefused):
        save_schedule(factory.coordinator("LT"), draft, {"phases": FULL}, 0)
    with pytest.raises(StaleVersion):
        save_schedule(factory.coordinator("LT"), planning, {"phases": FULL}, 3)
    with pytest.raises(ValidationError):
        save_schedule(factory.coordinator("LT"), planning, {"phases": "all of them"}, 0)


def test_participants_read_but_do_not_edit_and_the_invited_do_not_read(api, client, login, factory, planning):
    factory.accept(planning, "PL")
    factory.invite(planning, "LV")
    pl = factory.coordinator("PL")
    body = api("GET", f"/operations/{planning.id}/phases", pl).get_json()
    assert body["editable"] is False and body["phases"]
    assert_error(api("PUT", f"/operations/{planning.id}/phases", pl, json={"phases": FULL, "version": 0}), 403)
    lv = factory.user("LV", "contact_point")
    assert_error(api("GET", f"/operations/{planning.id}/phases", lv), 403)
    assert_error(api("GET", f"/operations/{planning.id}/phases", factory.coordinator("FR")), 404)
    login(pl)
    html = client.get(f"/operations/{planning.id}/schedule").get_data(as_text=True)
    assert "Save the schedule" not in html and "2026-05-04" in html
    assert client.post(f"/operations/{planning.id}/schedule", data={"version": "0"}).status_code == 403
    # the invited organisation still sees the operational window on the overview
    login(lv)
    assert "2026-05-04" in client.get(f"/operations/{planning.id}").get_data(as_text=True)


def test_changes_are_audited_with_before_and_after(factory, planning):
    coordinator = factory.coordinator("LT")
    save_schedule(coordinator, planning, {"phases": FULL}, 0)
    db.session.commit()
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "schedule.updated")).one()
    change = entry.data["changes"]["phases"]
    assert len(change["before"]) == 2 and len(change["after"]) == 6
    assert entry.operation_id == planning.id and entry.user_id == coordinator.id
    assert schedule_json(planning)["version"] == 1


def test_the_start_needs_an_operational_phase(factory, planning):
    from planner.operations.lifecycle import unmet_conditions
    from planner.scheduling.models import Phase

    for phase in db.session.scalars(select(Phase).where(Phase.operation_id == planning.id)):
        db.session.delete(phase)
    db.session.flush()
    assert "The schedule needs an operational phase." in unmet_conditions("start", planning, None)


def test_a_week_date_is_not_a_date(api, factory, planning):
    phases = _with("operational", start="2026-W19-1")
    assert_error(api("PUT", f"/operations/{planning.id}/phases", factory.coordinator("LT"),
                     json={"phases": phases, "version": 0}), 422, "phases.2.start")
