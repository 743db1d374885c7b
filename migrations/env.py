"""Alembic environment for the planner (Flask-Migrate): `flask --app app db upgrade|downgrade|migrate`.

The database is the application's own (PLANNER_DATABASE_URL, default the SQLite file in the instance folder).
Autogenerate compares column types, renders the planner's own column types as the SQLAlchemy type they store
(so a migration never imports application code that may change later) and, on SQLite, works in batch mode
(`render_as_batch`), because SQLite alters a table by copying it.
"""
import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app
from sqlalchemy.types import TypeDecorator

config = context.config

if config.config_file_name is not None:
    # Keep the loggers the application (or the test run) set up already.
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db
config.set_main_option("sqlalchemy.url", target_db.engine.url.render_as_string(hide_password=False).replace("%", "%%"))


def render_item(type_, obj, autogen_context):
    """Render a custom column type (e.g. UTCDateTime) as the SQLAlchemy type it is stored as."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        impl = obj.impl
        if type(impl).__module__.startswith("sqlalchemy."):
            return f"sa.{impl!r}"
    return False


def configure_args():
    args = dict(current_app.extensions["migrate"].configure_args)
    args.setdefault("compare_type", True)
    args.setdefault("render_as_batch", True)
    args.setdefault("render_item", render_item)
    args.setdefault("process_revision_directives", skip_empty_revision)
    return args


def skip_empty_revision(context_, revision, directives):
    """`flask db migrate` writes no file when the models and the database agree."""
    if getattr(config.cmd_opts, "autogenerate", False):
        script = directives[0]
        if script.upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")


def run_migrations_offline():
    """`flask db upgrade --sql`: print the SQL instead of running it."""
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_db.metadata,
                      literal_binds=True, **configure_args())
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    with target_db.engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_db.metadata, **configure_args())
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
