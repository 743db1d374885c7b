"""The Final report tab: the report computed for the reader with each figure linking to the records behind it
(the list reached through a link counts what the figure says), the narrative (stale version: nothing lost),
making it final (missing sections named; revision 0 with its SHA-256), editing it again, the contributions, and
closing the operation refused until the report is final."""
import re
from html import unescape

import pytest

from planner.extensions import db
from planner.operations.access import operation_access
from planner.reports.final_dataset import final_report_dataset
from planner.reports.final_views import link_url_for
from planner.reports.models import ReportKind
from planner.reports.services import final_report_of, latest_issued
from tests.reports.final_fixtures import seizure_count
from tests.reports.prepare import narrative

COUNT_FACTS = ("seizures", "investigations", "in_operation", "follow_up")
COUNT_TABLES = {"by_commodity": 2, "by_participant": 1, "by_transport_mode": 1, "by_detection_method": 1,
                "by_concealment": 1, "by_origin": 1}


def _page(client, operation):
    response = client.get(f"/operations/{operation.id}/final-report")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _textarea(html, name):
    found = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    assert found, name
    return unescape(found.group(1))


def _save(client, operation, version, **texts):
    return client.post(f"/operations/{operation.id}/final-report", data={"version": version, **texts})


@pytest.mark.parametrize("who", ["LT", "NL"])
def test_each_figure_links_to_a_list_that_counts_the_same(app, evaluated, factory, client, login, who):
    """The lead sees every record, NL not PL's record shared with nobody: for both, the seizure list reached
    through a figure's link counts what the figure says."""
    user = factory.coordinator(who)
    login(user)
    html = _page(client, evaluated)
    access = operation_access(user, evaluated)
    dataset = final_report_dataset(evaluated, access)
    checked = []
    with app.test_request_context():
        link_url = link_url_for(evaluated, access)
        figures = [(f.value, f.link) for f in (dataset.fact(k) for k in COUNT_FACTS)]
        for key, column in COUNT_TABLES.items():
            table = dataset.table(key)
            figures += [(row[column], link) for row, link in zip(table.rows, table.links)]
        urls = [(value, link_url(link)) for value, link in figures]
    for value, url in urls:
        assert url and "/seizures?" in url
        if value:
            assert url.replace("&", "&amp;") in html, url  # the page carries the link
        assert seizure_count(client.get(url).get_data(as_text=True)) == value, url
        checked.append(url)
    assert any("unit=kg" in u and "category=tobacco" in u for u in checked)
    assert any("origin=CN" in u for u in checked) and any("phase=follow_up" in u for u in checked)
    assert any("concealment=cover_load" in u for u in checked) and any("investigation=yes" in u for u in checked)


def test_the_seizure_list_names_bad_filter_values(evaluated, factory, client, login):
    login(factory.coordinator("LT"))
    html = client.get(f"/operations/{evaluated.id}/seizures?unit=stone&phase=later&origin=QQ"
                      "&concealment=nowhere&investigation=maybe&status=submitted").get_data(as_text=True)
    for field in ("unit", "phase", "origin", "concealment", "investigation"):
        assert f"<li>{field}: " in html, field
    assert seizure_count(html) == 5  # bad values are ignored
    html = client.get(f"/operations/{evaluated.id}/seizures?unit=l&investigation=no").get_data(as_text=True)
    assert seizure_count(html) == 1 and 'id="breakdown-filters"' in html
    assert '<input type="hidden" name="unit" value="l">' in html  # the filter form keeps it


def test_the_coordinator_writes_the_narrative_and_makes_it_final(evaluated, factory, client, login):
    login(factory.coordinator("LT"))
    overview = client.get(f"/operations/{evaluated.id}").get_data(as_text=True)
    assert f'href="/operations/{evaluated.id}/final-report">Final report</a>' in overview  # the tab
    html = _page(client, evaluated)
    assert 'id="narrative-form"' in html and "Make final" in html
    assert re.search(r'<label class="form-label" for="section-text-legal_framework">Legal framework</label>', html)

    # Only the introduction: making it final names the missing sections, and saves nothing.
    assert _save(client, evaluated, 1, introduction="Why we ran it.").status_code == 302
    report = final_report_of(evaluated)
    response = client.post(f"/operations/{evaluated.id}/final-report/issue", data={"version": report.version})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Write these sections first: Legal framework, Conduct of the operation" in html
    assert latest_issued(ReportKind.FINAL, operation_id=evaluated.id) is None

    texts = narrative(introduction="Why we ran it.")
    assert _save(client, evaluated, report.version, **texts).status_code == 302
    db.session.expire_all()
    html = _page(client, evaluated)
    assert _textarea(html, "recommendations") == texts["recommendations"]
    assert '<dd class="col-sm-9" id="report-status">Draft</dd>' in html
    response = client.post(f"/operations/{evaluated.id}/final-report/issue",
                           data={"version": final_report_of(evaluated).version}, follow_redirects=True)
    html = response.get_data(as_text=True)
    issued = latest_issued(ReportKind.FINAL, operation_id=evaluated.id)
    assert issued.revision == 0
    assert "The final report is final" in html and "Revision 0" in html
    assert issued.pdf_sha256 in html and issued.xlsx_sha256 in html
    assert '<dd class="col-sm-9" id="report-status">Final</dd>' in html
    assert 'id="edit-reopens"' in html  # says that editing makes it a draft again
    download = client.get(f"/operations/{evaluated.id}/final-report/revisions/0.pdf")
    assert download.data == issued.pdf and download.headers["X-Report-SHA256"] == issued.pdf_sha256

    # Editing again in evaluation: a draft again, and the page says so.
    db.session.expire_all()
    response = _save(client, evaluated, final_report_of(evaluated).version, **{**texts, "analysis": "Revised."})
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "is a draft again" in html and 'id="reopened-note"' in html
    assert '<dd class="col-sm-9" id="report-status">Draft</dd>' in html


def test_a_stale_version_loses_nothing(evaluated, factory, client, login):
    login(factory.coordinator("LT"))
    assert _save(client, evaluated, 1, introduction="First words.").status_code == 302
    response = _save(client, evaluated, 1, introduction="My longer introduction, typed meanwhile.")
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "changed by someone else" in html and "Your text is kept in the form below" in html
    assert _textarea(html, "introduction") == "My longer introduction, typed meanwhile."
    db.session.expire_all()
    assert final_report_of(evaluated).sections["introduction"] == "First words."
    current = re.search(r'name="version" value="(\d+)"', html).group(1)
    assert current == str(final_report_of(evaluated).version)  # saving again now replaces it knowingly


def test_contributions_are_written_submitted_and_followed_by_the_organisers(evaluated, factory, client, login):
    pl = factory.user("PL", "contact_point")
    login(pl)
    html = _page(client, evaluated)
    assert 'id="contribution-form"' in html and 'id="narrative-form"' not in html
    assert 'id="contribution-progress"' not in html  # who has contributed is the organisers' business
    response = client.post(f"/operations/{evaluated.id}/final-report/contribution",
                           data={"body": "Poland's draft.", "action": "save"}, follow_redirects=True)
    assert "saved as a draft" in response.get_data(as_text=True)
    response = client.post(f"/operations/{evaluated.id}/final-report/contribution",
                           data={"body": "Typed meanwhile.", "action": "submit", "version": 99})
    assert response.status_code == 409  # stale version, the typed text stays
    assert _textarea(response.get_data(as_text=True), "body") == "Typed meanwhile."
    response = client.post(f"/operations/{evaluated.id}/final-report/contribution",
                           data={"body": "", "action": "submit", "version": 1})
    assert response.status_code == 422 and "Write the contribution before submitting it" in response.get_data(
        as_text=True)
    response = client.post(f"/operations/{evaluated.id}/final-report/contribution",
                           data={"body": "Poland's part: 40 officers at Terespol.", "action": "submit",
                                 "version": 1}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Your contribution was submitted" in html and "was submitted on" in html
    assert "Poland&#39;s part: 40 officers at Terespol." in html  # in the report's contributions section

    officer = factory.user("NL", "officer")
    login(officer)
    assert 'id="contribution-form"' not in _page(client, evaluated)
    assert client.post(f"/operations/{evaluated.id}/final-report/contribution",
                       data={"body": "x", "action": "save"}).status_code == 403

    login(factory.coordinator("LT"))
    html = _page(client, evaluated)
    progress = re.search(r'<table[^>]*id="contribution-progress".*?</table>', html, re.S).group(0)
    assert re.search(r'data-organisation="PL">.*?<td>submitted</td>', progress, re.S)
    assert re.search(r'data-organisation="NL">.*?<td>not written</td>', progress, re.S)


def test_closing_is_refused_until_the_report_is_final(evaluated, factory, client, login):
    login(factory.coordinator("LT"))
    response = client.post(f"/operations/{evaluated.id}/transitions", data={"action": "close"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert 'id="transition-refused"' in html
    assert "The final report must be final before the operation is closed." in html
    db.session.expire_all()
    assert evaluated.state == "evaluation"
    _save(client, evaluated, 1, **narrative())
    client.post(f"/operations/{evaluated.id}/final-report/issue", data={"version": final_report_of(evaluated).version})
    response = client.post(f"/operations/{evaluated.id}/transitions", data={"action": "close"})
    assert response.status_code == 302
    db.session.expire_all()
    assert evaluated.state == "closed"
    html = _page(client, evaluated)  # closed: read, download, no more editing
    assert 'id="narrative-form"' not in html and "Revision 0" in html


def test_who_may_see_and_do_what_on_the_pages(evaluated, factory, client, login):
    url = f"/operations/{evaluated.id}/final-report"
    login(factory.coordinator("FR"))  # not in the operation
    assert client.get(url).status_code == 404
    assert client.get(url + ".xlsx").status_code == 404
    assert client.post(url, data={"version": 1, "introduction": "x"}).status_code == 404
    login(factory.coordinator("PL"))  # a participant: reads, contributes, does not write the narrative
    assert client.get(url).status_code == 200
    assert 'id="revisions"' not in _page(client, evaluated)  # the issued revision counts records PL may not see
    assert client.get(url + "/revisions/0.pdf").status_code == 403
    assert client.post(url, data={"version": 1, "introduction": "x"}).status_code == 403
    assert client.post(url + "/issue", data={"version": 1}).status_code == 403
    login(factory.user("EUROPOL", "observer"))  # an observer reads the figures of what is shared with it
    html = _page(client, evaluated)
    assert 'id="contribution-form"' not in html and 'id="revisions"' not in html
    login(factory.coordinator("UA"))  # a third country: no issued revision
    html = _page(client, evaluated)
    assert 'id="revisions"' not in html
    assert client.get(url + "/revisions/0.xlsx").status_code == 403
    login(factory.secretariat())  # the oversight: figures in aggregate, without links to records
    html = _page(client, evaluated)
    assert "/seizures?" not in html and 'id="narrative-form"' not in html
    assert client.post(url, data={"version": 1, "introduction": "x"}).status_code == 403


def test_an_operation_that_has_not_started_has_no_final_report(factory, client, login):
    op = factory.operation_in("planning")
    login(factory.coordinator("LT"))
    assert client.get(f"/operations/{op.id}/final-report").status_code == 403
    assert ">Final report<" not in client.get(f"/operations/{op.id}").get_data(as_text=True)
