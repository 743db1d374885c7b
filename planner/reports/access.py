"""Who reads and writes which report (DESIGN.md §2b). Pages, the API and the CLI ask here; templates never decide.

Final report of an operation:
- read (computed live, over the records the reader may see): the members of the operation, its observers and
  the oversight (secretariat and admins, who see every figure in aggregate);
- the issued (frozen) documents count every record of the operation in aggregate: they go to the LIMITE
  distribution, i.e. the organisers, the oversight and the EU Member State and agency members and observers of
  the operation; a third-country participant reads the live report of what it may see instead;
- the coordinators of the lead and co-organisers write the narrative and make it final; each member
  administration's coordinators and contact points write its contribution.

Annual report: the secretariat and admins read it while in draft; once issued, also the coordinators and
contact points of EU Member State administrations and of agencies (the LIMITE distribution), never third
countries; the secretariat issues it."""
from planner.core.clock import utcnow
from planner.core.enums import Role
from planner.operations.access import MEMBER_PLACES, ORGANISER_PLACES, Place
from planner.organisations.models import SharingAudience

EDITING_STATES = ("post_operational", "evaluation")
FINALISING_STATES = ("evaluation", "closed")
CONTRIBUTING_STATES = ("operational", "post_operational", "evaluation")
CONTRIBUTING_ROLES = {Role.COORDINATOR, Role.CONTACT_POINT}
STARTED = ("operational", "post_operational", "evaluation", "closed")


def reads_final_report(access) -> bool:
    return access.operation.state in STARTED and (
        access.place in MEMBER_PLACES or access.place in (Place.OBSERVER, Place.OVERSIGHT))


def in_limite_distribution(user) -> bool:
    """EU Member State administrations and agencies (membership of today); never third countries."""
    return user.organisation.audience(utcnow().date()) in (SharingAudience.EU_MEMBER_STATE, SharingAudience.AGENCY)


def reads_issued_final_report(access) -> bool:
    if not reads_final_report(access):
        return False
    if access.place in ORGANISER_PLACES or access.place is Place.OVERSIGHT:
        return True
    return in_limite_distribution(access.user)


def writes_final_report(access) -> bool:
    return access.coordinates and access.operation.state in EDITING_STATES


def finalises_final_report(access) -> bool:
    return access.coordinates and access.operation.state in FINALISING_STATES


def writes_contribution(access, report=None) -> bool:
    return (access.place in MEMBER_PLACES and access.role in CONTRIBUTING_ROLES
            and access.operation.state in CONTRIBUTING_STATES and not (report is not None and report.is_final))


def reads_annual_report(user, issued: bool) -> bool:
    role = Role(user.role)
    if role in (Role.SECRETARIAT, Role.ADMIN):
        return True
    return issued and role in (Role.COORDINATOR, Role.CONTACT_POINT) and in_limite_distribution(user)


def issues_annual_report(user) -> bool:
    return Role(user.role) is Role.SECRETARIAT
