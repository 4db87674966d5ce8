"""Charts for the reports (reportlab.graphics): fulfilment bars, status distribution, trend."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from ..present.de import number_de
from ..present.vocab import STATUS_LABELS
from .pdf import CONTENT_WIDTH, FONT, FONT_BOLD, STATUS_COLOURS

#: series colours for approaches and counties: distinguishable, also in greyscale print
SERIES = [colors.HexColor(c) for c in ("#1F3A5F", "#4F86C6", "#A9C6E8", "#E07B39", "#6B8E23", "#8E44AD",
                                       "#C0392B", "#16A085", "#7F8C8D", "#D4AC0D")]
LEGEND_ROW = 13
MAX_PLOT_HEIGHT = 560
GRID = colors.HexColor("#D0D5DB")
#: statuses whose colour is light enough to need dark text
LIGHT_STATUSES = ("entbehrlich", "teilweise")


def _percent(value: float) -> str:
    return f"{number_de(value, 0)} %"


def _drawing(width: float, height: float) -> Drawing:
    drawing = Drawing(width, height)
    # reportlab starts a drawing in Helvetica, which would be named in the PDF without being embedded
    drawing.initialFontName = FONT
    return drawing


def _title(drawing: Drawing, text: str) -> None:
    drawing.add(String(0, drawing.height - 11, text, fontName=FONT_BOLD, fontSize=9.5,
                       fillColor=colors.HexColor("#1F3A5F")))


def _legend(drawing: Drawing, pairs: Sequence[tuple[Any, str]], x: float, y: float) -> int:
    """Colour boxes with their names, left to right, wrapping at the drawing's width; returns the rows used."""
    cursor, row = x, 0
    for colour, name in pairs:
        width = 14 + stringWidth(name, FONT, 7.5) + 14
        if cursor + width > drawing.width and cursor > x:
            cursor, row = x, row + 1
        top = y - row * LEGEND_ROW
        drawing.add(Rect(cursor, top, 8, 8, fillColor=colour, strokeColor=None))
        drawing.add(String(cursor + 12, top + 1, name, fontName=FONT, fontSize=7.5))
        cursor += width
    return row + 1


def legend_rows(names: Sequence[str], width: float, x: float) -> int:
    cursor, rows = x, 1
    for name in names:
        item = 14 + stringWidth(name, FONT, 7.5) + 14
        if cursor + item > width and cursor > x:
            cursor, rows = x, rows + 1
        cursor += item
    return rows


def _value_axis(chart: Any) -> None:
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontName, chart.valueAxis.labels.fontSize = FONT, 7
    chart.valueAxis.labelTextFormat = _percent
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = GRID
    chart.valueAxis.gridStrokeWidth = 0.4


def fulfilment_bars(title: str, labels: Sequence[str], series: Sequence[Sequence[float | None]],
                    series_names: Sequence[str], *, label_width: float = 150) -> Drawing:
    """Horizontal bars of fulfilment in percent: one group per label, one bar per series.

    ``series[i][j]`` is the fulfilment (0–1) of series ``i`` for label ``j`` (``None``: not
    applicable, no bar, labelled "–"). With more than one series a legend names them.
    """
    bars = len(series)
    # never taller than a page: thinner bars for long lists (callers split very long ones)
    bar_height = min(9 if bars > 1 else 13, max(2.0, (MAX_PLOT_HEIGHT / max(1, len(labels)) - 8) / bars))
    plot_height = len(labels) * (bars * bar_height + 8)
    rows = legend_rows(series_names, CONTENT_WIDTH, label_width) if bars > 1 else 0
    legend_height = rows * LEGEND_ROW + 6 if rows else 0
    drawing = _drawing(CONTENT_WIDTH, plot_height + 40 + legend_height)
    _title(drawing, title)
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width, 22 + legend_height
    chart.width = CONTENT_WIDTH - label_width - 40
    chart.height = plot_height
    # reportlab draws the first category (and series) at the bottom; reverse so they read top-down
    chart.data = [[(v or 0) * 100 for v in reversed(s)] for s in reversed(series)]
    chart.barLabelArray = [["–" if v is None else _percent(v * 100) for v in reversed(s)] for s in reversed(series)]
    chart.barLabelFormat = "values"
    chart.categoryAxis.categoryNames = list(reversed(labels))
    chart.categoryAxis.labels.fontName, chart.categoryAxis.labels.fontSize = FONT, 7.5
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    _value_axis(chart)
    chart.barSpacing = 1
    chart.groupSpacing = 8
    for index in range(bars):
        chart.bars[index].fillColor = SERIES[(bars - 1 - index) % len(SERIES)]
        chart.bars[index].strokeColor = None
    chart.barLabels.fontName, chart.barLabels.fontSize = FONT, 6.5 if bars > 1 else 7.5
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    if bars > 1:
        _legend(drawing, [(SERIES[i % len(SERIES)], series_names[i]) for i in range(bars)],
                label_width, legend_height - LEGEND_ROW + 2)
    return drawing


def status_bars(title: str, labels: Sequence[str], counts: Sequence[dict[str, int]],
                statuses: Sequence[str]) -> Drawing:
    """100 % stacked bars: the share of each status per label, the count inside each wide segment."""
    label_width = 150
    bar_height, gap = 16, 9
    plot_width = CONTENT_WIDTH - label_width - 20
    plot_height = len(labels) * (bar_height + gap)
    rows = legend_rows([STATUS_LABELS[s] for s in statuses], CONTENT_WIDTH, label_width)
    bottom = 22 + rows * LEGEND_ROW
    drawing = _drawing(CONTENT_WIDTH, plot_height + bottom + 22)
    _title(drawing, title)
    for step in range(0, 101, 20):
        x = label_width + plot_width * step / 100
        drawing.add(Line(x, bottom, x, bottom + plot_height, strokeColor=GRID, strokeWidth=0.4))
        drawing.add(String(x, bottom - 10, _percent(step), fontName=FONT, fontSize=7, textAnchor="middle"))
    for index, (label, tally) in enumerate(zip(labels, counts)):
        y = bottom + plot_height - (index + 1) * (bar_height + gap) + gap / 2
        drawing.add(String(label_width - 5, y + 5, label, fontName=FONT, fontSize=7.5, textAnchor="end"))
        total = sum(tally.get(s, 0) for s in statuses)
        x = label_width
        for status in statuses:
            count = tally.get(status, 0)
            if not total or not count:
                continue
            width = plot_width * count / total
            drawing.add(Rect(x, y, width, bar_height, fillColor=STATUS_COLOURS[status],
                             strokeColor=colors.white, strokeWidth=0.5))
            text = str(count)
            if stringWidth(text, FONT_BOLD, 7) + 4 <= width:
                ink = colors.black if status in LIGHT_STATUSES else colors.white
                drawing.add(String(x + width / 2, y + 5, text, fontName=FONT_BOLD, fontSize=7,
                                   fillColor=ink, textAnchor="middle"))
            x += width
    _legend(drawing, [(STATUS_COLOURS[s], STATUS_LABELS[s]) for s in statuses], label_width,
            rows * LEGEND_ROW - LEGEND_ROW + 2)
    return drawing


def trend_lines(title: str, periods: Sequence[str], series: Sequence[Sequence[float | None]],
                names: Sequence[str]) -> Drawing:
    """Fulfilment over time: one line per series (county), periods on the x axis."""
    rows = legend_rows(names, CONTENT_WIDTH, 40)
    legend_height = rows * LEGEND_ROW + 6
    drawing = _drawing(CONTENT_WIDTH, 190 + legend_height)
    _title(drawing, title)
    chart = HorizontalLineChart()
    chart.x, chart.y = 40, 20 + legend_height
    chart.width, chart.height = CONTENT_WIDTH - 60, 140
    chart.data = [[(v * 100) if v is not None else None for v in s] for s in series]
    chart.categoryAxis.categoryNames = list(periods)
    chart.categoryAxis.labels.fontName, chart.categoryAxis.labels.fontSize = FONT, 7
    _value_axis(chart)
    # reportlab cannot draw a line through fewer than two points; such a series gets markers only
    chart.joinedLines = 0
    for index in range(len(series)):
        if sum(v is not None for v in series[index]) >= 2:
            chart.lines[index].lineStyle = "joinedLine"
        chart.lines[index].strokeColor = SERIES[index % len(SERIES)]
        chart.lines[index].strokeWidth = 1.6
        chart.lines[index].symbol = makeMarker("FilledCircle", size=3.5, fillColor=SERIES[index % len(SERIES)])
    drawing.add(chart)
    _legend(drawing, [(SERIES[i % len(SERIES)], names[i]) for i in range(len(names))], 40,
            legend_height - LEGEND_ROW + 2)
    return drawing
