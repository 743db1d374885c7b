"""Nominations: each accepted participant for its own organisation only; one validation with dotted field keys;
optimistic locking; the start guard names the participants without a national contact point."""
import pytest
from sqlalchemy import select

from planner.core.audit import AuditEntry
from planner.core.errors import TransitionRefused
from planner.core.notifications import Notification
from planner.extensions import db
from planner.operations.services import take_transition
from planner.participants.models import ControlLocation, Nomination
from planner.participants.services import invite, respond
from tests.api.helpers import assert_error


def _nomination(user, **extra):
    body = {
        "contact_points": [{"user": user.email, "phone": "+48 22 123 45 67", "available_24_7": True}],
        "external_contacts": [{"name": "Border Guard duty desk", "email": "desk@sg.example", "phone": "+48 1"}],
        "liaison_officers": [{"name": "K. Nowak", "from": "2026-05-04", "to": "2026-05-15"}],
        "officers_deployed": 40, "equipment": ["scanner", "detector_dog"], "languages": ["en", "pl"],
        "control_locations": [{"code": "PLKUB", "transport_sectors": ["road"]},
                              {"code": "PLGDY", "transport_sectors": ["sea_container", "sea_other"]}],
        "version": 0,
    }
    body.update(extra)
    return body


@pytest.fixture
def planning(factory):
    op = factory.operation_in("planning")
    lt = factory.coordinator("LT")
    invite(lt, op, {"organisations": ["PL", "DE"], "respond_by": "2099-01-01"})
    pl = factory.user("PL", "contact_point")
    respond(pl, op, "PL", True)
    db.session.commit()
    return op, pl


def test_participant_nominates_for_itself(api, factory, planning):
    op, pl = planning
    response = api("PUT", f"/operations/{op.id}/nominations/PL", pl, json=_nomination(pl))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["version"] == 1 and body["officers_deployed"] == 40
    assert [c["code"] for c in body["control_locations"]] == ["PLKUB", "PLGDY"]
    assert body["control_locations"][1]["transport_sectors"] == ["sea_container", "sea_other"]
    assert body["liaison_officers"] == [{"name": "K. Nowak", "from": "2026-05-04", "to": "2026-05-15"}]
    assert api("GET", f"/operations/{op.id}/nominations/PL", pl).get_json() == body
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "nomination.saved")).one()
    assert entry.operation_id == op.id and entry.data["organisation"] == "PL"


def test_nobody_edits_another_organisations_nomination(api, factory, planning):
    op, pl = planning
    lt = factory.coordinator("LT")
    assert_error(api("PUT", f"/operations/{op.id}/nominations/PL", lt, json=_nomination(pl)), 403)
    assert_error(api("PUT", f"/operations/{op.id}/nominations/LT", pl, json=_nomination(lt)), 403)
    assert_error(api("PUT", f"/operations/{op.id}/nominations/PL", factory.user("PL", "officer"),
                     json=_nomination(pl)), 403)
    assert_error(api("PUT", f"/operations/{op.id}/nominations/PL", factory.coordinator("FR"),
                     json=_nomination(pl)), 404)
    # DE is invited, not accepted: nothing to nominate
    de = factory.user("DE", "contact_point")
    assert_error(api("PUT", f"/operations/{op.id}/nominations/DE", de, json=_nomination(de)), 409)
    assert db.session.scalar(select(Nomination.id).join(Nomination.participation).where(
        Nomination.participation.has(organisation_id=factory.org("PL").id))) is None
    # and through the page


def test_page_refuses_to_edit_another_organisations_nomination(factory, client, login, planning):
    op, pl = planning
    login(factory.coordinator("LT"))
    assert client.get(f"/operations/{op.id}/nominations/PL").status_code == 200  # the lead reads it
    response = client.post(f"/operations/{op.id}/nominations/PL", data={"cp-count": "1", "cp-0-user": pl.email})
    assert response.status_code == 403


def test_lead_nominates_too(api, factory, planning):
    op, _pl = planning
    lt = factory.user("LT", "contact_point")
    body = _nomination(lt, control_locations=[{"code": "LTMDK", "transport_sectors": ["road"]}])
    response = api("PUT", f"/operations/{op.id}/nominations/LT", lt, json=body)
    assert response.status_code == 200, response.get_json()


@pytest.mark.parametrize("change,field", [
    ({"control_locations": [{"code": "ltmdk1", "transport_sectors": ["road"]}]}, "control_locations.0.code"),
    ({"control_locations": [{"code": "LT1DK", "transport_sectors": ["road"]}]}, "control_locations.0.code"),
    ({"control_locations": [{"code": "PLGDN", "transport_sectors": ["road"]}]}, "control_locations.0.code"),
    ({"control_locations": [{"code": "PLKUB", "transport_sectors": ["hovercraft"]}]},
     "control_locations.0.transport_sectors.0"),
    ({"control_locations": [{"code": "PLKUB"}]}, "control_locations.0.transport_sectors"),
    ({"contact_points": [{"user": "nobody@nowhere.example"}]}, "contact_points.0.user"),
    ({"liaison_officers": [{"name": "X", "from": "2026-05-15", "to": "2026-05-04"}]}, "liaison_officers.0.to"),
    ({"liaison_officers": [{"name": "", "from": "2026-05-15"}]}, "liaison_officers.0.name"),
    ({"officers_deployed": 100001}, "officers_deployed"),
    ({"officers_deployed": -1}, "officers_deployed"),
    ({"officers_deployed": "many"}, "officers_deployed"),
    ({"officers_deployed": "²"}, "officers_deployed"),
    ({"officers_deployed": "9" * 5000}, "officers_deployed"),
    ({"equipment": ["laser"]}, "equipment.0"),
    ({"languages": ["xx"]}, "languages.0"),
    ({"languages": ["english"]}, "languages.0"),
    ({"external_contacts": [{"name": "A", "email": "not-an-address"}]}, "external_contacts.0.email"),
    ({"contact_points": [{"user": "x", "phone": "=1+1"}]}, "contact_points.0.phone"),
    ({"surprise": 1}, "surprise"),
])
def test_hostile_input_gets_field_errors_and_nothing_is_written(api, factory, planning, change, field):
    op, pl = planning
    response = api("PUT", f"/operations/{op.id}/nominations/PL", pl, json=_nomination(pl, **change))
    assert_error(response, 422, field)
    assert db.session.scalar(select(ControlLocation.id)) is None
    assert db.session.scalar(select(Nomination.id)) is None


def test_contact_points_are_active_personal_accounts_of_the_organisation(api, factory, planning):
    op, pl = planning
    other = factory.user("DE", "contact_point")
    inactive = factory.user("PL", "contact_point")
    inactive.is_active_account = False
    db.session.commit()
    for user in (other, inactive):
        response = api("PUT", f"/operations/{op.id}/nominations/PL", pl, json=_nomination(user))
        assert_error(response, 422, "contact_points.0.user")


def test_a_stale_version_is_refused_with_the_current_one(api, factory, planning):
    op, pl = planning
    url = f"/operations/{op.id}/nominations/PL"
    assert api("PUT", url, pl, json=_nomination(pl)).status_code == 200
    colleague = factory.user("PL", "coordinator")
    assert api("PUT", url, colleague, json=_nomination(pl, officers_deployed=12, version=1)).status_code == 200
    body = assert_error(api("PUT", url, pl, json=_nomination(pl, officers_deployed=99, version=1)), 409, "version")
    assert body["current_version"] == 2
    assert api("GET", url, pl).get_json()["officers_deployed"] == 12
    assert_error(api("PUT", url, pl, json=_nomination(pl, officers_deployed=99, version=0)), 409, "version")


def test_a_new_contact_point_is_notified_external_contacts_are_not(api, factory, planning):
    op, pl = planning
    colleague = factory.user("PL", "contact_point")
    api("PUT", f"/operations/{op.id}/nominations/PL", pl, json=_nomination(colleague))
    kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == colleague.id)).all()
    assert "nomination.contact_point" in kinds


def test_sharing_settings_default_and_change(api, factory, planning):
    op, pl = planning
    url = f"/operations/{op.id}/sharing/PL"
    body = api("GET", url, pl).get_json()
    assert (body["share_with_eu_member_states"], body["share_with_third_countries"],
            body["share_with_agencies"]) == (True, False, False)
    response = api("PUT", url, pl, json={"share_with_agencies": True, "version": body["version"]})
    assert response.status_code == 200 and response.get_json()["share_with_agencies"] is True
    assert_error(api("PUT", url, pl, json={"share_with_agencies": False, "version": body["version"]}), 409)
    assert_error(api("PUT", url, factory.coordinator("LT"),
                     json={"share_with_agencies": False, "version": body["version"] + 1}), 403)
    assert_error(api("PUT", url, pl, json={"share_with_agencies": "yes", "version": body["version"] + 1}), 422,
                 "share_with_agencies")
    assert db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "participation.sharing_changed")).one().data["changes"]["share_with_agencies"] == {
        "before": False, "after": True}


def test_start_guard_names_the_participants_missing_a_contact_point(api, factory, planning):
    op, pl = planning
    lt = factory.coordinator("LT")
    with pytest.raises(TransitionRefused) as refused:
        take_transition(lt, op, "start")
    db.session.rollback()
    reason = [r for r in refused.value.reasons if "contact point" in r][0]
    assert "LT" in reason and "PL" in reason
    api("PUT", f"/operations/{op.id}/nominations/PL", pl, json=_nomination(pl))
    body = assert_error(api("POST", f"/operations/{op.id}/transitions", lt, json={"action": "start"}), 409,
                        "conditions")
    reason = [r for r in body["errors"]["conditions"] if "contact point" in r][0]
    assert reason.endswith("missing for: LT.")
    api("PUT", f"/operations/{op.id}/nominations/LT", lt, json=_nomination(lt, control_locations=[]))
    response = api("POST", f"/operations/{op.id}/transitions", lt, json={"action": "start"})
    assert response.status_code == 200 and response.get_json()["state"] == "operational"


def test_nomination_through_the_page(factory, client, login, planning):
    op, pl = planning
    login(pl)
    page = client.get(f"/operations/{op.id}/nominations/PL").get_data(as_text=True)
    assert "Contact point 1: user account" in page and "Control location 1: place" in page
    form = {"version": "0", "cp-count": "2", "cp-0-user": pl.email, "cp-0-phone": "+48 1", "cp-0-available_24_7": "y",
            "cp-1-user": "", "cp-1-phone": "", "ext-count": "1", "lo-count": "1", "lo-0-name": "K. Nowak",
            "lo-0-from": "2026-05-04", "lo-0-to": "2026-05-15", "officers_deployed": "12",
            "equipment": ["scanner"], "languages": "en pl", "loc-count": "3", "loc-0-code": "",
            "loc-1-code": "PLKUB", "loc-1-transport_sectors": ["road", "rail"], "loc-2-code": "PLXXX"}
    response = client.post(f"/operations/{op.id}/nominations/PL", data=form)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "control_locations.2.code" in text and "PLXXX" in text  # the error names the slot; input kept
    del form["loc-2-code"]
    response = client.post(f"/operations/{op.id}/nominations/PL", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    db.session.expire_all()
    n = op.participation_of(factory.org("PL").id).nomination
    assert [c.user_id for c in n.contact_points] == [pl.id] and n.contact_points[0].available_24_7
    assert [(c.place.code, c.transport_sectors) for c in n.control_locations] == [("PLKUB", ["road", "rail"])]
    assert n.languages == ["en", "pl"] and n.officers_deployed == 12
    # a stale form is refused with a clear message, nothing lost
    response = client.post(f"/operations/{op.id}/nominations/PL", data=form)
    assert response.status_code == 409 and "Somebody else saved this nomination" in response.get_data(as_text=True)
    # sharing settings through the page
    response = client.post(f"/operations/{op.id}/sharing/PL", data={
        "share_with_eu_member_states": "y", "share_with_third_countries": "y",
        "version": str(op.participation_of(factory.org("PL").id).version)})
    assert response.status_code == 302
    db.session.expire_all()
    p = op.participation_of(factory.org("PL").id)
    assert (p.share_with_eu_member_states, p.share_with_third_countries, p.share_with_agencies) == (True, True, False)


def test_a_closed_operation_shows_the_nomination_read_only(factory, client, login):
    op = factory.operation_in("closed")
    pl = op.participation_of(factory.org("PL").id)
    user = pl.nomination.contact_points[0].user
    login(user)
    page = client.get(f"/operations/{op.id}/nominations/PL").get_data(as_text=True)
    assert "Save the nomination" not in page and user.name in page
    response = client.post(f"/operations/{op.id}/nominations/PL", data={"cp-count": "0"})
    assert response.status_code == 403


def test_page_refuses_odd_digits_and_a_missing_version(factory, client, login, planning):
    op, pl = planning
    login(pl)
    url = f"/operations/{op.id}/nominations/PL"
    for form in ({"version": "²", "cp-count": "²"}, {"cp-count": "1", "cp-0-user": pl.email},
                 {"version": "0", "officers_deployed": "²"}):
        response = client.post(url, data=form)
        assert response.status_code in (409, 422), form  # the page shows the message; nothing is saved
    assert db.session.scalar(select(Nomination.id)) is None
