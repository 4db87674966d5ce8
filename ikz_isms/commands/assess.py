"""Built-in plugin: ``ikz-isms assess`` — the IT-Grundschutz-Check of each county (Soll-Ist)."""

from __future__ import annotations

import os
from typing import Any

import click

from ..errors import ExitCode, InputError, NotFoundError, UsageError
from ..hookspecs import hookimpl
from ..output import emit_json, format_option, percent_de, plural_de, print_table

STATUS_ORDER = ("ja", "teilweise", "nein", "entbehrlich", "unbearbeitet")


def _select_counties(app: Any, county: str | None) -> list[Any]:
    from ..county import load_counties

    counties = load_counties(app.pm, app.workspace)
    members = [counties[k] for k in app.workspace.members if k in counties]
    if county is None:
        missing = [k for k in app.workspace.members if k not in counties]
        for key in missing:
            click.echo(f"Warnung: Landkreis '{key}' ist Mitglied, aber kein Plugin liefert ihn.", err=True)
        return members
    if county not in counties:
        known = ", ".join(counties) or "keine"
        raise NotFoundError(f"Landkreis '{county}' ist nicht registriert (bekannt: {known}).")
    return [counties[county]]


def _one_county(app: Any, county: str | None) -> Any:
    if county is None:
        selected = _select_counties(app, None)
        if len(selected) != 1:
            keys = ", ".join(c.key for c in selected)
            raise UsageError(f"Bitte den Landkreis mit --county angeben ({keys}).")
        return selected[0]
    return _select_counties(app, county)[0]


def _assessment(app: Any, county: Any, cache: dict[str, Any]) -> Any:
    from ..assess import assess_county, county_catalog, load_county_data

    data = load_county_data(county)
    pin, catalog = county_catalog(app.workspace, app.pm, county, cache)
    return assess_county(data, catalog, pin)


def county_report(assessment: Any, approach: str | None) -> dict[str, Any]:
    """The JSON document of one county's check (also the base of the text output)."""
    from ..assess.modelling import approaches_for
    from ..assess.summary import summarize

    if approach and approach not in approaches_for(assessment.catalog):
        raise UsageError(
            f"Vorgehensweise '{approach}' passt nicht zum Katalog "
            f"(möglich: {', '.join(approaches_for(assessment.catalog))})."
        )
    county = assessment.data.county
    summary = summarize(assessment.catalog, assessment.pairs, assessment.data.records)
    if approach:
        summary["approaches"] = [a for a in summary["approaches"] if a["id"] == approach]
        for row in summary["layers"] + summary["groups"]:
            row["approaches"] = {approach: row["approaches"][approach]}
    pin = assessment.pin
    return {
        "county": county.key,
        "name": county.profile.name,
        "ags": county.profile.ags,
        "classification": county.profile.classification,
        "catalog": {
            "name": pin.name if pin else None,
            "title": assessment.catalog.title,
            "version": pin.version if pin else assessment.catalog.version,
            "sha256": pin.sha256 if pin else None,
        },
        "targets": len(assessment.data.targets),
        "modelling_problems": [
            {"rule": p.rule, "target": p.target, "baustein": p.baustein, "message": p.message, "line": p.line}
            for p in assessment.problems
        ],
        **summary,
    }


def _stale_inherited(workspace: Any, data: Any, reviews: dict[str, Any]) -> list[dict[str, Any]]:
    """Inherited records to check again; ``reviews`` caches the workspace's reviews across counties."""
    from ..assess.reviews import inherited_from, load_reviews, stale_inherited

    if not any(inherited_from(record) for record in data.records):
        return []
    if not reviews:
        try:
            reviews.update(load_reviews(workspace))
        except InputError as exc:
            # a broken review file is check's business; the Soll-Ist itself is still worth showing
            click.echo(f"Warnung: Bewertungen nicht lesbar, geerbte Einträge nicht geprüft: {exc} "
                       "(Details: ikz-isms check).", err=True)
            return []
    return [
        {"target": s.target, "requirement": s.requirement, "review": s.review, "reason": s.reason,
         "valid_until": reviews[s.review].valid_until.isoformat() if s.review in reviews else None,
         "superseded_by": s.by, "message": s.message}
        for s in stale_inherited(workspace, data, reviews=reviews)
    ]


def _stale_reason(entry: dict[str, Any]) -> str:
    if entry["reason"] == "superseded":
        return f"ersetzt durch {entry['superseded_by']}"
    if entry["reason"] == "expired":
        return f"abgelaufen am {entry['valid_until']}"
    return "Bewertung fehlt"


def _print_county(report: dict[str, Any], by_group: bool = False) -> None:
    click.echo("")
    ags = f", AGS {report['ags']}" if report["ags"] else ""
    click.echo(f"Landkreis {report['name']}{ags} – {report['classification']}")
    catalog = report["catalog"]
    click.echo(f"Katalog: {catalog['name']} {catalog['title']} ({catalog['version']}), "
               f"{plural_de(report['targets'], 'Zielobjekt', 'Zielobjekte')}")
    print_table(
        ["Vorgehensweise", "anwendbar", *STATUS_ORDER, "Erfüllung"],
        [
            (a["label"], a["applicable"], *(a["status"][s] for s in STATUS_ORDER), percent_de(a["fulfilment"]))
            for a in report["approaches"]
        ],
        title="Erfüllung je Vorgehensweise",
        right_align=range(1, 8),
    )
    labels = [a["label"] for a in report["approaches"]]
    ids = [a["id"] for a in report["approaches"]]
    layer_name = "Schicht" if report["world"] == "ed2023" else "Praktik"
    print_table(
        [layer_name, "Titel", *labels],
        [
            (row["id"], row["title"], *(_cell(row["approaches"][a]) for a in ids))
            for row in report["layers"]
        ],
        title=f"Erfüllung je {layer_name}",
        right_align=range(2, 2 + len(ids)),
    )
    if by_group:
        group_name = "Baustein" if report["world"] == "ed2023" else "Thema"
        print_table(
            [group_name, "Titel", *labels],
            [(row["id"], row["title"], *(_cell(row["approaches"][a]) for a in ids)) for row in report["groups"]],
            title=f"Erfüllung je {group_name}",
            right_align=range(2, 2 + len(ids)),
        )
    gaps = report["basis_gaps"]
    heading = "Offene Basis-Anforderungen" if report["world"] == "ed2023" else "Offene MUSS-Anforderungen (normal-SdT)"
    if not gaps:
        click.echo(f"{heading}: keine.")
    else:
        grouped: dict[str, dict[str, Any]] = {}
        for gap in gaps:
            entry = grouped.setdefault(gap["requirement"], {"title": gap["title"], "targets": []})
            entry["targets"].append(f"{gap['target']} ({gap['status']})")
        print_table(
            ["Anforderung", "Titel", "Zielobjekte (Status)"],
            [(rid, e["title"], ", ".join(e["targets"])) for rid, e in grouped.items()],
            title=f"{heading} – Risiko nicht akzeptierbar: "
                  f"{plural_de(len(grouped), 'Anforderung', 'Anforderungen')}, "
                  f"{plural_de(len(gaps), 'offener Prüfpunkt', 'offene Prüfpunkte')}",
        )
    stale = report.get("stale_inherited") or []
    if stale:
        print_table(
            ["Zielobjekt", "Anforderung", "Bewertung", "Grund"],
            [(s["target"], s["requirement"], s["review"], _stale_reason(s)) for s in stale],
            title=f"Geerbte Prüfeinträge zur erneuten Prüfung ({len(stale)})",
        )
    for problem in report["modelling_problems"]:
        click.echo(f"Warnung: {problem['message']}", err=True)
    if report["unmodelled_records"]:
        click.echo(
            f"Hinweis: {len(report['unmodelled_records'])} Prüfeinträge ohne modellierte Anforderung "
            "(Details: ikz-isms check).",
            err=True,
        )


def _cell(tally: dict[str, Any]) -> str:
    if not tally["applicable"]:
        return "–"
    return f"{percent_de(tally['fulfilment'], 0)} ({tally['fulfilled']}/{tally['applicable']})"


def _print_overview(reports: list[dict[str, Any]]) -> None:
    ids: list[str] = []
    labels: dict[str, str] = {}
    for report in reports:
        for a in report["approaches"]:
            if a["id"] not in ids:
                ids.append(a["id"])
                labels[a["id"]] = a["label"]
    rows = []
    for report in reports:
        by_id = {a["id"]: a for a in report["approaches"]}
        rows.append((
            report["name"], report["catalog"]["name"],
            *(percent_de(by_id[a]["fulfilment"]) if a in by_id else "–" for a in ids),
            len({g["requirement"] for g in report["basis_gaps"]}),
        ))
    print_table(
        ["Landkreis", "Katalog", *(labels[a] for a in ids), "offene Basis-Anf."],
        rows,
        title="Übersicht IT-Grundschutz-Check",
        right_align=range(2, 3 + len(ids)),
    )


def _actor(actor: str | None) -> str:
    import getpass

    return actor or os.environ.get("IKZ_ISMS_ACTOR") or getpass.getuser()


county_option = click.option(
    "--county", envvar="IKZ_ISMS_COUNTY", help="Landkreis-Schlüssel (sonst IKZ_ISMS_COUNTY)."
)


@click.group("assess", invoke_without_command=True)
@county_option
@click.option("--approach", type=click.Choice(["basis", "standard", "kern", "normal-sdt", "erhoeht"]),
              help="Nur diese Vorgehensweise zeigen.")
@click.option("--by-group", is_flag=True, help="Auch die Erfüllung je Baustein (Ed. 2023) bzw. Thema (G++) zeigen.")
@click.option("--fail-on-basis-gaps", is_flag=True, help="Exit-Code 1, wenn Basis-Anforderungen offen sind.")
@click.option("--interactive", is_flag=True, help="Offene Anforderungen eines Zielobjekts abfragen und speichern.")
@click.option("--target", help="Zielobjekt für --interactive (sonst alle der Reihe nach).")
@click.option("--max-age", type=click.IntRange(min=0), default=0, show_default=True,
              help="Mit --interactive: Einträge, die älter als so viele Tage sind, erneut abfragen (0 = nur offene).")
@click.option("--actor", help="Name für das Journal (sonst IKZ_ISMS_ACTOR oder Benutzername).")
@click.option("--verbund", is_flag=True,
              help="Verbund-Übersicht: alle Landkreise je Schicht/Praktik, Verlauf, gemeinsame Lücken (nach Freigabe).")
@click.option("--pseudonymise", is_flag=True, help="Mit --verbund: Landkreisnamen durch Pseudonyme ersetzen.")
@format_option()
@click.pass_context
def assess(ctx, county, approach, by_group, fail_on_basis_gaps, interactive, target, max_age, actor, verbund,
           pseudonymise, fmt):
    """IT-Grundschutz-Check: Erfüllung je Vorgehensweise und Schicht, offene Basis-Anforderungen."""
    if ctx.invoked_subcommand is not None:
        return None
    app = ctx.obj
    if pseudonymise and not verbund:
        raise UsageError("--pseudonymise gilt nur mit --verbund.")
    if not interactive and (target is not None or max_age):
        raise UsageError("--target und --max-age gelten nur mit --interactive.")
    if interactive and fmt == "json":
        raise UsageError("--interactive fragt im Terminal; --format json passt nicht dazu.")
    if verbund:
        from .assess_verbund import show_verbund

        # IKZ_ISMS_COUNTY names the ISB's own county; only an explicit --county conflicts
        explicit = ctx.get_parameter_source("county") == click.core.ParameterSource.COMMANDLINE
        if (county and explicit) or interactive:
            raise UsageError("--verbund zeigt alle Landkreise; --county und --interactive passen nicht dazu.")
        show_verbund(app, _select_counties(app, None), approach, pseudonymise, fmt)
        return None
    if interactive:
        from .assess_walk import walk

        walk(app, _one_county(app, county), target, _actor(actor), _assessment, max_age)
        return None
    cache: dict[str, Any] = {}
    reviews: dict[str, Any] = {}
    reports = []
    for selected in _select_counties(app, county):
        assessment = _assessment(app, selected, cache)
        report = county_report(assessment, approach)
        report["stale_inherited"] = _stale_inherited(app.workspace, assessment.data, reviews)
        reports.append(report)
    if fmt == "json":
        emit_json({"verbund": app.workspace.name, "counties": reports})
    elif not reports:
        click.echo("Keine Landkreise im Verbund – mit 'ikz-isms county add NAME' anlegen.")
    else:
        if len(reports) > 1:
            _print_overview(reports)
        for report in reports:
            _print_county(report, by_group)
    if fail_on_basis_gaps and any(r["basis_gaps"] for r in reports):
        ctx.exit(int(ExitCode.FINDINGS))
    return None


SHORT_LEVEL = {"normal": "n", "hoch": "h", "sehr hoch": "sh"}


def _need_cell(dim_need: dict[str, Any]) -> str:
    text = dim_need["result"]
    if dim_need["overridden"]:
        return f"{text} (übersteuert)"
    if dim_need["inherited_from"]:
        return f"{text} ← {', '.join(dim_need['inherited_from'])}"
    return text


@assess.command("targets")
@county_option
@format_option()
@click.pass_obj
def targets_command(app, county, fmt):
    """Zielobjekte, Abhängigkeiten und resultierender Schutzbedarf (Maximumprinzip)."""
    from ..assess import load_county_data

    result = []
    for selected in _select_counties(app, county):
        data = load_county_data(selected)
        result.append({
            "county": selected.key,
            "name": selected.profile.name,
            "targets": [
                {
                    "id": t.id, "name": t.name, "type": t.type, "count": t.count,
                    "depends_on": list(t.depends_on),
                    "bausteine": list(t.bausteine),
                    "kategorien": None if t.categories is None else list(t.categories),
                    "protection_need": data.needs[t.id].as_dict(),
                }
                for t in data.targets
            ],
        })
    if fmt == "json":
        emit_json({"counties": result})
        return
    for entry in result:
        rows = [
            (t["id"], t["name"], t["type"], ", ".join(t["depends_on"]) or "–",
             "/".join(SHORT_LEVEL[t["protection_need"][d]["own"]] for d in ("C", "I", "A")),
             *(_need_cell(t["protection_need"][d]) for d in ("C", "I", "A")))
            for t in entry["targets"]
        ]
        print_table(
            ["ID", "Name", "Typ", "hängt ab von", "eigen C/I/A", "Vertraulichkeit", "Integrität", "Verfügbarkeit"],
            rows,
            title=f"Strukturanalyse und Schutzbedarf – Landkreis {entry['name']} "
            "(Maximumprinzip; ← geerbt von; n/h/sh = normal/hoch/sehr hoch)",
        )
        for t in entry["targets"]:
            reason = t["protection_need"]["override_reason"]
            if reason:
                click.echo(f"Übersteuerung {t['id']}: {reason}")


def validate_pair(assessment: Any, requirement: str, target: str) -> Any:
    """The modelled pair; unknown requirement or target, or no modelling, raises (exit 3)."""
    catalog = assessment.catalog
    county = assessment.data.county
    req = catalog.requirements.get(requirement)
    if req is None:
        raise NotFoundError(f"Anforderung '{requirement}' gibt es im Katalog {catalog.title} nicht.")
    if req.withdrawn:
        raise InputError(f"Anforderung '{requirement}' ist entfallen und wird nicht geprüft.")
    obj = assessment.data.target(target)
    if obj is None:
        known = ", ".join(t.id for t in assessment.data.targets)
        raise NotFoundError(
            f"Zielobjekt '{target}' gibt es im Landkreis {county.profile.name} nicht (bekannt: {known}).",
            path=str(county.targets_path),
        )
    pair = assessment.pair(requirement, target)
    if pair is None:
        raise InputError(
            f"Anforderung '{requirement}' ist auf Zielobjekt '{target}' nicht modelliert "
            "(Bausteine bzw. Zielobjektkategorien in zielobjekte.yaml prüfen)."
        )
    return pair


@assess.command("set")
@click.argument("requirement", metavar="ANFORDERUNG")
@click.argument("target", metavar="ZIELOBJEKT")
@click.argument("status", metavar="STATUS")
@click.option("--statement", help="Umsetzung (Beschreibung).")
@click.option("--responsible", help="Verantwortlich.")
@click.option("--reason", help="Begründung (Pflicht bei entbehrlich).")
@click.option("--evidence", multiple=True, help="Nachweis-Referenz (mehrfach möglich).")
@county_option
@click.option("--actor", help="Name für das Journal (sonst IKZ_ISMS_ACTOR oder Benutzername).")
@format_option()
@click.pass_obj
def set_command(app, requirement, target, status, statement, responsible, reason, evidence, county, actor, fmt):
    """Einen Prüfeintrag setzen: ANFORDERUNG ZIELOBJEKT STATUS (für Skripte)."""
    from ..assess.records import set_record, validate_change

    selected = _one_county(app, county)
    validate_change(status, reason)
    assessment = _assessment(app, selected, {})
    validate_pair(assessment, requirement, target)
    old, new = set_record(
        selected.records_path, selected.journal_path, requirement, target, status,
        actor=_actor(actor), statement=statement, responsible=responsible, reason=reason,
        evidence=list(evidence) or None,
    )
    if fmt == "json":
        emit_json({"county": selected.key, "record": f"{requirement}@{target}", "old": old, "new": new})
        return
    before = old["status"] if old else "neu"
    click.echo(f"Gespeichert: {requirement} auf {target} ({selected.profile.name}): {before} → {status}")


@hookimpl
def ikz_register_commands(cli):
    cli.add_command(assess)
