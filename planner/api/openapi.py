"""The OpenAPI 3.1 document at /api/v1/openapi.json, built from the registry that `@endpoint` fills.
It is public: it describes the API, holds no data, and a national system's developers read it before they
have a token."""
from flask import jsonify

from planner.api.base import OPENAPI_PATHS, endpoint
from planner.api.schemas import RESPONSES, SCHEMAS, SECURITY_SCHEMES

TAGS = [
    {"name": "operations", "description": "Operations and their lifecycle."},
    {"name": "accounts", "description": "Who the token acts for, and API tokens."},
    {"name": "participants", "description": "Invitations, answers, nominations and the roster."},
    {"name": "business cases", "description": "Business cases, the working party's review, the programme."},
    {"name": "schedule", "description": "Phases, deadlines, reminders, the calendar and iCalendar files."},
    {"name": "results", "description": "Seizures, controls, the Excel import, the concealment catalogue."},
    {"name": "messages", "description": "Warnings and their feedback."},
    {"name": "attachments", "description": "Photos, X-ray images and scans on seizures and warnings."},
    {"name": "mail", "description": "The mail log and outbox (admins)."},
    {"name": "reports", "description": "Final reports of operations, the annual report, public summaries."},
    {"name": "reference", "description": "Reference data."},
    {"name": "meta", "description": "This description."},
]


def openapi_document():
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Joint Operations Planner API",
            "version": "1",
            "description": (
                "The JSON API of the Joint Operations Planner: the same permissions and rules as the pages. "
                "Authenticate with `Authorization: Bearer <token>`; session cookies are not accepted. "
                "Errors always have the shape `{\"error\": \"…\", \"errors\": {\"field\": [\"…\"]}}`, with "
                "dotted keys for nested fields. Times are ISO 8601 in UTC with their offset."
            ),
        },
        "servers": [{"url": "/"}],
        "tags": TAGS,
        "security": [{"bearer": []}],
        "paths": {path: dict(sorted(ops.items())) for path, ops in sorted(OPENAPI_PATHS.items())},
        "components": {"schemas": SCHEMAS, "responses": RESPONSES, "securitySchemes": SECURITY_SCHEMES},
    }


@endpoint("/openapi.json", permission="public", summary="This OpenAPI 3.1 document",
          response_schema="OpenApiDocument", tags=("meta",))
def openapi_json():
    """Public: no token needed."""
    return jsonify(openapi_document())
