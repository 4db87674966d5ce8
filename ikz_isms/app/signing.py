"""Signing keys of counties and Ed25519 signatures of disclosure packages.

A county signs its disclosure package with its private key; the Verbund workspace holds
each county's public key (``verbund.keys`` in ``ikz-isms.yaml``) and verifies every package
against it. Keys are Ed25519 (through the ``cryptography`` library, imported only here).

* The private key is a PKCS#8 PEM file readable by its owner only (0600). Where it lives:
  ``--key FILE``, else ``$IKZ_ISMS_SIGNING_KEY``, else
  ``$XDG_CONFIG_HOME/ikz-isms/schluessel/<county>.pem`` (``~/.config`` without XDG). It never
  belongs in a repository. With ``$IKZ_ISMS_SIGNING_PASSPHRASE`` set, the file is encrypted
  with that passphrase (and needs it to sign).
* A public key is written ``ed25519:<base64 of the 32 raw bytes>``; its fingerprint
  (``key_id``) is the first 16 hex digits of the SHA-256 of the raw bytes.
* What is signed: the domain string ``ikz-isms-offenlegung/1`` and a newline, then the
  canonical JSON of the package payload (sorted keys, no spaces, UTF-8). Changing any
  value of the payload breaks the signature.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, NotFoundError, RefusedError, UsageError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ENV_SIGNING_KEY = "IKZ_ISMS_SIGNING_KEY"
ENV_PASSPHRASE = "IKZ_ISMS_SIGNING_PASSPHRASE"
KEY_PREFIX = "ed25519:"
SIGNATURE_DOMAIN = b"ikz-isms-offenlegung/1\n"
ALGORITHM = "Ed25519"
KEY_FILE_LIMIT = 64 * 1024


def default_key_path(county: str) -> Path:
    """Where a county's private key lives unless ``--key`` or ``$IKZ_ISMS_SIGNING_KEY`` says otherwise."""
    env = os.environ.get(ENV_SIGNING_KEY, "").strip()
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME", "").strip() or str(Path.home() / ".config")
    return Path(base) / "ikz-isms" / "schluessel" / f"{county}.pem"


def _passphrase() -> bytes | None:
    value = os.environ.get(ENV_PASSPHRASE, "")
    return value.encode("utf-8") if value else None


def create_key(path: Path, *, replace: bool = False) -> str:
    """A new Ed25519 key pair: the private key written to ``path`` (0600); its public key text."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from ..store import fs

    key = Ed25519PrivateKey.generate()
    passphrase = _passphrase()
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    )
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    fs.write_private(path, pem, replace=replace)
    return public_text(key)


def load_key(path: Path) -> "Ed25519PrivateKey":
    """The private key in ``path``; a missing, unreadable or foreign file is a clear error."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from ..store import fs

    if not path.exists():
        raise NotFoundError(
            "Signaturschlüssel fehlt – mit 'ikz-isms keys create' anlegen oder mit --key bzw. "
            f"{ENV_SIGNING_KEY} den Pfad angeben.",
            path=str(path),
        )
    data = fs.read_bytes(path, limit=KEY_FILE_LIMIT)
    try:
        key = serialization.load_pem_private_key(data, password=_passphrase())
    except TypeError:
        raise UsageError(
            f"Der Signaturschlüssel ist verschlüsselt: Passphrase in {ENV_PASSPHRASE} angeben.",
            path=str(path),
        ) from None
    except ValueError:
        raise InputError(
            "ist kein lesbarer Signaturschlüssel (PEM, PKCS#8, Ed25519) oder die Passphrase passt nicht.",
            path=str(path),
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError("enthält keinen Ed25519-Schlüssel.", path=str(path))
    if os.name == "posix" and path.stat().st_mode & 0o077:
        raise RefusedError(
            "ist für andere lesbar; ein Signaturschlüssel gehört nur seinem Besitzer "
            f"(chmod 600 {path}).",
            path=str(path),
        )
    return key


def public_text(key: "Ed25519PrivateKey") -> str:
    from cryptography.hazmat.primitives import serialization

    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return KEY_PREFIX + base64.b64encode(raw).decode("ascii")


def public_raw(text: str) -> bytes:
    """The 32 raw bytes of a public key written ``ed25519:<base64>``; anything else is refused."""
    value = text.strip()
    if not value.startswith(KEY_PREFIX):
        raise UsageError(f"Öffentlicher Schlüssel muss mit '{KEY_PREFIX}' beginnen (wie 'ikz-isms keys show' ihn ausgibt).")
    try:
        raw = base64.b64decode(value[len(KEY_PREFIX):], validate=True)
    except ValueError:
        raise UsageError("Öffentlicher Schlüssel ist kein gültiges Base64.") from None
    if len(raw) != 32:
        raise UsageError(f"Öffentlicher Ed25519-Schlüssel muss 32 Byte lang sein, nicht {len(raw)}.")
    return raw


def key_id(public: str) -> str:
    return hashlib.sha256(public_raw(public)).hexdigest()[:16]


def canonical(payload: Any) -> bytes:
    """The canonical bytes of a payload: JSON, sorted keys, no spaces, UTF-8."""
    import orjson

    return orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)


def sign(key: "Ed25519PrivateKey", payload: Any) -> dict[str, str]:
    """The signature block for ``payload``."""
    public = public_text(key)
    value = key.sign(SIGNATURE_DOMAIN + canonical(payload))
    return {"algorithm": ALGORITHM, "key_id": key_id(public), "value": base64.b64encode(value).decode("ascii")}


def verify(public: str, payload: Any, signature: Any) -> str | None:
    """``None`` when ``signature`` is ``public``'s valid signature of ``payload``; else the German reason."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if not isinstance(signature, dict) or signature.get("algorithm") != ALGORITHM:
        return f"keine {ALGORITHM}-Signatur"
    try:
        expected_id = key_id(public)
    except UsageError as exc:
        return f"hinterlegter öffentlicher Schlüssel ungültig: {exc.message}"
    if signature.get("key_id") != expected_id:
        return (f"mit einem anderen Schlüssel signiert (Schlüssel-ID {signature.get('key_id')!s:.32}, "
                f"hinterlegt ist {expected_id})")
    try:
        value = base64.b64decode(str(signature.get("value", "")), validate=True)
    except ValueError:
        return "Signatur ist kein gültiges Base64"
    try:
        Ed25519PublicKey.from_public_bytes(public_raw(public)).verify(value, SIGNATURE_DOMAIN + canonical(payload))
    except InvalidSignature:
        return "Signatur ungültig: der Inhalt wurde nach dem Signieren verändert oder nicht mit diesem Schlüssel signiert"
    return None
