"""Benchmark of the reports on a generated year: the consolidated annual report (dataset + xlsx, dataset + PDF) and
the final report of the largest operation (dataset + xlsx with the record annex in write-only mode; dataset + PDF,
which never carries an annex). Each case is written beside baselines measured in the same run, so that a noisy
machine does not mislead: the bare SQL aggregation (the GROUP BY queries of planner/reports/figures.py over the
same RecordSet, each distinct query once), a bare openpyxl write-only write of the same cells (every table of the
dataset, and for the final report the annex rows streamed from a bare Core SELECT) and a bare ReportLab document
of the same tables (no cover, contents or charts). Time is the median of --repeat rounds, each running every
case once (so that a drift of the machine's speed weighs on a case and its baselines alike); memory is the peak
of tracemalloc (in a separate run, since tracing slows Python down) and the peak resident set size of the
process during one more run of the case (VmHWM, reset before it; ru_maxrss where it cannot be reset). The targets are under 10 s
and 300 MB a case and within 1.5 × its baseline; the cases that miss one are listed, and `--profile missed`
profiles them (cProfile) after the measurements. Should the full annual PDF fail to build, the error is printed
and (b) is measured without the tables wider than WIDE columns.

    .venv/bin/python benchmarks/reports.py [--items 100000] [--operations 40] [--repeat 1] [--profile missed|TEXT]

The data: `--operations` operations of one year (most run, some closed with a final report, a few in planning or
cancelled), `--items` seizure items of which a quarter in the first operation, one to three items a seizure, mixed
units (kg, tonnages with three decimals entered in t, l, pcs, EUR), route steps, concealment methods, controls
and warnings; and a previous year of a few closed operations for the comparison. It is generated with bulk
inserts in a child process (not measured), into its own SQLite database in a temporary folder (or
PLANNER_BENCH_DATABASE_URL, emptied first)."""
import argparse
import multiprocessing
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import bench_app, scratch  # noqa: E402

from benchmarks.report_data import YEAR, build  # noqa: E402

MB = 1024 * 1024
TARGET_SECONDS, TARGET_BYTES, TARGET_RATIO = 10, 300 * MB, 1.5


def _build_in_child(url, folder, items, operations):
    app = bench_app(url, folder)
    build(app, items, operations)


# --- resident set size --------------------------------------------------------------------------------------

def _reset_rss_peak():
    """Reset the kernel's peak RSS of this process (Linux: clear_refs 5); False where that is not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _status(field):
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _rss_peak(reset_worked):
    if reset_worked:
        peak = _status("VmHWM")
        if peak is not None:
            return peak
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _once(app, func):
    """One run in a fresh request context and session, as a request would be; its seconds."""
    from planner.extensions import db

    with app.test_request_context():
        start = time.perf_counter()
        try:
            func()
        finally:
            db.session.remove()
        return time.perf_counter() - start


def memory(app, func):
    """(tracemalloc peak, RSS peak, RSS before) of one run, and of one more under tracemalloc (which slows
    Python down, so no time is taken then)."""
    import gc

    gc.collect()
    rss_before = _status("VmRSS") or 0
    reset = _reset_rss_peak()
    _once(app, func)
    rss = _rss_peak(reset)
    gc.collect()
    tracemalloc.start()
    _once(app, func)
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return traced, rss, rss_before


# --- the cases ----------------------------------------------------------------------------------------------

def annual_aggregation(year):
    """The distinct GROUP BY queries of the annual dataset, bare."""
    from planner.reports import figures
    from planner.reports.annual_dataset import operations_of
    from planner.results.models import ControlRecord, Seizure

    records = figures.RecordSet.of([op.id for op in operations_of(year)])
    previous = figures.RecordSet.of([op.id for op in operations_of(year - 1)])
    figures.seizure_totals(records), figures.seizure_totals(previous)
    figures.control_totals(records), figures.control_totals(previous)
    figures.per_operation(records)
    figures.commodity_totals(records, group_by_operation=True)
    figures.commodity_totals(records), figures.commodity_totals(previous)
    figures.seizures_by_organisation(records)
    figures.seizures_by(Seizure.transport_mode, records), figures.seizures_by(Seizure.detection_method, records)
    figures.controls_by(ControlRecord.selection_basis, records)
    figures.concealment_trend(records, previous)


def final_aggregation(operation_id):
    """The GROUP BY queries of the final dataset (every record of the operation), bare."""
    from planner.messages.models import WarningMessage
    from planner.reports import figures
    from planner.results.models import ControlRecord, Seizure

    records = figures.RecordSet.of([operation_id])
    figures.seizure_totals(records), figures.control_totals(records), figures.seizures_by_phase(records)
    figures.warning_figures(WarningMessage.operation_id == operation_id)
    figures.commodity_totals(records), figures.seizures_by_organisation(records)
    figures.seizures_by(Seizure.transport_mode, records), figures.seizures_by(Seizure.detection_method, records)
    figures.seizures_by_concealment(records), figures.seizures_by_origin(records)
    figures.controls_by(ControlRecord.selection_basis, records)


def dataset_cells(dataset):
    """[(title, headers, rows)]: the cells of the dataset's tables and key figures, as the bare writers get them."""
    sheets = [("Summary", ["Item", "Value"], [[f.label, f.value] for _n, s in dataset.walk() for f in s.facts])]
    for table in dataset.tables():
        sheets.append((table.key, [c.label for c in table.columns], table.rows))
    return sheets


def annex_query(operation_id):
    """The annex's columns in a bare Core SELECT (same joins, same order), streamed."""
    from sqlalchemy import select

    from planner.organisations.models import Organisation
    from planner.reports.figures import RecordSet
    from planner.results.models import Quantity, Seizure, SeizureItem

    return (select(Seizure.id, Organisation.code, Seizure.national_reference, Seizure.seized_at, Seizure.country,
                   Seizure.place, Seizure.transport_mode, Seizure.detection_method, Seizure.concealment,
                   Seizure.arrests, SeizureItem.category, SeizureItem.type, SeizureItem.description,
                   SeizureItem.counterfeit, Quantity.value, Quantity.unit, Quantity.normalised_value,
                   Quantity.base_unit)
            .join(Organisation, Organisation.id == Seizure.organisation_id)
            .join(SeizureItem, SeizureItem.seizure_id == Seizure.id).join(Quantity, Quantity.item_id == SeizureItem.id)
            .where(*RecordSet.of([operation_id]).seizures)
            .order_by(Seizure.seized_at, Seizure.id, SeizureItem.position, Quantity.position)
            .execution_options(yield_per=2000))


def bare_xlsx(cells, operation_id=None):
    """A bare openpyxl write-only workbook of the same cells (and the annex rows straight from the cursor)."""
    from io import BytesIO

    from openpyxl import Workbook

    from planner.extensions import db

    book = Workbook(write_only=True)
    for title, headers, rows in cells:
        ws = book.create_sheet(title[:31])
        ws.append(headers)
        for row in rows:
            ws.append(row)
    if operation_id is not None:
        ws = book.create_sheet("Annex")
        ws.append([f"column {n}" for n in range(18)])
        for row in db.session.execute(annex_query(operation_id)):
            row = list(row)
            row[3] = row[3].replace(tzinfo=None)  # Excel has no time zones
            ws.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def bare_pdf(cells):
    """A bare ReportLab document of the same tables: a title and a plain grid per table, nothing else."""
    from io import BytesIO

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    styles = getSampleStyleSheet()
    story = []
    for title, headers, rows in cells:
        story.append(Paragraph(title, styles["Heading3"]))
        data = [headers] + [["" if v is None else str(v) for v in row] for row in rows]
        table = Table(data, repeatRows=1)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("FONTSIZE", (0, 0), (-1, -1), 6)]))
        story.append(table)
    buffer = BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build(story)
    return buffer.getvalue()


WIDE = 12  # columns: a table wider than this is left out of the annual PDF when the full PDF fails


def cases(app, operation_id, sizes, notes):
    """{name: (func, group)}; the sizes of the documents go into `sizes`, anything to say into `notes`."""
    from planner.extensions import db
    from planner.operations.models import Operation
    from planner.reports.annex import annex_sheet
    from planner.reports.annual_dataset import annual_report_dataset
    from planner.reports.final_dataset import final_report_dataset
    from planner.reports.writers import dataset_pdf, dataset_xlsx

    skip = set()

    def annual_pdf_dataset():
        dataset = annual_report_dataset(YEAR)
        for _number, section in dataset.walk():
            section.tables = [t for t in section.tables if t.key not in skip]
        return dataset

    with app.test_request_context():  # also warms up imports, fonts and compiled queries (not measured)
        annual = annual_report_dataset(YEAR)
        final = final_report_dataset(db.session.get(Operation, operation_id))
        final_cells = dataset_cells(final)
        dataset_pdf(final), dataset_xlsx(final), bare_pdf(final_cells), bare_xlsx(final_cells)
        try:
            dataset_pdf(annual)
        except Exception as error:  # noqa: BLE001 - said in the results, then measured without the wide tables
            skip.update(t.key for t in annual.tables() if len(t.columns) > WIDE)
            message = " ".join(str(error).split())[:200]
            notes.append(f"(b) the full annual PDF FAILS: {type(error).__name__}: {message}; "
                         f"(b) and its ReportLab baseline are measured without the table(s) {', '.join(sorted(skip))}")
        annual_cells = dataset_cells(annual)
        annual_pdf_cells = [c for c in annual_cells if c[0] not in skip]
        db.session.remove()

    def keep(name, data):
        sizes[name] = len(data)
        return data

    def operation():
        return db.session.get(Operation, operation_id)

    return {
        "annual: bare SQL aggregation": (lambda: annual_aggregation(YEAR), "annual"),
        "annual: bare openpyxl write of the cells": (lambda: keep("annual bare xlsx", bare_xlsx(annual_cells)),
                                                     "annual"),
        "annual: bare ReportLab write of the tables": (
            lambda: keep("annual bare pdf", bare_pdf(annual_pdf_cells)), "annual"),
        "(a) annual report xlsx (dataset + xlsx)": (
            lambda: keep("annual xlsx", dataset_xlsx(annual_report_dataset(YEAR))), "annual"),
        "(b) annual report PDF (dataset + PDF)": (
            lambda: keep("annual pdf", dataset_pdf(annual_pdf_dataset())), "annual"),
        "final: bare SQL aggregation": (lambda: final_aggregation(operation_id), "final"),
        "final: bare openpyxl write of the cells + annex": (
            lambda: keep("final bare xlsx", bare_xlsx(final_cells, operation_id)), "final"),
        "final: bare ReportLab write of the tables": (lambda: keep("final bare pdf", bare_pdf(final_cells)),
                                                      "final"),
        "(c) final report xlsx with the annex": (
            lambda: keep("final xlsx", dataset_xlsx(final_report_dataset(operation()),
                                                    annex=annex_sheet(operation()))), "final"),
        "(d) final report PDF (no annex)": (
            lambda: keep("final pdf", dataset_pdf(final_report_dataset(operation()))), "final"),
    }


def profile(app, func, top=25):
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    with app.test_request_context():
        profiler.enable()
        func()
        profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


def report(results, sizes, notes):
    agg = {g: results[f"{g}: bare SQL aggregation"][0] for g in ("annual", "final")}
    writers = {("annual", "xlsx"): "annual: bare openpyxl write of the cells",
               ("annual", "pdf"): "annual: bare ReportLab write of the tables",
               ("final", "xlsx"): "final: bare openpyxl write of the cells + annex",
               ("final", "pdf"): "final: bare ReportLab write of the tables"}
    print(f"\n  {'case':50} {'seconds':>8} {'× agg.':>7} {'× base':>7} {'traced':>8} {'RSS peak':>9} {'RSS before':>10}")
    missed = {}
    for name, (seconds, traced, rss, before, group) in results.items():
        base = ""
        if name.startswith("("):
            kind = "xlsx" if "xlsx" in name else "pdf"
            ratio = seconds / (agg[group] + results[writers[(group, kind)]][0])
            base = f"{ratio:.2f}"
            misses = [text for text, bad in ((f"{seconds:.1f} s", seconds > TARGET_SECONDS),
                                             (f"{max(traced, rss) / MB:.0f} MB", max(traced, rss) > TARGET_BYTES),
                                             (f"{ratio:.1f} × baseline", ratio > TARGET_RATIO)) if bad]
            if misses:
                missed[name] = misses
        print(f"  {name:50} {seconds:>8.2f} {seconds / agg[group]:>7.1f} {base:>7} {traced / MB:>6.0f}MB "
              f"{rss / MB:>7.0f}MB {before / MB:>8.0f}MB")
    print("\n  × agg.: against the bare SQL aggregation of the same report; × base: against that aggregation plus the "
          "bare write of the same cells in the same format (openpyxl write-only, or ReportLab).")
    print("  documents: " + ", ".join(f"{k} {v / 1024:.0f} KB" for k, v in sizes.items()))
    for note in notes:
        print(f"  {note}")
    print(f"  targets: under {TARGET_SECONDS} s and {TARGET_BYTES // MB} MB each, within {TARGET_RATIO} × baseline")
    for name, misses in missed.items():
        print(f"  MISSED {name}: {', '.join(misses)}")
    if not missed:
        print("  every case met the targets")
    return missed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--operations", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--profile", help="after measuring, profile (cProfile) the cases whose name contains this "
                        "text, or 'missed': those that missed a target")
    args = parser.parse_args()

    url, folder = scratch()
    started = time.perf_counter()
    child = multiprocessing.get_context("spawn").Process(target=_build_in_child,
                                                          args=(url, folder, args.items, args.operations))
    child.start()
    child.join()
    if child.exitcode:
        sys.exit("building the data failed")
    app = bench_app(url, folder)
    from benchmarks.report_data import describe

    with app.app_context():
        operation_id, summary = describe(app)
    print(f"database: {url.split('://')[0]}; {summary}; generated in {time.perf_counter() - started:.0f} s "
          f"(not measured); median of {args.repeat} run(s)")
    sizes, notes = {}, []
    todo = cases(app, operation_id, sizes, notes)
    # In rounds: every case once a round, so that a machine slowing down or speeding up during the run weighs on
    # a case and on its baselines alike (one case after the other, ratios drifted by a third between runs).
    times = {name: [] for name in todo}
    for round_ in range(1, args.repeat + 1):
        for name, (func, _group) in todo.items():
            times[name].append(_once(app, func))
        print(f"  … round {round_} of {args.repeat}: {sum(t[-1] for t in times.values()):.1f} s", flush=True)
    results = {}
    for name, (func, group) in todo.items():
        results[name] = (statistics.median(times[name]), *memory(app, func), group)
    missed = report(results, sizes, notes)
    print(f"peak RSS of the whole measuring process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    for name, (func, _group) in todo.items():
        if args.profile and (name in missed if args.profile == "missed" else args.profile in name):
            print(f"\n=== profile of {name}")
            profile(app, func)


if __name__ == "__main__":
    main()
