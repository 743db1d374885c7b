"""Attachments: photos, X-ray images and scanned documents on seizures and warnings (JPEG, PNG, PDF).

- Checked by content, never by name: the magic bytes and the structure of the file decide its type (a JPEG
  starts with FF D8 FF and ends with FF D9; a PNG is its signature, an IHDR chunk first, whole chunks with their
  CRCs, an IEND chunk last; a PDF starts with %PDF- and has %%EOF near its end). The stored content type comes
  from that check, never from the name or the browser's header. The size limit is the configuration's
  PLANNER_ATTACHMENT_MAX_BYTES.
- Stored outside the database, content-addressed: `<instance>/attachments/<sha[:2]>/<sha256>`. The same bytes
  are stored once on disk; every upload is its own row (who, when, on which record, under which name). A file
  is written to a temporary file in its folder and moved into place with os.replace, so a reader never sees half
  a file. The row is added in the request's transaction: when that transaction fails after the file was
  written, the file left behind is harmless, because nothing points at it and the next upload of the same bytes
  finds it in place (a clean-up may remove files no row names).
- Served only to those who see the record (planner.results.queries.get_visible_seizure,
  planner.messages.queries.get_visible_warning); every other user gets 404, so a record's existence is never
  told. Before serving, the file's SHA-256 is checked against the row: a changed or missing file is refused
  with a clear message and logged, never served.
- Who may add one: on a seizure, those who may edit it (its reporting administration, `may_edit_record`); on a
  warning, the reporting users (coordinator, contact point, officer) of its sender and of its addressees while
  the operation is not closed.
"""
import contextlib
import hashlib
import logging
import os
import re
import tempfile
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from flask import Response, current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from planner.auth.models import User
from planner.core.audit import log_action
from planner.core.clock import utcnow
from planner.core.errors import NotFound, PermissionDenied, PlannerError, ValidationError
from planner.extensions import db
from planner.messages.models import WarningMessage
from planner.messages.queries import (
    FEEDBACK_STATES, MESSAGING_ROLES, addressee_row, get_visible_warning,
)
from planner.operations.access import MEMBER_PLACES, operation_access
from planner.organisations.models import Organisation
from planner.results.models import Attachment, Seizure
from planner.results.queries import CORRECTION_STATES, get_visible_seizure, may_edit_record

log = logging.getLogger(__name__)

JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
TYPE_LABELS = {JPEG: _l("JPEG image"), PNG: _l("PNG image"), PDF: _l("PDF document")}
EXTENSIONS = {JPEG: ("jpg", "jpeg"), PNG: ("png",), PDF: ("pdf",)}
ACCEPT = "image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf"  # the file input's hint to the browser
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_FILENAME = 200
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PDF_EOF_WINDOW = 1024  # %%EOF must lie within the last KiB, as readers look for it there
SEIZURE, WARNING = "seizure", "warning"


class AttachmentUnavailable(PlannerError):
    """The stored file is missing or no longer matches its SHA-256: it is refused, never served. 409: the
    request is right, the server's copy is not."""

    status = 409


class AttachmentStorageFailed(PlannerError):
    status = 503


# --- the content check ------------------------------------------------------------------------------------

def _refused(message):
    return ValidationError(_("The file was refused: %(problem)s", problem=message), {"file": [message]})


def detect_content_type(content: bytes) -> str:
    """The type of the file by its content (image/jpeg, image/png or application/pdf), or ValidationError
    naming what is wrong."""
    if content.startswith(b"\xff\xd8\xff"):
        if len(content.rstrip(b"\x00")) < 6 or not content.rstrip(b"\x00").endswith(b"\xff\xd9"):
            raise _refused(_("The JPEG image is incomplete or damaged: it does not end with the JPEG end marker."))
        return JPEG
    if content.startswith(PNG_SIGNATURE):
        _check_png(content)
        return PNG
    if content.startswith(b"%PDF-"):
        if not re.match(rb"%PDF-[0-9]\.[0-9]", content):
            raise _refused(_("The PDF document has no valid version in its header."))
        if b"%%EOF" not in content[-PDF_EOF_WINDOW:]:
            raise _refused(_("The PDF document is incomplete: it has no end-of-file marker (%%EOF) near its end."))
        return PDF
    if _looks_like_markup(content):
        raise _refused(_("The file holds text markup (HTML, SVG or XML), not a JPEG, PNG or PDF file. Its content "
                         "is checked, not its name."))
    raise _refused(_("The file is not a JPEG image, a PNG image or a PDF document. Its content is checked, not its "
                     "name."))


def _check_png(content):
    """Walk the chunks: IHDR first (13 bytes, non-zero size), each chunk whole with a matching CRC, IEND last,
    nothing but zero padding after it."""
    damaged = _("The PNG image is incomplete or damaged")
    pos, first = len(PNG_SIGNATURE), True
    while True:
        if pos + 12 > len(content):
            raise _refused(_("%(what)s: it ends before its IEND chunk.", what=damaged))
        length = int.from_bytes(content[pos:pos + 4], "big")
        kind = content[pos + 4:pos + 8]
        end = pos + 12 + length
        if not kind.isalpha() or length > 2**31 - 1:
            raise _refused(_("%(what)s: a chunk header is not valid.", what=damaged))
        if end > len(content):
            raise _refused(_("%(what)s: it ends before its IEND chunk.", what=damaged))
        if first and (kind != b"IHDR" or length != 13 or content[pos + 8:pos + 12] == b"\0\0\0\0"
                      or content[pos + 12:pos + 16] == b"\0\0\0\0"):
            raise _refused(_("%(what)s: it does not start with a valid IHDR chunk.", what=damaged))
        if zlib.crc32(content[pos + 4:end - 4]) != int.from_bytes(content[end - 4:end], "big"):
            raise _refused(_("%(what)s: the checksum of a chunk does not match.", what=damaged))
        first, pos = False, end
        if kind == b"IEND":
            break
    if content[pos:].strip(b"\x00"):
        raise _refused(_("%(what)s: it holds data after its IEND chunk.", what=damaged))


def _looks_like_markup(content):
    head = content[:512]
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(bom):
            head = head[len(bom):]
    return head.replace(b"\x00", b"").lstrip().startswith(b"<")


def safe_filename(name, content_type) -> str:
    """A display name only (the file is stored under its hash): no path, no control or format characters, at
    most MAX_FILENAME characters, and an extension that matches the content (`scan.html` holding a PDF becomes
    `scan.html.pdf`)."""
    name = unicodedata.normalize("NFC", name if isinstance(name, str) else "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(" " if unicodedata.category(ch)[0] == "Z" else ch for ch in name
                   if unicodedata.category(ch)[0] != "C")  # control and format characters (e.g. U+202E) out
    name = " ".join(name.split()).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot or ext.lower() not in EXTENSIONS[content_type]:
        stem, ext = name, EXTENSIONS[content_type][0]
    stem = stem.strip(" .") or "attachment"
    return f"{stem[:MAX_FILENAME - len(ext) - 1].rstrip(' .') or 'attachment'}.{ext}"


def max_bytes() -> int:
    return int(current_app.config.get("PLANNER_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def size_label(size) -> str:
    if size < 1024:
        return _("%(n)d bytes", n=size)
    if size < 1024 * 1024:
        return _("%(n).1f KB", n=size / 1024)
    return _("%(n).1f MB", n=size / (1024 * 1024))


def check_upload(filename, content, limit=None):
    """(content type, safe name) of an upload, or ValidationError keyed `file`. The size is checked before
    anything else is read into the type check."""
    limit = max_bytes() if limit is None else limit
    if content is None:
        raise _refused(_("Choose a file to upload."))
    if not isinstance(content, (bytes, bytearray)):
        raise _refused(_("Send the file itself (multipart form data, field 'file')."))
    if len(content) == 0:
        raise _refused(_("The file is empty."))
    if len(content) > limit:
        raise _refused(_("The file is larger than the limit of %(limit)s.", limit=size_label(limit)))
    content_type = detect_content_type(bytes(content))
    return content_type, safe_filename(filename, content_type)


# --- storage ----------------------------------------------------------------------------------------------

def storage_root() -> Path:
    return Path(current_app.config["INSTANCE_DIR"]) / "attachments"


def blob_path(sha256) -> Path:
    if not isinstance(sha256, str) or not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise ValueError("not a SHA-256 hex digest")
    return storage_root() / sha256[:2] / sha256


def _file_sha256(path) -> str | None:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1024 * 1024), b""):
                digest.update(block)
    except FileNotFoundError:
        return None
    return digest.hexdigest()


def write_blob(content, sha256) -> Path:
    """The file of these bytes, written once: a file already in place with the right hash is kept; a missing or
    altered one is (re)written through a temporary file in the same folder and os.replace."""
    path = blob_path(sha256)
    if _file_sha256(path) == sha256:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


# --- who may do what --------------------------------------------------------------------------------------

def owner_kind(owner) -> str:
    if isinstance(owner, Seizure):
        return SEIZURE
    if isinstance(owner, WarningMessage):
        return WARNING
    raise TypeError(f"attachments belong to a seizure or a warning, not {type(owner).__name__}")


def may_attach_to_warning(access, warning) -> bool:
    """The coordinators, contact points and officers of the warning's sender and of its addressees, while
    feedback may still come (the operation is not closed)."""
    org = access.user.organisation_id
    involved = org == warning.sender_organisation_id or addressee_row(warning, org) is not None
    return (involved and access.place in MEMBER_PLACES and access.role in MESSAGING_ROLES
            and access.operation.state in FEEDBACK_STATES)


def may_upload(access, owner) -> bool:
    if owner_kind(owner) == SEIZURE:
        return may_edit_record(access, owner)
    return may_attach_to_warning(access, owner)


def _require_uploader(access, owner):
    if may_upload(access, owner):
        return
    if access.operation.state == "closed":
        raise PermissionDenied(_("The operation is closed: nothing more can be attached."))
    if access.operation.state not in CORRECTION_STATES:
        raise PermissionDenied(_("Attachments are added while the operation runs, in its follow-up and in its "
                                 "evaluation."))
    if owner_kind(owner) == SEIZURE:
        if owner.organisation_id != access.user.organisation_id:
            raise PermissionDenied(_("Only the reporting administration adds attachments to its records."))
        raise PermissionDenied(_("You may not add attachments to this record."))
    raise PermissionDenied(_("Only the sender's and the addressees' coordinators, contact points and officers add "
                             "attachments to a warning."))


# --- services -----------------------------------------------------------------------------------------------

def store_attachment(user, owner, filename, content, now=None) -> Attachment:
    """Attach the file to the seizure or warning `owner` (which the caller loaded as visible to `user`). The
    file is checked, written to disk, and its row added and flushed with the audit entry; the caller commits."""
    now = now or utcnow()
    kind = owner_kind(owner)
    access = operation_access(user, owner.operation)
    _require_uploader(access, owner)
    content_type, display_name = check_upload(filename, content)
    content = bytes(content)
    sha256 = hashlib.sha256(content).hexdigest()
    try:
        write_blob(content, sha256)
    except OSError:
        log.exception("attachment of %s %s: the file could not be written", kind, owner.id)
        raise AttachmentStorageFailed(_("The file could not be stored (the server's storage failed); nothing was "
                                        "saved. Try again later.")) from None
    attachment = Attachment(operation_id=owner.operation_id, filename=display_name, content_type=content_type,
                            size=len(content), sha256=sha256, organisation_id=user.organisation_id,
                            uploaded_by_id=user.id, created_at=now,
                            seizure_id=owner.id if kind == SEIZURE else None,
                            warning_id=owner.id if kind == WARNING else None)
    db.session.add(attachment)
    db.session.flush()
    log_action(owner, "attachment.added", user, operation_id=owner.operation_id, now=now,
               data={"attachment_id": attachment.id, "filename": display_name, "sha256": sha256,
                     "size": len(content), "content_type": content_type})
    return attachment


@dataclass(frozen=True)
class AttachmentEntry:
    """One attachment as lists show it (pages and API)."""

    id: int
    operation_id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    organisation: str  # the uploading administration's code
    uploader: str
    uploaded_at: object

    @property
    def type_label(self):
        return TYPE_LABELS[self.content_type]

    @property
    def size_label(self):
        return size_label(self.size)


def list_attachments(owner) -> list[AttachmentEntry]:
    """The attachments of a seizure or warning the caller loaded as visible, oldest first."""
    column = Attachment.seizure_id if owner_kind(owner) == SEIZURE else Attachment.warning_id
    rows = db.session.execute(
        select(Attachment, Organisation.code, User.name)
        .join(Organisation, Organisation.id == Attachment.organisation_id)
        .join(User, User.id == Attachment.uploaded_by_id)
        .where(column == owner.id).order_by(Attachment.created_at, Attachment.id))
    return [entry_of(a, code, name) for a, code, name in rows]


def entry_of(attachment, organisation_code=None, uploader_name=None) -> AttachmentEntry:
    if organisation_code is None:
        organisation_code = db.session.get(Organisation, attachment.organisation_id).code
    if uploader_name is None:
        uploader_name = attachment.uploaded_by.name
    return AttachmentEntry(id=attachment.id, operation_id=attachment.operation_id, filename=attachment.filename,
                           content_type=attachment.content_type, size=attachment.size, sha256=attachment.sha256,
                           organisation=organisation_code, uploader=uploader_name,
                           uploaded_at=attachment.created_at)


def get_visible_attachment(access, attachment_id) -> Attachment:
    """The attachment of this operation whose record the user sees, or NotFound (never 403)."""
    valid = isinstance(attachment_id, int) and 0 < attachment_id < 2**31
    attachment = db.session.get(Attachment, attachment_id) if valid else None
    if attachment is None or attachment.operation_id != access.operation.id:
        raise NotFound("No such attachment.")
    try:
        if attachment.seizure_id is not None:
            get_visible_seizure(access, attachment.seizure_id)
        else:
            get_visible_warning(access, attachment.warning_id)
    except NotFound:
        raise NotFound("No such attachment.") from None
    return attachment


def attachment_by_id_for(user, attachment_id):
    """(attachment, access) for the API's /attachments/{id}."""
    from planner.operations.queries import record_for

    return record_for(user, Attachment, attachment_id, get_visible_attachment, "No such attachment.")


def read_attachment(attachment) -> bytes:
    """The stored bytes, after checking them against the row's size and SHA-256; a missing or altered file is
    logged and refused (AttachmentUnavailable), never served."""
    path = blob_path(attachment.sha256)
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        log.error("attachment %s (%s): its file %s is missing", attachment.id, attachment.filename, path)
        raise AttachmentUnavailable(_("This attachment cannot be served: its file is missing from the server's "
                                      "storage. The administrators have been told.")) from None
    if len(content) != attachment.size or hashlib.sha256(content).hexdigest() != attachment.sha256:
        log.error("attachment %s (%s): the file %s does not match its SHA-256 %s; refused", attachment.id,
                  attachment.filename, path, attachment.sha256)
        raise AttachmentUnavailable(_("This attachment cannot be served: the stored file does not match its "
                                      "fingerprint (SHA-256) and may have been altered. The administrators have "
                                      "been told."))
    return content


def seizure_attachments_context(access, seizure) -> dict:
    """What the seizure page adds to its context: the section's template (included with the page's context) and
    the arguments of its macro (a warning works the same way)."""
    from planner.results.attachment_views import attachments_context

    return {"attachments_template": "results/_attachments.html",
            "attachment_section": attachments_context(access, seizure)}


def download_response(attachment, content) -> Response:
    """The bytes as a download: the type found at upload, never rendered in the page (nosniff, a sandbox
    policy), never cached."""
    response = Response(content, mimetype=attachment.content_type)
    response.headers["Content-Disposition"] = "attachment; filename*=UTF-8''" + quote(attachment.filename, safe="")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Content-Length"] = str(len(content))
    return response
