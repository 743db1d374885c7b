"""The lifecycle through the API: every allowed transition, refusals with their conditions, who may, and the
history."""
import pytest

from planner.extensions import db
from tests.api.helpers import assert_error
from tests.business_cases.prepare import prepare

# (from state, action, actor, to state)
ALLOWED = [
    ("draft", "submit", "coordinator", "submitted"),
    ("submitted", "return", "secretariat", "draft"),
    ("submitted", "approve", "secretariat", "planning"),
    ("submitted", "reject", "secretariat", "rejected"),
    ("planning", "start", "coordinator", "operational"),
    ("operational", "end", "coordinator", "post_operational"),
    ("post_operational", "evaluate", "coordinator", "evaluation"),
    ("evaluation", "close", "coordinator", "closed"),
    ("draft", "cancel", "coordinator", "cancelled"),
    ("submitted", "cancel", "coordinator", "cancelled"),
    ("planning", "cancel", "coordinator", "cancelled"),
]


@pytest.mark.parametrize("source,action,actor,target", ALLOWED)
def test_every_allowed_transition(api, factory, source, action, actor, target):
    op = factory.operation_in(source)
    if action == "start":
        factory.accept(op, "PL")
    if action == "submit":
        prepare(factory, op, "submit")  # a complete business case
    if action == "close":
        prepare(factory, op, "close")  # a final report made final
    user = factory.secretariat() if actor == "secretariat" else factory.coordinator("LT")
    response = api("POST", f"/operations/{op.id}/transitions", user,
                   json={"action": action, "comment": "Because the API says so."})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["state"] == target and body["id"] == op.id
    assert response.headers["ETag"] == f'"{body["version"]}"'
    db.session.expire_all()
    assert api("GET", f"/operations/{op.id}", user).get_json()["state"] == target  # committed


def test_start_with_one_participant_is_refused_with_the_condition(api, factory):
    op = factory.operation_in("planning")  # only the lead
    response = api("POST", f"/operations/{op.id}/transitions", factory.coordinator("LT"), json={"action": "start"})
    body = assert_error(response, 409, "conditions")
    assert any("two accepted participants" in c for c in body["errors"]["conditions"])
    db.session.refresh(op)
    assert op.state == "planning"


def test_transition_from_the_wrong_state_is_409(api, factory):
    op = factory.operation_in("draft")
    response = api("POST", f"/operations/{op.id}/transitions", factory.secretariat(), json={"action": "approve"})
    assert_error(response, 409, "conditions")


def test_comment_required_for_reject_return_cancel(api, factory):
    op = factory.operation_in("submitted")
    for action, user in (("reject", factory.secretariat()), ("return", factory.secretariat()),
                         ("cancel", factory.coordinator("LT"))):
        response = api("POST", f"/operations/{op.id}/transitions", user, json={"action": action, "comment": "  "})
        body = assert_error(response, 409, "conditions")
        assert any("comment" in c for c in body["errors"]["conditions"])


def test_secretariat_cannot_approve_its_own_organisations_operation(api, factory):
    op = factory.operation_in("submitted", lead="LT")
    own = factory.user("LT", "secretariat")
    body = assert_error(api("POST", f"/operations/{op.id}/transitions", own, json={"action": "approve"}), 403)
    assert "leads" in body["error"]
    db.session.refresh(op)
    assert op.state == "submitted"
    # another secretariat user may
    ok = api("POST", f"/operations/{op.id}/transitions", factory.secretariat(), json={"action": "approve"})
    assert ok.get_json()["state"] == "planning"


def test_who_may_not_take_a_transition(api, factory):
    op = factory.operation_in("draft")
    factory.accept(op, "PL")
    factory.invite(op, "FR")
    for user in (factory.user("LT", "contact_point"), factory.coordinator("PL"), factory.coordinator("FR"),
                 factory.secretariat()):
        assert_error(api("POST", f"/operations/{op.id}/transitions", user, json={"action": "submit"}), 403)
    assert_error(api("POST", f"/operations/{op.id}/transitions", factory.coordinator("DE"),
                     json={"action": "submit"}), 404)
    assert_error(api("POST", "/operations/999999/transitions", factory.coordinator("LT"),
                     json={"action": "submit"}), 404)
    db.session.refresh(op)
    assert op.state == "draft"


def test_co_organiser_coordinator_may_take_transitions(api, factory):
    op = factory.operation_in("draft", co_organisers=["OLAF"])
    prepare(factory, op, "submit")
    response = api("POST", f"/operations/{op.id}/transitions", factory.coordinator("OLAF"), json={"action": "submit"})
    assert response.status_code == 200 and response.get_json()["state"] == "submitted"


def test_bad_transition_bodies_are_422(api, factory):
    op = factory.operation_in("draft")
    coordinator = factory.coordinator("LT")
    for body, field in (({}, "action"), ({"action": ""}, "action"), ({"action": 3}, "action"),
                        ({"action": "launch"}, "action"), ({"action": "submit", "comment": 5}, "comment"),
                        ({"action": "submit", "when": "now"}, "when")):
        assert_error(api("POST", f"/operations/{op.id}/transitions", coordinator, json=body), 422, field)
    assert_error(api("POST", f"/operations/{op.id}/transitions", coordinator, data="submit",
                     content_type="text/plain"), 400)


def test_history_lists_the_transitions(api, factory):
    op = factory.operation_in("draft")
    coordinator, secretariat = factory.coordinator("LT"), factory.secretariat()
    prepare(factory, op, "submit")
    api("POST", f"/operations/{op.id}/transitions", coordinator, json={"action": "submit"})
    api("POST", f"/operations/{op.id}/transitions", secretariat, json={"action": "approve"})
    api("PATCH", f"/operations/{op.id}", coordinator, json={"version": op.version, "summary": "edited"})
    response = api("GET", f"/operations/{op.id}/history", coordinator)
    assert response.status_code == 200
    body = response.get_json()
    # the operation's own entries (the business case adds its own: updated, version frozen, schedule created)
    actions = [e["action"] for e in body["entries"] if e["action"].startswith("operation.")]
    assert actions == ["operation.updated", "operation.approved", "operation.submitted", "operation.created"]
    assert body["total"] == len(body["entries"])
    approved = next(e for e in body["entries"] if e["action"] == "operation.approved")
    assert approved["user"]["name"] == secretariat.name and approved["organisation"] == "CCWP"
    assert approved["data"]["from"] == "submitted" and approved["data"]["to"] == "planning"
    assert body["entries"][0]["data"]["changes"]["summary"]["after"] == "edited"
    assert [(t["action"], t["from_state"], t["to_state"]) for t in body["transitions"]] == [
        ("submit", "draft", "submitted"), ("approve", "submitted", "planning")]
    assert body["transitions"][0]["created_at"].endswith("+00:00")
    paged = api("GET", f"/operations/{op.id}/history?per_page=2&page=2", coordinator).get_json()
    assert [e["id"] for e in paged["entries"]] == [e["id"] for e in body["entries"][2:4]]
    assert "ip_address" not in body["entries"][0]


def test_history_is_for_organisers_and_oversight(api, factory):
    op = factory.operation_in("planning", co_organisers=["OLAF"])
    factory.accept(op, "PL")
    factory.invite(op, "FR")
    for user in (factory.coordinator("LT"), factory.user("LT", "officer"), factory.coordinator("OLAF"),
                 factory.secretariat(), factory.user("CCWP", "admin")):
        assert api("GET", f"/operations/{op.id}/history", user).status_code == 200, user.role
    for user in (factory.coordinator("PL"), factory.coordinator("FR")):
        assert_error(api("GET", f"/operations/{op.id}/history", user), 403)
    assert_error(api("GET", f"/operations/{op.id}/history", factory.coordinator("DE")), 404)
