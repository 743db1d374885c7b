"""Sending a warning: who may, what is checked (every problem named by its field, nothing half stored), the
numbering W-<n>, the audit entry, the addressees' notifications and the idempotent POST of the API."""
import pytest
from sqlalchemy import func, select

from planner.core.audit import AuditEntry
from planner.core.errors import PermissionDenied, ValidationError
from planner.core.notifications import Notification
from planner.extensions import db
from planner.messages.models import WarningAddressee, WarningMessage
from planner.messages.services import send_warning
from tests.messages.conftest import warning_data


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _errors(exc_info):
    return exc_info.value.errors


def test_a_warning_is_stored_numbered_and_audited(op, people, send):
    first = send(people["pl_officer"], addressees=["NL", "LT", "nl"])
    second = send(people["lt_coordinator"], addressees=["PL"])
    assert (first.reference, second.reference) == ("W-1", "W-2")
    assert [a.organisation.code for a in first.addressees] == ["NL", "LT"]  # a code given twice counts once
    assert first.profile == {"container_number": "MSKU1234565", "vessel_name": "EVER SMUGGLE", "vessel_flag": "PA",
                             "description": "40' reefer, consignee new to the trade"}
    assert first.route[0] == {"country": "CN", "place": "Ningbo", "role": "loading"}
    assert first.expected_at.isoformat() == "2026-05-12T04:00:00+00:00"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "warning.sent",
                                                       AuditEntry.object_id == first.id))
    assert entry.operation_id == op.id and entry.data["addressees"] == ["NL", "LT"]
    assert entry.user_id == people["pl_officer"].id


def test_numbers_run_per_operation(factory, op, people, send):
    other = factory.operation_in("operational", participants=("PL", "NL"))
    send(people["pl_officer"], addressees=["NL"])
    in_other = send(people["pl_officer"], operation=other, addressees=["NL"])
    assert in_other.reference == "W-1"


def test_the_addressees_answerers_are_notified_with_the_urgency(op, people, send):
    nominated = op.participation_of(people["nl_coordinator"].organisation_id).nomination.contact_points[0].user
    warning = send(people["pl_officer"], urgency="immediate", addressees=["NL"])
    notes = db.session.scalars(select(Notification).where(Notification.kind == "warning.sent")).all()
    recipients = {n.user_id for n in notes}
    assert people["nl_coordinator"].id in recipients and nominated.id in recipients
    assert people["nl_officer"].id not in recipients  # officers read the dashboard; answerers are told
    assert not recipients & {people["pl_officer"].id, people["lt_coordinator"].id, people["ua_coordinator"].id}
    assert all("Immediate" in n.subject and "W-1" in n.subject for n in notes)
    assert all(n.link == f"/operations/{op.id}/messages/{warning.id}" for n in notes)


@pytest.mark.parametrize("addressees, field, words", [
    (["XX"], "addressees.0", "not an accepted participant"),
    (["PL"], "addressees.0", "your own organisation"),
    (["EUROPOL"], "addressees.0", "not an accepted participant"),
    (["DE"], "addressees.0", "not an accepted participant"),  # invited, not yet accepted
    (["NL", "FR"], "addressees.1", "not an accepted participant"),
    ([], "addressees", "at least one"),
    ("", "addressees", "at least one"),
    ([7], "addressees", "at least one"),
])
def test_addressees_are_accepted_participants_other_than_oneself(op, people, addressees, field, words):
    with pytest.raises(ValidationError) as exc:
        send_warning(people["pl_officer"], op, warning_data(addressees=addressees))
    assert words in " ".join(_errors(exc)[field])
    db.session.rollback()
    assert _count(WarningMessage) == 0 and _count(WarningAddressee) == 0


def test_every_bad_field_is_named_at_once(op, people):
    data = warning_data(subject="", profile_type="submarine", urgency=3,
                        profile={"pilot_name": "X", "vessel_flag": "ZZ"},
                        route=[{"country": "Atlantis", "role": "origin"}, {"role": "nowhere"}, "CN"],
                        expected_at="next tuesday", colour="red", indicators=["a"])
    with pytest.raises(ValidationError) as exc:
        send_warning(people["pl_officer"], op, data)
    errors = _errors(exc)
    for field in ("subject", "profile_type", "urgency", "profile.pilot_name", "profile.vessel_flag", "route.0.country",
                  "route.1.country", "route.1.role", "route.2", "expected_at", "colour", "indicators"):
        assert field in errors, field
    db.session.rollback()
    assert _count(WarningMessage) == 0


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-05:00", "0001-01-01T00:30:00+01:00", "1850-05-01T10:00:00Z",
                                   "2026-02-30T10:00:00+01:00", 20260512, True])
def test_an_impossible_expected_time_is_refused(op, people, value):
    with pytest.raises(ValidationError) as exc:
        send_warning(people["pl_officer"], op, warning_data(expected_at=value, addressees=["NL"]))
    assert list(_errors(exc)) == ["expected_at"]


def test_huge_text_is_refused_with_its_limit(op, people):
    data = warning_data(subject="S" * 201, details="d" * 8001, profile={"container_number": "C" * 101})
    with pytest.raises(ValidationError) as exc:
        send_warning(people["pl_officer"], op, data)
    errors = _errors(exc)
    assert "200" in errors["subject"][0] and "8000" in errors["details"][0]
    assert "100" in errors["profile.container_number"][0]
    db.session.rollback()
    assert _count(WarningMessage) == 0


@pytest.mark.parametrize("who", ["observer", "lt_analyst", "pl_analyst", "secretariat", "invited"])
def test_only_officers_contact_points_and_coordinators_of_members_send(op, people, who):
    with pytest.raises(PermissionDenied):
        send_warning(people[who], op, warning_data(addressees=["NL"]))


def test_warnings_are_sent_only_while_the_operation_runs(factory, people):
    planning = factory.operation_in("planning", participants=())
    factory.accept(planning, "PL")
    with pytest.raises(PermissionDenied) as exc:
        send_warning(factory.coordinator("LT"), planning, warning_data())
    assert "operational" in exc.value.message


def test_hostile_text_is_kept_as_typed_and_shown_escaped(op, people, send, login, api):
    warning = send(people["pl_officer"], subject="<script>alert(1)</script>", indicators="=HYPERLINK(\"http://x\")",
                   profile={"description": "<img src=x onerror=alert(2)>"}, addressees=["NL"])
    assert warning.subject == "<script>alert(1)</script>"
    for who in ("pl_officer", "nl_coordinator"):
        client = login(people[who])
        for url in (f"/operations/{op.id}/messages", f"/operations/{op.id}/messages/{warning.id}"):
            html = client.get(url).get_data(as_text=True)
            assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
            assert "<img src=x" not in html
    body = api("GET", f"/warnings/{warning.id}", people["nl_coordinator"]).get_json()
    assert body["subject"] == "<script>alert(1)</script>"
    assert body["indicators"] == "=HYPERLINK(\"http://x\")"


# --- the API ------------------------------------------------------------------------------------------------------

def test_the_api_sends_a_warning(op, people, api):
    response = api("POST", f"/operations/{op.id}/warnings", people["nl_officer"],
                   json=warning_data(addressees=["PL", "UA"]))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["reference"] == "W-1" and body["sender"] == "NL" and body["operation_id"] == op.id
    assert body["expected_at"] == "2026-05-12T04:00:00+00:00" and body["created_at"] == "2026-05-10T12:00:00+00:00"
    assert [(a["organisation"], a["outcome"], a["version"], a["waiting_hours"]) for a in body["addressees"]] == [
        ("PL", None, 1, 0), ("UA", None, 1, 0)]
    assert response.headers["Location"].endswith(f"/api/v1/warnings/{body['id']}")


def test_the_api_names_bad_fields(op, people, api):
    response = api("POST", f"/operations/{op.id}/warnings", people["nl_officer"],
                   json=warning_data(addressees=["NL"], subject=None, sender="PL"))
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) >= {"sender"}
    response = api("POST", f"/operations/{op.id}/warnings", people["nl_officer"],
                   json=warning_data(addressees=["NL"], subject=None))
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"addressees.0", "subject"}
    assert _count(WarningMessage) == 0


def test_the_api_refuses_observers_and_outsiders(op, people, api):
    assert api("POST", f"/operations/{op.id}/warnings", people["observer"], json=warning_data()).status_code == 403
    assert api("POST", f"/operations/{op.id}/warnings", people["outsider"], json=warning_data()).status_code == 404
    assert _count(WarningMessage) == 0


def test_a_retried_post_with_the_same_key_sends_once(op, people, api):
    user, key = people["nl_officer"], {"Idempotency-Key": "f3b9c1de-retry"}
    first = api("POST", f"/operations/{op.id}/warnings", user, json=warning_data(), headers=key)
    second = api("POST", f"/operations/{op.id}/warnings", user, json=warning_data(), headers=key)
    assert first.status_code == second.status_code == 201
    assert second.get_json() == first.get_json()
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert _count(WarningMessage) == 1
    notes = db.session.scalars(select(Notification).where(Notification.kind == "warning.sent")).all()
    assert notes and len(notes) == len({n.user_id for n in notes})  # the retry notified nobody twice
    other = api("POST", f"/operations/{op.id}/warnings", user, json=warning_data(subject="Another one"), headers=key)
    assert other.status_code == 422 and "Idempotency-Key" in other.get_json()["errors"]
    assert _count(WarningMessage) == 1
    fresh = api("POST", f"/operations/{op.id}/warnings", user, json=warning_data(), headers={"Idempotency-Key": "k2"})
    assert fresh.status_code == 201 and fresh.get_json()["reference"] == "W-2"


def test_a_refused_post_is_not_remembered(op, people, api):
    user, key = people["nl_officer"], {"Idempotency-Key": "fix-and-retry"}
    bad = api("POST", f"/operations/{op.id}/warnings", user, json=warning_data(addressees=["XX"]), headers=key)
    assert bad.status_code == 422
    good = api("POST", f"/operations/{op.id}/warnings", user, json=warning_data(addressees=["XX"]), headers=key)
    assert good.status_code == 422  # the same wrong body is checked again, not replayed as a success
    assert _count(WarningMessage) == 0


# --- the page -----------------------------------------------------------------------------------------------------

def test_the_send_page_sends_a_warning(op, people, login):
    client = login(people["pl_contact_point"])
    form = client.get(f"/operations/{op.id}/messages/new").get_data(as_text=True)
    for code in ("LT", "OLAF", "NL", "UA"):
        assert f'value="{code}"' in form
    assert 'value="PL"' not in form and 'value="EUROPOL"' not in form and 'value="DE"' not in form
    assert '<label for="profile-container_number"' in form or 'for="profile-container_number"' in form
    response = client.post(f"/operations/{op.id}/messages/new", data={
        "subject": "Truck LV 1234 with cigarettes", "profile_type": "vehicle", "urgency": "urgent",
        "addressees": ["NL", "UA"], "profile-vehicle_plate": "LV 1234", "profile-vehicle_nationality": "lv",
        "route-count": "4", "route-0-country": "BY", "route-0-role": "origin", "route-2-country": "DE",
        "route-2-place": "Hamburg", "route-2-role": "destination", "expected_at": "2026-05-11T08:30",
        "indicators": "Empty on the way out.", "details": ""})
    assert response.status_code == 302
    warning = db.session.scalar(select(WarningMessage))
    assert response.headers["Location"].endswith(f"/operations/{op.id}/messages/{warning.id}")
    assert warning.profile == {"vehicle_plate": "LV 1234", "vehicle_nationality": "LV"}
    assert warning.route == [{"country": "BY", "place": "", "role": "origin"},
                             {"country": "DE", "place": "Hamburg", "role": "destination"}]
    assert warning.expected_at.isoformat() == "2026-05-11T06:30:00+00:00"  # Europe/Brussels in May: UTC+2
    assert [a.organisation.code for a in warning.addressees] == ["NL", "UA"]


def test_the_send_page_shows_errors_beside_their_fields(op, people, login):
    client = login(people["pl_contact_point"])
    response = client.post(f"/operations/{op.id}/messages/new", data={
        "subject": "", "profile_type": "vehicle", "urgency": "urgent", "addressees": [],
        "route-count": "4", "route-2-country": "Narnia", "route-2-role": "origin"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "route.2.country" in html  # the error names the form's third row, where the bad value was typed
    assert 'value="Narnia"' in html  # what was typed is kept
    assert _count(WarningMessage) == 0


def test_the_send_page_is_refused_to_observers_and_once_the_operation_ended(op, people, login, factory):
    assert login(people["observer"]).get(f"/operations/{op.id}/messages/new").status_code == 403
    assert login(people["lt_analyst"]).get(f"/operations/{op.id}/messages/new").status_code == 403
    from planner.operations.services import take_transition

    for action in ("end", "evaluate"):
        take_transition(people["lt_coordinator"], op, action, None)
        db.session.commit()
    response = login(people["pl_officer"]).get(f"/operations/{op.id}/messages/new")
    assert response.status_code == 403 and "operational" in response.get_data(as_text=True)
