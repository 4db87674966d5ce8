"""Built-in plugin: ``costs allocate``, a contract's yearly costs split between the counties."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import click

from ..errors import UsageError
from ..hookspecs import hookimpl
from ..output import emit_json, format_option, print_table
from .contracts import euro_text, parse_number, percent_text, unwritable, workspace_contracts


@hookimpl
def ikz_register_commands(cli):
    cli.add_command(costs)


@click.group()
def costs() -> None:
    """Kostenverteilung zwischen den Landkreisen nach dem Verteilungsschlüssel des Vertrags."""


@costs.command("allocate")
@click.argument("contract_id", metavar="VERTRAG")
@click.option("--period", required=True, type=int, help="Abrechnungsjahr, z. B. 2026.")
@click.option("--total", help="Zu verteilender Betrag (Standard: allocation.costs des Jahres oder die Abrufe).")
@click.option("--pdf", "pdf_dir", type=click.Path(file_okay=False), help="Abrechnung je Landkreis als PDF in dieses Verzeichnis.")
@format_option("text", "json", "csv")
@click.pass_obj
def allocate(app: Any, contract_id: str, period: int, total: str | None, pdf_dir: str | None, fmt: str) -> None:
    """Kosten eines Vertrags für ein Jahr verteilen; die Anteile ergeben die Summe auf den Cent."""
    from ..procure.costs import settle
    from ..procure.legal import load_legal_figures
    from ..procure.store import county_metrics

    contract = workspace_contracts(app).get(contract_id)
    profiles = county_metrics(app.pm, app.workspace)
    amount = parse_number(total, "--total") if total is not None else None
    if amount is not None and (amount < 0 or amount != amount.quantize(Decimal("0.01"))):
        raise UsageError(f"--total '{total}' ungültig: nicht negativ, höchstens zwei Nachkommastellen.")
    settlement = settle(contract, period, profiles, load_legal_figures(app.workspace), amount)
    names = {k: str(v["name"]) for k, v in profiles.items()}
    data = settlement.as_dict(names)
    if pdf_dir:
        from ..procure.statement import write_statements

        try:
            data["pdf"] = [str(p) for p in write_statements(settlement, names, pdf_dir)]
        except OSError as exc:
            raise unwritable(exc, exc.filename or pdf_dir) from None
    if fmt == "json":
        emit_json(data)
    elif fmt == "csv":
        _csv(data)
    else:
        _allocation_table(data)
    if pdf_dir and fmt != "json":
        for path in data["pdf"]:
            click.echo(f"Abrechnung geschrieben: {path}", err=True)


def _allocation_table(data: dict[str, Any]) -> None:
    shares = data["shares"]
    vat = any(s["vat_applies"] for s in shares)
    hybrid = data["key"] == "hybrid"
    headers = ["Landkreis", data["metric"] or "Kennzahl"] + (["Sockel", "Variabel"] if hybrid else []) + ["Anteil", "%"]
    if vat:
        headers += ["USt §2b", "Brutto"]
    rows = []
    for s in shares:
        row = [s["name"], _metric(s["metric"])] + ([euro_text(s["base"]), euro_text(s["variable"])] if hybrid else [])
        row += [euro_text(s["amount"]), percent_text(str(Decimal(s["percent"]) / 100))]
        if vat:
            row += [euro_text(s["vat"]), euro_text(s["gross"])]
        rows.append(row)
    summe = ["Summe", ""]
    if hybrid:
        summe += [euro_text(sum(Decimal(s["base"]) for s in shares)), euro_text(sum(Decimal(s["variable"]) for s in shares))]
    summe += [euro_text(data["total"]), "100,0 %"]
    if vat:
        summe += [euro_text(sum(Decimal(s["vat"]) for s in shares)), euro_text(sum(Decimal(s["gross"]) for s in shares))]
    rows.append(summe)
    print_table(headers, rows, title=f"{data['contract']} – {data['title']}: Kostenverteilung {data['period']}",
                right_align=tuple(range(1, len(headers))))
    click.echo(f"Schlüssel: {data['key_label']}")
    click.echo(f"Rundung: {data['rounding']}")
    click.echo(f"Umsatzsteuer: {data['vat_note']}")
    for note in data["notes"]:
        click.echo(f"Hinweis: {note}")


def _metric(value: str | None) -> str:
    from ..output import format_de

    if value is None:
        return "–"
    number = Decimal(value)
    return format_de(number, 0 if number == number.to_integral_value() else 2)


def _csv(data: dict[str, Any]) -> None:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["vertrag", "jahr", "landkreis", "name", "kennzahl", "sockel", "variabel", "anteil", "prozent",
                     "ust_2b", "ust", "brutto"])
    for s in data["shares"]:
        writer.writerow([data["contract"], data["period"], s["county"], s["name"], s["metric"] or "", s["base"],
                         s["variable"], s["amount"], s["percent"], "ja" if s["vat_applies"] else "nein", s["vat"], s["gross"]])
    click.echo(buffer.getvalue(), nl=False)
