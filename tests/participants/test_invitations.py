"""Invitations: sent by the lead's coordinators in draft or planning, answered only by the invited organisation,
withdrawn; every step audited and notified."""
import pytest
from sqlalchemy import select

from planner.core.audit import AuditEntry
from planner.core.errors import PermissionDenied, TransitionRefused, ValidationError
from planner.core.notifications import Notification
from planner.extensions import db
from planner.participants.services import invite, respond, withdraw
from tests.api.helpers import assert_error

RESPOND_BY = "2099-03-01"


def _actions(op):
    return [e.action for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.operation_id == op.id).order_by(AuditEntry.id))]


def _notified(user):
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id)).all()


def test_coordinator_invites_several_at_once_and_they_are_told(api, factory):
    op = factory.operation_in("planning")
    de_ncp, pl_ncp = factory.user("DE", "contact_point"), factory.user("PL", "contact_point")
    pl_officer = factory.user("PL", "officer")
    response = api("POST", f"/operations/{op.id}/invitations", factory.coordinator("LT"),
                   json={"organisations": ["DE", "pl"], "role": "participant", "respond_by": RESPOND_BY})
    assert response.status_code == 201, response.get_json()
    items = response.get_json()["items"]
    assert [(i["organisation"], i["status"], i["respond_by"]) for i in items] == [
        ("DE", "invited", RESPOND_BY), ("PL", "invited", RESPOND_BY)]
    assert _actions(op).count("participation.invited") == 2
    assert [n.kind for n in _notified(de_ncp)] == ["participation.invited"]
    assert [n.kind for n in _notified(pl_ncp)] == ["participation.invited"]
    assert _notified(pl_officer) == []  # officers do not answer for their organisation
    listed = api("GET", f"/operations/{op.id}/invitations", factory.coordinator("LT")).get_json()["items"]
    assert {i["organisation"] for i in listed} == {"LT", "DE", "PL"}
    # the invited organisation reads its own invitation only
    own = api("GET", f"/operations/{op.id}/invitations", de_ncp).get_json()["items"]
    assert [i["organisation"] for i in own] == ["DE"]


@pytest.mark.parametrize("body,field", [
    ({"organisations": ["CCWP"], "respond_by": RESPOND_BY}, "organisations.0"),
    ({"organisations": ["XX"], "respond_by": RESPOND_BY}, "organisations.0"),
    ({"organisations": ["LT"], "respond_by": RESPOND_BY}, "organisations.0"),  # the lead, already in
    ({"organisations": [], "respond_by": RESPOND_BY}, "organisations"),
    ({"organisations": ["DE"], "respond_by": "2001-01-01"}, "respond_by"),
    ({"organisations": ["DE"], "respond_by": "soon"}, "respond_by"),
    ({"organisations": ["DE"]}, "respond_by"),
    ({"organisations": ["DE"], "respond_by": RESPOND_BY, "role": "boss"}, "role"),
])
def test_bad_invitations_are_refused_field_by_field(api, factory, body, field):
    op = factory.operation_in("draft")
    assert_error(api("POST", f"/operations/{op.id}/invitations", factory.coordinator("LT"), json=body), 422, field)
    assert len(op.participations) == 1


def test_never_twice_and_an_inactive_organisation_never(factory):
    op = factory.operation_in("draft")
    coordinator = factory.coordinator("LT")
    invite(coordinator, op, {"organisations": ["DE"], "respond_by": RESPOND_BY})
    with pytest.raises(ValidationError) as refused:
        invite(coordinator, op, {"organisations": ["DE", "PL"], "respond_by": RESPOND_BY})
    assert "organisations.0" in refused.value.errors
    db.session.rollback()
    factory.org("FR").is_active = False
    db.session.commit()
    with pytest.raises(ValidationError):
        invite(coordinator, op, {"organisations": ["FR"], "respond_by": RESPOND_BY})


@pytest.mark.parametrize("state", ["submitted", "operational", "closed"])
def test_invitations_only_in_draft_or_planning(api, factory, state):
    op = factory.operation_in(state)
    response = api("POST", f"/operations/{op.id}/invitations", factory.coordinator("LT"),
                   json={"organisations": ["DE"], "respond_by": RESPOND_BY})
    assert_error(response, 409)


def test_only_the_lead_coordinators_invite(api, factory):
    op = factory.operation_in("planning", co_organisers=["OLAF"])
    factory.accept(op, "PL")
    for user in (factory.user("LT", "contact_point"), factory.coordinator("PL")):
        assert_error(api("POST", f"/operations/{op.id}/invitations", user,
                         json={"organisations": ["DE"], "respond_by": RESPOND_BY}), 403)
    # a co-organiser's coordinator acts as a coordinator of the operation
    response = api("POST", f"/operations/{op.id}/invitations", factory.coordinator("OLAF"),
                   json={"organisations": ["DE"], "respond_by": RESPOND_BY, "role": "observer"})
    assert response.status_code == 201 and response.get_json()["items"][0]["role"] == "observer"


def test_only_the_invited_organisation_answers(api, factory):
    op = factory.operation_in("planning")
    lt = factory.coordinator("LT")
    invite(lt, op, {"organisations": ["DE"], "respond_by": RESPOND_BY})
    db.session.commit()
    url = f"/operations/{op.id}/invitations/DE/response"
    assert_error(api("POST", url, lt, json={"accept": True}), 403)  # the lead cannot answer for DE
    assert_error(api("POST", url, factory.coordinator("FR"), json={"accept": True}), 404)  # outsider
    assert_error(api("POST", url, factory.user("DE", "officer"), json={"accept": True}), 403)
    de = factory.user("DE", "contact_point")
    assert_error(api("POST", url, de, json={"accept": False}), 422, "reason")
    response = api("POST", url, de, json={"accept": True})
    assert response.status_code == 200 and response.get_json()["status"] == "accepted"
    assert_error(api("POST", url, de, json={"accept": True}), 409)  # answered already
    assert "participation.accepted" in _actions(op)
    assert [n.kind for n in _notified(lt) if n.kind.startswith("participation.")] == ["participation.accepted"]


def test_decline_with_reason_then_invite_again(factory):
    op = factory.operation_in("planning")
    lt = factory.coordinator("LT")
    invite(lt, op, {"organisations": ["DE"], "respond_by": RESPOND_BY})
    de = factory.user("DE", "coordinator")
    p = respond(de, op, "DE", False, "No staff available in May.")
    db.session.commit()
    assert p.status == "declined" and p.reason == "No staff available in May."
    invite(lt, op, {"organisations": ["DE"], "respond_by": RESPOND_BY})
    db.session.commit()
    assert p.status == "invited" and p.reason is None
    declined = [e for e in db.session.scalars(select(AuditEntry).where(AuditEntry.action == "participation.declined"))]
    assert declined[0].data["reason"] == "No staff available in May."  # history kept in the audit


def test_coordinator_withdraws_an_invitation_and_participant_withdraws_itself(api, factory):
    op = factory.operation_in("planning")
    lt = factory.coordinator("LT")
    invite(lt, op, {"organisations": ["DE", "PL"], "respond_by": RESPOND_BY})
    db.session.commit()
    de_ncp = factory.user("DE", "contact_point")
    response = api("POST", f"/operations/{op.id}/invitations/DE/withdrawal", lt, json={})
    assert response.status_code == 200 and response.get_json()["status"] == "withdrawn"
    assert "participation.invitation_withdrawn" in [n.kind for n in _notified(de_ncp)]
    assert_error(api("GET", f"/operations/{op.id}", de_ncp), 404)  # withdrawn: sees nothing

    pl = factory.coordinator("PL")
    respond(pl, op, "PL", True)
    db.session.commit()
    assert_error(api("POST", f"/operations/{op.id}/invitations/PL/withdrawal", pl, json={}), 422, "reason")
    response = api("POST", f"/operations/{op.id}/invitations/PL/withdrawal", pl, json={"reason": "Budget cut."})
    assert response.status_code == 200
    assert "participation.withdrawn" in _actions(op)
    assert "participation.withdrawn" in [n.kind for n in _notified(lt)]
    # the lead never withdraws
    with pytest.raises(TransitionRefused):
        withdraw(lt, op, "LT", "bored")


def test_answering_is_for_contact_points_and_coordinators(factory):
    op = factory.operation_in("planning")
    invite(factory.coordinator("LT"), op, {"organisations": ["DE"], "respond_by": RESPOND_BY})
    with pytest.raises(PermissionDenied):
        respond(factory.user("DE", "analyst"), op, "DE", True)


# --- pages ------------------------------------------------------------------------------------------------------

def test_invite_answer_and_withdraw_through_the_pages(factory, client, login):
    op = factory.operation_in("planning")
    lt = factory.coordinator("LT")
    login(lt)
    page = client.get(f"/operations/{op.id}/participants/invite").get_data(as_text=True)
    assert "Organisations to invite" in page and "CCWP" not in page
    response = client.post(f"/operations/{op.id}/participants/invite",
                           data={"organisations": ["DE", "PL"], "role": "participant", "respond_by": RESPOND_BY})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    response = client.post(f"/operations/{op.id}/participants/invite",
                           data={"organisations": ["FR"], "role": "participant", "respond_by": ""})
    assert response.status_code == 422 and "Give a date" in response.get_data(as_text=True)

    de = factory.user("DE", "contact_point")
    login(de)
    dashboard = client.get("/").get_data(as_text=True)
    assert f"/operations/{op.id}/invitation" in dashboard
    response = client.post(f"/operations/{op.id}/invitation", data={"answer": "decline", "reason": ""})
    assert response.status_code == 422 and "Give a reason for declining." in response.get_data(as_text=True)
    response = client.post(f"/operations/{op.id}/invitation", data={"answer": "decline", "reason": "No staff."})
    assert response.status_code == 302
    assert client.get(f"/operations/{op.id}").status_code == 404

    pl = factory.user("PL", "contact_point")
    login(pl)
    response = client.post(f"/operations/{op.id}/invitation", data={"answer": "accept"})
    assert response.headers["Location"].endswith(f"/operations/{op.id}/nominations/PL")
    response = client.post(f"/operations/{op.id}/participants/PL/withdraw", data={"reason": "Strike."})
    assert response.status_code == 302
    db.session.expire_all()
    assert op.participation_of(factory.org("PL").id).status == "withdrawn"


def test_only_the_invited_organisation_answers_on_the_pages(factory, client, login):
    op = factory.operation_in("planning")
    lt = factory.coordinator("LT")
    invite(lt, op, {"organisations": ["DE", "PL"], "respond_by": RESPOND_BY})
    db.session.commit()
    url = f"/operations/{op.id}/invitation"
    for user, status in ((lt, 403), (factory.coordinator("FR"), 404), (factory.user("DE", "officer"), 403)):
        login(user)
        assert client.get(url).status_code == status
        assert client.post(url, data={"answer": "accept"}).status_code == status
    db.session.expire_all()
    assert op.participation_of(factory.org("DE").id).status == "invited"
    # the coordinator withdraws PL's invitation from the roster
    login(lt)
    assert client.post(f"/operations/{op.id}/participants/PL/withdraw", data={}).status_code == 302
    db.session.expire_all()
    assert op.participation_of(factory.org("PL").id).status == "withdrawn"
    login(factory.user("PL", "contact_point"))
    assert client.get(url).status_code == 404
    assert "AMBER" not in client.get("/").get_data(as_text=True)


def test_a_withdrawn_participant_invited_again_starts_without_its_old_nomination(factory):
    from planner.participants.models import Nomination

    op = factory.operation_in("planning")
    factory.accept(op, "PL")  # nominates a contact point
    pl = op.participation_of(factory.org("PL").id)
    assert pl.nomination is not None
    withdraw(factory.coordinator("PL"), op, "PL", "staff needed elsewhere")
    db.session.commit()
    invite(factory.coordinator("LT"), op, {"organisations": ["PL"], "role": "participant",
                                           "respond_by": "2100-01-01"})
    db.session.commit()
    db.session.refresh(pl)
    assert pl.status == "invited" and pl.nomination is None
    assert db.session.query(Nomination).filter_by(participation_id=pl.id).count() == 0
