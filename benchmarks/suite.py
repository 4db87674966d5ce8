"""The test suite of several commits, measured in one run on this machine (issue 9, point 11).

Each revision is cloned beside the repository (so that ``../shared/upstream`` resolves as in
a developer checkout), gets its own venv installed by its README's test requirements, and
runs its README's test command (the ``pytest`` part of the README's second command) with
``CI=true`` and no standard input, one revision after the other. Reported per revision: the
tests passed and skipped, wall time, CPU time (user + sys of every process the suite
started) and CPU per test, as a Markdown table for ``docs/benchmarks.md``::

    python benchmarks/suite.py 3e63570 HEAD                      # the README's command of each
    python benchmarks/suite.py HEAD --command 'python -m pytest -n auto -m "not slow"'
    python benchmarks/suite.py HEAD --keep                       # leave the clones for a look

The machine should be quiet: other work changes wall times (CPU time is the fairer figure).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_test_command(readme: str) -> str:
    """The ``python -m pytest …`` part of the README's test command (the first shell line that runs pytest)."""
    for line in readme.splitlines():
        if "pytest" in line and "pip install" in line:
            part = next(p for p in line.split("&&") if "pytest" in p).strip()
            return re.sub(r"^\.venv/bin/", "", part)
    raise SystemExit("README: keine Zeile mit pip install und pytest gefunden")


def measure(revision: str, command: str | None, keep: bool) -> dict[str, object]:
    sha = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", revision], check=True,
                         capture_output=True, text=True).stdout.strip()
    clone = ROOT.parent / f".suite-{sha}"
    if clone.exists():
        shutil.rmtree(clone)
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "-q", sha], check=True)
    readme = (clone / "README.md").read_text(encoding="utf-8")
    run = command or readme_test_command(readme)
    python = clone / ".venv" / "bin" / "python"
    print(f"… {sha}: venv and requirements", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(clone / ".venv")], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "-r", str(clone / "requirements-test.txt")],
                   check=True, cwd=clone)
    argv = shlex.split(run)
    if argv[0] == "python":
        argv[0] = str(python)
    env = dict(os.environ, CI="true")
    print(f"… {sha}: {run}", file=sys.stderr, flush=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    proc = subprocess.run(argv, cwd=clone, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    tail = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    counts = {name: int(number) for number, name in re.findall(r"(\d+) (passed|skipped|failed|error)", tail)}
    if not keep:
        shutil.rmtree(clone, ignore_errors=True)
    return {"revision": sha, "command": run, "exit": proc.returncode, "wall": wall, "cpu": cpu,
            "passed": counts.get("passed", 0), "skipped": counts.get("skipped", 0),
            "failed": counts.get("failed", 0) + counts.get("error", 0), "summary": tail}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("revisions", nargs="+")
    parser.add_argument("--command", help="the test command instead of each README's (python = the clone's venv)")
    parser.add_argument("--keep", action="store_true", help="keep the clones")
    args = parser.parse_args()
    rows = [measure(revision, args.command, args.keep) for revision in args.revisions]
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores\n")
    print("| Revision | Command (its README's) | Tests passed (skipped) | Wall | CPU (user+sys) | CPU per test | Exit |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for row in rows:
        tests = int(row["passed"]) + int(row["failed"])  # type: ignore[call-overload]
        per = float(row["cpu"]) / tests if tests else 0.0  # type: ignore[arg-type]
        print(f"| {row['revision']} | `{row['command']}` | {row['passed']:,} ({row['skipped']}) | {row['wall']:.1f} s "
              f"| {row['cpu']:.1f} s | {per:.2f} s | {row['exit']} |")
    for row in rows:
        if row["exit"] != 0:
            print(f"\n{row['revision']}: {row['summary']}")


if __name__ == "__main__":
    main()
