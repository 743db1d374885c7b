"""The operation's state machine: named transitions, who may take them, and one guard registry per
transition. A later capability adds its rule with `@guard("start")`; a guard returns the reasons it refuses
(an empty list when it passes), in words a user can read."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from planner.operations.models import OperationState as S


@dataclass(frozen=True)
class Transition:
    name: str
    label: object
    sources: tuple
    target: S
    actor: str  # "coordinator": coordinators of the lead and co-organisers; "secretariat": the working party
    needs_comment: bool = False
    style: str = "primary"


TRANSITIONS = {
    t.name: t
    for t in (
        Transition("submit", _l("Submit to the working party"), (S.DRAFT,), S.SUBMITTED, "coordinator"),
        Transition("return", _l("Return with comments"), (S.SUBMITTED,), S.DRAFT, "secretariat", True, "warning"),
        Transition("approve", _l("Approve"), (S.SUBMITTED,), S.PLANNING, "secretariat", False, "success"),
        Transition("reject", _l("Reject"), (S.SUBMITTED,), S.REJECTED, "secretariat", True, "danger"),
        Transition("start", _l("Start the operational phase"), (S.PLANNING,), S.OPERATIONAL, "coordinator"),
        Transition("end", _l("End the operational phase"), (S.OPERATIONAL,), S.POST_OPERATIONAL, "coordinator"),
        Transition("evaluate", _l("Begin the evaluation"), (S.POST_OPERATIONAL,), S.EVALUATION, "coordinator"),
        Transition("close", _l("Close the operation"), (S.EVALUATION,), S.CLOSED, "coordinator"),
        Transition(
            "cancel", _l("Cancel the operation"), (S.DRAFT, S.SUBMITTED, S.PLANNING), S.CANCELLED, "coordinator",
            True, "danger",
        ),
    )
}

# state -> the transitions that leave it
ALLOWED_TRANSITIONS = {
    state: [t.name for t in TRANSITIONS.values() if state in t.sources] for state in S
}

_GUARDS = {name: [] for name in TRANSITIONS}


def guard(transition_name):
    """Register `func(operation, user) -> list[str]` as a condition of a transition."""
    if transition_name not in _GUARDS:
        raise ValueError(f"unknown transition {transition_name!r}")

    def decorator(func):
        _GUARDS[transition_name].append(func)
        return func

    return decorator


def guards_for(transition_name):
    return list(_GUARDS[transition_name])


def unmet_conditions(transition_name, operation, user):
    reasons = []
    for check in _GUARDS[transition_name]:
        reasons.extend(check(operation, user) or [])
    return reasons


# What a capability does once a transition has happened (after the state change and flush, before the audit
# entry): e.g. freezing the business case on submit, creating the schedule on approve.
# `@after_transition("approve") def f(operation, user, now): ...`; it must not refuse (that is a guard's job).
_AFTER = {name: [] for name in TRANSITIONS}


def after_transition(transition_name):
    if transition_name not in _AFTER:
        raise ValueError(f"unknown transition {transition_name!r}")

    def decorator(func):
        _AFTER[transition_name].append(func)
        return func

    return decorator


def run_after_transition(transition_name, operation, user, now):
    for hook in _AFTER[transition_name]:
        hook(operation, user, now)
