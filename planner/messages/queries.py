"""Who sees and answers operational messages (DESIGN.md §2b): every list, page and API answer about warnings goes
through `warning_scope` / `visible_warnings`; templates never decide.

A warning is seen by its sender's organisation (all its users), by its addressees' organisations and by the
coordinators of the lead and of the co-organisers (`access.coordinates`). Everyone else, observers and the
oversight included, meets 404 on a single warning and does not find it in lists. Only members of the operation
(lead, co-organisers, accepted participants) see anything here."""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_, exists, false, or_, select, true
from sqlalchemy.orm import selectinload

from planner.core.clock import utcnow
from planner.core.enums import Role
from planner.core.errors import NotFound
from planner.extensions import db
from planner.messages.models import Urgency, WarningAddressee, WarningMessage
from planner.operations.access import MEMBER_PLACES
from planner.operations.models import Operation
from planner.participants.models import Participation, ParticipationRole, ParticipationStatus

# Officers, contact points and coordinators of a member organisation send warnings and answer them.
MESSAGING_ROLES = {Role.COORDINATOR, Role.CONTACT_POINT, Role.OFFICER}
SENDING_STATES = ("operational", "post_operational")
# Feedback also comes in the follow-up and, late, while the operation is evaluated; never once closed.
FEEDBACK_STATES = ("operational", "post_operational", "evaluation")
FILTERS = ("all", "awaiting", "sent")


def sees_messages(access) -> bool:
    """The Messages tab: the members of the operation (what each sees inside follows `warning_scope`)."""
    return access.place in MEMBER_PLACES


def _addressed_to(organisation_id, open_only=False):
    clause = and_(WarningAddressee.warning_id == WarningMessage.id,
                  WarningAddressee.organisation_id == organisation_id)
    if open_only:
        clause = and_(clause, WarningAddressee.answered_at.is_(None))
    return exists().where(clause)


def warning_scope(access):
    """The WHERE clause of the warnings of `access.operation` this user may see."""
    if not sees_messages(access):
        return false()
    own = access.user.organisation_id
    seen = true() if access.coordinates else or_(WarningMessage.sender_organisation_id == own, _addressed_to(own))
    return and_(WarningMessage.operation_id == access.operation.id, seen)


def visible_warnings(access, show="all"):
    """SELECT of the warnings this user may see in the operation, newest first. `show`: all, awaiting (addressed
    to the user's organisation, without its feedback yet) or sent (by the user's organisation)."""
    stmt = select(WarningMessage).where(warning_scope(access))
    own = access.user.organisation_id
    if show == "awaiting":
        stmt = stmt.where(_addressed_to(own, open_only=True))
    elif show == "sent":
        stmt = stmt.where(WarningMessage.sender_organisation_id == own)
    return stmt.options(selectinload(WarningMessage.addressees)).order_by(
        WarningMessage.created_at.desc(), WarningMessage.id.desc())


def awaiting_any(stmt):
    """Narrow a select of warnings to those with at least one addressee still to answer."""
    return stmt.where(exists().where(WarningAddressee.warning_id == WarningMessage.id,
                                     WarningAddressee.answered_at.is_(None)))


def _valid_id(value):
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31


def get_visible_warning(access, warning_id) -> WarningMessage:
    """The warning of this operation the user may see, or NotFound (never 403: its existence is not told)."""
    warning = (db.session.scalar(select(WarningMessage).where(warning_scope(access), WarningMessage.id == warning_id))
               if _valid_id(warning_id) else None)
    if warning is None:
        raise NotFound(_("No such warning."))
    return warning


def warning_by_id_for(user, warning_id):
    """(warning, access) for the API's /warnings/{id}: the operation must be visible, then the warning."""
    from planner.operations.queries import record_for

    return record_for(user, WarningMessage, warning_id, get_visible_warning, _("No such warning."))


# --- who may do what -------------------------------------------------------------------------------------------

def may_send(access) -> bool:
    """Officers, contact points and coordinators of the lead, a co-organiser or an accepted participant (never an
    observer), while the operation is operational or post-operational."""
    return (access.place in MEMBER_PLACES and access.role in MESSAGING_ROLES
            and access.operation.state in SENDING_STATES)


def addressee_row(warning, organisation_id):
    return next((a for a in warning.addressees if a.organisation_id == organisation_id), None)


def sees_feedback(access, warning, addressee) -> bool:
    """An addressee's outcome and feedback text: its own organisation, the sender's and the operation's
    coordinators; other addressees learn only whether it was answered."""
    own = access.user.organisation_id
    return access.coordinates or own in (warning.sender_organisation_id, addressee.organisation_id)


def may_answer(access, warning) -> bool:
    """Officers, contact points and coordinators of an addressee organisation answer for it (and correct their
    answer) until the operation closes."""
    return (addressee_row(warning, access.user.organisation_id) is not None and access.place in MEMBER_PLACES
            and access.role in MESSAGING_ROLES and access.operation.state in FEEDBACK_STATES)


def addressable_participations(operation, sender_organisation_id=None):
    """The accepted participants (not observers) a warning may go to, by code; never the sender's own."""
    rows = [p for p in operation.participations
            if p.status == ParticipationStatus.ACCEPTED and p.role == ParticipationRole.PARTICIPANT
            and p.organisation_id != sender_organisation_id]
    return sorted(rows, key=lambda p: p.organisation.code)


# --- waiting times ----------------------------------------------------------------------------------------------

def waiting_hours(addressee, now: datetime | None = None) -> int:
    """Whole hours an addressee has waited: from the sending until now while open, until the answer once given."""
    end = addressee.answered_at or now or utcnow()
    return max(int((end - addressee.warning.created_at).total_seconds() // 3600), 0)


def waited_label(hours: int) -> str:
    """“5 hours” under two days, “3 days” from then on."""
    if hours < 48:
        return ngettext("%(num)d hour", "%(num)d hours", hours)
    days = hours // 24
    return ngettext("%(num)d day", "%(num)d days", days)


@dataclass
class OpenFeedback:
    """One addressee that has not answered yet, with how long it has waited."""

    addressee: WarningAddressee
    hours: int

    @property
    def warning(self):
        return self.addressee.warning

    @property
    def waited(self):
        return waited_label(self.hours)

    @property
    def urgency_label(self):
        return Urgency(self.warning.urgency).label


def awaiting_feedback(access, now=None, warning=None):
    """For the coordinators of the operation (`access.coordinates`): every addressee still to answer (of one
    warning, or of all), the longest waiting first. None for everybody else (the section is not theirs)."""
    if not access.coordinates:
        return None
    now = now or utcnow()
    stmt = select(WarningAddressee).join(WarningMessage).where(
        WarningMessage.operation_id == access.operation.id, WarningAddressee.answered_at.is_(None))
    if warning is not None:
        stmt = stmt.where(WarningMessage.id == warning.id)
    rows = db.session.scalars(
        stmt.order_by(WarningMessage.created_at, WarningMessage.id, WarningAddressee.id)).all()
    return [OpenFeedback(row, waiting_hours(row, now)) for row in rows]


def open_feedback_for(user, now=None):
    """The dashboard: the open warnings addressed to the user's organisation, across the operations in which the
    user may answer for it (officers, contact points and coordinators of an accepted participant, while feedback
    is open), the longest waiting first."""
    if Role(user.role) not in MESSAGING_ROLES or user.organisation_id is None:
        return []
    now = now or utcnow()
    member = exists().where(
        Participation.operation_id == WarningMessage.operation_id,
        Participation.organisation_id == user.organisation_id,
        Participation.status == ParticipationStatus.ACCEPTED.value,
        Participation.role == ParticipationRole.PARTICIPANT.value,
    )
    rows = db.session.scalars(
        select(WarningAddressee).join(WarningMessage).join(Operation, Operation.id == WarningMessage.operation_id)
        .where(WarningAddressee.organisation_id == user.organisation_id, WarningAddressee.answered_at.is_(None),
               Operation.state.in_(FEEDBACK_STATES), member)
        .options(selectinload(WarningAddressee.warning).selectinload(WarningMessage.operation))
        .order_by(WarningMessage.created_at, WarningMessage.id)
    ).all()
    return [OpenFeedback(row, waiting_hours(row, now)) for row in rows]


# --- what a warning shows of other records -------------------------------------------------------------------

def visible_linked_seizures(access, warnings):
    """{seizure id: seizure} of the seizures named in the feedback of `warnings` that this user may see
    (planner.results.queries decides; a seizure not shared with the user is shown as an outcome only)."""
    from planner.results.models import Seizure
    from planner.results.queries import seizure_scope

    ids = {a.seizure_id for w in warnings for a in w.addressees if a.seizure_id is not None}
    if not ids:
        return {}
    return {s.id: s for s in db.session.scalars(select(Seizure).where(seizure_scope(access), Seizure.id.in_(ids)))}


def own_submitted_seizures(access):
    """The submitted seizures of the user's administration in the operation: what its feedback may name."""
    from planner.results.models import RecordStatus, Seizure

    return db.session.scalars(select(Seizure).where(
        Seizure.operation_id == access.operation.id, Seizure.organisation_id == access.user.organisation_id,
        Seizure.status == RecordStatus.SUBMITTED.value).order_by(Seizure.seized_at.desc(), Seizure.id.desc())
        .limit(500)).all()


def _register_history_scope():
    """The History tab shows audit entries about a warning only to those who see the warning (a lead officer does
    not learn of a warning between two other participants from it)."""
    from planner.operations.queries import register_history_scope

    register_history_scope("warning", lambda access: select(WarningMessage.id).where(warning_scope(access)))


_register_history_scope()
