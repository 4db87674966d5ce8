"""Where the time goes: cProfile and ``-X importtime`` summaries for benchmark rows (used by ``run.py --profile``).

Each profile is one extra run of the row's command, outside the timed rounds, in the same
prepared state (a cold row's cache is deleted first). Profiling slows Python code down, so
the seconds here are larger than the table's; the shares are what to read.
"""

from __future__ import annotations

import os
import pstats
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

#: frames that only dispatch (interpreter, runpy, click, our CLI entry): never "a cost" of their own
DISPATCH = re.compile(
    r"(^~$|runpy\.py$|cProfile\.py$|profile\.py$|/click/(core|decorators|testing)\.py$|"
    r"ikz_isms/cli\.py$|ikz_isms/__main__\.py$|ikz_isms/click_de\.py$)"
)


@dataclass
class Cost:
    where: str  # file:function
    cumulative: float
    own: float
    calls: int


@dataclass
class Profile:
    total: float
    top_cumulative: list[Cost] = field(default_factory=list)
    top_own: list[Cost] = field(default_factory=list)
    note: str = ""


def short_path(filename: str, repo: Path) -> str:
    marker = f"site-packages{os.sep}"
    if marker in filename:
        return filename.split(marker, 1)[1]
    if filename.startswith(str(repo) + os.sep):
        return filename[len(str(repo)) + 1:]
    match = re.search(r"lib/python3\.\d+/(.+)$", filename)
    if match:
        return "stdlib/" + match.group(1)
    return filename


def where(key: tuple[str, int, str], repo: Path) -> str:
    filename, _line, function = key
    if filename == "~":
        return function.strip("{}<>")
    return f"{short_path(filename, repo)}:{function}"


def summarise(stats_file: Path, repo: Path, count: int = 5) -> Profile:
    """Top ``count`` cumulative costs (dispatch frames skipped; a chain is followed down to
    where its time splits) and top ``count`` by own time."""
    stats = pstats.Stats(str(stats_file))
    raw = stats.stats  # type: ignore[attr-defined]
    total = max((ct for (_cc, _nc, _tt, ct, _callers) in raw.values()), default=0.0)
    total = max(total, getattr(stats, "total_tt", 0.0))
    entries = sorted(raw.items(), key=lambda item: item[1][3], reverse=True)
    chosen: list[tuple[tuple, tuple]] = []
    for key, value in entries:
        cumulative = value[3]
        if cumulative < 0.02 * total:
            break
        filename, _line, function = key
        if filename == "~":
            # builtins stay (a C parser is a real cost) except the ones that run other code
            if any(word in function for word in ("exec", "__import__", "import_module", "run_module")):
                continue
        elif DISPATCH.search(filename) or filename.startswith("<frozen"):
            continue
        if cumulative > 0.97 * total:
            continue
        callers = value[4]
        replaced = False
        for index, (chosen_key, chosen_value) in enumerate(chosen):
            # this frame is called by a chosen one and carries most of its time: the deeper, more telling frame
            if chosen_key in callers and cumulative >= 0.85 * chosen_value[3]:
                chosen[index] = (key, value)
                replaced = True
                break
        if not replaced and len(chosen) < count:
            chosen.append((key, value))
    # one chain may have been followed into a frame another entry already names
    seen: set[tuple] = set()
    top: list[Cost] = []
    for key, value in sorted(chosen, key=lambda item: item[1][3], reverse=True):
        if key in seen:
            continue
        seen.add(key)
        top.append(Cost(where(key, repo), value[3], value[2], value[1]))
    own = sorted(raw.items(), key=lambda item: item[1][2], reverse=True)
    top_own = [Cost(where(key, repo), value[3], value[2], value[1]) for key, value in own
               if not (key[0] == "~" and "exec" in key[2])][:count]
    return Profile(total, top, top_own)


def cprofile(python: str, args: list[str], cwd: Path, env: dict[str, str], repo: Path,
             stdin: bytes | None = None, timeout: float = 1800) -> Profile:
    with tempfile.TemporaryDirectory(prefix="ikz-prof-") as tmp:
        out = Path(tmp) / "run.prof"
        done = subprocess.run([python, "-m", "cProfile", "-o", str(out), "-m", "ikz_isms", *args],
                              cwd=cwd, env=env, input=stdin, capture_output=True, timeout=timeout)
        if not out.exists():
            return Profile(0.0, note=f"no profile written (exit {done.returncode}): "
                           f"{done.stderr.decode('utf-8', 'replace').strip()[-300:]}")
        profile = summarise(out, repo)
        if done.returncode not in (0, 1):
            profile.note = f"exit {done.returncode}"
        return profile


@dataclass
class ImportCost:
    module: str
    cumulative_ms: float
    own_ms: float


def importtime(python: str, args: list[str], cwd: Path, env: dict[str, str],
               count: int = 5) -> tuple[float, list[ImportCost], list[ImportCost]]:
    """(total import ms, top ``count`` top-level imports by cumulative time, top by own time)."""
    done = subprocess.run([python, "-X", "importtime", "-m", "ikz_isms", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, errors="replace")
    rows: list[tuple[int, ImportCost]] = []
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if match:
            own, cumulative, indent, name = match.groups()
            rows.append((len(indent), ImportCost(name, int(cumulative) / 1000, int(own) / 1000)))
    if not rows:
        return 0.0, [], []
    top_level = min(depth for depth, _ in rows)
    firsts = [cost for depth, cost in rows if depth == top_level]
    total = sum(cost.cumulative_ms for cost in firsts)
    by_cumulative = sorted(firsts, key=lambda c: c.cumulative_ms, reverse=True)[:count]
    by_own = sorted((cost for _, cost in rows), key=lambda c: c.own_ms, reverse=True)[:count]
    return total, by_cumulative, by_own
