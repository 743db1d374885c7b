"""The public summary (programme item 34): only submitted records flagged for public statistics and past their own
embargo and their operation's count; the document is unmarked, links to no record, and its PDF and page carry
the dataset's figures. Who may generate it: the members of the operation and the oversight (a year's: the
programme.view roles)."""
import re
import shutil
import subprocess
from datetime import date, datetime, timezone
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from planner.core import clock
from planner.extensions import db
from planner.reports.public_dataset import public_operation_dataset, public_year_dataset
from planner.reports.tables import display
from planner.reports.writers import dataset_pdf
from planner.results.controls import create_controls
from planner.results.services import create_seizure, set_results_embargo, withdraw_seizure
from tests.results import conftest as results_fixtures
from tests.results.conftest import seizure_data

running = results_fixtures.running  # the operational operation of the results tests (clock on 2026-05-10)

PUBLIC = {"public_statistics": True}


def _item(category, kind, value, unit):
    return {"category": category, "type": kind, "quantities": [{"value": value, "unit": unit}]}


def _controls(user, op, controls, hits, public=True, basis="risk_profile", day="2026-05-02", **extra):
    create_controls(user, op, [{"date": day, "location": "Medininkai", "transport_mode": "road",
                                "selection_basis": basis, "controls": controls, "hits": hits,
                                "public_statistics": public, **extra}])


@pytest.fixture
def published(running, factory):
    """LT: cigarettes in pieces and tobacco in tonnes flagged public, alcohol not flagged; PL: spirits flagged
    public by rail, a public draft and a public withdrawn record (never count). Controls: 100 with 4 hits public,
    50 with 5 hits not public."""
    lt, pl = factory.user("LT", "officer"), factory.user("PL", "officer")
    create_seizure(lt, running, seizure_data(items=[_item("cigarettes", "cigarettes", "2875000", "pcs"),
                                                    _item("tobacco", "raw_tobacco", "12.345", "t")], **PUBLIC))
    create_seizure(lt, running, seizure_data(items=[_item("alcohol", "spirits", "99", "l")]))
    create_seizure(pl, running, seizure_data(items=[_item("alcohol", "spirits", "640.5", "l")], transport_mode="rail",
                                             conveyance={}, **PUBLIC))
    create_seizure(pl, running, seizure_data(items=[_item("tobacco", "raw_tobacco", "9", "t")], status="draft",
                                             **PUBLIC))
    gone = create_seizure(pl, running, seizure_data(items=[_item("tobacco", "raw_tobacco", "7", "t")], **PUBLIC))
    withdraw_seizure(pl, gone, "entered twice", gone.version)
    _controls(lt, running, 100, 4)
    _controls(lt, running, 50, 5, public=False, basis="random")
    db.session.commit()
    return running


def _rows(dataset, key):
    table = dataset.table(key)
    return {k: row for k, row in zip(table.row_keys, table.rows)}


def _pdf_text(body):
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(body)).pages)
    if shutil.which("pdftotext"):
        text += "\n" + subprocess.run(["pdftotext", "-layout", "-", "-"], input=body, capture_output=True,
                                      check=True).stdout.decode()
    return text


def test_only_submitted_records_flagged_public_count(published):
    dataset = public_operation_dataset(published)
    assert dataset.kind == "public" and dataset.cover.marking == ""
    assert dataset.fact("seizures").value == 2  # not the unflagged one, the draft or the withdrawn one
    rows = _rows(dataset, "by_commodity")
    assert set(rows) == {"cigarettes/pcs", "tobacco/kg", "alcohol/l"}
    assert rows["tobacco/kg"][2:] == [1, Decimal("12345"), Decimal("12.345")]
    assert rows["alcohol/l"][2:4] == [1, Decimal("640.5")]  # the 99 l not flagged are not in it
    assert rows["cigarettes/pcs"][2:4] == [1, Decimal("2875000")]
    assert _rows(dataset, "by_transport_mode") == {"road": ["Road", 1], "rail": ["Rail", 1]}
    assert (dataset.fact("controls").value, dataset.fact("hits").value) == (100, 4)
    assert dataset.fact("hit_rate").value == Decimal("0.04")
    assert dataset.fact("participants").value == 4  # LT, PL, NL, UA; the observer does not count


def test_nothing_links_to_records_and_nothing_per_administration(published):
    dataset = public_operation_dataset(published)
    assert all(f.link is None for _n, s in dataset.walk() for f in s.facts)
    assert all(link is None for t in dataset.tables() for link in t.links)
    assert {t.key for t in dataset.tables()} == {"by_commodity", "by_transport_mode"}
    assert all(s.text is None for _n, s in dataset.walk())  # no narrative
    flat = str(dataset.to_json())
    assert "LIMITE" not in flat and "Medininkai" not in flat and "AB 1234" not in flat
    assert dataset.fact("arrests") is None


def test_a_record_under_its_own_embargo_counts_from_its_embargo_day(running, factory):
    lt = factory.user("LT", "officer")
    create_seizure(lt, running, seizure_data(embargo_until="2026-05-12", **PUBLIC))
    _controls(lt, running, 10, 1, embargo_until="2026-05-12")
    db.session.commit()
    for day, seizures, controls in ((date(2026, 5, 11), 0, 0), (date(2026, 5, 12), 1, 10),
                                    (date(2026, 5, 13), 1, 10)):
        dataset = public_operation_dataset(running, on=day)
        assert (dataset.fact("seizures").value, dataset.fact("controls").value) == (seizures, controls), day
    # without `on`, "today" is the clock's
    clock.freeze(datetime(2026, 5, 11, 23, 0, tzinfo=timezone.utc))
    assert public_operation_dataset(running).fact("seizures").value == 0
    clock.freeze(datetime(2026, 5, 12, 0, 30, tzinfo=timezone.utc))
    assert public_operation_dataset(running).fact("seizures").value == 1


def test_the_operations_embargo_holds_every_record_back(published, factory):
    set_results_embargo(factory.coordinator("LT"), published, "2026-06-30")
    db.session.commit()
    held = public_operation_dataset(published, on=date(2026, 6, 29))
    assert held.fact("seizures").value == 0 and held.fact("controls").value == 0
    assert held.table("by_commodity").rows == []
    assert next(s for _n, s in held.walk() if s.key == "results").text  # says the results are not public yet
    year = public_year_dataset(2026, on=date(2026, 6, 29))
    assert year.fact("operations").value == 0 and year.fact("seizures").value == 0
    assert published.code_name not in str(year.to_json())
    released = public_operation_dataset(published, on=date(2026, 6, 30))
    assert released.fact("seizures").value == 2 and released.fact("controls").value == 100
    year = public_year_dataset(2026, on=date(2026, 6, 30))
    assert year.fact("operations").value == 1 and year.fact("seizures").value == 2
    assert _rows(year, "operations")[published.reference][:2] == [published.code_name, "2026-05-01"]


def test_the_record_set_itself_keeps_out_an_embargoed_operation(published, factory):
    """Whoever builds on `public_records` cannot count an embargoed operation's records by naming it."""
    from planner.reports import figures
    from planner.reports.public_dataset import public_records

    set_results_embargo(factory.coordinator("LT"), published, "2026-06-30")
    db.session.commit()
    held = public_records([published.id], date(2026, 6, 29))
    assert figures.seizure_totals(held)["seizures"] == 0 and figures.control_totals(held) == (0, 0)
    assert figures.seizure_totals(public_records([published.id], date(2026, 6, 30)))["seizures"] == 2


def test_a_year_names_only_operations_that_ran(published, factory):
    planned = factory.operation_in("planning", code_name="QUIET PLAN")
    clock.freeze(datetime(2026, 5, 9, 6, 0, tzinfo=timezone.utc))
    other_year = factory.operation_in("operational", code_name="LAST YEAR", year=2025, participants=("PL",))
    clock.freeze(datetime(2026, 5, 10, 12, 0, tzinfo=timezone.utc))
    create_seizure(factory.user("LT", "officer"), other_year,
                   seizure_data(seized_at="2026-05-09T15:00:00+00:00", **PUBLIC))
    db.session.commit()
    year = public_year_dataset(2026, on=date(2026, 5, 11))
    assert set(_rows(year, "operations")) == {published.reference}
    assert planned.code_name not in str(year.to_json())
    assert year.fact("seizures").value == 2 and year.cover.marking == ""
    assert year.fact("participants").value == 4
    assert public_year_dataset(2025, on=date(2026, 5, 11)).fact("seizures").value == 1


def test_an_operation_that_has_not_started_has_no_public_summary(factory):
    from planner.reports.public_dataset import NoPublicSummary

    with pytest.raises(NoPublicSummary):
        public_operation_dataset(factory.operation_in("planning"))


def test_the_pdf_carries_the_figures_and_no_marking(published):
    assert published.handling_marking == "LIMITE"
    dataset = public_operation_dataset(published)
    text = _pdf_text(dataset_pdf(dataset))
    assert "LIMITE" not in text.upper()
    assert published.code_name in text and "For the press" in text
    for fact in ("seizures", "controls", "hits", "hit_rate"):
        f = dataset.fact(fact)
        assert display(f.value, f.kind) in text, fact
    for row in dataset.table("by_commodity").rows:
        assert display(row[3], "quantity") in text  # 2 875 000, 12 345, 640.5
    assert "2 875 000" in text and "12 345" in text and "4.00 %" in text


def test_the_year_pdf_carries_the_figures_and_no_marking(published, client, login, factory):
    login(factory.secretariat())
    response = client.get("/reports/public/2026.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _pdf_text(response.data)
    dataset = public_year_dataset(2026)
    assert "LIMITE" not in text.upper() and published.code_name in text
    for fact in ("operations", "participants", "seizures", "controls", "hit_rate"):
        f = dataset.fact(fact)
        assert display(f.value, f.kind) in text, fact
    assert "2 875 000" in text and "640.5" in text


def _summary_part(html):
    match = re.search(r'<div id="public-summary">(.*)</div>', html, re.S)
    assert match, "the summary is on the page"
    return match.group(1)


def test_the_page_shows_the_figures_and_links_to_no_record(published, client, login, factory):
    login(factory.user("PL", "officer"))
    response = client.get(f"/operations/{published.id}/public-summary")
    assert response.status_code == 200
    part = _summary_part(response.get_data(as_text=True))
    assert "2 875 000" in part and "640.5" in part and "4.00 %" in part
    assert "/seizures" not in part and "/controls" not in part and "/annual" not in part
    assert not re.search(r'href="(?!#)', part)  # only the contents' anchors
    assert "LIMITE" not in part
    pdf = client.get(f"/operations/{published.id}/public-summary.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "LIMITE" not in _pdf_text(pdf.data).upper()


def test_the_operation_page_links_to_the_summary(published, client, login, factory):
    login(factory.coordinator("LT"))
    assert f"/operations/{published.id}/public-summary" in client.get(f"/operations/{published.id}").get_data(
        as_text=True)
    login(factory.user("EUROPOL", "observer"))
    assert "public-summary" not in client.get(f"/operations/{published.id}").get_data(as_text=True)


@pytest.mark.parametrize("who, status", [
    (("LT", "coordinator"), 200), (("PL", "officer"), 200), (("UA", "contact_point"), 200),
    (("CCWP", "secretariat"), 200), (("CCWP", "admin"), 200), (("EUROPOL", "observer"), 403),
    (("DE", "contact_point"), 403), (("FR", "coordinator"), 404)])
def test_who_generates_an_operations_summary(published, client, login, factory, who, status):
    factory.invite(published, "DE")
    user = factory.user(*who)
    login(user)
    for suffix in ("", ".pdf"):
        assert client.get(f"/operations/{published.id}/public-summary{suffix}").status_code == status
        api = client.get(f"/api/v1/operations/{published.id}/public-summary{suffix}", headers=factory.auth(user))
        assert api.status_code == status, (suffix, api.get_json(silent=True))


def test_before_the_start_the_members_get_409(factory, client, login):
    op = factory.operation_in("planning")
    user = factory.coordinator("LT")
    login(user)
    assert client.get(f"/operations/{op.id}/public-summary").status_code == 409
    response = client.get(f"/api/v1/operations/{op.id}/public-summary.pdf", headers=factory.auth(user))
    assert response.status_code == 409 and response.get_json()["error"]


@pytest.mark.parametrize("who, status", [
    (("CCWP", "secretariat"), 200), (("CCWP", "admin"), 200), (("FR", "coordinator"), 200),
    (("LT", "contact_point"), 403), (("LT", "officer"), 403), (("OLAF", "analyst"), 403),
    (("EUROPOL", "observer"), 403)])
def test_who_generates_a_years_summary(published, client, login, factory, who, status):
    user = factory.user(*who)
    login(user)
    for suffix in ("", ".pdf"):
        assert client.get(f"/reports/public/2026{suffix}").status_code == status
        assert client.get(f"/api/v1/reports/public/2026{suffix}", headers=factory.auth(user)).status_code == status


def test_the_year_page_and_the_api_carry_the_same_figures(published, client, login, factory):
    user = factory.user("FR", "coordinator")  # not in the operation: public figures only
    login(user)
    page = client.get("/reports/public/2026")
    part = _summary_part(page.get_data(as_text=True))
    assert published.code_name in part and "2 875 000" in part and not re.search(r'href="(?!#)', part)
    body = client.get("/api/v1/reports/public/2026", headers=factory.auth(user)).get_json()
    assert body["kind"] == "public" and body["cover"]["marking"] == ""
    from planner.reports.tables import ReportDataset

    assert ReportDataset.from_json(body).figures() == public_year_dataset(2026).figures()
    assert all(link is None for s in body["sections"] for t in s["tables"] for link in t["links"])
    assert client.get("/api/v1/reports/public/3000", headers=factory.auth(user)).status_code == 404
    assert client.get("/reports/public/2026?year=2025").status_code == 302


def test_the_openapi_document_describes_the_routes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/operations/{operation_id}/public-summary", "/api/v1/operations/{operation_id}/public-summary.pdf",
                 "/api/v1/reports/public/{year}", "/api/v1/reports/public/{year}.pdf"):
        assert "get" in paths[path], path
