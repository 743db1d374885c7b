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
        assert client.get(f"{PAGE}/controls").status_code == 403
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
    """{operation reference or "total": {figure: Decimal, or the shown text of a rate}} of a drill-down page."""
    response = client.get(url)
    assert response.status_code == 200, url
    rows = {}
    for ref, cells in re.findall(r'<tr data-operation="([^"]+)">(.*?)</tr>', response.get_data(as_text=True), re.S):
        rows[ref] = {k: text_of(v) if k == "hit_rate" else number(text_of(v))
                     for k, v in re.findall(r'data-figure="(\w+)">(.*?)</td>', cells, re.S)}
    return rows


def _figure_of(table, row_key, column):
    """Which figure of a drill-down page a report cell is (None: a cell that is not a count of records)."""
    if table == "comparison":
        return {"investigations": "seizures"}.get(row_key, row_key)
    if table == "concealment_trend":
        return "seizures"
    if table == "commodity_comparison":
        return "quantity"
    return column if column in ("seizures", "arrests", "quantity", "controls", "hits", "hit_rate") else None


def _check(rows, figure, value):
    """The drill-down's total is the report's figure, and its operations add up to it."""
    if figure == "hit_rate":
        assert rows["total"]["hit_rate"] == display(value, "rate")
        return
    total = rows.get("total", {}).get(figure, Decimal(0))
    assert total == Decimal(value or 0)
    assert sum(r[figure] for k, r in rows.items() if k != "total") == total


def _control(basis, mode, controls, hits, day="2026-05-08"):
    return {"date": day, "location": f"{basis} {mode}", "transport_mode": mode, "selection_basis": basis,
            "controls": controls, "hits": hits}


def test_every_linked_figure_adds_up_over_its_operations(annual, client, login, factory):
    """Follow every link of the draft page, to the seizures or the control records behind a figure (of this year
    or of last year): the per-operation numbers of the drill-down add up to the figure."""
    from planner.results.controls import create_controls
    from planner.results.services import create_seizure
    from tests.reports.annual_report_data import item
    from tests.results.conftest import seizure_data

    other = factory.operation_in("operational", lead="PL", participants=("LT",), code_name="SECOND WAVE")
    create_seizure(factory.user("LT", "officer"), other, seizure_data(
        seized_at="2026-05-10T09:00:00+00:00", arrests=4, items=[
            item("tobacco", "raw_tobacco", ("0.075", "kg")), item("cigarettes", "cigarettes", ("200", "pcs"))]))
    lt = factory.user("LT", "officer")
    create_controls(lt, annual.operation, [_control("risk_profile", "road", 40, 6), _control("random", "rail", 100, 2)])
    create_controls(lt, other, [_control("risk_profile", "road", 7, 7, day="2026-05-10")])
    create_controls(factory.secretariat(), annual.past, [_control("random", "sea_container", 30, 1, day="2025-03-05")],
                    organisation=factory.org("PL"))
    db.session.commit()
    login(annual.secretariat)
    html = unescape(client.get(PAGE).get_data(as_text=True))
    dataset = annual_report_dataset(YEAR)
    assert dataset.fact("controls").value == 147 and display(dataset.fact("hit_rate").value, "rate") == "10.20 %"
    checked, pages = 0, set()
    for number_, section in dataset.walk():
        for f in section.facts:
            if not f.link or not f.value:
                continue
            url = re.search(rf'id="fact-{re.escape(section.key)}-{f.key}">[^<]*</dt>\s*<dd[^>]*><a href="([^"]+)"',
                            html).group(1)
            figure = {"investigations": "seizures"}.get(f.key, f.key)
            _check(_drill_down(client, url), figure, f.value)
            checked, pages = checked + 1, pages | {url.split("?")[0]}
        for t in section.tables:
            table_html = re.search(rf'id="table-{re.escape(t.key)}".*?</table>', html, re.S).group(0)
            for index, (key, row) in enumerate(zip(t.row_keys, t.rows)):
                row_html = re.search(rf'<tr data-key="{re.escape(key)}">(.*?)</tr>', table_html, re.S).group(1)
                for column, value in zip(t.columns, row):
                    figure = _figure_of(t.key, key, column.key)
                    if column.kind == "text" or not t.link_of(index, column) or not value or figure is None:
                        continue
                    url = re.search(rf'data-column="{column.key}"><a href="([^"]+)"', row_html).group(1)
                    _check(_drill_down(client, url), figure, value)
                    checked, pages = checked + 1, pages | {url.split("?")[0]}
    assert checked > 70, checked
    assert pages == {f"{PAGE}/records", f"{PAGE}/controls", f"/reports/annual/{YEAR - 1}/records",
                     f"/reports/annual/{YEAR - 1}/controls"}
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


def test_a_control_drill_down_row_links_to_the_operation_control_list(annual, client, login, factory):
    from planner.results.controls import create_controls

    lt = factory.user("LT", "officer")
    create_controls(lt, annual.operation, [_control("risk_profile", "road", 40, 6), _control("risk_profile", "rail", 9, 1),
                                           _control("random", "road", 100, 2)])
    db.session.commit()
    login(annual.secretariat)
    rows = _drill_down(client, f"{PAGE}/controls?selection_basis=risk_profile&transport_mode=road&status=submitted")
    assert rows["JSO-2026-01"] == {"controls": 40, "hits": 6, "hit_rate": "15.00 %"}
    html = unescape(client.get(f"{PAGE}/controls?selection_basis=risk_profile").get_data(as_text=True))
    assert "Risk profile" in html and _drill_down(client, f"{PAGE}/controls?selection_basis=risk_profile")[
        "total"] == {"controls": 49, "hits": 7, "hit_rate": "14.29 %"}
    link = re.search(r'href="(/operations/\d+/controls\?[^"]+)"', html).group(1)
    assert link == f"/operations/{annual.operation.id}/controls?status=submitted&selection_basis=risk_profile"
    login(factory.coordinator("LT"))  # the list shows each reader what it may see: the lead's coordinator sees all
    listed = client.get(link).get_data(as_text=True).split('id="control-records"', 1)[1].split("</table>", 1)[0]
    assert sorted(re.findall(r'<td class="text-end">(\d+)</td><td class="text-end">(\d+)</td>', listed)) == [
        ("40", "6"), ("9", "1")]


def test_a_hit_rate_of_nothing_found_still_opens_its_controls(annual, client, login, factory):
    from planner.results.controls import create_controls

    create_controls(factory.user("LT", "officer"), annual.operation, [_control("random", "road", 50, 0)])
    db.session.commit()
    login(annual.secretariat)
    table = re.search(r'id="table-controls_by_basis".*?</table>', client.get(PAGE).get_data(as_text=True), re.S)
    row = re.search(r'<tr data-key="random">(.*?)</tr>', table.group(0), re.S).group(1)
    assert re.search(r'data-column="hit_rate"><a href="/reports/annual/2026/controls\?selection_basis=random">0\.00 %',
                     unescape(row))


@pytest.mark.parametrize("query, named", [
    ("selection_basis=hunch", "hunch"), ("transport_mode=camel", "camel"), ("category=tobacco", "category"),
    ("operation=JSO-2025-01", "JSO-2025-01"), ("status=withdrawn", "submitted records only"),
])
def test_the_control_drill_down_names_what_it_does_not_know(annual, client, login, query, named):
    login(annual.secretariat)
    response = client.get(f"{PAGE}/controls?{query}")
    assert response.status_code == 400
    assert named in unescape(response.get_data(as_text=True))


def test_the_distribution_follows_figures_only_into_the_lists_of_its_own_operations(annual, client, login, factory):
    """An issued report read by a coordinator: a figure of an operation whose results the reader sees links to
    that operation's seizure or control list; figures across operations, and last year's, link nowhere."""
    from planner.results.controls import create_controls

    create_controls(factory.user("LT", "officer"), annual.operation, [_control("risk_profile", "road", 40, 6)])
    db.session.commit()
    login(annual.secretariat)
    _issue(client)
    login(factory.coordinator("LT"))
    html = unescape(client.get(PAGE).get_data(as_text=True))
    links = set(re.findall(r'<a href="(/[^"]+)">\d', html))
    base = f"/operations/{annual.operation.id}"
    assert f"{base}/seizures?status=submitted" in links and f"{base}/controls?status=submitted" in links
    assert f"{base}/seizures?status=submitted&category=tobacco&unit=kg" in links
    assert all(link.startswith(base + "/") for link in links), links
    login(factory.coordinator("FR"))  # takes part in no operation of the year
    html = unescape(client.get(PAGE).get_data(as_text=True))
    assert not re.findall(r'<a href="(/[^"]+)">\d', html)


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
