from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select

from planner.auth.forms import LoginForm, PasswordForm, TokenForm
from planner.auth.models import ApiToken, User
from planner.auth.services import (
    LoginRefused, authenticate, change_password, issue_token, may_manage_token, record_login, revoke_token,
    visible_tokens,
)
from planner.core.clock import utcnow
from planner.core.errors import NotFound, PlannerError
from planner.core.notifications import Notification
from planner.core.permissions import public, requires
from planner.extensions import db, login_manager

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(session_id):
    user_id = str(session_id).partition(".")[0]
    user = db.session.get(User, int(user_id)) if user_id.isascii() and user_id.isdigit() and len(user_id) < 10 else None
    if user is None or user.is_service_account or not user.is_active or not user.organisation.is_active:
        return None
    if not user.session_id_matches(session_id):  # the password changed since this session began
        return None
    return user


login_manager.login_view = "auth.login"
login_manager.login_message = None


@bp.app_context_processor
def unread():
    if current_user.is_authenticated and not request.path.startswith("/api/"):
        count = db.session.scalar(
            select(func.count(Notification.id)).where(Notification.user_id == current_user.id,
                                                       Notification.read_at.is_(None))
        )
        return {"unread_notifications": count}
    return {"unread_notifications": 0}


def _safe_next(target):
    """Only a path on this site: no scheme, no host, no control characters (browsers drop tabs and newlines,
    which would turn "/\t/evil.example" into "//evil.example")."""
    if (
        isinstance(target, str) and target.startswith("/") and len(target) < 2000
        and not any(ord(c) < 0x21 or ord(c) == 0x7F for c in target)
        and "\\" not in target
    ):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and not target.startswith("//"):
            return target
    return url_for("operations.dashboard")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("operations.dashboard"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data, form.password.data)
        except LoginRefused as exc:
            error = str(exc)
        else:
            target = _safe_next(request.args.get("next"))
            record_login(user)
            db.session.commit()
            login_user(user)
            return redirect(target)
    status = 401 if error else 200
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
@requires("authenticated")
def logout():
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"], endpoint="change_password")
@requires("authenticated")
def change_password_view():
    form = PasswordForm()
    errors = {}
    if form.validate_on_submit():
        try:
            change_password(current_user, form.current_password.data, form.new_password.data, form.confirm_password.data)
        except PlannerError as exc:
            db.session.rollback()
            errors = exc.errors
        else:
            db.session.commit()
            login_user(current_user._get_current_object())  # this session goes on; the others end
            flash(_("Your password has been changed. Your other sessions are logged out."), "success")
            return redirect(url_for("operations.dashboard"))
    return render_template("auth/password.html", form=form, errors=errors)


@bp.route("/account/tokens", methods=["GET", "POST"])
@requires("authenticated")
def tokens():
    form = TokenForm()
    new_secret = None
    errors, message = {}, None
    if form.validate_on_submit():
        organisation = current_user.organisation if form.for_organisation.data else None
        try:
            _token, new_secret = issue_token(current_user, form.name.data, form.scopes.data, organisation=organisation)
        except PlannerError as exc:
            db.session.rollback()
            errors, message = exc.errors, exc.message
        else:
            db.session.commit()
            form = TokenForm(formdata=None)
    rows = db.session.scalars(visible_tokens(current_user)).all()
    return render_template("auth/tokens.html", form=form, tokens=rows, new_secret=new_secret, errors=errors, message=message,
                           now=utcnow())


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@requires("authenticated")
def revoke(token_id):
    token = db.session.get(ApiToken, token_id)
    if token is None or not may_manage_token(current_user, token):
        raise NotFound(_("No such token."))
    revoke_token(current_user, token)
    db.session.commit()
    flash(_("The token \"%(name)s\" is revoked.", name=token.name), "success")
    return redirect(url_for("auth.tokens"))


@bp.route("/notifications", methods=["GET", "POST"])
@requires("authenticated")
def notifications():
    if request.method == "POST":
        db.session.execute(
            Notification.__table__.update()
            .where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
            .values(read_at=utcnow())
        )
        db.session.commit()
        return redirect(url_for("auth.notifications"))
    rows = db.session.scalars(
        select(Notification).where(Notification.user_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(200)
    ).all()
    return render_template("auth/notifications.html", notifications=rows)


@bp.route("/health")
@public
def health():
    db.session.execute(select(1))
    return {"status": "ok", "version": current_app.config.get("VERSION", "0.1.0")}
