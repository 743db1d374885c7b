"""The record annex of a final report's xlsx: one row per quantity of every submitted seizure the reader may see,
streamed from the database (yield_per) into the write-only workbook, never held in memory as a whole. PDFs and
the annual report never carry it."""
from flask_babel import gettext as _
from sqlalchemy import select

from planner.core.spreadsheets import StreamSheet
from planner.extensions import db
from planner.organisations.models import Organisation
from planner.reports.figures import RecordSet
from planner.reports.final_dataset import report_records
from planner.results.models import Quantity, Seizure, SeizureItem

BATCH = 2000


def annex_rows(records):
    stmt = (select(Seizure.id, Organisation.code, Seizure.national_reference, Seizure.seized_at, Seizure.country,
                   Seizure.place, Seizure.transport_mode, Seizure.detection_method, Seizure.concealment,
                   Seizure.arrests, SeizureItem.position, SeizureItem.category, SeizureItem.type,
                   SeizureItem.description, SeizureItem.counterfeit, Quantity.value, Quantity.unit,
                   Quantity.normalised_value, Quantity.base_unit)
            .join(Organisation, Organisation.id == Seizure.organisation_id)
            .join(SeizureItem, SeizureItem.seizure_id == Seizure.id)
            .join(Quantity, Quantity.item_id == SeizureItem.id)
            .where(*records.seizures)
            .order_by(Seizure.seized_at, Seizure.id, SeizureItem.position, Quantity.position)
            .execution_options(yield_per=BATCH))
    last = None
    for row in db.session.execute(stmt):
        (sid, org, ref, seized_at, country, place, transport, detection, concealment, arrests, _pos, category,
         kind, description, counterfeit, value, unit, normalised, base_unit) = row
        first = sid != last
        last = sid
        yield [sid, org, ref, seized_at, country, place, transport, detection, concealment,
               arrests if first else None, category, kind, description, "yes" if counterfeit else None,
               value, unit, normalised, base_unit]  # None: an empty cell, not written at all


def annex_sheet(operation, access=None) -> StreamSheet:
    """The annex of the records `access` may see in detail (access None: every submitted record of the
    operation). Unlike the figures, the oversight sees here only the records shared with agencies."""
    from planner.results.queries import record_scope

    records = (report_records(operation) if access is None else
               RecordSet.of([operation.id], record_scope(Seizure, access)))
    headers = [_("Seizure id"), _("Administration"), _("National reference"), _("Seized at (UTC)"), _("Country"),
               _("Place"), _("Transport mode"), _("Detection method"), _("Concealment method"), _("Arrests"),
               _("Commodity"), _("Type"), _("Description"), _("Counterfeit"), _("Quantity"), _("Unit"),
               _("Normalised quantity"), _("Base unit")]
    return StreamSheet(_("Annex - records"), headers, annex_rows(records),
                       widths={3: 20, 5: 30, 12: 40})  # no number formats: a styled cell costs 3x a plain one
