"""Column types shared by every feature."""
from datetime import timezone
from decimal import Context, Decimal

from sqlalchemy import BigInteger, DateTime
from sqlalchemy.types import TypeDecorator

_WIDE = Context(prec=60)


class UTCDateTime(TypeDecorator):
    """Aware datetimes stored as UTC; SQLite gives naive values back, so they are tagged UTC on the way out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class ExactDecimal(TypeDecorator):
    """An exact decimal stored as a whole number of 10^-scale units (BIGINT), so that SUM and GROUP BY are exact
    on SQLite too, which has no decimal type and would otherwise add floats. A value with more decimals than the
    scale is refused, never rounded. Aggregates keep the type with
    `type_coerce(func.sum(column), ExactDecimal(scale))`, so the database's integer sum comes back as a Decimal."""

    impl = BigInteger
    cache_ok = True

    def __init__(self, scale):
        super().__init__()
        self.scale = scale
        self._unit = Decimal(1).scaleb(-scale)

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, float) or isinstance(value, bool):
            raise TypeError("exact decimals are Decimal, int or str, never float or bool")
        number = Decimal(value)
        scaled = number.scaleb(self.scale)
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{number} has more than {self.scale} decimals")
        return int(scaled)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        number = Decimal(int(value)).scaleb(-self.scale)
        return tidy_decimal(number)


def tidy_decimal(number: Decimal) -> Decimal:
    """Drop trailing fractional zeros, never switching to exponent notation (283671925.000 → 283671925)."""
    if number == number.to_integral_value():
        return number.quantize(Decimal(1), context=_WIDE)
    return number.normalize(context=_WIDE)
