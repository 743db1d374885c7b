"""Units of quantities and their exact normalisation (DESIGN.md 2c, rule 8).

A quantity keeps the value and unit as entered ("283671.925 t") and, beside it, its normalised value: mass in
kilograms, volume in litres. Pieces and EUR stay apart. Everything here is Decimal; a float is refused, because
0.1 t as a float is not 100 kg.
"""
import re
from dataclasses import dataclass
from decimal import Context, Decimal, Inexact, InvalidOperation, localcontext

from flask_babel import lazy_gettext as _l

MASS, VOLUME, COUNT, MONEY = "mass", "volume", "count", "money"

DIMENSION_LABELS = {
    MASS: _l("Mass"),
    VOLUME: _l("Volume"),
    COUNT: _l("Count"),
    MONEY: _l("Money"),
}


@dataclass(frozen=True)
class Unit:
    code: str
    label: object
    dimension: str
    base: str  # the code of the unit values are normalised to
    factor: Decimal  # value_in_base = value * factor, exactly

    @property
    def is_base(self):
        return self.code == self.base


UNITS = {
    u.code: u
    for u in (
        Unit("kg", _l("kilograms (kg)"), MASS, "kg", Decimal(1)),
        Unit("g", _l("grams (g)"), MASS, "kg", Decimal("0.001")),
        Unit("t", _l("tonnes (t)"), MASS, "kg", Decimal(1000)),
        Unit("l", _l("litres (l)"), VOLUME, "l", Decimal(1)),
        Unit("ml", _l("millilitres (ml)"), VOLUME, "l", Decimal("0.001")),
        Unit("pcs", _l("pieces (pcs)"), COUNT, "pcs", Decimal(1)),
        Unit("EUR", _l("euros (EUR)"), MONEY, "EUR", Decimal(1)),
    )
}

# What people type for the same units (matched case-insensitively).
UNIT_ALIASES = {
    "kgs": "kg", "kilo": "kg", "kilos": "kg", "kilogram": "kg", "kilograms": "kg", "kilogramme": "kg",
    "kilogrammes": "kg",
    "gram": "g", "grams": "g", "gramme": "g", "grammes": "g", "gr": "g",
    "tonne": "t", "tonnes": "t", "ton": "t", "tons": "t",
    "litre": "l", "litres": "l", "liter": "l", "liters": "l", "ltr": "l",
    "millilitre": "ml", "millilitres": "ml", "milliliter": "ml", "milliliters": "ml",
    "pc": "pcs", "piece": "pcs", "pieces": "pcs", "items": "pcs", "item": "pcs", "units": "pcs", "sticks": "pcs",
    "euro": "EUR", "euros": "EUR", "€": "EUR",
}

_BY_LOWER = {code.lower(): code for code in UNITS}

# Precision large enough that multiplying by the factors above is always exact for any quantity people enter;
# Inexact is trapped all the same, so a result is exact or an error, never rounded.
_EXACT = Context(prec=60, traps=[Inexact, InvalidOperation])


class UnitError(ValueError):
    """A unit or quantity that cannot be understood; str(error) says why."""


def unit_codes():
    return list(UNITS)


def unit_choices():
    return [(u.code, u.label) for u in UNITS.values()]


def unit_for(code) -> Unit:
    """The Unit for a code or a common alias ("kg", "KG", "tonnes", "pieces"); UnitError when unknown."""
    if isinstance(code, Unit):
        return code
    text = code.strip() if isinstance(code, str) else ""
    if text in UNITS:
        return UNITS[text]
    lower = text.lower()
    canonical = _BY_LOWER.get(lower) or UNIT_ALIASES.get(lower)
    if canonical is None:
        raise UnitError(_l("Unknown unit “%(unit)s”; use one of: %(units)s.", unit=text or "",
                           units=", ".join(UNITS)))
    return UNITS[canonical]


def is_unit(code) -> bool:
    """True for a unit code exactly as stored (kg, g, t, l, ml, pcs, EUR)."""
    return isinstance(code, str) and code in UNITS


def to_decimal(value) -> Decimal:
    """Decimal, int or a decimal string (a comma as decimal separator is accepted); never a float."""
    if isinstance(value, bool):
        raise UnitError(_l("A quantity must be a number."))
    if isinstance(value, float):
        raise TypeError("quantities are Decimal, int or str, never float (a float is not exact)")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
            raise UnitError(_l("“%(value)s” is not a number.", value=value.strip()))
        number = Decimal(text)
    else:
        raise UnitError(_l("A quantity must be a number."))
    if not number.is_finite():
        raise UnitError(_l("A quantity must be a finite number."))
    return number


def normalise(value, unit) -> tuple[Decimal, str]:
    """The exact value in the base unit of `unit`'s dimension: (Decimal, base unit code).

    normalise(Decimal("283671.925"), "t") == (Decimal("283671925"), "kg"). Pieces and EUR come back unchanged.
    """
    unit = unit_for(unit)
    number = to_decimal(value)
    with localcontext(_EXACT):
        result = number * unit.factor
    return _tidy(result), unit.base


def parse_quantity(text) -> tuple[Decimal, str]:
    """Split "283671.925 t" (or "12 500 pcs", "3,5 kg") into (Decimal value, unit code)."""
    if not isinstance(text, str) or not text.strip():
        raise UnitError(_l("Enter a quantity with its unit, e.g. 12.5 kg."))
    match = re.fullmatch(r"\s*([+-]?[\d\s\u00a0.,]*\d[\d.,]*)\s*([^\d\s].*?)\s*", text)
    if not match:
        raise UnitError(_l("“%(text)s” is not a quantity with a unit, e.g. 12.5 kg.", text=text.strip()))
    return to_decimal(match.group(1)), unit_for(match.group(2)).code


def normalise_quantity(text) -> tuple[Decimal, str]:
    """normalise(*parse_quantity(text)): "283671.925 t" → (Decimal("283671925"), "kg")."""
    return normalise(*parse_quantity(text))


def same_dimension(unit_a, unit_b) -> bool:
    return unit_for(unit_a).dimension == unit_for(unit_b).dimension


def _tidy(number: Decimal) -> Decimal:
    """Drop trailing fractional zeros without switching to exponent notation (283671925.000 → 283671925)."""
    if number == number.to_integral_value():
        return number.quantize(Decimal(1), context=_EXACT)
    return number.normalize(context=_EXACT)
