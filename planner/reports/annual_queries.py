"""What a reader gets of the consolidated annual report, for the pages, the API and the command line alike:
the years there is a report for, which document a reader receives (the live draft or the latest issued
revision, decided by planner.reports.access), one issued revision, and the drill-down of a figure into the
operations behind it (SQL GROUP BY over the records the report counts)."""
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select, type_coerce

from planner.core.errors import NotFound, PermissionDenied
from planner.core.types import ExactDecimal
from planner.extensions import db
from planner.operations.models import Operation
from planner.organisations.models import Organisation
from planner.reports.access import reads_annual_report
from planner.reports.models import IssuedReport, ReportKind
from planner.reports.services import latest_issued, revisions_of
from planner.reports.tables import ReportDataset
from planner.results.models import NORMALISED_SCALE, Quantity, Seizure, SeizureItem

FIRST_YEAR, LAST_YEAR = 1990, 2100


# --- the year --------------------------------------------------------------------------------------------------

def year_error(year):
    """Why there is no annual report for `year` (None when there is one to read or draft)."""
    if not isinstance(year, int) or isinstance(year, bool) or not FIRST_YEAR <= year <= LAST_YEAR:
        return _("An annual report covers a year from %(first)d to %(last)d.", first=FIRST_YEAR, last=LAST_YEAR)
    if db.session.scalar(select(Operation.id).where(Operation.year == year).limit(1)) is None:
        return _("No operation of %(year)d is recorded: there is no annual report on that year.", year=year)
    return None


def require_year(year):
    message = year_error(year)
    if message:
        raise NotFound(message)


def report_years():
    """[(year, latest issued revision or None, number of revisions)] of every year with operations, latest first."""
    years = db.session.scalars(select(Operation.year).distinct().order_by(Operation.year.desc())).all()
    issued = {}
    for report in db.session.scalars(select(IssuedReport).where(IssuedReport.kind == ReportKind.ANNUAL.value)
                                     .order_by(IssuedReport.year, IssuedReport.revision)):
        issued.setdefault(report.year, []).append(report)
    return [(year, (issued.get(year) or [None])[-1], len(issued.get(year, []))) for year in years]


# --- what a reader gets ----------------------------------------------------------------------------------------

def _require_reader(user):
    if not reads_annual_report(user, issued=True):
        raise PermissionDenied(_("The annual report is read by the secretariat, admins and the coordinators and "
                                 "contact points of EU Member State administrations and agencies."))


@dataclass
class AnnualDocument:
    """The annual report on `year` as one reader receives it: the live draft (the secretariat and admins) or the
    latest issued revision (everyone else who may read it)."""

    year: int
    reads_drafts: bool
    latest: IssuedReport | None
    _dataset: ReportDataset | None = field(default=None, repr=False)

    @property
    def live(self):
        return self.reads_drafts

    @property
    def state(self):
        return "issued" if self.latest is not None else "draft"

    def dataset(self) -> ReportDataset:
        if self._dataset is None:
            if self.live:
                from planner.reports.annual_dataset import annual_report_dataset

                self._dataset = annual_report_dataset(self.year)
            else:
                self._dataset = ReportDataset.from_json(self.latest.dataset)
        return self._dataset

    def dataset_json(self) -> dict:
        return self.dataset().to_json() if self.live else self.latest.dataset

    def file(self, fmt, user, via=None) -> bytes:
        """The xlsx or PDF: rendered from the live dataset, or the issued bytes exactly as stored; the download
        is audited (the caller commits)."""
        log_annual_download(user, self.year, fmt, None if self.live else self.latest, via)
        if not self.live:
            return self.latest.xlsx if fmt == "xlsx" else self.latest.pdf
        from planner.reports.writers import dataset_pdf, dataset_xlsx

        return dataset_xlsx(self.dataset()) if fmt == "xlsx" else dataset_pdf(self.dataset())

    def file_name(self, fmt):
        suffix = "draft" if self.live else f"rev{self.latest.revision}"
        return f"annual-report-{self.year}-{suffix}.{fmt}"

    def headers(self, fmt):
        """X-Report-SHA256 and X-Report-Revision of an issued document."""
        if self.live:
            return {}
        return issued_headers(self.latest, fmt)


class _AnnualDraft:
    """The live annual report of a year as the audit trail names it (it is no stored row)."""

    __tablename__ = "annual_report"
    id = None

    def __init__(self, year):
        self.year = year

    def __str__(self):
        return f"JSO/AR/{self.year} (draft)"


def log_annual_download(user, year, fmt, issued=None, via=None):
    """Audit a download of the annual report (LIMITE): the live draft, or an issued revision with its SHA-256."""
    from planner.core.audit import log_action

    data = {"document": issued.number if issued else str(_AnnualDraft(year)), "format": fmt, "marking": "LIMITE",
            "year": year}
    if issued is not None:
        data.update(revision=issued.revision, sha256=issued.xlsx_sha256 if fmt == "xlsx" else issued.pdf_sha256)
    if via:
        data["via"] = via
    log_action(issued if issued is not None else _AnnualDraft(year), "document.downloaded", user, data=data)


def issued_headers(issued, fmt):
    return {"X-Report-SHA256": issued.xlsx_sha256 if fmt == "xlsx" else issued.pdf_sha256,
            "X-Report-Revision": str(issued.revision)}


def annual_document(user, year) -> AnnualDocument:
    """403 for whoever reads no annual report, 404 for a year without operations, and 404 for a reader of
    issued reports only while none is issued."""
    _require_reader(user)
    require_year(year)
    drafts = reads_annual_report(user, issued=False)
    latest = latest_issued(ReportKind.ANNUAL, year=year)
    if not drafts and latest is None:
        raise NotFound(_("The annual report on %(year)d has not been issued yet.", year=year))
    return AnnualDocument(year, drafts, latest)


def annual_revisions(user, year):
    _require_reader(user)
    require_year(year)
    return revisions_of(ReportKind.ANNUAL, year=year)


def annual_revision(user, year, number) -> IssuedReport:
    _require_reader(user)
    require_year(year)
    found = db.session.scalar(select(IssuedReport).where(
        IssuedReport.kind == ReportKind.ANNUAL.value, IssuedReport.year == year,
        IssuedReport.revision == number)) if 0 <= number < 2**31 else None
    if found is None:
        raise NotFound(_("The annual report on %(year)d has no revision %(n)d.", year=year, n=number))
    return found


def previous_revision(issued):
    if issued.revision == 0:
        return None
    return db.session.scalar(select(IssuedReport).where(
        IssuedReport.kind == issued.kind, IssuedReport.year == issued.year,
        IssuedReport.revision == issued.revision - 1))


def figure_labels(*datasets):
    """{figure path: readable name} for the paths of ReportDataset.figures() ("overview.seizures" →
    "Overview › Seizures"; a table cell → "table › row › column")."""
    labels = {}
    for dataset in datasets:
        if dataset is None:
            continue
        for _number, section in dataset.walk():
            for f in section.facts:
                labels.setdefault(f"{section.key}.{f.key}", f"{section.title} › {f.label}")
            for t in section.tables:
                for key, row in zip(t.row_keys, t.rows):
                    for column, value in zip(t.columns, row):
                        labels.setdefault(f"{t.key}.{key}.{column.key}", f"{t.title} › {row[0]} › {column.label}")
    return labels


def described_changes(issued):
    """The figures changed since the previous revision, each with a readable name beside its path."""
    if not issued.changes:
        return []
    previous = previous_revision(issued)
    labels = figure_labels(ReportDataset.from_json(issued.dataset),
                           ReportDataset.from_json(previous.dataset) if previous is not None else None)
    return [{**change, "label": labels.get(change["figure"], change["figure"])} for change in issued.changes]


# --- the drill-down of a figure ---------------------------------------------------------------------------------

DRILL_DOWN_KEYS = ("operation", "category", "unit", "organisation", "transport_mode", "detection_method",
                   "concealment", "investigation")
CONTROL_DRILL_DOWN_KEYS = ("operation", "selection_basis", "transport_mode")
IGNORED_KEYS = ("status",)  # the report counts submitted records only: the links say so


def clean_drill_down(args, year, controls=False):
    """(filters, errors) from a drill-down link's query arguments (of the seizures behind a figure, or of the
    control records with `controls`); every unknown argument or value is named."""
    from planner.vocab.codes import (
        COMMODITY_CATEGORY, CONCEALMENT_METHOD, DetectionMethod, SelectionBasis, TransportMode,
    )
    from planner.vocab.queries import vocabulary
    from planner.vocab.units import UNITS

    keys = CONTROL_DRILL_DOWN_KEYS if controls else DRILL_DOWN_KEYS
    errors, filters = [], {}
    for key in sorted(set(args) - set(keys) - set(IGNORED_KEYS)):
        errors.append(_("“%(name)s” is not a filter of the annual report; use: %(known)s.", name=key[:30],
                        known=", ".join(keys)))
    if args.get("status") not in (None, "", "submitted"):
        errors.append(_("status: the annual report counts submitted records only."))
    known = {
        "category": lambda: {t.code for t in vocabulary(COMMODITY_CATEGORY, include_inactive=True)},
        "unit": lambda: {u.base for u in UNITS.values()},
        "transport_mode": lambda: set(TransportMode.codes()),
        "detection_method": lambda: set(DetectionMethod.codes()),
        "concealment": lambda: {t.code for t in vocabulary(CONCEALMENT_METHOD, include_inactive=True)},
        "investigation": lambda: {"yes"},
        "selection_basis": lambda: set(SelectionBasis.codes()),
    }
    for key, values in known.items():
        if key not in keys:
            continue
        allowed = values()
        value = (args.get(key) or "").strip()
        if not value:
            continue
        if value not in allowed:
            errors.append(_("%(field)s: “%(value)s” is not one of: %(known)s.", field=key, value=value[:60],
                            known=", ".join(sorted(allowed))))
        else:
            filters[key] = value
    code = (args.get("organisation") or "").strip().upper() if "organisation" in keys else ""
    if code:
        organisation = db.session.scalar(select(Organisation).where(Organisation.code == code))
        if organisation is None:
            errors.append(_("organisation: “%(code)s” is not a known organisation.", code=code[:20]))
        else:
            filters["organisation"] = organisation
    reference = (args.get("operation") or "").strip().upper()
    if reference:
        operation = db.session.scalar(select(Operation).where(Operation.reference == reference,
                                                              Operation.year == year))
        if operation is None:
            errors.append(_("operation: “%(ref)s” is not an operation of %(year)d.", ref=reference[:20], year=year))
        else:
            filters["operation"] = operation
    return filters, errors


@dataclass
class BreakdownRow:
    operation: Operation
    seizures: int
    arrests: int
    quantity: object  # Decimal, or None without a unit


def breakdown_by_operation(year, filters):
    """[BreakdownRow] of the operations of `year` with records behind the figure that `filters` describe: the
    seizures and arrests (one GROUP BY over the seizures) and, when a unit is given, the quantity in that base
    unit of the items matching the category (a second GROUP BY over the quantities), exactly as the report
    counts them."""
    from planner.reports.annual_dataset import operations_of
    from planner.reports.figures import RecordSet

    operations = {op.id: op for op in operations_of(year)}
    records = RecordSet.of(list(operations))
    clauses = list(records.seizures)
    if "operation" in filters:
        clauses.append(Seizure.operation_id == filters["operation"].id)
    if "organisation" in filters:
        clauses.append(Seizure.organisation_id == filters["organisation"].id)
    for key, column in (("transport_mode", Seizure.transport_mode), ("detection_method", Seizure.detection_method),
                        ("concealment", Seizure.concealment)):
        if key in filters:
            clauses.append(column == filters[key])
    if filters.get("investigation") == "yes":
        clauses.append(Seizure.investigation_opened.is_(True))
    item_clauses = []
    if "category" in filters:
        item_clauses.append(SeizureItem.category == filters["category"])
    if "unit" in filters:
        item_clauses.append(Quantity.base_unit == filters["unit"])
    if item_clauses:
        having = select(SeizureItem.seizure_id)
        if "unit" in filters:
            having = having.join(Quantity, Quantity.item_id == SeizureItem.id)
        clauses.append(Seizure.id.in_(having.where(*item_clauses)))

    counts = db.session.execute(
        select(Seizure.operation_id, func.count(Seizure.id), func.coalesce(func.sum(Seizure.arrests), 0))
        .where(*clauses).group_by(Seizure.operation_id)).all()
    quantities = {}
    if "unit" in filters:
        total = type_coerce(func.sum(Quantity.normalised_value), ExactDecimal(NORMALISED_SCALE))
        quantities = dict(db.session.execute(
            select(Seizure.operation_id, total).join(SeizureItem, SeizureItem.seizure_id == Seizure.id)
            .join(Quantity, Quantity.item_id == SeizureItem.id).where(*clauses, *item_clauses)
            .group_by(Seizure.operation_id)).all())
    rows = [BreakdownRow(operations[op_id], int(n), int(arrests), quantities.get(op_id))
            for op_id, n, arrests in counts]
    return sorted(rows, key=lambda r: r.operation.sequence)


def list_args(filters):
    """The query arguments of an operation's seizure or control list showing the records behind a drill-down
    row (the same filters, the operation being the list's own)."""
    args = {"status": "submitted"}
    for key, value in filters.items():
        if key == "operation":
            continue
        args[key] = value.code if key == "organisation" else value
    return args


@dataclass
class ControlRow:
    operation: Operation
    controls: int
    hits: int

    @property
    def hit_rate(self):
        from planner.reports.figures import rate

        return rate(self.hits, self.controls)


def control_breakdown_by_operation(year, filters):
    """[ControlRow] of the operations of `year` with submitted control records behind the figure that `filters`
    describe (one GROUP BY over the control records, exactly as the report counts them)."""
    from planner.reports.annual_dataset import operations_of
    from planner.reports.figures import RecordSet
    from planner.results.models import ControlRecord

    operations = {op.id: op for op in operations_of(year)}
    clauses = list(RecordSet.of(list(operations)).controls)
    if "operation" in filters:
        clauses.append(ControlRecord.operation_id == filters["operation"].id)
    for key in ("selection_basis", "transport_mode"):
        if key in filters:
            clauses.append(getattr(ControlRecord, key) == filters[key])
    rows = db.session.execute(
        select(ControlRecord.operation_id, func.coalesce(func.sum(ControlRecord.controls), 0),
               func.coalesce(func.sum(ControlRecord.hits), 0)).where(*clauses).group_by(ControlRecord.operation_id))
    return sorted((ControlRow(operations[op_id], int(controls), int(hits)) for op_id, controls, hits in rows),
                  key=lambda r: r.operation.sequence)
