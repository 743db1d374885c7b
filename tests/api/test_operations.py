"""The operations API: what each organisation sees, creation, validation, edits with optimistic locking."""
import re
from datetime import datetime, timezone

from planner.api.serializers import SUMMARY_FIELDS
from planner.core import clock
from planner.extensions import db
from planner.participants.models import Participation
from tests.api.helpers import assert_error

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")


# --- seeing ---------------------------------------------------------------------------------------------------

def test_list_shows_only_visible_operations(api, factory):
    ours = factory.operation_in("draft", lead="LT")
    theirs = factory.operation_in("planning", lead="DE")
    coordinator = factory.coordinator("LT")
    response = api("GET", "/operations", coordinator)
    assert response.status_code == 200
    body = response.get_json()
    assert [item["id"] for item in body["items"]] == [ours.id]
    assert body["total"] == 1 and body["page"] == 1 and body["pages"] == 1
    assert_error(api("GET", f"/operations/{theirs.id}", coordinator), 404)
    # the secretariat sees both
    body = api("GET", "/operations", factory.secretariat()).get_json()
    assert {item["id"] for item in body["items"]} == {ours.id, theirs.id}
    assert all(item["view"] == "full" for item in body["items"])


def test_member_sees_the_full_representation(api, factory):
    clock.freeze(datetime(2026, 5, 6, 14, 30, tzinfo=timezone.utc))
    op = factory.operation_in("planning", lead="LT", co_organisers=["OLAF"], summary="Sea containers.")
    response = api("GET", f"/operations/{op.id}", factory.coordinator("LT"))
    assert response.status_code == 200
    body = response.get_json()
    assert body["reference"] == op.reference and body["lead"] == "LT" and body["state"] == "planning"
    assert body["co_organisers"] == ["OLAF"] and body["view"] == "full" and body["place"] == "lead"
    assert body["version"] == op.version
    assert response.headers["ETag"] == f'"{op.version}"'
    assert body["created_at"] == "2026-05-06T14:30:00+00:00"
    assert ISO_UTC.match(body["approved_at"]) and body["actual_start_at"] is None
    assert set(body["available_transitions"]) == {"start", "cancel"}


def test_invited_organisation_sees_the_summary_only(api, factory):
    op = factory.operation_in("planning", lead="LT", summary="Cigarettes by road.")
    factory.invite(op, "DE")
    invited = factory.coordinator("DE")
    body = api("GET", f"/operations/{op.id}", invited).get_json()
    assert set(body) == set(SUMMARY_FIELDS)
    assert body["view"] == "summary" and body["place"] == "invited"
    assert body["code_name"] == op.code_name and body["lead"] == "LT" and body["year"] == 2026
    assert body["state"] == "planning" and body["summary"] == "Cigarettes by road."
    listed = api("GET", "/operations", invited).get_json()["items"]
    assert len(listed) == 1 and set(listed[0]) == set(SUMMARY_FIELDS)
    response = api("GET", f"/operations/{op.id}", invited)
    assert "ETag" not in response.headers


def test_observer_sees_the_summary_only(api, factory):
    op = factory.operation_in("planning", lead="LT")
    factory.accept(op, "EUROPOL", role="observer")
    body = api("GET", f"/operations/{op.id}", factory.user("EUROPOL", "analyst")).get_json()
    assert set(body) == set(SUMMARY_FIELDS) and body["place"] == "observer"


def test_declined_and_withdrawn_organisations_see_nothing(api, factory):
    op = factory.operation_in("planning", lead="LT")
    for code, status in (("DE", "declined"), ("FR", "withdrawn")):
        db.session.add(Participation(operation=op, organisation=factory.org(code), status=status,
                                     answered_at=clock.utcnow()))
        db.session.commit()
        user = factory.coordinator(code)
        assert api("GET", "/operations", user).get_json()["items"] == []
        assert_error(api("GET", f"/operations/{op.id}", user), 404)
        assert_error(api("GET", f"/operations/{op.id}/history", user), 404)


def test_list_filters_and_paging(api, factory):
    a = factory.operation(code_name="ALPHA ONE", year=2025)
    b = factory.operation(code_name="BRAVO TWO", year=2026)
    c = factory.operation_in("submitted", code_name="CHARLIE THREE", year=2026)
    user = factory.coordinator("LT")

    def ids(query):
        response = api("GET", "/operations" + query, user)
        assert response.status_code == 200, response.get_json()
        return [item["id"] for item in response.get_json()["items"]]

    assert ids("") == [b.id, c.id, a.id]  # newest year first, then by reference
    assert ids("?year=2025") == [a.id]
    assert ids("?state=submitted") == [c.id]
    assert ids("?q=bravo") == [b.id]
    assert ids(f"?q={c.reference}") == [c.id]
    body = api("GET", "/operations?per_page=2", user).get_json()
    assert len(body["items"]) == 2 and body["total"] == 3 and body["pages"] == 2 and body["per_page"] == 2
    assert ids("?per_page=2&page=2") == [a.id]
    assert ids("?page=9") == []
    assert len(ids("?per_page=200")) == 3


def test_list_rejects_bad_parameters(api, factory):
    user = factory.coordinator("LT")
    for query, field in (("year=abc", "year"), ("year=1e9", "year"), ("state=finished", "state"),
                         ("per_page=201", "per_page"), ("per_page=0", "per_page"), ("page=0", "page"),
                         ("page=-1", "page"), ("q=" + "x" * 101, "q")):
        assert_error(api("GET", "/operations?" + query, user), 422, field)


# --- creating -------------------------------------------------------------------------------------------------

def test_create_operation(api, factory):
    coordinator = factory.coordinator("LT")
    response = api("POST", "/operations", coordinator, json={
        "code_name": "Baltic Breeze", "year": 2026, "lead": "LT", "co_organisers": ["OLAF"],
        "time_zone": "Europe/Vilnius", "handling_marking": "LIMITE", "summary": "Cigarettes in containers.",
    })
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["reference"] == "JSO-2026-01" and body["state"] == "draft" and isinstance(body["id"], int)
    assert body["code_name"] == "BALTIC BREEZE" and body["co_organisers"] == ["OLAF"]
    assert body["time_zone"] == "Europe/Vilnius" and body["version"] == 1
    assert response.headers["Location"].endswith(f"/api/v1/operations/{body['id']}")
    second = api("POST", "/operations", coordinator, json={"code_name": "SECOND", "year": 2026}).get_json()
    assert second["reference"] == "JSO-2026-02" and second["lead"] == "LT"
    # it is there, and committed
    assert api("GET", f"/operations/{body['id']}", coordinator).get_json()["summary"] == "Cigarettes in containers."


def test_admin_creates_for_another_lead(api, factory):
    response = api("POST", "/operations", factory.user("CCWP", "admin"),
                   json={"code_name": "ADMIN MADE", "year": 2027, "lead": "DE"})
    assert response.status_code == 201
    assert response.get_json()["lead"] == "DE" and response.get_json()["reference"] == "JSO-2027-01"


def test_coordinator_cannot_create_for_another_lead(api, factory):
    response = api("POST", "/operations", factory.coordinator("LT"),
                   json={"code_name": "NOT OURS", "year": 2026, "lead": "DE"})
    assert_error(response, 403)
    assert api("GET", "/operations", factory.secretariat()).get_json()["total"] == 0


def test_create_needs_the_permission(api, factory):
    for role in ("contact_point", "officer", "analyst", "observer", "secretariat"):
        user = factory.user("LT" if role != "secretariat" else "CCWP", role)
        assert_error(api("POST", "/operations", user, json={"code_name": "NOPE", "year": 2026}), 403)


def test_create_validation_names_the_fields(api, factory):
    coordinator = factory.coordinator("LT")
    cases = [
        ({"code_name": "FINE", "year": "abc"}, ["year"]),
        ({"code_name": "FINE", "year": 1e9}, ["year"]),
        ({"code_name": "FINE", "year": 2026.5}, ["year"]),
        ({"code_name": "FINE", "year": True}, ["year"]),
        ({"code_name": "FINE", "year": 1999}, ["year"]),
        ({"code_name": "<script>alert(1)</script>", "year": 2026}, ["code_name"]),
        ({"code_name": 42, "year": 2026}, ["code_name"]),
        ({"year": 2026}, ["code_name"]),
        ({"code_name": "FINE"}, ["year"]),
        ({"code_name": "FINE", "year": 2026, "co_organisers": "OLAF"}, ["co_organisers"]),
        ({"code_name": "FINE", "year": 2026, "co_organisers": ["NOWHERE"]}, ["co_organisers"]),
        ({"code_name": "FINE", "year": 2026, "time_zone": "Mars/Olympus"}, ["time_zone"]),
        ({"code_name": "FINE", "year": 2026, "handling_marking": "SECRET"}, ["handling_marking"]),
        ({"code_name": "FINE", "year": 2026, "summary": ["not", "text"]}, ["summary"]),
        ({"code_name": "FINE", "year": 2026, "lead": "NOWHERE"}, ["lead"]),
        ({"code_name": "FINE", "year": 2026, "lead": 7}, ["lead"]),
        ({"code_name": "", "year": "x", "time_zone": 3}, ["code_name", "year", "time_zone"]),
        ({"codename": "TYPO", "year": 2026}, ["codename"]),
    ]
    for body, fields in cases:
        assert_error(api("POST", "/operations", coordinator, json=body), 422, *fields)
    assert api("GET", "/operations", coordinator).get_json()["total"] == 0


def test_bad_bodies_are_400(api, factory):
    coordinator = factory.coordinator("LT")
    cases = [
        dict(data="{not json", content_type="application/json"),
        dict(data="", content_type="application/json"),
        dict(data='["a", "list"]', content_type="application/json"),
        dict(data='"a string"', content_type="application/json"),
        dict(data='{"code_name": "X", "year": NaN}', content_type="application/json"),
        dict(data="[" * 100000 + "]" * 100000, content_type="application/json"),
        dict(data=b'{"code_name": "\xff\xfe"}', content_type="application/json"),
        dict(data="code_name=FORM&year=2026", content_type="application/x-www-form-urlencoded"),
    ]
    for kwargs in cases:
        response = api("POST", "/operations", coordinator, **kwargs)
        body = assert_error(response, 400)
        assert "JSON" in body["error"]


# --- editing --------------------------------------------------------------------------------------------------

def test_patch_with_version_in_body_or_if_match(api, factory):
    op = factory.operation_in("draft")
    coordinator = factory.coordinator("LT")
    before = op.version
    response = api("PATCH", f"/operations/{op.id}", coordinator,
                   json={"version": before, "summary": "Now with a summary.", "co_organisers": ["WCO"]})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["summary"] == "Now with a summary." and body["co_organisers"] == ["WCO"]
    assert body["version"] == before + 1
    version = body["version"]
    assert response.headers["ETag"] == f'"{version}"'
    response = api("PATCH", f"/operations/{op.id}", coordinator, json={"code_name": "renamed"},
                   headers={"If-Match": f'"{version}"'})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["code_name"] == "RENAMED" and response.get_json()["version"] == version + 1


def test_patch_with_a_stale_version_is_409(api, factory):
    op = factory.operation_in("draft")
    coordinator = factory.coordinator("LT")
    stale = op.version
    first = api("PATCH", f"/operations/{op.id}", coordinator, json={"version": stale, "summary": "first"})
    assert first.status_code == 200
    for kwargs in ({"json": {"version": stale, "summary": "second"}},
                   {"json": {"summary": "second"}, "headers": {"If-Match": f'W/"{stale}"'}}):
        response = api("PATCH", f"/operations/{op.id}", coordinator, **kwargs)
        body = assert_error(response, 409, "version")
        assert body["current_version"] == stale + 1
    db.session.refresh(op)
    assert op.summary == "first"


def test_patch_needs_a_valid_version(api, factory):
    op = factory.operation_in("draft")
    coordinator = factory.coordinator("LT")
    for kwargs in ({"json": {"summary": "x"}},
                   {"json": {"summary": "x", "version": "one"}},
                   {"json": {"summary": "x", "version": True}},
                   {"json": {"summary": "x"}, "headers": {"If-Match": "*"}},
                   {"json": {"summary": "x", "version": op.version}, "headers": {"If-Match": f'"{op.version + 5}"'}}):
        assert_error(api("PATCH", f"/operations/{op.id}", coordinator, **kwargs), 422, "version")


def test_patch_unknown_and_bad_fields_are_422(api, factory):
    op = factory.operation_in("draft")
    coordinator = factory.coordinator("LT")
    response = api("PATCH", f"/operations/{op.id}", coordinator,
                   json={"version": op.version, "lead": "DE", "state": "closed", "summary": "x"})
    assert_error(response, 422, "lead", "state")
    response = api("PATCH", f"/operations/{op.id}", coordinator, json={"version": op.version, "year": "abc"})
    assert_error(response, 422, "year")
    db.session.refresh(op)
    assert op.summary == "" and op.state == "draft"


def test_patch_who_and_when(api, factory):
    op = factory.operation_in("planning")
    factory.accept(op, "PL")
    body = {"version": op.version, "summary": "x"}
    assert_error(api("PATCH", f"/operations/{op.id}", factory.coordinator("DE"), json=body), 404)
    assert_error(api("PATCH", f"/operations/{op.id}", factory.coordinator("PL"), json=body), 403)
    assert_error(api("PATCH", f"/operations/{op.id}", factory.user("LT", "contact_point"), json=body), 403)
    submitted = factory.operation_in("submitted")
    response = api("PATCH", f"/operations/{submitted.id}", factory.coordinator("LT"),
                   json={"version": submitted.version, "summary": "x"})
    assert_error(response, 409)
