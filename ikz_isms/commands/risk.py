"""Built-in plugin: ``ikz-isms risk`` — the risk analysis after BSI-Standard 200-3 (register, treatment, acceptance)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from ..output import emit_json, print_table
from ..present import date_de, plural_de
from .options import (
    actor_name,
    actor_option,
    as_of_option,
    county_option,
    date_value,
    format_option,
    unread_counties_end,
)

if TYPE_CHECKING:
    from ..app.session import Session

FREQUENCY = click.Choice(["selten", "mittel", "häufig", "sehr häufig"])
IMPACT = click.Choice(["vernachlässigbar", "begrenzt", "beträchtlich", "existenzbedrohend"])
TREATMENT = click.Choice(["vermeiden", "reduzieren", "transferieren", "akzeptieren"])


def _rating(entry: dict[str, Any], residual: bool = False) -> str:
    part = entry["residual"] if residual else entry
    if not part.get("category"):
        return "–"
    if not part.get("frequency"):
        return f"{part['category']} (wie vor der Behandlung)"
    return f"{part['category']} ({part['frequency']} × {part['impact']})"


def _show_risk(entry: dict[str, Any], name: str) -> None:
    click.echo(f"Risiko {entry['id']} ({name}): {entry['title']} auf {entry['target']}")
    click.echo(f"  vor der Behandlung: {_rating(entry)}; Stand: {entry['state']}")
    treatment = entry.get("treatment")
    if treatment:
        measures = ", ".join(m["id"] for m in entry["measures"]) or "keine"
        click.echo(f"  Behandlung: {treatment['option']}, verantwortlich {treatment['owner'] or '–'}, "
                   f"Frist {date_de(treatment['deadline'])}, Maßnahmen: {measures}")
    if entry["residual"].get("category"):
        click.echo(f"  Restrisiko: {_rating(entry, True)}")
    acceptance = entry.get("acceptance")
    if acceptance:
        click.echo(f"  akzeptiert von {acceptance['by']} ({acceptance['role']}) am {date_de(acceptance['decided'])} "
                   f"bis {date_de(acceptance['until'])}" + (f", {acceptance['reference']}" if acceptance["reference"] else ""))
    for gap in entry["basis_gaps"]:
        click.echo(f"  entsteht aus offener Basis-Anforderung {gap['requirement']} auf {gap['target']} ({gap['status']}) "
                   "– nicht akzeptierbar")


@click.group("risk")
def risk() -> None:
    """Risikoanalyse nach BSI-Standard 200-3: Risikoregister, Behandlung, Akzeptanz durch die Behördenleitung."""


@risk.command("list")
@county_option
@click.option("--verbund", is_flag=True, help="Risikokategorien je Landkreis, so weit die Offenlegung es erlaubt.")
@as_of_option("Stichtag für „abgelaufen“ und „überfällig“ (JJJJ-MM-TT, sonst heute).")
@format_option()
@click.pass_obj
def list_command(session: "Session", county: str | None, verbund: bool, as_of: str | None, fmt: str) -> None:
    """Risikoregister: je Risiko Einstufung vor und nach der Behandlung, Behandlung, Akzeptanz, Stand."""
    from ..app.risks import risk_view, verbund_risks
    from ..errors import UsageError

    day = date_value(as_of, "--as-of") or session.today
    if verbund:
        if county:
            raise UsageError("--verbund nicht zusammen mit --county angeben.")
        view = verbund_risks(session, day)
        if fmt == "json":
            emit_json(view)
            unread_counties_end(session)
            return
        rows = []
        for row in view["counties"]:
            risks = row["risks"]
            if risks is None:
                rows.append((row["name"], "–", "–", "–", "–", row["withheld"] or "–"))
                continue
            before = ", ".join(f"{k} {v}" for k, v in risks["before"].items() if v) or "keine"
            after = ", ".join(f"{k} {v}" for k, v in risks["after"].items() if v) or "keine"
            rows.append((row["name"], str(risks["count"]), before, after, str(risks["accepted"]),
                         f"{risks['untreated']} unbehandelt, {risks['acceptance_expired']} Akzeptanz abgelaufen"))
        print_table(["Landkreis", "Risiken", "vor der Behandlung", "nach der Behandlung", "akzeptiert", "offen"], rows,
                    title=f"Risiken im Verbund (Stichtag {date_de(day)}; Matrix: {view['matrix']['source']})",
                    right_align=(1, 4))
        for note in view["notes"]:
            click.echo(f"Hinweis: {note}")
        unread_counties_end(session)
        return
    documents = [risk_view(session, c, day).document() for c in session.select_counties(county)]
    if fmt == "json":
        emit_json({"as_of": day, "counties": documents})
        return
    for document in documents:
        click.echo("")
        title = f"Risikoregister – Landkreis {document['name']} – {document['classification']} (Stichtag {date_de(day)})"
        if not document["risks"]:
            click.echo(f"{title}: noch keine Risiken erfasst (ikz-isms risk add --county {document['county']} …).")
        else:
            print_table(
                ["Risiko", "Zielobjekt", "Gefährdung", "vorher", "Behandlung", "nachher", "Stand"],
                [(r["id"], r["target"], (f"{r['threat']} " if r["threat"] else "") + r["title"], _rating(r),
                  (r["treatment"] or {}).get("option") or "–", _rating(r, True),
                  r["state"] + (" (Basis-Lücke)" if r["basis_gap"] else "")) for r in document["risks"]],
                title=title)
        missing = [c for c in document["candidates"] if not c["analysed"]]
        if missing:
            click.echo(f"Ohne Risikoanalyse ({plural_de(len(missing), 'Zielobjekt', 'Zielobjekte')}, die eine brauchen): "
                       + ", ".join(f"{c['target']} ({'; '.join(c['reasons'])})" for c in missing))


@risk.command("candidates")
@county_option
@format_option()
@click.pass_obj
def candidates_command(session: "Session", county: str | None, fmt: str) -> None:
    """Zielobjekte, die eine Risikoanalyse brauchen: erhöhter Schutzbedarf, nicht modelliert, offene Basis-Anforderungen."""
    from ..app.risks import risk_view

    views = [risk_view(session, c) for c in session.select_counties(county)]
    if fmt == "json":
        emit_json({"counties": [{"county": v.county.key, "name": v.county.profile.name,
                                 "candidates": [c.as_dict() for c in v.candidates]} for v in views]})
        return
    for view in views:
        print_table(["Zielobjekt", "Name", "Anlass", "Risiken im Register"],
                    [(c.target, c.name, "; ".join(c.reasons), ", ".join(c.risks) or "–") for c in view.candidates],
                    title=f"Risikoanalyse erforderlich – Landkreis {view.county.profile.name}")


@risk.command("threats")
@county_option
@click.option("--definitions", is_flag=True, help="Mit der Beschreibung des BSI (aus dem Katalog oder basethreats.csv).")
@format_option()
@click.pass_obj
def threats_command(session: "Session", county: str | None, definitions: bool, fmt: str) -> None:
    """Die elementaren Gefährdungen G 0.1 bis G 0.47 (Beschreibung aus dem Katalog oder BSI-Namensraumdatei)."""
    from ..app.risks import threat_listing

    selected = session.county(county) if county else None
    listing, source = threat_listing(session, selected)
    if fmt == "json":
        emit_json({**source, "threats": [t.as_dict() for t in listing]})
        return
    rows = [(t.id, t.name, t.definition if definitions else ("ja" if t.definition else "–")) for t in listing]
    print_table(["ID", "Gefährdung", "Beschreibung" if definitions else "Beschreibung vorhanden"], rows,
                title="Elementare Gefährdungen")
    if not any(t.definition for t in listing):
        click.echo("Hinweis: Beschreibungen zeigt ikz-isms aus dem Katalog (Edition 2023) oder aus BSIs "
                   "basethreats.csv in catalogs/namensraum/.")


@risk.command("add")
@county_option
@click.option("--target", required=True, metavar="ZIELOBJEKT", help="Zielobjekt, für das das Risiko besteht.")
@click.option("--threat", metavar="'G 0.N'", help="Elementare Gefährdung, z. B. 'G 0.39'.")
@click.option("--title", help="Titel (Pflicht bei einer zusätzlichen Gefährdung ohne G-Nummer).")
@click.option("--description", help="Beschreibung des Szenarios.")
@click.option("--requirement", "requirements", multiple=True, metavar="ANFORDERUNG",
              help="Nicht erfüllte Anforderung, aus der das Risiko entsteht (mehrfach; ANFORDERUNG@ZIELOBJEKT für ein "
                   "anderes Objekt).")
@click.option("--frequency", type=FREQUENCY, help="Eintrittshäufigkeit (gleich bewerten).")
@click.option("--impact", type=IMPACT, help="Schadensauswirkung (gleich bewerten).")
@click.option("--reason", help="Begründung der Einstufung.")
@actor_option
@format_option()
@click.pass_obj
def add_command(session: "Session", county: str | None, target: str, threat: str | None, title: str | None,
                description: str | None, requirements: tuple[str, ...], frequency: str | None, impact: str | None,
                reason: str | None, actor: str | None, fmt: str) -> None:
    """Ein Risiko ins Register aufnehmen: Zielobjekt und elementare (oder zusätzliche) Gefährdung."""
    from ..app.registers import typed_text
    from ..app.risks import add_risk
    from ..errors import UsageError
    from ..risk.threats import threat_id

    known = None
    if threat is not None:
        known = threat_id(threat)
        if known is None:
            raise UsageError(f"--threat '{threat[:40]}' ist keine elementare Gefährdung (G 0.1 … G 0.47; "
                             "ikz-isms risk threats listet sie).")
    if known is None and title is None:
        raise UsageError("--threat oder --title angeben (eine zusätzliche Gefährdung braucht einen Titel).")
    if (frequency is None) != (impact is None):
        raise UsageError("--frequency und --impact nur zusammen angeben.")
    values = {
        "target": typed_text(target, "--target", limit=100), "threat": known,
        "title": typed_text(title, "--title"), "description": typed_text(description, "--description", limit=20000),
        "requirements": [typed_text(r, "--requirement", limit=300) for r in requirements],
        "frequency": frequency, "impact": impact, "reason": typed_text(reason, "--reason", limit=20000),
    }
    selected = session.one_county(county)
    entry = add_risk(session, selected, values, actor=actor_name(actor))
    if fmt == "json":
        emit_json({"county": selected.key, "risk": entry})
        return
    click.echo(f"Aufgenommen: Risiko {entry['id']} ({selected.profile.name}) – {entry['title']} auf {entry['target']}"
               + (f", {_rating(entry)}" if entry.get("category") else " (noch nicht bewertet)"))


@risk.command("assess")
@click.argument("risk_id", metavar="RISIKO")
@county_option
@click.option("--frequency", type=FREQUENCY, required=True, help="Eintrittshäufigkeit.")
@click.option("--impact", type=IMPACT, required=True, help="Schadensauswirkung.")
@click.option("--reason", help="Begründung der Einstufung.")
@click.option("--residual", is_flag=True, help="Das Restrisiko nach der Behandlung bewerten.")
@actor_option
@format_option()
@click.pass_obj
def assess_command(session: "Session", risk_id: str, county: str | None, frequency: str, impact: str,
                   reason: str | None, residual: bool, actor: str | None, fmt: str) -> None:
    """Ein Risiko einstufen (Häufigkeit × Auswirkung → Kategorie der Risikomatrix), vor oder nach der Behandlung."""
    from ..app.registers import typed_text
    from ..app.risks import assess_risk

    selected = session.one_county(county)
    entry = assess_risk(session, selected, risk_id, frequency=frequency, impact=impact,
                        reason=typed_text(reason, "--reason", limit=20000), residual=residual, actor=actor_name(actor))
    if fmt == "json":
        emit_json({"county": selected.key, "risk": entry})
        return
    which = "Restrisiko" if residual else "Risiko"
    click.echo(f"Bewertet: {which} {risk_id} ({selected.profile.name}): {_rating(entry, residual)}")


@risk.command("treat")
@click.argument("risk_id", metavar="RISIKO")
@county_option
@click.option("--option", "option", type=TREATMENT, required=True, help="Behandlung nach BSI-Standard 200-3.")
@click.option("--owner", required=True, help="Risikoeigentümer/in, verantwortlich für die Behandlung.")
@click.option("--deadline", metavar="JJJJ-MM-TT", help="Frist der Behandlung (Pflicht außer bei akzeptieren).")
@click.option("--measure", "measures", multiple=True, metavar="TITEL",
              help="Neue Maßnahme für den Realisierungsplan (mehrfach).")
@click.option("--link", "linked", multiple=True, metavar="MASSNAHME",
              help="Vorhandene Maßnahme des Realisierungsplans, die das Risiko behandelt (mehrfach).")
@click.option("--description", help="Beschreibung der Behandlung.")
@actor_option
@format_option()
@click.pass_obj
def treat_command(session: "Session", risk_id: str, county: str | None, option: str, owner: str, deadline: str | None,
                  measures: tuple[str, ...], linked: tuple[str, ...], description: str | None, actor: str | None,
                  fmt: str) -> None:
    """Behandlung festlegen: vermeiden, reduzieren, transferieren oder akzeptieren; Maßnahmen in den Realisierungsplan."""
    import re

    from ..app.registers import typed_text
    from ..app.risks import treat_risk
    from ..errors import UsageError

    for ident in linked:
        if not re.fullmatch(r"M-[0-9]+", ident):
            raise UsageError(f"--link '{ident[:40]}' ist keine Maßnahmen-Nummer (M-NNN).")
    selected = session.one_county(county)
    entry = treat_risk(
        session, selected, risk_id, option=option, owner=str(typed_text(owner, "--owner", limit=300)),
        deadline=date_value(deadline, "--deadline"), description=typed_text(description, "--description", limit=20000),
        new_measures=[str(typed_text(m, "--measure")) for m in measures], linked=list(linked), actor=actor_name(actor))
    if fmt == "json":
        emit_json({"county": selected.key, "risk": entry})
        return
    added = entry.get("added_measures") or []
    click.echo(f"Behandlung gespeichert: Risiko {risk_id} ({selected.profile.name}): {option}, verantwortlich {owner}"
               + (f", neue Maßnahmen im Realisierungsplan: {', '.join(added)}" if added else ""))


@risk.command("accept")
@click.argument("risk_id", metavar="RISIKO")
@county_option
@click.option("--by", "by", required=True, help="Wer entschieden hat (Name).")
@click.option("--role", default="Behördenleitung", show_default=True,
              help="In welcher Funktion (z. B. Landrätin, Landrat).")
@click.option("--decided", metavar="JJJJ-MM-TT", help="Tag der Entscheidung (sonst heute).")
@click.option("--until", "until", metavar="JJJJ-MM-TT", required=True, help="Akzeptiert bis (danach neu entscheiden).")
@click.option("--reference", help="Aktenzeichen oder Fundstelle der Entscheidung.")
@click.option("--reason", help="Begründung.")
@actor_option
@format_option()
@click.pass_obj
def accept_command(session: "Session", risk_id: str, county: str | None, by: str, role: str, decided: str | None,
                   until: str, reference: str | None, reason: str | None, actor: str | None, fmt: str) -> None:
    """Die Entscheidung der Behördenleitung festhalten, ein (Rest-)Risiko zu tragen: wer, wann, bis wann.

    Risiken aus nicht erfüllten Basis-Anforderungen werden abgelehnt (Exit-Code 4).
    """
    from ..app.registers import typed_text
    from ..app.risks import accept_risk

    selected = session.one_county(county)
    until_day = date_value(until, "--until")
    assert until_day is not None
    entry = accept_risk(
        session, selected, risk_id, by=str(typed_text(by, "--by", limit=300)),
        role=str(typed_text(role, "--role", limit=300)), decided=date_value(decided, "--decided") or session.today,
        until=until_day, reference=typed_text(reference, "--reference"),
        reason=typed_text(reason, "--reason", limit=20000), actor=actor_name(actor))
    if fmt == "json":
        emit_json({"county": selected.key, "risk": entry})
        return
    acceptance = entry["acceptance"]
    click.echo(f"Akzeptanz festgehalten: Risiko {risk_id} ({selected.profile.name}), entschieden von {acceptance['by']} "
               f"({acceptance['role']}) am {date_de(acceptance['decided'])}, gültig bis {date_de(acceptance['until'])}.")


@risk.command("show")
@click.argument("risk_id", metavar="RISIKO")
@county_option
@format_option()
@click.pass_obj
def show_command(session: "Session", risk_id: str, county: str | None, fmt: str) -> None:
    """Ein Risiko mit Einstufung, Behandlung, Maßnahmen, Restrisiko und Akzeptanz."""
    from ..app.risks import risk_view
    from ..errors import NotFoundError

    selected = session.one_county(county)
    view = risk_view(session, selected)
    found = next((r for r in view.risks if r.id == risk_id), None)
    if found is None:
        raise NotFoundError(f"Risiko '{risk_id}' gibt es im Register von {selected.profile.name} nicht.",
                            path=str(selected.layout.risks))
    entry = view.entry(found)
    if fmt == "json":
        emit_json({"county": selected.key, "risk": entry})
        return
    _show_risk(entry, selected.profile.name)


@risk.command("matrix")
@format_option()
@click.pass_obj
def matrix_command(session: "Session", fmt: str) -> None:
    """Die Risikomatrix des Verbunds (Standard: 4×4-Matrix nach BSI-Standard 200-3)."""
    from ..app.risks import risk_matrix

    matrix = risk_matrix(session).as_dict()
    if fmt == "json":
        emit_json(matrix)
        return
    print_table(["Häufigkeit \\ Auswirkung", *matrix["impacts"]],
                [(f, *matrix["rows"][f]) for f in reversed(matrix["frequencies"])], title=matrix["source"])
