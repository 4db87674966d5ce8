"""The fork server answers as a fresh ``python -m ikz_isms`` does: same exit code, same stdout, same stderr.

The corpus runs every case in a fork of a server that has imported the package
(:mod:`tests.badinput.forkserver`). These tests run sample cases both ways, each in its own
copy of the example, and require byte-identical answers (the case folder's path aside), and
they show that a case that does not answer in time is killed and reported as such.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tests.badinput import corpus, test_arguments, test_files, test_procurement_files


def _sample() -> list[corpus.Case]:
    picked: list[corpus.Case] = []
    for cases in test_files.KINDS.values():  # the first case of every kind of file
        picked.extend(c for c in cases[:1] if not c.needs_non_root)
    picked.extend(c for c in test_files.ALL[::60] if not c.needs_non_root)  # and a spread of the rest
    picked.extend(test_files.CONTROLS[:4])  # commands that must succeed, one of them writing
    picked.extend(c for c in test_arguments.ALL if not c.workspace)  # --workspace itself is the input
    picked.extend(c for c in test_arguments.ALL if c.stdin is not None)
    picked.extend(c for c in test_arguments.ALL if c.env)
    picked.extend([cases[0] for cases in test_procurement_files.KINDS.values()])
    unique = {c.id: c for c in picked}
    return list(unique.values())


SAMPLE = _sample()


def _answer(result: corpus.Result, folder: Path) -> tuple[int | None, str, str]:
    def clean(text: str) -> str:
        return text.replace(str(folder), "<FALL>")

    return result.code, clean(result.stdout), clean(result.stderr)


def test_the_sample_covers_every_kind_of_case():
    assert len(SAMPLE) >= 15
    assert any(c.ok for c in SAMPLE), "a case that must be accepted"
    assert any(not c.workspace for c in SAMPLE), "a case about --workspace"
    assert any(c.writes for c in SAMPLE), "a case that writes"


@pytest.mark.slow  # every case twice, once in a fresh interpreter
@pytest.mark.parametrize("case", SAMPLE, ids=[c.id for c in SAMPLE])
def test_fork_answers_as_a_fresh_process(case, tmp_path, monkeypatch):
    answers = []
    for road, fresh in (("fresh", True), ("fork", False)):
        monkeypatch.setattr(corpus, "FRESH", fresh)
        folder = tmp_path / road / "fall"
        folder.parent.mkdir()
        answers.append(_answer(corpus.run(case, folder), folder))
    fresh_answer, fork_answer = answers
    assert fork_answer[0] == fresh_answer[0], "Exit-Code"
    assert fork_answer[1] == fresh_answer[1], "stdout"
    assert fork_answer[2] == fresh_answer[2], "stderr"


def test_a_case_without_answer_in_time_is_killed(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus, "FRESH", False)
    monkeypatch.setattr(corpus, "TIMEOUT", 0.001)
    case = test_files.CONTROLS[0]
    result = corpus.run(case, tmp_path / "fall")
    assert result.timed_out and result.code is None
    assert corpus.problems(case, result) == [f"keine Antwort nach {corpus.TIMEOUT:.0f} s (Prozess beendet)"]
    # the killed child is gone, and the server still answers the next case
    monkeypatch.setattr(corpus, "TIMEOUT", 20.0)
    again = corpus.run(case, tmp_path / "danach")
    assert again.code == 0 and not again.timed_out, again.stderr


def test_the_server_ends_with_its_client(tmp_path):
    server = corpus.ForkServer()
    pid = server.proc.pid
    server.close()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        if server.proc.poll() is not None:
            break
        time.sleep(0.05)
    assert server.proc.poll() is not None, "the server did not end when its stdin closed"
    assert server.proc.returncode in (0, -signal.SIGKILL)
