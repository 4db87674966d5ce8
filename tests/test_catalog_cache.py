"""The derived cache of built catalog models (``.ikz-cache/catalogs/``, ikz_isms.app.catalog_cache).

A warm command takes the model kept for exactly the pinned bytes instead of building it from
the catalog file again. It must show what the built model shows, never hide an edited catalog
(the pin is checked before the cache is asked), never unpickle a file without this user's seal,
and build anew when the catalog formats that built it changed.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
from pathlib import Path

import pytest

from ikz_isms.app import catalog_cache
from ikz_isms.errors import ExitCode
from ikz_isms.store import sealed

COUNTY = "vulkaneifel"


def _assess(run_cli, ws: Path) -> dict:
    result = run_cli("--workspace", ws, "assess", "--county", COUNTY, "--format", "json")
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.output)


def _entries(ws: Path) -> list[Path]:
    folder = ws / ".ikz-cache" / "catalogs"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def _no_building(monkeypatch) -> None:
    """Make every build of a catalog from its file fail: what runs then came from the cache."""
    import ikz_isms.catalog as catalog_package

    def refuse(*args, **kwargs):
        raise AssertionError("the catalog was built from its file, not taken from the cache")

    monkeypatch.setattr(catalog_package, "load_catalog", refuse)


def test_a_warm_command_takes_the_kept_model_and_shows_the_same(run_cli, example_workspace, monkeypatch):
    cold = _assess(run_cli, example_workspace)
    entries = _entries(example_workspace)
    assert entries and all(e.read_bytes().startswith(sealed.MAGIC) for e in entries)
    _no_building(monkeypatch)
    assert _assess(run_cli, example_workspace) == cold
    report = run_cli("--workspace", example_workspace, "plan", "--county", COUNTY, "--format", "json")
    assert report.exit_code in (0, 1), report.stderr


def test_without_the_disk_cache_nothing_is_kept_and_the_figures_agree(run_cli, example_workspace, monkeypatch):
    warm_source = _assess(run_cli, example_workspace)
    shutil.rmtree(example_workspace / ".ikz-cache")
    monkeypatch.setenv("IKZ_ISMS_NO_CACHE", "1")
    assert _assess(run_cli, example_workspace) == warm_source
    assert _entries(example_workspace) == []


def test_the_kept_model_equals_the_built_one(example_workspace, monkeypatch):
    from ikz_isms.app.session import Session

    pin, built = Session(example_workspace).catalog()
    assert _entries(example_workspace), "the first load keeps the model"
    _no_building(monkeypatch)
    kept_pin, kept = Session(example_workspace).catalog()
    assert kept_pin == pin
    assert kept == built  # every compared field of every group and requirement
    assert kept.document == built.document and kept.path == built.path
    assert list(kept.requirements) == list(built.requirements) and list(kept.groups) == list(built.groups)


@pytest.mark.parametrize("source", ["gspp/resolved-2026-06-30/Grundschutz++-catalog.json",
                                    "kompendium-2023/XML_Kompendium_2023.xml"])
def test_a_real_catalog_model_survives_the_cache(upstream, tmp_path, run_cli, monkeypatch, source):
    from ikz_isms.app.session import Session

    if not (upstream / source).is_file():
        pytest.skip(f"BSI-Katalog fehlt: {upstream / source}")
    ws = tmp_path / "ws"
    assert run_cli("init", ws).exit_code == 0
    imported = run_cli("--workspace", ws, "catalog", "import", upstream / source, "--name", "gspp")
    assert imported.exit_code == 0, imported.stderr
    pin, built = Session(ws).catalog("gspp")
    monkeypatch.setattr(catalog_cache, "remember", lambda *args: None)
    _no_building(monkeypatch)
    _, kept = Session(ws).catalog("gspp")
    assert kept == built and len(kept.requirements) == len(built.requirements) > 100
    assert kept.document == built.document


def test_an_edited_catalog_is_refused_although_a_model_is_kept(run_cli, example_workspace):
    _assess(run_cli, example_workspace)
    assert _entries(example_workspace)
    from ikz_isms.app.session import Session

    pin, _ = Session(example_workspace).catalog()
    path = Session(example_workspace).workspace.catalog_path(pin)
    path.write_bytes(path.read_bytes().replace(b'"title"', b'"title" ', 1))
    for args in (("assess", "--county", COUNTY), ("report", "county", COUNTY, "-o", str(example_workspace / "r.pdf"))):
        result = run_cli("--workspace", example_workspace, *args)
        assert result.exit_code == ExitCode.INPUT, (args, result.stderr)
        assert pin.sha256 in result.stderr and "--force" in result.stderr, result.stderr
    assert not (example_workspace / "r.pdf").exists()


class _Planted:
    """Unpickling this runs ``os.mkdir(marker)``: proof that a planted file was unpickled."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (str(self.marker),))


@pytest.mark.parametrize("seal", ["none", "foreign"])
def test_a_planted_model_is_never_unpickled(run_cli, example_workspace, tmp_path, seal):
    truth = _assess(run_cli, example_workspace)
    marker = tmp_path / "unpickled"
    for entry in _entries(example_workspace):
        head = sealed.unseal(entry.read_bytes(), sealed.secret()).partition(b"\n")[0]
        payload = head + b"\n" + pickle.dumps(_Planted(marker))
        entry.write_bytes(payload if seal == "none" else sealed.seal(payload, b"k" * 32))
    assert _assess(run_cli, example_workspace) == truth
    assert not marker.exists()


def test_a_damaged_entry_is_built_anew(run_cli, example_workspace):
    truth = _assess(run_cli, example_workspace)
    for entry in _entries(example_workspace):
        content = sealed.unseal(entry.read_bytes(), sealed.secret())
        head, _, body = content.partition(b"\n")
        entry.write_bytes(sealed.seal(head + b"\n" + body[: len(body) // 2], sealed.secret()))
    assert _assess(run_cli, example_workspace) == truth


def test_other_catalog_formats_build_anew(example_workspace, monkeypatch):
    from ikz_isms.app.session import Session

    pin, _ = Session(example_workspace).catalog()
    assert catalog_cache.cached(Session(example_workspace), pin) is not None
    # a changed loader module (another size or time) is another format: the kept model is not used
    real = catalog_cache._module_identity
    monkeypatch.setattr(catalog_cache, "_module_identity", lambda name: [*real(name), "changed"])
    assert catalog_cache.cached(Session(example_workspace), pin) is None
    monkeypatch.setattr(catalog_cache, "_module_identity", real)
    monkeypatch.setattr(catalog_cache, "CACHE_FORMAT", catalog_cache.CACHE_FORMAT + 1)
    assert catalog_cache.cached(Session(example_workspace), pin) is None
