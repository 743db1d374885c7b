"""OpenAPI 3.1 components: the schemas of requests and answers, the error responses and the bearer scheme.
The paths come from the registry that `@endpoint` fills (planner/api/base.py)."""
from planner.auth.models import TokenScope
from planner.core.enums import Role
from planner.operations.access import Place
from planner.operations.lifecycle import TRANSITIONS
from planner.operations.models import HandlingMarking, OperationState
from planner.organisations.models import OrganisationKind
from planner.results.models import CONVEYANCE_BY_MODE, OffenderRole, RecordStatus, RouteRole
from planner.vocab.codes import DetectionMethod, LocationType, SelectionBasis, TransportMode
from planner.vocab.units import UNITS

DATETIME = {"type": ["string", "null"], "format": "date-time",
            "description": "ISO 8601 in UTC with its offset, e.g. 2026-05-06T14:30:00+00:00."}
ORG_CODE = {"type": "string", "examples": ["LT", "IT-GDF", "OLAF"]}
STATE = {"type": "string", "enum": OperationState.codes()}

OPERATION_PROPERTIES = {
    "id": {"type": "integer"},
    "reference": {"type": "string", "examples": ["JSO-2026-01"]},
    "code_name": {"type": "string", "examples": ["BALTIC BREEZE"]},
    "lead": {**ORG_CODE, "description": "The lead administration's code."},
    "year": {"type": "integer"},
    "state": STATE,
    "state_label": {"type": "string"},
    "summary": {"type": "string"},
    "handling_marking": {"type": "string", "enum": HandlingMarking.codes()},
    "view": {"type": "string", "enum": ["full", "summary"],
             "description": "summary: an invited organisation or an observer sees only the summary fields."},
    "place": {"type": "string", "enum": [p.value for p in Place],
              "description": "Your organisation's place in the operation."},
    # the full view only
    "lead_name": {"type": "string"},
    "co_organisers": {"type": "array", "items": ORG_CODE},
    "time_zone": {"type": "string", "examples": ["Europe/Brussels"]},
    "version": {"type": "integer", "description": "Send it back with a PATCH (or as If-Match)."},
    "created_at": DATETIME,
    "submitted_at": DATETIME,
    "approved_at": DATETIME,
    "actual_start_at": DATETIME,
    "actual_end_at": DATETIME,
    "closed_at": DATETIME,
    "recorded_afterwards": {"type": "boolean",
                            "description": "Recorded by the secretariat after it took place, directly as closed "
                                           "(`POST /operations/past`); its results were imported afterwards."},
    "available_transitions": {"type": "array", "items": {"type": "string", "enum": list(TRANSITIONS)},
                              "description": "The actions you may take now (their conditions may still refuse)."},
}

PERSON = {
    "type": ["object", "null"],
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                   "organisation": {"type": ["string", "null"]}},
}

SCHEMAS = {
    "Error": {
        "type": "object",
        "description": "Every error has this shape; nested fields use dotted keys (items.0.quantities.1.unit).",
        "required": ["error", "errors"],
        "properties": {
            "error": {"type": "string", "description": "What went wrong, in words a user can read."},
            "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}},
                       "description": "Field (or `conditions`, for a refused transition) → its problems."},
            "current_version": {"type": "integer", "description": "With a stale version (409): the current one."},
        },
        "examples": [{"error": "The data is not valid.", "errors": {"year": ["The year must be a whole number."]}}],
    },
    "Operation": {
        "type": "object",
        "required": ["id", "reference", "code_name", "lead", "year", "state", "summary", "view"],
        "properties": OPERATION_PROPERTIES,
    },
    "OperationList": {
        "type": "object",
        "required": ["items", "total", "page", "per_page", "pages"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Operation"}},
            "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"},
            "pages": {"type": "integer"},
        },
    },
    "OperationCreate": {
        "type": "object",
        "required": ["code_name", "year"],
        "additionalProperties": False,
        "properties": {
            "code_name": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9 \\-]{1,39}$",
                          "description": "2 to 40 letters, digits, spaces or hyphens; stored in capitals."},
            "year": {"type": "integer", "minimum": 2000, "maximum": 2100},
            "lead": {**ORG_CODE, "description": "Default: your organisation. Only admins name another one."},
            "co_organisers": {"type": "array", "items": ORG_CODE},
            "time_zone": {"type": "string", "default": "Europe/Brussels"},
            "handling_marking": {"type": "string", "enum": HandlingMarking.codes(), "default": "LIMITE"},
            "summary": {"type": "string", "maxLength": 5000},
        },
    },
    "OperationUpdate": {
        "type": "object",
        "additionalProperties": False,
        "description": "Only the fields to change, and the version read (here or in If-Match).",
        "properties": {
            "version": {"type": "integer"},
            "code_name": {"type": "string"},
            "year": {"type": "integer", "description": "In draft only."},
            "co_organisers": {"type": "array", "items": ORG_CODE},
            "time_zone": {"type": "string"},
            "handling_marking": {"type": "string", "enum": HandlingMarking.codes()},
            "summary": {"type": "string", "maxLength": 5000},
        },
    },
    "TransitionRequest": {
        "type": "object",
        "required": ["action"],
        "additionalProperties": False,
        "properties": {
            "action": {"type": "string", "enum": list(TRANSITIONS)},
            "comment": {"type": ["string", "null"], "maxLength": 5000,
                        "description": "Required for return, reject and cancel."},
        },
    },
    "AuditEntry": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"}, "created_at": DATETIME,
            "action": {"type": "string", "examples": ["operation.submitted"]},
            "user": PERSON, "organisation": {"type": ["string", "null"]},
            "object_type": {"type": "string"}, "object_id": {"type": ["integer", "null"]},
            "object_label": {"type": "string"}, "data": {"type": "object"},
        },
    },
    "Transition": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"}, "action": {"type": "string", "enum": list(TRANSITIONS)},
            "from_state": STATE, "to_state": STATE, "user": PERSON,
            "comment": {"type": ["string", "null"]}, "created_at": DATETIME,
        },
    },
    "History": {
        "type": "object",
        "properties": {
            "operation": {"type": "object", "properties": {"id": {"type": "integer"},
                                                           "reference": {"type": "string"}}},
            "entries": {"type": "array", "items": {"$ref": "#/components/schemas/AuditEntry"},
                        "description": "Audit entries, newest first, one page of them."},
            "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"},
            "pages": {"type": "integer"},
            "transitions": {"type": "array", "items": {"$ref": "#/components/schemas/Transition"},
                            "description": "Every transition, oldest first."},
        },
    },
    "Organisation": {
        "type": "object",
        "properties": {
            "code": ORG_CODE, "name": {"type": "string"},
            "kind": {"type": "string", "enum": OrganisationKind.codes()},
            "country": {"type": ["string", "null"], "description": "ISO 3166 alpha-2."},
            "is_active": {"type": "boolean"},
        },
    },
    "OrganisationList": {
        "type": "object",
        "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Organisation"}},
                       "total": {"type": "integer"}},
    },
    "Token": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"},
            "prefix": {"type": "string", "description": "The start of the secret, to recognise it."},
            "scopes": {"type": "array", "items": {"type": "string", "enum": list(TokenScope.ALL)}},
            "owner": PERSON, "service_organisation": {"type": ["string", "null"]}, "created_by": PERSON,
            "created_at": DATETIME, "expires_at": DATETIME, "last_used_at": DATETIME, "revoked_at": DATETIME,
            "active": {"type": "boolean"},
        },
    },
    "TokenList": {
        "type": "object",
        "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Token"}},
                       "total": {"type": "integer"}},
    },
    "TokenCreate": {
        "type": "object",
        "required": ["name"],
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 100},
            "scopes": {"type": "array", "items": {"type": "string", "enum": list(TokenScope.ALL)},
                       "default": ["read"],
                       "description": "At most the scopes of the token making the request."},
            "service_organisation": {"type": ["string", "null"],
                                     "description": "An organisation's code: the token then belongs to that "
                                                    "organisation's service account (for a national system)."},
            "expires_at": {"type": ["string", "null"], "format": "date-time",
                           "description": "ISO 8601 with an offset; in the future."},
        },
    },
    "TokenCreated": {
        "allOf": [
            {"$ref": "#/components/schemas/Token"},
            {"type": "object", "required": ["secret"],
             "properties": {"secret": {"type": "string", "description": "Shown this once; only its hash is kept."}}},
        ],
    },
    "Me": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"}, "email": {"type": "string"},
            "role": {"type": "string", "enum": Role.codes()}, "role_label": {"type": "string"},
            "organisation": {"$ref": "#/components/schemas/Organisation"},
            "is_service_account": {"type": "boolean"},
            "permissions": {"type": "array", "items": {"type": "string"}},
            "token": {"$ref": "#/components/schemas/Token"},
        },
    },
    "OpenApiDocument": {"type": "object", "description": "This document."},
}


# --- results: seizures and controls (planner/api/results.py) -------------------------------------------------

DECIMAL = {"type": "string", "pattern": "^[0-9]{1,13}(\\.[0-9]{1,3})?$",
           "description": "An exact decimal as a string (a JSON number with a fraction is refused)."}
MONEY = {"type": ["string", "null"], "pattern": "^[0-9]{1,14}(\\.[0-9]{1,2})?$", "description": "EUR, as a string."}
_COUNTRY = {"type": "string", "pattern": "^[A-Z]{2}$", "description": "ISO 3166 alpha-2."}
_SHARING = {
    "share_with_eu_member_states": {"type": "boolean", "description": "Default: the participant's setting."},
    "share_with_third_countries": {"type": "boolean", "description": "Default: the participant's setting."},
    "share_with_agencies": {"type": "boolean", "description": "Default: the participant's setting."},
    "public_statistics": {"type": "boolean", "default": False},
    "embargo_until": {"type": ["string", "null"], "format": "date",
                      "description": "Kept out of anything public before this day."},
}
_QUANTITY = {"type": "object", "required": ["value", "unit"], "additionalProperties": False, "properties": {
    "value": DECIMAL, "unit": {"type": "string", "enum": list(UNITS)}}}
_ITEM = {"type": "object", "required": ["category", "quantities"], "additionalProperties": False, "properties": {
    "category": {"type": "string", "description": "A commodity category code (vocabulary)."},
    "type": {"type": "string", "description": "A type of that category (vocabulary)."},
    "description": {"type": "string", "maxLength": 2000}, "hs_code": {"type": ["string", "null"]},
    "brand": {"type": "string", "maxLength": 200}, "counterfeit": {"type": "boolean", "default": False},
    "quantities": {"type": "array", "minItems": 1, "maxItems": 5, "items": _QUANTITY},
    "estimated_value_eur": MONEY, "duties_evaded_eur": MONEY}}
SEIZURE_INPUT = {
    "national_reference": {"type": "string", "maxLength": 40,
                           "description": "Unique per administration and operation; left out: assigned "
                                          "(<org>-<year>-<nnnn>)."},
    "seized_at": {"type": "string", "format": "date-time",
                  "description": "ISO 8601 with an offset (without one: the operation's time zone)."},
    "country": _COUNTRY, "place": {"type": "string", "maxLength": 200},
    "location_code": {"type": ["string", "null"], "description": "A UN/LOCODE of the places list."},
    "location_type": {"type": "string", "enum": LocationType.codes()},
    "detection_method": {"type": "string", "enum": DetectionMethod.codes()},
    "warning_id": {"type": ["integer", "null"], "description": "The warning sent to or by you that led to it."},
    "transport_mode": {"type": "string", "enum": TransportMode.codes()},
    "conveyance": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 100},
                   "description": "Details by transport mode: "
                                  + "; ".join(f"{m}: {', '.join(keys)}" for m, keys in CONVEYANCE_BY_MODE.items())},
    "route": {"type": "array", "maxItems": 20, "items": {
        "type": "object", "required": ["country", "role"], "additionalProperties": False, "properties": {
            "country": _COUNTRY, "place": {"type": "string", "maxLength": 200},
            "role": {"type": "string", "enum": RouteRole.codes()}}}},
    "items": {"type": "array", "minItems": 1, "maxItems": 100, "items": _ITEM},
    "concealment": {"type": ["string", "null"], "description": "A concealment method code (catalogue)."},
    "concealment_details": {"type": "string", "maxLength": 2000},
    "modus_operandi": {"type": "string", "maxLength": 8000},
    "offenders": {"type": "array", "maxItems": 200, "description": "Role and nationality only: no names.",
                  "items": {"type": "object", "required": ["role"], "additionalProperties": False, "properties": {
                      "role": {"type": "string", "enum": OffenderRole.codes()}, "nationality": _COUNTRY}}},
    "arrests": {"type": "integer", "minimum": 0, "maximum": 100000, "default": 0},
    "investigation_opened": {"type": "boolean", "default": False},
    **_SHARING,
    "status": {"type": "string", "enum": ["draft", "submitted"], "default": "submitted"},
}
_ITEM_OUT = {**_ITEM, "properties": {**_ITEM["properties"], "quantities": {"type": "array", "items": {
    "type": "object", "properties": {**_QUANTITY["properties"], "normalised_value": DECIMAL,
                                     "base_unit": {"type": "string", "enum": ["kg", "l", "pcs", "EUR"]}}}}}}
SEIZURE_OUTPUT = {
    **SEIZURE_INPUT,
    "items": {"type": "array", "items": _ITEM_OUT},
    "status": {"type": "string", "enum": RecordStatus.codes()},
    "id": {"type": "integer"}, "operation_id": {"type": "integer"},
    "organisation": {**ORG_CODE, "description": "The reporting administration."},
    "phase": {"type": "string", "enum": ["in_operation", "follow_up"],
              "description": "follow_up: seized after the operational phase ended."},
    "withdrawn_reason": {"type": ["string", "null"]}, "withdrawn_at": DATETIME, "submitted_at": DATETIME,
    "created_at": DATETIME, "updated_at": DATETIME,
    "version": {"type": "integer", "description": "Send it back with a PATCH (or as If-Match)."},
}
CONTROL_INPUT = {
    "date": {"type": "string", "format": "date", "description": "A local date of the operation."},
    "location": {"type": "string", "maxLength": 200},
    "location_code": {"type": ["string", "null"], "description": "A UN/LOCODE of the places list."},
    "transport_mode": {"type": "string", "enum": TransportMode.codes()},
    "selection_basis": {"type": "string", "enum": SelectionBasis.codes()},
    "controls": {"type": "integer", "minimum": 0, "maximum": 10000000},
    "hits": {"type": "integer", "minimum": 0, "description": "Controls that found something (≤ controls)."},
    **_SHARING,
}
_FIGURE = {"controls": {"type": "integer"}, "hits": {"type": "integer"},
           "hit_rate": {"type": ["string", "null"], "pattern": "^[01]\\.[0-9]{4}$",
                        "description": "hits / controls with four decimals; null when nothing was controlled."}}


def _list_of(name, **extra):
    return {"type": "object", "required": ["items", "total", "page", "per_page", "pages"], "properties": {
        "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{name}"}},
        "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"},
        "pages": {"type": "integer"}, **extra}}


def _items_of(name):
    return {"type": "object", "required": ["items"],
            "properties": {"items": {"type": "array", "items": {"$ref": f"#/components/schemas/{name}"}}}}


SCHEMAS.update({
    "SeizureCreate": {"type": "object", "required": ["seized_at", "country", "place", "location_type",
                                                     "detection_method", "transport_mode", "items"],
                      "additionalProperties": False, "properties": SEIZURE_INPUT},
    "SeizureBatch": {"type": "object", "required": ["seizures"], "additionalProperties": False, "properties": {
        "seizures": {"type": "array", "minItems": 1, "maxItems": 1000,
                     "items": {"$ref": "#/components/schemas/SeizureCreate"}}}},
    "SeizureCreateOrBatch": {"oneOf": [{"$ref": "#/components/schemas/SeizureCreate"},
                                       {"$ref": "#/components/schemas/SeizureBatch"}]},
    "Seizure": {"type": "object", "properties": SEIZURE_OUTPUT},
    "SeizureBatchCreated": _items_of("Seizure"),
    "SeizureOrBatch": {"oneOf": [{"$ref": "#/components/schemas/Seizure"},
                                 {"$ref": "#/components/schemas/SeizureBatchCreated"}]},
    "SeizureList": _list_of("Seizure", results_embargo_until={
        "type": ["string", "null"], "format": "date",
        "description": "The operation's results embargo: nothing of it is public before this day."}),
    "SeizureUpdate": {"type": "object", "additionalProperties": False,
                      "description": "Only the fields to change, and the version read (here or in If-Match).",
                      "properties": {**SEIZURE_INPUT, "version": {"type": "integer"}}},
    "RecordWithdrawal": {"type": "object", "required": ["reason"], "additionalProperties": False, "properties": {
        "reason": {"type": "string", "minLength": 1, "maxLength": 2000}, "version": {"type": "integer"}}},
    "SeizureComment": {"type": "object", "properties": {
        "id": {"type": "integer"}, "seizure_id": {"type": "integer"}, "organisation": ORG_CODE, "author": PERSON,
        "body": {"type": "string"}, "flags_error": {"type": "boolean"}, "created_at": DATETIME,
        "resolved_at": DATETIME}},
    "SeizureCommentList": _items_of("SeizureComment"),
    "SeizureCommentCreate": {"type": "object", "required": ["body"], "additionalProperties": False, "properties": {
        "body": {"type": "string", "minLength": 1, "maxLength": 4000},
        "flags_error": {"type": "boolean", "default": False,
                        "description": "The record holds an error: its administration is told."}}},
    "ControlCreate": {"type": "object", "required": ["date", "location", "transport_mode", "selection_basis",
                                                     "controls"],
                      "additionalProperties": False, "properties": CONTROL_INPUT},
    "ControlBatch": {"type": "object", "required": ["controls"], "additionalProperties": False, "properties": {
        "controls": {"type": "array", "minItems": 1, "maxItems": 2000,
                     "items": {"$ref": "#/components/schemas/ControlCreate"}}}},
    "ControlCreateOrBatch": {"oneOf": [{"$ref": "#/components/schemas/ControlCreate"},
                                       {"$ref": "#/components/schemas/ControlBatch"}]},
    "Control": {"type": "object", "properties": {
        **CONTROL_INPUT, "id": {"type": "integer"}, "operation_id": {"type": "integer"}, "organisation": ORG_CODE,
        "status": {"type": "string", "enum": ["submitted", "withdrawn"]},
        "withdrawn_reason": {"type": ["string", "null"]}, "version": {"type": "integer"}}},
    "ControlBatchCreated": _items_of("Control"),
    "ControlOrBatch": {"oneOf": [{"$ref": "#/components/schemas/Control"},
                                 {"$ref": "#/components/schemas/ControlBatchCreated"}]},
    "ControlList": _list_of("Control"),
    "ControlUpdate": {"type": "object", "additionalProperties": False,
                      "description": "Only the fields to change, and the version read (here or in If-Match).",
                      "properties": {**CONTROL_INPUT, "version": {"type": "integer"}}},
    "ControlSummary": {"type": "object", "properties": {
        "operation_id": {"type": "integer"},
        "items": {"type": "array", "items": {"type": "object", "properties": {
            "selection_basis": {"type": "string", "enum": SelectionBasis.codes()}, "label": {"type": "string"},
            **_FIGURE}}},
        "total": {"type": "object", "properties": _FIGURE}}},
    "ResultsEmbargo": {"type": "object", "required": ["embargo_until"], "additionalProperties": False,
                       "properties": {"operation_id": {"type": "integer", "readOnly": True},
                                      "embargo_until": {"type": ["string", "null"], "format": "date",
                                                        "description": "null lifts the embargo."}}},
})


def _error_response(description):
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


RESPONSES = {
    "BadRequest": _error_response("The body is not a JSON object (or not JSON at all)."),
    "Unauthorized": _error_response("No valid bearer token: missing, unknown, revoked or expired."),
    "Forbidden": _error_response("The token's user may not do this, or the token lacks the scope."),
    "NotFound": _error_response("No such object, or you may not see it."),
    "Conflict": _error_response("A refused transition (errors.conditions lists why), a stale version "
                                "(with current_version) or a state that does not allow the change."),
    "ValidationFailed": _error_response("Bad input: errors names every field and its problems."),
}

SECURITY_SCHEMES = {
    "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token (jop_…), issued on the Tokens page, with `POST /api/v1/tokens` or "
                       "`flask planner` on the command line. Session cookies do not authenticate the API.",
    },
}


# --- messages: warnings and their feedback (planner/api/messages.py) -------------------------------------------

def _message_schemas():
    from planner.messages.models import FeedbackOutcome, ProfileType, Urgency
    from planner.messages.services import PROFILE_FIELDS
    from planner.results.models import CONVEYANCE_COUNTRY_FIELDS, RouteRole

    country = {"type": "string", "pattern": "^[A-Z]{2}$", "description": "ISO 3166 alpha-2."}
    profile = {
        "type": "object", "additionalProperties": False,
        "description": "The identifiers to control (the conveyance details of a seizure, and a description).",
        "properties": {key: (country if key in CONVEYANCE_COUNTRY_FIELDS else
                             {"type": "string", "maxLength": 2000 if key == "description" else 100})
                       for key in PROFILE_FIELDS},
    }
    route = {"type": "array", "maxItems": 20, "items": {
        "type": "object", "required": ["country", "role"], "additionalProperties": False, "properties": {
            "country": country, "place": {"type": ["string", "null"], "maxLength": 200},
            "role": {"type": "string", "enum": RouteRole.codes()}}}}
    outcome = {"type": "string", "enum": FeedbackOutcome.codes()}
    addressee = {"type": "object", "properties": {
        "organisation": ORG_CODE,
        "outcome": {**outcome, "type": ["string", "null"], "enum": FeedbackOutcome.codes() + [None],
                    "description": "null while the addressee has not answered, and for readers other than the "
                                   "addressee, the sender and the operation's coordinators."},
        "answered": {"type": "boolean", "description": "Whether the addressee has answered (told to every reader)."},
        "feedback": {"type": "string", "description": "Empty for readers who may not see the outcome."},
        "seizure_id": {"type": ["integer", "null"],
                       "description": "The seizure made; null when none, or when it is not shared with you."},
        "seizure_reference": {"type": ["string", "null"]},
        "answered_at": DATETIME,
        "version": {"type": "integer", "description": "Send it back to correct a given feedback."},
        "waiting_hours": {"type": "integer", "description": "Whole hours since the warning was sent, until now "
                                                            "while open, until the answer once given."},
    }}
    warning_input = {
        "subject": {"type": "string", "minLength": 1, "maxLength": 200},
        "profile_type": {"type": "string", "enum": ProfileType.codes()},
        "urgency": {"type": "string", "enum": Urgency.codes()},
        "profile": profile,
        "route": route,
        "indicators": {"type": "string", "maxLength": 8000},
        "details": {"type": "string", "maxLength": 8000},
        "expected_at": {"type": ["string", "null"], "format": "date-time",
                        "description": "ISO 8601 with an offset (without one: the operation's time zone)."},
    }
    return {
        "WarningCreate": {
            "type": "object", "additionalProperties": False,
            "required": ["subject", "profile_type", "urgency", "addressees"],
            "properties": {**warning_input, "addressees": {
                "type": "array", "minItems": 1, "maxItems": 100, "items": ORG_CODE,
                "description": "Accepted participants of the operation (not observers, not your own organisation)."}},
        },
        "Warning": {
            "type": "object",
            "required": ["id", "reference", "operation_id", "sender", "subject", "profile_type", "urgency",
                         "addressees", "created_at"],
            "properties": {
                "id": {"type": "integer"}, "reference": {"type": "string", "examples": ["W-3"]},
                "operation_id": {"type": "integer"}, "sender": {**ORG_CODE, "description": "The sender's code."},
                **warning_input, "created_at": DATETIME,
                "addressees": {"type": "array", "items": addressee},
                "attachments": {"type": "array", "description": "With a single warning only.", "items": {
                    "type": "object", "properties": {
                        "id": {"type": "integer"}, "filename": {"type": "string"},
                        "content_type": {"type": "string"}, "size": {"type": "integer"},
                        "organisation": ORG_CODE, "uploaded_at": DATETIME}}},
            },
        },
        "WarningList": {
            "type": "object", "required": ["items", "total", "page", "per_page", "pages"],
            "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Warning"}},
                           "total": {"type": "integer"}, "page": {"type": "integer"},
                           "per_page": {"type": "integer"}, "pages": {"type": "integer"}},
        },
        "WarningFeedback": {
            "type": "object", "additionalProperties": False, "required": ["outcome"],
            "properties": {
                "outcome": outcome,
                "feedback": {"type": "string", "maxLength": 8000,
                             "description": "Required with not_controlled: why the profile was not controlled."},
                "seizure_id": {"type": ["integer", "null"],
                               "description": "Required with seizure: a submitted seizure of your administration in "
                                              "this operation."},
                "version": {"type": "integer", "description": "Required to correct a given feedback."},
            },
        },
    }


SCHEMAS.update(_message_schemas())
