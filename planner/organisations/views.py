from flask import Blueprint

from planner.core.permissions import requires

bp = Blueprint("organisations", __name__)


@bp.route("/organisation/users")
@requires("users.manage_own_org")
def org_users():
    return "todo"


@bp.route("/admin/users")
@requires("admin.users")
def admin_users():
    return "todo"


@bp.route("/admin/organisations")
@requires("admin.organisations")
def admin_organisations():
    return "todo"
