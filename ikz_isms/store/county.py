"""A county's files as one unit: reading its journal, and changes that land in every file or in none.

A change to a county (check records, plan, structure) touches several files and appends to
the journal. It is one transaction, written ahead:

1. under the county lock, a pending transaction left by a killed writer is completed first;
2. the new file contents and the sealed journal lines are written to
   ``.ikz-transaktion.json`` (atomically, with the journal's size before);
3. the journal lines are appended, then each file is replaced atomically;
4. the transaction file is removed.

A writer killed at any step leaves either no transaction file (nothing happened, or all of
it) or a complete one, which the next run that touches the county rolls forward: it
appends what of the journal lines is missing and replaces the files whose content differs.
So a record never lands without its journal entry, nor the journal entry without the record.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import journal as journal_mod
from ..errors import InputError, OutputError, RefusedError
from . import fs
from .layout import CountyLayout

JOURNAL_LIMIT = 512 * fs.MIB
#: the longest journal line ikz-isms writes is far below this (a record's texts are bounded by
#: its schema): a last line longer than this was not written by ikz-isms
MAX_ENTRY_BYTES = 16 * fs.MIB
TRANSACTION_VERSION = 1


@dataclass
class Transaction:
    """What one change writes: new file texts and journal entries (sealed on commit)."""

    layout: CountyLayout
    root: Path | None
    files: dict[Path, bytes | None] = field(default_factory=dict)
    entries: list[dict[str, Any]] = field(default_factory=list)
    sealed: list[dict[str, Any]] = field(default_factory=list)

    def put(self, path: Path, text: str | bytes) -> None:
        self.files[path] = text.encode("utf-8") if isinstance(text, str) else text

    def delete(self, path: Path) -> None:
        self.files[path] = None

    def journal(self, record: str, old: Any, new: Any, actor: str) -> None:
        self.entries.append({"record": record, "old": old, "new": new, "actor": actor})


class CountyFiles:
    """The files of one county's data folder, as the store sees them."""

    def __init__(self, layout: CountyLayout, root: Path | None):
        self.layout = layout
        self.root = root

    # -- the journal ---------------------------------------------------------------------

    def journal_bytes(self) -> bytes | None:
        """The journal's bytes; ``None`` when there is no journal file."""
        path = self.layout.journal
        if not path.exists() and not path.is_symlink():
            return None
        return fs.read_bytes(path, limit=JOURNAL_LIMIT)

    def read_journal(self) -> journal_mod.JournalRead | None:
        raw = self.journal_bytes()
        return None if raw is None else journal_mod.parse(raw)

    def journal_tail(self) -> dict[str, Any] | None:
        """The last entry, read from the end (appends stay constant-time); a damaged tail refuses."""
        path = self.layout.journal
        try:
            with fs.open_regular(path) as handle:  # (a named pipe or a device is refused, never waited on)
                size = os.fstat(handle.fileno()).st_size
                if size == 0:
                    return None
                # blocks that double (a long last line costs its length, not its length squared),
                # and no line longer than ikz-isms writes: that journal was written by someone else
                block = 8192
                chunks: list[bytes] = []
                position = size
                content = False  # met the last line's text yet (not only the final line breaks)
                while position > 0:
                    step = min(block, position)
                    position -= step
                    handle.seek(position)
                    chunk = handle.read(step)
                    chunks.append(chunk)
                    text = chunk if content else chunk.rstrip(b"\n")
                    content = content or bool(text)
                    if b"\n" in text or position == 0:
                        break
                    if size - position > MAX_ENTRY_BYTES:
                        raise _damaged(path, f"die letzte Zeile ist länger als {MAX_ENTRY_BYTES // fs.MIB} MiB")
                    block *= 2
                data = b"".join(reversed(chunks))
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise fs.read_error(exc, path) from None
        if not data.endswith(b"\n"):
            raise _damaged(path, "die letzte Zeile ist unvollständig")
        last = data.rstrip(b"\n").split(b"\n")[-1]
        try:
            entry = json.loads(last.decode("utf-8"))
        except (ValueError, RecursionError):  # (UnicodeDecodeError and JSONDecodeError are ValueErrors)
            raise _damaged(path, "die letzte Zeile ist kein gültiges JSON") from None
        try:
            sealed_as = journal_mod.digest(entry) if isinstance(entry, dict) else None
        except UnicodeEncodeError:  # a lone surrogate (\\ud800): never written by ikz-isms
            sealed_as = None
        if not isinstance(entry, dict) or any(k not in entry for k in ("seq", "hash")) \
                or not isinstance(entry.get("seq"), int) or sealed_as != entry.get("hash"):
            raise _damaged(path, "der letzte Eintrag ist unvollständig oder verändert")
        return entry

    # -- transactions --------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self, *, require_journal: bool = True) -> Iterator[Transaction]:
        """Hold the county lock, complete any pending change, and commit the new one on exit.

        ``require_journal``: refuse when records exist but the journal is missing (the
        chain would silently start again).
        """
        with fs.locked(self.layout.lock):
            self.recover()
            fs.remove_stale_temps(self.layout.data_dir)
            if self.layout.records_dir.is_dir():
                fs.remove_stale_temps(self.layout.records_dir)
            if require_journal:
                self.require_journal()
            tx = Transaction(self.layout, self.root)
            yield tx
            self._commit(tx)

    def require_journal(self) -> None:
        """Refuse to write when records exist but the journal is missing or empty."""
        path = self.layout.journal
        missing = not (path.exists() or path.is_symlink())
        empty = not missing and path.is_file() and path.stat().st_size == 0
        if (missing or empty) and self.has_records():
            state = "fehlt" if missing else "ist leer"
            raise RefusedError(
                f"Journal {state}, obwohl Prüfeinträge vorhanden sind: ikz-isms beginnt die Kette nicht "
                "stillschweigend neu. Journal wiederherstellen (z. B. git checkout -- journal.jsonl) "
                "oder den heutigen Stand bewusst als Ausgangspunkt festhalten: "
                "ikz-isms journal baseline --county KEY --reason \"…\".",
                path=str(path),
            )

    def has_records(self) -> bool:
        legacy = self.layout.legacy_records
        if legacy.is_file() and legacy.stat().st_size > 0:
            return True
        return any(True for _ in fs.list_dir(self.layout.records_dir, (".yaml",)))

    def _commit(self, tx: Transaction) -> None:
        if not tx.files and not tx.entries:
            return
        tail = self.journal_tail() if tx.entries else None
        tx.sealed = journal_mod.seal(tx.entries, tail)
        lines = journal_mod.encode(tx.sealed)
        journal_path = self.layout.journal
        try:
            size = os.stat(journal_path).st_size if tx.entries else 0
        except FileNotFoundError:
            size = 0
        pending = {
            "version": TRANSACTION_VERSION,
            "journal_size": size,
            "journal": base64.b64encode(lines).decode("ascii"),
            "files": {
                os.path.relpath(path, self.layout.data_dir): (
                    None if data is None else base64.b64encode(data).decode("ascii")
                )
                for path, data in tx.files.items()
            },
        }
        for path in [*tx.files, *([journal_path] if tx.entries else [])]:
            fs.guard_target(path, self.root)
            if not fs.is_inside(path, self.layout.data_dir):
                raise OutputError("liegt außerhalb des Datenordners des Landkreises; nichts geändert.", path=str(path))
        fs.atomic_write(self.layout.transaction, json.dumps(pending), root=self.root)
        fs.fault("transaction-written")
        self._apply(pending)
        fs.fault("files-replaced")
        fs.remove(self.layout.transaction)

    def recover(self) -> bool:
        """Roll a pending transaction forward; ``True`` if there was one."""
        path = self.layout.transaction
        if not path.exists():
            return False
        try:
            pending = json.loads(fs.read_bytes(path, limit=JOURNAL_LIMIT).decode("utf-8"))
            if not _pending_readable(pending):
                raise ValueError
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise InputError(
                "unvollständige Änderung eines abgebrochenen Laufs ist nicht lesbar; Datei prüfen und entfernen.",
                path=str(path),
            ) from None
        self._apply(pending)
        fs.remove(path)
        return True

    def _apply(self, pending: dict[str, Any]) -> None:
        """Write what a pending transaction holds (checked by :func:`_pending_readable`)."""
        lines = base64.b64decode(pending["journal"])
        if lines:
            self._append_journal(lines, int(pending["journal_size"]))
        fs.fault("journal-appended")
        for relative, encoded in pending["files"].items():
            target = self.layout.data_dir / relative
            if encoded is None:
                fs.remove(target)
                continue
            data = base64.b64decode(encoded)
            current = None
            if target.is_file():
                current = fs.read_bytes(target)
            if current != data:
                fs.atomic_write(target, data, root=self.root)
                fs.fault("file-replaced")

    def _append_journal(self, lines: bytes, size_before: int) -> None:
        path = self.layout.journal
        try:
            size = os.stat(path).st_size
        except FileNotFoundError:
            size = 0
        if size < size_before:
            raise _damaged(path, "das Journal ist kürzer als beim Beginn der unterbrochenen Änderung")
        if size > size_before:
            with fs.open_regular(path) as handle:
                handle.seek(size_before)
                written = handle.read()
            if written == lines:
                return
            if not lines.startswith(written):
                raise _damaged(path, "das Journal wurde während einer unterbrochenen Änderung anders fortgeschrieben")
            fs.truncate(path, size_before)
        fs.append_bytes(path, lines, root=self.root)


def _damaged(path: Path, why: str) -> InputError:
    return InputError(
        f"Journal beschädigt: {why}. Nichts geändert; ikz-isms journal verify zeigt die Stelle.",
        path=str(path),
    )


def _pending_readable(pending: Any) -> bool:
    """Whether a pending transaction has the form :meth:`CountyStore.transaction` writes: the
    version, the journal's size before and its new lines (base64), and each changed file by its
    path inside the county's data folder (base64, or ``null`` for a removed file). Anything else
    (another shape, a path leading out of the folder, text that is no base64) is refused before
    a byte is written."""
    import binascii
    from pathlib import PurePosixPath

    if not isinstance(pending, dict) or pending.get("version") != TRANSACTION_VERSION:
        return False
    size, journal, files = pending.get("journal_size"), pending.get("journal"), pending.get("files")
    if type(size) is not int or size < 0 or not isinstance(journal, str) or not isinstance(files, dict):
        return False
    try:
        base64.b64decode(journal, validate=True)
        for relative, encoded in files.items():
            relative.encode("utf-8")  # (a lone surrogate is no file name)
            parts = PurePosixPath(relative).parts
            if not relative or "\\" in relative or "\0" in relative or relative.startswith("/") \
                    or any(part in ("..", ".") for part in parts) or ":" in relative:
                return False
            if encoded is not None:
                if not isinstance(encoded, str):
                    return False
                base64.b64decode(encoded, validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError, AttributeError):
        return False
    return True
