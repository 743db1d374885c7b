"""Creating and editing operations; need-to-know on the pages; constraints in the database."""
import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from planner.core.audit import AuditEntry
from planner.core.errors import PermissionDenied, StaleVersion, TransitionRefused, ValidationError
from planner.extensions import db
from planner.operations.models import Operation
from planner.operations.services import create_operation, take_transition, update_operation


def test_create_assigns_reference_and_makes_the_lead_an_accepted_participant(factory):
    coordinator = factory.coordinator("LT")
    first = create_operation(coordinator, {"code_name": "Seahorse", "year": 2026, "co_organisers": ["OLAF"]})
    second = create_operation(coordinator, {"code_name": "SEAHORSE II", "year": 2026})
    other_year = create_operation(coordinator, {"code_name": "SEAHORSE", "year": 2027})
    db.session.commit()
    assert (first.reference, second.reference, other_year.reference) == ("JSO-2026-01", "JSO-2026-02", "JSO-2027-01")
    assert first.code_name == "SEAHORSE" and first.time_zone == "Europe/Brussels" and first.handling_marking == "LIMITE"
    lead = first.participation_of(coordinator.organisation_id)
    assert lead.is_lead and lead.status == "accepted"
    assert [o.code for o in first.co_organisers] == ["OLAF"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.operation_id == first.id))
    assert entry.action == "operation.created" and entry.data["co_organisers"] == ["OLAF"]


@pytest.mark.parametrize(
    "data,field",
    [
        ({"code_name": "", "year": 2026}, "code_name"),
        ({"code_name": "<script>alert(1)</script>", "year": 2026}, "code_name"),
        ({"code_name": "=HYPERLINK(1)", "year": 2026}, "code_name"),
        ({"code_name": "X" * 41, "year": 2026}, "code_name"),
        ({"code_name": "OK", "year": "abc"}, "year"),
        ({"code_name": "OK", "year": 10**12}, "year"),
        ({"code_name": "OK", "year": 2026.5}, "year"),
        ({"code_name": "OK", "year": True}, "year"),
        ({"code_name": "OK", "year": 2026, "time_zone": "Mars/Olympus"}, "time_zone"),
        ({"code_name": "OK", "year": 2026, "handling_marking": "SECRET UE"}, "handling_marking"),
        ({"code_name": "OK", "year": 2026, "co_organisers": ["NOPE"]}, "co_organisers"),
        ({"code_name": "OK", "year": 2026, "co_organisers": ["LT"]}, "co_organisers"),
        ({"code_name": "OK", "year": 2026, "co_organisers": "OLAF"}, "co_organisers"),
        ({"code_name": "OK", "year": 2026, "summary": "x" * 5001}, "summary"),
        ({"code_name": ["A"], "year": 2026}, "code_name"),
    ],
)
def test_create_refuses_bad_input_naming_the_field(factory, data, field):
    coordinator = factory.coordinator("LT")
    with pytest.raises(ValidationError) as error:
        create_operation(coordinator, data)
    assert field in error.value.errors
    db.session.rollback()
    assert db.session.scalar(select(Operation.id)) is None


def test_coordinator_creates_only_for_its_own_organisation(factory):
    with pytest.raises(PermissionDenied):
        create_operation(factory.coordinator("LT"), {"code_name": "OK", "year": 2026, "lead": "PL"})
    admin = factory.user("CCWP", "admin")
    op = create_operation(admin, {"code_name": "OK", "year": 2026, "lead": "pl"})
    assert op.lead.code == "PL"
    with pytest.raises(ValidationError) as error:
        create_operation(admin, {"code_name": "OK", "year": 2026, "lead": "CCWP"})
    assert "lead" in error.value.errors


def test_greece_is_accepted_as_el(factory):
    admin = factory.user("CCWP", "admin")
    op = create_operation(admin, {"code_name": "OK", "year": 2026, "lead": "EL"})
    assert op.lead.code == "GR"


def test_update_is_versioned_audited_and_limited_to_coordinators(factory):
    op = factory.operation_in("draft")
    coordinator = factory.coordinator("LT")
    version = op.version
    update_operation(coordinator, op, {"summary": "New summary", "co_organisers": ["WCO"]}, expected_version=version)
    db.session.commit()
    assert op.version == version + 1 and [o.code for o in op.co_organisers] == ["WCO"]
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.operation_id == op.id, AuditEntry.action == "operation.updated")
    ).one()
    assert entry.data["changes"]["summary"]["after"] == "New summary"
    with pytest.raises(StaleVersion) as stale:
        update_operation(coordinator, op, {"summary": "Older view"}, expected_version=version)
    assert stale.value.current_version == op.version
    db.session.rollback()
    with pytest.raises(PermissionDenied):
        update_operation(factory.user("LT", "officer"), op, {"summary": "x"}, op.version)
    db.session.rollback()
    with pytest.raises(ValidationError) as error:
        update_operation(coordinator, op, {"state": "closed"}, op.version)
    assert "state" in error.value.errors


def test_update_refused_once_operational(factory):
    op = factory.operation_in("operational")
    with pytest.raises(TransitionRefused):
        update_operation(factory.coordinator("LT"), op, {"summary": "late"}, op.version)


def test_database_refuses_an_approved_state_without_approver(factory):
    op = factory.operation_in("draft")
    op.state = "planning"
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_database_refuses_unknown_state(factory):
    op = factory.operation_in("draft")
    op.state = "limbo"
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


# --- pages ----------------------------------------------------------------------------------------------

def test_create_submit_and_history_through_the_pages(factory, client, login):
    coordinator = factory.coordinator("LT")
    login(coordinator)
    response = client.post("/operations/new", data={
        "code_name": "Blue Gate", "year": "2026", "lead": "LT", "time_zone": "Europe/Vilnius",
        "handling_marking": "LIMITE", "summary": "<b>bold</b> attempt",
    })
    assert response.status_code == 302
    op = db.session.scalar(select(Operation).where(Operation.code_name == "BLUE GATE"))
    page = client.get(f"/operations/{op.id}").get_data(as_text=True)
    assert "&lt;b&gt;bold&lt;/b&gt;" in page and "<b>bold</b>" not in page
    assert "Submit to the working party" in page
    from tests.business_cases.prepare import prepare

    prepare(factory, op, "submit")  # a complete business case
    response = client.post(f"/operations/{op.id}/transitions", data={"action": "submit", "comment": ""})
    assert response.status_code == 302
    history = client.get(f"/operations/{op.id}/history").get_data(as_text=True)
    assert "operation.submitted" in history and "operation.created" in history


def test_form_errors_name_the_field(factory, client, login):
    login(factory.coordinator("LT"))
    response = client.post("/operations/new", data={"code_name": "", "year": "2026", "lead": "LT",
                                                    "time_zone": "Europe/Brussels", "handling_marking": "LIMITE"})
    assert response.status_code == 200
    assert "A code name is required." in response.get_data(as_text=True)


def test_refused_transition_on_the_page_lists_the_reasons(factory, client, login):
    op = factory.operation_in("planning")
    login(factory.coordinator("LT"))
    response = client.post(f"/operations/{op.id}/transitions", data={"action": "start"})
    assert response.status_code == 409
    assert "At least two accepted participants" in response.get_data(as_text=True)


@pytest.mark.parametrize("status", ["declined", "withdrawn"])
def test_declined_withdrawn_and_outsiders_get_404(factory, client, login, status):
    op = factory.operation_in("planning")
    factory.invite(op, "PL")
    from planner.core.clock import utcnow

    participation = op.participation_of(factory.org("PL").id)
    participation.status, participation.answered_at = status, utcnow()
    db.session.commit()
    login(factory.coordinator("PL"))
    for path in (f"/operations/{op.id}", f"/operations/{op.id}/participants", f"/operations/{op.id}/history"):
        assert client.get(path).status_code == 404
    assert op.code_name not in client.get("/operations").get_data(as_text=True)
    login(factory.coordinator("FR"))
    assert client.get(f"/operations/{op.id}").status_code == 404
    assert client.post(f"/operations/{op.id}/transitions", data={"action": "cancel"}).status_code == 404


def test_invited_organisation_sees_the_summary_only(factory, client, login):
    op = factory.operation_in("planning", summary="Cigarettes by rail")
    factory.invite(op, "PL")
    login(factory.coordinator("PL"))
    page = client.get(f"/operations/{op.id}").get_data(as_text=True)
    assert "Cigarettes by rail" in page and "Operational phase started" not in page
    assert client.get(f"/operations/{op.id}/participants").status_code == 403
    assert client.get(f"/operations/{op.id}/history").status_code == 403


def test_operations_list_filters(factory, client, login):
    a = factory.operation_in("draft", code_name="ALPHA", year=2025)
    b = factory.operation_in("planning", code_name="BRAVO", year=2026)
    login(factory.coordinator("LT"))
    page = client.get("/operations?year=2025").get_data(as_text=True)
    assert "ALPHA" in page and "BRAVO" not in page
    page = client.get("/operations?state=planning").get_data(as_text=True)
    assert "BRAVO" in page and "ALPHA" not in page
    page = client.get("/operations?q=brav").get_data(as_text=True)
    assert "BRAVO" in page and "ALPHA" not in page
    assert client.get("/operations?year=abc&state=<x>&page=-3&sort=zzz").status_code == 200


def test_search_treats_wildcards_as_text_and_huge_ids_as_missing(factory, client, login):
    factory.operation_in("draft", code_name="ALPHA")
    login(factory.coordinator("LT"))
    assert "ALPHA" not in client.get("/operations?q=%25").get_data(as_text=True)
    assert "ALPHA" not in client.get("/operations?q=_").get_data(as_text=True)
    assert client.get("/operations/99999999999999999999").status_code == 404


def test_changing_only_co_organisers_bumps_the_version(factory):
    op = factory.operation_in("draft")
    version = op.version
    update_operation(factory.coordinator("LT"), op, {"co_organisers": ["OLAF"]}, expected_version=version)
    db.session.commit()
    assert op.version == version + 1


def test_only_the_lead_names_co_organisers_and_only_fitting_ones(factory):
    op = factory.operation_in("draft", co_organisers=["OLAF"])
    olaf = factory.coordinator("OLAF")
    with pytest.raises(PermissionDenied):
        update_operation(olaf, op, {"co_organisers": ["OLAF", "WCO"]}, op.version)
    db.session.rollback()
    update_operation(olaf, op, {"summary": "a co-organiser edits the summary"}, op.version)
    lead = factory.coordinator("LT")
    factory.invite(op, "DE")
    for codes, needle in ((["CCWP"], "secretariat"), (["UA"], "agencies or EU Member State"), (["DE"], "invited")):
        with pytest.raises(ValidationError) as error:
            update_operation(lead, op, {"co_organisers": codes}, op.version)
        assert needle in error.value.errors["co_organisers"][0]
        db.session.rollback()
    assert op.participation_of(factory.org("DE").id).status == "invited"


def test_a_co_organising_secretariat_cannot_review(factory):
    op = factory.operation_in("submitted", co_organisers=["OLAF"])
    olaf_secretariat = factory.user("OLAF", "secretariat")
    for action in ("approve", "return", "reject"):
        with pytest.raises(PermissionDenied):
            take_transition(olaf_secretariat, op, action, "because")
        db.session.rollback()


def test_missing_or_bad_version_is_refused(factory):
    op = factory.operation_in("draft")
    for version in (None, "abc", "1e400"):
        with pytest.raises(ValidationError) as error:
            update_operation(factory.coordinator("LT"), op, {"summary": "x"}, version)
        assert "version" in error.value.errors
        db.session.rollback()
    with pytest.raises(StaleVersion):
        update_operation(factory.coordinator("LT"), op, {"summary": "x"}, 10**30)


def test_hostile_query_strings_and_nul_characters(factory, client, login):
    factory.operation_in("draft", code_name="ALPHA")
    login(factory.coordinator("LT"))
    for query in ("year=99999999999999999999", "page=99999999999999999999", "year=3000000000"):
        assert client.get(f"/operations?{query}").status_code == 200, query
    assert client.get("/operations?q=a%00b").status_code == 400
    response = client.post("/operations/new", data={"code_name": "NUL\x00NAME", "year": "2026", "lead": "LT",
                                                    "time_zone": "Europe/Brussels", "handling_marking": "LIMITE"})
    assert response.status_code == 400 and "NUL" in response.get_data(as_text=True)
    response = client.post("/login", data={"email": "a\x00@x.example", "password": "x"})
    assert response.status_code == 400


def test_api_refuses_nul_in_json(factory, client):
    headers = factory.auth(factory.coordinator("LT"))
    response = client.post("/api/v1/operations", json={"code_name": "A\u0000B", "year": 2026}, headers=headers)
    assert response.status_code == 400 and "NUL" in response.get_json()["error"]


def test_overview_of_an_invited_organisation_is_the_summary(factory, client, login):
    op = factory.operation_in("planning", co_organisers=["OLAF"], time_zone="Europe/Vilnius")
    factory.invite(op, "PL")
    login(factory.coordinator("PL"))
    page = client.get(f"/operations/{op.id}").get_data(as_text=True)
    assert op.code_name in page and "LIMITE" in page
    assert "Europe/Vilnius" not in page and "Co-organisers" not in page and "Approved" not in page
    login(factory.coordinator("LT"))
    page = client.get(f"/operations/{op.id}").get_data(as_text=True)
    assert "Europe/Vilnius" in page and "OLAF" in page
