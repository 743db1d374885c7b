"""State changes of operations. Services flush; the request, CLI command or job commits."""
import re
from zoneinfo import available_timezones

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm.attributes import flag_modified

from planner.auth.models import User
from planner.core.audit import changes, log_action
from planner.core.clock import utcnow
from planner.core.enums import Role
from planner.core.errors import FieldErrors, PermissionDenied, StaleVersion, TransitionRefused, ValidationError
from planner.core.notifications import notify
from planner.extensions import db
from planner.operations.access import ORGANISER_PLACES, operation_access
from planner.operations.lifecycle import TRANSITIONS, guard, run_after_transition, unmet_conditions
from planner.operations.models import HandlingMarking, Operation, OperationState, OperationTransition
from planner.organisations.models import OrganisationKind
from planner.participants.models import Participation, ParticipationRole, ParticipationStatus

CODE_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 \-]{1,39}$")
EDITABLE_STATES = (OperationState.DRAFT, OperationState.PLANNING)
EDITABLE_FIELDS = ("code_name", "year", "time_zone", "handling_marking", "summary", "co_organisers")


# --- validation (one place for the form and the API) ----------------------------------------------------

def _validate(data, errors, *, partial, lead=None, operation=None):
    clean = {}
    if "code_name" in data or not partial:
        value = data.get("code_name")
        if not isinstance(value, str) or not value.strip():
            errors.add("code_name", _("A code name is required."))
        elif not CODE_NAME_RE.match(value.strip()):
            errors.add("code_name", _("Use 2 to 40 letters, digits, spaces or hyphens, starting with a letter or digit."))
        else:
            clean["code_name"] = value.strip().upper()
    if "year" in data or not partial:
        value = data.get("year")
        try:
            year = int(value) if not isinstance(value, bool) else None
        except (TypeError, ValueError, OverflowError):
            year = None
        if year is None or isinstance(value, float):
            errors.add("year", _("The year must be a whole number, e.g. 2026."))
        elif not 2000 <= year <= 2100:
            errors.add("year", _("The year must lie between 2000 and 2100."))
        else:
            clean["year"] = year
    if "time_zone" in data or not partial:
        value = data.get("time_zone") or "Europe/Brussels"
        if not isinstance(value, str) or value not in available_timezones():
            errors.add("time_zone", _("Unknown time zone; use an IANA name such as Europe/Brussels."))
        else:
            clean["time_zone"] = value
    if "handling_marking" in data or not partial:
        value = data.get("handling_marking") or HandlingMarking.LIMITE.value
        if value not in HandlingMarking.codes():
            errors.add("handling_marking", _("Choose one of: %(codes)s.", codes=", ".join(HandlingMarking.codes())))
        else:
            clean["handling_marking"] = value
    if "summary" in data or not partial:
        value = data.get("summary") or ""
        if not isinstance(value, str):
            errors.add("summary", _("The summary must be text."))
        elif len(value) > 5000:
            errors.add("summary", _("The summary is limited to 5000 characters."))
        else:
            clean["summary"] = value.strip()
    if "co_organisers" in data:
        value = data.get("co_organisers") or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            errors.add("co_organisers", _("Give a list of organisation codes."))
        else:
            orgs = []
            for code in dict.fromkeys(v.strip().upper() for v in value):
                org = organisation_by_code(code)
                if org is None or not org.is_active:
                    errors.add("co_organisers", _("Unknown organisation %(code)s.", code=code[:20]))
                elif lead is not None and org.id == lead.id:
                    errors.add("co_organisers", _("The lead cannot also be a co-organiser."))
                elif reason := _co_organiser_refusal(org, operation, clean.get("year") or getattr(operation, "year", None)):
                    errors.add("co_organisers", reason)
                else:
                    orgs.append(org)
            clean["co_organisers"] = orgs
    return clean


def _co_organiser_refusal(org, operation, year):
    """Why `org` cannot co-organise, or None. Co-organisers see every record of the operation, so they are
    agencies (OLAF, WCO, FRONTEX …) or services of EU Member States; never the working-party secretariat, and
    never an organisation that declined, withdrew, observes or has not answered an invitation."""
    from datetime import date

    from planner.organisations.models import SharingAudience

    if org.kind == OrganisationKind.SECRETARIAT:
        return _("The working-party secretariat cannot co-organise an operation.")
    on = date(year, 12, 31) if isinstance(year, int) else date.today()
    if org.kind != OrganisationKind.AGENCY and org.audience(on) is not SharingAudience.EU_MEMBER_STATE:
        return _("%(code)s cannot co-organise: co-organisers are agencies or EU Member State services.", code=org.code)
    existing = operation.participation_of(org.id) if operation is not None else None
    if existing is not None and not existing.is_co_organiser and (
        existing.status != ParticipationStatus.ACCEPTED or existing.role != ParticipationRole.PARTICIPANT
    ):
        return _("%(code)s is %(status)s in this operation as %(role)s; it cannot be made a co-organiser.",
                 code=org.code, status=existing.status, role=existing.role)
    return None


def organisation_by_code(code):
    from planner.organisations.services import resolve_organisation_code

    return resolve_organisation_code(code)


# --- creation and edits ---------------------------------------------------------------------------------

def create_operation(user, data, now=None):
    """Create an operation in draft; the lead is an accepted participant from the start."""
    now = now or utcnow()
    errors = FieldErrors()
    lead = None
    lead_code = data.get("lead") or user.organisation.code
    if not isinstance(lead_code, str):
        errors.add("lead", _("Give the lead organisation's code."))
    else:
        lead = organisation_by_code(lead_code)
        if lead is None or not lead.is_active:
            errors.add("lead", _("Unknown organisation %(code)s.", code=lead_code[:20]))
        elif lead.kind == OrganisationKind.SECRETARIAT:
            errors.add("lead", _("The working-party secretariat cannot lead an operation."))
    if Role(user.role) is not Role.ADMIN and lead is not None and lead.id != user.organisation_id:
        raise PermissionDenied(_("A coordinator creates operations led by its own organisation."))
    clean = _validate(data, errors, partial=False, lead=lead)
    errors.raise_if_any()

    sequence = (db.session.scalar(select(func.max(Operation.sequence)).where(Operation.year == clean["year"])) or 0) + 1
    operation = Operation(
        reference=f"JSO-{clean['year']}-{sequence:02d}",
        sequence=sequence,
        code_name=clean["code_name"],
        year=clean["year"],
        time_zone=clean["time_zone"],
        handling_marking=clean["handling_marking"],
        summary=clean["summary"],
        lead=lead,
        state=OperationState.DRAFT.value,
        created_at=now,
        created_by_id=user.id,
    )
    db.session.add(operation)
    operation.participations.append(
        Participation(
            organisation=lead, role=ParticipationRole.PARTICIPANT.value, status=ParticipationStatus.ACCEPTED.value,
            is_lead=True, invited_at=now, invited_by_id=user.id, answered_at=now, answered_by_id=user.id,
            share_with_eu_member_states=True, share_with_third_countries=False, share_with_agencies=False,
        )
    )
    for org in clean.get("co_organisers", []):
        _add_co_organiser(operation, org, user, now)
    db.session.flush()
    log_action(operation, "operation.created", user, data=snapshot(operation), now=now)
    return operation


def _add_co_organiser(operation, org, user, now):
    existing = operation.participation_of(org.id)
    if existing is None:
        existing = Participation(organisation=org, invited_at=now, invited_by_id=user.id)
        operation.participations.append(existing)
    existing.role = ParticipationRole.PARTICIPANT.value
    existing.status = ParticipationStatus.ACCEPTED.value
    existing.is_co_organiser = True
    existing.answered_at = existing.answered_at or now
    existing.answered_by_id = existing.answered_by_id or user.id


def snapshot(operation):
    return {
        "code_name": operation.code_name,
        "year": operation.year,
        "time_zone": operation.time_zone,
        "lead": operation.lead.code if operation.lead else None,
        "handling_marking": operation.handling_marking,
        "summary": operation.summary,
        "co_organisers": sorted(o.code for o in operation.co_organisers),
        "state": operation.state,
    }


def update_operation(user, operation, data, expected_version, now=None):
    """Edit the operation; `expected_version` is the version the editor read (a stale one is refused)."""
    now = now or utcnow()
    access = operation_access(user, operation)
    if not access.coordinates:
        raise PermissionDenied(_("Only the coordinators of the lead and co-organisers edit the operation."))
    if "co_organisers" in data and user.organisation_id != operation.lead_id:
        raise PermissionDenied(_("Only the lead administration names the co-organisers."))
    if operation.state_enum not in EDITABLE_STATES:
        raise TransitionRefused(
            _("The operation can be edited in draft or planning only; it is %(state)s.", state=operation.state_enum.label)
        )
    try:
        expected_version = int(expected_version)
    except (TypeError, ValueError, OverflowError):
        raise ValidationError(_("Send the version of the operation you are editing."),
                              {"version": [_("A whole number is required.")]}) from None
    if expected_version != operation.version:
        raise StaleVersion(
            _("Somebody else saved this operation since you opened it (version %(v)s). Reload and try again.",
              v=operation.version),
            operation.version,
        )
    unknown = set(data) - set(EDITABLE_FIELDS) - {"version"}
    errors = FieldErrors()
    for field in sorted(unknown):
        errors.add(field, _("This field cannot be changed here."))
    clean = _validate(data, errors, partial=True, lead=operation.lead, operation=operation)
    if "year" in clean and clean["year"] != operation.year and operation.state_enum is not OperationState.DRAFT:
        errors.add("year", _("The year can be changed in draft only."))
    errors.raise_if_any()

    before = snapshot(operation)
    for field in ("code_name", "year", "time_zone", "handling_marking", "summary"):
        if field in clean:
            setattr(operation, field, clean[field])
    if "co_organisers" in clean:
        wanted = {o.id for o in clean["co_organisers"]}
        for p in operation.participations:
            if p.is_co_organiser and p.organisation_id not in wanted:
                p.is_co_organiser = False
        for org in clean["co_organisers"]:
            _add_co_organiser(operation, org, user, now)
        flag_modified(operation, "summary")  # the co-organisers live in other rows: bump the version anyway
    db.session.flush()
    diff = changes(before, snapshot(operation))
    if diff:
        log_action(operation, "operation.updated", user, data={"changes": diff}, now=now)
    return operation


# --- transitions ----------------------------------------------------------------------------------------

def may_take(user, operation, transition_name):
    """(allowed, reason): whether `user` is the kind of actor the transition needs. Guards are separate."""
    transition = TRANSITIONS[transition_name]
    access = operation_access(user, operation)
    if transition.actor == "coordinator":
        if not access.coordinates:
            return False, _("Only the coordinators of the lead administration and co-organisers may do this.")
        return True, None
    if not access.reviews:
        return False, _("Only the working-party secretariat may do this.")
    if access.place in ORGANISER_PLACES or user.organisation_id == operation.lead_id:
        return False, _("A secretariat user whose organisation leads or co-organises the operation cannot review it.")
    return True, None


def available_transitions(user, operation):
    """The transitions the user may press now (the guards may still refuse them, with reasons)."""
    return [
        TRANSITIONS[name]
        for name in TRANSITIONS
        if operation.state_enum in TRANSITIONS[name].sources and may_take(user, operation, name)[0]
    ]


def take_transition(user, operation, action, comment=None, now=None, scheduled=False):
    """Check the state → check actor and guards → change → flush → audit → queue notifications.
    `scheduled`: the scheduler takes it on its date (no user; the guards still apply)."""
    if scheduled and user is not None:
        raise ValueError("a scheduled transition has no user")
    now = now or utcnow()
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionRefused(
            _("Unknown action %(action)s.", action=str(action)[:30]),
            [_("Choose one of: %(names)s.", names=", ".join(TRANSITIONS))],
        )
    state = operation.state_enum
    if state not in transition.sources:
        raise TransitionRefused(
            _("The operation cannot be %(action)s: it is %(state)s.", action=_past(action), state=state.label),
            [_("Allowed from: %(states)s.", states=", ".join(str(s.label) for s in transition.sources))],
        )
    allowed, reason = (True, None) if scheduled else may_take(user, operation, action)
    if not allowed:
        raise PermissionDenied(reason)
    comment = (comment or "").strip() or None
    reasons = []
    if transition.needs_comment and not comment:
        reasons.append(_("Give a reason in the comment."))
    if comment and len(comment) > 5000:
        reasons.append(_("The comment is limited to 5000 characters."))
    reasons.extend(unmet_conditions(action, operation, user))
    if reasons:
        raise TransitionRefused(_("The operation cannot be %(action)s yet.", action=_past(action)), reasons)

    operation.state = transition.target.value
    if action == "submit":
        operation.submitted_at = now
    elif action == "approve":
        operation.approved_at, operation.approved_by_id = now, user.id
    elif action == "start":
        operation.actual_start_at = now
    elif action == "end":
        operation.actual_end_at = now
    elif action == "close":
        operation.closed_at = now
    record = OperationTransition(
        operation=operation, action=action, from_state=state.value, to_state=transition.target.value,
        user_id=getattr(user, "id", None), comment=comment, created_at=now,
    )
    db.session.add(record)
    db.session.flush()
    run_after_transition(action, operation, user, now)
    log_action(
        operation, f"operation.{_past(action)}", user,
        data={"from": state.value, "to": transition.target.value, "comment": comment}, now=now,
    )
    _notify_transition(operation, transition, user, comment)
    return operation


_PAST = {
    "submit": "submitted", "return": "returned", "approve": "approved", "reject": "rejected", "start": "started",
    "end": "ended", "evaluate": "evaluated", "close": "closed", "cancel": "cancelled",
}


def _past(action):
    return _PAST.get(action, action)


def coordinators_of(operation):
    """Coordinators of the lead and of the accepted co-organisers."""
    org_ids = [operation.lead_id] + [o.id for o in operation.co_organisers]
    return db.session.scalars(
        select(User).where(User.organisation_id.in_(org_ids), User.role == Role.COORDINATOR.value)
    ).all()


def secretariat_users():
    return db.session.scalars(select(User).where(User.role == Role.SECRETARIAT.value)).all()


def participant_contacts(operation):
    """Coordinators and contact points of every accepted participant and observer."""
    org_ids = [p.organisation_id for p in operation.participations if p.status == ParticipationStatus.ACCEPTED]
    return db.session.scalars(
        select(User).where(
            User.organisation_id.in_(org_ids), User.role.in_((Role.COORDINATOR.value, Role.CONTACT_POINT.value))
        )
    ).all()


def _notify_transition(operation, transition, user, comment):
    if transition.name == "submit":
        recipients = secretariat_users() + coordinators_of(operation)
    elif transition.name in ("start", "end", "cancel"):
        recipients = participant_contacts(operation)
    else:
        recipients = coordinators_of(operation) + (secretariat_users() if transition.actor == "secretariat" else [])
    recipients = [r for r in recipients if r.id != getattr(user, "id", None)]
    subject = _("%(reference)s %(code)s: %(state)s", reference=operation.reference, code=operation.code_name,
                state=operation.state_enum.label)
    body = _("%(who)s took the action \"%(action)s\".", who=getattr(user, "name", _("The scheduler")),
             action=transition.label)
    if comment:
        body += "\n\n" + comment
    notify(recipients, f"operation.{_past(transition.name)}", subject, body,
           link=f"/operations/{operation.id}", operation_id=operation.id)


# --- the guards this capability owns ----------------------------------------------------------------------

@guard("start")
def at_least_two_accepted_participants(operation, user):
    accepted = [
        p for p in operation.participations
        if p.status == ParticipationStatus.ACCEPTED and p.role == ParticipationRole.PARTICIPANT
    ]
    if len(accepted) < 2:
        return [_("At least two accepted participants are needed (the lead counts); there are %(n)d.",
                  n=len(accepted))]
    return []
