"""The Grundschutz++ target-object categories (Zielobjektkategorien): hierarchy built in, definitions from BSI.

BSI publishes the categories as a namespace file, ``target_object_categories.csv`` (columns
Zielobjekt, Definition, Typ, Kategorie, Synonyme, ChildOfUUID, UUID; cells may run over
several lines). The hierarchy — which category is a subcategory of which — is what the
modelling needs and is built in (:data:`CATEGORY_PARENTS`); the definitions are BSI's text
and are read from BSI's file when the user names it (``catalog categories --namespace``),
so ikz-isms shows BSI's own words rather than a copy of them.

:func:`read_categories` parses the namespace file (bytes in, categories out; reading the
file is the store's job) and :func:`categories` merges it with the built-in hierarchy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..errors import InputError

#: G++ target-object categories and their parent category (BSI's namespace, ChildOfUUID)
CATEGORY_PARENTS: dict[str, str | None] = {
    "Administrierende": "Mitarbeitende",
    "Anwendungen": None,
    "Cloud-Dienste": "Outsourcing",
    "Dateiserver": "Anwendungen",
    "Daten": "Informationen",
    "Datenträgerarchiv": "Räume",
    "Dienstleistungen": "Einkäufe",
    "DNS-Server": "Anwendungen",
    "Einkäufe": None,
    "E-Mail": "Interpersonelle Kommunikation",
    "Endgeräte": "IT-Systeme",
    "Externe Netzanschlüsse": "Netze",
    "Faxe": "Anwendungen",
    "Führungskräfte": "Mitarbeitende",
    "Gebäude": "Standorte",
    "Hostsysteme": "IT-Systeme",
    "Informationen": None,
    "Institutionsleitung": "Führungskräfte",
    "Interne Netzsegmente": "Netze",
    "Interpersonelle Kommunikation": "Anwendungen",
    "IT-Produkte": "Einkäufe",
    "IT-Systeme": None,
    "Mitarbeitende": "Nutzende",
    "Netze": None,
    "Nutzende": None,
    "Office-Anwendungen": "Anwendungen",
    "Outsourcing": "Dienstleistungen",
    "Räume": "Standorte",
    "Räume für technische Infrastruktur": "Räume",
    "Serverräume": "Räume für technische Infrastruktur",
    "Standorte": None,
    "TK-Anwendungen": "Anwendungen",
    "Verzeichnisdienste": "Anwendungen",
    "Virtualisierungslösungen": "Anwendungen",
    "VK-Anwendungen": "TK-Anwendungen",
    "Webanwendungen": "Webserver",
    "Webbrowser": "Anwendungen",
    "Webserver": "Anwendungen",
    "WLANs": "Interne Netzsegmente",
    # used by G++ catalogs, missing from the namespace file
    "Mobiltelefone": "Endgeräte",
    "Fahrzeuge": None,
}

#: categories the catalogs use that BSI's namespace file does not list (yet)
NOT_IN_NAMESPACE = frozenset({"Mobiltelefone", "Fahrzeuge"})

#: the namespace file's name as BSI publishes it
NAMESPACE_FILE = "target_object_categories.csv"
COLUMNS = ("Zielobjekt", "Definition", "Typ", "Kategorie", "Synonyme", "ChildOfUUID", "UUID")


@dataclass(frozen=True)
class Category:
    """One target-object category: name, parent, and — from BSI's namespace — definition and more."""

    name: str
    parent: str | None
    definition: str = ""
    #: BSI's column "Typ": the root category it belongs to (e.g. Nutzende, Anwendungen)
    group: str = ""
    #: BSI's column "Kategorie": Technisch / Organisatorisch
    nature: str = ""
    synonyms: tuple[str, ...] = ()
    uuid: str = ""
    #: whether BSI's namespace file lists it (``False`` for categories known only from catalogs)
    in_namespace: bool = True
    children: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "parent": self.parent, "children": list(self.children),
                "definition": self.definition or None, "group": self.group or None, "nature": self.nature or None,
                "synonyms": list(self.synonyms), "uuid": self.uuid or None, "in_namespace": self.in_namespace}


def ancestors(category: str) -> list[str]:
    """The parents of ``category``, nearest first (``Serverräume`` → Räume für technische Infrastruktur, …)."""
    chain: list[str] = []
    current = CATEGORY_PARENTS.get(category)
    while current and current not in chain:
        chain.append(current)
        current = CATEGORY_PARENTS.get(current)
    return chain


def root_of(category: str) -> str:
    """The top category of ``category`` (``Serverräume`` → ``Standorte``)."""
    chain = ancestors(category)
    return chain[-1] if chain else category


def closure(categories: Iterable[str]) -> set[str]:
    """The categories and every ancestor: an object in ``Endgeräte`` is also in ``IT-Systeme``."""
    result: set[str] = set()
    for category in categories:
        result.add(category)
        result.update(ancestors(category))
    return result


def descendants(category: str) -> list[str]:
    """Every subcategory of ``category`` (in the built-in order)."""
    found: list[str] = []
    for name in CATEGORY_PARENTS:
        if name != category and category in ancestors(name):
            found.append(name)
    return found


def read_categories(raw: bytes, path: str) -> list[Category]:
    """The categories of BSI's namespace file ``target_object_categories.csv``; bad files raise InputError."""
    import csv
    import io

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"kein UTF-8 (Byte {exc.start}).", path=path) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = tuple(reader.fieldnames or ())
    except csv.Error as exc:
        raise InputError(f"CSV nicht lesbar: {_csv_reason(exc)}.", path=path, location="Zeile 1") from None
    missing = [name for name in ("Zielobjekt", "Definition", "ChildOfUUID", "UUID") if name not in header]
    if missing:
        raise InputError(
            f"keine Zielobjektkategorien des BSI-Namensraums: Spalte {', '.join(missing)} fehlt "
            f"(erwartet: {', '.join(COLUMNS)}).", path=path, location="Zeile 1")
    rows = []
    try:
        for row in reader:
            name = (row.get("Zielobjekt") or "").strip()
            if not name:
                raise InputError("Zeile ohne Zielobjekt (Name der Kategorie).", path=path,
                                 location=f"Zeile {reader.line_num}")
            rows.append(row)
    except csv.Error as exc:
        raise InputError(f"CSV nicht lesbar: {_csv_reason(exc)}.", path=path,
                         location=f"Zeile {reader.line_num}") from None
    by_uuid = {(row.get("UUID") or "").strip(): (row.get("Zielobjekt") or "").strip() for row in rows}
    found = []
    for row in rows:
        parent_uuid = (row.get("ChildOfUUID") or "").strip()
        found.append(Category(
            name=(row.get("Zielobjekt") or "").strip(),
            parent=by_uuid.get(parent_uuid) if parent_uuid else None,
            definition=" ".join((row.get("Definition") or "").split()),
            group=(row.get("Typ") or "").strip(),
            nature=(row.get("Kategorie") or "").strip().strip("-").strip(),
            synonyms=tuple(s.strip() for s in (row.get("Synonyme") or "").split(",") if s.strip()),
            uuid=(row.get("UUID") or "").strip(),
        ))
    return found


def categories(namespace: list[Category] | None = None) -> list[Category]:
    """Every category, parents before children: the built-in hierarchy, with BSI's definitions where given.

    Categories the namespace names but the built-in hierarchy does not know are added with the
    namespace's parent; built-in ones the namespace lacks are marked ``in_namespace=False``.
    """
    from dataclasses import replace

    read = {c.name: c for c in namespace or ()}
    parents: dict[str, str | None] = dict(CATEGORY_PARENTS)
    for name, category in read.items():
        parents.setdefault(name, category.parent)
    children: dict[str | None, list[str]] = {}
    for name, parent in parents.items():
        children.setdefault(parent, []).append(name)
    ordered: list[Category] = []

    def visit(name: str) -> None:
        base = read.get(name) or Category(name, parents[name], in_namespace=namespace is None
                                          and name not in NOT_IN_NAMESPACE)
        if namespace is not None and name not in read:
            base = replace(base, in_namespace=False)
        ordered.append(replace(base, parent=parents[name], children=tuple(sorted(children.get(name, ()),
                                                                                 key=str.casefold))))
        for child in sorted(children.get(name, ()), key=str.casefold):
            visit(child)

    for top in sorted(children.get(None, ()), key=str.casefold):
        visit(top)
    return ordered


#: the csv module's reasons (English), as a user reads them
_CSV_REASONS = (
    ("line contains nul", "die Zeile enthält ein NUL-Zeichen"),
    ("field larger than field limit", "ein Feld ist zu lang"),
    ("new-line character seen in unquoted field", "Zeilenumbruch in einem Feld ohne Anführungszeichen"),
    ("expected after", "nach einem schließenden Anführungszeichen fehlt das Trennzeichen"),
    ("unexpected end of data", "die Datei endet in einem Feld in Anführungszeichen"),
)


def _csv_reason(exc: Exception) -> str:
    text = str(exc).lower()
    return next((german for english, german in _CSV_REASONS if english in text), "ungültiges CSV")
