"""The migrations build, on an empty database, exactly the schema the models describe, and take it down again.

Each test runs `flask --app app db …` as a separate process (as an administrator would), against a database of
its own: an SQLite file, and, when PLANNER_TEST_DATABASE_URL points to PostgreSQL, a fresh database beside the
test database (`<name>_migrations`, created and dropped here), so the session's test database is not touched.
"""
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import CheckConstraint, create_engine, inspect, make_url, text

from planner.extensions import db

ROOT = Path(__file__).resolve().parent.parent
TEST_DATABASE_URL = os.environ.get("PLANNER_TEST_DATABASE_URL", "")
DIALECTS = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL.startswith("postgresql") else [])


@contextmanager
def empty_database(dialect, directory, suffix):
    """The URL of a new, empty database."""
    if dialect == "sqlite":
        yield f"sqlite:///{directory / f'migrations_{suffix}.sqlite'}"
        return
    url = make_url(TEST_DATABASE_URL)
    name = f"{url.database}_migrations_{suffix}"
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@pytest.fixture(scope="module")
def flask(tmp_path_factory):
    """flask(url, *args) runs `flask --app app ARGS` on the database at URL; a failure fails the test, with
    the command's output."""
    instance = tmp_path_factory.mktemp("instance")

    def run(url, *args):
        env = {**os.environ, "PLANNER_DATABASE_URL": url, "PLANNER_INSTANCE_DIR": str(instance),
               "PLANNER_SECRET_KEY": "migration-test"}
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    return run


@pytest.fixture(scope="module", params=DIALECTS)
def migrated(request, tmp_path_factory, flask):
    """The URL of a database built by `flask db upgrade` (shared by the tests that only read its schema)."""
    with empty_database(request.param, tmp_path_factory.mktemp("migrated"), "upgraded") as url:
        flask(url, "db", "upgrade")
        yield url


@pytest.fixture(params=DIALECTS)
def fresh(request, tmp_path):
    """The URL of an empty database of the test's own."""
    with empty_database(request.param, tmp_path, "fresh") as url:
        yield url


@contextmanager
def connected(url):
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def table_names(url):
    with connected(url) as conn:
        return set(inspect(conn).get_table_names())


def head_revision():
    return ScriptDirectory(str(ROOT / "migrations")).get_current_head()


def test_upgrade_builds_the_schema_of_the_models(migrated):
    # Server defaults are left out: Alembic reports false differences for some (an empty string on SQLite).
    with connected(migrated) as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert context.get_current_revision() == head_revision()
        differences = compare_metadata(context, db.metadata)
    assert differences == [], (
        "The models and the migrations disagree; add a migration (flask --app app db migrate -m '…'):\n"
        + "\n".join(map(repr, differences))
    )


def test_upgrade_creates_every_check_constraint(migrated):
    """Alembic's comparison ignores CHECK constraints; the database must hold every one the models declare."""
    with connected(migrated) as conn:
        inspector = inspect(conn)
        for table in db.metadata.sorted_tables:
            declared = {c.name for c in table.constraints if isinstance(c, CheckConstraint)}
            present = {c["name"] for c in inspector.get_check_constraints(table.name)}
            assert declared == present, f"table {table.name}: CHECK constraints differ"


def test_reference_data_loads_into_the_migrated_schema(migrated, flask):
    assert "Reference data loaded" in flask(migrated, "planner", "init")
    with connected(migrated) as conn:
        assert conn.scalar(text("SELECT count(*) FROM organisation")) > 0


def test_downgrade_to_base_removes_every_table(fresh, flask):
    flask(fresh, "db", "upgrade")
    flask(fresh, "db", "downgrade", "base")
    assert table_names(fresh) <= {"alembic_version"}
    flask(fresh, "db", "upgrade")  # and up again, from base
    assert {t.name for t in db.metadata.sorted_tables} <= table_names(fresh)
