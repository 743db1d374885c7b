"""Figures of an operation's results: small query functions that aggregate in the database (GROUP BY, SUM) and
return plain dataclasses; pages, the API and exports render them (DESIGN.md §5.7).

Figures count submitted records only. What a figure may include follows `aggregate_scope`: the records the user
may see, except that the secretariat and admins see every figure in aggregate (DESIGN.md §2b) while seeing record
details only of records shared with agencies."""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import and_, func, select

from planner.extensions import db
from planner.operations.access import Place
from planner.results.models import ControlRecord, RecordStatus
from planner.results.queries import record_scope
from planner.vocab.codes import SelectionBasis

RATE_PLACES = Decimal("0.0001")


def aggregate_scope(model, access):
    """The WHERE clause of the submitted records of `model` (Seizure or ControlRecord) that count in the figures
    `access.user` may see for the operation of `access`."""
    submitted = and_(model.operation_id == access.operation.id, model.status == RecordStatus.SUBMITTED.value)
    if access.place is Place.OVERSIGHT:
        return submitted
    return and_(submitted, record_scope(model, access))


def hit_rate(hits, controls):
    """hits / controls with four decimals (half up), or None when nothing was controlled."""
    if not controls:
        return None
    return (Decimal(hits) / Decimal(controls)).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ControlFigure:
    selection_basis: str | None  # None: the total over every basis
    controls: int
    hits: int

    @property
    def hit_rate(self):
        return hit_rate(self.hits, self.controls)


@dataclass(frozen=True)
class ControlSummary:
    by_basis: list  # [ControlFigure], one per selection basis in the vocabulary's order, zeros included
    total: ControlFigure


def control_summary(access) -> ControlSummary:
    """Per selection basis: the controls, the hits and the hit rate, over the submitted control records counted
    for this user (one GROUP BY query)."""
    rows = db.session.execute(
        select(ControlRecord.selection_basis, func.coalesce(func.sum(ControlRecord.controls), 0),
               func.coalesce(func.sum(ControlRecord.hits), 0))
        .where(aggregate_scope(ControlRecord, access))
        .group_by(ControlRecord.selection_basis)
    ).all()
    sums = {basis: (int(controls), int(hits)) for basis, controls, hits in rows}
    by_basis = [ControlFigure(code, *sums.get(code, (0, 0))) for code in SelectionBasis.codes()]
    total = ControlFigure(None, sum(f.controls for f in by_basis), sum(f.hits for f in by_basis))
    return ControlSummary(by_basis, total)


@dataclass(frozen=True)
class ConcealmentCount:
    code: str
    label: str
    is_active: bool
    seizures: int
    operations: int


def concealment_counts() -> list:
    """The concealment catalogue (programme item 19) with, per method, how many submitted seizures of all
    operations used it and in how many operations: aggregated figures, which every coordinator and the secretariat
    may see across operations (DESIGN.md §2b); no record crosses an operation's boundary."""
    from planner.results.models import Seizure
    from planner.vocab.codes import CONCEALMENT_METHOD
    from planner.vocab.queries import vocabulary

    counts = {code: (n, ops) for code, n, ops in db.session.execute(
        select(Seizure.concealment, func.count(Seizure.id), func.count(func.distinct(Seizure.operation_id)))
        .where(Seizure.status == RecordStatus.SUBMITTED.value, Seizure.concealment.isnot(None))
        .group_by(Seizure.concealment))}
    return [ConcealmentCount(t.code, t.label, t.is_active, *counts.get(t.code, (0, 0)))
            for t in vocabulary(CONCEALMENT_METHOD, include_inactive=True)]
