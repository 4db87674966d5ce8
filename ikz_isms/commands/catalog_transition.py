"""The ``ikz-isms catalog upgrade | migrate | undo`` commands: a county's records to another catalog."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..output import print_table
from ..present import number_de as format_de
from .options import actor_name, actor_option, county_option, format_option, output_option

if TYPE_CHECKING:
    from ..app.session import Session
    from ..app.transitions import CountyChange

SHOWN = 20
DRY_RUN = "Probelauf – nichts geändert. Übernehmen mit --apply."

MOVE_LABELS = {
    "renumbered": "umnummeriert (Einträge folgen)",
    "recheck": "erneut prüfen (Anforderung geändert)",
    "unchanged": "unverändert",
    "carried": "übernommen (Status gilt weiter)",
    "proposal": "Vorschlag (Entscheidung nötig)",
}


def _emit(data: Any) -> None:
    import orjson

    click.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode("utf-8"))


def _counties(session: Session, key: str | None, source: str | None) -> list[Any]:
    """The county named, or every member county of the Verbund on catalog ``source``."""
    from ..errors import UsageError

    if key is not None:
        return [session.county(key)]
    members = session.members()
    if source is None:
        if len(members) == 1:
            return members
        raise UsageError("Bitte --county angeben oder mit --from den Katalogstand wählen, dessen Landkreise "
                         "(alle des Verbunds) wechseln sollen.")
    chosen = [c for c in members if session.county_catalog(c)[0].name == source]
    if not chosen:
        raise UsageError(f"Kein Landkreis des Verbunds arbeitet mit Katalog '{source}'.")
    return chosen


def _rows(entries: list[Any], limit: int | None) -> tuple[list[Any], int]:
    shown = entries if limit is None else entries[:limit]
    return shown, len(entries) - len(shown)


def _more(rest: int) -> None:
    if rest:
        click.echo(f"… und {format_de(rest)} weitere (alle mit --all oder --format json).")


def _header(change: CountyChange) -> None:
    from ..app.transitions import KIND_LABELS

    summary = change.summary()
    click.echo(f"{KIND_LABELS[change.kind]} Landkreis {change.county.name}: "
               f"{summary['from']['name']} ({summary['from']['version']}) → "
               f"{summary['to']['name']} ({summary['to']['version']})")


def _show_upgrade(change: CountyChange, limit: int | None) -> None:
    plan = change.plan
    counts = plan.counts()
    _header(change)
    total = sum(counts[k] for k in ("unchanged", "renumbered", "recheck")) + counts["archived"] + counts["untouched"]
    print_table(["", "Prüfeinträge"], [
        ("unverändert", format_de(counts["unchanged"])),
        (MOVE_LABELS["renumbered"], format_de(counts["renumbered"])),
        (MOVE_LABELS["recheck"], format_de(counts["recheck"])),
        ("archiviert (Anforderung entfallen)", format_de(counts["archived"])),
        ("nicht im alten Katalog (bleiben)", format_de(counts["untouched"])),
        ("zusammen", format_de(total)),
    ], right_align=(1,))
    click.echo(f"Neu im Release: {format_de(len(plan.new_requirements))} Anforderungen, auf "
               f"{format_de(plan.new_pairs)} Zielobjekten modelliert (unbearbeitet).")
    moves = [a for a in plan.arrivals if a.kind in ("renumbered", "recheck")]
    if moves:
        shown, rest = _rows(moves, limit)
        print_table(["alte ID", "neue ID", "Zielobjekt", "Status", "Änderung"],
                    [(a.sources[0].requirement, a.requirement, a.target, a.record.get("status", ""),
                      "erneut prüfen: " + a.note if a.kind == "recheck" else "umnummeriert") for a in shown],
                    title="Was sich bewegt")
        _more(rest)
    if plan.archived:
        shown_archived, rest = _rows(plan.archived, limit)
        print_table(["ID", "Zielobjekt", "Status", "Grund"],
                    [(r.requirement, r.target, r.status, why) for r, why in shown_archived], title="Archiviert")
        _more(rest)


def _show_migration(change: CountyChange, limit: int | None) -> None:
    from ..catalog.mapping import RELATIONSHIP_LABELS
    from ..present import percent_de

    plan = change.plan
    details = plan.details
    records = details["records"]
    _header(change)
    mapping = change.mapping or {}
    click.echo(f"Mapping: {mapping.get('title')} ({mapping.get('file')}, Stand {mapping.get('status') or '–'}, "
               f"{format_de(mapping.get('maps', 0))} Zuordnungen, {format_de(mapping.get('resolved', 0))} im Zielkatalog "
               "auflösbar)")
    click.echo(f"Prüfeinträge: {format_de(records['total'])}, davon bewertet {format_de(records['assessed'])}: "
               f"übernommen {format_de(records['carried'])}, nur Vorschläge {format_de(records['proposal'])}, "
               f"nicht im Mapping {format_de(records['unmapped'])}, Ziel nicht modelliert/auflösbar "
               f"{format_de(records['lost'])}.")
    print_table(["Beziehung", "Zuordnungen", "Prüfeinträge", "vorgeschlagene G++-Einträge"], [
        (RELATIONSHIP_LABELS[rel], format_de(row["maps"]), format_de(row["records"]), format_de(row["proposed"]))
        for rel, row in details["relationships"].items()
    ], right_align=(1, 2, 3), title="Je Beziehung des Mappings")
    counts = plan.counts()
    click.echo(f"Neue G++-Prüfeinträge: {format_de(counts['carried'])} übernommen, "
               f"{format_de(counts['proposal'])} Vorschläge; {format_de(plan.new_pairs)} modellierte Paare ohne "
               "Vorlage bleiben unbearbeitet.")
    print_table(["Praktik", "modelliert", "übernommen", "Vorschläge", "Anteil übernommen"], [
        (f"{row['practice']} {row['title']}", format_de(row["applicable"]), format_de(row["carried"]),
         format_de(row["proposal"]), percent_de(row["carried_share"], 1) if row["carried_share"] is not None else "–")
        for row in details["coverage"]
    ], right_align=(1, 2, 3, 4), title="Abdeckung je Praktik")
    unmapped = details["unmapped_requirements"]
    if unmapped:
        shown, rest = _rows(unmapped, limit)
        click.echo(f"Nicht im Mapping ({format_de(len(unmapped))} Anforderungen, Einträge werden archiviert): "
                   + ", ".join(shown) + (f" … und {format_de(rest)} weitere" if rest else ""))
    new = plan.new_requirements
    if new:
        shown, rest = _rows(new, limit)
        click.echo(f"G++-Controls ohne Vorlage aus dem Mapping ({format_de(len(new))}): " + ", ".join(shown)
                   + (f" … und {format_de(rest)} weitere" if rest else ""))


def _show_references(change: CountyChange, limit: int | None) -> None:
    """The requirement ids named in plan, risk register and exclusions: which follow, which need a decision."""
    from ..catalog.transition import DECISION, REFERENCE_LABELS

    references = change.plan.references
    if not references:
        return
    moved = [r for r in references if r.new]
    open_ = [r for r in references if r.decision]

    def entry(reference: Any) -> str:
        where = f" auf {reference.target}" if reference.target and reference.kind != "risk" else ""
        return f"{REFERENCE_LABELS[reference.kind]} {reference.entry}{where}"

    if moved:
        shown, rest = _rows(moved, limit)
        print_table(["Datei", "Eintrag", "alt", "neu"],
                    [(r.file, entry(r), r.value, ", ".join(r.new)) for r in shown],
                    title=f"Verweise, die mitgehen ({format_de(len(moved))})")
        _more(rest)
    if open_:
        shown_open, rest = _rows(open_, limit)
        print_table(["Datei", "Eintrag", "Verweis", "Grund", "in Frage kommen"],
                    [(r.file, entry(r), r.value, r.decision, ", ".join(r.candidates) or "–") for r in shown_open],
                    title=f"Verweise: {DECISION} ({format_de(len(open_))}, bleiben unverändert)")
        _more(rest)
        click.echo("Diese Verweise bleiben wie sie sind; ikz-isms check nennt sie, bis sie angepasst oder "
                   "entfernt sind (ikz-isms plan set …, ikz-isms risk …, ikz-isms model …).")


def _pdf(session: Session, changes: list[CountyChange]) -> bytes:
    from ..report.migration import migration_pdf

    return migration_pdf(changes, today=session.today)


def _run(session: Session, changes: list[CountyChange], *, apply: bool, fmt: str, output: Path | None,
         limit: int | None, actor: str | None, show: Any) -> None:
    from ..app.transitions import apply_changes
    from .options import write_output

    results: dict[str, Any] = {}
    if apply:
        results = apply_changes(session, changes, actor=actor_name(actor))
    if fmt == "json":
        _emit({"applied": apply, "counties": [{**c.summary(), **({"result": results[c.county.key]} if apply else {})}
                                              for c in changes]})
        return
    if fmt == "pdf":
        from ..errors import UsageError

        if output is None:
            raise UsageError("--format pdf braucht --output DATEI.")
        write_output(session, output, _pdf(session, changes))
        click.echo(f"Abdeckungsbericht geschrieben: {output}")
        return
    for index, change in enumerate(changes):
        if index:
            click.echo()
        show(change, limit)
        _show_references(change, limit)
        if apply:
            result = results[change.county.key]
            click.echo(f"Übernommen: Vorgang {result['change']}, {format_de(result['journal_entries'])} Journaleinträge, "
                       f"Archiv {result['archive']}. Zurücknehmen: ikz-isms catalog undo {result['change']} "
                       f"--county {change.county.key} --apply")
            if show is _show_migration:
                click.echo("Nächste Schritte: Vorgehensweise auf Grundschutz++ wählen (ikz-isms model approach … "
                           f"--county {change.county.key} --reason …) und die Modellierung prüfen (ikz-isms model "
                           f"suggest --county {change.county.key}); ikz-isms check nennt, was noch zu entscheiden ist.")
    if not apply:
        click.echo()
        click.echo(DRY_RUN)


apply_option = click.option("--apply", is_flag=True, help="Änderung übernehmen (sonst nur Probelauf).")
all_option = click.option("--all", "show_all", is_flag=True, help="Alle Einträge zeigen, nicht nur die ersten 20.")


@click.command("upgrade")
@click.option("--to", "to", required=True, metavar="NAME", help="Eingetragener Katalog des neuen Releases.")
@click.option("--from", "source", metavar="NAME",
              help="Ohne --county: alle Landkreise des Verbunds, die mit diesem Katalog arbeiten.")
@county_option
@apply_option
@all_option
@actor_option
@format_option()
@click.pass_obj
def upgrade(session: Session, to: str, source: str | None, county: str | None, apply: bool, show_all: bool,
            actor: str | None, fmt: str) -> None:
    """Landkreis (oder Verbund) auf einen neuen Grundschutz++-Release umstellen.

    Prüfeinträge folgen ihrer Anforderung über die stabile UUID (alt-identifier): umnummerierte
    nehmen ihre Einträge mit, geänderte Anforderungstexte werden zum erneuten Prüfen markiert,
    Einträge entfallener Anforderungen mit ihrem Verlauf archiviert; neue Anforderungen sind
    unbearbeitet. Ohne --apply nur Probelauf; mit --apply in einem Schritt, im Journal
    protokolliert und mit ikz-isms catalog undo umkehrbar.
    """
    from ..app.transitions import plan_upgrade

    changes = [plan_upgrade(session, c, to=to) for c in _counties(session, county, source)]
    _run(session, changes, apply=apply, fmt=fmt, output=None, limit=None if show_all else SHOWN, actor=actor,
         show=_show_upgrade)


@click.command("migrate")
@click.option("--to", "to", required=True, metavar="NAME", help="Eingetragener Grundschutz++-Katalog.")
@click.option("--mapping", "mapping", required=True, metavar="DATEI",
              type=click.Path(path_type=Path),
              help="OSCAL-Mapping Edition 2023 → Grundschutz++ (ITGS-to-GS++-mapping_collection.json).")
@county_option
@apply_option
@all_option
@actor_option
@format_option("text", "json", "pdf")
@output_option("PDF-Abdeckungsbericht in diese Datei (mit --format pdf).")
@click.pass_obj
def migrate(session: Session, to: str, mapping: Path, county: str | None, apply: bool, show_all: bool,
            actor: str | None, fmt: str, output: Path | None) -> None:
    """IT-Grundschutz-Check eines Landkreises von Edition 2023 nach Grundschutz++ überführen.

    Nach dem BSI-Mapping: gleich/gleichwertig zugeordnete Anforderungen übernehmen den Status
    (Herkunft "migriert aus …", bis zur Bestätigung mit assess set); Teil-, Ober- und
    Schnittmengen werden Vorschläge, die eine Entscheidung brauchen. Zeigt die Abdeckung je
    Praktik (Text, JSON oder PDF). Ohne --apply nur Probelauf; mit --apply in einem Schritt,
    im Journal protokolliert, der Edition-2023-Stand archiviert und mit ikz-isms catalog undo
    umkehrbar.
    """
    from ..app.transitions import plan_migration

    changes = [plan_migration(session, c, to=to, mapping_path=mapping) for c in _counties(session, county, None)]
    _run(session, changes, apply=apply, fmt=fmt, output=output, limit=None if show_all else SHOWN, actor=actor,
         show=_show_migration)


@click.command("undo")
@click.argument("change_id", metavar="[VORGANG]", required=False)
@county_option
@apply_option
@click.option("--force", is_flag=True, help="Auch wenn Prüfeinträge seit dem Vorgang geändert wurden.")
@actor_option
@format_option()
@click.pass_obj
def undo(session: Session, change_id: str | None, county: str | None, apply: bool, force: bool,
         actor: str | None, fmt: str) -> None:
    """Einen Release-Wechsel oder eine Migration zurücknehmen (ohne VORGANG: Vorgänge anzeigen).

    Stellt Prüfeinträge und Katalog des Landkreises wie vor dem Vorgang her, im Journal
    protokolliert; das Archiv bleibt erhalten. Ohne --apply nur Probelauf.
    """
    from ..app.transitions import list_changes, plan_undo, undo_change

    target = session.one_county(county)
    if change_id is None:
        changes = list_changes(session, target)
        if fmt == "json":
            _emit({"county": target.key, "changes": changes})
            return
        if not changes:
            click.echo(f"Landkreis {target.name}: keine Katalogwechsel im Archiv.")
            return
        print_table(["Vorgang", "Art", "Datum", "von", "nach", "zurückgenommen"],
                    [(c["change"], c["kind"], c["date"], c["from"], c["to"],
                      (c["undone"] or {}).get("datum", "") if c["undone"] else "") for c in changes])
        return
    preview = plan_undo(session, target, change_id)
    result = undo_change(session, target, change_id, actor=actor_name(actor), force=force) if apply else None
    if fmt == "json":
        _emit({"applied": apply, **{k: v for k, v in preview.items() if k != "index"}, "result": result})
        return
    records = [r for r in preview["restores"] if r.startswith("pruefungen/")]
    others = [r for r in preview["restores"] if not r.startswith("pruefungen/")]
    click.echo(f"Vorgang {change_id} ({preview['kind']}) in Landkreis {target.name}: stellt "
               f"{format_de(len(records))} Prüfdateien{''.join(', ' + r for r in others)} und den Katalog "
               f"'{(preview['index'].get('von') or {}).get('name')}' wieder her, entfernt "
               f"{format_de(len(preview['removes']))} neue Prüfdateien.")
    if preview["changed_since"]:
        click.echo(f"Seit dem Vorgang geändert: {', '.join(preview['changed_since'])}"
                   + ("" if force else " (Zurücknehmen nur mit --force)."))
    if result is not None:
        click.echo(f"Zurückgenommen: {format_de(result['journal_entries'])} Journaleinträge.")
    else:
        click.echo(DRY_RUN)
