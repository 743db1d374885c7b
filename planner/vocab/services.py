"""Loading and changing vocabularies. Services flush; the request or CLI command commits."""
import hashlib
import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from planner.core.audit import changes, log_action
from planner.core.errors import FieldErrors, PermissionDenied, ValidationError
from planner.core.permissions import has_permission
from planner.extensions import db
from planner.vocab.codes import (
    COMMODITY_CATEGORIES, COMMODITY_CATEGORY, COMMODITY_TYPE, CONCEALMENT_METHOD, CONCEALMENT_METHODS,
    MANAGED_VOCABULARIES, LocationType, source_text,
)
from planner.vocab.models import Place, PlaceSource, VocabularyTerm
from planner.vocab.places import (
    LOCODE_RE, UploadError, clean_place, decode_csv_upload, parse_unlocode_csv, seed_places,
)

TERM_CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
LABEL_MAX = 200
DEFAULT_IMPORT_MAX_BYTES = 8 * 1024 * 1024
_INSERT_CHUNK = 2000


# --- seeding ----------------------------------------------------------------------------------------------

def load_vocabularies():
    """Seed the admin-managed vocabularies and the places list. Idempotent: inserts what is missing, never
    changes a row that exists (an admin's renaming or deactivation stays). Returns counts of rows added."""
    counts = seed_terms()
    counts["place"] = seed_place_list()
    return counts


def _seed_term_rows():
    rows = []
    for position, (category, label, types) in enumerate(COMMODITY_CATEGORIES, start=1):
        rows.append((COMMODITY_CATEGORY, "", category, label, position))
        for type_position, (code, type_label) in enumerate(types, start=1):
            rows.append((COMMODITY_TYPE, category, code, type_label, type_position))
    for position, (code, label) in enumerate(CONCEALMENT_METHODS, start=1):
        rows.append((CONCEALMENT_METHOD, "", code, label, position))
    return [
        {"vocabulary": v, "parent_code": p, "code": c, "label": source_text(lbl), "sort_order": n, "is_active": True}
        for v, p, c, lbl, n in rows
    ]


def seed_terms():
    existing = set(db.session.execute(
        select(VocabularyTerm.vocabulary, VocabularyTerm.parent_code, VocabularyTerm.code)).all())
    missing = [r for r in _seed_term_rows() if (r["vocabulary"], r["parent_code"], r["code"]) not in existing]
    if missing:
        db.session.execute(insert(VocabularyTerm), missing)
    counts = {name: 0 for name in MANAGED_VOCABULARIES}
    for row in missing:
        counts[row["vocabulary"]] += 1
    return counts


def seed_place_list():
    """Insert the places of data/places.csv whose code is not in the table yet; returns how many."""
    existing = set(db.session.scalars(select(Place.code)).all())
    missing = [dict(row, is_active=True, source=PlaceSource.SEED.value)
               for row in seed_places() if row["code"] not in existing]
    if missing:
        db.session.execute(insert(Place), missing)
    return len(missing)


# --- places -----------------------------------------------------------------------------------------------

def _require_admin(user):
    if not has_permission(user, "admin.vocab"):
        raise PermissionDenied(_("Only administrators manage vocabularies."))


def add_place(user, data) -> Place:
    """Add one place (UN/LOCODE code, name, country, location type, optional subdivision)."""
    _require_admin(user)
    errors = FieldErrors()
    cleaned = clean_place(data, errors)
    if "code" not in errors.errors and LOCODE_RE.match(cleaned["code"]):
        existing = db.session.scalar(select(Place).where(Place.code == cleaned["code"]))
        if existing is not None:
            errors.add("code", _("%(code)s is in the list already (%(name)s%(inactive)s).", code=existing.code,
                                 name=existing.name, inactive=_(", inactive") if not existing.is_active else ""))
    errors.raise_if_any(_("The place was not added."))
    place = Place(**cleaned, is_active=True, source=PlaceSource.ADMIN.value)
    db.session.add(place)
    try:
        db.session.flush()
    except IntegrityError:  # added by someone else in the meantime
        db.session.rollback()
        raise ValidationError(_("The place was not added."),
                              {"code": [_("%(code)s is in the list already.", code=cleaned["code"])]}) from None
    log_action(place, "place.created", user, data=cleaned)
    return place


def set_place_active(user, place: Place, active: bool) -> Place:
    _require_admin(user)
    if place.is_active == bool(active):
        return place
    place.is_active = bool(active)
    db.session.flush()
    log_action(place, "place.reactivated" if active else "place.deactivated", user,
               data=changes({"is_active": not active}, {"is_active": bool(active)}))
    return place


@dataclass
class PlaceImport:
    """The outcome of a UN/LOCODE import (also the object of its audit entry)."""

    filename: str
    sha256: str
    added: int = 0
    already_present: int = 0
    not_transport: int = 0
    skipped: int = 0

    __tablename__ = "place"
    id = None

    def __str__(self):
        return f"UN/LOCODE import {self.filename}"


def import_unlocode(user, filename, content: bytes, only_transport=True, max_bytes=None) -> PlaceImport:
    """Import a UN/LOCODE CSV: every row is checked first, and one bad row imports nothing (ValidationError with
    every bad row as rows.<line>.<column>). Codes already in the list are left as they are. With only_transport,
    places whose functions make them "inland" (no port, airport, border crossing or postal office) are left out."""
    _require_admin(user)
    if max_bytes is None:
        max_bytes = current_app.config.get("VOCAB_IMPORT_MAX_BYTES", DEFAULT_IMPORT_MAX_BYTES)
    try:
        text = decode_csv_upload(filename, content, max_bytes)
    except UploadError as exc:
        raise ValidationError(_("Nothing was imported."), {"file": [str(exc)]}) from None
    parsed = parse_unlocode_csv(text)
    if parsed.errors:
        count = len({key.split(".")[1] for key in parsed.errors.errors if key.startswith("rows.")})
        raise ValidationError(ngettext("Nothing was imported: %(num)d row has errors. Correct it and upload the file "
                                       "again.", "Nothing was imported: %(num)d rows have errors. Correct them and "
                                       "upload the file again.", count), parsed.errors.errors)
    if not parsed.places:
        raise ValidationError(_("Nothing was imported."),
                              {"file": [_("The file has no UN/LOCODE rows with a location code.")]})
    result = PlaceImport(filename=filename, sha256=hashlib.sha256(content).hexdigest(), skipped=parsed.skipped)
    existing = set(db.session.scalars(select(Place.code)).all())
    new_rows = []
    for place in parsed.places:
        if place["code"] in existing:
            result.already_present += 1
        elif only_transport and place["location_type"] == LocationType.INLAND.value:
            result.not_transport += 1
        else:
            new_rows.append({key: place[key] for key in ("code", "name", "country", "location_type", "subdivision")}
                            | {"is_active": True, "source": PlaceSource.UNLOCODE_IMPORT.value})
    for start in range(0, len(new_rows), _INSERT_CHUNK):
        db.session.execute(insert(Place), new_rows[start:start + _INSERT_CHUNK])
    result.added = len(new_rows)
    db.session.flush()
    log_action(result, "place.imported", user, data={
        "filename": filename, "sha256": result.sha256, "added": result.added,
        "already_present": result.already_present, "not_transport": result.not_transport,
        "skipped": result.skipped, "only_transport": bool(only_transport),
    })
    return result


# --- terms ------------------------------------------------------------------------------------------------

def _clean_label(label, errors, field="label"):
    label = (label or "").strip() if isinstance(label, str) else ""
    if not label:
        errors.add(field, _("Enter the label."))
    elif len(label) > LABEL_MAX:
        errors.add(field, _("The label is longer than %(n)d characters.", n=LABEL_MAX))
    return label


def _label_taken(vocabulary, parent_code, label, except_id=None):
    stmt = select(VocabularyTerm.id).where(
        VocabularyTerm.vocabulary == vocabulary, VocabularyTerm.parent_code == parent_code,
        func.lower(VocabularyTerm.label) == label.lower())
    if except_id is not None:
        stmt = stmt.where(VocabularyTerm.id != except_id)
    return db.session.scalar(stmt.limit(1)) is not None


def add_term(user, data) -> VocabularyTerm:
    """Add a commodity category, a commodity type (parent: its category) or a concealment method."""
    _require_admin(user)
    errors = FieldErrors()
    vocabulary = (data.get("vocabulary") or "").strip()
    code = (data.get("code") or "").strip()
    parent = (data.get("parent_code") or "").strip()
    if vocabulary not in MANAGED_VOCABULARIES:
        errors.add("vocabulary", _("Choose a vocabulary: %(names)s.", names=", ".join(MANAGED_VOCABULARIES)))
    if not code:
        errors.add("code", _("Enter the code."))
    elif not TERM_CODE_RE.match(code):
        errors.add("code", _("A code is lower-case letters, digits and underscores, starting with a letter "
                             "(e.g. glass_eels), at most 60 characters."))
    if vocabulary == COMMODITY_TYPE:
        if not parent:
            errors.add("parent_code", _("Choose the category of the type."))
        elif db.session.scalar(select(VocabularyTerm.id).where(
                VocabularyTerm.vocabulary == COMMODITY_CATEGORY, VocabularyTerm.code == parent,
                VocabularyTerm.is_active.is_(True))) is None:
            errors.add("parent_code", _("“%(parent)s” is not a commodity category in use.", parent=parent))
    else:
        parent = ""
    label = _clean_label(data.get("label"), errors)
    if not errors and vocabulary in MANAGED_VOCABULARIES:
        existing = db.session.scalar(select(VocabularyTerm).where(
            VocabularyTerm.vocabulary == vocabulary, VocabularyTerm.parent_code == parent,
            VocabularyTerm.code == code))
        if existing is not None:
            errors.add("code", _("The code %(code)s exists already%(hint)s.", code=code,
                                 hint=_(" (inactive: reactivate it instead)") if not existing.is_active else ""))
        elif _label_taken(vocabulary, parent, label):
            errors.add("label", _("Another term of this list has the label “%(label)s”.", label=label))
    errors.raise_if_any(_("The term was not added."))
    sort_order = (db.session.scalar(select(func.max(VocabularyTerm.sort_order)).where(
        VocabularyTerm.vocabulary == vocabulary, VocabularyTerm.parent_code == parent)) or 0) + 1
    term = VocabularyTerm(vocabulary=vocabulary, parent_code=parent, code=code, label=label, sort_order=sort_order,
                          is_active=True)
    db.session.add(term)
    try:
        db.session.flush()
    except IntegrityError:  # added by someone else in the meantime
        db.session.rollback()
        raise ValidationError(_("The term was not added."),
                              {"code": [_("The code %(code)s exists already.", code=code)]}) from None
    log_action(term, "vocabulary_term.created", user,
               data={"vocabulary": vocabulary, "parent_code": parent, "code": code, "label": label})
    return term


def rename_term(user, term: VocabularyTerm, label) -> VocabularyTerm:
    """Change a term's label (its code stays: records refer to it)."""
    _require_admin(user)
    errors = FieldErrors()
    label = _clean_label(label, errors)
    if not errors and label != term.label and _label_taken(term.vocabulary, term.parent_code, label, term.id):
        errors.add("label", _("Another term of this list has the label “%(label)s”.", label=label))
    errors.raise_if_any(_("The term was not renamed."))
    if label == term.label:
        return term
    before = {"label": term.label}
    term.label = label
    db.session.flush()
    log_action(term, "vocabulary_term.renamed", user, data=changes(before, {"label": label}))
    return term


def set_term_active(user, term: VocabularyTerm, active: bool) -> VocabularyTerm:
    """Deactivate a term (it stays on the records that use it, and is no longer offered) or reactivate it."""
    _require_admin(user)
    if term.is_active == bool(active):
        return term
    term.is_active = bool(active)
    db.session.flush()
    log_action(term, "vocabulary_term.reactivated" if active else "vocabulary_term.deactivated", user,
               data=changes({"is_active": not active}, {"is_active": bool(active)}))
    return term
