"""Who reads and writes which report (DESIGN.md §2b). Pages, the API and the CLI ask here; templates never decide.

Final report of an operation:
- read (computed live, over the records the reader may see): the members of the operation, its observers and
  the oversight (secretariat and admins, who see every figure in aggregate);
- the issued (frozen) documents count every record of the operation and carry every contribution: they are
  read by the organisers and the oversight (who see every figure); everybody else reads the live report of
  what it may see, never another participant's figures it is not shared;
- the coordinator's narrative is LIMITE: the organisers, the oversight and the EU Member State and agency
  members and observers read it, third countries do not;
- a submitted contribution is read by the organisers and the oversight, and by other members and observers as
  its administration's sharing defaults allow for their kind (EU Member State, third country, agency);
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
    return reads_final_report(access) and (access.place in ORGANISER_PLACES or access.place is Place.OVERSIGHT)


def reads_narrative(access) -> bool:
    if access is None or access.place in ORGANISER_PLACES or access.place is Place.OVERSIGHT:
        return True
    return reads_final_report(access) and in_limite_distribution(access.user)


def contribution_clause(access):
    """The WHERE clause of the contributions `access` may read: its own administration's (draft or submitted);
    all submitted ones for the organisers and the oversight; for other members and observers the submitted ones
    whose administration shares with their kind (its participation's sharing defaults)."""
    from sqlalchemy import and_, exists, false, or_

    from planner.participants.models import Participation
    from planner.reports.models import ReportContribution
    from planner.results.queries import _shared_with, audience_of

    submitted = ReportContribution.submitted_at.isnot(None)
    if access is None:
        return submitted
    own = ReportContribution.organisation_id == access.user.organisation_id
    if access.place in ORGANISER_PLACES or access.place is Place.OVERSIGHT:
        return or_(own, submitted)
    if not reads_final_report(access):
        return false()
    shared = exists().where(Participation.operation_id == ReportContribution.operation_id,
                            Participation.organisation_id == ReportContribution.organisation_id,
                            _shared_with(Participation, audience_of(access)).is_(True))
    return or_(own, and_(submitted, shared))


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
