"""User accounts: admins manage every account; coordinators and contact points manage the accounts of their own
organisation with roles up to their own (DESIGN.md §2b); accounts of other organisations answer 404 there."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from planner.auth.models import User
from planner.auth.services import check_password, service_account, update_user
from planner.core.audit import AuditEntry
from planner.core.clock import utcnow
from planner.core.errors import ValidationError
from planner.extensions import db
from tests.factories import PASSWORD
from tests.organisations.html_tables import rows_as_dicts, table
from tests.organisations.test_organisation_pages import field_errors

NEW_PASSWORD = "a brand new passphrase"


def _user(email):
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def _entries(action, object_id=None):
    db.session.expire_all()
    stmt = select(AuditEntry).where(AuditEntry.action == action)
    if object_id is not None:
        stmt = stmt.where(AuditEntry.object_id == object_id)
    return db.session.scalars(stmt.order_by(AuditEntry.id)).all()


def _new(**extra):
    return {"name": "New Officer", "email": "new.officer@lt.example", "role": "officer", "password": PASSWORD,
            **extra}


# --- my organisation: coordinators and contact points -----------------------------------------------------------

def test_coordinator_creates_an_officer_in_its_own_organisation(factory, client, login):
    coordinator = factory.coordinator("LT")
    login(coordinator)
    page = client.get("/organisation/users/new")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="organisation"' not in html  # always the own organisation
    assert 'value="officer"' in html and 'value="coordinator"' in html
    assert 'value="admin"' not in html and 'value="secretariat"' not in html
    response = client.post("/organisation/users/new", data=_new(organisation="PL"))  # the organisation is ignored
    assert response.status_code == 302 and response.headers["Location"].endswith("/organisation/users")
    user = _user("new.officer@lt.example")
    assert (user.name, user.role, user.organisation.code, user.is_active) == ("New Officer", "officer", "LT", True)
    assert check_password(user, PASSWORD)
    [entry] = _entries("user.created", user.id)
    assert entry.user_id == coordinator.id and entry.data["organisation"] == "LT" and entry.data["role"] == "officer"
    listing = client.get("/organisation/users").get_data(as_text=True)
    assert "Account new.officer@lt.example created." in listing
    assert any(r["E-mail address"] == "new.officer@lt.example" for r in rows_as_dicts(listing, "users"))


def test_coordinator_cannot_create_an_admin(factory, client, login):
    login(factory.coordinator("LT"))
    for role in ("admin", "secretariat"):
        response = client.post("/organisation/users/new", data=_new(role=role, email=f"{role}@lt.example"))
        assert response.status_code == 403
        assert "You may not create this account." in response.get_data(as_text=True)
        assert _user(f"{role}@lt.example") is None
    assert {e.data["role"] for e in _entries("user.created")} == {"coordinator"}  # only the factory's own account


def test_contact_point_cannot_create_a_coordinator(factory, client, login):
    login(factory.user("LT", "contact_point"))
    response = client.post("/organisation/users/new", data=_new(role="coordinator", email="boss@lt.example"))
    assert response.status_code == 403
    assert _user("boss@lt.example") is None
    html = client.get("/organisation/users/new").get_data(as_text=True)
    assert 'value="contact_point"' in html and 'value="coordinator"' not in html
    response = client.post("/organisation/users/new", data=_new(role="contact_point", email="peer@lt.example"))
    assert response.status_code == 302
    assert _user("peer@lt.example").role == "contact_point"


def test_contact_point_cannot_edit_or_promote_above_its_role(factory, client, login):
    contact_point = factory.user("LT", "contact_point")
    coordinator = factory.coordinator("LT")
    officer = factory.user("LT", "officer")
    login(contact_point)
    listing = client.get("/organisation/users").get_data(as_text=True)
    assert f"/organisation/users/{officer.id}/edit" in listing
    assert f"/organisation/users/{coordinator.id}/edit" not in listing
    assert client.get(f"/organisation/users/{coordinator.id}/edit").status_code == 403
    response = client.post(f"/organisation/users/{coordinator.id}/edit",
                           data={"name": "Demoted", "email": coordinator.email, "role": "officer"})
    assert response.status_code == 403
    response = client.post(f"/organisation/users/{officer.id}/edit",
                           data={"name": officer.name, "email": officer.email, "role": "coordinator", "is_active": "y"})
    assert response.status_code == 403
    assert "You may not give this role or organisation." in response.get_data(as_text=True)
    db.session.expire_all()
    assert _user(coordinator.email).name != "Demoted" and _user(officer.email).role == "officer"


def test_a_user_of_another_organisation_is_404_on_my_organisation_pages(factory, client, login):
    other = factory.user("PL", "officer")
    login(factory.coordinator("LT"))
    assert client.get(f"/organisation/users/{other.id}/edit").status_code == 404
    response = client.post(f"/organisation/users/{other.id}/edit",
                           data={"name": "Taken over", "email": other.email, "role": "officer", "is_active": "y"})
    assert response.status_code == 404
    assert client.get("/organisation/users/999999/edit").status_code == 404  # same answer as a missing account
    assert _user(other.email).name != "Taken over"
    assert _entries("user.updated") == []
    listing = client.get("/organisation/users").get_data(as_text=True)
    assert other.email not in listing


def test_my_organisation_lists_only_its_accounts_and_marks_service_accounts(factory, client, login):
    coordinator = factory.coordinator("LT")
    factory.user("PL", "officer", email="someone@pl.example")
    service_account(factory.org("LT"))
    db.session.commit()
    login(coordinator)
    page = client.get("/organisation/users")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert table(html, "users")["header"] == ["Name", "E-mail address", "Role", "Status", "Last login", "Action"]
    rows = {r["E-mail address"]: r for r in rows_as_dicts(html, "users")}
    assert set(rows) == {coordinator.email, "service+lt@planner.invalid"}
    assert "Service account" in rows["service+lt@planner.invalid"]["Name"]
    assert "API tokens only" in rows["service+lt@planner.invalid"]["Status"]


def test_coordinator_edits_an_officer_of_its_organisation(factory, client, login):
    coordinator = factory.coordinator("LT")
    officer = factory.user("LT", "officer")
    login(coordinator)
    form = client.get(f"/organisation/users/{officer.id}/edit")
    assert form.status_code == 200 and f'value="{officer.email}"' in form.get_data(as_text=True)
    response = client.post(f"/organisation/users/{officer.id}/edit", data={
        "name": "Renamed Officer", "email": officer.email, "role": "contact_point", "password": NEW_PASSWORD})
    assert response.status_code == 302
    user = _user(officer.email)
    assert (user.name, user.role, user.is_active) == ("Renamed Officer", "contact_point", False)
    assert check_password(user, NEW_PASSWORD)
    [entry] = _entries("user.updated", officer.id)
    assert entry.user_id == coordinator.id
    assert entry.data["changes"]["role"] == {"before": "officer", "after": "contact_point"}
    assert entry.data["changes"]["is_active"] == {"before": True, "after": False}
    assert entry.data["changes"]["password"] == {"before": "…", "after": "(reset)"}
    assert NEW_PASSWORD not in str(entry.data)


def test_nobody_deactivates_its_own_account(factory, client, login):
    coordinator = factory.coordinator("LT")
    login(coordinator)
    response = client.post(f"/organisation/users/{coordinator.id}/edit",
                           data={"name": coordinator.name, "email": coordinator.email, "role": "coordinator"})
    assert response.status_code == 422
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    assert _user(coordinator.email).is_active


@pytest.mark.parametrize("role", ["officer", "analyst", "observer", "secretariat"])
def test_roles_without_the_permission_get_403(factory, client, login, role):
    user = factory.user("LT", role)
    login(user)
    for url in ("/organisation/users", "/organisation/users/new", f"/organisation/users/{user.id}/edit",
                "/admin/users", "/admin/users/new", f"/admin/users/{user.id}/edit"):
        assert client.get(url).status_code == 403, url
    assert client.post("/organisation/users/new", data=_new(email="x@lt.example")).status_code == 403
    assert _user("x@lt.example") is None


def test_coordinators_cannot_use_the_admin_pages(factory, client, login):
    officer = factory.user("LT", "officer")
    login(factory.coordinator("LT"))
    assert client.get("/admin/users").status_code == 403
    assert client.get(f"/admin/users/{officer.id}/edit").status_code == 403


# --- every account: admins ------------------------------------------------------------------------------------

@pytest.fixture
def admin(factory, login):
    user = factory.user("BE", "admin")
    login(user)
    return user


def test_admin_creates_a_user_in_any_organisation_with_any_role(client, admin):
    form = client.get("/admin/users/new").get_data(as_text=True)
    assert 'name="organisation"' in form and 'value="admin"' in form
    response = client.post("/admin/users/new", data={
        "name": "Secretary", "email": "Secretary@CCWP.example", "organisation": "CCWP", "role": "secretariat",
        "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/users")
    user = _user("secretary@ccwp.example")  # addresses are stored in lower case
    assert (user.organisation.code, user.role) == ("CCWP", "secretariat")
    assert _entries("user.created", user.id)[0].user_id == admin.id


@pytest.mark.parametrize("data,field,message", [
    ({"email": "not-an-address"}, "email", "Not a valid e-mail address"),
    ({"name": ""}, "name", "A name is required."),
    ({"organisation": "NOWHERE"}, "organisation", "Unknown organisation."),
    ({"role": "king"}, "role", "Choose one of"),
    ({"password": "short"}, "password", "Use at least 12 characters."),
    ({"password": ""}, "password", "An initial password is required."),
])
def test_admin_bad_input_names_the_field(client, admin, data, field, message):
    payload = {"name": "Someone", "email": "someone@lt.example", "organisation": "LT", "role": "officer",
               "password": PASSWORD, **data}
    response = client.post("/admin/users/new", data=payload)
    assert response.status_code == 422
    errors = field_errors(response.get_data(as_text=True), field)
    assert any(message in e for e in errors), errors
    db.session.expire_all()
    assert db.session.scalar(select(func.count(User.id)).where(User.email.like("someone@%"))) == 0


def test_admin_cannot_reuse_an_address(factory, client, admin):
    existing = factory.user("LT", "officer")
    response = client.post("/admin/users/new", data={"name": "Dup", "email": existing.email.upper(),
                                                     "organisation": "PL", "role": "officer", "password": PASSWORD})
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True), "email") == ["Another account uses this address."]


def test_admin_edits_a_user_and_the_change_is_audited(factory, client, admin):
    officer = factory.user("LT", "officer")
    old_email = officer.email
    form = client.get(f"/admin/users/{officer.id}/edit").get_data(as_text=True)
    assert 'value="LT" selected' in form or 'selected value="LT"' in form
    assert 'name="unlock"' not in form  # not locked
    response = client.post(f"/admin/users/{officer.id}/edit", data={
        "name": officer.name, "email": "moved@pl.example", "organisation": "PL", "role": "coordinator",
        "is_active": "y"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/users")
    user = _user("moved@pl.example")
    assert (user.organisation.code, user.role, user.id) == ("PL", "coordinator", officer.id)
    [entry] = _entries("user.updated", officer.id)
    assert entry.user_id == admin.id
    assert entry.data["changes"] == {
        "email": {"before": old_email, "after": "moved@pl.example"},
        "organisation": {"before": "LT", "after": "PL"},
        "role": {"before": "officer", "after": "coordinator"},
    }


def test_admin_unlocks_a_locked_account(factory, client, login, admin):
    officer = factory.user("LT", "officer")
    until = utcnow() + timedelta(minutes=15)
    officer.locked_until, officer.failed_logins = until, 3
    db.session.commit()
    listing = client.get("/admin/users?q=" + officer.email).get_data(as_text=True)
    [row] = rows_as_dicts(listing, "users")
    assert "locked until" in row["Status"]
    form = client.get(f"/admin/users/{officer.id}/edit")
    html = form.get_data(as_text=True)
    assert "this account is locked until" in html and 'name="unlock"' in html
    response = client.post(f"/admin/users/{officer.id}/edit", data={
        "name": officer.name, "email": officer.email, "organisation": "LT", "role": "officer", "is_active": "y",
        "unlock": "y"})
    assert response.status_code == 302
    user = _user(officer.email)
    assert user.locked_until is None and user.failed_logins == 0
    [entry] = _entries("user.updated", officer.id)
    assert entry.user_id == admin.id
    assert entry.data["changes"]["locked_until"]["after"] is None
    assert entry.data["changes"]["locked_until"]["before"].startswith(until.date().isoformat())
    login(user)  # the account logs in again


def test_admin_resets_a_password(factory, client, login, admin):
    officer = factory.user("LT", "officer")
    response = client.post(f"/admin/users/{officer.id}/edit", data={
        "name": officer.name, "email": officer.email, "organisation": "LT", "role": "officer", "is_active": "y",
        "password": NEW_PASSWORD})
    assert response.status_code == 302
    [entry] = _entries("user.updated", officer.id)
    assert set(entry.data["changes"]) == {"password"}
    login(officer, NEW_PASSWORD)


def test_service_accounts_are_listed_marked_and_get_no_password(factory, client, admin):
    service = service_account(factory.org("DE"))
    db.session.commit()
    listing = client.get("/admin/users?organisation=DE").get_data(as_text=True)
    [row] = rows_as_dicts(listing, "users")
    assert "Service account" in row["Name"]
    form = client.get(f"/admin/users/{service.id}/edit").get_data(as_text=True)
    assert "has no password" in form
    assert 'name="password"' not in form and 'name="email"' not in form and 'name="role"' not in form
    response = client.post(f"/admin/users/{service.id}/edit", data={
        "name": "DE customs risk system", "is_active": "y", "password": NEW_PASSWORD, "role": "admin"})
    assert response.status_code == 302
    user = _user(service.email)
    assert (user.name, user.role, user.password_hash) == ("DE customs risk system", "officer", None)
    # The rule is the service's, so the API cannot give one either.
    with pytest.raises(ValidationError) as error:
        update_user(admin, user, {"password": NEW_PASSWORD})
    assert "password" in error.value.errors
    db.session.rollback()


def test_admin_list_filters_and_pages(factory, client, admin):
    lt = factory.org("LT")
    for n in range(55):
        db.session.add(User(email=f"bulk{n:02d}@lt.example", name=f"Bulk {n:02d}", organisation=lt, role="officer",
                            is_active_account=n % 5 != 0))
    factory.user("PL", "contact_point", email="alice@pl.example", name="Alice Kowalska")
    db.session.commit()

    def emails(query):
        response = client.get("/admin/users" + query)
        assert response.status_code == 200
        return [r["E-mail address"] for r in rows_as_dicts(response.get_data(as_text=True), "users")]

    assert emails("?organisation=PL") == ["alice@pl.example"]
    assert emails("?q=kowal") == ["alice@pl.example"]
    assert emails("?q=ALICE@PL") == ["alice@pl.example"]
    assert emails("?role=contact_point") == ["alice@pl.example"]
    assert emails("?organisation=LT&active=no") == [f"bulk{n:02d}@lt.example" for n in range(0, 55, 5)]
    assert emails("?q=%25") == []  # the wildcard is searched as text
    first, second = emails("?organisation=LT"), emails("?organisation=LT&page=2")
    assert len(first) == 50 and len(second) == 5 and not set(first) & set(second)
    assert emails("?organisation=LT&page=999") == second  # clamped to the last page
    assert emails("?organisation=LT&page=abc") == first
    assert "44 users" in client.get("/admin/users?organisation=LT&active=yes").get_data(as_text=True)
    # The page links keep the filters.
    html = client.get("/admin/users?organisation=LT").get_data(as_text=True)
    links = re.findall(r'href="(/admin/users\?[^"]*page=2[^"]*)"', html)
    assert links and all("organisation=LT" in link for link in links)


def test_admin_may_reach_any_account_from_the_own_organisation_pages(factory, client, admin):
    other = factory.user("PL", "officer")
    page = client.get(f"/organisation/users/{other.id}/edit")
    assert page.status_code == 200 and other.email in page.get_data(as_text=True)
    listing = client.get("/organisation/users").get_data(as_text=True)
    assert admin.email in listing and other.email not in listing


def test_admin_unknown_user_is_404(client, admin):
    assert client.get("/admin/users/999999/edit").status_code == 404
