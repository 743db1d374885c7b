"""Accounts: passwords (argon2id), login with a lockout counted in the database, users and API tokens."""
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from planner.auth.models import ApiToken, TokenScope, User
from planner.core.audit import changes, log_action
from planner.core.clock import utcnow
from planner.core.enums import ROLE_RANK, Role
from planner.core.errors import FieldErrors, PermissionDenied, ValidationError
from planner.extensions import db
from planner.organisations.models import Organisation

MIN_PASSWORD_LENGTH = 12


def _hasher():
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["ARGON2_TIME_COST"], memory_cost=cfg["ARGON2_MEMORY_COST"], parallelism=cfg["ARGON2_PARALLELISM"]
    )


def hash_password(password):
    return _hasher().hash(password)


def check_password(user, password):
    if not user.password_hash:
        return False
    try:
        _hasher().verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return True


def validate_password(password, errors, field="password"):
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        errors.add(field, _("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH))
    elif len(password) > 256:
        errors.add(field, _("Use at most 256 characters."))


class LoginRefused(Exception):
    pass


def authenticate(email, password, now=None):
    """The user, or LoginRefused with a message that does not tell whether the account exists.

    Each attempt is counted in the database *before* the password is checked, with one conditional UPDATE, so
    the count holds across workers and parallel requests: once the limit is reached no further guess is
    checked, and the account is locked for LOGIN_LOCKOUT_MINUTES."""
    now = now or utcnow()
    cfg = current_app.config
    generic = _("Wrong e-mail address or password.")
    email = (email or "").strip().lower()
    user = db.session.scalar(select(User).where(User.email == email)) if len(email) <= 254 else None
    if user is None or user.is_service_account or not user.password_hash:
        _hasher().hash("timing-equaliser")  # spend the same time as a real check
        raise LoginRefused(generic)
    not_locked = (User.locked_until.is_(None)) | (User.locked_until <= now)
    counted = db.session.execute(
        update(User).where(User.id == user.id, not_locked)
        .values(failed_logins=User.failed_logins + 1).execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    db.session.refresh(user)
    if not counted:
        raise LoginRefused(_("Too many failed attempts: this account is locked until %(time)s UTC.",
                             time=user.locked_until.strftime("%H:%M")))
    if user.failed_logins > cfg["LOGIN_MAX_FAILURES"]:
        _lock(user, now)  # more parallel attempts than allowed: this one is not checked at all
        raise LoginRefused(generic)
    if not check_password(user, password or "") or not user.is_active or not user.organisation.is_active:
        if user.failed_logins >= cfg["LOGIN_MAX_FAILURES"]:
            _lock(user, now)
        log_action(user, "user.login_failed", None, data={"attempt": user.failed_logins})
        db.session.commit()
        raise LoginRefused(generic)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return user


def _lock(user, now):
    cfg = current_app.config
    until = now + timedelta(minutes=cfg["LOGIN_LOCKOUT_MINUTES"])
    db.session.execute(
        update(User).where(User.id == user.id).values(locked_until=until, failed_logins=0)
        .execution_options(synchronize_session=False)
    )
    log_action(user, "user.locked", None, data={"until": until})
    db.session.commit()
    db.session.refresh(user)


def record_login(user):
    """Audit a login once it has succeeded (after the redirect target is known to be safe)."""
    log_action(user, "user.logged_in", user)


def change_password(user, current, new, confirm):
    errors = FieldErrors()
    if not check_password(user, current or ""):
        errors.add("current_password", _("The current password is wrong."))
    validate_password(new, errors, "new_password")
    if new != confirm:
        errors.add("confirm_password", _("The two new passwords differ."))
    errors.raise_if_any()
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    db.session.flush()
    log_action(user, "user.password_changed", user)


# --- managing users ---------------------------------------------------------------------------------------

def may_manage_user(actor, target_org_id, role=None):
    """Admins manage everybody; coordinators and contact points the users of their own organisation, with
    roles up to their own (never admin or secretariat)."""
    actor_role = Role(actor.role)
    if actor_role is Role.ADMIN:
        return True
    if actor_role not in (Role.COORDINATOR, Role.CONTACT_POINT) or target_org_id != actor.organisation_id:
        return False
    if role is None:
        return True
    role = Role(role)
    return role not in (Role.ADMIN, Role.SECRETARIAT) and ROLE_RANK[role] <= ROLE_RANK[actor_role]


def assignable_roles(actor):
    return [r for r in Role if may_manage_user(actor, actor.organisation_id, r) or Role(actor.role) is Role.ADMIN]


def _validate_user(data, errors, *, existing=None):
    clean = {}
    if existing is None or "email" in data:
        try:
            email = validate_email(str(data.get("email") or ""), check_deliverability=False).normalized.lower()
        except EmailNotValidError as exc:
            errors.add("email", _("Not a valid e-mail address: %(why)s", why=str(exc)))
        else:
            other = db.session.scalar(select(User).where(User.email == email))
            if other is not None and other is not existing:
                errors.add("email", _("Another account uses this address."))
            else:
                clean["email"] = email
    if existing is None or "name" in data:
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            errors.add("name", _("A name is required."))
        elif len(name) > 200:
            errors.add("name", _("The name is limited to 200 characters."))
        else:
            clean["name"] = name.strip()
    if existing is None or "role" in data:
        role = data.get("role")
        if role not in Role.codes():
            errors.add("role", _("Choose one of: %(codes)s.", codes=", ".join(Role.codes())))
        else:
            clean["role"] = role
    if existing is None or "organisation" in data:
        from planner.organisations.services import resolve_organisation_code

        org = data.get("organisation")
        org = org if isinstance(org, Organisation) else resolve_organisation_code(org)
        if org is None:
            errors.add("organisation", _("Unknown organisation."))
        else:
            clean["organisation"] = org
    if "is_active" in data:
        clean["is_active_account"] = bool(data["is_active"])
    if data.get("password"):
        validate_password(data["password"], errors)
    return clean


def create_user(actor, data):
    errors = FieldErrors()
    clean = _validate_user(data, errors)
    errors.raise_if_any()
    if actor is not None and not may_manage_user(actor, clean["organisation"].id, clean["role"]):
        raise PermissionDenied(_("You may not create this account."))
    user = User(
        email=clean["email"], name=clean["name"], role=clean["role"], organisation=clean["organisation"],
        password_hash=hash_password(data["password"]) if data.get("password") else None,
        password_changed_at=utcnow() if data.get("password") else None,
    )
    db.session.add(user)
    db.session.flush()
    log_action(user, "user.created", actor, data={"email": user.email, "role": user.role,
                                                   "organisation": user.organisation.code})
    return user


def update_user(actor, user, data):
    if not may_manage_user(actor, user.organisation_id, user.role):
        raise PermissionDenied(_("You may not change this account."))
    if (Role(actor.role) is not Role.ADMIN and user.id != actor.id
            and ROLE_RANK[Role(user.role)] >= ROLE_RANK[Role(actor.role)]):
        raise PermissionDenied(_("Accounts with a role equal to yours are managed by an administrator."))
    errors = FieldErrors()
    clean = _validate_user(data, errors, existing=user)
    if user.is_service_account and data.get("password"):
        errors.add("password", _("A service account has no password: it acts through API tokens."))
    errors.raise_if_any()
    target_org = clean.get("organisation", user.organisation)
    if not may_manage_user(actor, target_org.id, clean.get("role", user.role)):
        raise PermissionDenied(_("You may not give this role or organisation."))
    if user.id == actor.id and clean.get("is_active_account") is False:
        raise ValidationError(_("You cannot deactivate your own account."), {"is_active": [_("Not your own.")]})
    before = {"email": user.email, "name": user.name, "role": user.role, "organisation": user.organisation.code,
              "is_active": user.is_active_account, "locked_until": user.locked_until}
    for key, value in clean.items():
        setattr(user, key, value)
    if data.get("password"):
        user.password_hash = hash_password(data["password"])
        user.password_changed_at = utcnow()
    if data.get("unlock"):
        user.locked_until, user.failed_logins = None, 0
    db.session.flush()
    after = {"email": user.email, "name": user.name, "role": user.role, "organisation": user.organisation.code,
             "is_active": user.is_active_account, "locked_until": user.locked_until}
    diff = changes(before, after)
    if data.get("password"):
        diff["password"] = {"before": "…", "after": "(reset)"}
    if diff:
        log_action(user, "user.updated", actor, data={"changes": diff})
    return user


# --- API tokens -----------------------------------------------------------------------------------------

def _clean_scopes(scopes):
    scopes = scopes or [TokenScope.READ]
    if isinstance(scopes, str):
        scopes = scopes.split()
    bad = [s for s in scopes if s not in TokenScope.ALL]
    if bad or not isinstance(scopes, list):
        raise ValidationError(_("Unknown scope."), {"scopes": [_("Choose from: %(s)s.", s=", ".join(TokenScope.ALL))]})
    return " ".join(dict.fromkeys(scopes))


def _clean_name(name):
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        raise ValidationError(_("Give the token a name."), {"name": [_("Between 1 and 100 characters.")]})
    return name.strip()


def issue_token(actor, name, scopes=None, organisation=None, expires_at=None):
    """A new token: for `actor`, or, with `organisation`, for that organisation's service account.
    Returns (token_row, secret); the secret is shown once and only its hash is stored."""
    name = _clean_name(name)
    scope_str = _clean_scopes(scopes)
    owner = actor
    if organisation is not None:
        if not may_manage_user(actor, organisation.id):
            raise PermissionDenied(_("You may not create service tokens for this organisation."))
        owner = service_account(organisation)
    secret = ApiToken.generate()
    token = ApiToken(
        name=name, prefix=secret[:12], token_hash=ApiToken.hash(secret), scopes=scope_str, user=owner,
        service_organisation=organisation, created_by=actor, created_at=utcnow(), expires_at=expires_at,
    )
    db.session.add(token)
    db.session.flush()
    log_action(token, "token.created", actor, data={"name": name, "scopes": scope_str,
                                                    "service_organisation": getattr(organisation, "code", None)})
    return token, secret


def service_account(organisation):
    """The organisation's service-account user (created on first use): it acts for a national system."""
    email = f"service+{organisation.code.lower()}@planner.invalid"
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=f"{organisation.code} national system", role=Role.OFFICER.value,
                    organisation=organisation, is_service_account=True)
        db.session.add(user)
        db.session.flush()
        log_action(user, "user.created", None, data={"email": email, "service_account": True,
                                                     "organisation": organisation.code})
    return user


def may_manage_token(actor, token):
    if token.user_id == actor.id:
        return True
    if token.service_organisation_id is not None:
        return may_manage_user(actor, token.service_organisation_id)
    return Role(actor.role) is Role.ADMIN


def revoke_token(actor, token):
    if not may_manage_token(actor, token):
        raise PermissionDenied(_("You may not revoke this token."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
        log_action(token, "token.revoked", actor, data={"name": token.name})
    return token


def visible_tokens(actor):
    """The actor's own tokens and the service tokens of organisations it manages."""
    stmt = select(ApiToken).order_by(ApiToken.created_at.desc())
    if Role(actor.role) is Role.ADMIN:
        return stmt
    cond = ApiToken.user_id == actor.id
    if Role(actor.role) in (Role.COORDINATOR, Role.CONTACT_POINT):
        cond = cond | (ApiToken.service_organisation_id == actor.organisation_id)
    return stmt.where(cond)


def token_user(secret, now=None):
    """(user, token) for a bearer secret, or (None, None)."""
    now = now or utcnow()
    if not isinstance(secret, str) or not secret.startswith("jop_") or len(secret) > 100:
        return None, None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(secret)))
    if token is None or not token.is_valid(now) or not token.user.is_active or not token.user.organisation.is_active:
        return None, None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        token.last_used_at = now
    return token.user, token
