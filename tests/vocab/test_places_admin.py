import pytest
from sqlalchemy import select

from planner.core.audit import AuditEntry
from planner.extensions import db
from planner.vocab.models import Place

GOOD = {"code": "NLAMS", "name": "Amsterdam", "country": "NL", "location_type": "seaport", "subdivision": "NH"}


def _place(code):
    db.session.expire_all()
    return db.session.scalar(select(Place).where(Place.code == code))


def test_admin_adds_a_place(app_ctx, admin_client):
    response = admin_client.post("/admin/vocab/places/new", data=dict(GOOD, code=" nlams "))
    assert response.status_code == 302
    place = _place("NLAMS")
    assert (place.name, place.country, place.location_type, place.subdivision, place.source, place.is_active) == \
        ("Amsterdam", "NL", "seaport", "NH", "admin", True)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "place.created"))
    assert entry.object_id == place.id and entry.data["code"] == "NLAMS"
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Amsterdam" in page and "NLAMS" in page


@pytest.mark.parametrize("changes, field_message", [
    ({"code": "NL-AM"}, "is not a UN/LOCODE"),
    ({"code": "NLAM1"}, "is not a UN/LOCODE"),
    ({"code": ""}, "Enter the UN/LOCODE"),
    ({"country": "FR"}, "belongs to country NL, not FR"),
    ({"country": "ZZ"}, "not an ISO 3166 country"),
    ({"location_type": "harbour"}, "is not a location type"),
    ({"location_type": ""}, "Choose the location type"),
    ({"name": "  "}, "Enter the name"),
    ({"code": "NLRTM", "name": "Rotterdam again"}, "in the list already"),
])
def test_bad_places_are_refused_with_a_reason(app_ctx, admin_client, changes, field_message):
    before = db.session.scalar(select(db.func.count(Place.id)))
    response = admin_client.post("/admin/vocab/places/new", data=dict(GOOD, **changes))
    assert response.status_code == 422
    assert field_message in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(Place.id))) == before
    assert _place("NLRTM").name == "Rotterdam"


def test_add_form_has_labels(admin_client):
    page = admin_client.get("/admin/vocab/places/new").get_data(as_text=True)
    for field in ("code", "name", "country", "location_type", "subdivision"):
        assert f'<label class="form-label" for="{field}"' in page


def test_deactivate_and_reactivate(app_ctx, admin_client):
    place = _place("NLRTM")
    response = admin_client.post(f"/admin/vocab/places/{place.id}/deactivate",
                                 data={"next": "/admin/vocab/places?country=NL"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/vocab/places?country=NL")
    assert _place("NLRTM").is_active is False
    page = admin_client.get("/admin/vocab/places?country=NL").get_data(as_text=True)
    assert "is deactivated" in page
    assert 'id="place-NLRTM"' not in page  # the list shows active places by default
    page = admin_client.get("/admin/vocab/places?country=NL&status=inactive").get_data(as_text=True)
    assert 'id="place-NLRTM"' in page and "Reactivate NLRTM" in page
    admin_client.post(f"/admin/vocab/places/{place.id}/reactivate", data={"next": "https://evil.example/"})
    assert _place("NLRTM").is_active is True
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "place",
                                                                 AuditEntry.object_id == place.id)
                                 .order_by(AuditEntry.id)).all()  # without ORDER BY, PostgreSQL may return any order
    assert actions == ["place.deactivated", "place.reactivated"]


def test_list_filters_and_pages(admin_client):
    page = admin_client.get("/admin/vocab/places?country=LT&type=land_border").get_data(as_text=True)
    assert "Medininkai" in page and "Kena" not in page and "Rotterdam" not in page
    assert "<th scope=\"col\">" in page
    page = admin_client.get("/admin/vocab/places?q=rotter").get_data(as_text=True)
    assert "NLRTM" in page and "DEHAM" not in page
    first = admin_client.get("/admin/vocab/places").get_data(as_text=True)
    second = admin_client.get("/admin/vocab/places?page=2").get_data(as_text=True)
    assert "page 1 of" in first and "page 2 of" in second
    assert "ALSAR" in first and "ALSAR" not in second
    assert admin_client.get("/admin/vocab/places?page=999&country=ZZ&type=nonsense").status_code == 200


ROUTES = [
    ("get", "/admin/vocab/"),
    ("get", "/admin/vocab/places"),
    ("get", "/admin/vocab/places/new"),
    ("post", "/admin/vocab/places/new"),
    ("post", "/admin/vocab/places/1/deactivate"),
    ("post", "/admin/vocab/places/1/reactivate"),
    ("get", "/admin/vocab/places/import"),
    ("post", "/admin/vocab/places/import"),
    ("get", "/admin/vocab/terms"),
    ("post", "/admin/vocab/terms/new"),
    ("get", "/admin/vocab/terms/1/edit"),
    ("post", "/admin/vocab/terms/1/edit"),
    ("post", "/admin/vocab/terms/1/deactivate"),
    ("post", "/admin/vocab/terms/1/reactivate"),
]


@pytest.mark.parametrize("role", ["coordinator", "secretariat", "contact_point", "officer", "analyst", "observer"])
def test_other_roles_get_403(app_ctx, factory, login, role):
    client = login(factory.user("LT", role))
    for method, url in ROUTES:
        response = getattr(client, method)(url, data=dict(GOOD))
        assert response.status_code == 403, (role, method, url)
    assert _place("NLAMS") is None


def test_anonymous_users_are_sent_to_log_in(client):
    for method, url in ROUTES:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_every_vocab_route_declares_admin_vocab(app):
    from planner.core.permissions import declared_permission

    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("vocab.")]
    assert {r.endpoint for r in rules} >= {"vocab.places", "vocab.add_place", "vocab.import_places", "vocab.terms"}
    for rule in rules:
        assert declared_permission(app.view_functions[rule.endpoint]) == "admin.vocab", rule.endpoint


def test_navigation_links_to_the_vocabularies(admin_client):
    assert 'href="/admin/vocab/places"' in admin_client.get("/").get_data(as_text=True)


def test_csrf_is_required(csrf_app, app_ctx, admin):
    client = csrf_app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    import re

    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page)
    token = token.group(1) if token else re.search(r'name="csrf_token" value="([^"]+)"', login_page).group(1)
    from tests.factories import PASSWORD

    assert client.post("/login", data={"email": admin.email, "password": PASSWORD, "csrf_token": token}).status_code == 302
    assert client.post("/admin/vocab/places/new", data=GOOD).status_code in (400, 422)
    assert _place("NLAMS") is None


def test_country_aliases_are_understood(app_ctx, admin_client):
    response = admin_client.post("/admin/vocab/places/new", data={
        "code": "GRPIR", "name": "Peiraias (Piraeus)", "country": "EL", "location_type": "seaport"})
    assert response.status_code == 302
    assert _place("GRPIR").country == "GR"


def test_services_refuse_non_admins(app_ctx, factory):
    from planner.core.errors import PermissionDenied
    from planner.vocab.services import add_place, import_unlocode

    coordinator = factory.user("LT", "coordinator")
    with pytest.raises(PermissionDenied):
        add_place(coordinator, GOOD)
    with pytest.raises(PermissionDenied):
        import_unlocode(coordinator, "x.csv", b',"NL","AMS","Amsterdam","Amsterdam","NH","AI","1-------",,,,\n')
