"""Built-in plugin: the ``ikz-isms catalog`` commands (import, list, show, search, diff)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..output import print_table, progress_bar
from ..present import number_de as format_de
from ..present import plural_de
from .options import format_option

if TYPE_CHECKING:
    from ..app.session import Session
    from ..catalog.diff import RequirementDiff
    from ..catalog.model import Catalog, Group, Requirement, Threat
    from ..editions import Edition

GROUP_KIND_NAMES = {
    "layer": "Schicht",
    "baustein": "Baustein",
    "practice": "Praktik",
    "topic": "Thema",
    "group": "Gruppe",
}
LEVEL_CHOICES = ("B", "S", "H", "normal-SdT", "erhöht")
MODAL_CHOICES = ("MUSS", "SOLLTE", "KANN")



@click.group()
def catalog() -> None:
    """Anforderungskataloge: importieren, anzeigen, durchsuchen, vergleichen.

    Kataloge (IT-Grundschutz-Kompendium Edition 2023 als XML, Grundschutz++ und andere
    OSCAL-Kataloge) werden als OSCAL-JSON in der Arbeitsumgebung abgelegt und mit Quelle,
    Version und Prüfsumme (sha256) eingetragen, damit Ergebnisse vergleichbar bleiben.
    """


def _emit(data: Any) -> None:
    """``--format json`` of the catalog commands: orjson, the same bytes as ``json.dumps(indent=2,
    ensure_ascii=False)`` (a test holds it to that) — a full-catalog search is 4 MB of JSON."""
    import orjson

    click.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode("utf-8"))


# -- loading -----------------------------------------------------------------------------


def _load_file(session: Session, path: Path, label: str | None = None) -> Catalog:
    from ..catalog import load_catalog

    with progress_bar(f"Lese {label or path.name}") as update:
        catalog = load_catalog(path, session.pm, progress=update)
    session.edition(catalog)
    return catalog


def _load_named(session: Session, name: str | None) -> Catalog:
    """``name`` is a catalog file or the name of a pinned catalog (default: the workspace's).

    A pinned catalog is loaded with its hash verified, as everywhere.
    """
    if name is not None and Path(name).is_file():
        return _load_file(session, Path(name))
    return session.catalog(name)[1]


# -- presentation ------------------------------------------------------------------------


def _level_text(level: str | None) -> str:
    from ..catalog.model import LEVEL_NAMES

    if not level:
        return "–"
    name = LEVEL_NAMES.get(level)
    return f"{level} – {name}" if name and name != level else level


def _modal_text(req: Requirement) -> str:
    from ..catalog.search import modal_verbs

    return "/".join(modal_verbs(req)) or "–"


def _echo_fields(rows: list[tuple[str, Any]]) -> None:
    import shutil
    import textwrap

    width = max(len(label) for label, _ in rows) + 2
    columns = max(shutil.get_terminal_size((100, 24)).columns, width + 30)
    for label, value in rows:
        text = "–" if value in (None, "", [], ()) else str(value)
        lines = []
        for paragraph in text.splitlines() or [""]:
            lines.extend(textwrap.wrap(paragraph, columns - width) or [""])
        click.echo(f"{label + ':':<{width}}{lines[0]}")
        for line in lines[1:]:
            click.echo(" " * width + line)


def _field_text(value: Any) -> Any:
    """A model value as ``catalog show`` prints it: parameters one per line, lists joined."""
    from ..catalog.model import Param, Threat

    if isinstance(value, tuple):
        if value and isinstance(value[0], Param):
            return "\n".join(f"{p.id}: {p.label}" + (f" = {', '.join(p.values)}" if p.values else "") for p in value)
        if value and isinstance(value[0], Threat):
            return "\n".join(f"• {t.title}" for t in value)
        return ", ".join(str(v) for v in value)
    return value


def _show_requirement(cat: Catalog, req: Requirement, edition: Edition) -> None:
    from ..catalog.search import group_chain
    from ..catalog.views import requirement_dict

    data = requirement_dict(cat, req)
    path = " › ".join(f"{g.id} {g.title}" for g in group_chain(cat, req.group))
    relations = ", ".join(
        f"{r.rel}: {r.target}"
        + (f" ({cat.requirements[r.target].title})" if r.target in cat.requirements else "")
        for r in req.relations
    )
    _echo_fields([
        ("ID", req.id),
        ("Titel", req.title),
        ("Stufe", _level_text(req.level)),
        ("Modalverb", req.modal_verb or ", ".join(req.modal_verbs_in_text)),
        ("Anforderungstext", req.statement),
        ("Gruppe", path),
        ("Übergeordnet", req.parent),
        ("Verbesserungen", ", ".join(data["children"])),
        ("Zielobjekte", ", ".join(req.target_objects) or ", ".join(
            f"{g.target_object_type} (Zielobjekttyp des Bausteins)"
            for g in group_chain(cat, req.group) if g.target_object_type
        )),
        *((label, _field_text(getattr(req, name))) for name, label in edition.statement_fields),
        ("Rollen", ", ".join(req.roles)),
        ("Tags", ", ".join(req.tags)),
        ("Beziehungen", relations),
        ("UUID", req.uuid),
        ("Aufwand", req.effort),
        ("Entfallen", "ja" if req.withdrawn else "nein"),
        ("Umsetzungshinweise", req.guidance),
        ("Katalog", f"{cat.title} ({cat.version})"),
    ])


def _show_group(cat: Catalog, group: Group, members: list[Requirement], edition: Edition) -> None:
    from ..catalog.search import group_chain

    above = group_chain(cat, group.parent)
    subgroups = [g for g in cat.groups.values() if g.parent == group.id]
    _echo_fields([
        ("ID", group.id),
        ("Titel", group.title),
        ("Art", GROUP_KIND_NAMES.get(group.kind, group.kind)),
        ("Übergeordnet", " › ".join(f"{g.id} {g.title}" for g in above)),
        ("Zielobjekttyp", group.target_object_type),
        ("UUID", group.uuid),
        ("Beschreibung", group.description),
        *((label, _field_text(getattr(group, name))) for name, label in edition.module_fields
          if name != "description" and group.kind == "baustein"),
        ("Untergruppen", ", ".join(f"{g.id} {g.title}" for g in subgroups)),
        ("Anforderungen", f"{format_de(len(members))}, davon aktiv "
                          f"{format_de(sum(1 for r in members if not r.withdrawn))}"),
        ("Katalog", f"{cat.title} ({cat.version})"),
    ])
    if members:
        click.echo()
        _requirement_table(members)


def _show_catalog(cat: Catalog) -> None:
    tops = [g for g in cat.groups.values() if g.parent is None]
    _echo_fields([
        ("Titel", cat.title),
        ("Version", cat.version),
        ("Stand", cat.last_modified),
        ("UUID", cat.uuid),
        ("Herausgeber", "\n".join(
            p.name + (f" <{', '.join(p.emails)}>" if p.emails else "") for p in cat.parties
        )),
        ("Hinweise", cat.remarks),
        ("Verweise", "\n".join(
            r.title + (f" ({', '.join(r.hrefs)})" if r.hrefs else "") for r in cat.resources
        )),
        ("Elementare Gefährdungen", "\n".join(f"{t.id} {t.title}" for t in cat.threats)),
        ("Gruppen", ", ".join(f"{g.id} {g.title}" for g in tops)),
        ("Anforderungen", f"{format_de(len(cat.requirements))}, davon aktiv "
                          f"{format_de(len(cat.active_requirements()))}"),
        ("Parameter", format_de(sum(len(r.params) for r in cat.requirements.values()))),
    ])


def _show_threat(cat: Catalog, threat: Threat) -> None:
    _echo_fields([
        ("ID", threat.id),
        ("Titel", threat.title),
        ("Beschreibung", threat.text),
        ("Katalog", f"{cat.title} ({cat.version})"),
    ])


def _title_text(req: Requirement) -> str:
    # Edition 2023 titles withdrawn requirements "ENTFALLEN"; other catalogs need the hint
    return req.title + (" (entfallen)" if req.withdrawn and "ENTFALLEN" not in req.title else "")


def _requirement_table(reqs: list[Requirement], title: str | None = None) -> None:
    print_table(
        ["ID", "Stufe", "Modalverb", "Titel"],
        [(r.id, r.level or "–", _modal_text(r), _title_text(r)) for r in reqs],
        title=title,
    )


# -- commands ----------------------------------------------------------------------------


@catalog.command("import")
@click.argument("source", metavar="DATEI", type=click.Path(path_type=Path))
@click.option("--name", help="Name in der Arbeitsumgebung (Standard: aus dem Dateinamen).")
@click.option("--format-in", "format_in", metavar="FORMAT",
              help="Quellformat erzwingen (z. B. kompendium-xml, oscal-json, oscal-yaml); "
                   "sonst wird es erkannt.")
@click.option("--force", is_flag=True,
              help="Einen eingetragenen Katalog mit anderem Inhalt ersetzen.")
@click.option("--profile-import", "profile_imports", multiple=True, metavar="NAME=DATEI",
              help="OSCAL-Profil: Import NAME (Dateiname im Profil) aus DATEI lesen, z. B. "
                   "BSI-Stand-der-Technik-Kernel-G0-catalog.json=Kernel.json (mehrfach möglich).")
@format_option()
@click.pass_obj
def import_catalog(session: Session, source: Path, name: str | None, format_in: str | None, force: bool,
                   profile_imports: tuple[str, ...], fmt: str) -> None:
    """Katalog DATEI importieren, als OSCAL-JSON ablegen und in der Arbeitsumgebung eintragen.

    Gelesen werden OSCAL-Kataloge (JSON, YAML, XML), OSCAL-Profile (zu einem Katalog aufgelöst),
    das IT-Grundschutz-Kompendium Edition 2023 (DocBook-XML) und OSCAL-Mapping-Sammlungen (für
    ikz-isms catalog migrate). Was das BSI veröffentlicht, bleibt vollständig erhalten."""
    from ..app.catalogs import import_mapping, is_mapping
    from ..catalog.pinning import check_pin_name, default_pin_name
    from ..errors import UsageError

    name = name or default_pin_name(source.stem)
    check_pin_name(name)
    assert session.workspace is not None  # no workspace: say so before reading a large file
    if is_mapping(source) and format_in is None:
        summary = import_mapping(session, source, name=name, force=force)
        if fmt == "json":
            _emit(summary)
            return
        click.echo(f"Mapping '{name}' abgelegt: {summary['title']} ({summary['file']}, sha256 {summary['sha256'][:12]})")
        click.echo(f"  Zuordnungen: {format_de(summary['maps'])} für {format_de(summary['requirements'])} "
                   f"Anforderungen; Stand {summary['status'] or '–'}")
        for rel, count in summary["relationships"].items():
            click.echo(f"    {rel}: {format_de(count)}")
        click.echo(f"  Verwenden: ikz-isms catalog migrate --mapping {name} --to KATALOG --county LANDKREIS")
        return
    sources: dict[str, Path] = {}
    for item in profile_imports:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UsageError(f"--profile-import erwartet NAME=DATEI, nicht '{item}'.")
        sources[key.strip()] = Path(value.strip())
    from ..catalog import gc_paused

    with gc_paused():  # the catalog is a large tree; it is freed when _import_catalog returns
        _import_catalog(session, source, name, format_in, force, sources, fmt)


def _import_catalog(session: Session, source: Path, name: str, format_in: str | None, force: bool,
                    sources: dict[str, Path], fmt: str) -> None:
    from ..app.catalogs import import_catalog as run_import
    from ..catalog.views import level_counts

    with progress_bar(f"Importiere {source.name}") as update:
        cat, result = run_import(session, source, name=name, format_name=format_in, force=force, progress=update,
                                 profile_sources=sources or None)
    session.keep(cat)  # not taken apart at the end of the command: the process ends right after
    relative, digest, unchanged = result.file, result.sha256, result.unchanged

    levels = level_counts(cat)
    active = sum(a for _, a, _ in levels)
    if fmt == "json":
        _emit({
            "name": name, "file": relative, "title": cat.title, "version": cat.version,
            "source": source.name, "source_format": cat.source_format, "sha256": digest,
            "unchanged": unchanged, "requirements": len(cat.requirements), "active": active,
            "levels": {lvl: {"active": a, "total": t} for lvl, a, t in levels},
        })
        return
    verb = "unverändert (bereits eingetragen)" if unchanged else "importiert"
    click.echo(f"Katalog '{name}' {verb}: {cat.title} (Version {cat.version})")
    click.echo(f"  Quelle:         {source.name} ({cat.source_format})")
    click.echo(f"  Datei:          {relative} (sha256 {digest[:12]})")
    click.echo(f"  Anforderungen:  {format_de(len(cat.requirements))}, "
               f"davon aktiv {format_de(active)}")
    for level, level_active, total in levels:
        click.echo(f"    {_level_text(level)}: {format_de(level_active)} aktiv "
                   f"von {format_de(total)}")


@catalog.command("list")
@format_option()
@click.pass_obj
def list_catalogs(session: Session, fmt: str) -> None:
    """Die in der Arbeitsumgebung eingetragenen Kataloge, mit Prüfung der Prüfsumme.

    Fehlt ein Katalog, ist er geändert oder unlesbar, zeigt die Liste das und endet mit
    Exit-Code 1 (assess, plan und report verweigern ihn dann mit Exit-Code 3; Einzelheiten:
    ikz-isms check)."""
    from ..errors import ExitCode, IkzError
    from ..store import sha256_file

    workspace = session.workspace
    entries = []
    for pin in workspace.pins.values():
        path = workspace.catalog_path(pin)
        count = active = None
        if not path.is_file() and not path.exists():
            status = "missing"
        elif not path.is_file():
            status = "unreadable"  # a device, a folder, a pipe in the pin's place: there, but no file
        else:
            status = "ok" if sha256_file(path) == pin.sha256 else "changed"
            try:
                cat = _load_file(session, path, pin.name)
                count, active = len(cat.requirements), len(cat.active_requirements())
            except IkzError:
                status = "unreadable"
        entries.append({**pin.__dict__, "imported": pin.imported or None,
                        "requirements": count, "active": active, "status": status})
    if fmt == "json":
        _emit(entries)
    elif not entries:
        click.echo("Keine Kataloge eingetragen. Importieren mit: ikz-isms catalog import DATEI")
        return
    else:
        status_text = {
            "ok": "ok", "changed": "geändert!", "missing": "fehlt!", "unreadable": "unlesbar!",
        }
        print_table(
            ["Name", "Titel", "Version", "Format", "Anforderungen", "sha256", "Stand"],
            [
                (e["name"], e["title"], e["version"], e["format"],
                 "–" if e["requirements"] is None else format_de(e["requirements"]),
                 e["sha256"][:12], status_text[e["status"]])
                for e in entries
            ],
            right_align=(4,),
        )
    broken = [e for e in entries if e["status"] != "ok"]
    if broken:
        words = {"changed": "geändert", "missing": "fehlt", "unreadable": "unlesbar"}
        shown = ", ".join(f"{e['name']} ({words[e['status']]})" for e in broken)
        click.echo(f"Fehler: {plural_de(len(broken), 'Katalog passt', 'Kataloge passen')} nicht zum Eintrag in "
                   f"ikz-isms.yaml: {shown}; assess, plan und report lehnen {'ihn' if len(broken) == 1 else 'sie'} "
                   "ab. Einzelheiten: ikz-isms check.", err=True)
        click.get_current_context().exit(int(ExitCode.FINDINGS))


@catalog.command("show")
@click.argument("ident", metavar="[ID]", required=False)
@click.option("--catalog", "catalog_name", metavar="NAME",
              help="Eingetragener Katalog oder Katalogdatei (Standard: default_catalog).")
@format_option()
@click.pass_obj
def show(session: Session, ident: str | None, catalog_name: str | None, fmt: str) -> None:
    """Eine Anforderung oder Gruppe (Schicht, Baustein, Praktik, Thema) mit allen Angaben.

    Ohne ID: der Katalog selbst (Herausgeber, Hinweise, Verweise, elementare Gefährdungen);
    eine elementare Gefährdung mit ihrer ID (z. B. "G 0.18")."""
    from ..catalog.model import Requirement, Threat
    from ..catalog.search import find
    from ..catalog.views import (
        catalog_detail,
        catalog_dict,
        group_detail,
        group_members,
        requirement_dict,
        threat_dict,
    )

    cat = _load_named(session, catalog_name)
    if ident is None:
        if fmt == "json":
            _emit({"catalog": catalog_detail(cat)})
        else:
            _show_catalog(cat)
        return
    found = find(cat, ident)
    if isinstance(found, Threat):
        if fmt == "json":
            _emit({"catalog": catalog_dict(cat), "threat": threat_dict(found)})
        else:
            _show_threat(cat, found)
        return
    if isinstance(found, Requirement):
        if fmt == "json":
            _emit({"catalog": catalog_dict(cat), "requirement": requirement_dict(cat, found)})
        else:
            _show_requirement(cat, found, session.edition(cat))
        return
    members = group_members(cat, found)
    if fmt == "json":
        _emit({"catalog": catalog_dict(cat), "group": group_detail(cat, found, members)})
    else:
        _show_group(cat, found, members, session.edition(cat))


@catalog.command("search")
@click.argument("text", metavar="TEXT")
@click.option("--catalog", "catalog_name", metavar="NAME",
              help="Eingetragener Katalog oder Katalogdatei (Standard: default_catalog).")
@click.option("--level", type=click.Choice(LEVEL_CHOICES, case_sensitive=False),
              metavar="[" + "|".join(LEVEL_CHOICES) + "]",
              help="Nur diese Stufe (B/S/H bzw. normal-SdT/erhöht).")
@click.option("--modal", type=click.Choice(MODAL_CHOICES, case_sensitive=False),
              metavar="[" + "|".join(MODAL_CHOICES) + "]",
              help="Nur dieses Modalverb.")
@click.option("--target-object", metavar="X",
              help="Nur für diesen Zielobjekttyp bzw. diese Zielobjektkategorie.")
@click.option("--group", "group_prefix", metavar="PREFIX",
              help="Nur in dieser Schicht, diesem Baustein oder dieser Praktik "
                   "(ID-Präfix, z. B. SYS.1 oder ASST).")
@click.option("--action-word", metavar="WORT",
              help="Nur mit diesem Handlungswort (Grundschutz++, z. B. dokumentieren).")
@click.option("--documentation", metavar="ART",
              help="Nur mit dieser Dokumentationsart (Grundschutz++, z. B. Richtlinie).")
@click.option("--include-withdrawn", is_flag=True, help="Auch entfallene Anforderungen.")
@click.option("--limit", type=click.IntRange(min=1), help="Höchstens N Treffer zeigen.")
@format_option()
@click.pass_obj
def search(session: Session, text: str, catalog_name: str | None, level: str | None, modal: str | None,
           target_object: str | None, group_prefix: str | None, action_word: str | None,
           documentation: str | None, include_withdrawn: bool, limit: int | None, fmt: str) -> None:
    """Anforderungen finden: TEXT in ID, Titel und Anforderungstext (Groß-/Kleinschreibung
    und Umlaute egal; "" mit Filtern listet alle passenden)."""
    from ..catalog.search import SearchQuery, search_requirements
    from ..catalog.views import catalog_dict, child_ids, requirement_dict

    cat = _load_named(session, catalog_name)
    query = SearchQuery(text, level, modal, target_object, group_prefix, include_withdrawn,
                        action_word, documentation)
    hits = search_requirements(cat, query)
    shown = hits[:limit] if limit else hits
    if fmt == "json":
        children = child_ids(cat)
        _emit({
            "catalog": catalog_dict(cat),
            "query": query.__dict__,
            "total": len(hits),
            "results": [requirement_dict(cat, r, children) for r in shown],
        })
        return
    if not hits:
        click.echo("Keine Treffer.")
        _hint_facets(cat, query)
        return
    more = f" (angezeigt: {format_de(len(shown))})" if len(shown) < len(hits) else ""
    _requirement_table(shown, title=f"{format_de(len(hits))} Treffer in {cat.title}{more}")


def _hint_facets(cat: Catalog, query: Any) -> None:
    """With no hit for an action word or documentation type, name the ones the catalog has."""
    from ..catalog.search import facets

    known = facets(cat)
    for name, label in (("action_word", "Handlungswörter"), ("documentation", "Dokumentationsarten")):
        if getattr(query, name) and known[name]:
            top = ", ".join(list(known[name])[:15])
            click.echo(f"{label} in diesem Katalog (häufigste zuerst): {top}")


@catalog.command("diff")
@click.argument("old", metavar="ALT")
@click.argument("new", metavar="NEU")
@format_option()
@click.pass_obj
def diff(session: Session, old: str, new: str, fmt: str) -> None:
    """Zwei Katalogstände vergleichen (Dateien oder eingetragene Namen): neue, entfernte,
    geänderte und umnummerierte Anforderungen (Zuordnung über die stabile UUID)."""
    from ..catalog.diff import FIELD_LABELS, KIND_LABELS, diff_catalogs

    result = diff_catalogs(_load_named(session, old), _load_named(session, new))
    if fmt == "json":
        _emit(result.to_dict())
        return
    click.echo(f"Alt: {result.old_title} (Version {result.old_version})")
    click.echo(f"Neu: {result.new_title} (Version {result.new_version})")
    counts = result.counts()
    print_table(
        ["Art", "Anzahl"],
        [(KIND_LABELS.get(kind, "unverändert"), format_de(n)) for kind, n in counts.items()],
        right_align=(1,),
    )
    if result.is_empty:
        click.echo("Keine Unterschiede.")
        return

    def fields(entry: RequirementDiff) -> str:
        return ", ".join(FIELD_LABELS[f] for f in entry.fields)

    sections: list[tuple[str, list[str], Callable[[RequirementDiff], tuple[str | None, ...]]]] = [
        ("renumbered", ["alte ID", "neue ID", "Titel"], lambda e: (e.old_id, e.new_id, e.title)),
        ("renumbered_changed", ["alte ID", "neue ID", "Titel", "geändert"],
         lambda e: (e.old_id, e.new_id, e.title, fields(e))),
        ("changed", ["ID", "Titel", "geändert"], lambda e: (e.new_id, e.title, fields(e))),
        ("added", ["ID", "Titel"], lambda e: (e.new_id, e.title)),
        ("removed", ["ID", "Titel"], lambda e: (e.old_id, e.title)),
    ]
    for kind, headers, row in sections:
        entries: list[RequirementDiff] = getattr(result, kind)
        if entries:
            click.echo()
            title = f"{KIND_LABELS[kind].capitalize()} ({format_de(len(entries))})"
            print_table(headers, [row(e) for e in entries], title=title)


@catalog.command("categories")
@click.argument("name", metavar="[KATEGORIE]", required=False)
@click.option("--namespace", type=click.Path(dir_okay=False, path_type=Path), metavar="DATEI",
              help="BSI-Namensraum target_object_categories.csv (sonst catalogs/namensraum/ der Arbeitsumgebung).")
@format_option()
@click.pass_obj
def categories(session: Session, name: str | None, namespace: Path | None, fmt: str) -> None:
    """Zielobjektkategorien von Grundschutz++ mit Hierarchie und Definition (aus dem BSI-Namensraum)."""
    _show_categories(session, name, namespace, fmt)


def _show_categories(session: Session, name: str | None, namespace: Path | None, fmt: str) -> None:
    from ..app.modelling import categories_view

    view = categories_view(session, namespace, name)
    if fmt == "json":
        _emit(view)
        return
    single = name is not None
    for row in view["categories"]:
        indent = "  " * row["depth"]
        count = f" – {format_de(row['controls'] or 0)} Anforderungen" if view["catalog"] else ""
        mark = "" if row["in_namespace"] else " (nicht im BSI-Namensraum)"
        click.echo(f"{indent}{row['name']}{count}{mark}")
        if row["definition"] and (single or view["namespace"]):
            import textwrap

            for line in textwrap.wrap(row["definition"], 100 - len(indent)):
                click.echo(f"{indent}    {line}")
        if single and row["synonyms"]:
            click.echo(f"{indent}    auch: {', '.join(row['synonyms'])}")
    if not view["namespace"]:
        click.echo("Definitionen: mit --namespace DATEI (BSI-Namensraum target_object_categories.csv) "
                   "oder die Datei in catalogs/namensraum/ ablegen.", err=True)


def _register_transitions() -> None:
    """``catalog upgrade``, ``catalog migrate`` and ``catalog undo`` live in their own module."""
    from .catalog_transition import migrate, undo, upgrade

    for command in (upgrade, migrate, undo):
        catalog.add_command(command)


_register_transitions()
