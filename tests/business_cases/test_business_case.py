"""The business case: validation, completeness per section, versions frozen and compared, comments, roles,
need-to-know, the schedule on approval and the funding decision (services and pages)."""
import pytest
from sqlalchemy import select

from planner.business_cases.content import missing_elements
from planner.business_cases.models import BusinessCaseVersion
from planner.business_cases.services import (
    add_comment, case_of, record_funding, save_business_case,
)
from planner.core.audit import AuditEntry
from planner.core.errors import PermissionDenied, StaleVersion, TransitionRefused, ValidationError
from planner.core.notifications import Notification
from planner.extensions import db
from planner.operations.services import take_transition
from planner.scheduling.models import Phase
from tests.business_cases.prepare import complete_case


def _save(factory, op, data, partial=True, user=None, version=None):
    case = save_business_case(user or factory.coordinator(op.lead.code), op, data, expected_version=version,
                              partial=partial)
    db.session.commit()
    return case


# --- validation ------------------------------------------------------------------------------------------------

def test_a_complete_case_round_trips_through_validation(factory):
    op = factory.operation_in("draft")
    case = _save(factory, op, complete_case(), partial=False)
    assert case.content["targeted_goods"] == [{"category": "cigarettes", "hs_codes": ["240220"]}]
    assert case.content["budget"]["requested_eur"] == "12000.00"
    assert missing_elements(case.content) == {}
    assert [g.category for g in case.goods] == ["cigarettes"]
    assert sorted(s.sector for s in case.sectors) == ["rail", "road"]
    assert str(case.operational_start) == "2026-05-04"


@pytest.mark.parametrize("data,field", [
    ({"targeted_goods": [{"category": "cigarettes", "hs_codes": ["240220", "999999"]}]}, "targeted_goods.0.hs_codes.1"),
    ({"targeted_goods": [{"category": "cigarettes", "hs_codes": ["24022"]}]}, "targeted_goods.0.hs_codes.0"),
    ({"targeted_goods": [{"category": "cigarettes", "hs_codes": ["9999999999"]}]}, "targeted_goods.0.hs_codes.0"),
    ({"targeted_goods": [{"category": "bananas"}]}, "targeted_goods.0.category"),
    ({"targeted_goods": "cigarettes"}, "targeted_goods"),
    ({"transport_sectors": ["road", "teleport"]}, "transport_sectors.1"),
    ({"routes": {"origin": ["BY", "ZZ"]}}, "routes.origin.1"),
    ({"places": ["NOWHERE"]}, "places.0"),
    ({"risk": {"likelihood": 6}}, "risk.likelihood"),
    ({"risk": {"likelihood": True}}, "risk.likelihood"),
    ({"risk": {"impact": 2.5}}, "risk.impact"),
    ({"budget": {"requested_eur": "12.345"}}, "budget.requested_eur"),
    ({"budget": {"requested_eur": "-1"}}, "budget.requested_eur"),
    ({"budget": {"requested_eur": 12.5}}, "budget.requested_eur"),
    ({"budget": {"requested_eur": "NaN"}}, "budget.requested_eur"),
    ({"budget": {"lines": [{"item": "travel", "amount_eur": "1e5"}]}}, "budget.lines.0.amount_eur"),
    ({"window": {"operational_start": "2026-05-15", "operational_end": "2026-05-04"}}, "window.operational_end"),
    ({"window": {"operational_start": "15/05/2026"}}, "window.operational_start"),
    ({"proposed_participants": ["LT", "ATLANTIS"]}, "proposed_participants.1"),
    ({"resources": {"officers": -3}}, "resources.officers"),
    ({"resources": {"equipment": ["laser"]}}, "resources.equipment.0"),
    ({"coordination": {"model": "telepathic"}}, "coordination.model"),
    ({"risk_indicators": ["x" * 400]}, "risk_indicators.0"),
    ({"communication_plan": ["not", "text"]}, "communication_plan"),
    ({"threat_assessment": {"narrative": "x", "colour": "red"}}, "threat_assessment.colour"),
    ({"surprise": 1}, "surprise"),
])
def test_hostile_input_names_the_dotted_field(factory, data, field):
    op = factory.operation_in("draft")
    with pytest.raises(ValidationError) as refused:
        save_business_case(factory.coordinator("LT"), op, data)
    assert field in refused.value.errors, refused.value.errors
    db.session.rollback()
    assert case_of(op) is None or case_of(op).content.get("transport_sectors") == []


def test_hs_code_errors_are_clear(factory):
    op = factory.operation_in("draft")
    with pytest.raises(ValidationError) as refused:
        save_business_case(factory.coordinator("LT"), op,
                           {"targeted_goods": [{"category": "cigarettes", "hs_codes": ["999999", "2402201000", "24x"]}]})
    errors = refused.value.errors
    assert "not an HS 2022 subheading" in errors["targeted_goods.0.hs_codes.0"][0]
    assert "targeted_goods.0.hs_codes.1" not in errors  # a 10-digit code with a valid prefix is fine
    assert "digits only" in errors["targeted_goods.0.hs_codes.2"][0]


def test_saving_a_section_keeps_the_others(factory):
    op = factory.operation_in("draft")
    case = _save(factory, op, complete_case(), partial=False)
    case = _save(factory, op, {"transport_sectors": ["sea_container"]}, version=case.version)
    assert case.content["transport_sectors"] == ["sea_container"]
    assert case.content["targeted_goods"][0]["category"] == "cigarettes"
    assert case.content["risk"]["likelihood"] == 4
    assert [s.sector for s in case.sectors] == ["sea_container"]


def test_stale_version_is_refused(factory):
    op = factory.operation_in("draft")
    case = _save(factory, op, {"communication_plan": "first"})
    old = case.version
    _save(factory, op, {"communication_plan": "second"}, version=old)
    with pytest.raises(StaleVersion) as stale:
        save_business_case(factory.coordinator("LT"), op, {"communication_plan": "third"}, expected_version=old)
    assert stale.value.status == 409 and stale.value.current_version == old + 1
    db.session.rollback()
    assert case_of(op).content["communication_plan"] == "second"


# --- completeness --------------------------------------------------------------------------------------------

def test_submit_lists_every_missing_element_by_section(factory):
    op = factory.operation_in("draft")
    _save(factory, op, {"targeted_goods": [{"category": "fuel", "hs_codes": []}],
                        "risk": {"likelihood": 3}, "coordination": {"model": "physical"}})
    with pytest.raises(TransitionRefused) as refused:
        take_transition(factory.coordinator("LT"), op, "submit")
    reasons = refused.value.reasons
    assert not any(r.startswith("Targeted goods") for r in reasons)
    for expected in ("Threat assessment: the narrative", "Threat assessment: the sources",
                     "Transport sectors: at least one", "Routes and places: at least one country of origin",
                     "Perceived risk: the impact", "Perceived risk: the justification",
                     "Risk indicators and targeting criteria", "Objectives and expected results",
                     "Proposed participants and observers", "Planned window and coordination: the start of the prep",
                     "Planned window and coordination: the host", "Resources: the number of officers",
                     "Budget: the funding requested", "Communication plan"):
        assert any(r.startswith(expected) for r in reasons), (expected, reasons)
    assert not any("likelihood" in r for r in reasons)
    db.session.rollback()
    assert op.state == "draft"


def test_submit_without_any_case_is_refused(factory):
    op = factory.operation_in("draft")
    with pytest.raises(TransitionRefused) as refused:
        take_transition(factory.coordinator("LT"), op, "submit")
    assert len(refused.value.reasons) >= 12


# --- versions, comments, return, compare ------------------------------------------------------------------------

def test_versions_are_frozen_and_comments_stay_with_them(factory):
    op = factory.operation_in("submitted")
    secretariat, coordinator = factory.secretariat(), factory.coordinator("LT")
    case = case_of(op)
    assert [v.number for v in case.versions] == [1]
    add_comment(secretariat, op, "routes", "Name the border crossings.")
    take_transition(secretariat, op, "return", "See the comments on the routes.")
    db.session.commit()
    assert op.state == "draft"
    assert case.versions[0].outcome == "returned"
    # the coordinator revises: version 1 does not change
    _save(factory, op, {"places": ["LTMDK", "PLKUB", "LVTER"]}, version=case.version)
    db.session.expire_all()
    v1 = db.session.scalar(select(BusinessCaseVersion).where(BusinessCaseVersion.number == 1))
    assert v1.content["places"] == ["LTMDK", "PLKUB"]
    take_transition(coordinator, op, "submit")
    db.session.commit()
    case = case_of(op)
    assert [v.number for v in case.versions] == [1, 2]
    assert case.versions[1].content["places"] == ["LTMDK", "PLKUB", "LVTER"]
    assert [c.section for c in case.versions[0].comments] == ["routes"]
    assert case.versions[1].comments == []
    take_transition(secretariat, op, "approve")
    db.session.commit()
    assert case.versions[1].outcome == "approved"


def test_comments_only_by_the_secretariat_while_submitted(factory):
    op = factory.operation_in("submitted")
    with pytest.raises(PermissionDenied):
        add_comment(factory.coordinator("LT"), op, "risk", "I comment my own case")
    with pytest.raises(ValidationError) as refused:
        add_comment(factory.secretariat(), op, "horoscope", "")
    assert set(refused.value.errors) == {"section", "body"}
    draft = factory.operation_in("draft")
    with pytest.raises(TransitionRefused):
        add_comment(factory.secretariat(), draft, "risk", "too early")


def test_only_coordinators_of_the_organisers_edit_and_only_in_draft(factory):
    op = factory.operation_in("draft", co_organisers=["OLAF"])
    factory.accept(op, "PL")
    for user in (factory.user("LT", "officer"), factory.user("LT", "contact_point"), factory.coordinator("PL"),
                 factory.secretariat(), factory.user("CCWP", "admin")):
        with pytest.raises(PermissionDenied):
            save_business_case(user, op, {"communication_plan": "mine"})
    _save(factory, op, {"communication_plan": "by the co-organiser"}, user=factory.coordinator("OLAF"))
    submitted = factory.operation_in("submitted")
    with pytest.raises(TransitionRefused):
        save_business_case(factory.coordinator("LT"), submitted, {"communication_plan": "late"})


def test_secretariat_of_the_lead_cannot_approve(factory):
    op = factory.operation_in("submitted", lead="LT")
    with pytest.raises(PermissionDenied):
        take_transition(factory.user("LT", "secretariat"), op, "approve")


def test_approval_makes_the_window_the_schedule(factory):
    op = factory.operation_in("planning")
    phases = {p.kind: p for p in db.session.scalars(select(Phase).where(Phase.operation_id == op.id))}
    assert set(phases) == {"preparation", "operational"}
    assert (str(phases["operational"].start_date), str(phases["operational"].end_date)) == ("2026-05-04", "2026-05-15")
    assert (str(phases["preparation"].start_date), str(phases["preparation"].end_date)) == ("2026-03-01", "2026-05-03")


def test_each_step_notifies_the_coordinator_and_the_secretariat(factory):
    op = factory.operation_in("submitted")
    coordinator, secretariat = factory.coordinator("LT"), factory.secretariat()
    kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == secretariat.id)).all()
    assert "operation.submitted" in kinds
    add_comment(secretariat, op, "risk", "Justify the impact with figures.")
    take_transition(secretariat, op, "return", "See the comment on the risk.")
    db.session.commit()
    notes = db.session.scalars(select(Notification).where(Notification.user_id == coordinator.id)).all()
    returned = [n for n in notes if n.kind == "operation.returned"]
    assert returned and "See the comment" in returned[0].body


# --- funding --------------------------------------------------------------------------------------------------

def test_funding_decision_by_the_secretariat_from_approval_on(factory):
    submitted = factory.operation_in("submitted")
    with pytest.raises(TransitionRefused):
        record_funding(factory.secretariat(), submitted, {"granted_eur": "1.00", "decided_on": "2026-02-10"})
    op = factory.operation_in("planning")
    with pytest.raises(PermissionDenied):
        record_funding(factory.coordinator("LT"), op, {"granted_eur": "1.00", "decided_on": "2026-02-10"})
    with pytest.raises(ValidationError) as refused:
        record_funding(factory.secretariat(), op, {"granted_eur": "9000.001", "decided_on": "soon"})
    assert set(refused.value.errors) == {"granted_eur", "decided_on"}
    decision = record_funding(factory.secretariat(), op, {"granted_eur": "9000.00", "programme": "UAFP",
                                                          "decided_on": "2026-02-10"})
    db.session.commit()
    assert f"{decision.granted_eur:.2f}" == "9000.00"
    # the frozen version knows nothing of it
    assert "granted_eur" not in str(case_of(op).versions[0].content)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "funding.decided")) is not None


# --- pages ---------------------------------------------------------------------------------------------------

def test_coordinator_edits_a_section_through_the_page(factory, client, login):
    op = factory.operation_in("draft")
    login(factory.coordinator("LT"))
    page = client.get(f"/operations/{op.id}/business-case/sections/targeted_goods")
    assert page.status_code == 200
    assert 'for="goods-0-category"' in page.get_data(as_text=True)
    response = client.post(f"/operations/{op.id}/business-case/sections/targeted_goods", data={
        "goods-0-category": "cigarettes", "goods-0-hs_codes": "240220, 123456",
    })
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "targeted_goods.0.hs_codes.1" in body and "123456 is not an HS 2022 subheading" in body
    assert 'value="240220, 123456"' in body or "240220" in body  # what was typed is shown again
    response = client.post(f"/operations/{op.id}/business-case/sections/targeted_goods", data={
        "goods-0-category": "cigarettes", "goods-0-hs_codes": "240220", "goods-1-category": "tobacco",
    })
    assert response.status_code == 302
    assert [g["category"] for g in case_of(op).content["targeted_goods"]] == ["cigarettes", "tobacco"]
    show = client.get(f"/operations/{op.id}/business-case").get_data(as_text=True)
    assert "Still missing before you can submit" in show and "No seizures or controls are recorded" in show


def test_stale_form_is_409_with_a_clear_message(factory, client, login):
    op = factory.operation_in("draft")
    case = _save(factory, op, {"communication_plan": "first"})
    login(factory.coordinator("LT"))
    response = client.post(f"/operations/{op.id}/business-case/sections/communication_plan",
                           data={"communication_plan": "mine", "version": str(case.version - 1 or 99)})
    assert response.status_code == 409
    assert "Somebody else saved this business case" in response.get_data(as_text=True)


def test_returned_case_shows_the_comments_beside_the_sections(factory, client, login):
    op = factory.operation_in("submitted")
    secretariat = factory.secretariat()
    login(secretariat)
    response = client.post(f"/operations/{op.id}/business-case/comments",
                           data={"section": "routes", "body": "Name the border crossings."})
    assert response.status_code == 302
    client.post(f"/operations/{op.id}/transitions", data={"action": "return", "comment": "See comments."})
    login(factory.coordinator("LT"))
    page = client.get(f"/operations/{op.id}/business-case").get_data(as_text=True)
    assert "Name the border crossings." in page
    assert page.index("Name the border crossings.") > page.index('id="h-routes"')
    edit = client.get(f"/operations/{op.id}/business-case/sections/routes").get_data(as_text=True)
    assert "Name the border crossings." in edit


def test_compare_two_versions_section_by_section(factory, client, login):
    op = factory.operation_in("submitted")
    secretariat, coordinator = factory.secretariat(), factory.coordinator("LT")
    take_transition(secretariat, op, "return", "More officers.")
    db.session.commit()
    _save(factory, op, {"resources": {"officers": 200, "liaison_officers": 6, "equipment": ["scanner"]}},
          version=case_of(op).version)
    take_transition(coordinator, op, "submit")
    db.session.commit()
    login(secretariat)
    page = client.get(f"/operations/{op.id}/business-case/compare?a=1&b=2").get_data(as_text=True)
    rows = {chunk.split('"')[0]: chunk for chunk in page.split('data-section="')[1:]}
    assert "changed" in rows["resources"] and "unchanged" not in rows["resources"].split("</th>")[0]
    assert "unchanged" in rows["risk"].split("</th>")[0]
    assert "200" in rows["resources"] and "120" in rows["resources"]
    assert client.get(f"/operations/{op.id}/business-case/versions/1").status_code == 200
    assert client.get(f"/operations/{op.id}/business-case/versions/9").status_code == 404


def test_another_organisations_case_is_invisible(factory, client, login):
    op = factory.operation_in("submitted")
    factory.invite(op, "UA")
    login(factory.coordinator("FR"))
    for url in (f"/operations/{op.id}/business-case", f"/operations/{op.id}/business-case.pdf",
                f"/operations/{op.id}/business-case/versions/1", f"/operations/{op.id}/business-case/compare"):
        assert client.get(url).status_code == 404, url
    login(factory.user("UA", "contact_point"))
    assert client.get(f"/operations/{op.id}/business-case").status_code == 403
    overview = client.get(f"/operations/{op.id}").get_data(as_text=True)
    # the invited organisation sees the summary: window, goods, sectors
    assert "2026-05-04" in overview and "Cigarettes" in overview and "Rail" in overview
    assert "RILO analysis" not in overview


def test_secretariat_cannot_edit_and_records_funding_through_the_page(factory, client, login):
    op = factory.operation_in("planning")
    login(factory.secretariat())
    assert client.get(f"/operations/{op.id}/business-case/sections/risk").status_code == 403
    response = client.post(f"/operations/{op.id}/funding",
                           data={"granted_eur": "9000.00", "programme": "UAFP", "decided_on": "2026-02-10"})
    assert response.status_code == 302
    page = client.get(f"/operations/{op.id}/business-case").get_data(as_text=True)
    assert "9000.00" in page
    login(factory.coordinator("LT"))
    assert client.post(f"/operations/{op.id}/funding", data={"granted_eur": "1.00",
                                                             "decided_on": "2026-02-10"}).status_code == 403


def test_a_frozen_version_cannot_be_rewritten(factory):
    op = factory.operation_in("submitted")
    version = case_of(op).versions[0]
    version.content = dict(version.content, communication_plan="rewritten")
    with pytest.raises(ValueError):
        db.session.flush()
    db.session.rollback()
    assert case_of(op).versions[0].content["communication_plan"].startswith("A joint press release")
