"""The IT-Grundschutz-Kompendium Edition 2023: Schichten → Bausteine → Anforderungen (B/S/H).

Modelling: the Bausteine listed on a target object, each checked against its
target-object type (Zielobjekttyp of the modelling table); a requirement applies under

* ``basis`` (Basis-Absicherung) if its level is B,
* ``standard`` (Standard-Absicherung) if B or S, and H where the object's protection need
  is hoch or sehr hoch in any of C, I, A,
* ``kern`` (Kern-Absicherung) if B, S or H.

Withdrawn requirements never apply.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import Approach, Edition

if TYPE_CHECKING:
    from ..assess.modelling import Applicable, ModellingProblem
    from ..assess.targets import ResolvedNeed, TargetObject
    from ..catalog.model import Catalog, Requirement

#: the object types a county records, onto the five target-object types of Edition 2023
TYPE_TO_ED2023 = {
    "Informationsverbund": "Informationsverbund",
    # processes are modelled with the overarching aspects of the information domain
    "Geschäftsprozess": "Informationsverbund",
    "Anwendung": "Anwendung",
    "IT-System": "IT-System",
    "Netz": "Netz",
    "Raum": "Gebäude/Raum",
    "Gebäude": "Gebäude/Raum",
}


class Edition2023(Edition):
    id = "ed2023"
    title = "IT-Grundschutz-Kompendium Edition 2023"
    layer_label = "Schicht"
    layer_label_plural = "Schichten"
    module_label = "Baustein"
    module_label_plural = "Bausteine"
    modelling_label = "Bausteine"
    levels = ("B", "S", "H")
    approaches = (
        Approach("basis", "Basis-Absicherung", "Basis"),
        Approach("standard", "Standard-Absicherung", "Standard"),
        Approach("kern", "Kern-Absicherung", "Kern"),
    )
    basis_approach = "basis"
    basis_label = "Basis-Anforderungen"
    modal_verb_from_text = True

    def is_basis(self, req: "Requirement") -> bool:
        return req.level == "B"

    def tier(self, req: "Requirement") -> int:
        return {"B": 0, "S": 1, "H": 2}.get(req.level or "", 1)

    def level_label(self, req: "Requirement") -> str:
        return req.level or "–"

    @staticmethod
    def applies_under(level: str | None, elevated: bool) -> frozenset[str]:
        if level == "B":
            return frozenset(("basis", "standard", "kern"))
        if level == "H":
            return frozenset(("standard", "kern")) if elevated else frozenset(("kern",))
        return frozenset(("standard", "kern"))

    def model(
        self, catalog: "Catalog", targets: Sequence["TargetObject"], needs: dict[str, "ResolvedNeed"]
    ) -> tuple[list["Applicable"], list["ModellingProblem"]]:
        from ..assess.modelling import Applicable, ModellingProblem

        by_baustein = _requirements_by_baustein(catalog)
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
                object_type = TYPE_TO_ED2023.get(target.type)
                if group.target_object_type and group.target_object_type != object_type:
                    problems.append(ModellingProblem(
                        "modelling.target-type", target.id, baustein_id,
                        f"Baustein {baustein_id} ist auf Zielobjekttyp '{group.target_object_type}' "
                        f"anzuwenden, Zielobjekt '{target.id}' ist aber vom Typ '{target.type}'.",
                        target.line,
                    ))
                    continue
                for req in by_baustein.get(baustein_id, ()):
                    applicable.append(Applicable(req, target, self.applies_under(req.level, elevated)))
        return applicable, problems

    def modules_of(self, catalog: "Catalog", target: "TargetObject") -> list[tuple[str, str]]:
        return [(b, catalog.groups[b].title if b in catalog.groups else "(unbekannt)") for b in target.bausteine]


def _requirements_by_baustein(catalog: "Catalog") -> dict[str, list["Requirement"]]:
    """Active requirements indexed by their Baustein (they may sit in sub-groups of it)."""
    result: dict[str, list["Requirement"]] = {}
    for req in catalog.requirements.values():
        if req.withdrawn:
            continue
        group = catalog.groups.get(req.group) if req.group else None
        baustein = None
        while group is not None:
            if group.kind == "baustein":
                baustein = group.id
                break
            group = catalog.groups.get(group.parent) if group.parent else None
        result.setdefault(baustein or req.group or "", []).append(req)
    return result
