"""Every download of the annual report (LIMITE) is audited, on the pages and through the API: the live draft
by name, an issued revision with its number and SHA-256."""
from sqlalchemy import select

from planner.core.audit import AuditEntry
from planner.extensions import db
from tests.api import conftest as api_fixtures
from tests.reports import annual_report_data as data
from tests.reports.annual_report_data import YEAR

annual, running, api = data.annual, data.running, api_fixtures.api  # the fixtures

PAGE = f"/reports/annual/{YEAR}"


def _downloads():
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == "document.downloaded")
                              .order_by(AuditEntry.id)).all()


def test_downloads_of_the_draft_and_of_a_revision_are_audited(annual, client, login, factory, api):
    login(annual.secretariat)
    assert client.get(f"{PAGE}.pdf").status_code == 200
    entry = _downloads()[-1]
    assert entry.user_id == annual.secretariat.id and entry.object_type == "annual_report"
    assert entry.data == {"document": f"JSO/AR/{YEAR} (draft)", "format": "pdf", "marking": "LIMITE", "year": YEAR}
    assert client.post(f"{PAGE}/issue", data={"note": ""}).status_code == 302

    reader = factory.coordinator("LT")
    login(reader)
    response = client.get(f"{PAGE}/revisions/0.xlsx")
    entry = _downloads()[-1]
    assert entry.user_id == reader.id and entry.object_type == "issued_report"
    assert entry.object_label == f"JSO/AR/{YEAR}"
    assert entry.data["sha256"] == response.headers["X-Report-SHA256"] and entry.data["revision"] == 0
    client.get(f"{PAGE}.xlsx")
    assert _downloads()[-1].data["format"] == "xlsx" and _downloads()[-1].data["document"] == f"JSO/AR/{YEAR}"

    before = len(_downloads())
    assert api("GET", f"/reports/annual/{YEAR}.pdf", reader).status_code == 200
    assert api("GET", f"/reports/annual/{YEAR}/revisions/0.pdf", reader).status_code == 200
    entries = _downloads()[before:]
    assert [e.data["via"] for e in entries] == ["api", "api"] and all(e.user_id == reader.id for e in entries)


def test_a_refused_download_leaves_no_entry(annual, client, login, factory):
    login(factory.coordinator("UA"))  # a third country never reads it
    assert client.get(f"{PAGE}.pdf").status_code == 403
    assert client.get(f"{PAGE}/revisions/0.pdf").status_code == 403
    assert _downloads() == []
