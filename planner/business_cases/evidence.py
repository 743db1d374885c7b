"""What earlier operations produced, for the evidence panel of a business case: SQL aggregates (GROUP BY in the
database) over the submitted seizures and controls of the earlier operations whose business case shares any of
the goods or transport sectors being chosen. Aggregates only (DESIGN.md §2b): no record and no operation is named,
and every coordinator who writes a case may read them. Quantities are exact and kept per base unit (kg, l, pcs,
EUR apart: DESIGN.md §2c)."""
from sqlalchemy import distinct, func, or_, select, type_coerce

from planner.business_cases.models import BusinessCase, BusinessCaseGoods, BusinessCaseSector
from planner.core.types import ExactDecimal
from planner.extensions import db
from planner.operations.models import Operation
from planner.results.figures import hit_rate
from planner.results.models import NORMALISED_SCALE, ControlRecord, Quantity, RecordStatus, Seizure, SeizureItem

BASE_UNITS = ("kg", "l", "pcs", "EUR")


def sharing_operations(earlier, goods, sectors):
    """SELECT of the ids of the operations matching `earlier` (a WHERE clause on Operation) whose business case
    names any of `goods` or any of `sectors`."""
    shares = []
    if goods:
        shares.append(BusinessCase.id.in_(select(BusinessCaseGoods.case_id)
                                          .where(BusinessCaseGoods.category.in_(goods))))
    if sectors:
        shares.append(BusinessCase.id.in_(select(BusinessCaseSector.case_id)
                                          .where(BusinessCaseSector.sector.in_(sectors))))
    return (select(Operation.id).join(BusinessCase, BusinessCase.operation_id == Operation.id)
            .where(earlier, or_(*shares)))


def _control_figure(controls, hits):
    controls, hits = int(controls or 0), int(hits or 0)
    return {"controls": controls, "hits": hits, "hit_rate": hit_rate(hits, controls)}


def past_results(earlier, goods, sectors):
    """(results per good, control figures, whether any result exists) of the operations sharing the goods or
    sectors: per good, the submitted seizures holding it, the totals of its quantities per base unit, and the
    controls and hits of the operations that targeted it; per sector, the controls made in that transport mode;
    and the controls of them all."""
    goods, sectors = list(goods or []), list(sectors or [])
    empty = {"sectors": [{"sector": s, **_control_figure(0, 0)} for s in sectors], "total": _control_figure(0, 0)}
    if not goods and not sectors:
        return [], empty, False
    ids = sharing_operations(earlier, goods, sectors)
    submitted = (Seizure.status == RecordStatus.SUBMITTED.value, Seizure.operation_id.in_(ids))
    seizures = dict(db.session.execute(
        select(SeizureItem.category, func.count(distinct(Seizure.id)))
        .join(Seizure, Seizure.id == SeizureItem.seizure_id)
        .where(*submitted, SeizureItem.category.in_(goods))
        .group_by(SeizureItem.category)
    ).all()) if goods else {}
    totals = {}
    if goods:
        for category, unit, total in db.session.execute(
            select(SeizureItem.category, Quantity.base_unit,
                   type_coerce(func.sum(Quantity.normalised_value), ExactDecimal(NORMALISED_SCALE)))
            .join(SeizureItem, SeizureItem.id == Quantity.item_id)
            .join(Seizure, Seizure.id == SeizureItem.seizure_id)
            .where(*submitted, SeizureItem.category.in_(goods))
            .group_by(SeizureItem.category, Quantity.base_unit)
        ):
            totals.setdefault(category, {})[unit] = total
    counted = (ControlRecord.status == RecordStatus.SUBMITTED.value, ControlRecord.operation_id.in_(ids))
    per_good = {category: (controls, hits) for category, controls, hits in db.session.execute(
        select(BusinessCaseGoods.category, func.sum(ControlRecord.controls), func.sum(ControlRecord.hits))
        .join(BusinessCase, BusinessCase.id == BusinessCaseGoods.case_id)
        .join(ControlRecord, ControlRecord.operation_id == BusinessCase.operation_id)
        .where(*counted, BusinessCaseGoods.category.in_(goods))
        .group_by(BusinessCaseGoods.category)
    )} if goods else {}
    per_sector = {mode: (controls, hits) for mode, controls, hits in db.session.execute(
        select(ControlRecord.transport_mode, func.sum(ControlRecord.controls), func.sum(ControlRecord.hits))
        .where(*counted, ControlRecord.transport_mode.in_(sectors))
        .group_by(ControlRecord.transport_mode)
    )} if sectors else {}
    all_controls, all_hits, control_rows = db.session.execute(
        select(func.sum(ControlRecord.controls), func.sum(ControlRecord.hits), func.count(ControlRecord.id))
        .where(*counted)).one()
    results = [{
        "category": g,
        "seizures": int(seizures.get(g, 0)),
        "totals": [{"unit": unit, "value": totals[g][unit]} for unit in BASE_UNITS if unit in totals.get(g, {})],
        **_control_figure(*per_good.get(g, (0, 0))),
    } for g in goods]
    controls = {"sectors": [{"sector": s, **_control_figure(*per_sector.get(s, (0, 0)))} for s in sectors],
                "total": _control_figure(all_controls, all_hits)}
    recorded = control_rows > 0 or (db.session.scalar(select(func.count(Seizure.id)).where(*submitted)) or 0) > 0
    return results, controls, recorded
