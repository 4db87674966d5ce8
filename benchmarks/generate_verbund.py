"""Build a synthetic Verbund workspace (N counties, ~50 target objects each, full G++ catalog) for benchmarks.

Every figure is invented and seeded: the same ``--counties`` and ``--seed`` give the same
files. The workspace is made as a user makes one (``ikz-isms init``, ``ikz-isms catalog
import``); each county is a plugin folder with the layout of ``plugins/ikz-county-*/``.
Check records cover a county-specific share of the applicable (requirement, target
object) pairs; a journal holds the history of some of them over the past quarters, so the
trend of the Verbund view has something to replay.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CATALOG = REPO.parent / "shared" / "upstream" / "gspp" / "resolved-2026-06-30" / "Grundschutz++-catalog.json"
PIN = "gspp"
TODAY = dt.date(2026, 11, 20)

# (id prefix, type, how many, G++ category choices)
TEMPLATE = (
    ("GP", "Geschäftsprozess", 6, None),
    ("APP", "Anwendung", 14, ("Anwendungen", "Webanwendungen", "E-Mail", "Office-Anwendungen",
                             "Verzeichnisdienste", "Dateiserver", "Webbrowser", "TK-Anwendungen",
                             "Virtualisierungslösungen", "DNS-Server")),
    ("CLOUD", "Anwendung", 1, ("Cloud-Dienste",)),
    ("SYS", "IT-System", 16, ("Endgeräte", "Hostsysteme", "IT-Systeme", "Mobiltelefone")),
    ("NET", "Netz", 5, ("Netze", "Interne Netzsegmente", "WLANs", "Externe Netzanschlüsse")),
    ("RAUM", "Raum", 5, ("Räume", "Serverräume", "Datenträgerarchiv", "Räume für technische Infrastruktur")),
    ("GEB", "Gebäude", 2, ("Gebäude",)),
)
RESPONSIBLE = ("IT-Leitung", "Hauptamt", "ISB", "Personalamt", "Gebäudemanagement", "IT-Dienstleister")
HEADER = "# Synthetische Benchmark-Daten – ERFUNDEN, erzeugt von benchmarks/generate_verbund.py.\n"


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def county_targets(rng: random.Random, number: int) -> list[dict]:
    """About 50 target objects: domain, processes, applications, systems, networks, rooms, buildings."""
    targets: list[dict] = [{"id": "IV", "name": f"Informationsverbund Kreisverwaltung {number:03d}",
                            "type": "Informationsverbund", "need": ("normal", "normal", "normal")}]
    ids: dict[str, list[str]] = {}
    for prefix, kind, count, categories in TEMPLATE:
        for index in range(1, count + 1):
            target = {"id": f"{prefix}-{index:02d}", "name": f"{kind} {index:02d}", "type": kind}
            if categories:
                target["kategorien"] = [rng.choice(categories)]
            if kind == "Geschäftsprozess":
                target["need"] = tuple(rng.choice(("normal", "normal", "hoch", "sehr hoch")) for _ in range(3))
            if kind == "IT-System" and target["kategorien"] == ["Endgeräte"]:
                target["count"] = rng.randint(20, 400)
            ids.setdefault(prefix, []).append(target["id"])
            targets.append(target)
    below = {"GP": ("APP", 3), "APP": ("SYS", 2), "CLOUD": ("NET", 1), "SYS": ("NET", 1), "NET": ("RAUM", 1),
             "RAUM": ("GEB", 1)}
    for target in targets:
        prefix = target["id"].split("-")[0]
        if prefix in below:
            lower, many = below[prefix]
            target["depends_on"] = sorted(rng.sample(ids[lower], min(many, len(ids[lower]))))
    return targets


def targets_yaml(targets: list[dict]) -> str:
    out = [HEADER, "zielobjekte:\n"]
    for t in targets:
        out.append(f"  - id: {t['id']}\n    name: {q(t['name'])}\n    type: {t['type']}\n")
        if t.get("depends_on"):
            out.append("    depends_on:\n" + "".join(f"      - {d}\n" for d in t["depends_on"]))
        if t.get("need"):
            c, i, a = t["need"]
            out.append(f"    protection_need:\n      C: {c}\n      I: {i}\n      A: {a}\n")
        if t.get("kategorien"):
            out.append("    kategorien:\n" + "".join(f"      - {q(k)}\n" for k in t["kategorien"]))
        if t.get("count"):
            out.append(f"    count: {t['count']}\n")
    return "".join(out)


def pick_status(rng: random.Random, maturity: float) -> str:
    roll = rng.random()
    if roll < maturity:
        return "ja"
    if roll < maturity + 0.03:
        return "entbehrlich"
    if roll < maturity + 0.18:
        return "teilweise"
    return "nein"


def records_and_journal(rng: random.Random, pairs: list[tuple[str, str]], maturity: float):
    """(records, journal entries): a share of the pairs recorded, some with a history."""
    coverage = min(1.0, maturity + 0.25)
    records = []
    for requirement, target in pairs:
        if rng.random() > coverage:
            continue
        status = pick_status(rng, maturity)
        checked = TODAY - dt.timedelta(days=rng.randint(0, 540))
        record = {"requirement": requirement, "target": target, "status": status,
                  "responsible": rng.choice(RESPONSIBLE), "checked": checked.isoformat()}
        if status == "entbehrlich":
            record["reason"] = "Nicht einschlägig: Funktion wird im Landkreis nicht genutzt."
        records.append(record)
    history = rng.sample(records, max(1, len(records) // 20)) if records else []
    entries = []
    for record in history:
        # first recorded as 'nein' some quarters ago, then improved to today's status
        first = TODAY - dt.timedelta(days=rng.randint(120, 420))
        later = first + dt.timedelta(days=rng.randint(20, 110))
        key = f"{record['requirement']}@{record['target']}"
        before = {"requirement": record["requirement"], "target": record["target"], "status": "nein",
                  "checked": first.isoformat(), "provenance": "own"}
        entries.append({"time": f"{first.isoformat()}T09:00:00+00:00", "actor": "generator", "record": key,
                        "old": None, "new": before})
        if record["status"] != "nein":
            entries.append({"time": f"{later.isoformat()}T09:00:00+00:00", "actor": "generator", "record": key,
                            "old": before, "new": dict(record, provenance="own")})
    entries.sort(key=lambda e: e["time"])
    return records, entries


def records_yaml(records: list[dict]) -> str:
    out = [HEADER, "pruefungen:\n"]
    for r in records:
        out.append(f"  - requirement: {q(r['requirement'])}\n    target: {r['target']}\n    status: {r['status']}\n"
                   f"    responsible: {r['responsible']}\n    checked: {r['checked']}\n    provenance: own\n")
        if r.get("reason"):
            out.append(f"    reason: {q(r['reason'])}\n")
    return "".join(out)


def write_plugin(plugins: Path, key: str, profile: str) -> Path:
    module = "ikz_county_" + key.replace("-", "_")
    root = plugins / f"ikz-county-{key}"
    (root / "src" / module).mkdir(parents=True)
    (root / "data").mkdir()
    (root / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=68"]\nbuild-backend = "setuptools.build_meta"\n\n'
        f'[project]\nname = "ikz-county-{key}"\nversion = "0.0.1"\n'
        'description = "Synthetischer Landkreis (Benchmark, erfunden)"\nrequires-python = ">=3.11"\n'
        f'dependencies = ["ikz-isms"]\n\n[project.entry-points.ikz_isms]\n{key} = "{module}"\n\n'
        '[tool.setuptools.packages.find]\nwhere = ["src"]\n',
        encoding="utf-8",
    )
    (root / "src" / module / "__init__.py").write_text(
        f'"""ikz-isms county plugin: synthetic county {key} (data in ../../data)."""\n\n'
        "from pathlib import Path\n\nfrom ikz_isms.county import county_plugin\n\n"
        'ikz_register_counties = county_plugin(Path(__file__).resolve().parents[2] / "data")\n',
        encoding="utf-8",
    )
    (root / "data" / "landkreis.yaml").write_text(profile, encoding="utf-8")
    return root / "data"


def run_cli(*args: str, cwd: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "ikz_isms", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    if done.returncode != 0:
        raise SystemExit(f"ikz-isms {' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")


def generate(counties: int, out: Path, catalog_path: Path, seed: int) -> dict:
    sys.path.insert(0, str(REPO))
    from ruamel.yaml import YAML

    from ikz_isms import journal
    from ikz_isms.assess.modelling import model
    from ikz_isms.assess.targets import parse_targets, resolve_needs
    from ikz_isms.catalog import load_catalog
    from ikz_isms.plugins import get_plugin_manager
    from ikz_isms.workspace import Workspace

    if (out / "ikz-isms.yaml").exists():
        raise SystemExit(f"{out} holds a workspace already; choose an empty --out.")
    out.parent.mkdir(parents=True, exist_ok=True)
    run_cli("init", str(out), "--name", f"Synthetischer Verbund ({counties} Landkreise)", cwd=out.parent)
    run_cli("catalog", "import", str(catalog_path), "--name", PIN, cwd=out)
    workspace = Workspace.load(out)
    catalog = load_catalog(workspace.catalog_path(workspace.pin(PIN)), get_plugin_manager())
    rng = random.Random(seed)
    keys = []
    totals = {"targets": 0, "pairs": 0, "records": 0, "journal": 0}
    for number in range(1, counties + 1):
        key = f"lk-{number:03d}"
        keys.append(key)
        disclosure = rng.choices(("full", "aggregate", "none"), weights=(7, 2, 1))[0]
        profile = (f"{HEADER}key: {key}\nname: {q(f'Synthetischer Landkreis {number:03d}')}\n"
                   f'ags: "99{number:03d}"\ninhabitants: {rng.randint(40_000, 350_000)}\n'
                   f"employees: {rng.randint(250, 1800)}\nisb:\n  name: ISB {number:03d}\n"
                   f"  email: isb@lk-{number:03d}.example\ndisclosure: {disclosure}\ncatalog: {PIN}\n")
        data = write_plugin(out / "plugins", key, profile)
        raw_targets = county_targets(rng, number)
        text = targets_yaml(raw_targets)
        (data / "zielobjekte.yaml").write_text(text, encoding="utf-8")
        targets = parse_targets(YAML(typ="safe").load(text))
        pairs, _ = model(catalog, targets, resolve_needs(targets, path=str(data / "zielobjekte.yaml")))
        counted = [p.key for p in pairs if p.approaches]
        records, entries = records_and_journal(rng, counted, rng.uniform(0.15, 0.95))
        (data / "pruefungen.yaml").write_text(records_yaml(records), encoding="utf-8")
        (data / "journal.jsonl").write_text("", encoding="utf-8")
        if entries:
            journal.append(data / "journal.jsonl", entries)
        totals["targets"] += len(targets)
        totals["pairs"] += len(counted)
        totals["records"] += len(records)
        totals["journal"] += len(entries)
        if number % 25 == 0:
            print(f"… {number} of {counties} counties", file=sys.stderr, flush=True)
    workspace = Workspace.load(out)
    workspace.config["verbund"]["members"] = keys
    workspace.config["default_catalog"] = PIN
    workspace.save()
    return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counties", type=int, required=True, help="number of counties (e.g. 4, 24, 294)")
    parser.add_argument("--out", type=Path, required=True, help="new workspace directory")
    parser.add_argument("--catalog", type=Path, default=DEFAULT_CATALOG,
                        help="G++ catalog to import (default: the resolved catalog in ../shared/upstream)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same files)")
    args = parser.parse_args(argv)
    if args.counties < 1:
        parser.error("--counties must be ≥ 1")
    if not args.catalog.is_file():
        parser.error(f"catalog not found: {args.catalog}")
    start = time.perf_counter()
    totals = generate(args.counties, args.out.resolve(), args.catalog.resolve(), args.seed)
    print(f"{args.out}: {args.counties} counties, {totals['targets']} target objects, "
          f"{totals['pairs']} applicable pairs, {totals['records']} check records, "
          f"{totals['journal']} journal entries ({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
