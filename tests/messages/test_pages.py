"""The Messages tab's lists and filters, the coordinators' list of warnings awaiting feedback with how long each
has waited, and the dashboard's warnings awaiting the user's feedback."""
from datetime import timedelta

import pytest

from planner.core import clock
from planner.extensions import db
from planner.messages.queries import awaiting_feedback, open_feedback_for
from planner.messages.services import give_feedback
from planner.operations.access import operation_access
from tests.messages.conftest import NOW


@pytest.fixture
def exchange(people, send):
    """W-1: PL → NL, UA (sent at NOW); W-2: NL → PL (sent 30 hours later); W-3: LT → PL (3 days after W-1)."""
    w1 = send(people["pl_officer"], subject="First: PL to NL and UA", addressees=["NL", "UA"])
    clock.freeze(NOW + timedelta(hours=30))
    w2 = send(people["nl_officer"], subject="Second: NL to PL", urgency="immediate", addressees=["PL"])
    clock.freeze(NOW + timedelta(days=3))
    w3 = send(people["lt_coordinator"], subject="Third: LT to PL", urgency="routine", addressees=["PL"])
    clock.freeze(NOW + timedelta(days=3, hours=5))
    return w1, w2, w3


def test_the_dashboard_shows_the_addressees_open_warnings(op, people, exchange, login):
    w1, _w2, _w3 = exchange
    html = login(people["pl_contact_point"]).get("/").get_data(as_text=True)
    assert "Warnings awaiting your feedback" in html
    assert "Second: NL to PL" in html and "Third: LT to PL" in html
    assert "First: PL to NL and UA" not in html  # PL sent it: nothing to answer
    assert f"/operations/{op.id}/messages/{w1.id}" not in html
    html = login(people["ua_coordinator"]).get("/").get_data(as_text=True)
    assert "First: PL to NL and UA" in html and "3 days" in html
    give_feedback(people["ua_coordinator"], w1, {"outcome": "nothing_found"})
    db.session.commit()
    html = login(people["ua_coordinator"]).get("/").get_data(as_text=True)
    assert "Warnings awaiting your feedback" not in html


def test_the_dashboard_section_is_a_query_of_who_may_answer(op, people, exchange, factory):
    _w1, w2, w3 = exchange
    assert [item.warning.id for item in open_feedback_for(people["pl_officer"])] == [w2.id, w3.id]
    assert open_feedback_for(people["pl_analyst"]) == []  # analysts read, they do not answer
    assert open_feedback_for(people["lt_coordinator"]) == []  # nothing addressed to LT
    assert open_feedback_for(people["observer"]) == []
    waits = {item.warning.id: item.hours for item in open_feedback_for(people["pl_officer"])}
    assert waits == {w2.id: 72 + 5 - 30, w3.id: 5}


def test_the_coordinator_sees_who_has_not_answered_and_for_how_long(op, people, exchange, login):
    w1, w2, w3 = exchange
    give_feedback(people["nl_officer"], w1, {"outcome": "nothing_found"})
    db.session.commit()
    listed = awaiting_feedback(operation_access(people["lt_coordinator"], op))
    assert [(i.warning.reference, i.addressee.organisation.code, i.hours) for i in listed] == [
        ("W-1", "UA", 77), ("W-2", "PL", 47), ("W-3", "PL", 5)]
    assert [i.waited for i in listed] == ["3 days", "47 hours", "5 hours"]
    assert awaiting_feedback(operation_access(people["lt_officer"], op)) is None
    assert awaiting_feedback(operation_access(people["pl_coordinator"], op)) is None

    html = login(people["olaf_coordinator"]).get(f"/operations/{op.id}/messages").get_data(as_text=True)
    section = html.split('id="awaiting-feedback"')[1].split("</table>")[0]
    assert "UA" in section and "3 days" in section and "47 hours" in section and "5 hours" in section
    assert section.count("<tr>") == 1 + 3  # the header and three open addressees: NL answered
    html = login(people["pl_coordinator"]).get(f"/operations/{op.id}/messages").get_data(as_text=True)
    assert 'id="awaiting-feedback"' not in html  # a participant's coordinator does not run the operation
    page = login(people["lt_coordinator"]).get(f"/operations/{op.id}/messages/{w1.id}").get_data(as_text=True)
    assert "UA has not answered for 3 days" in page


def test_the_filters_of_the_messages_tab(op, people, exchange, login):
    client = login(people["pl_officer"])

    def subjects(show):
        html = client.get(f"/operations/{op.id}/messages?show={show}").get_data(as_text=True)
        table = html.split('id="warnings"')[1].split("</table>")[0]
        return {s for s in ("First: PL to NL and UA", "Second: NL to PL", "Third: LT to PL") if s in table}

    assert subjects("awaiting") == {"Second: NL to PL", "Third: LT to PL"}
    assert subjects("sent") == {"First: PL to NL and UA"}
    assert subjects("all") == {"First: PL to NL and UA", "Second: NL to PL", "Third: LT to PL"}
    assert subjects("nonsense") == subjects("all")
    html = client.get(f"/operations/{op.id}/messages").get_data(as_text=True)
    assert "NL: awaiting feedback (3 days)" in html and "UA: awaiting feedback (3 days)" in html
    assert "Send a warning" in html


def test_the_api_filters_and_pages(op, people, exchange, api):
    _w1, w2, w3 = exchange
    url = f"/operations/{op.id}/warnings"
    mine = api("GET", url + "?awaiting=me", people["pl_officer"]).get_json()
    assert [w["reference"] for w in mine["items"]] == ["W-3", "W-2"] and mine["total"] == 2
    give_feedback(people["pl_officer"], w3, {"outcome": "nothing_found"})
    db.session.commit()
    mine = api("GET", url + "?awaiting=me", people["pl_officer"]).get_json()
    assert [w["reference"] for w in mine["items"]] == ["W-2"]
    open_ones = api("GET", url + "?awaiting=all", people["lt_coordinator"]).get_json()
    assert [w["reference"] for w in open_ones["items"]] == ["W-2", "W-1"]
    first = api("GET", url + "?per_page=2&page=2", people["lt_coordinator"]).get_json()
    assert (first["total"], first["pages"], [w["reference"] for w in first["items"]]) == (3, 2, ["W-1"])
    waits = {a["organisation"]: a["waiting_hours"] for a in first["items"][0]["addressees"]}
    assert waits == {"NL": 77, "UA": 77}
    bad = api("GET", url + "?awaiting=everyone&per_page=0", people["lt_coordinator"])
    assert bad.status_code == 422 and set(bad.get_json()["errors"]) == {"awaiting", "per_page"}


def test_the_openapi_document_describes_the_warnings(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert {"get", "post"} <= set(doc["paths"]["/api/v1/operations/{operation_id}/warnings"])
    assert "post" in doc["paths"]["/api/v1/warnings/{warning_id}/feedback"]
    schemas = doc["components"]["schemas"]
    assert {"Warning", "WarningList", "WarningCreate", "WarningFeedback"} <= set(schemas)
    assert "container_number" in schemas["WarningCreate"]["properties"]["profile"]["properties"]
