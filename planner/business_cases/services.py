"""State changes of business cases: saving (sections or the whole case), freezing versions on submit, the
secretariat's comments, the funding decision, the Council's number; the submit guard and the hooks the
transitions run. Services flush; the request, CLI command or job commits."""
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from planner.core.audit import changes, log_action
from planner.core.clock import utcnow
from planner.core.errors import FieldErrors, PermissionDenied, StaleVersion, TransitionRefused
from planner.core.notifications import notify
from planner.core.versions import require_version
from planner.extensions import db
from planner.business_cases.content import (
    FIELDS, SECTION_KEYS, SECTION_LABELS, empty_content, merge, missing_messages,
)
from planner.business_cases.validation import FieldValidator, validate_content
from planner.business_cases.models import (
    BusinessCase, BusinessCaseGoods, BusinessCaseSector, BusinessCaseVersion, FundingDecision, ReviewComment,
)
from planner.operations.access import operation_access
from planner.operations.lifecycle import after_transition, guard
from planner.operations.models import APPROVED_STATES, OperationState

MAX_COMMENT = 5000


def case_of(operation):
    return db.session.scalar(select(BusinessCase).where(BusinessCase.operation_id == operation.id))


def get_or_create_case(operation):
    case = case_of(operation)
    if case is None:
        case = BusinessCase(operation_id=operation.id, content=empty_content())
        db.session.add(case)
        db.session.flush()
    return case


def _sync_denormalised(case):
    """Rewrite the goods and sectors rows and the window/budget columns from the content."""
    content = case.content
    wanted_goods = [g["category"] for g in content.get("targeted_goods", [])]
    for row in list(case.goods):
        if row.category not in wanted_goods:
            case.goods.remove(row)
    have = {row.category for row in case.goods}
    case.goods.extend(BusinessCaseGoods(category=c) for c in wanted_goods if c not in have)
    wanted_sectors = content.get("transport_sectors", [])
    for row in list(case.sectors):
        if row.sector not in wanted_sectors:
            case.sectors.remove(row)
    have = {row.sector for row in case.sectors}
    case.sectors.extend(BusinessCaseSector(sector=s) for s in wanted_sectors if s not in have)
    window = content.get("window") or {}
    case.operational_start = date.fromisoformat(window["operational_start"]) if window.get("operational_start") else None
    case.operational_end = date.fromisoformat(window["operational_end"]) if window.get("operational_end") else None
    requested = (content.get("budget") or {}).get("requested_eur")
    case.requested_eur = Decimal(requested) if requested is not None else None


def save_business_case(user, operation, data, expected_version=None, partial=True, now=None):
    """Save the case (or the sections in `data` when partial) after one validation; returns the case.

    Only the coordinators of the lead and co-organisers, while the operation is in draft. A stale
    `expected_version` raises StaleVersion (409), never a silent overwrite."""
    now = now or utcnow()
    access = operation_access(user, operation)
    if not access.coordinates:
        raise PermissionDenied(_("Only the coordinators of the lead administration and co-organisers edit the "
                                 "business case."))
    if operation.state != OperationState.DRAFT.value:
        raise TransitionRefused(_("The business case can be edited while the operation is in draft only; it is "
                                  "%(state)s.", state=operation.state_enum.label))
    case = get_or_create_case(operation)
    if expected_version is not None and require_version(expected_version) != case.version:
        raise StaleVersion(_("Somebody else saved this business case since you opened it (version %(v)s). Reload "
                             "and try again: your changes are still in the form.", v=case.version), case.version)
    if not isinstance(data, dict):
        errors = FieldErrors()
        errors.add("business_case", _("Give the business case as a JSON object."))
        errors.raise_if_any()
    incoming = {k: v for k, v in data.items() if k != "version"}
    unknown = sorted(set(incoming) - set(FIELDS))
    if unknown:
        errors = FieldErrors()
        for key in unknown:
            errors.add(key, _("Unknown field; expected one of: %(fields)s.", fields=", ".join(FIELDS)))
        errors.raise_if_any(_("The business case is not valid."))
    document = merge(case.content, incoming) if partial else incoming
    clean = validate_content(document)
    before = merge(case.content, {})
    diff = changes({k: before[k] for k in FIELDS}, {k: clean[k] for k in FIELDS})
    if diff:
        case.content = clean
        case.updated_at, case.updated_by_id = now, user.id
        _sync_denormalised(case)
        db.session.flush()
        log_action(case, "business_case.updated", user, data={"changes": diff}, operation_id=operation.id, now=now)
    return case


# --- the submit guard and the transition hooks -----------------------------------------------------------

@guard("submit")
def business_case_is_complete(operation, user):
    case = case_of(operation)
    return missing_messages(case.content if case else {})


@after_transition("submit")
def freeze_version(operation, user, now):
    """A submitted case is frozen as a numbered version (the whole document; never updated afterwards)."""
    case = get_or_create_case(operation)
    number = (case.latest_version.number if case.latest_version else 0) + 1
    version = BusinessCaseVersion(number=number, content=merge(case.content, {}), submitted_at=now,
                                  submitted_by_id=getattr(user, "id", None))
    case.versions.append(version)
    db.session.flush()
    log_action(version, "business_case.version_frozen", user, data={"number": number}, operation_id=operation.id,
               now=now)


def _close_review(operation, outcome):
    case = case_of(operation)
    if case is not None and case.latest_version is not None and case.latest_version.outcome is None:
        case.latest_version.outcome = outcome


@after_transition("return")
def returned(operation, user, now):
    """Close the review of the version, and send the coordinators the comments section by section."""
    _close_review(operation, "returned")
    case = case_of(operation)
    version = case.latest_version if case else None
    if version is None or not version.comments:
        return
    from planner.operations.services import coordinators_of

    lines = [f"{section_label(c.section)}: {c.body}" for c in version.comments]
    notify([u for u in coordinators_of(operation) if u.id != getattr(user, "id", None)],
           "business_case.comments",
           _("%(reference)s %(code)s: comments on version %(n)s of the business case",
             reference=operation.reference, code=operation.code_name, n=version.number),
           "\n".join(lines), link=f"/operations/{operation.id}/business-case", operation_id=operation.id)


@after_transition("reject")
def rejected(operation, user, now):
    _close_review(operation, "rejected")


@after_transition("approve")
def approved(operation, user, now):
    """The planned window becomes the operation's initial schedule (preparation and operational phases)."""
    from planner.scheduling.models import Phase, PhaseKind

    _close_review(operation, "approved")
    case = case_of(operation)
    window = (case.content.get("window") or {}) if case else {}
    if not window.get("operational_start"):
        return
    start = date.fromisoformat(window["operational_start"])
    end = date.fromisoformat(window["operational_end"]) if window.get("operational_end") else None
    wanted = {PhaseKind.OPERATIONAL.value: (start, end)}
    if window.get("preparation_start"):
        wanted[PhaseKind.PREPARATION.value] = (date.fromisoformat(window["preparation_start"]),
                                               start - timedelta(days=1))
    existing = {p.kind: p for p in db.session.scalars(select(Phase).where(Phase.operation_id == operation.id))}
    for kind, (first, last) in wanted.items():
        phase = existing.get(kind) or Phase(operation_id=operation.id, kind=kind)
        phase.start_date, phase.end_date = first, last
        db.session.add(phase)
    db.session.flush()
    log_action(operation, "schedule.created_from_business_case", user,
               data={k: [a.isoformat(), b.isoformat() if b else None] for k, (a, b) in wanted.items()}, now=now)


# --- review comments -----------------------------------------------------------------------------------------

def add_comment(user, operation, section, body, now=None):
    """The secretariat comments one section of the version under review."""
    now = now or utcnow()
    access = operation_access(user, operation)
    if not access.reviews:
        raise PermissionDenied(_("Only the working-party secretariat comments on business cases."))
    if operation.state != OperationState.SUBMITTED.value:
        raise TransitionRefused(_("Comments are made while the business case is submitted for review."))
    errors = FieldErrors()
    if section not in SECTION_KEYS:
        errors.add("section", _("Choose one of the sections: %(keys)s.", keys=", ".join(SECTION_KEYS)))
    body = body.strip() if isinstance(body, str) else None
    if not body:
        errors.add("body", _("Write the comment."))
    elif len(body) > MAX_COMMENT:
        errors.add("body", _("Use at most %(n)d characters.", n=MAX_COMMENT))
    errors.raise_if_any()
    case = case_of(operation)
    version = case.latest_version if case else None
    if version is None:
        raise TransitionRefused(_("There is no submitted version to comment on."))
    comment = ReviewComment(version=version, section=section, body=body, author_id=user.id, created_at=now)
    db.session.add(comment)
    db.session.flush()
    log_action(version, "business_case.commented", user, data={"section": section, "version": version.number,
                                                                "body": body}, operation_id=operation.id, now=now)
    return comment


def comments_by_section(version):
    result = {key: [] for key in SECTION_KEYS}
    for comment in (version.comments if version else []):
        result.setdefault(comment.section, []).append(comment)
    return result


# --- funding decision and the Council's number ----------------------------------------------------------------

def record_funding(user, operation, data, expected_version=None, now=None):
    """The secretariat's funding decision: {granted_eur, programme, decided_on}, from approval on."""
    now = now or utcnow()
    access = operation_access(user, operation)
    if not access.reviews:
        raise PermissionDenied(_("Only the working-party secretariat records funding decisions."))
    if operation.state not in APPROVED_STATES:
        raise TransitionRefused(_("A funding decision is recorded once the operation is approved."))
    decision = db.session.scalar(select(FundingDecision).where(FundingDecision.operation_id == operation.id))
    if decision is not None and expected_version is not None and require_version(expected_version) != decision.version:
        raise StaleVersion(_("Somebody else saved this funding decision since you opened it (version %(v)s).",
                             v=decision.version), decision.version)
    v = FieldValidator()
    if not isinstance(data, dict):
        v.add("funding", _("Give the decision as a JSON object."))
        v.errors.raise_if_any()
    for key in data:
        if key not in ("granted_eur", "programme", "decided_on", "version"):
            v.add(key, _("Unknown field; expected one of: granted_eur, programme, decided_on."))
    granted = v.eur(data.get("granted_eur"), "granted_eur")
    if granted is None and "granted_eur" not in v.errors.errors:
        v.add("granted_eur", _("Give the amount granted in EUR."))
    programme = v.text(data.get("programme"), "programme", 300)
    decided_on = v.iso_date(data.get("decided_on"), "decided_on")
    if decided_on is None and "decided_on" not in v.errors.errors:
        v.add("decided_on", _("Give the date of the decision (YYYY-MM-DD)."))
    v.errors.raise_if_any(_("The funding decision is not valid."))
    before = funding_snapshot(decision)
    if decision is None:
        decision = FundingDecision(operation_id=operation.id)
        db.session.add(decision)
    decision.granted_eur = Decimal(granted)
    decision.programme = programme
    decision.decided_on = date.fromisoformat(decided_on)
    decision.decided_by_id = user.id
    decision.updated_at = now
    db.session.flush()
    diff = changes(before, funding_snapshot(decision))
    if diff:
        log_action(decision, "funding.decided", user, data={"changes": diff}, operation_id=operation.id, now=now)
        from planner.operations.services import coordinators_of

        notify(coordinators_of(operation), "funding.decided",
               _("%(reference)s %(code)s: funding decision", reference=operation.reference, code=operation.code_name),
               _("%(amount)s EUR granted (%(programme)s), decided on %(day)s.", amount=granted,
                 programme=programme or "—", day=decided_on),
               link=f"/operations/{operation.id}/business-case", operation_id=operation.id)
    return decision


def funding_of(operation):
    return db.session.scalar(select(FundingDecision).where(FundingDecision.operation_id == operation.id))


def funding_snapshot(decision):
    if decision is None:
        return {}
    return {"granted_eur": f"{decision.granted_eur:.2f}", "programme": decision.programme,
            "decided_on": decision.decided_on.isoformat() if decision.decided_on else None}


def set_council_number(user, operation, number, now=None):
    """The secretariat may give the case the Council's own document number (empty: back to the generated one)."""
    access = operation_access(user, operation)
    if not access.reviews:
        raise PermissionDenied(_("Only the working-party secretariat sets the Council's document number."))
    number = (number or "").strip()
    if len(number) > 60:
        errors = FieldErrors()
        errors.add("council_number", _("Use at most 60 characters."))
        errors.raise_if_any()
    case = get_or_create_case(operation)
    before = case.council_number
    case.council_number = number or None
    db.session.flush()
    log_action(case, "business_case.numbered", user, data={"before": before, "after": case.council_number},
               operation_id=operation.id, now=now)
    return case


def document_number(operation, case, version=None):
    """The Council's number when set, else e.g. `JSO 2026/03 BC v2` (`… BC draft` for the working copy)."""
    if case is not None and case.council_number:
        suffix = f" v{version.number}" if version is not None else ""
        return f"{case.council_number}{suffix}"
    tail = f"v{version.number}" if version is not None else _("draft")
    return f"JSO {operation.year}/{operation.sequence:02d} BC {tail}"


def section_label(key):
    return str(SECTION_LABELS.get(key, key))
