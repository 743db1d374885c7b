"""Builders for results tests: a seizure in the API's JSON shape."""
import pytest


def seizure_data(**overrides):
    data = {
        "seized_at": "2026-05-06T14:30:00+03:00", "country": "LT", "place": "Medininkai",
        "location_type": "land_border", "detection_method": "scanner", "transport_mode": "road",
        "conveyance": {"vehicle_plate": "AB 1234", "vehicle_nationality": "BY"},
        "route": [{"country": "BY", "role": "origin"}, {"country": "DE", "role": "destination"}],
        "items": [{"category": "cigarettes", "type": "cigarettes", "description": "Master boxes",
                   "quantities": [{"value": "2875000", "unit": "pcs"}],
                   "estimated_value_eur": "1437500.00", "duties_evaded_eur": "690000.00"}],
        "concealment": "cover_load", "offenders": [{"role": "driver", "nationality": "BY"}], "arrests": 1,
        "investigation_opened": True,
    }
    data.update(overrides)
    return data


@pytest.fixture
def running(factory):
    """An operational operation led by LT with PL, NL (EU), UA (third country) accepted and EUROPOL observing;
    the operational phase started on 2026-05-01 (the clock is frozen on 2026-05-10)."""
    from datetime import datetime, timezone

    from planner.core import clock

    clock.freeze(datetime(2026, 5, 1, 6, 0, tzinfo=timezone.utc))
    op = factory.operation_in("operational", participants=("PL", "NL", "UA"))
    factory.accept(op, "EUROPOL", role="observer")
    clock.freeze(datetime(2026, 5, 10, 12, 0, tzinfo=timezone.utc))
    return op
