import pytest

from planner.vocab.hs import HSCodeError, hs_code_error, hs_description, is_hs_code, validate_hs_code


@pytest.mark.parametrize("code, expected", [
    ("240220", "240220"),           # cigarettes containing tobacco
    ("2402.20", "240220"),
    (" 2402 20 ", "240220"),
    ("24022010", "24022010"),       # CN: 8 digits on an existing subheading
    ("2402.20.90.00", "2402209000"),  # TARIC: 10 digits
    ("240311", "240311"),           # water-pipe tobacco
])
def test_valid_codes_come_back_normalised(code, expected):
    assert validate_hs_code(code) == expected
    assert hs_code_error(code) is None
    assert is_hs_code(code)


def _message(code):
    with pytest.raises(HSCodeError) as exc:
        validate_hs_code(code)
    return str(exc.value)


def test_unknown_subheading():
    message = _message("240230")
    assert "240230" in message and "not an HS 2022 subheading" in message


def test_unknown_prefix_of_a_longer_code():
    message = _message("2402301000")
    assert "first six digits" in message and "240230" in message


def test_letters():
    message = _message("24O220")  # letter O, not zero
    assert "digits only" in message and "24O220" in message


def test_too_short():
    message = _message("2402")
    assert "at least the 6 digits" in message and "has 4" in message


def test_wrong_length():
    assert "6, 8 or 10 digits" in _message("2402201")
    assert "6, 8 or 10 digits" in _message("240220100000")


def test_empty():
    assert "Enter an HS code" in _message("  ")
    assert hs_code_error(None) is not None


def test_chapter_99_is_not_a_subheading():
    assert hs_code_error("999999") is not None


def test_description():
    assert "Cigarettes" in hs_description("24022010")
    assert hs_description("2402") is None
