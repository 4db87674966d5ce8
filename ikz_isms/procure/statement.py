"""Settlement statement PDF per county (Kostenabrechnung): deterministic bytes for the same input."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from ..output import county_title
from .costs import Settlement
from .money import euro


def _rows(settlement: Settlement, county: str) -> list[tuple[str, str]]:
    share = next(s for s in settlement.allocation.shares if s.county == county)
    rows = [
        ("Vertrag", f"{settlement.contract.id} – {settlement.contract.title}"),
        ("Abrechnungsjahr", str(settlement.period)),
        ("Verteilungsschlüssel", settlement.key_label),
    ]
    if share.metric is not None and settlement.basis != "equal":
        rows.append((settlement.metric_label or "Kennzahl", _number(share.metric)))
    rows += [
        ("Gesamtbetrag aller Landkreise", euro(settlement.allocation.total)),
    ]
    # only the hybrid key splits a share into a base and a variable part
    if settlement.contract.allocation and settlement.contract.allocation.key == "hybrid":
        rows += [("Sockelanteil", euro(share.base)), ("Variabler Anteil", euro(share.variable))]
    rows += [
        ("Ihr Anteil", f"{euro(share.amount)} ({_number(share.percent, 2)} %)"),
        ("Umsatzsteuer (§2b UStG)", euro(share.vat) if share.vat_applies else "entfällt"),
        ("Zu zahlen", euro(share.gross)),
    ]
    return rows


def write_statements(settlement: Settlement, names: Mapping[str, str], directory: str | Path) -> list[Path]:
    """One PDF per county in ``directory``; returns the written paths (each written atomically)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from ..store import atomic_write

    import io

    directory = Path(directory)
    written = []
    for share in settlement.allocation.shares:
        buffer = io.BytesIO()
        pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1, pageCompression=0)
        name = names.get(share.county, share.county)
        pdf.setTitle(f"Kostenabrechnung {settlement.contract.id} {settlement.period} – {name}")
        pdf.setAuthor("ikz-isms")
        width, height = A4
        y = height - 60
        pdf.setFont("Helvetica-Bold", 15)
        pdf.drawString(50, y, f"Kostenabrechnung {settlement.period}")
        y -= 22
        pdf.setFont("Helvetica", 11)
        pdf.drawString(50, y, county_title(name))
        y -= 30
        for label, value in _rows(settlement, share.county):
            pdf.setFont("Helvetica-Bold", 10)
            pdf.drawString(50, y, label)
            pdf.setFont("Helvetica", 10)
            for line in _fit(pdf, value, width - 50 - 230):
                pdf.drawString(230, y, line)
                y -= 13
            y -= 3
        y -= 14
        pdf.setFont("Helvetica", 8)
        notes = [settlement.allocation.rounding, settlement.vat_note, *settlement.allocation.notes]
        if settlement.contract.allocation and settlement.contract.allocation.agreement:
            notes.append(f"Rechtsgrundlage des Schlüssels: {settlement.contract.allocation.agreement}")
        for note in notes:
            for line in _wrap(note, 110):
                pdf.drawString(50, y, line)
                y -= 11
        pdf.drawString(50, 30, f"ikz-isms · {settlement.contract.id} · Seite 1 von 1")
        pdf.showPage()
        pdf.save()
        path = directory / f"abrechnung-{settlement.contract.id}-{settlement.period}-{share.county}.pdf"
        atomic_write(path, buffer.getvalue())
        written.append(path)
    return written


def _number(value, decimals: int | None = None) -> str:
    """German number text: 113.000, 40,61."""
    from decimal import Decimal

    from ..output import format_de

    number = Decimal(value)
    if decimals is None:
        decimals = 0 if number == number.to_integral_value() else 2
    return format_de(number, decimals)


def _fit(pdf, text: str, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` points in the canvas's current font."""
    lines: list[str] = []
    for word in text.split():
        if lines and pdf.stringWidth(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width) or [""]
