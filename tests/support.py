"""Test helpers shared by tests/ and features/: where the repository and the BSI files are, and a
county's files as a user sees them (read with plain PyYAML, never through the code under test)."""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
UPSTREAM = Path(os.environ.get("IKZ_ISMS_UPSTREAM", ROOT.parent / "shared" / "upstream"))


def upstream_file(relative: str) -> Path:
    """A real BSI file from ../shared/upstream; the calling test is skipped when it is absent."""
    path = UPSTREAM / relative
    if not path.exists():
        pytest.skip(f"BSI-Originaldatei fehlt: {path}")
    return path


_OSCAL_VALIDATORS: dict[Path, Any] = {}


def oscal_schema_errors(document: Any, schema_path: Path) -> list[str]:
    """Errors of ``document`` against an official OSCAL JSON Schema (draft-07), by jsonschema-rs.

    The schemas' patterns use ``\\p{L}`` and the like, which Rust's regular expressions know
    (Python's ``re`` does not), and every format is checked (date-time, uri, uuid …), where
    jsonschema checks only those whose helper library is installed; a document of hundreds of
    components takes milliseconds instead of seconds. One validator per schema and test process.
    """
    import jsonschema_rs

    if not schema_path.exists():
        pytest.skip(f"OSCAL-Schema fehlt: {schema_path}")
    validator = _OSCAL_VALIDATORS.get(schema_path)
    if validator is None:
        import json

        schema = json.loads(schema_path.read_text(encoding="utf-8"))
        validator = _OSCAL_VALIDATORS[schema_path] = jsonschema_rs.validator_for(schema, validate_formats=True)
    return [f"{e.instance_path}: {e.message[:200]}" for e in validator.iter_errors(document)]


def county_dir(workspace: Path, county: str) -> Path:
    """The data folder of an example county in a copied workspace."""
    return workspace / "plugins" / f"ikz-county-{county}" / "data"


def record_file(data_dir: Path, target: str) -> Path:
    """The file holding the check records of one target object."""
    return data_dir / "pruefungen" / f"{target}.yaml"


#: what PyYAML made of a file's text, by (loader, SHA-256 of the text): the same text always gives the same
#: document, so a file read again unchanged is not parsed again (the pure-Python parser is the slow part of
#: many tests); callers get a deep copy, never the kept document
_PARSED: OrderedDict[tuple[str, str], Any] = OrderedDict()
_PARSED_MAX = 1024


def _load_yaml(path: Path, loader: str) -> Any:
    import copy
    import hashlib

    import yaml

    text = path.read_text(encoding="utf-8")
    key = (loader, hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest())
    if key in _PARSED:
        _PARSED.move_to_end(key)
    else:
        # libyaml's parser where PyYAML has it (the same documents, a fifth of the time)
        if loader == "base":
            _PARSED[key] = yaml.load(text, Loader=getattr(yaml, "CBaseLoader", yaml.BaseLoader))
        else:
            _PARSED[key] = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        if len(_PARSED) > _PARSED_MAX:
            _PARSED.popitem(last=False)
    return copy.deepcopy(_PARSED[key])


def read_records(data_dir: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """Every check record of a county by (requirement, target), as plain YAML values (dates as text)."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    files = sorted((data_dir / "pruefungen").glob("*.yaml")) if (data_dir / "pruefungen").is_dir() else []
    legacy = data_dir / "pruefungen.yaml"
    for path in ([legacy] if legacy.exists() else []) + files:
        # yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader), parsed once per content
        document = _load_yaml(path, "base") or {}
        for item in document.get("pruefungen") or []:
            target = item.get("target") or path.stem
            found[(item["requirement"], target)] = {**item, "target": target}
    return found


def records_snapshot(data_dir: Path) -> dict[str, bytes]:
    """The bytes of every record file (to assert that nothing was written)."""
    files = sorted((data_dir / "pruefungen").glob("*")) if (data_dir / "pruefungen").is_dir() else []
    legacy = data_dir / "pruefungen.yaml"
    return {p.name: p.read_bytes() for p in ([legacy] if legacy.exists() else []) + files}


def snapshot_tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (derived caches and lock files left out) by relative path."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".ikz-cache" not in p.parts and not p.name.endswith(".lock")
        and "__pycache__" not in p.parts
    }


def set_record_field(data_dir: Path, requirement: str, target: str, **values: Any) -> None:
    """Edit a record's fields by hand, as a user would in an editor (bypassing ikz-isms)."""
    import re

    path = record_file(data_dir, target)
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if re.fullmatch(rf"  - requirement: {re.escape(requirement)}", line))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("  - ") or not lines[i].startswith("    ")),
               len(lines))
    body = [line for line in lines[start + 1:end] if not any(line.startswith(f"    {key}:") for key in values)
            and not (line.startswith("      - ") and "evidence" in values)]
    for key, value in values.items():
        if value is None:
            continue
        body.append(f"    {key}: {value}")
    lines[start + 1:end] = body
    path.write_text("\n".join(lines), encoding="utf-8")


def undo_adoption(data_dir: Path, review_id: str) -> int:
    """Put a copied county back to before it adopted ``review_id``; returns the number of undone changes.

    The example Eifelkreis has adopted the example review (its last journal entries). Tests of
    adopting itself start from the state before: the records get their old values back and the
    journal is cut before the adoption, so the chain stays intact.
    """
    import json

    import yaml

    journal_path = data_dir / "journal.jsonl"
    lines = journal_path.read_text(encoding="utf-8").splitlines(keepends=True)
    entries = [json.loads(line) for line in lines]
    start = len(entries)
    while start and (entries[start - 1]["new"] or {}).get("provenance") == f"review:{review_id}":
        start -= 1
    undone = entries[start:]
    assert undone, f"{data_dir}: keine Übernahme von {review_id} am Ende des Journals"
    by_target: dict[str, list[dict[str, Any]]] = {}
    for entry in undone:
        by_target.setdefault(entry["record"].rsplit("@", 1)[1], []).append(entry)
    for target, changes in by_target.items():
        path = record_file(data_dir, target)
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        items = document["pruefungen"]
        for entry in reversed(changes):
            requirement = entry["record"].rsplit("@", 1)[0]
            index = next(i for i, item in enumerate(items) if item["requirement"] == requirement)
            if entry["old"] is None:
                del items[index]
            else:
                items[index] = {k: v for k, v in entry["old"].items() if k != "target"}
        path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    journal_path.write_text("".join(lines[:start]), encoding="utf-8")
    return len(undone)


def journal_entries(data_dir: Path) -> list[dict[str, Any]]:
    """The journal lines of a county as JSON objects (none when there is no journal)."""
    import json

    path = data_dir / "journal.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def read_yaml_file(path: Path) -> Any:
    """A YAML file's plain content (dates as dates), read with PyYAML (``yaml.safe_load``, once per content)."""
    return _load_yaml(path, "safe")


def journal_problems(path: Path) -> list[Any]:
    """Every problem ikz-isms finds in a journal file (an empty list: the chain is intact)."""
    from ikz_isms import journal

    return journal.parse(path.read_bytes()).problems if path.exists() else []


def journal_lines(path: Path) -> list[dict[str, Any]]:
    """The entries of a journal file."""
    return journal_entries(path.parent) if path.name == "journal.jsonl" else []


@contextmanager
def isolated_cli(home: Path) -> Iterator[Callable[..., Any]]:
    """``run(*args, cwd=None, input=None)`` outside a test, isolated as ``ikz_isolated`` isolates a test
    (``home`` as the home directory): for module- and session-scoped fixtures that prepare a
    workspace once with the CLI, which the tests then get copies of."""
    from ikz_isms.testing import isolate, run

    with pytest.MonkeyPatch.context() as patch:
        home.mkdir(parents=True, exist_ok=True)
        isolate(patch, home)

        def runner(*args: Any, cwd: Path | None = None, input: str | None = None) -> Any:
            if cwd is not None:
                patch.chdir(cwd)
            return run(*args, stdin=input)

        yield runner


def copy_prepared(source: Path, target: Path) -> Path:
    """A copy of a prepared folder at ``target`` (derived caches left out: they are keyed by path and
    would only miss), so every test that writes gets its own."""
    import shutil

    shutil.copytree(source, target, symlinks=True, ignore=shutil.ignore_patterns(".ikz-cache"),
                    dirs_exist_ok=True)
    return target


def copy_home(source: Path) -> None:
    """Merge a prepared home directory (signing keys, compiled validators) into the test's ``$HOME``."""
    import shutil

    shutil.copytree(source, Path(os.environ["HOME"]), symlinks=True, dirs_exist_ok=True)


#: the folders and files below a source folder by (source, ignored patterns), listed once per process
_LISTED: dict[tuple[str, tuple[str, ...]], tuple[list[str], list[str]]] = {}


def _listing(source: str, ignore: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The folders (parents first) and files below ``source`` as ``shutil.copytree(..., ignore=
    shutil.ignore_patterns(*ignore))`` walks them (links followed), relative to it."""
    import shutil

    key = (source, ignore)
    if key not in _LISTED:
        skip = shutil.ignore_patterns(*ignore)
        folders: list[str] = []
        files: list[str] = []

        def walk(folder: str, relative: str) -> None:
            names = os.listdir(folder)
            ignored = skip(folder, names)
            for name in names:
                if name in ignored:
                    continue
                path, rel = os.path.join(folder, name), os.path.join(relative, name)
                if os.path.isdir(path):
                    folders.append(rel)
                    walk(path, rel)
                else:
                    files.append(rel)

        walk(source, "")
        _LISTED[key] = (folders, files)
    return _LISTED[key]


def copy_tree(source: Path, target: Path, ignore: tuple[str, ...] = ()) -> Path:
    """What ``shutil.copytree(source, target, ignore=shutil.ignore_patterns(*ignore))`` makes, at half its cost.

    The same files with the same content, permission bits and times (``copy2``: access and
    modification time), the same folders with theirs; only the walk is done once per process
    (the example workspace is copied for hundreds of tests), and each file is copied with one
    ``sendfile`` loop, its times and mode set from a fresh ``stat`` of the source.
    """
    import stat

    src, dst = str(source), str(target)
    folders, files = _listing(src, ignore)
    mask = os.umask(0)
    os.umask(mask)
    os.makedirs(dst)
    for rel in folders:
        os.mkdir(os.path.join(dst, rel))
    for rel in files:
        origin, copy = os.path.join(src, rel), os.path.join(dst, rel)
        with open(origin, "rb") as reader, open(copy, "wb") as writer:
            while os.sendfile(writer.fileno(), reader.fileno(), None, 1 << 24):
                pass
            info = os.fstat(reader.fileno())
        mode = stat.S_IMODE(info.st_mode)
        if mode != 0o666 & ~mask:
            os.chmod(copy, mode)
        os.utime(copy, ns=(info.st_atime_ns, info.st_mtime_ns))
    for rel in [*reversed(folders), ""]:  # as copytree: a folder's times once its content is written
        info = os.stat(os.path.join(src, rel))
        mode = stat.S_IMODE(info.st_mode)
        copy = os.path.join(dst, rel)
        if mode != 0o777 & ~mask:
            os.chmod(copy, mode)
        os.utime(copy, ns=(info.st_atime_ns, info.st_mtime_ns))
    return target


def copy_example_workspace(target: Path, ignore: tuple[str, ...] = ("*.egg-info", "__pycache__", "build")) -> Path:
    """What the ``example_workspace`` fixture gives a test, at ``target`` (for module-scoped fixtures):
    ``ikz-isms.yaml``, ``catalogs/`` and ``plugins/`` (``ignore``: patterns left out of ``plugins/``)."""
    import shutil

    target.mkdir(parents=True)
    shutil.copy(ROOT / "ikz-isms.yaml", target / "ikz-isms.yaml")
    copy_tree(ROOT / "catalogs", target / "catalogs")
    if (ROOT / "plugins").is_dir():
        copy_tree(ROOT / "plugins", target / "plugins", ignore)
    return target


class PdfText:
    """The text of a PDF as ``separator.join(page.extract_text() for page in pages)`` (with
    ``normalise``: its words joined by single spaces), extracted page by page only as far as
    needed: ``needle in text`` stops at the first page that completes the needle (the text so far
    is a prefix of the whole text, so the answer is the same); ``not in``, ``str()`` and ``repr()``
    (what a failed assertion shows) read every page."""

    def __init__(self, path: Path, *, separator: str = "\n", normalise: bool = False) -> None:
        from pypdf import PdfReader

        self._pages = iter(PdfReader(str(path)).pages)
        self._separator, self._normalise = separator, normalise
        self._read = 0
        self._text = ""
        self._done = False

    def _next_page(self) -> bool:
        page = next(self._pages, None)
        if page is None:
            self._done = True
            return False
        extracted = page.extract_text()
        if self._normalise:
            words = " ".join(extracted.split())
            self._text = f"{self._text} {words}" if self._text and words else self._text or words
        else:
            self._text = f"{self._text}{self._separator}{extracted}" if self._read else extracted
        self._read += 1
        return True

    def __contains__(self, needle: str) -> bool:
        while needle not in self._text:
            if self._done or not self._next_page():
                return False
        return True

    def __str__(self) -> str:
        while not self._done:
            self._next_page()
        return self._text

    def __repr__(self) -> str:
        return repr(str(self))
