import pytest


@pytest.fixture
def admin(factory):
    return factory.user("LT", "admin")


@pytest.fixture
def admin_client(admin, login):
    return login(admin)
