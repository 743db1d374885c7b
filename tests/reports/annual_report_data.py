"""Data for the annual report tests: a running operation of 2026 with mixed units (a three-decimal tonnage, pieces,
litres, EUR), one draft that never counts, and an operation of 2025 recorded afterwards by the secretariat with a
seizure imported on behalf of PL (the comparison with the year before)."""
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest

from planner.extensions import db
from planner.past_operations.services import record_past_operation
from planner.results.services import create_seizure, create_seizures
from tests.results import conftest as results_fixtures

running, seizure_data = results_fixtures.running, results_fixtures.seizure_data  # fixtures and builders reused

YEAR = 2026


def item(category, kind, *quantities):
    return {"category": category, "type": kind, "quantities": [{"value": v, "unit": u} for v, u in quantities]}


def record_past(factory, year, lead="LT", participants=("PL",), **extra):
    data = {"code_name": extra.pop("code_name", f"PAST {year} {lead}"), "year": year, "lead": lead,
            "participants": list(participants), "operational_start": f"{year}-03-03",
            "operational_end": f"{year}-03-16", "targeted_goods": ["tobacco"],
            "transport_sectors": ["sea_container"], **extra}
    operation = record_past_operation(factory.secretariat(), data)
    db.session.commit()
    return operation


def import_seizure(factory, operation, organisation, **overrides):
    """A seizure of `organisation` imported by the secretariat into an operation recorded afterwards."""
    data = seizure_data(seized_at=f"{operation.year}-03-05T10:00:00+02:00", **overrides)
    data.pop("status", None)
    created = create_seizures(factory.secretariat(), operation, [data], organisation=factory.org(organisation))
    db.session.commit()
    return created.created[0]


@pytest.fixture
def annual(running, factory):
    """2026: LT tobacco 283671.925 t with cigarettes in pieces (road, scanner, cover load, an investigation,
    1 arrest); LT cigarettes and litres of spirits by rail (2 arrests); PL cash in EUR (intelligence, body or
    baggage); a PL draft (never counted). 2025: a past operation with PL's 3.1 t of tobacco."""
    lt, pl = factory.user("LT", "officer"), factory.user("PL", "officer")
    create_seizure(lt, running, seizure_data(items=[item("tobacco", "raw_tobacco", ("283671.925", "t")),
                                                    item("cigarettes", "cigarettes", ("2875000", "pcs"))]))
    create_seizure(lt, running, seizure_data(items=[item("cigarettes", "cigarettes", ("1000", "pcs")),
                                                    item("alcohol", "spirits", ("640.5", "l"))],
                                             transport_mode="rail", conveyance={}, arrests=2,
                                             investigation_opened=False))
    create_seizure(pl, running, seizure_data(items=[item("cash", "banknotes", ("15000.50", "EUR"))],
                                             detection_method="intelligence", concealment="body_baggage",
                                             arrests=0, investigation_opened=False, country="PL", place="Terespol"))
    create_seizure(pl, running, seizure_data(items=[item("tobacco", "raw_tobacco", ("9", "t"))], status="draft"))
    db.session.commit()
    past = record_past(factory, YEAR - 1, code_name="LAST WAVE")
    import_seizure(factory, past, "PL", items=[item("tobacco", "raw_tobacco", ("3.100", "t"))], arrests=0,
                   investigation_opened=False, country="PL", place="Gdansk", transport_mode="sea_container",
                   location_type="seaport", conveyance={})
    return SimpleNamespace(operation=running, past=past, secretariat=factory.secretariat(), lt_officer=lt)


def add_seizure(factory, operation, **overrides):
    create_seizure(factory.user("NL", "officer"), operation, seizure_data(
        items=[item("cigarettes", "cigarettes", ("5", "pcs"))], country="NL", place="Rotterdam", **overrides))
    db.session.commit()


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def fact_on_page(html, section, key):
    """The shown value of a key figure on a report page (as `display` wrote it)."""
    match = re.search(rf'id="fact-{re.escape(section)}-{re.escape(key)}"[^>]*>.*?</dt>\s*<dd[^>]*>(.*?)</dd>', html,
                      re.S)
    assert match, (section, key)
    return text_of(match.group(1))


def number(shown):
    """A figure as the page shows it ("283 671 925", "—") back to a Decimal (None for nothing)."""
    shown = shown.replace(" ", "").replace("\u202f", "")
    return None if shown in ("—", "") else Decimal(shown)
