"""Test fixtures: one application per session; every test starts from reference data only.
PLANNER_TEST_DATABASE_URL chooses the database (default: SQLite in memory)."""
import os

import pytest
from flask import g
from sqlalchemy import text

from planner import create_app
from planner.config import TestingConfig
from planner.core import clock
from planner.extensions import db
from tests.factories import PASSWORD, Factory


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    os.environ.setdefault("PLANNER_SECRET_KEY", "test-secret-key")
    app = create_app(TestingConfig(instance_dir=instance))

    @app.before_request
    def _fresh_login_user():
        """Tests keep an application context pushed, which requests then share; a real server has one per
        request. Forget the user loaded by the previous request so that each request loads it again from
        its own session cookie or token."""
        g.pop("_login_user", None)

    with app.app_context():
        db.drop_all()
        _drop_alembic_version()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()


def _drop_alembic_version():
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


_SEQUENCES = []


def _purge():
    """Empty every table, leaving the schema in place. DELETE, children first, is faster than TRUNCATE for the
    few rows a test leaves (TRUNCATE makes new files for every table and index); on PostgreSQL the sequences
    restart, as ids do on SQLite."""
    db.session.remove()
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            if not _SEQUENCES:
                _SEQUENCES.extend(conn.scalars(text(
                    "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = current_schema()")))
            conn.execute(text("; ".join(f'DELETE FROM "{t}"' for t in tables)))
            if _SEQUENCES:
                conn.execute(text("; ".join(f'ALTER SEQUENCE "{s}" RESTART' for s in _SEQUENCES)))
        else:
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture(autouse=True)
def _clean_database(app):
    with app.app_context():
        _purge()
        from planner.organisations.services import load_reference_organisations
        from planner.vocab.services import load_vocabularies

        load_reference_organisations()
        load_vocabularies()
        db.session.commit()
    clock.freeze(None)
    yield
    clock.freeze(None)


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def factory(app_ctx):
    return Factory()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login(client):
    """login(user) logs the test client in through the real login form."""

    def do_login(user, password=PASSWORD):
        client.post("/logout")  # harmless when not logged in
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return do_login


@pytest.fixture
def csrf_app(app):
    """The application with CSRF protection on (tests of CSRF refusals)."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture(autouse=True)
def _csrf_off_by_default(app):
    app.config["WTF_CSRF_ENABLED"] = False
    yield
