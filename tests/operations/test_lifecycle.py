"""Every allowed and every refused transition, who may take them, guards, and their audit entries."""
import pytest
from sqlalchemy import select

from planner.core.audit import AuditEntry
from planner.core.errors import PermissionDenied, TransitionRefused
from planner.core.notifications import Notification
from planner.extensions import db
from planner.operations.lifecycle import ALLOWED_TRANSITIONS, TRANSITIONS, guard, guards_for, _GUARDS
from planner.operations.models import OperationState
from planner.operations.services import take_transition
from tests.business_cases.prepare import prepare
from tests.factories import NEEDS_COMMENT, SECRETARIAT_ACTIONS

STATES = [s.value for s in OperationState]
EXPECTED = {
    ("draft", "submit"): "submitted",
    ("draft", "cancel"): "cancelled",
    ("submitted", "return"): "draft",
    ("submitted", "approve"): "planning",
    ("submitted", "reject"): "rejected",
    ("submitted", "cancel"): "cancelled",
    ("planning", "start"): "operational",
    ("planning", "cancel"): "cancelled",
    ("operational", "end"): "post_operational",
    ("post_operational", "evaluate"): "evaluation",
    ("evaluation", "close"): "closed",
}


def test_the_state_machine_is_the_documented_one():
    actual = {(s.value, name): TRANSITIONS[name].target.value for s in OperationState for name in ALLOWED_TRANSITIONS[s]}
    assert actual == EXPECTED


def _actor(factory, op, action):
    return factory.secretariat() if action in SECRETARIAT_ACTIONS else factory.coordinator(op.lead.code)


@pytest.mark.parametrize("state,action", sorted(EXPECTED))
def test_allowed_transition(factory, state, action):
    op = factory.operation_in(state)
    if action == "start":
        factory.accept(op, "PL")
    if action == "submit":
        prepare(factory, op, "submit")  # a complete business case
    if action == "close":
        prepare(factory, op, "close")  # a final report made final
    actor = _actor(factory, op, action)
    take_transition(actor, op, action, "because" if action in NEEDS_COMMENT else None)
    db.session.commit()
    assert op.state == EXPECTED[(state, action)]
    assert op.transitions[-1].action == action
    assert op.transitions[-1].user_id == actor.id
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.operation_id == op.id).order_by(AuditEntry.id.desc())
    ).first()
    assert entry.action.startswith("operation.")
    assert entry.data["from"] == state and entry.data["to"] == EXPECTED[(state, action)]
    assert entry.user_id == actor.id


@pytest.mark.parametrize(
    "state,action", [(s, a) for s in STATES for a in TRANSITIONS if (s, a) not in EXPECTED]
)
def test_refused_transition_from_wrong_state(factory, state, action):
    op = factory.operation_in(state)
    with pytest.raises(TransitionRefused) as refused:
        take_transition(_actor(factory, op, action), op, action, "because")
    db.session.rollback()
    assert "cannot be" in refused.value.message
    assert refused.value.reasons  # names the states it is allowed from
    db.session.refresh(op)
    assert op.state == state


@pytest.mark.parametrize("action", ["submit", "start", "end", "evaluate", "close", "cancel"])
def test_coordinator_actions_refused_to_others(factory, action):
    source = {"submit": "draft", "start": "planning", "end": "operational", "evaluate": "post_operational",
              "close": "evaluation", "cancel": "draft"}[action]
    op = factory.operation_in(source)
    factory.accept(op, "PL")
    outsiders = [
        factory.user("LT", "contact_point"),  # the lead, but not a coordinator
        factory.coordinator("PL"),  # a participant's coordinator
        factory.secretariat(),
        factory.user("CCWP", "admin"),
    ]
    for user in outsiders:
        with pytest.raises(PermissionDenied):
            take_transition(user, op, action, "because")
        db.session.rollback()
    assert op.state == source


@pytest.mark.parametrize("action", ["approve", "return", "reject"])
def test_review_actions_belong_to_the_secretariat(factory, action):
    op = factory.operation_in("submitted")
    with pytest.raises(PermissionDenied):
        take_transition(factory.coordinator("LT"), op, action, "because")
    db.session.rollback()
    take_transition(factory.secretariat(), op, action, "because")
    assert op.state == EXPECTED[("submitted", action)]


def test_secretariat_of_the_lead_cannot_approve(factory):
    # A Council secretariat user whose organisation leads the operation (admin creates it for CCWP's own org
    # is impossible: the secretariat cannot lead) — so give the secretariat user the lead's organisation.
    op = factory.operation_in("submitted")
    insider = factory.user("LT", "secretariat")
    with pytest.raises(PermissionDenied) as denied:
        take_transition(insider, op, "approve")
    assert "leads or co-organises the operation" in denied.value.message
    db.session.rollback()
    take_transition(factory.secretariat(), op, "approve")
    assert op.state == "planning"


@pytest.mark.parametrize("action", ["return", "reject", "cancel"])
def test_reasons_are_required(factory, action):
    op = factory.operation_in("submitted")
    with pytest.raises(TransitionRefused) as refused:
        take_transition(_actor(factory, op, action), op, action, "   ")
    assert any("reason" in r for r in refused.value.reasons)


def test_start_needs_two_accepted_participants_and_says_so(factory):
    op = factory.operation_in("planning")
    factory.invite(op, "PL")  # invited only: does not count
    with pytest.raises(TransitionRefused) as refused:
        take_transition(factory.coordinator("LT"), op, "start")
    assert "At least two accepted participants" in refused.value.reasons[0]
    assert "there are 1" in refused.value.reasons[0]
    db.session.rollback()
    factory.accept(op, "PL")
    take_transition(factory.coordinator("LT"), op, "start")
    assert op.state == "operational" and op.actual_start_at is not None


def test_observers_do_not_count_as_participants(factory):
    op = factory.operation_in("planning")
    factory.accept(op, "EUROPOL", role="observer")
    with pytest.raises(TransitionRefused):
        take_transition(factory.coordinator("LT"), op, "start")


def test_co_organiser_coordinator_runs_the_operation(factory):
    op = factory.operation_in("draft", co_organisers=["OLAF"])
    olaf = factory.coordinator("OLAF")
    prepare(factory, op, "submit")
    take_transition(olaf, op, "submit")
    assert op.state == "submitted"


def test_guard_registry_lets_a_capability_add_a_rule(factory):
    op = factory.operation_in("draft")
    prepare(factory, op, "submit")

    @guard("submit")
    def needs_a_summary(operation, user):
        return [] if operation.summary else ["The summary is missing."]

    try:
        with pytest.raises(TransitionRefused) as refused:
            take_transition(factory.coordinator("LT"), op, "submit")
        assert refused.value.reasons == ["The summary is missing."]
    finally:
        _GUARDS["submit"].remove(needs_a_summary)
    assert needs_a_summary not in guards_for("submit")


def test_timestamps_and_notifications(factory):
    op = factory.operation_in("draft")
    secretariat = factory.secretariat()
    prepare(factory, op, "submit")
    take_transition(factory.coordinator("LT"), op, "submit")
    db.session.commit()
    assert op.submitted_at is not None
    notes = db.session.scalars(select(Notification).where(Notification.user_id == secretariat.id)).all()
    assert [n.kind for n in notes] == ["operation.submitted"]
    assert op.reference in notes[0].subject
    take_transition(secretariat, op, "approve")
    db.session.commit()
    assert op.approved_by_id == secretariat.id
    coordinator_notes = db.session.scalars(
        select(Notification).where(Notification.user_id == factory.coordinator("LT").id)
    ).all()
    assert "operation.approved" in [n.kind for n in coordinator_notes]


def test_unknown_action_is_refused_clearly(factory):
    op = factory.operation_in("draft")
    with pytest.raises(TransitionRefused) as refused:
        take_transition(factory.coordinator("LT"), op, "explode")
    assert "Unknown action" in refused.value.message
