"""Read tables back from a page: the tests find cells by the table's header row, as people and screen readers do."""
from html.parser import HTMLParser


_SEPARATING = {"br", "p", "div", "ul", "ol", "li", "dl", "dt", "dd", "table", "tr", "td", "th"}


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables = {}
        self._table = None
        self._row = None
        self._cell = None
        self._in_head = False
        self._nested = 0  # tables inside a cell are read as the cell's text

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._cell is not None:  # inside a cell: <br>, <dd>, a nested table's cells … separate words
            self._nested += tag == "table"
            if tag in _SEPARATING:
                self._cell.append(" ")
            return
        if tag == "table":
            self._table = {"header": [], "rows": []}
            self.tables[attrs.get("id") or f"table-{len(self.tables)}"] = self._table
        elif self._table is not None and tag == "thead":
            self._in_head = True
        elif self._table is not None and tag == "tr" and self._cell is None:
            self._row = []
        elif self._row is not None and tag in ("td", "th") and self._cell is None:
            self._cell = []

    def handle_endtag(self, tag):
        if self._nested:
            self._nested -= tag == "table"
            return
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._cell is None:
            if self._in_head:
                self._table["header"] = self._row
            else:
                self._table["rows"].append(self._row)
            self._row = None
        elif tag == "thead":
            self._in_head = False
        elif tag == "table" and self._cell is None:
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table(html, table_id):
    """{"header": [...], "rows": [[...], ...]} of the outer table with this id (nested tables are read as text)."""
    parser = _Tables()
    parser.feed(html)
    return parser.tables[table_id]


def rows_as_dicts(html, table_id):
    t = table(html, table_id)
    return [dict(zip(t["header"], row)) for row in t["rows"] if len(row) == len(t["header"])]
