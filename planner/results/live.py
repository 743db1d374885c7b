"""The figures of the live operation page, each one SQL aggregation (GROUP BY in the database) over the submitted
records counted for the user (`figures.aggregate_scope`): drafts and withdrawn records never count."""
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import distinct, func, literal_column, select, type_coerce

from planner.core.types import ExactDecimal
from planner.extensions import db
from planner.organisations.models import Organisation
from planner.results.models import NORMALISED_SCALE, Quantity, Seizure, SeizureItem


@dataclass(frozen=True)
class CommodityTotal:
    category: str
    base_unit: str
    seizures: int
    quantity: Decimal


def _submitted(access):
    """Submitted records counted for this user (the oversight sees every figure in aggregate)."""
    from planner.results.figures import aggregate_scope

    return (aggregate_scope(Seizure, access),)


def local_day(column, operation):
    """The calendar day of a UTC timestamp in the operation's time zone: exact on PostgreSQL (AT TIME ZONE);
    on SQLite the zone's offset at the start of the operational phase (SQLite knows no time zones)."""
    zone = operation.time_zone or "Europe/Brussels"
    if db.engine.dialect.name == "postgresql":
        return func.date(func.timezone(zone, column))
    from zoneinfo import ZoneInfo

    from planner.core.clock import utcnow

    start = operation.actual_start_at or utcnow()
    minutes = int(start.astimezone(ZoneInfo(zone)).utcoffset().total_seconds() // 60)
    return func.date(column, literal_column(f"'{minutes:+d} minutes'"))


def seizures_per_day(access):
    day = local_day(Seizure.seized_at, access.operation).label("day")
    rows = db.session.execute(select(day, func.count(Seizure.id)).where(*_submitted(access))
                              .group_by(day).order_by(day))
    return [(str(d), n) for d, n in rows]


def totals_per_commodity(access):
    total = type_coerce(func.sum(Quantity.normalised_value), ExactDecimal(NORMALISED_SCALE))
    rows = db.session.execute(
        select(SeizureItem.category, Quantity.base_unit, func.count(distinct(Seizure.id)), total)
        .join(SeizureItem, SeizureItem.seizure_id == Seizure.id).join(Quantity, Quantity.item_id == SeizureItem.id)
        .where(*_submitted(access)).group_by(SeizureItem.category, Quantity.base_unit)
        .order_by(SeizureItem.category, Quantity.base_unit))
    return [CommodityTotal(c, u, n, q) for c, u, n, q in rows]


def seizures_per_participant(access):
    rows = db.session.execute(
        select(Organisation.code, func.count(Seizure.id), func.coalesce(func.sum(Seizure.arrests), 0))
        .join(Organisation, Organisation.id == Seizure.organisation_id).where(*_submitted(access))
        .group_by(Organisation.code).order_by(func.count(Seizure.id).desc(), Organisation.code))
    return [(code, n, arrests) for code, n, arrests in rows]


def seizure_totals(access):
    count, arrests, investigations = db.session.execute(
        select(func.count(Seizure.id), func.coalesce(func.sum(Seizure.arrests), 0),
               func.coalesce(func.sum(Seizure.investigation_opened.cast(db.Integer)), 0))
        .where(*_submitted(access))).one()
    return {"seizures": count, "arrests": arrests, "investigations": investigations}


def warnings_leading_to_seizures(access):
    """Per sending administration: its warnings that led to a seizure (a submitted seizure citing them) and those
    seizures. A seizure counts for the administration that seized; the sender is credited here, apart."""
    from planner.messages.models import WarningMessage

    rows = db.session.execute(
        select(Organisation.code, func.count(distinct(WarningMessage.id)), func.count(distinct(Seizure.id)))
        .join(WarningMessage, WarningMessage.id == Seizure.warning_id)
        .join(Organisation, Organisation.id == WarningMessage.sender_organisation_id)
        .where(*_submitted(access)).group_by(Organisation.code).order_by(Organisation.code))
    return [(code, warnings, seizures) for code, warnings, seizures in rows]


def seizures_per_category(access):
    """(category, number of seizures with an item of it), most first."""
    rows = db.session.execute(
        select(SeizureItem.category, func.count(distinct(Seizure.id)))
        .join(SeizureItem, SeizureItem.seizure_id == Seizure.id).where(*_submitted(access))
        .group_by(SeizureItem.category).order_by(func.count(distinct(Seizure.id)).desc(), SeizureItem.category))
    return list(rows)
