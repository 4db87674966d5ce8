"""Counties for the catalog-change tests: a Grundschutz++ county with a full check on a pinned release.

The records are written as plain YAML (the way a county keeps them) for every pair the
product models, with deterministic mixed statuses, and the journal starts with a baseline
(``journal baseline``), so the county is as real as the example counties.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
import yaml

GSPP_TARGETS = """\
zielobjekte:
  - id: IV
    name: Informationsverbund Testkreis
    type: Informationsverbund
  - id: APP-WEB
    name: Bürgerportal
    type: Anwendung
    kategorien: [Webanwendungen]
    depends_on: [SRV]
    protection_need: {C: hoch, I: normal, A: normal}
  - id: SRV
    name: Server
    type: IT-System
    kategorien: [Hostsysteme]
    depends_on: [RAUM]
  - id: CL
    name: Arbeitsplätze
    type: IT-System
    kategorien: [Endgeräte]
  - id: NET
    name: Verwaltungsnetz
    type: Netz
    kategorien: [Interne Netzsegmente]
  - id: RAUM
    name: Serverraum
    type: Raum
    kategorien: [Serverräume]
"""

STATUSES = ("ja", "ja", "ja", "ja", "teilweise", "nein", "entbehrlich", "unbearbeitet")


def status_for(requirement: str, target: str) -> str:
    digest = hashlib.sha256(f"{requirement}@{target}".encode()).digest()
    return STATUSES[digest[0] % len(STATUSES)]


def record_for(requirement: str, target: str) -> dict[str, Any]:
    status = status_for(requirement, target)
    record: dict[str, Any] = {"requirement": requirement, "status": status}
    if status != "unbearbeitet":
        record["statement"] = f"Geprüft für {target}."
        record["responsible"] = "ISB"
        record["checked"] = "2026-03-15"
    if status == "entbehrlich":
        record["reason"] = "Gleichwertige Alternativmaßnahme umgesetzt."
    record["provenance"] = "own"
    return record


def write_records(data_dir: Path, pairs: list[tuple[str, str]]) -> int:
    """Record files for ``pairs`` (requirement, target), one per target object."""
    by_target: dict[str, list[dict[str, Any]]] = {}
    for requirement, target in pairs:
        by_target.setdefault(target, []).append(record_for(requirement, target))
    folder = data_dir / "pruefungen"
    folder.mkdir(exist_ok=True)
    for target, records in by_target.items():
        text = yaml.safe_dump({"zielobjekt": target, "pruefungen": records}, allow_unicode=True, sort_keys=False)
        (folder / f"{target}.yaml").write_text(text.replace("'2026-03-15'", "2026-03-15"), encoding="utf-8")
    return sum(len(r) for r in by_target.values())


def modelled_pairs(ws: Path, county: str) -> list[tuple[str, str]]:
    """Every pair the product models for the county (asked of the application layer)."""
    from ikz_isms.app.session import Session

    session = Session(ws)
    assessment = session.assessment(session.county(county))
    return [pair.key for pair in assessment.pairs]


def make_county(ws: Path, run_cli: Any, name: str, *, catalog: str, targets: str = GSPP_TARGETS) -> Path:
    """A county on pinned ``catalog`` with a full check (every modelled pair has a record) and a journal."""
    result = run_cli("--workspace", ws, "county", "add", name, "--ags", "07999")
    assert result.exit_code == 0, result.stderr
    key = name.lower()
    data_dir = ws / "plugins" / f"ikz-county-{key}" / "data"
    profile = data_dir / "landkreis.yaml"
    text = profile.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("catalog:")]
    profile.write_text("\n".join(lines) + f"\ncatalog: {catalog}\n", encoding="utf-8")
    (data_dir / "zielobjekte.yaml").write_text(targets, encoding="utf-8")
    write_records(data_dir, modelled_pairs(ws, key))
    result = run_cli("--workspace", ws, "journal", "baseline", "--county", key, "--reason", "Testbestand übernommen")
    assert result.exit_code == 0, result.stderr
    return data_dir


def alt_ids(path: Path) -> dict[str, str]:
    """Control id → alt-identifier of a G++ OSCAL JSON file, read with plain json."""
    import json

    found: dict[str, str] = {}

    def walk(node: dict[str, Any]) -> None:
        for control in node.get("controls") or []:
            uuid = next((p["value"] for p in control.get("props") or [] if p.get("name") == "alt-identifier"), None)
            if uuid:
                found[control["id"]] = uuid
            walk(control)
        for group in node.get("groups") or []:
            walk(group)

    walk(json.loads(path.read_text(encoding="utf-8"))["catalog"])
    return found


def gspp_upgrade_workspace(folder: Path, beta: Path, resolved: Path, county: str = "Testkreis") -> Path:
    """A workspace with the G++ beta (``gspp-beta``) and the resolved release (``gspp-2026-06``) pinned and
    ``county`` (full check) on the beta, built with the CLI in isolation (for module-scoped fixtures)."""
    from ikz_isms.testing import make_workspace, run

    ws = make_workspace(folder, members=(county.lower(),))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("IKZ_ISMS_NO_ENTRY_POINTS", "1")
        mp.setenv("COLUMNS", "200")
        for source, name in ((beta, "gspp-beta"), (resolved, "gspp-2026-06")):
            result = run("--workspace", ws, "catalog", "import", source, "--name", name)
            assert result.exit_code == 0, result.stderr
        make_county(ws, lambda *a: run(*a), county, catalog="gspp-beta")
    return ws
