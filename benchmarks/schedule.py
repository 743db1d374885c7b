"""Benchmark of the schedule's hot paths on generated data: the dashboard's deadlines of a coordinator, a run of
the reminders job (which brings every operation's reminder rows up to date), the year calendar and the user's
iCalendar feed. Times are written as ratios against a baseline measured in the same run (the operations list
query of the same user: what every page already does), so that a noisy machine does not mislead; memory as the
peak of tracemalloc.

    .venv/bin/python benchmarks/schedule.py [--operations 10 40] [--participants 12] [--repeat 5]

It builds its own SQLite database in a temporary folder (or PLANNER_BENCH_DATABASE_URL, emptied first)."""
import argparse
import statistics
import sys
import time
import tracemalloc
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import bench_app, fresh_schema, scratch  # noqa: E402

CODES = ["PL", "LV", "EE", "FI", "DE", "NL", "BE", "FR", "ES", "IT", "AT", "CZ", "SK", "HU", "RO", "BG", "GR", "SE",
         "DK", "IE", "PT", "SI", "HR", "CY", "MT", "LU", "NO", "CH", "UA", "MD"]


def build(app, operations, participants):
    from planner.core.clock import freeze
    from planner.extensions import db
    from tests.factories import Factory

    with app.app_context():
        fresh_schema()
        freeze(datetime(2026, 2, 1, 9, tzinfo=timezone.utc))
        factory = Factory()
        for n in range(operations):
            op = factory.operation_in("planning", code_name=f"BENCH {n:03d}")
            for i, code in enumerate(CODES[:participants]):
                if i % 4 == 3:
                    factory.invite(op, code)
                    op.participation_of(factory.org(code).id).respond_by = date(2026, 3, 1) + timedelta(days=i)
                else:
                    factory.accept(op, code)
            db.session.commit()
        for code in CODES[:participants]:
            factory.user(code, "contact_point")
        lt = factory.coordinator("LT")
        db.session.commit()
        return lt.id


def measure(func, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    func()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return statistics.median(times), peak


def run(app, user_id, repeat):
    from planner.auth.models import User
    from planner.core.clock import freeze
    from planner.extensions import db
    from planner.operations.queries import visible_operations
    from planner.scheduling.deadlines import deadlines_for_user
    from planner.scheduling.queries import calendar_year
    from planner.scheduling.reminders import send_due_reminders
    from planner.scheduling.views import user_feed_body

    results = {}
    with app.test_request_context():
        user = db.session.get(User, user_id)
        moment = datetime(2026, 2, 2, 9, tzinfo=timezone.utc)
        freeze(moment)

        def baseline():
            db.session.expire_all()
            db.session.scalars(visible_operations(user)).all()

        def job():
            send_due_reminders(moment)

        cases = {
            "baseline: the user's operations list": baseline,
            "dashboard deadlines": lambda: (db.session.expire_all(), deadlines_for_user(user, moment)),
            "reminders job (all operations)": job,
            "year calendar": lambda: (db.session.expire_all(), calendar_year(user, 2026, with_programme=True)),
            "iCalendar feed": lambda: (db.session.expire_all(), user_feed_body(user, moment)),
        }
        for name, func in cases.items():
            results[name] = measure(func, repeat)
        db.session.rollback()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--operations", type=int, nargs="+", default=[10, 40])
    parser.add_argument("--participants", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    url, folder = scratch()
    app = bench_app(url, folder)
    print(f"database: {url.split('://')[0]}; participants per operation: {args.participants}; "
          f"median of {args.repeat} runs")
    for size in args.operations:
        user_id = build(app, size, args.participants)
        results = run(app, user_id, args.repeat)
        base = results["baseline: the user's operations list"][0]
        print(f"\n{size} operations")
        print(f"  {'case':40} {'× baseline':>11} {'peak memory':>12}   (this machine: ms)")
        for name, (seconds, peak) in results.items():
            print(f"  {name:40} {seconds / base:>11.1f} {peak / 1024 / 1024:>9.1f} MB   ({seconds * 1000:.1f})")


if __name__ == "__main__":
    main()
