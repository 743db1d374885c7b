"""Seizures: create (one, or a batch in one transaction), edit (the reporting administration only, with a
version), withdraw (with a reason; never a hard delete), comment or flag an error. Services flush; the request,
CLI command or job commits (DESIGN.md §5.1)."""
import hashlib
import json
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from planner.core.audit import log_action
from planner.core.clock import utcnow
from planner.core.errors import FieldErrors, PermissionDenied, ValidationError
from planner.core.versions import check_version
from planner.extensions import db
from planner.operations.access import operation_access
from planner.results.models import (
    Quantity, RecordStatus, ReferenceCounter, RouteStep, Seizure, SeizureComment, SeizureItem,
)
from planner.results.queries import REPORTING_STATES, may_comment, may_edit_record, may_record_for, may_report
from planner.results.serialization import seizure_json
from planner.results.validation import clean_seizure, context_for

MAX_BATCH = 1000


@dataclass
class BatchResult:
    created: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # stored records identical to a submitted one


def _require_reporter(access):
    if not may_report(access):
        state = access.operation.state
        if state not in ("operational", "post_operational"):
            raise PermissionDenied(_("Results are recorded while the operation is operational or post-operational "
                                     "(it is %(state)s).", state=access.operation.state_enum.label))
        raise PermissionDenied(_("Only officers, contact points and coordinators of a participating "
                                 "administration record results."))


def reporting_organisation(access, organisation=None):
    """The administration new records belong to: the user's own (None), or the accepted participant named when
    the secretariat or an admin imports the results of an operation recorded afterwards."""
    if organisation is None:
        return None
    if not may_record_for(access, organisation):
        raise PermissionDenied(_("Records of %(org)s are recorded by its own officers, contact points and "
                                 "coordinators; the secretariat and admins import them only into an operation "
                                 "recorded afterwards, for its participating administrations.",
                                 org=organisation.code))
    return organisation


def content_hash(clean) -> str:
    """What an import compares with a stored record: its content and its status (a row that submits a stored
    draft is not the same row: it is a conflict, and the draft is submitted on its page or through the API)."""
    return hashlib.sha256(json.dumps(clean, sort_keys=True, default=str).encode()).hexdigest()


def next_reference(organisation, year) -> str:
    """`<org>-<year>-<nnnn>`: the next number of the administration's counter for the year (the row is locked
    until the transaction ends, so two requests never get the same number)."""
    counter = db.session.scalar(select(ReferenceCounter).where(
        ReferenceCounter.organisation_id == organisation.id, ReferenceCounter.year == year).with_for_update())
    if counter is None:
        counter = ReferenceCounter(organisation_id=organisation.id, year=year, last_number=0)
        db.session.add(counter)
    counter.last_number += 1
    db.session.flush()
    return f"{organisation.code}-{year}-{counter.last_number:04d}"


def _reference_taken(operation, organisation, reference, except_id=None):
    stmt = select(Seizure.id).where(Seizure.operation_id == operation.id,
                                    Seizure.organisation_id == organisation.id,
                                    Seizure.national_reference == reference)
    if except_id is not None:
        stmt = stmt.where(Seizure.id != except_id)
    return db.session.scalar(stmt.limit(1)) is not None


SEIZURE_COLUMNS = (
    "national_reference", "seized_at", "country", "place", "location_code", "location_type", "detection_method",
    "warning_id", "transport_mode", "conveyance", "concealment", "concealment_details", "modus_operandi",
    "offenders", "arrests", "investigation_opened", "share_with_eu_member_states", "share_with_third_countries",
    "share_with_agencies", "public_statistics", "embargo_until",
)


def _apply(seizure, clean):
    """Write a clean seizure onto a stored record (items and route replaced as a whole)."""
    for key in SEIZURE_COLUMNS:
        setattr(seizure, key, clean[key])
    seizure.route = [RouteStep(position=i, country=s["country"], place=s["place"], role=s["role"])
                     for i, s in enumerate(clean["route"])]
    seizure.items = [
        SeizureItem(position=i, category=it["category"], type=it["type"], description=it["description"],
                    hs_code=it["hs_code"], brand=it["brand"], counterfeit=it["counterfeit"],
                    estimated_value_eur=it["estimated_value_eur"], duties_evaded_eur=it["duties_evaded_eur"],
                    quantities=[Quantity(position=j, value=q["value"], unit=q["unit"],
                                         normalised_value=q["normalised_value"], base_unit=q["base_unit"])
                                for j, q in enumerate(it["quantities"])])
        for i, it in enumerate(clean["items"])
    ]
    seizure.content_hash = content_hash(clean)


def _new_seizure(user, operation, clean, now, organisation):
    """A new record without its items and route: _insert_children writes those for a whole batch at once."""
    seizure = Seizure(operation_id=operation.id, organisation_id=organisation.id, created_by_id=user.id,
                      created_at=now, status=clean["status"], content_hash=content_hash(clean),
                      **{key: clean[key] for key in SEIZURE_COLUMNS})
    if clean["status"] == RecordStatus.SUBMITTED.value:
        seizure.submitted_at = now
    return seizure


def _insert_children(pairs):
    """The route steps, items and quantities of new seizures [(flushed seizure, clean)], in three bulk INSERTs
    (an import of thousands of seizures would otherwise build and flush an ORM object per row)."""
    from sqlalchemy import insert

    routes = [{"seizure_id": seizure.id, "position": i, "country": step["country"], "place": step["place"],
               "role": step["role"]} for seizure, clean in pairs for i, step in enumerate(clean["route"])]
    items, quantities = [], []
    for seizure, clean in pairs:
        for i, it in enumerate(clean["items"]):
            items.append({"seizure_id": seizure.id, "position": i, "category": it["category"], "type": it["type"],
                          "description": it["description"], "hs_code": it["hs_code"], "brand": it["brand"],
                          "counterfeit": it["counterfeit"], "estimated_value_eur": it["estimated_value_eur"],
                          "duties_evaded_eur": it["duties_evaded_eur"]})
            quantities.append(it["quantities"])
    if routes:
        db.session.execute(insert(RouteStep), routes)
    item_ids = db.session.scalars(insert(SeizureItem).returning(SeizureItem.id, sort_by_parameter_order=True),
                                  items).all()
    rows = [{"item_id": item_id, "position": j, "value": q["value"], "unit": q["unit"],
             "normalised_value": q["normalised_value"], "base_unit": q["base_unit"]}
            for item_id, qs in zip(item_ids, quantities) for j, q in enumerate(qs)]
    db.session.execute(insert(Quantity), rows)
    for seizure, _clean in pairs:  # load them from the database when read
        db.session.expire(seizure, ["items", "route"])


def create_seizure(user, operation, data, now=None) -> Seizure:
    """One seizure of the user's administration. A national reference left empty is assigned."""
    return create_seizures(user, operation, [data], now=now, single=True).created[0]


def create_seizures(user, operation, records, now=None, skip_identical=False, single=False,
                    organisation=None) -> BatchResult:
    """Validate every record, then store all of them or none. Errors are keyed `seizures.<i>.<field>` (a single
    record: `<field>`). A record whose national reference is stored already is a conflict, unless
    `skip_identical` and its content is the same (an import run twice), when it is skipped.

    The records belong to the user's administration; `organisation` names another one only for the import of
    the results of an operation recorded afterwards (`reporting_organisation`), whose records are submitted."""
    now = now or utcnow()
    access = operation_access(user, operation)
    on_behalf = reporting_organisation(access, organisation)
    if on_behalf is None:
        _require_reporter(access)
    organisation = on_behalf or user.organisation
    if not isinstance(records, list) or not records:
        raise ValidationError(_("Give at least one seizure."), {"seizures": [_("Give at least one seizure.")]})
    if len(records) > MAX_BATCH:
        raise ValidationError(_("At most %(n)d seizures at once.", n=MAX_BATCH),
                              {"seizures": [_("At most %(n)d seizures at once.", n=MAX_BATCH)]})
    ctx = context_for(operation, organisation, now)
    errors = FieldErrors()
    cleaned = []
    seen_refs = {}
    stored = _stored_hashes(operation, organisation,
                            [r.get("national_reference") for r in records if isinstance(r, dict)])
    result = BatchResult()
    for i, data in enumerate(records):
        prefix = "" if single else f"seizures.{i}."
        clean, record_errors = clean_seizure(data, ctx)
        for key, messages in record_errors.errors.items():
            for message in messages:
                errors.add(f"{prefix}{key}".rstrip("."), message)
        if record_errors:
            continue
        if on_behalf is not None and clean["status"] != RecordStatus.SUBMITTED.value:
            errors.add(f"{prefix}status", _("The results of an operation recorded afterwards are imported as "
                                            "submitted records: leave the status blank or write submitted."))
            continue
        ref = clean["national_reference"]
        if ref:
            if ref in seen_refs:
                errors.add(f"{prefix}national_reference", _("Given twice in this request (also record %(n)d).",
                                                            n=seen_refs[ref] + 1))
                continue
            seen_refs[ref] = i
            if ref in stored:
                if skip_identical and stored[ref] == content_hash(clean):
                    result.skipped.append(ref)
                    continue
                errors.add(f"{prefix}national_reference",
                           _("%(org)s already recorded %(ref)s in this operation with other content.",
                             org=organisation.code, ref=ref) if on_behalf is not None else
                           _("Your administration already recorded %(ref)s in this operation with other content; "
                             "edit that record instead.", ref=ref) if skip_identical else
                           _("Your administration already recorded %(ref)s in this operation.", ref=ref))
                continue
        cleaned.append(clean)
    errors.raise_if_any(_("The seizure is not valid.") if single else
                        _("Some seizures are not valid; none was stored."))
    for clean in cleaned:
        if not clean["national_reference"]:
            clean["national_reference"] = _free_reference(operation, organisation)
        seizure = _new_seizure(user, operation, clean, now, organisation)
        db.session.add(seizure)
        result.created.append(seizure)
    db.session.flush()
    if cleaned:
        _insert_children(list(zip(result.created, cleaned)))
    for seizure in result.created:
        data = {"status": seizure.status, "reference": seizure.national_reference}
        if on_behalf is not None:
            data["on_behalf_of"] = organisation.code
        log_action(seizure, "seizure.created", user, data=data, operation_id=operation.id, now=now)
        _after_save(user, seizure, now)
    return result


def _free_reference(operation, organisation):
    while True:  # a reference typed by hand may already hold the next number
        ref = next_reference(organisation, operation.year)
        if not _reference_taken(operation, organisation, ref):
            return ref


def _stored_hashes(operation, organisation, refs):
    refs = [r.strip() for r in refs if isinstance(r, str) and r.strip()]
    if not refs:
        return {}
    found = {}
    for chunk in range(0, len(refs), 500):
        rows = db.session.execute(select(Seizure.national_reference, Seizure.content_hash).where(
            Seizure.operation_id == operation.id, Seizure.organisation_id == organisation.id,
            Seizure.national_reference.in_(refs[chunk:chunk + 500])))
        found.update({ref: h for ref, h in rows})
    return found


def _after_save(user, seizure, now):
    """A submitted seizure that cites a warning answers it for the seizing administration (feedback: seizure)."""
    if seizure.warning_id and seizure.status == RecordStatus.SUBMITTED.value:
        from planner.messages.services import link_seizure_to_warning

        link_seizure_to_warning(user, seizure, now=now)


def _check_editor(access, seizure):
    if not may_edit_record(access, seizure):
        if seizure.organisation_id != access.user.organisation_id:
            raise PermissionDenied(_("Only the reporting administration edits its records; comment on it or flag "
                                     "an error instead."))
        if seizure.status == RecordStatus.WITHDRAWN.value:
            raise PermissionDenied(_("A withdrawn record cannot be changed."))
        if access.operation.state == "closed":
            raise PermissionDenied(_("The operation is closed: its records are read-only."))
        raise PermissionDenied(_("You may not edit this record."))


def update_seizure(user, seizure, data, expected_version, now=None) -> Seizure:
    """Change the fields given (the others keep their values); items, route and offenders are replaced as a
    whole when given. A submitted record cannot go back to draft. In evaluation a change is a correction."""
    now = now or utcnow()
    operation = seizure.operation
    access = operation_access(user, operation)
    _check_editor(access, seizure)
    check_version(expected_version, seizure.version, _("this seizure"))
    if not isinstance(data, dict):
        raise ValidationError(_("Give an object."))
    before = seizure_json(seizure, for_edit=True)
    merged = {**before, **data}
    ctx = context_for(operation, seizure.organisation, now)
    clean, errors = clean_seizure(merged, ctx)
    if seizure.status == RecordStatus.SUBMITTED.value and clean.get("status") == RecordStatus.DRAFT.value:
        errors.add("status", _("A submitted record cannot return to draft; withdraw it if it is wrong."))
    if (seizure.status == RecordStatus.DRAFT.value and clean.get("status") == RecordStatus.SUBMITTED.value
            and operation.state not in REPORTING_STATES):
        errors.add("status", _("In evaluation only submitted records are corrected; a draft can no longer be "
                               "submitted."))
    if not clean.get("national_reference") and not errors:
        errors.add("national_reference", _("This field is required."))
    if clean.get("national_reference") and _reference_taken(operation, seizure.organisation,
                                                            clean["national_reference"], except_id=seizure.id):
        errors.add("national_reference", _("Your administration already recorded %(ref)s in this operation.",
                                           ref=clean["national_reference"]))
    errors.raise_if_any(_("The seizure is not valid."))
    if content_hash(clean) == seizure.content_hash and clean["status"] == seizure.status:
        return seizure  # nothing changed: no new version, no audit entry
    _apply(seizure, clean)
    if clean["status"] == RecordStatus.SUBMITTED.value and seizure.status == RecordStatus.DRAFT.value:
        seizure.status = RecordStatus.SUBMITTED.value
        seizure.submitted_at = now
    seizure.updated_at, seizure.updated_by_id = now, user.id
    db.session.flush()
    after = seizure_json(seizure, for_edit=True)
    changed = {k: {"before": before[k], "after": after[k]} for k in after if before.get(k) != after[k]}
    action = "seizure.corrected" if operation.state == "evaluation" else "seizure.updated"
    log_action(seizure, action, user, data={"changes": changed}, operation_id=operation.id, now=now)
    _after_save(user, seizure, now)
    return seizure


def withdraw_seizure(user, seizure, reason, expected_version, now=None) -> Seizure:
    now = now or utcnow()
    access = operation_access(user, seizure.operation)
    _check_editor(access, seizure)
    check_version(expected_version, seizure.version, _("this seizure"))
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise ValidationError(_("Say why the record is withdrawn."), {"reason": [_("This field is required.")]})
    if len(reason) > 2000:
        raise ValidationError(_("The reason is too long."), {"reason": [_("Use at most %(n)d characters.", n=2000)]})
    seizure.status = RecordStatus.WITHDRAWN.value
    seizure.withdrawn_reason, seizure.withdrawn_at = reason, now
    seizure.updated_at, seizure.updated_by_id = now, user.id
    db.session.flush()
    log_action(seizure, "seizure.withdrawn", user, data={"reason": reason}, operation_id=seizure.operation_id,
               now=now)
    from planner.messages.services import reopen_feedback_of_withdrawn_seizure

    reopen_feedback_of_withdrawn_seizure(user, seizure, now=now)
    return seizure


def comment_on_seizure(user, seizure, body, flags_error=False, now=None) -> SeizureComment:
    """A remark, or a flag that the record holds an error (then the reporting administration's contact points
    and coordinators are told: only they may correct it)."""
    now = now or utcnow()
    access = operation_access(user, seizure.operation)
    if not may_comment(access, seizure):
        raise PermissionDenied(_("You may not comment on this record."))
    body = body.strip() if isinstance(body, str) else ""
    errors = FieldErrors()
    if not body:
        errors.add("body", _("This field is required."))
    elif len(body) > 4000:
        errors.add("body", _("Use at most %(n)d characters.", n=4000))
    if not isinstance(flags_error, bool):
        errors.add("flags_error", _("Give true or false."))
    errors.raise_if_any(_("The comment is not valid."))
    comment = SeizureComment(seizure_id=seizure.id, author_id=user.id, organisation_id=user.organisation_id,
                             body=body, flags_error=flags_error, created_at=now)
    db.session.add(comment)
    db.session.flush()
    log_action(seizure, "seizure.error_flagged" if flags_error else "seizure.commented", user,
               data={"comment_id": comment.id}, operation_id=seizure.operation_id, now=now)
    if flags_error and seizure.organisation_id != user.organisation_id:
        from planner.core.notifications import notify
        from planner.participants.services import answerers_of

        notify(answerers_of(seizure.organisation_id), "seizure.error_flagged",
               _("%(org)s flagged an error in your seizure %(ref)s", org=user.organisation.code,
                 ref=seizure.national_reference), body,
               link=f"/operations/{seizure.operation_id}/seizures/{seizure.id}",
               operation_id=seizure.operation_id)
    return comment


def resolve_comment(user, comment, now=None) -> SeizureComment:
    now = now or utcnow()
    seizure = comment.seizure
    access = operation_access(user, seizure.operation)
    if seizure.organisation_id != user.organisation_id or not may_comment(access, seizure):
        raise PermissionDenied(_("Only the reporting administration marks a flagged error as resolved."))
    if comment.resolved_at is None:
        comment.resolved_at, comment.resolved_by_id = now, user.id
        db.session.flush()
        log_action(seizure, "seizure.flag_resolved", user, data={"comment_id": comment.id},
                   operation_id=seizure.operation_id, now=now)
    return comment


def set_results_embargo(user, operation, value, now=None):
    """The operation's results embargo: no result of it appears in anything public before this date (DOMAIN.md
    a.2: results held back until the enquiries are done). Coordinators of the lead and co-organisers set it,
    change it or lift it (`value` None) once the operation is approved; a date already past is refused (it would
    hold nothing back: lift the embargo instead). `value` is a date or "YYYY-MM-DD"."""
    from datetime import date, datetime

    from planner.operations.models import APPROVED_STATES

    now = now or utcnow()
    access = operation_access(user, operation)
    if not access.coordinates:
        raise PermissionDenied(_("Only coordinators of the lead administration and the co-organisers set the "
                                 "results embargo."))
    if operation.state not in APPROVED_STATES:
        raise PermissionDenied(_("A results embargo is set once the operation is approved (it is %(state)s).",
                                 state=operation.state_enum.label))
    errors = FieldErrors()
    day = None
    if isinstance(value, datetime):
        errors.add("embargo_until", _("Give a date (YYYY-MM-DD) without a time."))
    elif isinstance(value, date):
        day = value
    elif isinstance(value, str) and value.strip():
        try:
            day = date.fromisoformat(value.strip()) if len(value.strip()) == 10 else None
        except ValueError:
            day = None
        if day is None:
            errors.add("embargo_until", _("Give a date as YYYY-MM-DD, or null to lift the embargo."))
    elif value is not None and value != "":
        errors.add("embargo_until", _("Give a date as YYYY-MM-DD, or null to lift the embargo."))
    if day is not None:
        from zoneinfo import ZoneInfo

        today = now.astimezone(ZoneInfo(operation.time_zone or "Europe/Brussels")).date()
        if day < today:
            errors.add("embargo_until", _("This date has passed; lift the embargo with null instead."))
        elif day.year > today.year + 20:
            errors.add("embargo_until", _("Give a date within twenty years."))
    errors.raise_if_any(_("The results embargo is not valid."))
    before = operation.results_embargo_until
    if before != day:
        operation.results_embargo_until = day
        db.session.flush()
        log_action(operation, "operation.results_embargo_set", user,
                   data={"before": before.isoformat() if before else None, "after": day.isoformat() if day else None},
                   operation_id=operation.id, now=now)
    return operation
