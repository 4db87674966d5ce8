"""The risk matrix as a chart (reportlab.graphics): risks per frequency × impact, cells tinted by category."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors

from .pdf import CONTENT_WIDTH, FONT, FONT_BOLD, GRID

#: cell tints per risk category (light enough for dark text, distinguishable in greyscale)
CATEGORY_TINTS = {
    "gering": colors.HexColor("#DCEFD9"),
    "mittel": colors.HexColor("#FFF1C2"),
    "hoch": colors.HexColor("#F9CFA3"),
    "sehr hoch": colors.HexColor("#F2A7A7"),
}
LABEL_WIDTH = 78
CELL_HEIGHT = 24
TITLE_HEIGHT = 16
AXIS_HEIGHT = 26


def matrix_chart(title: str, rows: Mapping[str, Sequence[str]], frequencies: Sequence[str], impacts: Sequence[str],
                 counts: Mapping[tuple[str, str], int]) -> Drawing:
    """One matrix: rows ``frequencies`` (most frequent on top), columns ``impacts``; each cell its category
    and the number of risks rated there."""
    cell_width = (CONTENT_WIDTH - LABEL_WIDTH) / len(impacts)
    height = TITLE_HEIGHT + CELL_HEIGHT * len(frequencies) + AXIS_HEIGHT
    drawing = Drawing(CONTENT_WIDTH, height)
    drawing.initialFontName = FONT
    drawing.add(String(0, height - 11, title, fontName=FONT_BOLD, fontSize=9.5, fillColor=colors.HexColor("#1F3A5F")))
    top = height - TITLE_HEIGHT
    for r, frequency in enumerate(reversed(frequencies)):
        y = top - (r + 1) * CELL_HEIGHT
        drawing.add(String(LABEL_WIDTH - 4, y + CELL_HEIGHT / 2 - 3, frequency, fontName=FONT, fontSize=7.5,
                           textAnchor="end"))
        for c, impact in enumerate(impacts):
            x = LABEL_WIDTH + c * cell_width
            category = rows[frequency][c]
            drawing.add(Rect(x, y, cell_width, CELL_HEIGHT, fillColor=CATEGORY_TINTS[category], strokeColor=GRID,
                             strokeWidth=0.5))
            drawing.add(String(x + 4, y + 4, category, fontName=FONT, fontSize=6.5,
                               fillColor=colors.HexColor("#333333")))
            count = counts.get((frequency, impact), 0)
            if count:
                drawing.add(String(x + cell_width / 2, y + CELL_HEIGHT / 2 - 4, str(count), fontName=FONT_BOLD,
                                   fontSize=11, textAnchor="middle"))
    base = top - len(frequencies) * CELL_HEIGHT
    for c, impact in enumerate(impacts):
        drawing.add(String(LABEL_WIDTH + (c + 0.5) * cell_width, base - 10, impact, fontName=FONT, fontSize=7.5,
                           textAnchor="middle"))
    drawing.add(String(LABEL_WIDTH, base - 21, "Schadensauswirkung →   (Zeilen: Eintrittshäufigkeit; Zahl: Risiken)",
                       fontName=FONT, fontSize=6.5, fillColor=colors.HexColor("#555555")))
    return drawing
