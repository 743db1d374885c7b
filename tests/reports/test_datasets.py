"""The report dataset layer: figures computed in SQL from submitted records only, per commodity and base unit
(kilograms never added to pieces), exact decimals, need-to-know of the reader, and the same figures in the xlsx
and the PDF as in the dataset."""
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from planner.extensions import db
from planner.operations.access import operation_access
from planner.reports.annual_dataset import annual_report_dataset
from planner.reports.final_dataset import final_report_dataset
from planner.reports.tables import ReportDataset, changed_figures, display
from planner.reports.writers import dataset_pdf, dataset_xlsx
from planner.results.services import create_seizure, withdraw_seizure
from tests.results.conftest import running, seizure_data  # noqa: F401

NOBODY = {"share_with_eu_member_states": False, "share_with_third_countries": False, "share_with_agencies": False}


def _item(category, kind, *quantities):
    return {"category": category, "type": kind, "quantities": [{"value": v, "unit": u} for v, u in quantities]}


@pytest.fixture
def recorded(running, factory):
    """LT: tobacco in tonnes (three decimals) and in kilograms, cigarettes in pieces,
    alcohol in litres; PL one seizure shared with nobody; one draft and one withdrawn that never count."""
    lt = factory.user("LT", "officer")
    pl = factory.user("PL", "officer")
    create_seizure(lt, running, seizure_data(items=[
        _item("tobacco", "raw_tobacco", ("283671.925", "t")), _item("cigarettes", "cigarettes", ("2875000", "pcs"))]))
    create_seizure(lt, running, seizure_data(items=[_item("tobacco", "raw_tobacco", ("12.5", "kg"))],
                                             transport_mode="rail", conveyance={}, arrests=2))
    create_seizure(lt, running, seizure_data(items=[_item("alcohol", "spirits", ("640.5", "l"))],
                                             concealment=None, route=[]))
    create_seizure(pl, running, seizure_data(items=[_item("cigarettes", "cigarettes", ("1000", "pcs"))], **NOBODY))
    create_seizure(pl, running, seizure_data(items=[_item("tobacco", "raw_tobacco", ("9", "t"))], status="draft"))
    gone = create_seizure(pl, running, seizure_data(items=[_item("tobacco", "raw_tobacco", ("7", "t"))]))
    withdraw_seizure(pl, gone, "entered twice", gone.version)
    db.session.commit()
    return running


def _rows(dataset, key):
    table = dataset.table(key)
    return {k: row for k, row in zip(table.row_keys, table.rows)}


def test_totals_per_commodity_and_unit_are_exact_and_never_mix_units(recorded):
    dataset = final_report_dataset(recorded)  # every submitted record
    rows = _rows(dataset, "by_commodity")
    assert set(rows) == {"tobacco/kg", "cigarettes/pcs", "alcohol/l"}
    assert rows["tobacco/kg"][2:] == [2, Decimal("283671937.5"), Decimal("283671.9375")]
    assert rows["cigarettes/pcs"][2:4] == [2, Decimal("2876000")] and rows["cigarettes/pcs"][4] is None
    assert rows["alcohol/l"][3] == Decimal("640.5")
    assert dataset.fact("seizures").value == 4  # neither the draft nor the withdrawn one
    assert dataset.fact("arrests").value == 1 + 2 + 1 + 1
    assert _rows(dataset, "by_transport_mode")["rail"][1] == 1
    assert _rows(dataset, "by_origin")["BY"][1] == 3


def test_a_reader_gets_only_what_it_may_see(recorded, factory):
    nl = factory.user("NL", "coordinator")
    mine = final_report_dataset(recorded, operation_access(nl, recorded))
    assert mine.fact("seizures").value == 3  # PL's record is shared with nobody
    assert _rows(mine, "by_commodity")["cigarettes/pcs"][2:4] == [1, Decimal("2875000")]
    assert "PL" not in _rows(mine, "by_participant")
    lead = final_report_dataset(recorded, operation_access(factory.user("LT", "coordinator"), recorded))
    assert lead.fact("seizures").value == 4 and "PL" in _rows(lead, "by_participant")


def test_the_xlsx_and_the_pdf_carry_the_dataset_figures(recorded):
    dataset = final_report_dataset(recorded)
    workbook = load_workbook(BytesIO(dataset_xlsx(dataset)))
    sheet = workbook[dataset.table("by_commodity").title[:31]]
    cells = {(r[0], r[1]): r for r in sheet.iter_rows(min_row=2, values_only=True)}
    tobacco = cells[("Tobacco", "kg")] if ("Tobacco", "kg") in cells else next(v for k, v in cells.items() if k[1] == "kg")
    assert Decimal(str(tobacco[3])) == Decimal("283671937.5") and tobacco[2] == 2
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(dataset_pdf(dataset))).pages)
    assert display(Decimal("283671937.5"), "quantity") in text  # "283 671 937.5"
    assert display(Decimal("283671.9375"), "quantity") in text
    assert "LIMITE" in text


def test_json_round_trip_and_changed_figures(recorded, factory):
    before = annual_report_dataset(2026)
    again = ReportDataset.from_json(before.to_json())
    assert again.figures() == before.figures()
    create_seizure(factory.user("NL", "officer"), recorded, seizure_data(
        items=[_item("cigarettes", "cigarettes", ("5", "pcs"))]))
    db.session.commit()
    changes = {c["figure"]: (c["before"], c["after"]) for c in changed_figures(before.figures(),
                                                                                annual_report_dataset(2026).figures())}
    assert changes["overview.seizures"] == ("4", "5")
    assert changes["by_commodity.cigarettes/pcs.quantity"] == ("2876000", "2876005")


def test_a_table_wider_than_the_page_is_printed_in_parts(factory):
    """The participation matrix of a year of many operations: every operation appears in the PDF, each part
    repeating the administrations."""
    from planner.reports.writers import PDF_COLUMNS, _column_groups

    assert _column_groups(5) == [[0, 1, 2, 3, 4]]
    parts = _column_groups(41)
    assert all(p[0] == 0 and len(p) <= PDF_COLUMNS for p in parts)
    assert sorted(i for p in parts for i in p[1:]) == list(range(1, 41))
    operations = [factory.operation_in("planning") for _ in range(40)]  # 41 columns failed to build in one part
    db.session.commit()
    dataset = annual_report_dataset(operations[0].year)
    assert len(dataset.table("participation_matrix").columns) == len(operations) + 1
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(dataset_pdf(dataset))).pages)
    assert all(op.reference in text for op in operations)


def test_two_issues_at_the_same_moment_make_one_revision_and_a_clear_conflict(recorded, factory, monkeypatch):
    from sqlalchemy import func, select

    from planner.core.errors import Conflict
    from planner.reports import services
    from planner.reports.models import IssuedReport

    secretariat = factory.user("CCWP", "secretariat")
    assert services.issue_annual_report(2026, secretariat).revision == 0
    db.session.commit()
    monkeypatch.setattr(services, "_next_revision", lambda *args: 0)  # as if both had read "no revision yet"
    with pytest.raises(Conflict) as refused:
        services.issue_annual_report(2026, secretariat)
    assert refused.value.status == 409 and "same moment" in refused.value.message
    db.session.rollback()
    assert db.session.scalar(select(func.count(IssuedReport.id))) == 1


def test_an_item_gives_each_base_unit_once_so_no_total_counts_it_twice(running, factory):
    from planner.core.errors import ValidationError

    officer = factory.user("LT", "officer")
    with pytest.raises(ValidationError) as refused:
        create_seizure(officer, running, seizure_data(items=[
            _item("tobacco", "raw_tobacco", ("1", "t"), ("1000", "kg"))]))
    assert "items.0.quantities.1.unit" in refused.value.errors
    seizure = create_seizure(officer, running, seizure_data(items=[
        _item("tobacco", "raw_tobacco", ("1", "t"), ("250", "EUR"))]))
    assert sorted(q.base_unit for q in seizure.items[0].quantities) == ["EUR", "kg"]
