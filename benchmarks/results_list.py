"""Benchmark of the Results tab on generated data: one page of the seizure list (with its count, for the lead and
for a participant who sees only what was shared with it, filtered and sorted) and the figures of the live page,
with 10,000 and 100,000 seizures in one operation. Times are ratios against a baseline measured in the same run:
a bare SELECT of one page of seizures ordered by date, without the need-to-know scope, the count or the items.

    .venv/bin/python benchmarks/results_list.py [--seizures 10000 100000] [--repeat 5]

It builds its own SQLite database in a temporary folder (or PLANNER_BENCH_DATABASE_URL, emptied first). The rows
are generated with bulk inserts (the import's own speed is measured by benchmarks/import_seizures.py)."""
import argparse
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import bench_app, fresh_schema, scratch  # noqa: E402

from benchmarks.schedule import measure  # noqa: E402

CODES = ["LT", "PL", "LV", "DE", "NL", "UA"]
CATEGORIES = [("cigarettes", "cigarettes", "pcs"), ("tobacco", "raw_tobacco", "t"), ("alcohol", "spirits", "l"),
              ("drugs", "cocaine", "kg"), ("counterfeit", "clothing", "pcs")]


def build(app, count):
    from sqlalchemy import insert

    from planner.core.clock import freeze
    from planner.extensions import db
    from planner.results.models import Quantity, Seizure, SeizureItem
    from planner.vocab.units import normalise
    from tests.factories import Factory

    rng = random.Random(6)
    with app.app_context():
        fresh_schema()
        start = datetime(2026, 5, 1, 6, tzinfo=timezone.utc)
        freeze(start)
        factory = Factory()
        op = factory.operation_in("operational", participants=CODES[1:])
        users = {code: factory.user(code, "officer") for code in CODES}
        orgs = {code: factory.org(code).id for code in CODES}
        seizures, items, quantities = [], [], []
        for n in range(1, count + 1):
            code = CODES[n % len(CODES)]
            category, kind, unit = CATEGORIES[n % len(CATEGORIES)]
            value = rng.randint(1, 500000) if unit == "pcs" else rng.randint(1, 5_000_000) / 1000
            normalised, base = normalise(str(value), unit)
            seizures.append({"id": n, "operation_id": op.id, "organisation_id": orgs[code],
                             "national_reference": f"{code}-2026-{n:06d}",
                             "seized_at": start + timedelta(minutes=n * 3 % (60 * 24 * 30)), "country": "LT",
                             "place": f"Place {n % 97}", "location_type": "land_border",
                             "detection_method": "scanner", "transport_mode": "road", "conveyance": {},
                             "concealment_details": "", "modus_operandi": "", "offenders": [], "arrests": n % 3,
                             "investigation_opened": n % 5 == 0, "share_with_eu_member_states": n % 4 != 0,
                             "share_with_third_countries": n % 7 == 0, "share_with_agencies": n % 3 == 0,
                             "public_statistics": False, "status": "submitted", "submitted_at": start,
                             "content_hash": "", "created_at": start, "created_by_id": users[code].id, "version": 1})
            items.append({"id": n, "seizure_id": n, "position": 0, "category": category, "type": kind,
                          "description": "", "brand": "", "counterfeit": False})
            quantities.append({"item_id": n, "position": 0, "value": str(value), "unit": unit,
                               "normalised_value": normalised, "base_unit": base})
        for model, rows in ((Seizure, seizures), (SeizureItem, items), (Quantity, quantities)):
            for chunk in range(0, len(rows), 5000):
                db.session.execute(insert(model), rows[chunk:chunk + 5000])
        db.session.commit()
        return op.id, factory.coordinator("LT").id, users["PL"].id


def run(app, operation_id, lead_id, participant_id, repeat, size):
    from sqlalchemy import select

    from planner.auth.models import User
    from planner.extensions import db
    from planner.operations.access import operation_access
    from planner.operations.models import Operation
    from planner.results import live
    from planner.results.models import Seizure
    from planner.results.queries import seizure_page

    results = {}
    with app.test_request_context():
        op = db.session.get(Operation, operation_id)
        lead = operation_access(db.session.get(User, lead_id), op)
        participant = operation_access(db.session.get(User, participant_id), op)

        def baseline():
            db.session.expire_all()
            db.session.scalars(select(Seizure).where(Seizure.operation_id == operation_id)
                               .order_by(Seizure.seized_at.desc()).limit(50)).all()

        cases = {
            "baseline: a bare page of 50 seizures": baseline,
            "list page, lead (count, items, route)": lambda: seizure_page(lead, {}, "-seized_at", 1, 50),
            "list page, participant (sharing scope)": lambda: seizure_page(participant, {}, "-seized_at", 1, 50),
            "list page, last page": lambda: seizure_page(lead, {}, "-seized_at", size // 50, 50),
            "list page, filter by commodity": lambda: seizure_page(lead, {"category": "drugs"}, "place", 1, 50),
            "list page, search a reference": lambda: seizure_page(lead, {"q": "pl-2026-0001"}, "-seized_at", 1, 50),
            "live figures (day, commodity, participant)": lambda: (
                live.seizures_per_day(lead), live.totals_per_commodity(lead), live.seizures_per_participant(lead),
                live.seizure_totals(lead)),
        }
        for name, func in cases.items():
            db.session.expire_all()
            results[name] = measure(func, repeat)
        db.session.rollback()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seizures", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    url, folder = scratch()
    app = bench_app(url, folder)
    print(f"database: {url.split('://')[0]}; median of {args.repeat} runs")
    for size in args.seizures:
        ids = build(app, size)
        results = run(app, *ids, args.repeat, size)
        base = results["baseline: a bare page of 50 seizures"][0]
        print(f"\n{size} seizures in one operation")
        print(f"  {'case':44} {'× baseline':>11} {'peak memory':>12}   (this machine: ms)")
        for name, (seconds, peak) in results.items():
            print(f"  {name:44} {seconds / base:>11.1f} {peak / 1024 / 1024:>9.1f} MB   ({seconds * 1000:.1f})")


if __name__ == "__main__":
    main()
