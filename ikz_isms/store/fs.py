"""Bytes in and out of the workspace: size limits, atomic replace, locks, appends, German OS errors.

Everything that touches the file system for ikz-isms goes through this module (the store's
other modules parse and validate what it reads). Guarantees, documented in
``docs/guarantees.md``:

* a read refuses files above the size limit of their kind before reading them, and anything
  but a regular file (a named pipe would make it wait for ever) before a byte is read;
* :func:`atomic_write` replaces a file in one ``os.replace`` after an ``fsync``, so readers
  see the old or the new bytes, never a mix; the temporary file is removed on failure and,
  when left behind by a killed writer, ignored by readers and removed by the next writer
  that holds the directory's lock (:func:`remove_stale_temps`);
* a write never follows a symbolic link: a target that is a link, or whose directory
  resolves outside the workspace root, is refused;
* :func:`locked` holds an inter-process lock (``filelock``) for a read-modify-write;
* every ``OSError`` becomes an :class:`~ikz_isms.errors.InputError` (reading) or
  :class:`~ikz_isms.errors.OutputError` (writing) with the path and a German reason.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError, LockTimeoutError, OutputError

LOCK_TIMEOUT_SECONDS = 30.0
#: fault injection for the crash tests: ``IKZ_ISMS_FAULT=<step>`` ends the process at that step
#: as a SIGKILL would (no cleanup, no flush); see docs/guarantees.md for the steps
FAULT_ENV = "IKZ_ISMS_FAULT"
FAULT_EXIT = 86
TEMP_SUFFIX = ".tmp"
MIB = 1024 * 1024

_REASONS = {
    errno.ENOENT: "Datei oder Verzeichnis fehlt",
    errno.EACCES: "keine Berechtigung",
    errno.EPERM: "keine Berechtigung",
    errno.EEXIST: "ein Teil des Pfads ist eine Datei",
    errno.ENOTDIR: "ein Teil des Pfads ist kein Verzeichnis",
    errno.EISDIR: "ist ein Verzeichnis",
    errno.ENOSPC: "Datenträger voll",
    errno.EDQUOT: "Speicherkontingent erschöpft",
    errno.EROFS: "Dateisystem schreibgeschützt",
    errno.ENAMETOOLONG: "Dateiname zu lang",
    errno.ELOOP: "zu viele symbolische Verknüpfungen",
    errno.EIO: "Ein-/Ausgabefehler des Datenträgers",
    errno.EMFILE: "zu viele offene Dateien",
    errno.EBUSY: "Datei ist belegt",
    errno.ETXTBSY: "Datei ist belegt",
    errno.EINVAL: "ungültiger Dateiname",
}


def fault(step: str) -> None:
    """Die here, at once, if the crash tests asked for this step (``IKZ_ISMS_FAULT``)."""
    if os.environ.get(FAULT_ENV) == step:
        os._exit(FAULT_EXIT)


def os_reason(exc: OSError) -> str:
    """A German reason for an operating-system error."""
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    return f"Betriebssystemfehler {exc.errno}" if exc.errno else "Betriebssystemfehler"


def read_error(exc: OSError, path: str | os.PathLike[str]) -> InputError:
    """An ``OSError`` met while reading, as a located German :class:`InputError`."""
    if isinstance(exc, FileNotFoundError):
        return InputError("Datei nicht gefunden.", path=str(path))
    if isinstance(exc, IsADirectoryError):
        return InputError("Ist ein Verzeichnis, keine Datei.", path=str(path))
    return InputError(f"Datei nicht lesbar ({os_reason(exc)}).", path=str(path))


def write_error(exc: OSError, path: str | os.PathLike[str]) -> OutputError:
    """An ``OSError`` met while writing, as a German :class:`OutputError` naming the path."""
    return OutputError(f"nicht schreibbar: {os_reason(exc)}.", path=str(path))


#: opening without waiting: a named pipe would otherwise block the command for ever (0 where the
#: system has no such flag, and no named pipes in the file system either)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
#: how a file is opened for reading: without waiting, not inherited by child processes
_READ_FLAGS = os.O_RDONLY | _NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _irregular(mode: int) -> str | None:
    """What a file of ``mode`` is when it is no regular file (German, for messages); ``None`` for one."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "eine benannte Pipe"
    if stat.S_ISSOCK(mode):
        return "ein Socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "ein Gerät"
    return "keine gewöhnliche Datei"


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """``path`` opened for reading in binary, if it is a regular file (or a link to one).

    A named pipe, a device or a socket is refused with a German :class:`InputError` before a
    byte is read: reading one could wait for ever (a pipe nobody writes to) or never end
    (``/dev/zero``). It is opened without blocking and then looked at (``fstat``), so a pipe
    put in place of the file at the last moment is refused too. ``OSError`` as from ``open``.
    """
    fd = os.open(path, _READ_FLAGS)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
        kind = _irregular(mode)
        if kind is not None:
            raise InputError(f"Ist {kind}, keine gewöhnliche Datei; wird nicht gelesen.", path=str(path))
        if _NONBLOCK:
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bytes(path: str | os.PathLike[str], *, limit: int | None = None) -> bytes:
    """The file's bytes; a file above ``limit`` bytes is refused before it is read."""
    try:
        with open_regular(path) as handle:
            if limit is not None:
                size = os.fstat(handle.fileno()).st_size
                if size > limit:
                    raise InputError(
                        f"Datei ist zu groß ({_size_text(size)}; höchstens {_size_text(limit)} "
                        "für diese Art Datei).",
                        path=str(path),
                    )
                # a file that grows while being read (or a device) still stops at the limit
                data = handle.read(limit + 1)
                if len(data) > limit:
                    raise InputError(f"Datei ist zu groß (mehr als {_size_text(limit)}).", path=str(path))
                return data
            return handle.read()
    except OSError as exc:
        raise read_error(exc, path) from None


def read_head(path: str | os.PathLike[str], size: int) -> bytes:
    """The first ``size`` bytes of a file (for format detection)."""
    try:
        with open_regular(path) as handle:
            return handle.read(size)
    except OSError as exc:
        raise read_error(exc, path) from None


def _size_text(size: int) -> str:
    if size >= MIB:
        return f"{size / MIB:.1f} MiB".replace(".", ",")
    return f"{size} Bytes"


def sha256_file(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file's content (hex)."""
    import hashlib

    digest = hashlib.sha256()
    try:
        with open_regular(path) as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError as exc:
        raise read_error(exc, path) from None
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def is_inside(path: Path, root: Path) -> bool:
    """Whether ``path`` (resolved) lies within ``root`` (resolved)."""
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def guard_target(target: Path, root: Path | None, *, folder: bool = False) -> None:
    """Refuse a write that would follow a symbolic link, leave the workspace ``root``, or replace
    something that is no file: a device (``-o /dev/null`` run as root would put the report in
    place of the device for every program on the machine), a named pipe, a socket, a folder."""
    if target.is_symlink():
        raise OutputError(
            "ist eine symbolische Verknüpfung; ikz-isms schreibt nicht durch Verknüpfungen "
            "(Verknüpfung durch die echte Datei ersetzen).",
            path=str(target),
        )
    try:
        mode = os.lstat(target).st_mode
    except OSError:
        mode = None  # (absent: a new file; any other problem is the write's to name)
    what = _irregular(mode) if mode is not None else None
    if what is not None and not (folder and stat.S_ISDIR(mode or 0)):  # (``folder``: a folder replaced whole)
        if stat.S_ISDIR(mode or 0):
            what = "ein Verzeichnis"
        raise OutputError(f"ist {what}, keine Datei; ikz-isms ersetzt nur Dateien (einen Dateinamen angeben).",
                          path=str(target))
    if root is not None and not is_inside(target.parent, root):
        raise OutputError(
            f"liegt außerhalb der Arbeitsumgebung {root} (Verzeichnis oder Verknüpfung zeigt nach außen).",
            path=str(target),
        )


def check_folder(target: Path) -> None:
    """Refuse a write whose folder does not exist or is no folder (exit 6 naming the target).

    An output the user names is written only into a folder that exists: a typo in the
    path must not go unnoticed by landing in a new folder.
    """
    folder = target.parent
    if folder.is_dir():
        return
    reason = "ist kein Verzeichnis" if folder.exists() or folder.is_symlink() else "Verzeichnis fehlt"
    raise OutputError(f"nicht schreibbar: {reason} ({folder}).", path=str(target))


def make_output_folder(folder: Path, *, create: bool = True) -> Path:
    """Create the folder ``folder`` the user named for outputs, if it is missing; its own folder must exist.

    Only the named folder itself is created (as a file is: the one thing named), never a
    chain of missing parents; a file or a dangling link in its place is refused.
    ``create=False`` only checks that it exists or could be created.
    """
    folder = Path(folder)
    if folder.is_dir():
        return folder
    if folder.is_symlink():
        raise OutputError("ist eine symbolische Verknüpfung ins Leere.", path=str(folder))
    if folder.exists():
        raise OutputError("ist eine Datei, kein Verzeichnis.", path=str(folder))
    check_folder(folder)
    if not create:
        return folder
    try:
        folder.mkdir()
    except FileExistsError:
        if not folder.is_dir():
            raise OutputError("ist eine Datei, kein Verzeichnis.", path=str(folder)) from None
    except OSError as exc:
        raise write_error(exc, folder) from None
    return folder


def remove_empty_folders(top: Path) -> None:
    """Remove ``top`` and every folder below it that is empty, deepest first (undoing folders a failed
    change created); a folder that still holds anything — or is a link — stays."""
    if top.is_symlink() or not top.is_dir():
        return
    for dirpath, _dirnames, _filenames in os.walk(top, topdown=False):
        with contextlib.suppress(OSError):
            os.rmdir(dirpath)


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


#: how the temporary file of a write is opened: created here and now (never an existing file or
#: a link), not inherited by child processes
_TEMP_FLAGS = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0) \
    | getattr(os, "O_BINARY", 0)


def _temp_beside(target: Path) -> tuple[int, str]:
    """A new file ``.<name>.<random>.tmp`` beside ``target``, mode 0600: (descriptor, path).

    What ``tempfile.mkstemp`` does, without importing :mod:`tempfile` (and with it ``random``,
    ``shutil`` and the compression modules) into every command that writes a file.
    """
    for _attempt in range(100):
        name = os.path.join(target.parent, f".{target.name}.{os.urandom(6).hex()}{TEMP_SUFFIX}")
        try:
            return os.open(name, _TEMP_FLAGS, 0o600), name
        except FileExistsError:
            continue  # 48 random bits taken: another name
    raise FileExistsError(errno.EEXIST, "kein freier Name für eine temporäre Datei", str(target.parent))


def atomic_write(path: str | os.PathLike[str], data: bytes | str, *, root: Path | None = None,
                 parents: bool = True, durable: bool = True) -> None:
    """Write ``data`` to ``path`` so readers see the old or the new file, never a mix.

    The bytes go to a temporary file in the same directory, are flushed to disk, and then
    replace the target in one ``os.replace``. ``root`` (the workspace) bounds where the
    write may land; a target that is a symbolic link is always refused. ``parents=False``
    refuses a missing folder (an output the user named) instead of creating it.
    ``durable=False`` skips the ``fsync`` (derived caches, which a crash may lose harmlessly).
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    guard_target(target, root)
    tmp: str | None = None
    if not parents:
        check_folder(target)
    try:
        if parents:
            target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = _temp_beside(target)
        # the temporary file is created 0600; a shared workspace file keeps its mode, a new one gets the umask's
        os.chmod(tmp, _mode_for(target))
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        fault("temp-written")
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise write_error(exc, target) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def replace_folder(output: Path, files: dict[str, bytes]) -> list[Path]:
    """Replace the folder ``output`` by one holding exactly ``files``, as a whole.

    The files are written into a hidden staging folder beside ``output`` (each fsync-ed),
    then the old folder is moved aside and the staging folder renamed into its place, and the
    old one removed: a reader sees the old set of files or the new one, never a mix. On any
    failure the old folder is put back and the staging folder removed.
    """
    import shutil

    output = Path(output)
    guard_target(output, None, folder=True)
    if output.exists() and not output.is_dir():
        raise OutputError("ist eine Datei, kein Verzeichnis.", path=str(output))
    staging = output.parent / f".{output.name}.neu.{os.getpid()}"
    old = output.parent / f".{output.name}.alt.{os.getpid()}"
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        for name, payload in files.items():
            if "/" in name or name.startswith("."):
                raise OutputError(f"ungültiger Dateiname im Paket: {name}", path=str(output))
            with open(staging / name, "wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
        fault("folder-staged")
        had_old = output.exists()
        if had_old:
            os.replace(output, old)
        try:
            os.replace(staging, output)
        except OSError:
            if had_old:
                os.replace(old, output)
            raise
        if had_old:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise write_error(exc, output) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [output / name for name in files]


def append_bytes(path: str | os.PathLike[str], data: bytes, *, root: Path | None = None) -> int:
    """Append ``data`` (flushed to disk) and return the file's size before the append.

    Opens with ``O_NOFOLLOW``: an append never lands at the end of a symbolic link.
    """
    target = Path(path)
    guard_target(target, root)
    # without blocking: a named pipe in the file's place would otherwise wait for a reader for ever
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | _NONBLOCK
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, flags, 0o666)
        try:
            info = os.fstat(fd)
            kind = _irregular(info.st_mode)
            if kind is not None:
                raise OutputError(f"ist {kind}, keine gewöhnliche Datei; ikz-isms schreibt nur in gewöhnliche "
                                  "Dateien.", path=str(target))
            if _NONBLOCK:
                os.set_blocking(fd, True)
            before = info.st_size
            if os.environ.get(FAULT_ENV) == "append-half":
                os.write(fd, data[: len(data) // 2])
                os._exit(FAULT_EXIT)
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise OutputError("ist eine symbolische Verknüpfung; ikz-isms schreibt nicht durch Verknüpfungen.",
                              path=str(target)) from None
        if exc.errno == errno.ENXIO:  # a named pipe without a reader, opened without waiting
            raise OutputError("ist eine benannte Pipe, keine gewöhnliche Datei; ikz-isms schreibt nur in "
                              "gewöhnliche Dateien.", path=str(target)) from None
        raise write_error(exc, target) from None
    return before


def truncate(path: str | os.PathLike[str], size: int) -> None:
    """Cut a file back to ``size`` bytes (used to undo a half-done append)."""
    try:
        fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0))
        try:
            os.ftruncate(fd, size)
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise write_error(exc, path) from None


def remove(path: str | os.PathLike[str]) -> None:
    """Delete a file if it exists."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise write_error(exc, path) from None


def remove_stale_temps(directory: Path) -> list[Path]:
    """Remove temporary files of writers that died before their replace.

    Call only while holding the lock of the files in ``directory``: every live writer of
    those files holds the same lock, so any temporary file found is a dead writer's.
    """
    removed: list[Path] = []
    try:
        entries = list(directory.iterdir())
    except OSError:
        return removed
    for entry in entries:
        if entry.name.startswith(".") and entry.name.endswith(TEMP_SUFFIX) and entry.is_file():
            with contextlib.suppress(OSError):
                entry.unlink()
                removed.append(entry)
    return removed


def lock_path(path: Path) -> Path:
    return path.parent / f".{path.name}.lock"


def prepare_locking() -> None:
    """Import the lock's library (``filelock``, about 10 ms) in a thread of its own, for a caller
    about to hash or write megabytes (work that lets go of the interpreter lock) before :func:`locked`.

    :func:`locked` then finds the module imported, or waits for the import to finish (Python's
    import lock); an import that fails there fails again, with its error, in :func:`locked`.
    """
    import sys
    import threading

    if "filelock" in sys.modules:
        return

    def work() -> None:
        with contextlib.suppress(Exception):
            import filelock  # noqa: F401

    threading.Thread(target=work, name="ikz-isms-import-filelock", daemon=True).start()


@contextlib.contextmanager
def locked(path: str | os.PathLike[str], timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Hold an exclusive inter-process lock for ``path`` (a ``.lock`` file beside it)."""
    from filelock import FileLock, Timeout

    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_error(exc, target.parent) from None
    lock = FileLock(str(lock_path(target)), timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise LockTimeoutError(
            f"Datei ist seit {timeout:.0f} s durch einen anderen Prozess gesperrt.",
            path=str(target),
        ) from None
    except OSError as exc:
        raise write_error(exc, lock_path(target)) from None
    try:
        yield
    finally:
        lock.release()


def list_dir(directory: Path, suffixes: tuple[str, ...] = ()) -> list[Path]:
    """Files in ``directory`` (sorted), hidden and temporary ones left out; none if it is missing."""
    try:
        entries = sorted(directory.iterdir())
    except FileNotFoundError:
        return []
    except NotADirectoryError:
        raise InputError("ist kein Verzeichnis.", path=str(directory)) from None
    except OSError as exc:
        raise read_error(exc, directory) from None
    found = [
        entry for entry in entries
        if not entry.name.startswith(".") and (not suffixes or entry.suffix in suffixes)
    ]
    for entry in found:
        refuse_undecodable_name(entry)
    return found


def refuse_undecodable_name(path: Path) -> None:
    """A file whose name is no UTF-8 (the system hands it over with stand-in characters) cannot
    be named in a message, a cache or a report: it is refused with the name's bytes shown."""
    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError:
        shown = os.fsencode(path.name).decode("utf-8", "backslashreplace")
        raise InputError(f"Dateiname ist kein gültiges UTF-8: '{shown}'; bitte umbenennen.",
                         path=os.fsencode(path.parent).decode("utf-8", "backslashreplace")) from None


def identities(directory: Path, suffixes: tuple[str, ...]) -> dict[str, tuple[int, int, int] | None]:
    """File name → :func:`stat_key` of the files :func:`list_dir` lists, from one directory scan
    (cheaper than a path per file where thousands of files are fingerprinted)."""
    try:
        with os.scandir(directory) as scan:
            entries = [entry for entry in scan
                       if not entry.name.startswith(".") and os.path.splitext(entry.name)[1] in suffixes]
    except OSError:
        return {path.name: stat_key(path) for path in list_dir(directory, suffixes)}
    found: dict[str, tuple[int, int, int] | None] = {}
    for entry in sorted(entries, key=lambda e: e.name):
        try:
            info = entry.stat()
        except OSError:
            found[entry.name] = None
            continue
        found[entry.name] = (info.st_size, info.st_mtime_ns, info.st_ino)
    return found


def make_dirs(directory: Path) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_error(exc, directory) from None


def stat_key(path: Path) -> tuple[int, int, int] | None:
    """(size, mtime in ns, inode) — a file's identity for caches; ``None`` if it is missing."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def write_private(path: str | os.PathLike[str], data: bytes, *, replace: bool = False) -> None:
    """Write a secret (a signing key) readable by its owner only (0600, folder 0700).

    The bytes go to a temporary file created 0600 in the target's folder; the file then
    appears under its name in one step — by ``os.link`` (refused if the name exists) or,
    with ``replace``, by ``os.replace``. A target that is a symbolic link is refused.
    """
    import tempfile

    target = Path(path)
    guard_target(target, None)
    tmp: str | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(tmp, target)
        else:
            os.link(tmp, target)
            os.unlink(tmp)
        tmp = None
    except FileExistsError:
        raise OutputError("gibt es schon; ein vorhandener Schlüssel wird nicht überschrieben.", path=str(target)) from None
    except OSError as exc:
        raise write_error(exc, target) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
