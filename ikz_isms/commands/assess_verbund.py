"""``ikz-isms assess --verbund``: the steering group's picture of all counties (loading, cache, output)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from ..errors import UsageError
from ..output import emit_json, print_table, progress_bar
from ..present import DISCLOSURE_LABELS, number_de, percent_de

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
    print_table(
        ["Landkreis", "Freigabe", *(a["short"] for a in approaches), f"Verlauf ({first['short']})"],
        [
            (c["name"], DISCLOSURE_LABELS[c["disclosure"]],
             *(_cell(c["approaches"][a["id"]]) for a in approaches), _trend_text(c["trend"], first["id"]))
            for c in group["counties"]
        ],
        title="Erfüllung je Vorgehensweise (" + ", ".join(f"{a['short']} = {a['label']}" for a in approaches) + ")",
        right_align=range(2, 2 + len(approaches)),
    )
    full = [c for c in group["counties"] if c["disclosure"] == "full"]
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
    partial = [c["name"] for c in group["counties"] if c["disclosure"] == "aggregate"]
    if partial:
        click.echo(f"Nur Gesamtwerte freigegeben (keine Werte je {layer_name}, keine Anforderungen): "
                   + ", ".join(partial))
    _print_gaps(group)


def _print_gaps(group: dict[str, Any]) -> None:
    gaps = group["shared_gaps"]
    source = group["shared_gaps_from"]
    heading = f"Gemeinsame Lücken (offen in mindestens 2 von {source} Landkreisen mit voller Freigabe)"
    if not gaps:
        click.echo(f"{heading}: keine.")
        return
    shown = gaps[:SHARED_GAPS_SHOWN]
    print_table(
        ["Anforderung", "Titel", "Landkreise", "davon"],
        [(g["requirement"], g["title"], g["counties"], ", ".join(g["names"][:6]) + (" …" if len(g["names"]) > 6 else ""))
         for g in shown],
        title=heading,
        right_align=(2,),
    )
    if len(gaps) > len(shown):
        click.echo(f"… und {len(gaps) - len(shown)} weitere (alle mit --format json).")


def _cell(tally: dict[str, Any]) -> str:
    if not tally["applicable"]:
        return "–"
    return f"{percent_de(tally['fulfilment'])} ({tally['fulfilled']}/{tally['applicable']})"


def _short(tally: dict[str, Any] | None) -> str:
    """A bare percentage, so a matrix of 20 practices still fits a terminal."""
    if not tally or not tally["applicable"]:
        return "–"
    return number_de(tally["fulfilment"] * 100)
