"""Built-in plugin: ``contracts`` (list, show, due, calloff add, opportunities) and the helpers its sibling groups share."""

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


def date_option(help_text: str = "Stichtag JJJJ-MM-TT (Standard: heute)."):
    """``--date`` as the day a command looks at; read it with :func:`day_or_today`."""
    return click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help=help_text)


def day_or_today(value: Any) -> dt.date:
    """The ``--date`` given, else today."""
    return value.date() if value is not None else dt.date.today()


def de_date(day: dt.date | None) -> str:
    """TT.MM.JJJJ, or a dash for no date."""
    return day.strftime("%d.%m.%Y") if day else "–"


def workspace_contracts(app: Any):
    """All contracts of the workspace and its county plugins."""
    from ..procure.store import load_contracts

    return load_contracts(app.pm, app.workspace)


def euro_text(value: Decimal | str | None) -> str:
    """German money text for a Decimal or its JSON string, a dash for none."""
    from ..procure.money import euro

    return euro(Decimal(value)) if value is not None else "–"


def percent_text(value: str | None) -> str:
    """A share (JSON string, 0.5 = 50 %) as German percent text, a dash for none."""
    from ..output import format_de

    return "–" if value is None else f"{format_de(Decimal(value) * 100, 1)} %"


def unwritable(exc: OSError, path: Any) -> InputError:
    """An output that cannot be written, as a German InputError naming it (never a traceback)."""
    import errno

    reasons = {
        errno.ENOENT: "Verzeichnis fehlt und lässt sich nicht anlegen",
        errno.EACCES: "keine Schreibberechtigung",
        errno.EPERM: "keine Schreibberechtigung",
        errno.EEXIST: "ein Teil des Pfads ist eine Datei",
        errno.ENOTDIR: "ein Teil des Pfads ist eine Datei",
        errno.EISDIR: "ist ein Verzeichnis",
        errno.ENOSPC: "Datenträger voll",
        errno.EROFS: "Dateisystem schreibgeschützt",
    }
    reason = reasons.get(exc.errno, f"Betriebssystemfehler {exc.errno}")
    return InputError(f"nicht schreibbar: {reason}.", path=str(path))


def parse_number(text: str, option: str) -> Decimal:
    """A number typed at an option, as 1250.00, 1250,00 or 1.250,00; UsageError naming the option otherwise.

    "142.800" is refused: Germans write the thousands separator as a dot, so reading it as
    142.8 would silently take a thousandth of what was meant.
    """
    import re

    from ..procure.money import to_decimal

    raw = text.strip()
    if re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+", raw):
        raise UsageError(f"{option} '{text}' ist mehrdeutig (Tausenderpunkt oder Dezimalpunkt?): "
                         f"ohne Tausenderpunkt schreiben, z. B. {raw.replace('.', '')} oder {raw.replace('.', '')},00.")
    if "," in raw:
        if raw.count(",") > 1 or not re.fullmatch(r"[+-]?(\d{1,3}(\.\d{3})+|\d+),\d*", raw):
            raise UsageError(f"{option} '{text}' ist keine Zahl.")
        raw = raw.replace(".", "").replace(",", ".")
    try:
        return to_decimal(raw)
    except InputError:
        raise UsageError(f"{option} '{text}' ist keine Zahl.") from None


@click.group()
def contracts() -> None:
    """Rahmenverträge und Einzelverträge: Fristen, Abrufe, Höchstwerte, Bündelung.

    Die Rahmenvereinbarungen des Verbunds liegen in catalogs/vertraege/*.yaml;
    Landkreis-Plugins steuern eigene Verträge und Abrufe bei.
    """


@contracts.command("list")
@date_option()
@format_option()
@click.pass_obj
def list_contracts(app: Any, on: Any, fmt: str) -> None:
    """Alle Verträge mit Ausschöpfung und nächster Kündigungsfrist."""
    day = day_or_today(on)
    rows = [c.summary(day) for c in workspace_contracts(app)]
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
             de_date(dt.date.fromisoformat(r["state"]["current_end"])) + (" (abgelaufen)" if r["state"]["expired"] else ""),
             de_date(dt.date.fromisoformat(r["state"]["notice_deadline"])) if r["state"]["notice_deadline"] else "–",
             euro_text(r["consumed"]), euro_text(r["ceiling"]), percent_text(r["utilisation"])]
            for r in rows
        ],
        title=f"Verträge am {de_date(day)}",
        right_align=(5, 6, 7),
    )


@contracts.command("show")
@click.argument("contract_id", metavar="VERTRAG")
@date_option()
@format_option()
@click.pass_obj
def show_contract(app: Any, contract_id: str, on: Any, fmt: str) -> None:
    """Einen Vertrag mit Laufzeit, Fristen, Preisen und Abrufen anzeigen."""
    day = day_or_today(on)
    contract = workspace_contracts(app).get(contract_id)
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
        ("Laufzeit", f"{de_date(term.start)} bis {de_date(term.end)}; Verlängerung: {renewal}; "
                     f"Kündigungsfrist {term.notice_months} Monate zum Laufzeitende"),
        ("Aktuelle Laufzeit bis", de_date(state.current_end) + _renewed(state)),
        _deadline_line(contract, state),
        ("Höchstwert / Schätzung", f"{euro_text(summary['ceiling'])} / {euro_text(summary['estimate'])}"),
        ("Abgerufen / verbleibend", f"{euro_text(summary['consumed'])} / {euro_text(summary['remaining'])}"),
        ("Ausschöpfung", percent_text(summary["utilisation"])),
        ("Prognose Ausschöpfung", _runout(contract, day)),
        ("Preismodell", (PRICE_MODELS.get(contract.price.model, contract.price.model) if contract.price else "–")
         + (f", aktuell {euro_text(summary['price'])}" if summary["price"] else "")),
        ("Datei", str(contract.path)),
    ]
    width = max(len(k) for k, _ in lines)
    for key, value in lines:
        click.echo(f"{key + ':':<{width + 1}} {value}")
    if contract.calloffs:
        print_table(
            ["Abruf", "Datum", "Landkreis", "Betrag (netto)", "Beschreibung", "erzwungen"],
            [[c.id, de_date(c.date), c.county, euro_text(c.amount), c.description, c.forced_reason or ""] for c in contract.calloffs],
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
        text = (f"{de_date(state.notice_deadline)} (Verlängerung erklären, sonst Ende {de_date(state.current_end)})"
                if state.notice_deadline else "– keine Verlängerung mehr möglich")
        return label, text
    if state.notice_deadline:
        return "Nächste Kündigungsfrist", f"{de_date(state.notice_deadline)} (Kündigung beendet den Vertrag zum {de_date(state.ends_on)})"
    end = state.ends_on or state.current_end
    return "Nächste Kündigungsfrist", f"– keine Verlängerung mehr offen, Ende {de_date(end)}"


def _runout(contract: Any, day: dt.date) -> str:
    runout = contract.forecast_runout(day)
    if runout is None:
        return "–"
    if runout > contract.term.final_end:
        return f"{de_date(runout)} (nach dem spätesten Vertragsende; Höchstwert reicht)"
    return de_date(runout)


@contracts.command("due")
@click.option("--within", default="90d", show_default=True, help="Zeitraum: z. B. 90d, 12w, 6m, 1y.")
@date_option()
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
    day = day_or_today(on)
    alerts = due(workspace_contracts(app), day, days)
    if fmt == "json":
        emit_json({"date": day, "within_days": days, "alerts": [a.as_dict(day) for a in alerts]})
        return
    if not alerts:
        click.echo(f"Nichts fällig bis {de_date(day + dt.timedelta(days=days))}.")
        return
    print_table(
        ["Datum", "in Tagen", "Vertrag", "Meldung"],
        [[de_date(a.date), str((a.date - day).days), a.contract, a.message] for a in alerts],
        title=f"Fällig bis {de_date(day + dt.timedelta(days=days))}",
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
@date_option("Abrufdatum JJJJ-MM-TT (Standard: heute).")
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
    day = day_or_today(on)
    contract = workspace_contracts(app).get(contract_id)
    value = parse_number(amount, "--amount") if amount is not None else None
    qty = parse_number(quantity, "--quantity") if quantity is not None else None
    hrs = parse_number(hours, "--hours") if hours is not None else None
    if value is None:
        unit = contract.price.price_on(day) if contract.price else None
        count = qty if qty is not None else hrs
        if count is None:
            raise UsageError("--amount fehlt (oder --quantity/--hours bei einem Vertrag mit Stückpreis).")
        if unit is None:
            # a date before the first price is usually a date outside the term: say so, as a refusal
            refusals = [] if force else contract.calloff_refusals(county, day, Decimal(0))
            if refusals:
                details = "\n".join(f"  – {message}" for _, message in refusals)
                raise RefusedError(f"Abruf verweigert:\n{details}\n"
                                   "Nur mit --force --reason \"…\" --amount BETRAG erfassen (Grund wird gespeichert).")
            raise UsageError(f"Kein Preis am {de_date(day)} gültig ('price.history' in {contract.path}): "
                             "--amount angeben.")
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
        refusals = fresh.calloff_refusals(county, day, value)
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
    click.echo(f"Abruf {calloff_id} über {euro_text(value)} für {county} in {contract.id} erfasst ({contract.path}).")
    for _, message in refusals:
        click.echo(f"Erzwungen trotz: {message} Grund: {reason}", err=True)


@contracts.command("opportunities")
@click.option("--lead-time", default="12m", show_default=True, help="Vorlauf vor Kündigungsfristen, z. B. 12m, 18m.")
@date_option()
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
    day = day_or_today(on)
    found = opportunities(workspace_contracts(app), app.workspace.members, day, int(match.group(1)), load_legal_figures(app.workspace))
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
                    [[k, euro_text(v)] for k, v in item.parts.items()] + [["Summe", euro_text(item.annual_total)]],
                    right_align=(1,))
        click.echo(f"  Auftragswert (§3 VgV, 48 Monate): {euro_text(item.estimate)}; Schwellenwert "
                   f"{euro_text(item.threshold.amount)} ({item.threshold.source})")
        click.echo(f"  Ergebnis: {item.verdict}")
        click.echo(f"  Zu benennen: {', '.join(item.counties)}")
        for note in item.notes:
            click.echo(f"  Hinweis: {note}")
        click.echo("")
