"""State changes of participations: invitations and their answers, withdrawals, nominations and sharing settings.
Every step: check (clear error) → change → flush → audit → queue notifications. Services flush; the request
commits. One validation per record: the pages and the API map their input into these functions."""
import re
from datetime import date

import pycountry
from flask_babel import gettext as _
from sqlalchemy import select

import planner.operations.services  # noqa: F401  (its start guard is registered before ours)
from planner.auth.models import User
from planner.core.audit import changes, log_action
from planner.core.clock import utcnow
from planner.core.enums import Role
from planner.core.errors import FieldErrors, NotFound, PermissionDenied, StaleVersion, TransitionRefused
from planner.core.notifications import notify
from planner.extensions import db
from planner.operations.access import MEMBER_PLACES, operation_access
from planner.operations.lifecycle import guard
from planner.operations.models import OperationState as S
from planner.operations.services import coordinators_of, organisation_by_code
from planner.organisations.models import OrganisationKind
from planner.participants.queries import participation_known
from planner.participants.models import (
    ControlLocation, ExternalContact, LiaisonOfficer, NominatedContactPoint, Nomination, Participation,
    ParticipationRole, ParticipationStatus,
)
from planner.vocab.codes import Equipment, TransportMode
from planner.vocab.queries import place_by_code

INVITING_STATES = (S.DRAFT, S.PLANNING)
ANSWERING_STATES = (S.DRAFT, S.SUBMITTED, S.PLANNING)
WITHDRAWING_STATES = (S.DRAFT, S.SUBMITTED, S.PLANNING, S.OPERATIONAL, S.POST_OPERATIONAL)
NOMINATING_STATES = (S.DRAFT, S.SUBMITTED, S.PLANNING, S.OPERATIONAL, S.POST_OPERATIONAL)
LOCODE_RE = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,189}\.[^@\s]{2,}$")
PHONE_RE = re.compile(r"^\+?[0-9 ()./\-]{3,40}$")
MAX_ROWS = 50
MAX_NAME = 200
NOMINATION_FIELDS = ("contact_points", "external_contacts", "liaison_officers", "officers_deployed", "equipment",
                     "languages", "control_locations", "version")
SHARING_FIELDS = ("share_with_eu_member_states", "share_with_third_countries", "share_with_agencies")


def _link(operation, suffix="participants"):
    return f"/operations/{operation.id}/{suffix}"


def answerers_of(organisation_id):
    """Coordinators and contact points of an organisation: they answer for it."""
    return db.session.scalars(
        select(User).where(User.organisation_id == organisation_id,
                           User.role.in_((Role.COORDINATOR.value, Role.CONTACT_POINT.value)))
    ).all()


def participation_for(operation, org_code):
    """The participation of the organisation `org_code` (NotFound when it has none)."""
    org = organisation_by_code(org_code) if isinstance(org_code, str) else None
    participation = operation.participation_of(org.id) if org is not None else None
    if participation is None:
        raise NotFound(_("This organisation has no place in the operation."))
    return participation


# --- invitations ---------------------------------------------------------------------------------------------

def _parse_date(value, field, errors, required=False):
    if value in (None, ""):
        if required:
            errors.add(field, _("Give a date (YYYY-MM-DD)."))
        return None
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        errors.add(field, _("Give a date as YYYY-MM-DD."))
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        errors.add(field, _("This date does not exist."))
        return None


def invite(user, operation, data, now=None, propose_respond_by=True):
    """The lead's coordinators invite several organisations at once, as participants or observers, with the
    date by which to answer (fixed when sent). A declined or withdrawn organisation may be invited again."""
    now = now or utcnow()
    access = operation_access(user, operation)
    if not access.coordinates:
        raise PermissionDenied(_("Only the coordinators of the lead administration and co-organisers invite."))
    if operation.state_enum not in INVITING_STATES:
        raise TransitionRefused(_("Invitations are sent in draft or planning only; the operation is %(state)s.",
                                  state=operation.state_enum.label))
    errors = FieldErrors()
    codes = data.get("organisations")
    if isinstance(codes, str):
        codes = [c for c in re.split(r"[\s,;]+", codes) if c]
    if not isinstance(codes, list) or not codes or not all(isinstance(c, str) for c in codes):
        errors.add("organisations", _("Choose at least one organisation (a list of codes, e.g. [\"DE\", \"PL\"])."))
        codes = []
    if len(codes) > 100:
        errors.add("organisations", _("Invite at most 100 organisations at once."))
        codes = []
    role = data.get("role") or ParticipationRole.PARTICIPANT.value
    if role not in ParticipationRole.codes():
        errors.add("role", _("Choose one of: %(codes)s.", codes=", ".join(ParticipationRole.codes())))
    raw_respond_by = data.get("respond_by")
    if raw_respond_by in (None, "") and propose_respond_by:  # the schedule's proposed date, when it has one
        from planner.scheduling.deadlines import proposed_respond_by

        proposed = proposed_respond_by(operation, now)
        raw_respond_by = proposed.isoformat() if proposed else None
    respond_by = _parse_date(raw_respond_by, "respond_by", errors, required=True)
    if respond_by is not None and respond_by < now.date():
        errors.add("respond_by", _("The answer date is in the past."))
    orgs = []
    for i, code in enumerate(dict.fromkeys(c.strip().upper() for c in codes)):
        field = f"organisations.{i}"
        org = organisation_by_code(code)
        if org is None or not org.is_active:
            errors.add(field, _("Unknown or inactive organisation %(code)s.", code=code[:20]))
            continue
        if org.kind == OrganisationKind.SECRETARIAT:
            errors.add(field, _("The working-party secretariat is never invited: it follows every operation."))
            continue
        existing = operation.participation_of(org.id)
        if existing is not None and existing.status in (ParticipationStatus.INVITED, ParticipationStatus.ACCEPTED):
            errors.add(field, _("%(code)s is already %(status)s.", code=org.code, status=existing.status_label))
            continue
        orgs.append(org)
    errors.raise_if_any(_("The invitation cannot be sent."))

    invited = []
    for org in orgs:
        p = operation.participation_of(org.id)
        if p is None:
            p = Participation(organisation=org)
            operation.participations.append(p)
        p.role, p.status, p.respond_by = role, ParticipationStatus.INVITED.value, respond_by
        p.invited_at, p.invited_by_id = now, user.id
        p.answered_at = p.answered_by_id = p.reason = None
        p.is_co_organiser = False
        p.share_with_eu_member_states, p.share_with_third_countries, p.share_with_agencies = True, False, False
        if p.nomination is not None:
            # Invited again after declining or withdrawing: the old nomination (in the audit) does not come back,
            # so that stale contact points never satisfy the start guard.
            log_action(p, "nomination.cleared", user, data=nomination_json(p.nomination), now=now)
            db.session.delete(p.nomination)
            p.nomination = None
        invited.append(p)
    db.session.flush()
    for p in invited:
        log_action(p, "participation.invited", user, data={
            "organisation": p.organisation.code, "role": role, "respond_by": respond_by}, now=now)
        notify(answerers_of(p.organisation_id), "participation.invited",
               _("Invitation: %(ref)s %(code)s", ref=operation.reference, code=operation.code_name),
               _("%(lead)s invites %(org)s to take part in %(code)s as %(role)s. Please answer by %(date)s.",
                 lead=operation.lead.code, org=p.organisation.code, code=operation.code_name,
                 role=p.role_label, date=respond_by.isoformat()),
               link=_link(operation, "invitation"), operation_id=operation.id)
    from planner.scheduling.reminders import sync_reminders

    sync_reminders(operation, now)  # the reminders of the new answer dates
    return invited


def respond(user, operation, org_code, accept, reason=None, now=None):
    """The invited organisation's contact points and coordinators accept or decline (with a reason)."""
    now = now or utcnow()
    access = operation_access(user, operation)
    participation = participation_for(operation, org_code)
    if participation.organisation_id != user.organisation_id:
        if not participation_known(access, participation):  # others must not learn whom the lead invited
            raise NotFound(_("This organisation has no place in the operation."))
        raise PermissionDenied(_("Only the invited organisation answers its invitation."))
    if participation.status != ParticipationStatus.INVITED or not access.answers_for_organisation:
        if participation.status != ParticipationStatus.INVITED:
            raise TransitionRefused(_("There is no open invitation to answer; it is %(status)s.",
                                      status=participation.status_label))
        raise PermissionDenied(_("Only contact points and coordinators answer for their organisation."))
    if operation.state_enum not in ANSWERING_STATES:
        raise TransitionRefused(_("The operation is %(state)s: invitations can no longer be answered.",
                                  state=operation.state_enum.label))
    errors = FieldErrors()
    if not isinstance(accept, bool):
        errors.add("accept", _("Say whether you accept: true or false."))
    reason = reason.strip() if isinstance(reason, str) else reason
    if reason is not None and not isinstance(reason, str):
        errors.add("reason", _("The reason must be text."))
    elif accept is False and not reason:
        errors.add("reason", _("Give a reason for declining."))
    elif reason and len(reason) > 2000:
        errors.add("reason", _("The reason is limited to 2000 characters."))
    errors.raise_if_any()

    participation.status = (ParticipationStatus.ACCEPTED if accept else ParticipationStatus.DECLINED).value
    participation.answered_at, participation.answered_by_id = now, user.id
    participation.reason = reason or None
    db.session.flush()
    action = "participation.accepted" if accept else "participation.declined"
    log_action(participation, action, user, data={"organisation": participation.organisation.code,
                                                  "role": participation.role, "reason": reason or None}, now=now)
    body = _("%(org)s %(answer)s the invitation to %(code)s.", org=participation.organisation.code,
             answer=_("accepted") if accept else _("declined"), code=operation.code_name)
    if reason:
        body += "\n\n" + reason
    notify([u for u in coordinators_of(operation) if u.id != user.id], action,
           _("%(ref)s: %(org)s %(answer)s", ref=operation.reference, org=participation.organisation.code,
             answer=_("accepted") if accept else _("declined")),
           body, link=_link(operation), operation_id=operation.id)
    return participation


def withdraw(user, operation, org_code, reason=None, now=None):
    """A coordinator withdraws an open invitation; an accepted participant (not the lead) withdraws itself,
    with a reason. Its nomination stays in the database (the audit shows the history) but leaves the roster."""
    now = now or utcnow()
    access = operation_access(user, operation)
    participation = participation_for(operation, org_code)
    own = participation.organisation_id == user.organisation_id
    if not participation_known(access, participation):  # others must not learn whom the lead invited
        raise NotFound(_("This organisation has no place in the operation."))
    reason = reason.strip() if isinstance(reason, str) else None
    errors = FieldErrors()
    if reason and len(reason) > 2000:
        errors.add("reason", _("The reason is limited to 2000 characters."))
    if participation.is_lead:
        raise TransitionRefused(_("The lead administration cannot withdraw from its own operation; cancel it "
                                  "instead."))
    if participation.status == ParticipationStatus.INVITED and access.coordinates and not own:
        kind = "participation.invitation_withdrawn"
    elif participation.status == ParticipationStatus.ACCEPTED and own:
        if not access.answers_for_organisation:
            raise PermissionDenied(_("Only contact points and coordinators answer for their organisation."))
        if not reason:
            errors.add("reason", _("Give a reason for withdrawing."))
        kind = "participation.withdrawn"
    elif not own and not access.coordinates:
        raise PermissionDenied(_("Only the coordinators of the lead administration withdraw an invitation."))
    elif own and participation.status == ParticipationStatus.INVITED:
        raise TransitionRefused(_("Decline the invitation instead (with a reason)."))
    else:
        raise TransitionRefused(_("Nothing to withdraw: the organisation is %(status)s.",
                                  status=participation.status_label))
    if operation.state_enum not in WITHDRAWING_STATES:
        raise TransitionRefused(_("The operation is %(state)s: nothing can be withdrawn any more.",
                                  state=operation.state_enum.label))
    errors.raise_if_any()

    before = participation.status
    participation.status = ParticipationStatus.WITHDRAWN.value
    participation.is_co_organiser = False
    participation.answered_at = participation.answered_at or now
    participation.answered_by_id = participation.answered_by_id or user.id
    participation.reason = reason or None
    db.session.flush()
    log_action(participation, kind, user, data={"organisation": participation.organisation.code, "from": before,
                                                "reason": reason or None}, now=now)
    if kind == "participation.invitation_withdrawn":
        recipients = answerers_of(participation.organisation_id)
        subject = _("%(ref)s %(code)s: invitation withdrawn", ref=operation.reference, code=operation.code_name)
        body = _("The invitation of %(org)s to %(code)s has been withdrawn.", org=participation.organisation.code,
                 code=operation.code_name)
        link = None
    else:
        recipients = coordinators_of(operation) + answerers_of(participation.organisation_id)
        subject = _("%(ref)s: %(org)s withdrew", ref=operation.reference, org=participation.organisation.code)
        body = _("%(org)s withdrew from %(code)s.", org=participation.organisation.code, code=operation.code_name)
        link = _link(operation)
    if reason:
        body += "\n\n" + reason
    notify([u for u in recipients if u.id != user.id], kind, subject, body, link=link, operation_id=operation.id)
    return participation


# --- nominations ---------------------------------------------------------------------------------------------

def may_edit_for(user, operation, participation):
    """Contact points and coordinators of an accepted participant edit its nomination and sharing settings."""
    access = operation_access(user, operation)
    return (participation.organisation_id == user.organisation_id and access.place in MEMBER_PLACES
            and access.answers_for_organisation and participation.is_participant)


def _check_editor(user, operation, participation):
    if participation.organisation_id != user.organisation_id:
        raise PermissionDenied(_("Each participant nominates for its own organisation only."))
    if not participation.is_participant:
        raise TransitionRefused(_("Only an accepted participant nominates; %(org)s is %(status)s.",
                                  org=participation.organisation.code, status=participation.status_label))
    if not may_edit_for(user, operation, participation):
        raise PermissionDenied(_("Only contact points and coordinators nominate for their organisation."))
    if operation.state_enum not in NOMINATING_STATES:
        raise TransitionRefused(_("The operation is %(state)s: nominations can no longer change.",
                                  state=operation.state_enum.label))


def nomination_json(nomination):
    """The nomination as the API reads and writes it (and as the audit records it)."""
    if nomination is None:
        return {"contact_points": [], "external_contacts": [], "liaison_officers": [], "officers_deployed": None,
                "equipment": [], "languages": [], "control_locations": [], "version": 0}
    return {
        "contact_points": [{"user": c.user.email, "name": c.user.name, "phone": c.phone,
                            "available_24_7": c.available_24_7} for c in nomination.contact_points],
        "external_contacts": [{"name": e.name, "email": e.email, "phone": e.phone}
                              for e in nomination.external_contacts],
        "liaison_officers": [{"name": lo.name, "from": lo.date_from.isoformat() if lo.date_from else None,
                              "to": lo.date_to.isoformat() if lo.date_to else None}
                             for lo in nomination.liaison_officers],
        "officers_deployed": nomination.officers_deployed,
        "equipment": list(nomination.equipment or []),
        "languages": list(nomination.languages or []),
        "control_locations": [{"code": c.place.code, "name": c.place.name, "country": c.place.country,
                               "location_type": c.place.location_type,
                               "transport_sectors": list(c.transport_sectors or [])}
                              for c in nomination.control_locations],
        "version": nomination.version,
    }


def _text(value, field, errors, required=False, maximum=MAX_NAME, pattern=None, pattern_message=None):
    if value is None or value == "":
        if required:
            errors.add(field, _("This field is required."))
        return ""
    if not isinstance(value, str):
        errors.add(field, _("Give text."))
        return ""
    value = value.strip()
    if required and not value:
        errors.add(field, _("This field is required."))
    elif len(value) > maximum:
        errors.add(field, _("Use at most %(n)d characters.", n=maximum))
    elif value and pattern is not None and not pattern.match(value):
        errors.add(field, pattern_message)
    return value


def _rows(data, key, errors):
    rows = data.get(key)
    if rows is None:
        return []
    if not isinstance(rows, list):
        errors.add(key, _("Give a list."))
        return []
    if len(rows) > MAX_ROWS:
        errors.add(key, _("At most %(n)d entries.", n=MAX_ROWS))
        return []
    good = []
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            errors.add(f"{key}.{i}", _("Each entry must be an object."))
        else:
            good.append((i, row))
    return good


def _unknown_keys(row, allowed, prefix, errors):
    for extra in sorted(set(row) - set(allowed)):
        errors.add(f"{prefix}.{extra}", _("Unknown field; expected one of: %(f)s.", f=", ".join(allowed)))


def validate_nomination(participation, data):
    """The one validation of a nomination: clean data, or ValidationError with dotted field keys."""
    errors = FieldErrors()
    if not isinstance(data, dict):
        errors.add("nomination", _("Give an object."))
        errors.raise_if_any()
    for extra in sorted(set(data) - set(NOMINATION_FIELDS)):
        errors.add(extra, _("Unknown field; expected one of: %(f)s.", f=", ".join(NOMINATION_FIELDS)))
    clean = {"contact_points": [], "external_contacts": [], "liaison_officers": [], "control_locations": []}
    phone_message = _("Give a phone number: digits, spaces and + ( ) - . / only.")

    seen_users = set()
    for i, row in _rows(data, "contact_points", errors):
        prefix = f"contact_points.{i}"
        _unknown_keys(row, ("user", "name", "phone", "available_24_7"), prefix, errors)
        email = row.get("user")
        user = None
        if not isinstance(email, str) or not email.strip():
            errors.add(f"{prefix}.user", _("Name the user account (its e-mail address)."))
        else:
            user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
            if user is None:
                user = db.session.scalar(select(User).where(User.email == email.strip()))
            if user is None or user.organisation_id != participation.organisation_id:
                errors.add(f"{prefix}.user", _("%(email)s is not a user account of %(org)s.",
                                                email=email.strip()[:254], org=participation.organisation.code))
                user = None
            elif not user.is_active:
                errors.add(f"{prefix}.user", _("The account %(email)s is inactive.", email=user.email))
                user = None
            elif user.is_service_account:
                errors.add(f"{prefix}.user", _("A service account cannot be a contact point."))
                user = None
            elif user.id in seen_users:
                errors.add(f"{prefix}.user", _("This person is listed twice."))
                user = None
        phone = _text(row.get("phone"), f"{prefix}.phone", errors, maximum=40, pattern=PHONE_RE,
                      pattern_message=phone_message)
        available = row.get("available_24_7", False)
        if not isinstance(available, bool):
            errors.add(f"{prefix}.available_24_7", _("Give true or false."))
        if user is not None:
            seen_users.add(user.id)
            clean["contact_points"].append({"user": user, "phone": phone, "available_24_7": available is True})

    for i, row in _rows(data, "external_contacts", errors):
        prefix = f"external_contacts.{i}"
        _unknown_keys(row, ("name", "email", "phone"), prefix, errors)
        clean["external_contacts"].append({
            "name": _text(row.get("name"), f"{prefix}.name", errors, required=True),
            "email": _text(row.get("email"), f"{prefix}.email", errors, maximum=254, pattern=EMAIL_RE,
                           pattern_message=_("Give an e-mail address such as name@example.org.")),
            "phone": _text(row.get("phone"), f"{prefix}.phone", errors, maximum=40, pattern=PHONE_RE,
                           pattern_message=phone_message),
        })

    for i, row in _rows(data, "liaison_officers", errors):
        prefix = f"liaison_officers.{i}"
        _unknown_keys(row, ("name", "from", "to"), prefix, errors)
        name = _text(row.get("name"), f"{prefix}.name", errors, required=True)
        start = _parse_date(row.get("from"), f"{prefix}.from", errors)
        end = _parse_date(row.get("to"), f"{prefix}.to", errors)
        if start and end and end < start:
            errors.add(f"{prefix}.to", _("The last day comes before the first day."))
        clean["liaison_officers"].append({"name": name, "date_from": start, "date_to": end})

    officers = data.get("officers_deployed")
    if officers in (None, ""):
        clean["officers_deployed"] = None
    elif isinstance(officers, bool) or not isinstance(officers, int) and not (
            isinstance(officers, str) and officers.strip().isascii() and officers.strip().isdigit()
            and len(officers.strip()) <= 6):
        errors.add("officers_deployed", _("Give a whole number of officers."))
    elif not 0 <= int(officers) <= 100000:
        errors.add("officers_deployed", _("Give a number between 0 and 100000."))
    else:
        clean["officers_deployed"] = int(officers)

    equipment = data.get("equipment") or []
    if not isinstance(equipment, list):
        errors.add("equipment", _("Give a list of equipment codes."))
        equipment = []
    for i, code in enumerate(equipment):
        if code not in Equipment.codes():
            errors.add(f"equipment.{i}", _("“%(code)s” is not one of: %(known)s.", code=str(code)[:40],
                                           known=", ".join(Equipment.codes())))
    clean["equipment"] = list(dict.fromkeys(c for c in equipment if c in Equipment.codes()))

    languages = data.get("languages") or []
    if isinstance(languages, str):
        languages = [x for x in re.split(r"[\s,;]+", languages) if x]
    if not isinstance(languages, list):
        errors.add("languages", _("Give a list of ISO 639-1 language codes, e.g. [\"en\", \"lt\"]."))
        languages = []
    clean_languages = []
    for i, code in enumerate(languages):
        code_l = code.strip().lower() if isinstance(code, str) else ""
        if not re.fullmatch(r"[a-z]{2}", code_l) or pycountry.languages.get(alpha_2=code_l) is None:
            errors.add(f"languages.{i}", _("“%(code)s” is not an ISO 639-1 language code (e.g. en, lt).",
                                           code=str(code)[:20]))
        else:
            clean_languages.append(code_l)
    clean["languages"] = list(dict.fromkeys(clean_languages))

    seen_places = set()
    for i, row in _rows(data, "control_locations", errors):
        prefix = f"control_locations.{i}"
        _unknown_keys(row, ("code", "name", "country", "location_type", "transport_sectors"), prefix, errors)
        code = row.get("code")
        place = None
        if not isinstance(code, str) or not LOCODE_RE.match(code.strip().upper()):
            errors.add(f"{prefix}.code", _("Give a UN/LOCODE: two letters of the country and three letters or "
                                           "digits 2–9 (e.g. LTMDK)."))
        else:
            place = place_by_code(code.strip().upper())
            if place is None:
                errors.add(f"{prefix}.code", _("“%(code)s” is not an active place of the list.",
                                               code=code.strip().upper()))
            elif place.id in seen_places:
                errors.add(f"{prefix}.code", _("This place is listed twice."))
                place = None
        sectors = row.get("transport_sectors") or []
        if not isinstance(sectors, list):
            errors.add(f"{prefix}.transport_sectors", _("Give a list of transport sectors."))
            sectors = []
        for j, sector in enumerate(sectors):
            if sector not in TransportMode.codes():
                errors.add(f"{prefix}.transport_sectors.{j}", _("“%(code)s” is not one of: %(known)s.",
                                                                code=str(sector)[:40],
                                                                known=", ".join(TransportMode.codes())))
        if not sectors:
            errors.add(f"{prefix}.transport_sectors", _("Name at least one transport sector controlled there."))
        if place is not None:
            seen_places.add(place.id)
            clean["control_locations"].append(
                {"place": place, "transport_sectors": list(dict.fromkeys(s for s in sectors
                                                                         if s in TransportMode.codes()))})
    errors.raise_if_any()
    return clean


def save_nomination(user, operation, org_code, data, expected_version=None, now=None):
    """Replace the nomination of `org_code` as a whole (the API's PUT and the page's form)."""
    now = now or utcnow()
    participation = participation_for(operation, org_code)
    _check_editor(user, operation, participation)
    nomination = participation.nomination
    current = nomination.version if nomination is not None else 0
    if expected_version is not None and int(expected_version) != current:
        raise StaleVersion(_("Somebody else saved this nomination since you opened it (version %(v)s). Reload "
                             "and try again.", v=current), current)
    clean = validate_nomination(participation, data)

    before = nomination_json(nomination)
    if nomination is None:
        nomination = Nomination(participation=participation)
        db.session.add(nomination)
    else:  # delete the old rows first: the unique constraints would refuse a new row beside its old self
        nomination.contact_points, nomination.control_locations = [], []
        nomination.external_contacts, nomination.liaison_officers = [], []
        db.session.flush()
    nomination.contact_points = [
        NominatedContactPoint(user=c["user"], phone=c["phone"], available_24_7=c["available_24_7"], position=i)
        for i, c in enumerate(clean["contact_points"])]
    nomination.external_contacts = [ExternalContact(position=i, **e) for i, e in enumerate(clean["external_contacts"])]
    nomination.liaison_officers = [LiaisonOfficer(position=i, **lo) for i, lo in enumerate(clean["liaison_officers"])]
    nomination.control_locations = [
        ControlLocation(place=c["place"], transport_sectors=c["transport_sectors"], position=i)
        for i, c in enumerate(clean["control_locations"])]
    nomination.officers_deployed = clean["officers_deployed"]
    nomination.equipment = clean["equipment"]
    nomination.languages = clean["languages"]
    nomination.updated_at, nomination.updated_by_id = now, user.id
    db.session.flush()
    after = nomination_json(nomination)
    diff = changes({k: v for k, v in before.items() if k != "version"}, {k: v for k, v in after.items()
                                                                           if k != "version"})
    log_action(nomination, "nomination.saved", user, data={"organisation": participation.organisation.code,
                                                           "changes": diff}, operation_id=operation.id, now=now)
    new_points = {c["user"].id for c in clean["contact_points"]} - {
        u for u in (_user_id(c["user"]) for c in before["contact_points"]) if u}
    if new_points:
        notify([db.session.get(User, uid) for uid in new_points if uid != user.id], "nomination.contact_point",
               _("%(ref)s %(code)s: you are a national contact point", ref=operation.reference,
                 code=operation.code_name),
               _("%(who)s named you a national contact point of %(org)s for %(code)s.", who=user.name,
                 org=participation.organisation.code, code=operation.code_name),
               link=_link(operation), operation_id=operation.id)
    return nomination


def _user_id(email):
    user = db.session.scalar(select(User).where(User.email == email))
    return user.id if user else None


def save_sharing(user, operation, org_code, data, expected_version=None, now=None):
    """Whether this participant's results may be seen by EU Member State participants, third-country
    participants and agencies (its defaults; each record may override them; issue 6 enforces them)."""
    now = now or utcnow()
    participation = participation_for(operation, org_code)
    _check_editor(user, operation, participation)
    if expected_version is not None and int(expected_version) != participation.version:
        raise StaleVersion(_("Somebody else changed these settings since you opened them (version %(v)s). Reload "
                             "and try again.", v=participation.version), participation.version)
    errors = FieldErrors()
    for extra in sorted(set(data) - set(SHARING_FIELDS) - {"version"}):
        errors.add(extra, _("Unknown field; expected one of: %(f)s.", f=", ".join(SHARING_FIELDS)))
    for field in SHARING_FIELDS:
        if field in data and not isinstance(data[field], bool):
            errors.add(field, _("Give true or false."))
    errors.raise_if_any()
    before = sharing_json(participation)
    for field in SHARING_FIELDS:
        if field in data:
            setattr(participation, field, data[field])
    db.session.flush()
    diff = changes(before, sharing_json(participation))
    if diff:
        log_action(participation, "participation.sharing_changed", user,
                   data={"organisation": participation.organisation.code, "changes": diff}, now=now)
    return participation


def sharing_json(participation):
    return {field: getattr(participation, field) for field in SHARING_FIELDS}


# --- the guard this capability owns --------------------------------------------------------------------------

def participants_without_contact_point(operation):
    return [p for p in operation.participations
            if p.is_participant and (p.nomination is None or not p.nomination.contact_points)]


@guard("start")
def each_participant_has_a_contact_point(operation, user):
    missing = participants_without_contact_point(operation)
    if missing:
        return [_("Each accepted participant needs a national contact point; missing for: %(orgs)s.",
                  orgs=", ".join(p.organisation.code for p in missing))]
    return []

