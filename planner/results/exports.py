"""The seizure list as xlsx: one row per quantity, only what the reader may see (the same scope as the page)."""
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from planner.core.spreadsheets import Sheet, workbook_bytes
from planner.extensions import db
from planner.results.models import Seizure, SeizureItem
from planner.results.queries import filter_seizures, sort_seizures, visible_seizures
from planner.results.serialization import seizure_phase

HEADERS = [_l("National reference"), _l("Administration"), _l("Status"), _l("Phase"), _l("Seized at (UTC)"),
           _l("Country"), _l("Place"), _l("Location type"), _l("Transport mode"), _l("Detection method"),
           _l("Category"), _l("Type"), _l("Counterfeit"), _l("Description"), _l("HS code"), _l("Brand"),
           _l("Quantity"), _l("Unit"), _l("Normalised quantity"), _l("Base unit"), _l("Estimated value EUR"),
           _l("Duties evaded EUR"), _l("Concealment"), _l("Arrests"), _l("Investigation opened")]


def seizure_rows(operation, access, filters, sort="seized_at"):
    """One row per quantity, in the list's order. Values of an item (value, duties) stand on its first quantity's
    row and values of the seizure (arrests, investigation) on its first row only, so that column sums are right."""
    stmt = sort_seizures(filter_seizures(visible_seizures(access), filters), sort).options(
        selectinload(Seizure.items).selectinload(SeizureItem.quantities))
    for s in db.session.scalars(stmt).yield_per(500):
        first_of_seizure = True
        for item in s.items:
            for q in item.quantities:
                first_of_item = q is item.quantities[0]
                yield [s.national_reference, s.organisation.code, s.status, seizure_phase(s), s.seized_at,
                       s.country, s.place, s.location_type, s.transport_mode, s.detection_method, item.category,
                       item.type, item.counterfeit, item.description, item.hs_code, item.brand, q.value, q.unit,
                       q.normalised_value, q.base_unit,
                       item.estimated_value_eur if first_of_item else None,
                       item.duties_evaded_eur if first_of_item else None, s.concealment,
                       s.arrests if first_of_seizure else None,
                       s.investigation_opened if first_of_seizure else None]
                first_of_seizure = False


def seizures_workbook(operation, access, filters, sort="seized_at") -> bytes:
    title = f"{operation.reference} {operation.code_name} seizures"
    return workbook_bytes([Sheet(str(_l("Seizures")), [str(h) for h in HEADERS],
                                 list(seizure_rows(operation, access, filters, sort)))],
                          title=title, marking=operation.handling_marking if operation.handling_marking != "NONE"
                          else None)
