"""Reference organisations and EU membership, loaded by `flask planner init` (idempotent)."""
from datetime import date

from planner.vocab.countries import country_name

# Join dates of the current 27 Member States, and GB's membership (the last day: 31 January 2020).
EU_MEMBERSHIP = {
    "BE": ("1958-01-01", None), "DE": ("1958-01-01", None), "FR": ("1958-01-01", None),
    "IT": ("1958-01-01", None), "LU": ("1958-01-01", None), "NL": ("1958-01-01", None),
    "DK": ("1973-01-01", None), "IE": ("1973-01-01", None), "GB": ("1973-01-01", "2020-01-31"),
    "GR": ("1981-01-01", None), "ES": ("1986-01-01", None), "PT": ("1986-01-01", None),
    "AT": ("1995-01-01", None), "FI": ("1995-01-01", None), "SE": ("1995-01-01", None),
    "CY": ("2004-05-01", None), "CZ": ("2004-05-01", None), "EE": ("2004-05-01", None),
    "HU": ("2004-05-01", None), "LT": ("2004-05-01", None), "LV": ("2004-05-01", None),
    "MT": ("2004-05-01", None), "PL": ("2004-05-01", None), "SI": ("2004-05-01", None),
    "SK": ("2004-05-01", None), "BG": ("2007-01-01", None), "RO": ("2007-01-01", None),
    "HR": ("2013-07-01", None),
}

# Third countries: neighbours and partners, and the EU candidate countries.
THIRD_COUNTRIES = ["NO", "CH", "IS", "TR", "UA", "MD", "RS", "GB", "ME", "MK", "AL", "BA", "GE", "XK", "US"]

AGENCIES = [
    ("OLAF", "European Anti-Fraud Office", "agency", None),
    ("EUROPOL", "European Union Agency for Law Enforcement Cooperation", "agency", None),
    ("WCO", "World Customs Organization", "agency", None),
    ("FRONTEX", "European Border and Coast Guard Agency", "agency", None),
    ("INTERPOL", "International Criminal Police Organization", "agency", None),
    ("EUBAM", "EU Border Assistance Mission to Moldova and Ukraine", "agency", None),
    ("RILO-WE", "WCO Regional Intelligence Liaison Office for Western Europe", "agency", None),
    ("RILO-ECE", "WCO Regional Intelligence Liaison Office for Eastern and Central Europe", "agency", None),
    ("RILO-CIS", "WCO Regional Intelligence Liaison Office for the CIS", "agency", None),
    ("CCWP", "Customs Cooperation Working Party secretariat (Council)", "secretariat", None),
]


def reference_organisations():
    """(code, name, kind, country) for every reference organisation."""
    rows = []
    for code in sorted(c for c, (_, left) in EU_MEMBERSHIP.items() if left is None):
        rows.append((code, f"{country_name(code)} customs administration", "customs", code))
    for code in THIRD_COUNTRIES:
        rows.append((code, f"{country_name(code)} customs administration", "customs", code))
    rows.extend(AGENCIES)
    return rows


def membership_rows():
    return [
        (code, date.fromisoformat(joined), date.fromisoformat(left) if left else None)
        for code, (joined, left) in EU_MEMBERSHIP.items()
    ]
