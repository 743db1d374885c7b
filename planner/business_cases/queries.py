"""What a user may see of business cases, the evidence from past operations and the annual programme.
Figures across operations are SQL aggregates (GROUP BY in the database); record details never cross an
operation's boundary (DESIGN.md §2b)."""
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import distinct, func, or_, select

from planner.business_cases.models import BusinessCase, BusinessCaseGoods, BusinessCaseSector, FundingDecision
from planner.core.enums import Role
from planner.core.errors import NotFound, PermissionDenied
from planner.extensions import db
from planner.operations.models import APPROVED_STATES, Operation, OperationState
from planner.operations.queries import get_visible_operation
from planner.vocab.codes import TransportMode

# Goods the programme checks for (item 29: "high priority prohibitions and restrictions"; item 27 names cocaine
# and excise goods): a year's programme should cover them.
PRIORITY_GOODS = ("drugs", "cigarettes", "tobacco", "alcohol", "fuel", "counterfeit", "weapons")
MINIMUM_OPERATIONS = 4


def get_case_for_viewing(user, operation_id):
    """(operation, access, case or None) for those who see the full operation; 404 for those who do not see it
    at all; 403 for an invited organisation or an observer (they see the summary on the overview)."""
    operation, access = get_visible_operation(user, operation_id)
    if not access.sees_full:
        raise PermissionDenied(_("Only the organisations taking part, the secretariat and admins see the business "
                                 "case."))
    from planner.business_cases.services import case_of

    return operation, access, case_of(operation)


def operation_summary(operation):
    """What anybody who sees the operation at all may read: planned window (the schedule when there is one),
    goods and transport sectors."""
    from planner.scheduling.models import Phase

    case = db.session.scalar(select(BusinessCase).where(BusinessCase.operation_id == operation.id))
    phase = db.session.scalar(select(Phase).where(Phase.operation_id == operation.id, Phase.kind == "operational"))
    if phase is not None:
        start, end, source = phase.start_date, phase.end_date, "schedule"
    else:
        start, end, source = (case.operational_start, case.operational_end, "business_case") if case else (None, None, None)
    goods = [g["category"] for g in (case.content.get("targeted_goods") or [])] if case else []
    sectors = list(case.content.get("transport_sectors") or []) if case else []
    return {"operational_start": start, "operational_end": end, "dates_from": source, "goods": goods,
            "sectors": sectors}


# --- evidence from past operations -------------------------------------------------------------------------

def _earlier(operation):
    """Operations approved in earlier years, or closed, other than this one."""
    return (Operation.id != operation.id) & Operation.state.in_(APPROVED_STATES) & or_(
        Operation.year < operation.year, Operation.state == OperationState.CLOSED.value)


def evidence_for(operation, goods, sectors):
    """Counts of earlier operations sharing each good and each sector (SQL GROUP BY), and the operations sharing
    any of them; and what the earlier operations sharing any of the goods or sectors produced
    (planner.business_cases.evidence): `results` per good (submitted seizures holding it, totals per base unit,
    controls and hit rate of the operations that targeted it), `controls` per sector and in all, and
    `results_recorded` when any seizure or control of them is recorded."""
    from planner.business_cases.evidence import past_results

    goods, sectors = list(goods or []), list(sectors or [])
    by_goods = dict(db.session.execute(
        select(BusinessCaseGoods.category, func.count(distinct(Operation.id)))
        .join(BusinessCase, BusinessCase.id == BusinessCaseGoods.case_id)
        .join(Operation, Operation.id == BusinessCase.operation_id)
        .where(_earlier(operation), BusinessCaseGoods.category.in_(goods))
        .group_by(BusinessCaseGoods.category)
    ).all()) if goods else {}
    by_sector = dict(db.session.execute(
        select(BusinessCaseSector.sector, func.count(distinct(Operation.id)))
        .join(BusinessCase, BusinessCase.id == BusinessCaseSector.case_id)
        .join(Operation, Operation.id == BusinessCase.operation_id)
        .where(_earlier(operation), BusinessCaseSector.sector.in_(sectors))
        .group_by(BusinessCaseSector.sector)
    ).all()) if sectors else {}
    both = 0
    if goods and sectors:
        both = db.session.scalar(
            select(func.count(distinct(Operation.id)))
            .join(BusinessCase, BusinessCase.operation_id == Operation.id)
            .join(BusinessCaseGoods, BusinessCaseGoods.case_id == BusinessCase.id)
            .join(BusinessCaseSector, BusinessCaseSector.case_id == BusinessCase.id)
            .where(_earlier(operation), BusinessCaseGoods.category.in_(goods), BusinessCaseSector.sector.in_(sectors))
        ) or 0
    results, controls, recorded = past_results(_earlier(operation), goods, sectors)
    return {
        "goods": [{"category": g, "operations": by_goods.get(g, 0)} for g in goods],
        "sectors": [{"sector": s, "operations": by_sector.get(s, 0)} for s in sectors],
        "operations_sharing_goods_and_sectors": both,
        "results_recorded": recorded,
        "results": results,
        "controls": controls,
        "note": str(_l("Submitted seizures and controls of the earlier operations sharing these goods or sectors, "
                       "in aggregate; quantities per unit (kg, l, pieces, EUR apart).") if recorded else
                    _l("No seizures or controls are recorded in the planner yet: the quantities, seizures per "
                       "unit and hit rates of earlier operations will appear here once they report results.")),
    }


# --- the annual programme ----------------------------------------------------------------------------------

@dataclass
class ProgrammeRow:
    operation: Operation
    goods: list
    sectors: list
    operational_start: object
    operational_end: object
    requested_eur: Decimal | None
    granted_eur: Decimal | None


@dataclass
class Programme:
    year: int
    rows: list
    approved_count: int
    meets_minimum: bool
    uncovered_sectors: list
    covered_sectors: list
    priority_covered: list
    priority_uncovered: list
    requested_total: Decimal
    granted_total: Decimal
    sees_drafts: bool
    shows_funding_per_operation: bool
    minimum: int = MINIMUM_OPERATIONS
    priority_goods: tuple = field(default=PRIORITY_GOODS)


def programme_states(user):
    if Role(user.role) in (Role.SECRETARIAT, Role.ADMIN):
        return APPROVED_STATES + (OperationState.DRAFT.value, OperationState.SUBMITTED.value)
    return APPROVED_STATES


def annual_programme(user, year):
    """The year's operations the user may list (approved ones; the secretariat and admins also drafts and
    submitted ones) and the checks of item 29, computed over approved or running operations with SQL."""
    states = programme_states(user)
    oversight = Role(user.role) in (Role.SECRETARIAT, Role.ADMIN)
    operations = db.session.scalars(
        select(Operation).where(Operation.year == year, Operation.state.in_(states))
        .order_by(Operation.sequence)
    ).all()
    ids = [op.id for op in operations]
    goods, sectors = {}, {}
    for op_id, category in db.session.execute(
        select(BusinessCase.operation_id, BusinessCaseGoods.category)
        .join(BusinessCaseGoods, BusinessCaseGoods.case_id == BusinessCase.id)
        .where(BusinessCase.operation_id.in_(ids)).order_by(BusinessCaseGoods.id)
    ):
        goods.setdefault(op_id, []).append(category)
    for op_id, sector in db.session.execute(
        select(BusinessCase.operation_id, BusinessCaseSector.sector)
        .join(BusinessCaseSector, BusinessCaseSector.case_id == BusinessCase.id)
        .where(BusinessCase.operation_id.in_(ids)).order_by(BusinessCaseSector.id)
    ):
        sectors.setdefault(op_id, []).append(sector)
    # The schedule is the authority for dates once there is one (from approval on); else the planned window.
    from planner.scheduling.models import Phase

    cases = {row.operation_id: row for row in db.session.execute(
        select(BusinessCase.operation_id,
               func.coalesce(Phase.start_date, BusinessCase.operational_start).label("operational_start"),
               func.coalesce(Phase.end_date, BusinessCase.operational_end).label("operational_end"),
               BusinessCase.requested_eur)
        .outerjoin(Phase, (Phase.operation_id == BusinessCase.operation_id) & (Phase.kind == "operational"))
        .where(BusinessCase.operation_id.in_(ids)))}
    granted = dict(db.session.execute(
        select(FundingDecision.operation_id, FundingDecision.granted_eur).where(FundingDecision.operation_id.in_(ids))
    ).all())
    rows = []
    for op in operations:
        c = cases.get(op.id)
        # Per-operation funding is for the secretariat and admins only: coordinators never receive it.
        requested = (c.requested_eur if c else None) if oversight else None
        rows.append(ProgrammeRow(op, goods.get(op.id, []), sectors.get(op.id, []),
                                 c.operational_start if c else None, c.operational_end if c else None,
                                 requested, granted.get(op.id) if oversight else None))

    counted = Operation.year == year, Operation.state.in_(APPROVED_STATES)
    approved_count = db.session.scalar(select(func.count(Operation.id)).where(*counted)) or 0
    covered_sectors = set(db.session.scalars(
        select(distinct(BusinessCaseSector.sector)).join(BusinessCase, BusinessCase.id == BusinessCaseSector.case_id)
        .join(Operation, Operation.id == BusinessCase.operation_id).where(*counted)))
    covered_goods = set(db.session.scalars(
        select(distinct(BusinessCaseGoods.category)).join(BusinessCase, BusinessCase.id == BusinessCaseGoods.case_id)
        .join(Operation, Operation.id == BusinessCase.operation_id).where(*counted)))
    requested_total = db.session.scalar(
        select(func.coalesce(func.sum(BusinessCase.requested_eur), 0))
        .join(Operation, Operation.id == BusinessCase.operation_id).where(*counted))
    granted_total = db.session.scalar(
        select(func.coalesce(func.sum(FundingDecision.granted_eur), 0))
        .join(Operation, Operation.id == FundingDecision.operation_id).where(*counted))
    return Programme(
        year=year, rows=rows, approved_count=approved_count, meets_minimum=approved_count >= MINIMUM_OPERATIONS,
        uncovered_sectors=[m.value for m in TransportMode if m.value not in covered_sectors],
        covered_sectors=[m.value for m in TransportMode if m.value in covered_sectors],
        priority_covered=[g for g in PRIORITY_GOODS if g in covered_goods],
        priority_uncovered=[g for g in PRIORITY_GOODS if g not in covered_goods],
        requested_total=Decimal(requested_total or 0).quantize(Decimal("0.01")),
        granted_total=Decimal(granted_total or 0).quantize(Decimal("0.01")),
        sees_drafts=oversight, shows_funding_per_operation=oversight,
    )


def programme_json(programme):
    def money(value):
        return f"{value:.2f}" if value is not None else None

    return {
        "year": programme.year,
        "operations": [{
            "id": r.operation.id, "reference": r.operation.reference, "code_name": r.operation.code_name,
            "lead": r.operation.lead.code, "state": r.operation.state,
            "state_label": str(r.operation.state_enum.label), "targeted_goods": r.goods,
            "transport_sectors": r.sectors,
            "operational_start": r.operational_start.isoformat() if r.operational_start else None,
            "operational_end": r.operational_end.isoformat() if r.operational_end else None,
            **({"requested_eur": money(r.requested_eur), "granted_eur": money(r.granted_eur)}
               if programme.shows_funding_per_operation else {}),
        } for r in programme.rows],
        "checks": {
            "operations_approved_or_under_way": programme.approved_count,
            "minimum_operations": programme.minimum,
            "meets_minimum": programme.meets_minimum,
            "covered_transport_sectors": programme.covered_sectors,
            "uncovered_transport_sectors": programme.uncovered_sectors,
            "priority_goods": list(programme.priority_goods),
            "priority_goods_covered": programme.priority_covered,
            "priority_goods_uncovered": programme.priority_uncovered,
        },
        "funding": {"requested_eur": money(programme.requested_total), "granted_eur": money(programme.granted_total)},
    }


def get_version(case, number):
    for version in (case.versions if case else []):
        if version.number == number:
            return version
    raise NotFound("No such version.")
