"""Who sees and does what with the results of an operation (DESIGN.md §2b, DOMAIN.md b.2). Every list, page,
export and API answer about seizures and controls filters through `seizure_scope` / `control_scope`; templates
never decide.

- The reporting administration sees all its records, drafts included; nobody else ever sees a draft.
- The lead and its co-organisers see every submitted or withdrawn record of their operation.
- Other accepted participants and observers see another administration's record when its sharing flag for
  their audience (EU Member State, third country, agency; EU membership of today) is set.
- The secretariat and admins (oversight) see record details only of records shared with agencies.
- Invited, declined, withdrawn organisations and outsiders see nothing (the operation answers 404 to them).
"""
from datetime import date

from sqlalchemy import and_, false, or_, select

from planner.core.enums import Role
from planner.core.errors import NotFound
from planner.extensions import db
from planner.operations.access import MEMBER_PLACES, ORGANISER_PLACES, Place
from planner.organisations.models import SharingAudience
from planner.results.models import ControlRecord, RecordStatus, Seizure

REPORTING_ROLES = {Role.COORDINATOR, Role.CONTACT_POINT, Role.OFFICER}
# New records while the operation runs and in its follow-up; in evaluation only corrections of existing ones.
REPORTING_STATES = ("operational", "post_operational")
CORRECTION_STATES = ("operational", "post_operational", "evaluation")


def audience_of(access, on: date | None = None) -> SharingAudience:
    from planner.core.clock import utcnow

    return access.user.organisation.audience(on or utcnow().date())


def _shared_with(model, audience):
    return {
        SharingAudience.EU_MEMBER_STATE: model.share_with_eu_member_states,
        SharingAudience.THIRD_COUNTRY: model.share_with_third_countries,
        SharingAudience.AGENCY: model.share_with_agencies,
    }[audience]


def record_scope(model, access):
    """The WHERE clause of the records of `model` (Seizure or ControlRecord) this user may see in the operation
    of `access` (the caller also filters on the operation)."""
    own = model.organisation_id == access.user.organisation_id
    not_draft = model.status != RecordStatus.DRAFT.value
    if access.place in ORGANISER_PLACES:
        return or_(own, not_draft)
    if access.place in (Place.PARTICIPANT, Place.OBSERVER):
        return or_(own, and_(not_draft, _shared_with(model, audience_of(access))))
    if access.place is Place.OVERSIGHT:
        return and_(not_draft, model.share_with_agencies.is_(True))
    return false()


def seizure_scope(access):
    return and_(Seizure.operation_id == access.operation.id, record_scope(Seizure, access))


def control_scope(access):
    return and_(ControlRecord.operation_id == access.operation.id, record_scope(ControlRecord, access))


def visible_seizures(access):
    """SELECT of the seizures this user may see in the operation (no ordering, no paging)."""
    return select(Seizure).where(seizure_scope(access))


def visible_controls(access):
    return select(ControlRecord).where(control_scope(access))


def sees_results(access) -> bool:
    """The Results tab: members, observers and oversight (what they see inside follows the scopes above)."""
    return access.place in MEMBER_PLACES or access.place in (Place.OBSERVER, Place.OVERSIGHT)


def may_report(access) -> bool:
    """New records for one's own administration: officers, contact points and coordinators of an accepted
    participant (the lead and co-organisers included) while the operation is operational or post-operational."""
    return (access.place in MEMBER_PLACES and access.role in REPORTING_ROLES
            and access.operation.state in REPORTING_STATES)


def may_edit_record(access, record) -> bool:
    """Only the reporting administration edits its records (Reg. 515/97 Art. 32): while the operation runs, in
    its follow-up and, as audited corrections, in evaluation; never once closed. A withdrawn record stays as it
    is."""
    return (record.organisation_id == access.user.organisation_id and access.place in MEMBER_PLACES
            and access.role in REPORTING_ROLES and access.operation.state in CORRECTION_STATES
            and record.status != RecordStatus.WITHDRAWN.value)


def may_comment(access, seizure) -> bool:
    """Members of the operation who see a record may comment on it or flag an error (observers only read)."""
    return access.place in MEMBER_PLACES and access.operation.state != "closed"


def get_visible_seizure(access, seizure_id) -> Seizure:
    """The seizure of this operation the user may see, or NotFound (never 403: its existence is not told)."""
    valid = isinstance(seizure_id, int) and 0 < seizure_id < 2**31
    seizure = db.session.scalar(visible_seizures(access).where(Seizure.id == seizure_id)) if valid else None
    if seizure is None:
        raise NotFound("No such seizure.")
    return seizure


def get_visible_control(access, control_id) -> ControlRecord:
    valid = isinstance(control_id, int) and 0 < control_id < 2**31
    record = db.session.scalar(visible_controls(access).where(ControlRecord.id == control_id)) if valid else None
    if record is None:
        raise NotFound("No such control record.")
    return record


def seizure_by_id_for(user, seizure_id):
    """(seizure, access) for the API's /seizures/{id}: the operation must be visible, then the record."""
    from planner.operations.queries import get_visible_operation

    valid = isinstance(seizure_id, int) and 0 < seizure_id < 2**31
    operation_id = db.session.scalar(select(Seizure.operation_id).where(Seizure.id == seizure_id)) if valid else None
    if operation_id is None:
        raise NotFound("No such seizure.")
    try:
        _operation, access = get_visible_operation(user, operation_id)
    except NotFound:
        raise NotFound("No such seizure.") from None
    return get_visible_seizure(access, seizure_id), access


def control_by_id_for(user, control_id):
    from planner.operations.queries import get_visible_operation

    valid = isinstance(control_id, int) and 0 < control_id < 2**31
    operation_id = (db.session.scalar(select(ControlRecord.operation_id).where(ControlRecord.id == control_id))
                    if valid else None)
    if operation_id is None:
        raise NotFound("No such control record.")
    try:
        _operation, access = get_visible_operation(user, operation_id)
    except NotFound:
        raise NotFound("No such control record.") from None
    return get_visible_control(access, control_id), access
