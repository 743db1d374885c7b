"""Hostile input found in review: unhashable coordination model, odd digits, tampered versions; a secretariat
user whose organisation observes keeps its oversight."""
import pytest

from planner.extensions import db
from planner.operations.access import Place, operation_access


@pytest.mark.parametrize("change,field", [
    ({"coordination": {"model": ["virtual"]}}, "coordination.model"),
    ({"coordination": {"model": {"a": 1}}}, "coordination.model"),
    ({"risk": {"likelihood": "²", "impact": 3}}, "risk.likelihood"),
    ({"resources": {"officers": "³"}}, "resources.officers"),
])
def test_odd_values_are_field_errors(api, factory, change, field):
    op = factory.operation_in("draft")
    coordinator = factory.coordinator("LT")
    case = api("GET", f"/operations/{op.id}/business-case", coordinator).get_json()
    response = api("PUT", f"/operations/{op.id}/business-case", coordinator,
                   json={**change, "version": case.get("version", case.get("meta", {}).get("version"))})
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]


def test_tampered_version_on_the_section_page_is_refused(factory, client, login):
    op = factory.operation_in("draft")
    login(factory.coordinator("LT"))
    response = client.post(f"/operations/{op.id}/business-case/sections/risk",
                           data={"version": "abc", "likelihood": "3", "impact": "3"})
    assert response.status_code in (409, 422)


def test_secretariat_of_an_observing_organisation_keeps_oversight(factory):
    op = factory.operation_in("submitted")
    factory.accept(op, "CCWP", role="observer")
    access = operation_access(factory.secretariat(), op)
    assert access.place is Place.OVERSIGHT and access.sees_full
    db.session.rollback()
