"""Generic charts (reportlab.graphics); they know no feature.

A chart is a `reportlab.graphics.shapes.Drawing`: `CouncilNote.drawing()` puts it in a PDF, and
`reportlab.graphics.renderSVG.drawToString(drawing)` makes the same chart an SVG for a web page.

    from planner.core.charts import bar_chart

    chart = bar_chart([("cigarettes", Decimal("1250.500")), ("cocaine", 12)], title=_("Seizures (kg)"),
                      value_label=format_quantity)
    if chart is not None:
        note.drawing(chart)

Values may be int or Decimal: they are made floats for drawing only; the text printed beside each bar is
`value_label(value)` of the exact value. Output depends on the rows only (no randomness, no time).
"""
from decimal import Decimal

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

MAX_ROWS = 25  # the caller passes the top rows; more are cut off
ROW_HEIGHT = 14  # points per bar
FONT = "Helvetica"
FONT_BOLD = "Helvetica-Bold"
LABEL_SIZE = 8
VALUE_SIZE = 7
TITLE_SIZE = 10
BAR_COLOUR = colors.HexColor("#4472c4")
ELLIPSIS = "…"


def truncate(label, width, font=FONT, size=LABEL_SIZE):
    """`label` cut (with an ellipsis) so that it is at most `width` points wide in the given font."""
    label = " ".join(str(label).split())
    if stringWidth(label, font, size) <= width:
        return label
    while label and stringWidth(label + ELLIPSIS, font, size) > width:
        label = label[:-1]
    return label.rstrip() + ELLIPSIS


def _tick(value):
    """An axis tick: whole numbers with spaced thousands, others as short decimals."""
    if float(value).is_integer():
        return f"{value:,.0f}".replace(",", " ")
    return f"{value:.6g}"


def _number(value):
    if value is None:
        return 0.0
    return float(value) if isinstance(value, (int, float, Decimal)) else float(Decimal(str(value)))


def bar_chart(rows, title=None, width_mm=170, value_label=str):
    """A horizontal bar chart of `rows = [(label, value)]`, first row at the top; None when there are no rows.

    At most MAX_ROWS rows are drawn; the height grows with their number. Labels too long for the left third of
    the chart are cut with an ellipsis; `value_label(value)` (str by default) is printed beside each bar.
    """
    rows = list(rows)[:MAX_ROWS]
    if not rows:
        return None
    width = width_mm * mm
    labels = ["—" if label in (None, "") else str(label) for label, _value in rows]
    values = [_number(value) for _label, value in rows]
    value_texts = ["" if value is None else str(value_label(value)) for _label, value in rows]

    label_area = min(width * 0.35, 60 * mm)
    value_area = max(stringWidth(t, FONT, VALUE_SIZE) for t in value_texts) + 8
    title_area = TITLE_SIZE + 8 if title else 4
    axis_area = 18

    chart = HorizontalBarChart()
    chart.x = label_area
    chart.y = axis_area
    chart.width = max(width - label_area - value_area, 20)
    chart.height = ROW_HEIGHT * len(rows)
    chart.data = [values]
    chart.barSpacing = 0
    chart.groupSpacing = 4
    chart.bars[0].fillColor = BAR_COLOUR
    chart.bars[0].strokeColor = None
    chart.strokeColor = None

    chart.categoryAxis.categoryNames = [truncate(label, label_area - 8) for label in labels]
    chart.categoryAxis.reverseDirection = 1  # the first row at the top
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = LABEL_SIZE
    chart.categoryAxis.tickLeft = 0
    chart.categoryAxis.strokeColor = colors.grey

    low, high = min(values), max(values)
    chart.valueAxis.valueMin = min(0.0, low)
    if high <= chart.valueAxis.valueMin:
        chart.valueAxis.valueMax = chart.valueAxis.valueMin + 1
    chart.valueAxis.labelTextFormat = _tick
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = VALUE_SIZE
    chart.valueAxis.strokeColor = colors.grey
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = colors.HexColor("#dddddd")
    chart.valueAxis.gridStrokeWidth = 0.4

    chart.barLabelFormat = "values"
    chart.barLabelArray = [value_texts]
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = VALUE_SIZE

    drawing = Drawing(width, axis_area + chart.height + title_area)
    drawing.add(chart)
    if title:
        drawing.add(String(0, drawing.height - TITLE_SIZE - 2, truncate(title, width, FONT_BOLD, TITLE_SIZE),
                           fontName=FONT_BOLD, fontSize=TITLE_SIZE))
    return drawing
