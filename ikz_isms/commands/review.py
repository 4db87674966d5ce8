"""Built-in plugin: ``ikz-isms review publish|adopt|answer|delta|list`` (shared reviews, "Einer für Alle")."""

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
@click.option("--organisational", "organisational", multiple=True, metavar="ANFORDERUNG",
              help="Anforderung, deren Ergebnis die eigene organisatorische Lage beschreibt (nicht das Produkt): "
                   "Übernehmende sehen sie nur als Hinweis (mehrfach oder mit Komma; entbehrlich gilt immer so).")
@format_option()
@click.pass_obj
def publish(session: Session, county: str | None, target: str, product: str, version: str, vendor: str,
            valid_until: str | None, review_id: str | None, organisational: tuple[str, ...], fmt: str) -> None:
    """Die eigene Bewertung eines Produkts für den Verbund veröffentlichen.

    Jedes Ergebnis ist ein Produktbefund (übernehmbar) oder – mit --organisational und bei
    entbehrlich – die eigene organisatorische Lage, die Übernehmende nur als Hinweis sehen.
    """
    from ..app.reviews import publish_review

    for name, value in (("--product", product), ("--version", version), ("--vendor", vendor)):
        if not value.strip():
            from ..errors import UsageError

            raise UsageError(f"{name} darf nicht leer sein.")
    selected = session.one_county(county)
    wanted = tuple(dict.fromkeys(part.strip() for item in organisational for part in item.split(",") if part.strip()))
    document, shown = publish_review(session, selected, target, product=product.strip(), version=version.strip(),
                                     vendor=vendor.strip(), review_id=review_id,
                                     valid_until=date_value(valid_until, "--valid-until"), organisational=wanted)
    if fmt == "json":
        emit_json({**document, "file": shown})
        return
    withheld = "" if document["disclosure"] == "full" else " (Offenlegung aggregate: ohne Umsetzungstexte und Nachweise)"
    org = sum(1 for r in document["results"] if r["scope"] == "organisation")
    click.echo(
        f"Veröffentlicht: Bewertung {document['id']} – {product} {version} ({vendor}), "
        f"{len(document['results'])} Ergebnisse ({len(document['results']) - org} Produktbefunde, {org} organisatorisch)"
        f"{withheld}, gültig bis {date_de(document['valid_until'])}."
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
            "hints": [{"requirement": r.requirement, "author_status": r.status, "hint": r.note} for r in adoption.hints],
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
    if adoption.hints:
        click.echo(f"Organisatorische Anforderungen – nicht übernommen, in eigenen Worten beantworten "
                   f"({len(adoption.hints)}):")
        for result in adoption.hints:
            click.echo(f"  {result.requirement} – Hinweis von {found.author_name} ({result.status}): "
                       f"„{result.note or 'ohne Text'}“")
        click.echo(f"  Antworten: ikz-isms review answer {found.id} ANFORDERUNG STATUS --county {selected.key} "
                   f"--target {target} --statement \"…\" (Stand: ikz-isms review delta {found.id} "
                   f"--county {selected.key} --target {target})")
    if found.expired(session.today):
        click.echo(f"Warnung: Bewertung ist seit {date_de(found.valid_until)} abgelaufen (--force).", err=True)
    if newer is not None:
        click.echo(f"Hinweis: Es gibt eine Bewertung einer neueren Hauptversion: {newer.id} ({newer.version}).", err=True)


@review.command("answer")
@click.argument("review_id", metavar="BEWERTUNG")
@click.argument("requirement", metavar="ANFORDERUNG")
@click.argument("status", metavar="STATUS", type=click.Choice(["ja", "teilweise", "nein", "entbehrlich"]))
@county_option
@click.option("--target", required=True, help="Eigenes Zielobjekt, für das die Bewertung übernommen wurde.")
@click.option("--statement", required=True, help="Die eigene Lage in eigenen Worten (Umsetzung).")
@click.option("--reason", default=None, help="Begründung (Pflicht bei entbehrlich).")
@click.option("--responsible", default=None, help="Verantwortliche Stelle.")
@actor_option
@format_option()
@click.pass_obj
def answer_command(session: Session, review_id: str, requirement: str, status: str, county: str | None, target: str,
                   statement: str, reason: str | None, responsible: str | None, actor: str | None, fmt: str) -> None:
    """Eine organisatorische Anforderung einer übernommenen Bewertung in eigenen Worten beantworten.

    Die Antwort wird ein eigener Prüfeintrag (Herkunft own, im Journal); die Formulierung des
    bewertenden Landkreises wird nicht übernommen und als Antwort abgelehnt.
    """
    from ..app.reviews import answer_review

    selected = session.one_county(county)
    entry, (_old, new) = answer_review(session, review_id, selected, target, requirement, status, statement=statement,
                                       reason=reason, responsible=responsible, actor=actor_name(actor))
    if fmt == "json":
        emit_json({"review": review_id, "county": selected.key, "target": target, **entry.as_dict(), "record": new})
        return
    click.echo(f"{requirement} auf {target} ({selected.profile.name}) beantwortet: {status} – {entry.state} "
               f"(beim bewertenden Landkreis: {entry.author_status}).")


@review.command("delta")
@click.argument("review_id", metavar="BEWERTUNG")
@county_option
@click.option("--target", required=True, help="Eigenes Zielobjekt, für das die Bewertung übernommen wurde.")
@format_option()
@click.pass_obj
def delta_command(session: Session, review_id: str, county: str | None, target: str, fmt: str) -> None:
    """Organisatorische Anforderungen einer Bewertung: Hinweis des Autors und eigene Antwort (offen/bestätigt/abweichend)."""
    from ..app.reviews import review_delta

    selected = session.one_county(county)
    found, entries = review_delta(session, review_id, selected, target)
    if fmt == "json":
        emit_json({"review": found.id, "county": selected.key, "target": target,
                   "entries": [e.as_dict() for e in entries]})
        return
    if not entries:
        click.echo(f"Bewertung {found.id} enthält keine organisatorischen Anforderungen auf {target}.")
        return
    print_table(
        ["Anforderung", f"Hinweis von {found.author_name}", "eigene Antwort", "Stand"],
        [(e.requirement, f"{e.author_status}: {e.note}" if e.note else e.author_status,
          f"{e.answer.status}: {e.answer.statement}" if e.answer else "–", e.state) for e in entries],
        title=f"Review-Delta {found.id} – {selected.profile.name}, Zielobjekt {target}",
    )
    open_count = sum(1 for e in entries if e.state == "offen")
    if open_count:
        click.echo(f"{open_count} offen: ikz-isms review answer {found.id} ANFORDERUNG STATUS --county {selected.key} "
                   f"--target {target} --statement \"…\"")


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
