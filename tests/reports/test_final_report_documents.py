"""The final report's documents: the xlsx (read back with openpyxl) and the PDF (its text read with pypdf) carry
the dataset's figures on mixed units and three-decimal tonnages; text that looks like a formula stays text in the
record annex; an issued revision stays byte-identical after the data changes and a correction makes REV 1 listing
the changed figures; a reader who may not see a participant's records gets a report without them; a third-country
participant gets the live report, never the issued one."""
import hashlib
from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from planner.extensions import db
from planner.operations.access import operation_access
from planner.reports.final_dataset import final_report_dataset
from planner.reports.models import ReportKind
from planner.reports.services import issue_final_report, latest_issued, save_final_report
from planner.reports.tables import display
from planner.results.models import Seizure
from planner.results.services import create_seizure, update_seizure
from planner.results.serialization import seizure_json
from tests.reports.final_fixtures import AT_SUM, HYPERLINK, item, seizure_data
from tests.reports.prepare import narrative

ANNEX = "Annex - records"


def _workbook(data):
    return load_workbook(BytesIO(data))


def _pdf_text(data):
    return " ".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def _table_rows(workbook, dataset, key):
    """{row key: the row as read back} of the sheet of a dataset table (rows in the dataset's order)."""
    table = dataset.table(key)
    sheet = workbook[(table.sheet or table.title)[:31]]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    rows = [r for r in rows if any(v is not None for v in r)][:len(table.rows)]
    return dict(zip(table.row_keys, rows))


def _issue(operation, factory):
    coordinator = factory.coordinator("LT")
    save_final_report(operation, coordinator, narrative())
    issued = issue_final_report(operation, coordinator)
    db.session.commit()
    return issued


def test_the_live_xlsx_and_pdf_carry_the_figures_of_the_dataset(evaluated, factory, client, login):
    coordinator = factory.coordinator("LT")
    dataset = final_report_dataset(evaluated, operation_access(coordinator, evaluated))
    tobacco = dict(zip(dataset.table("by_commodity").row_keys, dataset.table("by_commodity").rows))["tobacco/kg"]
    assert tobacco[2:] == [3, Decimal("283671940.5"), Decimal("283671.9405")]  # 283671.925 t + 12.5 kg + 3 kg
    login(coordinator)
    response = client.get(f"/operations/{evaluated.id}/final-report.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    workbook = _workbook(response.data)
    rows = _table_rows(workbook, dataset, "by_commodity")
    assert rows["tobacco/kg"][2] == 3
    assert Decimal(str(rows["tobacco/kg"][3])) == Decimal("283671940.5")
    assert Decimal(str(rows["tobacco/kg"][4])) == Decimal("283671.9405")
    assert Decimal(str(rows["cigarettes/pcs"][3])) == Decimal("2876000")
    assert Decimal(str(rows["alcohol/l"][3])) == Decimal("640.5")
    assert rows["cigarettes/pcs"][4] is None  # no tonnes beside pieces
    summary = {r[0]: r[1] for r in workbook["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["Seizures"] == dataset.fact("seizures").value == 5
    assert summary["Seizures in the follow-up"] == 1
    response = client.get(f"/operations/{evaluated.id}/final-report.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = _pdf_text(response.data)
    for value in (Decimal("283671940.5"), Decimal("283671.9405"), Decimal("2876000"), Decimal("640.5")):
        assert display(value, "quantity") in text, display(value, "quantity")
    assert "LIMITE" in text and dataset.cover.number in text


def test_formula_like_text_is_text_in_the_annex(evaluated, factory, client, login):
    login(factory.coordinator("LT"))
    workbook = _workbook(client.get(f"/operations/{evaluated.id}/final-report.xlsx").data)
    sheet = workbook[ANNEX]
    cells = {c.value: c for row in sheet.iter_rows(min_row=2) for c in row if isinstance(c.value, str)}
    for text in (HYPERLINK, AT_SUM):
        assert text in cells, text
        assert cells[text].data_type == "s"  # a string, never a formula
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_an_issued_revision_stays_byte_identical_and_a_correction_makes_rev_1(evaluated, factory, api):
    issued = _issue(evaluated, factory)
    coordinator = factory.coordinator("LT")
    before = {kind: api("GET", f"/operations/{evaluated.id}/final-report.{kind}", coordinator)
              for kind in ("xlsx", "pdf")}
    for kind, response in before.items():
        stored = issued.xlsx_sha256 if kind == "xlsx" else issued.pdf_sha256
        assert response.headers["X-Report-SHA256"] == stored == hashlib.sha256(response.data).hexdigest()
        assert response.headers["X-Report-Revision"] == "0"

    # The data changes afterwards: a seizure arrives (as a late import would bring it) and one is corrected.
    evaluated.state = "post_operational"
    create_seizure(factory.user("LT", "officer"), evaluated, seizure_data(
        items=[item("cigarettes", "cigarettes", ("500", "pcs"))]))
    evaluated.state = "evaluation"
    kg = db.session.scalar(select(Seizure).where(Seizure.operation_id == evaluated.id,
                                                 Seizure.transport_mode == "rail"))
    body = seizure_json(kg, for_edit=True)
    body["items"][0]["quantities"][0]["value"] = "20"
    update_seizure(factory.user("LT", "officer"), kg, body, kg.version)
    db.session.commit()

    for kind, response in before.items():
        again = api("GET", f"/operations/{evaluated.id}/final-report.{kind}", coordinator)
        assert again.data == response.data
        again = api("GET", f"/operations/{evaluated.id}/final-report/revisions/0.{kind}", coordinator)
        assert again.data == response.data

    rev1 = issue_final_report(evaluated, coordinator, note="Late Lithuanian seizure; corrected rail quantity.")
    db.session.commit()
    assert rev1.revision == 1 and rev1.number.endswith("REV 1")
    changes = {c["figure"]: (c["before"], c["after"]) for c in rev1.changes}
    assert changes["results.seizures"] == ("5", "6")
    assert changes["by_commodity.tobacco/kg.quantity"] == ("283671940.5", "283671948")
    assert changes["by_commodity.cigarettes/pcs.quantity"] == ("2876000", "2876500")
    latest = api("GET", f"/operations/{evaluated.id}/final-report.pdf", coordinator)
    assert latest.headers["X-Report-Revision"] == "1" and latest.headers["X-Report-SHA256"] == rev1.pdf_sha256
    assert "REV 1" in _pdf_text(latest.data)
    first = api("GET", f"/operations/{evaluated.id}/final-report/revisions/0.pdf", coordinator)
    assert first.data == before["pdf"].data


def test_a_reader_without_sharing_gets_a_report_without_those_records(evaluated, factory, client, login):
    """PL's 1 000 cigarettes are shared with nobody: NL's report has neither the figure nor the record."""
    nl = factory.coordinator("NL")
    login(nl)
    workbook = _workbook(client.get(f"/operations/{evaluated.id}/final-report.xlsx").data)
    dataset = final_report_dataset(evaluated, operation_access(nl, evaluated))
    assert dataset.fact("seizures").value == 4
    rows = _table_rows(workbook, dataset, "by_commodity")
    assert Decimal(str(rows["cigarettes/pcs"][3])) == Decimal("2875000")
    assert "PL" not in dataset.table("by_participant").row_keys
    annex = [r for r in workbook[ANNEX].iter_rows(min_row=2, values_only=True) if r[0] is not None]
    assert {r[1] for r in annex} == {"LT", "NL"}
    text = _pdf_text(client.get(f"/operations/{evaluated.id}/final-report.pdf").data)
    assert "2 875 000" in text and "2 876 000" not in text
    login(factory.coordinator("LT"))  # the lead sees PL's record, in the figures and in the annex
    annex = [r for r in _workbook(client.get(f"/operations/{evaluated.id}/final-report.xlsx").data)[ANNEX]
             .iter_rows(min_row=2, values_only=True) if r[0] is not None]
    assert "PL" in {r[1] for r in annex}


def test_a_third_country_participant_gets_the_live_report_not_the_issued_one(evaluated, factory, api):
    issued = _issue(evaluated, factory)
    ua = factory.coordinator("UA")
    for kind in ("xlsx", "pdf"):
        response = api("GET", f"/operations/{evaluated.id}/final-report.{kind}", ua)
        assert response.status_code == 200
        assert "X-Report-SHA256" not in response.headers
        assert hashlib.sha256(response.data).hexdigest() not in (issued.xlsx_sha256, issued.pdf_sha256)
    workbook = _workbook(api("GET", f"/operations/{evaluated.id}/final-report.xlsx", ua).data)
    annex = [r for r in workbook[ANNEX].iter_rows(min_row=2, values_only=True) if r[0] is not None]
    assert [(r[1], r[5]) for r in annex] == [("LT", HYPERLINK)]  # the one record shared with third countries
    body = api("GET", f"/operations/{evaluated.id}/final-report", ua).get_json()
    assert body["revisions"] == [] and body["may"]["read_issued"] is False
    facts = {f["key"]: f["value"] for s in body["dataset"]["sections"] for f in s["facts"]}
    assert facts["seizures"] == 1
    assert api("GET", f"/operations/{evaluated.id}/final-report/revisions", ua).status_code == 403
    assert api("GET", f"/operations/{evaluated.id}/final-report/revisions/0.pdf", ua).status_code == 403
    assert latest_issued(ReportKind.FINAL, operation_id=evaluated.id).id == issued.id
