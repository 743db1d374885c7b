"""Recording an operation of an earlier year afterwards: directly closed, with consistent timestamps, its
participants, business-case goods and sectors, funding, a transition and an audit entry; through the API and the
page; every wrong field named; the secretariat and admins only; and the demo's past operation."""
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select

from planner.business_cases.models import BusinessCase, FundingDecision
from planner.core import clock
from planner.core.audit import AuditEntry
from planner.extensions import db
from planner.operations.models import Operation, OperationTransition
from planner.scheduling.models import Phase
import tests.api.conftest as api_fixtures
from tests.api.helpers import assert_error

api = api_fixtures.api  # the API client fixture: api(method, path, user, json=…)
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)


def past_data(**overrides):
    data = {"code_name": "Last Harbour", "year": 2025, "lead": "LT", "participants": ["PL", "LV", "LT"],
            "observers": ["EUROPOL"], "operational_start": "2025-03-03", "operational_end": "2025-03-16",
            "targeted_goods": ["cigarettes", "drugs"], "transport_sectors": ["road", "sea_container"],
            "requested_eur": "85000.00", "granted_eur": "80000", "summary": "Recorded from the final report."}
    data.update(overrides)
    return data


@pytest.fixture(autouse=True)
def _frozen():
    clock.freeze(NOW)


def _operations():
    db.session.expire_all()
    return db.session.scalars(select(Operation)).all()


def test_the_api_records_a_past_operation_directly_as_closed(factory, api):
    secretariat = factory.secretariat()
    response = api("POST", "/operations/past", secretariat, json=past_data())
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["state"] == "closed" and body["recorded_afterwards"] is True
    assert body["reference"] == "JSO-2025-01" and body["code_name"] == "LAST HARBOUR" and body["lead"] == "LT"
    assert response.headers["Location"].endswith(f"/api/v1/operations/{body['id']}")
    assert body["available_transitions"] == []

    op = db.session.get(Operation, body["id"])
    # 3 March 2025, 00:00 in Brussels (winter time) is 2 March, 23:00 UTC; the end is the last second of 16 March.
    assert op.actual_start_at == datetime(2025, 3, 2, 23, 0, tzinfo=timezone.utc)
    assert op.actual_end_at == datetime(2025, 3, 16, 22, 59, 59, tzinfo=timezone.utc)
    assert op.approved_at == op.actual_start_at and op.approved_by_id == secretariat.id
    assert op.closed_at == NOW and op.created_by_id == secretariat.id and op.submitted_at is None
    places = {(p.organisation.code, p.role, p.status, p.is_lead) for p in op.participations}
    assert places == {("LT", "participant", "accepted", True), ("PL", "participant", "accepted", False),
                      ("LV", "participant", "accepted", False), ("EUROPOL", "observer", "accepted", False)}
    [transition] = db.session.scalars(select(OperationTransition).where(OperationTransition.operation_id == op.id))
    assert (transition.action, transition.to_state, transition.user_id) == ("record_past", "closed", secretariat.id)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "operation.recorded_past"))
    assert entry.operation_id == op.id and entry.user_id == secretariat.id
    assert entry.data["participants"] == ["PL", "LV"] and entry.data["granted_eur"] == "80000.00"

    case = db.session.scalar(select(BusinessCase).where(BusinessCase.operation_id == op.id))
    assert sorted(g.category for g in case.goods) == ["cigarettes", "drugs"]
    assert sorted(s.sector for s in case.sectors) == ["road", "sea_container"]
    assert case.requested_eur == Decimal("85000.00") and str(case.operational_start) == "2025-03-03"
    funding = db.session.scalar(select(FundingDecision).where(FundingDecision.operation_id == op.id))
    assert funding.granted_eur == Decimal("80000.00")
    phase = db.session.scalar(select(Phase).where(Phase.operation_id == op.id))
    assert (phase.kind, str(phase.start_date), str(phase.end_date)) == ("operational", "2025-03-03", "2025-03-16")

    again = api("POST", "/operations/past", secretariat, json=past_data(code_name="SECOND ONE"))
    assert again.get_json()["reference"] == "JSO-2025-02"
    seen = api("GET", f"/operations/{op.id}", factory.coordinator("PL")).get_json()
    assert seen["recorded_afterwards"] is True and seen["state"] == "closed"


def test_admins_record_past_operations_too_and_the_lead_may_be_any_organisation(factory, api):
    admin = factory.user("CCWP", "admin")
    response = api("POST", "/operations/past", admin, json=past_data(lead="OLAF", participants=["DE"],
                                                                     observers=[], granted_eur=None))
    assert response.status_code == 201, response.get_json()
    op = db.session.get(Operation, response.get_json()["id"])
    assert op.lead.code == "OLAF" and {p.organisation.code for p in op.participations} == {"OLAF", "DE"}
    assert db.session.scalar(select(FundingDecision).where(FundingDecision.operation_id == op.id)) is None


@pytest.mark.parametrize("overrides, fields", [
    ({"year": 2026}, ["year"]),  # the current year is not a past one
    ({"year": 2031}, ["year"]),
    ({"year": 1989, "operational_start": "1989-03-01", "operational_end": "1989-03-02"}, ["year"]),
    ({"operational_start": "2025-03-16", "operational_end": "2025-03-03"}, ["operational_end"]),
    ({"operational_start": "2024-12-30"}, ["operational_start"]),
    ({"operational_end": "16/03/2025"}, ["operational_end"]),
    ({"lead": "XX"}, ["lead"]),
    ({"lead": "CCWP"}, ["lead"]),
    ({"participants": ["PL", "NOPE"], "observers": ["EUROPOL", "ZZ"]}, ["participants", "observers"]),
    ({"observers": ["PL"]}, ["observers"]),
    ({"targeted_goods": [], "transport_sectors": ["by_horse"]}, ["targeted_goods", "transport_sectors"]),
    ({"requested_eur": "12.345", "granted_eur": "-1"}, ["requested_eur", "granted_eur"]),
    ({"code_name": "", "state": "draft"}, ["code_name", "state"]),
])
def test_wrong_fields_are_named_and_nothing_is_stored(factory, api, overrides, fields):
    response = api("POST", "/operations/past", factory.secretariat(), json=past_data(**overrides))
    body = assert_error(response, 422, *fields)
    assert set(body["errors"]) == set(fields), body
    assert _operations() == []


def test_coordinators_may_not_record_past_operations(factory, api, client, login):
    coordinator = factory.coordinator("LT")
    assert_error(api("POST", "/operations/past", coordinator, json=past_data()), 403)
    login(coordinator)
    assert client.get("/operations/past/new").status_code == 403
    assert client.post("/operations/past/new", data=_form(past_data())).status_code == 403
    assert "Record a past operation" not in client.get("/operations").get_data(as_text=True)
    assert _operations() == []


def _form(data):
    form = {key: value for key, value in data.items() if value is not None}
    form["year"] = str(form["year"])
    return form


def test_the_page_records_a_past_operation_and_leads_on_to_the_import(factory, client, login):
    login(factory.secretariat())
    listing = client.get("/operations").get_data(as_text=True)
    assert 'href="/operations/past/new"' in listing
    page = client.get("/operations/past/new")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for name in ("code_name", "year", "lead", "participants", "observers", "operational_start", "operational_end",
                 "targeted_goods", "transport_sectors", "requested_eur", "granted_eur", "summary"):
        assert f'<label class="form-label" for="{name}">' in text, name
    assert 'value="2025"' in text  # the year before, proposed

    done = client.post("/operations/past/new", data=_form(past_data()))
    assert done.status_code == 302, done.get_data(as_text=True)[:2000]
    [op] = _operations()
    assert done.headers["Location"].endswith(f"/operations/{op.id}/results/import")
    assert op.state == "closed" and op.recorded_afterwards and op.year == 2025
    assert sorted(p.organisation.code for p in op.participations) == ["EUROPOL", "LT", "LV", "PL"]
    overview = client.get(f"/operations/{op.id}").get_data(as_text=True)
    assert 'id="recorded-afterwards"' in overview and "Recorded afterwards" in overview
    assert "Recorded afterwards" in client.get("/operations").get_data(as_text=True)
    for tab in ("business-case", "schedule", "results", "seizures", "controls", "history", "participants"):
        assert client.get(f"/operations/{op.id}/{tab}").status_code == 200, tab


def test_the_page_names_every_wrong_field(factory, client, login):
    login(factory.user("CCWP", "admin"))
    page = client.post("/operations/past/new", data=_form(past_data(
        year=2030, operational_start="2025-03-16", operational_end="2025-03-03", lead="XX")))
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "A past operation&#39;s year is earlier than the current year (2026)." in text
    assert "The operational phase cannot end before it starts." in text
    assert "Unknown organisation XX." in text
    for name in ("year", "operational_end", "lead"):
        assert f'id="{name}-err"' in text, name
    assert _operations() == []


def test_the_demo_records_last_years_operation_with_imported_results(app):
    from planner.results.models import ControlRecord, Seizure

    result = app.test_cli_runner().invoke(args=["planner", "seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        op = db.session.scalar(select(Operation).where(Operation.code_name == "WHITE FROST"))
        assert op.year == 2025 and op.state == "closed" and op.recorded_afterwards
        seizures = db.session.scalars(select(Seizure).where(Seizure.operation_id == op.id)).all()
        assert sorted(s.organisation.code for s in seizures) == ["DE", "LT", "LV", "PL"]
        assert {s.status for s in seizures} == {"submitted"}
        assert db.session.query(ControlRecord).filter_by(operation_id=op.id).count() == 5
        db.session.remove()
