"""The network plan of a county (report A.1): objects as boxes by layer, dependencies as lines.

Layers from top to bottom — business processes, applications, IT systems, networks and
connections, rooms and buildings — so a dependency ("runs on", "needs") mostly points down.
A Kronjuwel is framed in the marking colour; ``×n`` is the number of grouped objects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from .pdf import CONTENT_WIDTH, FONT, FONT_BOLD, MARKING

if TYPE_CHECKING:
    from ..assess.structure import NetworkPlan, PlanNode

BOX_WIDTH = 74.0
BOX_HEIGHT = 24.0
GAP = 8.0
ROW = 44.0
LABEL = 64.0
MAX_NODES = 90
LINE = colors.HexColor("#7F8C8D")
BOX = colors.HexColor("#E8EEF5")
EDGE = colors.HexColor("#1F3A5F")


def _fit(text: str, font: str, size: float, width: float) -> str:
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def drawable(plan: "NetworkPlan") -> bool:
    """Whether the plan fits a drawing (else the report shows the table alone)."""
    count = sum(len(members) for layer, _, members in plan.layers if layer != "Informationsverbund")
    return 0 < count <= MAX_NODES


def network_drawing(plan: "NetworkPlan", width: float = CONTENT_WIDTH) -> Drawing:
    """The plan as a drawing (the information domain itself is the frame, not a box)."""
    per_row = max(1, int((width - LABEL + GAP) // (BOX_WIDTH + GAP)))
    rows: list[tuple[str, list[PlanNode]]] = []
    for layer, title, nodes in plan.layers:
        if layer == "Informationsverbund":
            continue
        chunk = list(nodes)
        for first in range(0, len(chunk), per_row):
            rows.append((title if first == 0 else "", chunk[first:first + per_row]))
    height = len(rows) * ROW + 18
    drawing = Drawing(width, height)
    drawing.initialFontName = FONT
    drawing.add(String(0, height - 10, "Netzplan: Zielobjekte je Ebene, Linien = „hängt ab von“ (nach unten)",
                       fontName=FONT_BOLD, fontSize=8.5, fillColor=EDGE))
    where: dict[str, tuple[float, float]] = {}
    for index, (label, row) in enumerate(rows):
        y = height - 18 - (index + 1) * ROW + (ROW - BOX_HEIGHT) / 2
        if label:
            drawing.add(String(0, y + BOX_HEIGHT / 2 - 3, _fit(label, FONT_BOLD, 7, LABEL - 4), fontName=FONT_BOLD,
                               fontSize=7, fillColor=EDGE))
        for position, node in enumerate(row):
            x = LABEL + position * (BOX_WIDTH + GAP)
            where[node.id] = (x, y)
    for link in plan.links:
        if link.source not in where or link.target not in where:
            continue
        (x1, y1), (x2, y2) = where[link.source], where[link.target]
        begin: tuple[float, float] = (x1 + BOX_WIDTH / 2, y1 if y2 < y1 else y1 + BOX_HEIGHT)
        finish: tuple[float, float] = (x2 + BOX_WIDTH / 2, y2 + BOX_HEIGHT if y2 < y1 else y2)
        if y1 == y2:
            begin = (x1 + (BOX_WIDTH if x2 > x1 else 0), y1 + BOX_HEIGHT / 2)
            finish = (x2 + (0 if x2 > x1 else BOX_WIDTH), y2 + BOX_HEIGHT / 2)
        drawing.add(Line(begin[0], begin[1], finish[0], finish[1], strokeColor=LINE, strokeWidth=0.5))
    for _, row in rows:
        for node in row:
            x, y = where[node.id]
            jewel = node.kronjuwel
            drawing.add(Rect(x, y, BOX_WIDTH, BOX_HEIGHT, fillColor=BOX, strokeColor=MARKING if jewel else EDGE,
                             strokeWidth=1.4 if jewel else 0.6))
            head = node.id + (f" ×{node.count}" if node.count > 1 else "")
            drawing.add(String(x + 3, y + BOX_HEIGHT - 9, _fit(head, FONT_BOLD, 6.5, BOX_WIDTH - 6),
                               fontName=FONT_BOLD, fontSize=6.5))
            drawing.add(String(x + 3, y + 4, _fit(node.name, FONT, 5.8, BOX_WIDTH - 6),
                               fontName=FONT, fontSize=5.8))
    return drawing
