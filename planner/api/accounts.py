"""API: who am I, the organisations (reference data), and API tokens."""
from datetime import datetime

from flask import g, jsonify, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from planner.api.base import endpoint, grantable_scopes, json_body, reject_unknown_fields
from planner.api.serializers import me_json, organisation_json, token_json
from planner.auth.models import ApiToken, TokenScope
from planner.auth.services import issue_token, may_manage_token, revoke_token, visible_tokens
from planner.core.clock import utcnow
from planner.core.errors import FieldErrors, NotFound, PermissionDenied
from planner.extensions import db
from planner.organisations.models import Organisation
from planner.organisations.services import resolve_organisation_code

TOKEN_FIELDS = ("name", "scopes", "service_organisation", "expires_at")


@endpoint("/me", summary="The token's user, organisation, role and scopes", response_schema="Me",
          tags=("accounts",))
def me():
    """Who the token acts for: a person, or an organisation's service account (a national system)."""
    return jsonify(me_json(current_user, g.api_token, utcnow()))


@endpoint("/organisations", summary="Every organisation (reference data)", response_schema="OrganisationList",
          tags=("reference",))
def list_organisations():
    """Code, name, kind and country of every organisation, by code; any authenticated user may read them."""
    orgs = db.session.scalars(select(Organisation).order_by(Organisation.code)).all()
    return jsonify({"items": [organisation_json(o) for o in orgs], "total": len(orgs)})


@endpoint("/tokens", summary="The tokens you may manage", response_schema="TokenList", tags=("accounts",))
def list_tokens():
    """Your own tokens and, for coordinators and contact points, the service tokens of your organisation
    (admins: every token). Secrets are never shown again."""
    now = utcnow()
    tokens = db.session.scalars(visible_tokens(current_user)).all()
    return jsonify({"items": [token_json(t, now) for t in tokens], "total": len(tokens)})


@endpoint("/tokens", methods=("POST",), summary="Issue a token", request_schema="TokenCreate",
          response_schema="TokenCreated", status=201, tags=("accounts",),
          request_example={"name": "national seizure system", "scopes": ["read", "write_results"],
                           "service_organisation": "LT"})
def create_token():
    """For yourself, or with `service_organisation` for that organisation's service account (coordinators and
    contact points of the organisation, admins). A token issues tokens with at most its own scopes; a service
    account issues none. The `secret` is in this answer only."""
    data = json_body()
    reject_unknown_fields(data, TOKEN_FIELDS)
    if current_user.is_service_account:
        raise PermissionDenied(_("A service account issues no tokens: a coordinator or contact point of its "
                                 "organisation does."))
    errors = FieldErrors()
    scopes = data.get("scopes")
    if scopes is None:
        scopes = [TokenScope.READ]
    elif not isinstance(scopes, list) or not scopes or not all(isinstance(s, str) for s in scopes):
        errors.add("scopes", _("Give a list of scopes from: %(s)s.", s=", ".join(TokenScope.ALL)))
    else:
        for index, scope in enumerate(scopes):
            if scope not in TokenScope.ALL:
                errors.add(f"scopes.{index}", _("Unknown scope; choose from: %(s)s.", s=", ".join(TokenScope.ALL)))
    organisation = None
    code = data.get("service_organisation")
    if code is not None:
        organisation = resolve_organisation_code(code) if isinstance(code, str) else None
        if organisation is None:
            errors.add("service_organisation", _("Unknown organisation code."))
    expires_at = _parse_expiry(data.get("expires_at"), errors)
    errors.raise_if_any()
    beyond = sorted(set(scopes) - grantable_scopes(g.api_token.scope_list))
    if beyond:
        raise PermissionDenied(_("This token cannot issue scopes it does not hold: %(s)s.", s=", ".join(beyond)))
    token, secret = issue_token(current_user, data.get("name"), scopes, organisation=organisation,
                                expires_at=expires_at)
    body = token_json(token, utcnow())
    body["secret"] = secret
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = url_for("api.list_tokens")
    return response


def _parse_expiry(value, errors):
    if value is None:
        return None
    moment = None
    if isinstance(value, str) and len(value) <= 40:
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            moment = None
    if moment is None or moment.tzinfo is None:
        errors.add("expires_at", _("Give a date and time in ISO 8601 with an offset, e.g. 2026-12-31T23:59:00+00:00."))
        return None
    if moment <= utcnow():
        errors.add("expires_at", _("The expiry must lie in the future."))
        return None
    return moment


@endpoint("/tokens/<int:token_id>", methods=("DELETE",), summary="Revoke a token", response_schema="Token",
          errors=(404,), tags=("accounts",))
def revoke_token_endpoint(token_id):
    """Revokes at once; the token stays listed, with `revoked_at`. 404 for a token you may not manage."""
    token = db.session.get(ApiToken, token_id)
    if token is None or not may_manage_token(current_user, token):
        raise NotFound(_("No such token."))
    revoke_token(current_user, token)
    return jsonify(token_json(token, utcnow()))
