"""The demo shows the schedule at work (reminders gone out into the outbox, one added by a coordinator), and the
scheduler command runs every job once with --once."""
from datetime import datetime, timezone

from sqlalchemy import select

from planner.core.clock import freeze
from planner.core.mail import MailMessage
from planner.extensions import db
from planner.operations.models import Operation
from planner.scheduling.models import Reminder


def test_the_demo_has_reminders_sent_and_planned(app):
    freeze(datetime(2026, 11, 23, 10, tzinfo=timezone.utc))
    result = app.test_cli_runner().invoke(args=["planner", "seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        north = db.session.scalar(select(Operation).where(Operation.code_name == "NORTH STAR"))
        reminders = db.session.scalars(select(Reminder).where(Reminder.operation_id == north.id)).all()
        added = [r for r in reminders if r.origin == "added"]
        assert [(r.deadline_key, r.days_before) for r in added] == [("nominations", 0)]
        sent = db.session.scalars(select(Reminder).where(Reminder.outcome == "sent")).all()
        assert sent, "the reminders due in the last weeks went out"
        outbox = db.session.scalars(select(MailMessage).where(MailMessage.kind.startswith("reminder."))).all()
        assert outbox and {m.status for m in outbox} == {"outbox"}  # no mail server in the demo
        db.session.remove()


def test_the_scheduler_command_runs_each_job_once(app, factory):
    freeze(datetime(2026, 2, 1, 9, tzinfo=timezone.utc))
    op = factory.operation_in("planning")
    factory.accept(op, "PL")
    freeze(datetime(2026, 5, 4, 6, tzinfo=timezone.utc))  # the first day of the operational phase
    result = app.test_cli_runner().invoke(args=["planner", "scheduler", "--once"])
    assert result.exit_code == 0, result.output
    assert f"phases: {{'started': [{op.id}]" in result.output
    db.session.expire_all()
    assert op.state == "operational"
