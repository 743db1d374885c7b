"""The annual report's documents carry the dataset's figures: the xlsx read back with openpyxl and the PDF's text
with pypdf, on mixed units (kilograms from "283671.925 t", litres, pieces, EUR apart) and three-decimal tonnages;
text that looks like a formula stays text; who counts as a Member State follows EU membership on 31 December of
the year; the comparison with the year before; the checks of the programme (item 29)."""
from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook
from pypdf import PdfReader

from planner.extensions import db
from planner.organisations.services import resolve_organisation_code
from planner.reports.annual_dataset import annual_report_dataset
from planner.reports.tables import TEXT, display
from planner.vocab.models import VocabularyTerm
from tests.reports import annual_report_data as data
from tests.reports.annual_report_data import YEAR, import_seizure, item, record_past

annual, running = data.annual, data.running  # the fixtures

PAGE = f"/reports/annual/{YEAR}"


def _workbook(data):
    return load_workbook(BytesIO(data))


def _table_sheets(workbook, dataset):
    """(table, worksheet) pairs: one sheet per table, in the dataset's order, after the summary and narrative."""
    sheets = [ws for ws in workbook.worksheets if ws.title not in ("Summary", "Narrative")]
    tables = list(dataset.tables())
    assert len(sheets) == len(tables)
    return list(zip(tables, sheets))


def _pdf_text(data):
    return " ".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def _cell(value, kind):
    if value is None or kind == TEXT:
        return value
    return Decimal(str(value))


def test_the_xlsx_holds_every_figure_of_the_dataset(annual, client, login):
    login(annual.secretariat)
    response = client.get(f"{PAGE}.xlsx")
    assert response.status_code == 200 and "X-Report-SHA256" not in response.headers  # the live draft
    dataset = annual_report_dataset(YEAR)
    workbook = _workbook(response.data)
    for table, ws in _table_sheets(workbook, dataset):
        rows = list(ws.iter_rows(values_only=True))
        assert list(rows[0]) == [c.label for c in table.columns], table.key
        assert len(rows) - 1 == len(table.rows), table.key
        for got, expected in zip(rows[1:], table.rows):
            assert [_cell(v, c.kind) for v, c in zip(got, table.columns)] == \
                [_cell(v, c.kind) if v != "" else None for v, c in zip(expected, table.columns)], table.key
    commodities = {(r[0], r[1]): r for r in list(workbook["Seizures by commodity and unit"].values)[1:]}
    tobacco = commodities[("Other tobacco products", "kg")]
    assert Decimal(str(tobacco[3])) == Decimal("283671925") and Decimal(str(tobacco[4])) == Decimal("283671.925")
    assert commodities[("Cigarettes", "pcs")][2:4] == (2, 2876000)
    assert Decimal(str(commodities[("Alcohol", "l")][3])) == Decimal("640.5")
    assert Decimal(str(commodities[("Cash", "EUR")][3])) == Decimal("15000.5")
    assert {unit for _c, unit in commodities} == {"kg", "pcs", "l", "EUR"}  # one row per commodity and unit
    summary = {r[0]: r[1] for r in workbook["Summary"].iter_rows(values_only=True)}
    assert summary["Seizures"] == 3 and summary["Document number"] == f"JSO/AR/{YEAR}"


def test_the_pdf_shows_the_same_figures(annual, client, login):
    login(annual.secretariat)
    text = _pdf_text(client.get(f"{PAGE}.pdf").data)
    dataset = annual_report_dataset(YEAR)
    rows = {k: r for k, r in zip(dataset.table("by_commodity").row_keys, dataset.table("by_commodity").rows)}
    for key, column in (("tobacco/kg", 3), ("tobacco/kg", 4), ("cigarettes/pcs", 3), ("alcohol/l", 3),
                        ("cash/EUR", 3)):
        assert display(rows[key][column], "quantity") in text, (key, column)
    assert "283 671 925" in text and "283 671.925" in text and "2 876 000" in text and "15 000.5" in text
    assert display(dataset.fact("requested_eur").value, "money") in text
    assert "LIMITE" in text and f"JSO/AR/{YEAR}" in text


def test_text_that_looks_like_a_formula_stays_text(annual, client, login):
    pl = resolve_organisation_code("PL")
    pl.name = '=HYPERLINK("http://evil.example","Poland")'
    term = db.session.scalar(db.select(VocabularyTerm).where(VocabularyTerm.vocabulary == "concealment_method",
                                                            VocabularyTerm.code == "body_baggage"))
    term.label = "@SUM(1+1)"
    db.session.commit()
    login(annual.secretariat)
    workbook = _workbook(client.get(f"{PAGE}.xlsx").data)
    found = {}
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if cell.value in (pl.name, "@SUM(1+1)"):
                    assert cell.data_type == "s"
                    found.setdefault(cell.value, []).append(ws.title)
    assert "Seizures by administration" in found[pl.name]
    assert any(title.startswith("Concealment methods") for title in found["@SUM(1+1)"])
    text = _pdf_text(client.get(f"{PAGE}.pdf").data)
    assert "@SUM(1+1)" in text and "HYPERLINK" in text


def _counts_as(dataset):
    table = dataset.table("by_administration")
    return {key: row[2] for key, row in zip(table.row_keys, table.rows)}


def test_member_states_are_counted_by_membership_on_31_december(factory, client, login):
    for year in (2019, 2021):
        past = record_past(factory, year, participants=("GB",), code_name=f"CHANNEL {year}")
        import_seizure(factory, past, "GB", items=[item("cigarettes", "cigarettes", ("1000", "pcs"))], country="GB",
                       place="Dover")
        import_seizure(factory, past, "LT", items=[item("cigarettes", "cigarettes", ("10", "pcs"))])
    before, after = annual_report_dataset(2019), annual_report_dataset(2021)
    assert _counts_as(before) == {"GB": "EU Member State", "LT": "EU Member State"}
    assert _counts_as(after) == {"GB": "Third country", "LT": "EU Member State"}
    assert (before.fact("taking_part_eu_member_state").value, before.fact("taking_part_third_country").value) == (2, 0)
    assert (after.fact("taking_part_eu_member_state").value, after.fact("taking_part_third_country").value) == (1, 1)
    login(factory.secretariat())
    sheet = _workbook(client.get("/reports/annual/2019.xlsx").data)["Seizures by administration"]
    assert {r[0]: r[2] for r in list(sheet.values)[1:]}["GB"] == "EU Member State"
    assert "Third country" in _pdf_text(client.get("/reports/annual/2021.pdf").data)


def test_the_comparison_with_the_year_before(annual, client, login):
    dataset = annual_report_dataset(YEAR)
    compare = {k: r[1:] for k, r in zip(dataset.table("comparison").row_keys, dataset.table("comparison").rows)}
    assert compare["operations"] == [1, 1] and compare["seizures"] == [3, 1] and compare["arrests"] == [3, 0]
    assert compare["investigations"] == [1, 0]
    quantities = dataset.table("commodity_comparison")
    tobacco = dict(zip(quantities.row_keys, quantities.rows))["tobacco/kg"]
    assert tobacco[2:] == [Decimal("283671925"), Decimal("3100"), Decimal("283668825")]
    assert dict(zip(quantities.row_keys, quantities.rows))["cigarettes/pcs"][3] is None  # none the year before
    login(annual.secretariat)
    workbook = _workbook(client.get(f"{PAGE}.xlsx").data)
    sheet = workbook[f"{YEAR} compared with {YEAR - 1}"]
    assert {r[0]: r[1:] for r in list(sheet.values)[1:]}["Seizures"] == (3, 1)
    assert "283 668 825" in _pdf_text(client.get(f"{PAGE}.pdf").data)
    last_year = annual_report_dataset(YEAR - 1)  # the report on 2025 counts the imported seizure
    assert last_year.fact("seizures").value == 1
    assert dict(zip(last_year.table("by_commodity").row_keys, last_year.table("by_commodity").rows))[
        "tobacco/kg"][3:] == [Decimal("3100"), Decimal("3.1")]


def test_the_programme_checks(factory, client, login):
    plans = [(["drugs", "cigarettes"], ["air_cargo", "air_passenger"]),
             (["tobacco", "alcohol"], ["sea_container", "sea_other"]),
             (["fuel", "counterfeit"], ["road", "rail"]),
             (["weapons"], ["postal"])]
    for n, (goods, sectors) in enumerate(plans):
        record_past(factory, 2024, code_name=f"PLAN {n}", targeted_goods=goods, transport_sectors=sectors,
                    requested_eur="1000.50", granted_eur="900")
    full = annual_report_dataset(2024)
    assert full.fact("minimum_met").value == "yes"
    assert full.fact("sectors_uncovered").value == "—" and full.fact("priority_uncovered").value == "—"
    assert full.fact("requested_eur").value == Decimal("4002.00")
    assert full.fact("granted_eur").value == Decimal("3600")
    record_past(factory, 2023, code_name="ALONE")
    short = annual_report_dataset(2023)
    assert short.fact("minimum_met").value == "no"
    assert "Road" in short.fact("sectors_uncovered").value and "Drugs" in short.fact("priority_uncovered").value
    login(factory.secretariat())
    text = _pdf_text(client.get("/reports/annual/2024.pdf").data)
    assert "At least 4 operations (programme item 29)" in text and "4 002.00" in text and "3 600.00" in text
    summary = {r[0]: r[1] for r in _workbook(client.get("/reports/annual/2023.xlsx").data)["Summary"].values}
    assert summary["At least 4 operations (programme item 29)"] == "no"
