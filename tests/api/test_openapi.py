"""The OpenAPI document describes every route of the API, and its references resolve."""
import json

from tests.api.helpers import assert_error

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _document(client):
    response = client.get("/api/v1/openapi.json")  # public: no token
    assert response.status_code == 200
    return json.loads(response.get_data(as_text=True))


def _rules(app):
    import re

    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
            found |= {(path, m.lower()) for m in rule.methods - IGNORED_METHODS}
    return found


def test_openapi_lists_every_api_route(app, client):
    doc = _document(client)
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    assert documented == _rules(app)


def test_openapi_is_a_3_1_document_with_components(client):
    doc = _document(client)
    assert doc["openapi"].startswith("3.1") and doc["info"]["title"] and doc["info"]["version"]
    components = doc["components"]
    assert components["securitySchemes"]["bearer"] == {**components["securitySchemes"]["bearer"],
                                                       "type": "http", "scheme": "bearer"}
    for name in ("Error", "Operation", "OperationCreate", "OperationUpdate", "TransitionRequest", "History",
                 "Token", "TokenCreate", "Me", "Organisation"):
        assert name in components["schemas"], name
    assert components["schemas"]["Error"]["required"] == ["error", "errors"]
    operation_ids = []
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            operation_ids.append(op["operationId"])
            assert op["responses"] and op["summary"]
            for name in [p["name"] for p in op.get("parameters", []) if p["in"] == "path"]:
                assert "{" + name + "}" in path
            if method in ("post", "patch"):
                assert "requestBody" in op, (path, method)
                assert "422" in op["responses"] and "400" in op["responses"]
            if path != "/api/v1/openapi.json":
                assert op["security"] == [{"bearer": []}] and "401" in op["responses"]
    assert len(operation_ids) == len(set(operation_ids))
    create = doc["paths"]["/api/v1/operations"]["post"]
    assert "201" in create["responses"] and "403" in create["responses"]
    transition = doc["paths"]["/api/v1/operations/{operation_id}/transitions"]["post"]
    assert {"403", "404", "409", "422"} <= set(transition["responses"])


def test_openapi_references_resolve(client):
    doc = _document(client)

    def refs(node):
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for ref in set(refs(doc)):
        assert ref.startswith("#/")
        target = doc
        for part in ref[2:].split("/"):
            assert part in target, ref
            target = target[part]


def test_openapi_needs_no_token_but_ignores_bad_ones(client):
    assert client.get("/api/v1/openapi.json", headers={"Authorization": "Bearer jop_wrong"}).status_code == 200
    assert_error(client.post("/api/v1/openapi.json"), 405)


def test_answers_use_only_documented_fields(api, client, factory):
    """The representations and the schemas stay in step: every field an answer carries is documented."""
    doc = _document(client)
    schemas = doc["components"]["schemas"]

    def documented(name):
        return set(schemas[name]["properties"])

    op = factory.operation_in("planning", co_organisers=["OLAF"])
    coordinator = factory.coordinator("LT")
    assert set(api("GET", f"/operations/{op.id}", coordinator).get_json()) == documented("Operation")
    history = api("GET", f"/operations/{op.id}/history", coordinator).get_json()
    assert set(history) == documented("History")
    assert set(history["entries"][0]) == documented("AuditEntry")
    assert set(history["transitions"][0]) == documented("Transition")
    me = api("GET", "/me", coordinator).get_json()
    assert set(me) == documented("Me") and set(me["token"]) == documented("Token")
    assert set(me["organisation"]) == documented("Organisation")
    listed = api("GET", "/operations", coordinator).get_json()
    assert set(listed) == documented("OperationList")
    created = api("POST", "/tokens", coordinator, json={"name": "doc"}).get_json()
    assert set(created) == documented("Token") | {"secret"}
    error = api("POST", "/operations", coordinator, json={"year": "x"}).get_json()
    assert set(error) <= documented("Error")
