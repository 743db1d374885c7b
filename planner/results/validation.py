"""One validation per record (DESIGN.md §5.5): the web forms, the Excel import and the API map their input into
the seizure's JSON shape (the API's, see the issue) and show the field errors of `clean_seizure` their own way.

Errors are keyed by dotted paths (`items.0.quantities.1.unit`). Every problem is collected, then raised at once.
Decimals arrive as strings (or ints, or Decimals from a spreadsheet); a float is refused, because it is not
exact. Text that looks like a formula is kept as typed: writers store it as text (planner.core.spreadsheets)."""
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from planner.core.errors import FieldErrors
from planner.results.models import (
    CONVEYANCE_BY_MODE, CONVEYANCE_COUNTRY_FIELDS, CONVEYANCE_FIELDS, MONEY_SCALE, QUANTITY_SCALE, OffenderRole,
    RecordStatus, RouteRole,
)
from planner.vocab.codes import (
    COMMODITY_TYPE, CONCEALMENT_METHOD, DetectionMethod, LocationType, SelectionBasis, TransportMode,
)
from planner.vocab.countries import normalise_country
from planner.vocab.hs import hs_code_error, normalise_hs_code
from planner.vocab.units import UNITS, UnitError, normalise, unit_for

SEIZURE_FIELDS = (
    "national_reference", "seized_at", "country", "place", "location_code", "location_type", "detection_method",
    "warning_id", "transport_mode", "conveyance", "route", "items", "concealment", "concealment_details",
    "modus_operandi", "offenders", "arrests", "investigation_opened", "share_with_eu_member_states",
    "share_with_third_countries", "share_with_agencies", "public_statistics", "embargo_until", "status",
)
ITEM_FIELDS = ("category", "type", "description", "hs_code", "brand", "counterfeit", "quantities",
               "estimated_value_eur", "duties_evaded_eur")
QUANTITY_FIELDS = ("value", "unit")
DERIVED_QUANTITY_FIELDS = ("normalised_value", "base_unit")  # in what the API answers; ignored when sent back
ROUTE_FIELDS = ("country", "place", "role")
OFFENDER_FIELDS = ("role", "nationality")
SHARING_FIELDS = ("share_with_eu_member_states", "share_with_third_countries", "share_with_agencies")

MAX_ITEMS = 100
MAX_QUANTITIES = 5
MAX_ROUTE = 20
MAX_OFFENDERS = 200
MAX_ARRESTS = 100_000
MAX_QUANTITY = Decimal("1000000000000")  # 10^12 of any unit
MAX_MONEY = Decimal("10000000000000")  # 10^13 EUR
SHORT, MEDIUM, LONG = 200, 2000, 8000
MIN_YEAR, MAX_YEAR = 1990, 2100
REFERENCE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/\- ]{0,39}$")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class SeizureContext:
    """What a validation needs to know beyond the record; built once for a batch (`context_for`)."""

    operation: object
    organisation: object
    defaults: dict  # sharing defaults of the reporting participant
    commodity_types: set  # {(category, type)} active
    concealments: set
    warning_ids: set  # warnings of the operation this administration may cite
    warning_numbers: dict = field(default_factory=dict)  # their numbers (W-<n>) -> ids
    places: dict = field(default_factory=dict)  # UN/LOCODE -> Place, filled lazily
    now: datetime | None = None

    @property
    def zone(self):
        return ZoneInfo(self.operation.time_zone or "Europe/Brussels")


def context_for(operation, organisation, now=None) -> SeizureContext:
    from sqlalchemy import or_, select

    from planner.core.clock import utcnow
    from planner.extensions import db
    from planner.messages.models import WarningAddressee, WarningMessage
    from planner.vocab.queries import codes_of

    participation = operation.participation_of(organisation.id)
    defaults = {
        "share_with_eu_member_states": participation.share_with_eu_member_states if participation else True,
        "share_with_third_countries": participation.share_with_third_countries if participation else False,
        "share_with_agencies": participation.share_with_agencies if participation else False,
    }
    warning_numbers = dict(db.session.execute(
        select(WarningMessage.number, WarningMessage.id).outerjoin(WarningAddressee).where(
            WarningMessage.operation_id == operation.id,
            or_(WarningMessage.sender_organisation_id == organisation.id,
                WarningAddressee.organisation_id == organisation.id)).distinct()
    ).all())
    return SeizureContext(operation, organisation, defaults, codes_of(COMMODITY_TYPE), codes_of(CONCEALMENT_METHOD),
                          set(warning_numbers.values()), warning_numbers, now=now or utcnow())


# --- scalar readers: each returns the clean value, or None after adding an error ----------------------------

def _text(data, key, errors, path, required=False, maximum=SHORT):
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.add(path, _("This field is required."))
        return ""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        value = str(value)  # a number typed in a text column of a spreadsheet
    if not isinstance(value, str):
        errors.add(path, _("Give text."))
        return ""
    value = _CONTROL_CHARS.sub("", value).strip()
    if len(value) > maximum:
        errors.add(path, _("Use at most %(n)d characters.", n=maximum))
        return ""
    return value


def _choice(data, key, errors, path, enum_cls, required=True):
    value = data.get(key)
    if value is None or value == "":
        if required:
            errors.add(path, _("Choose a value."))
        return None
    if not isinstance(value, str) or value not in enum_cls.codes():
        errors.add(path, _("“%(value)s” is not one of: %(known)s.", value=str(value)[:60],
                           known=", ".join(enum_cls.codes())))
        return None
    return value


def _country(data, key, errors, path, required=True):
    value = data.get(key)
    if value is None or value == "":
        if required:
            errors.add(path, _("Give a country (ISO 3166 alpha-2 code, e.g. LT)."))
        return None
    code = normalise_country(value) if isinstance(value, str) else None
    if code is None:
        errors.add(path, _("“%(value)s” is not a country code (ISO 3166 alpha-2, e.g. LT).", value=str(value)[:20]))
    return code


def _bool(data, key, errors, path, default):
    value = data.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        errors.add(path, _("Give true or false."))
        return default
    return value


def _int(data, key, errors, path, default=0, maximum=MAX_ARRESTS):
    value = data.get(key)
    if value is None or value == "":
        return default
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() and len(value.strip()) <= 9:
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        errors.add(path, _("Give a whole number."))
        return default
    if value < 0 or value > maximum:
        errors.add(path, _("Give a whole number from 0 to %(n)d.", n=maximum))
        return default
    return value


def decimal_value(value, errors, path, scale, maximum, required=False, positive=False):
    """An exact Decimal with at most `scale` decimals; floats are refused (send decimals as strings)."""
    if value is None or value == "":
        if required:
            errors.add(path, _("This field is required."))
        return None
    if isinstance(value, float):
        errors.add(path, _("Send decimals as strings (e.g. \"12.5\"), never as floating-point numbers."))
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        errors.add(path, _("Give a number."))
        return None
    text = value.strip().replace("\u00a0", "").replace(" ", "") if isinstance(value, str) else value
    if isinstance(text, str) and text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    if isinstance(text, str) and not re.fullmatch(r"[+-]?(\d{1,20}(\.\d{0,20})?|\.\d{1,20})", text):
        errors.add(path, _("“%(value)s” is not a number.", value=str(value)[:40]))
        return None
    number = Decimal(text)
    if not number.is_finite():
        errors.add(path, _("Give a finite number."))
        return None
    if number.as_tuple().exponent < -scale and number != number.quantize(Decimal(1).scaleb(-scale)):
        errors.add(path, _("Use at most %(n)d decimals.", n=scale))
        return None
    if number < 0 or (positive and number == 0):
        errors.add(path, _("Give a number greater than 0.") if positive else _("Give a number of 0 or more."))
        return None
    if number > maximum:
        errors.add(path, _("Give a number of at most %(n)s.", n=f"{maximum:,}"))
        return None
    return number.quantize(Decimal(1).scaleb(-scale)) if number.as_tuple().exponent < -scale else number


def parse_date(value, errors, path, required=False):
    if value is None or value == "":
        if required:
            errors.add(path, _("Give a date (YYYY-MM-DD)."))
        return None
    day = None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, str):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            day = None
    if day is None:
        errors.add(path, _("Give a date as YYYY-MM-DD."))
    elif not MIN_YEAR <= day.year <= MAX_YEAR:
        errors.add(path, _("Give a date between %(a)d and %(b)d.", a=MIN_YEAR, b=MAX_YEAR))
        day = None
    return day


def parse_moment(value, errors, path, zone):
    """An aware datetime in UTC; an ISO 8601 text with an offset, or a local date and time in the operation's
    time zone (a spreadsheet has no offsets). A date alone means noon local time."""
    if value is None or value == "":
        errors.add(path, _("Give the date and time (ISO 8601, e.g. 2026-05-06T14:30:00+03:00)."))
        return None
    moment = None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time(12, 0))
    elif isinstance(value, str):
        text = value.strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            moment = None
        if moment is not None and len(text) == 10:
            moment = datetime.combine(moment.date(), time(12, 0))
    if moment is None:
        errors.add(path, _("“%(value)s” is not a date and time (ISO 8601, e.g. 2026-05-06T14:30:00+03:00).",
                           value=str(value)[:40]))
        return None
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        errors.add(path, _("Give a date between %(a)d and %(b)d.", a=MIN_YEAR, b=MAX_YEAR))
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    from datetime import timezone

    return moment.astimezone(timezone.utc)


# --- the seizure ---------------------------------------------------------------------------------------------

def _unknown(data, allowed, prefix, errors):
    for extra in sorted(set(data) - set(allowed)):
        path = f"{prefix}.{extra}" if prefix else extra
        errors.add(path, _("Unknown field; expected one of: %(fields)s.", fields=", ".join(allowed)))


def _list(data, key, errors, maximum, required=False):
    rows = data.get(key)
    if rows is None or rows == []:
        if required:
            errors.add(key, _("Give at least one."))
        return []
    if not isinstance(rows, list):
        errors.add(key, _("Give a list."))
        return []
    if len(rows) > maximum:
        errors.add(key, _("At most %(n)d entries.", n=maximum))
        return []
    good = []
    for i, row in enumerate(rows):
        if isinstance(row, dict):
            good.append((i, row))
        else:
            errors.add(f"{key}.{i}", _("Each entry must be an object."))
    return good


def clean_seizure(data, ctx: SeizureContext) -> tuple[dict, FieldErrors]:
    """The clean seizure (the JSON shape, with Decimals, dates and lists of clean dicts) and its errors.
    Nothing is looked up per row beyond what `ctx` holds, except places by UN/LOCODE."""
    errors = FieldErrors()
    if not isinstance(data, dict):
        errors.add("", _("A seizure must be an object."))
        return {}, errors
    _unknown(data, SEIZURE_FIELDS, "", errors)
    clean = {}
    ref = _text(data, "national_reference", errors, "national_reference", maximum=40)
    if ref and not REFERENCE_PATTERN.match(ref):
        errors.add("national_reference", _("Use letters, digits and . _ / - (at most 40), starting with a letter "
                                           "or digit."))
    clean["national_reference"] = ref
    clean["seized_at"] = parse_moment(data.get("seized_at"), errors, "seized_at", ctx.zone)
    if clean["seized_at"] is not None:
        _check_seizure_moment(clean["seized_at"], ctx, errors)
    clean["country"] = _country(data, "country", errors, "country")
    clean["place"] = _text(data, "place", errors, "place", required=True)
    clean["location_code"] = None
    location_code = data.get("location_code")
    if location_code not in (None, ""):
        place = _place(location_code, ctx)
        if place is None:
            errors.add("location_code", _("“%(code)s” is not a place in the list (a UN/LOCODE such as NLRTM).",
                                          code=str(location_code)[:10]))
        elif clean["country"] and place.country != clean["country"]:
            errors.add("location_code", _("%(code)s is in %(place_country)s, not %(country)s.", code=place.code,
                                          place_country=place.country, country=clean["country"]))
        else:
            clean["location_code"] = place.code
            if not data.get("location_type"):
                data = {**data, "location_type": place.location_type}
    clean["location_type"] = _choice(data, "location_type", errors, "location_type", LocationType)
    clean["detection_method"] = _choice(data, "detection_method", errors, "detection_method", DetectionMethod)
    clean["warning_id"] = _warning(data.get("warning_id"), ctx, errors)
    clean["transport_mode"] = _choice(data, "transport_mode", errors, "transport_mode", TransportMode)
    clean["conveyance"] = _conveyance(data.get("conveyance"), clean["transport_mode"], errors)
    clean["route"] = _route(data, errors)
    clean["items"] = _items(data, ctx, errors)
    concealment = data.get("concealment")
    clean["concealment"] = None
    if concealment not in (None, ""):
        if not isinstance(concealment, str) or concealment not in ctx.concealments:
            errors.add("concealment", _("“%(code)s” is not a concealment method in use; use one of: %(known)s.",
                                        code=str(concealment)[:60], known=", ".join(sorted(ctx.concealments))))
        else:
            clean["concealment"] = concealment
    clean["concealment_details"] = _text(data, "concealment_details", errors, "concealment_details",
                                         maximum=MEDIUM)
    clean["modus_operandi"] = _text(data, "modus_operandi", errors, "modus_operandi", maximum=LONG)
    clean["offenders"] = _offenders(data, errors)
    clean["arrests"] = _int(data, "arrests", errors, "arrests")
    clean["investigation_opened"] = _bool(data, "investigation_opened", errors, "investigation_opened", False)
    for key in SHARING_FIELDS:
        clean[key] = _bool(data, key, errors, key, ctx.defaults[key])
    clean["public_statistics"] = _bool(data, "public_statistics", errors, "public_statistics", False)
    clean["embargo_until"] = parse_date(data.get("embargo_until"), errors, "embargo_until")
    status = data.get("status") or RecordStatus.SUBMITTED.value
    if status not in (RecordStatus.DRAFT.value, RecordStatus.SUBMITTED.value):
        errors.add("status", _("Give draft or submitted (a record is withdrawn with its own action, with a "
                               "reason)."))
        status = RecordStatus.SUBMITTED.value
    clean["status"] = status
    return clean, errors


def _check_seizure_moment(moment, ctx, errors):
    if ctx.now is not None and moment > ctx.now + timedelta(hours=1):
        errors.add("seized_at", _("The seizure cannot be in the future."))
    start = ctx.operation.actual_start_at
    if start is not None:
        local_start = start.astimezone(ctx.zone).date()
        if moment.astimezone(ctx.zone).date() < local_start:
            errors.add("seized_at", _("The operational phase started on %(day)s; a seizure before it is not a "
                                      "result of this operation.", day=local_start.isoformat()))


def _place(code, ctx):
    from planner.vocab.queries import place_by_code

    if not isinstance(code, str):
        return None
    key = code.strip().upper()
    if key not in ctx.places:
        ctx.places[key] = place_by_code(key)
    return ctx.places[key]


def _warning(value, ctx, errors):
    """The id of the warning cited: an id (the API's `warning_id`), or the warning's number as people write it
    (`W-3`, in a spreadsheet or a form), which is resolved within the operation."""
    if value in (None, ""):
        return None
    if isinstance(value, str) and value.strip().upper().startswith("W-"):
        number = value.strip()[2:]
        known = number.isascii() and number.isdigit() and len(number) < 10
        value = ctx.warning_numbers.get(int(number)) if known else None
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() and len(value.strip()) < 10:
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value not in ctx.warning_ids:
        errors.add("warning_id", _("No warning of this operation sent to or by your administration has this "
                                   "number."))
        return None
    return value


def _conveyance(value, mode, errors):
    if value in (None, {}, ""):
        return {}
    if not isinstance(value, dict):
        errors.add("conveyance", _("Give an object of conveyance details."))
        return {}
    allowed = CONVEYANCE_BY_MODE.get(mode, tuple(CONVEYANCE_FIELDS))
    clean = {}
    for key, raw in value.items():
        path = f"conveyance.{key}"
        if key not in allowed:
            errors.add(path, _("Not a detail of this transport mode; expected one of: %(fields)s.",
                               fields=", ".join(allowed)))
            continue
        if key in CONVEYANCE_COUNTRY_FIELDS:
            code = _country(value, key, errors, path, required=False)
            if code:
                clean[key] = code
        else:
            text = _text(value, key, errors, path, maximum=100)
            if text:
                clean[key] = text
    return clean


def _route(data, errors):
    steps = []
    for i, row in _list(data, "route", errors, MAX_ROUTE):
        prefix = f"route.{i}"
        _unknown(row, ROUTE_FIELDS, prefix, errors)
        steps.append({
            "country": _country(row, "country", errors, f"{prefix}.country"),
            "place": _text(row, "place", errors, f"{prefix}.place"),
            "role": _choice(row, "role", errors, f"{prefix}.role", RouteRole),
        })
    return steps


def _offenders(data, errors):
    people = []
    for i, row in _list(data, "offenders", errors, MAX_OFFENDERS):
        prefix = f"offenders.{i}"
        extra = set(row) - set(OFFENDER_FIELDS)
        if extra:  # personal data stays at the minimum: no names, birth dates or documents
            for key in sorted(extra):
                errors.add(f"{prefix}.{key}", _("Offenders are recorded only by role and nationality; leave out "
                                                "names and other personal data."))
        people.append({
            "role": _choice(row, "role", errors, f"{prefix}.role", OffenderRole),
            "nationality": _country(row, "nationality", errors, f"{prefix}.nationality", required=False),
        })
    return people


def _items(data, ctx, errors):
    items = []
    for i, row in _list(data, "items", errors, MAX_ITEMS, required=True):
        prefix = f"items.{i}"
        _unknown(row, ITEM_FIELDS, prefix, errors)
        category = row.get("category")
        kind = row.get("type")
        categories = {c for c, _t in ctx.commodity_types}
        if not category:
            errors.add(f"{prefix}.category", _("Choose a commodity category."))
        elif not isinstance(category, str) or category not in categories:
            errors.add(f"{prefix}.category", _("“%(code)s” is not a commodity category in use; use one of: "
                                               "%(known)s.", code=str(category)[:60],
                                               known=", ".join(sorted(categories))))
            category = None
        if kind is not None and not isinstance(kind, str):
            errors.add(f"{prefix}.type", _("Give the type as text."))
            kind, category = None, None
        if category and (not kind or (category, kind) not in ctx.commodity_types):
            if not kind and sum(1 for c, _t in ctx.commodity_types if c == category) == 1:
                kind = next(t for c, t in ctx.commodity_types if c == category)  # the category's only type
            else:
                known = ", ".join(sorted(t for c, t in ctx.commodity_types if c == category))
                errors.add(f"{prefix}.type", _("“%(code)s” is not a type of %(category)s; use one of: %(known)s.",
                                               code=str(kind or "")[:60], category=category, known=known))
        hs = row.get("hs_code")
        hs_clean = None
        if hs not in (None, ""):
            message = hs_code_error(hs)
            if message:
                errors.add(f"{prefix}.hs_code", message)
            else:
                hs_clean = normalise_hs_code(hs)
        items.append({
            "category": category,
            "type": kind,
            "description": _text(row, "description", errors, f"{prefix}.description", maximum=MEDIUM),
            "hs_code": hs_clean,
            "brand": _text(row, "brand", errors, f"{prefix}.brand"),
            "counterfeit": _bool(row, "counterfeit", errors, f"{prefix}.counterfeit", False),
            "quantities": _quantities(row, errors, prefix),
            "estimated_value_eur": decimal_value(row.get("estimated_value_eur"), errors,
                                                 f"{prefix}.estimated_value_eur", MONEY_SCALE, MAX_MONEY),
            "duties_evaded_eur": decimal_value(row.get("duties_evaded_eur"), errors, f"{prefix}.duties_evaded_eur",
                                               MONEY_SCALE, MAX_MONEY),
        })
    return items


def _quantities(row, errors, prefix):
    quantities = []
    seen = set()
    for j, q in _list(row, "quantities", FieldErrorsPrefix(errors, prefix), MAX_QUANTITIES, required=True):
        path = f"{prefix}.quantities.{j}"
        _unknown(q, QUANTITY_FIELDS + DERIVED_QUANTITY_FIELDS, path, errors)
        unit = None
        raw_unit = q.get("unit")
        if raw_unit in (None, ""):
            errors.add(f"{path}.unit", _("Give the unit (kg, g, t, l, ml, pcs or EUR)."))
        else:
            try:
                unit = unit_for(raw_unit).code if isinstance(raw_unit, str) else None
            except UnitError as exc:
                errors.add(f"{path}.unit", str(exc))
            if unit is None and not errors.errors.get(f"{path}.unit"):
                errors.add(f"{path}.unit", _("Give the unit as text (kg, g, t, l, ml, pcs or EUR)."))
        value = decimal_value(q.get("value"), errors, f"{path}.value", QUANTITY_SCALE, MAX_QUANTITY, required=True,
                              positive=True)
        if unit == "pcs" and value is not None and value != value.to_integral_value():
            errors.add(f"{path}.value", _("Pieces are counted in whole numbers."))
            value = None
        # one quantity per base unit: 1 t and 1000 kg of one item would otherwise count twice in every total
        base_unit = UNITS[unit].base if unit in UNITS else None
        if base_unit is not None and base_unit in seen:
            errors.add(f"{path}.unit", _("This item already has a quantity in %(base)s (or a unit converted to "
                                         "it); give the item's mass, volume, pieces and value once each.",
                                         base=base_unit))
        seen.add(base_unit)
        normalised, base = normalise(value, unit) if value is not None and unit is not None else (None, None)
        quantities.append({"value": value, "unit": unit, "normalised_value": normalised, "base_unit": base})
    return quantities


class FieldErrorsPrefix:
    """A FieldErrors view that prefixes the paths it is given (for lists nested in a row)."""

    def __init__(self, errors, prefix):
        self._errors, self._prefix = errors, prefix

    def add(self, path, message):
        self._errors.add(f"{self._prefix}.{path}", message)


# --- controls -------------------------------------------------------------------------------------------------

CONTROL_FIELDS = ("date", "location", "location_code", "transport_mode", "selection_basis", "controls", "hits",
                  "share_with_eu_member_states", "share_with_third_countries", "share_with_agencies",
                  "public_statistics", "embargo_until")
MAX_CONTROLS = 10_000_000


def clean_control(data, ctx: SeizureContext) -> tuple[dict, FieldErrors]:
    errors = FieldErrors()
    if not isinstance(data, dict):
        errors.add("", _("A control record must be an object."))
        return {}, errors
    _unknown(data, CONTROL_FIELDS, "", errors)
    clean = {"date": parse_date(data.get("date"), errors, "date", required=True)}
    if clean["date"] is not None:
        today = (ctx.now.astimezone(ctx.zone).date() if ctx.now else None)
        if today and clean["date"] > today:
            errors.add("date", _("Controls cannot be in the future."))
        start = ctx.operation.actual_start_at
        if start is not None and clean["date"] < start.astimezone(ctx.zone).date():
            errors.add("date", _("The operational phase started on %(day)s.",
                                 day=start.astimezone(ctx.zone).date().isoformat()))
    clean["location"] = _text(data, "location", errors, "location", required=True)
    clean["location_code"] = None
    code = data.get("location_code")
    if code not in (None, ""):
        place = _place(code, ctx)
        if place is None:
            errors.add("location_code", _("“%(code)s” is not a place in the list (a UN/LOCODE such as NLRTM).",
                                          code=str(code)[:10]))
        else:
            clean["location_code"] = place.code
            if not clean["location"]:
                clean["location"] = place.name
                errors.errors.pop("location", None)
    clean["transport_mode"] = _choice(data, "transport_mode", errors, "transport_mode", TransportMode)
    clean["selection_basis"] = _choice(data, "selection_basis", errors, "selection_basis", SelectionBasis)
    clean["controls"] = _int(data, "controls", errors, "controls", default=None, maximum=MAX_CONTROLS)
    if clean["controls"] is None and "controls" not in errors.errors:
        errors.add("controls", _("Give the number of controls."))
    clean["hits"] = _int(data, "hits", errors, "hits", default=0, maximum=MAX_CONTROLS)
    if clean["controls"] is not None and clean["hits"] is not None and clean["hits"] > clean["controls"]:
        errors.add("hits", _("More controls found something than were made (%(n)d).", n=clean["controls"]))
    for key in SHARING_FIELDS:
        clean[key] = _bool(data, key, errors, key, ctx.defaults[key])
    clean["public_statistics"] = _bool(data, "public_statistics", errors, "public_statistics", False)
    clean["embargo_until"] = parse_date(data.get("embargo_until"), errors, "embargo_until")
    return clean, errors
