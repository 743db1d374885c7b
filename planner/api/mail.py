"""API: the mail log (administrators): list, read, send again. The same queries and service as the pages
(planner/mail/queries.py, planner/core/mail.py)."""
from flask import jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from planner.api.base import (
    endpoint, json_body, paging, paging_parameters, query_parameter, reject_unknown_fields,
)
from planner.api.schemas import DATETIME, SCHEMAS
from planner.core.mail import MailStatus, mail_server_configured, resend
from planner.mail.queries import (
    RECIPIENT_MAX, get_visible_mail_message, mail_log_page, mail_message_json, parse_mail_filters,
)

TAGS = ("mail",)


@endpoint(
    "/mail", permission="admin.mail", summary="The mail log", response_schema="MailMessageList", tags=TAGS,
    errors=(422,),
    parameters=[
        query_parameter("status", {"type": "string", "enum": MailStatus.codes()}, "Only messages in this status."),
        query_parameter("recipient", {"type": "string", "maxLength": RECIPIENT_MAX},
                        "Part of the recipient's address (any case)."),
        *paging_parameters(),
    ],
)
def list_mail():
    """Every message the planner sent or would have sent, newest first (administrators). Without a mail server
    (`mail_server_configured`: false) the messages stay in the outbox (`status`: outbox)."""
    values, errors = parse_mail_filters(request.args)
    page, per_page = paging(errors)
    errors.raise_if_any(_("The query parameters are not valid."))
    messages, total, page, pages = mail_log_page(current_user, values["status"] or None,
                                                 values["recipient"] or None, page=page, per_page=per_page)
    return jsonify({"items": [mail_message_json(m) for m in messages], "total": total, "page": page,
                    "per_page": per_page, "pages": pages, "mail_server_configured": mail_server_configured()})


@endpoint("/mail/<int:message_id>", permission="admin.mail", summary="One message of the mail log",
          response_schema="MailMessage", tags=TAGS, errors=(404,))
def get_mail(message_id):
    """The message with its text and HTML parts, as rendered when it was queued."""
    return jsonify(mail_message_json(get_visible_mail_message(current_user, message_id), full=True))


@endpoint("/mail/<int:message_id>/resend", methods=("POST",), permission="admin.mail",
          summary="Send a message again", request_schema="MailResend", response_schema="MailMessage", status=201,
          tags=TAGS, errors=(404,), request_example={})
def resend_mail(message_id):
    """A new copy of the message to the same recipient (`resent_from_id` names the original); audited as
    `mail.resent`. The copy goes out after the request commits: the answer shows it `queued` (or `outbox` without
    a mail server); read it again (its `Location`) to see whether it was sent."""
    message = get_visible_mail_message(current_user, message_id)
    if request.get_data(cache=True):
        reject_unknown_fields(json_body(), set())
    copy = resend(message, current_user)
    response = jsonify(mail_message_json(copy, full=True))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_mail", message_id=copy.id)
    return response


_MESSAGE_PROPERTIES = {
    "id": {"type": "integer"},
    "created_at": DATETIME,
    "kind": {"type": "string", "examples": ["participation.invited", "reminder.nominations"]},
    "recipient": {"type": "string", "format": "email"},
    "user_id": {"type": ["integer", "null"]},
    "subject": {"type": "string"},
    "status": {"type": "string", "enum": MailStatus.codes(),
               "description": "outbox: no mail server is configured, kept for the outbox page; queued: to be sent; "
                              "sending: being sent; sent; failed: tried again later (at most 5 attempts)."},
    "attempts": {"type": "integer"},
    "last_attempt_at": DATETIME,
    "sent_at": DATETIME,
    "last_error": {"type": ["string", "null"]},
    "operation_id": {"type": ["integer", "null"]},
    "notification_id": {"type": ["integer", "null"]},
    "resent_from_id": {"type": ["integer", "null"], "description": "The message this one is a copy of."},
}
SCHEMAS.update({
    "MailMessage": {"type": "object", "properties": {
        **_MESSAGE_PROPERTIES,
        "text_body": {"type": "string", "description": "One message only (not in the list)."},
        "html_body": {"type": "string", "description": "One message only (not in the list)."}}},
    "MailMessageList": {"type": "object", "properties": {
        "items": {"type": "array", "items": {"type": "object", "properties": _MESSAGE_PROPERTIES}},
        "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"},
        "pages": {"type": "integer"}, "mail_server_configured": {"type": "boolean"}}},
    "MailResend": {"type": "object", "additionalProperties": False, "properties": {},
                   "description": "Nothing to send: an empty object (or no body)."},
})
