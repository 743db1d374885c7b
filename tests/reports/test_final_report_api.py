"""The final report through the API: reading it (dataset, contributions, revisions), writing the narrative with
its version (body or If-Match; stale → 409), making it final (missing sections → 422; revision and SHA-256),
contributions, the documents (issued bytes for the LIMITE distribution, live otherwise), the revisions, errors in
the house shape, 404 outside the operation and 403 for who sees it but may not; and the seizure list's filters
that the report's figures link with."""
import hashlib

import pytest

from planner.extensions import db
from planner.reports.models import NarrativeSection
from tests.api.helpers import assert_error
from tests.reports.prepare import narrative


@pytest.fixture
def url(evaluated):
    return f"/operations/{evaluated.id}/final-report"


def test_read_write_and_make_final(api, factory, url, evaluated):
    lt = factory.coordinator("LT")
    response = api("GET", url, lt)
    body = response.get_json()
    assert response.status_code == 200 and response.headers["ETag"] == '"1"'
    assert body["status"] == "draft" and body["version"] == 1 and body["revisions"] == []
    assert set(body["sections"]) == set(NarrativeSection.codes()) and body["sections"]["introduction"] == ""
    assert body["may"] == {"edit": True, "make_final": True, "contribute": True, "read_issued": True}
    facts = {f["key"]: f["value"] for s in body["dataset"]["sections"] for f in s["facts"]}
    assert facts["seizures"] == 5 and facts["follow_up"] == 1
    tables = {t["key"]: t for s in body["dataset"]["sections"] for t in s["tables"]}
    tobacco = dict(zip(tables["by_commodity"]["row_keys"], tables["by_commodity"]["rows"]))["tobacco/kg"]
    assert tobacco[3:] == ["283671940.5", "283671.9405"]  # exact decimals as strings

    assert_error(api("PUT", url, lt, json={"sections": {"introduction": "x"}}), 422, "version")
    assert_error(api("PUT", url, lt, json={"sections": {"preface": "x"}, "version": 1}), 422, "sections.preface")
    assert_error(api("PUT", url, lt, json={"sections": {}, "colour": "red", "version": 1}), 422, "colour")
    response = api("PUT", url, lt, json={"sections": {"introduction": "Why."}}, headers={"If-Match": '"1"'})
    assert response.status_code == 200 and response.get_json()["sections"]["introduction"] == "Why."
    version = response.get_json()["version"]
    assert response.headers["ETag"] == f'"{version}"' and version > 1
    stale = assert_error(api("PUT", url, lt, json={"sections": {"introduction": "Mine."}, "version": 1}), 409,
                         "version")
    assert stale["current_version"] == version

    assert_error(api("POST", url + "/issue", lt, json={}), 422, "version")  # freeze only what was read
    refused = assert_error(api("POST", url + "/issue", lt, json={"version": version}), 422, "sections")
    assert "Legal framework" in refused["errors"]["sections"][0]
    version = api("PUT", url, lt, json={"sections": narrative(), "version": version}).get_json()["version"]
    assert_error(api("POST", url + "/issue", lt, json={"version": version - 1}), 409, "version")
    response = api("POST", url + "/issue", lt, json={"version": version}, headers={"Idempotency-Key": "fr-1"})
    issued = response.get_json()
    assert response.status_code == 201 and issued["revision"] == 0 and issued["status"] == "final"
    assert issued["number"] == f"{evaluated.reference} FR" and issued["changes"] == []
    replay = api("POST", url + "/issue", lt, json={"version": version}, headers={"Idempotency-Key": "fr-1"})
    assert replay.headers.get("Idempotent-Replayed") == "true" and replay.get_json()["revision"] == 0

    for kind in ("xlsx", "pdf"):
        document = api("GET", f"{url}.{kind}", lt)
        assert document.headers["X-Report-SHA256"] == issued[f"{kind}_sha256"]
        assert hashlib.sha256(document.data).hexdigest() == issued[f"{kind}_sha256"]
        revision = api("GET", f"{url}/revisions/0.{kind}", lt)
        assert revision.data == document.data and revision.headers["X-Report-Revision"] == "0"
    listed = api("GET", url + "/revisions", lt).get_json()["items"]
    assert [(r["revision"], r["pdf_sha256"]) for r in listed] == [(0, issued["pdf_sha256"])]
    assert api("GET", url, lt).get_json()["revisions"][0]["xlsx_sha256"] == issued["xlsx_sha256"]
    assert_error(api("GET", url + "/revisions/7.pdf", lt), 404)


def test_contributions(api, factory, url):
    pl = factory.user("PL", "contact_point")
    response = api("PUT", url + "/contribution", pl, json={"body": "Poland's draft."})
    assert response.status_code == 200 and response.get_json()["submitted"] is False
    version = response.get_json()["version"]
    assert_error(api("PUT", url + "/contribution", pl, json={"body": "Again."}), 422, "version")
    assert_error(api("PUT", url + "/contribution", pl, json={"body": "Again.", "version": version + 5}), 409, "version")
    assert_error(api("PUT", url + "/contribution", pl, json={"body": " ", "submit": True, "version": version}), 422,
                 "body")
    response = api("PUT", url + "/contribution", pl, json={"body": "Poland's part.", "submit": True},
                   headers={"If-Match": f'"{version}"'})
    assert response.status_code == 200 and response.get_json()["submitted"] is True
    nl = factory.coordinator("NL")
    seen = api("GET", url, nl).get_json()
    assert [(c["organisation"], c["body"]) for c in seen["contributions"]] == [("PL", "Poland's part.")]
    assert "contribution_progress" not in seen
    progress = {p["organisation"]: p["state"] for p in api("GET", url, factory.coordinator("LT"))
                .get_json()["contribution_progress"]}
    assert progress["PL"] == "submitted" and progress["NL"] == "none"
    api("PUT", url + "/contribution", nl, json={"body": "NL's draft."})
    assert [c["organisation"] for c in api("GET", url, factory.user("PL", "officer")).get_json()["contributions"]] \
        == ["PL"]  # another participant's draft stays its own
    assert_error(api("PUT", url + "/contribution", factory.user("PL", "officer"), json={"body": "x"}), 403)
    assert_error(api("PUT", url + "/contribution", factory.user("EUROPOL", "observer"), json={"body": "x"}), 403)


def test_who_may_do_what(api, factory, url, evaluated):
    outsider = factory.coordinator("FR")
    for method, path in (("GET", url), ("GET", url + ".xlsx"), ("GET", url + "/revisions"),
                         ("PUT", url), ("POST", url + "/issue")):
        assert_error(api(method, path, outsider, json={} if method != "GET" else None), 404)
    pl = factory.coordinator("PL")
    assert api("GET", url, pl).status_code == 200
    assert_error(api("PUT", url, pl, json={"sections": {}, "version": 1}), 403)
    assert_error(api("POST", url + "/issue", pl, json={}), 403)
    secretariat = factory.secretariat()
    assert api("GET", url, secretariat).status_code == 200  # the oversight reads every figure in aggregate
    assert_error(api("PUT", url, secretariat, json={"sections": {}, "version": 1}), 403)
    lt = factory.coordinator("LT")
    assert_error(api("PUT", url, lt, json={"sections": {}, "version": 1}, scopes=("read",)), 403)
    planning = factory.operation_in("planning")
    assert_error(api("GET", f"/operations/{planning.id}/final-report", lt), 403)


def test_after_closing_the_narrative_is_frozen(api, factory, url, evaluated):
    lt = factory.coordinator("LT")
    refused = assert_error(api("POST", f"/operations/{evaluated.id}/transitions", lt, json={"action": "close"}),
                           409, "conditions")
    assert "The final report must be final before the operation is closed." in refused["errors"]["conditions"]
    version = api("PUT", url, lt, json={"sections": narrative(), "version": 1}).get_json()["version"]
    assert api("POST", url + "/issue", lt, json={"version": version}).status_code == 201
    assert api("POST", f"/operations/{evaluated.id}/transitions", lt, json={"action": "close"}).status_code == 200
    db.session.expire_all()
    assert_error(api("PUT", url, lt, json={"sections": {"analysis": "Later."}, "version": version + 1}), 403)
    assert_error(api("PUT", url + "/contribution", factory.user("PL", "contact_point"), json={"body": "x"}), 403)


def test_the_seizure_list_api_understands_the_report_filters(api, factory, evaluated):
    lt = factory.coordinator("LT")
    base = f"/operations/{evaluated.id}/seizures?status=submitted"

    def total(query):
        response = api("GET", base + query, lt)
        assert response.status_code == 200, response.get_json()
        return response.get_json()["total"]

    assert total("") == 5
    assert total("&category=tobacco&unit=kg") == 3
    assert total("&category=cigarettes&unit=kg") == 0  # kilograms of cigarettes: none (they are in pieces)
    assert total("&unit=pcs") == 2 and total("&unit=l") == 1
    assert total("&concealment=cover_load") == 3 and total("&concealment=vehicle_manipulation") == 1
    assert total("&origin=BY") == 3 and total("&origin=CN") == 1
    assert total("&phase=follow_up") == 1 and total("&phase=in_operation") == 4
    assert total("&investigation=yes") == 3 and total("&investigation=no") == 2
    assert total("&organisation=PL&investigation=yes") == 1
    assert_error(api("GET", base + "&unit=stone&phase=soon&origin=QQ&concealment=x&investigation=1", lt), 422,
                 "unit", "phase", "origin", "concealment", "investigation")
