"""Import of the Seizures sheet: all rows or none, every problem by row and column, the same rows again skipped,
a changed record a conflict; through the API and through the page."""
from datetime import datetime, timezone
from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook

from planner.core.spreadsheets import XLSX_MIMETYPE
from planner.extensions import db
from planner.results.models import ControlRecord, Quantity, Seizure, SeizureItem
from tests.api.conftest import api  # noqa: F401
from tests.api.helpers import assert_error
from tests.results.test_import_template import control_row, count, data_sheet, filled_workbook, seizure_row, upload


def _three_seizures():
    return [
        seizure_row(),
        # one seizure of two items: the seizure's columns on the first row only, then repeated identically
        seizure_row(national_reference="LT-IMP-2", seized_at=datetime(2026, 5, 7, 9, 5), place="Klaipeda",
                    location_type="seaport", transport_mode="sea_container", vehicle_plate=None,
                    vehicle_nationality=None, container_number="MSCU1234567", origin_country="CN",
                    transit_countries="MY, SG", category="tobacco", type="water_pipe", quantity_1=283671.925,
                    unit_1="t", quantity_2=1200, unit_2="pcs", offenders="driver:BY; passenger:lt", arrests=2,
                    investigation_opened="no", share_with_agencies="yes"),
        {"national_reference": "LT-IMP-2", "category": "cigarettes", "type": "cigarettes", "quantity_1": "12,5",
         "unit_1": "kg", "brand": "Marlboro", "counterfeit": "yes", "place": "Klaipeda"},
        seizure_row(national_reference="LT-IMP-3", category="drugs", type="cocaine", quantity_1="1.250",
                    unit_1="kg", description='=HYPERLINK("http://x")', status="draft", estimated_value_eur=None,
                    duties_evaded_eur=None),
    ]


def _seizure(reference):
    db.session.expire_all()
    return db.session.query(Seizure).filter_by(national_reference=reference).one()


def test_a_good_workbook_imports_every_seizure_with_its_items_and_exact_quantities(running, factory, api):  # noqa: F811
    officer = factory.user("LT", "officer")
    content = filled_workbook(running, officer.organisation, _three_seizures())
    response = upload(api, running, officer, content)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body == {"sheet": "seizures", "rows": 4, "imported": 3, "skipped": 0,
                    "references": ["LT-IMP-1", "LT-IMP-2", "LT-IMP-3"],
                    "other_sheet": {"sheet": "controls", "rows": 0}}
    assert count(Seizure) == 3 and count(SeizureItem) == 4 and count(Quantity) == 5

    first = _seizure("LT-IMP-1")
    assert first.organisation.code == "LT" and first.status == "submitted" and first.created_by_id == officer.id
    # 14:30 in Brussels (summer time) is 12:30 UTC
    assert first.seized_at == datetime(2026, 5, 6, 12, 30, tzinfo=timezone.utc)
    assert first.conveyance == {"vehicle_plate": "AB 1234", "vehicle_nationality": "BY"}
    assert [(s.country, s.role) for s in first.route] == [("BY", "origin"), ("DE", "destination")]
    assert first.offenders == [{"role": "driver", "nationality": "BY"}] and first.arrests == 1
    assert first.investigation_opened is True
    assert first.share_with_eu_member_states is True and first.share_with_agencies is False  # LT's defaults
    item = first.items[0]
    assert (item.category, item.type, item.description) == ("cigarettes", "cigarettes", "Master boxes")
    assert item.quantities[0].value == Decimal("2875000") and item.quantities[0].unit == "pcs"
    assert item.estimated_value_eur == Decimal("1437500") and item.duties_evaded_eur == Decimal("690000.5")

    second = _seizure("LT-IMP-2")
    assert [(s.country, s.role) for s in second.route] == [("CN", "origin"), ("MY", "transit"), ("SG", "transit"),
                                                           ("DE", "destination")]
    assert second.conveyance == {"container_number": "MSCU1234567"}
    assert second.offenders == [{"role": "driver", "nationality": "BY"}, {"role": "passenger", "nationality": "LT"}]
    assert second.share_with_agencies is True and second.investigation_opened is False
    tonnes, pieces = second.items[0].quantities
    assert (tonnes.value, tonnes.unit) == (Decimal("283671.925"), "t")
    assert tonnes.normalised_value == Decimal("283671925") and tonnes.base_unit == "kg"
    assert (pieces.value, pieces.unit) == (Decimal("1200"), "pcs")
    cigarettes = second.items[1]
    assert (cigarettes.category, cigarettes.brand, cigarettes.counterfeit) == ("cigarettes", "Marlboro", True)
    assert cigarettes.quantities[0].value == Decimal("12.5") and cigarettes.quantities[0].unit == "kg"

    third = _seizure("LT-IMP-3")
    assert third.status == "draft"
    assert third.items[0].description == '=HYPERLINK("http://x")'  # kept as typed: text, never a formula
    assert third.items[0].quantities[0].value == Decimal("1.25")


def test_the_same_workbook_again_skips_every_seizure_and_duplicates_nothing(running, factory, api):  # noqa: F811
    officer = factory.user("LT", "officer")
    content = filled_workbook(running, officer.organisation, _three_seizures())
    assert upload(api, running, officer, content).status_code == 200
    again = upload(api, running, factory.user("LT", "contact_point"), content)
    assert again.status_code == 200
    assert again.get_json() | {"references": None} == {
        "sheet": "seizures", "rows": 4, "imported": 0, "skipped": 3, "references": None,
        "other_sheet": {"sheet": "controls", "rows": 0}}
    assert count(Seizure) == 3 and count(SeizureItem) == 4 and count(Quantity) == 5
    more = filled_workbook(running, officer.organisation,
                           _three_seizures() + [seizure_row(national_reference="LT-IMP-4", place="Vilnius")])
    mixed = upload(api, running, officer, more).get_json()
    assert (mixed["imported"], mixed["skipped"], mixed["references"]) == (1, 3, ["LT-IMP-4"])
    assert count(Seizure) == 4
    # another administration's rows with the same references are its own seizures, not duplicates of LT's
    pl = upload(api, running, factory.user("PL", "officer"),
                filled_workbook(running, factory.org("PL"), [seizure_row(country="PL", place="Terespol")]))
    assert pl.status_code == 200 and pl.get_json()["imported"] == 1
    assert count(Seizure) == 5


def test_a_stored_reference_with_other_content_is_a_conflict_and_nothing_is_stored(running, factory, api):  # noqa: F811
    officer = factory.user("LT", "officer")
    first = filled_workbook(running, officer.organisation, [seizure_row()])
    assert upload(api, running, officer, first).status_code == 200
    changed = filled_workbook(running, officer.organisation,
                              [seizure_row(national_reference="LT-IMP-9"), seizure_row(quantity_1=2875001)])
    body = assert_error(upload(api, running, officer, changed), 422, "rows.4.national_reference")
    assert "other content" in body["errors"]["rows.4.national_reference"][0]
    assert "nothing was imported" in body["error"]
    assert count(Seizure) == 1  # LT-IMP-9, valid on its own, was not stored either
    assert _seizure("LT-IMP-1").items[0].quantities[0].value == Decimal("2875000")


def test_one_bad_row_among_good_ones_stores_nothing_and_every_problem_is_listed(running, factory, api):  # noqa: F811
    officer = factory.user("LT", "officer")
    rows = [
        seizure_row(),
        seizure_row(national_reference="LT-IMP-2", country="ZZ", unit_1="barrels", quantity_1="abc",
                    counterfeit="maybe", seized_at="yesterday"),
        seizure_row(national_reference="LT-IMP-3", category="drugs", type="cigarettes", arrests=-1),
        seizure_row(national_reference=None),
        seizure_row(national_reference="LT-IMP-3", category="drugs", type="cocaine", place="Vilnius"),
        seizure_row(national_reference="LT-IMP-6", unit_2="kg", transport_mode="rail", warning="W-999"),
    ]
    response = upload(api, running, officer, filled_workbook(running, officer.organisation, rows))
    body = assert_error(response, 422)
    errors = body["errors"]
    expected = {
        "rows.4.country", "rows.4.unit_1", "rows.4.quantity_1", "rows.4.counterfeit", "rows.4.seized_at",
        "rows.5.type", "rows.5.arrests", "rows.6.national_reference", "rows.7.place",
        "rows.8.quantity_2", "rows.8.vehicle_plate", "rows.8.vehicle_nationality", "rows.8.warning",
    }
    assert expected <= set(errors), sorted(errors)
    assert not any(key.startswith("rows.3.") for key in errors)  # the good row
    assert "ZZ" in errors["rows.4.country"][0]
    assert "yes or no" in errors["rows.4.counterfeit"][0]
    assert "Differs from row 5" in errors["rows.7.place"][0]
    assert all(key.startswith("rows.") for key in errors)
    assert count(Seizure) == 0 and count(SeizureItem) == 0


def test_a_cell_holding_a_spreadsheet_error_is_named(running, factory, api):  # noqa: F811
    officer = factory.user("LT", "officer")
    content = filled_workbook(running, officer.organisation, [seizure_row(quantity_1="#N/A")])
    body = assert_error(upload(api, running, officer, content), 422, "rows.3.quantity_1")
    assert "spreadsheet error (#N/A)" in body["errors"]["rows.3.quantity_1"][0]
    assert count(Seizure) == 0


def test_the_marked_workbook_has_the_bad_cells_red_with_their_problems(running, factory, api):  # noqa: F811
    officer = factory.user("LT", "officer")
    content = filled_workbook(running, officer.organisation,
                              [seizure_row(), seizure_row(national_reference="LT-IMP-2", unit_1="barrels")])
    response = upload(api, running, officer, content, query="?feedback=xlsx")
    assert response.status_code == 422 and response.mimetype == XLSX_MIMETYPE
    workbook = load_workbook(BytesIO(response.data))
    ws, keys = data_sheet(workbook, "seizures")
    bad = ws.cell(row=4, column=keys["unit_1"])
    assert bad.fill.fgColor.rgb.endswith("FFC7CE")
    assert "barrels" in bad.comment.text
    good = ws.cell(row=3, column=keys["unit_1"])
    assert good.comment is None and not str(good.fill.fgColor.rgb).endswith("FFC7CE")
    assert ws.cell(row=4, column=keys["national_reference"]).value == "LT-IMP-2"  # the user's data, untouched
    assert count(Seizure) == 0


def test_the_page_imports_a_sheet_and_shows_problems_with_the_marked_workbook(running, factory, client, login):
    officer = factory.user("LT", "officer")
    login(officer)
    page = client.get(f"/operations/{running.id}/results/import")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f"/operations/{running.id}/results/template.xlsx" in text
    assert '<label class="form-label" for="file">' in text and '<label class="form-label" for="sheet">' in text

    good = filled_workbook(running, officer.organisation, [seizure_row(), seizure_row(national_reference="LT-IMP-2")],
                           controls=[control_row()])
    done = client.post(f"/operations/{running.id}/results/import", data={
        "sheet": "seizures", "file": (BytesIO(good), "mine.xlsx")}, content_type="multipart/form-data",
        follow_redirects=True)
    assert done.status_code == 200
    text = done.get_data(as_text=True)
    assert "(2 rows): 2 seizures recorded, 0 skipped" in text
    assert "The Controls sheet of the file has 1 filled rows" in text
    assert count(Seizure) == 2 and count(ControlRecord) == 0

    bad = filled_workbook(running, officer.organisation, [seizure_row(national_reference="LT-IMP-7", unit_1="lbs")])
    refused = client.post(f"/operations/{running.id}/results/import", data={
        "sheet": "seizures", "file": (BytesIO(bad), "mine.xlsx")}, content_type="multipart/form-data")
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "nothing was imported" in text and "<td>3</td><td>Unit 1</td>" in text and "lbs" in text
    link = [part.split('"')[0] for part in text.split('href="') if "/results/import/problems/" in part.split('"')[0]][0]
    marked = client.get(link)
    assert marked.status_code == 200 and marked.mimetype == XLSX_MIMETYPE
    ws, keys = data_sheet(load_workbook(BytesIO(marked.data)), "seizures")
    assert "lbs" in ws.cell(row=3, column=keys["unit_1"]).comment.text
    assert count(Seizure) == 2

    login(factory.user("LT", "contact_point"))  # somebody else of the same administration
    assert client.get(link).status_code == 404
    assert client.get(link.replace("problems/", "problems/x")).status_code == 404


def test_uploads_of_those_who_do_not_report_are_refused(running, factory, api):  # noqa: F811
    content = filled_workbook(running, factory.org("LT"), [seizure_row()])
    for user, status in ((factory.user("EUROPOL", "observer"), 403), (factory.user("LT", "analyst"), 403),
                         (factory.coordinator("FR"), 404), (factory.user("UA", "officer"), 200)):
        response = upload(api, running, user, content)
        assert response.status_code == status, (user.organisation.code, response.get_json())
    assert count(Seizure) == 1 and _seizure("LT-IMP-1").organisation.code == "UA"  # recorded as UA's own
    read_only = api("POST", f"/operations/{running.id}/seizures/import", factory.user("LT", "officer"),
                    data={"file": (BytesIO(content), "x.xlsx")}, content_type="multipart/form-data",
                    scopes=("read",))
    assert_error(read_only, 403)
    assert count(Seizure) == 1


def test_no_import_once_the_operation_is_closed(factory, api):  # noqa: F811
    operation = factory.operation_in("evaluation", participants=("PL",))
    response = upload(api, operation, factory.user("LT", "officer"),
                      filled_workbook(operation, factory.org("LT"), [seizure_row()]))
    assert_error(response, 403)
    assert count(Seizure) == 0


def test_an_api_upload_must_be_multipart_with_one_file(running, factory, api):  # noqa: F811
    officer = factory.user("LT", "officer")
    assert_error(api("POST", f"/operations/{running.id}/seizures/import", officer, json={"file": "x"}), 400)
    assert_error(api("POST", f"/operations/{running.id}/seizures/import", officer, data={"other": "x"},
                     content_type="multipart/form-data"), 422, "file", "other")
    content = filled_workbook(running, officer.organisation, [seizure_row()])
    assert_error(upload(api, running, officer, content, query="?feedback=pdf"), 400)
    empty = filled_workbook(running, officer.organisation, controls=[control_row()])
    body = assert_error(upload(api, running, officer, empty), 422, "file")
    assert "no rows" in body["error"] and "Controls sheet has 1 row" in body["error"]
    assert count(Seizure) == 0
