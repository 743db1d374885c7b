"""What one user may see and do in one operation, from its organisation's place in it (DESIGN.md §2b).
Every page, API answer and export asks here or in queries.py; templates never decide."""
import enum

from flask_babel import lazy_gettext as _l

from planner.core.enums import Role
from planner.participants.models import ParticipationRole, ParticipationStatus


class Place(enum.Enum):
    LEAD = "lead"
    CO_ORGANISER = "co_organiser"
    PARTICIPANT = "participant"  # accepted
    INVITED = "invited"  # not yet answered
    OBSERVER = "observer"  # accepted as observer
    OVERSIGHT = "oversight"  # secretariat and admins: every operation's summary, case and schedule
    NONE = "none"


ORGANISER_PLACES = {Place.LEAD, Place.CO_ORGANISER}
MEMBER_PLACES = {Place.LEAD, Place.CO_ORGANISER, Place.PARTICIPANT}

# Which transitions a user may take, by the kind of actor (lifecycle.py names the actor of each transition).
COORDINATING_ROLES = {Role.COORDINATOR}


class OperationAccess:
    def __init__(self, user, operation):
        self.user = user
        self.operation = operation
        self.role = Role(user.role)
        self.participation = operation.participation_of(user.organisation_id)
        self.place = self._place()

    def _place(self):
        place = self._member_place()
        # The secretariat and admins keep their oversight where their organisation merely observes or is invited.
        if self.role in (Role.SECRETARIAT, Role.ADMIN) and place in (Place.INVITED, Place.OBSERVER, Place.NONE):
            return Place.OVERSIGHT
        return place

    def _member_place(self):
        p = self.participation
        if p is not None:
            if p.is_lead and p.status == ParticipationStatus.ACCEPTED:
                return Place.LEAD
            if p.is_co_organiser and p.status == ParticipationStatus.ACCEPTED:
                return Place.CO_ORGANISER
            if p.status == ParticipationStatus.ACCEPTED:
                return Place.OBSERVER if p.role == ParticipationRole.OBSERVER else Place.PARTICIPANT
            if p.status == ParticipationStatus.INVITED:
                return Place.INVITED
        return Place.NONE

    # --- seeing -------------------------------------------------------------------------------------
    @property
    def sees_operation(self):
        """Anything at all: otherwise the operation answers 404."""
        return self.place is not Place.NONE

    @property
    def sees_full(self):
        """The operation page beyond its summary (members and oversight)."""
        return self.place in MEMBER_PLACES or self.place is Place.OVERSIGHT

    @property
    def sees_participant_list(self):
        return self.sees_full or self.place is Place.OBSERVER

    @property
    def sees_history(self):
        return self.place in ORGANISER_PLACES or self.place is Place.OVERSIGHT

    # --- doing --------------------------------------------------------------------------------------
    @property
    def coordinates(self):
        """Coordinators of the lead and of the co-organisers run the operation."""
        return self.place in ORGANISER_PLACES and self.role is Role.COORDINATOR

    @property
    def reviews(self):
        """The working-party secretariat reviews business cases."""
        return self.role is Role.SECRETARIAT

    @property
    def answers_for_organisation(self):
        """Contact points and coordinators answer for their organisation (invitations, nominations). Observers
        do nothing in an operation (DESIGN.md §2b)."""
        return self.role in (Role.COORDINATOR, Role.CONTACT_POINT) and self.place in (MEMBER_PLACES | {Place.INVITED})

    @property
    def place_label(self):
        return PLACE_LABELS[self.place]


PLACE_LABELS = {
    Place.LEAD: _l("Lead administration"),
    Place.CO_ORGANISER: _l("Co-organiser"),
    Place.PARTICIPANT: _l("Participant"),
    Place.INVITED: _l("Invited"),
    Place.OBSERVER: _l("Observer"),
    Place.OVERSIGHT: _l("Oversight"),
    Place.NONE: _l("Not involved"),
}


def operation_access(user, operation) -> OperationAccess:
    return OperationAccess(user, operation)
