"""An operation in evaluation with results for its final report: mixed units (a three-decimal tonnage, kilograms,
pieces, litres), a record shared with nobody, a record shared with third countries, a draft and a withdrawn record
that never count, text that looks like spreadsheet formulas, and a follow-up seizure after the operational phase.
The fixture is offered to the report tests by tests/reports/conftest.py."""
import re
from datetime import datetime, timezone

import pytest

from planner.core import clock
from planner.extensions import db
from planner.operations.services import take_transition
from planner.results.services import create_seizure, withdraw_seizure
from tests.results.conftest import seizure_data

NOBODY = {"share_with_eu_member_states": False, "share_with_third_countries": False, "share_with_agencies": False}
HYPERLINK = '=HYPERLINK("http://x","y")'
AT_SUM = "@SUM(A1)"


def item(category, kind, *quantities, **extra):
    return {"category": category, "type": kind, "quantities": [{"value": v, "unit": u} for v, u in quantities],
            **extra}


@pytest.fixture
def evaluated(running, factory):
    """LEAD LT, participants PL, NL (EU), UA (third country), EUROPOL observing. LT: 283671.925 t of raw tobacco
    with 2 875 000 cigarettes; 12.5 kg of tobacco by rail; 640.5 l of spirits at a place written as a formula,
    shared with third countries. PL: 1 000 cigarettes shared with nobody, a draft, a withdrawn record. After the
    phase ended (2026-05-15), NL's follow-up seizure of 3 kg of tobacco from CN. In evaluation since 2026-06-01."""
    lt, pl, nl = factory.user("LT", "officer"), factory.user("PL", "officer"), factory.user("NL", "officer")
    create_seizure(lt, running, seizure_data(items=[
        item("tobacco", "raw_tobacco", ("283671.925", "t")), item("cigarettes", "cigarettes", ("2875000", "pcs"))]))
    create_seizure(lt, running, seizure_data(items=[item("tobacco", "raw_tobacco", ("12.5", "kg"))],
                                             transport_mode="rail", conveyance={}, arrests=2,
                                             investigation_opened=False))
    create_seizure(lt, running, seizure_data(
        items=[item("alcohol", "spirits", ("640.5", "l"), description=AT_SUM)], place=HYPERLINK,
        concealment=None, route=[], arrests=0, investigation_opened=False, share_with_third_countries=True))
    create_seizure(pl, running, seizure_data(items=[item("cigarettes", "cigarettes", ("1000", "pcs"))],
                                             concealment="vehicle_manipulation", **NOBODY))
    create_seizure(pl, running, seizure_data(items=[item("tobacco", "raw_tobacco", ("9", "t"))], status="draft"))
    gone = create_seizure(pl, running, seizure_data(items=[item("tobacco", "raw_tobacco", ("7", "t"))]))
    withdraw_seizure(pl, gone, "entered twice", gone.version)
    db.session.commit()
    coordinator = factory.coordinator("LT")
    clock.freeze(datetime(2026, 5, 15, 16, 0, tzinfo=timezone.utc))
    take_transition(coordinator, running, "end")
    db.session.commit()
    clock.freeze(datetime(2026, 5, 25, 9, 0, tzinfo=timezone.utc))
    create_seizure(nl, running, seizure_data(
        seized_at="2026-05-22T10:00:00+02:00", country="NL", place="Rotterdam", location_type="seaport",
        transport_mode="sea_container", conveyance={}, route=[{"country": "CN", "role": "origin"}],
        items=[item("tobacco", "water_pipe", ("3", "kg"))], arrests=0, investigation_opened=True))
    db.session.commit()
    clock.freeze(datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc))
    take_transition(coordinator, running, "evaluate")
    db.session.commit()
    return running


def seizure_count(html):
    """The count the seizure list shows ("3 seizures")."""
    found = re.search(r'id="seizure-count">(\d+) seizures?<', html)
    assert found, html[:2000]
    return int(found.group(1))
