"""The admins' audit page: every AuditEntry, newest first, filtered and paged in the database.
A bad filter gets a message that names the field (never a 500) and no rows, rather than rows it did not ask for."""
import re
from datetime import date, datetime, time, timedelta, timezone

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from planner.auth.models import User
from planner.core.audit import AuditEntry
from planner.core.errors import FieldErrors
from planner.core.permissions import requires
from planner.extensions import db
from planner.organisations.services import resolve_organisation_code

bp = Blueprint("audit", __name__)

PAGE_SIZE = 100

FILTER_LABELS = {
    "user": _l("User (e-mail address or id)"),
    "organisation": _l("Organisation of the user (code)"),
    "object_type": _l("Object type"),
    "object_id": _l("Object id"),
    "action": _l("Action starts with"),
    "date_from": _l("From (date, UTC)"),
    "date_to": _l("To (date, UTC, inclusive)"),
}

ID_RE = re.compile(r"^[0-9]{1,18}$")  # within a 64-bit integer, so the database never overflows
DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
OBJECT_TYPE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
ACTION_RE = re.compile(r"^[a-z0-9_.]{1,80}$")


def _parse_date(value, name, errors):
    if not DATE_RE.fullmatch(value):
        errors.add(name, _("%(field)s: not a date; write it as YYYY-MM-DD, e.g. 2026-03-31.",
                           field=FILTER_LABELS[name]))
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.add(name, _("%(field)s: there is no such day.", field=FILTER_LABELS[name]))
        return None


def parse_filters(args):
    """(conditions, values, errors): SQL conditions for the filters in the query string, the values to show back
    in the form, and the problems of the bad ones ({field: [message]})."""
    values = {name: (args.get(name) or "").strip()[:254] for name in FILTER_LABELS}
    errors = FieldErrors()
    conditions = []

    if value := values["user"]:
        if ID_RE.fullmatch(value):
            conditions.append(AuditEntry.user_id == int(value))
        elif "@" in value:
            user_id = db.session.scalar(select(User.id).where(User.email == value.lower()))
            if user_id is None:
                errors.add("user", _("%(field)s: no account has this e-mail address.", field=FILTER_LABELS["user"]))
            else:
                conditions.append(AuditEntry.user_id == user_id)
        else:
            errors.add("user", _("%(field)s: give an e-mail address or a user id (a number).",
                                 field=FILTER_LABELS["user"]))
    if value := values["organisation"]:
        org = resolve_organisation_code(value)
        if org is None:
            errors.add("organisation", _("%(field)s: no organisation has this code.",
                                         field=FILTER_LABELS["organisation"]))
        else:
            values["organisation"] = org.code
            conditions.append(AuditEntry.organisation_id == org.id)
    if value := values["object_type"]:
        if not OBJECT_TYPE_RE.fullmatch(value.lower()):
            errors.add("object_type", _("%(field)s: use a type such as operation, user or organisation.",
                                        field=FILTER_LABELS["object_type"]))
        else:
            conditions.append(AuditEntry.object_type == value.lower())
    if value := values["object_id"]:
        if not ID_RE.fullmatch(value):
            errors.add("object_id", _("%(field)s: give a whole number.", field=FILTER_LABELS["object_id"]))
        else:
            conditions.append(AuditEntry.object_id == int(value))
    if value := values["action"]:
        if not ACTION_RE.fullmatch(value.lower()):
            errors.add("action", _("%(field)s: use lower-case words and dots, e.g. user. or operation.approved.",
                                   field=FILTER_LABELS["action"]))
        else:
            conditions.append(AuditEntry.action.startswith(value.lower(), autoescape=True))
    start = _parse_date(values["date_from"], "date_from", errors) if values["date_from"] else None
    end = _parse_date(values["date_to"], "date_to", errors) if values["date_to"] else None
    if start and end and end < start:
        errors.add("date_to", _("%(field)s: the end date is before the start date.", field=FILTER_LABELS["date_to"]))
    if start:
        conditions.append(AuditEntry.created_at >= datetime.combine(start, time.min, tzinfo=timezone.utc))
    if end and end < date.max:
        conditions.append(AuditEntry.created_at < datetime.combine(end + timedelta(days=1), time.min,
                                                                   tzinfo=timezone.utc))
    return conditions, values, errors.errors


@bp.route("/admin/audit")
@requires("admin.audit")
def index():
    conditions, values, errors = parse_filters(request.args)
    entries, total, page, pages = [], 0, 1, 1
    if not errors:
        stmt = select(AuditEntry).where(*conditions)
        total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
        pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
        page = min(max(request.args.get("page", 1, type=int), 1), pages)
        entries = db.session.scalars(
            stmt.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
            .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
        ).all()
    object_types = db.session.scalars(select(AuditEntry.object_type).distinct().order_by(AuditEntry.object_type)).all()
    return render_template(
        "audit/index.html", entries=entries, total=total, page=page, pages=pages, values=values, errors=errors,
        labels=FILTER_LABELS, filter_args={k: v for k, v in values.items() if v}, object_types=object_types,
    ), 400 if errors else 200
