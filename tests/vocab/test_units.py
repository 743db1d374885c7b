from decimal import Decimal

import pytest

from planner.vocab.units import (
    UNITS, UnitError, is_unit, normalise, normalise_quantity, parse_quantity, same_dimension, unit_for,
)


def test_three_decimal_tonnes_are_exact_kilograms():
    value, unit = normalise(Decimal("283671.925"), "t")
    assert (value, unit) == (Decimal("283671925"), "kg")
    assert str(value) == "283671925"  # no "283671925.000", no exponent


def test_quantity_text_is_parsed_and_normalised():
    assert parse_quantity("283671.925 t") == (Decimal("283671.925"), "t")
    assert normalise_quantity("283671.925 t") == (Decimal("283671925"), "kg")
    assert normalise_quantity("12 500 pcs") == (Decimal("12500"), "pcs")
    assert normalise_quantity("3,5 kg") == (Decimal("3.5"), "kg")
    assert normalise_quantity("750ml") == (Decimal("0.75"), "l")


def test_small_units_scale_down_exactly():
    assert normalise(Decimal("1500"), "g") == (Decimal("1.5"), "kg")
    assert normalise(Decimal("0.001"), "g") == (Decimal("0.000001"), "kg")
    assert normalise(Decimal("330"), "ml") == (Decimal("0.33"), "l")
    assert normalise("0.001", "t") == (Decimal("1"), "kg")
    assert normalise(7, "l") == (Decimal("7"), "l")


def test_many_tonne_values_add_up_exactly():
    values = [Decimal(n) / 1000 for n in range(1, 2001)]  # 0.001 t … 2.000 t
    total = sum(normalise(v, "t")[0] for v in values)
    assert total == Decimal(sum(range(1, 2001)))  # kilograms, exactly 2001000


def test_pieces_and_euros_stay_apart():
    assert normalise(Decimal("1000000"), "pcs") == (Decimal("1000000"), "pcs")
    assert normalise(Decimal("1234.56"), "EUR") == (Decimal("1234.56"), "EUR")
    assert not same_dimension("kg", "pcs")
    assert same_dimension("t", "g")


def test_every_unit_has_a_dimension_and_an_exact_factor():
    assert set(UNITS) == {"kg", "g", "t", "l", "ml", "pcs", "EUR"}
    for unit in UNITS.values():
        assert isinstance(unit.factor, Decimal)
        assert UNITS[unit.base].dimension == unit.dimension
    assert {u.base for u in UNITS.values()} == {"kg", "l", "pcs", "EUR"}


def test_floats_are_refused():
    with pytest.raises(TypeError):
        normalise(0.1, "t")


def test_aliases_and_unknown_units():
    assert unit_for("tonnes").code == "t"
    assert unit_for("KG").code == "kg"
    assert unit_for("eur").code == "EUR"
    assert is_unit("kg") and not is_unit("KG")
    with pytest.raises(UnitError) as exc:
        unit_for("barrels")
    assert "barrels" in str(exc.value) and "kg" in str(exc.value)


@pytest.mark.parametrize("text", ["", "kg", "12", "twelve kg", "1,000.5 kg"])
def test_bad_quantities_say_so(text):
    with pytest.raises(UnitError):
        parse_quantity(text)


def test_non_finite_values_are_refused():
    with pytest.raises(UnitError):
        normalise(Decimal("NaN"), "kg")
    with pytest.raises(UnitError):
        normalise(Decimal("Infinity"), "kg")
