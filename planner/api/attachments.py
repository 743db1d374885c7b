"""API: attachments of seizures and warnings (photos, X-ray images, scanned documents). Uploads are multipart
form data with one field, `file`; the type is found from the content (JPEG, PNG, PDF), never from the name or
the part's Content-Type. The same services and queries as the pages (planner/results/attachments.py)."""
from flask import jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from planner.api.base import OPENAPI_PATHS, BadRequest, endpoint
from planner.api.schemas import SCHEMAS
from planner.api.serializers import iso
from planner.auth.models import TokenScope
from planner.core.errors import FieldErrors
from planner.messages.queries import warning_by_id_for
from planner.results.attachments import (
    TYPE_LABELS, attachment_by_id_for, download_response, entry_of, list_attachments, max_bytes,
    read_attachment, store_attachment,
)
from planner.results.queries import seizure_by_id_for

TAGS = ("attachments",)
FIELD = "file"


def attachment_json(entry):
    return {
        "id": entry.id,
        "filename": entry.filename,
        "content_type": entry.content_type,
        "size": entry.size,
        "sha256": entry.sha256,
        "uploaded_at": iso(entry.uploaded_at),
        "organisation": entry.organisation,
        "download_url": url_for("api.get_attachment", attachment_id=entry.id),
    }


def _uploaded_file():
    """(filename, bytes) of the multipart field `file`: at most one byte more than the limit is read, so that
    the check refuses a larger file without holding it."""
    if request.mimetype != "multipart/form-data":
        raise BadRequest(_("Send the file as multipart/form-data, in the field '%(field)s'.", field=FIELD))
    errors = FieldErrors()
    for name in sorted((set(request.form) | set(request.files)) - {FIELD}):
        errors.add(name, _("Unknown field; send only '%(field)s'.", field=FIELD))
    files = request.files.getlist(FIELD)
    if not files:
        errors.add(FIELD, _("Send the file in the multipart field '%(field)s'.", field=FIELD))
    elif len(files) > 1:
        errors.add(FIELD, _("Send one file per request."))
    errors.raise_if_any(_("The file was refused."))
    upload = files[0]
    return upload.filename or "", upload.stream.read(max_bytes() + 1)


def _created(attachment):
    response = jsonify(attachment_json(entry_of(attachment)))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_attachment", attachment_id=attachment.id)
    return response


@endpoint("/seizures/<int:seizure_id>/attachments", summary="Attachments of a seizure", tags=TAGS,
          response_schema="AttachmentList", errors=(404,))
def list_seizure_attachments(seizure_id):
    """Everybody who sees the record sees its attachments, oldest first (404 otherwise)."""
    seizure, _access = seizure_by_id_for(current_user, seizure_id)
    return jsonify({"items": [attachment_json(e) for e in list_attachments(seizure)]})


@endpoint("/seizures/<int:seizure_id>/attachments", methods=("POST",), scope=TokenScope.WRITE_RESULTS, tags=TAGS,
          summary="Attach a file to a seizure", request_schema="AttachmentUpload", response_schema="Attachment",
          status=201, errors=(404,))
def add_seizure_attachment(seizure_id):
    """The reporting administration's coordinators, contact points and officers, while the record may be edited.
    Multipart form data with the field `file`: a JPEG, PNG or PDF file (checked by its content), at most the
    configured size (PLANNER_ATTACHMENT_MAX_BYTES, 10 MB by default)."""
    seizure, _access = seizure_by_id_for(current_user, seizure_id)
    filename, content = _uploaded_file()
    return _created(store_attachment(current_user, seizure, filename, content))


@endpoint("/warnings/<int:warning_id>/attachments", summary="Attachments of a warning", tags=TAGS,
          response_schema="AttachmentList", errors=(404,))
def list_warning_attachments(warning_id):
    """Everybody who sees the warning (its sender, its addressees, the organisers' coordinators) sees its
    attachments, oldest first (404 otherwise)."""
    warning, _access = warning_by_id_for(current_user, warning_id)
    return jsonify({"items": [attachment_json(e) for e in list_attachments(warning)]})


@endpoint("/warnings/<int:warning_id>/attachments", methods=("POST",), tags=TAGS,
          summary="Attach a file to a warning", request_schema="AttachmentUpload", response_schema="Attachment",
          status=201, errors=(404,))
def add_warning_attachment(warning_id):
    """The coordinators, contact points and officers of the warning's sender and of its addressees, until the
    operation closes. Multipart form data with the field `file`, as for seizures."""
    warning, _access = warning_by_id_for(current_user, warning_id)
    filename, content = _uploaded_file()
    return _created(store_attachment(current_user, warning, filename, content))


@endpoint("/attachments/<int:attachment_id>", summary="The file of an attachment", tags=TAGS, errors=(404, 409))
def get_attachment(attachment_id):
    """The bytes, with the type found at upload, as a download (`Content-Disposition: attachment`), for those who
    see the record (404 otherwise). Before it is sent, the stored file is checked against its SHA-256: a file
    that no longer matches is refused (409) and the refusal logged."""
    attachment, _access = attachment_by_id_for(current_user, attachment_id)
    return download_response(attachment, read_attachment(attachment))


# --- OpenAPI components of this module ------------------------------------------------------------------------

SCHEMAS.update({
    "Attachment": {"type": "object", "properties": {
        "id": {"type": "integer"},
        "filename": {"type": "string", "maxLength": 200,
                     "description": "The name given at upload, cleaned (no path, no control characters); its "
                                    "extension matches the content."},
        "content_type": {"type": "string", "enum": list(TYPE_LABELS), "description": "Found from the content."},
        "size": {"type": "integer", "description": "In bytes."},
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "uploaded_at": {"type": "string", "format": "date-time"},
        "organisation": {"type": "string", "description": "The uploading administration's code."},
        "download_url": {"type": "string", "examples": ["/api/v1/attachments/12"]},
    }},
    "AttachmentList": {"type": "object", "properties": {
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Attachment"}}}},
    "AttachmentUpload": {"type": "object", "required": [FIELD], "additionalProperties": False, "properties": {
        FIELD: {"type": "string", "contentMediaType": "application/octet-stream",
                "description": "A JPEG or PNG image or a PDF document. Its content decides its type: a file named "
                               ".jpg holding anything else is refused."}}},
})


def _describe_multipart():
    """The upload routes take multipart form data, not JSON; the file route answers with the file's bytes."""
    for path in ("/api/v1/seizures/{seizure_id}/attachments", "/api/v1/warnings/{warning_id}/attachments"):
        body = OPENAPI_PATHS[path]["post"]["requestBody"]
        body["content"] = {"multipart/form-data": {"schema": {"$ref": "#/components/schemas/AttachmentUpload"}}}
    ok = OPENAPI_PATHS["/api/v1/attachments/{attachment_id}"]["get"]["responses"]["200"]
    ok["content"] = {t: {"schema": {"type": "string", "contentMediaType": t}} for t in TYPE_LABELS}
    ok["description"] = f"The file ({', '.join(TYPE_LABELS)}), as a download."


_describe_multipart()
