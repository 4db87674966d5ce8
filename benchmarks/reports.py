"""Time ``ikz-isms report``: a county on the full Kompendium 2023 and the Verbund report for 24 counties.

County: a fresh workspace with the official Kompendium XML imported; one county whose
target objects carry every Baustein of their target-object type (so every active
requirement applies once, about 2,000 rows in A.4 with Kern-Absicherung) and a seeded
check record for each pair. Verbund: ``generate_verbund.py --counties 24`` (G++), report
timed cold (empty derived cache) and warm. Targets (issue 4, §7): ≤ 10 s and ≤ 30 s.

    python benchmarks/reports.py [--runs 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
KOMPENDIUM = REPO.parent / "shared" / "upstream" / "kompendium-2023" / "XML_Kompendium_2023.xml"
TYPES = {  # Ed. 2023 target-object type → (id, our type, name, protection need)
    "Informationsverbund": ("IV", "Informationsverbund", "Informationsverbund Benchmarkkreis", "normal"),
    "IT-System": ("SYS", "IT-System", "Server und Clients", "hoch"),
    "Anwendung": ("APP", "Anwendung", "Fachanwendungen", "hoch"),
    "Netz": ("NET", "Netz", "Verwaltungsnetz", "normal"),
    "Gebäude/Raum": ("RAUM", "Raum", "Serverraum und Gebäude", "normal"),
}
STATUSES = ("ja", "ja", "ja", "teilweise", "nein", "entbehrlich", "unbearbeitet")


def cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Run ``ikz-isms ARGS``; (wall seconds, CPU seconds of the child: user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run([sys.executable, "-m", "ikz_isms", *args], cwd=cwd, capture_output=True, text=True,
                          env={**base, "PYTHONPATH": str(REPO), **(env or {})})
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"ikz-isms {' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def county_workspace(root: Path) -> tuple[Path, int]:
    """A workspace with one county modelled on the whole Kompendium; returns it and the A.4 row count."""
    sys.path.insert(0, str(REPO))
    from ruamel.yaml import YAML

    from ikz_isms.app import Session

    cli("init", str(root), "--name", "Benchmark-Verbund", cwd=root.parent)
    cli("catalog", "import", str(KOMPENDIUM), "--name", "kompendium", cwd=root)
    cli("county", "add", "Benchmarkkreis", "--ags", "99999", cwd=root)
    yaml = YAML()
    config = yaml.load((root / "ikz-isms.yaml").read_text(encoding="utf-8"))
    config["default_catalog"] = "kompendium"
    with (root / "ikz-isms.yaml").open("w", encoding="utf-8") as handle:
        yaml.dump(config, handle)
    session = Session(root)
    county = session.county("benchmarkkreis")
    _, catalog = session.county_catalog(county)
    bausteine: dict[str, list[str]] = {}
    for group in catalog.groups.values():
        if group.kind == "baustein" and group.target_object_type in TYPES:
            bausteine.setdefault(group.target_object_type, []).append(group.id)
    targets = []
    for kind, (tid, type_, name, need) in TYPES.items():
        targets.append({"id": tid, "name": name, "type": type_,
                        "depends_on": [] if tid in ("IV", "RAUM") else ["RAUM"],
                        "protection_need": {"C": need, "I": need, "A": "normal"},
                        "bausteine": bausteine.get(kind, [])})
    # JSON is valid YAML: the county's files stay readable by every YAML reader
    county.layout.targets.write_text(json.dumps({"zielobjekte": targets}, ensure_ascii=False, indent=1),
                                     encoding="utf-8")
    session = Session(root)
    county = session.county("benchmarkkreis")
    assessment = session.assessment(county)
    rng = random.Random(2026)
    by_target: dict[str, list[dict]] = {}
    rows = 0
    for pair in assessment.pairs:
        if not pair.approaches:
            continue
        rows += 1
        status = rng.choice(STATUSES)
        if status == "unbearbeitet":
            continue
        record = {"requirement": pair.requirement.id, "status": status,
                  "statement": f"Umsetzung beschrieben im Sicherheitskonzept, Abschnitt {rng.randint(1, 40)}; "
                               "Nachweis im Dokumentenmanagement, Prüfung durch die IT-Leitung.",
                  "responsible": rng.choice(("IT-Leitung", "Hauptamt", "ISB", "Gebäudemanagement")),
                  "checked": f"2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}", "provenance": "own"}
        if status == "entbehrlich":
            record["reason"] = "Gleichwertige Alternative umgesetzt (siehe Sicherheitskonzept)."
        by_target.setdefault(pair.target.id, []).append(record)
    # today's layout: one file per target object, pruefungen/<ZIELOBJEKT>.yaml
    county.layout.records_dir.mkdir(exist_ok=True)
    for target, records in by_target.items():
        county.layout.records_file(target).write_text(
            json.dumps({"zielobjekt": target, "pruefungen": records}, ensure_ascii=False, indent=1), encoding="utf-8")
    return root, rows


def timed(runs: int, *args: str, cwd: Path) -> str:
    """Median wall and CPU time over ``runs`` runs, as text."""
    results = [cli(*args, cwd=cwd) for _ in range(runs)]
    wall = statistics.median(r[0] for r in results)
    cpu = statistics.median(r[1] for r in results)
    return f"wall {wall:.2f} s, CPU {cpu:.2f} s (median of {runs}; load average {os.getloadavg()[0]:.1f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build the workspaces here and keep them")
    args = parser.parse_args(argv)
    if not KOMPENDIUM.is_file():
        parser.error(f"Kompendium XML not found: {KOMPENDIUM}")
    base = args.keep or Path(tempfile.mkdtemp(prefix="ikz-report-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    try:
        root, rows = county_workspace(base / "county")
        pdf = base / "county.pdf"
        county_time = timed(args.runs, "report", "county", "benchmarkkreis", "-o", str(pdf), cwd=root)
        from pypdf import PdfReader

        pages = len(PdfReader(str(pdf)).pages)
        print(f"county report, Kompendium 2023, {rows} A.4 rows, {pages} pages: {county_time}")
        verbund = base / "verbund"
        subprocess.run([sys.executable, str(REPO / "benchmarks" / "generate_verbund.py"), "--counties", "24",
                        "--out", str(verbund)], check=True, capture_output=True,
                       env={**os.environ, "PYTHONPATH": str(REPO)})
        cold_wall, cold_cpu = cli("report", "verbund", "-o", str(base / "verbund.pdf"), cwd=verbund)
        warm = timed(args.runs, "report", "verbund", "-o", str(base / "verbund.pdf"), cwd=verbund)
        pages = len(PdfReader(str(base / "verbund.pdf")).pages)
        print(f"Verbund report, 24 counties (G++), {pages} pages: cold (empty cache) wall {cold_wall:.2f} s, "
              f"CPU {cold_cpu:.2f} s; warm {warm}")
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
