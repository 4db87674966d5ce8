"""Built-in plugin: ``ikz-isms assess`` — the IT-Grundschutz-Check of each county (Soll-Ist)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from ..errors import ExitCode, UsageError
from ..output import emit_json, print_table
from ..present import STATUS_ORDER, percent_de, plural_de
from .options import actor_name, actor_option, county_option, format_option

if TYPE_CHECKING:
    from ..app.session import Session


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
    chosen = report.get("approach")
    if chosen:
        how = "gewählt" if chosen["chosen"] else "nicht gewählt, es gilt der Standard (ikz-isms model approach)"
        click.echo(f"Vorgehensweise des Landkreises: {chosen['label']} ({how})"
                   + (f"; Kronjuwelen: {', '.join(chosen['kronjuwelen'])}" if chosen["kronjuwelen"] else ""))
    if report.get("starter_targets"):
        click.echo(f"Hinweis: {report['starter_targets']} Zielobjekte stammen unverändert aus dem Startmodell "
                   "(ikz-isms target list) – prüfen und anpassen.")
    labels = [a["label"] for a in report["approaches"]]
    ids = [a["id"] for a in report["approaches"]]
    layer_name = report["labels"]["layer"]
    print_table(
        [layer_name, "Titel", *labels],
        [(row["id"], row["title"], *(_cell(row["approaches"][a]) for a in ids)) for row in report["layers"]],
        title=f"Erfüllung je {layer_name}",
        right_align=range(2, 2 + len(ids)),
    )
    if by_group:
        group_name = report["labels"]["module"]
        print_table(
            [group_name, "Titel", *labels],
            [(row["id"], row["title"], *(_cell(row["approaches"][a]) for a in ids)) for row in report["groups"]],
            title=f"Erfüllung je {group_name}",
            right_align=range(2, 2 + len(ids)),
        )
    gaps = report["basis_gaps"]
    heading = f"Offene {report['labels']['basis']}"
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
    invalid = report["invalid_records"]
    if invalid:
        print_table(
            ["Datei", "Zeile", "Prüfeintrag", "Problem"],
            [(i["file"], i["line"] or "–", f"{i['requirement']} auf {i['target']}", "; ".join(i["problems"]))
             for i in invalid],
            title=f"Ungültige Prüfeinträge – zählen nicht als erfüllt ({len(invalid)})",
        )
    for problem in report["structure_problems"] + report["modelling_problems"]:
        _echo_problem(problem)
    if report["unmodelled_records"]:
        click.echo(
            f"Hinweis: {len(report['unmodelled_records'])} Prüfeinträge ohne modellierte Anforderung "
            "(Details: ikz-isms check).",
            err=True,
        )


def _echo_problem(problem: dict[str, Any]) -> None:
    """A problem of the structure analysis or the modelling on stderr, as ``check`` words it: file, line, message."""
    where = problem["file"] + (f", Zeile {problem['line']}" if problem.get("line") else "")
    verdict = "Fehler" if problem["severity"] == "error" else "Warnung"
    click.echo(f"{verdict}: {where}: {problem['message']}", err=True)


def _stale_reason(entry: dict[str, Any]) -> str:
    from ..present import date_de

    if entry["reason"] == "superseded":
        return f"ersetzt durch {entry['superseded_by']}"
    if entry["reason"] == "expired":
        return f"abgelaufen am {date_de(entry['valid_until'])}"
    return "Bewertung fehlt"


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


@click.group("assess", invoke_without_command=True)
@county_option
@click.option("--approach", metavar="VORGEHENSWEISE",
              help="Nur diese Vorgehensweise zeigen (Ed. 2023: basis, standard, kern; G++: normal-sdt, erhoeht).")
@click.option("--by-group", is_flag=True, help="Auch die Erfüllung je Baustein (Ed. 2023) bzw. Thema (G++) zeigen.")
@click.option("--fail-on-basis-gaps", is_flag=True, help="Exit-Code 1, wenn Basis-Anforderungen offen sind.")
@click.option("--interactive", is_flag=True, help="Offene Anforderungen eines Zielobjekts abfragen und speichern.")
@click.option("--target", help="Zielobjekt für --interactive (sonst alle der Reihe nach).")
@click.option("--max-age", type=click.IntRange(min=0, max=36500), default=0, show_default=True,
              help="Mit --interactive: Einträge, die älter als so viele Tage sind, erneut abfragen (0 = nur offene).")
@actor_option
@click.option("--verbund", is_flag=True,
              help="Verbund-Übersicht: alle Landkreise je Schicht/Praktik, Verlauf, gemeinsame Lücken (nach Freigabe).")
@click.option("--pseudonymise", is_flag=True, help="Mit --verbund: Landkreisnamen durch Pseudonyme ersetzen.")
@format_option()
@click.pass_context
def assess(ctx: click.Context, county: str | None, approach: str | None, by_group: bool, fail_on_basis_gaps: bool,
           interactive: bool, target: str | None, max_age: int, actor: str | None, verbund: bool,
           pseudonymise: bool, fmt: str) -> None:
    """IT-Grundschutz-Check: Erfüllung je Vorgehensweise und Schicht, offene Basis-Anforderungen."""
    if ctx.invoked_subcommand is not None:
        return
    session = ctx.obj
    if approach is not None and approach not in session.editions.approach_ids:
        raise UsageError(f"--approach '{approach}' unbekannt (möglich: {', '.join(session.editions.approach_ids)}).")
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
        show_verbund(session, approach, pseudonymise, fmt)
        return
    if interactive:
        from .assess_walk import walk

        walk(session, session.one_county(county), target, actor_name(actor), max_age)
        return
    from ..app.assessments import county_check, data_errors

    for key in session.missing_members() if county is None else ():
        if session.workspace.package_file(key).exists():
            session.warn(f"Landkreis '{key}' liegt hier nur als Offenlegungspaket vor: ikz-isms assess --verbund.")
        else:
            session.warn(f"Landkreis '{key}' ist Mitglied, aber in dieser Arbeitsumgebung nicht vorhanden.")
    reports = [county_check(session, selected, approach) for selected in session.select_counties(county)]
    if fmt == "json":
        emit_json({"verbund": session.workspace.name, "counties": reports})
    elif not reports:
        click.echo("Keine Landkreise im Verbund – mit 'ikz-isms county add NAME' anlegen.")
    else:
        if len(reports) > 1:
            _print_overview(reports)
        for report in reports:
            _print_county(report, by_group)
    errors = sum(data_errors(r) for r in reports)
    # a county folder that could not be read is missing from the figures above: an error, not a footnote
    unread = session.unread_counties() if county is None else []
    for message in unread:
        click.echo(f"Fehler: ein Landkreis fehlt in den Zahlen, seine Daten sind nicht lesbar: {message}", err=True)
    if unread and not errors:
        ctx.exit(int(ExitCode.FINDINGS))
    if errors:
        # reported above with file and line and left out of the figures; check lists them all
        click.echo(f"Fehler in den Daten: {plural_de(errors, 'Problem', 'Probleme')}, oben mit Datei und Zeile "
                   "(ungültige Prüfeinträge zählen nicht als erfüllt; alle Befunde: ikz-isms check).", err=True)
        ctx.exit(int(ExitCode.FINDINGS))
    if fail_on_basis_gaps and any(r["basis_gaps"] for r in reports):
        ctx.exit(int(ExitCode.FINDINGS))


SHORT_LEVEL = {"normal": "n", "hoch": "h", "sehr hoch": "sh"}


def _need_cell(dim_need: dict[str, Any]) -> str:
    text = dim_need["result"]
    if dim_need["overridden"]:
        return f"{text} (übersteuert)"
    if dim_need["inherited_from"]:
        return f"{text} ← {', '.join(dim_need['inherited_from'])}"
    return str(text)


@assess.command("targets")
@county_option
@format_option()
@click.pass_obj
def targets_command(session: Session, county: str | None, fmt: str) -> None:
    """Zielobjekte, Abhängigkeiten und resultierender Schutzbedarf (Maximumprinzip)."""
    result: list[dict[str, Any]] = []
    for selected in session.select_counties(county):
        data = session.county_data(selected)
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
                effect = next((t["protection_need"][d]["effect"] for d in ("C", "I", "A")
                               if t["protection_need"][d]["effect"]), None)
                label = {"kumulation": "Kumulationseffekt", "verteilung": "Verteilungseffekt"}.get(effect or "",
                                                                                                  "Übersteuerung")
                click.echo(f"{label} {t['id']}: {reason}")


@assess.command("set")
@click.argument("requirement", metavar="ANFORDERUNG")
@click.argument("target", metavar="ZIELOBJEKT")
@click.argument("status", metavar="STATUS")
@click.option("--statement", help="Umsetzung (Beschreibung).")
@click.option("--responsible", help="Verantwortlich.")
@click.option("--reason", help="Begründung (Pflicht bei entbehrlich).")
@click.option("--evidence", multiple=True, help="Nachweis-Referenz (mehrfach möglich).")
@county_option
@actor_option
@format_option()
@click.pass_obj
def set_command(session: Session, requirement: str, target: str, status: str, statement: str | None,
                responsible: str | None, reason: str | None, evidence: tuple[str, ...], county: str | None,
                actor: str | None, fmt: str) -> None:
    """Einen Prüfeintrag setzen: ANFORDERUNG ZIELOBJEKT STATUS (für Skripte)."""
    from ..assess.records import CHANGE_ARGUMENTS, RecordChange, validate_change

    change = RecordChange(requirement, target, status, statement=statement, responsible=responsible, reason=reason,
                          evidence=tuple(evidence) or None)
    # a value typed here that no record may hold is a usage error naming its argument (the rules of the files)
    validate_change(change, error=UsageError, arguments=CHANGE_ARGUMENTS)
    selected = session.one_county(county)
    old, new = session.set_records(selected, [change], actor=actor_name(actor))[0]
    if fmt == "json":
        emit_json({"county": selected.key, "record": f"{requirement}@{target}", "old": old, "new": new})
        return
    before = old["status"] if old else "neu"
    click.echo(f"Gespeichert: {requirement} auf {target} ({selected.profile.name}): {before} → {status}")


def _register_list() -> None:
    """``assess list`` (filters on the check) lives in its own module."""
    from .assess_list import list_command

    assess.add_command(list_command)


_register_list()
