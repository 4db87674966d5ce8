"""Built-in plugin: ``contracts`` (list, show, due, calloff add, opportunities), ``costs allocate``, ``export ocds``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import click

from ..errors import InputError, RefusedError, UsageError
from ..hookspecs import hookimpl
from ..output import emit_json, format_option, print_table, to_json


@hookimpl
def ikz_register_commands(cli):
    cli.add_command(contracts)
    cli.add_command(costs)
    if "export" not in cli.commands:
        cli.add_command(export)


def _date_option(help_text: str = "Stichtag JJJJ-MM-TT (Standard: heute)."):
    return click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help=help_text)


def _day(value: Any) -> dt.date:
    return value.date() if value is not None else dt.date.today()


def _de(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else "–"


def _load(app: Any):
    from ..procure.store import load_contracts

    return load_contracts(app.pm, app.workspace)


def _names(app: Any) -> dict[str, str]:
    from ..procure.store import county_metrics

    return {key: str(data["name"]) for key, data in county_metrics(app.pm, app.workspace).items()}


def _euro(value: Decimal | str | None) -> str:
    from ..procure.money import euro

    return euro(Decimal(value)) if value is not None else "–"


def _percent(value: str | None) -> str:
    from ..output import format_de

    return "–" if value is None else f"{format_de(Decimal(value) * 100, 1)} %"


@click.group()
def contracts() -> None:
    """Rahmenverträge und Einzelverträge: Fristen, Abrufe, Höchstwerte, Bündelung.

    Die Rahmenvereinbarungen des Verbunds liegen in catalogs/vertraege/*.yaml;
    Landkreis-Plugins steuern eigene Verträge und Abrufe bei.
    """


@contracts.command("list")
@_date_option()
@format_option()
@click.pass_obj
def list_contracts(app: Any, on: Any, fmt: str) -> None:
    """Alle Verträge mit Ausschöpfung und nächster Kündigungsfrist."""
    day = _day(on)
    rows = [c.summary(day) for c in _load(app)]
    if fmt == "json":
        emit_json({"date": day, "contracts": rows})
        return
    if not rows:
        click.echo("Keine Verträge gefunden (catalogs/vertraege/ ist leer).")
        return
    print_table(
        ["Vertrag", "Art", "Titel", "Laufzeit bis", "Kündigungsfrist", "Abgerufen", "Höchstwert", "Ausschöpfung"],
        [
            [r["id"], "Rahmen" if r["kind"] == "framework" else "Einzel", r["title"],
             _de(dt.date.fromisoformat(r["state"]["current_end"])) + (" (abgelaufen)" if r["state"]["expired"] else ""),
             _de(dt.date.fromisoformat(r["state"]["notice_deadline"])) if r["state"]["notice_deadline"] else "–",
             _euro(r["consumed"]), _euro(r["ceiling"]), _percent(r["utilisation"])]
            for r in rows
        ],
        title=f"Verträge am {_de(day)}",
        right_align=(5, 6, 7),
    )


@contracts.command("show")
@click.argument("contract_id", metavar="VERTRAG")
@_date_option()
@format_option()
@click.pass_obj
def show_contract(app: Any, contract_id: str, on: Any, fmt: str) -> None:
    """Einen Vertrag mit Laufzeit, Fristen, Preisen und Abrufen anzeigen."""
    day = _day(on)
    contract = _load(app).get(contract_id)
    summary = contract.summary(day)
    summary["calloff_list"] = [c.as_dict() for c in contract.calloffs]
    summary["price_history"] = [
        {"valid_from": p.valid_from, "amount": str(p.amount), "note": p.note} for p in (contract.price.history if contract.price else ())
    ]
    if fmt == "json":
        emit_json(summary)
        return
    from ..procure.model import PRICE_MODELS

    state = contract.state(day)
    term = contract.term
    renewal = {"none": "keine", "tacit": f"stillschweigend um {term.renewal_months} Monate, höchstens {term.max_renewals}×",
               "express": f"ausdrücklich um {term.renewal_months} Monate, höchstens {term.max_renewals}×"}[term.renewal]
    lines = [
        ("Vertrag", f"{contract.id} – {contract.title} ({contract.kind_name})"),
        ("Federführung" if contract.kind == "framework" else "Vertragsinhaber", contract.lead or contract.owner or "–"),
        ("Teilnehmende (benannt)", ", ".join(contract.participants) or "–"),
        ("Lieferanten", ", ".join(contract.suppliers) or "–"),
        ("Vergaberecht / Verfahren", " / ".join(x for x in (contract.regime, contract.procedure) if x) or "–"),
        ("Vertragsbedingungen", contract.evb_it or "–"),
        ("Laufzeit", f"{_de(term.start)} bis {_de(term.end)}; Verlängerung: {renewal}; "
                     f"Kündigungsfrist {term.notice_months} Monate zum Laufzeitende"),
        ("Aktuelle Laufzeit bis", _de(state.current_end) + _renewed(state)),
        _deadline_line(contract, state),
        ("Höchstwert / Schätzung", f"{_euro(summary['ceiling'])} / {_euro(summary['estimate'])}"),
        ("Abgerufen / verbleibend", f"{_euro(summary['consumed'])} / {_euro(summary['remaining'])}"),
        ("Ausschöpfung", _percent(summary["utilisation"])),
        ("Prognose Ausschöpfung", _runout(contract, day)),
        ("Preismodell", (PRICE_MODELS.get(contract.price.model, contract.price.model) if contract.price else "–")
         + (f", aktuell {_euro(summary['price'])}" if summary["price"] else "")),
        ("Datei", str(contract.path)),
    ]
    width = max(len(k) for k, _ in lines)
    for key, value in lines:
        click.echo(f"{key + ':':<{width + 1}} {value}")
    if contract.calloffs:
        print_table(
            ["Abruf", "Datum", "Landkreis", "Betrag (netto)", "Beschreibung", "erzwungen"],
            [[c.id, _de(c.date), c.county, _euro(c.amount), c.description, c.forced_reason or ""] for c in contract.calloffs],
            title="Abrufe",
            right_align=(3,),
        )


def _renewed(state: Any) -> str:
    if state.expired:
        return " (abgelaufen)"
    return " (noch nicht verlängert)" if state.renewals == 0 else f" (nach {state.renewals} Verlängerung(en))"


def _deadline_line(contract: Any, state: Any) -> tuple[str, str]:
    if contract.term.renewal == "express":
        label = "Frist Verlängerungsoption"
        text = (f"{_de(state.notice_deadline)} (Verlängerung erklären, sonst Ende {_de(state.current_end)})"
                if state.notice_deadline else "– keine Verlängerung mehr möglich")
        return label, text
    if state.notice_deadline:
        return "Nächste Kündigungsfrist", f"{_de(state.notice_deadline)} (Kündigung beendet den Vertrag zum {_de(state.ends_on)})"
    end = state.ends_on or state.current_end
    return "Nächste Kündigungsfrist", f"– keine Verlängerung mehr offen, Ende {_de(end)}"


def _runout(contract: Any, day: dt.date) -> str:
    runout = contract.forecast_runout(day)
    if runout is None:
        return "–"
    if runout > contract.term.final_end:
        return f"{_de(runout)} (nach dem spätesten Vertragsende; Höchstwert reicht)"
    return _de(runout)


@contracts.command("due")
@click.option("--within", default="90d", show_default=True, help="Zeitraum: z. B. 90d, 12w, 6m, 1y.")
@_date_option()
@format_option()
@click.pass_obj
def due_contracts(app: Any, within: str, on: Any, fmt: str) -> None:
    """Fällige Fristen: Erinnerungen 6 und 3 Monate vor Kündigungsfristen, Fristen, Vertragsenden, Höchstwert-Schwellen."""
    from ..procure.alerts import due
    from ..procure.dates import parse_within

    try:
        days = parse_within(within)
    except ValueError:
        raise UsageError(f"--within '{within}' nicht verstanden (Beispiele: 90d, 12w, 6m, 1y).") from None
    day = _day(on)
    alerts = due(_load(app), day, days)
    if fmt == "json":
        emit_json({"date": day, "within_days": days, "alerts": [a.as_dict(day) for a in alerts]})
        return
    if not alerts:
        click.echo(f"Nichts fällig bis {_de(day + dt.timedelta(days=days))}.")
        return
    print_table(
        ["Datum", "in Tagen", "Vertrag", "Meldung"],
        [[_de(a.date), str((a.date - day).days), a.contract, a.message] for a in alerts],
        title=f"Fällig bis {_de(day + dt.timedelta(days=days))}",
        right_align=(1,),
    )


@contracts.group("calloff")
def calloff() -> None:
    """Abrufe aus Rahmenvereinbarungen."""


@calloff.command("add")
@click.argument("contract_id", metavar="VERTRAG")
@click.option("--county", required=True, help="Abrufender Landkreis (Schlüssel, z. B. vulkaneifel).")
@click.option("--amount", help="Betrag netto in Euro, z. B. 1250.00 (sonst Menge × aktueller Preis).")
@click.option("--quantity", help="Menge (Stück, Lizenzen).")
@click.option("--hours", help="Stunden (bei Stundensätzen).")
@click.option("--description", default="", help="Kurzbeschreibung des Abrufs.")
@click.option("--id", "calloff_id", help="Abruf-ID (Standard: fortlaufend A001, A002 …).")
@_date_option("Abrufdatum JJJJ-MM-TT (Standard: heute).")
@click.option("--force", is_flag=True, help="Trotz Verstoß abrufen; nur mit --reason, der Grund wird gespeichert.")
@click.option("--reason", help="Begründung für --force.")
@format_option()
@click.pass_obj
def calloff_add(app: Any, contract_id: str, county: str, amount: str | None, quantity: str | None, hours: str | None,
                description: str, calloff_id: str | None, on: Any, force: bool, reason: str | None, fmt: str) -> None:
    """Einen Abruf erfassen; verweigert nicht benannte Landkreise, Abrufe außerhalb der Laufzeit und über dem Höchstwert."""
    from ..procure.store import append_calloff, parse_checked

    if force and not (reason or "").strip():
        raise UsageError("--force braucht eine Begründung: --reason \"…\".")
    day = _day(on)
    contract = _load(app).get(contract_id)
    value = _number(amount, "--amount") if amount is not None else None
    qty = _number(quantity, "--quantity") if quantity is not None else None
    hrs = _number(hours, "--hours") if hours is not None else None
    if value is None:
        unit = contract.price.price_on(day) if contract.price else None
        count = qty if qty is not None else hrs
        if unit is None or count is None:
            raise UsageError("--amount fehlt (oder --quantity/--hours bei einem Vertrag mit Stückpreis).")
        value = (unit.amount * count).quantize(Decimal("0.01"))
    if value <= 0 or value != value.quantize(Decimal("0.01")):
        raise UsageError(f"Betrag {value} ungültig: positiv, höchstens zwei Nachkommastellen.")
    value = value.quantize(Decimal("0.01"))
    entry: dict[str, Any] = {"id": calloff_id, "county": county, "date": day, "amount": str(value)}
    if qty is not None:
        entry["quantity"] = str(qty)
    if hrs is not None:
        entry["hours"] = str(hrs)
    if description:
        entry["description"] = description
    external = [c for c in contract.calloffs if c.path != contract.path]

    def guard(document: Any) -> list[tuple[str, str]]:
        """Judge the call-off against the file as it is under the lock, so parallel call-offs cannot both fit."""
        fresh = parse_checked(document, contract.path, contract.plugin)
        fresh.calloffs += external
        refusals = _refusals(fresh, county, day, value)
        if refusals and not force:
            details = "\n".join(f"  – {message}" for _, message in refusals)
            raise RefusedError(
                f"Abruf verweigert:\n{details}\nNur mit --force --reason \"…\" erfassen (Grund wird gespeichert)."
            )
        existing = {c.id for c in fresh.calloffs}
        if entry["id"] is None:
            number = len(existing) + 1
            while f"A{number:03d}" in existing:
                number += 1
            entry["id"] = f"A{number:03d}"
        elif entry["id"] in existing:
            raise UsageError(f"Abruf-ID '{entry['id']}' gibt es schon in {contract.id}.")
        if refusals:
            entry["forced"] = {"reason": reason.strip(), "refusals": [code for code, _ in refusals],
                               "recorded": dt.date.today()}
        return refusals

    refusals = append_calloff(contract.path, entry, guard)
    calloff_id = entry["id"]
    result = {"contract": contract.id, "calloff": {**entry, "date": day.isoformat()},
              "file": str(contract.path), "forced": bool(refusals)}
    if fmt == "json":
        click.echo(to_json(result))
        return
    click.echo(f"Abruf {calloff_id} über {_euro(value)} für {county} in {contract.id} erfasst ({contract.path}).")
    for _, message in refusals:
        click.echo(f"Erzwungen trotz: {message} Grund: {reason}", err=True)


def _number(text: str, option: str) -> Decimal:
    from ..procure.money import to_decimal

    try:
        return to_decimal(text.replace(",", ".") if text.count(",") == 1 and "." not in text else text)
    except InputError:
        raise UsageError(f"{option} '{text}' ist keine Zahl.") from None


def _refusals(contract: Any, county: str, day: dt.date, value: Decimal) -> list[tuple[str, str]]:
    """(code, German message) for every rule the call-off breaks."""
    found = []
    if contract.kind == "framework" and county not in contract.participants:
        found.append(("not-named", f"{county} wurde bei der Ausschreibung nicht benannt (§21 Abs. 2 VgV, §15 Abs. 3 UVgO); "
                                   f"abrufberechtigt: {', '.join(contract.participants)}."))
    elif contract.kind == "single" and county != contract.owner:
        found.append(("not-named", f"{county} ist nicht Vertragsinhaber ({contract.owner})."))
    state = contract.state(day)
    if day < contract.term.start or state.expired:
        found.append(("outside-term", f"Abrufdatum {_de(day)} liegt außerhalb der Laufzeit "
                                      f"({_de(contract.term.start)} bis {_de(state.current_end)})."))
    if contract.ceiling is not None and contract.consumed() + value > contract.ceiling:
        found.append(("ceiling", f"Höchstwert {_euro(contract.ceiling)} würde überschritten: bereits abgerufen "
                                 f"{_euro(contract.consumed())}, verbleibend {_euro(contract.ceiling - contract.consumed())}."))
    return found


@contracts.command("opportunities")
@click.option("--lead-time", default="12m", show_default=True, help="Vorlauf vor Kündigungsfristen, z. B. 12m, 18m.")
@_date_option()
@format_option()
@click.pass_obj
def opportunities_cmd(app: Any, lead_time: str, on: Any, fmt: str) -> None:
    """Bündelungschancen (Ein-Produkt-Strategie): gemeinsame Ausschreibung vorschlagen."""
    import re

    from ..procure.legal import load_legal_figures
    from ..procure.opportunities import opportunities

    match = re.fullmatch(r"\s*(\d+)\s*m?\s*", lead_time)
    if not match:
        raise UsageError(f"--lead-time '{lead_time}' nicht verstanden (in Monaten, z. B. 12m).")
    day = _day(on)
    found = opportunities(_load(app), app.workspace.members, day, int(match.group(1)), load_legal_figures(app.workspace))
    if fmt == "json":
        emit_json({"date": day, "lead_months": int(match.group(1)), "opportunities": [o.as_dict() for o in found]})
        return
    if not found:
        click.echo("Keine Bündelungschance gefunden.")
        return
    for item in found:
        click.echo(f"Produktkategorie {item.category}: gemeinsame Ausschreibung vorschlagen")
        for reason in item.reasons:
            click.echo(f"  Anlass: {reason}")
        print_table(["Landkreis", "Jahresbedarf (netto)"],
                    [[k, _euro(v)] for k, v in item.parts.items()] + [["Summe", _euro(item.annual_total)]],
                    right_align=(1,))
        click.echo(f"  Auftragswert (§3 VgV, 48 Monate): {_euro(item.estimate)}; Schwellenwert "
                   f"{_euro(item.threshold.amount)} ({item.threshold.source})")
        click.echo(f"  Ergebnis: {item.verdict}")
        click.echo(f"  Zu benennen: {', '.join(item.counties)}")
        for note in item.notes:
            click.echo(f"  Hinweis: {note}")
        click.echo("")


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

    contract = _load(app).get(contract_id)
    profiles = county_metrics(app.pm, app.workspace)
    amount = _number(total, "--total") if total is not None else None
    settlement = settle(contract, period, profiles, load_legal_figures(app.workspace), amount)
    names = {k: str(v["name"]) for k, v in profiles.items()}
    data = settlement.as_dict(names)
    if pdf_dir:
        from ..procure.statement import write_statements

        data["pdf"] = [str(p) for p in write_statements(settlement, names, pdf_dir)]
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
        row = [s["name"], _metric(s["metric"])] + ([_euro(s["base"]), _euro(s["variable"])] if hybrid else [])
        row += [_euro(s["amount"]), _percent(str(Decimal(s["percent"]) / 100))]
        if vat:
            row += [_euro(s["vat"]), _euro(s["gross"])]
        rows.append(row)
    summe = ["Summe", ""]
    if hybrid:
        summe += [_euro(sum(Decimal(s["base"]) for s in shares)), _euro(sum(Decimal(s["variable"]) for s in shares))]
    summe += [_euro(data["total"]), "100,0 %"]
    if vat:
        summe += [_euro(sum(Decimal(s["vat"]) for s in shares)), _euro(sum(Decimal(s["gross"]) for s in shares))]
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


@click.group()
def export() -> None:
    """Daten für andere Systeme ausgeben."""


@export.command("ocds")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Datei (Standard: Standardausgabe).")
@click.option("--prefix", default="ocds-ikz000", show_default=True, help="OCID-Präfix des Veröffentlichers.")
@_date_option("Veröffentlichungsdatum JJJJ-MM-TT (Standard: heute).")
@click.pass_obj
def export_ocds(app: Any, output: str | None, prefix: str, on: Any) -> None:
    """Rahmenvereinbarungen und Abrufe als OCDS-1.1.5-Release-Paket (JSON)."""
    from ..procure.ocds import release_package
    from ..store import atomic_write

    day = _day(on)
    package = release_package(_load(app), prefix, _names(app), day, app.workspace.name)
    text = to_json(package) + "\n"
    if output:
        atomic_write(output, text)
        click.echo(f"{len(package['releases'])} OCDS-Releases geschrieben: {output}", err=True)
    else:
        click.echo(text, nl=False)
