"""The store's one road for documents: read → limits → parse → validate → cached, and one read-modify-write.

:class:`Store` is the only way the rest of ikz-isms reads or changes a workspace file.
Each file kind (:data:`KINDS`) has its format, its size limit and its JSON Schema. A read
returns a :class:`~ikz_isms.store.parse.Parsed` (plain values + line lookups) and is parsed
at most once per run (the in-memory cache) and, for data files, at most once per change
(the derived cache in ``.ikz-cache/parsed``, keyed by the file's path in the workspace and the
SHA-256 of its bytes — reading and hashing a file costs a fraction of parsing it; only
schema-valid documents are cached, every cache file is sealed with the user's key
(:mod:`~ikz_isms.store.sealed`), and the YAML stays the source of truth).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import InputError, OutputError
from . import fs
from .parse import ItemSpans, Parsed, fast_plain, parse_json, parse_yaml, plain
from .parse import _decode as _decode_text

MIB = 1024 * 1024
CACHE_FORMAT = 3


@dataclass(frozen=True)
class Kind:
    """A kind of workspace file: its format, the most bytes it may have, its schema."""

    name: str
    format: str  # "yaml" | "json"
    max_bytes: int
    schema: str | None = None
    cache: bool = False


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("config", "yaml", 1 * MIB, "workspace"),
        Kind("landkreis", "yaml", 1 * MIB, "landkreis"),
        Kind("zielobjekte", "yaml", 8 * MIB, "zielobjekte", cache=True),
        Kind("pruefungen", "yaml", 16 * MIB, "pruefungen", cache=True),
        Kind("pruefungen-alt", "yaml", 64 * MIB, "pruefungen", cache=True),
        Kind("plan", "yaml", 16 * MIB, "plan", cache=True),
        Kind("contract", "yaml", 8 * MIB, "contract", cache=True),
        Kind("calloffs", "yaml", 8 * MIB, "calloffs", cache=True),
        Kind("review", "yaml", 4 * MIB, "review"),
        Kind("tender-template", "yaml", 4 * MIB, "tender-template"),
        Kind("tender", "yaml", 4 * MIB, "tender"),
        Kind("legal-figures", "yaml", 1 * MIB, "legal-figures"),
        Kind("service-centre", "yaml", 4 * MIB, "service-centre"),
        Kind("service-hours", "yaml", 16 * MIB, "service-hours"),
        Kind("risiken", "yaml", 8 * MIB, "risiken", cache=True),
        Kind("notfall", "yaml", 8 * MIB, "notfall", cache=True),
        Kind("vorfaelle", "yaml", 8 * MIB, "vorfaelle", cache=True),
        Kind("mutual-aid", "yaml", 4 * MIB, "mutual-aid", cache=True),
        Kind("exercises", "yaml", 4 * MIB, "exercises", cache=True),
        Kind("package", "json", 64 * MIB, "package"),
        Kind("yaml", "yaml", 16 * MIB, None),
        Kind("catalog-json", "json", 256 * MIB, None),
        Kind("catalog-yaml", "yaml", 64 * MIB, None),
        Kind("json", "json", 64 * MIB, None),
    )
}


def _parse_yaml_plain(raw: bytes, path: str) -> Parsed:
    """A YAML document with plain values: by the fast road where it answers (:func:`fast_plain`,
    with the full road's node tree and item spans built only when asked for), else the full road."""
    text = _decode_text(raw, path)
    data = fast_plain(text)
    if data is not None:
        return Parsed(data, path, full=lambda: parse_yaml(raw, path), text_of=lambda: text)
    parsed = parse_yaml(raw, path)
    parsed.data = plain(parsed.data)
    return parsed


def _schema() -> Any:
    from . import schema

    return schema


def kind(name: str) -> Kind:
    return KINDS[name]


class Store:
    """Reads and writes the files of one workspace (``root``) — or of loose files (``root=None``)."""

    def __init__(self, root: Path | None, *, disk_cache: bool = True):
        self.root = Path(root) if root is not None else None
        self.disk_cache = disk_cache and root is not None and not os.environ.get("IKZ_ISMS_NO_CACHE")
        self._memory: dict[tuple[str, str], tuple[Any, Parsed]] = {}
        self._root_resolved: Path | None = None
        #: every file this store could not read as data in this run (see :meth:`_parsed`)
        self.unreadable: list[InputError] = []
        #: cache names already worked out this run, and resolved folders (one resolve per folder)
        self._names: dict[str, str] = {}
        self._folders: dict[str, Path] = {}
        self.parses = 0  # counted for tests and benchmarks: each file parsed once per run

    # -- reading -------------------------------------------------------------------------

    def raw(self, path: Path, kind_name: str) -> bytes:
        """The bytes of a file, refused above its kind's size limit."""
        return fs.read_bytes(path, limit=KINDS[kind_name].max_bytes)

    def text(self, path: Path, kind_name: str) -> str:
        """The text of a file (UTF-8, a BOM dropped) for an edit of its text: what :meth:`parse` would
        say of bytes that are no UTF-8 (file, line and byte), never a ``UnicodeDecodeError``."""
        from .parse import decode_text

        return decode_text(self.raw(path, kind_name), str(path))

    def parse(self, path: Path, kind_name: str, *, validate: bool = True) -> Parsed:
        """The parsed and (``validate``) schema-checked document; problems raise located InputErrors."""
        parsed = self._parsed(path, kind_name)
        if validate and KINDS[kind_name].schema:
            if parsed.data is None:
                raise InputError("Datei ist leer.", path=str(path))
            _schema().raise_first(self._problems(parsed, kind_name), str(path))
        return parsed

    def parse_lenient(self, path: Path, kind_name: str) -> tuple[Parsed | None, list[Any], InputError | None]:
        """(document, schema problems, read error) without raising: what ``check`` reports."""
        try:
            parsed = self._parsed(path, kind_name)
        except InputError as exc:
            return None, [], exc
        if parsed.data is None:
            return parsed, [_schema().SchemaProblem("/", None, "Datei ist leer.")], None
        return parsed, self._problems(parsed, kind_name), None

    def _problems(self, parsed: Parsed, kind_name: str) -> list[Any]:
        """The schema problems of a document, found once per run (a cached document is valid)."""
        spec = KINDS[kind_name]
        if not spec.schema:
            return []
        if parsed.problems is None:
            parsed.problems = _schema().problems(parsed.data, spec.schema, parsed)
            if not parsed.problems and parsed.cache_key is not None:
                self._to_disk_cache(Path(parsed.path), spec, parsed.cache_key, parsed)
        return list(parsed.problems)

    def exists(self, path: Path) -> bool:
        return path.is_file()

    def forget(self, path: Path) -> None:
        """Drop a file from the in-memory cache (after it was written)."""
        for key in [k for k in self._memory if k[0] == str(path)]:
            del self._memory[key]

    def forget_all(self, paths: Iterable[Path | str]) -> None:
        """Drop several files from the in-memory cache in one pass."""
        names = {str(path) for path in paths}
        for key in [k for k in self._memory if k[0] in names]:
            del self._memory[key]

    def _parsed(self, path: Path, kind_name: str) -> Parsed:
        try:
            return self._read_and_parse(path, kind_name)
        except InputError as exc:
            # the file cannot be read as data at all (size, encoding, syntax, a hostile structure):
            # ``check`` answers such input with exit 3 even where a rule reports it as a finding
            self.unreadable.append(exc)
            raise

    def _read_and_parse(self, path: Path, kind_name: str) -> Parsed:
        spec = KINDS[kind_name]
        identity = fs.stat_key(path)
        key = (str(path), kind_name)
        hit = self._memory.get(key)
        if hit is not None and hit[0] == identity and identity is not None:
            return hit[1]
        parsed = None
        raw = None
        digest = ""
        if spec.cache and self.disk_cache and identity is not None:
            raw = fs.read_bytes(path, limit=spec.max_bytes)
            digest = fs.sha256_bytes(raw)
            parsed = self._from_disk_cache(path, spec, digest)
        if parsed is None:
            if raw is None:
                raw = fs.read_bytes(path, limit=spec.max_bytes)
            self.parses += 1
            if spec.format == "json":
                parsed = Parsed(parse_json(raw, str(path)), str(path))
            else:
                parsed = _parse_yaml_plain(raw, str(path))
            if spec.cache and self.disk_cache and identity is not None:
                # written once the document has proved schema-valid (see _problems)
                parsed.cache_key = digest
        if digest:
            parsed.sha256 = digest
        self._memory[key] = (identity, parsed)
        return parsed

    # -- the derived parse cache ---------------------------------------------------------

    def _cache_name(self, path: Path) -> str:
        """The file's name in the derived cache: its path inside the workspace (a copied or moved
        workspace keeps its cache), else its absolute path."""
        assert self.root is not None
        known = self._names.get(str(path))
        if known is not None:
            return known
        if self._root_resolved is None:
            self._root_resolved = self.root.resolve()
        resolved = self._resolved(path)
        try:
            name = resolved.relative_to(self._root_resolved).as_posix()
        except ValueError:
            name = str(resolved)
        self._names[str(path)] = name
        return name

    def _resolved(self, path: Path) -> Path:
        """``path.resolve()``, with its folder resolved once for all its files: a file that is
        no symbolic link resolves to its folder's resolution and its name."""
        name = path.name
        if name in ("", ".", "..") or os.path.islink(path):
            return path.resolve()
        key = str(path.parent)
        folder = self._folders.get(key)
        if folder is None:
            folder = self._folders[key] = path.parent.resolve()
        return folder / name

    def _cache_path(self, path: Path) -> Path:
        import hashlib

        assert self.root is not None
        digest = hashlib.sha256(self._cache_name(path).encode("utf-8")).hexdigest()[:32]
        return self.root / ".ikz-cache" / "parsed" / f"{digest}.json"

    def _from_disk_cache(self, path: Path, spec: Kind, digest: str) -> Parsed | None:
        import orjson

        content = self.read_cache(self._cache_path(path), spec.max_bytes * 4)
        if content is None:
            return None
        try:
            blob = orjson.loads(content)
        except orjson.JSONDecodeError:
            return None
        if not isinstance(blob, dict) or blob.get("format") != CACHE_FORMAT or blob.get("sha256") != digest \
                or blob.get("kind") != spec.name or blob.get("path") != self._cache_name(path):
            return None
        data = _untag(blob["data"]) if blob.get("decimals") else blob["data"]
        spans = blob.get("spans")
        known = None
        if isinstance(spans, dict):
            known = {str(k): v for k, v in ((k, ItemSpans.from_json(v)) for k, v in spans.items()) if v is not None}
        # only schema-valid documents are cached: this one needs no validation again
        if known is None:
            # spans unknown: the full road's parse of the same bytes gives them and the node tree
            return Parsed(data, str(path), problems=[], full=lambda: self._full_parse(path, spec, digest),
                          text_of=lambda: self._text_of(path, spec, digest))
        return Parsed(data, str(path), reparse=lambda: self._reparse(path, spec), problems=[], spans=known)

    def _to_disk_cache(self, path: Path, spec: Kind, digest: str, parsed: Parsed) -> None:
        import orjson

        if parsed.data is None:
            return
        has_decimals = [False]
        try:
            payload = orjson.dumps({
                "format": CACHE_FORMAT, "kind": spec.name, "path": self._cache_name(path), "sha256": digest,
                "data": parsed.data, "decimals": False,
                # unknown (None) while the fast road's document has not needed its node tree
                "spans": {k: v.as_json() for k, v in parsed.spans.items()} if parsed.spans is not None else None,
            }, default=lambda value: _tag(value, has_decimals))
            if has_decimals[0]:
                payload = payload.replace(b'"decimals":false', b'"decimals":true')
            self.write_cache(self._cache_path(path), payload)
        except (OSError, InputError, OutputError, TypeError):
            # a read-only checkout still works, only without the derived cache
            pass

    def _full_parse(self, path: Path, spec: Kind, digest: str) -> Parsed:
        """The full road's parse of the file whose bytes had ``digest`` (no node tree if they changed)."""
        raw = fs.read_bytes(path, limit=spec.max_bytes)
        if fs.sha256_bytes(raw) != digest:
            return Parsed(None, str(path))
        return parse_yaml(raw, str(path))

    def _text_of(self, path: Path, spec: Kind, digest: str) -> str | None:
        """The text of the file whose bytes had ``digest`` (``None`` if they changed or do not decode)."""
        try:
            raw = fs.read_bytes(path, limit=spec.max_bytes)
        except InputError:
            return None
        if fs.sha256_bytes(raw) != digest:
            return None
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None

    def _reparse(self, path: Path, spec: Kind) -> Any:
        """The node tree for line lookups of a document that came from the cache."""
        raw = fs.read_bytes(path, limit=spec.max_bytes)
        return parse_yaml(raw, str(path)).root

    # -- writing -------------------------------------------------------------------------

    def write(self, path: Path, data: bytes | str) -> None:
        """Write a file atomically inside the workspace (never through a link)."""
        fs.atomic_write(path, data, root=self.root)
        self.forget(path)

    def write_checked(self, path: Path, kind_name: str, text: str, parsed: Parsed) -> None:
        """Write ``text``, whose document ``parsed`` has just passed :meth:`_check_new` (parser rules
        and schema), and keep that document in the derived cache under the new bytes' hash, so
        the next command reads the file it just wrote without parsing it again."""
        data = text.encode("utf-8")
        self.write(path, data)
        self.remember(path, kind_name, data, parsed)

    def remember(self, path: Path, kind_name: str, data: bytes, parsed: Parsed) -> None:
        """Keep ``parsed`` — the checked document of the bytes ``data`` — in the derived cache under
        their hash (after a write of those bytes; harmless if the write did not land, as the
        entry only ever matches these bytes)."""
        spec = KINDS[kind_name]
        if spec.cache and self.disk_cache and self.root is not None and parsed.data is not None:
            self._to_disk_cache(path, spec, fs.sha256_bytes(data), parsed)

    def write_cache(self, path: Path, data: bytes | str) -> None:
        """Write a derived cache file inside the workspace, sealed with the user's key
        (:mod:`~ikz_isms.store.sealed`): atomic, without fsync (a crash may lose it). Without a
        usable key nothing is written."""
        from . import sealed

        key = sealed.secret()
        if key is None:
            return
        payload = data.encode("utf-8") if isinstance(data, str) else data
        fs.atomic_write(path, sealed.seal(payload, key), root=self.root, durable=False)

    def read_cache(self, path: Path, limit: int) -> bytes | None:
        """The content of a derived cache file this user's ikz-isms wrote; ``None`` for a missing,
        oversized or foreign file (one without this user's seal is never believed)."""
        from . import sealed

        key = sealed.secret()
        if key is None:
            return None
        try:
            data = fs.read_bytes(path, limit=limit + 128)
        except InputError:
            return None
        return sealed.unseal(data, key)

    def new_problems(self, path: Path, kind_name: str, text: str) -> list[Any]:
        """The schema problems (with lines) a new YAML text of a kind would be read with; a text
        that does not even parse raises the located :class:`~ikz_isms.errors.InputError`."""
        parsed = parse_yaml(text, str(path))
        spec = KINDS[kind_name]
        if not spec.schema:
            return []
        return list(_schema().problems(plain(parsed.data), spec.schema, parsed))

    def write_document(self, path: Path, kind_name: str, text: str) -> None:
        """Write a whole new YAML document of a kind only if it reads back as that kind (parser
        rules and schema): nothing is written that every later read would refuse."""
        self._check_new(text, path, KINDS[kind_name])
        self.write(path, text)

    def write_output(self, path: Path, data: bytes | str) -> None:
        """Write an output file (a report, an export) the user named: atomic, anywhere.

        Its folder must exist (an :class:`~ikz_isms.errors.OutputError`, exit 6, naming the path
        otherwise): a typo in a folder's name must not go unnoticed. A command whose option
        names an output *folder* creates it with :meth:`output_folder` first.
        """
        fs.atomic_write(path, data, parents=False)

    def check_output(self, path: Path) -> None:
        """Refuse, before any work, an output file that :meth:`write_output` could not write
        (its folder missing or no folder, the target a symbolic link)."""
        fs.guard_target(Path(path), None)
        fs.check_folder(Path(path))

    def output_folder(self, path: Path, *, create: bool = True) -> Path:
        """A folder the user named for outputs (``--output-dir``): created if it alone is missing.

        Its own folder must exist — only the folder named is created, never a chain of missing
        parents. ``create=False`` only checks that it could be (for a check before any work).
        """
        return fs.make_output_folder(Path(path), create=create)

    def edit(self, path: Path, kind_name: str, mutate: Callable[[Any], Any], *,
             default: Callable[[], str] | None = None, lock: bool = True) -> Any:
        """Locked read-modify-write of a YAML file (whole-document round trip; comments kept).

        ``mutate(document)`` edits the round-trip document in place and returns a value that
        is returned. The result is validated against the kind's schema before it is written;
        if ``mutate`` raises or the result is invalid, the file is left untouched.
        """
        if not lock:
            return self._edit(path, kind_name, mutate, default)
        with fs.locked(path):
            return self._edit(path, kind_name, mutate, default)

    def _edit(self, path: Path, kind_name: str, mutate: Callable[[Any], Any], default: Callable[[], str] | None) -> Any:
        spec = KINDS[kind_name]
        fs.remove_stale_temps(path.parent)
        self.forget(path)
        if path.exists():
            text = self.text(path, kind_name)
            self.parse(path, kind_name)  # refuses a broken file before any change
        elif default is not None:
            text = default()
        else:
            raise InputError("Datei nicht gefunden.", path=str(path))
        from .edit import roundtrip_edit

        new_text, result = roundtrip_edit(text, str(path), mutate)
        self._check_new(new_text, path, spec)
        self.write(path, new_text)
        return result

    def _check_new(self, text: str, path: Path, spec: Kind, parsed: Parsed | None = None) -> Parsed:
        """``text`` as every later read will see it: parser rules and schema; ``parsed`` is the text
        already parsed, its data plain (a splice's read-back)."""
        if parsed is None:
            parsed = parse_yaml(text, str(path))
            parsed.data = plain(parsed.data)
        if spec.schema:
            _schema().raise_first(_schema().problems(parsed.data, spec.schema, parsed), str(path), hint="")
        return parsed

    def new_text_for_items(self, path: Path, kind_name: str, pointer: tuple[Any, ...],
                           changes: dict[int, Callable[[Any], None]], additions: list[dict[str, Any]],
                           expected: Any, fallback: Callable[[Any], Any], *, text: str | None = None,
                           parsed: Parsed | None = None) -> str:
        """The file's new text with items of a sequence changed in place (see :meth:`new_document_for_items`)."""
        return self.new_document_for_items(path, kind_name, pointer, changes, additions, expected, fallback,
                                           text=text, parsed=parsed)[0]

    def new_document_for_items(self, path: Path, kind_name: str, pointer: tuple[Any, ...],
                               changes: dict[int, Callable[[Any], None]], additions: list[dict[str, Any]],
                               expected: Any, fallback: Callable[[Any], Any], *, text: str | None = None,
                               parsed: Parsed | None = None) -> tuple[str, Parsed]:
        """(new text, its document as every later read sees it — plain values, schema-checked) with
        items of a sequence changed in place (see :func:`splice_items`).

        ``expected`` is the document's plain value after the change; the splice is used only
        when its result parses to exactly that, else ``fallback`` edits the whole document.
        ``parsed`` is ``text`` already parsed (the caller validated it), so it is not parsed again;
        when the store found it schema-valid (``parsed.problems == []``) and the splice is proven,
        only the changed and added items are checked against the schema where it judges each
        item on its own (the rest is the valid old document's). The caller holds the lock.
        """
        spec = KINDS[kind_name]
        if text is None and path.exists():
            text = self.text(path, kind_name)
        text = text or ""
        if parsed is None:
            parsed = parse_yaml(text, str(path)) if text.strip() else None
        from .edit import reread, roundtrip_edit, splice_items, splice_proven

        new_text = None
        checked = None
        if parsed is not None and parsed.data is not None:
            proven = splice_proven(text, parsed, pointer, changes, additions, expected) \
                if _same_text(parsed, text) else None
            if proven is not None:
                new_text, checked = proven
                if parsed.problems == [] and spec.schema \
                        and _items_alone_valid(spec.schema, checked.data, str(pointer[0]), parsed.data, changes):
                    return new_text, checked
            else:
                new_text = splice_items(text, parsed, pointer, changes, additions)
                if new_text is not None:
                    checked = reread(new_text, str(path), expected)
                    if checked is None:
                        new_text = None
        if new_text is None:
            new_text, _ = roundtrip_edit(text, str(path), fallback)
        return new_text, self._check_new(new_text, path, spec, checked)


#: keys of a schema that say nothing about a document's values
_ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "title", "description", "$defs", "definitions"})


@functools.cache
def _items_independent(schema_name: str, key: str) -> bool:
    """Whether the named schema judges each item of the top-level list ``key`` on its own: the
    root only types, requires and lists properties (nothing that weighs one value against
    another), and ``key``'s own schema is a type with one ``items`` schema (no count, no
    uniqueness, no ``contains``)."""
    document = _schema().schema(schema_name)
    if set(document) - _ANNOTATIONS - {"type", "required", "additionalProperties", "properties"} \
            or document.get("type") != "object" or not isinstance(document.get("properties"), dict):
        return False
    own = document["properties"].get(key)
    if not isinstance(own, dict) or set(own) - _ANNOTATIONS - {"type", "items"} \
            or not isinstance(own.get("items"), dict):
        return False
    kinds = own.get("type")
    return kinds == "array" or (isinstance(kinds, list) and "array" in kinds)


def _items_alone_valid(schema_name: str, data: Any, key: str, old: Any,
                       changes: Mapping[int, Any]) -> bool:
    """Whether ``data`` — a proven splice of the schema-valid document ``old``: the same except
    for the changed items (``changes``) and the items appended to the list ``key`` — is
    schema-valid, judged on those items alone where the schema judges each item on its own
    (:func:`_items_independent`); ``False`` means "not shown", and the whole document is checked."""
    if not _items_independent(schema_name, key):
        return False
    items, before = data.get(key), old.get(key)
    if not isinstance(items, list) or not isinstance(before, list):
        return False
    touched = sorted(set(changes) | set(range(len(before), len(items))))
    reduced = dict(data)
    reduced[key] = [items[index] for index in touched]
    return bool(_schema().is_valid(reduced, schema_name))


def _same_text(parsed: Parsed, text: str) -> bool:
    """Whether ``parsed`` is the document of exactly ``text`` (the bytes it was read from, with or without a BOM)."""
    if parsed.sha256 is None:
        return False
    data = text.encode("utf-8")
    return parsed.sha256 in (fs.sha256_bytes(data), fs.sha256_bytes(b"\xef\xbb\xbf" + data))


def _tag(value: Any, flag: list[bool]) -> Any:
    if isinstance(value, Decimal):
        flag[0] = True
        return {"$decimal": str(value)}
    raise TypeError(type(value).__name__)


def _untag(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1 and "$decimal" in value:
            return Decimal(value["$decimal"])
        return {k: _untag(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_untag(v) for v in value]
    return value
