"""Assertions shared by the API tests."""


def assert_error(response, status, *fields):
    """The one error shape, with the given status and (at least) the given fields named."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
    assert response.is_json, response.get_data(as_text=True)[:200]
    body = response.get_json()
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["errors"], dict)
    for field in fields:
        assert field in body["errors"], (field, body)
        assert all(isinstance(m, str) and m for m in body["errors"][field])
    return body
