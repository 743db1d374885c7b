"""Feedback on a warning: only the addressee answers, what each outcome needs, corrections with a version, and
the seizure that answers a warning by citing it (link_seizure_to_warning)."""
import pytest
from sqlalchemy import select

from planner.core.audit import AuditEntry
from planner.core.errors import PermissionDenied, StaleVersion, ValidationError
from planner.core.notifications import Notification
from planner.extensions import db
from planner.messages.services import give_feedback, link_seizure_to_warning
from planner.operations.services import take_transition
from planner.results.services import create_seizure, update_seizure
from tests.results.conftest import seizure_data


@pytest.fixture
def warning(people, send):
    """PL's officer warns NL and UA."""
    return send(people["pl_officer"], addressees=["NL", "UA"])


def _row(warning, code):
    db.session.refresh(warning)
    return next(a for a in warning.addressees if a.organisation.code == code)


def _nl_seizure(op, people, **overrides):
    data = seizure_data(country="NL", place="Rotterdam", location_type="seaport", **overrides)
    seizure = create_seizure(people["nl_officer"], op, data)
    db.session.commit()
    return seizure


def test_the_addressee_answers_and_the_sender_is_told(op, people, warning):
    row = give_feedback(people["nl_officer"], warning, {"outcome": "nothing_found", "feedback": "Scanned, clean."})
    db.session.commit()
    assert (row.outcome, row.feedback, row.seizure_id) == ("nothing_found", "Scanned, clean.", None)
    assert row.answered_by_id == people["nl_officer"].id and row.answered_at is not None
    assert row.version == 2
    assert _row(warning, "UA").outcome is None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "warning.feedback_given"))
    assert entry.data["organisation"] == "NL" and entry.data["outcome"] == "nothing_found"
    told = {n.user_id for n in db.session.scalars(select(Notification).where(
        Notification.kind == "warning.feedback_given"))}
    assert people["pl_officer"].id in told and people["pl_coordinator"].id in told
    assert people["nl_officer"].id not in told and people["ua_coordinator"].id not in told


@pytest.mark.parametrize("who", ["lt_coordinator", "pl_officer", "nl_analyst"])
def test_only_the_addressees_answerers_give_feedback(factory, op, people, warning, who):
    user = people.get(who) or factory.user("NL", "analyst")
    with pytest.raises(PermissionDenied):
        give_feedback(user, warning, {"outcome": "nothing_found"})


def test_not_controlled_needs_a_reason(op, people, warning):
    with pytest.raises(ValidationError) as exc:
        give_feedback(people["nl_officer"], warning, {"outcome": "not_controlled", "feedback": "   "})
    assert "feedback" in exc.value.errors
    db.session.rollback()
    assert _row(warning, "NL").outcome is None
    give_feedback(people["nl_officer"], warning, {"outcome": "not_controlled", "feedback": "The ship did not call."})
    db.session.commit()
    assert _row(warning, "NL").outcome == "not_controlled"


@pytest.mark.parametrize("data, field", [
    ({}, "outcome"),
    ({"outcome": "arrested"}, "outcome"),
    ({"outcome": "seizure"}, "seizure_id"),
    ({"outcome": "seizure", "seizure_id": "abc"}, "seizure_id"),
    ({"outcome": "seizure", "seizure_id": 99999}, "seizure_id"),
    ({"outcome": "nothing_found", "seizure_id": 1}, "seizure_id"),
    ({"outcome": "nothing_found", "feedback": "x" * 8001}, "feedback"),
    ({"outcome": "nothing_found", "found": "nothing"}, "found"),
])
def test_feedback_fields_are_checked(op, people, warning, data, field):
    with pytest.raises(ValidationError) as exc:
        give_feedback(people["nl_officer"], warning, data)
    assert field in exc.value.errors


def test_a_seizure_named_in_feedback_is_a_submitted_one_of_the_addressee_in_this_operation(factory, op, people,
                                                                                          warning):
    polish = create_seizure(people["pl_officer"], op, seizure_data(country="PL", place="Terespol"))
    draft = _nl_seizure(op, people, status="draft", national_reference="NL-DRAFT-1")
    other_op = factory.operation_in("operational", participants=("NL",))
    elsewhere = create_seizure(people["nl_officer"], other_op, seizure_data(country="NL", place="Venlo",
                                                                         seized_at="2026-05-10T11:00:00+00:00"))
    db.session.commit()
    for seizure in (polish, draft, elsewhere):
        with pytest.raises(ValidationError) as exc:
            give_feedback(people["nl_officer"], warning, {"outcome": "seizure", "seizure_id": seizure.id})
        assert "seizure_id" in exc.value.errors
        db.session.rollback()
    own = _nl_seizure(op, people, national_reference="NL-OWN-1")
    row = give_feedback(people["nl_officer"], warning, {"outcome": "seizure", "seizure_id": str(own.id)})
    db.session.commit()
    assert row.outcome == "seizure" and row.seizure_id == own.id


def test_a_correction_needs_the_version_read(op, people, warning):
    give_feedback(people["nl_officer"], warning, {"outcome": "not_controlled", "feedback": "No staff."})
    db.session.commit()
    with pytest.raises(ValidationError) as exc:
        give_feedback(people["nl_coordinator"], warning, {"outcome": "nothing_found"})
    assert "version" in exc.value.errors
    db.session.rollback()
    with pytest.raises(StaleVersion) as stale:
        give_feedback(people["nl_coordinator"], warning, {"outcome": "nothing_found"}, expected_version=1)
    assert stale.value.current_version == 2
    db.session.rollback()
    row = give_feedback(people["nl_coordinator"], warning, {"outcome": "nothing_found"}, expected_version=2)
    db.session.commit()
    assert (row.outcome, row.feedback, row.version) == ("nothing_found", "", 3)
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "warning.feedback_given")
                                 .order_by(AuditEntry.id)).all()
    assert entries[-1].data["before"]["outcome"] == "not_controlled"


def test_feedback_is_given_until_the_operation_closes(factory, op, people, warning):
    for action in ("end", "evaluate"):
        take_transition(people["lt_coordinator"], op, action, None)
        db.session.commit()
    give_feedback(people["ua_coordinator"], warning, {"outcome": "nothing_found"})
    db.session.commit()
    op.state = "closed"  # the final report's guard is another capability's business
    db.session.commit()
    with pytest.raises(PermissionDenied) as exc:
        give_feedback(people["nl_officer"], warning, {"outcome": "nothing_found"})
    assert "closed" in exc.value.message.lower()


# --- a seizure citing the warning ------------------------------------------------------------------------------

def test_a_seizure_citing_the_warning_answers_it_for_the_seizing_addressee(op, people, warning):
    seizure = _nl_seizure(op, people, warning_id=warning.id)
    row = _row(warning, "NL")
    assert (row.outcome, row.seizure_id, row.answered_by_id) == ("seizure", seizure.id, people["nl_officer"].id)
    assert _row(warning, "UA").outcome is None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "warning.feedback_given"))
    assert entry.data["seizure_id"] == seizure.id and entry.data["from_seizure"] == seizure.national_reference
    assert db.session.scalar(select(Notification).where(Notification.kind == "warning.feedback_given",
                                                        Notification.user_id == people["pl_officer"].id))


def test_a_seizure_does_not_overwrite_a_given_feedback(op, people, warning):
    give_feedback(people["nl_officer"], warning, {"outcome": "nothing_found"})
    db.session.commit()
    _nl_seizure(op, people, warning_id=warning.id)
    row = _row(warning, "NL")
    assert (row.outcome, row.seizure_id, row.version) == ("nothing_found", None, 2)


def test_a_seizure_of_the_sender_or_a_draft_answers_nothing(op, people, warning):
    create_seizure(people["pl_officer"], op, seizure_data(country="PL", place="Terespol", warning_id=warning.id))
    draft = _nl_seizure(op, people, warning_id=warning.id, status="draft")
    db.session.commit()
    assert {a.outcome for a in warning.addressees} == {None}
    update_seizure(people["nl_officer"], draft, {"status": "submitted"}, expected_version=draft.version)
    db.session.commit()
    assert _row(warning, "NL").outcome == "seizure" and _row(warning, "NL").seizure_id == draft.id


def test_link_seizure_to_warning_ignores_what_does_not_fit(op, people, warning):
    seizure = _nl_seizure(op, people)
    assert link_seizure_to_warning(people["nl_officer"], seizure) is None  # cites no warning
    seizure.warning_id = warning.id
    seizure.status = "withdrawn"
    assert link_seizure_to_warning(people["nl_officer"], seizure) is None
    db.session.rollback()
    assert _row(warning, "NL").outcome is None


# --- the API ----------------------------------------------------------------------------------------------------

def test_the_api_takes_feedback_and_refuses_what_is_wrong(op, people, warning, api):
    url = f"/warnings/{warning.id}/feedback"
    assert api("POST", url, people["lt_coordinator"], json={"outcome": "nothing_found"}).status_code == 403
    assert api("POST", url, people["ua_coordinator"], json={"outcome": "not_controlled"}).status_code == 422
    polish = create_seizure(people["pl_officer"], op, seizure_data(country="PL", place="Terespol"))
    db.session.commit()
    wrong = api("POST", url, people["nl_officer"], json={"outcome": "seizure", "seizure_id": polish.id})
    assert wrong.status_code == 422 and "seizure_id" in wrong.get_json()["errors"]
    ok = api("POST", url, people["nl_officer"], json={"outcome": "nothing_found", "feedback": "Clean."})
    assert ok.status_code == 200
    nl = next(a for a in ok.get_json()["addressees"] if a["organisation"] == "NL")
    assert (nl["outcome"], nl["feedback"], nl["version"]) == ("nothing_found", "Clean.", 2)
    assert nl["answered_at"] == "2026-05-10T12:00:00+00:00" and nl["waiting_hours"] == 0
    stale = api("POST", url, people["nl_coordinator"], json={"outcome": "not_controlled", "feedback": "x",
                                                             "version": 1})
    assert stale.status_code == 409 and stale.get_json()["current_version"] == 2
    missing = api("POST", url, people["nl_coordinator"], json={"outcome": "not_controlled", "feedback": "x"})
    assert missing.status_code == 422 and "version" in missing.get_json()["errors"]
    by_header = api("POST", url, people["nl_coordinator"], json={"outcome": "not_controlled", "feedback": "x"},
                    headers={"If-Match": '"2"'})
    assert by_header.status_code == 200
    assert api("POST", url, people["observer"], json={"outcome": "nothing_found"}).status_code == 404
    assert api("POST", url, people["lt_officer"], json={"outcome": "nothing_found"}).status_code == 404


# --- the page ---------------------------------------------------------------------------------------------------

def test_the_warning_page_offers_feedback_to_the_addressee_only(op, people, warning, login):
    page = login(people["nl_officer"]).get(f"/operations/{op.id}/messages/{warning.id}").get_data(as_text=True)
    assert f'action="/operations/{op.id}/messages/{warning.id}/feedback"' in page
    assert f"/operations/{op.id}/seizures/new?warning={warning.id}" in page  # Report the seizure
    for who in ("pl_officer", "lt_coordinator"):
        page = login(people[who]).get(f"/operations/{op.id}/messages/{warning.id}").get_data(as_text=True)
        assert "/feedback" not in page and "seizures/new" not in page


def test_feedback_through_the_page(op, people, warning, login):
    client = login(people["nl_officer"])
    url = f"/operations/{op.id}/messages/{warning.id}/feedback"
    refused = client.post(url, data={"outcome": "not_controlled", "feedback": "", "version": "1"})
    assert refused.status_code == 422 and "Say why the profile was not controlled." in refused.get_data(as_text=True)
    done = client.post(url, data={"outcome": "not_controlled", "feedback": "The lorry turned back.", "version": "1"})
    assert done.status_code == 302
    assert _row(warning, "NL").feedback == "The lorry turned back."
    page = client.get(f"/operations/{op.id}/messages/{warning.id}").get_data(as_text=True)
    assert "seizures/new" not in page  # answered: the link to report a seizure is gone
    stale = login(people["nl_coordinator"]).post(url, data={"outcome": "nothing_found", "version": "1"})
    assert stale.status_code == 409 and "Reload" in stale.get_data(as_text=True)
    assert _row(warning, "NL").outcome == "not_controlled"
    other = login(people["lt_coordinator"]).post(url, data={"outcome": "nothing_found", "version": "1"})
    assert other.status_code == 403
