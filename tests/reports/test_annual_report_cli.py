"""`flask planner report annual|final`: the live documents over every record, the issued ones byte for byte, and
clear errors for an unknown year, operation or format."""
import hashlib
from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook
from pypdf import PdfReader

from planner.extensions import db
from planner.reports.annual_dataset import annual_report_dataset
from planner.reports.models import NarrativeSection
from planner.reports.services import issue_annual_report, issue_final_report, save_final_report
from tests.reports import annual_report_data as data
from tests.reports.annual_report_data import YEAR, add_seizure

annual, running = data.annual, data.running  # the fixtures


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["planner", "report", *args])


def test_the_live_annual_report_in_both_formats(annual, app, tmp_path):
    xlsx, pdf = tmp_path / "ar.xlsx", tmp_path / "ar.pdf"
    result = _run(app, "annual", "--year", str(YEAR), "--format", "xlsx", "--output", str(xlsx))
    assert result.exit_code == 0, result.output
    assert "live figures" in result.output and hashlib.sha256(xlsx.read_bytes()).hexdigest() in result.output
    sheet = load_workbook(BytesIO(xlsx.read_bytes()))["Seizures by commodity and unit"]
    rows = {(r[0], r[1]): r for r in list(sheet.values)[1:]}
    assert Decimal(str(rows[("Other tobacco products", "kg")][4])) == Decimal("283671.925")
    assert _run(app, "annual", "--year", str(YEAR), "--format", "PDF", "--output", str(pdf)).exit_code == 0
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf.read_bytes())).pages)
    assert "283 671 925" in text and "LIMITE" in text


def test_the_issued_annual_report_byte_for_byte(annual, app, tmp_path, factory):
    out = tmp_path / "issued.pdf"
    result = _run(app, "annual", "--year", str(YEAR), "--format", "pdf", "--output", str(out), "--issued")
    assert result.exit_code == 1 and "has not been issued yet" in result.output and not out.exists()
    issued = issue_annual_report(YEAR, annual.secretariat, "")
    db.session.commit()
    add_seizure(factory, annual.operation)
    result = _run(app, "annual", "--year", str(YEAR), "--format", "pdf", "--output", str(out), "--issued")
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == issued.pdf and hashlib.sha256(out.read_bytes()).hexdigest() == issued.pdf_sha256
    assert "REV 0" in result.output
    live = tmp_path / "live.xlsx"
    assert _run(app, "annual", "--year", str(YEAR), "--format", "xlsx", "--output", str(live)).exit_code == 0
    summary = {r[0]: r[1] for r in load_workbook(BytesIO(live.read_bytes()))["Summary"].values}
    assert summary["Seizures"] == annual_report_dataset(YEAR).fact("seizures").value == 4  # live: the new one too


def test_clear_errors(annual, app, tmp_path):
    out = str(tmp_path / "x")
    result = _run(app, "annual", "--year", "2031", "--format", "pdf", "--output", out)
    assert result.exit_code == 1 and "No operation of 2031" in result.output
    result = _run(app, "annual", "--year", "1850", "--format", "pdf", "--output", out)
    assert result.exit_code == 1 and "1990" in result.output
    result = _run(app, "annual", "--year", str(YEAR), "--format", "docx", "--output", out)
    assert result.exit_code == 2 and "docx" in result.output and "xlsx" in result.output
    result = _run(app, "final", "--operation", "JSO-2031-07", "--format", "pdf", "--output", out)
    assert result.exit_code == 1 and "no operation 'JSO-2031-07'" in result.output
    result = _run(app, "annual", "--format", "pdf", "--output", out)
    assert result.exit_code == 2 and "--year" in result.output


def test_the_final_report_live_with_its_annex_and_issued(annual, app, tmp_path, factory):
    op = annual.operation
    xlsx = tmp_path / "fr.xlsx"
    result = _run(app, "final", "--operation", op.reference.lower(), "--format", "xlsx", "--output", str(xlsx))
    assert result.exit_code == 0, result.output
    workbook = load_workbook(BytesIO(xlsx.read_bytes()))
    annex = list(workbook["Annex - records"].values)
    assert len(annex) == 1 + 5  # a row per quantity of the 3 submitted seizures (the draft is not there)
    assert {row[1] for row in annex[1:]} == {"LT", "PL"}
    out = tmp_path / "fr.pdf"
    result = _run(app, "final", "--operation", op.reference, "--format", "pdf", "--output", str(out), "--issued")
    assert result.exit_code == 1 and "not been made final" in result.output
    coordinator = factory.coordinator("LT")
    save_final_report(op, coordinator, {s.value: f"{s.label}." for s in NarrativeSection})
    issued = issue_final_report(op, coordinator)
    db.session.commit()
    result = _run(app, "final", "--operation", op.reference, "--format", "pdf", "--output", str(out), "--issued")
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == issued.pdf
    assert _run(app, "final", "--operation", op.reference, "--format", "pdf", "--output", str(out)).exit_code == 0
    assert out.read_bytes().startswith(b"%PDF")
