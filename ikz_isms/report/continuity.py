"""Emergency PDFs (BSI-Standard 200-4): a county's Notfallhandbuch and the Verbund's Notfallplan.

Both are built with the one engine (:mod:`.pdf`): DejaVu embedded, the classification
marking on every page, bytes that depend only on the data and the report date. The
handbook shows the county's own data in full (it is the county's document); the Verbund
plan shows of every member only what its disclosure policy lets out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..bcm.durations import duration_de
from ..bcm.verbund import MODES
from ..present.de import county_title, date_de, plural_de
from ..present.vocab import disclosure_label
from .model import ReportDate
from .pdf import STATUS_TINTS, CondPageBreak, ReportBuilder, cm

if TYPE_CHECKING:
    from ..app.emergency import ContinuityView
    from ..bcm.incidents import Incident

HANDBOOK = "Notfallhandbuch"
VERBUND_PLAN = "Notfallplan des Verbunds"


@dataclass
class HandbookContext:
    """Everything one county's handbook is made from."""

    view: "ContinuityView"
    incidents: Sequence["Incident"]
    verbund: str
    members: Mapping[str, str]
    author: str
    date: ReportDate
    interval_months: int = 12


def _name(members: Mapping[str, str], key: str) -> str:
    return members.get(key, key)


def _cover(doc: ReportBuilder, title: str, subtitle: str, rows: Sequence[tuple[str, str]]) -> None:
    doc.space(2.5 * cm)
    doc.para(title, doc.styles.title)
    doc.para(subtitle, doc.styles.subtitle)
    doc.space(1 * cm)
    doc.table(["Angabe", "Wert"], rows, [0.32, 0.68])
    doc.page_break()
    doc.para("Inhalt", doc.styles.h1)
    doc.toc()


def _alarm(doc: ReportBuilder, ctx: HandbookContext) -> None:
    plan = ctx.view.plan
    doc.heading("1 Alarmierung und Eskalation", new_page=True)
    doc.para("Wer im Notfall wen alarmiert und wer entscheidet. Bei Verdacht auf einen Notfall gilt: melden, nicht "
             "abwarten. Die Eskalationsstufen sagen, ab wann ein Ereignis ein Notfall oder eine Krise ist.")
    doc.heading("Alarmierungsplan", level=1)
    if plan.contacts:
        doc.table(["Rolle", "Name", "Telefon", "E-Mail", "Vertretung", "Erreichbarkeit"],
                  [(c.role, c.name or "–", c.phone or "–", c.email or "–", c.deputy or "–", c.reachable or "–")
                   for c in plan.contacts], [0.2, 0.17, 0.17, 0.2, 0.14, 0.12])
    else:
        doc.para("Noch keine Rollen und Kontakte (ikz-isms emergency contact ROLLE …).")
    doc.heading("Eskalationsstufen", level=1)
    if plan.escalation:
        doc.table(["Stufe", "Kriterium", "informieren", "binnen", "entscheidet"],
                  [(e.level, e.criterion or "–", ", ".join(e.inform) or "–", duration_de(e.within), e.decides or "–")
                   for e in plan.escalation], [0.12, 0.36, 0.24, 0.12, 0.16])
    else:
        doc.para("Noch keine Eskalationsstufen festgelegt (notfall.yaml, alarm.escalation).")


def _bia(doc: ReportBuilder, ctx: HandbookContext) -> None:
    view = ctx.view
    doc.heading("2 Business-Impact-Analyse", new_page=True)
    doc.para("Je Geschäftsprozess: Kritikalität, maximal tolerierbare Ausfallzeit (MTA), Wiederanlaufzeit bis zum "
             "Notbetrieb (RTO), maximal tolerierbarer Datenverlust (RPO), Notbetriebsniveau und die IT, von der er "
             "abhängt (aus der Strukturanalyse). Kritisch sind die Prozesse der Klassen hoch und sehr hoch.")
    if not view.plan.bia:
        doc.para("Noch keine Business-Impact-Analyse (ikz-isms bia set PROZESS …).")
        return
    rows: list[tuple[Any, ...]] = []
    tints = []
    for index, entry in enumerate(view.plan.bia):
        target = view.target(entry.process)
        rows.append((f"{entry.process}\n{target.name if target else ''}".strip(), entry.criticality,
                     duration_de(entry.mtpd), duration_de(entry.rto), duration_de(entry.rpo),
                     f"{entry.emergency_level} %" if entry.emergency_level is not None else "–",
                     ", ".join(view.dependencies(entry.process)) or "–",
                     entry.workaround or "–"))
        if entry.critical:
            tints.append((1, index, STATUS_TINTS["teilweise"] if entry.criticality == "hoch" else STATUS_TINTS["nein"]))
    doc.table(["Geschäftsprozess", "Kritikalität", "MTA", "RTO", "RPO", "Notbetrieb", "hängt ab von", "Notbetrieb: so"],
              rows, [0.16, 0.1, 0.08, 0.08, 0.08, 0.09, 0.19, 0.22], tints=tints)


def _recovery(doc: ReportBuilder, ctx: HandbookContext) -> None:
    view = ctx.view
    doc.heading("3 Wiederanlaufpläne", new_page=True)
    doc.para("Die Systeme erben die Wiederanlaufziele der Geschäftsprozesse, die von ihnen abhängen, nach dem "
             "Maximumprinzip: das strengste Ziel gilt. Der realistische Wiederanlauf folgt aus den "
             "Wiederherstellungstests; ein System läuft erst nach dem an, wovon es abhängt.")
    plans = view.plan.plans()
    rows: list[tuple[Any, ...]] = []
    tints = []
    for target in view.targets:
        need = view.inherited.get(target.id)
        if need is None or target.type == "Geschäftsprozess":
            continue
        plan = plans.get(target.id)
        real = view.realistic.get(target.id)
        index = len(rows)
        rows.append((f"{target.id}\n{target.name}", duration_de(need.rto), duration_de(need.rpo),
                     ", ".join(need.processes), duration_de(real) if real is not None else "–",
                     duration_de(plan.backup_interval) if plan else "–", date_de(plan.tested) if plan else "–"))
        kinds = {g.kind for g in view.gaps if g.target == target.id}
        if "rto" in kinds or "missing" in kinds:
            tints.append((4, index, STATUS_TINTS["nein"]))
        if "rpo" in kinds:
            tints.append((5, index, STATUS_TINTS["nein"]))
    doc.heading("Geerbte Wiederanlaufziele", level=1)
    if rows:
        doc.table(["System", "RTO", "RPO", "geerbt von", "Wiederanlauf realistisch", "Sicherung alle", "letzter Test"],
                  rows, [0.24, 0.09, 0.09, 0.18, 0.14, 0.12, 0.14], tints=tints)
    else:
        doc.para("Keine: noch keine Business-Impact-Analyse.")
    doc.heading("Lückenliste", level=1)
    if view.gaps:
        doc.para(f"{plural_de(len(view.gaps), 'Lücke', 'Lücken')}: hier schafft der realistische Wiederanlauf das "
                 "geerbte Ziel nicht (oder er ist nicht belegt).")
        for gap in view.gaps:
            doc.para(f"• {gap.message}")
    else:
        doc.para("Keine Lücken: jeder Wiederanlauf schafft sein geerbtes Ziel.")
    for plan in view.plan.recovery:
        system = view.target(plan.target)
        doc.add(CondPageBreak(5 * cm))
        doc.heading(f"Wiederanlaufplan {plan.target}" + (f" – {system.name}" if system else ""), level=1)
        doc.pairs([
            ("Wiederherstellung", duration_de(plan.restore)),
            ("Datensicherung alle", duration_de(plan.backup_interval)),
            ("Getrennte Sicherungskopie (offline)", {True: "ja", False: "nein", None: "–"}[plan.offline_copy]),
            ("Letzter Wiederherstellungstest", date_de(plan.tested)),
            ("Verantwortlich", plan.responsible or "–"),
        ])
        if plan.steps:
            doc.para("Schritte:", doc.styles.module)
            for number, step in enumerate(plan.steps, start=1):
                doc.para(f"{number}. {step}")
        if plan.note:
            doc.para(plan.note, doc.styles.small)


def _mutual_aid(doc: ReportBuilder, ctx: HandbookContext) -> None:
    view = ctx.view
    key = view.county.key
    doc.heading("4 Hilfe im Verbund", new_page=True)
    doc.para(f"Wer übernimmt, wenn {county_title(view.county.profile.name)} ausfällt – und wo der Landkreis "
             "selbst für andere einspringt. Grundlage sind die Vereinbarungen zur gegenseitigen Hilfe des Verbunds.")
    doc.heading("Ausweichlösungen der kritischen Geschäftsprozesse", level=1)
    if view.fallbacks:
        rows: list[tuple[Any, ...]] = []
        tints = []
        for index, fallback in enumerate(view.fallbacks):
            options = "\n".join(f"{_name(ctx.members, s.provider)} {MODES.get(s.mode, s.mode)} ({agreement})"
                                for agreement, s in fallback.options) or "keine Ausweichlösung im Verbund"
            rows.append((fallback.process, fallback.service or "–", fallback.criticality, options,
                         fallback.workaround or "–"))
            if not fallback.covered:
                tints.append((3, index, STATUS_TINTS["nein"]))
        doc.table(["Prozess", "Leistung", "Kritikalität", "Ausweichlösung", "eigener Notbetrieb"], rows,
                  [0.14, 0.16, 0.11, 0.3, 0.29], tints=tints)
    else:
        doc.para("Keine kritischen Geschäftsprozesse in der BIA.")
    provided = [(a, s) for a in view.agreements for s in a.services if s.provider == key]
    if provided:
        doc.heading("Was der Landkreis für andere übernimmt", level=1)
        doc.table(["Vereinbarung", "Leistung", "für", "Art", "Umfang"],
                  [(a.id, s.name or s.service, ", ".join(_name(ctx.members, r) for r in s.recipients), s.mode,
                    s.capacity or "–") for a, s in provided], [0.16, 0.24, 0.26, 0.12, 0.22])
    for agreement in view.agreements:
        doc.add(CondPageBreak(5 * cm))
        doc.heading(f"Vereinbarung {agreement.id}: {agreement.title}", level=1)
        doc.pairs([
            ("Vertragspartner", ", ".join(_name(ctx.members, p) for p in agreement.parties)),
            ("Unterzeichnet", date_de(agreement.signed)),
            ("Gültig bis", date_de(agreement.valid_until) if agreement.valid_until else "unbefristet"),
            ("Aktivierung", agreement.activation or "–"),
            ("Bedingungen", agreement.conditions or "–"),
            ("Kosten", agreement.costs or "–"),
        ])
        if agreement.contacts:
            doc.table(["Landkreis", "Rolle", "Name", "Telefon", "E-Mail"],
                      [(_name(ctx.members, c.county), c.role, c.name or "–", c.phone or "–", c.email or "–")
                       for c in agreement.contacts], [0.18, 0.22, 0.2, 0.18, 0.22])


def _exercises(doc: ReportBuilder, ctx: HandbookContext) -> None:
    from ..bcm.verbund import add_months, last_exercised

    view = ctx.view
    doc.heading("5 Übungen", new_page=True)
    last = last_exercised(view.exercises, county=view.county.key, today=view.as_of)
    due = add_months(last, ctx.interval_months) if last else None
    doc.para(f"Gemeinsame Übungen, an denen der Landkreis teilgenommen hat oder teilnehmen wird. Letzte Übung: "
             f"{date_de(last)}; nächste fällig bis {date_de(due)} (mindestens alle {ctx.interval_months} Monate)."
             + (" Überfällig." if due is not None and due < view.as_of else ""))
    if view.exercises:
        doc.table(["Übung", "Art", "Datum", "Titel", "Stand, Ergebnis", "Erkenntnisse"],
                  [(e.id, e.type_label, date_de(e.date), e.title, e.status + (f"\n{e.result}" if e.result else ""),
                    "\n".join(e.lessons) or "–") for e in sorted(view.exercises, key=lambda e: (e.date, e.id))],
                  [0.12, 0.13, 0.1, 0.22, 0.13, 0.3])
    else:
        doc.para("Noch keine Übung.")


def _incidents(doc: ReportBuilder, ctx: HandbookContext) -> None:
    doc.heading("6 Sicherheitsvorfälle", new_page=True)
    doc.para("Die Sicherheitsvorfälle des Landkreises mit Meldungen und Folgemaßnahmen (diese stehen im "
             "Realisierungsplan).")
    if not ctx.incidents:
        doc.para("Keine Sicherheitsvorfälle erfasst.")
        return
    doc.table(["Vorfall", "Datum", "Kategorie, Schwere", "betroffen", "gemeldet", "Erkenntnisse", "Folgemaßnahmen"],
              [(f"{i.id}\n{i.title}", date_de(i.date), f"{i.category_label}\n{i.severity}", ", ".join(i.affected) or "–",
                "\n".join(f"{r.to} ({date_de(r.on)})" for r in i.reported) or "–", "\n".join(i.lessons) or "–",
                ", ".join(i.followups) or "–") for i in ctx.incidents],
              [0.2, 0.09, 0.13, 0.13, 0.15, 0.2, 0.1])


def handbook_pdf(ctx: HandbookContext) -> bytes:
    """The county's emergency handbook: alarm plan, BIA, recovery plans, mutual aid, exercises, incidents."""
    county = ctx.view.county
    profile = county.profile
    doc = ReportBuilder(title=f"{HANDBOOK} – {county_title(profile.name)}", subject=f"{HANDBOOK}, {ctx.verbund}",
                        author=ctx.author, marking=profile.classification,
                        running_title=f"{HANDBOOK} · {county_title(profile.name)}", date=ctx.date.date,
                        epoch=ctx.date.epoch)
    plan = ctx.view.plan
    _cover(doc, HANDBOOK, f"Notfallvorsorge nach BSI-Standard 200-4 – {county_title(profile.name)}", [
        ("Landkreis", profile.name + (f" (AGS {profile.ags})" if profile.ags else "")),
        ("Verbund", ctx.verbund),
        ("Stand der Notfallvorsorge", date_de(plan.updated) if plan.updated else "–"),
        ("Freigegeben von", plan.approved_by or "–"),
        ("Erstellt am", date_de(ctx.date.date)),
        ("Verfasst von", ctx.author),
        ("Einstufung", profile.classification),
    ])
    _alarm(doc, ctx)
    _bia(doc, ctx)
    _recovery(doc, ctx)
    _mutual_aid(doc, ctx)
    _exercises(doc, ctx)
    _incidents(doc, ctx)
    doc.space(1 * cm)
    doc.para("Freigabe", doc.styles.h2)
    doc.signature_block([("Ort, Datum", ""), ("Behördenleitung", plan.approved_by),
                         ("Notfallbeauftragte/r", ""), ("Informationssicherheitsbeauftragte/r", profile.isb.get("name", ""))])
    return doc.render()


# -- the Verbund's plan -------------------------------------------------------------------------------------------


def _counts(values: Mapping[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in values.items() if v) or "keine"


def verbund_plan_pdf(view: Mapping[str, Any], *, author: str, marking: str, date: ReportDate) -> bytes:
    """The Verbund's emergency plan: fallbacks per critical process, who has none, agreements, exercises,
    risks and incidents per member — each member only as far as its disclosure allows."""
    names = {m["county"]: m["name"] for m in view["members"]}
    doc = ReportBuilder(title=f"{VERBUND_PLAN} – {view['verbund']}", subject=VERBUND_PLAN, author=author,
                        marking=marking, running_title=f"{VERBUND_PLAN} · {view['verbund']}", date=date.date,
                        epoch=date.epoch)
    _cover(doc, VERBUND_PLAN, "Gemeinsame Notfallplanung nach BSI-Standard 200-4", [
        ("Verbund", view["verbund"]),
        ("Mitglieder", ", ".join(m["name"] for m in view["members"])),
        ("Stichtag", date_de(view["as_of"])),
        ("Übungen mindestens alle", f"{view['interval_months']} Monate"),
        ("Erstellt am", date_de(date.date)),
        ("Verfasst von", author),
        ("Einstufung", marking),
    ])
    doc.heading("1 Kritische Geschäftsprozesse und Ausweichlösungen", new_page=True)
    doc.para("Für jeden kritischen Geschäftsprozess: welcher Landkreis ihn im Notfall übernimmt oder unterstützt. "
             "Einzelne Prozesse nennen nur Landkreise mit Offenlegung „full“; die anderen erscheinen mit Zahlen.")
    rows: list[tuple[Any, ...]] = []
    tints = []
    for member in view["members"]:
        figures = member["figures"]
        if figures is None:
            rows.append((member["name"], disclosure_label(member["policy"]) if member["policy"] else "–", "–", "–",
                         member["withheld"] or "–"))
            continue
        continuity = figures["continuity"]
        index = len(rows)
        rows.append((member["name"], disclosure_label(member["policy"]), str(continuity["critical"]),
                     str(continuity["with_fallback"]),
                     f"{continuity['without_fallback']} ohne Ausweichlösung" if continuity["without_fallback"] else "alle abgesichert"))
        if continuity["without_fallback"]:
            tints.append((4, index, STATUS_TINTS["nein"]))
    doc.table(["Landkreis", "Offenlegung", "kritische Prozesse", "mit Ausweichlösung", "Bewertung"], rows,
              [0.24, 0.18, 0.16, 0.16, 0.26], right=(2, 3), tints=tints)
    if view["critical_processes"]:
        doc.heading("Prozesse im Einzelnen", level=1)
        rows = []
        tints = []
        for index, entry in enumerate(view["critical_processes"]):
            options = "\n".join(f"{o['provider_name']} {o['mode_label']} ({o['agreement']})" for o in entry["fallback"])
            rows.append((entry["name"], entry["process"], entry["service"] or "–", entry["criticality"],
                         duration_de(entry["rto_hours"]), options or "keine"))
            if not entry["fallback"]:
                tints.append((5, index, STATUS_TINTS["nein"]))
        doc.table(["Landkreis", "Prozess", "Leistung", "Kritikalität", "RTO", "Ausweichlösung"], rows,
                  [0.18, 0.12, 0.17, 0.12, 0.1, 0.31], tints=tints)
    doc.heading("2 Landkreise ohne Ausweichlösung", new_page=True)
    if view["without_fallback"]:
        doc.para("Diese Landkreise hätten für kritische Geschäftsprozesse keine Ausweichlösung im Verbund, wenn ihre "
                 "eigene IT ausfällt:")
        for row in view["without_fallback"]:
            which = f" ({', '.join(row['processes'])})" if row.get("processes") else ""
            doc.para(f"• {row['name']}: {row['count']} von {row['critical']} kritischen Prozessen{which}")
    else:
        doc.para("Keiner: jeder offengelegte kritische Geschäftsprozess hat eine Ausweichlösung im Verbund.")
    if view["withheld"]:
        doc.para("Ohne Angaben (Offenlegung oder Paket): " + "; ".join(f"{w['name']} – {w['reason']}"
                                                                        for w in view["withheld"]) + ".",
                 doc.styles.small)
    doc.heading("3 Vereinbarungen zur gegenseitigen Hilfe", new_page=True)
    if not view["agreements"]:
        doc.para("Noch keine Vereinbarungen (catalogs/notfall/vereinbarungen.yaml).")
    for agreement in view["agreements"]:
        doc.add(CondPageBreak(6 * cm))
        doc.heading(f"{agreement['id']}: {agreement['title']}", level=1)
        doc.pairs([
            ("Vertragspartner", ", ".join(names.get(p, p) for p in agreement["parties"])),
            ("Unterzeichnet", date_de(agreement["signed"])),
            ("Gültig bis", (date_de(agreement["valid_until"]) if agreement["valid_until"] else "unbefristet")
             + ("" if agreement["valid"] else " – nicht gültig")),
            ("Aktivierung", agreement["activation"] or "–"),
            ("Bedingungen", agreement["conditions"] or "–"),
        ])
        doc.table(["Leistung", "erbringt", "für", "Art", "Umfang", "höchstens"],
                  [(s["name"] or s["service"], names.get(s["provider"], s["provider"]),
                    ", ".join(names.get(r, r) for r in s["recipients"]), s["mode"], s["capacity"] or "–",
                    s["max_duration"] or "–") for s in agreement["services"]],
                  [0.22, 0.15, 0.22, 0.11, 0.18, 0.12])
        if agreement["contacts"]:
            doc.table(["Landkreis", "Rolle", "Name", "Telefon", "E-Mail"],
                      [(names.get(c["county"], c["county"]), c["role"], c["name"] or "–", c["phone"] or "–",
                        c["email"] or "–") for c in agreement["contacts"]], [0.18, 0.22, 0.2, 0.18, 0.22])
    doc.heading("4 Gemeinsame Übungen", new_page=True)
    doc.para(f"Übungsarten nach BSI-Standard 200-4; jedes Mitglied und jede Vereinbarung übt mindestens alle "
             f"{view['interval_months']} Monate.")
    if view["exercises"]:
        rows = []
        tints = []
        for index, exercise in enumerate(view["exercises"]):
            rows.append((exercise["id"], exercise["type_label"], date_de(exercise["date"]), exercise["title"],
                         ", ".join(names.get(p, p) for p in exercise["participants"]),
                         exercise["status"] + (f"\n{exercise['result_label']}" if exercise["result_label"] else "")
                         + ("\nüberfällig" if exercise["overdue"] else "")))
            if exercise["overdue"]:
                tints.append((5, index, STATUS_TINTS["nein"]))
        doc.table(["Übung", "Art", "Datum", "Titel", "Teilnehmer", "Stand, Ergebnis"], rows,
                  [0.12, 0.13, 0.1, 0.27, 0.24, 0.14], tints=tints)
        lessons = [(e["id"], lesson) for e in view["exercises"] for lesson in e["lessons"]]
        if lessons:
            doc.heading("Erkenntnisse", level=1)
            doc.table(["Übung", "Erkenntnis"], lessons, [0.15, 0.85])
        followups = [(e["id"], f) for e in view["exercises"] for f in e["followups"]]
        if followups:
            doc.heading("Folgemaßnahmen", level=1)
            rows = []
            tints = []
            for index, (exercise_id, followup) in enumerate(followups):
                rows.append((exercise_id, followup["text"], names.get(followup["county"] or "", followup["county"] or "–"),
                             followup["responsible"] or "–",
                             date_de(followup["deadline"]) + ("\nüberfällig" if followup["overdue"] else ""),
                             followup["state"]))
                if followup["overdue"]:
                    tints.append((4, index, STATUS_TINTS["nein"]))
            doc.table(["Übung", "Maßnahme", "Landkreis", "Verantwortlich", "Frist", "Stand"], rows,
                      [0.12, 0.36, 0.15, 0.15, 0.12, 0.1], tints=tints)
    else:
        doc.para("Noch keine Übungen (catalogs/notfall/uebungen.yaml).")
    doc.heading("Überfällig", level=1)
    if view["overdue"]:
        for item in view["overdue"]:
            doc.para(f"• {item['message']}")
    else:
        doc.para("Nichts überfällig.")
    doc.heading("5 Risiken im Verbund", new_page=True)
    doc.para(f"Risikokategorien je Landkreis vor und nach der Behandlung (Risikomatrix: {view['matrix']['source']}), so "
             "weit die Offenlegung es erlaubt.")
    rows = []
    for member in view["members"]:
        figures = member["figures"]
        if figures is None:
            rows.append((member["name"], "–", "–", "–", "–", member["withheld"] or "–"))
            continue
        risks = figures["risks"]
        rows.append((member["name"], str(risks["count"]), _counts(risks["before"]), _counts(risks["after"]),
                     str(risks["accepted"]),
                     f"{risks['untreated']} unbehandelt; {risks['acceptance_expired']} Akzeptanz abgelaufen; "
                     f"{risks['basis_gap_risks']} aus Basis-Lücken"))
    doc.table(["Landkreis", "Risiken", "vor der Behandlung", "nach der Behandlung", "akzeptiert", "offen"], rows,
              [0.18, 0.08, 0.2, 0.2, 0.1, 0.24], right=(1, 4))
    doc.heading("6 Sicherheitsvorfälle im Verbund", new_page=True)
    doc.para("Zahl der Sicherheitsvorfälle je Landkreis, so weit die Offenlegung es erlaubt.")
    rows = []
    for member in view["members"]:
        figures = member["figures"]
        if figures is None:
            rows.append((member["name"], "–", "–", "–", member["withheld"] or "–"))
            continue
        incidents = figures["incidents"]
        longest = incidents.get("longest_downtime_days")
        rows.append((member["name"], str(incidents["count"]), _counts(incidents["by_year"]),
                     _counts(incidents["by_severity"]),
                     f"längster Ausfall {longest} Tage" if longest else "–"))
    doc.table(["Landkreis", "Vorfälle", "je Jahr", "je Schwere", "Bemerkung"], rows, [0.22, 0.1, 0.24, 0.24, 0.2],
              right=(1,))
    for note in view.get("notes") or []:
        doc.para(note, doc.styles.small)
    doc.space(1 * cm)
    doc.para("Freigabe", doc.styles.h2)
    doc.signature_block([("Ort, Datum", ""), ("Lenkungskreis", "")])
    return doc.render()
