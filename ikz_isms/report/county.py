"""The county report (reference documents A.1–A.6 of BSI-Standard 200-2) and the plan alone."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reportlab.platypus import Table

from ..present.de import county_title, date_de, money_de, percent_de, plural_de
from ..present.vocab import DIMENSION_NAMES, DIMENSIONS, MEASURE_STATE_LABELS, STATUS_ORDER, provenance_de, status_label
from . import charts
from .model import CheckRow, Customisation, ReportDate, check_rows
from .pdf import CONTENT_WIDTH, STATUS_TINTS, CondPageBreak, ReportBuilder, cm, table_style
from .text import escape

if TYPE_CHECKING:
    from ..app.risks import RiskView
    from ..assess import Assessment
    from ..assess.plan import PlanView
    from ..assess.targets import DimensionNeed, ResolvedNeed, TargetObject
    from ..county import County
    from ..editions import Edition

STATE_TINT = {"umgesetzt": STATUS_TINTS["ja"], "verworfen": STATUS_TINTS["unbearbeitet"]}


@dataclass
class CountyContext:
    """Everything one county's PDF is made from."""

    assessment: Assessment
    figures: dict[str, Any]
    verbund: str
    author: str
    date: ReportDate
    customisation: Customisation
    plan: PlanView | None = None
    #: the data's state (latest check date or journal time), shown beside the report's date
    state: _dt.date | None = None
    #: the risk register as ``risk list`` shows it (A.5); ``None``: only the objects that need an analysis
    risks: RiskView | None = None

    @property
    def county(self) -> County:
        return self.assessment.data.county

    @property
    def edition(self) -> Edition:
        return self.assessment.edition

    def label(self, approach_id: str) -> str:
        return str(self.edition.approach(approach_id).label)


def _builder(ctx: CountyContext, title: str) -> ReportBuilder:
    profile = ctx.county.profile
    return ReportBuilder(
        title=f"{title} – {county_title(profile.name)}", subject=f"{title}, {ctx.verbund}", author=ctx.author,
        marking=profile.classification, running_title=f"{title} · {county_title(profile.name)}",
        date=ctx.date.date, epoch=ctx.date.epoch,
    )


def _cover(doc: ReportBuilder, ctx: CountyContext, title: str, subtitle: str, note: str = "") -> None:
    profile = ctx.county.profile
    custom = ctx.customisation
    head_left = [doc.cell(line, bold=index == 0) for index, line in enumerate(custom.letterhead)]
    logo = doc.image(custom.logo, 5 * cm, 2.5 * cm) if custom.logo else ""
    if head_left or logo:
        doc.add(Table([[head_left, logo]], colWidths=[CONTENT_WIDTH * 0.65, CONTENT_WIDTH * 0.35],
                      style=table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                                        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)])))
    doc.space(2.5 * cm)
    doc.para(title, doc.styles.title)
    doc.para(subtitle, doc.styles.subtitle)
    doc.para(county_title(profile.name), doc.styles.subtitle)
    doc.space(1 * cm)
    pin = ctx.assessment.pin
    catalog = ctx.assessment.catalog
    isb = ", ".join(v for v in (profile.isb.get("name"), profile.isb.get("email")) if v) or "–"
    rows = [
        ("Landkreis", f"{profile.name}" + (f" (AGS {profile.ags})" if profile.ags else "")),
        ("Verbund", ctx.verbund),
        ("Katalog", catalog.title),
        ("Katalog-Pin", f"{pin.name}, Version {pin.version or catalog.version}" if pin else catalog.version),
        ("SHA-256 des Katalogs", pin.sha256 if pin else "–"),
        ("Erstellt am", date_de(ctx.date.date)),
        ("Datenstand", date_de(ctx.state) if ctx.state else "keine datierten Einträge"),
        ("Verfasst von", ctx.author),
        ("Informationssicherheitsbeauftragte/r", isb),
        ("Einstufung", profile.classification),
    ]
    doc.table(["Angabe", "Wert"], rows, [0.32, 0.68])
    if note:
        doc.space(0.6 * cm)
        doc.para(note, doc.styles.small)


def _summary(doc: ReportBuilder, ctx: CountyContext) -> None:
    figures = ctx.figures
    approaches = figures["approaches"]
    doc.heading("Zusammenfassung", new_page=True)
    doc.para(
        f"{plural_de(figures['targets'], 'Zielobjekt', 'Zielobjekte')}, modelliert auf den Katalog {ctx.assessment.catalog.title}. "
        "Zählung je Paar aus Anforderung und Zielobjekt.")
    doc.table(
        ["Vorgehensweise", "anwendbar", *(status_label(s) for s in STATUS_ORDER), "Erfüllung"],
        [(a["label"], str(a["applicable"]), *(str(a["status"][s]) for s in STATUS_ORDER), percent_de(a["fulfilment"]))
         for a in approaches],
        [0.21, 0.12, 0.07, 0.11, 0.07, 0.12, 0.16, 0.14], right=range(1, 8),
    )
    doc.space()
    doc.add(charts.fulfilment_bars(
        "Erfüllungsgrad je Vorgehensweise", [a["label"] for a in approaches],
        [[a["fulfilment"] for a in approaches]], ["Erfüllung"]))
    doc.space()
    doc.add(charts.status_bars(
        "Statusverteilung je Vorgehensweise (Anteil der Prüfpunkte, Anzahl im Balken)",
        [a["label"] for a in approaches], [a["status"] for a in approaches], STATUS_ORDER))
    layer = ctx.edition.layer_label
    layers = figures["layers"]
    ids = [a["id"] for a in approaches]
    doc.add(charts.fulfilment_bars(
        f"Erfüllungsgrad je {layer}", [f"{row['id']} {row['title']}"[:34] for row in layers],
        [[row["approaches"][a]["fulfilment"] for row in layers] for a in ids],
        [ctx.label(a) for a in ids]))
    gaps = figures["basis_gaps"]
    requirement_count = len({g["requirement"] for g in gaps})
    heading = ctx.edition.basis_label
    doc.space()
    doc.para(
        f"Offene {heading}: "
        f"{plural_de(requirement_count, 'Anforderung', 'Anforderungen')} in "
        f"{plural_de(len(gaps), 'Prüfpunkt', 'Prüfpunkten')}. "
        "Ihr Risiko kann nicht akzeptiert werden." if gaps else f"Offene {heading}: keine.")
    invalid = figures.get("invalid_records") or []
    if invalid:
        doc.para(f"{plural_de(len(invalid), 'ungültiger Prüfeintrag', 'ungültige Prüfeinträge')} (z. B. "
                 f"„entbehrlich“ ohne Begründung) zählen nicht als erfüllt; sie sind in A.4 nicht enthalten "
                 "und mit ikz-isms check zu beheben.")
    view = ctx.plan
    if view is not None and view.measures:
        summary = view.totals()
        doc.para(
            f"Realisierungsplan: {plural_de(summary['count'], 'Maßnahme', 'Maßnahmen')}, geschätzte Kosten {money_de(summary['cost'])}, "
            f"davon überfällig zum {date_de(view.as_of)}: {summary['overdue']}.")
        if view.unplanned:
            doc.para(f"{plural_de(len(view.unplanned), 'Lücke', 'Lücken')} des Checks noch ohne Maßnahme im Plan.")


def _structure(doc: ReportBuilder, ctx: CountyContext) -> None:
    from ..assess.structure import network_plan
    from .netplan import drawable, network_drawing

    data = ctx.assessment.data
    doc.heading("A.1 Strukturanalyse", new_page=True)
    doc.para("Zielobjekte des Informationsverbunds und ihre Abhängigkeiten („hängt ab von“: läuft auf oder "
             "braucht das genannte Objekt). Die Art bestimmt die Modellierungsregel (A.3); gleichartige Objekte "
             "sind mit ihrer Anzahl gruppiert.")
    doc.table(
        ["ID", "Name", "Typ, Art", "Anzahl", "hängt ab von", "Beschreibung"],
        [(t.id + ("\nKronjuwel" if t.kronjuwel else ""), t.name,
          t.type + (f"\n{t.kind}" if t.kind else ""), str(t.count), ", ".join(t.depends_on) or "–",
          (t.description or "–") + ("\n(Startmodell, noch nicht angepasst)" if t.starter else ""))
         for t in data.targets],
        [0.11, 0.22, 0.16, 0.07, 0.17, 0.27], right=(3,),
    )
    plan = network_plan(data.targets, data.needs)
    if drawable(plan):
        drawing = network_drawing(plan)
        doc.add(CondPageBreak(drawing.height + 2 * cm))
        doc.heading("Netzplan", level=1)
        doc.add(drawing)
        doc.para("Rot umrandet: Kronjuwelen. Unter der Kennung: Bezeichnung; ×n: Anzahl gruppierter Objekte.",
                 doc.styles.small)
    starter = [t.id for t in data.targets if t.starter]
    if starter:
        doc.para(f"{plural_de(len(starter), 'Zielobjekt stammt', 'Zielobjekte stammen')} unverändert aus dem "
                 f"Startmodell von ikz-isms (ein Ausgangspunkt, kein Ergebnis): {', '.join(starter)}.",
                 doc.styles.small)


def _need_cell(dim: DimensionNeed) -> str:
    text = dim.result
    if dim.overridden:
        effect = {"kumulation": "Kumulationseffekt", "verteilung": "Verteilungseffekt"}.get(dim.effect, "übersteuert")
        return f"{text}\n({effect}; nach Maximumprinzip {dim.computed or dim.own})"
    if dim.inherited_from:
        return f"{text}\n(eigen: {dim.own}; geerbt von {', '.join(dim.inherited_from)})"
    return text


def _need_reasons(target: TargetObject, need: ResolvedNeed) -> str:
    lines = [f"{DIMENSION_NAMES[d]}: {need.dims[d].reason}" for d in DIMENSIONS if need.dims[d].reason]
    if need.override_reason:
        effect = {"kumulation": "Kumulationseffekt", "verteilung": "Verteilungseffekt"}.get(
            target.override_effect, "Übersteuerung")
        lines.append(f"{effect}: {need.override_reason}")
    return "\n".join(lines) or "–"


def _scale(doc: ReportBuilder, ctx: CountyContext) -> None:
    scale = ctx.assessment.data.decisions.scale
    doc.heading("Schutzbedarfskategorien", level=1)
    if not scale.defined:
        doc.para("Der Landkreis hat noch nicht festgelegt, was normal, hoch und sehr hoch für ihn bedeuten "
                 "(ikz-isms target scale).")
        return
    doc.para("Was die Kategorien für den Landkreis bedeuten, allgemein und je Schadensszenario.")
    levels = ("normal", "hoch", "sehr hoch")
    rows = []
    if scale.levels:
        rows.append(("allgemein", *(scale.levels.get(level, "–") for level in levels)))
    rows += [(name, *(defs.get(level, "–") for level in levels)) for name, defs in scale.scenarios]
    doc.table(["Schadensszenario", "normal", "hoch", "sehr hoch"], rows, [0.25, 0.25, 0.25, 0.25])


def _needs(doc: ReportBuilder, ctx: CountyContext) -> None:
    data = ctx.assessment.data
    doc.heading("A.2 Schutzbedarfsfeststellung", new_page=True)
    doc.para("Schutzbedarf je Grundwert (normal / hoch / sehr hoch), vererbt nach dem Maximumprinzip entlang "
             "der Abhängigkeiten; Kumulations- und Verteilungseffekte als begründete Entscheidungen; je Zielobjekt "
             "jede Begründung.")
    _scale(doc, ctx)
    doc.heading("Schutzbedarf der Zielobjekte", level=1)
    rows = []
    tints = []
    for index, target in enumerate(data.targets):
        need = data.needs[target.id]
        rows.append((f"{target.id}\n{target.name}", *(_need_cell(need.dims[d]) for d in DIMENSIONS),
                     _need_reasons(target, need)))
        for column, dim in enumerate(DIMENSIONS, start=1):
            level = need.dims[dim].result
            if level != "normal":
                tints.append((column, index, STATUS_TINTS["teilweise"] if level == "hoch" else STATUS_TINTS["nein"]))
    doc.table(["Zielobjekt", *(DIMENSION_NAMES[d] for d in DIMENSIONS), "Begründung"],
              rows, [0.2, 0.15, 0.15, 0.15, 0.35], tints=tints)


def _modelling(doc: ReportBuilder, ctx: CountyContext) -> None:
    from ..app.modelling import modelling_document

    doc.heading("A.3 Modellierung", new_page=True)
    edition = ctx.edition
    view = modelling_document(ctx.assessment)
    approach = view["approach"]
    doc.para(f"{edition.modelling_label} ({edition.title}) je Zielobjekt mit ihrer Begründung – eine "
             "Modellierungsregel des BSI oder eine Entscheidung des Landkreises – und die Zahl der anwendbaren "
             "Anforderungen je Vorgehensweise.")
    chosen = "gewählt" if approach["chosen"] else "nicht ausdrücklich gewählt; es gilt der Standard der Edition"
    doc.para(f"Vorgehensweise: {approach['label']} ({chosen})."
             + (f" Begründung: {approach['reason']}" if approach["reason"] else ""))
    core = approach.get("core")
    if core:
        jewels = ", ".join(approach["kronjuwelen"]) or "keine"
        doc.para(f"Kronjuwelen: {jewels}. Die {core['label']} umfasst die Kronjuwelen, alles, wovon sie abhängen, "
                 f"und den Informationsverbund: {', '.join(core['scope']) or 'kein Zielobjekt'}.")
    approaches = edition.approach_ids
    header = ["Zielobjekt", edition.modelling_label, "Begründung", *(edition.approach(a).short for a in approaches)]
    rows = []
    for target in view["targets"]:
        head = f"{target['id']}\n{target['name']}" + ("\nKronjuwel" if target["kronjuwel"] else "")
        counts = [str(target["applicable"][a]) for a in approaches]
        modules = target["modules"] or [None]
        for index, module in enumerate(modules):
            label = "–" if module is None else (
                module["id"] if module["title"] == "Zielobjektkategorie" else f"{module['id']} {module['title']}")
            rows.append((head if index == 0 else "", label, module["why"] if module else "nicht modelliert",
                         *(counts if index == 0 else [""] * len(approaches))))
    share = 0.24 / len(approaches)
    doc.table(header, rows, [0.19, 0.27, 0.30, *([share] * len(approaches))], right=range(3, 3 + len(approaches)))
    doc.heading("Nicht modelliert", level=1)
    if view["exclusions"]:
        doc.table(["ausgelassen", "Art", "Titel", "Begründung"],
                  [(e["ref"], e["kind"], e["title"] or "–", e["reason"]) for e in view["exclusions"]],
                  [0.14, 0.16, 0.28, 0.42])
    else:
        doc.para("Nichts ausdrücklich ausgelassen.")
    if view["left_out"]:
        doc.para(f"Offen – weder modelliert noch begründet ausgelassen ({len(view['left_out'])}):")
        for item in view["left_out"]:
            doc.para(item["message"], doc.styles.small)
    if view["parameters"]:
        doc.heading("Angepasste Parameter", level=1)
        rows = []
        for parameter in view["parameters"]:
            owner = next((r for r in ctx.assessment.tailored.values() if any(p.id == parameter["param"] for p in r.params)),
                         None)
            rows.append((parameter["param"], parameter["value"], parameter["reason"],
                         f"{owner.id}: {owner.statement}" if owner is not None else "–"))
        doc.table(["Parameter", "Wert des Landkreises", "Begründung", "Anforderungstext"], rows,
                  [0.16, 0.18, 0.28, 0.38])
    for problem in ctx.assessment.problems:
        doc.para(f"Hinweis zur Modellierung: {problem.message}", doc.styles.small)


def _check(doc: ReportBuilder, ctx: CountyContext) -> None:
    doc.heading("A.4 Ergebnis des IT-Grundschutz-Checks", new_page=True)
    doc.para("Je Zielobjekt und Anforderung: Status, Umsetzung (bei „entbehrlich“ mit Begründung), "
             "Verantwortliche, Prüfdatum und Herkunft (eigene Prüfung oder übernommene gemeinsame Prüfung). "
             + ("Stufe: B = Basis, S = Standard, H = erhöhter Schutzbedarf." if ctx.edition.levels[:1] == ("B",)
                else "Stufe: Modalverb und Schutzniveau des Grundschutz++-Katalogs."))
    rows_by_target = check_rows(ctx.assessment)
    data = ctx.assessment.data
    for target in data.targets:
        rows = rows_by_target.get(target.id) or []
        doc.heading(f"{target.id} – {target.name}", level=1)
        counts = {s: 0 for s in STATUS_ORDER}
        for row in rows:
            counts[row.status] += 1
        doc.para(f"{plural_de(len(rows), 'Anforderung', 'Anforderungen')}: " + ", ".join(f"{status_label(s)} {counts[s]}" for s in STATUS_ORDER),
                 doc.styles.small)
        if not rows:
            continue
        modules: dict[str, list[CheckRow]] = {}
        for row in rows:
            modules.setdefault(row.module, []).append(row)
        # one table per Baustein (Thema in G++): the structure auditors know, and short tables
        # keep page breaking linear in the number of rows
        for module, module_rows in modules.items():
            doc.add(CondPageBreak(4 * cm))
            doc.para(module, doc.styles.module)
            _check_table(doc, module_rows, set(ctx.assessment.tailored))


def _check_table(doc: ReportBuilder, rows: list[CheckRow], tailored: set[str] | None = None) -> None:
    table_rows = []
    tints = []
    for index, row in enumerate(rows):
        record = row.record
        statement = record.statement if record else ""
        if record and record.reason:
            statement = f"{statement}\nBegründung: {record.reason}" if statement else f"Begründung: {record.reason}"
        if record and record.evidence:
            statement = f"{statement}\nNachweis: {', '.join(record.evidence)}".lstrip("\n")
        origin = f"{date_de(record.checked)}\n{provenance_de(record.provenance)}" if record else "–"
        adapted = ""
        if tailored and row.requirement.id in tailored:
            adapted = f"<br/><i>Mit den Parametern des Landkreises:</i> {escape(row.requirement.statement)}"
        table_rows.append((
            doc.cell_markup(f"<b>{escape(row.requirement.id)}</b> {escape(row.requirement.title)}{adapted}"),
            row.level, status_label(row.status), statement or "–", (record.responsible if record else "") or "–", origin,
        ))
        tints.append((2, index, STATUS_TINTS[row.status]))
    doc.table(["Anforderung", "Stufe", "Status", "Umsetzung / Begründung", "Verantwortlich", "Geprüft, Herkunft"],
              table_rows, [0.24, 0.06, 0.12, 0.28, 0.15, 0.15], tints=tints)


def _risk(doc: ReportBuilder, ctx: CountyContext) -> None:
    if ctx.risks is not None:
        from .risks import risk_section

        risk_section(doc, ctx.risks)
        return
    data = ctx.assessment.data
    doc.heading("A.5 Risikoanalyse", new_page=True)
    elevated = [t for t in data.targets if data.needs[t.id].elevated]
    modelled = {p.target.id for p in ctx.assessment.pairs}
    unmodelled = [t for t in data.targets if t.id not in modelled]
    doc.para("Die Risikoanalyse nach BSI-Standard 200-3 ist nicht Teil dieses Berichts. Sie ist für die "
             "folgenden Zielobjekte erforderlich (erhöhter Schutzbedarf oder kein passender Baustein).")
    rows = [(t.id, t.name, "erhöhter Schutzbedarf: " + ", ".join(
        f"{DIMENSION_NAMES[d]} {data.needs[t.id].result(d)}" for d in DIMENSIONS if data.needs[t.id].result(d) != "normal"))
        for t in elevated]
    rows += [(t.id, t.name, "keine Anforderung modelliert") for t in unmodelled if t not in elevated]
    if rows:
        doc.table(["ID", "Zielobjekt", "Anlass"], rows, [0.12, 0.4, 0.48])
    else:
        doc.para("Keine.")


def plan_table(doc: ReportBuilder, view: PlanView) -> None:
    plan = view.measures
    today = view.as_of
    rows = []
    tints = []
    for index, measure in enumerate(plan):
        overdue = measure.is_overdue(today)
        deadline = date_de(measure.deadline) + ("\nüberfällig" if overdue else "")
        rows.append((
            measure.id,
            doc.cell_markup(f"<b>{escape(measure.title)}</b>"
                            + (f"<br/>{escape(measure.description)}" if measure.description else "")),
            f"{measure.requirement}\n{measure.target}", str(measure.priority), measure.responsible or "–",
            deadline, money_de(measure.cost), MEASURE_STATE_LABELS.get(measure.state, measure.state),
        ))
        if overdue:
            tints.append((5, index, STATUS_TINTS["nein"]))
        if measure.state in STATE_TINT:
            tints.append((7, index, STATE_TINT[measure.state]))
    summary = view.totals()
    rows.append(("", doc.cell_markup("<b>Summe</b>"), "", "", plural_de(summary['count'], "Maßnahme", "Maßnahmen"),
                 f"{summary['overdue']} überfällig", doc.cell_markup(f"<b>{escape(money_de(summary['cost']))}</b>"), ""))
    doc.table(["Nr.", "Maßnahme", "Anforderung, Zielobjekt", "Prio.", "Verantwortlich", "Frist", "Kosten", "Stand"],
              rows, [0.07, 0.25, 0.14, 0.06, 0.15, 0.11, 0.12, 0.10], right=(3, 6), tints=tints)


def _plan(doc: ReportBuilder, ctx: CountyContext, *, new_page: bool = True) -> None:
    view = ctx.plan
    assert view is not None, "A.6 needs the plan view (the report command always passes it)"
    doc.heading("A.6 Realisierungsplan", new_page=new_page)
    doc.para("Je Lücke (nein/teilweise) eine Maßnahme mit Zielobjekt, Verantwortlichen, Frist und geschätzten "
             "Kosten. Priorität 1 ist die höchste: Basis-Anforderungen zuerst, dann nach Schutzbedarf. "
             f"Überfällig: Frist vor dem {date_de(view.as_of)} und noch nicht umgesetzt.")
    if not view.exists:
        doc.para("Noch kein Realisierungsplan angelegt (ikz-isms plan update).")
    elif not view.measures:
        doc.para("Keine Maßnahmen im Plan.")
    else:
        plan_table(doc, view)
    if view.unplanned:
        doc.para(
            f"{plural_de(len(view.unplanned), 'Lücke', 'Lücken')} des IT-Grundschutz-Checks noch ohne Maßnahme: "
            + ", ".join(f"{r} auf {t} ({s})" for r, t, s in view.unplanned[:20])
            + (" …" if len(view.unplanned) > 20 else "") + " (ikz-isms plan update nimmt sie auf).",
            doc.styles.small)


def _extras(doc: ReportBuilder, ctx: CountyContext) -> None:
    for section in ctx.customisation.sections:
        doc.heading(section.title, new_page=True)
        for paragraph in section.paragraphs:
            doc.para(paragraph)
        if section.header:
            doc.table(section.header, section.rows, [1 / len(section.header)] * len(section.header))


def _signature(doc: ReportBuilder, ctx: CountyContext) -> None:
    pairs = ctx.customisation.signature or [
        ("Ort, Datum", ""),
        ("Informationssicherheitsbeauftragte/r", ctx.county.profile.isb.get("name", "")),
    ]
    doc.space(1 * cm)
    doc.para("Freigabe", doc.styles.h2)
    doc.signature_block(pairs)


def county_pdf(ctx: CountyContext) -> bytes:
    """The audit report of one county: cover, contents, summary, A.1–A.6, extras, signatures."""
    doc = _builder(ctx, "IT-Grundschutz-Prüfbericht")
    _cover(doc, ctx, "IT-Grundschutz-Prüfbericht",
           "Referenzdokumente nach BSI-Standard 200-2: Strukturanalyse, Schutzbedarf, Modellierung, "
           "IT-Grundschutz-Check und Realisierungsplan", f"{ctx.figures['rule']}.")
    doc.page_break()
    doc.para("Inhalt", doc.styles.h1)
    doc.toc()
    _summary(doc, ctx)
    _structure(doc, ctx)
    _needs(doc, ctx)
    _modelling(doc, ctx)
    _check(doc, ctx)
    _risk(doc, ctx)
    _plan(doc, ctx)
    _extras(doc, ctx)
    _signature(doc, ctx)
    return doc.render()


def plan_pdf(ctx: CountyContext) -> bytes:
    """The Realisierungsplan alone (A.6), with a short cover block and signatures."""
    doc = _builder(ctx, "Realisierungsplan")
    _cover(doc, ctx, "Realisierungsplan", "Referenzdokument A.6 nach BSI-Standard 200-2")
    _plan(doc, ctx)
    _extras(doc, ctx)
    _signature(doc, ctx)
    return doc.render()
