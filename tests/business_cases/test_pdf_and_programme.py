"""The business case as a Council note (PDF text extracted), and the annual programme's checks."""
import io

from pypdf import PdfReader
from sqlalchemy import select

from planner.business_cases.services import save_business_case
from planner.core.audit import AuditEntry
from planner.extensions import db
from tests.business_cases.prepare import complete_case


def _pages(data):
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_pdf_has_the_marking_on_every_page_and_the_figures(factory, client, login):
    op = factory.operation_in("draft", code_name="AMBER SHIELD")
    long_text = "Cigarettes cross the border hidden in timber loads. " * 180
    save_business_case(factory.coordinator("LT"), op, complete_case(
        threat_assessment={"narrative": long_text, "sources": "RILO", "objective_ref": "CCWP AP11/3"}), partial=False)
    db.session.commit()
    from planner.operations.services import take_transition

    take_transition(factory.coordinator("LT"), op, "submit")
    db.session.commit()
    login(factory.coordinator("LT"))
    response = client.get(f"/operations/{op.id}/business-case.pdf?version=1")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pages = _pages(response.data)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert "LIMITE" in text, number
        assert f"page {number} of {len(pages)}" in text
    text = "\n".join(pages)
    number = f"JSO 2026/{op.sequence:02d} BC v1"
    assert number in text and "AMBER SHIELD" in text and "Customs Cooperation Working Party" in text
    assert "High (score 16)" in text  # the risk level
    assert "12000.00" in text and "Union Anti-Fraud Programme" in text  # the budget
    assert "1. Threat assessment" in text and "12. Communication plan" in text
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "document.downloaded"))
    assert entry.data == {"document": number, "marking": "LIMITE", "format": "pdf"}


def test_council_number_set_by_the_secretariat(factory, client, login):
    op = factory.operation_in("submitted")
    login(factory.secretariat())
    assert client.post(f"/operations/{op.id}/business-case/council-number",
                       data={"council_number": "7123/26"}).status_code == 302
    text = "\n".join(_pages(client.get(f"/operations/{op.id}/business-case.pdf?version=1").data))
    assert "7123/26 v1" in text
    login(factory.coordinator("LT"))
    assert client.post(f"/operations/{op.id}/business-case/council-number",
                       data={"council_number": "mine"}).status_code == 403


def test_unmarked_operation_has_no_marking(factory, client, login):
    op = factory.operation_in("submitted", handling_marking="NONE")
    login(factory.secretariat())
    text = "\n".join(_pages(client.get(f"/operations/{op.id}/business-case.pdf").data))
    assert "LIMITE" not in text


# --- the annual programme ---------------------------------------------------------------------------------------

def _approved(factory, lead, sectors, goods="cigarettes"):
    op = factory.operation_in("draft", lead=lead)
    save_business_case(factory.coordinator(lead), op, complete_case(
        transport_sectors=sectors, targeted_goods=[{"category": goods, "hs_codes": []}]), partial=False)
    db.session.commit()
    from planner.operations.services import take_transition

    take_transition(factory.coordinator(lead), op, "submit")
    take_transition(factory.secretariat(), op, "approve")
    db.session.commit()
    return op


def test_programme_with_three_operations_fails_the_minimum(factory, api):
    for lead, sectors in (("LT", ["road"]), ("PL", ["rail"]), ("NL", ["sea_container"])):
        _approved(factory, lead, sectors)
    factory.operation_in("submitted", lead="DE")  # not approved: does not count
    body = api("GET", "/programme/2026", factory.secretariat()).get_json()
    checks = body["checks"]
    assert checks["operations_approved_or_under_way"] == 3 and checks["meets_minimum"] is False
    assert set(checks["uncovered_transport_sectors"]) == {"air_cargo", "air_passenger", "sea_other", "postal"}
    assert len(body["operations"]) == 4  # the secretariat also sees the submitted one
    assert body["funding"]["requested_eur"] == "36000.00" and body["funding"]["granted_eur"] == "0.00"
    coordinator_view = api("GET", "/programme/2026", factory.coordinator("LT")).get_json()
    assert len(coordinator_view["operations"]) == 3
    assert "requested_eur" not in coordinator_view["operations"][0]  # summaries only


def test_programme_with_four_road_operations(factory, client, login):
    for lead in ("LT", "PL", "NL", "DE"):
        _approved(factory, lead, ["road"], goods="fuel" if lead == "DE" else "cigarettes")
    login(factory.coordinator("LT"))
    page = client.get("/programme/2026").get_data(as_text=True)
    minimum = page.split('id="check-minimum"')[1].split("</div></div></div>")[0]
    assert "<strong>4</strong>" in minimum and "not met" not in minimum
    sectors = page.split('id="check-sectors"')[1].split("</div></div></div>")[0]
    for label in ("Air cargo", "Air passengers", "Sea container", "Rail", "Post and express couriers"):
        assert label in sectors
    assert "Road" not in sectors
    goods = page.split('id="check-goods"')[1].split("</div></div></div>")[0]
    assert "Drugs" in goods.split("Not covered:")[1] and "Cigarettes" in goods.split("Not covered:")[0]
    login(factory.user("LT", "officer"))
    assert client.get("/programme/2026").status_code == 403


def test_evidence_counts_earlier_operations_in_aggregate(factory, client, login):
    earlier = factory.operation_in("closed", year=2025, participants=("PL",))
    assert earlier.state == "closed"
    op = factory.operation_in("draft", year=2026)
    save_business_case(factory.coordinator("LT"), op, complete_case(), partial=False)
    db.session.commit()
    from planner.business_cases.queries import evidence_for

    evidence = evidence_for(op, ["cigarettes", "drugs"], ["road", "air_cargo"])
    assert evidence["goods"] == [{"category": "cigarettes", "operations": 1}, {"category": "drugs", "operations": 0}]
    assert evidence["sectors"] == [{"sector": "road", "operations": 1}, {"sector": "air_cargo", "operations": 0}]
    assert evidence["operations_sharing_goods_and_sectors"] == 1
    assert evidence["results_recorded"] is False
    login(factory.coordinator("LT"))
    page = client.get(f"/operations/{op.id}/business-case").get_data(as_text=True)
    assert "No seizures or controls are recorded in the planner yet" in page
    assert earlier.code_name not in page  # aggregates only, never the other operation's details


def test_evidence_fragment_follows_the_choice(factory, client, login):
    earlier = factory.operation_in("closed", year=2025, participants=("PL",))
    op = factory.operation_in("draft", year=2026)
    login(factory.coordinator("LT"))
    page = client.get(f"/operations/{op.id}/business-case/sections/targeted_goods").get_data(as_text=True)
    assert "data-evidence-url" in page and "business_case.js" in page
    fragment = client.get(f"/operations/{op.id}/business-case/evidence?goods=cigarettes&goods=bogus&sectors=road")
    text = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "Cigarettes" in text and "bogus" not in text
    assert earlier.code_name not in text
    login(factory.coordinator("FR"))
    assert client.get(f"/operations/{op.id}/business-case/evidence?goods=cigarettes").status_code == 404


def test_coordinators_never_receive_per_operation_funding(factory):
    from planner.business_cases.queries import annual_programme

    op = _approved(factory, "LT", ["road"])
    case_total = annual_programme(factory.secretariat(), op.year)
    assert [r.requested_eur for r in case_total.rows] != [None]
    coordinator_view = annual_programme(factory.coordinator("PL"), op.year)
    assert [(r.requested_eur, r.granted_eur) for r in coordinator_view.rows] == [(None, None)]
    assert coordinator_view.requested_total == case_total.requested_total  # the totals stay visible
