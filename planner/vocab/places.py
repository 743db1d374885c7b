"""Places identified by UN/LOCODE: the seed list shipped in data/places.csv, the checks on a place, and the
reading of the official UN/LOCODE CSV (the UNECE "CodeList" files).

UN/LOCODE CSV columns (no header row): Change, Country, Location, Name, NameWoDiacritics, Subdivision, Status,
Function, Date, IATA, Coordinates, Remarks. Function is eight characters, one position per function:
1 port, 2 rail, 3 road, 4 airport, 5 postal exchange office, 6 multimodal, 7 fixed transport, B border crossing
("-" where the function does not apply, "0" in position 1 when unknown).
"""
import csv
import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from flask_babel import lazy_gettext as _l

from planner.core.errors import FieldErrors
from planner.vocab.codes import LocationType
from planner.vocab.countries import is_country, normalise_country

SEED_PATH = Path(__file__).resolve().parent / "data" / "places.csv"
SEED_COLUMNS = ("code", "name", "country", "location_type", "subdivision")

LOCODE_RE = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")
LOCATION_RE = re.compile(r"^[A-Z2-9]{3}$")
SUBDIVISION_RE = re.compile(r"^[A-Z0-9]{1,3}$")
FUNCTION_RE = re.compile(r"^[0-9B\-]{8}$")
NAME_MAX = 200

UNLOCODE_COLUMNS = ("change", "country", "location", "name", "name_wo_diacritics", "subdivision", "status",
                    "function", "date", "iata", "coordinates", "remarks")
# Change indicators of entries marked for deletion; such rows are skipped, not imported.
UNLOCODE_DELETED = {"X"}
# Pseudo-countries of UN/LOCODE that are not countries (XZ: installations in international waters); skipped.
UNLOCODE_NOT_COUNTRIES = {"XZ"}


@lru_cache(maxsize=1)
def seed_places():
    """The rows of data/places.csv as dicts (read once per process)."""
    with SEED_PATH.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return tuple(
            {
                "code": row["code"].strip(),
                "name": row["name"].strip(),
                "country": row["country"].strip(),
                "location_type": row["location_type"].strip(),
                "subdivision": (row.get("subdivision") or "").strip() or None,
            }
            for row in reader
        )


def clean_place(data, errors: FieldErrors, prefix=""):
    """Check one place's fields; return the cleaned dict (code and country upper case, text stripped).

    Problems are added to `errors` under `prefix + field`. The duplicate check is the caller's (it needs the
    database)."""
    def text(key):
        value = data.get(key)
        return value.strip() if isinstance(value, str) else ""

    code = text("code").upper().replace(" ", "")
    country = text("country").upper()
    country = normalise_country(country) or country  # EL → GR, UK → GB
    name = text("name")
    location_type = text("location_type")
    subdivision = text("subdivision").upper() or None

    if not code:
        errors.add(prefix + "code", _l("Enter the UN/LOCODE, e.g. NLRTM."))
    elif not LOCODE_RE.match(code):
        errors.add(prefix + "code", _l("“%(code)s” is not a UN/LOCODE: two letters of the country, then three "
                                       "letters or digits 2–9 (e.g. NLRTM).", code=code))
    if not country:
        errors.add(prefix + "country", _l("Choose the country."))
    elif not is_country(country):
        errors.add(prefix + "country", _l("“%(country)s” is not an ISO 3166 country code.", country=country))
    elif LOCODE_RE.match(code) and code[:2] != country:
        errors.add(prefix + "country", _l("The code %(code)s belongs to country %(prefix)s, not %(country)s.",
                                          code=code, prefix=code[:2], country=country))
    if not name:
        errors.add(prefix + "name", _l("Enter the name of the place."))
    elif len(name) > NAME_MAX:
        errors.add(prefix + "name", _l("The name is longer than %(n)d characters.", n=NAME_MAX))
    if not location_type:
        errors.add(prefix + "location_type", _l("Choose the location type."))
    elif location_type not in LocationType.codes():
        errors.add(prefix + "location_type", _l("“%(type)s” is not a location type; use one of: %(types)s.",
                                                type=location_type, types=", ".join(LocationType.codes())))
    if subdivision and not SUBDIVISION_RE.match(subdivision):
        errors.add(prefix + "subdivision", _l("A subdivision code has one to three letters or digits."))
    return {"code": code, "country": country, "name": name, "location_type": location_type,
            "subdivision": subdivision}


def location_type_for_function(function) -> str:
    """The location type for a UN/LOCODE function string ("1-3-----" → seaport).

    Border crossings first (with road → land border, rail only → rail border), then port → sea port,
    airport → airport, postal exchange office → postal hub, anything else → inland."""
    f = (function or "").ljust(8, "-")
    port, rail, road, airport, postal, border = f[0] == "1", f[1] == "2", f[2] == "3", f[3] == "4", f[4] == "5", f[7] == "B"
    if border:
        if rail and not road:
            return LocationType.RAIL_BORDER.value
        return LocationType.LAND_BORDER.value
    if port:
        return LocationType.SEAPORT.value
    if airport:
        return LocationType.AIRPORT.value
    if postal:
        return LocationType.POSTAL_HUB.value
    return LocationType.INLAND.value


class UploadError(ValueError):
    """The upload as a whole is refused (not a CSV text file, too large, empty); str(error) says why."""


def decode_csv_upload(filename, content: bytes, max_bytes) -> str:
    """The text of an uploaded .csv file (UTF-8, or Latin-1 as the UNECE files use), or UploadError."""
    if not filename or not filename.lower().endswith(".csv"):
        raise UploadError(_l("Only .csv files are accepted."))
    if len(content) > max_bytes:
        raise UploadError(_l("The file is larger than %(mb)s MB.", mb=_megabytes(max_bytes)))
    if not content.strip():
        raise UploadError(_l("The file is empty."))
    if b"\x00" in content:
        raise UploadError(_l("This is not a CSV text file."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("latin-1")
    # Control characters other than tab, CR and LF do not occur in a CSV text file.
    if re.search(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]", text):
        raise UploadError(_l("This is not a CSV text file."))
    return text


def _megabytes(n):
    value = n / (1024 * 1024)
    return f"{value:.0f}" if value >= 1 else f"{value:.2f}"


@dataclass
class UnlocodeParse:
    """The outcome of reading a UN/LOCODE CSV: the places to consider, the rows skipped and every error."""

    places: list = field(default_factory=list)  # dicts with "line" and the Place fields
    skipped: int = 0  # country headings, references and entries marked for deletion
    errors: FieldErrors = field(default_factory=FieldErrors)


def parse_unlocode_csv(text: str) -> UnlocodeParse:
    """Read and check every row of a UN/LOCODE CSV. Errors are keyed rows.<line>.<column> (line numbers from 1)."""
    result = UnlocodeParse()
    seen = {}
    reader = csv.reader(io.StringIO(text, newline=""))
    for row in reader:
        line = reader.line_num
        if not row or all(not cell.strip() for cell in row):
            continue
        prefix = f"rows.{line}."
        if len(row) < 8:
            result.errors.add(prefix + "row", _l("The row has %(n)d columns; a UN/LOCODE row has 12 (at least 8: "
                                                 "Change to Function).", n=len(row)))
            continue
        cells = dict(zip(UNLOCODE_COLUMNS, (cell.strip() for cell in row)))
        location = cells["location"].upper()
        if not location:
            # The country heading (",AD,,.ANDORRA,…") and reference entries ("=") carry no location code.
            result.skipped += 1
            continue
        if cells["change"].upper() in UNLOCODE_DELETED:
            result.skipped += 1
            continue
        country = cells["country"].upper()
        if country in UNLOCODE_NOT_COUNTRIES:
            result.skipped += 1
            continue
        if not LOCATION_RE.match(location):
            result.errors.add(prefix + "location", _l("“%(location)s” is not a location code (three letters or "
                                                      "digits 2–9).", location=cells["location"]))
        function = cells["function"]
        if function and not FUNCTION_RE.match(function):
            result.errors.add(prefix + "function", _l("“%(function)s” is not a UN/LOCODE function (eight "
                                                      "characters from 0–9, B and -).", function=function))
        errors = FieldErrors()
        place = clean_place(
            {"code": country + location, "country": country, "name": cells["name"] or cells["name_wo_diacritics"],
             "subdivision": cells["subdivision"],
             "location_type": location_type_for_function(function if FUNCTION_RE.match(function) else "")},
            errors,
        )
        for key, messages in errors.errors.items():
            column = {"code": "location"}.get(key, key)
            if column == "location" and (prefix + "location") in result.errors.errors:
                continue
            for message in messages:
                result.errors.add(prefix + column, message)
        if place["code"] in seen:
            result.errors.add(prefix + "location", _l("%(code)s appears already on line %(line)d.",
                                                      code=place["code"], line=seen[place["code"]]))
        elif LOCODE_RE.match(place["code"]):
            seen[place["code"]] = line
        place["line"] = line
        result.places.append(place)
    return result


def describe_row_error(key):
    """("rows.12.country") → (12, "country"); other keys → (None, key)."""
    parts = key.split(".")
    if len(parts) == 3 and parts[0] == "rows" and parts[1].isdigit():
        return int(parts[1]), parts[2]
    return None, key
