from sqlalchemy import select

from planner.core.audit import AuditEntry
from planner.extensions import db
from planner.vocab import queries
from planner.vocab.codes import COMMODITY_CATEGORY, COMMODITY_TYPE, CONCEALMENT_METHOD
from planner.vocab.models import VocabularyTerm
from planner.vocab.services import load_vocabularies


def _term(vocabulary, code, parent=""):
    db.session.expire_all()
    return db.session.scalar(select(VocabularyTerm).where(
        VocabularyTerm.vocabulary == vocabulary, VocabularyTerm.code == code, VocabularyTerm.parent_code == parent))


def test_terms_page_lists_everything(admin_client):
    page = admin_client.get("/admin/vocab/terms").get_data(as_text=True)
    for text in ("Commodity categories", "Concealment methods", "Cover load", "New psychoactive substances",
                 "Transport modes", "Detection methods", "Units", "1 t = 1000 kg", 'scope="col"',
                 '<label class="form-label" for="code"', "Rename drugs.nps", "Deactivate cover_load", "Deactivate waste.other"):
        assert text in page, text


def test_admin_adds_a_category_a_type_and_a_concealment_method(app_ctx, admin_client):
    response = admin_client.post("/admin/vocab/terms/new", data={
        "vocabulary": COMMODITY_CATEGORY, "code": "cosmetics", "label": "Cosmetics"})
    assert response.status_code == 302
    response = admin_client.post("/admin/vocab/terms/new", data={
        "vocabulary": COMMODITY_TYPE, "parent_code": "cosmetics", "code": "skin_whitening",
        "label": "Skin-whitening creams"})
    assert response.status_code == 302
    response = admin_client.post("/admin/vocab/terms/new", data={
        "vocabulary": CONCEALMENT_METHOD, "parent_code": "drugs", "code": "tyres", "label": "Inside tyres"})
    assert response.status_code == 302
    assert queries.is_valid(COMMODITY_TYPE, "skin_whitening", parent="cosmetics")
    assert queries.is_valid(CONCEALMENT_METHOD, "tyres")
    assert _term(CONCEALMENT_METHOD, "tyres").parent_code == ""
    assert queries.vocabulary(CONCEALMENT_METHOD)[-1].code == "other"  # "other" stays last
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action == "vocabulary_term.created")).all()
    assert len(actions) == 3


def test_bad_terms_are_refused(app_ctx, admin_client):
    cases = [
        ({"vocabulary": CONCEALMENT_METHOD, "code": "Glass Eels", "label": "x"}, "lower-case letters"),
        ({"vocabulary": CONCEALMENT_METHOD, "code": "", "label": "x"}, "Enter the code"),
        ({"vocabulary": CONCEALMENT_METHOD, "code": "new_one", "label": ""}, "Enter the label"),
        ({"vocabulary": CONCEALMENT_METHOD, "code": "cover_load", "label": "Cover again"}, "exists already"),
        ({"vocabulary": CONCEALMENT_METHOD, "code": "cover", "label": "cover load"}, "has the label"),
        ({"vocabulary": COMMODITY_TYPE, "code": "crack", "label": "Crack"}, "Choose the category"),
        ({"vocabulary": COMMODITY_TYPE, "parent_code": "sweets", "code": "crack", "label": "Crack"},
         "not a commodity category"),
        ({"vocabulary": "modus_operandi", "code": "smuggling", "label": "Smuggling"}, "Choose a vocabulary"),
    ]
    count = db.session.scalar(select(db.func.count(VocabularyTerm.id)))
    for data, message in cases:
        response = admin_client.post("/admin/vocab/terms/new", data=data)
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True), (data, message)
    assert db.session.scalar(select(db.func.count(VocabularyTerm.id))) == count


def test_rename_keeps_the_code_and_survives_reseeding(app_ctx, admin_client):
    term = _term(COMMODITY_TYPE, "nps", "drugs")
    assert admin_client.get(f"/admin/vocab/terms/{term.id}/edit").status_code == 200
    response = admin_client.post(f"/admin/vocab/terms/{term.id}/edit", data={"label": "NPS (designer drugs)"})
    assert response.status_code == 302
    load_vocabularies()
    db.session.commit()
    assert _term(COMMODITY_TYPE, "nps", "drugs").label == "NPS (designer drugs)"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "vocabulary_term.renamed"))
    assert entry.data == {"label": {"before": "New psychoactive substances", "after": "NPS (designer drugs)"}}
    response = admin_client.post(f"/admin/vocab/terms/{term.id}/edit", data={"label": "Cocaine"})
    assert response.status_code == 422 and "has the label" in response.get_data(as_text=True)
    response = admin_client.post(f"/admin/vocab/terms/{term.id}/edit", data={"label": " "})
    assert response.status_code == 422 and "Enter the label" in response.get_data(as_text=True)


def test_deactivate_and_reactivate_a_term(app_ctx, admin_client):
    term = _term(CONCEALMENT_METHOD, "cover_load")
    assert admin_client.post(f"/admin/vocab/terms/{term.id}/deactivate").status_code == 302
    assert not queries.is_valid(CONCEALMENT_METHOD, "cover_load")
    load_vocabularies()
    db.session.commit()
    assert _term(CONCEALMENT_METHOD, "cover_load").is_active is False  # seeding does not revive it
    page = admin_client.get("/admin/vocab/terms").get_data(as_text=True)
    assert "Reactivate cover_load" in page
    assert admin_client.post(f"/admin/vocab/terms/{term.id}/reactivate").status_code == 302
    assert queries.is_valid(CONCEALMENT_METHOD, "cover_load")
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "vocabulary_term")
                                 .order_by(AuditEntry.id)).all()
    assert actions == ["vocabulary_term.deactivated", "vocabulary_term.reactivated"]


def test_unknown_term_is_404(admin_client):
    assert admin_client.get("/admin/vocab/terms/999999/edit").status_code == 404
    assert admin_client.post("/admin/vocab/terms/999999/deactivate").status_code == 404
    assert admin_client.post("/admin/vocab/places/999999/deactivate").status_code == 404
