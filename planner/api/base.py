"""Token authentication, scopes, JSON errors and the OpenAPI registry of the API."""
from functools import wraps

from flask import Blueprint, abort, g, jsonify, request

from planner.auth.models import TokenScope
from planner.auth.services import token_user
from planner.core.errors import PlannerError
from planner.core.permissions import has_permission
from planner.extensions import db

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# path -> method -> operation object; filled by @endpoint, served at /api/v1/openapi.json
OPENAPI_PATHS = {}


@bp.before_request
def authenticate():
    """Only a bearer token authenticates the API (never the session cookie: the API has no CSRF token)."""
    g.is_api = True
    g.api_token = None
    g._login_user = None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        user, token = token_user(header[7:].strip())
        if user is not None:
            g._login_user = user  # Flask-Login's current_user for this request
            g.api_token = token
    if g.api_token is None:
        from flask_login import AnonymousUserMixin

        g._login_user = AnonymousUserMixin()


@bp.after_request
def commit_token_use(response):
    if g.get("api_token") is not None and db.session.is_modified(g.api_token):
        db.session.commit()
    return response


def endpoint(rule, methods=("GET",), permission="authenticated", scope=None, summary="", request_schema=None,
             responses=None, tags=("operations",)):
    """Register an API route with its permission, token scope and OpenAPI description."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            token = g.get("api_token")
            if token is None:
                return jsonify({"error": "A valid bearer token is required (Authorization: Bearer <token>)."}), 401
            from flask_login import current_user

            if not has_permission(current_user, permission):
                return jsonify({"error": "You may not do this."}), 403
            needed = scope or (TokenScope.READ if request.method in ("GET", "HEAD") else TokenScope.WRITE)
            granted = token.scope_list
            if needed not in granted and not (needed != TokenScope.READ and TokenScope.WRITE in granted):
                return jsonify({"error": f"This token lacks the scope '{needed}'."}), 403
            try:
                return view(*args, **kwargs)
            except PlannerError as exc:
                db.session.rollback()
                return jsonify(exc.to_json()), exc.status

        wrapped._permission = permission
        bp.add_url_rule(rule, view_func=wrapped, methods=list(methods), endpoint=view.__name__)
        path = "/api/v1" + _openapi_path(rule)
        for method in methods:
            op = {"summary": summary or view.__doc__ or view.__name__, "tags": list(tags),
                  "security": [{"bearer": []}], "responses": responses or {"200": {"description": "OK"}}}
            params = _path_params(rule)
            if params:
                op["parameters"] = params
            if request_schema and method in ("POST", "PUT", "PATCH"):
                op["requestBody"] = {"required": True, "content": {"application/json": {"schema": request_schema}}}
            OPENAPI_PATHS.setdefault(path, {})[method.lower()] = op
        return wrapped

    return decorator


def _openapi_path(rule):
    import re

    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def _path_params(rule):
    import re

    params = []
    for conv, name in re.findall(r"<(?:([a-z]+):)?([a-z_]+)>", rule):
        params.append({"name": name, "in": "path", "required": True,
                       "schema": {"type": "integer" if conv == "int" else "string"}})
    return params


def json_body():
    """The request's JSON object, or a 400 that says what is wrong."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise PlannerError("The body must be a JSON object (Content-Type: application/json).")
    return data
