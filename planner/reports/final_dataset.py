"""The dataset of an operation's final report (DESIGN.md §5.7): every figure an SQL aggregation over the records
the reader may see (`final_report_dataset(operation, access)`), or over every submitted record of the operation
for the frozen document the lead sends to the working party (`access=None`: aggregates only, no record)."""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select, true

from planner.core.clock import utcnow
from planner.extensions import db
from planner.operations.access import Place
from planner.reports import figures
from planner.reports.models import FinalReport, NarrativeSection, ReportContribution
from planner.reports.tables import COUNT, QUANTITY, RATE, TEXT, Column, Cover, ReportDataset, Section, Table
from planner.results.models import ControlRecord, Seizure

WORKING_PARTY = "Customs Cooperation Working Party"


def report_records(operation, access=None):
    """The RecordSet the report counts: all submitted records (access None, or the oversight, which sees every
    figure in aggregate), else those the reader may see (need-to-know of the results)."""
    from planner.results.queries import record_scope

    if access is None or access.place is Place.OVERSIGHT:
        return figures.RecordSet.of([operation.id])
    return figures.RecordSet.of([operation.id], record_scope(Seizure, access), record_scope(ControlRecord, access))


def _warning_clauses(operation, access):
    """(warnings, their addressees) counted for the reader: all for the organisers and the oversight; else the
    warnings it sees, and of their answers only its own and those given to the warnings it sent."""
    from sqlalchemy import or_

    from planner.messages.models import WarningAddressee, WarningMessage
    from planner.messages.queries import warning_scope

    if access is None or access.place is Place.OVERSIGHT:
        return WarningMessage.operation_id == operation.id, true()
    if access.coordinates:
        return warning_scope(access), true()
    own = access.user.organisation_id
    return warning_scope(access), or_(WarningAddressee.organisation_id == own,
                                      WarningMessage.sender_organisation_id == own)


def seizure_link(**filters):
    return {"list": "seizures", "status": "submitted", **{k: v for k, v in filters.items() if v is not None}}


def control_link(**filters):
    return {"list": "controls", "status": "submitted", **{k: v for k, v in filters.items() if v is not None}}


def label(vocabulary, code):
    from planner.vocab.queries import term_label

    return term_label(vocabulary, code) if code else "—"


def commodity_table(key, records, title=None, totals=None):
    """Totals per commodity and unit: seizures, quantity in the base unit, tonnes beside kilograms (`totals`:
    figures.commodity_totals(records) when the caller has them already)."""
    table = Table(key, title or _("Seizures by commodity and unit"), [
        Column("commodity", _("Commodity")), Column("unit", _("Unit")), Column("seizures", _("Seizures"), COUNT),
        Column("quantity", _("Quantity"), QUANTITY), Column("tonnes", _("Tonnes"), QUANTITY)], chart=None)
    for category, unit, seizures, total in (figures.commodity_totals(records) if totals is None else totals):
        table.add(f"{category}/{unit}", [label("commodity_category", category), unit, seizures, total,
                                         figures.tonnes(total) if unit == "kg" else None],
                  seizure_link(category=category, unit=unit))
    return table


def by_column_table(key, title, heading, rows, vocabulary=None, link_key=None, labeller=None):
    """[(code, seizures, arrests)] as a table with a bar chart of the seizures."""
    table = Table(key, title, [Column("value", heading), Column("seizures", _("Seizures"), COUNT),
                               Column("arrests", _("Arrests"), COUNT)], chart=(0, 1))
    for code, seizures, arrests in rows:
        shown = labeller(code) if labeller else label(vocabulary, code)
        table.add(code or "-", [shown, seizures, arrests], seizure_link(**({link_key: code} if link_key else {})))
    return table


def controls_table(key, records, link_operation=True):
    table = Table(key, _("Controls and hit rate by selection basis"), [
        Column("basis", _("Selection basis")), Column("controls", _("Controls"), COUNT),
        Column("hits", _("Hits"), COUNT), Column("hit_rate", _("Hit rate"), RATE)], chart=(0, 3))
    total_controls = total_hits = 0
    for basis, controls, hits in figures.controls_by(ControlRecord.selection_basis, records):
        total_controls, total_hits = total_controls + controls, total_hits + hits
        table.add(basis, [label("selection_basis", basis), controls, hits, figures.rate(hits, controls)],
                  control_link(selection_basis=basis) if link_operation else None)
    table.add("total", [_("Total"), total_controls, total_hits, figures.rate(total_hits, total_controls)],
              control_link() if link_operation else None)
    return table


def phase_duration(operation):
    """Days of the operational phase, first and last local days included (the dates the report shows)."""
    if operation.actual_start_at and operation.actual_end_at:
        start, end = (date.fromisoformat(local_day(m, operation)) for m in (operation.actual_start_at,
                                                                          operation.actual_end_at))
        return (end - start).days + 1
    return None


def local_day(moment, operation):
    """A UTC moment's date (ISO) in the operation's time zone, or None."""
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(operation.time_zone or "Europe/Brussels")).date().isoformat() if moment else None


def participant_rows(operation):
    """(organisation, place label) of the accepted participants and observers, lead first."""
    rows = []
    for p in operation.participations:
        if p.status != "accepted":
            continue
        if p.is_lead:
            place = _("Lead")
        elif p.is_co_organiser:
            place = _("Co-organiser")
        elif p.role == "observer":
            place = _("Observer")
        else:
            place = _("Participant")
        rows.append((p.organisation, place, p.is_lead, p.role == "observer"))
    rows.sort(key=lambda r: (not r[2], r[3], r[0].code))
    return rows


def document_number(operation):
    return f"{operation.reference} FR"


def final_report_dataset(operation, access=None, report=None, revision=0) -> ReportDataset:
    from planner.reports.access import reads_narrative

    report = report or db.session.scalar(select(FinalReport).where(FinalReport.operation_id == operation.id))
    narrative_read = reads_narrative(access)
    sections_text = ((report.sections if report else None) or {}) if narrative_read else {}
    records = report_records(operation, access)
    totals = figures.seizure_totals(records)
    controls, hits = figures.control_totals(records)
    warnings = figures.warning_figures(*_warning_clauses(operation, access))
    phase = figures.seizures_by_phase(records)
    participants = participant_rows(operation)

    def narrative(code):
        return Section(code.value, str(code.label), text=sections_text.get(code.value, ""))

    intro, legal = narrative(NarrativeSection.INTRODUCTION), narrative(NarrativeSection.LEGAL_FRAMEWORK)

    people = Section("participants", _("Participants and observers"))
    people.fact("participants", _("Participating administrations"), sum(1 for r in participants if not r[3]))
    people.fact("observers", _("Observers"), sum(1 for r in participants if r[3]))
    roster = Table("participants", _("Participants and observers"), [
        Column("code", _("Administration")), Column("name", _("Name")), Column("place", _("Place"))])
    for organisation, place, _lead, _observer in participants:
        roster.add(organisation.code, [organisation.code, organisation.name, place],
                   seizure_link(organisation=organisation.code))
    people.tables.append(roster)

    conduct = narrative(NarrativeSection.CONDUCT)
    conduct.fact("start", _("Operational phase started"), local_day(operation.actual_start_at, operation), TEXT)
    conduct.fact("end", _("Operational phase ended"), local_day(operation.actual_end_at, operation), TEXT)
    conduct.fact("duration_days", _("Duration (days)"), phase_duration(operation))

    results = Section("results", _("Results"))
    results.fact("seizures", _("Seizures"), totals["seizures"], link=seizure_link())
    results.fact("items", _("Items seized"), totals["items"], link=seizure_link())
    results.fact("arrests", _("Arrests"), totals["arrests"], link=seizure_link())
    results.fact("investigations", _("Follow-up investigations opened"), totals["investigations"],
                 link=seizure_link(investigation="yes"))
    results.fact("in_operation", _("Seizures during the operational phase"), phase["in_operation"],
                 link=seizure_link(phase="in_operation"))
    results.fact("follow_up", _("Seizures in the follow-up"), phase["follow_up"], link=seizure_link(phase="follow_up"))
    results.fact("controls", _("Controls"), controls, link=control_link())
    results.fact("hits", _("Hits"), hits, link=control_link())
    results.fact("hit_rate", _("Hit rate"), figures.rate(hits, controls), RATE, link=control_link())
    results.fact("warnings_sent", _("Warnings sent"), warnings["sent"], link={"list": "warnings"})
    results.fact("warnings_addressed", _("Warnings received by participants"), warnings["addressed"],
                 link={"list": "warnings"})
    results.fact("warnings_answered", _("Warnings answered"), warnings["answered"], link={"list": "warnings"})
    results.fact("warnings_led_to_seizure", _("Answers reporting a seizure"), warnings["led_to_seizure"],
                 link={"list": "warnings"})
    results.tables += [
        commodity_table("by_commodity", records),
        by_column_table("by_participant", _("Seizures by participant"), _("Administration"),
                        [(code, n, arrests) for code, _name, _k, _c, n, arrests in
                         figures.seizures_by_organisation(records)], link_key="organisation", labeller=str),
        by_column_table("by_transport_mode", _("Seizures by transport mode"), _("Transport mode"),
                        figures.seizures_by(Seizure.transport_mode, records), "transport_mode", "transport_mode"),
        by_column_table("by_detection_method", _("Seizures by detection method"), _("Detection method"),
                        figures.seizures_by(Seizure.detection_method, records), "detection_method", "detection_method"),
        by_column_table("by_concealment", _("Seizures by concealment method"), _("Concealment method"),
                        [(c, n, None) for c, n in figures.seizures_by_concealment(records)], "concealment_method",
                        "concealment"),
        _origin_table(records),
        controls_table("controls_by_basis", records),
    ]
    for t in results.tables:  # the concealment and origin tables have no arrests column
        if t.key in ("by_concealment", "by_origin"):
            t.columns = t.columns[:2]
            t.rows = [r[:2] for r in t.rows]

    analysis = narrative(NarrativeSection.ANALYSIS)
    contributions = Section("contributions", _("Contributions of the participants"))
    for c in db.session.scalars(select(ReportContribution).where(
            ReportContribution.operation_id == operation.id, ReportContribution.submitted_at.isnot(None),
            *_contribution_scope(operation, access)).order_by(ReportContribution.id)):
        contributions.subsections.append(Section(f"contribution_{c.organisation.code}",
                                                 f"{c.organisation.code} — {c.organisation.name}", text=c.body))
    if not contributions.subsections:
        contributions.text = ""
    lessons, recommendations = narrative(NarrativeSection.LESSONS_LEARNED), narrative(NarrativeSection.RECOMMENDATIONS)

    today = (report.finalised_at if report and report.is_final else utcnow())
    number = document_number(operation) + (f" REV {revision}" if revision else "")
    cover = Cover(number=number, date=today.date().isoformat(), sender=f"{operation.lead.code} — {operation.lead.name}",
                  recipient=WORKING_PARTY, subject=_("Final report of joint surveillance operation %(name)s (%(ref)s)",
                                                     name=operation.code_name, ref=operation.reference),
                  marking=operation.handling_marking)
    sections = [intro, legal, people, conduct, results, analysis, contributions, lessons, recommendations]
    if not narrative_read:  # the coordinator's narrative is LIMITE: third countries read the figures only
        narratives = {s.value for s in NarrativeSection}
        for section in sections:
            if section.key in narratives:
                section.text = None
        sections = [s for s in sections if s.text is not None or s.facts or s.tables or s.subsections
                    or s.key == "contributions"]
    return ReportDataset(
        "final", _("Final report: %(name)s", name=operation.code_name), cover, sections,
        utcnow().replace(microsecond=0).isoformat(),
        scope_note=_scope_note(access),
        links_base={"operation_id": operation.id})


def _origin_table(records):
    from planner.vocab.countries import country_name

    rows = [(code, n, None) for code, n in figures.seizures_by_origin(records)]
    return by_column_table("by_origin", _("Seizures by country of origin"), _("Country of origin"), rows,
                           link_key="origin", labeller=lambda c: f"{country_name(c)} ({c})")


def _contribution_scope(operation, access):
    from planner.reports.access import contribution_clause

    return (contribution_clause(access),)


def _scope_note(access):
    if access is None or access.place is Place.OVERSIGHT:
        return _("The figures count every submitted record of the operation.")
    if access.place in (Place.LEAD, Place.CO_ORGANISER):
        return _("The figures count every submitted record of the operation.")
    return _("The figures count the submitted records your administration may see: its own and those other "
             "participants share with it.")

