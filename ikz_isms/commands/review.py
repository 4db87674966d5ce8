"""Built-in plugin: ``ikz-isms review publish|adopt|list`` (shared reviews, "Einer für Alle") and their check rules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from ..output import emit_json, print_table
from ..present import date_de
from .options import actor_name, actor_option, county_option, date_value, format_option

if TYPE_CHECKING:
    from ..app.session import Session

STALE_TEXT = {"expired": "abgelaufen", "superseded": "neue Hauptversion", "unknown": "Bewertung fehlt"}


@click.group("review")
def review() -> None:
    """Gemeinsame Bewertungen („Einer für Alle“): veröffentlichen, übernehmen, anzeigen.

    Bewertungen liegen für den ganzen Verbund in catalogs/bewertungen/<ID>.yaml.
    """


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
def publish(session: Session, county: str | None, target: str, product: str, version: str, vendor: str,
            valid_until: str | None, review_id: str | None, fmt: str) -> None:
    """Die eigene Bewertung eines Produkts für den Verbund veröffentlichen."""
    from ..app.reviews import publish_review

    for name, value in (("--product", product), ("--version", version), ("--vendor", vendor)):
        if not value.strip():
            from ..errors import UsageError

            raise UsageError(f"{name} darf nicht leer sein.")
    selected = session.one_county(county)
    document, shown = publish_review(session, selected, target, product=product.strip(), version=version.strip(),
                                     vendor=vendor.strip(), review_id=review_id,
                                     valid_until=date_value(valid_until, "--valid-until"))
    if fmt == "json":
        emit_json({**document, "file": shown})
        return
    withheld = "" if document["disclosure"] == "full" else " (Offenlegung aggregate: ohne Umsetzungstexte und Nachweise)"
    click.echo(
        f"Veröffentlicht: Bewertung {document['id']} – {product} {version} ({vendor}), "
        f"{len(document['results'])} Ergebnisse{withheld}, gültig bis {date_de(document['valid_until'])}."
    )
    click.echo(f"Datei: {shown}")


@review.command("adopt")
@click.argument("review_id", metavar="BEWERTUNG")
@county_option
@click.option("--target", required=True, help="Eigenes Zielobjekt, für das die Bewertung übernommen wird.")
@click.option("--force", is_flag=True, help="Auch eine abgelaufene Bewertung übernehmen.")
@actor_option
@format_option()
@click.pass_obj
def adopt_command(session: Session, review_id: str, county: str | None, target: str, force: bool, actor: str | None,
                  fmt: str) -> None:
    """Eine Bewertung eines anderen Landkreises für ein eigenes Zielobjekt übernehmen."""
    from ..app.reviews import adopt_review
    from ..assess.reviews import superseded_by

    selected = session.one_county(county)
    adoption = adopt_review(session, review_id, selected, target, actor=actor_name(actor), force=force)
    found = adoption.review
    changed = [(old, new) for old, new in adoption.applied if old != new]
    newer = superseded_by(found, session.reviews())
    if fmt == "json":
        emit_json({
            "review": found.id, "county": selected.key, "target": target,
            "adopted": [new["requirement"] for _, new in changed],
            "unchanged": len(adoption.applied) - len(changed),
            "kept": [{"requirement": r.requirement, "status": r.status} for r in adoption.kept],
            "not_modelled": adoption.not_modelled,
            "superseded_by": newer.id if newer else None,
            "expired": found.expired(session.today),
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
    if found.expired(session.today):
        click.echo(f"Warnung: Bewertung ist seit {date_de(found.valid_until)} abgelaufen (--force).", err=True)
    if newer is not None:
        click.echo(f"Hinweis: Es gibt eine Bewertung einer neueren Hauptversion: {newer.id} ({newer.version}).", err=True)


def _entries(count: int, adjective: str = "") -> str:
    """``1 Prüfeintrag`` / ``3 geerbte Prüfeinträge`` (German singular and plural)."""
    if count == 1:
        return f"1 {adjective + 'r ' if adjective else ''}Prüfeintrag"
    return f"{count} {adjective + ' ' if adjective else ''}Prüfeinträge"


@review.command("list")
@format_option()
@click.pass_obj
def list_command(session: Session, fmt: str) -> None:
    """Alle Bewertungen mit Gültigkeit und übernehmenden Landkreisen."""
    from ..assess.reviews import adopters, superseded_by

    today = session.today
    reviews = session.reviews()
    adopted = adopters({c.key: session.county_data(c).records for c in session.members()})
    rows: list[dict[str, Any]] = []
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
             date_de(r["valid_until"]),
             r["validity"] + (f"; neue Hauptversion: {r['superseded_by']}" if r["superseded_by"] else ""),
             r["results"],
             ", ".join(f"{a['county']}/{a['target']} ({a['records']})" for a in r["adopters"]) or "–")
            for r in rows
        ],
        title="Gemeinsame Bewertungen („Einer für Alle“)",
        right_align=(5,),
    )
