"""The annual report through the API: the live draft for the secretariat and admins, the latest issued revision for
the distribution, issuing with an Idempotency-Key, the revisions and their stored bytes."""
import hashlib

from planner.reports.models import IssuedReport
from planner.reports.tables import ReportDataset
from tests.api import conftest as api_fixtures
from tests.api.helpers import assert_error
from tests.reports import annual_report_data as data
from tests.reports.annual_report_data import YEAR, add_seizure

annual, running, api = data.annual, data.running, api_fixtures.api  # the fixtures

BASE = f"/reports/annual/{YEAR}"


def test_the_secretariat_gets_the_live_draft(annual, api):
    body = api("GET", BASE, annual.secretariat).get_json()
    assert (body["year"], body["state"], body["source"], body["revision"]) == (YEAR, "draft", "live", None)
    dataset = ReportDataset.from_json(body["dataset"])
    assert dataset.fact("seizures").value == 3 and body["revisions"] == []
    rows = dict(zip(dataset.table("by_commodity").row_keys, dataset.table("by_commodity").rows))
    assert body["dataset"]["kind"] == "annual" and str(rows["tobacco/kg"][4]) == "283671.925"
    for fmt, magic in (("xlsx", b"PK"), ("pdf", b"%PDF")):
        response = api("GET", f"{BASE}.{fmt}", annual.secretariat)
        assert response.status_code == 200 and response.data.startswith(magic)
        assert "X-Report-SHA256" not in response.headers


def test_issue_with_an_idempotency_key_then_a_revision(annual, api, factory):
    headers = {"Idempotency-Key": "ar-2026-first"}
    first = api("POST", f"{BASE}/issue", annual.secretariat, json={"note": "June meeting"}, headers=headers)
    assert first.status_code == 201, first.get_data(as_text=True)
    issued = first.get_json()
    assert (issued["revision"], issued["number"], issued["changes"], issued["note"]) == (
        0, f"JSO/AR/{YEAR}", [], "June meeting")
    again = api("POST", f"{BASE}/issue", annual.secretariat, json={"note": "June meeting"}, headers=headers)
    assert again.status_code == 201 and again.get_json() == issued and again.headers["Idempotent-Replayed"] == "true"
    assert IssuedReport.query.count() == 1
    assert_error(api("POST", f"{BASE}/issue", annual.secretariat, json={"note": "other"}, headers=headers), 422,
                 "Idempotency-Key")

    reader = factory.coordinator("LT")
    pdf = api("GET", f"{BASE}.pdf", reader)
    assert pdf.headers["X-Report-SHA256"] == issued["pdf_sha256"] == hashlib.sha256(pdf.data).hexdigest()
    assert pdf.headers["X-Report-Revision"] == "0"
    stored = api("GET", f"{BASE}/revisions/0.xlsx", reader)
    assert hashlib.sha256(stored.data).hexdigest() == issued["xlsx_sha256"] == stored.headers["X-Report-SHA256"]

    add_seizure(factory, annual.operation)
    assert api("GET", f"{BASE}.pdf", reader).data == pdf.data  # frozen
    assert api("GET", f"{BASE}/revisions/0.xlsx", reader).data == stored.data
    body = api("GET", BASE, reader).get_json()
    assert (body["state"], body["source"], body["revision"]) == ("issued", "issued", 0)
    assert ReportDataset.from_json(body["dataset"]).fact("seizures").value == 3
    live = api("GET", BASE, annual.secretariat).get_json()
    assert (live["state"], live["source"]) == ("issued", "live")
    assert ReportDataset.from_json(live["dataset"]).fact("seizures").value == 4

    second = api("POST", f"{BASE}/issue", annual.secretariat, json={"note": "Adds NL"})
    assert second.status_code == 201
    rev1 = second.get_json()
    assert rev1["revision"] == 1 and rev1["number"] == f"JSO/AR/{YEAR} REV 1"
    assert {"figure": "overview.seizures", "before": "3", "after": "4"} in rev1["changes"]
    revisions = api("GET", f"{BASE}/revisions", reader).get_json()["items"]
    assert [(r["revision"], r["changes_count"]) for r in revisions] == [(0, 0), (1, len(rev1["changes"]))]
    assert revisions[1]["pdf_sha256"] == rev1["pdf_sha256"] and revisions[0]["issued_by"]["organisation"] == "CCWP"
    latest = api("GET", f"{BASE}.xlsx", reader)
    assert latest.headers["X-Report-Revision"] == "1"
    assert hashlib.sha256(latest.data).hexdigest() == rev1["xlsx_sha256"]


def test_access_through_the_api(annual, api, factory):
    lt, ua, officer = factory.coordinator("LT"), factory.coordinator("UA"), annual.lt_officer
    admin = factory.user("CCWP", "admin")
    assert api("GET", BASE, admin).get_json()["source"] == "live"
    assert_error(api("GET", BASE, lt), 404)  # nothing issued yet
    assert api("GET", f"{BASE}/revisions", lt).get_json() == {"items": []}
    for user in (ua, officer):
        for path in (BASE, f"{BASE}.pdf", f"{BASE}/revisions"):
            assert_error(api("GET", path, user), 403)
    for user in (lt, admin, ua):
        assert_error(api("POST", f"{BASE}/issue", user, json={}), 403)
    assert_error(api("POST", f"{BASE}/issue", annual.secretariat, json={}, scopes=("read",)), 403)
    assert api("POST", f"{BASE}/issue", annual.secretariat).status_code == 201  # no body: no note
    assert api("GET", BASE, lt).get_json()["revision"] == 0
    assert_error(api("GET", f"{BASE}/revisions/1.pdf", lt), 404)
    for user in (ua, officer):
        assert_error(api("GET", f"{BASE}/revisions/0.pdf", user), 403)


def test_years_and_bodies_that_are_refused(annual, api):
    for year in (1989, 2101, 2031):
        body = assert_error(api("GET", f"/reports/annual/{year}", annual.secretariat), 404)
        assert str(year) in body["error"] or "1990" in body["error"]
    assert "No operation of 2031" in api("GET", "/reports/annual/2031", annual.secretariat).get_json()["error"]
    assert_error(api("POST", "/reports/annual/2031/issue", annual.secretariat, json={}), 404)
    assert_error(api("POST", f"{BASE}/issue", annual.secretariat, json={"note": 7}), 422, "note")
    assert_error(api("POST", f"{BASE}/issue", annual.secretariat, json={"note": "x" * 2001}), 422, "note")
    assert_error(api("POST", f"{BASE}/issue", annual.secretariat, json={"nota": "typo"}), 422, "nota")
    assert_error(api("POST", f"{BASE}/issue", annual.secretariat, data="[1]", content_type="application/json"), 400)
    assert IssuedReport.query.count() == 0


def test_the_openapi_document_describes_the_annual_report(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    issue = paths["/api/v1/reports/annual/{year}/issue"]["post"]
    # every user may call it with a write token; the route itself tells who may issue (the secretariat)
    assert issue["x-permission"] == "authenticated" and "201" in issue["responses"] and "403" in issue["responses"]
    assert "Idempotency-Key" in issue["description"]
    for path in ("/api/v1/reports/annual/{year}", "/api/v1/reports/annual/{year}.xlsx",
                 "/api/v1/reports/annual/{year}.pdf", "/api/v1/reports/annual/{year}/revisions",
                 "/api/v1/reports/annual/{year}/revisions/{number}.xlsx",
                 "/api/v1/reports/annual/{year}/revisions/{number}.pdf"):
        assert "reports" in paths[path]["get"]["tags"]
