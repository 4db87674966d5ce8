"""Time ikz-isms start-up, check and catalog import on the real BSI files, next to trestle validate."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "benchmarks.md"
START_MARKER = "<!-- results:start -->"
END_MARKER = "<!-- results:end -->"
DEFAULT_TRESTLE = REPO / "benchmarks" / ".venv-trestle" / "bin" / "trestle"

GSPP = Path("gspp/resolved-2026-06-30/Grundschutz++-catalog.json")
KOMPENDIUM = Path("kompendium-2023/XML_Kompendium_2023.xml")

HELP_TARGET_S = 0.15
RATIO_TARGET = 5.0

# Written only when `ikz-isms init` is unavailable; the same shape init produces.
MINIMAL_CONFIG = """\
verbund:
  name: Benchmark
  members: []
catalogs: {}
"""


@dataclass
class Bench:
    """One measured command; ``prepare`` returns the directory to run it in, outside the clock."""

    key: str
    label: str
    shown: str
    cmd: list[str]
    prepare: Callable[[], Path]
    env: dict[str, str]
    ok_codes: tuple[int, ...] = (0,)
    target: str = ""


@dataclass
class Result:
    bench: Bench
    times: list[float] = field(default_factory=list)
    codes: list[int] = field(default_factory=list)
    verdict: str = ""
    skipped: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def ok(self) -> bool:
        return not self.skipped and all(code in self.bench.ok_codes for code in self.codes)


def ikz_env() -> dict[str, str]:
    """Environment for ikz-isms runs: this working tree's code, no workspace from outside."""
    env = dict(os.environ)
    env.pop("IKZ_ISMS_WORKSPACE", None)
    # an installed package has its bytecode compiled; measuring without it times the compiler
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def peer_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def ikz(*args: str) -> list[str]:
    return [sys.executable, "-m", "ikz_isms", *args]


class Scratch:
    """Temporary directories for one benchmark run; removed at the end."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="ikz-bench-"))
        self.count = 0

    def new_dir(self, name: str) -> Path:
        self.count += 1
        path = self.root / f"{self.count:03d}-{name}"
        path.mkdir()
        return path

    def new_workspace(self) -> Path:
        """A fresh, empty workspace, made as a user makes one (``ikz-isms init``)."""
        path = self.new_dir("ws") / "verbund"
        done = subprocess.run(ikz("init", str(path)), env=ikz_env(), cwd=path.parent,
                              capture_output=True, text=True)
        if done.returncode != 0 or not (path / "ikz-isms.yaml").exists():
            (path / "catalogs").mkdir(parents=True, exist_ok=True)
            (path / "ikz-isms.yaml").write_text(MINIMAL_CONFIG, encoding="utf-8")
        return path

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def last_line(text: str, limit: int = 110) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return ""
    line = lines[-1]
    return line if len(line) <= limit else line[: limit - 1] + "…"


def trestle_verdict(text: str) -> str:
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(("VALID", "INVALID")):
            return stripped if len(stripped) <= 110 else stripped[:109] + "…"
    return last_line(text)


def run_once(result: Result, timeout: float, timed: bool) -> None:
    bench = result.bench
    cwd = bench.prepare()
    start = time.perf_counter()
    try:
        done = subprocess.run(bench.cmd, cwd=cwd, env=bench.env, capture_output=True,
                              text=True, errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired:
        result.skipped = f"timed out after {timeout:.0f} s"
        return
    elapsed = time.perf_counter() - start
    if not timed:
        return
    result.times.append(elapsed)
    result.codes.append(done.returncode)
    # temporary paths would make the doc differ on every run
    output = (done.stdout + "\n" + done.stderr).replace(f"{cwd}{os.sep}", "")
    result.verdict = trestle_verdict(output) if "trestle" in bench.key else last_line(output)


def measure_all(benches: list[Bench], runs: int, warmup: int, timeout: float) -> list[Result]:
    """Run the benches round-robin, so a burst of load elsewhere hits all rows alike."""
    results = [Result(bench) for bench in benches]
    for index in range(warmup + runs):
        print(f"… round {index + 1} of {warmup + runs}"
              f"{' (warm-up)' if index < warmup else ''}", file=sys.stderr, flush=True)
        for result in results:
            if not result.skipped:
                run_once(result, timeout, timed=index >= warmup)
    return results


def build_benches(upstream: Path | None, trestle: Path | None, peer: bool, scratch: Scratch,
                  notes: list[str]) -> list[Bench]:
    env = ikz_env()
    benches: list[Bench] = []
    empty_dir = scratch.new_dir("empty")

    benches.append(Bench("python", "Python interpreter alone (floor)",
                         "python -c pass", [sys.executable, "-c", "pass"],
                         lambda: empty_dir, env))
    benches.append(Bench("help-repo", "Start-up, example workspace (loads its plugins/)",
                         "python -m ikz_isms --help", ikz("--help"), lambda: REPO, env,
                         target=f"≤ {HELP_TARGET_S} s"))
    benches.append(Bench("help-bare", "Start-up, no workspace",
                         "python -m ikz_isms --help", ikz("--help"),
                         lambda: empty_dir, env, target=f"≤ {HELP_TARGET_S} s"))
    script = shutil.which("ikz-isms")
    if script:
        notes.append(f"Console script timed: `{script}`.")
        benches.append(Bench("help-script", "Start-up via console script, example workspace",
                             "ikz-isms --help", [script, "--help"], lambda: REPO, env,
                             target=f"≤ {HELP_TARGET_S} s"))
    else:
        notes.append("The `ikz-isms` console script is not on PATH (no `pip install`), "
                     "so only `python -m ikz_isms` was timed.")

    if upstream is None:
        return benches

    gspp = upstream / GSPP
    xml = upstream / KOMPENDIUM
    # one workspace for all check runs: check only reads
    check_ws = scratch.new_workspace()
    for key, name, source in (("gspp", "G++ resolved catalog", gspp),
                              ("xml", "Kompendium Ed. 2023 XML", xml)):
        benches.append(Bench(f"check-{key}", f"check, {name}",
                             f"ikz-isms check {source.name}", ikz("check", str(source)),
                             lambda: check_ws, env, ok_codes=(0, 1),
                             target=f"≥ {RATIO_TARGET:g}× faster than trestle"
                             if key == "gspp" else ""))
    for key, name, source in (("gspp", "G++ resolved catalog", gspp),
                              ("xml", "Kompendium Ed. 2023 XML", xml)):
        benches.append(Bench(f"import-{key}", f"catalog import, {name} (fresh workspace)",
                             f"ikz-isms catalog import {source.name}",
                             ikz("catalog", "import", str(source)),
                             scratch.new_workspace, env))

    if not peer:
        return benches
    if trestle is None:
        notes.append("trestle not found: run `benchmarks/setup-peer.sh` (or pass "
                     "`--trestle PATH`); the peer rows were skipped.")
        return benches
    trestle_ws = scratch.new_dir("trestle") / "trestle-ws"
    trestle_ws.mkdir()
    done = subprocess.run([str(trestle), "init"], cwd=trestle_ws, env=peer_env(),
                          capture_output=True, text=True)
    if done.returncode != 0:
        notes.append(f"`trestle init` failed ({done.returncode}): {last_line(done.stderr)}; "
                     "the peer rows were skipped.")
        return benches
    target = trestle_ws / "catalogs" / "gspp" / "catalog.json"
    target.parent.mkdir(parents=True)
    shutil.copyfile(gspp, target)
    benches.append(Bench("trestle-help", "Peer start-up: trestle --help",
                         "trestle --help", [str(trestle), "--help"],
                         lambda: trestle_ws, peer_env()))
    # trestle's verdicts: 0 valid, 4 OSCAL_VALIDATION_ERROR; either is a timed answer
    benches.append(Bench("trestle-gspp", "Peer: trestle validate, G++ resolved catalog",
                         "trestle validate -f catalogs/gspp/catalog.json",
                         [str(trestle), "validate", "-f", str(target.relative_to(trestle_ws))],
                         lambda: trestle_ws, peer_env(), ok_codes=(0, 4)))
    return benches


def trestle_version(trestle: Path | None) -> str:
    if trestle is None:
        return "not installed"
    done = subprocess.run([str(trestle), "version"], capture_output=True, text=True,
                          env=peer_env())
    return last_line(done.stdout) or "unknown"


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    try:
        load = " / ".join(Path("/proc/loadavg").read_text().split()[:3]) + " (1 / 5 / 15 min)"
    except OSError:
        load = "unknown"
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                            capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=REPO,
                           capture_output=True, text=True).stdout.strip()
    return {
        "CPU": cpu,
        "Cores": f"{os.cpu_count()} logical ({usable} usable)",
        "RAM": ram,
        "OS": platform.platform(),
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "Load average at start": load,
        "Date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "Commit": (commit or "unknown") + (" (with uncommitted changes)" if dirty else ""),
    }


def status(result: Result) -> str:
    if result.skipped:
        return result.skipped
    codes = sorted(set(result.codes))
    text = "exit " + "/".join(str(code) for code in codes)
    return text if result.ok else text + " (unexpected)"


def render(results: list[Result], info: dict[str, str], runs: int, warmup: int,
           upstream: Path | None, notes: list[str]) -> str:
    out = [f"Medians of {runs} runs each (after {warmup} untimed warm-up round"
           f"{'s' if warmup != 1 else ''}), every command a fresh subprocess, the rows "
           "run round-robin.", ""]
    out += [f"- **{key}:** {value}" for key, value in info.items()]
    out += ["", "| Measurement | Command | Median (s) | Min (s) | Max (s) | Result | Target |",
            "|---|---|---:|---:|---:|---|---|"]
    by_key = {result.bench.key: result for result in results if result.times}
    ratio = speed_ratio(by_key)
    for result in results:
        bench = result.bench
        if result.times:
            nums = f"{result.median:.3f} | {min(result.times):.3f} | {max(result.times):.3f}"
        else:
            nums = "– | – | –"
        out.append(f"| {bench.label} | `{bench.shown}` | {nums} | {status(result)} | "
                   f"{target_verdict(result, ratio)} |")
    out.append("")
    out += ratio_lines(by_key)
    verdicts = [(r.bench.label, r.verdict) for r in results
                if r.verdict and r.bench.key.startswith(("check", "trestle-gspp"))]
    if verdicts:
        out += ["", "Last line each command printed (its verdict):", ""]
        out += [f"- {label}: `{text.replace('`', chr(39))}`" for label, text in verdicts]
    if upstream is None:
        notes.append("The BSI files were not found (`--upstream`); only start-up was timed.")
    if notes:
        out += ["", *[f"- Note: {note}" for note in notes]]
    return "\n".join(out) + "\n"


def speed_ratio(by_key: dict[str, Result]) -> float | None:
    """trestle validate's median over check's on the G++ file, when both ran properly."""
    check, peer = by_key.get("check-gspp"), by_key.get("trestle-gspp")
    if not (check and peer and check.ok):
        return None
    return peer.median / check.median


def target_verdict(result: Result, ratio: float | None) -> str:
    bench = result.bench
    if not bench.target or not result.times:
        return bench.target
    if bench.key.startswith("help"):
        met = result.median <= HELP_TARGET_S
    elif ratio is None:
        return bench.target
    else:
        met = ratio >= RATIO_TARGET
    return f"{bench.target}: {'met' if met else 'missed'}"


def ratio_lines(by_key: dict[str, Result]) -> list[str]:
    check, peer = by_key.get("check-gspp"), by_key.get("trestle-gspp")
    if not (check and peer):
        return ["Speed ratio check vs. trestle validate: not measured (a row is missing)."]
    ratio = speed_ratio(by_key)
    if ratio is None:
        return ["Speed ratio check vs. trestle validate: not computed, because "
                f"`ikz-isms check` did not complete ({status(check)})."]
    met = "met" if ratio >= RATIO_TARGET else "missed"
    lines = [f"**Speed ratio** on the G++ resolved catalog: trestle validate "
             f"{peer.median:.3f} s / ikz-isms check {check.median:.3f} s = "
             f"**{ratio:.1f}×** (target ≥ {RATIO_TARGET:g}×: {met})."]
    if len(check.times) == len(peer.times) > 1:
        # both ran in the same rounds, so a round's pair saw the same load
        spread = sorted(slow / fast for slow, fast in zip(peer.times, check.times))
        paired = statistics.median(spread)
        lines.append(f"Median of the per-round ratios: {paired:.1f}× "
                     f"(range {spread[0]:.1f}–{spread[-1]:.1f}×).")
    base_ikz, base_peer = by_key.get("help-bare"), by_key.get("trestle-help")
    if base_ikz and base_peer:
        work_ikz = check.median - base_ikz.median
        work_peer = peer.median - base_peer.median
        if work_ikz > 0:
            lines.append(f"Without each tool's start-up (`--help` time subtracted): "
                         f"{work_peer:.3f} s / {work_ikz:.3f} s = {work_peer / work_ikz:.1f}×.")
    if not peer.ok or any(code != 0 for code in peer.codes):
        lines.append("trestle did not accept the file (non-zero exit); the time is its time "
                     "to that verdict.")
    return lines


def doc_markers() -> tuple[str, int, int]:
    text = DOC.read_text(encoding="utf-8") if DOC.is_file() else ""
    start, end = text.find(START_MARKER), text.find(END_MARKER)
    if start < 0 or end < start:
        raise SystemExit(f"{DOC}: markers {START_MARKER} / {END_MARKER} not found; "
                         "nothing written.")
    return text, start, end


def write_doc(section: str) -> None:
    text, start, end = doc_markers()
    new = text[: start + len(START_MARKER)] + "\n\n" + section + "\n" + text[end:]
    tmp = DOC.with_suffix(".md.tmp")
    tmp.write_text(new, encoding="utf-8")
    os.replace(tmp, DOC)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command (median)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs before timing")
    parser.add_argument("--upstream", type=Path, default=REPO.parent / "shared" / "upstream",
                        help="folder with the real BSI files (default ../shared/upstream)")
    parser.add_argument("--trestle", type=Path, default=None,
                        help="trestle executable (default benchmarks/.venv-trestle, then PATH)")
    parser.add_argument("--no-peer", action="store_true", help="skip trestle")
    parser.add_argument("--only", action="append", default=[], metavar="PREFIX",
                        help="time only rows whose key starts with PREFIX (python, help, "
                        "check, import, trestle); repeatable")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per command run")
    parser.add_argument("--write", action="store_true",
                        help=f"also regenerate the results section of {DOC.relative_to(REPO)}")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be ≥ 1 and --warmup ≥ 0")

    if args.write:
        doc_markers()
    notes: list[str] = []
    upstream: Path | None = args.upstream.resolve()
    missing = [p for p in (GSPP, KOMPENDIUM) if not (upstream / p).is_file()]
    if missing:
        print(f"BSI files not found under {upstream} ({', '.join(map(str, missing))}); "
              "skipping check, import and trestle.", file=sys.stderr)
        upstream = None

    trestle: Path | None = None
    if not args.no_peer:
        candidate = args.trestle or DEFAULT_TRESTLE
        trestle = candidate if candidate.exists() else None
        if trestle is None and args.trestle is None and shutil.which("trestle"):
            trestle = Path(shutil.which("trestle"))
    else:
        notes.append("The peer was skipped (`--no-peer`).")

    info = machine()
    scratch = Scratch()
    try:
        benches = build_benches(upstream, trestle, not args.no_peer, scratch, notes)
        if args.only:
            benches = [b for b in benches if b.key.startswith(tuple(args.only))]
        results = measure_all(benches, args.runs, args.warmup, args.timeout)
    finally:
        scratch.close()

    ran_peer = upstream is not None and not args.no_peer
    info["trestle"] = trestle_version(trestle) if ran_peer else "not run"
    section = render(results, info, args.runs, args.warmup, upstream, notes)
    print(section)
    if args.write:
        write_doc(section)
        print(f"{DOC.relative_to(REPO)} updated.", file=sys.stderr)
    return 0 if all(result.ok for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
