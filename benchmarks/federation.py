"""Federated Verbund at scale: publishing one county's package, the Verbund view and report from 294 packages.

Issue 12, point 7. A county workspace with about 50 target objects on the full G++ catalog is
generated (``generate_verbund.generate``); ``publish`` is timed there. Its package is then the
model for 294 counties' packages (every German Landkreis): each gets its own key, name and
seeded figures, 70 % ``full``, 20 % ``aggregate``, 10 % ``none``, signed as ``publish``
signs. The Verbund workspace holds only the packages and the pinned catalog; ``assess
--verbund`` (cold: first run after the packages changed; warm: again) and ``report verbund``
are timed for 74, 147 and 294 counties (linear growth), with peak memory (GNU time %M).

    python benchmarks/federation.py                 # prints the table
    python benchmarks/federation.py --write         # and updates docs/benchmarks.md (markers "federation")
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

DOC = REPO / "docs" / "benchmarks.md"
TARGETS = {"publish": 2.0, "view-cold": 2.0, "view-warm": 0.5, "report": 30.0, "memory-mib": 500}


def cli(python: str, *args: str, cwd: Path, env: dict[str, str]) -> tuple[float, float, str]:
    """(wall seconds, peak MiB, stdout) of one ``ikz-isms`` run under GNU time."""
    cmd = ["/usr/bin/time", "-f", "%M", python, "-m", "ikz_isms", *args]
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    peak_kib = int(done.stderr.strip().splitlines()[-1])
    return wall, peak_kib / 1024, done.stdout


def median_run(runs: int, python: str, *args: str, cwd: Path, env: dict[str, str],
               before: object = None) -> tuple[float, float]:
    walls, peaks = [], []
    for _ in range(runs):
        if callable(before):
            before()
        wall, peak, _ = cli(python, *args, cwd=cwd, env=env)
        walls.append(wall)
        peaks.append(peak)
    return statistics.median(walls), max(peaks)


def county_workspace(root: Path, catalog: Path, python: str) -> Path:
    from generate_verbund import generate

    out = root / "landkreis"
    generate(1, out, catalog, python=python)
    profile = next(out.glob("plugins/*/data/landkreis.yaml"))
    text = re.sub(r"^disclosure: .*$", "disclosure: full", profile.read_text(encoding="utf-8"), flags=re.M)
    profile.write_text(text, encoding="utf-8")
    return out


def make_packages(model: dict, verbund: Path, count: int, seed: int = 294) -> None:
    """``count`` signed packages shaped like ``model``, and the Verbund config that trusts their keys."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from ikz_isms.app.disclosure import filter_figures, package_bytes
    from ikz_isms.app.signing import public_text, sign

    rng = random.Random(seed)
    payload_model = model["payload"]
    figures_model = payload_model["figures"]
    folder = verbund / "offenlegung"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    keys = {}
    for number in range(1, count + 1):
        key = f"lk-{number:03d}"
        policy = rng.choices(("full", "aggregate", "none"), weights=(7, 2, 1))[0]
        payload = copy.deepcopy(payload_model)
        payload["county"] = {"key": key, "name": f"Landkreis {number:03d}", "ags": None,
                             "inhabitants": rng.randrange(50_000, 400_000), "employees": rng.randrange(300, 2500)}
        payload["disclosure"] = {"policy": policy, "allow": []}
        figures = copy.deepcopy(figures_model)
        for counts in figures["approaches"].values():  # shift a few pairs between statuses, totals kept
            moved = min(counts.get("nein", 0), rng.randrange(0, 40))
            counts["nein"] = counts.get("nein", 0) - moved
            counts["ja"] = counts.get("ja", 0) + moved
        if policy == "none":
            payload.update(figures=None, records=None, journal=None, state_date=None)
            payload["county"] = {"key": key, "name": payload["county"]["name"]}
        elif policy == "aggregate":
            payload["figures"] = filter_figures(figures, "aggregate", ())
            payload["records"] = None
        else:
            payload["figures"] = figures
        private = Ed25519PrivateKey.generate()
        keys[key] = public_text(private)
        document = {"payload": payload, "signature": sign(private, payload)}
        (folder / f"{key}.json").write_bytes(package_bytes(document))
    config = verbund / "ikz-isms.yaml"
    text = config.read_text(encoding="utf-8")
    head, _, rest = text.partition("\ncatalogs:")
    members = "\n".join(f"    - {k}" for k in keys)
    trusted = "\n".join(f"    {k}: {v}" for k, v in keys.items())
    head = re.sub(r"\n  members:.*", "", head, flags=re.S)
    config.write_text(f"{head}\n  members:\n{members}\n  keys:\n{trusted}\ncatalogs:{rest}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=str(REPO / ".venv" / "bin" / "python"))
    parser.add_argument("--catalog", type=Path, default=REPO.parent / "shared" / "upstream" / "gspp"
                        / "resolved-2026-06-30" / "Grundschutz++-catalog.json")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="74,147,294")
    parser.add_argument("--write", action="store_true", help="update the 'federation' section of docs/benchmarks.md")
    args = parser.parse_args(argv)
    if not args.catalog.is_file():
        raise SystemExit(f"G++ catalog not found: {args.catalog}")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPATH=str(REPO), COLUMNS="200", HOME=tempfile.mkdtemp(prefix="ikz-bench-home-"))
    rows = []
    with tempfile.TemporaryDirectory(prefix="ikz-federation-") as tmp:
        root = Path(tmp)
        county = county_workspace(root, args.catalog, args.python)
        key = county / "schluessel.pem"
        cli(args.python, "keys", "create", "--key", str(key), cwd=county, env=env)
        package = county / "paket.json"
        cli(args.python, "publish", "--key", str(key), "-o", str(package), cwd=county, env=env)  # warm the caches
        wall, peak = median_run(args.runs, args.python, "publish", "--key", str(key), "-o", str(package),
                                cwd=county, env=env)
        model = json.loads(package.read_text(encoding="utf-8"))
        size = package.stat().st_size
        targets = model["payload"]["figures"]["targets"]
        records = len(model["payload"]["records"]["rows"])
        rows.append((f"publish (1 Landkreis, {targets} Zielobjekte, {records} Prüfeinträge, Paket {size / 1e6:.1f} MB)",
                     wall, peak, TARGETS["publish"]))
        verbund = root / "verbund"
        verbund.mkdir()
        shutil.copy(county / "ikz-isms.yaml", verbund / "ikz-isms.yaml")
        shutil.copytree(county / "catalogs", verbund / "catalogs")
        for count in (int(s) for s in args.sizes.split(",")):
            make_packages(model, verbund, count)
            def cold(cache: Path = verbund / ".ikz-cache") -> None:
                shutil.rmtree(cache, ignore_errors=True)
                for path in (verbund / "offenlegung").iterdir():
                    os.utime(path)  # a changed package: nothing derived from it may be reused

            wall_c, peak_c = median_run(args.runs, args.python, "assess", "--verbund", "--format", "json",
                                        cwd=verbund, env=env, before=cold)
            wall_w, peak_w = median_run(args.runs, args.python, "assess", "--verbund", "--format", "json",
                                        cwd=verbund, env=env)
            rows.append((f"assess --verbund, {count} Pakete, kalt", wall_c, peak_c,
                         TARGETS["view-cold"] if count == 294 else None))
            rows.append((f"assess --verbund, {count} Pakete, warm", wall_w, peak_w,
                         TARGETS["view-warm"] if count == 294 else None))
            if count == 294:
                pdf = root / "verbund.pdf"
                wall_r, peak_r = median_run(max(1, args.runs // 2), args.python, "report", "verbund", "-o", str(pdf),
                                            cwd=verbund, env=env)
                rows.append((f"report verbund, {count} Pakete", wall_r, peak_r, TARGETS["report"]))
    lines = ["| Messung | Median (s) | Spitze (MiB) | Ziel | erfüllt |", "|---|---:|---:|---:|---|"]
    for name, wall, peak, target in rows:
        met = "–" if target is None else ("ja" if wall <= target and peak < TARGETS["memory-mib"] else "**nein**")
        goal = "–" if target is None else f"≤ {target:g} s, < {TARGETS['memory-mib']} MiB"
        lines.append(f"| {name} | {wall:.2f} | {peak:.0f} | {goal} | {met} |")
    load = os.getloadavg()
    lines.append("")
    lines.append(f"{args.runs} Läufe je Messung (Median), Lastmittel beim Ende {load[0]:.2f}/{load[1]:.2f}/{load[2]:.2f}; "
                 f"Maschine: {os.cpu_count()} Kerne, Python {sys.version.split()[0]}.")
    table = "\n".join(lines)
    print(table)
    if args.write:
        text = DOC.read_text(encoding="utf-8")
        start, end = "<!-- federation:start -->", "<!-- federation:end -->"
        block = f"{start}\n{table}\n{end}"
        if start in text:
            text = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _: block, text, flags=re.S)
        else:
            text += ("\n## Federated Verbund: packages (issue 12)\n\n"
                     "`python benchmarks/federation.py --write` — one county's `publish` on the full G++ catalog, "
                     "then the Verbund view and report from 74/147/294 signed packages (no raw data in the Verbund "
                     "workspace).\n\n" + block + "\n")
        DOC.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
