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
    # Shown beyond its administration once submitted, even when withdrawn later; a draft withdrawn before it was
    # ever submitted stays private. Control records have no drafts.
    not_draft = model.submitted_at.isnot(None) if model is Seizure else model.status != RecordStatus.DRAFT.value
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


def may_import_past_results(access) -> bool:
    """The results of an operation recorded afterwards (an earlier year's, closed from the start): the secretariat
    and admins import them with the operation's Excel template, on behalf of the participating administrations
    the rows name. Nobody adds records to any other closed operation."""
    return (bool(access.operation.recorded_afterwards) and access.operation.state == "closed"
            and access.role in (Role.SECRETARIAT, Role.ADMIN))


def may_record_for(access, organisation) -> bool:
    """New records of `organisation`: its own officers, contact points and coordinators while they may report,
    or the secretariat and admins importing the results of an operation recorded afterwards, for one of its
    accepted participants (observers record nothing)."""
    if organisation.id == access.user.organisation_id and may_report(access):
        return True
    participation = access.operation.participation_of(organisation.id)
    return may_import_past_results(access) and participation is not None and participation.is_participant


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
    """(seizure, access) for the API's /seizures/{id}."""
    from planner.operations.queries import record_for

    return record_for(user, Seizure, seizure_id, get_visible_seizure, "No such seizure.")


def control_by_id_for(user, control_id):
    from planner.operations.queries import record_for

    return record_for(user, ControlRecord, control_id, get_visible_control, "No such control record.")


# --- lists: filters and sorting shared by the pages and the API ------------------------------------------------

SEIZURE_SORTS = {
    "seized_at": (Seizure.seized_at,),
    "national_reference": (Seizure.national_reference,),
    "organisation": (Seizure.organisation_id,),
    "place": (Seizure.place,),
    "status": (Seizure.status,),
    "transport_mode": (Seizure.transport_mode,),
    "detection_method": (Seizure.detection_method,),
}


SEIZURE_PHASES = ("in_operation", "follow_up")  # as serialization.seizure_phase names them
YES_NO = {"yes": True, "no": False}


def breakdown_filters(args):
    """The filters the figures of a report link with, read from a query string: `unit` (a base unit: kg, l, pcs,
    EUR), `concealment`, `origin` (a country), `phase` (in_operation, follow_up), `investigation` (yes, no).
    Returns ({filter: value}, [(argument, problem)]): a bad value is left out and named."""
    from flask_babel import gettext as _

    from planner.vocab.codes import CONCEALMENT_METHOD
    from planner.vocab.countries import normalise_country
    from planner.vocab.queries import vocabulary
    from planner.vocab.units import UNITS

    filters, problems = {}, []
    bases = {u.base.lower(): u.base for u in UNITS.values()}
    raw = {key: (args.get(key) or "").strip()[:60] for key in ("unit", "concealment", "origin", "phase",
                                                             "investigation")}
    if raw["unit"]:
        if raw["unit"].lower() in bases:
            filters["unit"] = bases[raw["unit"].lower()]
        else:
            problems.append(("unit", _("Choose one of: %(codes)s.", codes=", ".join(sorted(set(bases.values()))))))
    if raw["concealment"]:
        if raw["concealment"] in {t.code for t in vocabulary(CONCEALMENT_METHOD, include_inactive=True)}:
            filters["concealment"] = raw["concealment"]
        else:
            problems.append(("concealment", _("“%(value)s” is not a known concealment method.",
                                              value=raw["concealment"])))
    if raw["origin"]:
        country = normalise_country(raw["origin"])
        if country:
            filters["origin"] = country
        else:
            problems.append(("origin", _("“%(value)s” is not a country code.", value=raw["origin"])))
    if raw["phase"]:
        if raw["phase"] in SEIZURE_PHASES:
            filters["phase"] = raw["phase"]
        else:
            problems.append(("phase", _("Choose one of: %(codes)s.", codes=", ".join(SEIZURE_PHASES))))
    if raw["investigation"]:
        if raw["investigation"].lower() in YES_NO:
            filters["investigation"] = YES_NO[raw["investigation"].lower()]
        else:
            problems.append(("investigation", _("Choose one of: %(codes)s.", codes=", ".join(YES_NO))))
    return filters, problems


def filter_seizures(stmt, filters: dict):
    """Narrow a seizure SELECT by the list filters (all optional, already checked by the caller):
    organisation_id, status, category, transport_mode, detection_method, date_from, date_to (aware datetimes),
    q (reference or place, case-insensitive), and those of breakdown_filters: unit (an item, of the category
    when one is given, with a quantity in this base unit), concealment, origin (a route step of role origin in
    this country), phase (in_operation / follow_up, as serialization.seizure_phase), investigation (bool)."""
    from sqlalchemy import exists, func

    from planner.operations.models import Operation
    from planner.results.models import Quantity, RouteStep, SeizureItem

    if filters.get("organisation_id"):
        stmt = stmt.where(Seizure.organisation_id == filters["organisation_id"])
    for key in ("status", "transport_mode", "detection_method", "concealment"):
        if filters.get(key):
            stmt = stmt.where(getattr(Seizure, key) == filters[key])
    if filters.get("category") or filters.get("unit"):
        # a semi-join through the category index, rather than a lookup per seizure
        items = select(SeizureItem.seizure_id)
        if filters.get("category"):
            items = items.where(SeizureItem.category == filters["category"])
        if filters.get("unit"):
            items = items.join(Quantity, Quantity.item_id == SeizureItem.id).where(
                Quantity.base_unit == filters["unit"])
        stmt = stmt.where(Seizure.id.in_(items))
    if filters.get("origin"):
        stmt = stmt.where(Seizure.id.in_(select(RouteStep.seizure_id).where(
            RouteStep.role == "origin", RouteStep.country == filters["origin"])))
    if filters.get("phase"):
        follow_up = exists().where(Operation.id == Seizure.operation_id, Operation.actual_end_at.isnot(None),
                                   Seizure.seized_at > Operation.actual_end_at)
        stmt = stmt.where(follow_up if filters["phase"] == "follow_up" else ~follow_up)
    if filters.get("investigation") is not None:
        stmt = stmt.where(Seizure.investigation_opened.is_(bool(filters["investigation"])))
    if filters.get("date_from"):
        stmt = stmt.where(Seizure.seized_at >= filters["date_from"])
    if filters.get("date_to"):
        stmt = stmt.where(Seizure.seized_at < filters["date_to"])
    if filters.get("q"):
        text = filters["q"].lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{text}%"
        stmt = stmt.where(or_(func.lower(Seizure.national_reference).like(pattern, escape="\\"),
                              func.lower(Seizure.place).like(pattern, escape="\\")))
    return stmt


def sort_seizures(stmt, sort: str):
    """`sort` is a key of SEIZURE_SORTS, `-` in front for descending; the id breaks ties (stable paging)."""
    descending = sort.startswith("-")
    columns = SEIZURE_SORTS.get(sort.lstrip("-"), SEIZURE_SORTS["seized_at"])
    order = [c.desc() if descending else c.asc() for c in columns]
    return stmt.order_by(*order, Seizure.id.desc() if descending else Seizure.id.asc())


def seizure_page(access, filters, sort="-seized_at", page=1, per_page=50):
    """(records of the page with items, quantities and route loaded; total count) within the user's scope."""
    from sqlalchemy import func
    from sqlalchemy.orm import selectinload

    from planner.results.models import SeizureItem

    stmt = filter_seizures(visible_seizures(access), filters)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = db.session.scalars(
        sort_seizures(stmt, sort).options(
            selectinload(Seizure.items).selectinload(SeizureItem.quantities), selectinload(Seizure.route))
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return rows, total


def _register_history_scopes():
    """The History tab shows audit entries about a seizure or a control record only to those who see the record."""
    from planner.operations.queries import register_history_scope

    register_history_scope("seizure", lambda access: select(Seizure.id).where(seizure_scope(access)))
    register_history_scope("control_record", lambda access: select(ControlRecord.id).where(control_scope(access)))


_register_history_scopes()


def reported_days(operations):
    """{operation id: {organisation id: set of local dates}} on which each organisation has a submitted seizure or
    control record: what a result reporting deadline looks at (planner.scheduling.deadlines)."""
    from planner.results.live import local_day

    result = {op.id: {} for op in operations}

    def add(operation_id, organisation_id, day):
        day = day if isinstance(day, date) else date.fromisoformat(str(day))
        result[operation_id].setdefault(organisation_id, set()).add(day)

    for op in operations:
        day = local_day(Seizure.seized_at, op)
        for organisation_id, seized_on in db.session.execute(
                select(Seizure.organisation_id, day).where(Seizure.operation_id == op.id,
                                                           Seizure.status == RecordStatus.SUBMITTED.value).distinct()):
            add(op.id, organisation_id, seized_on)
    for operation_id, organisation_id, control_date in db.session.execute(
            select(ControlRecord.operation_id, ControlRecord.organisation_id, ControlRecord.control_date)
            .where(ControlRecord.operation_id.in_([op.id for op in operations]),
                   ControlRecord.status == RecordStatus.SUBMITTED.value).distinct()):
        add(operation_id, organisation_id, control_date)
    return result


def _register_result_days():
    from planner.scheduling.deadlines import register_result_days

    register_result_days(reported_days)


_register_result_days()
