"""Built-in plugin: ``ikz-isms review publish|adopt|list`` (shared reviews, "Einer für Alle") and their check rules."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any, Iterator

import click

from ..hookspecs import hookimpl
from ..output import emit_json, format_option, print_table
from .assess import _actor, _assessment, _one_county, county_option

STALE_RULES = {"expired": "review.expired", "superseded": "review.superseded", "unknown": "review.unknown"}
STALE_TEXT = {"expired": "abgelaufen", "superseded": "neue Hauptversion", "unknown": "Bewertung fehlt"}


@click.group("review")
def review() -> None:
    """Gemeinsame Bewertungen („Einer für Alle“): veröffentlichen, übernehmen, anzeigen.

    Bewertungen liegen für den ganzen Verbund in catalogs/bewertungen/<ID>.yaml.
    """


def _parse_valid_until(value: str | None) -> dt.date | None:
    from ..errors import UsageError

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--valid-until '{value}' ist kein Datum (erwartet JJJJ-MM-TT).") from None


@review.command("publish")
@county_option
@click.option("--target", required=True, help="Zielobjekt, für das das Produkt bewertet wurde.")
@click.option("--product", required=True, help="Produktname.")
@click.option("--version", "version", required=True, help="Produktversion (z. B. 5.2).")
@click.option("--vendor", required=True, help="Hersteller.")
@click.option("--valid-until", metavar="JJJJ-MM-TT", default=None,
              help="Gültig bis JJJJ-MM-TT (Standard: heute in zwei Jahren).")
@click.option("--id", "review_id", help="ID der Bewertung (Standard: <landkreis>-<produkt>-<version>).")
@format_option()
@click.pass_obj
def publish(app, county, target, product, version, vendor, valid_until, review_id, fmt):
    """Die eigene Bewertung eines Produkts für den Verbund veröffentlichen."""
    from ..assess.reviews import build_review, write_review

    selected = _one_county(app, county)
    document = build_review(
        _assessment(app, selected, {}), target, product=product, version=version, vendor=vendor,
        review_id=review_id, valid_until=_parse_valid_until(valid_until),
    )
    path = write_review(app.workspace, document)
    shown = os.path.relpath(path, app.workspace.root)
    if fmt == "json":
        emit_json({**document, "file": shown})
        return
    withheld = "" if document["disclosure"] == "full" else " (Offenlegung aggregate: ohne Umsetzungstexte und Nachweise)"
    click.echo(
        f"Veröffentlicht: Bewertung {document['id']} – {product} {version} ({vendor}), "
        f"{len(document['results'])} Ergebnisse{withheld}, gültig bis {document['valid_until'].isoformat()}."
    )
    click.echo(f"Datei: {shown}")


@review.command("adopt")
@click.argument("review_id", metavar="BEWERTUNG")
@county_option
@click.option("--target", required=True, help="Eigenes Zielobjekt, für das die Bewertung übernommen wird.")
@click.option("--force", is_flag=True, help="Auch eine abgelaufene Bewertung übernehmen.")
@click.option("--actor", help="Name für das Journal (sonst IKZ_ISMS_ACTOR oder Benutzername).")
@format_option()
@click.pass_obj
def adopt_command(app, review_id, county, target, force, actor, fmt):
    """Eine Bewertung eines anderen Landkreises für ein eigenes Zielobjekt übernehmen."""
    from ..assess.reviews import adopt, find_review, load_reviews, superseded_by

    selected = _one_county(app, county)
    found = find_review(app.workspace, review_id)
    adoption = adopt(found, _assessment(app, selected, {}), target, actor=_actor(actor), force=force)
    changed = [(old, new) for old, new in adoption.applied if old != new]
    newer = superseded_by(found, load_reviews(app.workspace))
    if fmt == "json":
        emit_json({
            "review": found.id, "county": selected.key, "target": target,
            "adopted": [new["requirement"] for _, new in changed],
            "unchanged": len(adoption.applied) - len(changed),
            "kept": [{"requirement": r.requirement, "status": r.status} for r in adoption.kept],
            "not_modelled": adoption.not_modelled,
            "superseded_by": newer.id if newer else None,
            "expired": found.expired(dt.date.today()),
        })
        return
    click.echo(
        f"Bewertung {found.id} ({found.product} {found.version}, {found.author_name}) übernommen für "
        f"{target} ({selected.profile.name}): {_entries(len(changed))} geerbt (Herkunft review:{found.id})."
    )
    if len(adoption.applied) > len(changed):
        click.echo(f"Unverändert (schon übernommen): {len(adoption.applied) - len(changed)}.")
    if adoption.kept:
        click.echo(f"Eigene Einträge behalten ({len(adoption.kept)}): "
                   + ", ".join(f"{r.requirement} ({r.status})" for r in adoption.kept))
    if adoption.not_modelled:
        click.echo(f"Nicht modelliert, übersprungen ({len(adoption.not_modelled)}): " + ", ".join(adoption.not_modelled))
    if found.expired(dt.date.today()):
        click.echo(f"Warnung: Bewertung ist seit {found.valid_until.isoformat()} abgelaufen (--force).", err=True)
    if newer is not None:
        click.echo(f"Hinweis: Es gibt eine Bewertung einer neueren Hauptversion: {newer.id} ({newer.version}).", err=True)


def _entries(count: int, adjective: str = "") -> str:
    """``1 Prüfeintrag`` / ``3 geerbte Prüfeinträge`` (German singular and plural)."""
    if count == 1:
        return f"1 {adjective + 'r ' if adjective else ''}Prüfeintrag"
    return f"{count} {adjective + ' ' if adjective else ''}Prüfeinträge"


def _records_by_county(app: Any) -> dict[str, Any]:
    from ..assess.records import load_records
    from ..county import load_counties

    counties = load_counties(app.pm, app.workspace)
    return {key: load_records(counties[key].records_path, roundtrip=False)
            for key in app.workspace.members if key in counties}


@review.command("list")
@format_option()
@click.pass_obj
def list_command(app, fmt):
    """Alle Bewertungen mit Gültigkeit und übernehmenden Landkreisen."""
    from ..assess.reviews import adopters, load_reviews, superseded_by

    today = dt.date.today()
    reviews = load_reviews(app.workspace)
    adopted = adopters(_records_by_county(app))
    rows = []
    for found in reviews.values():
        newer = superseded_by(found, reviews)
        rows.append({
            "id": found.id, "product": found.product, "version": found.version, "vendor": found.vendor,
            "author": found.author, "author_name": found.author_name,
            "date": found.date, "valid_until": found.valid_until,
            "validity": found.validity(today), "expired": found.expired(today),
            "days_left": (found.valid_until - today).days,
            "superseded_by": newer.id if newer else None,
            "catalog": {"name": found.catalog_name, "version": found.catalog_version, "sha256": found.catalog_sha256},
            "disclosure": found.disclosure, "results": len(found.results),
            "adopters": adopted.get(found.id, []),
        })
    if fmt == "json":
        emit_json({"date": today, "reviews": rows})
        return
    if not rows:
        click.echo("Keine Bewertungen – mit 'ikz-isms review publish' veröffentlichen.")
        return
    print_table(
        ["ID", "Produkt", "von", "gültig bis", "Status", "Ergebnisse", "übernommen von (Einträge)"],
        [
            (r["id"], f"{r['product']} {r['version']} ({r['vendor']})", r["author_name"],
             r["valid_until"].isoformat(),
             r["validity"] + (f"; neue Hauptversion: {r['superseded_by']}" if r["superseded_by"] else ""),
             r["results"],
             ", ".join(f"{a['county']}/{a['target']} ({a['records']})" for a in r["adopters"]) or "–")
            for r in rows
        ],
        title="Gemeinsame Bewertungen („Einer für Alle“)",
        right_align=(5,),
    )


def _county_data(ctx: Any) -> Iterator[Any]:
    """Each member county's data, skipping counties whose files other rules already report."""
    from ..assess import load_county_data
    from ..county import load_counties
    from ..errors import InputError

    counties = load_counties(ctx.pm, ctx.workspace)
    for key in ctx.workspace.members:
        if key not in counties:
            continue
        try:
            yield load_county_data(counties[key])
        except InputError:
            continue


def _reviews_or_finding(ctx: Any) -> tuple[dict[str, Any], list[Any]]:
    """The workspace's reviews; a broken file becomes one finding and an empty set."""
    from ..assess.reviews import load_review, reviews_dir
    from ..checks import ERROR, Finding
    from ..errors import InputError

    reviews, findings = {}, []
    directory = reviews_dir(ctx.workspace)
    for path in sorted(directory.glob("*.yaml")) if directory.is_dir() else ():
        shown = os.path.relpath(path, ctx.workspace.root)
        try:
            found = load_review(path)
        except InputError as exc:
            findings.append(Finding("review.file", ERROR, exc.message, shown, exc.location or ""))
            continue
        reviews[found.id] = found
    return reviews, findings


def files_rule(ctx: Any) -> Iterator[Any]:
    """Review files: schema, dates, id = file name, catalog pin still the workspace's."""
    from ..checks import WARNING, Finding

    if ctx.workspace is None:
        return
    reviews, findings = _reviews_or_finding(ctx)
    yield from findings
    pins = ctx.workspace.pins
    for found in reviews.values():
        pin = pins.get(found.catalog_name)
        if pin is None or pin.sha256 != found.catalog_sha256:
            yield Finding(
                "review.catalog", WARNING,
                f"Bewertung '{found.id}' wurde gegen einen Katalog erstellt, der so nicht mehr fixiert ist "
                f"({found.catalog_name}, sha256 {found.catalog_sha256[:12]}); sie kann nicht übernommen werden.",
                os.path.relpath(found.path, ctx.workspace.root),
            )


def expired_rule(ctx: Any) -> Iterator[Any]:
    """Inherited records from expired or superseded (or missing) reviews, per county and target."""
    from ..assess.reviews import stale_inherited
    from ..checks import WARNING, Finding

    if ctx.workspace is None:
        return
    reviews, broken = _reviews_or_finding(ctx)
    # records from a review whose file is broken are reported by review.files, not as "missing"
    unreadable = {os.path.basename(f.file)[: -len(".yaml")] for f in broken}
    for data in _county_data(ctx):
        groups: dict[tuple[str, str, str], list[Any]] = {}
        for stale in stale_inherited(ctx.workspace, data, reviews=reviews):
            if stale.reason == "unknown" and stale.review in unreadable:
                continue
            groups.setdefault((stale.target, stale.review, stale.reason), []).append(stale)
        shown = os.path.relpath(data.county.records_path, ctx.workspace.root)
        for (target, review_id, reason), items in groups.items():
            found = reviews.get(review_id)
            if reason == "expired":
                why = f"ist seit {found.valid_until.isoformat()} abgelaufen"
            elif reason == "superseded":
                why = f"gilt für {found.product} {found.version}; neuere Hauptversion bewertet in '{items[0].by}'"
            else:
                why = "gibt es nicht (mehr)"
            yield Finding(
                STALE_RULES[reason], WARNING,
                f"Landkreis {data.county.profile.name}, Zielobjekt {target}: {_entries(len(items), 'geerbte')} "
                f"erneut prüfen – Bewertung '{review_id}' {why} "
                f"(z. B. {', '.join(s.requirement for s in items[:3])}).",
                shown,
            )


@hookimpl
def ikz_register_commands(cli):
    cli.add_command(review)


@hookimpl
def ikz_register_check_rules(register):
    register("review.files", files_rule,
             "Gemeinsame Bewertungen: Schema, Datumsangaben, ID = Dateiname, Katalog noch fixiert")
    register("review.expired", expired_rule,
             "Geerbte Prüfeinträge aus abgelaufenen, überholten oder fehlenden Bewertungen erneut prüfen")
