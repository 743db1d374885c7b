"""Token authentication, scopes, JSON errors and the OpenAPI registry of the API.

Every route is declared with `@endpoint(...)`: its rule, methods, the role permission it needs (or "public"),
the token scope it needs (read for GET, write otherwise, unless given) and its OpenAPI description. The wrapper
checks the token, the permission and the scope, runs the view, commits when the answer is a success and rolls
back otherwise ("services flush; the request commits"), and turns every PlannerError into the one error shape
`{"error": "…", "errors": {"field": ["…"]}}`.
"""
import inspect
import json
import re
from functools import wraps

from flask import Blueprint, g, jsonify, make_response, request
from flask_babel import gettext as _
from flask_login import AnonymousUserMixin, current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from planner.auth.models import TokenScope
from planner.auth.services import token_user
from planner.core.errors import FieldErrors, PlannerError
from planner.core.permissions import ALL_PERMISSIONS, has_permission
from planner.extensions import db

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# path -> method -> operation object; filled by @endpoint, served at /api/v1/openapi.json
OPENAPI_PATHS = {}

PUBLIC = "public"
MAX_ID = 2**31 - 1  # an id in a URL beyond the database's integer range is simply not there
BODY_METHODS = ("POST", "PUT", "PATCH")

# Error statuses and the reusable response (components.responses) that describes each one.
ERROR_RESPONSES = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    409: "Conflict",
    422: "ValidationFailed",
}


class BadRequest(PlannerError):
    """The request itself cannot be read (no JSON object in the body)."""

    status = 400


# --- authentication -----------------------------------------------------------------------------------------

@bp.before_request
def authenticate():
    """Only a bearer token authenticates the API, never the session cookie: the API has no CSRF token, so a
    logged-in browser must not be able to call it. Whether the route needs a token is the endpoint's business."""
    g.is_api = True
    g.api_token = None
    g.api_token_offered = False
    g._login_user = AnonymousUserMixin()  # Flask-Login's current_user: never loaded from the session here
    scheme, _sep, secret = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() == "bearer" and secret.strip():
        g.api_token_offered = True
        user, token = token_user(secret.strip())
        if user is not None:
            g._login_user = user
            g.api_token = token


@bp.after_request
def finish_response(response):
    # The token's last_used_at, when nothing else committed (a refused request rolled back its own changes).
    if g.get("api_token") is not None and db.session.is_modified(g.api_token):
        db.session.commit()
    # LIMITE data and token secrets: nothing in a cache.
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@bp.after_app_request
def one_error_shape(response):
    """The application's own handlers (unknown route, wrong method, too large, crash) answer /api/ paths with
    `{"error": …}`; add the empty `errors` map so that every API error has the same shape."""
    if response.status_code >= 400 and request.path.startswith("/api/") and response.is_json:
        body = response.get_json(silent=True)
        if isinstance(body, dict) and "error" in body and "errors" not in body:
            body["errors"] = {}
            response.set_data(json.dumps(body))
    return response


def error_response(status, message, errors=None, headers=None, **extra):
    body = {"error": str(message), "errors": {k: [str(m) for m in v] for k, v in (errors or {}).items()}}
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def planner_error_response(exc):
    body = exc.to_json()
    body.setdefault("errors", {})
    response = jsonify(body)
    response.status_code = exc.status
    return response


def _unauthorised():
    if g.get("api_token_offered"):
        return error_response(
            401, _("The bearer token is not valid: it is unknown, revoked or expired, or its account is inactive."),
            headers={"WWW-Authenticate": 'Bearer realm="planner", error="invalid_token"'},
        )
    return error_response(
        401, _("A valid bearer token is required (Authorization: Bearer <token>)."),
        headers={"WWW-Authenticate": 'Bearer realm="planner"'},
    )


def scope_allows(granted, needed):
    """`write` covers `write_results`; `read` is needed to read, whatever else the token holds."""
    return needed in granted or (needed == TokenScope.WRITE_RESULTS and TokenScope.WRITE in granted)


def grantable_scopes(granted):
    """The scopes a token may hand on to a token it issues: its own (and what `write` covers)."""
    return {s for s in TokenScope.ALL if scope_allows(granted, s)}


# --- the endpoint decorator -------------------------------------------------------------------------------

def endpoint(rule, methods=("GET",), permission="authenticated", scope=None, summary="", description="",
             request_schema=None, response_schema=None, status=200, parameters=(), errors=(),
             tags=("operations",), request_example=None):
    """Register an API route with its permission, token scope and OpenAPI description.

    `response_schema` names a component schema of the success answer (`status`); `errors` lists the error
    statuses the route may answer besides 401/403 (added unless public) and 400/422 (added for a body)."""
    if permission != PUBLIC and permission not in ALL_PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")
    methods = tuple(m.upper() for m in methods)

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if permission != PUBLIC:
                token = g.get("api_token")
                if token is None:
                    return _unauthorised()
                if not has_permission(current_user, permission):
                    return error_response(403, _("You may not do this."))
                needed = scope or (TokenScope.READ if request.method in ("GET", "HEAD") else TokenScope.WRITE)
                if not scope_allows(token.scope_list, needed):
                    return error_response(403, _("This token lacks the scope '%(scope)s'.", scope=needed))
            if any(isinstance(v, int) and v > MAX_ID for v in kwargs.values()):
                return error_response(404, _("Not found."))
            try:
                response = make_response(view(*args, **kwargs))
                if response.status_code < 400:
                    db.session.commit()
                else:
                    db.session.rollback()
            except PlannerError as exc:
                db.session.rollback()
                return planner_error_response(exc)
            except StaleDataError:
                db.session.rollback()
                return error_response(409, _("Somebody else saved this record at the same moment. Reload and try "
                                             "again."))
            except IntegrityError:
                db.session.rollback()
                return error_response(409, _("The change conflicts with another one saved at the same moment. "
                                             "Try again."))
            return response

        wrapped._permission = permission
        bp.add_url_rule(rule, view_func=wrapped, methods=list(methods), endpoint=view.__name__)
        _describe(rule, methods, view, permission, scope, summary, description, request_schema, response_schema,
                  status, parameters, errors, tags, request_example)
        return wrapped

    return decorator


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _describe(rule, methods, view, permission, scope, summary, description, request_schema, response_schema,
              status, parameters, errors, tags, request_example):
    path = "/api/v1" + openapi_path(rule)
    doc = inspect.cleandoc(view.__doc__ or "")
    for method in methods:
        ok = {"description": "OK" if status == 200 else ("Created" if status == 201 else "Success")}
        if response_schema:
            ok["content"] = {"application/json": {"schema": _ref(response_schema)}}
        responses = {str(status): ok}
        codes = set(errors)
        if permission != PUBLIC:
            codes |= {401, 403}
        if method in BODY_METHODS and request_schema:
            codes |= {400, 422}
        for code in sorted(codes):
            responses[str(code)] = {"$ref": f"#/components/responses/{ERROR_RESPONSES[code]}"}
        needed = scope or (TokenScope.READ if method == "GET" else TokenScope.WRITE)
        text = description or doc
        text = (text + "\n\n" if text else "") + (
            "No token needed." if permission == PUBLIC
            else f"Needs the permission `{permission}` and a token with the scope `{needed}`."
        )
        op = {
            "operationId": view.__name__ if len(methods) == 1 else f"{view.__name__}_{method.lower()}",
            "summary": summary or view.__name__,
            "description": text,
            "tags": list(tags),
            "security": [] if permission == PUBLIC else [{"bearer": []}],
            "responses": responses,
            "x-permission": permission,
        }
        params = path_parameters(rule) + list(parameters)
        if params:
            op["parameters"] = params
        if request_schema and method in BODY_METHODS:
            content = {"schema": _ref(request_schema) if isinstance(request_schema, str) else request_schema}
            if request_example is not None:
                content["example"] = request_example
            op["requestBody"] = {"required": True, "content": {"application/json": content}}
        OPENAPI_PATHS.setdefault(path, {})[method.lower()] = op


def openapi_path(rule):
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def path_parameters(rule):
    params = []
    for conv, name in re.findall(r"<(?:([a-z]+):)?([a-z_]+)>", rule):
        params.append({"name": name, "in": "path", "required": True,
                       "schema": {"type": "integer" if conv == "int" else "string"}})
    return params


def query_parameter(name, schema, description):
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


# --- reading requests ----------------------------------------------------------------------------------------

def json_body():
    """The request's JSON object, or a 400 that says what is wrong."""
    if not request.is_json:
        raise BadRequest(_("Send a JSON object with the header Content-Type: application/json."))
    try:
        data = json.loads(request.get_data(cache=True) or b"", parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        where = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise BadRequest(_("The body is not valid JSON%(where)s.", where=where)) from None
    if not isinstance(data, dict):
        raise BadRequest(_("The body must be a JSON object, not %(kind)s.", kind=_json_kind(data)))
    return data


def _reject_constant(name):
    raise ValueError(f"{name} is not JSON")


def _json_kind(value):
    return {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(type(value), "a number")


def reject_unknown_fields(data, allowed):
    """422 naming every field the endpoint does not know (a typo must not be silently ignored)."""
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        errors = FieldErrors()
        for field in unknown:
            errors.add(field, _("Unknown field; expected one of: %(fields)s.", fields=", ".join(sorted(allowed))))
        errors.raise_if_any(_("The body has fields this endpoint does not know."))


def int_argument(name, errors, default=None, minimum=None, maximum=None):
    """A whole-number query parameter, with its problems collected under its own name."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not re.fullmatch(r"[0-9]{1,9}", raw.strip()):
        errors.add(name, _("Give a whole number."))
        return default
    value = int(raw)
    if minimum is not None and value < minimum:
        errors.add(name, _("The smallest value is %(n)d.", n=minimum))
    elif maximum is not None and value > maximum:
        errors.add(name, _("The largest value is %(n)d.", n=maximum))
    return value


def paging(errors, default_per_page=50, max_per_page=200):
    page = int_argument("page", errors, 1, minimum=1)
    per_page = int_argument("per_page", errors, default_per_page, minimum=1, maximum=max_per_page)
    return page or 1, min(per_page or default_per_page, max_per_page)


def paging_parameters(default_per_page=50, max_per_page=200):
    return [
        query_parameter("page", {"type": "integer", "minimum": 1, "default": 1}, "The page, from 1."),
        query_parameter("per_page", {"type": "integer", "minimum": 1, "maximum": max_per_page,
                                     "default": default_per_page}, f"Items per page (at most {max_per_page})."),
    ]


def expected_version(data):
    """The version the client read: `version` in the body or an `If-Match` header (`"3"`, `W/"3"` or `3`).
    Required: an update without it could overwrite somebody else's change unseen."""
    errors = FieldErrors()
    from_body = data.get("version")
    if from_body is not None and (isinstance(from_body, bool) or not isinstance(from_body, int) or from_body < 1):
        errors.add("version", _("The version must be a whole number, as read from the record."))
        from_body = None
    from_header = None
    header = request.headers.get("If-Match")
    if header:
        match = re.fullmatch(r'\s*(?:W/)?"?([0-9]{1,9})"?\s*', header)
        if match is None:
            errors.add("version", _("The If-Match header must carry the version, e.g. If-Match: \"3\"."))
        else:
            from_header = int(match.group(1))
    if from_body is not None and from_header is not None and from_body != from_header:
        errors.add("version", _("The version in the body and in If-Match differ."))
    version = from_body if from_body is not None else from_header
    if version is None and not errors:
        errors.add("version", _("Send the version you read, in the body or in an If-Match header."))
    errors.raise_if_any(_("The version of the record is missing or not valid."))
    return version

