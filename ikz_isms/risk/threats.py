"""The elementary threats (*elementare Gefährdungen*) G 0.1 … G 0.47 of IT-Grundschutz.

Their ids and names are facts of both editions and are built in (:data:`ELEMENTARY_THREATS`),
so a risk can name its threat whatever catalog a county assesses against. BSI's
definitions are BSI's text and are shown from BSI's own files only: the Edition 2023
importer keeps them with the catalog (``Catalog.threats``), and a Verbund that keeps BSI's
namespace file ``basethreats.csv`` (columns ID, Begriff, Definition, uuid) under
``catalogs/namensraum/`` gets them for Grundschutz++ too (:func:`read_basethreats`).

A risk may also name an *additional* threat (200-3: "zusätzliche Gefährdungen") by title
only — one of a Baustein's specific threats, or one the county found itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import InputError

#: the namespace file's name as BSI publishes it
NAMESPACE_FILE = "basethreats.csv"

ELEMENTARY_THREATS: dict[str, str] = {
    "G 0.1": "Feuer",
    "G 0.2": "Ungünstige klimatische Bedingungen",
    "G 0.3": "Wasser",
    "G 0.4": "Verschmutzung, Staub, Korrosion",
    "G 0.5": "Naturkatastrophen",
    "G 0.6": "Katastrophen im Umfeld",
    "G 0.7": "Großereignisse im Umfeld",
    "G 0.8": "Ausfall oder Störung der Stromversorgung",
    "G 0.9": "Ausfall oder Störung von Kommunikationsnetzen",
    "G 0.10": "Ausfall oder Störung von Versorgungsnetzen",
    "G 0.11": "Ausfall oder Störung von Dienstleistern",
    "G 0.12": "Elektromagnetische Störstrahlung",
    "G 0.13": "Abfangen kompromittierender Strahlung",
    "G 0.14": "Ausspähen von Informationen (Spionage)",
    "G 0.15": "Abhören",
    "G 0.16": "Diebstahl von Geräten, Datenträgern oder Dokumenten",
    "G 0.17": "Verlust von Geräten, Datenträgern oder Dokumenten",
    "G 0.18": "Fehlplanung oder fehlende Anpassung",
    "G 0.19": "Offenlegung schützenswerter Informationen",
    "G 0.20": "Informationen oder Produkte aus unzuverlässiger Quelle",
    "G 0.21": "Manipulation von Hard- oder Software",
    "G 0.22": "Manipulation von Informationen",
    "G 0.23": "Unbefugtes Eindringen in IT-Systeme",
    "G 0.24": "Zerstörung von Geräten oder Datenträgern",
    "G 0.25": "Ausfall von Geräten oder Systemen",
    "G 0.26": "Fehlfunktion von Geräten oder Systemen",
    "G 0.27": "Ressourcenmangel",
    "G 0.28": "Software-Schwachstellen oder -Fehler",
    "G 0.29": "Verstoß gegen Gesetze oder Regelungen",
    "G 0.30": "Unberechtigte Nutzung oder Administration von Geräten und Systemen",
    "G 0.31": "Fehlerhafte Nutzung oder Administration von Geräten und Systemen",
    "G 0.32": "Missbrauch von Berechtigungen",
    "G 0.33": "Personalausfall",
    "G 0.34": "Anschlag",
    "G 0.35": "Nötigung, Erpressung oder Korruption",
    "G 0.36": "Identitätsdiebstahl",
    "G 0.37": "Abstreiten von Handlungen",
    "G 0.38": "Missbrauch personenbezogener Daten",
    "G 0.39": "Schadprogramme",
    "G 0.40": "Verhinderung von Diensten (Denial of Service)",
    "G 0.41": "Sabotage",
    "G 0.42": "Social Engineering",
    "G 0.43": "Einspielen von Nachrichten",
    "G 0.44": "Unbefugtes Eindringen in Räumlichkeiten",
    "G 0.45": "Datenverlust",
    "G 0.46": "Integritätsverlust schützenswerter Informationen",
    "G 0.47": "Schädliche Seiteneffekte IT-gestützter Angriffe",
}

_ID = re.compile(r"^\s*G\s*0\s*\.\s*(\d{1,2})\s*$", re.IGNORECASE)
COLUMNS = ("ID", "Begriff", "Definition")


def threat_id(text: str) -> str | None:
    """``G 0.39`` for ``G 0.39``, ``g0.39`` or ``G0.39``; ``None`` when it is no known elementary threat."""
    match = _ID.match(str(text))
    if not match:
        return None
    ident = f"G 0.{int(match.group(1))}"
    return ident if ident in ELEMENTARY_THREATS else None


def threat_order(ident: str) -> int:
    match = _ID.match(ident)
    return int(match.group(1)) if match else 99


@dataclass(frozen=True)
class ThreatInfo:
    """An elementary threat as shown: id, name and — where BSI's files give it — BSI's definition."""

    id: str
    name: str
    definition: str = ""
    source: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "definition": self.definition or None, "source": self.source or None}


def read_basethreats(raw: bytes, path: str) -> dict[str, tuple[str, str]]:
    """BSI's ``basethreats.csv`` (bytes in): id → (name, definition); a file of another shape raises."""
    import csv
    import io

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("Datei ist kein gültiges UTF-8 (BSI-Namensraumdatei basethreats.csv erwartet).",
                         path=path) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise InputError(f"keine BSI-Namensraumdatei der elementaren Gefährdungen: Spalte {missing[0]} fehlt "
                         f"(erwartet {', '.join(COLUMNS)}).", path=path)
    found: dict[str, tuple[str, str]] = {}
    for number, row in enumerate(reader, start=2):
        ident = threat_id(row.get("ID") or "")
        if ident is None:
            raise InputError(f"Eintrag '{(row.get('ID') or '').strip()[:40]}' ist keine elementare Gefährdung "
                             "(G 0.1 … G 0.47).", path=path, location=f"Datensatz {number - 1}")
        found[ident] = (str(row.get("Begriff") or "").strip(), str(row.get("Definition") or "").strip())
    return found


def threat_list(catalog_threats: Iterable[Any] = (), namespace: Mapping[str, tuple[str, str]] | None = None, *,
                catalog_title: str = "", namespace_path: str = "") -> list[ThreatInfo]:
    """Every elementary threat, with BSI's definition from the catalog or the namespace file where given."""
    from_catalog = {threat_id(t.id or ""): t for t in catalog_threats if getattr(t, "id", None)}
    listing = []
    for ident, name in ELEMENTARY_THREATS.items():
        threat = from_catalog.get(ident)
        if threat is not None and threat.text:
            listing.append(ThreatInfo(ident, name, threat.text, f"Katalog {catalog_title}".strip()))
        elif namespace and ident in namespace and namespace[ident][1]:
            listing.append(ThreatInfo(ident, name, namespace[ident][1], namespace_path or NAMESPACE_FILE))
        else:
            listing.append(ThreatInfo(ident, name))
    return listing
