"""The admins' audit page: newest first, filters, server-side paging, readable before/after, clear messages for
bad filters (never a 500)."""
from datetime import datetime, timezone

import pytest

from planner.core.audit import AuditEntry, log_action
from planner.extensions import db
from tests.organisations.html_tables import rows_as_dicts, table


def at(day, hour=12):
    return datetime(2026, 3, day, hour, 0, tzinfo=timezone.utc)


@pytest.fixture
def admin(factory, login):
    user = factory.user("BE", "admin")
    login(user)
    return user


@pytest.fixture
def history(factory, admin):
    """A small history: LT and PL people acting on various days (created_at set explicitly)."""
    db.session.query(AuditEntry).delete()  # forget the factory's own entries
    lt = factory.user("LT", "coordinator", email="anna@lt.example", name="Anna")
    pl = factory.user("PL", "contact_point", email="piotr@pl.example", name="Piotr")
    db.session.query(AuditEntry).delete()
    org_lt, org_pl = factory.org("LT"), factory.org("PL")
    log_action(org_lt, "organisation.updated", lt, now=at(1),
               data={"changes": {"name": {"before": "Lithuania customs", "after": "Lithuanian Customs"}}})
    log_action(pl, "user.updated", pl, now=at(2),
               data={"changes": {"is_active": {"before": True, "after": False}, "role": {"before": "officer",
                                                                                      "after": None}}})
    log_action(org_pl, "organisation.created", pl, now=at(3), data={"code": "PL", "country": "PL"})
    log_action(lt, "user.logged_in", lt, now=at(4, 23))
    log_action(lt, "user.password_changed", lt, now=at(5, 0))
    db.session.commit()
    return {"lt": lt, "pl": pl}


def actions(client, query=""):
    response = client.get("/admin/audit" + query)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return [row["Action"] for row in rows_as_dicts(response.get_data(as_text=True), "audit")]


def test_newest_first_with_a_header_row(client, history):
    html = client.get("/admin/audit").get_data(as_text=True)
    assert table(html, "audit")["header"] == ["When", "Who", "Action", "Object", "Details", "IP address"]
    assert actions(client) == ["user.password_changed", "user.logged_in", "organisation.created", "user.updated",
                               "organisation.updated"]
    first = rows_as_dicts(html, "audit")[0]
    assert first["When"] == "2026-03-05 00:00:00 UTC"
    assert "Anna" in first["Who"] and "anna@lt.example" in first["Who"] and "(LT)" in first["Who"]


def test_filter_by_organisation(client, history):
    assert actions(client, "?organisation=PL") == ["organisation.created", "user.updated"]
    assert actions(client, "?organisation=lt") == ["user.password_changed", "user.logged_in", "organisation.updated"]
    assert actions(client, "?organisation=EL") == []  # an alias of GR: a known organisation, no entries


def test_filter_by_action_prefix(client, history):
    assert actions(client, "?action=organisation.") == ["organisation.created", "organisation.updated"]
    assert actions(client, "?action=user") == ["user.password_changed", "user.logged_in", "user.updated"]
    assert actions(client, "?action=user.logged_in") == ["user.logged_in"]
    assert actions(client, "?action=user_") == []  # "_" is a letter here, not a LIKE wildcard


def test_filter_by_date_range_in_utc(client, history):
    assert actions(client, "?date_from=2026-03-02&date_to=2026-03-03") == ["organisation.created", "user.updated"]
    assert actions(client, "?date_from=2026-03-04") == ["user.password_changed", "user.logged_in"]
    # "to" includes its whole day (23:00 UTC on the 4th), and nothing of the next (00:00 on the 5th).
    assert actions(client, "?date_to=2026-03-04")[0] == "user.logged_in"
    assert actions(client, "?date_from=2026-03-05&date_to=2026-03-05") == ["user.password_changed"]
    assert actions(client, "?date_to=9999-12-31") != []


def test_filter_by_user_and_object(client, history):
    lt, pl = history["lt"], history["pl"]
    assert actions(client, "?user=piotr@pl.example") == ["organisation.created", "user.updated"]
    assert actions(client, "?user=PIOTR@PL.EXAMPLE") == ["organisation.created", "user.updated"]
    assert actions(client, f"?user={lt.id}") == ["user.password_changed", "user.logged_in", "organisation.updated"]
    assert actions(client, "?object_type=organisation") == ["organisation.created", "organisation.updated"]
    assert actions(client, f"?object_type=user&object_id={pl.id}") == ["user.updated"]
    assert actions(client, "?organisation=LT&action=user.&date_from=2026-03-05") == ["user.password_changed"]


def test_before_and_after_are_shown_readably(client, history):
    html = client.get("/admin/audit?action=user.updated").get_data(as_text=True)
    [row] = rows_as_dicts(html, "audit")
    details = row["Details"]
    assert "Field Before After" in details
    assert "is_active yes no" in details
    assert "role officer (empty)" in details
    html = client.get("/admin/audit?action=organisation.created").get_data(as_text=True)
    [row] = rows_as_dicts(html, "audit")
    assert "code PL" in row["Details"] and "country PL" in row["Details"]


def test_an_edit_made_on_the_pages_shows_on_the_audit_page(factory, client, admin):
    org = factory.org("LV")
    response = client.post(f"/admin/organisations/{org.id}/edit", data={
        "name": "Latvian State Revenue Service", "kind": "customs", "country": "LV", "is_active": "y"})
    assert response.status_code == 302
    html = client.get(f"/admin/audit?object_type=organisation&object_id={org.id}").get_data(as_text=True)
    [row] = rows_as_dicts(html, "audit")
    assert row["Action"] == "organisation.updated" and admin.name in row["Who"]
    assert "name Latvia customs administration Latvian State Revenue Service" in row["Details"]


def test_user_data_is_escaped(factory, client, admin):
    org = factory.org("LT")
    log_action(org, "organisation.updated", admin,
               data={"changes": {"name": {"before": "x", "after": "<script>alert(1)</script>"}},
                     "note": {"nested": "<img src=x onerror=alert(1)>"}})
    db.session.commit()
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("query,field,message", [
    ("?date_from=2026-13-01", "date_from", "From (date, UTC): there is no such day."),
    ("?date_from=yesterday", "date_from", "From (date, UTC): not a date; write it as YYYY-MM-DD"),
    ("?date_from=1.3.2026", "date_from", "From (date, UTC): not a date; write it as YYYY-MM-DD"),
    ("?date_to=2026-02-30", "date_to", "To (date, UTC, inclusive): there is no such day."),
    ("?date_from=2026-03-05&date_to=2026-03-01", "date_to", "the end date is before the start date"),
    ("?object_id=abc", "object_id", "Object id: give a whole number."),
    ("?object_id=99999999999999999999999", "object_id", "Object id: give a whole number."),
    ("?user=nobody@nowhere.example", "user", "no account has this e-mail address"),
    ("?user=nobody", "user", "give an e-mail address or a user id"),
    ("?organisation=NOWHERE", "organisation", "no organisation has this code"),
    ("?object_type=drop table", "object_type", "use a type such as operation"),
    ("?action=%25", "action", "Action starts with: use lower-case words and dots"),
])
def test_bad_filters_get_a_clear_message_naming_the_field(client, history, query, field, message):
    response = client.get("/admin/audit" + query)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html.replace("&#39;", "'")
    assert f'id="f-{field}-err"' in html and f'href="#f-{field}"' in html
    assert rows_as_dicts(html, "audit") == []  # no rows it did not ask for
    assert "No entries shown: the filters are not valid." in html


def test_server_side_paging_by_100(factory, client, admin):
    org = factory.org("LT")
    db.session.query(AuditEntry).delete()
    for n in range(105):
        log_action(org, f"test.entry_{n:03d}", admin, now=datetime(2026, 1, 1, 0, n // 60, n % 60, tzinfo=timezone.utc))
    db.session.commit()
    page1 = actions(client)
    assert len(page1) == 100 and page1[0] == "test.entry_104" and page1[-1] == "test.entry_005"
    page2 = actions(client, "?page=2")
    assert page2 == [f"test.entry_{n:03d}" for n in range(4, -1, -1)]
    assert actions(client, "?page=99") == page2  # clamped
    assert actions(client, "?page=-3") == page1
    html = client.get("/admin/audit?action=test.&page=1").get_data(as_text=True)
    assert "105 entries" in html and "Page 1 of 2" in html
    assert 'href="/admin/audit?page=2&amp;action=test."' in html  # the links keep the filters


@pytest.mark.parametrize("role", ["officer", "coordinator", "contact_point", "secretariat", "analyst", "observer"])
def test_only_admins_see_the_audit(factory, client, login, role):
    login(factory.user("LT", role))
    response = client.get("/admin/audit")
    assert response.status_code == 403
    assert "user.created" not in response.get_data(as_text=True)


def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get("/admin/audit")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
