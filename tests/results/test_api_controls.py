"""The controls API: one record or a batch (all or none), who may record and edit, optimistic locking, idempotent
POSTs, the list's paging and filters, and the hit rate per selection basis (one GROUP BY over what the user may
see)."""
import pytest
from sqlalchemy import event, func, select

from planner.core.audit import AuditEntry
from planner.extensions import db
from planner.results.figures import control_summary, hit_rate
from planner.results.models import ControlRecord
from planner.operations.access import operation_access
from tests.api.conftest import api  # noqa: F401
from tests.api.helpers import assert_error


def control_data(**overrides):
    data = {"date": "2026-05-06", "location": "Medininkai", "transport_mode": "road",
            "selection_basis": "risk_profile", "controls": 40, "hits": 3}
    data.update(overrides)
    return data


def controls_url(op):
    return f"/operations/{op.id}/controls"


def stored():
    return db.session.scalar(select(func.count()).select_from(ControlRecord))


def record(api, user, op, **overrides):
    response = api("POST", controls_url(op), user, json=control_data(**overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


# --- creating -------------------------------------------------------------------------------------------------

def test_create_one_answers_201_with_the_record(api, factory, running):
    officer = factory.user("PL", "officer")
    response = api("POST", controls_url(running), officer, json=control_data(location="Terespol"))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["organisation"] == "PL" and body["date"] == "2026-05-06" and body["location"] == "Terespol"
    assert (body["controls"], body["hits"], body["status"], body["version"]) == (40, 3, "submitted", 1)
    assert response.headers["Location"].endswith(f"/api/v1/controls/{body['id']}")
    got = api("GET", f"/controls/{body['id']}", officer)
    assert got.status_code == 200 and got.headers["ETag"] == '"1"' and got.get_json() == body
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.object_type == "control_record")) \
        == "controls.recorded"


def test_a_batch_is_stored_whole(api, factory, running):
    rows = [control_data(selection_basis=basis) for basis in ("risk_profile", "intelligence", "random")]
    response = api("POST", controls_url(running), factory.user("LT", "officer"), json={"controls": rows})
    assert response.status_code == 201, response.get_json()
    assert [r["selection_basis"] for r in response.get_json()["items"]] == ["risk_profile", "intelligence", "random"]
    assert stored() == 3


def test_a_batch_with_one_bad_record_stores_nothing(api, factory, running):
    rows = [control_data(), control_data(selection_basis="random", hits=41), control_data(selection_basis="hunch"),
            control_data(selection_basis="intelligence", controls=12.5)]
    response = api("POST", controls_url(running), factory.user("LT", "officer"), json={"controls": rows})
    body = assert_error(response, 422, "controls.1.hits", "controls.2.selection_basis", "controls.3.controls")
    assert not any(key.startswith("controls.0.") for key in body["errors"])
    assert stored() == 0


def test_the_same_day_location_mode_and_basis_twice_is_a_conflict(api, factory, running):
    officer = factory.user("LT", "officer")
    first = record(api, officer, running)
    assert_error(api("POST", controls_url(running), officer, json=control_data(controls=50)), 422, "controls")
    response = api("POST", controls_url(running), officer, json={"controls": [control_data(location="Kena"),
                                                                               control_data(location="Kena")]})
    assert_error(response, 422, "controls.1.date")
    assert stored() == 1
    # another administration's record of the same day, place, mode and basis is its own
    record(api, factory.user("PL", "officer"), running)
    assert stored() == 2 and api("GET", f"/controls/{first['id']}", officer).get_json()["controls"] == 40


@pytest.mark.parametrize("overrides, field", [
    ({"controls": -1}, "controls"), ({"controls": "many"}, "controls"), ({"controls": 10**12}, "controls"),
    ({"hits": 41}, "hits"), ({"date": "06/05/2026"}, "date"), ({"date": "2026-05-20"}, "date"),
    ({"date": "2026-04-20"}, "date"), ({"location": ""}, "location"), ({"location": "x" * 5000}, "location"),
    ({"transport_mode": "teleport"}, "transport_mode"), ({"organisation": "PL"}, "organisation"),
    ({"share_with_agencies": "yes"}, "share_with_agencies"), ({"status": "draft"}, "status"),
])
def test_wrong_values_are_refused_naming_the_field(api, factory, running, overrides, field):
    response = api("POST", controls_url(running), factory.user("LT", "officer"), json=control_data(**overrides))
    assert_error(response, 422, field)
    assert stored() == 0


def test_formula_and_script_text_come_back_unchanged(api, factory, running):
    officer = factory.user("LT", "officer")
    body = record(api, officer, running, location='=HYPERLINK("http://x.example","<script>x</script>")')
    got = api("GET", f"/controls/{body['id']}", officer)
    assert got.mimetype == "application/json"
    assert got.get_json()["location"] == '=HYPERLINK("http://x.example","<script>x</script>")'


@pytest.mark.parametrize("org, role, status", [
    ("EUROPOL", "observer", 403), ("LT", "analyst", 403), ("FR", "coordinator", 404),
])
def test_others_may_not_record(api, factory, running, org, role, status):
    assert_error(api("POST", controls_url(running), factory.user(org, role), json=control_data()), status)
    assert stored() == 0


def test_no_controls_in_planning(api, factory):
    op = factory.operation_in("planning")
    assert_error(api("POST", controls_url(op), factory.user("LT", "officer"), json=control_data()), 403)
    assert stored() == 0


def test_a_token_with_write_results_suffices_and_read_does_not(api, factory, running):
    officer = factory.user("PL", "officer")
    assert_error(api("POST", controls_url(running), officer, json=control_data(), scopes=("read",)), 403)
    response = api("POST", controls_url(running), officer, json=control_data(), scopes=("read", "write_results"))
    assert response.status_code == 201 and stored() == 1


def test_the_same_idempotency_key_twice_stores_once(api, factory, running):
    officer = factory.user("LT", "officer")
    headers = {"Idempotency-Key": "controls-2026-05-06"}
    body = {"controls": [control_data(), control_data(selection_basis="random", controls=100, hits=1)]}
    first = api("POST", controls_url(running), officer, json=body, headers=headers)
    second = api("POST", controls_url(running), officer, json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.headers["Idempotent-Replayed"] == "true" and second.get_json() == first.get_json()
    assert stored() == 2
    other = api("POST", controls_url(running), officer, json=control_data(location="Kena"), headers=headers)
    assert_error(other, 422, "Idempotency-Key")
    assert stored() == 2


# --- editing --------------------------------------------------------------------------------------------------

def test_the_reporting_administration_edits_with_its_version(api, factory, running):
    officer = factory.user("LT", "officer")
    body = record(api, officer, running)
    url = f"/controls/{body['id']}"
    response = api("PATCH", url, factory.user("LT", "contact_point"), json={"version": 1, "controls": 42, "hits": 4})
    assert response.status_code == 200, response.get_json()
    assert (response.get_json()["controls"], response.get_json()["hits"], response.get_json()["version"]) == (42, 4, 2)
    error = assert_error(api("PATCH", url, officer, json={"version": 1, "hits": 5}), 409, "version")
    assert error["current_version"] == 2
    assert api("PATCH", url, officer, json={"hits": 5}, headers={"If-Match": 'W/"2"'}).get_json()["hits"] == 5
    assert_error(api("PATCH", url, officer, json={"version": 3, "hits": 43}), 422, "hits")
    assert_error(api("PATCH", url, officer, json={"version": 3, "id": 99}), 422, "id")
    assert_error(api("PATCH", url, officer, json={"hits": 1}), 422, "version")
    db.session.expire_all()
    assert db.session.get(ControlRecord, body["id"]).hits == 5


def test_another_administration_may_not_edit(api, factory, running):
    body = record(api, factory.user("LT", "officer"), running)  # shared with EU Member States by default
    url = f"/controls/{body['id']}"
    assert_error(api("PATCH", url, factory.coordinator("PL"), json={"version": 1, "controls": 1, "hits": 0}), 403)
    assert_error(api("PATCH", url, factory.coordinator("UA"), json={"version": 1, "controls": 1, "hits": 0}), 404)
    assert_error(api("POST", f"{url}/withdrawal", factory.coordinator("PL"), json={"version": 1, "reason": "x"}),
                 403)
    db.session.expire_all()
    assert db.session.get(ControlRecord, body["id"]).controls == 40


def test_withdrawal_keeps_the_record_out_of_the_figures(api, factory, running):
    officer = factory.user("LT", "officer")
    body = record(api, officer, running)
    url = f"/controls/{body['id']}/withdrawal"
    assert_error(api("POST", url, officer, json={"version": 1}), 422, "reason")
    response = api("POST", url, officer, json={"version": 1, "reason": "Counted twice."})
    assert response.status_code == 200 and response.get_json()["status"] == "withdrawn"
    assert response.get_json()["withdrawn_reason"] == "Counted twice." and stored() == 1
    summary = api("GET", f"{controls_url(running)}/summary", factory.coordinator("LT")).get_json()
    assert summary["total"] == {"controls": 0, "hits": 0, "hit_rate": None}


# --- the list -------------------------------------------------------------------------------------------------

@pytest.fixture
def listed(api, factory, running):
    lt, pl = factory.user("LT", "officer"), factory.user("PL", "officer")
    record(api, lt, running, date="2026-05-02", location="Kena")
    record(api, lt, running, date="2026-05-04", location="Medininkai", transport_mode="rail",
           selection_basis="random", controls=10, hits=0)
    record(api, pl, running, date="2026-05-03", location="Terespol", selection_basis="intelligence")
    record(api, pl, running, date="2026-05-09", location="Gdansk", transport_mode="sea_container")
    return {"lt": lt, "pl": pl}


def _places(response):
    assert response.status_code == 200, response.get_json()
    return [r["location"] for r in response.get_json()["items"]]


@pytest.mark.parametrize("query, expected", [
    ("", ["Gdansk", "Medininkai", "Terespol", "Kena"]),
    ("sort=date", ["Kena", "Terespol", "Medininkai", "Gdansk"]),
    ("sort=location", ["Gdansk", "Kena", "Medininkai", "Terespol"]),
    ("organisation=PL", ["Gdansk", "Terespol"]),
    ("transport_mode=rail", ["Medininkai"]),
    ("selection_basis=intelligence", ["Terespol"]),
    ("date_from=2026-05-03&date_to=2026-05-04", ["Medininkai", "Terespol"]),
    ("per_page=2&page=2", ["Terespol", "Kena"]),
])
def test_the_list_sorts_filters_and_pages(api, running, listed, query, expected):
    response = api("GET", f"{controls_url(running)}?{query}", listed["lt"])
    assert _places(response) == expected
    body = response.get_json()
    assert body["total"] == (4 if query.startswith(("per_page", "sort")) or not query else len(expected))


@pytest.mark.parametrize("query, field", [
    ("sort=hits", "sort"), ("selection_basis=hunch", "selection_basis"), ("date_to=yesterday", "date_to"),
    ("organisation=NOWHERE", "organisation"), ("per_page=1000", "per_page"),
])
def test_bad_list_parameters_are_named(api, running, listed, query, field):
    assert_error(api("GET", f"{controls_url(running)}?{query}", listed["lt"]), 422, field)


# --- the hit rate per selection basis -------------------------------------------------------------------------

def test_hit_rate_has_four_decimals_and_none_without_controls():
    assert str(hit_rate(1, 3)) == "0.3333" and str(hit_rate(2, 3)) == "0.6667" and str(hit_rate(5, 5)) == "1.0000"
    assert hit_rate(0, 0) is None and str(hit_rate(0, 7)) == "0.0000"


def test_the_summary_sums_per_selection_basis(api, factory, running):
    lt, pl = factory.user("LT", "officer"), factory.user("PL", "officer")
    record(api, lt, running, controls=40, hits=3)
    record(api, lt, running, date="2026-05-07", controls=20, hits=2)
    record(api, pl, running, location="Terespol", controls=30, hits=1)
    record(api, pl, running, selection_basis="random", controls=3, hits=1)
    withdrawn = record(api, pl, running, selection_basis="intelligence", controls=99, hits=99)
    api("POST", f"/controls/{withdrawn['id']}/withdrawal", pl, json={"version": 1, "reason": "Wrong day."})
    response = api("GET", f"{controls_url(running)}/summary", factory.coordinator("LT"))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["operation_id"] == running.id
    assert [(i["selection_basis"], i["controls"], i["hits"], i["hit_rate"]) for i in body["items"]] == [
        ("risk_profile", 90, 6, "0.0667"), ("intelligence", 0, 0, None), ("random", 3, 1, "0.3333"),
        ("other", 0, 0, None)]
    assert body["total"] == {"controls": 93, "hits": 7, "hit_rate": "0.0753"}
    assert all(isinstance(i["label"], str) and i["label"] for i in body["items"])


def test_the_summary_counts_only_what_the_user_may_see(api, factory, running):
    record(api, factory.user("LT", "officer"), running, controls=40, hits=4)  # EU Member States only (default)
    record(api, factory.user("PL", "officer"), running, controls=10, hits=1, share_with_third_countries=True)
    ua = api("GET", f"{controls_url(running)}/summary", factory.coordinator("UA")).get_json()
    assert ua["total"] == {"controls": 10, "hits": 1, "hit_rate": "0.1000"}
    nl = api("GET", f"{controls_url(running)}/summary", factory.coordinator("NL")).get_json()
    assert nl["total"] == {"controls": 50, "hits": 5, "hit_rate": "0.1000"}
    europol = api("GET", f"{controls_url(running)}/summary", factory.user("EUROPOL", "observer")).get_json()
    assert europol["total"] == {"controls": 0, "hits": 0, "hit_rate": None}
    # the secretariat sees every figure in aggregate (DESIGN.md §2b), but no record it may not see
    secretariat = factory.secretariat()
    assert api("GET", f"{controls_url(running)}/summary", secretariat).get_json()["total"]["controls"] == 50
    assert api("GET", controls_url(running), secretariat).get_json()["items"] == []
    factory.invite(running, "DE")
    assert_error(api("GET", f"{controls_url(running)}/summary", factory.coordinator("DE")), 403)
    assert_error(api("GET", f"{controls_url(running)}/summary", factory.coordinator("FR")), 404)


def test_the_summary_is_one_grouped_query(factory, running):
    from planner.results.controls import create_controls

    officer = factory.user("LT", "officer")
    create_controls(officer, running, [control_data(location=f"Post {i}", selection_basis=basis)
                                       for i in range(30) for basis in ("risk_profile", "random")])
    db.session.commit()
    statements = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    access = operation_access(factory.coordinator("LT"), running)
    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        summary = control_summary(access)
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert len(statements) == 1 and "GROUP BY" in statements[0].upper()
    assert (summary.total.controls, summary.total.hits) == (2400, 180)
    assert [f.selection_basis for f in summary.by_basis] == ["risk_profile", "intelligence", "random", "other"]


def test_answers_use_only_documented_fields(api, client, factory, running):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    officer = factory.user("LT", "officer")
    body = record(api, officer, running)
    assert set(body) == set(schemas["Control"]["properties"])
    assert set(api("GET", controls_url(running), officer).get_json()) == set(schemas["ControlList"]["properties"])
    summary = api("GET", f"{controls_url(running)}/summary", officer).get_json()
    assert set(summary) == set(schemas["ControlSummary"]["properties"])
    assert set(summary["items"][0]) == set(schemas["ControlSummary"]["properties"]["items"]["items"]["properties"])
