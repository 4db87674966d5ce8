"""Built-in plugin: ``ikz-isms bia`` — business impact analysis after BSI-Standard 200-4 and inherited recovery targets."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from ..output import emit_json, print_table
from ..present import date_de, plural_de
from .options import actor_name, actor_option, as_of_option, county_option, date_value, format_option

if TYPE_CHECKING:
    from ..app.session import Session

CRITICALITY = click.Choice(["niedrig", "mittel", "hoch", "sehr hoch"])


@click.group("bia")
def bia() -> None:
    """Business-Impact-Analyse (BSI-Standard 200-4): Ausfallzeiten, Wiederanlaufziele, geerbte Ziele der Systeme."""


@bia.command("list")
@county_option
@format_option()
@click.pass_obj
def list_command(session: "Session", county: str | None, fmt: str) -> None:
    """Je Geschäftsprozess: Kritikalität, MTA, RTO, RPO, Notbetriebsniveau, Verbund-Leistung und abhängige IT."""
    from ..app.emergency import continuity_view

    documents = [continuity_view(session, c).document() for c in session.select_counties(county)]
    if fmt == "json":
        emit_json({"counties": [{k: d[k] for k in ("county", "name", "file", "exists", "bia")} for d in documents]})
        return
    for document in documents:
        click.echo("")
        title = f"Business-Impact-Analyse – Landkreis {document['name']}"
        if not document["bia"]:
            click.echo(f"{title}: noch keine BIA (ikz-isms bia set PROZESS --county {document['county']} …).")
            continue
        print_table(
            ["Prozess", "Kritikalität", "MTA", "RTO", "RPO", "Notbetrieb", "Leistung", "hängt ab von"],
            [(f"{e['process']} {e['name'] or ''}".strip(), e["criticality"], e["mtpd"], e["rto"], e["rpo"],
              f"{e['emergency_level']} %" if e["emergency_level"] is not None else "–", e["service"] or "–",
              ", ".join(e["depends_on"]) or "–") for e in document["bia"]],
            title=title)


@bia.command("set")
@click.argument("process", metavar="PROZESS")
@county_option
@click.option("--criticality", type=CRITICALITY, help="Kritikalität des Geschäftsprozesses.")
@click.option("--mtpd", metavar="DAUER", help="Maximal tolerierbare Ausfallzeit (MTA), z. B. 3d.")
@click.option("--rto", metavar="DAUER", help="Wiederanlaufzeit bis zum Notbetrieb (RTO), z. B. 24h.")
@click.option("--rpo", metavar="DAUER", help="Maximal tolerierbarer Datenverlust (RPO), z. B. 4h.")
@click.option("--level", "emergency_level", type=click.IntRange(0, 100), metavar="PROZENT",
              help="Notbetriebsniveau in Prozent der normalen Leistung.")
@click.option("--service", metavar="LEISTUNG",
              help="Leistung im Verbund (Schlüssel, den Hilfevereinbarungen nennen, z. B. kfz-zulassung).")
@click.option("--workaround", help="Notbetrieb: wie der Prozess ohne seine IT weiterläuft.")
@click.option("--reason", help="Begründung der Einstufung.")
@actor_option
@format_option()
@click.pass_obj
def set_command(session: "Session", process: str, county: str | None, criticality: str | None, mtpd: str | None,
                rto: str | None, rpo: str | None, emergency_level: int | None, service: str | None,
                workaround: str | None, reason: str | None, actor: str | None, fmt: str) -> None:
    """BIA eines Geschäftsprozesses festlegen (nicht angegebene Werte bleiben)."""
    import re

    from ..app.emergency import set_bia
    from ..app.registers import typed_duration, typed_text
    from ..bcm.durations import parse_duration
    from ..errors import UsageError

    if service is not None and not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,99}", service):
        raise UsageError(f"--service '{service[:40]}' ist kein Schlüssel (Kleinbuchstaben, Ziffern, Bindestrich).")
    values: dict[str, Any] = {
        "criticality": criticality, "mtpd": typed_duration(mtpd, "--mtpd"), "rto": typed_duration(rto, "--rto"),
        "rpo": typed_duration(rpo, "--rpo"), "emergency_level": emergency_level, "service": service,
        "workaround": typed_text(workaround, "--workaround", limit=20000),
        "reason": typed_text(reason, "--reason", limit=20000),
    }
    if values["rto"] and values["mtpd"] and parse_duration(values["rto"]) > parse_duration(values["mtpd"]):
        raise UsageError("--rto ist länger als --mtpd: der Notbetrieb käme nach der maximal tolerierbaren Ausfallzeit.")
    values = {k: v for k, v in values.items() if v is not None}
    if not values:
        raise UsageError("Nichts zu ändern: mindestens eine Option angeben.")
    selected = session.one_county(county)
    entry = set_bia(session, selected, process, values, actor=actor_name(actor))
    if fmt == "json":
        emit_json({"county": selected.key, "bia": entry})
        return
    shown = ", ".join(f"{k} {entry[k]}" for k in ("criticality", "mtpd", "rto", "rpo") if entry.get(k))
    click.echo(f"Gespeichert: BIA {process} ({selected.profile.name}): {shown}")


@bia.command("targets")
@county_option
@click.option("--gaps", "only_gaps", is_flag=True, help="Nur die Lückenliste (Wiederanlauf schafft das Ziel nicht).")
@as_of_option()
@format_option()
@click.pass_obj
def targets_command(session: "Session", county: str | None, only_gaps: bool, as_of: str | None, fmt: str) -> None:
    """Geerbte Wiederanlaufziele je System (Maximumprinzip) und die Lückenliste gegen den realistischen Wiederanlauf."""
    from ..app.emergency import continuity_view

    day = date_value(as_of, "--as-of") or session.today
    documents = [continuity_view(session, c, day).document() for c in session.select_counties(county)]
    if fmt == "json":
        emit_json({"as_of": day, "counties": [{k: d[k] for k in ("county", "name", "targets", "gaps")} for d in documents]})
        return
    for document in documents:
        click.echo("")
        if not only_gaps:
            print_table(
                ["Zielobjekt", "Typ", "RTO", "RPO", "geerbt von", "Wiederanlauf realistisch", "Sicherung", "Test"],
                [(f"{t['target']} {t['name']}", t["type"], t["rto"], t["rpo"], ", ".join(t["processes"]),
                  t["realistic"] or "–", (t["recovery"] or {}).get("backup_interval") or "–",
                  date_de((t["recovery"] or {}).get("tested"))) for t in document["targets"]],
                title=f"Geerbte Wiederanlaufziele – Landkreis {document['name']} (Maximumprinzip)")
        gaps = document["gaps"]
        if gaps:
            click.echo(f"Lückenliste {document['name']} ({plural_de(len(gaps), 'Lücke', 'Lücken')}):")
            for gap in gaps:
                click.echo(f"  {gap['message']}")
        else:
            click.echo(f"Lückenliste {document['name']}: keine Lücken.")
