"""Pages of attachments: the upload on a seizure or a warning (multipart, field `file`, CSRF) and the download.
The seizure and warning pages show the list and the form with the macro `attachments_section` of
templates/results/_attachments.html, fed by `attachments_context(access, owner)`:

    {% from "results/_attachments.html" import attachments_section %}
    {{ attachments_section(**attachments) }}     {# attachments=attachments_context(access, seizure) #}

or include that template with `planner.results.attachments.seizure_attachments_context(access, owner)` spread into
the page's context. An upload returns to the page the form was on (a page of the same operation only)."""
from urllib.parse import urlsplit

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.routing import BuildError
from wtforms import HiddenField

from planner.core.errors import ValidationError
from planner.core.permissions import requires
from planner.extensions import db
from planner.messages.queries import get_visible_warning
from planner.operations.queries import get_visible_operation
from planner.results.attachments import (
    ACCEPT, SEIZURE, TYPE_LABELS, download_response, get_visible_attachment, list_attachments, max_bytes, may_upload,
    owner_kind, read_attachment, size_label, store_attachment,
)
from planner.results.queries import get_visible_seizure
from planner.results.views import bp

# The page of each kind of record (the operation's page if it is not there).
OWNER_PAGES = {"seizure": ("results.seizure", "seizure_id"), "warning": ("messages.warning", "warning_id")}


class AttachmentForm(FlaskForm):
    file = FileField(_l("File (JPEG, PNG or PDF)"), render_kw={"accept": ACCEPT})
    back_to = HiddenField()  # the page the form is on, to return to after the upload

    @property
    def limit_label(self):
        return size_label(max_bytes())


@bp.app_template_filter("file_size")
def file_size_filter(size):
    return size_label(size) if isinstance(size, int) else ""


@bp.app_template_filter("attachment_type")
def attachment_type_filter(content_type):
    return TYPE_LABELS.get(content_type, content_type)


def upload_url(owner) -> str:
    endpoint = "results.upload_seizure_attachment" if owner_kind(owner) == SEIZURE else \
        "results.upload_warning_attachment"
    key = "seizure_id" if owner_kind(owner) == SEIZURE else "warning_id"
    return url_for(endpoint, operation_id=owner.operation_id, **{key: owner.id})


def attachments_context(access, owner) -> dict:
    """The arguments of the `attachments_section` macro for the page of a seizure or warning the user sees."""
    allowed = may_upload(access, owner)
    return {"owner_kind": owner_kind(owner), "owner": owner, "attachments": list_attachments(owner),
            "may_upload": allowed, "upload_url": upload_url(owner) if allowed else None,
            "form": AttachmentForm(formdata=None) if allowed else None}


def _owner_page(owner) -> str:
    endpoint, key = OWNER_PAGES[owner_kind(owner)]
    try:
        return url_for(endpoint, operation_id=owner.operation_id, **{key: owner.id})
    except BuildError:
        return url_for("operations.show", operation_id=owner.operation_id)


def _back(owner, asked) -> str:
    """Where to go after the upload: the page the form was on when it is a page of this operation (never
    another site), otherwise the record's own page."""
    if isinstance(asked, str) and asked and len(asked) < 1000 and asked.isprintable() and "\\" not in asked:
        parts = urlsplit(asked)
        if not parts.scheme and not parts.netloc and parts.path.startswith(f"/operations/{owner.operation_id}/") \
                and not parts.path.startswith("//"):
            return asked.split("#")[0] + "#attachments"
    return _owner_page(owner) + "#attachments"


def _read_upload():
    """(filename, bytes) of the field `file`; at most one byte more than the limit is read (the check then
    refuses it), None when no file was chosen."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None, None
    return upload.filename, upload.stream.read(max_bytes() + 1)


def _upload(owner):
    form = AttachmentForm()
    if not form.validate_on_submit():  # the CSRF token
        abort(400)
    back = _back(owner, form.back_to.data)
    filename, content = _read_upload()
    try:
        attachment = store_attachment(current_user, owner, filename, content)
    except ValidationError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(back, 303)
    db.session.commit()
    flash(_("%(file)s is attached (%(type)s).", file=attachment.filename, type=attachment.content_type), "success")
    return redirect(back, 303)


@bp.route("/operations/<int:operation_id>/seizures/<int:seizure_id>/attachments", methods=["POST"])
@requires("authenticated")
def upload_seizure_attachment(operation_id, seizure_id):
    """The reporting administration attaches a photo, X-ray image or scanned document to its record."""
    _operation, access = get_visible_operation(current_user, operation_id)
    return _upload(get_visible_seizure(access, seizure_id))


@bp.route("/operations/<int:operation_id>/messages/<int:warning_id>/attachments", methods=["POST"])
@requires("authenticated")
def upload_warning_attachment(operation_id, warning_id):
    """The sender or an addressee attaches a file to a warning."""
    _operation, access = get_visible_operation(current_user, operation_id)
    return _upload(get_visible_warning(access, warning_id))


@bp.route("/operations/<int:operation_id>/attachments/<int:attachment_id>")
@requires("authenticated")
def download_attachment(operation_id, attachment_id):
    """The file, for those who see its record (404 for everybody else); refused if the stored file changed."""
    _operation, access = get_visible_operation(current_user, operation_id)
    attachment = get_visible_attachment(access, attachment_id)
    return download_response(attachment, read_attachment(attachment))
