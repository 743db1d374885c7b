"""Reading vocabularies: one API for the fixed ones (codes.py) and the admin-managed ones (VocabularyTerm rows).

Validators of other features call:
    is_valid(COMMODITY_CATEGORY, "drugs")
    is_valid(COMMODITY_TYPE, "cocaine", parent="drugs")
    term_error(DETECTION_METHOD, value)       → None, or a message for the field
    types_of("tobacco")                       → the active types of a category
    vocabulary(CONCEALMENT_METHOD)            → active terms, in display order
    choices(LOCATION_TYPE)                    → [(code, label)] for a select
    place_by_code("NLRTM"), place_error(code) → places
Everything that reads the database does one query per call; for a bulk import, take codes_of(...) once.
"""
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from planner.extensions import db
from planner.vocab.codes import (
    COMMODITY_CATEGORY, COMMODITY_TYPE, FIXED_VOCABULARIES, FIXED_VOCABULARY_LABELS, MANAGED_VOCABULARIES,
    MANAGED_VOCABULARY_LABELS,
)
from planner.vocab.models import Place, VocabularyTerm

UNIT = "unit"


@dataclass(frozen=True)
class Term:
    vocabulary: str
    code: str
    label: str
    parent_code: str = ""
    is_active: bool = True
    id: int | None = None


def vocabulary_names():
    return list(FIXED_VOCABULARIES) + list(MANAGED_VOCABULARIES) + [UNIT]


def vocabulary_label(name):
    if name == UNIT:
        return _("Units")
    return str((FIXED_VOCABULARY_LABELS | MANAGED_VOCABULARY_LABELS).get(name, name))


def display_label(term: VocabularyTerm) -> str:
    """A stored label in the user's language: seed labels are message ids the catalogue translates; a label an
    admin typed is shown as typed."""
    return _(term.label) if term.label else term.code


def _check_name(name):
    if name not in FIXED_VOCABULARIES and name not in MANAGED_VOCABULARIES and name != UNIT:
        raise ValueError(f"unknown vocabulary {name!r}; known: {', '.join(vocabulary_names())}")


def vocabulary(name, parent=None, include_inactive=False) -> list[Term]:
    """The terms of a vocabulary, in display order ("other" last); active ones unless include_inactive.

    For commodity types, `parent` restricts to one category; without it, the types of every (active) category."""
    _check_name(name)
    if name == UNIT:
        from planner.vocab.units import UNITS

        return [Term(UNIT, u.code, str(u.label)) for u in UNITS.values()]
    if name in FIXED_VOCABULARIES:
        return [Term(name, m.value, str(m.label)) for m in FIXED_VOCABULARIES[name]]
    rows = db.session.scalars(_terms_stmt(name, parent, include_inactive)).all()
    terms = [Term(name, r.code, display_label(r), r.parent_code, r.is_active, r.id) for r in rows]
    return sorted(terms, key=lambda t: (t.parent_code, t.code == "other"))  # stable: keeps sort_order within


def _terms_stmt(name, parent=None, include_inactive=False):
    stmt = select(VocabularyTerm).where(VocabularyTerm.vocabulary == name)
    if parent is not None:
        stmt = stmt.where(VocabularyTerm.parent_code == parent)
    if not include_inactive:
        stmt = stmt.where(VocabularyTerm.is_active.is_(True))
        if name == COMMODITY_TYPE:
            active_categories = select(VocabularyTerm.code).where(
                VocabularyTerm.vocabulary == COMMODITY_CATEGORY, VocabularyTerm.is_active.is_(True))
            stmt = stmt.where(VocabularyTerm.parent_code.in_(active_categories))
    return stmt.order_by(VocabularyTerm.parent_code, VocabularyTerm.sort_order, VocabularyTerm.id)


def codes_of(name, parent=None) -> set:
    """The active codes of a vocabulary (of one category's types when `parent` is given).

    For commodity types without a parent: a set of (category, type) pairs."""
    _check_name(name)
    if name == COMMODITY_TYPE and parent is None:
        return {(t.parent_code, t.code) for t in vocabulary(name)}
    return {t.code for t in vocabulary(name, parent=parent)}


def is_valid(name, code, parent=None) -> bool:
    """Is `code` an active term of vocabulary `name`? Commodity types are checked within `parent` (their
    category) when given, else within any active category."""
    if not isinstance(code, str) or not code:
        return False
    _check_name(name)
    if name == UNIT:
        from planner.vocab.units import is_unit

        return is_unit(code)
    if name in FIXED_VOCABULARIES:
        return code in FIXED_VOCABULARIES[name].codes()
    stmt = _terms_stmt(name, parent).where(VocabularyTerm.code == code).limit(1)
    return db.session.scalar(stmt) is not None


def term_error(name, code, parent=None):
    """None when valid; otherwise a message a form or the API shows beside the field."""
    if is_valid(name, code, parent):
        return None
    if not code:
        return _("Choose a value.")
    if name == COMMODITY_TYPE and parent:
        if not is_valid(COMMODITY_CATEGORY, parent):
            return _("“%(parent)s” is not a commodity category in use.", parent=parent)
        known = ", ".join(sorted(codes_of(COMMODITY_TYPE, parent)))
        return _("“%(code)s” is not a type of %(parent)s; use one of: %(known)s.", code=code, parent=parent,
                 known=known)
    if name in FIXED_VOCABULARIES or name == UNIT:
        known = ", ".join(t.code for t in vocabulary(name))
        return _("“%(code)s” is not one of: %(known)s.", code=code, known=known)
    return _("“%(code)s” is not a term in use of %(vocabulary)s.", code=code, vocabulary=vocabulary_label(name))


def types_of(category, include_inactive=False) -> list[Term]:
    """The types of a commodity category (none when the category is inactive, unless include_inactive)."""
    if not include_inactive and not is_valid(COMMODITY_CATEGORY, category):
        return []
    return vocabulary(COMMODITY_TYPE, parent=category, include_inactive=include_inactive)


def label_of(name, code, parent=None) -> str:
    """The label of a code for display (inactive terms included: old records keep them); the code if unknown."""
    _check_name(name)
    if name == UNIT:
        from planner.vocab.units import UNITS

        return str(UNITS[code].label) if code in UNITS else str(code)
    if name in FIXED_VOCABULARIES:
        member = FIXED_VOCABULARIES[name].get(code)
        return str(member.label) if member else str(code)
    stmt = select(VocabularyTerm).where(VocabularyTerm.vocabulary == name, VocabularyTerm.code == code)
    if parent is not None:
        stmt = stmt.where(VocabularyTerm.parent_code == parent)
    term = db.session.scalars(stmt.limit(1)).first()
    return display_label(term) if term else str(code)


def choices(name, parent=None):
    """[(code, label)] of the active terms, for a select field."""
    return [(t.code, t.label) for t in vocabulary(name, parent=parent)]


def commodity_tree(include_inactive=False):
    """[(category Term, [type Terms])] for pages and pickers, in one query."""
    rows = db.session.scalars(
        select(VocabularyTerm).where(VocabularyTerm.vocabulary.in_((COMMODITY_CATEGORY, COMMODITY_TYPE)))
        .order_by(VocabularyTerm.sort_order, VocabularyTerm.id)
    ).all()
    categories = [r for r in rows if r.vocabulary == COMMODITY_CATEGORY and (include_inactive or r.is_active)]
    categories.sort(key=lambda r: r.code == "other")
    types = {}
    for r in rows:
        if r.vocabulary == COMMODITY_TYPE and (include_inactive or r.is_active):
            types.setdefault(r.parent_code, []).append(r)
    return [(c, sorted(types.get(c.code, []), key=lambda t: t.code == "other")) for c in categories]


# --- places -----------------------------------------------------------------------------------------------

def place_by_code(code, active_only=True):
    if not isinstance(code, str):
        return None
    stmt = select(Place).where(Place.code == code.strip().upper())
    if active_only:
        stmt = stmt.where(Place.is_active.is_(True))
    return db.session.scalars(stmt).first()


def is_place(code) -> bool:
    return place_by_code(code) is not None


def place_error(code, country=None):
    """None when `code` is an active place (in `country`, when given); otherwise a message."""
    place = place_by_code(code)
    if place is None:
        return _("“%(code)s” is not a place in the list (a UN/LOCODE such as NLRTM).", code=code or "")
    if country and place.country != country:
        return _("%(code)s is in %(place_country)s, not %(country)s.", code=place.code,
                 place_country=place.country, country=country)
    return None


def filter_places(country=None, location_type=None, q=None, status="active"):
    """The select behind the places list: filters by country, type, text (code or name) and status."""
    stmt = select(Place)
    if country:
        stmt = stmt.where(Place.country == country)
    if location_type:
        stmt = stmt.where(Place.location_type == location_type)
    if q:
        text = q.strip().lower()
        stmt = stmt.where(or_(func.lower(Place.code).contains(text, autoescape=True),
                              func.lower(Place.name).contains(text, autoescape=True)))
    if status == "active":
        stmt = stmt.where(Place.is_active.is_(True))
    elif status == "inactive":
        stmt = stmt.where(Place.is_active.is_(False))
    return stmt


def place_choices(country=None, location_type=None):
    """[(code, "CODE – Name")] of active places, for a select field."""
    stmt = filter_places(country, location_type).order_by(Place.country, Place.name)
    return [(p.code, f"{p.code} – {p.name}") for p in db.session.scalars(stmt)]


def place_countries():
    """Countries that have places, for the filter of the list."""
    return db.session.scalars(select(Place.country).distinct().order_by(Place.country)).all()


STATUS_FILTERS = {"active": _l("Active"), "inactive": _l("Inactive"), "all": _l("All")}


def term_label(name, code, parent=None) -> str:
    """The label of a code for display, as label_of, but each admin-managed vocabulary is read once per request
    (a list of records shows many codes): templates call it as `vocab_label(...)`."""
    from flask import g, has_request_context

    if name not in MANAGED_VOCABULARIES or not has_request_context():
        return label_of(name, code, parent)
    cache = g.setdefault("_vocabulary_labels", {})
    if name not in cache:
        rows = db.session.scalars(select(VocabularyTerm).where(VocabularyTerm.vocabulary == name))
        cache[name] = {(r.parent_code, r.code): display_label(r) for r in rows}
    labels = cache[name]
    if name == COMMODITY_TYPE:
        return labels.get((parent or "", code)) or str(code)
    return labels.get(("", code)) or str(code)
