"""OSCAL catalogs in XML (e.g. the Grundschutz++ beta 0.9.7 XML), read into the OSCAL JSON form.

The XML is parsed safely and fast (:mod:`.xmlsafe`: C parser, no DTD) and converted to the
JSON object model of OSCAL — elements to keys (``prop`` → ``props``, ``control`` →
``controls`` …), markup to OSCAL's Markdown (``<insert type="param" id-ref="x"/>`` →
``{{ insert: param, x }}``, ``<q>`` → ``"…"``, ``<a href>`` → ``[…](…)``, ``<sup>`` → ``^…^``).
The converted document is then read like any OSCAL JSON catalog and stored whole.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from .model import Catalog

OSCAL_NS = "http://csrc.nist.gov/ns/oscal/1.0"
_N = "{" + OSCAL_NS + "}"

#: repeated child elements and the JSON key of their list
_LISTS = {
    "prop": "props", "link": "links", "part": "parts", "param": "params", "control": "controls",
    "group": "groups", "value": "values", "role": "roles", "party": "parties", "document-id": "document-ids",
    "responsible-party": "responsible-parties", "resource": "resources", "rlink": "rlinks", "hash": "hashes",
    "email-address": "email-addresses", "party-uuid": "party-uuids", "choice": "choice", "guideline": "guidelines",
    "constraint": "constraints", "revision": "revisions", "location": "locations", "telephone-number":
    "telephone-numbers", "address": "addresses", "external-id": "external-ids", "member-of-organization":
    "member-of-organizations", "location-uuid": "location-uuids", "addr-line": "addr-lines",
}
_MARKUP_LINE = frozenset({"title", "label", "usage", "description-line", "text", "choice"})
_MARKUP_MULTI = frozenset({"remarks", "description", "prose", "citation"})
_PROSE_BLOCKS = frozenset({"p", "ul", "ol", "table", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"})
_INLINE = {"em": "*", "i": "*", "strong": "**", "b": "**", "code": "`", "sup": "^", "sub": "~"}


def detect(path: Path, head: bytes) -> bool:
    return OSCAL_NS.encode() in head and b"<catalog" in head


def _local(element: Element) -> str:
    tag = element.tag
    return tag[len(_N):] if isinstance(tag, str) and tag.startswith(_N) else str(tag)


def _inline(element: Element) -> str:
    """Markup-line content as OSCAL Markdown."""
    parts = [element.text or ""]
    for child in element:
        if not isinstance(child.tag, str):
            parts.append(child.tail or "")
            continue
        name = _local(child)
        inner = _inline(child)
        if name == "insert":
            parts.append(f"{{{{ insert: {child.get('type', 'param')}, {child.get('id-ref', '')} }}}}")
        elif name == "a":
            parts.append(f"[{inner}]({child.get('href', '')})")
        elif name == "q":
            parts.append(f'"{inner}"')
        elif name in _INLINE:
            mark = _INLINE[name]
            parts.append(f"{mark}{inner}{mark}")
        elif name == "img":
            parts.append(f"![{child.get('alt', '')}]({child.get('src', '')})")
        else:
            parts.append(inner)
        parts.append(child.tail or "")
    return "".join(parts)


def _multiline(blocks: list[Element]) -> str:
    out: list[str] = []
    for block in blocks:
        name = _local(block)
        if name in ("ul", "ol"):
            items = [child for child in block if _local(child) == "li"]
            out.append("\n".join(("- " if name == "ul" else f"{n}. ") + _inline(li).strip()
                                 for n, li in enumerate(items, start=1)))
        elif name.startswith("h") and name[1:].isdigit():
            out.append("#" * int(name[1:]) + " " + _inline(block).strip())
        else:
            out.append(_inline(block))
    return "\n\n".join(out)


def _convert(element: Element) -> dict[str, Any]:
    """One OSCAL object: attributes as keys, children by the OSCAL JSON binding."""
    result: dict[str, Any] = dict(element.attrib)
    prose: list[Element] = []
    for child in element:
        if not isinstance(child.tag, str):
            continue
        name = _local(child)
        if name in _PROSE_BLOCKS:
            prose.append(child)
        elif name in _LISTS:
            value: Any = _leaf(child, name)
            result.setdefault(_LISTS[name], []).append(value)
        elif name in _MARKUP_LINE:
            result[name] = _inline(child)
        elif name in _MARKUP_MULTI:
            blocks = [c for c in child if isinstance(c.tag, str)]
            result[name] = _multiline(blocks) if blocks else (child.text or "")
        elif len(child) == 0 and not child.attrib:
            result[name] = child.text or ""
        else:
            result[name] = _convert(child)
    if prose:
        result["prose"] = _multiline(prose)
    return result


def _leaf(child: Element, name: str) -> Any:
    if name in ("value", "email-address", "party-uuid", "location-uuid", "member-of-organization",
                "addr-line"):
        return child.text or ""
    if name == "choice":
        return _inline(child)
    if name == "document-id" or name == "hash" or name == "telephone-number" or name == "external-id":
        converted = dict(child.attrib)
        key = {"document-id": "identifier", "hash": "value", "telephone-number": "number",
               "external-id": "id"}[name]
        converted[key] = child.text or ""
        return converted
    return _convert(child)


def to_json(root: Element, where: str) -> dict[str, Any]:
    if _local(root) != "catalog" or root.tag != _N + "catalog":
        raise InputError(f"kein OSCAL-Katalog in XML: Wurzelelement <catalog> im Namensraum {OSCAL_NS} erwartet.",
                         path=where)
    body = _convert(root)
    keys: tuple[str, ...] = ("uuid", "metadata", "params", "controls", "groups", "back-matter")
    ordered = {key: body[key] for key in keys if key in body}
    ordered.update({k: v for k, v in body.items() if k not in ordered})
    return {"catalog": ordered}


def load(path: Path, progress: Callable[[int, int], None] | None = None) -> Catalog:
    from ..store import KINDS, read_bytes
    from . import xmlsafe
    from .oscal import _Reader

    path = Path(path)
    raw = read_bytes(path, limit=KINDS["catalog-json"].max_bytes)
    if not raw.strip():
        raise InputError("Datei ist leer.", path=str(path))
    try:
        document = to_json(xmlsafe.parse(raw, str(path)), str(path))
    except RecursionError:
        raise InputError("XML ist zu tief verschachtelt für einen OSCAL-Katalog.", path=str(path)) from None
    return _Reader(path, document, progress, "oscal-xml").run()
