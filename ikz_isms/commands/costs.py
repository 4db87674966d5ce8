"""Built-in plugin: ``costs allocate``, a contract's yearly costs split between the counties."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..output import print_table, to_json
from ..present import money_de, percent_de, quantity_de, write_csv
from .options import day_option, day_or_today, format_option, number_value, output_option, write_output, year_value

if TYPE_CHECKING:
    from ..app import Session



@click.group()
def costs() -> None:
    """Kostenverteilung zwischen den Landkreisen nach dem Verteilungsschlüssel des Vertrags."""


@costs.command("allocate")
@click.argument("contract_id", metavar="VERTRAG")
@click.option("--period", required=True, metavar="JJJJ", help="Abrechnungsjahr, z. B. 2026 (2000–2100).")
@click.option("--total", help="Zu verteilender Betrag (Standard: allocation.costs des Jahres oder die Abrufe).")
@click.option("--statements", "--pdf", "pdf_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Abrechnungen in dieses Verzeichnis: je Landkreis ein PDF, dazu alle als CSV (deutsches Excel) "
                   "und JSON.")
@day_option("Datum der Abrechnung JJJJ-MM-TT (Standard: heute); Fälligkeit = Datum + Zahlungsziel.")
@output_option("CSV oder JSON in diese Datei statt auf die Standardausgabe (Bytes unverändert, mit BOM).")
@format_option("text", "json", "csv")
@click.pass_obj
def allocate(session: "Session", contract_id: str, period: str, total: str | None, pdf_dir: Path | None,
             on: str | None, output: Path | None, fmt: str) -> None:
    """Kosten eines Vertrags für ein Jahr verteilen; die Anteile ergeben die Summe auf den Cent."""
    from ..app.procurement import allocate_costs, contract_statements, county_names, write_statements

    year = year_value(period, "--period")
    amount = number_value(total, "--total", positive=False) if total is not None else None
    day = day_or_today(session, on)
    settlement = allocate_costs(session, contract_id, year, amount)
    data = settlement.as_dict(county_names(session))
    if pdf_dir is not None:
        statements = contract_statements(session, settlement, day)
        written = write_statements(session, statements, pdf_dir, f"abrechnung-{settlement.contract.id}-{year}")
        data["statements"] = [s.as_dict() for s in statements]
        data["pdf"] = [str(p) for p in written if p.suffix == ".pdf"]
        data["files"] = [str(p) for p in written]
    if fmt == "json":
        write_output(session, output, to_json(data) + "\n")
    elif fmt == "csv" and output is None:
        click.echo(_csv(data), nl=False)  # bytes: the BOM and CRLF reach a redirected file unchanged
    elif fmt == "csv":
        write_output(session, output, _csv(data))
    else:
        _allocation_table(data)
    if pdf_dir is not None and fmt != "json":
        for path in data["files"]:
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
        row = [s["name"], quantity_de(s["metric"])] + ([money_de(s["base"]), money_de(s["variable"])] if hybrid else [])
        row += [money_de(s["amount"]), percent_de(Decimal(s["percent"]) / 100)]
        if vat:
            row += [money_de(s["vat"]), money_de(s["gross"])]
        rows.append(row)
    total_row = ["Summe", ""]
    if hybrid:
        total_row += [money_de(sum(Decimal(s["base"]) for s in shares)),
                      money_de(sum(Decimal(s["variable"]) for s in shares))]
    total_row += [money_de(data["total"]), percent_de(1)]
    if vat:
        total_row += [money_de(sum(Decimal(s["vat"]) for s in shares)), money_de(sum(Decimal(s["gross"]) for s in shares))]
    rows.append(total_row)
    print_table(headers, rows, title=f"{data['contract']} – {data['title']}: Kostenverteilung {data['period']}",
                right_align=tuple(range(1, len(headers))))
    click.echo(f"Schlüssel: {data['key_label']}")
    click.echo(f"Rundung: {data['rounding']}")
    click.echo(f"Umsatzsteuer: {data['vat_note']}")
    for note in data["notes"]:
        click.echo(f"Hinweis: {note}")


def _csv(data: dict[str, Any]) -> bytes:
    def number(value: str | None) -> Decimal | None:
        return None if value is None else Decimal(value)

    def count(value: str | None) -> int | Decimal | None:
        figure = number(value)
        # a whole figure (inhabitants, employees) as an integer cell, not as 113000,00
        return int(figure) if figure is not None and figure == figure.to_integral_value() else figure

    rows = [
        [data["contract"], data["period"], s["county"], s["name"], count(s["metric"]), number(s["base"]),
         number(s["variable"]), number(s["amount"]), number(s["percent"]), s["vat_applies"], number(s["vat"]),
         number(s["gross"])]
        for s in data["shares"]
    ]
    text = write_csv(["vertrag", "jahr", "landkreis", "name", "kennzahl", "sockel", "variabel", "anteil", "prozent",
                      "ust_2b", "ust", "brutto"], rows)
    # bytes, so the BOM and CRLF reach the file exactly, whatever the terminal's encoding
    return text.encode("utf-8")
