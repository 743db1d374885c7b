"""Recording an operation of an earlier year afterwards (the secretariat and admins): one validation for the page
and the API, then the operation is created directly as closed - approved, run and closed, with the timestamps the
operation table's CHECK constraints ask for - with its participants, the goods and transport sectors of its
business case, its funding and its operational phase, one transition row and one audit entry. Its results are
imported afterwards with the operation's Excel template (planner.results.workbook_import). Services flush; the
request, CLI command or job commits."""
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import func, select

from planner.core.audit import log_action
from planner.core.clock import utcnow
from planner.core.enums import Role
from planner.core.errors import FieldErrors, PermissionDenied
from planner.extensions import db
from planner.operations.models import Operation, OperationState, OperationTransition
# the one validation of an operation's own fields (code name, time zone, marking, summary)
from planner.operations.services import _validate as validate_operation_fields
from planner.organisations.models import OrganisationKind
from planner.participants.models import Participation, ParticipationRole, ParticipationStatus
from planner.vocab.codes import COMMODITY_CATEGORY, TransportMode

FIRST_YEAR = 1990
PAST_FIELDS = ("code_name", "year", "lead", "participants", "observers", "operational_start", "operational_end",
               "targeted_goods", "transport_sectors", "requested_eur", "granted_eur", "summary", "time_zone",
               "handling_marking")
RECORDING_ROLES = (Role.SECRETARIAT, Role.ADMIN)
ACTION = "record_past"


def may_record_past_operations(user) -> bool:
    return Role(user.role) in RECORDING_ROLES


# --- validation ---------------------------------------------------------------------------------------------

def _year(value, errors, today):
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() and len(value.strip()) < 6:
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        errors.add("year", _("The year must be a whole number, e.g. %(year)d.", year=today.year - 1))
        return None
    if value >= today.year:
        errors.add("year", _("A past operation's year is earlier than the current year (%(year)d).",
                             year=today.year))
        return None
    if value < FIRST_YEAR:
        errors.add("year", _("The year must be %(first)d or later.", first=FIRST_YEAR))
        return None
    return value


def _organisation(code, field, errors):
    from planner.organisations.services import resolve_organisation_code

    if not isinstance(code, str) or not code.strip():
        errors.add(field, _("Give an organisation's code."))
        return None
    org = resolve_organisation_code(code) if len(code) <= 20 else None
    if org is None:
        errors.add(field, _("Unknown organisation %(code)s.", code=code.strip()[:20]))
        return None
    if org.kind == OrganisationKind.SECRETARIAT:
        errors.add(field, _("The working-party secretariat does not take part in operations (%(code)s).",
                            code=org.code))
        return None
    return org


def _organisations(value, field, errors):
    """Organisations of any kind but the secretariat, active or not (the administrations of an earlier year)."""
    if value is None or value == "":
        return []
    if not isinstance(value, list):
        errors.add(field, _("Give a list of organisation codes."))
        return []
    found = []
    for code in value:
        org = _organisation(code, field, errors)
        if org is not None and org not in found:
            found.append(org)
    return found


def _day(value, field, errors):
    if value is None or value == "":
        errors.add(field, _("Give the date (YYYY-MM-DD)."))
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value
    try:
        if not isinstance(value, str) or len(value.strip()) != 10:
            raise ValueError
        return date.fromisoformat(value.strip())
    except ValueError:
        errors.add(field, _("“%(value)s” is not a date; write YYYY-MM-DD.", value=str(value)[:20]))
        return None


def _codes(value, field, known, errors, what):
    if not isinstance(value, list) or not value:
        errors.add(field, _("Choose at least one %(what)s.", what=what))
        return []
    chosen = []
    for code in value:
        if not isinstance(code, str) or code not in known:
            errors.add(field, _("“%(code)s” is not one of: %(known)s.", code=str(code)[:30],
                                known=", ".join(sorted(known))))
        elif code not in chosen:
            chosen.append(code)
    return chosen


def clean_past_operation(data, now=None):
    """The clean fields of a past operation, or ValidationError naming every wrong field."""
    from planner.business_cases.validation import FieldValidator
    from planner.vocab.queries import codes_of

    now = now or utcnow()
    errors = FieldErrors()
    if not isinstance(data, dict):
        errors.add("operation", _("Give the operation as an object."))
        errors.raise_if_any()
    for key in sorted(set(data) - set(PAST_FIELDS)):
        errors.add(key, _("Unknown field; expected one of: %(fields)s.", fields=", ".join(PAST_FIELDS)))
    clean = validate_operation_fields(
        {key: data.get(key) for key in ("code_name", "time_zone", "handling_marking", "summary")}, errors,
        partial=True)
    clean["year"] = _year(data.get("year"), errors, now.date())
    clean["lead"] = _organisation(data.get("lead"), "lead", errors)
    participants = [o for o in _organisations(data.get("participants"), "participants", errors)
                    if o != clean["lead"]]
    observers = _organisations(data.get("observers"), "observers", errors)
    for org in observers:
        if org == clean["lead"] or org in participants:
            errors.add("observers", _("%(code)s takes part already; an organisation is a participant or an "
                                      "observer.", code=org.code))
    clean["participants"], clean["observers"] = participants, [o for o in observers if o not in participants]
    start = _day(data.get("operational_start"), "operational_start", errors)
    end = _day(data.get("operational_end"), "operational_end", errors)
    year = clean["year"]
    if year is not None:
        for field, day in (("operational_start", start), ("operational_end", end)):
            if day is not None and day.year != year:
                errors.add(field, _("The operational phase of a %(year)d operation lies in %(year)d.", year=year))
    if start and end and end < start:
        errors.add("operational_end", _("The operational phase cannot end before it starts."))
    clean["operational_start"], clean["operational_end"] = start, end
    clean["targeted_goods"] = _codes(data.get("targeted_goods"), "targeted_goods", codes_of(COMMODITY_CATEGORY),
                                     errors, _("commodity category"))
    clean["transport_sectors"] = _codes(data.get("transport_sectors"), "transport_sectors",
                                        set(TransportMode.codes()), errors, _("transport sector"))
    money = FieldValidator()
    clean["requested_eur"] = money.eur(data.get("requested_eur"), "requested_eur")
    clean["granted_eur"] = money.eur(data.get("granted_eur"), "granted_eur")
    for field, messages in money.errors.errors.items():
        for message in messages:
            errors.add(field, message)
    errors.raise_if_any(_("The past operation is not valid."))
    return clean


# --- recording ----------------------------------------------------------------------------------------------

def _moment(day, at, zone):
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone)).astimezone(ZoneInfo("UTC"))


def record_past_operation(user, data, now=None) -> Operation:
    """Create an operation of an earlier year directly as closed. Approved (by the recording user) and started at
    the start of its first operational day, ended at the end of its last, closed now; the lead and the
    participants accepted participants, the observers accepted observers."""
    now = now or utcnow()
    if not may_record_past_operations(user):
        raise PermissionDenied(_("Only the working-party secretariat and admins record past operations."))
    clean = clean_past_operation(data, now)
    year, zone = clean["year"], clean["time_zone"]
    started = _moment(clean["operational_start"], time(0, 0), zone)
    ended = _moment(clean["operational_end"], time(23, 59, 59), zone)
    sequence = (db.session.scalar(select(func.max(Operation.sequence)).where(Operation.year == year)) or 0) + 1
    operation = Operation(
        reference=f"JSO-{year}-{sequence:02d}", sequence=sequence, code_name=clean["code_name"], year=year,
        time_zone=zone, handling_marking=clean["handling_marking"], summary=clean["summary"], lead=clean["lead"],
        state=OperationState.CLOSED.value, created_at=now, created_by_id=user.id, approved_at=started,
        approved_by_id=user.id, actual_start_at=started, actual_end_at=ended, closed_at=now,
        recorded_afterwards=True,
    )
    db.session.add(operation)
    places = [(clean["lead"], ParticipationRole.PARTICIPANT, True)]
    places += [(org, ParticipationRole.PARTICIPANT, False) for org in clean["participants"]]
    places += [(org, ParticipationRole.OBSERVER, False) for org in clean["observers"]]
    for org, role, is_lead in places:
        operation.participations.append(Participation(
            organisation=org, role=role.value, status=ParticipationStatus.ACCEPTED.value, is_lead=is_lead,
            invited_at=now, invited_by_id=user.id, answered_at=now, answered_by_id=user.id,
            share_with_eu_member_states=True, share_with_third_countries=False, share_with_agencies=False))
    db.session.flush()
    _business_case(operation, clean, user, now)
    db.session.add(OperationTransition(operation=operation, action=ACTION, from_state=OperationState.DRAFT.value,
                                       to_state=OperationState.CLOSED.value, user_id=user.id,
                                       comment=_("Recorded afterwards."), created_at=now))
    db.session.flush()
    log_action(operation, "operation.recorded_past", user, data=snapshot(operation, clean), now=now)
    return operation


def _business_case(operation, clean, user, now):
    """The goods, transport sectors, window and funding in the business case (the programme and the evidence
    count them from its tables), the operational phase in the schedule and the funding decision."""
    from planner.business_cases.content import merge
    from planner.business_cases.models import BusinessCase, BusinessCaseGoods, BusinessCaseSector, FundingDecision
    from planner.scheduling.models import Phase, PhaseKind

    start, end = clean["operational_start"], clean["operational_end"]
    content = merge({}, {
        "targeted_goods": [{"category": c, "hs_codes": []} for c in clean["targeted_goods"]],
        "transport_sectors": list(clean["transport_sectors"]),
        "proposed_participants": [o.code for o in clean["participants"]],
        "proposed_observers": [o.code for o in clean["observers"]],
        "window": {"preparation_start": None, "operational_start": start.isoformat(),
                   "operational_end": end.isoformat()},
        "budget": {"lines": [], "programme": "", "requested_eur": clean["requested_eur"]},
    })
    case = BusinessCase(
        operation_id=operation.id, content=content, operational_start=start, operational_end=end,
        requested_eur=Decimal(clean["requested_eur"]) if clean["requested_eur"] is not None else None,
        updated_at=now, updated_by_id=user.id,
        goods=[BusinessCaseGoods(category=c) for c in clean["targeted_goods"]],
        sectors=[BusinessCaseSector(sector=s) for s in clean["transport_sectors"]])
    db.session.add(case)
    db.session.add(Phase(operation_id=operation.id, kind=PhaseKind.OPERATIONAL.value, start_date=start,
                         end_date=end))
    if clean["granted_eur"] is not None:
        db.session.add(FundingDecision(operation_id=operation.id, granted_eur=Decimal(clean["granted_eur"]),
                                       programme="", decided_on=start, decided_by_id=user.id, updated_at=now))


def snapshot(operation, clean):
    return {
        "code_name": operation.code_name, "year": operation.year, "lead": operation.lead.code,
        "participants": [o.code for o in clean["participants"]], "observers": [o.code for o in clean["observers"]],
        "operational_start": clean["operational_start"], "operational_end": clean["operational_end"],
        "targeted_goods": clean["targeted_goods"], "transport_sectors": clean["transport_sectors"],
        "requested_eur": clean["requested_eur"], "granted_eur": clean["granted_eur"],
        "time_zone": operation.time_zone, "handling_marking": operation.handling_marking,
        "summary": operation.summary, "state": operation.state,
    }
