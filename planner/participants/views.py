"""Pages of the participants tab: the roster, invitations and their answers, nominations, sharing settings and
the roster exports. Thin: load-or-404/403, one service call, redirect."""
from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from planner.auth.models import User
from planner.core.errors import PlannerError
from planner.core.permissions import requires
from planner.core.spreadsheets import XLSX_MIMETYPE
from planner.core.versions import require_version
from planner.extensions import db
from planner.operations.queries import get_visible_operation
from planner.operations.tabs import register_tab
from planner.operations.views import operation_page
from planner.organisations.models import Organisation, OrganisationKind
from planner.participants import exports
from planner.participants.forms import ActionForm, AnswerForm, InviteForm, SharingForm, WithdrawForm
from planner.participants.models import ParticipationStatus
from planner.participants.queries import may_view_nomination, visible_roster
from planner.participants.services import (
    INVITING_STATES, NOMINATING_STATES, may_edit_for, nomination_json, participation_for, respond, save_nomination, save_sharing,
    invite, withdraw,
)
from planner.vocab.codes import Equipment, TransportMode
from planner.vocab.queries import place_choices

bp = Blueprint("participants", __name__)

register_tab("participants", _l("Participants"), "participants.roster", 30, lambda a: a.sees_participant_list)


def _load(operation_id):
    operation, access = get_visible_operation(current_user, operation_id)
    return operation, access


@bp.route("/operations/<int:operation_id>/participants")
@requires("authenticated")
def roster(operation_id):
    operation, access = _load(operation_id)
    if not access.sees_participant_list:
        abort(403)
    roster = visible_roster(access)
    own = operation.participation_of(current_user.organisation_id)
    return operation_page(
        "participants/roster.html", operation, access, tab="participants", roster=roster, own=own,
        may_edit_own=own is not None and may_edit_for(current_user, operation, own),
        may_invite=access.coordinates and operation.state_enum in INVITING_STATES,
        action_form=ActionForm(), withdraw_form=WithdrawForm(),
    )


def _invitable(operation):
    taken = {p.organisation_id for p in operation.participations
             if p.status in (ParticipationStatus.INVITED, ParticipationStatus.ACCEPTED)}
    orgs = db.session.scalars(
        select(Organisation).where(Organisation.is_active, Organisation.kind != OrganisationKind.SECRETARIAT.value)
        .order_by(Organisation.kind, Organisation.code)
    ).all()
    return [(o.code, f"{o.code} – {o.name}") for o in orgs if o.id not in taken]


@bp.route("/operations/<int:operation_id>/participants/invite", methods=["GET", "POST"])
@requires("authenticated")
def invite_page(operation_id):
    operation, access = _load(operation_id)
    if not access.coordinates:
        abort(403)
    form = InviteForm()
    form.organisations.choices = _invitable(operation)
    message, errors = None, {}
    if request.method == "POST" and form.validate_on_submit():
        data = {"organisations": form.organisations.data, "role": form.role.data,
                "respond_by": form.respond_by.data or request.form.get("respond_by")}
        try:
            invited = invite(current_user, operation, data, propose_respond_by=False)  # the form shows the proposal
        except PlannerError as exc:
            db.session.rollback()
            message, errors = exc.message, exc.errors
        else:
            db.session.commit()
            flash(_("Invitation sent to %(orgs)s.", orgs=", ".join(p.organisation.code for p in invited)), "success")
            return redirect(url_for("participants.roster", operation_id=operation.id))
    elif request.method == "POST":
        message, errors = _("The data is not valid."), form.errors
    else:
        from planner.scheduling.deadlines import proposed_respond_by

        form.respond_by.data = proposed_respond_by(operation)  # the schedule's proposal; the coordinator may change it
    return operation_page("participants/invite.html", operation, access, tab="participants", form=form,
                          message=message, errors=errors), (422 if message else 200)


@bp.route("/operations/<int:operation_id>/invitation", methods=["GET", "POST"])
@requires("authenticated")
def answer(operation_id):
    """The invited organisation's contact points and coordinators accept or decline."""
    operation, access = _load(operation_id)
    participation = operation.participation_of(current_user.organisation_id)
    if participation is None or participation.status != ParticipationStatus.INVITED \
            or not access.answers_for_organisation:
        abort(403)
    form = AnswerForm()
    message, errors = None, {}
    if request.method == "POST" and form.validate_on_submit():
        accept = request.form.get("answer") == "accept"
        try:
            respond(current_user, operation, participation.organisation.code, accept, form.reason.data)
        except PlannerError as exc:
            db.session.rollback()
            message, errors = exc.message, exc.errors
        else:
            db.session.commit()
            if accept:
                flash(_("You accepted the invitation. Nominate your contact points next."), "success")
                return redirect(url_for("participants.nomination", operation_id=operation.id,
                                        org=participation.organisation.code))
            flash(_("You declined the invitation."), "success")
            return redirect(url_for("operations.dashboard"))
    elif request.method == "POST":
        abort(400)
    return operation_page("participants/answer.html", operation, access, tab="overview", form=form,
                          participation=participation, message=message, errors=errors), (422 if message else 200)


@bp.route("/operations/<int:operation_id>/participants/<org>/withdraw", methods=["POST"])
@requires("authenticated")
def withdraw_page(operation_id, org):
    operation, access = _load(operation_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        participation = withdraw(current_user, operation, org, form.reason.data)
    except PlannerError as exc:
        db.session.rollback()
        flash(exc.message + (" " + " ".join(m for msgs in exc.errors.values() for m in msgs) if exc.errors else ""),
              "danger")
        if exc.status == 404:
            abort(404)
        return redirect(url_for("participants.roster", operation_id=operation_id))
    db.session.commit()
    flash(_("%(org)s is withdrawn.", org=participation.organisation.code), "success")
    if participation.organisation_id == current_user.organisation_id:
        return redirect(url_for("operations.dashboard"))
    return redirect(url_for("participants.roster", operation_id=operation_id))


# --- nominations -------------------------------------------------------------------------------------------

SLOTS = {"contact_points": 2, "external_contacts": 1, "liaison_officers": 2, "control_locations": 3}


def _form_rows(form):
    """Read the rows of the nomination form into the API's JSON shape, skipping empty rows; returns the data
    and, per list, the form slot of each row (so that errors land beside the right inputs)."""
    data, slots = {}, {}

    def rows(prefix, key, fields, read):
        raw_count = (form.get(f"{prefix}-count") or "").strip()
        count = min(int(raw_count) if raw_count.isascii() and raw_count.isdigit() and len(raw_count) < 4 else 0, 60)
        items, where = [], []
        for slot in range(count):
            raw = {f: form.get(f"{prefix}-{slot}-{f}", "").strip() for f in fields}
            if not any(raw.values()):
                continue
            items.append(read(raw, slot))
            where.append(slot)
        data[key], slots[key] = items, where

    rows("cp", "contact_points", ("user", "phone"),
         lambda raw, slot: {"user": raw["user"], "phone": raw["phone"],
                            "available_24_7": form.get(f"cp-{slot}-available_24_7") == "y"})
    rows("ext", "external_contacts", ("name", "email", "phone"), lambda raw, slot: raw)
    rows("lo", "liaison_officers", ("name", "from", "to"),
         lambda raw, slot: {"name": raw["name"], "from": raw["from"] or None, "to": raw["to"] or None})
    rows("loc", "control_locations", ("code",),
         lambda raw, slot: {"code": raw["code"], "transport_sectors": form.getlist(f"loc-{slot}-transport_sectors")})
    officers = form.get("officers_deployed", "").strip()
    data["officers_deployed"] = officers or None
    data["equipment"] = form.getlist("equipment")
    data["languages"] = form.get("languages", "")
    return data, slots


def _errors_to_slots(errors, slots):
    """`contact_points.1.user` (second non-empty row) → `contact_points.<its slot>.user`."""
    result = {}
    for key, messages in errors.items():
        parts = key.split(".")
        if len(parts) >= 2 and parts[0] in slots and parts[1].isascii() and parts[1].isdigit() and len(parts[1]) < 4 and int(parts[1]) < len(slots[parts[0]]):
            parts[1] = str(slots[parts[0]][int(parts[1])])
        result[".".join(parts)] = messages
    return result


def _nomination_rows(current, key):
    rows = list(current.get(key) or [])
    return rows + [{}] * SLOTS[key]


def _user_choices(participation):
    users = db.session.scalars(
        select(User).where(User.organisation_id == participation.organisation_id, User.is_active_account.is_(True),
                           User.is_service_account.is_(False)).order_by(User.name)
    ).all()
    return [(u.email, f"{u.name} ({u.email})") for u in users]


@bp.route("/operations/<int:operation_id>/nominations/<org>", methods=["GET", "POST"])
@requires("authenticated")
def nomination(operation_id, org):
    operation, access = _load(operation_id)
    try:
        participation = participation_for(operation, org)
    except PlannerError:
        abort(404)
    if not participation.is_participant or not may_view_nomination(access, participation):
        abort(403)
    editable = may_edit_for(current_user, operation, participation) and operation.state_enum in NOMINATING_STATES
    form = ActionForm()
    current = nomination_json(participation.nomination)
    message, errors = None, {}
    if request.method == "POST":
        if not editable:
            abort(403)
        if not form.validate_on_submit():
            abort(400)
        data, slots = _form_rows(request.form)
        version = form.version.data
        try:
            save_nomination(current_user, operation, org, data,
                            expected_version=require_version(version))
        except PlannerError as exc:
            db.session.rollback()
            message, errors = exc.message, _errors_to_slots(exc.errors, slots)
            current = _redisplay(data, current)
        else:
            db.session.commit()
            flash(_("The nomination of %(org)s is saved.", org=participation.organisation.code), "success")
            return redirect(url_for("participants.nomination", operation_id=operation.id,
                                    org=participation.organisation.code))
    sharing_form = SharingForm(obj=participation if request.method == "GET" else None)
    sharing_form.version.data = participation.version
    return operation_page(
        "participants/nomination.html", operation, access, tab="participants", participation=participation,
        editable=editable, form=form, sharing_form=sharing_form, current=current, message=message, errors=errors,
        rows={key: _nomination_rows(current, key) for key in SLOTS},
        user_choices=_user_choices(participation) if editable else [],
        place_choices=place_choices() if editable else [], equipment_choices=Equipment.choices(),
        sector_choices=TransportMode.choices(),
    ), (409 if errors.get("version") else 422) if message else 200


def _redisplay(data, current):
    """What the user typed, shown again after a refusal (nothing is lost)."""
    shown = dict(current)
    for key in SLOTS:
        shown[key] = data.get(key, [])
    shown["officers_deployed"] = data.get("officers_deployed")
    shown["equipment"] = data.get("equipment", [])
    shown["languages"] = [x for x in str(data.get("languages", "")).replace(",", " ").split() if x]
    return shown


@bp.route("/operations/<int:operation_id>/sharing/<org>", methods=["POST"])
@requires("authenticated")
def sharing(operation_id, org):
    operation, access = _load(operation_id)
    form = SharingForm()
    if not form.validate_on_submit():
        abort(400)
    data = {field: getattr(form, field).data for field in ("share_with_eu_member_states",
                                                           "share_with_third_countries", "share_with_agencies")}
    version = form.version.data
    try:
        save_sharing(current_user, operation, org, data,
                     expected_version=require_version(version))
    except PlannerError as exc:
        db.session.rollback()
        if exc.status == 404:
            abort(404)
        if exc.status == 403:
            abort(403)
        flash(exc.message, "danger")
    else:
        db.session.commit()
        flash(_("Sharing settings saved."), "success")
    return redirect(url_for("participants.nomination", operation_id=operation_id, org=org))


# --- exports -----------------------------------------------------------------------------------------------

def _download(operation, content, mimetype, extension, document):
    exports.log_download(operation, current_user, document)
    db.session.commit()
    filename = f"{operation.reference}-roster.{extension}"
    return Response(content, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


@bp.route("/operations/<int:operation_id>/roster.xlsx")
@requires("authenticated")
def roster_xlsx(operation_id):
    operation, access = _load(operation_id)
    if not access.sees_participant_list:
        abort(403)
    return _download(operation, exports.roster_xlsx(visible_roster(access)), XLSX_MIMETYPE, "xlsx", "roster.xlsx")


@bp.route("/operations/<int:operation_id>/roster.pdf")
@requires("authenticated")
def roster_pdf(operation_id):
    operation, access = _load(operation_id)
    if not access.sees_participant_list:
        abort(403)
    return _download(operation, exports.roster_pdf(visible_roster(access), current_user), "application/pdf", "pdf",
                     "roster.pdf")
