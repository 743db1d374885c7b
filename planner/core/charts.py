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

from reportlab.graphics.charts.utils import ticks
from reportlab.graphics.shapes import Drawing, Line, Rect, String
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
GRID_COLOUR = colors.HexColor("#dddddd")
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
    the chart are cut with an ellipsis; `value_label(value)` (str by default) is printed beside each bar. The
    chart is drawn with plain shapes (bars, lines, strings) on a value axis of round ticks (ReportLab's
    `ticks`): ReportLab's chart widget draws the same about five times slower, its labels being widgets of
    their own, and reports draw a chart for most tables.
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
    plot_width = max(width - label_area - value_area, 20)
    plot_height = ROW_HEIGHT * len(rows)

    low, high = min([0.0] + values), max([0.0] + values)
    if high <= low:
        high = low + 1
    whole = all(v.is_integer() for v in values) and high - low <= 8  # a few pieces: no tick at 0.5
    positions, _texts = ticks(low, high, grid=1 if whole else None)
    widest = max(stringWidth(_tick(p), FONT, VALUE_SIZE) for p in positions)
    if len(positions) > 2 and widest + 6 > plot_width / (len(positions) - 1):  # long numbers: fewer ticks
        positions, _texts = ticks(low, high, n=(2, 3))
    low, high = min(positions[0], low), max(positions[-1], high)
    scale = plot_width / (high - low)

    def x_of(value):
        return label_area + (value - low) * scale

    drawing = Drawing(width, axis_area + plot_height + title_area)
    for tick in positions:
        x = x_of(tick)
        drawing.add(Line(x, axis_area, x, axis_area + plot_height, strokeColor=GRID_COLOUR, strokeWidth=0.4))
        drawing.add(String(x, axis_area - VALUE_SIZE - 4, _tick(tick), fontName=FONT, fontSize=VALUE_SIZE,
                           textAnchor="middle"))
    zero = x_of(0.0)
    for n, (label, value, shown) in enumerate(zip(labels, values, value_texts)):
        y = axis_area + plot_height - (n + 1) * ROW_HEIGHT
        left, right = sorted((zero, x_of(value)))
        if right > left:
            drawing.add(Rect(left, y + 2, right - left, ROW_HEIGHT - 4, fillColor=BAR_COLOUR, strokeColor=None))
        middle = y + ROW_HEIGHT / 2
        drawing.add(String(label_area - 4, middle - LABEL_SIZE / 3, truncate(label, label_area - 8),
                           fontName=FONT, fontSize=LABEL_SIZE, textAnchor="end"))
        if value < 0:  # the value on the outer side of its bar
            drawing.add(String(left - 3, middle - VALUE_SIZE / 3, shown, fontName=FONT, fontSize=VALUE_SIZE,
                               textAnchor="end"))
        else:
            drawing.add(String(right + 3, middle - VALUE_SIZE / 3, shown, fontName=FONT, fontSize=VALUE_SIZE))
    drawing.add(Line(label_area, axis_area, label_area + plot_width, axis_area, strokeColor=colors.grey))
    drawing.add(Line(zero, axis_area, zero, axis_area + plot_height, strokeColor=colors.grey))
    if title:
        drawing.add(String(0, drawing.height - TITLE_SIZE - 2, truncate(title, width, FONT_BOLD, TITLE_SIZE),
                           fontName=FONT_BOLD, fontSize=TITLE_SIZE))
    return drawing
