"""Login, lockout counted in the database, CSRF, cookies, security headers, password change, tokens page."""
from datetime import timedelta

from sqlalchemy import select

from planner.auth.models import ApiToken, User
from planner.auth.services import check_password
from planner.core import clock
from planner.core.audit import AuditEntry
from planner.extensions import db
from tests.factories import PASSWORD


def test_login_logout(factory, client):
    user = factory.coordinator("LT")
    assert client.get("/").status_code == 302  # to the login page
    response = client.post("/login?next=/operations", data={"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/operations")
    assert client.get("/").status_code == 200
    client.post("/logout")
    assert client.get("/").status_code == 302


def test_open_redirect_is_refused(factory, client):
    user = factory.coordinator("LT")
    response = client.post("/login?next=//evil.example/", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_password_is_hashed_with_argon2id(factory):
    user = factory.coordinator("LT")
    assert user.password_hash.startswith("$argon2id$")
    assert check_password(user, PASSWORD) and not check_password(user, PASSWORD + "x")


def test_lockout_after_five_failures_for_fifteen_minutes(factory, client):
    user = factory.coordinator("LT")
    start = clock.utcnow()
    clock.freeze(start)
    for _ in range(5):
        response = client.post("/login", data={"email": user.email, "password": "wrong password!"})
        assert response.status_code == 401
        assert "Wrong e-mail address or password." in response.get_data(as_text=True)
    db.session.expire_all()
    locked = db.session.get(User, user.id)
    assert locked.locked_until == start + timedelta(minutes=15)
    # The right password is refused while locked, and says until when.
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 401 and "locked" in response.get_data(as_text=True)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.locked")) is not None
    clock.freeze(start + timedelta(minutes=16))
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302


def test_failure_count_is_stored_in_the_database(factory, client, app):
    user = factory.coordinator("LT")
    client.post("/login", data={"email": user.email, "password": "wrong password!"})
    other_client = app.test_client()  # another worker would see the same count
    other_client.post("/login", data={"email": user.email, "password": "wrong password!"})
    db.session.expire_all()
    assert db.session.get(User, user.id).failed_logins == 2


def test_unknown_account_gets_the_same_message(client):
    response = client.post("/login", data={"email": "nobody@x.example", "password": "whatever it is"})
    assert response.status_code == 401 and "Wrong e-mail address or password." in response.get_data(as_text=True)


def test_csrf_is_required_on_forms(factory, csrf_app):
    client = csrf_app.test_client()
    user = factory.coordinator("LT")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    # With the token from the form, it works.
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    op = factory.operation_in("draft")
    response = client.post(f"/operations/{op.id}/transitions", data={"action": "submit"})
    assert response.status_code == 400
    db.session.refresh(op)
    assert op.state == "draft"


def test_session_cookie_flags_and_security_headers(factory, client):
    user = factory.coordinator("LT")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/")
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "<script>" not in page.get_data(as_text=True).replace("<script src=", "")


def test_password_change(factory, client, login):
    user = factory.coordinator("LT")
    login(user)
    response = client.post("/account/password", data={"current_password": "wrong", "new_password": "short",
                                                       "confirm_password": "other"})
    text = response.get_data(as_text=True)
    assert "The current password is wrong." in text and "at least 12 characters" in text
    response = client.post("/account/password", data={"current_password": PASSWORD,
                                                       "new_password": "a much longer secret",
                                                       "confirm_password": "a much longer secret"})
    assert response.status_code == 302
    db.session.expire_all()
    assert check_password(db.session.get(User, user.id), "a much longer secret")


def test_tokens_page_creates_lists_and_revokes(factory, client, login):
    user = factory.user("LT", "contact_point")
    login(user)
    response = client.post("/account/tokens", data={"name": "national system", "scopes": ["read", "write_results"],
                                                    "for_organisation": "y"})
    text = response.get_data(as_text=True)
    assert "Copy it now" in text and "jop_" in text
    token = db.session.scalar(select(ApiToken))
    assert token.service_organisation.code == "LT" and token.user.is_service_account
    assert token.scopes == "read write_results"
    assert "Service account of LT" in client.get("/account/tokens").get_data(as_text=True)
    # An officer of another organisation cannot revoke it.
    login(factory.user("PL", "officer"))
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    login(user)
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 302
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at is not None


def test_officer_cannot_create_service_tokens(factory, client, login):
    login(factory.user("LT", "officer"))
    response = client.post("/account/tokens", data={"name": "x", "scopes": ["read"], "for_organisation": "y"})
    assert "may not create service tokens" in response.get_data(as_text=True)
    assert db.session.scalar(select(ApiToken)) is None


def test_redirect_target_with_control_characters_is_refused(factory, client):
    user = factory.coordinator("LT")
    for target in ("/%09/evil.example", "/%0a/evil.example", "/%0d/x", "/\\evil.example", "https://evil.example/"):
        client.post("/logout")
        response = client.post(f"/login?next={target}", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302 and response.headers["Location"] == "/", target


def test_failed_logins_are_audited_and_attempts_beyond_the_limit_are_not_checked(factory, client, app):
    user = factory.coordinator("LT")
    client.post("/login", data={"email": user.email, "password": "wrong password!"})
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.login_failed")) is not None
    # Attempts are counted before the check: a burst beyond the limit locks without checking the password.
    db.session.execute(User.__table__.update().where(User.id == user.id).values(failed_logins=5))
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 401
    db.session.expire_all()
    assert db.session.get(User, user.id).locked_until is not None


def test_users_of_a_deactivated_organisation_cannot_log_in(factory, client):
    user = factory.coordinator("LT")
    user.organisation.is_active = False
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 401


def test_managers_cannot_take_over_a_peer_account(factory):
    from planner.auth.services import update_user
    from planner.core.errors import PermissionDenied
    import pytest

    coordinator, peer = factory.coordinator("LT"), factory.user("LT", "coordinator")
    with pytest.raises(PermissionDenied):
        update_user(coordinator, peer, {"password": "a new long password"})
    db.session.rollback()
    officer = factory.user("LT", "officer")
    update_user(coordinator, officer, {"name": "Renamed Officer"})
    assert officer.name == "Renamed Officer"
    update_user(factory.user("CCWP", "admin"), peer, {"is_active": False})
    assert peer.is_active_account is False


def test_changing_the_password_ends_other_sessions(factory, app, client, login):
    user = factory.coordinator("LT")
    other = app.test_client()
    other.post("/login", data={"email": user.email, "password": PASSWORD})
    assert other.get("/").status_code == 200
    clock.freeze(clock.utcnow() + timedelta(seconds=5))
    login(user)
    response = client.post("/account/password", data={"current_password": PASSWORD,
                                                       "new_password": "a much longer secret",
                                                       "confirm_password": "a much longer secret"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this session goes on
    assert other.get("/").status_code == 302  # the other one is logged out
