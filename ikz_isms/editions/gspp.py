"""Grundschutz++: Praktiken → Themen → controls, levels normal-SdT / erhöht, MUSS/SOLLTE/KANN.

Modelling: controls apply to objects by target-object category (a control for
``IT-Systeme`` also applies to ``Endgeräte``); controls without a category apply to the
information domain. ``normal-sdt`` holds the normal-SdT controls, ``erhoeht`` adds the
erhöht controls on objects with elevated protection need. Withdrawn controls never apply.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from . import Approach, Edition

if TYPE_CHECKING:
    from ..assess.modelling import Applicable, ModellingProblem
    from ..assess.targets import ResolvedNeed, TargetObject
    from ..catalog.model import Catalog, Requirement

#: G++ target-object categories and their parent (from BSI's target_object_categories namespace)
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
    # used by the Kernel catalog, missing from the namespace file
    "Mobiltelefone": "Endgeräte",
    "Fahrzeuge": None,
}

#: categories a target object has in G++ when its data names none
DEFAULT_CATEGORIES: dict[str, tuple[str, ...]] = {
    "Informationsverbund": ("Informationen", "Nutzende", "Einkäufe"),
    "Geschäftsprozess": ("Informationen", "Daten"),
    "Anwendung": ("Anwendungen",),
    "IT-System": ("IT-Systeme",),
    "Netz": ("Netze",),
    "Raum": ("Räume",),
    "Gebäude": ("Gebäude",),
}


def category_closure(categories: Iterable[str]) -> set[str]:
    """The categories and every ancestor: an object in ``Endgeräte`` is also in ``IT-Systeme``."""
    result: set[str] = set()
    for category in categories:
        current: str | None = category
        while current and current not in result:
            result.add(current)
            current = CATEGORY_PARENTS.get(current)
    return result


def target_categories(target: "TargetObject") -> tuple[str, ...]:
    if target.categories is not None:
        return target.categories
    return DEFAULT_CATEGORIES.get(target.type, ())


class GrundschutzPlusPlus(Edition):
    id = "gspp"
    title = "Grundschutz++"
    layer_label = "Praktik"
    layer_label_plural = "Praktiken"
    module_label = "Thema"
    module_label_plural = "Themen"
    modelling_label = "Zielobjektkategorien"
    levels = ("normal-SdT", "erhöht")
    approaches = (
        Approach("normal-sdt", "normal (Stand der Technik)", "normal-SdT"),
        Approach("erhoeht", "erhöhter Schutzbedarf", "erhöht"),
    )
    basis_approach = "normal-sdt"
    basis_label = "MUSS-Anforderungen (normal-SdT)"

    def is_basis(self, req: "Requirement") -> bool:
        return req.level != "erhöht" and req.modal_verb == "MUSS"

    def tier(self, req: "Requirement") -> int:
        if self.is_basis(req):
            return 0
        return 2 if req.level == "erhöht" else 1

    def level_label(self, req: "Requirement") -> str:
        return " ".join(x for x in (req.modal_verb, req.level) if x) or "–"

    def model(
        self, catalog: "Catalog", targets: Sequence["TargetObject"], needs: dict[str, "ResolvedNeed"]
    ) -> tuple[list["Applicable"], list["ModellingProblem"]]:
        from ..assess.modelling import Applicable, ModellingProblem

        closures = {t.id: category_closure(target_categories(t)) for t in targets}
        applicable: list[Applicable] = []
        problems: list[ModellingProblem] = []
        reqs = [r for r in catalog.requirements.values() if not r.withdrawn]
        for target in targets:
            for category in target.categories or ():
                if category not in CATEGORY_PARENTS:
                    problems.append(ModellingProblem(
                        "modelling.unknown-category", target.id, category,
                        f"Zielobjektkategorie '{category}' ist in Grundschutz++ unbekannt (Zielobjekt '{target.id}').",
                        target.line, severity="warning",
                    ))
            elevated = needs[target.id].elevated if target.id in needs else False
            is_domain = target.type == "Informationsverbund"
            for req in reqs:
                if req.target_objects:
                    if not closures[target.id].intersection(req.target_objects):
                        continue
                elif not is_domain:
                    continue
                if req.level == "erhöht":
                    approaches = frozenset(("erhoeht",)) if elevated else frozenset()
                else:
                    approaches = frozenset(("normal-sdt", "erhoeht"))
                applicable.append(Applicable(req, target, approaches))
        return applicable, problems

    def modules_of(self, catalog: "Catalog", target: "TargetObject") -> list[tuple[str, str]]:
        return [(c, "Zielobjektkategorie") for c in target_categories(target)]
