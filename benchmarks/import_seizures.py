"""Benchmark of the Excel import of seizures: a generated workbook of 10,000 item rows (about 5,000 seizures of one
to three items) goes through the real import (file checks, reading the sheet, one validation per seizure in
create_seizures, the inserts, the audit entries, the commit). Its rows per second are written beside a baseline
measured in the same run: a bare bulk insert of the same rows (seizures, items, quantities, route steps) with
SQLAlchemy Core into the same tables, so that a noisy machine does not mislead.

    .venv/bin/python benchmarks/import_seizures.py [--rows 10000] [--repeat 1]

It builds its own SQLite database in a temporary folder (or PLANNER_BENCH_DATABASE_URL, emptied first)."""
import argparse
import resource
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import bench_app, fresh_schema, scratch  # noqa: E402

ITEMS = [("cigarettes", "cigarettes", "pcs", "2875000"), ("tobacco", "water_pipe", "t", "283671.925"),
         ("drugs", "cocaine", "kg", "12.5"), ("alcohol", "spirits", "l", "1500"), ("fuel", "diesel", "l", "24000")]
MODES = [("road", {"vehicle_plate": "AB 1234", "vehicle_nationality": "BY"}, "land_border", "Medininkai"),
         ("sea_container", {"container_number": "MSCU1234567"}, "seaport", "Klaipeda"),
         ("air_cargo", {"flight_number": "LO 123", "air_waybill": "123-45678901"}, "airport", "Vilnius")]


def build(app):
    from planner.core.clock import freeze
    from planner.extensions import db
    from tests.factories import Factory

    with app.app_context():
        fresh_schema()
        freeze(datetime(2026, 5, 1, 6, tzinfo=timezone.utc))
        factory = Factory()
        operation = factory.operation_in("operational", participants=("PL", "NL"))
        officer = factory.user("LT", "officer")
        db.session.commit()
        return operation.id, officer.id


def workbook(app, operation_id, user_id, rows):
    """The operation's template with `rows` item rows: seizure i has 1 + i % 3 items."""
    from openpyxl import load_workbook

    from planner.auth.models import User
    from planner.extensions import db
    from planner.operations.models import Operation
    from planner.results.import_template import template_bytes

    with app.test_request_context():
        operation, user = db.session.get(Operation, operation_id), db.session.get(User, user_id)
        book = load_workbook(BytesIO(template_bytes(operation, user.organisation, 10 * 1024 * 1024)))
    ws = book["Seizures"]
    keys = {c.value: c.column for c in ws[2]}
    start = datetime(2026, 5, 2, 8, 0)
    r, seizure = 3, 0
    while r < 3 + rows:
        mode, conveyance, location_type, place = MODES[seizure % len(MODES)]
        values = {"national_reference": f"LT-BENCH-{seizure:05d}", "seized_at": start + timedelta(minutes=seizure),
                  "country": "LT", "place": place, "location_type": location_type, "detection_method": "scanner",
                  "transport_mode": mode, **conveyance, "origin_country": "CN", "transit_countries": "BY",
                  "destination_country": "DE", "concealment": "cover_load", "offenders": "driver:BY",
                  "arrests": seizure % 3, "investigation_opened": "yes"}
        for k in range(1 + seizure % 3):
            if r >= 3 + rows:
                break
            category, kind, unit, value = ITEMS[(seizure + k) % len(ITEMS)]
            item = {"category": category, "type": kind, "description": f"Item {k + 1} of seizure {seizure}",
                    "quantity_1": Decimal(value), "unit_1": unit, "estimated_value_eur": Decimal("1000.50")}
            for key, cell in ({**values, **item} if k == 0 else {"national_reference": values["national_reference"],
                                                                 **item}).items():
                ws.cell(row=r, column=keys[key]).value = cell
            r += 1
        seizure += 1
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue(), seizure


TABLES = ("seizure", "seizure_item", "seizure_quantity", "seizure_route_step")


def _snapshot_and_empty(db):
    """The rows the import stored, per table (to insert them again in the baseline), then an empty result."""
    from sqlalchemy import delete, select

    from planner.core.audit import AuditEntry

    metadata = db.metadata
    rows = {name: [dict(r._mapping) for r in db.session.execute(select(metadata.tables[name]))] for name in TABLES}
    for name in ("seizure_quantity", "seizure_item", "seizure_route_step", "seizure"):
        db.session.execute(delete(metadata.tables[name]))
    db.session.execute(delete(AuditEntry).where(AuditEntry.action.in_(("seizure.created", "seizures.imported"))))
    db.session.commit()
    return rows


def run(app, operation_id, user_id, content, repeat):
    from sqlalchemy import insert

    from planner.auth.models import User
    from planner.extensions import db
    from planner.operations.models import Operation
    from planner.results.import_sheets import load_sheet
    from planner.results.workbook_import import import_workbook

    from planner.core.clock import freeze

    freeze(datetime(2026, 5, 20, 12, tzinfo=timezone.utc))  # every generated seizure lies in the operational phase
    imports, parses, baselines = [], [], []
    with app.test_request_context():
        for _ in range(repeat):
            db.session.expire_all()
            operation, user = db.session.get(Operation, operation_id), db.session.get(User, user_id)

            started = time.perf_counter()
            load_sheet(content, 10 * 1024 * 1024, "seizures")
            parses.append(time.perf_counter() - started)

            started = time.perf_counter()
            result = import_workbook(user, operation, content, "seizures", 10 * 1024 * 1024)
            db.session.commit()
            imports.append(time.perf_counter() - started)
            stored = _snapshot_and_empty(db)

            started = time.perf_counter()
            for name in TABLES:
                if stored[name]:
                    db.session.execute(insert(db.metadata.tables[name]), stored[name])
            db.session.commit()
            baselines.append(time.perf_counter() - started)
            _snapshot_and_empty(db)
    return result, statistics.median(parses), statistics.median(imports), statistics.median(baselines), stored


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()

    url, folder = scratch()
    app = bench_app(url, folder)
    operation_id, user_id = build(app)
    content, seizures = workbook(app, operation_id, user_id, args.rows)
    built_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result, parse, imported, baseline, stored = run(app, operation_id, user_id, content, args.repeat)
    counts = {name: len(rows) for name, rows in stored.items()}
    print(f"database: {url.split('://')[0]}; workbook: {args.rows} rows, {seizures} seizures, "
          f"{len(content) / 1024:.0f} KB; median of {args.repeat} run(s)")
    print(f"stored per run: {counts} (imported {result.imported}, skipped {result.skipped})")
    print(f"  {'case':52} {'rows/s':>9} {'× baseline':>11}   (this machine: s)")
    for name, seconds in (("baseline: Core bulk insert of the same rows", baseline),
                          ("reading and checking the workbook only", parse),
                          ("the import (file checks, validation, inserts, audit)", imported)):
        print(f"  {name:52} {args.rows / seconds:>9.0f} {seconds / baseline:>11.1f}   ({seconds:.2f})")
    print(f"peak memory of the process: {built_peak:.0f} MB after building the workbook (openpyxl, normal mode), "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB at the end")


if __name__ == "__main__":
    main()
