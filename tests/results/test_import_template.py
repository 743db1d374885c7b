"""The Excel import template of an operation (read back with openpyxl), and the helpers the other import tests
use to fill it in as a user would."""
from datetime import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from planner.core.spreadsheets import XLSX_MIMETYPE, write_cell
from planner.extensions import db
from planner.results.import_template import CONTROL_COLUMNS, SEIZURE_COLUMNS, template_bytes
from tests.api.conftest import api  # noqa: F401

MAX = 10 * 1024 * 1024


# --- helpers shared by the import tests -----------------------------------------------------------------------

def seizure_row(**overrides):
    """One row of the Seizures sheet, as a user fills it in (a spreadsheet's own types: datetimes, numbers)."""
    row = {
        "national_reference": "LT-IMP-1", "seized_at": datetime(2026, 5, 6, 14, 30), "country": "LT",
        "place": "Medininkai", "location_type": "land_border", "detection_method": "scanner",
        "transport_mode": "road", "vehicle_plate": "AB 1234", "vehicle_nationality": "BY",
        "origin_country": "BY", "destination_country": "DE", "category": "cigarettes", "type": "cigarettes",
        "description": "Master boxes", "quantity_1": 2875000, "unit_1": "pcs", "estimated_value_eur": 1437500,
        "duties_evaded_eur": Decimal("690000.50"), "concealment": "cover_load", "offenders": "driver:BY",
        "arrests": 1, "investigation_opened": "yes",
    }
    row.update(overrides)
    return {k: v for k, v in row.items() if v is not None}


def control_row(**overrides):
    row = {"date": datetime(2026, 5, 5), "location": "Medininkai", "transport_mode": "road",
           "selection_basis": "risk_profile", "controls": 40, "hits": 3}
    row.update(overrides)
    return {k: v for k, v in row.items() if v is not None}


def data_sheet(workbook, name):
    """The data sheet whose hidden key row has the signature of `name`, and {key: column number}."""
    signature = {"seizures": "national_reference", "controls": "selection_basis"}[name]
    for ws in workbook.worksheets:
        keys = {c.value: c.column for c in ws[2] if isinstance(c.value, str)}
        if signature in keys:
            return ws, keys
    raise AssertionError(f"no {name} sheet")


def fill(ws, keys, rows, first=3):
    for r, row in enumerate(rows, start=first):
        for key, value in row.items():
            if isinstance(value, str):
                write_cell(ws, r, keys[key], value)  # text stays text, "=…" included
            else:
                ws.cell(row=r, column=keys[key]).value = value


def filled_workbook(operation, organisation, seizures=(), controls=(), edit=None) -> bytes:
    """The operation's template with these rows typed in; `edit(workbook)` may change it further."""
    workbook = load_workbook(BytesIO(template_bytes(operation, organisation, MAX)))
    ws, keys = data_sheet(workbook, "seizures")
    fill(ws, keys, seizures)
    ws, keys = data_sheet(workbook, "controls")
    fill(ws, keys, controls)
    if edit is not None:
        edit(workbook)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(api, operation, user, content, sheet="seizures", query="", filename="results.xlsx"):  # noqa: F811
    return api("POST", f"/operations/{operation.id}/{sheet}/import{query}", user,
               data={"file": (BytesIO(content), filename)}, content_type="multipart/form-data")


def count(model):
    db.session.expire_all()
    return db.session.query(model).count()


# --- the template -----------------------------------------------------------------------------------------------

def _lists(workbook):
    ws = workbook["Lists"]
    found = {}
    for column in ws.iter_cols(min_row=1):
        if column[0].value and column[0].value != "label":
            found[column[0].value] = [c.value for c in column[1:] if c.value is not None]
    return found


def test_template_has_its_sheets_headers_drop_downs_and_the_vocabularies(running, factory, client, login):
    officer = factory.user("LT", "officer")
    login(officer)
    response = client.get(f"/operations/{running.id}/results/template.xlsx")
    assert response.status_code == 200 and response.mimetype == XLSX_MIMETYPE
    assert "attachment" in response.headers["Content-Disposition"]
    workbook = load_workbook(BytesIO(response.data))
    assert workbook.sheetnames == ["Instructions", "Seizures", "Controls", "Lists"]
    assert workbook["Lists"].sheet_state == "hidden"

    seizures, keys = data_sheet(workbook, "seizures")
    assert seizures.title == "Seizures"
    assert [c.value for c in seizures[2]] == [c.key for c in SEIZURE_COLUMNS]
    assert seizures.row_dimensions[2].hidden
    headers = [c.value for c in seizures[1]]
    assert headers[:3] == ["National reference *", "Seized at (local date and time) *", "Country *"]
    assert "Container number" in headers and "Tracking number" in headers and "Offenders (role:nationality)" in headers
    controls, control_keys = data_sheet(workbook, "controls")
    assert [c.value for c in controls[2]] == [c.key for c in CONTROL_COLUMNS]

    lists = _lists(workbook)
    assert {"drugs", "cigarettes", "tobacco"} <= set(lists["categories"])
    assert {"cocaine", "heroin", "hand_rolling", "water_pipe"} <= set(lists["types"])
    assert {"cover_load", "built_in_compartment"} <= set(lists["concealment_methods"])
    assert lists["units"] == ["kg", "g", "t", "l", "ml", "pcs", "EUR"]
    assert {"LT", "BY", "DE"} <= set(lists["countries"])
    assert "land_border" in lists["location_types"] and "scanner" in lists["detection_methods"]
    assert "sea_container" in lists["transport_modes"] and "risk_profile" in lists["selection_bases"]

    def validation_of(ws, column):
        letter = ws.cell(row=3, column=column).column_letter
        found = [dv for dv in ws.data_validations.dataValidation if f"{letter}3:" in str(dv.sqref)]
        assert len(found) == 1, (ws.title, letter)
        return found[0]

    location = validation_of(seizures, keys["location_type"])
    assert location.type == "list" and location.formula1.startswith("'Lists'!$")
    column_letter = location.formula1.split("!$")[1].split("$")[0]
    assert workbook["Lists"][f"{column_letter}1"].value == "location_types"
    assert validation_of(seizures, keys["unit_1"]).formula1.startswith("'Lists'!")
    assert validation_of(seizures, keys["category"]).formula1.startswith("'Lists'!")
    assert validation_of(controls, control_keys["selection_basis"]).formula1.startswith("'Lists'!")

    instructions = " ".join(str(c.value) for row in workbook["Instructions"].iter_rows() for c in row if c.value)
    assert running.reference in instructions and "Europe/Brussels" in instructions
    assert "same national reference" in instructions and "LIMITE" in instructions
    assert seizures.oddHeader.center.text == "LIMITE"


def test_template_follows_the_managed_vocabularies(running, factory, client, login):
    from planner.vocab.services import add_term

    add_term(factory.user("CCWP", "admin"), {"vocabulary": "concealment_method", "code": "hollow_pallet",
                                            "label": "Hollow pallet"})
    db.session.commit()
    login(factory.user("LT", "officer"))
    workbook = load_workbook(BytesIO(client.get(f"/operations/{running.id}/results/template.xlsx").data))
    assert "hollow_pallet" in _lists(workbook)["concealment_methods"]


def test_template_through_the_api_for_seizures_and_controls(running, factory, api):  # noqa: F811
    officer = factory.user("PL", "officer")
    for kind in ("seizures", "controls"):
        response = api("GET", f"/operations/{running.id}/{kind}/template.xlsx", officer, scopes=("read",))
        assert response.status_code == 200 and response.mimetype == XLSX_MIMETYPE
        workbook = load_workbook(BytesIO(response.data))
        assert {"Seizures", "Controls", "Instructions"} <= set(workbook.sheetnames)
        data_sheet(workbook, "controls")


@pytest.mark.parametrize("who, status", [("observer", 403), ("analyst", 403), ("outsider", 404)])
def test_template_only_for_those_who_report(running, factory, api, client, login, who, status):  # noqa: F811
    user = {"observer": lambda: factory.user("EUROPOL", "observer"), "analyst": lambda: factory.user("LT", "analyst"),
            "outsider": lambda: factory.coordinator("FR")}[who]()
    assert api("GET", f"/operations/{running.id}/seizures/template.xlsx", user).status_code == status
    login(user)
    assert client.get(f"/operations/{running.id}/results/template.xlsx").status_code == status
    assert client.get(f"/operations/{running.id}/results/import").status_code == status
