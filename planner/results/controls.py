"""Controls: per administration, day and location, the number of controls per transport mode and selection
basis and how many found something. One row per (day, location, mode, basis); a row recorded already is a
conflict for a new POST (change it with its version), and an import skips it when its counts are the same."""
from flask_babel import gettext as _
from sqlalchemy import select

from planner.core.audit import log_action
from planner.core.clock import utcnow
from planner.core.errors import FieldErrors, PermissionDenied, ValidationError
from planner.core.versions import check_version
from planner.extensions import db
from planner.operations.access import operation_access
from planner.results.models import ControlRecord, RecordStatus
from planner.results.queries import may_edit_record, may_report
from planner.results.serialization import control_json
from planner.results.services import BatchResult, reporting_organisation
from planner.results.validation import clean_control, context_for

MAX_BATCH = 2000
KEY = ("date", "location", "transport_mode", "selection_basis")
COUNTED = ("controls", "hits")


def _key(clean):
    return tuple(clean[k] for k in KEY)


def _stored(operation, organisation):
    rows = db.session.scalars(select(ControlRecord).where(ControlRecord.operation_id == operation.id,
                                                          ControlRecord.organisation_id == organisation.id))
    return {(r.control_date, r.location, r.transport_mode, r.selection_basis): r for r in rows}


def create_controls(user, operation, records, now=None, skip_identical=False, single=False,
                    organisation=None) -> BatchResult:
    """The records belong to the user's administration; `organisation` names another one only for the import of
    the results of an operation recorded afterwards (planner.results.services.reporting_organisation)."""
    now = now or utcnow()
    access = operation_access(user, operation)
    on_behalf = reporting_organisation(access, organisation)
    if on_behalf is None and not may_report(access):
        raise PermissionDenied(_("Controls are recorded by officers, contact points and coordinators of a "
                                 "participating administration while the operation is operational or "
                                 "post-operational."))
    organisation = on_behalf or user.organisation
    if not isinstance(records, list) or not records:
        raise ValidationError(_("Give at least one control record."), {"controls": [_("Give at least one.")]})
    if len(records) > MAX_BATCH:
        raise ValidationError(_("At most %(n)d control records at once.", n=MAX_BATCH),
                              {"controls": [_("At most %(n)d control records at once.", n=MAX_BATCH)]})
    ctx = context_for(operation, organisation, now)
    stored = _stored(operation, organisation)
    errors = FieldErrors()
    seen = {}
    cleaned, revived = [], []
    result = BatchResult()
    for i, data in enumerate(records):
        prefix = "" if single else f"controls.{i}."
        clean, record_errors = clean_control(data, ctx)
        for key, messages in record_errors.errors.items():
            for message in messages:
                errors.add(f"{prefix}{key}".rstrip("."), message)
        if record_errors:
            continue
        key = _key(clean)
        if key in seen:
            errors.add(f"{prefix}date", _("The same day, location, transport mode and selection basis are given "
                                          "twice (also record %(n)d).", n=seen[key] + 1))
            continue
        seen[key] = i
        existing = stored.get(key)
        if existing is not None and existing.status == RecordStatus.WITHDRAWN.value:
            revived.append((existing, clean))  # recorded again after its withdrawal: the same row, new counts
            continue
        if existing is not None:
            same = existing.controls == clean["controls"] and existing.hits == clean["hits"]
            if skip_identical and same and existing.status == RecordStatus.SUBMITTED.value:
                result.skipped.append(existing.id)
                continue
            errors.add(f"{prefix}controls", _("Controls of this day, location, mode and basis are recorded already "
                                              "(record %(id)d, version %(v)d); change that record instead.",
                                              id=existing.id, v=existing.version))
            continue
        cleaned.append(clean)
    errors.raise_if_any(_("The control record is not valid.") if single else
                        _("Some control records are not valid; none was stored."))
    for clean in cleaned:
        record = ControlRecord(operation_id=operation.id, organisation_id=organisation.id,
                               created_by_id=user.id, created_at=now, control_date=clean["date"],
                               **{k: v for k, v in clean.items() if k != "date"})
        db.session.add(record)
        result.created.append(record)
    for record, clean in revived:
        record.control_date = clean["date"]
        for k, v in clean.items():
            if k != "date":
                setattr(record, k, v)
        record.status, record.withdrawn_reason = RecordStatus.SUBMITTED.value, None
        record.updated_at, record.updated_by_id = now, user.id
        result.created.append(record)
    db.session.flush()
    for record in result.created:
        log_action(record, "controls.recorded", user, data=control_json(record) | {"operation_id": operation.id},
                   operation_id=operation.id, now=now)
    return result


def update_control(user, record, data, expected_version, now=None) -> ControlRecord:
    now = now or utcnow()
    access = operation_access(user, record.operation)
    if not may_edit_record(access, record):
        raise PermissionDenied(_("Only the reporting administration changes its control records, and not once the "
                                 "operation is closed."))
    check_version(expected_version, record.version, _("this control record"))
    if not isinstance(data, dict):
        raise ValidationError(_("Give an object."))
    before = control_json(record)
    merged = {k: before[k] for k in before if k in ("date", "location", "location_code", "transport_mode",
                                                    "selection_basis", "controls", "hits",
                                                    "share_with_eu_member_states", "share_with_third_countries",
                                                    "share_with_agencies", "public_statistics", "embargo_until")}
    merged.update(data)
    ctx = context_for(record.operation, record.organisation, now)
    clean, errors = clean_control(merged, ctx)
    if not errors:
        clash = db.session.scalar(select(ControlRecord.id).where(
            ControlRecord.operation_id == record.operation_id, ControlRecord.organisation_id == record.organisation_id,
            ControlRecord.control_date == clean["date"], ControlRecord.location == clean["location"],
            ControlRecord.transport_mode == clean["transport_mode"],
            ControlRecord.selection_basis == clean["selection_basis"], ControlRecord.id != record.id))
        if clash:
            errors.add("date", _("Another record (%(id)d) holds this day, location, mode and basis.", id=clash))
    errors.raise_if_any(_("The control record is not valid."))
    record.control_date = clean.pop("date")
    for key, value in clean.items():
        setattr(record, key, value)
    record.updated_at, record.updated_by_id = now, user.id
    db.session.flush()
    after = control_json(record)
    log_action(record, "controls.updated", user,
               data={"changes": {k: {"before": before[k], "after": after[k]} for k in after
                                 if k != "version" and before[k] != after[k]}},
               operation_id=record.operation_id, now=now)
    return record


def withdraw_control(user, record, reason, expected_version, now=None) -> ControlRecord:
    now = now or utcnow()
    access = operation_access(user, record.operation)
    if not may_edit_record(access, record):
        raise PermissionDenied(_("Only the reporting administration withdraws its control records."))
    check_version(expected_version, record.version, _("this control record"))
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason or len(reason) > 2000:
        raise ValidationError(_("Say why the record is withdrawn."),
                              {"reason": [_("Give a reason of at most %(n)d characters.", n=2000)]})
    record.status, record.withdrawn_reason = RecordStatus.WITHDRAWN.value, reason
    record.updated_at, record.updated_by_id = now, user.id
    db.session.flush()
    log_action(record, "controls.withdrawn", user, data={"reason": reason}, operation_id=record.operation_id,
               now=now)
    return record
