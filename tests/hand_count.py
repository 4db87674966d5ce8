"""Counting applicable requirements by hand from the real BSI files — without ikz-isms code.

The walkthrough model of issue 13 (a Fachverfahren on a Windows server in a server room,
clients, network) written out Baustein by Baustein and category by category, and the
requirements counted straight from the files with the standard library: the Kompendium's
DocBook XML with the requirement-title pattern of the upstream field guide, the G++ OSCAL
JSON with BSI's namespace hierarchy. Tests compare ikz-isms's figures with these counts and
with the literal numbers written in the tests and the feature.
"""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

DOCBOOK = "{http://docbook.org/ns/docbook}"
REQUIREMENT = re.compile(
    r"^(?P<id>[A-Z]{3,4}(?:\.\d+)+\.?A\d+)\s+(?P<title>.*?)\s*\((?P<level>[BSH])\)\s*(?:\[(?P<roles>[^\]]*)\])?\s*$")

#: the process Bausteine of type Informationsverbund (ISMS, ORP, CON, OPS, DER) for the whole information domain,
#: without the eight that depend on what the county does (CON.7, CON.8, CON.10, OPS.1.2.4, OPS.2.2, OPS.2.3,
#: OPS.3.2, DER.3.2: left out with a reason in the walkthrough)
ED2023_DOMAIN = ("ISMS.1", "ORP.1", "ORP.2", "ORP.3", "ORP.4", "ORP.5", "CON.1", "CON.2", "CON.3", "CON.6", "CON.9",
                 "CON.11.1", "OPS.1.1.1", "OPS.1.1.2", "OPS.1.1.3", "OPS.1.1.4", "OPS.1.1.5", "OPS.1.1.6",
                 "OPS.1.1.7", "OPS.1.2.2", "OPS.1.2.5", "DER.1", "DER.2.1", "DER.2.2", "DER.2.3", "DER.3.1", "DER.4")
#: the walkthrough model on Edition 2023: object → (Bausteine, elevated protection need)
ED2023_MODEL: dict[str, tuple[tuple[str, ...], bool]] = {
    "IV": (ED2023_DOMAIN, False),
    "APP-BAU": (("APP.6",), True),
    "SRV-WIN": (("SYS.1.1", "SYS.1.2.3"), True),
    "R-SERVER": (("INF.2",), True),
    "CL": (("SYS.2.1", "SYS.2.2.3"), True),
    "NET-LAN": (("NET.1.1",), True),
}

#: the walkthrough model on Grundschutz++: object → (categories, elevated, the information domain)
GSPP_MODEL: dict[str, tuple[tuple[str, ...], bool, bool]] = {
    "IV": (("Informationen", "Daten", "Nutzende", "Mitarbeitende", "Führungskräfte", "Institutionsleitung",
            "Administrierende", "Einkäufe", "IT-Produkte", "Dienstleistungen"), False, True),
    "GP-BAU": (("Informationen", "Daten"), True, False),
    "APP-BAU": (("Anwendungen",), True, False),
    "SRV-WIN": (("Hostsysteme",), True, False),
    "R-SERVER": (("Serverräume",), True, False),
    "CL": (("Endgeräte",), True, False),
    "NET-LAN": (("Interne Netzsegmente",), True, False),
}


def ed2023_levels(path: Path) -> dict[str, Counter[str]]:
    """Active requirements per Baustein and level (B/S/H), read from the DocBook titles."""
    levels: dict[str, Counter[str]] = {}
    for section in ET.parse(path).getroot().iter(f"{DOCBOOK}section"):
        title = section.find(f"{DOCBOOK}title")
        if title is None:
            continue
        match = REQUIREMENT.match(" ".join("".join(title.itertext()).split()))
        if not match or "ENTFALLEN" in match["title"]:
            continue
        baustein = match["id"].replace("OPS.2.3A", "OPS.2.3.A").rsplit(".A", 1)[0]
        levels.setdefault(baustein, Counter())[match["level"]] += 1
    return levels


def ed2023_count(path: Path, model: dict[str, tuple[tuple[str, ...], bool]] = ED2023_MODEL) -> dict[str, dict[str, int]]:
    """Per object and in total: Basis (B), Standard (B+S, +H where elevated), all levels (B+S+H)."""
    levels = ed2023_levels(path)
    result: dict[str, dict[str, int]] = {}
    total = Counter[str]()
    for target, (bausteine, elevated) in model.items():
        counts = sum((levels[b] for b in bausteine), Counter[str]())
        row = {"basis": counts["B"], "standard": counts["B"] + counts["S"] + (counts["H"] if elevated else 0),
               "all": counts["B"] + counts["S"] + counts["H"]}
        result[target] = row
        total.update(row)
    result["total"] = dict(total)
    return result


def gspp_parents(namespace: Path) -> dict[str, str | None]:
    rows = list(csv.DictReader(namespace.open(encoding="utf-8", newline="")))
    by_uuid = {row["UUID"]: row["Zielobjekt"] for row in rows}
    parents: dict[str, str | None] = {row["Zielobjekt"]: by_uuid.get(row["ChildOfUUID"]) for row in rows}
    parents.setdefault("Mobiltelefone", "Endgeräte")
    parents.setdefault("Fahrzeuge", None)
    return parents


def gspp_controls(path: Path) -> list[tuple[str, str, tuple[str, ...], str]]:
    """(id, sec_level, target-object categories, practice) of every control and child control."""
    found: list[tuple[str, str, tuple[str, ...], str]] = []

    def controls(items: list[dict], practice: str) -> None:
        for control in items:
            props = {p["name"]: p["value"] for p in control.get("props", [])}
            statement = next((p for p in control.get("parts", []) if p["name"] == "statement"), {})
            values = {p["name"]: p["value"] for p in statement.get("props", [])}
            categories = tuple(c.strip() for c in values.get("target_object_categories", "").split(",") if c.strip())
            found.append((control["id"], props.get("sec_level", ""), categories, practice))
            controls(control.get("controls", []), practice)

    def groups(items: list[dict], practice: str | None) -> None:
        for group in items:
            controls(group.get("controls", []), practice or group["id"])
            groups(group.get("groups", []), practice or group["id"])

    groups(json.loads(path.read_text(encoding="utf-8"))["catalog"]["groups"], None)
    return found


def _closure(categories: tuple[str, ...], parents: dict[str, str | None]) -> set[str]:
    out: set[str] = set()
    for category in categories:
        current: str | None = category
        while current and current not in out:
            out.add(current)
            current = parents.get(current)
    return out


def gspp_count(path: Path, namespace: Path, model: dict[str, tuple[tuple[str, ...], bool, bool]] = GSPP_MODEL,
               excluded_practices: tuple[str, ...] = ()) -> dict[str, dict[str, int]]:
    """Per object and in total: normal-SdT controls, and with the erhöht ones where the need is elevated."""
    parents = gspp_parents(namespace)
    controls = [c for c in gspp_controls(path) if c[3] not in excluded_practices]
    result: dict[str, dict[str, int]] = {}
    total = Counter[str]()
    for target, (categories, elevated, domain) in model.items():
        closure = _closure(categories, parents)
        normal = raised = 0
        for _, level, wanted, _practice in controls:
            if wanted and not closure.intersection(wanted):
                continue
            if not wanted and not domain:
                continue
            if level == "erhöht":
                raised += elevated
            else:
                normal += 1
        row = {"normal-sdt": normal, "erhoeht": normal + raised}
        result[target] = row
        total.update(row)
    result["total"] = dict(total)
    return result


def gspp_unapplied(path: Path, namespace: Path,
                   model: dict[str, tuple[tuple[str, ...], bool, bool]] = GSPP_MODEL) -> Counter[tuple[str, ...]]:
    """Controls with categories that no object of the model belongs to, by their categories."""
    parents = gspp_parents(namespace)
    covered = set().union(*(_closure(categories, parents) for categories, _, _ in model.values()))
    return Counter(wanted for _, _, wanted, _ in gspp_controls(path) if wanted and not covered.intersection(wanted))
