"""The results of an operation recorded afterwards: the secretariat imports them with the operation's template on
behalf of the participating administrations each row names (all rows or none, stored as submitted), nobody else
adds records to a closed operation, and the evidence for new business cases counts them (SQL aggregates, per good
and per base unit, only submitted records, only earlier operations sharing the goods or sectors)."""
from datetime import datetime, timezone
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from planner.core import clock
from planner.core.audit import AuditEntry
from planner.core.errors import PermissionDenied
from planner.extensions import db
from planner.past_operations.services import record_past_operation
from planner.results.models import ControlRecord, Seizure
import tests.api.conftest as api_fixtures
from tests.api.helpers import assert_error
from tests.operations.test_past_operations import past_data
from tests.results.conftest import seizure_data
from tests.results.test_import_template import control_row, count, data_sheet, filled_workbook, seizure_row, upload

api = api_fixtures.api  # the API client fixture: api(method, path, user, json=…)
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def _frozen():
    clock.freeze(NOW)


@pytest.fixture
def past(factory):
    """LAST HARBOUR, 2025, led by LT with PL and LV taking part and EUROPOL observing; recorded afterwards."""
    operation = record_past_operation(factory.secretariat(), past_data(), now=NOW)
    db.session.commit()
    return operation


def row(org, reference, **overrides):
    """A row of the Seizures sheet of LAST HARBOUR, the record of `org`."""
    values = {"administration": org, "national_reference": reference, "seized_at": datetime(2025, 3, 5, 10, 0)}
    values.update(overrides)
    return seizure_row(**values)


def test_the_template_of_a_past_operation_names_each_rows_administration(past, factory, api):
    response = api("GET", f"/operations/{past.id}/seizures/template.xlsx", factory.secretariat())
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(response.data))
    for name in ("seizures", "controls"):
        sheet, keys = data_sheet(workbook, name)
        assert sheet.cell(row=2, column=1).value == "administration"
        assert sheet.cell(row=1, column=1).value == "Reporting administration *"
    lists = workbook["Lists"]
    column = next(c for c in lists.iter_cols(min_row=1) if c[0].value == "administrations")
    assert [c.value for c in column[1:] if c.value] == ["LT", "LV", "PL"]  # participants only, not the observer
    assert "LT, LV, PL" in " ".join(str(c.value) for c in workbook["Instructions"]["A"] if c.value)


def test_the_secretariat_imports_results_on_behalf_of_the_participants(past, factory, api):
    secretariat = factory.secretariat()
    content = filled_workbook(past, secretariat.organisation, [
        row("LT", "LT-25-1"),
        row("pl", "PL-25-1", category="drugs", type="cocaine", quantity_1="1.250", unit_1="kg"),
        row("LV", "LT-25-1", quantity_1=1000),  # the same national reference in another administration
    ], controls=[control_row(administration="LT", date=datetime(2025, 3, 4)),
                 control_row(administration="PL", date=datetime(2025, 3, 4), controls=10, hits=0)])
    response = upload(api, past, secretariat, content)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["imported"] == 3
    seizures = db.session.scalars(select(Seizure).where(Seizure.operation_id == past.id)).all()
    assert sorted((s.organisation.code, s.national_reference) for s in seizures) == [
        ("LT", "LT-25-1"), ("LV", "LT-25-1"), ("PL", "PL-25-1")]
    assert {s.status for s in seizures} == {"submitted"} and {s.created_by_id for s in seizures} == {secretariat.id}
    assert all(s.submitted_at == NOW for s in seizures)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "seizures.imported"))
    assert entry.data["on_behalf_of"] == ["LT", "LV", "PL"] and entry.user_id == secretariat.id

    controls = upload(api, past, secretariat, content, sheet="controls")
    assert controls.status_code == 200, controls.get_json()
    stored = db.session.scalars(select(ControlRecord).where(ControlRecord.operation_id == past.id)).all()
    assert sorted((c.organisation.code, c.controls, c.hits) for c in stored) == [("LT", 40, 3), ("PL", 10, 0)]
    # the same file again: nothing twice
    assert upload(api, past, secretariat, content).get_json()["skipped"] == 3
    assert count(Seizure) == 3


def test_the_page_imports_for_an_admin_too(past, factory, client, login):
    admin = factory.user("CCWP", "admin")
    login(admin)
    results = client.get(f"/operations/{past.id}/seizures").get_data(as_text=True)
    assert f'href="/operations/{past.id}/results/import"' in results
    assert "Quick seizure" not in results  # nothing is recorded one by one in a closed operation
    page = client.get(f"/operations/{past.id}/results/import").get_data(as_text=True)
    assert "recorded afterwards" in page and "Reporting administration" in page
    content = filled_workbook(past, admin.organisation, [row("PL", "PL-25-9")])
    done = client.post(f"/operations/{past.id}/results/import", data={
        "sheet": "seizures", "file": (BytesIO(content), "past.xlsx")}, content_type="multipart/form-data")
    assert done.status_code == 302
    assert db.session.scalar(select(Seizure.organisation_id)) == factory.org("PL").id


def test_rows_must_name_a_participating_administration_and_be_submitted(past, factory, api):
    secretariat = factory.secretariat()
    content = filled_workbook(past, secretariat.organisation, [
        row("LT", "LT-25-1"),
        seizure_row(national_reference="NONE-1", seized_at=datetime(2025, 3, 5, 10, 0)),  # no administration
        row("EUROPOL", "EU-1"),  # an observer records nothing
        row("XX", "XX-1"),
        row("FR", "FR-1"),  # not in the operation
        row("PL", "PL-1", status="draft"),
        row("LV", "LV-1", seized_at=datetime(2025, 3, 1, 10, 0)),  # before the operational phase
    ])
    body = assert_error(upload(api, past, secretariat, content), 422, "rows.4.administration",
                        "rows.5.administration", "rows.6.administration", "rows.7.administration", "rows.8.status",
                        "rows.9.seized_at")
    assert "rows.3.administration" not in body["errors"]
    assert "LT, LV, PL" in body["errors"]["rows.5.administration"][0]
    assert count(Seizure) == 0  # all or nothing


def test_nobody_else_adds_records_to_a_closed_operation(past, factory, api, client, login):
    lead = factory.coordinator("LT")
    content = filled_workbook(past, factory.secretariat().organisation, [row("LT", "LT-25-1")])
    for user in (lead, factory.user("PL", "officer")):
        assert_error(upload(api, past, user, content), 403)
        assert_error(api("GET", f"/operations/{past.id}/seizures/template.xlsx", user), 403)
        assert_error(api("POST", f"/operations/{past.id}/seizures", user,
                         json=seizure_data(seized_at="2025-03-05T10:00:00+01:00")), 403)
    login(lead)
    assert client.get(f"/operations/{past.id}/results/import").status_code == 403
    assert client.get(f"/operations/{past.id}/results/template.xlsx").status_code == 403
    # the services refuse it too, whoever names whom
    from planner.results.services import create_seizures

    with pytest.raises(PermissionDenied):
        create_seizures(lead, past, [seizure_data(seized_at="2025-03-05T10:00:00+01:00")],
                        organisation=factory.org("LT"))
    # an operation closed the ordinary way takes no import, not even from the secretariat
    closed = factory.operation_in("closed", participants=("PL",))
    assert_error(upload(api, closed, factory.secretariat(), content), 403)
    with pytest.raises(PermissionDenied):
        create_seizures(factory.secretariat(), closed, [seizure_data()], organisation=factory.org("PL"))
    assert count(Seizure) == 0


def test_an_ordinary_import_keeps_rows_to_the_users_own_administration(factory, api):
    clock.freeze(datetime(2026, 5, 1, 6, 0, tzinfo=timezone.utc))
    running = factory.operation_in("operational", participants=("PL",))
    clock.freeze(datetime(2026, 5, 10, 12, 0, tzinfo=timezone.utc))
    officer = factory.user("LT", "officer")

    def with_administration(workbook):
        sheet, keys = data_sheet(workbook, "seizures")
        column = max(keys.values()) + 1
        sheet.cell(row=2, column=column).value = "administration"
        sheet.cell(row=3, column=column).value = "LT"
        sheet.cell(row=4, column=column).value = "PL"

    content = filled_workbook(running, officer.organisation,
                              [seizure_row(), seizure_row(national_reference="LT-IMP-2")], edit=with_administration)
    body = assert_error(upload(api, running, officer, content), 422)
    assert list(body["errors"]) == ["rows.4.administration"]
    assert count(Seizure) == 0


# --- the evidence for new business cases ------------------------------------------------------------------------

def _evidence_world(factory, api):
    """A: 2025, recorded afterwards (cigarettes, drugs; road, sea containers) with results of LT, PL, LV.
    B: 2025, run the ordinary way (cigarettes; road, rail), with a submitted, a draft and a withdrawn seizure.
    C: 2024, recorded afterwards, sharing nothing (fuel; air cargo): its cigarettes never count."""
    from planner.results.controls import create_controls
    from planner.results.services import create_seizure, withdraw_seizure

    secretariat = factory.secretariat()
    a = record_past_operation(secretariat, past_data(), now=NOW)
    c = record_past_operation(secretariat, past_data(code_name="ELSEWHERE", year=2024, targeted_goods=["fuel"],
                                                     transport_sectors=["air_cargo"],
                                                     operational_start="2024-06-01", operational_end="2024-06-10"),
                              now=NOW)
    db.session.commit()
    content = filled_workbook(a, secretariat.organisation, [
        row("LT", "A-1", quantity_1=1000, unit_1="pcs", quantity_2="12.5", unit_2="kg"),
        {"administration": "LT", "national_reference": "A-1", "category": "drugs", "type": "cocaine",
         "quantity_1": "1.250", "unit_1": "kg"},
        row("PL", "A-2", category="drugs", type="cocaine", quantity_1=500, unit_1="g"),
        {"administration": "PL", "national_reference": "A-2", "category": "cigarettes", "type": "cigarettes",
         "quantity_1": 200, "unit_1": "pcs", "quantity_2": 150, "unit_2": "EUR"},
        row("LV", "A-3", category="alcohol", type="spirits", quantity_1=40, unit_1="l"),
    ], controls=[control_row(administration="LT", date=datetime(2025, 3, 4), controls=100, hits=5),
                 control_row(administration="PL", date=datetime(2025, 3, 4), transport_mode="sea_container",
                             controls=50, hits=0)])
    for sheet in ("seizures", "controls"):
        assert upload(api, a, secretariat, content, sheet=sheet).status_code == 200
    content = filled_workbook(c, secretariat.organisation, [
        row("PL", "C-1", seized_at=datetime(2024, 6, 2, 10, 0), quantity_1=777)])
    assert upload(api, c, secretariat, content).status_code == 200

    clock.freeze(datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc))
    b = factory.operation_in("operational", year=2025, participants=("PL",))
    clock.freeze(NOW)
    officer = factory.user("LT", "officer")
    at = "2026-03-09T10:00:00+01:00"
    create_seizure(officer, b, seizure_data(seized_at=at, items=[
        {"category": "cigarettes", "type": "cigarettes", "quantities": [{"value": "500", "unit": "pcs"}]}]))
    create_seizure(officer, b, seizure_data(seized_at=at, status="draft", items=[
        {"category": "cigarettes", "type": "cigarettes", "quantities": [{"value": "999", "unit": "pcs"}]}]))
    wrong = create_seizure(officer, b, seizure_data(seized_at=at, items=[
        {"category": "cigarettes", "type": "cigarettes", "quantities": [{"value": "7000", "unit": "pcs"}]}]))
    withdraw_seizure(officer, wrong, "Recorded twice.", wrong.version)
    create_controls(officer, b, [{"date": "2026-03-09", "location": "Medininkai", "transport_mode": "road",
                                  "selection_basis": "random", "controls": 20, "hits": 1}])
    db.session.commit()
    return a, b, c


def test_the_evidence_counts_earlier_results_per_good_and_unit(factory, api, client, login):
    from planner.business_cases.queries import evidence_for
    from planner.business_cases.services import save_business_case
    from tests.business_cases.prepare import complete_case

    a, _b, c = _evidence_world(factory, api)
    new = factory.operation_in("draft", year=2026)
    evidence = evidence_for(new, ["cigarettes", "drugs", "alcohol"], ["road"])
    # the keys of before are unchanged
    assert evidence["goods"] == [{"category": "cigarettes", "operations": 2}, {"category": "drugs", "operations": 1},
                                 {"category": "alcohol", "operations": 0}]
    assert evidence["sectors"] == [{"sector": "road", "operations": 2}]
    assert evidence["results_recorded"] is True
    cigarettes, drugs, alcohol = evidence["results"]
    # only submitted seizures (not B's draft nor its withdrawn one), never C's, which shares nothing
    assert cigarettes == {"category": "cigarettes", "seizures": 3, "totals": [
        {"unit": "kg", "value": Decimal("12.5")}, {"unit": "pcs", "value": Decimal("1700")},
        {"unit": "EUR", "value": Decimal("150")}], "controls": 170, "hits": 6, "hit_rate": Decimal("0.0353")}
    assert drugs == {"category": "drugs", "seizures": 2, "totals": [{"unit": "kg", "value": Decimal("1.75")}],
                     "controls": 150, "hits": 5, "hit_rate": Decimal("0.0333")}
    assert alcohol == {"category": "alcohol", "seizures": 1, "totals": [{"unit": "l", "value": Decimal("40")}],
                       "controls": 0, "hits": 0, "hit_rate": None}
    assert evidence["controls"] == {
        "sectors": [{"sector": "road", "controls": 120, "hits": 6, "hit_rate": Decimal("0.0500")}],
        "total": {"controls": 170, "hits": 6, "hit_rate": Decimal("0.0353")}}
    # C counts where its goods are chosen: fuel is its own, its cigarettes seizure then counts too
    fuel = evidence_for(new, ["fuel", "cigarettes"], [])
    assert fuel["results"][1]["totals"] == [{"unit": "kg", "value": Decimal("12.5")},
                                            {"unit": "pcs", "value": Decimal("2477")},
                                            {"unit": "EUR", "value": Decimal("150")}]
    assert evidence_for(new, [], [])["results_recorded"] is False

    save_business_case(factory.coordinator("LT"), new, complete_case(), partial=False)  # cigarettes; road, rail
    db.session.commit()
    login(factory.coordinator("LT"))
    page = client.get(f"/operations/{new.id}/business-case").get_data(as_text=True)
    table = page.split('id="evidence-results"')[1].split("</table>")[0]
    assert "1,700 pcs" in table and "12.5 kg" in table and "150 EUR" in table and "3.53 %" in table
    assert "No seizures or controls are recorded" not in page
    assert a.code_name not in page and c.code_name not in page  # aggregates only
    fragment = client.get(f"/operations/{new.id}/business-case/evidence?goods=alcohol&sectors=road")
    text = fragment.get_data(as_text=True)
    assert "40 l" in text and 'id="evidence-controls"' in text
