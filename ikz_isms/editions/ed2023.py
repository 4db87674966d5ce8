"""The IT-Grundschutz-Kompendium Edition 2023: Schichten → Bausteine → Anforderungen (B/S/H).

Modelling: the Bausteine listed on a target object, each checked against its
target-object type (Zielobjekttyp of the modelling table); a requirement applies under

* ``basis`` (Basis-Absicherung) if its level is B,
* ``standard`` (Standard-Absicherung) if B or S, and H where the object's protection need
  is hoch or sehr hoch in any of C, I, A,
* ``kern`` (Kern-Absicherung) if B, S or H.

Withdrawn requirements never apply. Kern-Absicherung covers only the Kronjuwelen and what
they depend on (see :meth:`ikz_isms.editions.Edition.model_county`).

BSI's modelling rules (``model suggest``, the starter model of ``county add``): the process
Bausteine (ISMS, ORP, CON, OPS, DER) of target-object type Informationsverbund once for the
whole information domain — those that depend on what only the county knows (does it develop
software, use cloud services, offer outsourcing?) as a question to decide; system Bausteine
by the kind of IT system, APP by the kind of application, INF by the kind of room or
building, NET by the kind of network. A process Baustein neither modelled nor left out with
a written reason is a gap ``check`` reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import Approach, Edition

if TYPE_CHECKING:
    from ..assess.modelling import Applicable, LeftOut, ModellingProblem, Suggestion
    from ..assess.structure import Decisions
    from ..assess.targets import ResolvedNeed, TargetObject
    from ..catalog.model import Catalog, Group, Requirement

#: the object types a county records, onto the five target-object types of Edition 2023
TYPE_TO_ED2023 = {
    "Informationsverbund": "Informationsverbund",
    # processes are modelled with the overarching aspects of the information domain
    "Geschäftsprozess": "Informationsverbund",
    "Anwendung": "Anwendung",
    "IT-System": "IT-System",
    "Netz": "Netz",
    "Kommunikationsverbindung": "Netz",
    "Raum": "Gebäude/Raum",
    "Gebäude": "Gebäude/Raum",
}

#: the layers whose Bausteine of type Informationsverbund apply once to the whole information domain
PROCESS_LAYERS = ("ISMS", "ORP", "CON", "OPS", "DER")

#: process Bausteine that apply only where the county does something: the question it decides
CONDITIONAL = {
    "CON.7": "nur bei Dienstreisen ins Ausland mit dienstlichen Geräten oder Informationen",
    "CON.8": "nur wenn der Landkreis selbst Software entwickelt oder entwickeln lässt",
    "CON.10": "nur wenn der Landkreis selbst Webanwendungen entwickelt",
    "OPS.1.2.4": "nur wenn Beschäftigte in Telearbeit arbeiten",
    "OPS.2.2": "nur wenn der Landkreis Cloud-Dienste nutzt",
    "OPS.2.3": "nur wenn der Landkreis Aufgaben an Dienstleister auslagert (Outsourcing)",
    "OPS.3.2": "nur wenn der Landkreis selbst Outsourcing für andere anbietet",
    "DER.3.2": "nur für Revisionen nach dem Leitfaden IS-Revision (Bundesverwaltung)",
}

#: Bausteine of type Informationsverbund outside the process layers, suggested where objects of these kinds exist
PRESENCE = {
    "INF.9": (("Notebook", "Windows-Notebook"), "Mobiler Arbeitsplatz: es gibt Notebooks"),
    "SYS.3.2.2": (("Smartphone", "iOS-Gerät", "Android-Gerät"), "Mobile Device Management: es gibt Smartphones"),
}

#: BSI's modelling rules by the kind of object (Bausteine in the order to model them)
KIND_BAUSTEINE: dict[str, tuple[str, ...]] = {
    "Windows-Server": ("SYS.1.1", "SYS.1.2.3"),
    "Linux-Server": ("SYS.1.1", "SYS.1.3"),
    "Server": ("SYS.1.1",),
    "Virtualisierungsserver": ("SYS.1.1", "SYS.1.5"),
    "Terminalserver": ("SYS.1.1", "SYS.1.9"),
    "Speichersystem": ("SYS.1.8",),
    "Windows-Client": ("SYS.2.1", "SYS.2.2.3"),
    "Linux-Client": ("SYS.2.1", "SYS.2.3"),
    "macOS-Client": ("SYS.2.1", "SYS.2.4"),
    "Client": ("SYS.2.1",),
    "Windows-Notebook": ("SYS.2.1", "SYS.2.2.3", "SYS.3.1"),
    "Notebook": ("SYS.2.1", "SYS.3.1"),
    "Smartphone": ("SYS.3.2.1",),
    "iOS-Gerät": ("SYS.3.2.1", "SYS.3.2.3"),
    "Android-Gerät": ("SYS.3.2.1", "SYS.3.2.4"),
    "Drucker": ("SYS.4.1",),
    "Firewall": ("NET.3.2",),
    "Router/Switch": ("NET.3.1",),
    "VPN-Gateway": ("NET.3.3",),
    "TK-Anlage": ("NET.4.1",),
    "Faxgerät": ("NET.4.3",),
    "IoT-Gerät": ("SYS.4.4",),
    "Fachverfahren (webbasiert)": ("APP.6", "APP.3.1"),
    "Fachverfahren": ("APP.6",),
    "Webanwendung": ("APP.3.1",),
    "Verzeichnisdienst": ("APP.2.1",),
    "Active Directory": ("APP.2.1", "APP.2.2"),
    "E-Mail": ("APP.5.3",),
    "Exchange": ("APP.5.3", "APP.5.2"),
    "Office": ("APP.1.1",),
    "Webbrowser": ("APP.1.2",),
    "Datenbank": ("APP.4.3",),
    "Dateiserver": ("APP.3.3",),
    "Webserver": ("APP.3.2",),
    "DNS-Server": ("APP.3.6",),
    "Kollaboration": ("APP.5.4",),
    "Software": ("APP.6",),
    "LAN": ("NET.1.1",),
    "WLAN": ("NET.2.1",),
    "VoIP": ("NET.4.2",),
    "Serverraum": ("INF.2",),
    "Technikraum": ("INF.5",),
    "Datenträgerarchiv": ("INF.6",),
    "Büroraum": ("INF.7",),
    "Besprechungsraum": ("INF.10",),
    "Häuslicher Arbeitsplatz": ("INF.8",),
    "Verwaltungsgebäude": ("INF.1", "INF.12"),
}
#: where an object has no kind: what its type alone gives
TYPE_BAUSTEINE: dict[str, tuple[str, ...]] = {
    "Gebäude": ("INF.1",),
    "Netz": ("NET.1.1",),
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
    default_approach = "standard"
    core_approach = "kern"
    modelling_key = "bausteine"
    modal_verb_from_text = True
    #: BSI publishes a mapping Edition 2023 → Grundschutz++ (OSCAL mapping collection)
    migrates_to = ("gspp",)
    module_fields = (
        ("description", "Beschreibung"),
        ("threats", "Gefährdungslage"),
        ("responsible", "Grundsätzlich zuständig"),
        ("other_roles", "Weitere Zuständigkeiten"),
        ("further_information", "Weiterführende Informationen"),
    )

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
        from ..assess.structure import base_type

        by_baustein = _requirements_by_baustein(catalog)
        applicable: list[Applicable] = []
        problems: list[ModellingProblem] = []
        for target in targets:
            elevated = needs[target.id].elevated if target.id in needs else False
            seen: set[str] = set()
            for baustein_id in target.bausteine:
                if baustein_id in seen:
                    problems.append(ModellingProblem(
                        "modelling.duplicate", target.id, baustein_id,
                        f"Baustein {baustein_id} ist auf Zielobjekt '{target.id}' doppelt modelliert.", target.line))
                    continue
                seen.add(baustein_id)
                group = catalog.groups.get(baustein_id)
                if group is None or group.kind != "baustein":
                    problems.append(ModellingProblem(
                        "modelling.unknown-baustein", target.id, baustein_id,
                        f"Baustein '{baustein_id}' gibt es im Katalog nicht (Zielobjekt '{target.id}').",
                        target.line,
                    ))
                    continue
                object_type = TYPE_TO_ED2023.get(base_type(target.type))
                if group.target_object_type and group.target_object_type != object_type:
                    problems.append(ModellingProblem(
                        "modelling.target-type", target.id, baustein_id,
                        f"Baustein {baustein_id} ist auf Zielobjekttyp '{group.target_object_type}' "
                        f"anzuwenden, Zielobjekt '{target.id}' ist aber vom Typ '{target.type}'.",
                        target.line,
                    ))
                    continue
                for req in by_baustein.get(baustein_id, ()):
                    applicable.append(Applicable.of(req, target, self.applies_under(req.level, elevated)))
        return applicable, problems

    def modules_of(self, catalog: "Catalog", target: "TargetObject") -> list[tuple[str, str]]:
        return [(b, catalog.groups[b].title if b in catalog.groups else "(unbekannt)") for b in target.bausteine]

    # -- BSI's modelling rules -------------------------------------------------------------

    def _process_bausteine(self, catalog: "Catalog") -> list["Group"]:
        """The Bausteine of type Informationsverbund in the process layers, in catalog order."""
        found = []
        for group in catalog.groups.values():
            if group.kind != "baustein" or group.target_object_type != "Informationsverbund":
                continue
            layer = catalog.top_group(group.id)
            if (layer.id if layer else group.id.split(".")[0]) in PROCESS_LAYERS:
                found.append(group)
        return found

    def _baustein(self, catalog: "Catalog", baustein_id: str) -> "Group | None":
        group = catalog.groups.get(baustein_id)
        return group if group is not None and group.kind == "baustein" else None

    def suggest(self, catalog: "Catalog", targets: Sequence["TargetObject"]) -> list["Suggestion"]:
        from ..assess.modelling import Suggestion
        from ..assess.structure import base_type

        suggestions: list[Suggestion] = []
        kinds = {t.kind for t in targets if t.kind}
        domain_done = False
        for target in targets:
            base = base_type(target.type)
            if target.type == "Informationsverbund":
                if domain_done:
                    continue
                domain_done = True
                for group in self._process_bausteine(catalog):
                    layer = catalog.top_group(group.id)
                    rule = (f"Prozess-Baustein der Schicht {layer.id if layer else group.id.split('.')[0]}: "
                            "einmal für den gesamten Informationsverbund")
                    suggestions.append(Suggestion(target.id, group.id, group.title, rule,
                                                  CONDITIONAL.get(group.id, "")))
                for baustein_id, (needed, rule) in PRESENCE.items():
                    present = self._baustein(catalog, baustein_id)
                    if present is not None and kinds.intersection(needed):
                        suggestions.append(Suggestion(target.id, present.id, present.title, rule))
                continue
            if target.kind in KIND_BAUSTEINE:
                chosen, rule = KIND_BAUSTEINE[target.kind], f"{base} der Art „{target.kind}“"
            else:
                chosen, rule = TYPE_BAUSTEINE.get(base, ()), f"Zielobjekttyp {base}"
            for baustein_id in chosen:
                found = self._baustein(catalog, baustein_id)
                if found is not None:
                    suggestions.append(Suggestion(target.id, found.id, found.title, rule))
        return suggestions

    def left_out(self, catalog: "Catalog", targets: Sequence["TargetObject"], decisions: "Decisions",
                 pairs: Sequence["Applicable"]) -> list["LeftOut"]:
        from ..assess.modelling import LeftOut

        modelled = {b for t in targets for b in t.bausteine}
        domain = next((t.id for t in targets if t.type == "Informationsverbund"), "IV")
        found = []
        for group in self._process_bausteine(catalog):
            layer = catalog.top_group(group.id)
            if group.id in modelled or decisions.excluded(group.id) or (layer and decisions.excluded(layer.id)):
                continue
            question = CONDITIONAL.get(group.id)
            found.append(LeftOut(
                group.id, "Baustein", group.title,
                f"Prozess-Baustein {group.id} {group.title} ist auf kein Zielobjekt modelliert und nicht mit "
                f"Begründung ausgelassen{f' ({question})' if question else ''}: ikz-isms model set {domain} "
                f"{group.id} --reason \"…\" oder ikz-isms model exclude {group.id} --reason \"…\".",
            ))
        return found

    def exclusion_kind(self, catalog: "Catalog", ref: str) -> str | None:
        group = catalog.groups.get(ref)
        if group is None:
            return None
        return {"baustein": "Baustein", "layer": "Schicht"}.get(group.kind, "Gruppe")

    def decision_problems(self, catalog: "Catalog", targets: Sequence["TargetObject"],
                          decisions: "Decisions") -> list["ModellingProblem"]:
        from ..assess.modelling import ModellingProblem

        problems = super().decision_problems(catalog, targets, decisions)
        for exclusion in decisions.exclusions:
            for target in targets:
                hit = [b for b in target.bausteine if exclusion.ref in (b, _layer_id(catalog, b))]
                if hit:
                    problems.append(ModellingProblem(
                        "modelling.excluded-modelled", target.id, exclusion.ref,
                        f"{exclusion.ref} ist als ausgelassen begründet, aber auf Zielobjekt '{target.id}' modelliert "
                        f"({', '.join(hit)}): entweder modellieren oder auslassen.", exclusion.line))
        return problems

    def needs_modules(self, target: "TargetObject") -> bool:
        from ..assess.structure import base_type

        # connections are part of the network plan; NET.1.1 on the network covers them
        return super().needs_modules(target) and base_type(target.type) != "Kommunikationsverbindung"

    def module_problem(self, catalog: "Catalog", target: "TargetObject", module: str) -> str | None:
        from ..assess.structure import base_type

        group = self._baustein(catalog, module)
        if group is None:
            return f"Baustein '{module}' gibt es im Katalog {catalog.title} nicht."
        object_type = TYPE_TO_ED2023.get(base_type(target.type))
        if group.target_object_type and group.target_object_type != object_type:
            return (f"Baustein {module} ist auf Zielobjekttyp '{group.target_object_type}' anzuwenden, "
                    f"Zielobjekt '{target.id}' ist aber vom Typ '{target.type}'.")
        return None


def _layer_id(catalog: "Catalog", group_id: str) -> str:
    layer = catalog.top_group(group_id)
    return layer.id if layer is not None else ""


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
