"""The roster: the coordinator sees everything; participants the contact points of the others; observers the
organisations only; outsiders nothing (404). Pages, API and exports go through one query."""
import io
import re
import shutil
import subprocess

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from planner.core.audit import AuditEntry
from planner.extensions import db
from planner.participants.services import invite, respond, save_nomination
from tests.api.helpers import assert_error


@pytest.fixture
def world(factory):
    """LT leads; PL and LV accept and nominate; EUROPOL observes; DE is invited; FR is outside."""
    op = factory.operation_in("planning", code_name="AMBER WAVE")
    lt = factory.coordinator("LT")
    invite(lt, op, {"organisations": ["PL", "LV"], "respond_by": "2099-01-01"})
    invite(lt, op, {"organisations": ["EUROPOL"], "role": "observer", "respond_by": "2099-01-01"})
    invite(lt, op, {"organisations": ["DE"], "respond_by": "2099-01-01"})
    people = {"lt": lt, "pl": factory.user("PL", "contact_point", name="Anna Kowalska"),
              "lv": factory.user("LV", "contact_point", name="=HYPERLINK(\"http://evil.example\",\"click\")"),
              "europol": factory.user("EUROPOL", "observer"), "europol_cp": factory.user("EUROPOL", "contact_point"),
              "de": factory.user("DE", "contact_point"), "fr": factory.coordinator("FR"),
              "secretariat": factory.secretariat()}
    for code, who in (("PL", "pl"), ("LV", "lv"), ("EUROPOL", "europol_cp")):
        respond(people[who], op, code, True)
    save_nomination(people["pl"], op, "PL", {
        "contact_points": [{"user": people["pl"].email, "phone": "+48 22 000", "available_24_7": True}],
        "external_contacts": [{"name": "PL duty desk", "phone": "+48 99"}],
        "liaison_officers": [{"name": "Piotr Liaison", "from": "2026-05-04", "to": "2026-05-15"}],
        "officers_deployed": 30, "control_locations": [{"code": "PLKUB", "transport_sectors": ["road"]}]})
    save_nomination(people["lv"], op, "LV", {
        "contact_points": [{"user": people["lv"].email, "phone": "+371 000"}],
        "control_locations": [{"code": "LVTER", "transport_sectors": ["road"]}]})
    save_nomination(lt, op, "LT", {"contact_points": [{"user": lt.email, "phone": "+370 000"}],
                                   "control_locations": [{"code": "LTMDK", "transport_sectors": ["road", "rail"]}]})
    db.session.commit()
    return op, people


def test_roster_api_by_place(api, world):
    op, people = world
    url = f"/operations/{op.id}/roster"
    full = api("GET", url, people["lt"]).get_json()
    assert full["level"] == "full"
    assert {e["organisation"]: e["status"] for e in full["entries"]} == {
        "LT": "accepted", "PL": "accepted", "LV": "accepted", "EUROPOL": "accepted", "DE": "invited"}
    pl = next(e for e in full["entries"] if e["organisation"] == "PL")
    assert pl["liaison_officers"][0]["name"] == "Piotr Liaison" and pl["control_locations"][0]["code"] == "PLKUB"
    oversight = api("GET", url, people["secretariat"]).get_json()
    assert oversight["level"] == "organisations"  # contact details never leave the operation
    assert "+371" not in str(oversight) and "@" not in str(oversight) and "Liaison" not in str(oversight)
    assert_error(api("GET", f"/operations/{op.id}/nominations/PL", people["secretariat"]), 403)

    seen = api("GET", url, people["pl"]).get_json()
    assert seen["level"] == "contacts"
    entries = {e["organisation"]: e for e in seen["entries"]}
    assert set(entries) == {"LT", "PL", "LV", "EUROPOL"}  # invitations pending are not shown
    assert entries["LV"]["contact_points"][0]["phone"] == "+371 000"
    assert "control_locations" not in entries["LV"] and "liaison_officers" not in entries["LV"]
    assert entries["PL"]["liaison_officers"]  # its own nomination in full
    assert "contact_points" not in entries["EUROPOL"]

    observed = api("GET", url, people["europol"]).get_json()
    assert observed["level"] == "organisations"
    assert [set(e) for e in observed["entries"]] == [
        {"organisation", "organisation_name", "role", "status", "is_lead", "is_co_organiser"}] * 3
    assert "+371" not in str(observed) and "@" not in str(observed)

    assert_error(api("GET", url, people["de"]), 403)  # invited: the summary only
    assert_error(api("GET", url, people["fr"]), 404)  # outside: nothing at all


def test_roster_page_by_place(world, client, login):
    op, people = world
    url = f"/operations/{op.id}/participants"
    login(people["lt"])
    page = client.get(url).get_data(as_text=True)
    assert "Piotr Liaison" in page and "PLKUB" in page and "+371 000" in page and "Withdraw the invitation of DE" in page
    login(people["pl"])
    page = client.get(url).get_data(as_text=True)
    assert "+371 000" in page and "LVTER" not in page and "Piotr Liaison" in page
    login(people["europol"])
    page = client.get(url).get_data(as_text=True)
    assert "LV" in page and "+371 000" not in page and "+48 22 000" not in page and "Contacts" not in page
    login(people["de"])
    assert client.get(url).status_code == 403
    login(people["fr"])
    assert client.get(url).status_code == 404


def _xlsx(content):
    workbook = load_workbook(io.BytesIO(content))
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in workbook.worksheets}, workbook


def test_roster_xlsx_read_back(world, client, login):
    op, people = world
    login(people["lt"])
    response = client.get(f"/operations/{op.id}/roster.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(f'{op.reference}-roster.xlsx"')
    sheets, workbook = _xlsx(response.data)
    assert list(sheets) == ["Organisations", "People", "Control locations"]
    people_rows = sheets["People"]
    assert people_rows[0] == ["Organisation", "Role", "Name", "E-mail", "Phone", "Reachable 24/7", "From", "To"]
    assert ["PL", "National contact point", "Anna Kowalska", people["pl"].email, "+48 22 000", "yes", None,
            None] in people_rows
    officer = next(r for r in people_rows if r[2] == "Piotr Liaison")
    assert officer[1] == "Liaison officer" and officer[6].date().isoformat() == "2026-05-04"
    # a name that looks like a formula stays text
    evil = next(r for r in people_rows if r[0] == "LV")
    assert evil[2] == '=HYPERLINK("http://evil.example","click")'
    cell = next(c for c in workbook["People"]["C"] if c.value == evil[2])
    assert cell.data_type == "s"
    assert ["LT", "LTMDK", "Medininkai", "LT", "Land border crossing", "Road, Rail"] in sheets["Control locations"]
    assert len(sheets["Control locations"]) == 4  # header + one row per location
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "document.downloaded")).one()
    assert entry.data == {"document": "roster.xlsx", "marking": "LIMITE"} and entry.operation_id == op.id


def test_xlsx_of_a_participant_and_an_observer(world, api):
    op, people = world
    response = api("GET", f"/operations/{op.id}/roster.xlsx", people["pl"])
    sheets, _wb = _xlsx(response.data)
    assert {r[2] for r in sheets["People"][1:] if r[0] != "PL"} == {people["lv"].name, people["lt"].name}
    assert {r[0] for r in sheets["Control locations"][1:]} == {"PL"}  # only its own locations
    response = api("GET", f"/operations/{op.id}/roster.xlsx", people["europol"])
    sheets, _wb = _xlsx(response.data)
    assert list(sheets) == ["Organisations"]
    assert assert_error(api("GET", f"/operations/{op.id}/roster.xlsx", people["fr"]), 404)


def _pdf_pages(content):
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def test_roster_pdf_carries_the_marking_on_every_page(world, client, login, factory):
    op, people = world
    lt = people["lt"]
    # enough people for several pages
    save_nomination(lt, op, "LT", {
        "contact_points": [{"user": lt.email, "phone": "+370 000"}],
        "external_contacts": [{"name": f"Duty officer {i}", "phone": f"+370 {i:04d}"} for i in range(50)]})
    db.session.commit()
    login(lt)
    response = client.get(f"/operations/{op.id}/roster.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    pages = _pdf_pages(response.data)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert "LIMITE" in text
        assert re.search(rf"page {number} of {len(pages)}", text), text[-200:]
    whole = "\n".join(pages)
    assert "Anna Kowalska" in whole and "Duty officer 49" in whole and "PLKUB" in whole
    if shutil.which("pdftotext"):  # the tool people use to read it (poppler-utils), where installed
        text = subprocess.run(["pdftotext", "-", "-"], input=response.data, capture_output=True).stdout.decode()
        assert text.count("LIMITE") >= len(pages) and "Anna Kowalska" in text
    # an observer's PDF names organisations, no contact details
    login(people["europol"])
    whole = "\n".join(_pdf_pages(client.get(f"/operations/{op.id}/roster.pdf").data))
    assert "LV" in whole and "+371" not in whole and "Anna Kowalska" not in whole
    login(people["fr"])
    assert client.get(f"/operations/{op.id}/roster.pdf").status_code == 404
    assert db.session.scalars(select(AuditEntry.data).where(AuditEntry.action == "document.downloaded")).all() == [
        {"document": "roster.pdf", "marking": "LIMITE"}] * 2
