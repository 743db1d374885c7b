"""Demo: what the public summaries show. Once the results of the year are in place, Lithuania releases its
controls of AMBER SHIELD for public statistics and Poland its Terespol seizure (litres of spirits beside
cigarettes in pieces); Lithuania also releases its Kybartai rail seizure under an embargo of two months (enquiries
go on), so the summary shows that an embargoed record stays out. Recorded through the results services."""
from datetime import timedelta

from sqlalchemy import select

from planner.auth.models import User
from planner.demo import demo_step
from planner.extensions import db
from planner.operations.models import Operation
from planner.organisations.services import resolve_organisation_code
from planner.results.controls import update_control
from planner.results.models import ControlRecord, RecordStatus, Seizure
from planner.results.services import update_seizure


def _reporter(code):
    """A contact point of the administration (it edits its own records), else its coordinator."""
    org = resolve_organisation_code(code)
    for role in ("contact_point", "coordinator"):
        user = db.session.scalar(select(User).where(User.organisation_id == org.id, User.role == role,
                                                    User.is_service_account.is_(False)).order_by(User.id))
        if user is not None:
            return user
    return None


def _seizure(operation, code, place):
    return db.session.scalar(select(Seizure).where(
        Seizure.operation_id == operation.id, Seizure.organisation_id == resolve_organisation_code(code).id,
        Seizure.place == place, Seizure.status == RecordStatus.SUBMITTED.value).order_by(Seizure.id))


@demo_step("finish")
def release_results_for_the_press(_operation, _actor, now):
    amber = db.session.scalar(select(Operation).where(Operation.code_name == "AMBER SHIELD"))
    if amber is None or amber.state != "operational":
        return
    lt = _reporter("LT")
    controls = db.session.scalars(select(ControlRecord).where(
        ControlRecord.operation_id == amber.id, ControlRecord.organisation_id == lt.organisation_id,
        ControlRecord.status == RecordStatus.SUBMITTED.value).order_by(ControlRecord.id)).all()
    for record in controls:
        update_control(lt, record, {"public_statistics": True}, record.version, now=now)
    terespol = _seizure(amber, "PL", "Terespol")
    if terespol is not None:
        update_seizure(_reporter("PL"), terespol, {"public_statistics": True}, terespol.version, now=now)
    kybartai = _seizure(amber, "LT", "Kybartai")
    if kybartai is not None:
        embargo = (now + timedelta(days=60)).date().isoformat()
        update_seizure(lt, kybartai, {"public_statistics": True, "embargo_until": embargo}, kybartai.version,
                       now=now)
