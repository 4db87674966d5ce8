"""Settlement statement PDF per county (Kostenabrechnung), built on the report engine.

Like every PDF of ikz-isms it embeds DejaVu Sans and carries the classification marking on
every page (:mod:`ikz_isms.report.pdf`). Its bytes depend only on the settlement: the PDF
is dated the last day of the settled year, never the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from ..county import DEFAULT_CLASSIFICATION
from ..present.de import county_title, money_de, number_de, quantity_de
from .costs import Settlement


def statement_rows(settlement: Settlement, county: str) -> list[tuple[str, str]]:
    """The lines of one county's statement as (label, value), in reading order."""
    share = next(s for s in settlement.allocation.shares if s.county == county)
    rows = [
        ("Vertrag", f"{settlement.contract.id} – {settlement.contract.title}"),
        ("Abrechnungsjahr", str(settlement.period)),
        ("Verteilungsschlüssel", settlement.key_label),
    ]
    if share.metric is not None and settlement.basis != "equal":
        rows.append((settlement.metric_label or "Kennzahl", quantity_de(share.metric)))
    rows.append(("Gesamtbetrag aller Landkreise", money_de(settlement.allocation.total)))
    # only the hybrid key splits a share into a base and a variable part
    if settlement.contract.allocation and settlement.contract.allocation.key == "hybrid":
        rows += [("Sockelanteil", money_de(share.base)), ("Variabler Anteil", money_de(share.variable))]
    rows += [
        ("Ihr Anteil", f"{money_de(share.amount)} ({number_de(share.percent, 2)} %)"),
        ("Umsatzsteuer (§2b UStG)", money_de(share.vat) if share.vat_applies else "entfällt"),
        ("Zu zahlen", money_de(share.gross)),
    ]
    return rows


def statement_notes(settlement: Settlement) -> list[str]:
    """What the statement says below its figures: rounding, VAT, the key's notes and legal basis."""
    notes = [settlement.allocation.rounding, settlement.vat_note, *settlement.allocation.notes]
    if settlement.contract.allocation and settlement.contract.allocation.agreement:
        notes.append(f"Rechtsgrundlage des Schlüssels: {settlement.contract.allocation.agreement}")
    return notes


def statement_pdf(settlement: Settlement, county: str, name: str, marking: str = DEFAULT_CLASSIFICATION) -> bytes:
    """One county's statement as PDF bytes."""
    from ..report.pdf import builder_for_date

    contract = settlement.contract
    title = county_title(name)
    doc = builder_for_date(
        dt.date(settlement.period, 12, 31),
        title=f"Kostenabrechnung {contract.id} {settlement.period} – {name}",
        subject=f"Kostenabrechnung {settlement.period}", marking=marking,
        running_title=f"Kostenabrechnung {contract.id} · {title}",
        date_text=f"Abrechnungsjahr {settlement.period}",
    )
    styles = doc.styles
    doc.para(f"Kostenabrechnung {settlement.period}", styles.h1)
    doc.para(title, styles.subtitle)
    doc.space()
    doc.pairs(statement_rows(settlement, county))
    doc.space()
    for note in statement_notes(settlement):
        doc.para(note, styles.small)
    return doc.render()


def statements(settlement: Settlement, names: Mapping[str, str],
               markings: Mapping[str, str] | None = None) -> dict[str, bytes]:
    """One PDF per county, by file name (``abrechnung-<vertrag>-<jahr>-<landkreis>.pdf``).

    ``markings`` gives a county's classification marking by key (its profile's
    ``classification``); a county without one gets the default classification.
    """
    files = {}
    for share in settlement.allocation.shares:
        name = names.get(share.county, share.county)
        pdf = statement_pdf(settlement, share.county, name, (markings or {}).get(share.county, DEFAULT_CLASSIFICATION))
        files[f"abrechnung-{settlement.contract.id}-{settlement.period}-{share.county}.pdf"] = pdf
    return files
