"""Bearer tokens: missing, wrong, revoked, expired → 401; scopes; session cookies never authenticate the API;
every error is JSON in one shape; every route declares its permission."""
from datetime import timedelta

from planner.auth.services import issue_token, revoke_token
from planner.core import clock
from planner.core.permissions import declared_permission
from planner.extensions import db
from tests.api.helpers import assert_error


def test_missing_token_is_401_with_www_authenticate(client, factory):
    response = client.get("/api/v1/operations")
    body = assert_error(response, 401)
    assert "Bearer" in body["error"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_wrong_tokens_are_401(client, factory):
    for header in ("Bearer jop_not-a-real-token", "Bearer nonsense", "Basic dXNlcjpwYXNz", "Bearer ",
                   "Bearer " + "x" * 5000, "jop_without_scheme"):
        response = client.get("/api/v1/me", headers={"Authorization": header})
        assert_error(response, 401)


def test_scheme_is_case_insensitive(client, factory):
    secret = factory.token(factory.coordinator("LT"))
    assert client.get("/api/v1/me", headers={"Authorization": f"bearer {secret}"}).status_code == 200


def test_revoked_token_is_401(client, factory):
    user = factory.coordinator("LT")
    token, secret = issue_token(user, "soon revoked", ["read"])
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    revoke_token(user, token)
    db.session.commit()
    response = client.get("/api/v1/me", headers=headers)
    assert_error(response, 401)
    assert "invalid_token" in response.headers["WWW-Authenticate"]


def test_expired_token_is_401(client, factory):
    user = factory.coordinator("LT")
    now = clock.utcnow()
    _token, secret = issue_token(user, "short-lived", ["read"], expires_at=now + timedelta(hours=1))
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    clock.freeze(now + timedelta(hours=2))
    assert_error(client.get("/api/v1/me", headers=headers), 401)


def test_token_of_deactivated_account_is_401(client, factory):
    user = factory.coordinator("LT")
    headers = factory.auth(user)
    user.is_active_account = False
    db.session.commit()
    assert_error(client.get("/api/v1/me", headers=headers), 401)


def test_read_only_token_cannot_write(api, factory):
    coordinator = factory.coordinator("LT")
    op = factory.operation_in("draft")
    own_token, _secret = issue_token(coordinator, "to revoke", ["read"])
    db.session.commit()
    read = {"scopes": ("read",)}
    attempts = [
        api("POST", "/operations", coordinator, json={"code_name": "NEW ONE", "year": 2026}, **read),
        api("PATCH", f"/operations/{op.id}", coordinator, json={"version": op.version, "summary": "x"}, **read),
        api("POST", f"/operations/{op.id}/transitions", coordinator, json={"action": "submit"}, **read),
        api("POST", "/tokens", coordinator, json={"name": "more", "scopes": ["read"]}, **read),
        api("DELETE", f"/tokens/{own_token.id}", coordinator, **read),
    ]
    for response in attempts:
        body = assert_error(response, 403)
        assert "scope" in body["error"]
    db.session.refresh(op)
    assert op.state == "draft" and op.summary == ""
    # ...and it still reads
    assert api("GET", f"/operations/{op.id}", coordinator, **read).status_code == 200


def test_write_only_token_cannot_read(api, factory):
    response = api("GET", "/operations", factory.coordinator("LT"), scopes=("write",))
    assert_error(response, 403)


def test_session_cookie_does_not_authenticate_the_api(client, factory, login):
    user = factory.coordinator("LT")
    factory.operation_in("draft")
    login(user)
    assert client.get("/").status_code == 200  # the browser session itself is valid
    for method, path in (("GET", "/api/v1/operations"), ("GET", "/api/v1/me"), ("POST", "/api/v1/operations")):
        response = client.open(path, method=method, json={"code_name": "SESSION RIDE", "year": 2026})
        assert_error(response, 401)


def test_bearer_wins_over_a_session_cookie(client, factory, login):
    login(factory.coordinator("LT"))
    other = factory.user("DE", "contact_point")
    response = client.get("/api/v1/me", headers=factory.auth(other))
    assert response.status_code == 200
    assert response.get_json()["id"] == other.id


def test_unknown_route_and_method_are_json(client, factory):
    headers = factory.auth(factory.coordinator("LT"))
    assert_error(client.get("/api/v1/no-such-thing", headers=headers), 404)
    assert_error(client.get("/api/v1/no-such-thing"), 404)
    response = client.put("/api/v1/operations", headers=headers, json={})
    assert_error(response, 405)
    assert_error(client.get("/api/v1/operations/999999", headers=headers), 404)


def test_api_answers_are_not_cached(api, factory):
    response = api("GET", "/me", factory.coordinator("LT"))
    assert response.headers["Cache-Control"] == "no-store"


def test_every_api_route_declares_its_permission(app):
    missing = [
        rule.rule for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/") and declared_permission(app.view_functions[rule.endpoint]) is None
    ]
    assert missing == []


def test_only_openapi_is_public(app):
    public = sorted(
        rule.rule for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/") and declared_permission(app.view_functions[rule.endpoint]) == "public"
    )
    assert public == ["/api/v1/openapi.json"]


def _api_routes(app):
    import re

    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", "1", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, path, method


def test_every_route_refuses_requests_without_a_token(app, client, factory):
    factory.operation_in("draft")
    for rule, path, method in _api_routes(app):
        if declared_permission(app.view_functions[rule.endpoint]) == "public":
            continue
        response = client.open(path, method=method, json={})
        assert_error(response, 401)


def test_every_write_route_refuses_a_read_only_token(app, client, factory):
    op = factory.operation_in("draft")
    headers = factory.auth(factory.user("CCWP", "admin"), scopes=("read",))
    for rule, path, method in _api_routes(app):
        if method == "GET" or declared_permission(app.view_functions[rule.endpoint]) == "public":
            continue
        response = client.open(path.replace("/1", f"/{op.id}"), method=method, json={}, headers=headers)
        body = assert_error(response, 403)
        assert "scope" in body["error"], (path, method)


def test_ids_beyond_the_integer_range_are_404(api, factory):
    user = factory.coordinator("LT")
    assert_error(api("GET", "/operations/99999999999999999999", user), 404)
    assert_error(api("GET", "/operations/2147483648/history", user), 404)
    assert_error(api("DELETE", "/tokens/99999999999999999999", user), 404)


def test_matrix_of_places_and_reading_routes(api, factory):
    """Who gets what from each reading route, by role and by the organisation's place in the operation."""
    op = factory.operation_in("planning", lead="LT", co_organisers=["OLAF"])
    factory.accept(op, "PL")
    factory.invite(op, "DE")
    factory.accept(op, "EUROPOL", role="observer")
    people = {
        "lead coordinator": factory.coordinator("LT"),
        "lead contact point": factory.user("LT", "contact_point"),
        "lead officer": factory.user("LT", "officer"),
        "co-organiser analyst": factory.user("OLAF", "analyst"),
        "participant coordinator": factory.coordinator("PL"),
        "invited coordinator": factory.coordinator("DE"),
        "observer": factory.user("EUROPOL", "observer"),
        "outsider coordinator": factory.coordinator("FR"),
        "secretariat": factory.secretariat(),
        "admin": factory.user("CCWP", "admin"),
    }
    # who: (GET /operations/{id} status, view, GET history status)
    expected = {
        "lead coordinator": (200, "full", 200),
        "lead contact point": (200, "full", 200),
        "lead officer": (200, "full", 200),
        "co-organiser analyst": (200, "full", 200),
        "participant coordinator": (200, "full", 403),
        "invited coordinator": (200, "summary", 403),
        "observer": (200, "summary", 403),
        "outsider coordinator": (404, None, 404),
        "secretariat": (200, "full", 200),
        "admin": (200, "full", 200),
    }
    for who, user in people.items():
        status, view, history = expected[who]
        response = api("GET", f"/operations/{op.id}", user)
        assert response.status_code == status, who
        if view:
            assert response.get_json()["view"] == view, who
        assert api("GET", f"/operations/{op.id}/history", user).status_code == history, who
        listed = [o["id"] for o in api("GET", "/operations", user).get_json()["items"]]
        assert listed == ([op.id] if status == 200 else []), who
        for path in ("/me", "/organisations", "/tokens", "/openapi.json"):
            assert api("GET", path, user).status_code == 200, (who, path)
