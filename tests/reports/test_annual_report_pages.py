"""The annual report's pages: who reads the draft and who only issued revisions, issuing (REV 0, REV 1 with its
changed figures), issued documents frozen byte for byte, and the drill-down of a figure into its operations."""
import hashlib
import re
from decimal import Decimal
from html import unescape

import pytest

from planner.extensions import db
from planner.reports.annual_dataset import annual_report_dataset
from planner.reports.models import IssuedReport
from planner.reports.tables import display
from tests.reports import annual_report_data as data
from tests.reports.annual_report_data import YEAR, add_seizure, fact_on_page, number, text_of

annual, running = data.annual, data.running  # the fixtures

PAGE = f"/reports/annual/{YEAR}"


def _issue(client, note=""):
    response = client.post(f"{PAGE}/issue", data={"note": note})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return db.session.scalars(db.select(IssuedReport).order_by(IssuedReport.revision.desc())).first()


def test_the_secretariat_reads_the_live_draft_with_links_to_the_records(annual, client, login):
    login(annual.secretariat)
    html = client.get(PAGE).get_data(as_text=True)
    assert "Draft" in html and "Issue the annual report" in html
    assert fact_on_page(html, "overview", "seizures") == "3"  # the draft of PL is not counted
    assert f'href="/reports/annual/{YEAR}/records?investigation=yes"' in html
    assert 'href="/reports/annual"' in html  # the main navigation
    table = re.search(r'<table[^>]*id="table-by_commodity".*?</table>', html, re.S).group(0)
    assert display(Decimal("283671925"), "quantity") in table and "283 671.925" in table  # kilograms and tonnes
    assert "2 876 000" in table and "640.5" in table and "15 000.5" in table


def test_who_reads_what(annual, client, login, factory):
    readers = {"coordinator": factory.coordinator("LT"), "contact_point": factory.user("PL", "contact_point"),
               "agency": factory.coordinator("OLAF")}
    never = {"third_country": factory.coordinator("UA"), "officer": annual.lt_officer,
             "analyst": factory.user("LT", "analyst")}
    admin = factory.user("CCWP", "admin")
    urls = (PAGE, f"{PAGE}.pdf", f"{PAGE}.xlsx", f"{PAGE}/revisions/0.pdf")

    def statuses(user):
        login(user)
        return [client.get(url).status_code for url in urls]

    assert statuses(admin) == [200, 200, 200, 404]
    login(admin)
    assert client.post(f"{PAGE}/issue", data={"note": ""}).status_code == 403  # only the secretariat issues
    for user in readers.values():
        assert statuses(user) == [404, 404, 404, 404]  # nothing issued yet
        assert client.get(f"{PAGE}/records").status_code == 403  # the live figures are the draft's
        assert client.post(f"{PAGE}/issue", data={"note": ""}).status_code == 403
    for user in never.values():
        assert statuses(user) == [403, 403, 403, 403]
        assert client.get("/reports/annual").status_code == 403
        assert 'href="/reports/annual"' not in client.get("/").get_data(as_text=True)
    login(annual.secretariat)
    _issue(client)
    for user in readers.values():
        assert statuses(user) == [200, 200, 200, 200]
        assert 'href="/reports/annual"' in client.get("/").get_data(as_text=True)
        assert f"Annual report {YEAR}" in client.get("/reports/annual").get_data(as_text=True)
    for user in never.values():
        assert statuses(user) == [403, 403, 403, 403]


def test_an_issued_report_is_frozen_and_rev_1_lists_what_changed(annual, client, login, factory):
    login(annual.secretariat)
    issued = _issue(client, "For the working party of June.")
    assert (issued.revision, issued.number, issued.issued_by_id) == (0, f"JSO/AR/{YEAR}", annual.secretariat.id)
    page = client.get(f"{PAGE}/revisions/0").get_data(as_text=True)
    assert "REV 0" in page and issued.pdf_sha256 in page and issued.xlsx_sha256 in page
    assert "For the working party of June." in page

    reader = factory.coordinator("LT")
    login(reader)
    before = {url: client.get(url) for url in (f"{PAGE}.pdf", f"{PAGE}.xlsx", f"{PAGE}/revisions/0.pdf")}
    pdf = before[f"{PAGE}.pdf"]
    assert pdf.headers["X-Report-SHA256"] == issued.pdf_sha256 == hashlib.sha256(pdf.data).hexdigest()
    assert pdf.headers["X-Report-Revision"] == "0" and pdf.data.startswith(b"%PDF")
    assert hashlib.sha256(before[f"{PAGE}.xlsx"].data).hexdigest() == issued.xlsx_sha256

    add_seizure(factory, annual.operation)  # the data changes after the issue

    for url, response in before.items():
        assert client.get(url).data == response.data, url  # byte for byte
    html = client.get(PAGE).get_data(as_text=True)
    assert fact_on_page(html, "overview", "seizures") == "3" and "Issued REV 0" in html
    assert "The report as issued" in html
    login(annual.secretariat)
    assert fact_on_page(client.get(PAGE).get_data(as_text=True), "overview", "seizures") == "4"  # the live draft

    rev1 = _issue(client, "Adds the NL seizure.")
    assert rev1.revision == 1 and rev1.number == f"JSO/AR/{YEAR} REV 1"
    changed = {c["figure"]: (c["before"], c["after"]) for c in rev1.changes}
    assert changed["overview.seizures"] == ("3", "4")
    assert changed["by_commodity.cigarettes/pcs.quantity"] == ("2876000", "2876005")
    assert changed["by_administration.NL.seizures"] == (None, "1")
    page = unescape(client.get(f"{PAGE}/revisions/1").get_data(as_text=True))
    rows = re.search(r'id="changes-rev-1".*?</table>', page, re.S).group(0)
    assert "Overview › Seizures" in rows and "overview.seizures" in rows
    assert re.search(r"overview\.seizures</code></td>\s*<td[^>]*>3</td>\s*<td[^>]*>4</td>", rows)
    assert "Seizures by commodity and unit › Cigarettes › Quantity" in rows
    login(reader)
    assert client.get(f"{PAGE}/revisions/0.pdf").data == before[f"{PAGE}/revisions/0.pdf"].data
    latest = client.get(f"{PAGE}.pdf")
    assert latest.headers["X-Report-Revision"] == "1" and latest.headers["X-Report-SHA256"] == rev1.pdf_sha256
    assert fact_on_page(client.get(PAGE).get_data(as_text=True), "overview", "seizures") == "4"


def _drill_down(client, url):
    """{operation reference or "total": {figure: Decimal}} of a drill-down page."""
    html = client.get(url).get_data(as_text=True)
    rows = {}
    for ref, cells in re.findall(r'<tr data-operation="([^"]+)">(.*?)</tr>', html, re.S):
        rows[ref] = {k: number(text_of(v)) for k, v in re.findall(r'data-figure="(\w+)">(.*?)</td>', cells, re.S)}
    return rows


FIGURE_OF_COLUMN = {"seizures": "seizures", "arrests": "arrests", "quantity": "quantity", "current": None}


def test_every_linked_figure_adds_up_over_its_operations(annual, client, login, factory):
    """Follow every link of the draft page: the per-operation numbers of the drill-down add up to the figure."""
    from planner.results.services import create_seizure
    from tests.reports.annual_report_data import item
    from tests.results.conftest import seizure_data

    other = factory.operation_in("operational", lead="PL", participants=("LT",), code_name="SECOND WAVE")
    create_seizure(factory.user("LT", "officer"), other, seizure_data(
        seized_at="2026-05-10T09:00:00+00:00", arrests=4, items=[
            item("tobacco", "raw_tobacco", ("0.075", "kg")), item("cigarettes", "cigarettes", ("200", "pcs"))]))
    db.session.commit()
    login(annual.secretariat)
    html = unescape(client.get(PAGE).get_data(as_text=True))
    dataset = annual_report_dataset(YEAR)
    checked = 0
    for number_, section in dataset.walk():
        for f in section.facts:
            if not f.link:
                continue
            url = re.search(rf'id="fact-{re.escape(section.key)}-{f.key}".*?<dd[^>]*><a href="([^"]+)"', html,
                            re.S).group(1)
            rows = _drill_down(client, url)
            figure = "arrests" if f.key == "arrests" else "seizures"
            assert rows["total"][figure] == f.value == sum(r[figure] for k, r in rows.items() if k != "total"), url
            checked += 1
        for t in section.tables:
            for key, row, link in zip(t.row_keys, t.rows, t.links):
                if not link:
                    continue
                table_html = re.search(rf'id="table-{re.escape(t.key)}".*?</table>', html, re.S).group(0)
                url = re.search(rf'<tr data-key="{re.escape(key)}">.*?<a href="([^"]+)"', table_html, re.S).group(1)
                rows = _drill_down(client, url)
                for column, value in zip(t.columns, row):
                    figure = {"seizures": "seizures", "arrests": "arrests", "quantity": "quantity"}.get(column.key)
                    if t.key == "concealment_trend" and column.key == "current":
                        figure = "seizures"
                    if t.key == "commodity_comparison" and column.key == "current":
                        figure = "quantity"
                    if figure is None:
                        continue
                    total = rows.get("total", {}).get(figure, Decimal(0))
                    assert total == Decimal(value or 0), (t.key, key, column.key, url)
                    assert sum(r[figure] for k, r in rows.items() if k != "total") == total
                    checked += 1
    assert checked > 40
    both = _drill_down(client, f"{PAGE}/records?category=tobacco&unit=kg")
    assert set(both) == {"JSO-2026-01", other.reference, "total"}
    assert both[other.reference]["quantity"] == Decimal("0.075")
    assert both["total"]["quantity"] == Decimal("283671925.075")


def test_a_drill_down_row_links_to_the_operation_list_with_the_same_filters(annual, client, login):
    login(annual.secretariat)
    html = unescape(client.get(f"{PAGE}/records?category=tobacco&unit=kg&organisation=lt&transport_mode=road"
                               "&investigation=yes&status=submitted").get_data(as_text=True))
    link = re.search(r'href="(/operations/\d+/seizures\?[^"]+)"', html).group(1)
    assert link.startswith(f"/operations/{annual.operation.id}/seizures?")
    for part in ("status=submitted", "category=tobacco", "unit=kg", "organisation=LT", "transport_mode=road",
                 "investigation=yes"):
        assert part in link


@pytest.mark.parametrize("query, named", [
    ("category=plutonium", "plutonium"), ("unit=stone", "stone"), ("organisation=ZZ", "ZZ"),
    ("operation=JSO-2025-01", "JSO-2025-01"), ("transport_mode=camel", "camel"), ("concealment=hat", "hat"),
    ("investigation=maybe", "maybe"), ("colour=red", "colour"), ("status=draft", "submitted records only"),
])
def test_the_drill_down_names_what_it_does_not_know(annual, client, login, query, named):
    login(annual.secretariat)
    response = client.get(f"{PAGE}/records?{query}")
    assert response.status_code == 400
    assert named in unescape(response.get_data(as_text=True))


def test_years_without_operations_have_no_report(annual, client, login):
    login(annual.secretariat)
    index = client.get("/reports/annual").get_data(as_text=True)
    assert f"Annual report {YEAR}" in index and f"Annual report {YEAR - 1}" in index
    for year in (1989, 2027, 2101):
        response = client.get(f"/reports/annual/{year}")
        assert response.status_code == 404
    assert "No operation of 2027" in client.get("/reports/annual/2027").get_data(as_text=True)
    assert client.post("/reports/annual/2027/issue", data={}).status_code == 404
