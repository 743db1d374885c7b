"""Pages to manage organisations (admins), all user accounts (admins) and the accounts of one's own organisation
(coordinators and contact points, roles up to their own: DESIGN.md §2b). The rules live in the services."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from planner.auth.models import User
from planner.auth.services import assignable_roles, create_user, may_manage_user, update_user
from planner.core.clock import utcnow
from planner.core.enums import Role
from planner.core.errors import NotFound, PermissionDenied, PlannerError
from planner.core.permissions import requires
from planner.extensions import db
from planner.organisations.forms import EditUserForm, NewUserForm, OrganisationForm
from planner.organisations.models import Organisation
from planner.organisations.services import create_organisation, update_organisation

bp = Blueprint("organisations", __name__)

PAGE_SIZE = 50


def _save(action):
    """Run one service call: commit and return its result, or roll back and return the error."""
    try:
        result = action()
    except PlannerError as exc:
        db.session.rollback()
        return None, exc
    db.session.commit()
    return result, None


def _render(template, error=None, form=None, **context):
    """Render a form page; a refused submission answers with the error's status (422 bad input, 403 refused)."""
    errors = error.errors if error else {}
    message = error.message if error else None
    status = error.status if error else 200
    if error is None and form is not None and form.errors:
        message, status = _("The data is not valid."), 422
    return render_template(template, form=form, message=message, errors=errors, **context), status


# --- organisations (admins) ---------------------------------------------------------------------------------

@bp.route("/admin/organisations")
@requires("admin.organisations")
def admin_organisations():
    people = (
        select(func.count(User.id))
        .where(User.organisation_id == Organisation.id, User.is_service_account.is_(False))
        .correlate(Organisation).scalar_subquery()
    )
    rows = db.session.execute(select(Organisation, people).order_by(Organisation.code)).all()
    return render_template("organisations/index.html", rows=rows)


@bp.route("/admin/organisations/new", methods=["GET", "POST"])
@requires("admin.organisations")
def admin_organisation_new():
    form = OrganisationForm()
    error = None
    if form.validate_on_submit():
        org, error = _save(lambda: create_organisation(current_user, form.to_data()))
        if error is None:
            flash(_("Organisation %(code)s created.", code=org.code), "success")
            return redirect(url_for("organisations.admin_organisations"))
    return _render("organisations/form.html", error, form, organisation=None)


@bp.route("/admin/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@requires("admin.organisations")
def admin_organisation_edit(organisation_id):
    org = db.session.get(Organisation, organisation_id)
    if org is None:
        raise NotFound(_("No such organisation."))
    form = OrganisationForm(obj=None if request.method == "POST" else org)
    del form.code  # fixed once created: operations, users and reports refer to it
    error = None
    if form.validate_on_submit():
        _org, error = _save(lambda: update_organisation(current_user, org, form.to_data()))
        if error is None:
            flash(_("Organisation %(code)s saved.", code=org.code), "success")
            return redirect(url_for("organisations.admin_organisations"))
    elif request.method == "GET":
        form.country.data = org.country or ""
    return _render("organisations/form.html", error, form, organisation=org)


# --- user accounts: shared by the admin pages and the own-organisation pages ----------------------------------

# `scope` is which accounts a page manages: None for every account (admin pages), or the user's own organisation.

def _endpoints(scope):
    if scope is None:
        return {"list": "organisations.admin_users", "new": "organisations.admin_user_new",
                "edit": "organisations.admin_user_edit"}
    return {"list": "organisations.org_users", "new": "organisations.org_user_new",
            "edit": "organisations.org_user_edit"}


def _organisation_choices(current=None):
    """Active organisations, and the account's current one even when it is no longer active."""
    cond = Organisation.is_active if current is None else Organisation.is_active | (Organisation.id == current.id)
    stmt = select(Organisation).where(cond)
    return [(o.code, f"{o.code} – {o.name}") for o in db.session.scalars(stmt.order_by(Organisation.code))]


def _role_choices(scope):
    roles = list(Role) if scope is None else assignable_roles(current_user)
    return [(r.value, r.label) for r in roles]


def _load_user(user_id, scope):
    """The account, or 404 when it does not exist or (own-organisation pages) belongs to another organisation:
    the answer does not reveal that an account exists elsewhere. Admins manage every account and know them all,
    so they may reach any account from these pages too."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such user."))
    if scope is not None and user.organisation_id != scope.id and Role(current_user.role) is not Role.ADMIN:
        raise NotFound(_("No such user."))
    return user


def _users_page(scope):
    args = request.args
    filters = {
        "q": (args.get("q") or "").strip()[:100],
        "role": args.get("role") if args.get("role") in Role.codes() else "",
        "active": args.get("active") if args.get("active") in ("yes", "no") else "",
        "organisation": "" if scope else (args.get("organisation") or "").strip().upper()[:20],
    }
    stmt = select(User).join(Organisation, Organisation.id == User.organisation_id)
    if scope is not None:
        stmt = stmt.where(User.organisation_id == scope.id)
    elif filters["organisation"]:
        stmt = stmt.where(Organisation.code == filters["organisation"])
    if filters["role"]:
        stmt = stmt.where(User.role == filters["role"])
    if filters["active"]:
        stmt = stmt.where(User.is_active_account.is_(filters["active"] == "yes"))
    if filters["q"]:
        stmt = stmt.where(or_(User.name.icontains(filters["q"], autoescape=True),
                              User.email.icontains(filters["q"], autoescape=True)))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(max(args.get("page", 1, type=int), 1), pages)
    users = db.session.scalars(
        stmt.order_by(Organisation.code, User.name, User.id).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    editable = {u.id for u in users if may_manage_user(current_user, u.organisation_id, u.role)}
    organisations = [] if scope else _organisation_choices()
    return render_template(
        "organisations/users.html", users=users, editable=editable, scope=scope, filters=filters, total=total,
        filter_args={k: v for k, v in filters.items() if v}, page=page, pages=pages, roles=list(Role),
        organisations=organisations, endpoints=_endpoints(scope), now=utcnow(),
    )


def _new_user_page(scope):
    form = NewUserForm()
    form.role.choices = _role_choices(scope)
    if scope is None:
        form.organisation.choices = _organisation_choices()
    else:
        del form.organisation  # always the user's own organisation
    if request.method == "GET":
        form.role.data = Role.OFFICER.value
        if scope is None:
            form.organisation.data = current_user.organisation.code
    error = None
    if form.validate_on_submit():
        data = form.to_data()
        if scope is not None:
            data["organisation"] = scope
        user, error = _save(lambda: create_user(current_user, data))
        if error is None:
            flash(_("Account %(email)s created.", email=user.email), "success")
            return redirect(url_for(_endpoints(scope)["list"]))
    return _render("organisations/user_form.html", error, form, user=None, scope=scope,
                   endpoints=_endpoints(scope))


def _edit_user_page(scope, user_id):
    user = _load_user(user_id, scope)
    if scope is not None:
        scope = user.organisation  # an admin's own-organisation page may show an account of another organisation
    if not may_manage_user(current_user, user.organisation_id, user.role):
        raise PermissionDenied(_("You may not change this account."))
    now = utcnow()
    form = EditUserForm(obj=None if request.method == "POST" else user)
    form.role.choices = _role_choices(scope)
    if scope is None and not user.is_service_account:
        form.organisation.choices = _organisation_choices(current=user.organisation)
    else:
        del form.organisation
    if user.is_service_account:
        # It stands for a national system: no password, and its address, role and organisation are fixed.
        del form.email, form.role, form.password, form.unlock
    elif not user.is_locked(now):
        del form.unlock
    if request.method == "GET" and form.organisation is not None:
        form.organisation.data = user.organisation.code
    error = None
    if form.validate_on_submit():
        _user, error = _save(lambda: update_user(current_user, user, form.to_data()))
        if error is None:
            flash(_("Account %(email)s saved.", email=user.email), "success")
            return redirect(url_for(_endpoints(scope)["list"]))
    return _render("organisations/user_form.html", error, form, user=user, scope=scope,
                   endpoints=_endpoints(scope), now=now)


# --- every account (admins) ------------------------------------------------------------------------------------

@bp.route("/admin/users")
@requires("admin.users")
def admin_users():
    return _users_page(None)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@requires("admin.users")
def admin_user_new():
    return _new_user_page(None)


@bp.route("/admin/users/<int:user_id>/edit", methods=["GET", "POST"])
@requires("admin.users")
def admin_user_edit(user_id):
    return _edit_user_page(None, user_id)


# --- the accounts of my organisation (coordinators, contact points, admins) ------------------------------------

@bp.route("/organisation/users")
@requires("users.manage_own_org")
def org_users():
    return _users_page(current_user.organisation)


@bp.route("/organisation/users/new", methods=["GET", "POST"])
@requires("users.manage_own_org")
def org_user_new():
    return _new_user_page(current_user.organisation)


@bp.route("/organisation/users/<int:user_id>/edit", methods=["GET", "POST"])
@requires("users.manage_own_org")
def org_user_edit(user_id):
    return _edit_user_page(current_user.organisation, user_id)
