"""Demo: an operation of the year before, recorded afterwards by the secretariat, with its results imported from
the operation's Excel template on behalf of its participants (through the same services as the page and the
API), so that the evidence for new business cases and the comparison with the year before have figures."""
from datetime import datetime
from io import BytesIO

from sqlalchemy import select

from planner.auth.models import User
from planner.demo import demo_step
from planner.extensions import db
from planner.past_operations.services import record_past_operation

SEIZURES = [  # (administration, reference, day of October, hour, place, country, location type, mode, detection, item)
    ("LT", "LT-WF-001", 7, 9, "Medininkai", "LT", "land_border", "road", "scanner",
     {"category": "cigarettes", "type": "cigarettes", "quantity_1": 1200000, "unit_1": "pcs",
      "estimated_value_eur": 600000}),
    ("LT", "LT-WF-001", 7, 9, None, None, None, None, None,
     {"category": "tobacco", "type": "raw_tobacco", "quantity_1": "0.850", "unit_1": "t"}),
    ("PL", "PL-WF-014", 9, 15, "Terespol", "PL", "land_border", "road", "detector_dog",
     {"category": "alcohol", "type": "spirits", "quantity_1": "1250.5", "unit_1": "l"}),
    ("LV", "LV-WF-3", 12, 11, "Rēzekne", "LV", "rail_border", "rail", "risk_profile",
     {"category": "cigarettes", "type": "cigarettes", "quantity_1": 480000, "unit_1": "pcs"}),
    ("DE", "DE-WF-77", 16, 18, "Frankfurt (Oder)", "DE", "inland", "road", "intelligence",
     {"category": "tobacco", "type": "hand_rolling", "quantity_1": 36, "unit_1": "kg"}),
]
CONTROLS = [  # (administration, day of October, location, mode, selection basis, controls, hits)
    ("LT", 7, "Medininkai", "road", "risk_profile", 64, 3),
    ("LT", 8, "Medininkai", "road", "random", 120, 1),
    ("PL", 9, "Terespol", "road", "risk_profile", 55, 2),
    ("LV", 12, "Rēzekne", "rail", "risk_profile", 18, 1),
    ("DE", 16, "Frankfurt (Oder)", "road", "intelligence", 12, 1),
]


def _rows(year):
    seizures = []
    for org, ref, day, hour, place, country, location_type, mode, detection, item in SEIZURES:
        row = {"administration": org, "national_reference": ref, **item}
        if place is not None:  # the seizure's columns on its first row only
            row.update({"seized_at": datetime(year, 10, day, hour, 0), "place": place, "country": country,
                        "location_type": location_type, "transport_mode": mode, "detection_method": detection})
        seizures.append(row)
    controls = [{"administration": org, "date": datetime(year, 10, day), "location": location,
                 "transport_mode": mode, "selection_basis": basis, "controls": n, "hits": hits}
                for org, day, location, mode, basis, n, hits in CONTROLS]
    return {"seizures": seizures, "controls": controls}


def _filled_template(operation, user, rows_by_sheet, max_bytes):
    """The operation's template with the rows typed in, as the secretariat would fill it."""
    from openpyxl import load_workbook

    from planner.core.spreadsheets import write_cell
    from planner.results.import_template import KEY_ROW, FIRST_DATA_ROW, SHEET_SIGNATURES, template_bytes

    workbook = load_workbook(BytesIO(template_bytes(operation, user.organisation, max_bytes)))
    for ws in workbook.worksheets:
        keys = {cell.value: cell.column for cell in ws[KEY_ROW] if isinstance(cell.value, str)}
        name = next((n for n, signature in SHEET_SIGNATURES.items() if signature <= set(keys)), None)
        for r, row in enumerate(rows_by_sheet.get(name, []), start=FIRST_DATA_ROW):
            for key, value in row.items():
                if isinstance(value, str):
                    write_cell(ws, r, keys[key], value)
                else:
                    ws.cell(row=r, column=keys[key]).value = value
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@demo_step("finish")
def past_operation_of_last_year(_operation, _actor, now):
    from planner.results.import_files import import_max_bytes
    from planner.results.workbook_import import import_workbook

    secretariat = db.session.scalar(select(User).where(User.email == "secretariat@ccwp.example"))
    if secretariat is None:
        return
    year = now.year - 1
    operation = record_past_operation(secretariat, {
        "code_name": "WHITE FROST", "year": year, "lead": "PL", "participants": ["LT", "LV", "DE"],
        "observers": ["EUROPOL"], "operational_start": f"{year}-10-06", "operational_end": f"{year}-10-19",
        "targeted_goods": ["cigarettes", "tobacco", "alcohol"], "transport_sectors": ["road", "rail"],
        "requested_eur": "95000.00", "granted_eur": "90000.00", "time_zone": "Europe/Warsaw",
        "summary": "Cigarettes, raw tobacco and spirits by road and rail across the eastern border "
                   "(recorded afterwards from the final report).",
    }, now=now)
    max_bytes = import_max_bytes()
    content = _filled_template(operation, secretariat, _rows(year), max_bytes)
    for sheet in ("seizures", "controls"):
        import_workbook(secretariat, operation, content, sheet, max_bytes, now=now)
