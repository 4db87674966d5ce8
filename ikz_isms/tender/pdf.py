"""The two PDFs of a tender pack, built on the report package's page engine (fonts, marking, page numbers).

The Vergabeunterlagen go to bidders and therefore never show the estimated value; the
Vergabevermerk is internal and carries the estimate and the reasoning.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..present.de import county_title, date_de, money_de, quantity_de
from .estimate import PERIODS

if TYPE_CHECKING:
    import datetime as dt

    from ..report.pdf import ReportBuilder

PUBLIC_MARKING = "OFFEN – Vergabeunterlagen zur Bekanntmachung"
EVIDENCE = {"EEE": "Einheitliche Europäische Eigenerklärung (EEE/ESPD, §50 VgV)"}


def _builder(title: str, subject: str, marking: str, running: str, day: dt.date) -> "ReportBuilder":
    from ..report.pdf import builder_for_date

    # the PDF's creation time is the project's date, never the clock: same input, same bytes
    return builder_for_date(day, title=title, subject=subject, marking=marking, running_title=running)


def _yes(flag: Any) -> str:
    return "zugelassen" if flag else "nicht zugelassen"


def tender_documents(resolved: Mapping[str, Any], names: Mapping[str, str], day: dt.date) -> bytes:
    """Vergabeunterlagen (§29 VgV): invitation, conditions, specification, security annex, price sheet, terms."""
    data = resolved["vergabe"]
    lead = names.get(data["lead"], data["lead"])
    counties = [names.get(c, c) for c in data["counties"]]
    pdf = _builder(f"Vergabeunterlagen {data['title']}", "Vergabeunterlagen", PUBLIC_MARKING,
                   f"Vergabeunterlagen {data['name']}", day)
    s = pdf.styles
    pdf.para("Vergabeunterlagen", s.title)
    pdf.para(data["title"], s.subtitle)
    pdf.para(f"Gemeinsame Vergabe der Landkreise {', '.join(counties)} (§4 VgV); federführend: {county_title(lead)}.")
    pdf.para(f"Vergabenummer: {data['name']} · Vergaberecht: {resolved['verfahren']['regime']} · "
             f"Verfahrensart: {resolved['verfahren']['vorgeschlagen']}")
    pdf.space()
    pdf.toc()

    pdf.heading("1 Aufforderung zur Angebotsabgabe", new_page=True)
    pdf.para(f"Der {county_title(lead)} fordert Sie im Namen und im Auftrag der beteiligten Landkreise "
             f"{', '.join(counties)} auf, ein Angebot für „{data['title']}“ abzugeben.")
    deadline = resolved.get("angebotsfrist") or "wird mit der Bekanntmachung festgelegt"
    award = resolved["zuschlag"]
    rows = [
        ("Angebotsfrist", deadline),
        ("Form", "elektronisch in Textform über die Vergabeplattform des federführenden Landkreises"),
        ("Sprache", "Deutsch; Angebote, Nachweise und Schriftverkehr in deutscher Sprache"),
        ("Bindefrist", "90 Kalendertage nach Ablauf der Angebotsfrist"),
        ("Nebenangebote", _yes(award.get("variants"))),
    ]
    pdf.table(["Angabe", "Festlegung"], rows, [0.28, 0.72])
    pdf.heading("Mit dem Angebot einzureichen", 1)
    enclosures = ["Angebotsschreiben", "ausgefülltes Preisblatt (Teil 5)",
                  "Eigenerklärung zu Ausschlussgründen nach §§123, 124 GWB"]
    enclosures += [f"{e['criterion']} – {EVIDENCE.get(e['evidence'], e['evidence'])}" for e in resolved["eignung"]]
    enclosures += [f"Unterlagen zur Bewertung: {c['name']}" for c in award["criteria"] if c.get("sub")]
    for item in enclosures:
        pdf.para(f"• {item}")
    pdf.heading("Zuschlagskriterien und Gewichtung (§52 Abs. 2 VgV)", 1)
    pdf.table(["Kriterium", "Gewichtung", "Bewertung"],
              [(c["name"], f"{c['weight']} %", c.get("scoring", "")) for c in award["criteria"]], [0.45, 0.15, 0.40],
              right=(1,))

    pdf.heading("2 Bewerbungsbedingungen", new_page=True)
    pdf.heading("2.1 Eignung (§§42–48 VgV)", 1)
    pdf.para("Eigenerklärungen sind die Regel (§48 Abs. 2 VgV); die Einheitliche Europäische Eigenerklärung wird "
             "als vorläufiger Nachweis akzeptiert (§50 VgV). Weitere Nachweise fordert die Vergabestelle an.")
    pdf.table(["Bereich", "Kriterium", "Mindestanforderung", "Nachweis"],
              [(e["area"], e["criterion"], e.get("minimum", "–"), EVIDENCE.get(e["evidence"], e["evidence"]))
               for e in resolved["eignung"]], [0.2, 0.4, 0.2, 0.2])
    pdf.heading("2.2 Ausschlussgründe", 1)
    pdf.para("Unternehmen, bei denen ein zwingender Ausschlussgrund nach §123 GWB vorliegt, werden ausgeschlossen; "
             "fakultative Ausschlussgründe nach §124 GWB werden im Einzelfall geprüft (Selbstreinigung nach §125 GWB).")
    pdf.heading("2.3 Zuschlag", 1)
    pdf.para(f"Wertungsmethode: {award['method']}. {award.get('method_note', '')}".strip())
    pdf.table(["Kriterium", "Gewichtung", "Unterkriterien", "Bewertung"],
              [(c["name"], f"{c['weight']} %", "; ".join(c.get("sub", [])) or "–", c.get("scoring", ""))
               for c in award["criteria"]], [0.3, 0.12, 0.3, 0.28], right=(1,))
    pdf.para(f"Summe der Gewichte: {resolved['gewichtssumme']} %.")
    pdf.heading("2.4 Nebenangebote, Bietergemeinschaften, Unteraufträge", 1)
    pdf.table(["Regel", "Festlegung"], [
        ("Nebenangebote", _yes(award.get("variants"))),
        ("Bietergemeinschaften", _yes(award.get("consortia")) + " (gesamtschuldnerische Haftung, ein bevollmächtigtes Mitglied)"),
        ("Unteraufträge", _yes(award.get("subcontracting")) + " (Unterauftragnehmer sind im Angebot zu benennen)"),
    ], [0.3, 0.7])

    pdf.heading("3 Leistungsbeschreibung", new_page=True)
    for number, section in enumerate(resolved["leistungsbeschreibung"], start=1):
        pdf.heading(f"3.{number} {section['title']}", 1)
        pdf.para(section["text"])
    pdf.heading(f"3.{len(resolved['leistungsbeschreibung']) + 1} Abrufberechtigte und Laufzeit", 1)
    pdf.para("Abrufberechtigt sind ausschließlich die folgenden Landkreise (§21 Abs. 2 VgV); weitere Stellen "
             "können der Rahmenvereinbarung nicht beitreten: " + ", ".join(counties) + "."
             if resolved["rahmenvereinbarung"] else "Auftraggeber: " + ", ".join(counties) + ".")
    pdf.para(f"Grundlaufzeit {data['term_months']} Monate. Optionen: "
             + ("; ".join(o["label"] for o in resolved["optionen"]) or "keine") + ".")

    pdf.heading("4 Anlage Sicherheitsanforderungen", new_page=True)
    pin = resolved["katalog"]
    pdf.para(f"Die Leistung erfüllt die folgenden Anforderungen aus dem Katalog „{pin['title']}“, Version "
             f"{pin['version']} (SHA-256 {pin['sha256'][:16]}…). MUSS-Anforderungen sind Mindestanforderungen; "
             "ihre Nichterfüllung führt zum Ausschluss des Angebots.")
    pdf.table(["ID", "Titel", "Anforderung", "Stufe", "Hinweis"],
              [(r["id"], r["title"], r["statement"], r.get("level") or "–", r.get("note") or "")
               for r in resolved["sicherheitsanforderungen"]], [0.12, 0.2, 0.46, 0.07, 0.15])

    pdf.heading("5 Preisblatt", new_page=True)
    pdf.para("Alle Preise netto in Euro. Die Mengen sind Schätzungen der Auftraggeber für die Grundlaufzeit je "
             "Abrechnungszeitraum und begründen keine Abnahmepflicht.")
    price_rows = []
    for lot in resolved["lose"]:
        price_rows.append((lot["id"], lot["title"], lot["unit"], PERIODS[lot["price_period"]],
                           quantity_de(lot["menge_gesamt"]), "", ""))
    pdf.table(["Los", "Leistung", "Einheit", "Zeitraum", "Menge", "Einzelpreis (netto)", "Gesamtpreis (netto)"],
              price_rows, [0.15, 0.25, 0.1, 0.08, 0.1, 0.16, 0.16], right=(4,))
    pdf.heading("Mengen je Landkreis", 1)
    pdf.table(["Landkreis", *[lot["id"] for lot in resolved["lose"]]],
              [(names.get(c, c), *[quantity_de(lot["mengen"].get(c)) for lot in resolved["lose"]])
               for c in data["counties"]], [0.4] + [0.6 / len(resolved["lose"])] * len(resolved["lose"]),
              right=tuple(range(1, len(resolved["lose"]) + 1)))

    pdf.heading("6 Vertragsbedingungen", new_page=True)
    terms = resolved["vertragsbedingungen"]
    rows = [("Vertragstyp", terms["type"])]
    if terms.get("framework_terms"):
        rows.append(("Rahmenvereinbarung", terms["framework_terms"]))
    if terms.get("calloff"):
        rows.append(("Einzelabrufe", {"ein Unternehmen": "mit einem Unternehmen zu den Bedingungen der Rahmenvereinbarung "
                                      "(§21 Abs. 3 VgV)"}.get(terms["calloff"], terms["calloff"])))
    pdf.table(["Regel", "Festlegung"], rows, [0.3, 0.7])
    pdf.para("Es gelten die genannten Vertragsbedingungen in der bei Absendung der Bekanntmachung gültigen Fassung; "
             "Allgemeine Geschäftsbedingungen der Bieter sind ausgeschlossen.")
    for clause in terms.get("clauses", []):
        pdf.para(f"• {clause}")
    return pdf.render()


def procurement_record(resolved: Mapping[str, Any], names: Mapping[str, str], day: dt.date, marking: str) -> bytes:
    """Vergabevermerk (§8 VgV) skeleton: the estimate, its parts, the threshold verdict, the procedure."""
    data = resolved["vergabe"]
    estimate = resolved["schaetzung"]
    lead = names.get(data["lead"], data["lead"])
    pdf = _builder(f"Vergabevermerk {data['title']}", "Vergabevermerk", marking, f"Vergabevermerk {data['name']}", day)
    s = pdf.styles
    pdf.para("Vergabevermerk", s.title)
    pdf.para(f"{data['title']} – Vergabenummer {data['name']}", s.subtitle)
    pdf.para("Dokumentation nach §8 VgV bzw. §6 UVgO; aufzubewahren mindestens drei Jahre ab Zuschlag. "
             "Entwurf, erzeugt von ikz-isms: mit [ ] markierte Stellen ergänzt die Vergabestelle.", s.small)
    pdf.heading("1 Gegenstand und Beteiligte")
    pdf.table(["Angabe", "Inhalt"], [
        ("Gegenstand", data["title"]),
        ("Federführung", f"{county_title(lead)} (handelt im Namen aller Beteiligten, §4 VgV)"),
        ("Beteiligte und abrufberechtigte Landkreise", ", ".join(names.get(c, c) for c in data["counties"])),
        ("Vorlage", f"{resolved['vorlage']['id']} (SHA-256 {resolved['vorlage']['sha256'][:16]}…)"),
        ("Vertragstyp", resolved["vertragsbedingungen"]["type"]),
        ("Geplante Absendung der Bekanntmachung", date_de(data["notice_date"])),
    ], [0.35, 0.65])
    pdf.heading("2 Geschätzter Auftragswert (§3 VgV)")
    rows = []
    for part in estimate["parts"]:
        rows.append((names.get(part["county"], part["county"]), part["lot"], quantity_de(part["quantity"]),
                     part["source"], quantity_de(part["quantity_with_options"]),
                     f"{money_de(part['unit_price'])} / {PERIODS[part['price_period']]}",
                     str(part["months"]) if part["price_period"] != "once" else "–",
                     money_de(part["value"]) if part["value"] is not None else "fehlt"))
    pdf.table(["Landkreis", "Los", "Menge", "Herkunft", "inkl. Optionen", "Preis (Schätzung)", "Monate", "Wert (netto)"],
              rows, [0.15, 0.15, 0.07, 0.2, 0.09, 0.13, 0.07, 0.14], right=(2, 4, 6, 7))
    pdf.table(["Landkreis", "Summe (netto)"],
              [(names.get(k, k), money_de(v)) for k, v in estimate["by_county"].items()]
              + [("Gesamt", money_de(estimate["total"]))], [0.6, 0.4], right=(1,))
    if not estimate["complete"]:
        pdf.para("Die Schätzung ist unvollständig: " + "; ".join(estimate["missing"]) + ".")
    pdf.heading("3 Schwellenwert, Vergaberecht und Verfahrensart")
    for line in estimate["reasoning"]:
        pdf.para(line)
    pdf.table(["Verfahrensart", "Grundlage", "Ergebnis"],
              [(p["name"], p["basis"], text) for p, text in zip(estimate["procedures"], resolved["verfahren"]["texte"])],
              [0.35, 0.2, 0.45])
    for note in estimate["notes"]:
        pdf.para(note)
    pdf.heading("4 Gewählte Verfahrensart und Begründung", 1)
    pdf.para(f"Vorgeschlagen: {resolved['verfahren']['vorgeschlagen']} ({resolved['verfahren']['regime']}). "
             "[Begründung der Vergabestelle, insbesondere bei Verfahren, die nur mit Ausnahmegrund zulässig sind.]")
    pdf.heading("5 Losaufteilung (§97 Abs. 4 GWB)", 1)
    pdf.para("Lose: " + "; ".join(f"{lot['id']} – {lot['title']}" for lot in resolved["lose"]) +
             ". [Begründung, falls Lose zusammen vergeben werden.]")
    pdf.heading("6 Weitere Stationen des Verfahrens", 1)
    pdf.table(["Station", "Datum", "Vermerk"], [
        ("Absendung der Bekanntmachung", date_de(data["notice_date"]), "[ ]"),
        ("Ablauf der Angebotsfrist", resolved.get("angebotsfrist") or "[ ]", "[ ]"),
        ("Öffnung der Angebote", "[ ]", "[ ]"),
        ("Prüfung und Wertung", "[ ]", "[ ]"),
        ("Information nach §134 GWB", "[ ]", "[ ]"),
        ("Zuschlag", "[ ]", "[ ]"),
    ], [0.4, 0.2, 0.4])
    pdf.signature_block([("Vergabestelle, federführender Landkreis", lead), ("Vier-Augen-Prinzip", "")])
    return pdf.render()
