"""What every benchmark script shares: its scratch database and the application over it, and an empty schema
with the reference organisations and vocabularies loaded."""
import os
import tempfile
from pathlib import Path


def scratch():
    """(database URL, instance folder): a SQLite database in a new temporary folder, or the database that
    PLANNER_BENCH_DATABASE_URL names (emptied by `fresh_schema`)."""
    folder = Path(tempfile.mkdtemp(prefix="planner-bench-"))
    return os.environ.get("PLANNER_BENCH_DATABASE_URL") or f"sqlite:///{folder / 'bench.sqlite'}", folder


def bench_app(url, folder):
    from planner import create_app
    from planner.config import TestingConfig

    os.environ.setdefault("PLANNER_SECRET_KEY", "benchmark")
    return create_app(TestingConfig(database_url=url, instance_dir=folder))


def fresh_schema():
    """Drop and recreate every table, then load the reference organisations and vocabularies (in an app
    context)."""
    from planner.extensions import db
    from planner.organisations.services import load_reference_organisations
    from planner.vocab.services import load_vocabularies

    db.drop_all()
    db.create_all()
    load_reference_organisations()
    load_vocabularies()
    db.session.commit()
