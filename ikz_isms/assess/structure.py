"""The structure analysis beyond single objects: types and kinds, the county's decisions, the network plan.

A target object has a **type** — one of :data:`BASE_TYPES` (the structure analysis of
BSI-Standard 200-2) or a Grundschutz++ target-object category used as a type
(``Dienstleistungen``, ``Serverräume`` …), which stands for the base type of its root
category — and optionally a **kind** (Art, :data:`KINDS`): ``Windows-Server``,
``Fachverfahren (webbasiert)``, ``Serverraum`` … The kind is what BSI's modelling rules
look at; each edition says which Bausteine or categories a kind gets
(:meth:`ikz_isms.editions.Edition.suggest`).

The county's own decisions about its Informationsverbund sit beside the objects in
``zielobjekte.yaml`` (:class:`Decisions`): the approach (Vorgehensweise) and why, the
scale of protection needs (Schutzbedarfskategorien with their damage scenarios), what is
left out of the modelling and why, and the tailored catalog parameters.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .targets import ResolvedNeed, TargetObject

#: the object types of the structure analysis (BSI-Standard 200-2)
BASE_TYPES = ("Informationsverbund", "Geschäftsprozess", "Anwendung", "IT-System", "Netz",
              "Kommunikationsverbindung", "Raum", "Gebäude")
#: types whose objects the modelling must cover (an object of these types without any Baustein
#: or category is a gap: nothing says how it is protected)
TECHNICAL_TYPES = ("Anwendung", "IT-System", "Netz", "Kommunikationsverbindung", "Raum", "Gebäude")
#: the base type a G++ category stands for when used as a type, by its root category
ROOT_TYPES = {
    "Anwendungen": "Anwendung",
    "IT-Systeme": "IT-System",
    "Netze": "Netz",
    "Standorte": "Raum",
    "Nutzende": "Informationsverbund",
    "Informationen": "Informationsverbund",
    "Einkäufe": "Informationsverbund",
    "Fahrzeuge": "Raum",
}
#: the layers of the network plan, from the business down to the rooms
PLAN_LAYERS = (
    ("Informationsverbund", "Informationsverbund"),
    ("Geschäftsprozess", "Geschäftsprozesse"),
    ("Anwendung", "Anwendungen"),
    ("IT-System", "IT-Systeme"),
    ("Netz", "Netze und Verbindungen"),
    ("Raum", "Räume und Gebäude"),
)
PLAN_LAYER_OF = {"Kommunikationsverbindung": "Netz", "Gebäude": "Raum"}


@dataclass(frozen=True)
class Kind:
    """A kind (Art) of target object that BSI's modelling rules distinguish."""

    name: str
    type: str
    label: str


KINDS: tuple[Kind, ...] = (
    Kind("Windows-Server", "IT-System", "Server mit Microsoft Windows Server"),
    Kind("Linux-Server", "IT-System", "Server mit Linux oder Unix"),
    Kind("Server", "IT-System", "Server, Betriebssystem nicht näher bestimmt"),
    Kind("Virtualisierungsserver", "IT-System", "Host für virtuelle Maschinen (Hypervisor)"),
    Kind("Terminalserver", "IT-System", "Terminalserver für entfernte Sitzungen"),
    Kind("Speichersystem", "IT-System", "Speicherlösung (NAS, SAN)"),
    Kind("Windows-Client", "IT-System", "Arbeitsplatzrechner mit Microsoft Windows"),
    Kind("Linux-Client", "IT-System", "Arbeitsplatzrechner mit Linux"),
    Kind("macOS-Client", "IT-System", "Arbeitsplatzrechner mit macOS"),
    Kind("Client", "IT-System", "Arbeitsplatzrechner, Betriebssystem nicht näher bestimmt"),
    Kind("Windows-Notebook", "IT-System", "Notebook mit Microsoft Windows"),
    Kind("Notebook", "IT-System", "Notebook, Betriebssystem nicht näher bestimmt"),
    Kind("Smartphone", "IT-System", "Smartphone oder Tablet"),
    Kind("iOS-Gerät", "IT-System", "iPhone oder iPad"),
    Kind("Android-Gerät", "IT-System", "Smartphone oder Tablet mit Android"),
    Kind("Drucker", "IT-System", "Drucker, Kopierer, Multifunktionsgerät"),
    Kind("Firewall", "IT-System", "Firewall (Paketfilter, Application Level Gateway)"),
    Kind("Router/Switch", "IT-System", "Router oder Switch"),
    Kind("VPN-Gateway", "IT-System", "VPN-Gateway"),
    Kind("TK-Anlage", "IT-System", "Telekommunikationsanlage"),
    Kind("Faxgerät", "IT-System", "Faxgerät oder Faxserver"),
    Kind("IoT-Gerät", "IT-System", "vernetztes Gerät (IoT), eingebettetes System"),
    Kind("Fachverfahren (webbasiert)", "Anwendung", "Fachverfahren, über den Browser bedient"),
    Kind("Fachverfahren", "Anwendung", "Fachverfahren mit eigenem Client"),
    Kind("Webanwendung", "Anwendung", "Webanwendung oder Webservice"),
    Kind("Verzeichnisdienst", "Anwendung", "Verzeichnisdienst (LDAP)"),
    Kind("Active Directory", "Anwendung", "Microsoft Active Directory Domain Services"),
    Kind("E-Mail", "Anwendung", "E-Mail-Server und -Client"),
    Kind("Exchange", "Anwendung", "Microsoft Exchange und Outlook"),
    Kind("Office", "Anwendung", "Büroanwendungen (Textverarbeitung, Tabellenkalkulation)"),
    Kind("Webbrowser", "Anwendung", "Webbrowser"),
    Kind("Datenbank", "Anwendung", "relationale Datenbank"),
    Kind("Dateiserver", "Anwendung", "Dateiablage im Netz (Fileserver)"),
    Kind("Webserver", "Anwendung", "Webserver"),
    Kind("DNS-Server", "Anwendung", "Namensauflösung (DNS)"),
    Kind("Kollaboration", "Anwendung", "Videokonferenz, Chat, Zusammenarbeit"),
    Kind("Software", "Anwendung", "sonstige beschaffte Software"),
    Kind("LAN", "Netz", "lokales Netz der Verwaltung"),
    Kind("WLAN", "Netz", "Funknetz (WLAN)"),
    Kind("VoIP", "Netz", "Netz für die Telefonie (VoIP)"),
    Kind("Internetanbindung", "Kommunikationsverbindung", "Anschluss an das Internet"),
    Kind("Standortvernetzung", "Kommunikationsverbindung", "Verbindung zwischen Standorten (WAN, VPN)"),
    Kind("Serverraum", "Raum", "Serverraum oder Rechenzentrumsraum"),
    Kind("Technikraum", "Raum", "Raum oder Schrank für technische Infrastruktur (Verteiler)"),
    Kind("Datenträgerarchiv", "Raum", "Archiv für Datenträger"),
    Kind("Büroraum", "Raum", "Büroarbeitsplätze"),
    Kind("Besprechungsraum", "Raum", "Besprechungs-, Veranstaltungs- und Schulungsraum"),
    Kind("Häuslicher Arbeitsplatz", "Raum", "Arbeitsplatz zu Hause (Telearbeit)"),
    Kind("Verwaltungsgebäude", "Gebäude", "Gebäude der Verwaltung"),
)
KIND_BY_NAME = {kind.name: kind for kind in KINDS}


def base_type(object_type: str) -> str:
    """The structure-analysis type an object counts as: itself, or the base of its G++ category."""
    if object_type in BASE_TYPES:
        return object_type
    from ..editions.vocabulary import CATEGORY_PARENTS, root_of

    if object_type in CATEGORY_PARENTS:
        if object_type == "Gebäude":
            return "Gebäude"
        return ROOT_TYPES.get(root_of(object_type), "Informationsverbund")
    return object_type


def known_type(object_type: str) -> bool:
    from ..editions.vocabulary import CATEGORY_PARENTS

    return object_type in BASE_TYPES or object_type in CATEGORY_PARENTS


def type_names() -> list[str]:
    """Every type a target object may have: the base types, then the G++ categories."""
    from ..editions.vocabulary import CATEGORY_PARENTS

    return [*BASE_TYPES, *sorted((c for c in CATEGORY_PARENTS if c not in BASE_TYPES), key=str.casefold)]


# -- the county's decisions -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exclusion:
    """Something left out of the modelling on purpose: a Baustein or layer (Ed. 2023), a practice, topic,
    category or control (G++) — always with the written reason."""

    ref: str
    reason: str
    line: int | None = None


@dataclass(frozen=True)
class Parameter:
    """A catalog parameter the county sets for itself (tailoring), with the reason."""

    param: str
    value: str
    reason: str
    line: int | None = None


@dataclass(frozen=True)
class Scale:
    """The county's scale of protection needs: what normal, hoch and sehr hoch mean for it.

    ``levels`` holds one definition per level; ``scenarios`` the damage scenarios
    (Schadensszenarien) with a definition per level each.
    """

    levels: dict[str, str] = field(default_factory=dict)
    scenarios: tuple[tuple[str, dict[str, str]], ...] = ()

    @property
    def defined(self) -> bool:
        return bool(self.levels or self.scenarios)

    def as_dict(self) -> dict[str, Any]:
        return {"levels": dict(self.levels),
                "scenarios": [{"name": name, **levels} for name, levels in self.scenarios]}


@dataclass(frozen=True)
class Decisions:
    """What the county decided for its Informationsverbund as a whole (top of ``zielobjekte.yaml``)."""

    approach: str | None = None
    approach_reason: str = ""
    scale: Scale = field(default_factory=Scale)
    exclusions: tuple[Exclusion, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    approach_line: int | None = None

    def excluded(self, ref: str) -> Exclusion | None:
        return next((e for e in self.exclusions if e.ref == ref), None)

    def parameter(self, param: str) -> Parameter | None:
        return next((p for p in self.parameters if p.param == param), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "approach": self.approach, "approach_reason": self.approach_reason or None,
            "scale": self.scale.as_dict(),
            "exclusions": [{"ref": e.ref, "reason": e.reason} for e in self.exclusions],
            "parameters": [{"param": p.param, "value": p.value, "reason": p.reason} for p in self.parameters],
        }


def parse_decisions(parsed: Any) -> Decisions:
    """The county-wide decisions from a parsed, schema-valid ``zielobjekte.yaml``."""
    data = parsed.data or {}
    scale = data.get("scale") or {}
    levels = {str(k): str(v).strip() for k, v in scale.items() if k in ("normal", "hoch", "sehr hoch") and v}
    scenarios = tuple(
        (str(item.get("name")).strip(), {lvl: str(item[lvl]).strip() for lvl in ("normal", "hoch", "sehr hoch")
                                         if item.get(lvl)})
        for item in scale.get("scenarios") or ()
    )
    return Decisions(
        approach=str(data["approach"]) if data.get("approach") else None,
        approach_reason=str(data.get("approach_reason") or "").strip(),
        scale=Scale(levels, scenarios),
        exclusions=tuple(
            Exclusion(str(item["ref"]).strip(), str(item.get("reason") or "").strip(),
                      parsed.line("exclusions", index))
            for index, item in enumerate(data.get("exclusions") or ())
        ),
        parameters=tuple(
            Parameter(str(item["param"]).strip(), str(item.get("value") or "").strip(),
                      str(item.get("reason") or "").strip(), parsed.line("parameters", index))
            for index, item in enumerate(data.get("parameters") or ())
        ),
        approach_line=parsed.line("approach") if data.get("approach") else None,
    )


# -- Kronjuwelen and the scope of Kern-Absicherung ---------------------------------------------------------------


def kern_scope(targets: Sequence[TargetObject]) -> frozenset[str]:
    """The objects Kern-Absicherung covers: the Kronjuwelen, everything they depend on, and the
    Informationsverbund itself (its overarching aspects) — none while no Kronjuwel is marked.

    BSI-Standard 200-2 (Kern-Absicherung): the Kronjuwelen are protected with everything
    they need, so an application marked as Kronjuwel brings its server, network and room.
    """
    by_id = {t.id: t for t in targets}
    jewels = [t.id for t in targets if t.kronjuwel]
    if not jewels:
        return frozenset()
    scope: set[str] = set()
    stack = list(jewels)
    while stack:
        current = stack.pop()
        if current in scope or current not in by_id:
            continue
        scope.add(current)
        stack.extend(by_id[current].depends_on)
    scope.update(t.id for t in targets if t.type == "Informationsverbund")
    return frozenset(scope)


# -- the network plan ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanNode:
    id: str
    name: str
    type: str
    kind: str
    count: int
    layer: str
    kronjuwel: bool
    need: str  # "C/I/A" short, e.g. "h/h/n"


@dataclass(frozen=True)
class PlanLink:
    source: str
    target: str


@dataclass(frozen=True)
class NetworkPlan:
    """The objects and their links, by layer: what ``target network`` shows and the report's A.1 draws."""

    layers: tuple[tuple[str, str, tuple[PlanNode, ...]], ...]
    links: tuple[PlanLink, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "layers": [{"id": lid, "title": title, "nodes": [dict(vars(n)) for n in nodes]}
                       for lid, title, nodes in self.layers],
            "links": [{"from": link.source, "to": link.target} for link in self.links],
        }


SHORT_NEED = {"normal": "n", "hoch": "h", "sehr hoch": "sh"}


def network_plan(targets: Iterable[TargetObject], needs: dict[str, ResolvedNeed]) -> NetworkPlan:
    """Objects grouped in layers (process → application → system → network → room), links = depends_on."""
    targets = list(targets)
    ids = {t.id for t in targets}
    grouped: dict[str, list[PlanNode]] = {layer: [] for layer, _ in PLAN_LAYERS}
    for target in targets:
        base = base_type(target.type)
        layer = PLAN_LAYER_OF.get(base, base)
        if layer not in grouped:
            layer = "Informationsverbund"
        need = needs.get(target.id)
        short = "/".join(SHORT_NEED.get(need.result(d), "n") for d in ("C", "I", "A")) if need else "n/n/n"
        grouped[layer].append(PlanNode(target.id, target.name, target.type, target.kind, target.count, layer,
                                       target.kronjuwel, short))
    links = tuple(PlanLink(t.id, dep) for t in targets for dep in t.depends_on if dep in ids)
    return NetworkPlan(tuple((layer, title, tuple(grouped[layer])) for layer, title in PLAN_LAYERS if grouped[layer]),
                       links)
