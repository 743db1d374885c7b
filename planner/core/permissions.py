"""Deny by default: every route declares the permission it needs (`@requires(...)` or `@public`); a test walks
app.url_map and fails on a route that declares none. Role permissions are the ceiling; what a user may do in
one operation is decided by the operation's access rules (planner.operations.access)."""
from functools import wraps

from flask import abort, g, request
from flask_login import current_user

from planner.core.enums import Role
from planner.extensions import login_manager

# Global permissions each role holds. "authenticated" is every logged-in user.
ROLE_PERMISSIONS = {
    Role.ADMIN: {
        "authenticated", "admin.users", "admin.organisations", "admin.audit", "admin.vocab",
        "users.manage_own_org", "tokens.service", "operations.create", "programme.view", "admin.mail",
        "operations.record_past",
    },
    Role.SECRETARIAT: {"authenticated", "programme.view", "reports.annual", "operations.record_past"},
    Role.COORDINATOR: {"authenticated", "operations.create", "users.manage_own_org", "tokens.service", "programme.view"},
    Role.CONTACT_POINT: {"authenticated", "users.manage_own_org", "tokens.service"},
    Role.OFFICER: {"authenticated"},
    Role.ANALYST: {"authenticated"},
    Role.OBSERVER: {"authenticated"},
}

ALL_PERMISSIONS = set().union(*ROLE_PERMISSIONS.values())


def has_permission(user, permission) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return permission in ROLE_PERMISSIONS.get(Role(user.role), set())


def public(view):
    """The route needs no login (the login page, the health check)."""
    view._permission = "public"
    return view


def requires(permission):
    """The route needs a logged-in user holding `permission` (a role permission)."""
    if permission not in ALL_PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = current_user
            if not user.is_authenticated:
                if getattr(g, "is_api", False):
                    abort(401)
                return login_manager.unauthorized()
            if not has_permission(user, permission):
                abort(403)
            return view(*args, **kwargs)

        wrapped._permission = permission
        return wrapped

    return decorator


def declared_permission(view_func):
    return getattr(view_func, "_permission", None)


def is_api_request() -> bool:
    return request.path.startswith("/api/")
