"""The public summary of an operation or of a year (programme item 34: publicity for the results): a short,
unmarked document for the press. DESIGN.md §5.3: embargoed results stay out of public summaries.

It counts only submitted records their administration flagged for public statistics whose embargo has passed:
the record's own `embargo_until` and its operation's `results_embargo_until` are each either unset or not after
"today" (the embargo date is the first day a result may be public, as the results pages say: "nothing public
before 30 June"). Nothing else of the operation is told: its code
name and the dates of its operational phase (only once it has started: before, even those are LIMITE), how many
administrations took part, and aggregates: seizures and quantities per commodity and unit, seizures by transport
mode, controls and the hit rate. Nothing comes from the business case or the narrative of a report, no record
detail, no figure per administration, no arrests (in a small operation they point at people) and no hit rate per
selection basis (it tells which targeting works). The dataset carries no link to records."""

from flask_babel import gettext as _
from sqlalchemy import and_, distinct, func, or_, select

from planner.core.clock import utcnow
from planner.core.errors import PermissionDenied, PlannerError
from planner.extensions import db
from planner.operations.models import STARTED_STATES, Operation
from planner.participants.models import Participation, ParticipationRole, ParticipationStatus
from planner.reports import figures
from planner.reports.final_dataset import WORKING_PARTY, by_column_table, commodity_table, local_day, phase_duration
from planner.reports.tables import COUNT, RATE, TEXT, Column, Cover, ReportDataset, Section, Table
from planner.results.models import ControlRecord, Seizure


class NoPublicSummary(PlannerError):
    """The operation has not started: even its code name and dates are not public yet."""

    status = 409


def generates_operation_summary(access) -> bool:
    """Whoever sees the operation beyond its summary (its members and the oversight) generates its public
    summary. A year's is for the programme.view roles (secretariat, admins, coordinators): public figures only."""
    return access.sees_full


def load_public_operation(user, operation_id):
    """(operation, access) for a user who may generate the operation's public summary: NotFound (404) outside
    the operation, PermissionDenied (403) for those who see only its summary (invited, observers)."""
    from planner.operations.queries import get_visible_operation

    operation, access = get_visible_operation(user, operation_id)
    if not generates_operation_summary(access):
        raise PermissionDenied(_("The public summary is for the members of the operation and the working party."))
    return operation, access


def public_today(on=None):
    """The day the embargoes are compared with: `on`, else the clock's (UTC) date."""
    return on or utcnow().date()


def released(column, today):
    """An embargo date column that holds nothing back on `today`: unset, or today or earlier (an embargo date is
    the first day the results may be public, as the results pages and the API say)."""
    return or_(column.is_(None), column <= today)


def public_records(operation_ids, today):
    """The RecordSet of a public summary: submitted records of `operation_ids` flagged for public statistics,
    past their own embargo and their operation's."""
    open_operations = select(Operation.id).where(released(Operation.results_embargo_until, today))

    def clause(model):
        return and_(model.public_statistics.is_(True), released(model.embargo_until, today),
                    model.operation_id.in_(open_operations))

    return figures.RecordSet.of(operation_ids, clause(Seizure), clause(ControlRecord))


def participating_administrations(operation_ids):
    """Distinct administrations that took part (accepted, observers not counted), in one COUNT."""
    return db.session.scalar(select(func.count(distinct(Participation.organisation_id))).where(
        Participation.operation_id.in_(tuple(operation_ids)),
        Participation.status == ParticipationStatus.ACCEPTED.value,
        Participation.role == ParticipationRole.PARTICIPANT.value)) or 0


def _results_section(records):
    """Totals, quantities per commodity and unit, seizures by transport mode, controls and hit rate."""
    totals = figures.seizure_totals(records)
    controls, hits = figures.control_totals(records)
    results = Section("results", _("Results"))
    results.fact("seizures", _("Seizures"), totals["seizures"])
    results.fact("controls", _("Controls"), controls)
    results.fact("hits", _("Controls that found something"), hits)
    results.fact("hit_rate", _("Hit rate"), figures.rate(hits, controls), RATE)
    modes = by_column_table("by_transport_mode", _("Seizures by transport mode"), _("Transport mode"),
                            figures.seizures_by(Seizure.transport_mode, records), "transport_mode")
    modes.columns, modes.rows = modes.columns[:2], [row[:2] for row in modes.rows]  # no arrests
    results.tables += [commodity_table("by_commodity", records), modes]
    for table in results.tables:
        table.links, table.cell_links = [None] * len(table.rows), [None] * len(table.rows)
    return results


def _scope_note(today):
    return _("Only submitted records that their administrations released for public statistics count, and only "
             "once their embargo has passed (figures as of %(day)s).", day=today.isoformat())


def public_operation_dataset(operation, on=None) -> ReportDataset:
    """The public summary of one operation; NoPublicSummary (409) before its operational phase has started."""
    if operation.state not in STARTED_STATES:
        raise NoPublicSummary(_("An operation has a public summary once its operational phase has started."))
    today = public_today(on)
    held = operation.results_embargo_until is not None and operation.results_embargo_until > today
    records = public_records([] if held else [operation.id], today)

    about = Section("operation", _("The operation"))
    about.fact("code_name", _("Joint surveillance operation"), operation.code_name, TEXT)
    about.fact("start", _("Operational phase started"), local_day(operation.actual_start_at, operation), TEXT)
    about.fact("end", _("Operational phase ended"), local_day(operation.actual_end_at, operation), TEXT)
    about.fact("duration_days", _("Duration (days)"), phase_duration(operation))
    about.fact("participants", _("Participating administrations"), participating_administrations([operation.id]))
    results = _results_section(records)
    if held:
        results.text = _("The results of this operation are not public yet.")

    cover = Cover(number=f"{operation.reference} PS", date=today.isoformat(), sender=WORKING_PARTY,
                  recipient=_("For the press"),
                  subject=_("Joint surveillance operation %(name)s: results", name=operation.code_name), marking="")
    return ReportDataset("public", _("Public summary: %(name)s", name=operation.code_name), cover, [about, results],
                         utcnow().replace(microsecond=0).isoformat(), scope_note=_scope_note(today), links_base={})


def public_operations_of(year, today):
    """The operations of `year` that ran (started) and whose results embargo has passed, by sequence."""
    return db.session.scalars(select(Operation).where(
        Operation.year == year, Operation.state.in_(STARTED_STATES),
        released(Operation.results_embargo_until, today)).order_by(Operation.sequence)).all()


def public_year_dataset(year, on=None) -> ReportDataset:
    """The public summary of a year: the operations run in it whose results are public (code name and dates of
    the operational phase only) and the totals over their public records."""
    today = public_today(on)
    operations = public_operations_of(year, today)
    ids = [op.id for op in operations]
    records = public_records(ids, today)

    overview = Section("operations", _("The operations"))
    overview.fact("operations", _("Joint surveillance operations"), len(operations))
    overview.fact("participants", _("Participating administrations"), participating_administrations(ids))
    listing = Table("operations", _("Operations"), [
        Column("code_name", _("Operation")), Column("start", _("Operational phase started")),
        Column("end", _("Operational phase ended")), Column("duration_days", _("Duration (days)"), COUNT)])
    for op in operations:
        listing.add(op.reference, [op.code_name, local_day(op.actual_start_at, op), local_day(op.actual_end_at, op),
                                   phase_duration(op)])
    listing.links, listing.cell_links = [None] * len(listing.rows), [None] * len(listing.rows)
    overview.tables.append(listing)
    results = _results_section(records)

    cover = Cover(number=f"JSO/PS/{year}", date=today.isoformat(), sender=WORKING_PARTY,
                  recipient=_("For the press"),
                  subject=_("Joint surveillance operations in %(year)d: results", year=year), marking="")
    note = _scope_note(today) + " " + _("Operations whose results are not public yet are left out.")
    return ReportDataset("public", _("Public summary %(year)d", year=year), cover, [overview, results],
                         utcnow().replace(microsecond=0).isoformat(), scope_note=note, links_base={})
