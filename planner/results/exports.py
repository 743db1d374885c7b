"""The seizure list as xlsx: one row per quantity, only what the reader may see (the same scope as the page)."""
from sqlalchemy.orm import selectinload

from planner.core.spreadsheets import Sheet, workbook_bytes
from planner.extensions import db
from planner.results.models import Seizure, SeizureItem
from planner.results.queries import filter_seizures, sort_seizures, visible_seizures
from planner.results.serialization import seizure_phase

HEADERS = ["National reference", "Administration", "Status", "Phase", "Seized at (UTC)", "Country", "Place",
           "Location type", "Transport mode", "Detection method", "Category", "Type", "Counterfeit",
           "Description", "HS code", "Brand", "Quantity", "Unit", "Normalised quantity", "Base unit",
           "Estimated value EUR", "Duties evaded EUR", "Concealment", "Arrests", "Investigation opened"]


def seizure_rows(operation, access, filters):
    stmt = sort_seizures(filter_seizures(visible_seizures(access), filters), "seized_at").options(
        selectinload(Seizure.items).selectinload(SeizureItem.quantities))
    for s in db.session.scalars(stmt).yield_per(500):
        for item in s.items:
            for q in item.quantities:
                yield [s.national_reference, s.organisation.code, s.status, seizure_phase(s), s.seized_at,
                       s.country, s.place, s.location_type, s.transport_mode, s.detection_method, item.category,
                       item.type, item.counterfeit,
                       item.description, item.hs_code, item.brand, q.value, q.unit, q.normalised_value, q.base_unit,
                       item.estimated_value_eur if q.position == 0 else None,
                       item.duties_evaded_eur if q.position == 0 else None, s.concealment, s.arrests,
                       s.investigation_opened]


def seizures_workbook(operation, access, filters) -> bytes:
    title = f"{operation.reference} {operation.code_name} seizures"
    return workbook_bytes([Sheet("Seizures", HEADERS, list(seizure_rows(operation, access, filters)))],
                          title=title, marking=operation.handling_marking if operation.handling_marking != "NONE"
                          else None)
