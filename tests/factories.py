"""Builders for tests: users of any role, tokens, and an operation in any state (operation_in)."""
import itertools

from sqlalchemy import select

from planner.auth.models import User
from planner.auth.services import create_user, issue_token
from planner.extensions import db
from planner.operations.services import take_transition
from planner.organisations.services import resolve_organisation_code
from planner.participants.models import Participation

PASSWORD = "correct horse battery staple"
_seq = itertools.count(1)

# The path from draft to each state: (action, actor) where actor is "coordinator" or "secretariat".
PATHS = {
    "draft": [],
    "submitted": ["submit"],
    "planning": ["submit", "approve"],
    "operational": ["submit", "approve", "start"],
    "post_operational": ["submit", "approve", "start", "end"],
    "evaluation": ["submit", "approve", "start", "end", "evaluate"],
    "closed": ["submit", "approve", "start", "end", "evaluate", "close"],
    "rejected": ["submit", "reject"],
    "cancelled": ["cancel"],
}
SECRETARIAT_ACTIONS = {"approve", "reject", "return"}

# What an operation needs before a transition, so that operation_in keeps meeting every guard. A capability
# that adds a guard registers its preparer (e.g. a complete business case before "submit") in its own module
# under tests/, imported at the bottom of this file: `@preparer("submit") def f(factory, operation): ...`.
PREPARERS = {}


def preparer(action):
    def decorator(func):
        PREPARERS.setdefault(action, []).append(func)
        return func

    return decorator
NEEDS_COMMENT = {"reject", "return", "cancel"}


class Factory:
    def org(self, code):
        org = resolve_organisation_code(code)
        assert org is not None, f"no organisation {code}"
        return org

    def user(self, org="LT", role="coordinator", email=None, password=PASSWORD, name=None):
        n = next(_seq)
        email = email or f"{role}.{n}@{org.lower()}.example"
        user = create_user(None, {"email": email, "name": name or f"{role.title()} {n}", "organisation": org,
                                  "role": role, "password": password})
        db.session.commit()
        return user

    def coordinator(self, org="LT"):
        existing = db.session.scalar(
            select(User).where(User.organisation_id == self.org(org).id, User.role == "coordinator",
                               User.is_service_account.is_(False)).limit(1)
        )
        return existing or self.user(org, "coordinator")

    def secretariat(self):
        existing = db.session.scalar(select(User).where(User.role == "secretariat").limit(1))
        return existing or self.user("CCWP", "secretariat")

    def token(self, user, scopes=("read", "write")):
        _token, secret = issue_token(user, "test token", list(scopes))
        db.session.commit()
        return secret

    def auth(self, user, scopes=("read", "write")):
        return {"Authorization": f"Bearer {self.token(user, scopes)}"}

    def accept(self, operation, org_code, role="participant", co_organiser=False):
        """Put an organisation into the operation as an accepted participant or observer."""
        org = self.org(org_code)
        p = operation.participation_of(org.id)
        lead_coord = self.coordinator(operation.lead.code)
        if p is None:
            p = Participation(organisation=org, invited_by_id=lead_coord.id)
            operation.participations.append(p)
        from planner.core.clock import utcnow

        p.role, p.status, p.answered_at, p.is_co_organiser = role, "accepted", utcnow(), co_organiser
        db.session.commit()
        if role == "participant":  # ready to start: a national contact point nominated (participants issue)
            from tests.participants.prepare import nominate_missing_contact_points

            nominate_missing_contact_points(self, operation)
        return p

    def invite(self, operation, org_code, role="participant"):
        org = self.org(org_code)
        operation.participations.append(
            Participation(organisation=org, role=role, status="invited",
                          invited_by_id=self.coordinator(operation.lead.code).id)
        )
        db.session.commit()

    def operation(self, lead="LT", code_name=None, year=2026, **extra):
        from planner.operations.services import create_operation

        coordinator = self.coordinator(lead)
        op = create_operation(coordinator, {"code_name": code_name or f"TEST {next(_seq)}", "year": year,
                                            "lead": lead, **extra})
        db.session.commit()
        return op

    def operation_in(self, state, lead="LT", participants=("PL",), **extra):
        """An operation in `state`, reached through the real transitions (so every guard is met)."""
        op = self.operation(lead=lead, **extra)
        coordinator = self.coordinator(lead)
        secretariat = self.secretariat()
        for action in PATHS[state]:
            if action == "start":
                for code in participants:
                    if op.participation_of(self.org(code).id) is None:
                        self.accept(op, code)
            for prepare in PREPARERS.get(action, []):
                prepare(self, op)
            actor = secretariat if action in SECRETARIAT_ACTIONS else coordinator
            take_transition(actor, op, action, "test reason" if action in NEEDS_COMMENT else None)
            db.session.commit()
        assert op.state == state
        return op


# Preparers of the capabilities (one import each).
import tests.participants.prepare  # noqa: E402,F401
import tests.business_cases.prepare  # noqa: F401,E402
import tests.reports.prepare  # noqa: F401,E402
