"""``ikz-isms publish``, ``ikz-isms keys create|show`` and ``ikz-isms verbund trust|verify``: the federated Verbund."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import ExitCode, RefusedError, UsageError
from ..output import emit_json, print_table
from ..present import plural_de
from .options import OUTPUT_DIR, OUTPUT_FILE, county_option, format_option

if TYPE_CHECKING:
    from ..app.session import Session

key_option = click.option(
    "--key", "key_file", metavar="DATEI", type=OUTPUT_FILE,
    help="Privater Signaturschlüssel (sonst IKZ_ISMS_SIGNING_KEY oder ~/.config/ikz-isms/schluessel/LANDKREIS.pem).",
)


def _key_path(key_file: Path | None, county: str) -> Path:
    from ..app.signing import default_key_path

    return key_file if key_file is not None else default_key_path(county)


# -- publish ----------------------------------------------------------------------------------


@click.command("publish")
@county_option
@key_option
@click.option("-o", "--output", metavar="DATEI", type=OUTPUT_FILE,
              help="Paketdatei (Standard: offenlegung/LANDKREIS.json in dieser Arbeitsumgebung).")
@click.option("--into", metavar="VERBUND", type=OUTPUT_DIR,
              help="Direkt in den Paketordner der Verbund-Arbeitsumgebung VERBUND schreiben.")
@format_option()
@click.pass_obj
def publish_command(session: Session, county: str | None, key_file: Path | None, output: Path | None,
                    into: Path | None, fmt: str) -> None:
    """Offenlegungspaket des Landkreises schreiben und signieren: nur was seine Offenlegung erlaubt.

    none: Teilnahme und Katalogstand; aggregate: Kennzahlen je Vorgehensweise, Schicht/Praktik
    und Status, Verlauf; full: dazu offene Anforderungen und Prüfeinträge ohne Freitexte
    (disclosure_allow in landkreis.yaml erweitert das). Das Paket nennt Katalog-Pin,
    Datenstand und Journal-Kopf; der Verbund prüft Signatur, Pin und Alter.
    """
    from ..app.disclosure import package_bytes, signed_package, withheld_summary
    from ..workspace import Workspace

    if output is not None and into is not None:
        raise UsageError("-o/--output und --into schließen einander aus.")
    selected = session.one_county(county)
    if into is not None:
        verbund = Workspace.load(into)
        if selected.key not in verbund.members:
            raise RefusedError(f"{selected.profile.name} ist in {verbund.name} ({into}) kein Mitglied "
                               "(verbund.members); das Paket würde dort nicht gelesen.")
        target = verbund.package_file(selected.key)
    else:
        target = output if output is not None else session.workspace.package_file(selected.key)
    document = signed_package(session, selected, _key_path(key_file, selected.key))
    data = package_bytes(document)
    from ..store import fs

    if into is not None or output is None:
        fs.atomic_write(target, data, root=(into if into is not None else session.workspace.root))
    else:
        session.store.write_output(target, data)
    payload = document["payload"]
    policy = payload["disclosure"]["policy"]
    allow = tuple(payload["disclosure"]["allow"])
    journal = payload["journal"] or {}
    records = payload["records"]
    result: dict[str, Any] = {
        "county": selected.key, "file": str(target), "policy": policy, "allow": list(allow),
        "catalog": payload["catalog"], "state_date": payload["state_date"], "published": payload["published"],
        "journal": payload["journal"], "records": len(records["rows"]) if records else 0,
        "key_id": document["signature"]["key_id"], "bytes": len(data),
        "withheld": withheld_summary(policy, allow),
    }
    if fmt == "json":
        emit_json(result)
        return
    catalog = payload["catalog"]
    click.echo(f"Offenlegungspaket für {selected.profile.name} geschrieben: {target}")
    click.echo(f"  Offenlegung: {policy}" + (f" (zusätzlich: {', '.join(allow)})" if allow else ""))
    click.echo(f"  Katalog: {catalog['name']} ({catalog.get('version') or '–'}, sha256 {catalog['sha256'][:12]})")
    click.echo(f"  Datenstand: {payload['state_date'] or '–'}; veröffentlicht {payload['published']}")
    if journal:
        head = (journal.get("head") or "–")[:16]
        click.echo(f"  Journal: {plural_de(journal['entries'], 'Eintrag', 'Einträge')}, Kopf {head}")
    if records:
        click.echo(f"  Prüfeinträge: {len(records['rows'])}")
    click.echo(f"  Nicht enthalten: {', '.join(result['withheld'])}")
    click.echo(f"  Signiert mit Schlüssel-ID {result['key_id']}.")


# -- keys -------------------------------------------------------------------------------------


@click.group("keys")
def keys_group() -> None:
    """Signaturschlüssel eines Landkreises für seine Offenlegungspakete anlegen und anzeigen."""


@keys_group.command("create")
@county_option
@key_option
@click.option("--force", is_flag=True, help="Einen vorhandenen Schlüssel ersetzen (der alte ist danach ungültig).")
@format_option()
@click.pass_obj
def keys_create(session: Session, county: str | None, key_file: Path | None, force: bool, fmt: str) -> None:
    """Neues Schlüsselpaar (Ed25519) anlegen: privater Schlüssel nur für den Besitzer lesbar, nie ins Repository."""
    from ..app.signing import create_key

    selected = session.one_county(county)
    path = _key_path(key_file, selected.key)
    if path.exists() and not force:
        raise RefusedError(f"Für {selected.profile.name} gibt es schon einen Signaturschlüssel ({path}); "
                           "'ikz-isms keys show' zeigt seinen öffentlichen Schlüssel. Mit --force ersetzen "
                           "(danach muss der Verbund den neuen Schlüssel hinterlegen).", path=str(path))
    public = create_key(path, replace=force)
    if fmt == "json":
        emit_json({"county": selected.key, "key_file": str(path), "public_key": public})
        return
    click.echo(f"Signaturschlüssel für {selected.profile.name} angelegt: {path} (nur für den Besitzer lesbar).")
    click.echo(f"Öffentlicher Schlüssel: {public}")
    click.echo("Im Verbund eintragen lassen (Verbund-Arbeitsumgebung): "
               f"ikz-isms verbund trust {selected.key} {public}")


@keys_group.command("show")
@county_option
@key_option
@format_option()
@click.pass_obj
def keys_show(session: Session, county: str | None, key_file: Path | None, fmt: str) -> None:
    """Öffentlichen Schlüssel zum privaten Signaturschlüssel ausgeben."""
    from ..app.signing import key_id, load_key, public_text

    selected = session.one_county(county)
    path = _key_path(key_file, selected.key)
    public = public_text(load_key(path))
    if fmt == "json":
        emit_json({"county": selected.key, "key_file": str(path), "public_key": public, "key_id": key_id(public)})
        return
    click.echo(public)


# -- verbund ----------------------------------------------------------------------------------


@click.group("verbund")
def verbund_group() -> None:
    """Verbund-Arbeitsumgebung: Schlüssel der Landkreise hinterlegen, Offenlegungspakete prüfen."""


@verbund_group.command("trust")
@click.argument("county", metavar="LANDKREIS")
@click.argument("public_key", metavar="ÖFFENTLICHER-SCHLÜSSEL")
@click.option("--replace", is_flag=True, help="Einen anders lautenden hinterlegten Schlüssel ersetzen.")
@format_option()
@click.pass_obj
def trust_command(session: Session, county: str, public_key: str, replace: bool, fmt: str) -> None:
    """Öffentlichen Schlüssel eines Landkreises hinterlegen (verbund.keys in ikz-isms.yaml).

    Ein Landkreis, der noch nicht unter verbund.members steht, wird dabei als Mitglied
    eingetragen: seine Daten bleiben in seiner eigenen Arbeitsumgebung, der Verbund liest
    sein signiertes Paket offenlegung/LANDKREIS.json.
    """
    import re

    from ..app.signing import key_id, public_raw

    public_raw(public_key)
    public_key = public_key.strip()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,62}", county):
        raise UsageError(f"Landkreis-Schlüssel '{county}' ungültig (a-z, 0-9, Bindestrich, höchstens 63 Zeichen).")
    workspace = session.workspace
    added = county not in workspace.members

    def mutate(document: Any) -> None:
        from ..store.edit import to_rt

        verbund = document["verbund"]
        if added:
            members = verbund.get("members")
            if members is None:
                verbund["members"] = members = to_rt([])
            members.append(county)
        keys = verbund.get("keys")
        if keys is None:
            verbund["keys"] = keys = to_rt({})
        known = keys.get(county)
        if known is not None and str(known) != public_key and not replace:
            raise RefusedError(
                f"Für '{county}' ist schon ein anderer Schlüssel hinterlegt (Schlüssel-ID {key_id(str(known))}); "
                "mit --replace ersetzen, wenn der Landkreis seinen Schlüssel gewechselt hat.",
                path=str(workspace.config_path))
        keys[county] = public_key

    workspace.edit_config(mutate)
    if fmt == "json":
        emit_json({"county": county, "public_key": public_key, "key_id": key_id(public_key), "member_added": added})
        return
    if added:
        click.echo(f"{county} als Mitglied eingetragen (verbund.members); sein Paket wird unter "
                   f"{workspace.layout.relative(workspace.package_file(county))} erwartet.")
    click.echo(f"Schlüssel von {county} hinterlegt (Schlüssel-ID {key_id(public_key)}).")


@verbund_group.command("verify")
@click.option("--against", metavar="REVISION",
              help="Zusätzlich mit den Paketen in dieser git-Revision vergleichen (Journal darf nicht schrumpfen).")
@format_option()
@click.pass_context
def verify_command(ctx: click.Context, against: str | None, fmt: str) -> None:
    """Offenlegungspakete aller Mitglieder prüfen: Signatur, Katalog-Pin, Alter; Exit-Code 1 bei Befunden."""
    from ..app.federation import compare_with_base, verify_all

    session: Session = ctx.obj
    found = verify_all(session, session.today)
    if against:
        for key, problems in compare_with_base(session, against, found).items():
            next(m for m in found if m.key == key).problems.extend(problems)
    failed = [m for m in found if not m.usable]
    if fmt == "json":
        emit_json({"verified": not failed, "against": against, "packages": [m.as_dict() for m in found]})
    else:
        if not found:
            click.echo("Keine Mitglieder mit Offenlegungspaket (alle Landkreise liegen in dieser Arbeitsumgebung).")
        for member in found:
            if member.usable and member.payload is not None:
                payload = member.payload
                click.echo(f"{member.name}: Paket gültig – {member.file} (Offenlegung {payload['disclosure']['policy']}, "
                           f"Datenstand {payload['state_date'] or '–'}, veröffentlicht {payload['published']})")
        if failed:
            print_table(["Landkreis", "Datei", "Problem"],
                        [(m.name, m.file or "–", problem) for m in failed for problem in m.problems],
                        title="Offenlegungspakete nicht verwertbar")
            click.echo(f"Prüfung fehlgeschlagen: {plural_de(len(failed), 'Paket', 'Pakete')} nicht verwertbar.")
    if failed:
        ctx.exit(int(ExitCode.FINDINGS))
