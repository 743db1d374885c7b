"""OpenAPI 3.1 components: the schemas of requests and answers, the error responses and the bearer scheme.
The paths come from the registry that `@endpoint` fills (planner/api/base.py)."""
from planner.auth.models import TokenScope
from planner.core.enums import Role
from planner.operations.access import Place
from planner.operations.lifecycle import TRANSITIONS
from planner.operations.models import HandlingMarking, OperationState
from planner.organisations.models import OrganisationKind

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
