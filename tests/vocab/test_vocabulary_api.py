import re

import pytest
from sqlalchemy import select

from planner.extensions import db
from planner.vocab import queries
from planner.vocab.codes import (
    COMMODITY_CATEGORIES, COMMODITY_CATEGORY, COMMODITY_TYPE, CONCEALMENT_METHOD, CONCEALMENT_METHODS,
    DETECTION_METHOD, EQUIPMENT, FIXED_VOCABULARIES, LOCATION_TYPE, SELECTION_BASIS, TRANSPORT_MODE,
)
from planner.vocab.models import VocabularyTerm
from planner.vocab.services import load_vocabularies

SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")


def test_codes_are_lower_snake_case():
    for enum in FIXED_VOCABULARIES.values():
        assert all(SNAKE.match(code) for code in enum.codes()), enum
    for category, _label, types in COMMODITY_CATEGORIES:
        assert SNAKE.match(category)
        assert all(SNAKE.match(code) for code, _ in types)
    assert all(SNAKE.match(code) for code, _ in CONCEALMENT_METHODS)


def test_fixed_vocabularies_hold_the_agreed_codes():
    assert queries.codes_of(TRANSPORT_MODE) == {"air_cargo", "air_passenger", "sea_container", "sea_other", "road",
                                                "rail", "postal"}
    assert queries.codes_of(LOCATION_TYPE) == {"seaport", "airport", "land_border", "rail_border", "postal_hub",
                                               "inland", "free_zone", "at_sea", "online"}
    assert queries.codes_of(DETECTION_METHOD) == {"risk_profile", "intelligence", "scanner", "detector_dog", "random",
                                                  "document_check", "mobile_unit", "other"}
    assert queries.codes_of(SELECTION_BASIS) == {"risk_profile", "intelligence", "random", "other"}
    assert {"scanner", "detector_dog", "mobile_unit"} <= queries.codes_of(EQUIPMENT)
    assert queries.codes_of("unit") == {"kg", "g", "t", "l", "ml", "pcs", "EUR"}


def test_seeded_commodities_and_concealment_methods(app_ctx):
    assert queries.codes_of(COMMODITY_CATEGORY) == {
        "drugs", "cigarettes", "tobacco", "alcohol", "fuel", "counterfeit", "medicines", "pesticides", "waste", "ods",
        "cites", "cultural_goods", "weapons", "dual_use", "precursors", "cash", "other"}
    assert {"cocaine", "heroin", "cannabis", "synthetic_drugs", "nps", "other"} <= {t.code for t in queries.types_of("drugs")}
    assert {"raw_tobacco", "hand_rolling", "water_pipe", "other"} <= {t.code for t in queries.types_of("tobacco")}
    assert [t.code for t in queries.types_of("cigarettes")] == ["cigarettes"]
    assert {"spirits", "beer", "wine", "ethanol"} <= {t.code for t in queries.types_of("alcohol")}
    assert {"cover_load", "built_in_compartment", "misdeclaration", "body_baggage", "rip_on_rip_off",
            "vehicle_manipulation"} <= queries.codes_of(CONCEALMENT_METHOD)
    assert queries.vocabulary(CONCEALMENT_METHOD)[-1].code == "other"
    assert queries.types_of("drugs")[-1].code == "other"
    assert queries.label_of(COMMODITY_TYPE, "nps", parent="drugs") == "New psychoactive substances"


def test_validation_helpers(app_ctx):
    assert queries.is_valid(COMMODITY_CATEGORY, "drugs")
    assert queries.is_valid(COMMODITY_TYPE, "cocaine", parent="drugs")
    assert not queries.is_valid(COMMODITY_TYPE, "cocaine", parent="tobacco")
    assert queries.is_valid(COMMODITY_TYPE, "cocaine")  # in some category
    assert queries.is_valid(DETECTION_METHOD, "detector_dog")
    assert not queries.is_valid(DETECTION_METHOD, "dog")
    assert not queries.is_valid(LOCATION_TYPE, "")
    assert queries.term_error(DETECTION_METHOD, "scanner") is None
    assert "dog" in queries.term_error(DETECTION_METHOD, "dog")
    message = queries.term_error(COMMODITY_TYPE, "cocaine", parent="tobacco")
    assert "cocaine" in message and "raw_tobacco" in message
    assert "not a commodity category" in queries.term_error(COMMODITY_TYPE, "x", parent="nothing")
    assert ("drugs", "cocaine") in queries.codes_of(COMMODITY_TYPE)
    assert ("seaport", queries.label_of(LOCATION_TYPE, "seaport")) in queries.choices(LOCATION_TYPE)
    with pytest.raises(ValueError):
        queries.is_valid("colours", "red")


def test_inactive_terms_are_no_longer_valid_but_keep_their_label(app_ctx):
    term = db.session.scalar(select(VocabularyTerm).where(VocabularyTerm.vocabulary == CONCEALMENT_METHOD,
                                                          VocabularyTerm.code == "cover_load"))
    term.is_active = False
    category = db.session.scalar(select(VocabularyTerm).where(VocabularyTerm.vocabulary == COMMODITY_CATEGORY,
                                                              VocabularyTerm.code == "waste"))
    category.is_active = False
    db.session.commit()
    assert not queries.is_valid(CONCEALMENT_METHOD, "cover_load")
    assert queries.label_of(CONCEALMENT_METHOD, "cover_load") == "Cover load"
    assert queries.types_of("waste") == []
    assert not queries.is_valid(COMMODITY_TYPE, "plastic", parent="waste")
    assert "plastic" in {t.code for t in queries.types_of("waste", include_inactive=True)}


def test_seeding_is_idempotent_and_keeps_renamed_labels(app_ctx):
    assert load_vocabularies() == {"commodity_category": 0, "commodity_type": 0, "concealment_method": 0, "place": 0}
    term = db.session.scalar(select(VocabularyTerm).where(VocabularyTerm.code == "nps"))
    term.label = "NPS (designer drugs)"
    db.session.delete(db.session.scalar(select(VocabularyTerm).where(VocabularyTerm.code == "misdeclaration")))
    db.session.commit()
    counts = load_vocabularies()
    db.session.commit()
    assert counts[CONCEALMENT_METHOD] == 1 and counts[COMMODITY_TYPE] == 0
    assert queries.label_of(COMMODITY_TYPE, "nps", parent="drugs") == "NPS (designer drugs)"
    assert queries.is_valid(CONCEALMENT_METHOD, "misdeclaration")


def test_place_lookups(app_ctx):
    assert queries.place_by_code("nlrtm").name == "Rotterdam"
    assert queries.is_place("LTMDK")
    assert queries.place_error("LTMDK") is None
    assert "not NL" in queries.place_error("LTMDK", country="NL")
    assert "XXXXX" in queries.place_error("XXXXX")
    assert ("LTMDK", "LTMDK – Medininkai") in queries.place_choices(country="LT", location_type="land_border")
