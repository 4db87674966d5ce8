"""``ikz-isms assess --verbund``: the steering group's picture of all counties (loading, cache, output)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from ..errors import UsageError
from ..output import emit_json, print_table, progress_bar
from ..present import DISCLOSURE_LABELS, number_de, percent_de
from .options import unread_counties_end

if TYPE_CHECKING:
    from ..app.session import Session

TREND_POINTS = 5
SHARED_GAPS_SHOWN = 25
LAYERS_PER_TABLE = 10


def show_verbund(session: Session, approach: str | None, pseudonymise: bool, fmt: str) -> None:
    """Compute (through the derived cache) and print the Verbund view."""
    from ..app.verbund import verbund_view

    with progress_bar("Landkreise auswerten") as update:
        view = verbund_view(session, approach=approach, pseudonymise=pseudonymise, today=session.today,
                            progress=update)
    if approach and view["groups"] and all(g["note"] for g in view["groups"]):
        raise UsageError(f"Vorgehensweise '{approach}' passt zu keinem Katalog der Landkreise.")
    if fmt == "json":
        emit_json(view)
    else:
        print_verbund(view)
    unread_counties_end(session)


def _trend_text(points: list[dict[str, Any]], approach: str) -> str:
    shown = points[-TREND_POINTS:]
    return " → ".join(f"{p['label']} {percent_de(p['fulfilment'].get(approach), 0)}" for p in shown)


def print_verbund(view: dict[str, Any]) -> None:
    click.echo(f"Verbund-Übersicht {view['verbund']} – Stand {view['as_of']}")
    if view["pseudonymised"]:
        click.echo("Namen der Landkreise pseudonymisiert.")
    if not view["groups"] and not view["not_disclosed"]:
        click.echo("Keine Landkreise im Verbund – mit 'ikz-isms county add NAME' anlegen.")
    for number, group in enumerate(view["groups"], start=1):
        _print_group(number, group)
    if view["not_disclosed"]:
        names = ", ".join(c["name"] for c in view["not_disclosed"])
        click.echo(f"\nOhne Freigabe (keine Werte, Offenlegung 'none'): {names}")
    for refused in view.get("refused", ()):
        click.echo(f"\nNicht verwertet: {refused['name']} – {'; '.join(refused['reasons'])}")
    for note in view.get("notes", ()):
        click.echo(f"\nHinweis: {note}")
    click.echo(f"\nRegel: {view['rule']}.")
    click.echo(f"{view['trend_method']}.")


def _print_group(number: int, group: dict[str, Any]) -> None:
    catalog = group["catalog"]
    click.echo("")
    click.echo(f"Gruppe {number} – Katalog {catalog['name']} „{catalog['title']}“ "
               f"({catalog['version']}, sha256 {(catalog['sha256'] or '–')[:12]})")
    if group["comparable"]:
        click.echo(f"Hinweis: {group['comparable']}")
    if group["note"]:
        click.echo(f"Hinweis: {group['note']}")
        return
    approaches = group["approaches"]
    first = approaches[0]
    shorts = {a["id"]: a["short"] for a in approaches}
    print_table(
        ["Landkreis", "Freigabe", "gewählt", *(a["short"] for a in approaches), f"Verlauf ({first['short']})"],
        [
            (c["name"], DISCLOSURE_LABELS[c["disclosure"]], shorts.get(c.get("approach") or "", "–"),
             *(_cell(c["approaches"][a["id"]]) for a in approaches), _trend_text(c["trend"], first["id"]))
            for c in group["counties"]
        ],
        title="Erfüllung je Vorgehensweise (" + ", ".join(f"{a['short']} = {a['label']}" for a in approaches)
              + "; gewählt: die Vorgehensweise des Landkreises)",
        right_align=range(3, 3 + len(approaches)),
    )
    for county in group["counties"]:
        if county.get("migrated"):
            migrated = [f"{a['short']} {county['migrated'][a['id']]['records']} (davon "
                        f"{county['migrated'][a['id']]['fulfilled']} erfüllt)"
                        for a in approaches if a["id"] in county["migrated"]]
            click.echo(f"Hinweis: Werte von {county['name']} beruhen auf migrierten, noch nicht bestätigten "
                       f"Prüfeinträgen (catalog migrate): {'; '.join(migrated)}.")
    full = [c for c in group["counties"] if c["layers"]]
    layer_name = group["labels"]["layer"]
    plural = group["labels"].get("layer_plural", layer_name + "en")
    if full and group["layers"]:
        # G++ has 20 practices: split the matrix so each part fits a terminal
        parts = [group["layers"][i:i + LAYERS_PER_TABLE] for i in range(0, len(group["layers"]), LAYERS_PER_TABLE)]
        for approach in approaches:
            for number, layers in enumerate(parts, start=1):
                part = f" (Teil {number}/{len(parts)})" if len(parts) > 1 else ""
                print_table(
                    ["Landkreis", *(layer["id"] for layer in layers)],
                    [
                        (c["name"], *(_short(c["layers"].get(layer["id"], {}).get(approach["id"])) for layer in layers))
                        for c in full
                    ],
                    title=f"Erfüllung je {layer_name} in % – {approach['label']}{part}",
                    right_align=range(1, 1 + len(layers)),
                )
        click.echo(f"{plural}: " + "; ".join(f"{layer['id']} {layer['title']}" for layer in group["layers"]))
    unnamed = [c["name"] for c in group["counties"] if c["shared_gaps"] == "ohne Namen gezählt"]
    withheld = [c["name"] for c in group["counties"] if c["shared_gaps"] == "nicht freigegeben"]
    if unnamed:
        click.echo("In gemeinsamen Lücken ohne Namen gezählt (Offenlegung 'aggregate' mit Anforderungs-IDs): "
                   + ", ".join(unnamed))
    if withheld:
        click.echo("Ohne Anforderungs-IDs freigegeben (kein Beitrag zu gemeinsamen Lücken): " + ", ".join(withheld))
    _print_gaps(group)


def _print_gaps(group: dict[str, Any]) -> None:
    gaps = group["shared_gaps"]
    source = group["shared_gaps_from"]
    heading = f"Gemeinsame Lücken (offen in mindestens 2 von {source} Landkreisen, die Anforderungs-IDs freigeben)"
    if not gaps:
        click.echo(f"{heading}: keine.")
        return
    shown = gaps[:SHARED_GAPS_SHOWN]
    print_table(
        ["Anforderung", "Titel", "Landkreise", "davon"],
        [(g["requirement"], g["title"], g["counties"], _named(g)) for g in shown],
        title=heading,
        right_align=(2,),
    )
    if len(gaps) > len(shown):
        click.echo(f"… und {len(gaps) - len(shown)} weitere (alle mit --format json).")


def _named(gap: dict[str, Any]) -> str:
    names = ", ".join(gap["names"][:6]) + (" …" if len(gap["names"]) > 6 else "")
    if gap.get("unnamed"):
        names = (names + " und " if names else "") + f"{gap['unnamed']} ohne Namen"
    return names


def _cell(tally: dict[str, Any]) -> str:
    if not tally["applicable"]:
        return "–"
    return f"{percent_de(tally['fulfilment'])} ({tally['fulfilled']}/{tally['applicable']})"


def _short(tally: dict[str, Any] | None) -> str:
    """A bare percentage, so a matrix of 20 practices still fits a terminal."""
    if not tally or not tally["applicable"]:
        return "–"
    return number_de(tally["fulfilment"] * 100)
