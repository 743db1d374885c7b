"""The scheduled jobs under a frozen clock: the automatic start on the day when the guards pass and a notice
with the reasons (once a day) when they do not, the automatic end after the last day, the weekly digest once a
week; the scheduler lock, and two schedulers against one database sending each reminder once."""
import os
import threading
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from planner import create_app
from planner import config as planner_config
from planner.core.audit import AuditEntry, log_action
from planner.core.clock import freeze
from planner.core.mail import MailMessage
from planner.core.notifications import Notification
from planner.core.scheduler import PlannerScheduler, SchedulerLock, claim_once, run_all_jobs
from planner.extensions import db
from planner.operations.models import Operation
from planner.scheduling.jobs import advance_operations, digest_moment, send_weekly_digests
from planner.scheduling.models import Reminder


def at(*args):
    return datetime(*args, tzinfo=timezone.utc)


def notes(user, kind):
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id,
                                                         Notification.kind == kind)).all()


@pytest.fixture
def planning(factory):
    """LT leads with PL; operational phase 2026-05-04 – 15 in Brussels time; the start guards pass."""
    freeze(at(2026, 2, 1, 9))
    op = factory.operation_in("planning")
    factory.accept(op, "PL")  # PL takes part; each participant (LT too) has nominated its contact point
    return op


def test_the_operational_phase_starts_on_its_first_local_day(planning, factory):
    pl = factory.coordinator("PL")
    assert advance_operations(at(2026, 5, 3, 21, 59)) == {"started": [], "ended": [], "refused": []}
    assert planning.state == "planning"
    result = advance_operations(at(2026, 5, 3, 22, 0))  # midnight in Brussels on 4 May
    assert result["started"] == [planning.id]
    db.session.expire_all()
    assert planning.state == "operational"
    assert planning.actual_start_at == at(2026, 5, 3, 22, 0)
    assert [n.subject for n in notes(pl, "operation.started")]  # the participants hear of it
    history = db.session.scalars(select(AuditEntry.action).where(AuditEntry.operation_id == planning.id)).all()
    assert "operation.started" in history
    assert advance_operations(at(2026, 5, 3, 22, 5))["started"] == []  # nothing twice


def test_when_the_guards_refuse_the_coordinators_learn_why_once_a_day(planning, factory):
    lt = factory.coordinator("LT")
    factory.accept(planning, "LV")
    lv = planning.participation_of(factory.org("LV").id)
    db.session.delete(lv.nomination)  # LV has no contact point: the start guard refuses
    db.session.commit()

    result = advance_operations(at(2026, 5, 4, 6))
    assert result == {"started": [], "ended": [], "refused": [planning.id]}
    db.session.expire_all()
    assert planning.state == "planning"
    [notice] = notes(lt, "operation.start_refused")
    assert "did not start" in notice.subject
    assert "national contact point; missing for: LV" in notice.body
    assert advance_operations(at(2026, 5, 4, 12))["refused"] == []  # the same day: no second notice
    assert len(notes(lt, "operation.start_refused")) == 1
    assert advance_operations(at(2026, 5, 5, 6))["refused"] == [planning.id]  # the next day: again
    assert len(notes(lt, "operation.start_refused")) == 2

    from tests.participants.prepare import nominate_missing_contact_points

    nominate_missing_contact_points(factory, planning)
    assert advance_operations(at(2026, 5, 5, 12))["started"] == [planning.id]


def test_the_operational_phase_ends_after_its_last_local_day(factory):
    freeze(at(2026, 5, 4, 9))
    op = factory.operation_in("operational")
    assert advance_operations(at(2026, 5, 15, 21, 59))["ended"] == []
    assert advance_operations(at(2026, 5, 15, 22, 0))["ended"] == [op.id]
    db.session.expire_all()
    assert op.state == "post_operational"


def test_an_operation_without_dates_or_in_another_state_is_left_alone(factory):
    freeze(at(2026, 2, 1, 9))
    draft = factory.operation_in("draft")
    advance_operations(at(2026, 12, 31, 12))
    db.session.expire_all()
    assert draft.state == "draft"


def test_the_weekly_digest_goes_once_to_each_coordinator_with_news(planning, factory):
    lt, pl = factory.coordinator("LT"), factory.coordinator("PL")
    outsider = factory.coordinator("FR")
    log_action(planning, "participation.accepted", lt, now=at(2026, 3, 4, 10))
    log_action(planning, "participation.accepted", lt, now=at(2026, 3, 5, 10))
    log_action(planning, "schedule.updated", lt, now=at(2026, 3, 6, 10))
    log_action(planning, "schedule.updated", lt, now=at(2026, 3, 9, 7, 30))  # after the digest moment
    db.session.commit()
    assert digest_moment(at(2026, 3, 9, 7, 0)) == at(2026, 3, 9, 7, 0)
    assert digest_moment(at(2026, 3, 9, 6, 59)) == at(2026, 3, 2, 7, 0)

    assert send_weekly_digests(at(2026, 3, 9, 8, 0)) == 1
    [digest] = notes(lt, "digest.weekly")
    assert "2026-03-02 to 2026-03-08" in digest.subject
    assert "participation.accepted: 2" in digest.body and "schedule.updated: 1" in digest.body
    assert notes(pl, "digest.weekly") == [] and notes(outsider, "digest.weekly") == []  # PL does not organise
    mail = db.session.scalars(select(MailMessage).where(MailMessage.kind == "digest.weekly")).one()
    assert mail.recipient == lt.email and "AMBER" in mail.html_body or planning.code_name in mail.html_body

    assert send_weekly_digests(at(2026, 3, 9, 9, 0)) == 0  # once a week
    assert send_weekly_digests(at(2026, 3, 12, 9, 0)) == 0
    assert len(notes(lt, "digest.weekly")) == 1


def test_claim_once(app_ctx):
    assert claim_once("x-1") is True
    db.session.commit()
    assert claim_once("x-1") is False
    assert claim_once("x-2") is True


# --- one scheduler per database --------------------------------------------------------------------------------

def test_only_one_scheduler_takes_the_lock(app):
    first, second = SchedulerLock(app), SchedulerLock(app)
    assert first.acquire() is True
    try:
        assert second.acquire() is False
    finally:
        first.release()
    assert second.acquire() is True
    second.release()


@pytest.fixture
def shared_database(tmp_path, app):
    """Two applications (two processes' worth) on one database: the suite's own when it is PostgreSQL, a SQLite
    file otherwise (an in-memory database cannot be shared)."""
    url = os.environ.get("PLANNER_TEST_DATABASE_URL", "sqlite://")
    if url == "sqlite://":
        url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    apps = [create_app(planner_config.TestingConfig(database_url=url, instance_dir=tmp_path)) for _ in range(2)]
    with apps[0].app_context():
        db.create_all()
        if url.startswith("sqlite:///"):
            from planner.organisations.services import load_reference_organisations
            from planner.vocab.services import load_vocabularies

            load_reference_organisations()
            load_vocabularies()
            db.session.commit()
        db.session.remove()
    yield apps
    for each in apps:
        with each.app_context():
            db.session.remove()
            db.engine.dispose()


def _prepare_due_reminders(app):
    from tests.factories import Factory

    with app.app_context():
        freeze(at(2026, 2, 1, 9))
        factory = Factory()
        op = factory.operation_in("planning")
        factory.accept(op, "LV")
        db.session.delete(op.participation_of(factory.org("LV").id).nomination)
        factory.invite(op, "UA")
        op.participation_of(factory.org("UA").id).respond_by = date(2026, 3, 20)
        factory.user("UA", "contact_point")
        db.session.commit()
        from planner.scheduling.reminders import send_due_reminders

        send_due_reminders(at(2026, 2, 2, 9))  # the rows are made before they are due
        db.session.remove()


def _count(app):
    with app.app_context():
        sent = db.session.scalar(select(func.count(Reminder.id)).where(Reminder.outcome == "sent"))
        mails = db.session.execute(select(MailMessage.recipient, MailMessage.subject)
                                   .where(MailMessage.kind.startswith("reminder."))).all()
        db.session.remove()
        return sent, mails


def test_two_schedulers_started_against_one_database_send_each_reminder_once(shared_database):
    first_app, second_app = shared_database
    _prepare_due_reminders(first_app)
    freeze(at(2026, 4, 13, 6, 0))  # the UA answer notice and LV's first nomination reminder are due
    first, second = PlannerScheduler(first_app), PlannerScheduler(second_app)
    try:
        assert first.start() is True
        assert second.start() is False  # the second copy stands by: it runs no jobs
        assert second.running and not second.active
        done = threading.Event()
        first.scheduler.add_listener(lambda event: done.set() if event.job_id == "reminders" else None,
                                     mask=(1 << 12) | (1 << 11))  # EVENT_JOB_EXECUTED | EVENT_JOB_ERROR
        assert done.wait(30), "the reminders job did not run"
    finally:
        first.shutdown()
        second.shutdown()
    sent, mails = _count(first_app)
    assert sent == 2
    assert len(mails) == len(set(mails)) and len(mails) >= 2


def test_two_processes_running_the_jobs_at_the_same_moment_send_each_reminder_once(shared_database):
    """Even without the lock (two `planner scheduler --once` at the same moment) nothing goes twice."""
    first_app, second_app = shared_database
    _prepare_due_reminders(first_app)
    moment = at(2026, 4, 13, 6, 0)
    freeze(moment)
    barrier = threading.Barrier(2)
    results = []

    def run(each):
        barrier.wait()
        results.append(run_all_jobs(each, moment))

    threads = [threading.Thread(target=run, args=(each,)) for each in shared_database]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    sent, mails = _count(first_app)
    assert sent == 2
    assert len(results) == 2 and all(r["reminders"] is not None for r in results), results  # no job crashed
    assert sorted(r["reminders"] for r in results) in ([0, 2], [1, 1])
    assert len(mails) == len(set(mails))
    with first_app.app_context():
        assert db.session.scalar(select(func.count(Operation.id))) == 1
        db.session.remove()


def test_a_claim_is_undone_with_its_transaction(app_ctx):
    assert claim_once("undone") is True
    db.session.rollback()
    assert claim_once("undone") is True  # the rollback took the first claim with it
    db.session.commit()
    assert claim_once("undone") is False


@pytest.mark.parametrize("config,command,params,env,expected", [
    ({"SCHEDULER": "embedded"}, None, {}, {}, True),  # gunicorn: no command
    ({"SCHEDULER": "embedded"}, "run", {"reload": None}, {}, True),  # make run
    ({"SCHEDULER": "off"}, "run", {"reload": None}, {}, False),
    ({"SCHEDULER": "embedded", "TESTING": True}, None, {}, {}, False),
    ({"SCHEDULER": "embedded"}, "upgrade", {}, {}, False),  # flask db upgrade
    ({"SCHEDULER": "embedded"}, "run", {"reload": True}, {}, False),  # the reloader's watching parent
    ({"SCHEDULER": "embedded"}, "run", {"reload": True}, {"WERKZEUG_RUN_MAIN": "true"}, True),  # its child
])
def test_the_embedded_scheduler_starts_only_where_pages_are_served(monkeypatch, config, command, params, env,
                                                                   expected):
    from types import SimpleNamespace

    from planner.core.scheduler import should_start_embedded

    monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    context = None if command is None else SimpleNamespace(info_name=command, params=params)
    assert should_start_embedded(config, context) is expected


def test_the_lock_knows_it_is_held(app):
    lock = SchedulerLock(app)
    assert lock.acquire() is True
    try:
        assert lock.still_held() is True
    finally:
        lock.release()
    assert lock.still_held() is False


def test_a_standing_by_scheduler_takes_over_when_the_holder_stops(shared_database):
    first_app, second_app = shared_database
    first, second = PlannerScheduler(first_app), PlannerScheduler(second_app)
    try:
        assert first.start() is True and second.start() is False
        assert second.check_lock() is False  # the holder still holds it
        assert first.check_lock() is True
        first.shutdown()
        assert second.check_lock() is True and second.active  # it takes over at its next check
        assert second.run("digest") == 0  # its jobs now run (nobody to send a digest to)
    finally:
        first.shutdown()
        second.shutdown()


def test_a_holder_that_lost_its_lock_stands_by(app):
    holder, other = PlannerScheduler(app), SchedulerLock(app)
    holder.active = holder.lock.acquire()
    try:
        holder.lock.release()  # as when the connection that held it broke
        assert other.acquire() is True  # another process takes it meanwhile
        assert holder.check_lock() is False and not holder.active
        assert holder.run("reminders") is None  # standing by: the job does not run
    finally:
        other.release()
        holder.shutdown()
