"""A.5 of the county report: the risk analysis after BSI-Standard 200-3 (register, matrix, acceptances)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..present.de import date_de, plural_de
from .pdf import STATUS_TINTS, CondPageBreak, ReportBuilder, cm
from .riskmatrix import CATEGORY_TINTS, matrix_chart
from .text import escape

if TYPE_CHECKING:
    from ..app.risks import RiskView


def _rating(entry: dict[str, Any], residual: bool = False) -> str:
    part = entry["residual"] if residual else entry
    if not part.get("category"):
        return "–"
    if not part.get("frequency"):
        return f"{part['category']}\n(wie vor der Behandlung)"
    return f"{part['category']}\n({part['frequency']} × {part['impact']})"


def risk_section(doc: ReportBuilder, view: "RiskView") -> None:
    """A.5: which objects need an analysis, the register, the matrix before and after treatment, the acceptances."""
    matrix = view.matrix
    doc.heading("A.5 Risikoanalyse", new_page=True)
    doc.para("Risikoanalyse nach BSI-Standard 200-3 für die Zielobjekte mit erhöhtem Schutzbedarf, ohne passende "
             "Modellierung oder mit offenen Basis-Anforderungen: je Gefährdung (elementare Gefährdungen G 0.1 bis "
             "G 0.47 oder zusätzliche) die Einstufung aus Eintrittshäufigkeit und Schadensauswirkung, die Behandlung "
             "(vermeiden, reduzieren, transferieren, akzeptieren) und das Restrisiko. "
             f"Risikomatrix: {matrix.source}. Risiken aus nicht erfüllten Basis-Anforderungen können nicht "
             "akzeptiert werden.")
    doc.heading("Zielobjekte mit Risikoanalyse", level=1)
    rows: list[tuple[Any, ...]] = [(c.target, c.name, "\n".join(c.reasons), ", ".join(c.risks) or "noch keine") for c in view.candidates]
    if rows:
        doc.table(["ID", "Zielobjekt", "Anlass", "Risiken im Register"], rows, [0.12, 0.28, 0.42, 0.18])
    else:
        doc.para("Kein Zielobjekt braucht eine Risikoanalyse.")
    if not view.risks:
        doc.para("Noch kein Risikoregister angelegt (ikz-isms risk add)." if not view.exists else
                 "Das Risikoregister enthält keine Risiken.")
        return
    entries = [view.entry(r) for r in view.risks]
    doc.add(CondPageBreak(8 * cm))
    doc.heading("Risikomatrix vor und nach der Behandlung", level=1)
    from ..risk.matrix import FREQUENCIES, IMPACTS

    doc.add(matrix_chart("Risikomatrix vor der Behandlung", matrix.rows, FREQUENCIES, IMPACTS, view.counts()))
    doc.space()
    doc.add(matrix_chart("Risikomatrix nach der Behandlung (Restrisiko)", matrix.rows, FREQUENCIES, IMPACTS,
                         view.counts(residual=True)))
    unrated = sum(1 for e in entries if not e["category"])
    if unrated:
        doc.para(f"{plural_de(unrated, 'Risiko ist', 'Risiken sind')} noch nicht eingestuft.", doc.styles.small)
    doc.heading("Risikoregister", level=1)
    table_rows = []
    tints = []
    for index, entry in enumerate(entries):
        treatment = entry["treatment"] or {}
        measures = ", ".join(m["id"] + ("" if m["in_plan"] else " (fehlt im Plan)") for m in entry["measures"])
        treated = "–" if not treatment else "\n".join(x for x in (
            treatment["option"], f"verantwortlich: {treatment['owner']}" if treatment.get("owner") else "",
            f"Frist: {date_de(treatment['deadline'])}" if treatment.get("deadline") else "",
            f"Maßnahmen: {measures}" if measures else "") if x)
        threat = f"{entry['threat']} " if entry["threat"] else "zusätzlich: "
        table_rows.append((
            doc.cell_markup(f"<b>{escape(entry['id'])}</b> {escape(threat + entry['title'])}"),
            entry["target"], _rating(entry), treated, _rating(entry, True),
            entry["state"] + ("\nBasis-Lücke: nicht akzeptierbar" if entry["basis_gap"] else ""),
        ))
        for column, category in ((2, entry["category"]), (4, entry["residual"]["category"])):
            if category:
                tints.append((column, index, CATEGORY_TINTS[category]))
        if entry["state"] == "Akzeptanz abgelaufen" or entry["treatment_overdue"]:
            tints.append((5, index, STATUS_TINTS["nein"]))
    doc.table(["Risiko", "Zielobjekt", "vorher", "Behandlung", "nachher", "Stand"], table_rows,
              [0.27, 0.11, 0.14, 0.22, 0.13, 0.13], tints=tints)
    doc.heading("Akzeptierte Risiken", level=1)
    accepted = [e for e in entries if e["acceptance"]]
    if accepted:
        doc.para("Entscheidungen der Behördenleitung, ein (Rest-)Risiko zu tragen: wer, wann, bis wann.")
        rows = []
        tints = []
        for index, entry in enumerate(accepted):
            acceptance = entry["acceptance"]
            carried = entry["residual"]["category"] or entry["category"] or "–"
            rows.append((f"{entry['id']} {entry['title']}", carried, f"{acceptance['by']}\n{acceptance['role']}",
                         date_de(acceptance["decided"]),
                         date_de(acceptance["until"]) + ("\nabgelaufen" if entry["acceptance_expired"] else ""),
                         "\n".join(x for x in (acceptance.get("reference"), acceptance.get("reason")) if x) or "–"))
            if entry["acceptance_expired"]:
                tints.append((4, index, STATUS_TINTS["nein"]))
        doc.table(["Risiko", "getragen", "entschieden von", "am", "bis", "Fundstelle, Begründung"], rows,
                  [0.26, 0.1, 0.18, 0.1, 0.11, 0.25], tints=tints)
    else:
        doc.para("Keine Risiken akzeptiert.")
    basis = [e for e in entries if e["basis_gap"]]
    if basis:
        doc.para("Risiken aus offenen Basis-Anforderungen (nicht akzeptierbar, die Anforderung muss umgesetzt werden): "
                 + "; ".join(f"{e['id']} ({', '.join(g['requirement'] + ' auf ' + g['target'] for g in e['basis_gaps'])})"
                             for e in basis) + ".", doc.styles.small)
