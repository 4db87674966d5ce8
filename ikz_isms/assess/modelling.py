"""Modelling (Modellierung): which requirements apply to which target object, per approach.

Edition 2023: the Bausteine listed on a target object, each checked against its
target-object type; a requirement applies under

* ``basis`` (Basis-Absicherung) if its level is B,
* ``standard`` (Standard-Absicherung) if B or S, and H where the object's protection need
  is hoch or sehr hoch in any of C, I, A,
* ``kern`` (Kern-Absicherung) if B, S or H.

Grundschutz++: controls apply to objects by target-object category (a control for
``IT-Systeme`` also applies to ``Endgeräte``); controls without a category apply to the
information domain. ``normal-sdt`` holds the normal-SdT controls, ``erhoeht`` adds the
erhöht controls on objects with elevated protection need.

Withdrawn requirements never apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from .targets import ResolvedNeed, TargetObject

APPROACHES = {
    "ed2023": ("basis", "standard", "kern"),
    "gspp": ("normal-sdt", "erhoeht"),
}
APPROACH_LABELS = {
    "basis": "Basis-Absicherung",
    "standard": "Standard-Absicherung",
    "kern": "Kern-Absicherung",
    "normal-sdt": "normal (Stand der Technik)",
    "erhoeht": "erhöhter Schutzbedarf",
}
#: the approach whose open requirements are risks that cannot be accepted
BASIS_APPROACH = {"ed2023": "basis", "gspp": "normal-sdt"}

#: G++ target-object categories and their parent (from BSI's target_object_categories namespace)
CATEGORY_PARENTS = {
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
    # used by the Kernel catalog, missing from the namespace file
    "Mobiltelefone": "Endgeräte",
    "Fahrzeuge": None,
}

#: categories a target object has in G++ when its data names none
DEFAULT_CATEGORIES = {
    "Informationsverbund": ("Informationen", "Nutzende", "Einkäufe"),
    "Geschäftsprozess": ("Informationen", "Daten"),
    "Anwendung": ("Anwendungen",),
    "IT-System": ("IT-Systeme",),
    "Netz": ("Netze",),
    "Raum": ("Räume",),
    "Gebäude": ("Gebäude",),
}


@dataclass(frozen=True)
class Applicable:
    """A requirement modelled onto a target object and the approaches under which it applies.

    ``approaches`` may be empty: the requirement is modelled (its Baustein or category fits)
    but its level is not called for by the object's protection need; a record for it is
    allowed and simply not counted.
    """

    requirement: Any
    target: TargetObject
    approaches: frozenset[str]

    @property
    def key(self) -> tuple[str, str]:
        return (self.requirement.id, self.target.id)


@dataclass(frozen=True)
class ModellingProblem:
    """A Baustein that is unknown or modelled onto the wrong target-object type."""

    rule: str
    target: str
    baustein: str
    message: str
    line: int | None
    severity: str = "error"


def approaches_for(catalog: Any) -> tuple[str, ...]:
    return APPROACHES[catalog.world]


def _by_group(catalog: Any) -> dict[str, list[Any]]:
    groups: dict[str, list[Any]] = {}
    for req in catalog.requirements.values():
        if req.withdrawn:
            continue
        groups.setdefault(req.group or "", []).append(req)
    return groups


def _enclosing_baustein(catalog: Any, group_id: str | None) -> str | None:
    group = catalog.groups.get(group_id) if group_id else None
    while group is not None:
        if group.kind == "baustein":
            return group.id
        group = catalog.groups.get(group.parent) if group.parent else None
    return None


def _ed2023_levels(level: str | None, elevated: bool) -> frozenset[str]:
    if level == "B":
        return frozenset(("basis", "standard", "kern"))
    if level == "H":
        return frozenset(("standard", "kern")) if elevated else frozenset(("kern",))
    return frozenset(("standard", "kern"))


def category_closure(categories: Iterable[str]) -> set[str]:
    """The categories and every ancestor: an object in ``Endgeräte`` is also in ``IT-Systeme``."""
    result: set[str] = set()
    for category in categories:
        current: str | None = category
        while current and current not in result:
            result.add(current)
            current = CATEGORY_PARENTS.get(current)
    return result


def target_categories(target: TargetObject) -> tuple[str, ...]:
    return target.categories if target.categories is not None else DEFAULT_CATEGORIES[target.type]


def model(
    catalog: Any,
    targets: list[TargetObject],
    needs: dict[str, ResolvedNeed],
) -> tuple[list[Applicable], list[ModellingProblem]]:
    """Every modelled (requirement, target object) pair, in target then catalog order."""
    if catalog.world == "ed2023":
        return _model_ed2023(catalog, targets, needs)
    return _model_gspp(catalog, targets, needs), []


def _model_ed2023(catalog, targets, needs):
    by_group = _by_group(catalog)
    # requirements may sit in sub-groups of a Baustein; index them by their Baustein
    by_baustein: dict[str, list[Any]] = {}
    for group_id, reqs in by_group.items():
        baustein = _enclosing_baustein(catalog, group_id) or group_id
        by_baustein.setdefault(baustein, []).extend(reqs)
    applicable: list[Applicable] = []
    problems: list[ModellingProblem] = []
    for target in targets:
        elevated = needs[target.id].elevated if target.id in needs else False
        for baustein_id in target.bausteine:
            group = catalog.groups.get(baustein_id)
            if group is None or group.kind != "baustein":
                problems.append(ModellingProblem(
                    "modelling.unknown-baustein", target.id, baustein_id,
                    f"Baustein '{baustein_id}' gibt es im Katalog nicht (Zielobjekt '{target.id}').",
                    target.line,
                ))
                continue
            if group.target_object_type and group.target_object_type != target.ed2023_type:
                problems.append(ModellingProblem(
                    "modelling.target-type", target.id, baustein_id,
                    f"Baustein {baustein_id} ist auf Zielobjekttyp '{group.target_object_type}' "
                    f"anzuwenden, Zielobjekt '{target.id}' ist aber vom Typ '{target.type}'.",
                    target.line,
                ))
                continue
            for req in by_baustein.get(baustein_id, ()):
                applicable.append(Applicable(req, target, _ed2023_levels(req.level, elevated)))
    return applicable, problems


def _model_gspp(catalog, targets, needs):
    closures = {t.id: category_closure(target_categories(t)) for t in targets}
    domains = [t for t in targets if t.type == "Informationsverbund"]
    applicable: list[Applicable] = []
    reqs = [r for r in catalog.requirements.values() if not r.withdrawn]
    for target in targets:
        elevated = needs[target.id].elevated if target.id in needs else False
        for req in reqs:
            if req.target_objects:
                if not closures[target.id].intersection(req.target_objects):
                    continue
            elif target not in domains:
                continue
            if req.level == "erhöht":
                approaches = frozenset(("erhoeht",)) if elevated else frozenset()
            else:
                approaches = frozenset(("normal-sdt", "erhoeht"))
            applicable.append(Applicable(req, target, approaches))
    return applicable


def is_basis(req: Any, world: str) -> bool:
    """Requirements whose gaps are risks that cannot be accepted: B (Ed. 2023), normal-SdT MUSS (G++)."""
    if world == "ed2023":
        return req.level == "B"
    return req.level != "erhöht" and req.modal_verb == "MUSS"
