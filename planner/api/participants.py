"""API: invitations, answers, withdrawals, nominations, sharing settings and the roster. The same services and
queries as the pages (planner/participants)."""
from flask import Response, jsonify
from flask_babel import gettext as _
from flask_login import current_user

from planner.api.base import endpoint, expected_version, json_body, reject_unknown_fields
from planner.api.schemas import SCHEMAS
from planner.api.serializers import iso
from planner.core.errors import NotFound, PermissionDenied
from planner.core.spreadsheets import XLSX_MIMETYPE
from planner.operations.queries import get_visible_operation
from planner.participants import exports
from planner.participants.queries import may_view_nomination, participation_known, visible_invitations, visible_roster
from planner.participants.models import ParticipationRole, ParticipationStatus
from planner.participants.services import (
    SHARING_FIELDS, invite, nomination_json, participation_for, respond, save_nomination, save_sharing,
    sharing_json, withdraw,
)

TAGS = ("participants",)


def participation_json(p):
    return {
        "organisation": p.organisation.code,
        "organisation_name": p.organisation.name,
        "role": p.role,
        "status": p.status,
        "is_lead": p.is_lead,
        "is_co_organiser": p.is_co_organiser,
        "respond_by": p.respond_by.isoformat() if p.respond_by else None,
        "invited_at": iso(p.invited_at),
        "answered_at": iso(p.answered_at),
        "reason": p.reason,
    }


def roster_json(roster):
    entries = []
    for entry in roster.entries:
        p = entry.participation
        body = {"organisation": p.organisation.code, "organisation_name": p.organisation.name, "role": p.role,
                "status": p.status, "is_lead": p.is_lead, "is_co_organiser": p.is_co_organiser}
        if entry.show_contacts or entry.show_details:
            body["contact_points"] = [{"name": c.user.name, "email": c.user.email, "phone": c.phone,
                                       "available_24_7": c.available_24_7} for c in entry.contact_points]
        if entry.show_details:
            full = nomination_json(p.nomination)
            for key in ("external_contacts", "liaison_officers", "officers_deployed", "equipment", "languages",
                        "control_locations"):
                body[key] = full[key]
            body["sharing"] = sharing_json(p)
            if roster.level == "full":
                body.update({"respond_by": p.respond_by.isoformat() if p.respond_by else None, "reason": p.reason})
        entries.append(body)
    return {"operation": {"id": roster.operation.id, "reference": roster.operation.reference,
                          "handling_marking": roster.operation.handling_marking},
            "level": roster.level, "entries": entries}


@endpoint("/operations/<int:operation_id>/invitations", summary="Invitations of an operation", tags=TAGS,
          response_schema="InvitationList", errors=(404,))
def list_invitations(operation_id):
    """Every invitation and its answer for the lead, co-organisers, the secretariat and admins; your own
    organisation's invitation for everybody else who sees the operation."""
    _operation, access = get_visible_operation(current_user, operation_id)
    return jsonify({"items": [participation_json(p) for p in visible_invitations(access)]})


@endpoint("/operations/<int:operation_id>/invitations", methods=("POST",), summary="Invite organisations",
          tags=TAGS, request_schema="InvitationCreate", response_schema="InvitationList", status=201,
          errors=(404, 409), request_example={"organisations": ["DE", "PL"], "role": "participant",
                                              "respond_by": "2026-03-01"})
def create_invitations(operation_id):
    """Coordinators of the lead and co-organisers, while the operation is in draft or planning. Several
    organisations at once; a declined or withdrawn organisation may be invited again. The answer date is fixed
    when sent; without `respond_by` the schedule's proposed date applies (`proposed_respond_by` of
    `GET /operations/{id}/phases`)."""
    operation, _access = get_visible_operation(current_user, operation_id)
    data = json_body()
    reject_unknown_fields(data, ("organisations", "role", "respond_by"))
    invited = invite(current_user, operation, data)
    response = jsonify({"items": [participation_json(p) for p in invited]})
    response.status_code = 201
    return response


@endpoint("/operations/<int:operation_id>/invitations/<org>/response", methods=("POST",), tags=TAGS,
          summary="Accept or decline an invitation", request_schema="InvitationResponse",
          response_schema="Invitation", errors=(404, 409), request_example={"accept": False, "reason": "No staff."})
def respond_to_invitation(operation_id, org):
    """Only the invited organisation's contact points and coordinators; a reason is required to decline."""
    operation, _access = get_visible_operation(current_user, operation_id)
    data = json_body()
    reject_unknown_fields(data, ("accept", "reason"))
    participation = respond(current_user, operation, org, data.get("accept"), data.get("reason"))
    return jsonify(participation_json(participation))


@endpoint("/operations/<int:operation_id>/invitations/<org>/withdrawal", methods=("POST",), tags=TAGS,
          summary="Withdraw an invitation, or withdraw from the operation", request_schema="Withdrawal",
          response_schema="Invitation", errors=(404, 409), request_example={"reason": "Staff needed elsewhere."})
def withdraw_participation(operation_id, org):
    """A coordinator of the lead withdraws an open invitation of another organisation; an accepted participant
    (not the lead) withdraws itself, with a reason."""
    operation, _access = get_visible_operation(current_user, operation_id)
    data = json_body()
    reject_unknown_fields(data, ("reason",))
    participation = withdraw(current_user, operation, org, data.get("reason"))
    return jsonify(participation_json(participation))


def _nomination_response(participation):
    body = nomination_json(participation.nomination)
    body["organisation"] = participation.organisation.code
    response = jsonify(body)
    response.set_etag(str(body["version"]))
    return response


def _visible_participation(operation_id, org):
    operation, access = get_visible_operation(current_user, operation_id)
    participation = participation_for(operation, org)
    if not participation_known(access, participation):
        raise NotFound(_("This organisation has no place in the operation."))
    if not participation.is_participant or not may_view_nomination(access, participation):
        raise PermissionDenied(_("You may not see this nomination."))
    return operation, participation


@endpoint("/operations/<int:operation_id>/nominations/<org>", summary="A participant's nomination", tags=TAGS,
          response_schema="Nomination", errors=(404,))
def get_nomination(operation_id, org):
    """The participant itself, the lead and co-organisers, the secretariat and admins. `version` 0: nothing
    nominated yet."""
    _operation, participation = _visible_participation(operation_id, org)
    return _nomination_response(participation)


@endpoint("/operations/<int:operation_id>/nominations/<org>", methods=("PUT",), tags=TAGS,
          summary="Replace a participant's nomination", request_schema="Nomination", response_schema="Nomination",
          errors=(404, 409),
          request_example={"contact_points": [{"user": "ncp@customs.lt.example", "phone": "+370 5 123 4567",
                                               "available_24_7": True}],
                           "liaison_officers": [{"name": "R. Jonaitis", "from": "2026-05-04", "to": "2026-05-15"}],
                           "officers_deployed": 40, "equipment": ["scanner", "detector_dog"],
                           "languages": ["en", "lt"],
                           "control_locations": [{"code": "LTMDK", "transport_sectors": ["road"]}], "version": 0})
def put_nomination(operation_id, org):
    """Contact points and coordinators of the participant, for their own organisation only. Send the whole
    nomination and the `version` you read (0 for the first one; or If-Match); a stale version answers 409.
    Field errors use dotted keys (`control_locations.0.code`); nothing is saved when any field is wrong."""
    operation, _access = get_visible_operation(current_user, operation_id)
    data = json_body()
    version = 0 if type(data.get("version")) is int and data["version"] == 0 else expected_version(data)
    data.pop("version", None)
    data.pop("organisation", None)
    nomination = save_nomination(current_user, operation, org, data, expected_version=version)
    return _nomination_response(nomination.participation)


@endpoint("/operations/<int:operation_id>/sharing/<org>", summary="A participant's sharing settings", tags=TAGS,
          response_schema="Sharing", errors=(404,))
def get_sharing(operation_id, org):
    """Whether the participant's results may be seen by EU Member State participants, third-country participants
    and agencies (defaults: yes, no, no)."""
    _operation, participation = _visible_participation(operation_id, org)
    response = jsonify({**sharing_json(participation), "organisation": participation.organisation.code,
                        "version": participation.version})
    response.set_etag(str(participation.version))
    return response


@endpoint("/operations/<int:operation_id>/sharing/<org>", methods=("PUT",), tags=TAGS,
          summary="Change a participant's sharing settings", request_schema="Sharing", response_schema="Sharing",
          errors=(404, 409), request_example={"share_with_third_countries": True, "version": 2})
def put_sharing(operation_id, org):
    """Contact points and coordinators of the participant. Send the fields to change and the `version` read."""
    operation, _access = get_visible_operation(current_user, operation_id)
    data = json_body()
    version = expected_version(data)
    data.pop("organisation", None)
    participation = save_sharing(current_user, operation, org, {k: v for k, v in data.items() if k != "version"},
                                 expected_version=version)
    response = jsonify({**sharing_json(participation), "organisation": participation.organisation.code,
                        "version": participation.version})
    return response


@endpoint("/operations/<int:operation_id>/roster", summary="The roster", tags=TAGS, response_schema="Roster",
          errors=(404,))
def get_roster(operation_id):
    """The lead, co-organisers, the secretariat and admins: everything (`level` full); an accepted participant:
    the contact points of every participant and its own nomination (`contacts`); an observer: the organisations
    taking part (`organisations`); an invited organisation: 403; anyone else: 404."""
    _operation, access = get_visible_operation(current_user, operation_id)
    return jsonify(roster_json(visible_roster(access)))


@endpoint("/operations/<int:operation_id>/roster.xlsx", summary="The roster as an Excel workbook", tags=TAGS,
          errors=(404,))
def get_roster_xlsx(operation_id):
    """The same roster as `GET …/roster`, one row per person and one per control location. The download is
    audited (`document.downloaded`, with the handling marking)."""
    operation, access = get_visible_operation(current_user, operation_id)
    content = exports.roster_xlsx(visible_roster(access))
    exports.log_download(operation, current_user, "roster.xlsx")
    return Response(content, mimetype=XLSX_MIMETYPE, headers={
        "Content-Disposition": f'attachment; filename="{operation.reference}-roster.xlsx"'})


@endpoint("/operations/<int:operation_id>/roster.pdf", summary="The contact list as a PDF", tags=TAGS,
          errors=(404,))
def get_roster_pdf(operation_id):
    """The contact list with the handling marking on every page. The download is audited."""
    operation, access = get_visible_operation(current_user, operation_id)
    content = exports.roster_pdf(visible_roster(access), current_user)
    exports.log_download(operation, current_user, "roster.pdf")
    return Response(content, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{operation.reference}-roster.pdf"'})



# --- OpenAPI components of this module ------------------------------------------------------------------------

_DATE = {"type": ["string", "null"], "format": "date"}
_ORG = {"type": "string", "examples": ["LT", "IT-GDF", "OLAF"]}
_INVITATION = {
    "type": "object",
    "properties": {
        "organisation": _ORG, "organisation_name": {"type": "string"},
        "role": {"type": "string", "enum": ParticipationRole.codes()},
        "status": {"type": "string", "enum": ParticipationStatus.codes()},
        "is_lead": {"type": "boolean"}, "is_co_organiser": {"type": "boolean"}, "respond_by": _DATE,
        "invited_at": {"type": ["string", "null"], "format": "date-time"},
        "answered_at": {"type": ["string", "null"], "format": "date-time"},
        "reason": {"type": ["string", "null"]},
    },
}
_SHARING_PROPS = {field: {"type": "boolean"} for field in SHARING_FIELDS}
_NOMINATION_PROPS = {
    "contact_points": {"type": "array", "items": {"type": "object", "required": ["user"], "properties": {
        "user": {"type": "string", "format": "email", "description": "A user account of the organisation."},
        "phone": {"type": "string"}, "available_24_7": {"type": "boolean"}}}},
    "external_contacts": {"type": "array", "description": "Listed on the roster; never notified.",
                          "items": {"type": "object", "required": ["name"], "properties": {
                              "name": {"type": "string"}, "email": {"type": "string"}, "phone": {"type": "string"}}}},
    "liaison_officers": {"type": "array", "items": {"type": "object", "required": ["name"], "properties": {
        "name": {"type": "string"}, "from": _DATE, "to": _DATE}}},
    "officers_deployed": {"type": ["integer", "null"], "minimum": 0, "maximum": 100000},
    "equipment": {"type": "array", "items": {"type": "string"}, "description": "Codes of the equipment vocabulary."},
    "languages": {"type": "array", "items": {"type": "string", "pattern": "^[a-z]{2}$"},
                  "description": "ISO 639-1 codes."},
    "control_locations": {"type": "array", "items": {"type": "object", "required": ["code", "transport_sectors"],
                                                     "properties": {
        "code": {"type": "string", "pattern": "^[A-Z]{2}[A-Z2-9]{3}$", "description": "A UN/LOCODE of the places list."},
        "transport_sectors": {"type": "array", "items": {"type": "string"}}}}},
    "version": {"type": "integer", "description": "The version read (0 before the first nomination)."},
}
SCHEMAS.update({
    "Invitation": _INVITATION,
    "InvitationList": {"type": "object", "properties": {"items": {"type": "array",
                                                                  "items": {"$ref": "#/components/schemas/Invitation"}}}},
    "InvitationCreate": {"type": "object", "required": ["organisations"], "additionalProperties": False,
                         "properties": {"organisations": {"type": "array", "items": _ORG},
                                        "role": {"type": "string", "enum": ParticipationRole.codes(),
                                                 "default": "participant"},
                                        "respond_by": {"type": "string", "format": "date",
                                                       "description": "Left out: the date the schedule proposes "
                                                                      "(two weeks before the nominations are due, "
                                                                      "at least a week from today)."}}},
    "InvitationResponse": {"type": "object", "required": ["accept"], "additionalProperties": False,
                           "properties": {"accept": {"type": "boolean"},
                                          "reason": {"type": ["string", "null"], "maxLength": 2000,
                                                     "description": "Required to decline."}}},
    "Withdrawal": {"type": "object", "additionalProperties": False,
                   "properties": {"reason": {"type": ["string", "null"], "maxLength": 2000}}},
    "Nomination": {"type": "object", "properties": _NOMINATION_PROPS},
    "Sharing": {"type": "object", "properties": {**_SHARING_PROPS, "version": {"type": "integer"}}},
    "Roster": {"type": "object", "properties": {
        "operation": {"type": "object"},
        "level": {"type": "string", "enum": ["full", "contacts", "organisations"]},
        "entries": {"type": "array", "items": {"type": "object"}}}},
})
