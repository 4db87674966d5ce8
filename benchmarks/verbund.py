"""Time `ikz-isms assess --verbund --format json` on synthetic Verbünde of 4, 24 and 294 counties; peak memory too."""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from generate_verbund import DEFAULT_CATALOG, generate
from run import DOC, REPO, ikz, ikz_env, machine

START_MARKER = "<!-- verbund:start -->"
END_MARKER = "<!-- verbund:end -->"
SIZES = (4, 24, 294)
TARGET_S = 10.0
TARGET_RSS_MIB = 2048


@dataclass
class Row:
    counties: int
    records: int = 0
    cold: float | None = None
    cold_rss: int = 0
    times: list[float] = field(default_factory=list)
    rss: list[int] = field(default_factory=list)
    codes: list[int] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def timed_run(workspace: Path) -> tuple[float, int, int]:
    """(wall seconds, max RSS in KiB, exit code) of one run, as a fresh subprocess."""
    with tempfile.TemporaryFile() as sink:
        start = time.perf_counter()
        process = subprocess.Popen(ikz("assess", "--verbund", "--format", "json"), cwd=workspace,
                                   env=ikz_env(), stdout=sink, stderr=subprocess.DEVNULL)
        # wait4 gives this child's own rusage; RUSAGE_CHILDREN would be the maximum over all runs
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss, process.returncode


def measure(size: int, root: Path, catalog: Path, runs: int, cold: bool) -> Row:
    workspace = root / f"verbund-{size}"
    print(f"… generating {size} counties", file=sys.stderr, flush=True)
    totals = generate(size, workspace, catalog, seed=2026)
    row = Row(size, records=totals["records"])
    if cold:
        print(f"… {size}: cold run (no cache)", file=sys.stderr, flush=True)
        shutil.rmtree(workspace / ".ikz-cache", ignore_errors=True)
        row.cold, row.cold_rss, code = timed_run(workspace)
        row.codes.append(code)
    else:
        timed_run(workspace)
    print(f"… {size}: warm-up and {runs} repeated runs", file=sys.stderr, flush=True)
    timed_run(workspace)
    for _ in range(runs):
        elapsed, rss, code = timed_run(workspace)
        row.times.append(elapsed)
        row.rss.append(rss)
        row.codes.append(code)
    return row


def render(rows: list[Row], runs: int) -> str:
    info = machine()
    out = [f"`ikz-isms assess --verbund --format json` in a workspace made by "
           f"`benchmarks/generate_verbund.py` (full G++ catalog, about 50 target objects per county). "
           f"Repeated run: median of {runs} runs after one untimed warm-up run, every run a fresh "
           "subprocess with the derived cache (`.ikz-cache/`) filled. Cold run: one run after deleting "
           "the cache. Peak memory: maximum resident set size of the process (`wait4`).", ""]
    out += [f"- **{key}:** {value}" for key, value in info.items()]
    out += ["", "| Counties | Check records | Repeated run, median (s) | Min (s) | Max (s) | ms per county "
            "| Peak RSS (MiB) | Cold run (s) | Cold peak RSS (MiB) | Exit codes |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for row in rows:
        cold = f"{row.cold:.1f}" if row.cold is not None else "–"
        cold_rss = f"{row.cold_rss / 1024:.0f}" if row.cold is not None else "–"
        out.append(f"| {row.counties} | {row.records:,} | {row.median:.3f} | {min(row.times):.3f} | "
                   f"{max(row.times):.3f} | {1000 * row.median / row.counties:.1f} | "
                   f"{max(row.rss) / 1024:.0f} | {cold} | {cold_rss} | "
                   f"{'/'.join(str(c) for c in sorted(set(row.codes)))} |")
    largest = max(rows, key=lambda r: r.counties)
    met_time = largest.median <= TARGET_S
    met_rss = max(largest.rss) / 1024 < TARGET_RSS_MIB
    out += ["", f"Target for {largest.counties} counties, repeated run ≤ {TARGET_S:g} s: "
            f"**{'met' if met_time else 'missed'}** ({largest.median:.2f} s); peak memory well under "
            f"2 GiB: **{'met' if met_rss else 'missed'}** ({max(largest.rss) / 1024:.0f} MiB)."]
    if len(rows) > 1:
        small, big = rows[-2], rows[-1]
        out.append(f"Growth from {small.counties} to {big.counties} counties "
                   f"(×{big.counties / small.counties:.1f}): repeated run ×{big.median / small.median:.1f}"
                   + (f", cold run ×{big.cold / small.cold:.1f}" if big.cold and small.cold else "") + ".")
    return "\n".join(out) + "\n"


def write_doc(section: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    if START_MARKER not in text or END_MARKER not in text:
        raise SystemExit(f"{DOC}: markers {START_MARKER} / {END_MARKER} missing")
    start = text.index(START_MARKER) + len(START_MARKER)
    end = text.index(END_MARKER)
    tmp = DOC.with_suffix(".md.tmp")
    tmp.write_text(text[:start] + "\n\n" + section + "\n" + text[end:], encoding="utf-8")
    os.replace(tmp, DOC)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="numbers of counties")
    parser.add_argument("--runs", type=int, default=3, help="timed repeated runs per size (median)")
    parser.add_argument("--catalog", type=Path, default=DEFAULT_CATALOG, help="G++ catalog for the counties")
    parser.add_argument("--no-cold", action="store_true", help="skip the cold run (it takes minutes at 294)")
    parser.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    parser.add_argument("--write", action="store_true", help=f"also update the Verbund section of {DOC.relative_to(REPO)}")
    args = parser.parse_args(argv)
    if not args.catalog.is_file():
        print(f"G++ catalog not found: {args.catalog}; nothing measured.", file=sys.stderr)
        return 1
    root = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="ikz-verbund-"))
    try:
        rows = [measure(size, root, args.catalog.resolve(), args.runs, not args.no_cold) for size in sorted(args.sizes)]
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    section = render(rows, args.runs)
    print(section)
    if args.write:
        write_doc(section)
        print(f"{DOC.relative_to(REPO)} updated.", file=sys.stderr)
    return 0 if all(code == 0 for row in rows for code in row.codes) else 1


if __name__ == "__main__":
    sys.exit(main())
