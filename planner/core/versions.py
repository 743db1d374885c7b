"""Optimistic locking: the version an editor read, checked before a save (DESIGN.md §2c)."""
from flask_babel import gettext as _

from planner.core.errors import StaleVersion, ValidationError


def require_version(value) -> int:
    """The version as an int; a missing or malformed one is refused (never silently skipped)."""
    if isinstance(value, bool):
        value = None
    if isinstance(value, str):
        value = value.strip()
        value = int(value) if value.isascii() and value.isdigit() and len(value) <= 12 else None
    if not isinstance(value, int) or value < 0:
        raise ValidationError(_("Send the version of the record you are editing."),
                              {"version": [_("A whole number is required.")]})
    return value


def check_version(expected, current, what):
    """StaleVersion when `expected` (the version the editor read) is not `current`."""
    if require_version(expected) != current:
        raise StaleVersion(
            _("Somebody else saved %(what)s since you opened it (now version %(v)s). Reload and try again.",
              what=what, v=current),
            current,
        )
