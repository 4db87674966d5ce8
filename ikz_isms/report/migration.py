"""The coverage report of a migration Edition 2023 → Grundschutz++ (``catalog migrate --format pdf``).

It prints the same plan the dry run shows: per county how much of the check carries over,
per relationship of BSI's mapping, per G++ practice, and what is left (unmapped requirements,
G++ controls without a predecessor).
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

from ..present.de import county_title, number_de, percent_de
from .pdf import builder_for_date

if TYPE_CHECKING:
    from ..app.transitions import CountyChange
    from ..catalog.transition import Plan

TITLE = "Migration Edition 2023 → Grundschutz++"
LISTED = 60


def migration_pdf(changes: list[CountyChange], *, today: _dt.date) -> bytes:
    from ..catalog.mapping import RELATIONSHIP_LABELS

    marking = changes[0].county.profile.classification if changes else ""
    doc = builder_for_date(today, title=TITLE, subject="Abdeckungsbericht der Migration", marking=marking,
                           running_title=f"{TITLE} · Abdeckung")
    for index, change in enumerate(changes):
        plan = change.plan
        details = plan.details
        records = details["records"]
        mapping = change.mapping or {}
        summary = change.summary()
        doc.heading(f"Abdeckung – {county_title(change.county.name)}", new_page=bool(index))
        doc.pairs([
            ("Von", f"{summary['from']['name']} „{summary['from']['title']}“ ({summary['from']['version']})"),
            ("Nach", f"{summary['to']['name']} „{summary['to']['title']}“ ({summary['to']['version']})"),
            ("Mapping", f"{mapping.get('title')} ({mapping.get('file')}, Stand {mapping.get('status') or '–'}, "
                        f"SHA-256 {str(mapping.get('sha256'))[:16]}…)"),
            ("Prüfeinträge", f"{number_de(records['total'])}, davon bewertet {number_de(records['assessed'])}"),
            ("übernommen", number_de(records["carried"])),
            ("nur Vorschläge", number_de(records["proposal"])),
            ("nicht im Mapping", number_de(records["unmapped"])),
            ("Ziel nicht modelliert oder nicht auflösbar", number_de(records["lost"])),
            ("Vorgang", change.change_id),
        ])
        doc.heading("Je Beziehung des Mappings", 1)
        doc.table(["Beziehung", "Zuordnungen", "Prüfeinträge", "G++-Einträge"], [
            (RELATIONSHIP_LABELS[rel], number_de(row["maps"]), number_de(row["records"]), number_de(row["proposed"]))
            for rel, row in details["relationships"].items()
        ], [0.4, 0.2, 0.2, 0.2], right=range(1, 4))
        doc.para("gleich/gleichwertig übernehmen den Status (Herkunft „migriert aus …“, bis zur Bestätigung); "
                 "Teil-, Ober- und Schnittmengen sind Vorschläge, die eine Entscheidung brauchen.", doc.styles.small)
        doc.heading("Abdeckung je Praktik", 1)
        doc.table(["Praktik", "modelliert", "übernommen", "Vorschläge", "Anteil"], [
            (f"{row['practice']} {row['title']}", number_de(row["applicable"]), number_de(row["carried"]),
             number_de(row["proposal"]),
             percent_de(row["carried_share"], 1) if row["carried_share"] is not None else "–")
            for row in details["coverage"]
        ], [0.44, 0.14, 0.14, 0.14, 0.14], right=range(1, 5))
        unmapped = details["unmapped_requirements"]
        doc.heading("Nicht im Mapping", 1)
        doc.para(f"{number_de(len(unmapped))} Anforderungen der Edition 2023 mit Prüfeinträgen haben keine "
                 "Zuordnung; ihre Einträge werden archiviert: "
                 + (", ".join(unmapped[:LISTED]) + (" …" if len(unmapped) > LISTED else "") if unmapped else "–"))
        new = plan.new_requirements
        doc.para(f"{number_de(len(new))} modellierte Grundschutz++-Controls ohne Vorlage aus dem Mapping "
                 f"(unbearbeitet, {number_de(plan.new_pairs)} Paare): "
                 + (", ".join(new[:LISTED]) + (" …" if len(new) > LISTED else "") if new else "–"))
        _references(doc, plan)
    return doc.render()


def _references(doc: Any, plan: Plan) -> None:
    """Measures, risks and exclusions naming Edition 2023 requirements: which follow, which need a decision."""
    from ..catalog.transition import DECISION, REFERENCE_LABELS

    if not plan.references:
        return
    moved = [r for r in plan.references if r.new]
    open_ = [r for r in plan.references if r.decision]
    doc.heading("Verweise in Realisierungsplan, Risiken und Modellierung", 1)
    doc.para(f"{number_de(len(moved))} Verweise gehen mit ihren Prüfeinträgen mit, {number_de(len(open_))} "
             f"bleiben unverändert ({DECISION}); ikz-isms check nennt sie, bis sie angepasst sind.", doc.styles.small)
    rows = [(r.file, f"{REFERENCE_LABELS[r.kind]} {r.entry}", r.value,
             ", ".join(r.new) if r.new else f"{DECISION}: {r.decision}") for r in [*moved, *open_][:LISTED]]
    doc.table(["Datei", "Eintrag", "Verweis", "neu / Entscheidung"], rows, [0.16, 0.2, 0.16, 0.48])
    if len(moved) + len(open_) > LISTED:
        doc.para(f"… und {number_de(len(moved) + len(open_) - LISTED)} weitere (alle mit --format json).",
                 doc.styles.small)
