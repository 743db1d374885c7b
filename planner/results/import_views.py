"""Pages of the Excel import on the Results tab: the operation's template, the upload of one sheet (seizures or
controls) and the workbook handed back with the wrong cells marked. Thin: load-or-404/403, one service call
(planner.results.workbook_import), commit or roll back."""
import os
import re
import secrets
import time
from pathlib import Path

from flask import Response, abort, current_app, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from itsdangerous import BadSignature, URLSafeTimedSerializer
from wtforms import SelectField

from planner.core.errors import PlannerError
from planner.core.permissions import requires
from planner.core.spreadsheets import XLSX_MIMETYPE
from planner.extensions import db
from planner.operations.queries import get_visible_operation
from planner.operations.views import operation_page
from planner.results.import_files import UploadTooLarge, import_max_bytes
from planner.results.import_template import MAX_ROWS, SHEET_LABELS, template_bytes, template_filename
from planner.results.queries import may_import_past_results, may_report
from planner.results.views import bp
from planner.results.workbook_import import (
    RowErrors, column_label, import_workbook, marked_workbook, sorted_errors,
)

# The routes that take a workbook (pages and API): their requests may carry the file and the form around it.
IMPORT_ENDPOINTS = {"results.import_page", "api.import_seizures", "api.import_controls"}
MULTIPART_ALLOWANCE = 64 * 1024
FEEDBACK_FOLDER = "import-feedback"
FEEDBACK_MAX_AGE = 24 * 3600  # a marked workbook is served for a day, then removed when another one is written
MAX_PROBLEMS_SHOWN = 200
_FEEDBACK_NAME = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


class ImportForm(FlaskForm):
    sheet = SelectField(_l("Sheet to import"), choices=[("seizures", _l("Seizures")), ("controls", _l("Controls"))],
                        default="seizures")
    file = FileField(_l("Filled-in template (.xlsx)"),
                     render_kw={"accept": f".xlsx,{XLSX_MIMETYPE}"})


@bp.before_app_request
def limit_import_uploads():
    """An import request may carry a workbook of PLANNER_IMPORT_MAX_BYTES and its form, whatever
    MAX_CONTENT_LENGTH says; one that announces more is refused before its body is read."""
    if request.method != "POST" or request.endpoint not in IMPORT_ENDPOINTS:
        return None
    limit = import_max_bytes() + MULTIPART_ALLOWANCE
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        refusal = UploadTooLarge(import_max_bytes())
        if request.path.startswith("/api/"):
            response = jsonify(refusal.to_json())
            response.status_code = refusal.status
            return response
        abort(413, description=refusal.message)
    return None


def _load(operation_id):
    operation, access = get_visible_operation(current_user, operation_id)
    if not (may_report(access) or may_import_past_results(access)):
        abort(403)
    return operation, access


@bp.route("/operations/<int:operation_id>/results/template.xlsx")
@requires("authenticated")
def template(operation_id):
    """The operation's import template, for the user's administration (its sharing defaults are named in it)."""
    operation, _access = _load(operation_id)
    content = template_bytes(operation, current_user.organisation, import_max_bytes())
    return Response(content, mimetype=XLSX_MIMETYPE, headers={
        "Content-Disposition": f'attachment; filename="{template_filename(operation)}"',
        "Cache-Control": "no-store"})


@bp.route("/operations/<int:operation_id>/results/import", methods=["GET", "POST"])
@requires("authenticated")
def import_page(operation_id):
    operation, access = _load(operation_id)
    form = ImportForm()
    message, problems, feedback, status = None, [], None, 200
    sheet = form.sheet.data if form.sheet.data in SHEET_LABELS else "seizures"
    if request.method == "POST":
        upload = form.file.data
        if not form.validate_on_submit():
            message, status = _("Nothing was imported."), 422
            problems = [(None, name, m) for name, messages in form.errors.items() for m in messages]
        elif upload is None or not getattr(upload, "filename", ""):
            message, status = _("Nothing was imported."), 422
            problems = [(None, "file", _("Choose the filled-in template (.xlsx) to upload."))]
        else:
            content = upload.stream.read(import_max_bytes() + 1)
            try:
                result = import_workbook(current_user, operation, content, sheet, import_max_bytes())
            except RowErrors as exc:
                db.session.rollback()
                message, problems, status = exc.message, sorted_errors(exc.errors), exc.status
                feedback = url_for("results.import_feedback", operation_id=operation_id,
                                   token=store_feedback(marked_workbook(content, exc), operation_id))
            except PlannerError as exc:
                db.session.rollback()
                message, problems, status = exc.message, sorted_errors(exc.errors), exc.status
            else:
                db.session.commit()
                _flash_result(result)
                return redirect(url_for("results.import_page", operation_id=operation_id))
            operation, access = _load(operation_id)
    rows = [(row, column_label(sheet, column) if row is not None else _file_column(column), text)
            for row, column, text in problems]
    page = operation_page(
        "results/import.html", operation, access, tab="results", form=form, message=message,
        problems=rows[:MAX_PROBLEMS_SHOWN], more_problems=max(len(rows) - MAX_PROBLEMS_SHOWN, 0),
        feedback=feedback, max_mb=import_max_bytes() / (1024 * 1024), max_rows=MAX_ROWS, may_report=may_report(access),
    )
    return page, status


def _file_column(key):
    return {"file": _("File"), "sheet": _("Sheet to import"), None: ""}.get(key, key)


def _flash_result(result):
    label = SHEET_LABELS[result.sheet]
    if result.sheet == "seizures":
        text = _("%(sheet)s sheet imported (%(rows)s): %(imported)s, %(skipped)s skipped (recorded already with the "
                 "same content).", sheet=label, rows=ngettext("%(num)d row", "%(num)d rows", result.rows),
                 imported=ngettext("%(num)d seizure recorded", "%(num)d seizures recorded", result.imported),
                 skipped=result.skipped)
    else:
        text = _("%(sheet)s sheet imported (%(rows)s): %(imported)s, %(skipped)s skipped (recorded already with the "
                 "same numbers).", sheet=label, rows=ngettext("%(num)d row", "%(num)d rows", result.rows),
                 imported=ngettext("%(num)d control record stored", "%(num)d control records stored",
                                   result.imported), skipped=result.skipped)
    flash(text, "success")
    if result.other_rows:
        other = "controls" if result.sheet == "seizures" else "seizures"
        flash(_("The %(other)s sheet of the file has %(n)d filled rows, which this upload did not import: choose "
                "“%(other)s” and upload the file again to import them.", other=SHEET_LABELS[other],
                n=result.other_rows), "info")


# --- the marked workbook ---------------------------------------------------------------------------------------

def _feedback_folder() -> Path:
    return Path(current_app.config["INSTANCE_DIR"]) / FEEDBACK_FOLDER


def _serializer():
    return URLSafeTimedSerializer(current_app.secret_key, salt="results.import-feedback")


def store_feedback(content, operation_id) -> str:
    """Keep the marked workbook for a day under the instance folder; the token names the file, the user and the
    operation, signed, so that only the uploader gets it back. Older files are removed on the way."""
    folder = _feedback_folder()
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - FEEDBACK_MAX_AGE
    for old in folder.glob("*.xlsx"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass  # removed by another request meanwhile
    name = secrets.token_urlsafe(24)
    fd = os.open(folder / f"{name}.xlsx", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(content)
    return _serializer().dumps({"f": name, "u": current_user.id, "o": operation_id})


@bp.route("/operations/<int:operation_id>/results/import/problems/<token>.xlsx")
@requires("authenticated")
def import_feedback(operation_id, token):
    """The uploaded workbook with its wrong cells marked: only for the user who uploaded it, for a day."""
    operation, _access = get_visible_operation(current_user, operation_id)
    try:
        data = _serializer().loads(token, max_age=FEEDBACK_MAX_AGE)
    except BadSignature:
        abort(404)
    if (not isinstance(data, dict) or data.get("u") != current_user.id or data.get("o") != operation.id
            or not _FEEDBACK_NAME.match(str(data.get("f", "")))):
        abort(404)
    path = _feedback_folder() / f"{data['f']}.xlsx"
    if not path.is_file():
        abort(404)
    return Response(path.read_bytes(), mimetype=XLSX_MIMETYPE, headers={
        "Content-Disposition": f'attachment; filename="{operation.reference}-import-problems.xlsx"',
        "Cache-Control": "no-store"})
