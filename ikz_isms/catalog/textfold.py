"""Text folding for matching: its own small module, so that a command which only needs
:func:`fold` (``catalog import`` naming a catalog) does not load the search machinery."""

from __future__ import annotations

import unicodedata

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def fold(text: str) -> str:
    """Lower-case and spell umlauts out, so "Gefährdung" and "gefaehrdung" match."""
    text = unicodedata.normalize("NFC", text or "").casefold().translate(_UMLAUTS)
    # accents other than the German umlauts (é, à …) are dropped
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
