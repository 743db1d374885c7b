from flask import Blueprint

from planner.core.permissions import requires

bp = Blueprint("audit", __name__)


@bp.route("/admin/audit")
@requires("admin.audit")
def index():
    return "todo"
