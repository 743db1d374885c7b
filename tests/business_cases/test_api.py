"""The business case through the API: the whole case round trip, field errors, versions, comments, funding,
the PDF and who may do what."""
from sqlalchemy import select

from planner.core.audit import AuditEntry
from planner.extensions import db
from tests.api.helpers import assert_error
from tests.business_cases.prepare import complete_case


def test_round_trip_of_the_whole_case(api, factory):
    op = factory.operation_in("draft")
    coordinator = factory.coordinator("LT")
    empty = api("GET", f"/operations/{op.id}/business-case", coordinator).get_json()
    assert empty["version"] is None and empty["targeted_goods"] == []
    assert "threat_assessment" in empty["meta"]["missing"]
    sent = complete_case()
    response = api("PUT", f"/operations/{op.id}/business-case", coordinator, json=sent)
    assert response.status_code == 200, response.get_json()
    body = api("GET", f"/operations/{op.id}/business-case", coordinator).get_json()
    for key, value in sent.items():
        if key in ("risk", "budget"):
            continue
        assert body[key] == value, key
    assert body["risk"]["likelihood"] == 4 and body["risk"]["score"] == 16 and body["risk"]["level"] == "high"
    assert body["budget"]["lines_total_eur"] == "12000.00"
    assert body["meta"]["missing"] == {} and body["meta"]["editable"] is True
    # what GET gives can be sent back as it is
    body["communication_plan"] = "Press release after the debriefing."
    again = api("PUT", f"/operations/{op.id}/business-case", coordinator, json=body)
    assert again.status_code == 200, again.get_json()
    assert again.get_json()["version"] == body["version"] + 1
    # a stale version is 409 with the current one
    stale = api("PUT", f"/operations/{op.id}/business-case", coordinator, json=body)
    assert assert_error(stale, 409)["current_version"] == body["version"] + 1
    missing = api("PUT", f"/operations/{op.id}/business-case", coordinator, json=complete_case())
    assert_error(missing, 422, "version")


def test_field_errors_are_dotted(api, factory):
    op = factory.operation_in("draft")
    coordinator = factory.coordinator("LT")
    bad = complete_case(targeted_goods=[{"category": "cigarettes", "hs_codes": ["240220", "000000"]}],
                        transport_sectors=["road", "hyperloop"], risk={"likelihood": 0, "impact": 5},
                        budget={"requested_eur": 100.5, "lines": []})
    body = assert_error(api("PUT", f"/operations/{op.id}/business-case", coordinator, json=bad), 422)
    assert {"targeted_goods.0.hs_codes.1", "transport_sectors.1", "risk.likelihood",
            "budget.requested_eur"} <= set(body["errors"])
    assert_error(api("PUT", f"/operations/{op.id}/business-case", coordinator, json={"colour": "red"}), 422, "colour")
    assert_error(api("PUT", f"/operations/{op.id}/business-case", coordinator, data="[]",
                     content_type="application/json"), 400)


def test_who_may_read_and_write(api, factory):
    op = factory.operation_in("draft")
    factory.accept(op, "PL")
    factory.invite(op, "UA")
    case = complete_case()
    assert_error(api("PUT", f"/operations/{op.id}/business-case", factory.user("LT", "officer"), json=case), 403)
    assert_error(api("PUT", f"/operations/{op.id}/business-case", factory.coordinator("PL"), json=case), 403)
    assert_error(api("PUT", f"/operations/{op.id}/business-case", factory.secretariat(), json=case), 403)
    assert_error(api("PUT", f"/operations/{op.id}/business-case", factory.coordinator("FR"), json=case), 404)
    assert_error(api("GET", f"/operations/{op.id}/business-case", factory.coordinator("FR")), 404)
    assert_error(api("GET", f"/operations/{op.id}/business-case", factory.user("UA", "contact_point")), 403)
    assert api("GET", f"/operations/{op.id}/business-case", factory.coordinator("PL")).status_code == 200
    assert api("GET", f"/operations/{op.id}/business-case", factory.secretariat()).status_code == 200
    read_only = api("PUT", f"/operations/{op.id}/business-case", factory.coordinator("LT"), json=case, scopes=("read",))
    assert_error(read_only, 403)


def test_versions_comments_and_funding(api, factory):
    op = factory.operation_in("submitted")
    secretariat, coordinator = factory.secretariat(), factory.coordinator("LT")
    versions = api("GET", f"/operations/{op.id}/business-case/versions", coordinator).get_json()["items"]
    assert [v["number"] for v in versions] == [1] and versions[0]["outcome"] is None
    assert_error(api("POST", f"/operations/{op.id}/business-case/comments", coordinator,
                     json={"section": "risk", "body": "x"}), 403)
    assert_error(api("POST", f"/operations/{op.id}/business-case/comments", secretariat,
                     json={"section": "weather", "body": ""}), 422, "section")
    created = api("POST", f"/operations/{op.id}/business-case/comments", secretariat,
                  json={"section": "risk", "body": "Give figures for the impact."})
    assert created.status_code == 201 and created.get_json()["version"] == 1
    api("POST", f"/operations/{op.id}/transitions", secretariat, json={"action": "return", "comment": "See risk."})
    comments = api("GET", f"/operations/{op.id}/business-case/comments", coordinator).get_json()["items"]
    assert [(c["section"], c["body"]) for c in comments] == [("risk", "Give figures for the impact.")]
    current = api("GET", f"/operations/{op.id}/business-case", coordinator).get_json()
    current["risk"]["justification"] = "EUR 30 million a year in lost duties."
    assert api("PUT", f"/operations/{op.id}/business-case", coordinator, json=current).status_code == 200
    assert api("POST", f"/operations/{op.id}/transitions", coordinator, json={"action": "submit"}).status_code == 200
    v1 = api("GET", f"/operations/{op.id}/business-case/versions/1", coordinator).get_json()
    v2 = api("GET", f"/operations/{op.id}/business-case/versions/2", coordinator).get_json()
    assert v1["content"]["risk"]["justification"] == "Seizures doubled in two years."
    assert v2["content"]["risk"]["justification"] == "EUR 30 million a year in lost duties."
    assert v1["outcome"] == "returned" and v1["comments"][0]["section"] == "risk"
    assert_error(api("GET", f"/operations/{op.id}/business-case/versions/3", coordinator), 404)
    # funding: only from approval on, only the secretariat
    decision = {"granted_eur": "9000.00", "programme": "UAFP", "decided_on": "2026-02-10"}
    assert_error(api("PUT", f"/operations/{op.id}/funding", secretariat, json=decision), 409)
    assert api("POST", f"/operations/{op.id}/transitions", secretariat, json={"action": "approve"}).status_code == 200
    assert_error(api("PUT", f"/operations/{op.id}/funding", coordinator, json=decision), 403)
    assert_error(api("PUT", f"/operations/{op.id}/funding", secretariat, json={**decision, "granted_eur": "1.234"}),
                 422, "granted_eur")
    saved = api("PUT", f"/operations/{op.id}/funding", secretariat, json=decision)
    assert saved.status_code == 200 and saved.get_json()["granted_eur"] == "9000.00"
    again = api("PUT", f"/operations/{op.id}/funding", secretariat, json={**decision, "granted_eur": "9500.00"})
    assert_error(again, 422, "version")
    again = api("PUT", f"/operations/{op.id}/funding", secretariat,
                json={**decision, "granted_eur": "9500.00", "version": saved.get_json()["version"]})
    assert again.get_json()["granted_eur"] == "9500.00"
    assert api("GET", f"/operations/{op.id}/funding", coordinator).get_json()["granted_eur"] == "9500.00"


def test_pdf_through_the_api_is_audited(api, factory):
    op = factory.operation_in("submitted")
    response = api("GET", f"/operations/{op.id}/business-case.pdf?version=1", factory.secretariat())
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    db.session.expire_all()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "document.downloaded"))
    assert entry.data["document"] == f"JSO 2026/{op.sequence:02d} BC v1" and entry.data["marking"] == "LIMITE"
    assert_error(api("GET", f"/operations/{op.id}/business-case.pdf", factory.coordinator("FR")), 404)
