"""`flask --app app planner report …`: write a report to a file, for whoever runs the application (no login):

    planner report annual --year 2026 --format pdf --output ar-2026.pdf            the live draft, every record
    planner report annual --year 2025 --format xlsx --output ar-2025.xlsx --issued  the latest issued revision
    planner report final --operation JSO-2026-01 --format xlsx --output fr.xlsx      live, with the record annex
    planner report final --operation JSO-2026-01 --format pdf --output fr.pdf --issued

An issued document is written byte for byte as stored; its SHA-256 and revision are printed."""
import hashlib

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from planner.extensions import db

report_cli = AppGroup("report", help="Write a report (xlsx or PDF) to a file.")

FORMATS = click.Choice(["xlsx", "pdf"], case_sensitive=False)


def _fail(message):
    click.echo(f"Error: {message}", err=True)
    raise click.exceptions.Exit(1)


def _write(path, content, issued=None):
    with open(path, "wb") as out:
        out.write(content)
    digest = hashlib.sha256(content).hexdigest()
    what = f"{issued.number}, REV {issued.revision}" if issued is not None else "live figures"
    click.echo(f"Wrote {path} ({len(content)} bytes, {what}, SHA-256 {digest}).")


def _issued_bytes(issued, fmt):
    stored = issued.xlsx_sha256 if fmt == "xlsx" else issued.pdf_sha256
    content = issued.xlsx if fmt == "xlsx" else issued.pdf
    if hashlib.sha256(content).hexdigest() != stored:
        _fail(f"the stored {fmt} of {issued.number} REV {issued.revision} does not match its SHA-256.")
    return content


@report_cli.command("annual")
@click.option("--year", required=True, type=int, help="The year of the operations, e.g. 2026.")
@click.option("--format", "fmt", required=True, type=FORMATS, help="xlsx or pdf.")
@click.option("--output", required=True, type=click.Path(dir_okay=False, writable=True), help="The file to write.")
@click.option("--issued", is_flag=True, help="The latest issued revision as stored, instead of the live draft.")
def annual_command(year, fmt, output, issued):
    """The consolidated annual report on YEAR: the live draft over every submitted record, or (--issued) the
    latest issued revision."""
    from planner.reports.annual_queries import year_error
    from planner.reports.models import ReportKind
    from planner.reports.services import latest_issued

    fmt = fmt.lower()
    message = year_error(year)
    if message:
        _fail(message)
    if issued:
        stored = latest_issued(ReportKind.ANNUAL, year=year)
        if stored is None:
            _fail(f"the annual report on {year} has not been issued yet (leave out --issued for the live draft).")
        _write(output, _issued_bytes(stored, fmt), stored)
        return
    from planner.reports.annual_dataset import annual_report_dataset
    from planner.reports.writers import dataset_pdf, dataset_xlsx

    dataset = annual_report_dataset(year)
    _write(output, dataset_xlsx(dataset) if fmt == "xlsx" else dataset_pdf(dataset))
    db.session.rollback()  # nothing to keep: the command only reads


@report_cli.command("final")
@click.option("--operation", "reference", required=True, help="The operation's reference, e.g. JSO-2026-01.")
@click.option("--format", "fmt", required=True, type=FORMATS, help="xlsx or pdf.")
@click.option("--output", required=True, type=click.Path(dir_okay=False, writable=True), help="The file to write.")
@click.option("--issued", is_flag=True, help="The latest issued (final) revision as stored.")
def final_command(reference, fmt, output, issued):
    """The final report of one operation: live over every submitted record (the xlsx with the record annex), or
    (--issued) the latest revision made final."""
    from planner.operations.models import Operation
    from planner.reports.models import ReportKind
    from planner.reports.services import latest_issued

    fmt = fmt.lower()
    reference = (reference or "").strip().upper()
    operation = db.session.scalar(select(Operation).where(func.upper(Operation.reference) == reference))
    if operation is None:
        _fail(f"no operation {reference!r}; give its reference, e.g. JSO-2026-01.")
    if issued:
        stored = latest_issued(ReportKind.FINAL, operation_id=operation.id)
        if stored is None:
            _fail(f"the final report of {operation.reference} has not been made final yet "
                  "(leave out --issued for the live report).")
        _write(output, _issued_bytes(stored, fmt), stored)
        return
    from planner.reports.annex import annex_sheet
    from planner.reports.final_dataset import final_report_dataset
    from planner.reports.writers import dataset_pdf, dataset_xlsx

    dataset = final_report_dataset(operation, None)
    content = dataset_xlsx(dataset, annex=annex_sheet(operation)) if fmt == "xlsx" else dataset_pdf(dataset)
    _write(output, content)
    db.session.rollback()
