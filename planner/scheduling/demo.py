"""Demo steps of the schedule. Before "start": the lead completes the schedule (briefing, post-operational phase,
debriefing and the final report) through the same service as the Schedule tab, so that the calendar and the
deadlines show. At the end: the reminders of the last weeks went out (into the outbox when no mail server is
configured), and a coordinator added one of their own."""
from datetime import date, timedelta

from planner.demo import demo_step
from planner.scheduling.services import phases_of, save_schedule, schedule_version

# code name -> (briefing place, debriefing place)
PLACES = {"AMBER SHIELD": ("Vilnius", "Brussels (OLAF)"), "LAST HARBOUR": ("Klaipėda", "Riga"),
          "PAPER LANTERN": ("Warsaw", "Warsaw")}


@demo_step("start")
def complete_the_schedule(operation, actor, now):
    phases = {p.kind: p.to_json() for p in phases_of(operation)}
    operational = phases.get("operational")
    if operational is None or "end" not in operational:
        return
    start, end = date.fromisoformat(operational["start"]), date.fromisoformat(operational["end"])
    briefing_place, debriefing_place = PLACES.get(operation.code_name, ("Brussels", "Brussels"))
    phases.setdefault("briefing", {"kind": "briefing", "start": (start - timedelta(days=7)).isoformat(),
                                   "place": briefing_place})
    phases.setdefault("post_operational", {"kind": "post_operational", "start": (end + timedelta(days=1)).isoformat(),
                                           "end": (end + timedelta(days=45)).isoformat()})
    phases.setdefault("debriefing", {"kind": "debriefing", "start": (end + timedelta(days=60)).isoformat(),
                                     "place": debriefing_place})
    phases.setdefault("final_report_due", {"kind": "final_report_due",
                                           "start": (end + timedelta(days=90)).isoformat()})
    save_schedule(actor, operation, {"phases": list(phases.values()), "reporting_frequency": "weekly",
                                     "confirm_outside_year": True}, schedule_version(operation), now=now)


@demo_step("finish")
def reminders_of_the_last_weeks(_operation, _actor, now):
    from sqlalchemy import select

    from planner.auth.models import User
    from planner.extensions import db
    from planner.operations.models import Operation
    from planner.scheduling.reminders import add_reminder, send_due_reminders, sync_all_reminders

    sync_all_reminders(now - timedelta(days=21))  # the scheduler has been running for three weeks
    send_due_reminders(now)
    north = db.session.scalar(select(Operation).where(Operation.code_name == "NORTH STAR"))
    nl = db.session.scalar(select(User).where(User.email == "coordinator@customs.nl.example"))
    if north is not None and nl is not None:
        add_reminder(nl, north, {"deadline": "nominations", "days_before": 0,
                                 "message": "Please name your national contact point for the container checks."},
                     now=now)
