"""Grundschutz++: Praktiken → Themen → controls, levels normal-SdT / erhöht, MUSS/SOLLTE/KANN.

Modelling: controls apply to objects by target-object category (a control for
``IT-Systeme`` also applies to ``Endgeräte``); controls without a category apply to the
information domain. ``normal-sdt`` holds the normal-SdT controls, ``erhoeht`` adds the
erhöht controls on objects with elevated protection need. Withdrawn controls never apply.

BSI's modelling rules (``model suggest``, the starter model): the information domain gets
the categories of its people, information and purchases (with their subcategories, so a
control for ``Administrierende`` finds its object); other objects get categories by their
kind (a Windows server is a ``Hostsystem``, a server room a ``Serverraum``). A control for
categories no object belongs to applies nowhere: ``check`` reports it unless the county
left it out with a reason (the category, its practice or topic, or the control itself).
Leaving out a practice or topic (``DEV`` for a county that develops no software) or a
control takes it out of the modelling everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from . import Approach, Edition
from .vocabulary import CATEGORY_PARENTS, closure, descendants

if TYPE_CHECKING:
    from ..assess.modelling import Applicable, LeftOut, ModellingProblem, Suggestion
    from ..assess.structure import Decisions, Exclusion
    from ..assess.targets import ResolvedNeed, TargetObject
    from ..catalog.model import Catalog, Requirement

#: categories a target object has in G++ when its data names none
DEFAULT_CATEGORIES: dict[str, tuple[str, ...]] = {
    "Informationsverbund": ("Informationen", "Nutzende", "Einkäufe"),
    "Geschäftsprozess": ("Informationen", "Daten"),
    "Anwendung": ("Anwendungen",),
    "IT-System": ("IT-Systeme",),
    "Netz": ("Netze",),
    "Kommunikationsverbindung": ("Externe Netzanschlüsse",),
    "Raum": ("Räume",),
    "Gebäude": ("Gebäude",),
}

#: BSI's categories for the information domain as a whole (its people, information and purchases);
#: those that depend on what only the county knows are a question to decide
DOMAIN_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("Informationen", ""),
    ("Daten", ""),
    ("Nutzende", ""),
    ("Mitarbeitende", ""),
    ("Führungskräfte", ""),
    ("Institutionsleitung", ""),
    ("Administrierende", ""),
    ("Einkäufe", ""),
    ("IT-Produkte", ""),
    ("Dienstleistungen", ""),
    ("Outsourcing", "nur wenn der Landkreis Aufgaben an Dienstleister auslagert"),
    ("Cloud-Dienste", "nur wenn der Landkreis Cloud-Dienste nutzt"),
)

#: the categories (with their subcategories' parents implied) by the kind of object
KIND_CATEGORIES: dict[str, tuple[str, ...]] = {
    "Windows-Server": ("Hostsysteme",),
    "Linux-Server": ("Hostsysteme",),
    "Server": ("Hostsysteme",),
    "Virtualisierungsserver": ("Hostsysteme", "Virtualisierungslösungen"),
    "Terminalserver": ("Hostsysteme",),
    "Speichersystem": ("Hostsysteme",),
    "Windows-Client": ("Endgeräte",),
    "Linux-Client": ("Endgeräte",),
    "macOS-Client": ("Endgeräte",),
    "Client": ("Endgeräte",),
    "Windows-Notebook": ("Endgeräte",),
    "Notebook": ("Endgeräte",),
    "Smartphone": ("Endgeräte", "Mobiltelefone"),
    "iOS-Gerät": ("Endgeräte", "Mobiltelefone"),
    "Android-Gerät": ("Endgeräte", "Mobiltelefone"),
    "Drucker": ("IT-Systeme",),
    "Firewall": ("IT-Systeme",),
    "Router/Switch": ("IT-Systeme",),
    "VPN-Gateway": ("IT-Systeme",),
    "TK-Anlage": ("IT-Systeme", "TK-Anwendungen"),
    "Faxgerät": ("IT-Systeme", "Faxe"),
    "IoT-Gerät": ("IT-Systeme",),
    "Fachverfahren (webbasiert)": ("Webanwendungen",),
    "Fachverfahren": ("Anwendungen",),
    "Webanwendung": ("Webanwendungen",),
    "Verzeichnisdienst": ("Verzeichnisdienste",),
    "Active Directory": ("Verzeichnisdienste",),
    "E-Mail": ("E-Mail",),
    "Exchange": ("E-Mail",),
    "Office": ("Office-Anwendungen",),
    "Webbrowser": ("Webbrowser",),
    "Datenbank": ("Anwendungen",),
    "Dateiserver": ("Dateiserver",),
    "Webserver": ("Webserver",),
    "DNS-Server": ("DNS-Server",),
    "Kollaboration": ("Interpersonelle Kommunikation", "VK-Anwendungen"),
    "Software": ("Anwendungen",),
    "LAN": ("Interne Netzsegmente",),
    "WLAN": ("WLANs",),
    "VoIP": ("Interne Netzsegmente",),
    "Internetanbindung": ("Externe Netzanschlüsse",),
    "Standortvernetzung": ("Externe Netzanschlüsse",),
    "Serverraum": ("Serverräume",),
    "Technikraum": ("Räume für technische Infrastruktur",),
    "Datenträgerarchiv": ("Datenträgerarchiv",),
    "Büroraum": ("Räume",),
    "Besprechungsraum": ("Räume",),
    "Häuslicher Arbeitsplatz": ("Räume",),
    "Verwaltungsgebäude": ("Gebäude",),
}


def category_closure(categories: Iterable[str]) -> set[str]:
    """The categories and every ancestor: an object in ``Endgeräte`` is also in ``IT-Systeme``."""
    return closure(categories)


def target_categories(target: "TargetObject") -> tuple[str, ...]:
    """The object's categories: as modelled, else by its type (a G++ category used as type is its own)."""
    if target.categories is not None:
        return target.categories
    if target.type in CATEGORY_PARENTS and target.type not in DEFAULT_CATEGORIES:
        return (target.type,)
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
    default_approach = "erhoeht"
    modelling_key = "kategorien"
    #: controls keep their alt-identifier UUID when BSI renumbers them between releases
    stable_ids = True
    statement_fields = (
        ("action_word", "Handlungswort"),
        ("result", "Ergebnis"),
        ("result_specification", "Präzisierung"),
        ("documentation", "Dokumentation"),
        ("params", "Parameter"),
    )

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
        # which requirements each category calls for (by position, so catalog order is kept)
        by_category: dict[str, list[int]] = {}
        domain_only: list[int] = []
        for position, req in enumerate(reqs):
            if req.target_objects:
                for category in req.target_objects:
                    by_category.setdefault(category, []).append(position)
            else:
                domain_only.append(position)
        elevated_only, either = frozenset(("erhoeht",)), frozenset(("normal-sdt", "erhoeht"))
        none: frozenset[str] = frozenset()
        for target in targets:
            if target.categories is not None and len(set(target.categories)) < len(target.categories):
                problems.append(ModellingProblem(
                    "modelling.duplicate", target.id, ", ".join(target.categories),
                    f"Zielobjekt '{target.id}': eine Zielobjektkategorie ist doppelt genannt.", target.line))
            for category in target.categories or ():
                if category not in CATEGORY_PARENTS:
                    problems.append(ModellingProblem(
                        "modelling.unknown-category", target.id, category,
                        f"Zielobjektkategorie '{category}' ist in Grundschutz++ unbekannt (Zielobjekt '{target.id}').",
                        target.line, severity="warning",
                    ))
            elevated = needs[target.id].elevated if target.id in needs else False
            is_domain = target.type == "Informationsverbund"
            called: set[int] = set(domain_only) if is_domain else set()
            for category in closures[target.id]:
                called.update(by_category.get(category, ()))
            for position in sorted(called):
                req = reqs[position]
                if req.level == "erhöht":
                    approaches = elevated_only if elevated else none
                else:
                    approaches = either
                applicable.append(Applicable.of(req, target, approaches))
        return applicable, problems

    def modules_of(self, catalog: "Catalog", target: "TargetObject") -> list[tuple[str, str]]:
        return [(c, "Zielobjektkategorie") for c in target_categories(target)]

    def current_modules(self, target: "TargetObject") -> tuple[str, ...]:
        return target_categories(target)

    def module_title(self, catalog: "Catalog", module: str) -> str:
        return "Zielobjektkategorie" if module in CATEGORY_PARENTS else ""

    # -- BSI's modelling rules -------------------------------------------------------------

    def suggest(self, catalog: "Catalog", targets: Sequence["TargetObject"]) -> list["Suggestion"]:
        from ..assess.modelling import Suggestion
        from ..assess.structure import base_type

        suggestions: list[Suggestion] = []
        domain_done = False
        for target in targets:
            base = base_type(target.type)
            if target.type == "Informationsverbund":
                if domain_done:
                    continue
                domain_done = True
                for category, decide in DOMAIN_CATEGORIES:
                    suggestions.append(Suggestion(
                        target.id, category, "Zielobjektkategorie",
                        "Informationsverbund: Nutzende, Informationen und Einkäufe der ganzen Institution", decide))
                continue
            if target.kind in KIND_CATEGORIES:
                chosen, rule = KIND_CATEGORIES[target.kind], f"{base} der Art „{target.kind}“"
            elif target.type in CATEGORY_PARENTS and target.type not in DEFAULT_CATEGORIES:
                chosen, rule = (target.type,), f"Typ ist die Zielobjektkategorie {target.type}"
            else:
                chosen, rule = DEFAULT_CATEGORIES.get(target.type, ()), f"Zielobjekttyp {target.type}"
            for category in chosen:
                suggestions.append(Suggestion(target.id, category, "Zielobjektkategorie", rule))
        return suggestions

    def _practice_of(self, catalog: "Catalog", req: "Requirement") -> str:
        top = catalog.top_group(req.group)
        return top.id if top is not None else req.id.split(".")[0]

    def excluded_requirements(self, catalog: "Catalog", exclusions: Sequence["Exclusion"]) -> set[str]:
        refs = {e.ref for e in exclusions}
        if not refs:
            return set()
        out: set[str] = set()
        for req in catalog.requirements.values():
            chain = {req.id, req.group or "", self._practice_of(catalog, req)}
            parent = req.parent
            while parent:
                chain.add(parent)
                parent = catalog.requirements[parent].parent if parent in catalog.requirements else None
            if refs.intersection(chain):
                out.add(req.id)
        return out

    def exclusion_kind(self, catalog: "Catalog", ref: str) -> str | None:
        group = catalog.groups.get(ref)
        if group is not None:
            return {"practice": "Praktik", "topic": "Thema"}.get(group.kind, "Gruppe")
        if ref in catalog.requirements:
            return "Anforderung"
        if ref in CATEGORY_PARENTS:
            return "Zielobjektkategorie"
        return None

    def left_out(self, catalog: "Catalog", targets: Sequence["TargetObject"], decisions: "Decisions",
                 pairs: Sequence["Applicable"]) -> list["LeftOut"]:
        from ..assess.modelling import LeftOut

        applied = {p.requirement.id for p in pairs}
        excluded = self.excluded_requirements(catalog, decisions.exclusions)
        left = {e.ref for e in decisions.exclusions}
        by_categories: dict[tuple[str, ...], list[str]] = {}
        for req in catalog.requirements.values():
            if req.withdrawn or not req.target_objects or req.id in applied or req.id in excluded:
                continue
            # a category left out with a reason says: no object of it (or of a subcategory) exists here
            # (or of a category above it)
            open_categories = tuple(c for c in req.target_objects if not left.intersection(closure([c])))
            if not open_categories:
                continue
            by_categories.setdefault(tuple(req.target_objects), []).append(req.id)
        found = []
        for categories, ids in sorted(by_categories.items(), key=lambda item: (-len(item[1]), item[0])):
            named = ", ".join(categories)
            shown = ", ".join(ids[:6]) + (f" und {len(ids) - 6} weitere" if len(ids) > 6 else "")
            found.append(LeftOut(
                named, "Zielobjektkategorie", named,
                f"{len(ids)} Anforderung{'en' if len(ids) != 1 else ''} für {named} "
                f"{'gelten' if len(ids) != 1 else 'gilt'} für kein Zielobjekt "
                f"({shown}): ein Zielobjekt dieser Kategorie modellieren (ikz-isms model set ZIELOBJEKT "
                f"\"{categories[0]}\" --reason \"…\") oder mit Begründung auslassen "
                f"(ikz-isms model exclude \"{categories[0]}\" --reason \"…\").",
                tuple(ids)))
        return found

    def decision_problems(self, catalog: "Catalog", targets: Sequence["TargetObject"],
                          decisions: "Decisions") -> list["ModellingProblem"]:
        from ..assess.modelling import ModellingProblem

        problems = super().decision_problems(catalog, targets, decisions)
        for exclusion in decisions.exclusions:
            if exclusion.ref not in CATEGORY_PARENTS or exclusion.ref in catalog.groups:
                continue
            wanted = {exclusion.ref, *descendants(exclusion.ref)}
            for target in targets:
                hit = wanted.intersection(target_categories(target))
                if hit:
                    problems.append(ModellingProblem(
                        "modelling.excluded-modelled", target.id, exclusion.ref,
                        f"Zielobjektkategorie {exclusion.ref} ist als ausgelassen begründet, aber Zielobjekt "
                        f"'{target.id}' gehört zu {', '.join(sorted(hit))}: entweder modellieren oder auslassen.",
                        exclusion.line))
        return problems

    def module_problem(self, catalog: "Catalog", target: "TargetObject", module: str) -> str | None:
        if module not in CATEGORY_PARENTS:
            return f"Zielobjektkategorie '{module}' gibt es in Grundschutz++ nicht (ikz-isms catalog categories)."
        return None
