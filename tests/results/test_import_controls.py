"""Import of the Controls sheet: one row per day, location, transport mode and selection basis; the same rows
again skipped, other numbers a conflict, a wrong row stops everything."""
from datetime import date, datetime
from io import BytesIO

from planner.extensions import db
from planner.results.models import ControlRecord, Seizure
from tests.api.conftest import api  # noqa: F401
from tests.api.helpers import assert_error
from tests.results.test_import_template import control_row, count, filled_workbook, seizure_row, upload


def _rows():
    return [control_row(), control_row(selection_basis="random", controls=120, hits=0),
            control_row(date="2026-05-06", location="Kena", transport_mode="rail", controls="15", hits=None,
                        share_with_agencies="yes")]


def _records():
    db.session.expire_all()
    return db.session.query(ControlRecord).order_by(ControlRecord.control_date, ControlRecord.id).all()


def test_controls_are_imported_and_the_same_rows_again_are_skipped(running, factory, api):  # noqa: F811
    officer = factory.user("PL", "officer")
    content = filled_workbook(running, officer.organisation, controls=_rows(), seizures=[seizure_row()])
    response = upload(api, running, officer, content, sheet="controls")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["sheet"], body["rows"], body["imported"], body["skipped"]) == ("controls", 3, 3, 0)
    assert body["other_sheet"] == {"sheet": "seizures", "rows": 1} and len(body["ids"]) == 3
    records = _records()
    assert [(r.control_date, r.location, r.transport_mode, r.selection_basis, r.controls, r.hits)
            for r in records] == [(date(2026, 5, 5), "Medininkai", "road", "risk_profile", 40, 3),
                                  (date(2026, 5, 5), "Medininkai", "road", "random", 120, 0),
                                  (date(2026, 5, 6), "Kena", "rail", "risk_profile", 15, 0)]
    assert all(r.organisation.code == "PL" for r in records)
    assert [r.share_with_agencies for r in records] == [False, False, True]
    assert count(Seizure) == 0  # the Seizures sheet is imported by its own upload

    again = upload(api, running, officer, content, sheet="controls").get_json()
    assert (again["imported"], again["skipped"]) == (0, 3)
    assert count(ControlRecord) == 3


def test_other_numbers_for_recorded_controls_are_a_conflict(running, factory, api):  # noqa: F811
    officer = factory.user("PL", "officer")
    assert upload(api, running, officer, filled_workbook(running, officer.organisation, controls=_rows()),
                  sheet="controls").status_code == 200
    changed = _rows() + [control_row(date=datetime(2026, 5, 7))]
    changed[1] = control_row(selection_basis="random", controls=121, hits=0)
    body = assert_error(upload(api, running, officer, filled_workbook(running, officer.organisation,
                                                                     controls=changed), sheet="controls"),
                        422, "rows.4.controls")
    assert "recorded already" in body["errors"]["rows.4.controls"][0]
    assert count(ControlRecord) == 3 and _records()[1].controls == 120  # the new day was not stored either


def test_a_wrong_control_row_stores_nothing_and_names_row_and_column(running, factory, api):  # noqa: F811
    officer = factory.user("NL", "officer")
    rows = [control_row(), control_row(selection_basis="hunch", hits=50, controls=10),
            control_row(date=datetime(2026, 6, 1), transport_mode="bicycle", share_with_agencies="perhaps"),
            control_row(selection_basis="random")]
    body = assert_error(upload(api, running, officer, filled_workbook(running, officer.organisation, controls=rows),
                               sheet="controls"), 422,
                        "rows.4.selection_basis", "rows.4.hits", "rows.5.date", "rows.5.transport_mode",
                        "rows.5.share_with_agencies")
    assert not any(key.startswith(("rows.3.", "rows.6.")) for key in body["errors"])
    assert "future" in body["errors"]["rows.5.date"][0]
    assert count(ControlRecord) == 0


def test_the_page_imports_the_controls_sheet(running, factory, client, login):
    officer = factory.user("LT", "contact_point")
    login(officer)
    content = filled_workbook(running, officer.organisation, controls=_rows())
    done = client.post(f"/operations/{running.id}/results/import", data={
        "sheet": "controls", "file": (BytesIO(content), "controls.xlsx")}, content_type="multipart/form-data",
        follow_redirects=True)
    assert done.status_code == 200
    assert "(3 rows): 3 control records stored, 0 skipped" in done.get_data(as_text=True)
    assert count(ControlRecord) == 3
