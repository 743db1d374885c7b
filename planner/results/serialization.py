"""Seizures and controls in their JSON shape (the API's; the edit form and the audit's before/after use it too).
Decimals travel as strings, times in ISO 8601 with an offset (UTC)."""


def _dec(value):
    """A decimal as a string, without trailing fractional zeros (the same before and after a reload)."""
    from planner.core.types import tidy_decimal

    return None if value is None else format(tidy_decimal(value), "f")


def _iso(moment):
    return moment.isoformat() if moment is not None else None


def seizure_json(seizure, for_edit=False):
    """The record as the API returns it. `for_edit`: only the fields a client sends (what update merges onto)."""
    body = {
        "national_reference": seizure.national_reference,
        "seized_at": _iso(seizure.seized_at),
        "country": seizure.country,
        "place": seizure.place,
        "location_code": seizure.location_code,
        "location_type": seizure.location_type,
        "detection_method": seizure.detection_method,
        "warning_id": seizure.warning_id,
        "transport_mode": seizure.transport_mode,
        "conveyance": dict(seizure.conveyance or {}),
        "route": [{"country": s.country, "place": s.place, "role": s.role} for s in seizure.route],
        "items": [
            {"category": it.category, "type": it.type, "description": it.description, "hs_code": it.hs_code,
             "brand": it.brand, "counterfeit": it.counterfeit,
             "quantities": [q_json(q, for_edit) for q in it.quantities],
             "estimated_value_eur": _dec(it.estimated_value_eur), "duties_evaded_eur": _dec(it.duties_evaded_eur)}
            for it in seizure.items
        ],
        "concealment": seizure.concealment,
        "concealment_details": seizure.concealment_details,
        "modus_operandi": seizure.modus_operandi,
        "offenders": [dict(o) for o in (seizure.offenders or [])],
        "arrests": seizure.arrests,
        "investigation_opened": seizure.investigation_opened,
        "share_with_eu_member_states": seizure.share_with_eu_member_states,
        "share_with_third_countries": seizure.share_with_third_countries,
        "share_with_agencies": seizure.share_with_agencies,
        "public_statistics": seizure.public_statistics,
        "embargo_until": seizure.embargo_until.isoformat() if seizure.embargo_until else None,
        "status": seizure.status,
    }
    if for_edit:
        if body["status"] == "withdrawn":
            body["status"] = "submitted"
        return body
    body.update({
        "id": seizure.id,
        "operation_id": seizure.operation_id,
        "organisation": seizure.organisation.code,
        "phase": seizure_phase(seizure),
        "withdrawn_reason": seizure.withdrawn_reason,
        "withdrawn_at": _iso(seizure.withdrawn_at),
        "submitted_at": _iso(seizure.submitted_at),
        "created_at": _iso(seizure.created_at),
        "updated_at": _iso(seizure.updated_at),
        "version": seizure.version,
    })
    return body


def q_json(q, for_edit=False):
    body = {"value": _dec(q.value), "unit": q.unit}
    if not for_edit:
        body.update({"normalised_value": _dec(q.normalised_value), "base_unit": q.base_unit})
    return body


def seizure_phase(seizure):
    """`in_operation` up to the end of the operational phase, `follow_up` after it (DOMAIN.md f.3 item 8)."""
    end = seizure.operation.actual_end_at
    return "follow_up" if end is not None and seizure.seized_at > end else "in_operation"


def control_json(record):
    return {
        "id": record.id,
        "operation_id": record.operation_id,
        "organisation": record.organisation.code,
        "date": record.control_date.isoformat(),
        "location": record.location,
        "location_code": record.location_code,
        "transport_mode": record.transport_mode,
        "selection_basis": record.selection_basis,
        "controls": record.controls,
        "hits": record.hits,
        "share_with_eu_member_states": record.share_with_eu_member_states,
        "share_with_third_countries": record.share_with_third_countries,
        "share_with_agencies": record.share_with_agencies,
        "public_statistics": record.public_statistics,
        "embargo_until": record.embargo_until.isoformat() if record.embargo_until else None,
        "status": record.status,
        "withdrawn_reason": record.withdrawn_reason,
        "version": record.version,
    }
