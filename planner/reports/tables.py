"""The shape every report dataset takes, whatever renders it: a cover, then numbered sections, each with key
figures (facts), a narrative text and tables. The page, the xlsx writer and the PDF writer walk the same
structure, so a figure cannot differ between them; a dataset also turns into JSON (stored with each issued
revision) and into a flat map of figures (to list what changed between two revisions).

Values are exact: counts are int, quantities, money and rates are Decimal (never float); None is "nothing"."""
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from planner.core.types import tidy_decimal

# What a column holds: it decides how a value is written (and read back from JSON).
TEXT, COUNT, QUANTITY, MONEY, RATE = "text", "count", "quantity", "money", "rate"
DECIMAL_KINDS = (QUANTITY, MONEY, RATE)


@dataclass
class Column:
    key: str
    label: str
    kind: str = TEXT
    linked: bool = True  # its figures link to the row's records (False: e.g. a difference of two figures)


@dataclass
class Fact:
    """One key figure: a label, a value and, on the page, the records behind it."""

    key: str
    label: str
    value: object
    kind: str = COUNT
    link: dict | None = None


@dataclass
class Table:
    key: str
    title: str
    columns: list
    rows: list = field(default_factory=list)
    row_keys: list = field(default_factory=list)  # a stable code per row (what revisions compare by)
    links: list = field(default_factory=list)  # per row: the filters of the records behind it, or None
    chart: tuple | None = None  # (label column, value column) for a bar chart
    note: str = ""
    sheet: str = ""  # a short name for its xlsx sheet (the title otherwise)
    # per row: {column key: link} for cells whose records are not the row's (last year's figure beside this
    # year's, the controls of an operation beside its seizures), or None
    cell_links: list = field(default_factory=list)

    def add(self, key, row, link=None, cells=None):
        self.row_keys.append(str(key))
        self.rows.append(list(row))
        self.links.append(link)
        self.cell_links.append(cells or None)

    def link_of(self, index, column):
        """The records behind the cell of row `index` in `column`: its own link, else the row's if the column
        is linked."""
        cells = self.cell_links[index] if index < len(self.cell_links) else None
        if cells and column.key in cells:
            return cells[column.key]
        return self.links[index] if column.linked and index < len(self.links) else None


@dataclass
class Section:
    key: str
    title: str
    text: str | None = None  # narrative written by people (None: the section has none)
    facts: list = field(default_factory=list)
    tables: list = field(default_factory=list)
    subsections: list = field(default_factory=list)  # [Section]

    def fact(self, key, label, value, kind=COUNT, link=None):
        self.facts.append(Fact(key, label, value, kind, link))


@dataclass
class Cover:
    number: str
    date: str  # ISO date
    sender: str
    recipient: str
    subject: str
    marking: str
    file_code: str = ""
    previous_reference: str = ""


@dataclass
class ReportDataset:
    kind: str  # final | annual | public
    title: str
    cover: Cover
    sections: list
    generated_at: str  # ISO timestamp (UTC)
    scope_note: str = ""  # whose records the figures cover
    links_base: dict = field(default_factory=dict)  # what the page needs to turn a link into a URL

    # --- walking -------------------------------------------------------------------------------------------
    def walk(self):
        """(number, section) depth first: "3", "3.1" …"""
        def visit(sections, prefix):
            for n, section in enumerate(sections, start=1):
                number = f"{prefix}{n}"
                yield number, section
                yield from visit(section.subsections, number + ".")
        yield from visit(self.sections, "")

    def tables(self):
        for _number, section in self.walk():
            yield from section.tables

    def table(self, key):
        return next((t for t in self.tables() if t.key == key), None)

    def fact(self, key):
        return next((f for _n, s in self.walk() for f in s.facts if f.key == key), None)

    # --- comparing -----------------------------------------------------------------------------------------
    def figures(self) -> dict:
        """Every figure as {"path": text}: facts by key, table cells by table key, row key and column key."""
        result = {}
        for _number, section in self.walk():
            for f in section.facts:
                result[f"{section.key}.{f.key}"] = _text(f.value)
            for t in section.tables:
                for key, row in zip(t.row_keys, t.rows):
                    for column, value in zip(t.columns, row):
                        if column.kind != TEXT:
                            result[f"{t.key}.{key}.{column.key}"] = _text(value)
        return result

    # --- storing -------------------------------------------------------------------------------------------
    def to_json(self) -> dict:
        data = asdict(self)
        return _encode(data)

    @classmethod
    def from_json(cls, data) -> "ReportDataset":
        def section(s):
            tables = []
            for t in s["tables"]:
                columns = [Column(**c) for c in t["columns"]]
                rows = [[_decode(v, c.kind) for v, c in zip(row, columns)] for row in t["rows"]]
                tables.append(Table(t["key"], t["title"], columns, rows, t["row_keys"], t["links"],
                                    tuple(t["chart"]) if t["chart"] else None, t.get("note", ""),
                                    t.get("sheet", ""), t.get("cell_links") or [None] * len(rows)))
            facts = [Fact(f["key"], f["label"], _decode(f["value"], f["kind"]), f["kind"], f["link"])
                     for f in s["facts"]]
            return Section(s["key"], s["title"], s["text"], facts, tables, [section(x) for x in s["subsections"]])

        return cls(data["kind"], data["title"], Cover(**data["cover"]), [section(s) for s in data["sections"]],
                   data["generated_at"], data.get("scope_note", ""), data.get("links_base", {}))


def changed_figures(previous: dict, current: dict) -> list:
    """[{"figure", "before", "after"}] for every figure that differs (added or gone figures included)."""
    changes = []
    for key in sorted(set(previous) | set(current)):
        before, after = previous.get(key), current.get(key)
        if before != after:
            changes.append({"figure": key, "before": before, "after": after})
    return changes


def display(value, kind=TEXT) -> str:
    """How the page and the PDF write a value: counts with a space between thousands, quantities exact without
    trailing zeros, money with two decimals, rates as percentages with two decimals, nothing as an em dash."""
    if value is None or value == "":
        return "—"
    if kind == COUNT and isinstance(value, int):
        return f"{value:,}".replace(",", " ")
    if kind == QUANTITY and isinstance(value, Decimal):
        return format(tidy_decimal(value), ",f").replace(",", " ")
    if kind == MONEY and isinstance(value, Decimal):
        return format(value.quantize(Decimal("0.01")), ",f").replace(",", " ")
    if kind == RATE and isinstance(value, Decimal):
        return f"{(value * 100).quantize(Decimal('0.01'))} %"
    return str(value)


def _text(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(tidy_decimal(value), "f")
    return str(value)


def _encode(value):
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    return value


def _decode(value, kind):
    if value is not None and kind in DECIMAL_KINDS:
        return Decimal(value)
    return value
