"""The one source of 'now', so that tests can freeze it."""
from datetime import datetime, timezone

_frozen = None


def utcnow() -> datetime:
    return _frozen or datetime.now(timezone.utc)


def freeze(moment):
    """Test helper: freeze utcnow() at `moment` (an aware datetime), or unfreeze with None."""
    global _frozen
    _frozen = moment
