"""The Verbund report for the steering group: counties side by side, trend, shared gaps.

It prints the document of :func:`ikz_isms.assess.verbund.verbund_view` (the same figures as
``assess --verbund``), so each county's disclosure policy and the pseudonymisation are
applied there, once, on the counties' disclosure packages: ``none`` shows no figures,
``aggregate`` figures per approach and layer/practice, ``full`` also open requirements by name.
"""

from __future__ import annotations

from typing import Any

from ..present.de import date_de, percent_de
from ..present.vocab import DISCLOSURE_LABELS
from . import charts
from .model import Customisation, ReportDate
from .pdf import ReportBuilder, cm

#: more series than this make a chart unreadable; the table still shows everything
MAX_SERIES = 8
COUNTIES_PER_TABLE = 8
COUNTIES_PER_CHART = 12
TREND_POINTS = 6


def _cell(tally: dict[str, Any] | None) -> str:
    if not tally or not tally.get("applicable"):
        return "–"
    return f"{percent_de(tally['fulfilment'], 1)}\n({tally['fulfilled']}/{tally['applicable']})"


def _group(doc: ReportBuilder, number: int, group: dict[str, Any], many: bool) -> None:
    catalog = group["catalog"]
    layer_name = group["labels"]["layer"]
    prefix = f"Gruppe {number}: " if many else ""
    doc.heading(f"{prefix}Erfüllung je Vorgehensweise", new_page=True)
    doc.para(f"Katalog {catalog['name']} „{catalog['title']}“, Version {catalog['version']}, "
             f"SHA-256 {catalog['sha256'] or '–'}.")
    if group["comparable"]:
        doc.para(f"Hinweis: {group['comparable']}")
    if group["note"]:
        doc.para(f"Hinweis: {group['note']}")
        return
    approaches = group["approaches"]
    counties = group["counties"]
    shorts = {a["id"]: a["short"] for a in approaches}
    doc.table(
        ["Landkreis", "Freigabe", "gewählt", *(a["short"] for a in approaches), "offene Basis-Anf."],
        [(c["name"], DISCLOSURE_LABELS[c["disclosure"]], shorts.get(c.get("approach") or "", "–"),
          *(_cell(c["approaches"].get(a["id"])) for a in approaches),
          str(c["open_basis"]) if c.get("open_basis") is not None else "–") for c in counties],
        [0.22, 0.12, 0.10, *([0.44 / len(approaches)] * len(approaches)), 0.12], right=range(3, 4 + len(approaches)),
    )
    doc.space(0.15 * cm)
    basis = group["labels"]["basis"]
    doc.para("gewählt: die Vorgehensweise des Landkreises ("
             + ", ".join(f"{a['short']} = {a['label']}" for a in approaches) + "). "
             f"offene Basis-Anf.: {basis}, die auf mindestens einem Zielobjekt nicht erfüllt sind "
             "(wie bei ikz-isms assess).", doc.styles.small)
    for start in range(0, len(counties), COUNTIES_PER_CHART):
        chunk = counties[start:start + COUNTIES_PER_CHART]
        doc.space()
        doc.add(charts.fulfilment_bars(
            "Erfüllungsgrad je Landkreis und Vorgehensweise", [c["name"] for c in chunk],
            [[c["approaches"].get(a["id"], {}).get("fulfilment") for c in chunk] for a in approaches],
            [a["label"] for a in approaches]))
    full = [c for c in counties if c["layers"]]
    doc.heading(f"{prefix}Erfüllung je {layer_name}", new_page=True)
    if not full or not group["layers"]:
        doc.para(f"Kein Landkreis hat Werte je {layer_name} freigegeben.")
    else:
        first = approaches[0]
        for approach in approaches:
            for start in range(0, len(full), COUNTIES_PER_TABLE):
                chunk = full[start:start + COUNTIES_PER_TABLE]
                doc.para(f"{approach['label']}", doc.styles.h2)
                share = 0.7 / len(chunk)
                doc.table(
                    [layer_name, *(c["name"] for c in chunk)],
                    [(f"{layer['id']} {layer['title']}", *(_cell(c["layers"].get(layer["id"], {}).get(approach["id"]))
                                                         for c in chunk)) for layer in group["layers"]],
                    [0.3, *([share] * len(chunk))], right=range(1, 1 + len(chunk)),
                )
        if len(full) <= MAX_SERIES:
            doc.add(charts.fulfilment_bars(
                f"Erfüllungsgrad je {layer_name} – {first['label']}",
                [f"{layer['id']} {layer['title']}"[:34] for layer in group["layers"]],
                [[c["layers"].get(layer["id"], {}).get(first["id"], {}).get("fulfilment") for layer in group["layers"]]
                 for c in full], [c["name"] for c in full]))
    _trend(doc, prefix, group)
    _gaps(doc, prefix, group)


def _trend(doc: ReportBuilder, prefix: str, group: dict[str, Any]) -> None:
    first = group["approaches"][0]
    counties = group["counties"]
    doc.heading(f"{prefix}Verlauf", new_page=True)
    doc.para(f"Erfüllungsgrad am Ende jedes Quartals und heute, Vorgehensweise: {first['label']}.")
    # by date, not by first appearance: a county without history (only "aktuell") may come first
    dates: dict[str, str] = {}
    for county in counties:
        for point in county["trend"]:
            dates.setdefault(point["label"], point["date"] or "9999-12-31")
    labels = sorted(dates, key=lambda label: dates[label])[-TREND_POINTS:]
    values = []
    for county in counties:
        by_label = {p["label"]: p["fulfilment"].get(first["id"]) for p in county["trend"]}
        values.append([by_label.get(label) for label in labels])
    doc.table(["Landkreis", *labels], [(c["name"], *(percent_de(v, 1) for v in row)) for c, row in zip(counties, values)],
              [0.3, *([0.7 / len(labels)] * len(labels))], right=range(1, 1 + len(labels)))
    if len(labels) > 1 and len(counties) <= MAX_SERIES:
        doc.space()
        doc.add(charts.trend_lines(f"Verlauf des Erfüllungsgrads – {first['label']}", labels, values,
                                   [c["name"] for c in counties]))


def _gaps(doc: ReportBuilder, prefix: str, group: dict[str, Any]) -> None:
    doc.heading(f"{prefix}Gemeinsame Lücken", new_page=True)
    gaps = group["shared_gaps"]
    doc.para(f"Anforderungen, die in mindestens zwei von {group['shared_gaps_from']} Landkreisen, die ihre "
             "Anforderungs-IDs freigeben, offen sind (unbearbeitet, teilweise oder nein) – Kandidaten für "
             "gemeinsame Maßnahmen. Landkreise mit Offenlegung „aggregate“ werden dabei nur gezählt, nicht genannt.")
    if not gaps:
        doc.para("Keine.")
        return
    doc.table(["Anforderung", "Titel", "Anzahl", "Landkreise"],
              [(g["requirement"], g["title"], str(g["counties"]),
                ", ".join(g["names"]) + (f" und {g['unnamed']} ohne Namen" if g.get("unnamed") else ""))
               for g in gaps],
              [0.15, 0.4, 0.08, 0.37], right=(2,))


def verbund_pdf(view: dict[str, Any], *, author: str, marking: str, date: ReportDate,
                customisation: Customisation, members: int) -> bytes:
    """The Verbund report from the ``verbund_view`` document."""
    doc = ReportBuilder(
        title=f"Verbund-Bericht – {view['verbund']}", subject="IT-Grundschutz im Verbund", author=author,
        marking=marking, running_title=f"Verbund-Bericht · {view['verbund']}", date=date.date, epoch=date.epoch,
    )
    custom = customisation
    for index, line in enumerate(custom.letterhead):
        doc.para(line, doc.styles.cell_bold if index == 0 else doc.styles.cell)
    if custom.logo:
        doc.add(doc.image(custom.logo, 5 * cm, 2.5 * cm))
    doc.space(2.5 * cm)
    doc.para("Verbund-Bericht IT-Grundschutz", doc.styles.title)
    doc.para("Vergleich der Landkreise für den Lenkungskreis", doc.styles.subtitle)
    doc.para(view["verbund"], doc.styles.subtitle)
    doc.space(1 * cm)
    disclosed = sum(len(g["counties"]) for g in view["groups"])
    doc.table(["Angabe", "Wert"], [
        ("Verbund", view["verbund"]),
        ("Landkreise", f"{members}, davon {disclosed} mit freigegebenen Werten"),
        ("Namen", "pseudonymisiert" if view["pseudonymised"] else "Klarnamen"),
        ("Katalogstände", str(len(view["groups"])) + ("" if view["comparable"] else " – nicht untereinander vergleichbar")),
        ("Stand", date_de(date.date)),
        ("Verfasst von", author),
        ("Einstufung", marking),
    ], [0.32, 0.68])
    doc.space(0.6 * cm)
    doc.para(f"Regel: {view['rule']}.", doc.styles.small)
    doc.para(f"{view['trend_method']}.", doc.styles.small)
    doc.page_break()
    doc.para("Inhalt", doc.styles.h1)
    doc.toc()
    for number, group in enumerate(view["groups"], start=1):
        _group(doc, number, group, len(view["groups"]) > 1)
    if view["not_disclosed"]:
        doc.heading("Landkreise ohne Freigabe", new_page=True)
        doc.para("Diese Landkreise haben keine Werte für den Verbund freigegeben (Offenlegung „none“): "
                 + ", ".join(c["name"] for c in view["not_disclosed"]) + ".")
    if view.get("refused"):
        doc.heading("Nicht verwertete Landkreise", new_page=True)
        doc.para("Für diese Landkreise lag kein überprüfbares Offenlegungspaket vor; ihre Werte fehlen im Bericht.")
        doc.table(["Landkreis", "Grund"], [(c["name"], "; ".join(c["reasons"])) for c in view["refused"]], [0.3, 0.7])
    for note in view.get("notes", ()):
        doc.para(f"Hinweis: {note}", doc.styles.small)
    for section in custom.sections:
        doc.heading(section.title, new_page=True)
        for paragraph in section.paragraphs:
            doc.para(paragraph)
        if section.header:
            doc.table(section.header, section.rows, [1 / len(section.header)] * len(section.header))
    doc.space(1 * cm)
    doc.para("Freigabe", doc.styles.h2)
    doc.signature_block(custom.signature or [("Ort, Datum", ""), ("Vorsitz des Lenkungskreises", "")])
    return doc.render()
