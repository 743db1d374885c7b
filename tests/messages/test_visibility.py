"""Who sees a warning (DESIGN.md §2b): its sender's organisation, its addressees' organisations and the
coordinators of the lead and of the co-organisers. Everybody else gets 404 on the warning and does not find it
in lists, through the pages and the API alike."""
import pytest

from planner.extensions import db

SEES_PL_TO_NL = {"pl_officer", "pl_analyst", "pl_coordinator", "pl_contact_point", "nl_officer", "nl_coordinator",
                 "lt_coordinator", "olaf_coordinator"}
NOT_SEEING = {"lt_officer", "lt_analyst", "olaf_officer", "ua_coordinator", "observer", "invited", "outsider",
              "secretariat", "admin"}
# Who has the Messages tab at all: the members of the operation (lead, co-organiser, accepted participants).
MEMBERS = {"lt_coordinator", "lt_officer", "lt_analyst", "olaf_coordinator", "olaf_officer", "pl_coordinator",
           "pl_contact_point", "pl_officer", "pl_analyst", "nl_coordinator", "nl_officer", "ua_coordinator"}


@pytest.fixture
def warnings(people, send):
    pl_to_nl = send(people["pl_officer"], subject="PL to NL: plate LV 1234", profile_type="vehicle",
                    profile={"vehicle_plate": "LV 1234", "vehicle_nationality": "LV"}, addressees=["NL"])
    lt_to_pl = send(people["lt_officer"], subject="LT to PL: flight LO 123", profile_type="flight",
                    profile={"flight_number": "LO 123"}, addressees=["PL"])
    return {"pl_to_nl": pl_to_nl.id, "lt_to_pl": lt_to_pl.id}


@pytest.mark.parametrize("who", sorted(SEES_PL_TO_NL | NOT_SEEING))
def test_the_warning_page_answers_only_those_who_may_see_it(op, people, warnings, login, who):
    client = login(people[who])
    response = client.get(f"/operations/{op.id}/messages/{warnings['pl_to_nl']}")
    if who in SEES_PL_TO_NL:
        assert response.status_code == 200
        assert "PL to NL: plate LV 1234" in response.get_data(as_text=True)
    else:
        assert response.status_code == 404, who
        assert "LV 1234" not in response.get_data(as_text=True)


@pytest.mark.parametrize("who", sorted(SEES_PL_TO_NL | NOT_SEEING))
def test_the_api_answers_only_those_who_may_see_it(people, warnings, api, who):
    response = api("GET", f"/warnings/{warnings['pl_to_nl']}", people[who])
    if who in SEES_PL_TO_NL:
        assert response.status_code == 200
        body = response.get_json()
        assert body["reference"] == "W-1" and body["sender"] == "PL"
        assert [a["organisation"] for a in body["addressees"]] == ["NL"]
    else:
        assert response.status_code == 404, who
        assert response.get_json()["error"]
        assert "LV 1234" not in response.get_data(as_text=True)


@pytest.mark.parametrize("who", sorted(SEES_PL_TO_NL | NOT_SEEING))
def test_lists_hold_only_the_warnings_one_may_see(op, people, warnings, login, api, who):
    page = login(people[who]).get(f"/operations/{op.id}/messages")
    listed = api("GET", f"/operations/{op.id}/warnings", people[who])
    if who not in MEMBERS:
        # observers, the invited organisation and the oversight see the operation but not its messages
        expected = 404 if who == "outsider" else 403
        assert page.status_code == expected and listed.status_code == expected, who
        return
    assert page.status_code == 200 and listed.status_code == 200
    html = page.get_data(as_text=True)
    subjects = {item["subject"] for item in listed.get_json()["items"]}
    sees_pl_to_nl = who in SEES_PL_TO_NL
    assert ("PL to NL: plate LV 1234" in html) is sees_pl_to_nl
    assert ("PL to NL: plate LV 1234" in subjects) is sees_pl_to_nl
    sees_lt_to_pl = who.startswith(("lt_", "pl_")) or who == "olaf_coordinator"
    assert ("LT to PL: flight LO 123" in html) is sees_lt_to_pl
    assert ("LT to PL: flight LO 123" in subjects) is sees_lt_to_pl
    assert listed.get_json()["total"] == len(subjects)


def test_a_lead_officer_does_not_see_warnings_between_two_other_participants(op, people, warnings, login, api):
    """Seeing every record of the operation is the organisers' coordinators' business, not their officers'."""
    officer = people["lt_officer"]
    assert api("GET", f"/warnings/{warnings['pl_to_nl']}", officer).status_code == 404
    assert api("GET", f"/warnings/{warnings['lt_to_pl']}", officer).status_code == 200
    items = api("GET", f"/operations/{op.id}/warnings", officer).get_json()["items"]
    assert [w["id"] for w in items] == [warnings["lt_to_pl"]]


def test_a_warning_of_another_operation_is_not_found_through_this_one(factory, op, people, warnings, login):
    other = factory.operation_in("operational", participants=("PL", "NL"))
    client = login(people["pl_officer"])
    assert client.get(f"/operations/{other.id}/messages/{warnings['pl_to_nl']}").status_code == 404


def test_the_messages_tab_is_shown_to_members_only(op, people, login):
    member = login(people["ua_coordinator"]).get(f"/operations/{op.id}").get_data(as_text=True)
    assert f'href="/operations/{op.id}/messages"' in member
    observer = login(people["observer"]).get(f"/operations/{op.id}").get_data(as_text=True)
    assert f'href="/operations/{op.id}/messages"' not in observer


def test_a_linked_seizure_shows_only_as_far_as_its_sharing_allows(op, people, send, api, login):
    """UA (a third country) sends NL a warning; NL's seizure on it is not shared with third countries: UA learns
    the outcome, not the record."""
    from planner.results.services import create_seizure
    from tests.results.conftest import seizure_data

    warning = send(people["ua_coordinator"], addressees=["NL"])
    seizure = create_seizure(people["nl_officer"], op, seizure_data(
        warning_id=warning.id, country="NL", place="Rotterdam", location_type="seaport",
        share_with_third_countries=False))
    db.session.commit()
    seen_by_ua = api("GET", f"/warnings/{warning.id}", people["ua_coordinator"]).get_json()["addressees"][0]
    assert seen_by_ua["outcome"] == "seizure"
    assert seen_by_ua["seizure_id"] is None and seen_by_ua["seizure_reference"] is None
    seen_by_lead = api("GET", f"/warnings/{warning.id}", people["lt_coordinator"]).get_json()["addressees"][0]
    assert seen_by_lead["seizure_id"] == seizure.id
    assert seen_by_lead["seizure_reference"] == seizure.national_reference
    page = login(people["ua_coordinator"]).get(f"/operations/{op.id}/messages/{warning.id}").get_data(as_text=True)
    assert seizure.national_reference not in page
    assert "a seizure not shared with you" in page
    page = login(people["nl_officer"]).get(f"/operations/{op.id}/messages/{warning.id}").get_data(as_text=True)
    assert f'/operations/{op.id}/seizures/{seizure.id}"' in page


def test_the_operations_history_shows_a_warning_only_to_those_who_see_it(op, people, warnings, login):
    """The History tab shows the audit to all the organisers' staff, but entries about a warning only to those who
    see the warning: a lead officer does not learn that W-1 went from PL to NL; the lead's coordinator does, never
    what it says or what NL answered."""
    from planner.messages.services import give_feedback
    from planner.messages.models import WarningMessage

    give_feedback(people["nl_officer"], db.session.get(WarningMessage, warnings["pl_to_nl"]),
                  {"outcome": "not_controlled", "feedback": "Driver known to us, let go"})
    db.session.commit()
    html = login(people["lt_officer"]).get(f"/operations/{op.id}/history").get_data(as_text=True)
    assert "reference: W-2" in html  # LT's own warning to PL
    assert "reference: W-1" not in html and "warning.feedback_given" not in html
    html = login(people["lt_coordinator"]).get(f"/operations/{op.id}/history").get_data(as_text=True)
    assert "reference: W-1" in html and "warning.feedback_given" in html
    assert "LV 1234" not in html and "PL to NL" not in html and "Driver known to us" not in html
