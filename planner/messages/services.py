"""Warnings and their feedback. Every step: check (clear error) → change → flush → audit → queue notifications.
Services flush; the request, CLI command or job commits (DESIGN.md §5.1). One validation per warning: the page's
form and the API map their input into `send_warning` and show its field errors their own way."""
import re

from flask_babel import gettext as _
from sqlalchemy import func, select

from planner.core.audit import log_action
from planner.core.clock import utcnow
from planner.core.errors import FieldErrors, PermissionDenied
from planner.core.notifications import notify
from planner.core.versions import check_version
from planner.extensions import db
from planner.messages.models import FeedbackOutcome, ProfileType, Urgency, WarningAddressee, WarningMessage
from planner.messages.queries import (
    FEEDBACK_STATES, MESSAGING_ROLES, SENDING_STATES, addressable_participations, addressee_row, may_answer,
    may_send,
)
from planner.operations.access import MEMBER_PLACES, operation_access
from planner.results.models import CONVEYANCE_COUNTRY_FIELDS, CONVEYANCE_FIELDS, RecordStatus, Seizure
from planner.results.validation import LONG, MEDIUM, _choice, _country, _route, _text, _unknown, parse_moment

WARNING_FIELDS = ("subject", "profile_type", "urgency", "profile", "route", "indicators", "details", "expected_at",
                  "addressees")
FEEDBACK_FIELDS = ("outcome", "feedback", "seizure_id")
# The identifiers of a profile: the conveyance details of a seizure, plus a free description.
PROFILE_FIELDS = tuple(CONVEYANCE_FIELDS) + ("description",)
MAX_ADDRESSEES = 100
IDENTIFIER_LENGTH = 100
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def warning_link(warning):
    return f"/operations/{warning.operation_id}/messages/{warning.id}"


# --- validation ----------------------------------------------------------------------------------------------

def _profile(value, errors):
    if value in (None, {}, ""):
        return {}
    if not isinstance(value, dict):
        errors.add("profile", _("Give an object of identifiers, e.g. {\"container_number\": \"MSKU1234565\"}."))
        return {}
    clean = {}
    for key in value:
        path = f"profile.{key}"
        if key not in PROFILE_FIELDS:
            errors.add(path[:120], _("Not an identifier of a profile; expected one of: %(fields)s.",
                                     fields=", ".join(PROFILE_FIELDS)))
        elif key in CONVEYANCE_COUNTRY_FIELDS:
            code = _country(value, key, errors, path, required=False)
            if code:
                clean[key] = code
        else:
            text = _text(value, key, errors, path, maximum=MEDIUM if key == "description" else IDENTIFIER_LENGTH)
            if text:
                clean[key] = text
    return clean


def _addressees(value, operation, sender_organisation_id, errors):
    if isinstance(value, str):
        value = [c for c in re.split(r"[\s,;]+", value) if c]
    if not isinstance(value, list) or not value or not all(isinstance(c, str) for c in value):
        errors.add("addressees", _("Choose at least one participant to send the warning to (a list of organisation "
                                   "codes, e.g. [\"PL\", \"NL\"])."))
        return []
    if len(value) > MAX_ADDRESSEES:
        errors.add("addressees", _("At most %(n)d addressees.", n=MAX_ADDRESSEES))
        return []
    allowed = {p.organisation.code: p.organisation for p in addressable_participations(operation)}
    chosen = []
    for i, raw in enumerate(value):
        code = raw.strip().upper()[:40]
        path = f"addressees.{i}"
        org = allowed.get(code)
        if org is not None and org.id == sender_organisation_id:
            errors.add(path, _("%(code)s is your own organisation: send warnings to other participants.", code=code))
        elif org is None:
            errors.add(path, _("%(code)s is not an accepted participant of this operation (observers receive no "
                               "warnings).", code=code or "—"))
        elif org not in chosen:
            chosen.append(org)
    return chosen


def clean_warning(data, operation, sender_organisation_id):
    """The clean warning and its errors (all collected; dotted keys as the API names them)."""
    errors = FieldErrors()
    if not isinstance(data, dict):
        errors.add("", _("A warning must be an object."))
        return {}, errors
    _unknown(data, WARNING_FIELDS, "", errors)
    clean = {
        "subject": _text(data, "subject", errors, "subject", required=True, maximum=200),
        "profile_type": _choice(data, "profile_type", errors, "profile_type", ProfileType),
        "urgency": _choice(data, "urgency", errors, "urgency", Urgency),
        "profile": _profile(data.get("profile"), errors),
        "route": _route(data, errors),
        "indicators": _text(data, "indicators", errors, "indicators", maximum=LONG),
        "details": _text(data, "details", errors, "details", maximum=LONG),
        "expected_at": None,
    }
    if data.get("expected_at") not in (None, ""):
        clean["expected_at"] = _expected_at(data.get("expected_at"), operation, errors)
    clean["addressees"] = _addressees(data.get("addressees"), operation, sender_organisation_id, errors)
    return clean, errors


def _expected_at(value, operation, errors):
    """When the profile is expected (an arrival or a crossing): ISO 8601 with an offset, or a local time of the
    operation's time zone; a moment beyond the calendar's ends is refused, never a crash."""
    try:
        moment = parse_moment(value, errors, "expected_at", _zone(operation))
    except (OverflowError, ValueError):
        moment, problem = None, True
    else:
        problem = moment is not None and not EARLIEST_YEAR <= moment.year <= LATEST_YEAR
    if problem:
        errors.add("expected_at", _("Give a date and time between the years %(first)d and %(last)d.",
                                    first=EARLIEST_YEAR, last=LATEST_YEAR))
        return None
    return moment


def _zone(operation):
    from zoneinfo import ZoneInfo

    return ZoneInfo(operation.time_zone or "Europe/Brussels")


# --- sending ---------------------------------------------------------------------------------------------------

def require_sender(access):
    """PermissionDenied, with the reason, unless the user may send warnings in this operation now."""
    if not may_send(access):
        if access.operation.state not in SENDING_STATES:
            raise PermissionDenied(_("Warnings are sent while the operation is operational or post-operational (it "
                                     "is %(state)s).", state=access.operation.state_enum.label))
        raise PermissionDenied(_("Only officers, contact points and coordinators of a participating administration "
                                 "send warnings."))


def nominated_contact_points(operation, organisation_id):
    participation = operation.participation_of(organisation_id)
    nomination = participation.nomination if participation is not None else None
    return [c.user for c in nomination.contact_points] if nomination is not None else []


def _answerers(operation, organisation_id):
    """Who hears of a warning for an organisation: its coordinators and contact points, and the contact points
    it nominated for the operation."""
    from planner.participants.services import answerers_of

    return list(answerers_of(organisation_id)) + nominated_contact_points(operation, organisation_id)


def send_warning(user, operation, data, now=None) -> WarningMessage:
    """A participant's officer, contact point or coordinator sends a profile to one or more other participants
    for control, with an urgency. The warning is numbered W-<n> within the operation."""
    now = now or utcnow()
    access = operation_access(user, operation)
    require_sender(access)
    clean, errors = clean_warning(data, operation, user.organisation_id)
    errors.raise_if_any(_("The warning is not valid; nothing was sent."))

    number = (db.session.scalar(select(func.max(WarningMessage.number))
                                .where(WarningMessage.operation_id == operation.id)) or 0) + 1
    warning = WarningMessage(
        operation_id=operation.id, number=number, sender_organisation_id=user.organisation_id, sender_id=user.id,
        subject=clean["subject"], profile_type=clean["profile_type"], urgency=clean["urgency"],
        profile=clean["profile"], route=clean["route"], indicators=clean["indicators"], details=clean["details"],
        expected_at=clean["expected_at"], created_at=now,
        addressees=[WarningAddressee(organisation_id=org.id, organisation=org) for org in clean["addressees"]],
    )
    db.session.add(warning)
    db.session.flush()
    codes = [org.code for org in clean["addressees"]]
    # The operation's History tab shows its audit to all the organisers' staff: the entry names the message, never
    # its content (a lead officer must not read a warning between two other participants there).
    log_action(warning, "warning.sent", user, data={
        "reference": warning.reference, "urgency": warning.urgency, "profile_type": warning.profile_type,
        "addressees": codes}, operation_id=operation.id, now=now)

    urgency = Urgency(warning.urgency).label
    sender = user.organisation.code
    for org in clean["addressees"]:
        notify([u for u in _answerers(operation, org.id) if u.id != user.id], "warning.sent",
               _("%(urgency)s warning %(ref)s from %(org)s: %(subject)s", urgency=urgency, ref=warning.reference,
                 org=sender, subject=warning.subject),
               _("%(org)s sends %(addressee)s a %(profile)s profile for control in %(code)s (urgency: %(urgency)s). "
                 "Answer with what the control found.", org=sender, addressee=org.code,
                 profile=ProfileType(warning.profile_type).label, code=operation.code_name, urgency=urgency),
               link=warning_link(warning), operation_id=operation.id)
    return warning


# --- feedback --------------------------------------------------------------------------------------------------

def _seizure_for_feedback(value, warning, organisation_id, errors):
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() and len(value.strip()) < 10:
        value = int(value.strip())
    seizure = None
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31:
        seizure = db.session.get(Seizure, value)
    if (seizure is None or seizure.operation_id != warning.operation_id or seizure.organisation_id != organisation_id
            or seizure.status != RecordStatus.SUBMITTED.value):
        errors.add("seizure_id", _("Name a submitted seizure your administration reported in this operation."))
        return None
    return seizure


def clean_feedback(data, warning, organisation_id):
    errors = FieldErrors()
    if not isinstance(data, dict):
        errors.add("", _("Feedback must be an object."))
        return {}, errors
    _unknown(data, FEEDBACK_FIELDS, "", errors)
    outcome = _choice(data, "outcome", errors, "outcome", FeedbackOutcome)
    feedback = _text(data, "feedback", errors, "feedback", maximum=LONG)
    seizure = None
    if outcome == FeedbackOutcome.NOT_CONTROLLED and not feedback and "feedback" not in errors.errors:
        errors.add("feedback", _("Say why the profile was not controlled."))
    if outcome == FeedbackOutcome.SEIZURE:
        if data.get("seizure_id") in (None, ""):
            errors.add("seizure_id", _("Name the seizure the control made (report it first)."))
        else:
            seizure = _seizure_for_feedback(data.get("seizure_id"), warning, organisation_id, errors)
    elif data.get("seizure_id") not in (None, ""):
        errors.add("seizure_id", _("A seizure is named only with the outcome “seizure made”."))
    return {"outcome": outcome, "feedback": feedback, "seizure": seizure}, errors


def _feedback_state(row):
    """What the audit keeps of a feedback: its outcome and seizure, not its text (see send_warning)."""
    return {"outcome": row.outcome, "seizure_id": row.seizure_id}


def _record_feedback(user, warning, row, outcome, feedback, seizure, now, extra=None):
    before = _feedback_state(row) if row.outcome is not None else None
    row.outcome, row.feedback = outcome, feedback
    row.seizure_id = seizure.id if seizure is not None else None
    row.seizure = seizure
    row.answered_at, row.answered_by_id = now, user.id
    db.session.flush()
    data = {"organisation": row.organisation.code, **_feedback_state(row), **(extra or {})}
    if before is not None:
        data["before"] = before
    log_action(warning, "warning.feedback_given", user, data=data, operation_id=warning.operation_id, now=now)

    from planner.participants.services import answerers_of

    recipients = [warning.sender] + list(answerers_of(warning.sender_organisation_id))
    notify([u for u in recipients if u is not None and u.id != user.id], "warning.feedback_given",
           _("Feedback on warning %(ref)s from %(org)s: %(outcome)s", ref=warning.reference, org=row.organisation.code,
             outcome=FeedbackOutcome(outcome).label),
           feedback or _("%(org)s answered your warning %(ref)s (%(subject)s).", org=row.organisation.code,
                         ref=warning.reference, subject=warning.subject),
           link=warning_link(warning), operation_id=warning.operation_id)
    return row


def give_feedback(user, warning, data, expected_version=None, now=None) -> WarningAddressee:
    """The addressee's officers, contact points and coordinators answer what the control found: not controlled
    (and why), controlled and nothing found, or a seizure made (a submitted seizure of their own in this
    operation). A given answer is corrected with the version the corrector read (409 when stale)."""
    now = now or utcnow()
    access = operation_access(user, warning.operation)
    row = addressee_row(warning, user.organisation_id)
    if row is None:
        raise PermissionDenied(_("Only the organisations the warning was sent to answer it."))
    if not may_answer(access, warning):
        if access.operation.state not in FEEDBACK_STATES:
            raise PermissionDenied(_("The operation is %(state)s: warnings can no longer be answered.",
                                     state=access.operation.state_enum.label))
        if access.place not in MEMBER_PLACES or access.role not in MESSAGING_ROLES:
            raise PermissionDenied(_("Only officers, contact points and coordinators answer for their "
                                     "organisation."))
        raise PermissionDenied(_("You may not answer this warning."))
    if row.outcome is not None or expected_version is not None:
        check_version(expected_version, row.version, _("this feedback"))
    clean, errors = clean_feedback(data, warning, user.organisation_id)
    errors.raise_if_any(_("The feedback is not valid."))
    return _record_feedback(user, warning, row, clean["outcome"], clean["feedback"], clean["seizure"], now)


def link_seizure_to_warning(user, seizure, now=None):
    """A submitted seizure citing a warning records the seizing administration's feedback (outcome: seizure)
    when it is an addressee without feedback yet. Otherwise nothing happens. Returns the answered addressee row,
    or None."""
    if not seizure.warning_id or seizure.status != RecordStatus.SUBMITTED.value:
        return None
    warning = db.session.get(WarningMessage, seizure.warning_id)
    if warning is None or warning.operation_id != seizure.operation_id:
        return None
    row = addressee_row(warning, seizure.organisation_id)
    if row is None or row.outcome is not None:
        return None
    return _record_feedback(user, warning, row, FeedbackOutcome.SEIZURE.value, "", seizure, now or utcnow(),
                            extra={"from_seizure": seizure.national_reference})



def reopen_feedback_of_withdrawn_seizure(user, seizure, now=None):
    """A withdrawn seizure no longer answers a warning: the feedback that named it is open again (audited), so
    that the warning waits for an answer and no figure credits a seizure that does not count."""
    now = now or utcnow()
    rows = db.session.scalars(select(WarningAddressee).where(WarningAddressee.seizure_id == seizure.id)).all()
    for row in rows:
        before = _feedback_state(row)
        row.outcome, row.feedback, row.seizure_id, row.seizure = None, "", None, None
        row.answered_at, row.answered_by_id = None, None
        db.session.flush()
        log_action(row.warning, "warning.feedback_reopened", user,
                   data={"organisation": row.organisation.code, "before": before,
                         "reason": "seizure withdrawn"}, operation_id=row.warning.operation_id, now=now)
    return rows
