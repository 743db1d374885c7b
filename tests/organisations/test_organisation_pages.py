"""The admins' organisation pages: list, create, edit; one validation (the service) with errors beside each field;
user text escaped on output; every change audited with before/after."""
import pytest
from sqlalchemy import func, select

from planner.core.audit import AuditEntry
from planner.extensions import db
from planner.organisations.models import Organisation
from tests.organisations.html_tables import rows_as_dicts, table


def _org(code):
    db.session.expire_all()
    return db.session.scalar(select(Organisation).where(Organisation.code == code))


def field_errors(html, field):
    """The error messages shown beside a field (the element the input's aria-describedby points at)."""
    import re

    return [re.sub(r"<[^>]+>", "", m) for m in re.findall(rf'id="{field}-err">(.*?)</div>', html)]


def _entries(action):
    db.session.expire_all()
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


@pytest.fixture
def admin(factory, login):
    user = factory.user("BE", "admin")
    login(user)
    return user


def test_list_has_a_header_row_and_counts_people(factory, client, admin):
    factory.user("LT", "officer")
    factory.user("LT", "contact_point")
    from planner.auth.services import service_account

    service_account(factory.org("LT"))  # a national system is not a person
    db.session.commit()
    page = client.get("/admin/organisations")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert table(html, "organisations")["header"][:6] == ["Code", "Name", "Kind", "Country", "Active",
                                                          "Number of users"]
    rows = {r["Code"]: r for r in rows_as_dicts(html, "organisations")}
    assert rows["LT"]["Number of users"] == "2"
    assert rows["LT"]["Kind"] == "Customs administration" and rows["LT"]["Country"] == "LT"
    assert rows["OLAF"]["Country"] == "" and rows["OLAF"]["Active"] == "Yes"
    assert rows["BE"]["Number of users"] == "1"


def test_admin_creates_an_organisation(client, admin):
    response = client.post("/admin/organisations/new", data={
        "code": "IT-GDF", "name": "Guardia di Finanza", "kind": "law_enforcement", "country": "IT", "is_active": "y",
    })
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/organisations")
    org = _org("IT-GDF")
    assert (org.name, org.kind, org.country, org.is_active) == ("Guardia di Finanza", "law_enforcement", "IT", True)
    [entry] = _entries("organisation.created")
    assert entry.user_id == admin.id and entry.object_id == org.id
    assert entry.data == {"code": "IT-GDF", "name": "Guardia di Finanza", "kind": "law_enforcement", "country": "IT",
                          "is_active": True}
    listing = client.get("/admin/organisations").get_data(as_text=True)
    assert "Guardia di Finanza" in listing and "Organisation IT-GDF created." in listing


def test_admin_creates_an_agency_without_country(client, admin):
    response = client.post("/admin/organisations/new", data={
        "code": "EPPO", "name": "European Public Prosecutor's Office", "kind": "agency", "country": "",
        "is_active": "y",
    })
    assert response.status_code == 302
    assert _org("EPPO").country is None


def test_admin_edits_an_organisation_with_before_and_after_in_the_audit(client, admin):
    org = _org("LT")
    form = client.get(f"/admin/organisations/{org.id}/edit")
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    assert 'name="code"' not in html and "fixed once created" in html  # the code cannot be changed
    assert 'value="LT" selected' in html or 'selected value="LT"' in html
    response = client.post(f"/admin/organisations/{org.id}/edit", data={
        "code": "XX", "name": "Lithuanian Customs", "kind": "customs", "country": "LT",  # is_active unticked
    })
    assert response.status_code == 302
    org = _org("LT")
    assert org is not None and org.name == "Lithuanian Customs" and org.is_active is False
    assert _org("XX") is None
    [entry] = _entries("organisation.updated")
    assert entry.user_id == admin.id and entry.object_id == org.id
    assert entry.data["changes"]["name"]["after"] == "Lithuanian Customs"
    assert entry.data["changes"]["name"]["before"].startswith("Lithuania")
    assert entry.data["changes"]["is_active"] == {"before": True, "after": False}
    assert set(entry.data["changes"]) == {"name", "is_active"}


def test_saving_without_changes_writes_no_audit_entry(client, admin):
    org = _org("PL")
    response = client.post(f"/admin/organisations/{org.id}/edit", data={
        "name": org.name, "kind": org.kind, "country": org.country, "is_active": "y"})
    assert response.status_code == 302
    assert _entries("organisation.updated") == []


@pytest.mark.parametrize("data,field,message", [
    ({"code": "it-gdf", "name": "Guardia di Finanza", "kind": "law_enforcement", "country": "IT"},
     "code", "Codes are upper-case: write IT-GDF."),
    ({"code": "DE", "name": "Another German customs", "kind": "customs", "country": "DE"},
     "code", "An organisation with this code exists already."),
    ({"code": "EL", "name": "Greek customs again", "kind": "customs", "country": "GR"},  # EL is an alias of GR
     "code", "An organisation with this code exists already."),
    ({"code": "NEWCUSTOMS", "name": "Customs without a country", "kind": "customs", "country": ""},
     "country", "A national service needs its country."),
    ({"code": "FR-DNRED", "name": "French intelligence service", "kind": "customs", "country": "DE"},
     "code", "A national service&#39;s code starts with its country&#39;s code: DE or DE-SUFFIX."),
    ({"code": "D E", "name": "Spaces", "kind": "customs", "country": "DE"}, "code", "Use an upper-case code"),
    ({"code": "", "name": "No code", "kind": "agency", "country": ""}, "code", "Use an upper-case code"),
    ({"code": "NEW", "name": "  ", "kind": "agency", "country": ""}, "name", "A name is required."),
    ({"code": "NEW", "name": "x" * 201, "kind": "agency", "country": ""}, "name", "limited to 200 characters"),
    ({"code": "NEW", "name": "New", "kind": "navy", "country": ""}, "kind", "Choose one of"),
    ({"code": "NEW", "name": "New", "kind": "agency", "country": "ZZ"}, "country", "Unknown country code"),
])
def test_bad_input_is_refused_with_the_error_beside_the_field(client, admin, data, field, message):
    count = db.session.scalar(select(func.count(Organisation.id)))
    response = client.post("/admin/organisations/new", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    # The message sits beside its field (the input is marked invalid and points at it).
    assert any(message in m for m in field_errors(html, field)), field_errors(html, field)
    assert f'aria-describedby="{field}-err"' in html
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Organisation.id))) == count
    assert _entries("organisation.created") == []


def test_editing_a_national_service_into_another_country_is_refused(client, admin):
    org = _org("LT")
    response = client.post(f"/admin/organisations/{org.id}/edit", data={
        "name": org.name, "kind": "customs", "country": "LV", "is_active": "y"})
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True), "country") == [
        "A national service&#39;s code starts with its country&#39;s code: LV or LV-SUFFIX."]
    assert _org("LT").country == "LT"


def test_script_in_a_name_is_stored_as_text_and_escaped_on_output(client, admin):
    name = '<script>alert("x")</script> Customs & Excise'
    response = client.post("/admin/organisations/new", data={
        "code": "AGENCYX", "name": name, "kind": "agency", "country": "", "is_active": "y"})
    assert response.status_code == 302
    assert _org("AGENCYX").name == name  # stored as typed
    for url in ("/admin/organisations", f"/admin/organisations/{_org('AGENCYX').id}/edit", "/admin/audit",
                "/admin/users/new"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html, url
        assert "&lt;script&gt;alert(" in html, url


def test_unknown_organisation_is_404(client, admin):
    assert client.get("/admin/organisations/999999/edit").status_code == 404
    assert client.post("/admin/organisations/999999/edit", data={"name": "x"}).status_code == 404


@pytest.mark.parametrize("role", ["coordinator", "contact_point", "secretariat", "officer"])
def test_only_admins_manage_organisations(factory, client, login, role):
    login(factory.user("LT", role))
    org = _org("LT")
    assert client.get("/admin/organisations").status_code == 403
    assert client.get("/admin/organisations/new").status_code == 403
    response = client.post("/admin/organisations/new", data={"code": "NEW", "name": "New", "kind": "agency"})
    assert response.status_code == 403
    response = client.post(f"/admin/organisations/{org.id}/edit", data={"name": "Hacked", "kind": "customs",
                                                                         "country": "LT"})
    assert response.status_code == 403
    assert _org("NEW") is None and _org("LT").name != "Hacked"


def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get("/admin/organisations")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_form_needs_a_csrf_token_when_protection_is_on(admin, csrf_app, client):
    response = client.post("/admin/organisations/new", data={"code": "NEW", "name": "New", "kind": "agency"})
    assert response.status_code == 400
    assert "CSRF token" in response.get_data(as_text=True)
    assert _org("NEW") is None
