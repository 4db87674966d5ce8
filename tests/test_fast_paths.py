"""The Verbund's fast paths give the answers of the slow ones: workers and the view cache."""

from __future__ import annotations

import json
from pathlib import Path

KEYS = ("bernkastel-wittlich", "eifelkreis-bitburg-pruem", "cochem-zell", "vulkaneifel")


def view_json(run_cli, ws: Path, *args: str) -> tuple[dict, str]:
    result = run_cli("assess", "--verbund", "--format", "json", *args, cwd=ws)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.output), result.stderr


def test_workers_compute_the_figures_of_a_serial_run(example_workspace, monkeypatch):
    """Figures computed in worker processes are those of one process, and land in the same cache."""
    import shutil

    from ikz_isms import Session
    from ikz_isms.app import verbund

    def view(parallel_from: int) -> dict:
        shutil.rmtree(example_workspace / ".ikz-cache", ignore_errors=True)
        monkeypatch.setattr(verbund, "PARALLEL_FROM", parallel_from)
        session = Session(example_workspace)
        result = verbund.verbund_view(session, approach=None, pseudonymise=False, today=session.today)
        # a cache file is the user's seal line, then the JSON
        cached = {p.name: json.loads(p.read_bytes().split(b"\n", 1)[1])["figures"]
                  for p in (example_workspace / ".ikz-cache" / "verbund").iterdir()}
        return json.loads(json.dumps({"view": result, "cached": cached}))

    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert view(1) == view(10**6)


def test_the_view_cache_sees_every_input(run_cli, example_workspace):
    first, _ = view_json(run_cli, example_workspace)
    assert list((example_workspace / ".ikz-cache" / "verbund-ansicht").iterdir())
    again, _ = view_json(run_cli, example_workspace)
    assert again == first
    # a county's profile is not among its figures' files, but the view shows its name and policy
    profile = example_workspace / "plugins" / "ikz-county-cochem-zell" / "data" / "landkreis.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("name: Cochem-Zell", "name: Cochem-Zell (Mosel)"),
                       encoding="utf-8")
    renamed, _ = view_json(run_cli, example_workspace)
    names = [c["name"] for g in renamed["groups"] for c in g["counties"]]
    assert "Cochem-Zell (Mosel)" in names
    # an option is part of the key: another approach is another view
    kern, _ = view_json(run_cli, example_workspace, "--approach", "kern")
    assert kern["approach"] == "kern" and renamed["approach"] is None
    # the cached view is the view without any cache
    import shutil

    shutil.rmtree(example_workspace / ".ikz-cache")
    assert view_json(run_cli, example_workspace)[0] == renamed


def test_a_cached_view_still_checks_the_catalog_pin(run_cli, example_workspace):
    view_json(run_cli, example_workspace)
    import os

    # changed in place: same size, same inode, the old modification time (the file's identity is the same)
    catalog = example_workspace / "catalogs" / "ikz-musterkatalog.json"
    data = bytearray(catalog.read_bytes())
    stat = catalog.stat()
    at = data.index(b'"title": "') + len(b'"title": "')
    data[at] = ord("X") if data[at] != ord("X") else ord("Y")
    catalog.write_bytes(bytes(data))
    os.utime(catalog, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert catalog.stat().st_ino == stat.st_ino and catalog.stat().st_size == stat.st_size
    result = run_cli("assess", "--verbund", "--format", "json", cwd=example_workspace)
    assert result.exit_code != 0
    assert "SHA-256" in result.stderr
