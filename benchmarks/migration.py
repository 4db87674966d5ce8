"""Benchmark of issue 14 point 6: release upgrade and migration of a county with a full check.

Two counties are generated from the real BSI files (../shared/upstream), as a user makes them
(``ikz-isms init``-style workspace, ``catalog import``, ``county add``, records for every pair
the product models, ``journal baseline``):

* ``ed2023``: target objects of every Edition 2023 target-object type, each modelled with every
  Baustein of its type — the full Edition 2023 check; a second application, server, … is added
  (in a fixed order) until the county has about 2,000 records (:data:`WANTED`);
* ``gspp``: a Grundschutz++ county on the beta 0.9.7, web applications and hosts added the same
  way up to about 2,000 records.

Both counties also get a Realisierungsplan (``plan update``: one measure per gap), so the
references that follow the records are part of what is measured. Everything is generated
deterministically (statuses from a hash of requirement and target object).

Measured, each as a fresh subprocess on a fresh copy of the county (median of ``--runs``,
peak memory by GNU time): ``catalog migrate`` (dry run and ``--apply``) Edition 2023 → the
resolved G++ catalog of 2026-06-30 on BSI's mapping, ``catalog upgrade`` (dry run and
``--apply``) beta 0.9.7 → 2026-06-30, and ``catalog undo --apply`` of the migration.

    python benchmarks/migration.py [--runs 3] [--upstream ../shared/upstream]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
IKZ = REPO / ".venv" / "bin" / "ikz-isms"
PYTHON = REPO / ".venv" / "bin" / "python"
#: records a benchmark county gets at least (the smallest prefix of its target objects that reaches it)
WANTED = 2000
STATUSES = ("ja", "ja", "ja", "ja", "teilweise", "nein", "entbehrlich", "unbearbeitet")
ED2023_TYPES = {"IV": ("Informationsverbund", "Informationsverbund"), "APP": ("Anwendung", "Anwendung"),
                "SRV": ("IT-System", "IT-System"), "NET": ("Netz", "Netz"), "GEB": ("Gebäude", "Gebäude/Raum")}
#: further objects of the same types, in the order they are added until the county reaches WANTED
ED2023_MORE = [(f"{prefix}-{n}", prefix) for n in range(2, 6) for prefix in ("APP", "SRV", "NET", "GEB")]
GSPP_TARGETS = [("IV", "Informationsverbund", None)] + [
    (f"APP-{n}", "Anwendung", ["Webanwendungen"]) for n in range(1, 5)] + [
    (f"SRV-{n}", "IT-System", ["Hostsysteme"]) for n in range(1, 5)] + [
    ("CL", "IT-System", ["Endgeräte"]), ("NET", "Netz", ["Interne Netzsegmente"]), ("RAUM", "Raum", ["Serverräume"])] + [
    item for n in range(5, 20) for item in ((f"APP-{n}", "Anwendung", ["Webanwendungen"]),
                                            (f"SRV-{n}", "IT-System", ["Hostsysteme"]))]


def env() -> dict[str, str]:
    result = {k: v for k, v in os.environ.items() if not k.startswith("IKZ_ISMS_") and k != "PYTHONDONTWRITEBYTECODE"}
    result["IKZ_ISMS_NO_ENTRY_POINTS"] = "1"
    result["IKZ_ISMS_ACTOR"] = "Benchmark"
    return result


def ikz(ws: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(IKZ), "--workspace", str(ws), *args], capture_output=True, text=True, env=env())
    if check and done.returncode != 0:
        raise SystemExit(f"ikz-isms {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return done


def status_for(key: str) -> str:
    return STATUSES[hashlib.sha256(key.encode()).digest()[0] % len(STATUSES)]


def write_county(ws: Path, key: str, catalog: str, targets: list[tuple[str, list[str]]]) -> Path:
    """A county with a full check on the smallest prefix of ``targets`` (id, YAML lines) reaching WANTED records."""
    ikz(ws, "county", "add", key.capitalize(), "--key", key, "--ags", "07999")
    data = ws / "plugins" / f"ikz-county-{key}" / "data"
    profile = data / "landkreis.yaml"
    lines = [line for line in profile.read_text(encoding="utf-8").splitlines() if not line.startswith("catalog:")]
    profile.write_text("\n".join(lines) + f"\ncatalog: {catalog}\n", encoding="utf-8")

    def write_targets(chosen: list[tuple[str, list[str]]]) -> None:
        text = "zielobjekte:\n" + "".join(line + "\n" for _, item in chosen for line in item)
        (data / "zielobjekte.yaml").write_text(text, encoding="utf-8")

    write_targets(targets)
    pairs = modelled_pairs(ws, key)
    per_target: dict[str, int] = {}
    for _, target in pairs:
        per_target[target] = per_target.get(target, 0) + 1
    chosen, total = [], 0
    for target_id, item in targets:
        chosen.append((target_id, item))
        total += per_target.get(target_id, 0)
        if total >= WANTED:
            break
    write_targets(chosen)
    kept = {target_id for target_id, _ in chosen}
    by_target: dict[str, list[str]] = {}
    for requirement, target in pairs:
        if target not in kept:
            continue
        status = status_for(f"{requirement}@{target}")
        lines = [f"  - requirement: {requirement}", f"    status: {status}"]
        if status != "unbearbeitet":
            lines += [f"    statement: Geprüft für {target}.", "    responsible: ISB", "    checked: 2026-03-15"]
        if status == "entbehrlich":
            lines.append("    reason: Gleichwertige Alternativmaßnahme umgesetzt.")
        lines.append("    provenance: own")
        by_target.setdefault(target, []).extend(lines)
    (data / "pruefungen").mkdir(exist_ok=True)
    for target, lines in by_target.items():
        (data / "pruefungen" / f"{target}.yaml").write_text(
            f"zielobjekt: {target}\npruefungen:\n" + "\n".join(lines) + "\n", encoding="utf-8")
    ikz(ws, "journal", "baseline", "--county", key, "--reason", "Benchmark-Bestand")
    ikz(ws, "plan", "update", "--county", key)
    return data


def modelled_pairs(ws: Path, key: str) -> list[tuple[str, str]]:
    """(requirement, target) of every pair the product models for the county (asked in a subprocess)."""
    code = (
        "import sys, yaml\nfrom pathlib import Path\nfrom ikz_isms.app.session import Session\n"
        "s = Session(Path(sys.argv[1])); a = s.assessment(s.county(sys.argv[2]))\n"
        "print('\\n'.join(f'{p.requirement.id}\\t{p.target.id}' for p in a.pairs))\n"
    )
    words = subprocess.run([str(PYTHON), "-c", code, str(ws), key], capture_output=True, text=True, env=env(),
                           check=True).stdout.split()
    return list(zip(words[::2], words[1::2], strict=True))


def make_workspace(root: Path, upstream: Path) -> Path:
    ws = root / "ws"
    (ws / "catalogs").mkdir(parents=True)
    (ws / "plugins").mkdir()
    (ws / "ikz-isms.yaml").write_text("verbund:\n  name: Benchmark\n  members: []\ncatalogs: {}\n", encoding="utf-8")
    for name, relative in (("ed2023", "kompendium-2023/XML_Kompendium_2023.xml"),
                           ("gspp-beta", "gspp/beta-0.9.7/Grundschutz++-Kompendium.json"),
                           ("gspp-2026-06", "gspp/resolved-2026-06-30/Grundschutz++-catalog.json")):
        ikz(ws, "catalog", "import", str(upstream / relative), "--name", name)
    groups = json.loads(ikz(ws, "catalog", "search", "", "--catalog", "ed2023", "--format", "json").stdout)
    bausteine: dict[str, set[str]] = {}
    for result in groups["results"]:
        chain = result["groups"]
        if len(chain) >= 2:
            bausteine.setdefault("", set())
            bausteine[chain[1]["id"]] = set()
    types: dict[str, list[str]] = {}
    for baustein in sorted(k for k in bausteine if k):
        shown = json.loads(ikz(ws, "catalog", "show", baustein, "--catalog", "ed2023", "--format", "json").stdout)
        types.setdefault(shown["group"]["target_object_type"] or "", []).append(baustein)
    ed2023: list[tuple[str, list[str]]] = []
    for target, kind in [(t, t) for t in ED2023_TYPES] + ED2023_MORE:
        object_type, ed_type = ED2023_TYPES[kind]
        ed2023.append((target, [f"  - id: {target}", f"    name: {target}", f"    type: {object_type}",
                                "    protection_need: {C: hoch, I: hoch, A: hoch}", "    bausteine:",
                                *(f"      - {b}" for b in types.get(ed_type, []))]))
    write_county(ws, "kreisa", "ed2023", ed2023)
    gspp: list[tuple[str, list[str]]] = []
    for target, object_type, categories in GSPP_TARGETS:
        gspp.append((target, [f"  - id: {target}", f"    name: {target}", f"    type: {object_type}",
                              "    protection_need: {C: hoch, I: hoch, A: hoch}",
                              *([f"    kategorien: [{', '.join(categories)}]"] if categories else [])]))
    write_county(ws, "kreisb", "gspp-beta", gspp)
    return ws


def timed(ws_template: Path, scratch: Path, args: list[str], prepare: list[str] | None = None) -> tuple[float, int]:
    ws = scratch / "run"
    if ws.exists():
        shutil.rmtree(ws)
    shutil.copytree(ws_template, ws)
    if prepare:
        ikz(ws, *prepare)
    command = ["/usr/bin/time", "-f", "%M", str(IKZ), "--workspace", str(ws), *args]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env())
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr}")
    rss_kib = int(done.stderr.strip().splitlines()[-1])
    return elapsed, rss_kib


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--upstream", type=Path, default=REPO.parent / "shared" / "upstream")
    args = parser.parse_args()
    mapping = args.upstream / "gspp/current/ITGS-to-GS++-mapping_collection.json"
    if not mapping.exists():
        print(f"BSI-Originaldateien fehlen: {args.upstream}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="ikz-migration-bench-") as tmp:
        root = Path(tmp)
        print("Erzeuge Arbeitsumgebung (Kompendium, G++ Beta und 2026-06-30, zwei Landkreise) …", flush=True)
        template = make_workspace(root / "template", args.upstream)
        counts = {}
        for key in ("kreisa", "kreisb"):
            folder = template / "plugins" / f"ikz-county-{key}" / "data" / "pruefungen"
            records = sum(f.read_text(encoding="utf-8").count("  - requirement:") for f in folder.glob("*.yaml"))
            plan = (folder.parent / "plan.yaml").read_text(encoding="utf-8").count("  - id: M-")
            counts[key] = f"{records:,}".replace(",", ".") + f" records, {plan} measures"
        migrate = ["catalog", "migrate", "--county", "kreisa", "--to", "gspp-2026-06", "--mapping", str(mapping)]
        upgrade = ["catalog", "upgrade", "--county", "kreisb", "--to", "gspp-2026-06"]
        rows = [
            (f"migrate dry run (Ed. 2023, {counts['kreisa']})", migrate + ["--format", "json"], None),
            (f"migrate --apply (Ed. 2023, {counts['kreisa']})", migrate + ["--apply"], None),
            (f"upgrade dry run (G++ beta, {counts['kreisb']})", upgrade + ["--format", "json"], None),
            (f"upgrade --apply (G++ beta, {counts['kreisb']})", upgrade + ["--apply"], None),
            ("undo --apply of the migration", ["catalog", "undo", "UNDO", "--county", "kreisa", "--apply"],
             migrate + ["--apply"]),
            ("floor: python -c 'import json'", None, None),
        ]
        results: dict[str, list[tuple[float, int]]] = {label: [] for label, _, _ in rows}
        scratch = root / "scratch"
        scratch.mkdir()
        for _ in range(args.runs):
            for label, command, prepare in rows:
                if command is None:
                    start = time.perf_counter()
                    subprocess.run([str(PYTHON), "-c", "import json"], check=True, env=env())
                    results[label].append((time.perf_counter() - start, 0))
                    continue
                if command[:2] == ["catalog", "undo"]:
                    ws = scratch / "run"
                    if ws.exists():
                        shutil.rmtree(ws)
                    shutil.copytree(template, ws)
                    ikz(ws, *prepare)  # type: ignore[misc]
                    change = next((ws / "plugins" / "ikz-county-kreisa" / "data" / "archiv").iterdir()).name
                    run = [c if c != "UNDO" else change for c in command]
                    start = time.perf_counter()
                    done = subprocess.run(["/usr/bin/time", "-f", "%M", str(IKZ), "--workspace", str(ws), *run],
                                          capture_output=True, text=True, env=env())
                    elapsed = time.perf_counter() - start
                    if done.returncode:
                        raise SystemExit(done.stderr)
                    results[label].append((elapsed, int(done.stderr.strip().splitlines()[-1])))
                    continue
                results[label].append(timed(template, scratch, command))
        print(f"\nMedians of {args.runs} runs, each a fresh subprocess on a fresh copy ({os.cpu_count()} cores):\n")
        print(f"| {'command':<58} | median s | min–max s | peak MiB |")
        print(f"|{'-' * 60}|---------:|----------:|---------:|")
        for label, values in results.items():
            times = [t for t, _ in values]
            rss = max(r for _, r in values) / 1024
            print(f"| {label:<58} | {statistics.median(times):8.2f} | {min(times):.2f}–{max(times):.2f} | "
                  f"{rss:8.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
