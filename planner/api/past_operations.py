"""API: recording an operation of an earlier year afterwards. The same service as the page
(planner.past_operations.services); its results are then imported with `POST /operations/{id}/seizures/import` and
`POST /operations/{id}/controls/import`, naming each row's administration."""
from flask import jsonify, url_for
from flask_login import current_user

from planner.api.base import endpoint, json_body
from planner.api.schemas import ORG_CODE, SCHEMAS
from planner.api.serializers import operation_json
from planner.operations.access import operation_access
from planner.operations.models import HandlingMarking
from planner.past_operations.services import FIRST_YEAR, record_past_operation
from planner.vocab.codes import TransportMode

_DESCRIPTION = (
    "The working-party secretariat and admins record an operation of an earlier year (from "
    f"{FIRST_YEAR}, before the current year) directly as closed, marked `recorded_afterwards`: approved by the "
    "recording user and started at the start of its first operational day, ended at the end of its last, closed "
    "now, with one transition (`record_past`) and the audit entry `operation.recorded_past`. The lead (any "
    "organisation but the secretariat) and the `participants` are accepted participants, the `observers` accepted "
    "observers. The targeted goods (commodity categories of the vocabulary) and transport sectors go into its "
    "business case, the dates into its schedule, `granted_eur` into a funding decision: the programme, the "
    "comparison with the year before and the evidence for new business cases count them.\n\n"
    "Its results are then imported with the operation's template (`GET …/seizures/template.xlsx`) through "
    "`POST …/seizures/import` and `POST …/controls/import`: the template of an operation recorded afterwards has a "
    "first column `administration`, the code of the participating administration whose record each row is "
    "(required on every row); the records are stored as submitted records of that administration. Nobody else adds "
    "records to a closed operation.\n\n"
    "Every wrong field is named in `errors` (422): e.g. `year` in the current year or later, `operational_end` "
    "before `operational_start` or outside the year, an unknown organisation under `lead`, `participants` or "
    "`observers`. Unknown fields are refused."
)


@endpoint(
    "/operations/past", methods=("POST",), permission="operations.record_past",
    summary="Record a past operation (directly as closed)", request_schema="PastOperationCreate",
    response_schema="Operation", status=201, description=_DESCRIPTION,
    request_example={"code_name": "LAST HARBOUR", "year": 2025, "lead": "LT", "participants": ["PL", "LV"],
                     "observers": ["EUROPOL"], "operational_start": "2025-03-03", "operational_end": "2025-03-16",
                     "targeted_goods": ["tobacco", "cigarettes"], "transport_sectors": ["sea_container"],
                     "requested_eur": "85000.00", "granted_eur": "80000.00",
                     "summary": "Water-pipe tobacco in sea containers through the Baltic ports."},
)
def record_past_operation_endpoint():
    operation = record_past_operation(current_user, json_body())
    response = jsonify(operation_json(operation, operation_access(current_user, operation)))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_operation", operation_id=operation.id)
    return response


SCHEMAS["PastOperationCreate"] = {
    "type": "object",
    "required": ["code_name", "year", "lead", "operational_start", "operational_end", "targeted_goods",
                 "transport_sectors"],
    "additionalProperties": False,
    "properties": {
        "code_name": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9 \\-]{1,39}$",
                      "description": "2 to 40 letters, digits, spaces or hyphens; stored in capitals."},
        "year": {"type": "integer", "minimum": FIRST_YEAR, "description": "Earlier than the current year."},
        "lead": {**ORG_CODE, "description": "The lead administration: any organisation but the secretariat."},
        "participants": {"type": "array", "items": ORG_CODE,
                         "description": "The other participating administrations (accepted participants)."},
        "observers": {"type": "array", "items": ORG_CODE, "description": "Accepted observers."},
        "operational_start": {"type": "string", "format": "date", "description": "In the operation's year."},
        "operational_end": {"type": "string", "format": "date",
                            "description": "In the operation's year, not before the start."},
        "targeted_goods": {"type": "array", "minItems": 1, "items": {"type": "string"},
                           "description": "Commodity categories of the vocabulary, e.g. cigarettes, drugs."},
        "transport_sectors": {"type": "array", "minItems": 1,
                              "items": {"type": "string", "enum": TransportMode.codes()}},
        "requested_eur": {"type": ["string", "null"], "examples": ["85000.00"],
                          "description": "The funding requested, in EUR (at most 2 decimals)."},
        "granted_eur": {"type": ["string", "null"], "examples": ["80000.00"],
                        "description": "The funding granted, in EUR: recorded as the funding decision."},
        "time_zone": {"type": "string", "default": "Europe/Brussels"},
        "handling_marking": {"type": "string", "enum": HandlingMarking.codes(), "default": "LIMITE"},
        "summary": {"type": "string", "maxLength": 5000},
    },
}
