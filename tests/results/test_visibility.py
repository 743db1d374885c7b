"""Who sees which seizure and control record (DESIGN.md §2b, DOMAIN.md §b), checked three ways for every
principal: the service query (`visible_seizures` / `visible_controls`), the API list and the API's single GET.

The operation is led by LT with OLAF as co-organiser; PL and NL (EU Member States), UA (a third country) and
FRONTEX (an agency) take part; EUROPOL observes; DE is invited and has not answered; FR is not in it. PL records
one draft and one submitted record for each sharing choice; LT records one it shares with nobody."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from planner.core import clock
from planner.extensions import db
from planner.operations.access import operation_access
from planner.results.controls import create_controls
from planner.results.models import ControlRecord, Seizure
from planner.results.queries import visible_controls, visible_seizures
from planner.results.services import create_seizure
from tests.api.conftest import api  # noqa: F401
from tests.api.helpers import assert_error
from tests.results.conftest import seizure_data

NOBODY = {"share_with_eu_member_states": False, "share_with_third_countries": False, "share_with_agencies": False}
# name -> (reporting administration, status, sharing)
RECORDS = {
    "pl_draft": ("PL", "draft", {"share_with_eu_member_states": True, "share_with_third_countries": True,
                                 "share_with_agencies": True}),
    "pl_eu": ("PL", "submitted", {**NOBODY, "share_with_eu_member_states": True}),
    "pl_third": ("PL", "submitted", {**NOBODY, "share_with_third_countries": True}),
    "pl_agencies": ("PL", "submitted", {**NOBODY, "share_with_agencies": True}),
    "pl_nobody": ("PL", "submitted", NOBODY),
    "lt_nobody": ("LT", "submitted", NOBODY),
}
SUBMITTED = {name for name, (_org, status, _sharing) in RECORDS.items() if status == "submitted"}
EVERY_PL_RECORD = {name for name in RECORDS if name.startswith("pl_")}

# principal -> (organisation, role, the records it sees; None: the operation itself answers 404)
PRINCIPALS = {
    "reporting_officer": ("PL", "officer", EVERY_PL_RECORD),
    "reporting_coordinator": ("PL", "coordinator", EVERY_PL_RECORD),
    "lead_coordinator": ("LT", "coordinator", SUBMITTED),
    "lead_officer": ("LT", "officer", SUBMITTED),
    "lead_analyst": ("LT", "analyst", SUBMITTED),
    "co_organiser": ("OLAF", "coordinator", SUBMITTED),
    "other_member_state": ("NL", "officer", {"pl_eu"}),
    "third_country": ("UA", "contact_point", {"pl_third"}),
    "agency_participant": ("FRONTEX", "coordinator", {"pl_agencies"}),
    "observer": ("EUROPOL", "observer", {"pl_agencies"}),
    "observer_analyst": ("EUROPOL", "analyst", {"pl_agencies"}),
    "secretariat": ("CCWP", "secretariat", {"pl_agencies"}),
    "admin": ("CCWP", "admin", {"pl_agencies"}),
    "invited": ("DE", "coordinator", set()),
    "outsider": ("FR", "coordinator", None),
}


@pytest.fixture
def world(factory):
    clock.freeze(datetime(2026, 5, 1, 6, 0, tzinfo=timezone.utc))
    op = factory.operation_in("operational", participants=("PL", "NL", "UA"), co_organisers=["OLAF"])
    factory.accept(op, "FRONTEX")
    factory.accept(op, "EUROPOL", role="observer")
    factory.invite(op, "DE")
    clock.freeze(datetime(2026, 5, 10, 12, 0, tzinfo=timezone.utc))
    seizures, controls = {}, {}
    for i, (name, (org, status, sharing)) in enumerate(RECORDS.items()):
        reporter = factory.user(org, "officer")
        seizures[name] = create_seizure(reporter, op, seizure_data(national_reference=name, status=status,
                                                                   **sharing)).id
        if status == "submitted":  # a control record is submitted when recorded: it has no draft
            record = create_controls(reporter, op, [{"date": "2026-05-06", "location": name, "controls": 10 + i,
                                                     "hits": i, "transport_mode": "road",
                                                     "selection_basis": "risk_profile", **sharing}],
                                     single=True).created[0]
            controls[name] = record.id
    db.session.commit()
    return {"operation": op, "seizures": seizures, "controls": controls}


def _user(factory, who):
    org, role, _expected = PRINCIPALS[who]
    return factory.user(org, role)


@pytest.mark.parametrize("who", PRINCIPALS)
def test_seizures_seen_by_each_principal(api, factory, world, who):
    """The same answer from the service query, the API list and the API's single GET (and its comments)."""
    user = _user(factory, who)
    expected = PRINCIPALS[who][2]
    op = world["operation"]
    # the service query
    access = operation_access(user, op)
    assert {s.national_reference for s in db.session.scalars(visible_seizures(access))} == (expected or set())
    # the API list
    response = api("GET", f"/operations/{op.id}/seizures?per_page=200", user)
    if expected is None:
        assert_error(response, 404)
    elif who == "invited":
        assert_error(response, 403)  # it sees the operation's summary, not its results
    else:
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert {s["national_reference"] for s in body["items"]} == expected
        assert body["total"] == len(expected)
    # the API's single GET: 404 for a record not seen, never 403 (its existence is not told)
    failures = []
    for name, seizure_id in world["seizures"].items():
        wanted = 200 if name in (expected or set()) else 404
        for url in (f"/seizures/{seizure_id}", f"/seizures/{seizure_id}/comments"):
            response = api("GET", url, user)
            if response.status_code != wanted:
                failures.append(f"{who} GET {url} ({name}): {response.status_code}, expected {wanted}")
        if wanted == 200:
            assert api("GET", f"/seizures/{seizure_id}", user).get_json()["national_reference"] == name
    assert failures == []


@pytest.mark.parametrize("who", PRINCIPALS)
def test_controls_follow_the_same_rules(api, factory, world, who):
    user = _user(factory, who)
    expected = PRINCIPALS[who][2]
    expected_controls = None if expected is None else expected & set(world["controls"])
    access = operation_access(user, world["operation"])
    assert {r.location for r in db.session.scalars(visible_controls(access))} == (expected_controls or set())
    response = api("GET", f"/operations/{world['operation'].id}/controls", user)
    if expected is None:
        assert_error(response, 404)
    elif who == "invited":
        assert_error(response, 403)
    else:
        assert response.status_code == 200, response.get_json()
        assert {r["location"] for r in response.get_json()["items"]} == expected_controls
    for name, control_id in world["controls"].items():
        response = api("GET", f"/controls/{control_id}", user)
        assert response.status_code == (200 if name in (expected_controls or set()) else 404), (who, name)


def test_the_reporting_administration_sees_its_draft_and_nobody_else_does(api, factory, world):
    draft_id = world["seizures"]["pl_draft"]
    assert api("GET", f"/seizures/{draft_id}", factory.user("PL", "officer")).get_json()["status"] == "draft"
    for org, role in (("LT", "coordinator"), ("OLAF", "coordinator"), ("CCWP", "admin"), ("NL", "officer")):
        assert_error(api("GET", f"/seizures/{draft_id}", factory.user(org, role)), 404)


def test_a_third_country_without_consent_sees_no_control(api, factory, world):
    ua = factory.user("UA", "contact_point")
    op = world["operation"]
    third = db.session.get(ControlRecord, world["controls"]["pl_third"])
    assert db.session.scalars(visible_controls(operation_access(ua, op))).all() == [third]
    third.share_with_third_countries = False  # PL takes its consent back
    db.session.commit()
    assert db.session.scalars(visible_controls(operation_access(ua, op))).all() == []
    assert api("GET", f"/operations/{op.id}/controls", ua).get_json()["items"] == []
    assert_error(api("GET", f"/controls/{third.id}", ua), 404)


def test_a_withdrawn_record_stays_visible_to_those_who_saw_it(api, factory, world):
    from planner.results.services import withdraw_seizure

    seizure = db.session.get(Seizure, world["seizures"]["pl_eu"])
    withdraw_seizure(factory.user("PL", "officer"), seizure, "Recorded twice.", seizure.version)
    db.session.commit()
    for org, role in (("NL", "officer"), ("LT", "coordinator")):
        body = api("GET", f"/seizures/{seizure.id}", factory.user(org, role)).get_json()
        assert body["status"] == "withdrawn" and body["withdrawn_reason"] == "Recorded twice."
    assert_error(api("GET", f"/seizures/{seizure.id}", factory.user("UA", "contact_point")), 404)


def test_an_outsider_cannot_probe_record_ids(api, factory, world):
    outsider = factory.coordinator("FR")
    for url in (f"/seizures/{world['seizures']['pl_eu']}", "/seizures/999999", "/seizures/99999999999",
                f"/controls/{world['controls']['pl_eu']}", "/controls/999999"):
        assert_error(api("GET", url, outsider), 404)


def test_the_matrix_names_only_stored_records(factory, world):
    """Every principal's expectation is a subset of the operation's records (the tables above have no typo)."""
    stored = set(db.session.scalars(select(Seizure.national_reference)))
    assert stored == set(RECORDS)
    for _org, _role, expected in PRINCIPALS.values():
        assert (expected or set()) <= stored
