"""Edges of need-to-know and hostile input found in review: the History tab, a withdrawn draft, a warning cited
by its number, other addressees' feedback, malformed types and out-of-range ids, drafts in evaluation."""
import pytest
from sqlalchemy import select

from planner.core.errors import ValidationError
from planner.extensions import db
from planner.messages.models import WarningAddressee
from planner.messages.services import give_feedback, send_warning
from planner.results.models import Seizure
from planner.results.services import create_seizure, update_seizure, withdraw_seizure
from tests.api.conftest import api  # noqa: F401
from tests.results.conftest import seizure_data
from tests.results.test_api_seizures import advance

NOBODY = {"share_with_eu_member_states": False, "share_with_third_countries": False, "share_with_agencies": False}


def _warning(factory, op, sender_org, addressees, subject="Lorry with a cover load"):
    return send_warning(factory.user(sender_org, "contact_point"), op, {
        "subject": subject, "profile_type": "vehicle", "urgency": "routine", "addressees": list(addressees)})


def test_the_history_tab_shows_record_entries_only_to_those_who_see_the_record(factory, running, login, client):
    pl = factory.user("PL", "officer")
    draft = create_seizure(pl, running, seizure_data(status="draft", place="Hidden-Depot-7", **NOBODY))
    db.session.commit()
    update_seizure(pl, draft, {"place": "Hidden-Depot-8"}, draft.version)
    _warning(factory, running, "PL", ["NL"], subject="Secret between PL and NL")
    db.session.commit()
    for user in (factory.user("LT", "officer"), factory.coordinator("LT"), factory.secretariat()):
        login(user)
        html = client.get(f"/operations/{running.id}/history").get_data(as_text=True)
        assert "Hidden-Depot" not in html and "seizure.created" not in html, user.role
    login(factory.user("LT", "officer"))
    html = client.get(f"/operations/{running.id}/history").get_data(as_text=True)
    assert "warning.sent" not in html  # a lead officer does not learn of a warning between PL and NL
    login(factory.coordinator("LT"))
    assert "warning.sent" in client.get(f"/operations/{running.id}/history").get_data(as_text=True)


def test_the_history_api_follows_the_same_rule(api, factory, running):
    pl = factory.user("PL", "officer")
    create_seizure(pl, running, seizure_data(status="draft", **NOBODY))
    db.session.commit()
    body = api("GET", f"/operations/{running.id}/history", factory.coordinator("LT")).get_json()
    assert [e for e in body["entries"] if e["action"].startswith("seizure.")] == []


def test_a_draft_withdrawn_before_it_was_submitted_stays_private(api, factory, running):
    pl = factory.user("PL", "officer")
    draft = create_seizure(pl, running, seizure_data(status="draft"))
    db.session.commit()
    withdraw_seizure(pl, draft, "Discarded", draft.version)
    db.session.commit()
    assert api("GET", f"/seizures/{draft.id}", factory.coordinator("LT")).status_code == 404
    assert api("GET", f"/seizures/{draft.id}", factory.user("NL", "officer")).status_code == 404
    assert api("GET", f"/seizures/{draft.id}", pl).status_code == 200


def test_a_warning_is_cited_by_its_number_within_the_operation(factory, running):
    other = factory.operation_in("operational", participants=("PL",))
    for _n in range(2):  # warnings of another operation take the first ids
        _warning(factory, other, "LT", ["PL"])
    first, second = _warning(factory, running, "LT", ["PL"]), _warning(factory, running, "LT", ["PL"])
    db.session.commit()
    assert (first.number, second.number) == (1, 2) and first.id != 1
    seizure = create_seizure(factory.user("PL", "officer"), running, seizure_data(warning_id="W-2"))
    db.session.commit()
    assert seizure.warning_id == second.id
    rows = {a.warning_id: a.outcome for a in db.session.scalars(select(WarningAddressee))}
    assert rows[second.id] == "seizure" and rows[first.id] is None


def test_other_addressees_learn_only_that_a_warning_was_answered(api, factory, running):
    warning = _warning(factory, running, "LT", ["PL", "UA"])
    db.session.commit()
    pl = factory.user("PL", "contact_point")
    seizure = create_seizure(pl, running, seizure_data(**NOBODY))
    give_feedback(pl, warning, {"outcome": "seizure", "seizure_id": seizure.id, "feedback": "2.8 million sticks"})
    db.session.commit()
    seen = {a["organisation"]: a for a in
            api("GET", f"/warnings/{warning.id}", factory.user("UA", "contact_point")).get_json()["addressees"]}
    assert seen["PL"]["answered"] is True and seen["PL"]["outcome"] is None and seen["PL"]["feedback"] == ""
    lead = {a["organisation"]: a for a in
            api("GET", f"/warnings/{warning.id}", factory.coordinator("LT")).get_json()["addressees"]}
    assert lead["PL"]["outcome"] == "seizure" and lead["PL"]["feedback"] == "2.8 million sticks"


def test_a_type_that_is_not_text_is_a_field_error(api, factory, running):
    item = {**seizure_data()["items"][0], "type": {"x": 1}}
    response = api("POST", f"/operations/{running.id}/seizures", factory.user("PL", "officer"),
                   json=seizure_data(items=[item]))
    assert response.status_code == 422 and "items.0.type" in response.get_json()["errors"]
    assert db.session.scalar(select(Seizure)) is None


def test_an_out_of_range_comment_id_is_not_found(factory, running, login, client):
    officer = factory.user("LT", "officer")
    seizure = create_seizure(officer, running, seizure_data())
    db.session.commit()
    login(officer)
    url = f"/operations/{running.id}/seizures/{seizure.id}/comments/99999999999/resolve"
    assert client.post(url).status_code == 404


def test_a_draft_can_no_longer_be_submitted_in_evaluation(factory, running):
    pl = factory.user("PL", "officer")
    draft = create_seizure(pl, running, seizure_data(status="draft"))
    db.session.commit()
    advance(factory, running, "end", "evaluate")
    with pytest.raises(ValidationError) as refused:
        update_seizure(pl, draft, {"status": "submitted"}, draft.version)
    assert "status" in refused.value.errors


def test_withdrawing_the_seizure_that_answered_a_warning_reopens_the_feedback(factory, running):
    warning = _warning(factory, running, "LT", ["PL"])
    db.session.commit()
    pl = factory.user("PL", "officer")
    seizure = create_seizure(pl, running, seizure_data(warning_id=warning.id))
    db.session.commit()
    row = db.session.scalar(select(WarningAddressee))
    assert (row.outcome, row.seizure_id) == ("seizure", seizure.id)
    withdraw_seizure(pl, seizure, "Wrong vehicle", seizure.version)
    db.session.commit()
    db.session.expire_all()
    row = db.session.scalar(select(WarningAddressee))
    assert (row.outcome, row.seizure_id, row.answered_at) == (None, None, None)


def test_a_seizure_shows_the_warning_it_cites_only_to_those_who_see_the_warning(api, factory, running):
    warning = _warning(factory, running, "LT", ["PL"])
    db.session.commit()
    seizure = create_seizure(factory.user("PL", "officer"), running,
                             seizure_data(warning_id=warning.id, share_with_eu_member_states=True))
    db.session.commit()
    assert api("GET", f"/seizures/{seizure.id}", factory.user("NL", "officer")).get_json()["warning_id"] is None
    listed = api("GET", f"/operations/{running.id}/seizures", factory.user("NL", "officer")).get_json()["items"]
    assert [s["warning_id"] for s in listed] == [None]
    assert api("GET", f"/seizures/{seizure.id}", factory.coordinator("LT")).get_json()["warning_id"] == warning.id


def test_a_get_body_sent_back_as_a_patch_changes_nothing(api, factory, running):
    officer = factory.user("LT", "officer")
    seizure = create_seizure(officer, running, seizure_data(items=[{"category": "waste", "type": "plastic",
                                                                     "quantities": [{"value": "283671.925", "unit": "t"}]}]))
    db.session.commit()
    body = api("GET", f"/seizures/{seizure.id}", officer).get_json()
    answer = api("PATCH", f"/seizures/{seizure.id}", officer, json=body)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["items"] == body["items"] and answer.get_json()["version"] == body["version"]
    from planner.results.controls import create_controls

    record = create_controls(officer, running, [{"date": "2026-05-08", "location": "Medininkai",
                                                 "transport_mode": "road", "selection_basis": "random",
                                                 "controls": 9, "hits": 1}]).created[0]
    db.session.commit()
    control = api("GET", f"/controls/{record.id}", officer).get_json()
    assert api("PATCH", f"/controls/{record.id}", officer, json=control).status_code == 200


def test_a_batch_that_would_submit_a_stored_draft_is_a_conflict_not_a_silent_skip(factory, running):
    from planner.results.services import create_seizures

    officer = factory.user("LT", "officer")
    create_seizures(officer, running, [seizure_data(national_reference="LT-D1", status="draft")])
    db.session.commit()
    assert create_seizures(officer, running, [seizure_data(national_reference="LT-D1", status="draft")],
                           skip_identical=True).skipped == ["LT-D1"]
    with pytest.raises(ValidationError) as refused:
        create_seizures(officer, running, [seizure_data(national_reference="LT-D1", status="submitted")],
                        skip_identical=True)
    assert "seizures.0.national_reference" in refused.value.errors
