"""Built-in plugin: ``service-centre`` (list, plan, hours add/list, settle) — a shared service centre's plan and settlement."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..output import FC, emit_json, print_table, to_json
from ..present import date_de, money_de, quantity_de, write_csv
from .options import day_option, day_or_today, format_option, number_value, output_option, write_output, year_value

if TYPE_CHECKING:
    from ..app import Session
    from ..procure.centre import CentreSettlement, Plan


@click.group("service-centre")
def service_centre() -> None:
    """Gemeinsames Dienstleistungszentrum: Plan, Ist-Stunden, Jahresabrechnung der Mitglieder.

    Kostenstellen je Aufgabe mit Vollkostensatz je Stunde, ein Plan je Jahr (Stunden je
    Mitglied und Kostenstelle) → Planbeiträge, Sockelbeträge und Abschläge; im ersten
    Quartal des Folgejahres die Abrechnung der Ist-Stunden gegen die Abschläge.
    Daten: catalogs/zentren/ID/zentrum.yaml und stunden-JJJJ.yaml.
    """


@service_centre.command("list")
@format_option()
@click.pass_obj
def list_centres(session: "Session", fmt: str) -> None:
    """Die Dienstleistungszentren der Arbeitsumgebung mit Mitgliedern, Kostenstellen und Planjahren."""
    from ..app.centre import centre_ids, load_centre

    centres = [load_centre(session, key) for key in centre_ids(session)]
    if fmt == "json":
        emit_json({"centres": [{"id": c.id, "title": c.title, "members": list(c.members),
                                "services": list(c.services), "plans": sorted(c.plans),
                                "file": str(c.path)} for c in centres]})
        return
    if not centres:
        click.echo("Kein Dienstleistungszentrum gefunden (catalogs/zentren/ID/zentrum.yaml).")
        return
    print_table(["Zentrum", "Titel", "Mitglieder", "Kostenstellen", "Pläne"],
                [[c.id, c.title, str(len(c.members)), ", ".join(c.services), ", ".join(str(y) for y in sorted(c.plans))]
                 for c in centres], title="Dienstleistungszentren", right_align=(2,))


def _year_option() -> Callable[[FC], FC]:
    return click.option("--year", required=True, metavar="JJJJ", help="Plan- bzw. Abrechnungsjahr, z. B. 2025.")


@service_centre.command("plan")
@click.argument("centre_id", metavar="ZENTRUM")
@_year_option()
@output_option("CSV oder JSON in diese Datei statt auf die Standardausgabe.")
@format_option("text", "json", "csv")
@click.pass_obj
def plan_command(session: "Session", centre_id: str, year: str, output: Path | None, fmt: str) -> None:
    """Jahresplan: Planstunden, Planbeiträge, Sockelbeträge und Abschläge je Mitglied."""
    from ..app.centre import centre_plan

    planned = centre_plan(session, centre_id, year_value(year, "--year"))
    data = planned.as_dict()
    if fmt == "json":
        write_output(session, output, to_json(data) + "\n")
    elif fmt == "csv":
        _emit_bytes(session, output, _plan_csv(planned))
    else:
        _plan_table(planned)


def _emit_bytes(session: "Session", output: Path | None, data: bytes) -> None:
    if output is None:
        click.echo(data, nl=False)  # bytes: BOM and CRLF reach a redirected file unchanged
    else:
        write_output(session, output, data)


def _plan_table(planned: "Plan") -> None:
    centre = planned.centre
    rates = centre.plan(planned.year).rates
    services = list(rates)
    rows = []
    for member in planned.members:
        hours = {line.service: line.hours for line in member.lines}
        rows.append([member.member, *[quantity_de(hours.get(s)) for s in services],
                     quantity_de(member.hours), money_de(member.contribution), money_de(member.base_fee),
                     money_de(member.advances[0][1]) if member.advances else "–"])
    rows.append(["Summe", *[quantity_de(sum((m_line.hours for m in planned.members for m_line in m.lines
                                              if m_line.service == s), Decimal(0))) for s in services],
                 quantity_de(planned.hours), money_de(planned.contributions), money_de(planned.base_fees), ""])
    headers = ["Mitglied", *[f"{s} (h)" for s in services], "Planstunden", "Planbeitrag", "Sockelbetrag",
               "1. Abschlag"]
    print_table(headers, rows, title=f"{centre.title}: Plan {planned.year}",
                right_align=tuple(range(1, len(headers))))
    click.echo("Vollkostensätze: " + ", ".join(f"{centre.services[s].title} {money_de(r)}/h" for s, r in rates.items()))
    click.echo(f"Sockelbetrag: {centre.base_fee.text()}; Summe {money_de(planned.base_fees)} "
               f"({quantity_de(planned.base_fees / planned.contributions * 100 if planned.contributions else 0)} % "
               "der Planbeiträge).")
    if planned.members and planned.members[0].advances:
        click.echo("Abschläge: " + ", ".join(date_de(day) for day, _ in planned.members[0].advances)
                   + " (Größter-Rest-Verfahren: zusammen genau der Planbeitrag).")
    click.echo(planned.vat_note)


def _plan_csv(planned: "Plan") -> bytes:
    centre = planned.centre
    rows: list[list[object]] = []
    for member in planned.members:
        for line in member.lines:
            rows.append([planned.year, member.member, centre.members[member.member].name, line.service,
                         line.hours, line.rate, line.amount, None, None, None])
        rows.append([planned.year, member.member, centre.members[member.member].name, "summe", member.hours, None,
                     member.cost, member.base_fee, member.contribution, member.gross])
    return write_csv(["jahr", "mitglied", "name", "kostenstelle", "stunden", "satz", "betrag", "sockelbetrag",
                      "planbeitrag", "planbeitrag_brutto"], rows).encode("utf-8")


@service_centre.group("hours")
def hours_group() -> None:
    """Ist-Stunden der Mitglieder erfassen und anzeigen."""


@hours_group.command("add")
@click.argument("centre_id", metavar="ZENTRUM")
@click.option("--member", required=True, help="Mitglied (Schlüssel aus zentrum.yaml).")
@click.option("--service", required=True, help="Kostenstelle (Schlüssel aus zentrum.yaml).")
@click.option("--hours", "hours_text", required=True, help="Stunden, höchstens zwei Nachkommastellen (z. B. 2,5).")
@click.option("--description", default="", help="Kurzbeschreibung (Vorgang, Verfahren).")
@day_option("Tag der Leistung JJJJ-MM-TT (Standard: heute); bestimmt das Jahr der Datei.")
@format_option()
@click.pass_obj
def hours_add(session: "Session", centre_id: str, member: str, service: str, hours_text: str, description: str,
              on: str | None, fmt: str) -> None:
    """Ist-Stunden eines Mitglieds für eine Kostenstelle erfassen (stunden-JJJJ.yaml)."""
    from ..app.centre import HoursRequest, record_hours

    request = HoursRequest(member=member.strip(), service=service.strip(),
                           hours=number_value(hours_text, "--hours", places=2),
                           day=day_or_today(session, on), description=description.strip())
    path, entry = record_hours(session, centre_id, request)
    shown = session.workspace.layout.relative(path)
    if fmt == "json":
        emit_json({"centre": centre_id, "file": shown, "entry": entry})
        return
    click.echo(f"{quantity_de(request.hours)} h {request.service} für {request.member} am {date_de(request.day)} "
               f"erfasst ({shown}).")


@hours_group.command("list")
@click.argument("centre_id", metavar="ZENTRUM")
@_year_option()
@format_option()
@click.pass_obj
def hours_list(session: "Session", centre_id: str, year: str, fmt: str) -> None:
    """Ist-Stunden eines Jahres je Mitglied und Kostenstelle, mit den Planstunden daneben."""
    from ..app.centre import load_actuals, load_centre

    centre = load_centre(session, centre_id)
    number = year_value(year, "--year")
    actuals = load_actuals(session, centre, number)
    planned = centre.plan(number)
    rows = []
    data = []
    for key, party in centre.members.items():
        for service in planned.rates:
            actual = actuals.hours(key, service)
            plan_hours = planned.hours.get(key, {}).get(service)
            if not actual and plan_hours is None:
                continue
            rows.append([party.name, service, quantity_de(plan_hours), quantity_de(actual)])
            data.append({"member": key, "service": service, "planned": str(plan_hours or 0), "actual": str(actual)})
    if fmt == "json":
        emit_json({"centre": centre.id, "year": number, "hours": data,
                   "entries": len(actuals.entries)})
        return
    print_table(["Mitglied", "Kostenstelle", "Planstunden", "Ist-Stunden"], rows,
                title=f"{centre.title}: Stunden {number} ({len(actuals.entries)} Einträge)", right_align=(2, 3))


@service_centre.command("settle")
@click.argument("centre_id", metavar="ZENTRUM")
@_year_option()
@day_option("Datum der Abrechnung JJJJ-MM-TT (Standard: heute; vorgesehen: erstes Quartal des Folgejahres).")
@click.option("--statements", "statements_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Abrechnungen in dieses Verzeichnis: je Mitglied ein PDF, dazu alle als CSV und JSON.")
@output_option("CSV oder JSON in diese Datei statt auf die Standardausgabe.")
@format_option("text", "json", "csv")
@click.pass_obj
def settle_command(session: "Session", centre_id: str, year: str, on: str | None, statements_dir: Path | None,
                   output: Path | None, fmt: str) -> None:
    """Jahresabrechnung: Ist-Stunden × Vollkostensatz, Sockelbetrag, Umsatzsteuer, abzüglich Abschläge."""
    from ..app.centre import centre_settlement, centre_statements, settlement_day
    from ..app.procurement import write_statements

    number = year_value(year, "--year")
    day = settlement_day(session, number, day_or_today(session, on))
    settlement = centre_settlement(session, centre_id, number)
    data = settlement.as_dict()
    data["date"] = day.isoformat()
    files: list[Path] = []
    if statements_dir is not None:
        statements = centre_statements(session, settlement, day)
        files = write_statements(session, statements, statements_dir, f"abrechnung-{centre_id}-{number}")
        data["statements"] = [s.as_dict() for s in statements]
        data["files"] = [str(p) for p in files]
    if fmt == "json":
        write_output(session, output, to_json(data) + "\n")
    elif fmt == "csv":
        _emit_bytes(session, output, _settlement_csv(settlement))
    else:
        _settlement_table(settlement)
    if fmt != "json":
        for path in files:
            click.echo(f"Abrechnung geschrieben: {path}", err=True)


def _settlement_table(settlement: "CentreSettlement") -> None:
    centre = settlement.plan.centre
    vat = any(m.planned.vat_rate is not None for m in settlement.members)
    rows = []
    for m in settlement.members:
        rows.append([m.member, quantity_de(m.planned.hours), quantity_de(m.hours), money_de(m.actual),
                     money_de(m.top_up), *([money_de(m.vat)] if vat else []), money_de(m.gross),
                     money_de(m.advances_paid), money_de(m.balance)])
    t = settlement.totals()
    rows.append(["Summe", quantity_de(settlement.plan.hours), quantity_de(t["hours"]), money_de(t["actual"]),
                 money_de(t["top_up"]), *([money_de(t["vat"])] if vat else []), money_de(t["gross"]),
                 money_de(t["advances_paid"]), money_de(t["balance"])])
    headers = ["Mitglied", "Planstunden", "Ist-Stunden", "Ist-Kosten", "Sockel-Aufschlag", *(["USt"] if vat else []),
               "Zu tragen", "Abschläge", "Saldo"]
    print_table(headers, rows, title=f"{centre.title}: Abrechnung {settlement.year}",
                right_align=tuple(range(1, len(headers))))
    click.echo("Saldo: positiv = Nachzahlung des Mitglieds, negativ = Erstattung.")
    click.echo(f"Sockelbetrag: {centre.base_fee.text()}.")
    click.echo(settlement.plan.vat_note)


def _settlement_csv(settlement: "CentreSettlement") -> bytes:
    centre = settlement.plan.centre
    rows: list[list[object]] = []
    for m in settlement.members:
        for line in m.lines:
            rows.append([settlement.year, m.member, centre.members[m.member].name, line.service, line.hours,
                         line.rate, line.amount, None, None, None, None, None])
        rows.append([settlement.year, m.member, centre.members[m.member].name, "summe", m.hours, None, m.actual,
                     m.top_up, m.vat, m.gross, m.advances_paid, m.balance])
    return write_csv(["jahr", "mitglied", "name", "kostenstelle", "ist_stunden", "satz", "betrag",
                      "sockel_aufschlag", "ust", "brutto", "abschlaege", "saldo"], rows).encode("utf-8")
