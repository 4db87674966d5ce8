"""The one road into and out of files: read with located errors, write atomically under a lock."""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterator

from .errors import InputError, LockTimeoutError

LOCK_TIMEOUT_SECONDS = 30.0


# The parsers' messages users meet most, in German; anything else is shown as the parser says.
_PARSER_MESSAGES = (
    ("unexpected end of data", "Datei endet mitten in einem Wert (fehlt eine schließende Klammer oder ein Anführungszeichen?)"),
    ("unexpected character", "unerwartetes Zeichen (fehlt ein Komma, ein Anführungszeichen oder ein Doppelpunkt?)"),
    ("unexpected content after document", "weiterer Inhalt nach dem Ende des Dokuments"),
    ("invalid escaped character", "ungültige Escape-Sequenz in einem Text"),
    ("invalid literal", "unbekanntes Wort (erlaubt sind true, false, null)"),
    ("leading zero", "Zahl mit führender Null"),
    ("input length is 0", "Datei ist leer"),
    ("expected ',' or ']'", "Liste nicht abgeschlossen: ',' oder ']' erwartet"),
    ("expected ',' or '}'", "Abschnitt nicht abgeschlossen: ',' oder '}' erwartet"),
    ("mapping values are not allowed here", "Doppelpunkt an dieser Stelle nicht erlaubt (fehlen Anführungszeichen um einen Text mit ':'?)"),
    ("expected <block end>", "Einrückung passt nicht zur Ebene darüber"),
    ("found unexpected end of stream", "Datei endet in einem Text in Anführungszeichen"),
    ("found duplicate key", "Schlüssel kommt doppelt vor"),
    ("found undefined alias", "Verweis (*Name) auf einen nicht definierten Anker"),
    ("that cannot start any token", "Tabulator oder unzulässiges Zeichen (YAML rückt nur mit Leerzeichen ein)"),
)


def parser_message(message: str) -> str:
    """German text for a JSON or YAML parser message, keeping the original for the rest."""
    for fragment, german in _PARSER_MESSAGES:
        if fragment in message:
            return german
    return message


def sha256_file(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError("Datei nicht gefunden.", path=str(path)) from None
    except IsADirectoryError:
        raise InputError("Ist ein Verzeichnis, keine Datei.", path=str(path)) from None
    except OSError as exc:
        raise InputError(f"Datei nicht lesbar ({exc.strerror}).", path=str(path)) from None


def read_json(path: str | os.PathLike[str]) -> Any:
    """Parse a JSON file; a syntax error names the file, line and column."""
    import orjson

    raw = read_bytes(path)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        if "utf-8" in exc.msg.lower():
            raise InputError("keine gültige UTF-8-Datei.", path=str(path)) from None
        raise InputError(
            f"ungültiges JSON: {parser_message(exc.msg)}",
            path=str(path),
            location=f"Zeile {exc.lineno}, Spalte {exc.colno}",
        ) from None


def _yaml(typ: str = "rt"):
    from ruamel.yaml import YAML

    yaml = YAML(typ=typ)
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    # one value shared by many entries (e.g. an adopted review's date) must not become &id001/*id001
    yaml.representer.ignore_aliases = lambda data: True
    return yaml


def read_yaml(path: str | os.PathLike[str], *, roundtrip: bool = True) -> Any:
    """Parse a YAML file. Round-trip mode keeps comments/order and line numbers (``.lc``)."""
    raw = read_bytes(path)
    return parse_yaml(raw, path=str(path), roundtrip=roundtrip)


def parse_yaml(raw: bytes | str, *, path: str, roundtrip: bool = True) -> Any:
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        raise InputError(f"keine gültige UTF-8-Datei (Byte {exc.start}).", path=path) from None
    try:
        return _yaml("rt" if roundtrip else "safe").load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        location = f"Zeile {mark.line + 1}, Spalte {mark.column + 1}" if mark else None
        problem = parser_message(exc.problem or exc.context or "Syntaxfehler")
        raise InputError(f"ungültiges YAML: {problem}", path=path, location=location) from None
    except YAMLError as exc:
        raise InputError(f"ungültiges YAML: {exc}", path=path) from None
    except ValueError as exc:
        # ruamel constructs timestamps eagerly: "2025-13-01" fails here, without a mark
        bad = _bad_date(text)
        if bad:
            raise InputError(
                f"ungültiges Datum '{bad[0]}' (erwartet JJJJ-MM-TT).", path=path, location=f"Zeile {bad[1]}"
            ) from None
        raise InputError(f"ungültiger Wert in YAML: {exc}", path=path) from None


def _bad_date(text: str) -> tuple[str, int] | None:
    """The first impossible plain date (e.g. 2026-02-30) and its 1-based line."""
    import re

    for number, line in enumerate(text.splitlines(), start=1):
        for match in re.finditer(r"(?<![\w.'\"-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w.'\"-])", line.split("#")[0]):
            try:
                datetime.date(*map(int, match.groups()))
            except ValueError:
                return match.group(0), number
    return None


def dump_yaml(data: Any) -> str:
    buffer = io.StringIO()
    _yaml("rt").dump(data, buffer)
    return buffer.getvalue()


def yaml_line(node: Any, key: Any = None) -> int | None:
    """1-based line of ``node`` (or of ``node[key]``) in a round-trip YAML document."""
    lc = getattr(node, "lc", None)
    if lc is None:
        return None
    try:
        if key is None:
            return lc.line + 1
        if isinstance(key, int):
            return lc.item(key)[0] + 1
        return lc.key(key)[0] + 1
    except (KeyError, IndexError, TypeError, AttributeError):
        return lc.line + 1


def pointer_line(document: Any, pointer: list[Any] | tuple[Any, ...]) -> int | None:
    """1-based line of the place ``pointer`` (keys and indexes) names in a round-trip YAML document.

    Where the pointer leads past what the document holds, the deepest node reached answers.
    """
    node, key = document, None
    for part in pointer:
        try:
            child = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(child, (dict, list)) and hasattr(child, "lc"):
            node, key = child, None
        else:
            key = part
            break
    return yaml_line(node, key)


def parse_date(value: Any) -> datetime.date | None:
    """A date from YAML (already a date, or an ISO string); ``None`` if it is no valid date."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


def plain(node: Any) -> Any:
    """Round-trip YAML nodes to plain JSON-like Python (dates become ISO strings)."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, (datetime.date, datetime.datetime)):
        return node.isoformat()[:10]
    if node is None or isinstance(node, bool):
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return str(node)


def atomic_write(path: str | os.PathLike[str], data: bytes | str) -> None:
    """Write ``data`` to ``path`` so readers see the old or the new file, never a mix.

    The bytes go to a temporary file in the same directory, are flushed to disk, and then
    replace the target in one ``os.replace``.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        # mkstemp creates 0600; a shared workspace file keeps its mode, a new one gets the umask's
        try:
            mode = target.stat().st_mode & 0o777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_json(path: str | os.PathLike[str], data: Any) -> None:
    atomic_write(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@contextlib.contextmanager
def locked(path: str | os.PathLike[str], timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Hold an exclusive inter-process lock for ``path`` (a ``.lock`` file beside it)."""
    from filelock import FileLock, Timeout

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(target.parent / f".{target.name}.lock"), timeout=timeout)
    try:
        with lock:
            yield
    except Timeout:
        raise LockTimeoutError(
            f"Datei ist seit {timeout:.0f} s durch einen anderen Prozess gesperrt.",
            path=str(target),
        ) from None


def update_yaml(path: str | os.PathLike[str], mutate, *, default=None) -> Any:
    """Locked read-modify-write of a round-trip YAML file; comments and key order are kept.

    ``mutate(document)`` changes the document in place and may return a value, which is
    returned. If it raises, the file is left untouched. A missing file starts from
    ``default()`` (or fails when no default is given).
    """
    target = Path(path)
    with locked(target):
        if target.exists():
            document = read_yaml(target)
        elif default is not None:
            document = default()
        else:
            raise InputError("Datei nicht gefunden.", path=str(target))
        result = mutate(document)
        atomic_write(target, dump_yaml(document))
    return result
