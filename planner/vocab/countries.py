"""Countries: ISO 3166 alpha-2 from pycountry, with the aliases the EU uses (EL → GR, UK → GB) and XK."""
from functools import lru_cache

import pycountry


# Codes people write that are not ISO 3166 alpha-2 (EL is the EU's code for Greece).
COUNTRY_ALIASES = {"EL": "GR", "UK": "GB"}
EXTRA_COUNTRIES = {"XK": "Kosovo"}  # not in ISO 3166; used by the EU and the WCO


def normalise_country(code):
    """The ISO code for `code` (aliases resolved), or None when it is not a country."""
    if not isinstance(code, str):
        return None
    code = code.strip().upper()
    code = COUNTRY_ALIASES.get(code, code)
    return code if is_country(code) else None


def is_country(code) -> bool:
    return isinstance(code, str) and (code in EXTRA_COUNTRIES or code in _iso_codes())


@lru_cache(maxsize=1)
def _iso_codes():
    return frozenset(c.alpha_2 for c in pycountry.countries)


def country_name(code):
    if code in EXTRA_COUNTRIES:
        return EXTRA_COUNTRIES[code]
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


@lru_cache(maxsize=1)
def country_choices():
    codes = sorted(_iso_codes() | set(EXTRA_COUNTRIES), key=country_name)
    return [(c, f"{country_name(c)} ({c})") for c in codes]
