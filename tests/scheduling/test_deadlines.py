"""Deadlines: computed from the phases and the invitations; the dashboard and the API list a participant's own
and, for the organisers, their participants' with who has not met them; overdue ones under a frozen clock."""
import re
from datetime import date, datetime, timezone

import pytest

from planner.core.clock import freeze
from planner.extensions import db
from planner.participants.models import Nomination
from planner.scheduling.deadlines import DeadlineKind, annual_report_due, local_today, operation_deadlines


@pytest.fixture
def operation(factory):
    """LT leads (planning, operational phase 2026-05-04 – 15), PL accepted with a contact point, LV accepted
    without one, UA invited with an answer due 2026-03-20."""
    freeze(datetime(2026, 2, 1, 9, tzinfo=timezone.utc))
    op = factory.operation_in("planning")
    factory.accept(op, "PL")
    factory.accept(op, "LV")
    lv = op.participation_of(factory.org("LV").id)
    db.session.delete(lv.nomination)  # LV has not nominated anybody yet
    factory.invite(op, "UA")
    op.participation_of(factory.org("UA").id).respond_by = date(2026, 3, 20)
    db.session.commit()
    return op


def test_deadlines_follow_the_phases_and_invitations(operation):
    by_kind = {}
    for d in operation_deadlines(operation):
        by_kind.setdefault(d.kind, []).append(d)
    nominations = by_kind[DeadlineKind.NOMINATIONS][0]
    assert nominations.due == date(2026, 4, 20)
    assert sorted(o.code for o in nominations.missing) == ["LV"]
    assert [d.due for d in by_kind[DeadlineKind.INVITATION_ANSWER]] == [date(2026, 3, 20)]
    assert [d.due for d in by_kind[DeadlineKind.RESULTS]] == [date(2026, 5, 10), date(2026, 5, 15)]  # weekly
    assert DeadlineKind.FINAL_REPORT not in by_kind  # no final report date scheduled yet


def test_the_annual_report_date_is_configurable(app, app_ctx):
    assert annual_report_due(2026) == date(2027, 3, 31)
    app.config["ANNUAL_REPORT_DUE"] = "02-15"
    try:
        assert annual_report_due(2026) == date(2027, 2, 15)
    finally:
        app.config["ANNUAL_REPORT_DUE"] = "03-31"


def test_today_is_the_operations_local_date(operation):
    operation.time_zone = "Pacific/Auckland"
    assert local_today(operation, datetime(2026, 4, 19, 20, tzinfo=timezone.utc)) == date(2026, 4, 20)
    operation.time_zone = "Europe/Brussels"
    assert local_today(operation, datetime(2026, 4, 19, 20, tzinfo=timezone.utc)) == date(2026, 4, 19)


def test_a_participants_dashboard_lists_its_own_deadlines(client, login, factory, operation):
    login(factory.user("LV", "contact_point"))
    html = client.get("/").get_data(as_text=True)
    assert "Nominations due 2026-04-20" in html
    assert "missing: " not in html  # other participants' progress is the organisers' business
    assert "Answer to the invitation" not in html  # UA's, not LV's


def test_the_coordinators_dashboard_names_who_has_not_met_a_deadline(client, login, factory, operation):
    login(factory.coordinator("LT"))
    html = client.get("/").get_data(as_text=True)
    assert "Nominations due 2026-04-20" in html and "missing: LV" in html
    assert "Answer to the invitation due 2026-03-20" in html and "missing: UA" in html


def test_the_invited_organisation_sees_its_answer_deadline(api, factory, operation):
    items = api("GET", "/deadlines", factory.user("UA", "contact_point")).get_json()["items"]
    assert [(d["kind"], d["due"], d["own_status"], d["overdue"]) for d in items] == [
        ("invitation_answer", "2026-03-20", "missing", False)]


def test_overdue_deadlines_are_marked_under_a_frozen_clock(api, factory, operation):
    lt = factory.coordinator("LT")
    freeze(datetime(2026, 4, 21, 7, tzinfo=timezone.utc))  # 09:00 in Brussels, the day after the deadline
    items = api("GET", "/deadlines", lt).get_json()["items"]
    nominations = next(d for d in items if d["kind"] == "nominations")
    assert nominations["overdue"] is True and nominations["missing"] == ["LV"]
    assert next(d for d in items if d["kind"] == "invitation_answer")["overdue"] is True
    results = [d for d in items if d["kind"] == "results"]
    assert len(results) == 1 and results[0]["due"] == "2026-05-10" and results[0]["overdue"] is False
    freeze(datetime(2026, 4, 20, 21, 30, tzinfo=timezone.utc))  # 23:30 on the 20th in Brussels: still due today
    items = api("GET", "/deadlines", lt).get_json()["items"]
    assert next(d for d in items if d["kind"] == "nominations")["overdue"] is False


def test_a_met_deadline_leaves_the_participants_list(api, factory, operation):
    pl = factory.coordinator("PL")
    kinds = [d["kind"] for d in api("GET", "/deadlines", pl).get_json()["items"]]
    assert "nominations" not in kinds  # PL has its contact point
    freeze(datetime(2026, 4, 25, 9, tzinfo=timezone.utc))
    lv_items = api("GET", "/deadlines", factory.user("LV", "contact_point")).get_json()["items"]
    assert [d["overdue"] for d in lv_items if d["kind"] == "nominations"] == [True]
    lv = operation.participation_of(factory.org("LV").id)
    from tests.participants.prepare import nominate_missing_contact_points

    assert lv.nomination is None or isinstance(lv.nomination, Nomination)
    nominate_missing_contact_points(factory, operation)
    lv_items = api("GET", "/deadlines", factory.user("LV", "contact_point")).get_json()["items"]
    assert "nominations" not in [d["kind"] for d in lv_items]


def test_the_secretariat_sees_the_annual_report(api, factory, operation):
    body = api("GET", "/deadlines", factory.secretariat()).get_json()
    assert [(a["year"], a["due"]) for a in body["annual_reports"]] == [(2026, "2027-03-31")]


def test_the_schedule_proposes_an_answer_date_for_invitations(api, factory, operation):
    body = api("GET", f"/operations/{operation.id}/phases", factory.coordinator("LT")).get_json()
    assert body["proposed_respond_by"] == "2026-04-06"  # two weeks before the nominations (2026-04-20)
    freeze(datetime(2026, 4, 10, 9, tzinfo=timezone.utc))
    body = api("GET", f"/operations/{operation.id}/phases", factory.coordinator("LT")).get_json()
    assert body["proposed_respond_by"] == "2026-04-17"  # at least a week from today


def test_an_invitation_without_a_date_takes_the_proposed_one(api, client, login, factory, operation):
    lt = factory.coordinator("LT")
    login(lt)
    page = client.get(f"/operations/{operation.id}/participants/invite").get_data(as_text=True)
    assert 'value="2026-04-06"' in page  # the form starts from the schedule's proposal
    answer = api("POST", f"/operations/{operation.id}/invitations", lt, json={"organisations": ["DE"]})
    assert answer.status_code == 201, answer.get_json()
    assert [i["respond_by"] for i in answer.get_json()["items"]] == ["2026-04-06"]
    chosen = api("POST", f"/operations/{operation.id}/invitations", lt,
                 json={"organisations": ["FR"], "respond_by": "2026-03-15"})
    assert [i["respond_by"] for i in chosen.get_json()["items"]] == ["2026-03-15"]  # a date given stands


def test_participants_do_not_learn_whom_the_lead_invited_or_who_declined(api, client, login, factory, operation):
    from icalendar import Calendar

    factory.invite(operation, "DE")
    de = operation.participation_of(factory.org("DE").id)
    de.status, de.answered_at, de.respond_by = "declined", datetime(2026, 2, 1, 9, tzinfo=timezone.utc), \
        date(2026, 3, 1)
    db.session.commit()
    pl = factory.coordinator("PL")
    login(pl)
    page = client.get(f"/operations/{operation.id}/schedule").get_data(as_text=True)
    tab = page[page.index('id="deadlines"'):]
    tab = tab[:tab.index("</table>")]
    assert "Answer to the invitation" not in page
    assert re.findall(r"\b(UA|DE)\b", tab) == []
    assert "LV" in tab  # an accepted participant is known to the others
    ics = Calendar.from_ical(api("GET", f"/operations/{operation.id}/calendar.ics", pl).data)
    text = " ".join(str(event.get(field, "")) for event in ics.walk("VEVENT")
                    for field in ("uid", "summary", "description"))
    assert "invitation" not in text and re.findall(r"\b(UA|DE)\b", text) == [] and "not met" not in text.lower()
    assert "LV" in text
    lt = factory.coordinator("LT")
    login(lt)
    tab = client.get(f"/operations/{operation.id}/schedule").get_data(as_text=True)
    assert "Answer to the invitation" in tab and "missing: UA" in tab  # the organisers see everything
    ua = factory.user("UA", "contact_point")
    assert [d["kind"] for d in api("GET", "/deadlines", ua).get_json()["items"]] == ["invitation_answer"]


def test_contributions_and_the_final_report_are_met_once_submitted_and_final(factory, operation):
    """A contribution deadline is met by a participant whose contribution is submitted (a draft is not), the final
    report deadline once the report is final; the dashboards' preloaded path agrees."""
    from planner.reports.services import issue_final_report, save_contribution, save_final_report
    from planner.scheduling.deadlines import preload_schedules
    from planner.scheduling.services import save_schedule, schedule_version
    from tests.reports.prepare import narrative

    lt = factory.coordinator("LT")
    phases = [{"kind": "operational", "start": "2026-05-04", "end": "2026-05-15"},
              {"kind": "final_report_due", "start": "2026-10-30"}]
    save_schedule(lt, operation, {"phases": phases}, schedule_version(operation))
    db.session.commit()

    def statuses(preloaded=None):
        found = {d.kind: {org.code: s for org, s in d.status.items()} for d in operation_deadlines(operation, preloaded)
                 if d.kind in (DeadlineKind.CONTRIBUTIONS, DeadlineKind.FINAL_REPORT)}
        return found[DeadlineKind.CONTRIBUTIONS], found[DeadlineKind.FINAL_REPORT]

    assert statuses() == ({"PL": "missing", "LV": "missing"}, {"LT": "missing"})
    save_contribution(operation, factory.coordinator("PL"), "What Poland did.", submit=True)
    save_contribution(operation, factory.user("LV", "contact_point"), "Latvia's draft.")
    save_final_report(operation, lt, narrative())
    db.session.commit()
    assert statuses() == ({"PL": "met", "LV": "missing"}, {"LT": "missing"})  # a draft is not met
    issue_final_report(operation, lt)
    db.session.commit()
    assert statuses() == ({"PL": "met", "LV": "missing"}, {"LT": "met"})
    assert statuses(preload_schedules([operation])[operation.id]) == statuses()
