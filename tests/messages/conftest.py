"""Fixtures of the messages tests: an operational operation with organisers, participants, an observer and
outsiders, its users, and a builder of valid warnings in the API's shape."""
from datetime import datetime, timezone

import pytest

from planner.core import clock
from planner.extensions import db
from tests.api.conftest import api  # noqa: F401

START = datetime(2026, 5, 1, 6, 0, tzinfo=timezone.utc)
NOW = datetime(2026, 5, 10, 12, 0, tzinfo=timezone.utc)


def warning_data(**overrides):
    data = {
        "subject": "Reefer container, cigarettes under frozen fish", "profile_type": "container",
        "urgency": "urgent",
        "profile": {"container_number": "MSKU1234565", "vessel_name": "EVER SMUGGLE", "vessel_flag": "pa",
                    "description": "40' reefer, consignee new to the trade"},
        "route": [{"country": "CN", "place": "Ningbo", "role": "loading"},
                  {"country": "NL", "place": "Rotterdam", "role": "transit"},
                  {"country": "PL", "role": "destination"}],
        "indicators": "New consignee; frozen fish declared at a low value.", "details": "Arrives by feeder.",
        "expected_at": "2026-05-12T06:00:00+02:00", "addressees": ["PL"],
    }
    data.update(overrides)
    return data


@pytest.fixture
def op(factory):
    """Operational, led by LT with OLAF co-organising; PL, NL (EU) and UA (third country) take part, EUROPOL
    observes, DE is still invited. The phase started on 2026-05-01; the clock stands on 2026-05-10 12:00 UTC."""
    clock.freeze(START)
    operation = factory.operation_in("operational", participants=("PL", "NL", "UA"), co_organisers=["OLAF"])
    factory.accept(operation, "EUROPOL", role="observer")
    factory.invite(operation, "DE")
    clock.freeze(NOW)
    return operation


@pytest.fixture
def people(factory, op):
    return {
        "lt_coordinator": factory.coordinator("LT"),
        "lt_officer": factory.user("LT", "officer"),
        "lt_analyst": factory.user("LT", "analyst"),
        "olaf_coordinator": factory.coordinator("OLAF"),
        "olaf_officer": factory.user("OLAF", "officer"),
        "pl_coordinator": factory.coordinator("PL"),
        "pl_contact_point": factory.user("PL", "contact_point"),
        "pl_officer": factory.user("PL", "officer"),
        "pl_analyst": factory.user("PL", "analyst"),
        "nl_coordinator": factory.coordinator("NL"),
        "nl_officer": factory.user("NL", "officer"),
        "ua_coordinator": factory.coordinator("UA"),
        "observer": factory.coordinator("EUROPOL"),
        "invited": factory.coordinator("DE"),
        "outsider": factory.coordinator("FR"),
        "secretariat": factory.secretariat(),
        "admin": factory.user("CCWP", "admin"),
    }


@pytest.fixture
def send(op):
    """send(user, **overrides): a warning sent through the service and committed."""
    from planner.messages.services import send_warning

    def do_send(user, operation=None, **overrides):
        warning = send_warning(user, operation or op, warning_data(**overrides))
        db.session.commit()
        return warning

    return do_send
