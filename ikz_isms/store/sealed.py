"""Derived cache files sealed with the user's own key: a cache file from anyone else is never read.

The derived caches in a workspace's ``.ikz-cache/`` (parsed documents, Verbund figures,
verified packages) hold what the tool computed from the real files. A cloned repository or a
shared folder may carry such files from someone else; planted there, a "parsed" document with
the right hash but other values would be believed. So every cache file starts with an
HMAC-SHA256 of its content under a secret that lives outside every workspace, in the user's
cache folder (``$XDG_CACHE_HOME/ikz-isms/cache-key``, default ``~/.cache/…``, mode 600,
made on first use)::

    IKZ-CACHE 1 <64 hex digits>\\n<payload>

A file without a valid seal is treated as absent (the tool reads the real files and writes
a sealed entry of its own). Without a usable key folder (no home, read-only) the tool works
without derived caches.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

MAGIC = b"IKZ-CACHE 1 "
KEY_BYTES = 32
_DIGEST_HEX = 64

#: the key of each key file this process has read (tests change $HOME between tests)
_KEYS: dict[str, bytes] = {}


def key_file() -> Path | None:
    """``$XDG_CACHE_HOME/ikz-isms/cache-key`` (default ``~/.cache/ikz-isms/cache-key``); ``None`` without a home."""
    from ..userdirs import cache_folder

    path = cache_folder("cache-key")
    return Path(path) if path is not None else None


def _read_key(path: Path) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            data = handle.read(KEY_BYTES + 1)
    except OSError:
        return None
    return data if len(data) == KEY_BYTES else None


def secret() -> bytes | None:
    """The user's cache key, made on first use (two processes at once agree on one); ``None``: unusable."""
    path = key_file()
    if path is None:
        return None
    known = _KEYS.get(str(path))
    if known is not None:
        return known
    key = _read_key(path)
    if key is None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f".cache-key.{os.getpid()}.tmp")
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.write(fd, os.urandom(KEY_BYTES))
                os.fsync(fd)
            finally:
                os.close(fd)
            try:
                os.link(temporary, path)  # fails if another process made the key first: then that one counts
            except FileExistsError:
                pass
            finally:
                os.unlink(temporary)
        except OSError:
            return None
        key = _read_key(path)
        if key is None:
            return None
    _KEYS[str(path)] = key
    return key


def seal(payload: bytes, key: bytes) -> bytes:
    mac = hmac.new(key, payload, hashlib.sha256).hexdigest().encode("ascii")
    return MAGIC + mac + b"\n" + payload


def unseal(data: bytes, key: bytes) -> bytes | None:
    """The payload of a sealed file, ``None`` if the seal is missing or not this user's."""
    head = len(MAGIC) + _DIGEST_HEX
    if not data.startswith(MAGIC) or len(data) <= head or data[head:head + 1] != b"\n":
        return None
    payload = data[head + 1:]
    expected = hmac.new(key, payload, hashlib.sha256).hexdigest().encode("ascii")
    return payload if hmac.compare_digest(expected, data[len(MAGIC):head]) else None
