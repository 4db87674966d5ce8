"""Files as committed at a git revision: the anchor that a rewritten journal or package is checked against.

Only ``git`` itself is asked (``git rev-parse`` and ``git show REV:./PATH``), read-only, with a
time limit; no network. A merge-request pipeline passes its target branch (for GitLab
``$CI_MERGE_REQUEST_DIFF_BASE_SHA`` or ``origin/main``).
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

from ..errors import ExitCode, IkzError, UsageError

GIT_TIMEOUT_SECONDS = 60


class GitUnavailableError(IkzError):
    """``git`` is not installed, the workspace is not in a git repository, or git failed."""

    exit_code = ExitCode.UNAVAILABLE


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    executable = shutil.which("git")
    if executable is None:
        raise GitUnavailableError("git ist nicht installiert; der Vergleich mit einer Revision braucht git.")
    try:
        return subprocess.run([executable, *args], cwd=root, capture_output=True, timeout=GIT_TIMEOUT_SECONDS,
                              check=False, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise GitUnavailableError(f"git antwortet nicht binnen {GIT_TIMEOUT_SECONDS} s.") from None
    except OSError as exc:
        raise GitUnavailableError(f"git lässt sich nicht starten: {exc.strerror or exc}.") from None


@functools.lru_cache(maxsize=32)
def resolve(root: Path, revision: str) -> str:
    """The commit id of ``revision``; an unknown revision or a folder outside git is a clear error."""
    if not revision or revision.startswith("-"):
        raise UsageError(f"'{revision}' ist keine git-Revision.")
    inside = _git(root, "rev-parse", "--is-inside-work-tree")
    if inside.returncode != 0:
        raise GitUnavailableError(f"{root} liegt in keinem git-Repository; --against braucht die Versionsgeschichte.")
    found = _git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    if found.returncode != 0:
        raise UsageError(
            f"git-Revision '{revision}' ist unbekannt (in einer CI-Pipeline vorher 'git fetch' des Zielzweigs, "
            "z. B. origin/main)."
        )
    return found.stdout.decode("ascii", "replace").strip()


def committed_file(root: Path, revision: str, relative: str) -> bytes | None:
    """The bytes of ``relative`` (a path inside the workspace) at ``revision``; ``None`` where it did not exist."""
    commit = resolve(root, revision)
    shown = _git(root, "show", f"{commit}:./{relative}")
    if shown.returncode != 0:
        return None
    return shown.stdout
