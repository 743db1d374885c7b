"""The figures of reports, each one SQL aggregation (GROUP BY in the database, never a loop over ORM rows) over a
set of records described by WHERE clauses: `RecordSet.seizures` for Seizure, `RecordSet.controls` for
ControlRecord. Who may read what is decided by whoever builds the RecordSet (datasets.py); these functions
only count. Only submitted records count. Quantities are summed per base unit (kg, l, pcs, EUR) and never
across units."""
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, case, distinct, func, select, true, type_coerce

from planner.core.types import ExactDecimal
from planner.extensions import db
from planner.operations.models import Operation
from planner.organisations.models import Organisation
from planner.results.models import (
    NORMALISED_SCALE, ControlRecord, Quantity, RecordStatus, RouteStep, Seizure, SeizureItem,
)

SUBMITTED = RecordStatus.SUBMITTED.value


@dataclass(frozen=True)
class RecordSet:
    """The records a report counts: WHERE clauses over Seizure and over ControlRecord (submitted ones only are
    added here) and the operations concerned."""

    seizures: tuple
    controls: tuple
    operation_ids: tuple

    @classmethod
    def of(cls, operation_ids, seizure_clause=true(), control_clause=true()):
        ids = tuple(operation_ids)
        return cls((Seizure.operation_id.in_(ids), Seizure.status == SUBMITTED, seizure_clause),
                   (ControlRecord.operation_id.in_(ids), ControlRecord.status == SUBMITTED, control_clause), ids)


def _total():
    return type_coerce(func.sum(Quantity.normalised_value), ExactDecimal(NORMALISED_SCALE))


def commodity_totals(records, group_by_operation=False):
    """[(category, base unit, seizures, total)] (with the operation id first when asked)."""
    keys = [Seizure.operation_id] if group_by_operation else []
    stmt = (select(*keys, SeizureItem.category, Quantity.base_unit, func.count(distinct(Seizure.id)), _total())
            .join(SeizureItem, SeizureItem.seizure_id == Seizure.id).join(Quantity, Quantity.item_id == SeizureItem.id)
            .where(*records.seizures).group_by(*keys, SeizureItem.category, Quantity.base_unit)
            .order_by(*keys, SeizureItem.category, Quantity.base_unit))
    return [tuple(row) for row in db.session.execute(stmt)]


def seizure_totals(records):
    """{"seizures", "arrests", "investigations", "items"}."""
    seizures, arrests, investigations = db.session.execute(
        select(func.count(Seizure.id), func.coalesce(func.sum(Seizure.arrests), 0),
               func.coalesce(func.sum(case((Seizure.investigation_opened.is_(True), 1), else_=0)), 0))
        .where(*records.seizures)).one()
    items = db.session.scalar(select(func.count(SeizureItem.id)).join(Seizure, Seizure.id == SeizureItem.seizure_id)
                              .where(*records.seizures)) or 0
    return {"seizures": int(seizures), "arrests": int(arrests), "investigations": int(investigations),
            "items": int(items)}


def seizures_by(column, records):
    """[(value of `column`, seizures, arrests)] most seizures first; `column` is a Seizure column."""
    n = func.count(Seizure.id)
    rows = db.session.execute(
        select(column, n, func.coalesce(func.sum(Seizure.arrests), 0)).where(*records.seizures)
        .group_by(column).order_by(n.desc(), column))
    return [(value, int(count), int(arrests)) for value, count, arrests in rows]


def seizures_by_organisation(records):
    """[(organisation code, name, kind, country, seizures, arrests)] most seizures first."""
    n = func.count(Seizure.id)
    rows = db.session.execute(
        select(Organisation.code, Organisation.name, Organisation.kind, Organisation.country, n,
               func.coalesce(func.sum(Seizure.arrests), 0))
        .join(Organisation, Organisation.id == Seizure.organisation_id).where(*records.seizures)
        .group_by(Organisation.code, Organisation.name, Organisation.kind, Organisation.country)
        .order_by(n.desc(), Organisation.code))
    return [tuple(row) for row in rows]


def seizures_by_origin(records):
    """[(country of origin, seizures)]: the route step of role "origin" (a seizure without one is not counted)."""
    n = func.count(distinct(Seizure.id))
    rows = db.session.execute(
        select(RouteStep.country, n).join(Seizure, Seizure.id == RouteStep.seizure_id)
        .where(RouteStep.role == "origin", *records.seizures).group_by(RouteStep.country)
        .order_by(n.desc(), RouteStep.country))
    return [(country, int(count)) for country, count in rows]


def seizures_by_phase(records):
    """{"in_operation": n, "follow_up": n}: a seizure after the end of its operation's operational phase is
    follow-up (DOMAIN.md f.3 item 8)."""
    phase = case((and_(Operation.actual_end_at.isnot(None), Seizure.seized_at > Operation.actual_end_at),
                  "follow_up"), else_="in_operation")
    rows = db.session.execute(select(phase, func.count(Seizure.id)).join(Operation, Operation.id == Seizure.operation_id)
                              .where(*records.seizures).group_by(phase))
    result = {"in_operation": 0, "follow_up": 0}
    result.update({key: int(n) for key, n in rows})
    return result


def controls_by(column, records):
    """[(value of `column`, controls, hits)]; `column` is a ControlRecord column."""
    rows = db.session.execute(
        select(column, func.coalesce(func.sum(ControlRecord.controls), 0), func.coalesce(func.sum(ControlRecord.hits), 0))
        .where(*records.controls).group_by(column).order_by(column))
    return [(value, int(controls), int(hits)) for value, controls, hits in rows]


def control_totals(records):
    controls, hits = db.session.execute(
        select(func.coalesce(func.sum(ControlRecord.controls), 0), func.coalesce(func.sum(ControlRecord.hits), 0))
        .where(*records.controls)).one()
    return int(controls), int(hits)


def per_operation(records):
    """{operation id: {"seizures", "arrests", "controls", "hits"}} in two GROUP BY queries."""
    result = {op_id: {"seizures": 0, "arrests": 0, "controls": 0, "hits": 0} for op_id in records.operation_ids}
    for op_id, n, arrests in db.session.execute(
            select(Seizure.operation_id, func.count(Seizure.id), func.coalesce(func.sum(Seizure.arrests), 0))
            .where(*records.seizures).group_by(Seizure.operation_id)):
        result[op_id].update(seizures=int(n), arrests=int(arrests))
    for op_id, controls, hits in db.session.execute(
            select(ControlRecord.operation_id, func.coalesce(func.sum(ControlRecord.controls), 0),
                   func.coalesce(func.sum(ControlRecord.hits), 0))
            .where(*records.controls).group_by(ControlRecord.operation_id)):
        result[op_id].update(controls=int(controls), hits=int(hits))
    return result


def concealment_trend(records, previous):
    """[(concealment code, seizures in `records`, seizures in `previous`)] for methods used in either."""
    current = dict(seizures_by_concealment(records))
    before = dict(seizures_by_concealment(previous))
    codes = sorted(set(current) | set(before), key=lambda c: (-current.get(c, 0), -before.get(c, 0), c))
    return [(code, current.get(code, 0), before.get(code, 0)) for code in codes]


def seizures_by_concealment(records):
    n = func.count(Seizure.id)
    rows = db.session.execute(select(Seizure.concealment, n).where(Seizure.concealment.isnot(None), *records.seizures)
                              .group_by(Seizure.concealment).order_by(n.desc(), Seizure.concealment))
    return [(code, int(count)) for code, count in rows]


def warning_figures(warning_clause, addressee_clause=true()):
    """{"sent", "addressed", "answered", "led_to_seizure"} over the warnings of `warning_clause` (a WHERE clause
    over WarningMessage): warnings sent; of their addressees within `addressee_clause`, how many, how many
    answered, how many answers named a seizure."""
    from planner.messages.models import WarningAddressee, WarningMessage

    sent = db.session.scalar(select(func.count(WarningMessage.id)).where(warning_clause)) or 0
    visible = select(WarningMessage.id).where(warning_clause)
    addressed, answered, seized = db.session.execute(
        select(func.count(WarningAddressee.id), func.count(WarningAddressee.answered_at),
               func.count(WarningAddressee.seizure_id))
        .join(WarningMessage, WarningMessage.id == WarningAddressee.warning_id)
        .where(WarningAddressee.warning_id.in_(visible), addressee_clause)).one()
    return {"sent": int(sent), "addressed": int(addressed), "answered": int(answered), "led_to_seizure": int(seized)}


def rate(hits, controls):
    from planner.results.figures import hit_rate

    return hit_rate(hits, controls)


def tonnes(kilograms: Decimal | None):
    return None if kilograms is None else kilograms / 1000
