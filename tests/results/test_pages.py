"""The Results pages: the quick and full forms, the record, edits with a version, withdrawal, comments and error
flags, controls, the live page and the xlsx export, each seen through the need-to-know rules."""
import io
import re
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import select

from planner.extensions import db
from planner.results.models import ControlRecord, Seizure, SeizureComment
from planner.results.services import create_seizure
from tests.api.conftest import api  # noqa: F401
from tests.results.conftest import seizure_data


def _quick(op, **over):
    data = {"seized_date": "2026-05-09", "seized_time": "07:45", "country": "LT", "place": "Kybartai",
            "location_type": "rail_border", "transport_mode": "rail", "detection_method": "scanner",
            "commodity": "cigarettes:cigarettes", "items.0.quantities.0.value": "1250000",
            "items.0.quantities.0.unit": "pcs", "action": "submit"}
    data.update(over)
    return data


def test_an_officer_logs_a_seizure_with_the_quick_form(factory, running, login, client):
    officer = factory.user("LT", "officer")
    login(officer)
    response = client.post(f"/operations/{running.id}/seizures/new?quick=1", data=_quick(running))
    assert response.status_code == 302
    seizure = db.session.scalar(select(Seizure))
    assert seizure.national_reference == "LT-2026-0001" and seizure.status == "submitted"
    assert seizure.items[0].quantities[0].value == Decimal("1250000")
    # 07:45 in the operation's zone (Europe/Brussels, summer time) is 05:45 UTC
    assert seizure.seized_at.strftime("%Y-%m-%d %H:%M") == "2026-05-09 05:45"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "LT-2026-0001" in page and "1250000 pcs" in page


def test_the_quick_form_shows_each_error_beside_its_field_and_stores_nothing(factory, running, login, client):
    login(factory.user("LT", "officer"))
    response = client.post(f"/operations/{running.id}/seizures/new?quick=1",
                           data=_quick(running, **{"items.0.quantities.0.value": "12.5.3", "place": "",
                                                   "seized_date": "2026-06-30"}))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "“12.5.3” is not a number." in html and 'id="items-0-quantities-0-value-err"' in html
    assert 'id="place-err"' in html and "cannot be in the future" in html
    assert 'value="12.5.3"' in html
    assert db.session.scalar(select(Seizure)) is None


def test_the_full_form_keeps_three_decimals_of_a_tonne_and_escapes_script(factory, running, login, client):
    login(factory.user("PL", "contact_point"))
    data = _quick(running, country="PL", place="<script>alert(1)</script>")
    data.pop("commodity")
    data.update({"items.0.category": "waste", "items.0.type": "plastic", "items.0.quantities.0.value": "283671.925",
                 "items.0.quantities.0.unit": "t", "items.0.quantities.1.value": "12", "items.0.quantities.1.unit": "pcs",
                 "items.0.description": "=HYPERLINK(\"http://x\")", "route.0.country": "CN", "route.0.role": "origin",
                 "offenders.0.role": "driver", "offenders.0.nationality": "BY", "arrests": "2",
                 "share_with_eu_member_states": "y", "national_reference": "PL/77"})
    response = client.post(f"/operations/{running.id}/seizures/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    seizure = db.session.scalar(select(Seizure))
    q = seizure.items[0].quantities
    assert (q[0].value, q[0].unit, q[0].normalised_value, q[0].base_unit) == (
        Decimal("283671.925"), "t", Decimal("283671925"), "kg")
    assert seizure.items[0].description == '=HYPERLINK("http://x")'
    assert seizure.share_with_third_countries is False and seizure.arrests == 2
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_stale_edit_is_refused_and_the_first_save_stands(factory, running, login, client):
    officer = factory.user("LT", "officer")
    seizure = create_seizure(officer, running, seizure_data(place="Medininkai"))
    db.session.commit()
    login(officer)
    form = client.get(f"/operations/{running.id}/seizures/{seizure.id}/edit").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', form).group(1)
    fields = dict(re.findall(r'<input class="form-control[^"]*" type="[a-z]+" id="[^"]+" name="([^"]+)" value="([^"]*)"', form))
    base = {"version": version, "seized_date": fields["seized_date"], "seized_time": fields["seized_time"],
            "country": "LT", "location_type": "land_border", "transport_mode": "road", "detection_method": "scanner",
            "items.0.category": "cigarettes", "items.0.type": "cigarettes", "items.0.quantities.0.value": "2875000",
            "items.0.quantities.0.unit": "pcs", "action": "submit",
            "national_reference": fields["national_reference"]}
    first = client.post(f"/operations/{running.id}/seizures/{seizure.id}/edit", data={**base, "place": "First"})
    assert first.status_code == 302, re.findall(r"<li><strong>[^<]+</strong>: [^<]+", first.get_data(as_text=True))
    second = client.post(f"/operations/{running.id}/seizures/{seizure.id}/edit", data={**base, "place": "Second"})
    assert second.status_code == 409
    assert "Somebody else saved this seizure" in second.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Seizure, seizure.id).place == "First"


def test_another_administration_cannot_edit_but_may_flag_an_error(factory, running, login, client):
    seizure = create_seizure(factory.user("LT", "officer"), running, seizure_data())
    db.session.commit()
    pl = factory.user("PL", "contact_point")
    login(pl)
    assert client.get(f"/operations/{running.id}/seizures/{seizure.id}/edit").status_code == 403
    assert client.post(f"/operations/{running.id}/seizures/{seizure.id}/withdraw",
                       data={"reason": "x", "version": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Seizure, seizure.id).status == "submitted"
    client.post(f"/operations/{running.id}/seizures/{seizure.id}/comments",
                data={"body": "The plate is wrong", "flags_error": "y"})
    comment = db.session.scalar(select(SeizureComment))
    assert comment.flags_error and comment.organisation_id == pl.organisation_id
    from planner.core.notifications import Notification

    told = db.session.scalars(select(Notification).where(Notification.kind == "seizure.error_flagged")).all()
    from planner.auth.models import User

    assert told and all(db.session.get(User, n.user_id).organisation.code == "LT" for n in told)


def test_the_reporting_administration_withdraws_with_a_reason(factory, running, login, client):
    officer = factory.user("LT", "officer")
    seizure = create_seizure(officer, running, seizure_data())
    db.session.commit()
    login(officer)
    client.post(f"/operations/{running.id}/seizures/{seizure.id}/withdraw", data={"reason": "", "version": "1"})
    db.session.expire_all()
    assert db.session.get(Seizure, seizure.id).status == "submitted"
    client.post(f"/operations/{running.id}/seizures/{seizure.id}/withdraw",
                data={"reason": "Double entry", "version": "1"})
    db.session.expire_all()
    record = db.session.get(Seizure, seizure.id)
    assert record.status == "withdrawn" and record.withdrawn_reason == "Double entry"


def _two_records(factory, running):
    lt = create_seizure(factory.user("LT", "officer"), running, seizure_data(national_reference="LT-SHARED",
                                                                              share_with_eu_member_states=True))
    pl = create_seizure(factory.user("PL", "officer"), running,
                        seizure_data(national_reference="PL-PRIVATE", country="PL", place="Terespol",
                                     share_with_eu_member_states=False))
    draft = create_seizure(factory.user("NL", "officer"), running,
                           seizure_data(national_reference="NL-DRAFT", country="NL", place="Rotterdam",
                                        status="draft", share_with_third_countries=True))
    db.session.commit()
    return lt, pl, draft


def _listed(client, running):
    html = client.get(f"/operations/{running.id}/seizures").get_data(as_text=True)
    return {ref for ref in ("LT-SHARED", "PL-PRIVATE", "NL-DRAFT") if ref in html}


def _exported(client, running):
    response = client.get(f"/operations/{running.id}/seizures.xlsx")
    if response.status_code != 200:
        return response.status_code
    ws = load_workbook(io.BytesIO(response.data)).active
    return {row[0] for row in ws.iter_rows(min_row=2, values_only=True)}


def test_pages_and_exports_follow_need_to_know(factory, running, login, client):
    lt, pl, draft = _two_records(factory, running)
    cases = {
        factory.coordinator("LT"): {"LT-SHARED", "PL-PRIVATE"},  # the lead: every submitted record
        factory.user("LT", "officer"): {"LT-SHARED", "PL-PRIVATE"},
        factory.user("NL", "officer"): {"LT-SHARED", "NL-DRAFT"},  # its own draft; PL did not share
        factory.user("PL", "contact_point"): {"LT-SHARED", "PL-PRIVATE"},
        factory.user("UA", "contact_point"): set(),  # third country: nobody shared with it
        factory.user("EUROPOL", "observer"): set(),
    }
    for user, expected in cases.items():
        login(user)
        assert _listed(client, running) == expected, user.organisation.code
        assert _exported(client, running) == expected, user.organisation.code
    login(factory.user("UA", "contact_point"))
    assert client.get(f"/operations/{running.id}/seizures/{lt.id}").status_code == 404
    login(factory.user("DE", "coordinator"))  # not in the operation
    assert client.get(f"/operations/{running.id}/seizures").status_code == 404
    assert client.get(f"/operations/{running.id}/seizures/{lt.id}").status_code == 404


def test_the_live_page_counts_submitted_records_per_unit(factory, running, login, client):
    officer = factory.user("LT", "officer")
    create_seizure(officer, running, seizure_data(items=[{"category": "waste", "type": "plastic", "quantities": [
        {"value": "1.5", "unit": "t"}, {"value": "40", "unit": "pcs"}]}]))
    create_seizure(officer, running, seizure_data(items=[{"category": "waste", "type": "metal", "quantities": [
        {"value": "250", "unit": "kg"}]}]))
    create_seizure(officer, running, seizure_data(status="draft", items=[{"category": "waste", "type": "plastic",
                                                                          "quantities": [{"value": "9", "unit": "t"}]}]))
    db.session.commit()
    login(factory.coordinator("LT"))
    html = client.get(f"/operations/{running.id}/results").get_data(as_text=True)
    assert re.search(r'id="total-seizures">2<', html)
    rows = re.findall(r"<tr><td><a [^>]*>([^<]+)</a></td><td>(\w+)</td>\s*<td class=\"text-end\">([\d,.]+)", html)
    assert ("Waste", "kg", "1,750") in rows and ("Waste", "pcs", "40") in rows


def test_controls_are_recorded_per_cell_and_refused_when_hits_exceed_controls(factory, running, login, client):
    login(factory.user("PL", "officer"))
    url = f"/operations/{running.id}/controls"
    bad = client.post(url, data={"date": "2026-05-08", "location": "Terespol",
                                 "counts.road.risk_profile.controls": "3", "counts.road.risk_profile.hits": "5"})
    assert bad.status_code == 422 and "More controls found something" in bad.get_data(as_text=True)
    assert db.session.scalar(select(ControlRecord)) is None
    ok = client.post(url, data={"date": "2026-05-08", "location": "Terespol",
                                "counts.road.risk_profile.controls": "40", "counts.road.risk_profile.hits": "3",
                                "counts.rail.random.controls": "10"})
    assert ok.status_code == 302
    rows = db.session.scalars(select(ControlRecord).order_by(ControlRecord.transport_mode)).all()
    assert [(r.transport_mode, r.selection_basis, r.controls, r.hits) for r in rows] == [
        ("rail", "random", 10, 0), ("road", "risk_profile", 40, 3)]
    again = client.post(url, data={"date": "2026-05-08", "location": "Terespol",
                                   "counts.road.risk_profile.controls": "41"})
    assert again.status_code == 422
    assert "recorded already" in again.get_data(as_text=True)


def test_nobody_records_results_outside_the_operational_and_post_operational_phases(factory, login, client):
    op = factory.operation_in("planning", participants=())
    login(factory.coordinator("LT"))
    assert client.get(f"/operations/{op.id}/seizures/new?quick=1").status_code == 403


def test_dates_at_the_ends_of_the_calendar_are_refused_clearly(factory, running):
    import pytest

    from planner.core.errors import ValidationError

    officer = factory.user("LT", "officer")
    for moment in ("9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00", "0001-01-01"):
        with pytest.raises(ValidationError) as refused:
            create_seizure(officer, running, seizure_data(seized_at=moment))
        assert "seized_at" in refused.value.errors
    with pytest.raises(ValidationError) as refused:
        create_seizure(officer, running, seizure_data(embargo_until="9999-12-31"))
    assert "between 1990 and 2100" in refused.value.errors["embargo_until"][0]


def test_the_concealment_catalogue_counts_submitted_seizures_of_every_operation(factory, running, login, client, api):
    officer = factory.user("LT", "officer")
    create_seizure(officer, running, seizure_data(concealment="cover_load"))
    create_seizure(officer, running, seizure_data(concealment="cover_load", status="draft"))
    other = factory.operation_in("operational", lead="PL", participants=("LT",))
    create_seizure(factory.user("PL", "officer"), other, seizure_data(concealment="cover_load", country="PL",
                                                                            seized_at="2026-05-10T12:00:00+00:00"))
    create_seizure(factory.user("PL", "officer"), other, seizure_data(concealment="misdeclaration", country="PL",
                                                                            seized_at="2026-05-10T12:00:00+00:00"))
    db.session.commit()
    login(factory.coordinator("NL"))  # a coordinator of neither operation sees the figures, never the records
    html = client.get("/concealment-methods").get_data(as_text=True)
    row = re.search(r"<code>cover_load</code></td><td class=\"text-end\">(\d+)</td><td class=\"text-end\">(\d+)", html)
    assert row.groups() == ("2", "2")
    assert "LT-2026-0001" not in html
    items = {m["code"]: m for m in api("GET", "/concealment-methods", factory.secretariat()).get_json()["items"]}
    assert (items["cover_load"]["seizures"], items["misdeclaration"]["seizures"]) == (2, 1)
    assert api("GET", "/concealment-methods", factory.user("PL", "officer")).status_code == 403


def test_the_sender_of_a_warning_is_credited_apart_from_the_seizing_administration(factory, running, login, client):
    from planner.messages.services import send_warning

    warning = send_warning(factory.coordinator("LT"), running, {"subject": "Lorry", "profile_type": "vehicle",
                                                                 "urgency": "routine", "addressees": ["PL"]})
    db.session.commit()
    create_seizure(factory.user("PL", "officer"), running, seizure_data(country="PL", warning_id=warning.id))
    db.session.commit()
    login(factory.coordinator("LT"))
    html = client.get(f"/operations/{running.id}/results").get_data(as_text=True)
    per_participant = html[html.index('id="per-participant"'):]
    assert re.search(r">PL</a></td><td class=\"text-end\">1<", per_participant)  # the seizure counts for PL
    credited = html[html.index('id="warnings-credited"'):]
    assert re.search(r"<td>LT</td><td class=\"text-end\">1</td><td class=\"text-end\">1</td>", credited)
    assert 'id="chart-per-commodity"' in html and "Cigarettes" in html


class _FormReader:
    """What a browser posts for the seizure form as rendered: inputs, checked boxes, selected options, textareas."""

    def __init__(self, html):
        from html.parser import HTMLParser

        self.data = {}
        reader = self

        class Parser(HTMLParser):
            select = textarea = None

            def handle_starttag(self, tag, attrs):
                a = dict(attrs)
                if tag == "input" and a.get("name") and a.get("type") != "checkbox":
                    reader.data[a["name"]] = a.get("value", "")
                elif tag == "input" and a.get("type") == "checkbox" and "checked" in a:
                    reader.data[a["name"]] = a.get("value", "y")
                elif tag == "select":
                    self.select = a.get("name")
                    reader.data.setdefault(self.select, "")
                elif tag == "option" and self.select and "selected" in a:
                    reader.data[self.select] = a.get("value", "")
                elif tag == "textarea":
                    self.textarea = a.get("name")
                    reader.data[self.textarea] = ""

            def handle_endtag(self, tag):
                if tag == "select":
                    self.select = None
                if tag == "textarea":
                    self.textarea = None

            def handle_data(self, text):
                if self.textarea:
                    reader.data[self.textarea] += text

        Parser().feed(html[html.index('id="seizure-form"'):])


def test_saving_the_edit_form_unchanged_keeps_every_row_of_a_long_record(factory, running, login, client):
    officer = factory.user("LT", "officer")
    items = [{"category": "tobacco", "type": "raw_tobacco", "quantities": [
        {"value": "1.250", "unit": "t"}, {"value": "40", "unit": "pcs"}, {"value": "3", "unit": "l"}]}] + [
        {"category": "cigarettes", "type": "cigarettes", "quantities": [{"value": str(1000 * n), "unit": "pcs"}]}
        for n in range(1, 4)]
    route = [{"country": c, "role": "transit"} for c in ("BY", "LT", "LV", "EE", "FI", "SE")]
    offenders = [{"role": "driver", "nationality": c} for c in ("BY", "UA", "LT", "PL", "LV", "DE")]
    seizure = create_seizure(officer, running, seizure_data(items=items, route=route, offenders=offenders))
    db.session.commit()
    login(officer)
    form = _FormReader(client.get(f"/operations/{running.id}/seizures/{seizure.id}/edit").get_data(as_text=True))
    form.data["action"] = "submit"
    response = client.post(f"/operations/{running.id}/seizures/{seizure.id}/edit", data=form.data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    stored = db.session.get(Seizure, seizure.id)
    assert [len(i.quantities) for i in stored.items] == [3, 1, 1, 1]
    assert [s.country for s in stored.route] == ["BY", "LT", "LV", "EE", "FI", "SE"]
    assert [o["nationality"] for o in stored.offenders] == ["BY", "UA", "LT", "PL", "LV", "DE"]
    assert stored.items[0].quantities[0].value == Decimal("1.25") and stored.items[0].quantities[2].unit == "l"


def test_a_withdrawn_control_record_can_be_recorded_again(factory, running, login, client):
    login(factory.user("PL", "officer"))
    url = f"/operations/{running.id}/controls"
    day = {"date": "2026-05-08", "location": "Terespol"}
    client.post(url, data={**day, "counts.road.risk_profile.controls": "40", "counts.road.risk_profile.hits": "3"})
    record = db.session.scalar(select(ControlRecord))
    client.post(f"{url}/{record.id}/withdraw", data={"reason": "Counted twice", "version": str(record.version)})
    again = client.post(url, data={**day, "counts.road.risk_profile.controls": "20", "counts.road.risk_profile.hits": "1"})
    assert again.status_code == 302
    db.session.expire_all()
    rows = db.session.scalars(select(ControlRecord)).all()
    assert [(r.id, r.status, r.controls, r.hits, r.withdrawn_reason) for r in rows] == [
        (record.id, "submitted", 20, 1, None)]


def test_the_coordinator_sets_the_results_embargo_on_the_live_page(factory, running, login, client):
    from datetime import date

    from planner.operations.models import Operation

    url = f"/operations/{running.id}/results/embargo"
    login(factory.user("LT", "officer"))
    assert client.post(url, data={"embargo_until": "2026-09-30"}).status_code == 403
    login(factory.coordinator("LT"))
    client.post(url, data={"embargo_until": "2026-01-01"})  # in the past: refused, nothing stored
    db.session.expire_all()
    assert db.session.get(Operation, running.id).results_embargo_until is None
    response = client.post(url, data={"embargo_until": "2026-09-30"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Operation, running.id).results_embargo_until == date(2026, 9, 30)
    assert "nothing public before 2026-09-30" in client.get(f"/operations/{running.id}/results").get_data(as_text=True)
