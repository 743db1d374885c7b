"""Reminders: default rows 7 days and 1 day before a deadline and an overdue notice, moved with their deadline,
sent under a frozen clock on the right day to the people of the organisations that have not met the deadline
and to nobody else, once; added and sent-now reminders through the page and the API."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from planner.core.clock import freeze
from planner.core.mail import MailMessage
from planner.core.notifications import Notification
from planner.extensions import db
from planner.scheduling.models import Reminder
from planner.scheduling.reminders import send_due_reminders, sync_reminders
from planner.scheduling.services import save_schedule, schedule_version
from tests.api.helpers import assert_error


def at(*args):
    return datetime(*args, tzinfo=timezone.utc)


@pytest.fixture
def people(factory):
    """LT leads (planning, operational phase 2026-05-04 – 15, nominations due 2026-04-20), PL accepted with a
    contact point, LV accepted without one, UA invited with an answer due 2026-03-20; with the people who act
    for each and some who do not."""
    freeze(at(2026, 2, 1, 9))
    op = factory.operation_in("planning")
    factory.accept(op, "PL")
    factory.accept(op, "LV")
    db.session.delete(op.participation_of(factory.org("LV").id).nomination)
    factory.invite(op, "UA")
    op.participation_of(factory.org("UA").id).respond_by = date(2026, 3, 20)
    db.session.commit()
    return {
        "op": op,
        "lt": factory.coordinator("LT"),
        "pl": factory.coordinator("PL"),
        "lv_coordinator": factory.coordinator("LV"),
        "lv_contact": factory.user("LV", "contact_point"),
        "lv_officer": factory.user("LV", "officer"),
        "ua_contact": factory.user("UA", "contact_point"),
        "ua_officer": factory.user("UA", "officer"),
    }


def rows(op, key=None):
    query = select(Reminder).where(Reminder.operation_id == op.id).order_by(Reminder.due_at, Reminder.id)
    if key:
        query = query.where(Reminder.deadline_key == key)
    return db.session.scalars(query).all()


def mail_to(kind_prefix="reminder."):
    return sorted((m.recipient, m.subject) for m in db.session.scalars(
        select(MailMessage).where(MailMessage.kind.startswith(kind_prefix))))


def recipients(kind_prefix="reminder."):
    return sorted({m.recipient for m in db.session.scalars(
        select(MailMessage).where(MailMessage.kind.startswith(kind_prefix)))})


def run_at(moment):
    freeze(moment)
    sent = send_due_reminders(moment)
    db.session.expire_all()
    return sent


def test_default_reminders_are_rows_at_08_local_time(people):
    op = people["op"]
    sync_reminders(op)
    db.session.commit()
    nominations = rows(op, "nominations")
    # Brussels is UTC+2 in April: 08:00 local is 06:00 UTC.
    assert [(r.days_before, r.due_at) for r in nominations] == [
        (7, at(2026, 4, 13, 6)), (1, at(2026, 4, 19, 6)), (-1, at(2026, 4, 21, 6))]
    assert [r.due_at for r in rows(op, "invitation-UA")] == [at(2026, 3, 13, 7), at(2026, 3, 19, 7),
                                                              at(2026, 3, 21, 7)]  # UTC+1 in March
    sync_reminders(op)  # idempotent
    db.session.commit()
    assert len(rows(op, "nominations")) == 3


def acting_for(code):
    """The e-mail addresses of the coordinators and contact points of an organisation."""
    from planner.auth.models import User
    from planner.organisations.models import Organisation

    return sorted(db.session.scalars(
        select(User.email).join(Organisation, Organisation.id == User.organisation_id)
        .where(Organisation.code == code, User.role.in_(("coordinator", "contact_point")))))


def about(word):
    return [m for m in mail_to() if word in m[1]]


def test_reminders_go_out_on_the_right_days_to_the_right_people_once(people):
    op = people["op"]
    assert run_at(at(2026, 2, 2, 9)) == 0  # the job makes the rows; nothing is due yet
    # 13 April 05:59 UTC: the answer reminders of UA are all due (the last one, the overdue notice, goes alone)
    assert run_at(at(2026, 4, 13, 5, 59)) == 1
    assert recipients() == acting_for("UA") == [people["ua_contact"].email]
    assert about("Nominations") == []
    db.session.execute(MailMessage.__table__.delete())
    db.session.commit()

    assert run_at(at(2026, 4, 13, 6)) == 1
    lv = acting_for("LV")
    assert people["lv_coordinator"].email in lv and people["lv_contact"].email in lv
    assert recipients() == lv  # LV only: PL has nominated; LV's officer does not act for it
    assert people["lv_officer"].email not in recipients() and people["pl"].email not in recipients()
    assert all("reminder: Nominations due 2026-04-20" in subject for _to, subject in mail_to())
    sent = rows(op, "nominations")[0]
    assert (sent.outcome, sent.recipient_codes, sent.recipient_count) == ("sent", ["LV"], len(lv))

    assert run_at(at(2026, 4, 13, 6, 5)) == 0  # the job again a little later: nothing new
    assert run_at(at(2026, 4, 13, 6)) == 0  # and for exactly the same moment
    assert len(mail_to()) == len(lv)


def test_a_missed_run_is_caught_up_once_and_the_overdue_notice_follows(people):
    op = people["op"]
    lv = acting_for("LV")
    run_at(at(2026, 2, 2, 9))
    run_at(at(2026, 4, 19, 6))  # the 7-day reminder was missed (the process was down): only the latest goes
    assert [r.outcome for r in rows(op, "nominations")] == ["superseded", "sent", None]
    assert len(about("Nominations")) == len(lv)
    assert [r.outcome for r in rows(op, "invitation-UA")] == ["superseded", "superseded", "sent"]

    run_at(at(2026, 4, 21, 6))
    overdue = about("overdue since 2026-04-20")
    assert sorted(to for to, _subject in overdue) == lv
    assert len(about("Nominations")) == 2 * len(lv)


def test_a_met_deadline_reminds_nobody(people, factory):
    from tests.participants.prepare import nominate_missing_contact_points

    op = people["op"]
    run_at(at(2026, 2, 2, 9))  # the rows exist
    nominate_missing_contact_points(factory, op)  # LV nominates its contact point
    run_at(at(2026, 4, 13, 6))
    assert rows(op, "nominations")[0].outcome == "nobody"
    assert about("Nominations") == []


def test_moving_the_operational_start_moves_the_reminders(people):
    op = people["op"]
    run_at(at(2026, 2, 2, 9))
    phases = [{"kind": "operational", "start": "2026-05-18", "end": "2026-05-29"}]
    save_schedule(people["lt"], op, {"phases": phases}, schedule_version(op))
    db.session.commit()
    assert [r.due_at for r in rows(op, "nominations")] == [at(2026, 4, 27, 6), at(2026, 5, 3, 6),
                                                            at(2026, 5, 5, 6)]
    run_at(at(2026, 4, 13, 6))
    assert about("Nominations") == []  # nothing on the old day
    run_at(at(2026, 4, 27, 6))
    assert sorted(to for to, _subject in about("Nominations due 2026-05-04")) == acting_for("LV")


def test_a_reminder_sent_before_its_deadline_moved_later_gets_a_new_one(people):
    op = people["op"]
    run_at(at(2026, 2, 2, 9))
    run_at(at(2026, 4, 13, 6))
    phases = [{"kind": "operational", "start": "2026-05-25", "end": "2026-05-29"}]
    save_schedule(people["lt"], op, {"phases": phases}, schedule_version(op))
    db.session.commit()
    nominations = rows(op, "nominations")
    assert [(r.deadline_due, r.days_before, r.outcome) for r in nominations] == [
        (date(2026, 4, 20), 7, "sent"), (date(2026, 5, 11), 7, None), (date(2026, 5, 11), 1, None),
        (date(2026, 5, 11), -1, None)]


def test_coordinators_add_and_send_reminders_through_the_page(client, login, people):
    op = people["op"]
    run_at(at(2026, 2, 2, 9))  # the job has made the default rows
    login(people["lt"])
    page = client.get(f"/operations/{op.id}/reminders")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "now: LV" in html and "Send a reminder now" in html

    answer = client.post(f"/operations/{op.id}/reminders", data={
        "action": "add", "deadline": "nominations", "days_before": "3", "message": "Please <b>nominate</b>"})
    assert answer.status_code == 302
    added = [r for r in rows(op, "nominations") if r.origin == "added"]
    assert [(r.days_before, r.due_at) for r in added] == [(3, at(2026, 4, 17, 6))]

    bad = client.post(f"/operations/{op.id}/reminders", data={"action": "add", "deadline": "nominations",
                                                              "days_before": "=1+1"})
    assert bad.status_code == 422
    assert "Give a whole number of days." in bad.get_data(as_text=True)

    answer = client.post(f"/operations/{op.id}/reminders", data={"action": "send_now", "deadline": "nominations",
                                                                 "message": "<script>x()</script>"})
    assert answer.status_code == 302
    assert recipients() == acting_for("LV")
    html = client.get(f"/operations/{op.id}/reminders").get_data(as_text=True)
    assert "<script>x()</script>" not in html and "&lt;script&gt;" in html
    notes = db.session.scalars(select(Notification).where(Notification.user_id == people["lv_contact"].id)).all()
    assert [n.kind for n in notes] == ["reminder.nominations"]
    mail = db.session.scalars(select(MailMessage).where(MailMessage.recipient == people["lv_contact"].email)).one()
    assert "<script>x()</script>" not in mail.html_body and "x()" in mail.text_body


def test_participants_do_not_see_reminders_and_outsiders_do_not_learn_of_them(client, login, people, factory):
    op = people["op"]
    login(people["pl"])
    assert client.get(f"/operations/{op.id}/reminders").status_code == 403
    assert client.post(f"/operations/{op.id}/reminders", data={"action": "send_now",
                                                               "deadline": "nominations"}).status_code == 403
    login(factory.coordinator("FR"))
    assert client.get(f"/operations/{op.id}/reminders").status_code == 404
    assert mail_to() == []


def test_reminders_through_the_api(api, people, factory):
    op = people["op"]
    lt = people["lt"]
    answer = api("POST", f"/operations/{op.id}/reminders", lt, json={"deadline": "nominations", "days_before": 2})
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["due_at"] == "2026-04-18T06:00:00+00:00"
    duplicate = api("POST", f"/operations/{op.id}/reminders", lt, json={"deadline": "nominations", "days_before": 2})
    assert_error(duplicate, 422, "days_before")
    assert_error(api("POST", f"/operations/{op.id}/reminders", lt, json={"deadline": "nope", "days_before": 2}),
                 422, "deadline")
    assert_error(api("POST", f"/operations/{op.id}/reminders", lt,
                     json={"deadline": "nominations", "days_before": 10**9}), 422, "days_before")
    assert_error(api("POST", f"/operations/{op.id}/reminders", lt,
                     json={"deadline": "nominations", "days_before": 200}), 422, "days_before")  # would be in the past
    assert_error(api("POST", f"/operations/{op.id}/reminders", lt,
                     json={"deadline": "nominations", "days_before": True}), 422, "days_before")

    listing = api("GET", f"/operations/{op.id}/reminders", lt).get_json()
    added = [r for r in listing["items"] if r["origin"] == "added"]
    assert added[0]["would_go_to"] == ["LV"]
    assert {d["key"]: d["outstanding"] for d in listing["deadlines"]}["nominations"] == ["LV"]

    sent = api("POST", f"/operations/{op.id}/reminders/send", lt, json={"deadline": "invitation-UA"})
    assert sent.status_code == 201
    assert sent.get_json()["recipients"] == ["UA"]
    assert recipients() == [people["ua_contact"].email]

    removed = api("DELETE", f"/operations/{op.id}/reminders/{added[0]['id']}", lt)
    assert removed.get_json()["outcome"] == "cancelled"
    assert_error(api("DELETE", f"/operations/{op.id}/reminders/{sent.get_json()['id']}", lt), 409)

    pl = people["pl"]
    assert api("GET", f"/operations/{op.id}/reminders", pl).status_code == 403
    assert api("POST", f"/operations/{op.id}/reminders/send", pl, json={"deadline": "nominations"}).status_code == 403
    other = factory.operation_in("planning", lead="FR", participants=("DE",))
    assert api("GET", f"/operations/{other.id}/reminders", lt).status_code == 404
    assert api("GET", f"/operations/{op.id}/reminders", factory.secretariat()).status_code == 200
    assert api("POST", f"/operations/{op.id}/reminders/send", factory.secretariat(),
               json={"deadline": "nominations"}).status_code == 403


def test_the_reminders_reach_a_real_smtp_server(people, mail_server):
    op = people["op"]
    run_at(at(2026, 2, 2, 9))
    mail_server.up()
    run_at(at(2026, 4, 19, 6))  # the 1-day reminder of the nominations (and UA's overdue answer)
    lv = acting_for("LV")
    for address in lv:
        [message] = [m for m in mail_server.received(to=address)]
        assert "reminder: Nominations due 2026-04-20" in message["Subject"]
        text = message.get_body(preferencelist=("plain",)).get_content()
        html = message.get_body(preferencelist=("html",)).get_content()
        assert f"Nominations of LV in operation {op.reference}" in text
        assert f"https://planner.example/operations/{op.id}/participants" in text
        assert f'href="https://planner.example/operations/{op.id}/participants"' in html
    everybody = {rcpt for e in mail_server.envelopes() for rcpt in e.rcpt_tos}
    assert everybody == set(lv) | {people["ua_contact"].email}
    run_at(at(2026, 4, 19, 6, 30))
    assert len(mail_server.envelopes()) == len(everybody)  # nothing twice


def test_an_invitation_due_soon_gets_no_late_seven_day_reminder_but_a_missed_overdue_notice_goes_once(
        people, factory):
    from planner.participants.services import invite

    op = people["op"]
    run_at(at(2026, 2, 2, 9))
    freeze(at(2026, 3, 2, 12))
    de = factory.user("DE", "contact_point")
    invite(people["lt"], op, {"organisations": ["DE"], "respond_by": "2026-03-05"}, now=at(2026, 3, 2, 12))
    db.session.commit()
    assert [(r.days_before, r.outcome) for r in rows(op, "invitation-DE")] == [(7, "skipped"), (1, None),
                                                                               (-1, None)]
    db.session.execute(MailMessage.__table__.delete())
    db.session.commit()
    assert run_at(at(2026, 3, 2, 12, 5)) == 0  # no "due in seven days" right after the invitation
    # the scheduler is down from 3 to 10 March: on its return only the overdue notice goes, once
    run_at(at(2026, 3, 10, 9))
    assert [(r.days_before, r.outcome) for r in rows(op, "invitation-DE")] == [(7, "skipped"), (1, "superseded"),
                                                                               (-1, "sent")]
    assert [subject for to, subject in mail_to() if to == de.email] == [
        f"{op.reference} {op.code_name}: overdue since 2026-03-05: Answer to the invitation"]


def test_catching_up_on_a_deadline_the_job_never_saw_sends_its_latest_reminder_once(people):
    """Rows made by nobody (the invitation came in while the scheduler was down, outside the services): the job
    makes the latest passed moment due and sends it once."""
    op = people["op"]
    run_at(at(2026, 3, 25, 9))  # UA's answer was due on 20 March; nothing was ever made for it
    assert [(r.days_before, r.outcome) for r in rows(op, "invitation-UA")] == [
        (7, "skipped"), (1, "skipped"), (-1, "sent")]
    assert recipients() == [people["ua_contact"].email]
    run_at(at(2026, 3, 26, 9))
    assert len(about("overdue since 2026-03-20")) == 1


def test_contributions_and_the_final_report_are_tracked_with_an_overdue_notice(people):
    """The planner knows who has submitted a contribution and whether the report is final: their deadlines get
    an overdue notice like the others (only the annual report, whose dispatch is not recorded, gets none)."""
    op = people["op"]
    phases = [{"kind": "operational", "start": "2026-05-04", "end": "2026-05-15"},
              {"kind": "final_report_due", "start": "2026-10-30"}]
    save_schedule(people["lt"], op, {"phases": phases}, schedule_version(op))
    db.session.commit()
    assert [r.days_before for r in rows(op, "contributions")] == [7, 1, -1]
    assert [r.days_before for r in rows(op, "final_report")] == [7, 1, -1]
    assert [r.days_before for r in rows(op, "nominations")] == [7, 1, -1]


def test_the_secretariat_is_reminded_of_the_annual_report(api, people, factory):
    secretariat = factory.secretariat()
    run_at(at(2026, 2, 2, 9))
    annual = [r for r in db.session.scalars(select(Reminder).where(Reminder.operation_id.is_(None)))]
    # 2027-03-31 in Brussels (UTC+1 in March): 7 days and 1 day before, 08:00 local; no overdue notice
    assert [(r.deadline_key, r.due_at) for r in annual] == [("annual-report-2026", at(2027, 3, 24, 7)),
                                                             ("annual-report-2026", at(2027, 3, 30, 6))]
    run_at(at(2026, 2, 3, 9))
    assert db.session.scalar(select(func.count(Reminder.id)).where(Reminder.operation_id.is_(None))) == 2
    run_at(at(2027, 3, 24, 7))
    assert recipients("reminder.annual_report") == [secretariat.email]
    assert "annual report on 2026 to the Council is due 2027-03-31" in mail_to("reminder.annual_report")[0][1]
    body = api("GET", "/deadlines", secretariat).get_json()
    [entry] = [a for a in body["annual_reports"] if a["year"] == 2026]
    assert [r["outcome"] for r in entry["reminders"]] == ["sent", None]
    run_at(at(2027, 3, 24, 8))
    assert len(mail_to("reminder.annual_report")) == 1


def test_a_reminder_sent_at_once_waits_an_hour_before_the_next(api, people):
    op = people["op"]
    lt = people["lt"]
    assert api("POST", f"/operations/{op.id}/reminders/send", lt, json={"deadline": "nominations"}).status_code == 201
    again = api("POST", f"/operations/{op.id}/reminders/send", lt, json={"deadline": "nominations"})
    assert_error(again, 422, "deadline")
    assert "the next one can go an hour later" in again.get_json()["errors"]["deadline"][0]
    freeze(at(2026, 2, 1, 10, 1))
    assert api("POST", f"/operations/{op.id}/reminders/send", lt, json={"deadline": "nominations"}).status_code == 201


def test_an_earlier_reminder_is_not_sent_after_another_process_sent_a_later_one(people):
    """Process B read its list of due reminders after process A had sent the latest one of a deadline but before
    A marked the earlier ones: B must not send an earlier one."""
    op = people["op"]
    run_at(at(2026, 2, 2, 9))
    seven, one, overdue = rows(op, "invitation-UA")
    overdue.handled_at, overdue.outcome, overdue.recipients = at(2026, 3, 25, 9), "sent", "UA"  # by process A
    db.session.commit()
    assert run_at(at(2026, 3, 25, 9, 1)) == 0
    assert [r.outcome for r in rows(op, "invitation-UA")] == ["superseded", "superseded", "sent"]
    assert about("invitation") == []


def test_a_removed_later_reminder_does_not_silence_an_earlier_due_one(api, people):
    op = people["op"]
    run_at(at(2026, 2, 2, 9))
    seven, one, _overdue = rows(op, "nominations")
    assert api("DELETE", f"/operations/{op.id}/reminders/{one.id}", people["lt"]).status_code == 200
    run_at(at(2026, 4, 19, 9))  # down from 13 to 19 April: the 7-day reminder is the latest that may go
    seven, one, _overdue = rows(op, "nominations")
    assert (seven.outcome, one.outcome) == ("sent", "cancelled")
    assert sorted(to for to, _subject in about("Nominations")) == acting_for("LV")
