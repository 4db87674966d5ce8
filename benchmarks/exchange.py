"""Exchange timings: Excel export/import and OSCAL export of a county with a full Edition 2023 check.

Builds a workspace with one county on the real Kompendium Edition 2023 (every Baustein modelled,
about 2,000 rows in the check; ``tests/exchange_support.py``), then times, as a user runs them:

* ``export xlsx`` and ``import xlsx`` (unchanged workbook, and three edited cells with ``--apply``);
* ``export oscal ssp``, ``assessment-results`` and ``poam``.

Targets (issue 15): Excel export and import each a few seconds (≤ 5 s), OSCAL export < 2 s.
Not a test: pytest never collects this folder. Needs ../shared/upstream (the Kompendium XML).

    python benchmarks/exchange.py [--rounds 3] [--python .venv/bin/python]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
UPSTREAM = Path(os.environ.get("IKZ_ISMS_UPSTREAM", ROOT.parent / "shared" / "upstream"))
TARGETS = {"export xlsx": 5.0, "import xlsx": 5.0, "import xlsx --apply (3 Zellen)": 5.0,
           "export oscal ssp": 2.0, "export oscal assessment-results": 2.0, "export oscal poam": 2.0}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--python", type=Path, default=ROOT / ".venv" / "bin" / "python")
    args = parser.parse_args(argv)
    if not (UPSTREAM / "kompendium-2023" / "XML_Kompendium_2023.xml").exists():
        print(f"Kompendium fehlt ({UPSTREAM}); nichts gemessen.")
        return 1
    env = {**os.environ, "IKZ_ISMS_NO_ENTRY_POINTS": "1", "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory(prefix="ikz-exchange-") as scratch:
        work = Path(scratch)
        ws = work / "ws"
        build = ("import sys; from pathlib import Path; sys.path.insert(0, sys.argv[3]);"
                 "from ikz_isms.testing import run; from tests.exchange_support import full_county;"
                 "ws, n = full_county(Path(sys.argv[1]), Path(sys.argv[2]), run); print(n)")
        made = subprocess.run([str(args.python), "-c", build, str(ws), str(UPSTREAM), str(ROOT)], env=env,
                              capture_output=True, text=True, check=True)
        cli = [str(args.python), "-m", "ikz_isms", "--workspace", str(ws)]
        subprocess.run(cli + ["plan", "update", "--county", "vollkreis"], env=env, check=True, capture_output=True)
        book = work / "check.xlsx"

        def timed(command: list[str]) -> float:
            start = time.perf_counter()
            done = subprocess.run(cli + command, env=env, capture_output=True, text=True)
            elapsed = time.perf_counter() - start
            if done.returncode != 0:
                raise SystemExit(f"{' '.join(command)} → {done.returncode}: {done.stderr[-500:]}")
            return elapsed

        results: dict[str, list[float]] = {name: [] for name in TARGETS}
        rows = 0
        for _round in range(args.rounds):
            results["export xlsx"].append(timed(["export", "xlsx", "--county", "vollkreis", "-o", str(book)]))
            if not rows:
                import openpyxl

                rows = openpyxl.load_workbook(book)["Check"].max_row - 1
            results["import xlsx"].append(timed(["import", "xlsx", str(book)]))
            edit = ("import sys, openpyxl; b = openpyxl.load_workbook(sys.argv[1]); s = b['Check'];"
                    "s['H2'] = 'Neu ' + str(s['H2'].value); s['J3'] = 'Amt 9'; s['G4'] = 'nein'; b.save(sys.argv[1])")
            subprocess.run([str(args.python), "-c", edit, str(book)], env=env, check=True)
            results["import xlsx --apply (3 Zellen)"].append(timed(["import", "xlsx", str(book), "--apply",
                                                                   "--merge"]))
            for kind in ("ssp", "assessment-results", "poam"):
                results[f"export oscal {kind}"].append(
                    timed(["export", "oscal", kind, "--county", "vollkreis", "-o", str(work / f"{kind}.json")]))
        print(f"Landkreis mit vollem Edition-2023-Check: {rows} Zeilen im Blatt Check, {made.stdout.strip()} "
              f"Prüfeinträge; Median aus {args.rounds} Läufen (Prozessstart eingeschlossen)")
        print(f"{'Befehl':40} {'Median':>8} {'Ziel':>8}  Urteil")
        failed = 0
        for name, target in TARGETS.items():
            median = statistics.median(results[name])
            ok = median <= target
            failed += not ok
            print(f"{name:40} {median:7.2f}s {target:7.1f}s  {'erreicht' if ok else 'VERFEHLT'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
