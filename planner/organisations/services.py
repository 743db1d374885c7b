"""Organisations: lookup by code (with aliases), reference data, and the admin's edits."""
import re

from flask_babel import gettext as _
from sqlalchemy import select

from planner.core.audit import changes, log_action
from planner.core.errors import FieldErrors
from planner.extensions import db
from planner.organisations.models import EuMembership, Organisation, OrganisationKind
from planner.organisations.reference import membership_rows, reference_organisations
from planner.vocab.countries import COUNTRY_ALIASES, is_country

ORG_CODE_RE = re.compile(r"^[A-Z]{2,10}(-[A-Z0-9]{2,8})?$")


def resolve_organisation_code(code):
    """The organisation for a code, accepting the aliases of countries (EL for GR, UK for GB)."""
    if not isinstance(code, str):
        return None
    code = code.strip().upper()
    head, sep, tail = code.partition("-")
    code = COUNTRY_ALIASES.get(head, head) + sep + tail
    return db.session.scalar(select(Organisation).where(Organisation.code == code))


def load_reference_organisations():
    """Insert what is missing; never overwrite an admin's edits. Returns the number added."""
    added = 0
    existing = set(db.session.scalars(select(Organisation.code)))
    for code, name, kind, country in reference_organisations():
        if code not in existing:
            db.session.add(Organisation(code=code, name=name, kind=kind, country=country))
            added += 1
    for country, joined, left in membership_rows():
        row = db.session.get(EuMembership, country)
        if row is None:
            db.session.add(EuMembership(country=country, joined_on=joined, left_on=left))
        else:
            row.joined_on, row.left_on = joined, left
    db.session.flush()
    return added


def validate_organisation(data, errors, *, existing=None):
    clean = {}
    if existing is None:
        code = data.get("code").strip() if isinstance(data.get("code"), str) else ""
        if not ORG_CODE_RE.match(code.upper()):
            errors.add("code", _("Use an upper-case code: a country code (DE), a service of a country (IT-GDF) or an agency's short name (OLAF)."))
        elif code != code.upper():
            errors.add("code", _("Codes are upper-case: write %(code)s.", code=code.upper()))
        elif resolve_organisation_code(code) is not None:
            errors.add("code", _("An organisation with this code exists already."))
        else:
            clean["code"] = code
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        errors.add("name", _("A name is required."))
    elif len(name) > 200:
        errors.add("name", _("The name is limited to 200 characters."))
    else:
        clean["name"] = name.strip()
    kind = data.get("kind")
    if kind not in OrganisationKind.codes():
        errors.add("kind", _("Choose one of: %(codes)s.", codes=", ".join(OrganisationKind.codes())))
    else:
        clean["kind"] = kind
    country = (data.get("country") or "").strip().upper() or None if isinstance(data.get("country") or "", str) else "?"
    if country is not None:
        country = COUNTRY_ALIASES.get(country, country)
        if not is_country(country):
            errors.add("country", _("Unknown country code; use ISO 3166 alpha-2, e.g. DE."))
        else:
            clean["country"] = country
    else:
        clean["country"] = None
        if kind in (OrganisationKind.CUSTOMS, OrganisationKind.LAW_ENFORCEMENT):
            errors.add("country", _("A national service needs its country."))
    code = clean.get("code") or getattr(existing, "code", None)
    national = clean.get("kind") in (OrganisationKind.CUSTOMS, OrganisationKind.LAW_ENFORCEMENT)
    if code and national and clean.get("country"):
        if code.partition("-")[0] != clean["country"]:
            # The code is fixed once created, so on an edit the country is what has to change.
            errors.add("code" if existing is None else "country",
                       _("A national service's code starts with its country's code: %(country)s or %(country)s-SUFFIX.",
                         country=clean["country"]))
    clean["is_active"] = bool(data.get("is_active", True))
    return clean


def create_organisation(user, data):
    errors = FieldErrors()
    clean = validate_organisation(data, errors)
    errors.raise_if_any()
    org = Organisation(**clean)
    db.session.add(org)
    db.session.flush()
    log_action(org, "organisation.created", user, data=clean)
    return org


def update_organisation(user, org, data):
    errors = FieldErrors()
    clean = validate_organisation(data, errors, existing=org)
    errors.raise_if_any()
    before = {k: getattr(org, k) for k in clean}
    for key, value in clean.items():
        setattr(org, key, value)
    db.session.flush()
    diff = changes(before, clean)
    if diff:
        log_action(org, "organisation.updated", user, data={"changes": diff})
    return org
