"""`flask --app app planner …`: reference data, users, tokens, demo data, the scheduler."""
import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from planner.extensions import db

planner_cli = AppGroup("planner", help="Joint Operations Planner commands.")


@planner_cli.command("init")
def init_command():
    """Load reference data (organisations, EU membership, vocabularies). Idempotent."""
    from planner.organisations.services import load_reference_organisations
    from planner.vocab.services import load_vocabularies

    added = load_reference_organisations()
    counts = load_vocabularies()
    db.session.commit()
    click.echo(f"Reference data loaded: {added} organisations added; vocabularies: {counts}.")


@planner_cli.command("create-user")
@click.argument("email")
@click.option("--organisation", required=True, help="Organisation code, e.g. DE or OLAF.")
@click.option("--role", required=True, help="admin, secretariat, coordinator, contact_point, officer, analyst, observer")
@click.option("--name", default=None, help="Display name (default: the part of EMAIL before @).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user_command(email, organisation, role, name, password_stdin):
    """Create a user account."""
    from planner.auth.services import create_user
    from planner.core.errors import PlannerError

    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    try:
        user = create_user(None, {"email": email, "name": name or email.split("@")[0], "organisation": organisation,
                                  "role": role, "password": password})
    except PlannerError as exc:
        db.session.rollback()
        for field, messages in exc.errors.items():
            for message in messages:
                click.echo(f"{field}: {message}", err=True)
        raise click.exceptions.Exit(1)
    db.session.commit()
    click.echo(f"Created {user.email} ({user.role}, {user.organisation.code}).")


@planner_cli.command("create-token")
@click.argument("email")
@click.option("--name", default="command line", help="A name to recognise the token by.")
@click.option("--scope", "scopes", multiple=True, default=["read", "write"], help="read, write_results, write")
def create_token_command(email, name, scopes):
    """Create an API token for a user; the token is the last line of the output."""
    from planner.auth.models import User
    from planner.auth.services import issue_token
    from planner.core.errors import PlannerError

    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        click.echo(f"No user {email}.", err=True)
        raise click.exceptions.Exit(1)
    try:
        _token, secret = issue_token(user, name, list(scopes))
    except PlannerError as exc:
        click.echo(exc.message, err=True)
        raise click.exceptions.Exit(1)
    db.session.commit()
    click.echo(f"Token for {user.email} (scopes: {' '.join(scopes)}). Keep it secret; it is shown once:")
    click.echo(secret)


@planner_cli.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when operations exist already (first start only).")
def seed_demo_command(if_empty):
    """Load a believable year of demo data and print the demo logins."""
    from planner.demo import DEMO_PASSWORD, demo_logins, seed_demo
    from planner.operations.models import Operation

    if if_empty and db.session.scalar(select(Operation.id).limit(1)) is not None:
        click.echo("Demo data present already.")
    else:
        seed_demo()
        db.session.commit()
        click.echo("Demo data loaded.")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for email, role, org in demo_logins():
        click.echo(f"  {email:38} {role:14} {org}")


@planner_cli.command("scheduler")
@click.option("--once", is_flag=True, help="Run every job once now and exit (e.g. from cron), without the lock.")
def scheduler_command(once):
    """Run the scheduled jobs (reminders, mail, the automatic start and end of phases, weekly digests) in this
    process. Production runs one beside gunicorn; a second copy stands by (it checks the lock each minute) and
    takes over if the first stops. PLANNER_SCHEDULER does not apply to this command."""
    from flask import current_app

    from planner.core.scheduler import PlannerScheduler, run_all_jobs

    app = current_app._get_current_object()
    if once:
        for job_id, result in run_all_jobs(app).items():
            click.echo(f"{job_id}: {result}")
        return
    scheduler = PlannerScheduler(app, blocking=True)
    if scheduler.lock.acquire():
        scheduler.active = True
        click.echo("The scheduler runs (Ctrl-C stops it).")
    else:
        click.echo("Another process holds the scheduler lock; this one stands by and takes over when it stops.")
    try:
        scheduler.scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        scheduler.lock.release()


def register_cli(app):
    from planner.reports.cli import report_cli

    planner_cli.add_command(report_cli)
    app.cli.add_command(planner_cli)
