"""Demo: the consolidated annual report on the year before, issued by the secretariat once the year's results are
in place (the operations of that year, among them one recorded afterwards with its imported results), so that a
newcomer finds an issued report (REV 0, frozen with its SHA-256) beside the live draft of the current year."""
from sqlalchemy import select

from planner.auth.models import User
from planner.demo import demo_step
from planner.extensions import db
from planner.operations.models import Operation
from planner.reports.models import ReportKind
from planner.reports.services import issue_annual_report, latest_issued


@demo_step("finish")
def annual_report_of_last_year(_operation, _actor, now):
    year = now.year - 1
    secretariat = db.session.scalar(select(User).where(User.email == "secretariat@ccwp.example"))
    has_operations = db.session.scalar(select(Operation.id).where(Operation.year == year).limit(1)) is not None
    if secretariat is None or not has_operations or latest_issued(ReportKind.ANNUAL, year=year) is not None:
        return
    issue_annual_report(year, secretariat, "Issued for the working party's first meeting of the year.", now=now)
    db.session.flush()
