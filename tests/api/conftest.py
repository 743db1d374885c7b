"""Helpers for the API tests: `api(method, path, user, json=…)` calls /api/v1 with a fresh bearer token."""
import pytest


@pytest.fixture
def api(client, factory):
    tokens = {}

    def call(method, path, user=None, *, json=None, data=None, headers=None, scopes=("read", "write"),
             content_type=None):
        sent = dict(headers or {})
        if user is not None:
            key = (user.id, tuple(scopes))
            if key not in tokens:  # one token per user and scopes, as a real client would keep it
                tokens[key] = factory.auth(user, scopes)
            sent.update(tokens[key])
        kwargs = {"headers": sent}
        if json is not None:
            kwargs["json"] = json
        if data is not None:
            kwargs["data"] = data
        if content_type is not None:
            kwargs["content_type"] = content_type
        return client.open("/api/v1" + path, method=method, **kwargs)

    return call

