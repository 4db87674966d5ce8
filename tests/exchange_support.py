"""A county with a full Edition 2023 check (about 2,000 rows) on the real Kompendium, for the exchange tests
and benchmarks/exchange.py: every Baustein modelled once, on objects of elevated need (so H counts too)."""

from __future__ import annotations

import random
from pathlib import Path

KOMPENDIUM = "kompendium-2023/XML_Kompendium_2023.xml"
COUNTY = "vollkreis"
#: target objects and which Bausteine (by prefix) they carry
TARGETS = (
    ("IV", "Informationsverbund Vollkreis", "Informationsverbund", ("ISMS", "ORP", "CON", "OPS", "DER")),
    ("GP-SOZ", "Sozialleistungen", "Geschäftsprozess", ()),
    ("APP", "Anwendungen der Kreisverwaltung", "Anwendung", ("APP",)),
    ("SRV", "Server", "IT-System", ("SYS.1", "SYS.4", "IND")),
    ("CL", "Arbeitsplätze", "IT-System", ("SYS.2", "SYS.3")),
    ("NET", "Netz der Kreisverwaltung", "Netz", ("NET",)),
    ("RZ", "Rechenzentrum", "Raum", ("INF",)),
    ("SRV-2", "Server Außenstelle", "IT-System", ("SYS.1",)),
    ("APP-2", "Fachverfahren Außenstelle", "Anwendung", ("APP.3", "APP.4")),
)
STATUSES = ("ja", "ja", "ja", "teilweise", "nein", "entbehrlich")


def full_county(root: Path, upstream: Path, run, *, seed: int = 2026, share: float = 0.8) -> tuple[Path, int]:
    """A workspace at ``root`` with county ``vollkreis``; returns it and the number of records written.

    ``run(*args)`` runs the CLI (``ikz_isms.testing.run`` or the ``run_cli`` fixture).
    """
    import yaml

    from ikz_isms.catalog import load_catalog
    from ikz_isms.plugins import get_plugin_manager

    catalog_path = upstream / KOMPENDIUM
    root.mkdir(parents=True)
    (root / "ikz-isms.yaml").write_text(f"verbund:\n  name: Vollverbund\n  members: [{COUNTY}]\ncatalogs: {{}}\n",
                                        encoding="utf-8")
    (root / "catalogs").mkdir()
    # imported as users do: stored as OSCAL JSON in catalogs/ and pinned (what an SSP can point OSCAL tools to)
    imported = run("--workspace", root, "catalog", "import", catalog_path, "--name", "kompendium")
    assert imported.exit_code == 0, imported.stderr
    result = run("--workspace", root, "county", "add", "Vollkreis", "--ags", "07998")
    assert result.exit_code == 0, result.stderr
    catalog = load_catalog(catalog_path, get_plugin_manager(None, load_entry_points=False))
    modules = sorted({r.group for r in catalog.requirements.values() if not r.withdrawn and r.group})
    items = []
    for target_id, name, kind, prefixes in TARGETS:
        item: dict = {"id": target_id, "name": name, "type": kind,
                      "protection_need": {"C": "hoch", "I": "hoch", "A": "hoch"}}
        if kind in ("Geschäftsprozess", "Anwendung"):
            item["need_reasons"] = {d: "Sozialdaten nach SGB X" for d in "CIA"}
        wanted = [m for m in modules if any(m == p or m.startswith(p + ".") for p in prefixes)]
        if wanted:
            item["bausteine"] = wanted
        items.append(item)
    items[1]["depends_on"] = ["APP"]
    data = root / "plugins" / f"ikz-county-{COUNTY}" / "data"
    (data / "zielobjekte.yaml").write_text(yaml.safe_dump({"zielobjekte": items}, allow_unicode=True, sort_keys=False),
                                           encoding="utf-8")
    by_group: dict[str, list[str]] = {}
    for requirement in catalog.requirements.values():
        if not requirement.withdrawn and requirement.group:
            by_group.setdefault(requirement.group, []).append(requirement.id)
    rng = random.Random(seed)
    written = 0
    (data / "pruefungen").mkdir(exist_ok=True)
    for item in items:
        records = []
        for module in item.get("bausteine", ()):
            for rid in by_group.get(module, ()):
                if rng.random() > share:
                    continue
                status = rng.choice(STATUSES)
                record = {"requirement": rid, "status": status,
                          "statement": f"Stand {rid}: {'umgesetzt' if status == 'ja' else 'in Arbeit'}.",
                          "responsible": rng.choice(("ISB", "Fachbereich Zentrale Dienste", "Amt 50")),
                          "checked": "2026-05-04"}
                if status == "entbehrlich":
                    record["reason"] = "Wird vom Kommunalen Rechenzentrum erbracht."
                records.append(record)
        if records:
            written += len(records)
            (data / "pruefungen" / f"{item['id']}.yaml").write_text(
                yaml.safe_dump({"zielobjekt": item["id"], "pruefungen": records}, allow_unicode=True, sort_keys=False),
                encoding="utf-8")
    baseline = run("--workspace", root, "journal", "baseline", "--county", COUNTY, "--reason", "Testdaten")
    assert baseline.exit_code == 0, baseline.stderr
    return root, written
