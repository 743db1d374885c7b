"""What a user may see of an operation's participants: one function decides the roster, for the page, the API
and the exports (DESIGN.md §2b).

- the lead, co-organisers, the secretariat and admins: the whole roster (who, where, when, reachable how),
  every invitation and answer;
- an accepted participant: the organisations taking part, the contact points of every participant, and its own
  nomination in full;
- an observer: the organisations taking part, nothing more;
- anyone else: nothing (an invited organisation 403, outsiders 404: operations.queries decides)."""
from dataclasses import dataclass, field

from flask_babel import gettext as _

from planner.core.errors import NotFound, PermissionDenied
from planner.operations.access import ORGANISER_PLACES, Place
from planner.participants.models import ParticipationRole, ParticipationStatus

FULL = "full"
CONTACTS = "contacts"
ORGANISATIONS = "organisations"


@dataclass
class RosterEntry:
    participation: object
    show_contacts: bool = False  # contact points
    show_details: bool = False  # everything: external contacts, liaison officers, locations, equipment …

    @property
    def organisation(self):
        return self.participation.organisation

    @property
    def nomination(self):
        return self.participation.nomination if (self.show_contacts or self.show_details) else None

    @property
    def contact_points(self):
        n = self.participation.nomination
        return list(n.contact_points) if n is not None and (self.show_contacts or self.show_details) else []

    def _detail(self, name):
        n = self.participation.nomination
        return list(getattr(n, name)) if n is not None and self.show_details else []

    @property
    def external_contacts(self):
        return self._detail("external_contacts")

    @property
    def liaison_officers(self):
        return self._detail("liaison_officers")

    @property
    def control_locations(self):
        return self._detail("control_locations")


@dataclass
class Roster:
    operation: object
    level: str
    entries: list = field(default_factory=list)

    @property
    def sees_details(self):
        return any(e.show_details for e in self.entries)


def roster_level(access):
    """Contact details stay inside the operation: the secretariat and admins (oversight) see the organisations
    taking part, as observers do, never the people (DESIGN.md §2b)."""
    if access.place in ORGANISER_PLACES:
        return FULL
    if access.place is Place.PARTICIPANT:
        return CONTACTS
    if access.place in (Place.OBSERVER, Place.OVERSIGHT):
        return ORGANISATIONS
    return None


def visible_roster(access):
    """The roster as `access.user` may see it; PermissionDenied/NotFound when it may see none of it."""
    if not access.sees_operation:
        raise NotFound(_("No such operation."))
    level = roster_level(access)
    if level is None:
        raise PermissionDenied(_("The roster is shown to the organisations taking part only."))
    operation = access.operation
    entries = []
    for p in sorted(operation.participations, key=lambda p: (not p.is_lead, not p.is_co_organiser, p.organisation.code)):
        if level == FULL:  # every invitation and answer; the people and places of those taking part only
            taking_part = p.status == ParticipationStatus.ACCEPTED
            entries.append(RosterEntry(p, show_contacts=taking_part, show_details=taking_part))
        elif p.status != ParticipationStatus.ACCEPTED:
            continue
        elif level == CONTACTS:
            own = p.organisation_id == access.user.organisation_id
            entries.append(RosterEntry(p, show_contacts=p.role == ParticipationRole.PARTICIPANT, show_details=own))
        elif p.role == ParticipationRole.PARTICIPANT:
            entries.append(RosterEntry(p))
    return Roster(operation, level, entries)


def may_view_nomination(access, participation):
    """The participant itself and the lead and co-organisers read a nomination (contact details stay inside the
    operation)."""
    if not access.sees_operation:
        raise NotFound(_("No such operation."))
    if participation.organisation_id == access.user.organisation_id and access.place in (
            ORGANISER_PLACES | {Place.PARTICIPANT}):
        return True
    return roster_level(access) == FULL


def visible_invitations(access):
    """The invitations a user may read: all of them for the coordinating and oversight places; one's own
    organisation's otherwise (an invited organisation reads its invitation)."""
    if not access.sees_operation:
        raise NotFound(_("No such operation."))
    participations = access.operation.participations
    if roster_level(access) == FULL or access.place is Place.OVERSIGHT:
        return list(participations)
    return [p for p in participations if p.organisation_id == access.user.organisation_id]


def participation_known(access, participation):
    """Whether the user may know that this organisation has a place in the operation: its own, any for the
    coordinators, and accepted ones for whoever sees the list of organisations taking part. Otherwise a route
    answers 404, so that nobody learns whom the lead invited or who declined."""
    return (
        participation.organisation_id == access.user.organisation_id
        or access.coordinates
        or (participation.status == ParticipationStatus.ACCEPTED and access.sees_participant_list)
    )
