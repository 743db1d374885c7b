"""The dataset of the consolidated annual report to the Council on year Y: the operations whose year is Y, in any
state, computed over all their submitted records (aggregates only: no record), with the comparison with Y−1.
Who counts as a Member State is decided by EU membership on 31 December of Y (DESIGN.md §2c)."""
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from planner.core.clock import utcnow
from planner.extensions import db
from planner.operations.models import APPROVED_STATES, STARTED_STATES, Operation, OperationState
from planner.organisations.models import eu_members_on
from planner.reports import figures
from planner.reports.final_dataset import by_column_table, commodity_table, controls_table, label, participant_rows
from planner.reports.models import FinalReport, FinalReportStatus
from planner.reports.tables import COUNT, MONEY, QUANTITY, RATE, TEXT, Column, Cover, ReportDataset, Section, Table
from planner.results.models import Seizure
from planner.vocab.codes import TransportMode

SECRETARIAT = "General Secretariat of the Council"
WORKING_PARTY = "Customs Cooperation Working Party"
GROUPS = ("eu_member_state", "third_country", "agency")


@dataclass
class _Oversight:
    """The programme checks count the same for everybody; they are asked as the secretariat would."""

    role: str = "secretariat"


def annual_link(list_="annual", **filters):
    """The submitted seizures behind a figure ("annual_controls": the control records behind a figure of
    controls, hits or hit rate); a `year` other than the report's: last year's figure."""
    return {"list": list_, "status": "submitted", **{k: v for k, v in filters.items() if v is not None}}


def annual_controls_link(**filters):
    return annual_link("annual_controls", **filters)


# The report names the operations the working party approved (and those cancelled after approval): a draft, a
# proposal under review or a rejected one is counted, never named (DESIGN.md §2b: coordinators see summaries of
# approved operations only).
def reported():
    """Approved operations, and those cancelled after their approval."""
    from sqlalchemy import and_, or_

    return or_(Operation.state.in_(APPROVED_STATES),
               and_(Operation.state == OperationState.CANCELLED.value, Operation.approved_at.isnot(None)))


def proposals_not_approved(year):
    return db.session.scalar(select(func.count(Operation.id)).where(Operation.year == year, ~reported())) or 0


def operations_of(year):
    from sqlalchemy.orm import selectinload

    from planner.participants.models import Participation

    return db.session.scalars(select(Operation).where(Operation.year == year, reported())
                              .order_by(Operation.sequence)
                              .options(selectinload(Operation.participations)
                                       .joinedload(Participation.organisation))).all()


def group_of(kind, country, members):
    if kind in ("agency", "secretariat"):
        return "agency"
    return "eu_member_state" if country in members else "third_country"


def group_label(group):
    return {"eu_member_state": _("EU Member State"), "third_country": _("Third country"),
            "agency": _("Agency or international organisation")}[group]


def annual_report_dataset(year, revision=0) -> ReportDataset:
    from planner.business_cases.queries import annual_programme

    operations = operations_of(year)
    records = figures.RecordSet.of([op.id for op in operations])
    previous_ops = operations_of(year - 1)
    previous = figures.RecordSet.of([op.id for op in previous_ops])
    members = set(eu_members_on(date(year, 12, 31)))
    programme = annual_programme(_Oversight(), year)
    totals, before = figures.seizure_totals(records), figures.seizure_totals(previous)
    controls, hits = figures.control_totals(records)
    controls_before, hits_before = figures.control_totals(previous)
    per_op = figures.per_operation(records)

    overview = Section("overview", _("Overview"))
    states = [op.state for op in operations]
    overview.fact("operations", _("Operations of the year"), len(operations))
    overview.fact("planned", _("Operations approved"), sum(s in STARTED_STATES or s == "planning" for s in states))
    overview.fact("run", _("Operations run"), sum(s in STARTED_STATES for s in states))
    overview.fact("cancelled", _("Operations cancelled"), states.count(OperationState.CANCELLED.value))
    overview.fact("not_approved", _("Proposals not approved (draft, under review or rejected)"),
                  proposals_not_approved(year))
    overview.fact("minimum_met", _("At least %(n)d operations (programme item 29)", n=programme.minimum),
                  _("yes") if programme.meets_minimum else _("no"), TEXT)
    overview.fact("sectors_uncovered", _("Transport sectors no operation covers"),
                  ", ".join(str(TransportMode(c).label) for c in programme.uncovered_sectors) or "—", TEXT)
    overview.fact("priority_uncovered", _("Priority goods no operation covers"),
                  ", ".join(label("commodity_category", c) for c in programme.priority_uncovered) or "—", TEXT)
    taking_part = _administrations_taking_part([op.id for op in operations if op.state in STARTED_STATES], members)
    for group in GROUPS:
        overview.fact(f"taking_part_{group}", _("Administrations taking part: %(group)s", group=group_label(group)),
                      taking_part[group])
    overview.fact("requested_eur", _("Funding requested (EUR)"), programme.requested_total, MONEY)
    overview.fact("granted_eur", _("Funding granted (EUR)"), programme.granted_total, MONEY)
    overview.fact("seizures", _("Seizures"), totals["seizures"], link=annual_link())
    overview.fact("arrests", _("Arrests"), totals["arrests"], link=annual_link())
    overview.fact("investigations", _("Follow-up investigations opened"), totals["investigations"],
                  link=annual_link(investigation="yes"))
    overview.fact("controls", _("Controls"), controls, link=annual_controls_link())
    overview.fact("hit_rate", _("Hit rate"), figures.rate(hits, controls), RATE, link=annual_controls_link())
    listing = Table("operations", _("Operations"), [
        Column("reference", _("Reference")), Column("code_name", _("Code name")), Column("lead", _("Lead")),
        Column("state", _("State")), Column("seizures", _("Seizures"), COUNT), Column("arrests", _("Arrests"), COUNT),
        Column("controls", _("Controls"), COUNT), Column("hits", _("Hits"), COUNT)])
    for op in operations:
        f = per_op[op.id]
        of_controls = annual_controls_link(operation=op.reference)
        listing.add(op.reference, [op.reference, op.code_name, op.lead.code, str(op.state_enum.label),
                                   f["seizures"], f["arrests"], f["controls"], f["hits"]],
                    annual_link(operation=op.reference), cells={"controls": of_controls, "hits": of_controls})
    overview.tables.append(listing)

    by_operation = Section("operations", _("The operations"))
    commodities = {}
    for op_id, category, unit, n, total in figures.commodity_totals(records, group_by_operation=True):
        commodities.setdefault(op_id, []).append((category, unit, n, total))
    conclusions = dict(db.session.execute(select(FinalReport.operation_id, FinalReport.sections).where(
        FinalReport.operation_id.in_([op.id for op in operations]),
        FinalReport.status == FinalReportStatus.FINAL.value)).all())
    for op in operations:
        by_operation.subsections.append(_operation_section(op, per_op[op.id], commodities.get(op.id, []),
                                                           conclusions.get(op.id)))

    current_commodities = figures.commodity_totals(records)
    across = Section("across", _("Results across operations"))
    across.tables += [
        commodity_table("by_commodity", records, totals=current_commodities),
        _administration_table(records, members),
        by_column_table("by_transport_mode", _("Seizures by transport mode"), _("Transport mode"),
                        figures.seizures_by(Seizure.transport_mode, records), "transport_mode", "transport_mode"),
        by_column_table("by_detection_method", _("Seizures by detection method"), _("Detection method"),
                        figures.seizures_by(Seizure.detection_method, records), "detection_method", "detection_method"),
        controls_table("controls_by_basis", records),
        _concealment_trend(records, previous, year),
        _participation_matrix(operations),
    ]
    for t in across.tables:
        t.links = [_annual(link) for link in t.links]
        t.cell_links = [{k: _annual(v) for k, v in cells.items()} if cells else None for cells in t.cell_links]

    comparison = Section("comparison", _("Comparison with %(year)d", year=year - 1))
    compare = Table("comparison", _("%(year)d compared with %(before)d", year=year, before=year - 1), [
        Column("figure", _("Figure")), Column("current", str(year), COUNT), Column("previous", str(year - 1), COUNT)])
    for key, text, now, then, link in (
            ("operations", _("Operations"), len(operations), len(previous_ops), None),
            ("seizures", _("Seizures"), totals["seizures"], before["seizures"], annual_link),
            ("arrests", _("Arrests"), totals["arrests"], before["arrests"], annual_link),
            ("investigations", _("Follow-up investigations opened"), totals["investigations"], before["investigations"],
             lambda **f: annual_link(investigation="yes", **f)),
            ("controls", _("Controls"), controls, controls_before, annual_controls_link),
            ("hits", _("Hits"), hits, hits_before, annual_controls_link)):
        compare.add(key, [text, now, then], link and link(), cells=link and {"previous": link(year=year - 1)})
    comparison.tables.append(compare)
    comparison.tables.append(_commodity_comparison(current_commodities, previous, year))

    number = f"JSO/AR/{year}" + (f" REV {revision}" if revision else "")
    cover = Cover(number=number, date=utcnow().date().isoformat(), sender=SECRETARIAT, recipient=WORKING_PARTY,
                  subject=_("Results of the joint surveillance operations carried out in %(year)d", year=year),
                  marking="LIMITE")
    return ReportDataset("annual", _("Consolidated annual report %(year)d", year=year), cover,
                         [overview, by_operation, across, comparison], utcnow().replace(microsecond=0).isoformat(),
                         scope_note=_("The figures count every submitted record of the operations of the year, "
                                      "in aggregate."), links_base={"year": year})


def _administrations_taking_part(operation_ids, members):
    """{group: number of distinct administrations that took part (accepted participants, not observers) in an
    operation run in the year}."""
    from planner.organisations.models import Organisation
    from planner.participants.models import Participation

    rows = db.session.execute(
        select(Organisation.id, Organisation.kind, Organisation.country).distinct()
        .join(Participation, Participation.organisation_id == Organisation.id)
        .where(Participation.operation_id.in_(operation_ids), Participation.status == "accepted",
               Participation.role == "participant")).all()
    counts = dict.fromkeys(GROUPS, 0)
    for _id, kind, country in rows:
        counts[group_of(kind, country, members)] += 1
    return counts


def _annual(link):
    """A link of the final report's tables (one operation's seizure or control list) as the annual report's."""
    if link is None:
        return None
    return {**link, "list": {"seizures": "annual", "controls": "annual_controls"}.get(link["list"], link["list"])}


def _operation_section(op, f, commodities, conclusions):
    from planner.reports.models import NarrativeSection

    section = Section(f"operation_{op.reference}", f"{op.reference} {op.code_name}")
    section.fact("state", _("State"), str(op.state_enum.label), TEXT)
    section.fact("lead", _("Lead"), f"{op.lead.code} — {op.lead.name}", TEXT)
    participants = participant_rows(op)
    section.fact("participants", _("Participating administrations"), sum(1 for r in participants if not r[3]))
    section.fact("observers", _("Observers"), sum(1 for r in participants if r[3]))
    section.fact("seizures", _("Seizures"), f["seizures"], link=annual_link(operation=op.reference))
    section.fact("arrests", _("Arrests"), f["arrests"], link=annual_link(operation=op.reference))
    section.fact("controls", _("Controls"), f["controls"], link=annual_controls_link(operation=op.reference))
    section.fact("hit_rate", _("Hit rate"), figures.rate(f["hits"], f["controls"]), RATE,
                 link=annual_controls_link(operation=op.reference))
    table = Table(f"commodities_{op.reference}", _("Seizures by commodity and unit"), [
        Column("commodity", _("Commodity")), Column("unit", _("Unit")), Column("seizures", _("Seizures"), COUNT),
        Column("quantity", _("Quantity"), QUANTITY)], sheet=f"{op.reference} commodities")
    for category, unit, n, total in commodities:
        table.add(f"{category}/{unit}", [label("commodity_category", category), unit, n, total],
                  annual_link(operation=op.reference, category=category, unit=unit))
    section.tables.append(table)
    if conclusions:
        parts = [conclusions.get(code.value, "") for code in (NarrativeSection.LESSONS_LEARNED,
                                                               NarrativeSection.RECOMMENDATIONS)]
        section.text = "\n\n".join(p for p in parts if p)
    else:
        section.text = _("No final report has been made final yet.")
    return section


def _administration_table(records, members):
    table = Table("by_administration", _("Seizures by administration"), [
        Column("code", _("Administration")), Column("name", _("Name")), Column("group", _("Counts as")),
        Column("seizures", _("Seizures"), COUNT), Column("arrests", _("Arrests"), COUNT)], chart=(0, 3))
    for code, name, kind, country, n, arrests in figures.seizures_by_organisation(records):
        table.add(code, [code, name, group_label(group_of(kind, country, members)), n, arrests],
                  annual_link(organisation=code))
    return table


def _concealment_trend(records, previous, year):
    table = Table("concealment_trend", _("Concealment methods, %(year)d and %(before)d", year=year, before=year - 1),
                  [Column("method", _("Concealment method")), Column("current", str(year), COUNT),
                   Column("previous", str(year - 1), COUNT)], chart=(0, 1))
    for code, now, then in figures.concealment_trend(records, previous):
        table.add(code, [label("concealment_method", code), now, then], annual_link(concealment=code),
                  cells={"previous": annual_link(concealment=code, year=year - 1)})
    return table


def _participation_matrix(operations):
    """Administration × operation: L lead, C co-organiser, P participant, O observer (accepted ones)."""
    columns = [Column("administration", _("Administration"))] + [Column(op.reference, op.reference) for op in operations]
    table = Table("participation_matrix", _("Participation (L lead, C co-organiser, P participant, O observer)"),
                  columns)
    cells = {}
    for op in operations:
        for p in op.participations:
            if p.status != "accepted":
                continue
            mark = "L" if p.is_lead else "C" if p.is_co_organiser else "O" if p.role == "observer" else "P"
            cells.setdefault(p.organisation.code, {})[op.reference] = mark
    for code in sorted(cells):
        table.add(code, [code] + [cells[code].get(op.reference, "") for op in operations])
    return table


def _commodity_comparison(current, previous, year):
    now = {(c, u): (n, q) for c, u, n, q in current}
    then = {(c, u): (n, q) for c, u, n, q in figures.commodity_totals(previous)}
    table = Table("commodity_comparison", _("Quantities by commodity and unit, %(year)d and %(before)d",
                                            year=year, before=year - 1), [
        Column("commodity", _("Commodity")), Column("unit", _("Unit")),
        Column("current", str(year), QUANTITY), Column("previous", str(year - 1), QUANTITY),
        Column("change", _("Change"), QUANTITY, linked=False)])
    for key in sorted(set(now) | set(then)):
        q_now, q_then = now.get(key, (0, None))[1], then.get(key, (0, None))[1]
        change = (q_now or 0) - (q_then or 0)
        table.add(f"{key[0]}/{key[1]}", [label("commodity_category", key[0]), key[1], q_now, q_then, change],
                  annual_link(category=key[0], unit=key[1]),
                  cells={"previous": annual_link(category=key[0], unit=key[1], year=year - 1)})
    return table
