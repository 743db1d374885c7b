"""/me, /organisations and the tokens API."""
from planner.extensions import db
from tests.api.helpers import assert_error


def test_me(api, factory):
    user = factory.user("LT", "contact_point")
    body = api("GET", "/me", user, scopes=("read", "write_results")).get_json()
    assert body["id"] == user.id and body["email"] == user.email and body["role"] == "contact_point"
    assert body["organisation"]["code"] == "LT" and body["organisation"]["kind"] == "customs"
    assert body["token"]["scopes"] == ["read", "write_results"] and body["is_service_account"] is False
    assert "users.manage_own_org" in body["permissions"] and "operations.create" not in body["permissions"]
    assert "secret" not in body["token"]


def test_organisations(api, factory):
    response = api("GET", "/organisations", factory.user("DE", "observer"))
    assert response.status_code == 200
    by_code = {o["code"]: o for o in response.get_json()["items"]}
    assert by_code["LT"] == {"code": "LT", "name": by_code["LT"]["name"], "kind": "customs", "country": "LT",
                             "is_active": True}
    assert by_code["OLAF"]["kind"] == "agency" and by_code["OLAF"]["country"] is None
    assert by_code["CCWP"]["kind"] == "secretariat"
    assert response.get_json()["total"] == len(by_code)


def test_issue_use_list_and_revoke_a_personal_token(api, client, factory):
    user = factory.coordinator("LT")
    response = api("POST", "/tokens", user, json={"name": "my script", "scopes": ["read"],
                                                  "expires_at": "2099-01-01T00:00:00+01:00"})
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    secret = created["secret"]
    assert secret.startswith("jop_") and created["prefix"] == secret[:12]
    assert created["expires_at"] == "2098-12-31T23:00:00+00:00" and created["scopes"] == ["read"]
    assert created["owner"]["id"] == user.id and created["service_organisation"] is None
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.get_json()["token"]["id"] == created["id"]

    listed = api("GET", "/tokens", user).get_json()["items"]
    assert created["id"] in [t["id"] for t in listed]
    assert all("secret" not in t for t in listed)

    response = api("DELETE", f"/tokens/{created['id']}", user)
    assert response.status_code == 200
    assert response.get_json()["revoked_at"] is not None and response.get_json()["active"] is False
    assert_error(client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}), 401)


def test_service_token_for_own_organisation(api, client, factory):
    coordinator = factory.coordinator("LT")
    response = api("POST", "/tokens", coordinator, json={"name": "LT national system",
                                                         "scopes": ["read", "write_results"],
                                                         "service_organisation": "LT"})
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["service_organisation"] == "LT" and created["created_by"]["id"] == coordinator.id
    service = {"Authorization": f"Bearer {created['secret']}"}
    me = client.get("/api/v1/me", headers=service).get_json()
    assert me["is_service_account"] is True and me["organisation"]["code"] == "LT"
    # a service account issues no tokens (they would escape its organisation's list)
    assert_error(client.post("/api/v1/tokens", headers=service, json={"name": "x"}), 403)
    # a contact point of LT sees and may revoke it; a coordinator of DE may not even see it
    contact_point = factory.user("LT", "contact_point")
    assert created["id"] in [t["id"] for t in api("GET", "/tokens", contact_point).get_json()["items"]]
    outsider = factory.coordinator("DE")
    assert created["id"] not in [t["id"] for t in api("GET", "/tokens", outsider).get_json()["items"]]
    assert_error(api("DELETE", f"/tokens/{created['id']}", outsider), 404)
    assert api("DELETE", f"/tokens/{created['id']}", contact_point).status_code == 200
    assert_error(client.get("/api/v1/me", headers=service), 401)


def test_service_token_for_another_organisation_is_403(api, factory):
    assert_error(api("POST", "/tokens", factory.coordinator("LT"),
                     json={"name": "theirs", "service_organisation": "DE"}), 403)
    assert_error(api("POST", "/tokens", factory.user("LT", "officer"),
                     json={"name": "ours", "service_organisation": "LT"}), 403)


def test_token_cannot_issue_scopes_it_lacks(api, factory):
    user = factory.coordinator("LT")
    response = api("POST", "/tokens", user, scopes=("write",), json={"name": "wider", "scopes": ["read"]})
    body = assert_error(response, 403)
    assert "read" in body["error"]
    ok = api("POST", "/tokens", user, scopes=("write",), json={"name": "narrower", "scopes": ["write_results"]})
    assert ok.status_code == 201


def test_token_validation(api, factory):
    user = factory.coordinator("LT")
    cases = [
        ({"scopes": ["read"]}, "name"),
        ({"name": "", "scopes": ["read"]}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "ok", "scopes": "read"}, "scopes"),
        ({"name": "ok", "scopes": []}, "scopes"),
        ({"name": "ok", "scopes": [1]}, "scopes"),
        ({"name": "ok", "scopes": ["read", "admin"]}, "scopes.1"),
        ({"name": "ok", "service_organisation": "NOWHERE"}, "service_organisation"),
        ({"name": "ok", "service_organisation": 5}, "service_organisation"),
        ({"name": "ok", "expires_at": "2099-01-01T00:00:00"}, "expires_at"),
        ({"name": "ok", "expires_at": "2000-01-01T00:00:00+00:00"}, "expires_at"),
        ({"name": "ok", "expires_at": "tomorrow"}, "expires_at"),
        ({"name": "ok", "owner": "someone"}, "owner"),
    ]
    for body, field in cases:
        assert_error(api("POST", "/tokens", user, json=body), 422, field)


def test_revoke_someone_elses_token_is_404(api, factory):
    owner = factory.coordinator("LT")
    created = api("POST", "/tokens", owner, json={"name": "mine"}).get_json()
    colleague = factory.user("LT", "contact_point")  # manages users of LT, not their personal tokens
    assert_error(api("DELETE", f"/tokens/{created['id']}", colleague), 404)
    assert_error(api("DELETE", "/tokens/999999", owner), 404)
    admin = factory.user("CCWP", "admin")
    assert api("DELETE", f"/tokens/{created['id']}", admin).status_code == 200
    db.session.expire_all()
