"""The starter model of a Kreisverwaltung: the objects a municipal ISB expects, modelled by the rules.

``county add`` writes it into the new county's ``zielobjekte.yaml`` (unless ``--no-starter``):
the usual business processes of the Kernverwaltung, the Fachverfahren, directory service,
file and mail service, clients and notebooks, servers on virtualisation hosts, network,
Internet connection, server room, offices — each with a kind, so the edition's modelling
rules (:meth:`~ikz_isms.editions.Edition.suggest`) give its Bausteine or categories on
whichever catalog the workspace pins. Protection needs, the scale and the decisions the
rules leave to the county come with reasons marked as assumptions of the starter model;
every object carries ``starter: true`` until it is edited. It is a starting point to edit,
not a finished structure analysis.

Objects whose kind gets no requirement from the pinned catalog (a reduced catalog) are left
out and named, so the starter passes ``check`` and a gap is never hidden behind it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..catalog.model import Catalog
    from ..editions import Edition

ASSUMPTION = "Annahme im Startmodell – prüfen"

#: the county's decisions where the rules ask (model it, or leave it out), as assumptions to check
DECISIONS: dict[str, tuple[str, str]] = {
    "CON.7": ("exclude", "keine Dienstreisen ins Ausland mit dienstlichen Geräten oder Unterlagen."),
    "CON.8": ("exclude", "der Landkreis entwickelt keine Software selbst, er beschafft sie."),
    "CON.10": ("exclude", "der Landkreis entwickelt keine Webanwendungen selbst."),
    "OPS.1.2.4": ("model", "Beschäftigte arbeiten auch in Telearbeit."),
    "OPS.2.2": ("exclude", "der Landkreis nutzt keine Cloud-Dienste."),
    "OPS.2.3": ("model", "Fachverfahren laufen teilweise beim kommunalen IT-Dienstleister."),
    "OPS.3.2": ("exclude", "der Landkreis bietet selbst kein Outsourcing für andere an."),
    "DER.3.2": ("exclude", "der Leitfaden IS-Revision gilt für die Bundesverwaltung; Revisionen nach DER.3.1."),
    "Outsourcing": ("model", "Fachverfahren laufen teilweise beim kommunalen IT-Dienstleister."),
    "Cloud-Dienste": ("exclude", "der Landkreis nutzt keine Cloud-Dienste."),
    "DEV": ("exclude", "der Landkreis entwickelt keine Software selbst, er beschafft sie."),
    "Fahrzeuge": ("exclude", "im Informationsverbund gibt es keine Fahrzeuge mit eigener IT."),
}

NEED_FROM_PROCESSES = "ergibt sich aus den Geschäftsprozessen, die sie nutzen (Maximumprinzip); eigener Bedarf normal"


@dataclass(frozen=True)
class StarterObject:
    id: str
    name: str
    type: str
    kind: str = ""
    count: int | str = 1
    depends_on: tuple[str, ...] = ()
    need: tuple[str, str, str] | None = None
    reasons: tuple[str, str, str] | None = None
    kronjuwel: bool = False
    description: str = ""


OBJECTS: tuple[StarterObject, ...] = (
    StarterObject("GP-SOZ", "Leistungen nach SGB II und XII (Sozialamt)", "Geschäftsprozess",
                  depends_on=("APP-FACH", "APP-MAIL", "APP-DATEI"), need=("sehr hoch", "hoch", "normal"),
                  reasons=("Sozialdaten (SGB X): ihr Bekanntwerden schadet den Betroffenen erheblich und verletzt "
                           "das Sozialgeheimnis.",
                           "Falsche Bescheide führen zu Fehlzahlungen und Rückforderungen.",
                           "Ein Ausfall von einigen Tagen lässt sich mit Abschlagszahlungen überbrücken."),
                  kronjuwel=True),
    StarterObject("GP-KFZ", "Kfz-Zulassung und Führerscheinwesen", "Geschäftsprozess", depends_on=("APP-FACH",),
                  need=("hoch", "hoch", "hoch"),
                  reasons=("Halter- und Fahrerlaubnisdaten sind personenbezogen.",
                           "Falsche Zulassungen haben rechtliche Folgen für Halter und Behörden.",
                           "Die Zulassungsstelle bedient täglich Bürgerinnen, Bürger und Autohäuser; mehr als "
                           "ein Tag Ausfall ist nicht hinnehmbar.")),
    StarterObject("GP-FIN", "Haushalt, Kasse und Zahlungsverkehr", "Geschäftsprozess", depends_on=("APP-FIN",),
                  need=("hoch", "sehr hoch", "normal"),
                  reasons=("Zahlungs- und Bankdaten, Forderungen gegen Bürgerinnen und Bürger.",
                           "Buchungen und Zahlungen müssen stimmen (Kassensicherheit); Manipulation bedeutet "
                           "unmittelbaren finanziellen Schaden.",
                           "Zahlungsläufe lassen sich einige Tage verschieben.")),
    StarterObject("GP-PERS", "Personalverwaltung", "Geschäftsprozess", depends_on=("APP-FIN", "APP-DATEI"),
                  need=("hoch", "hoch", "normal"),
                  reasons=("Personalakten und Gesundheitsdaten der Beschäftigten.",
                           "Fehler bei Bezügen und Personalentscheidungen.",
                           "Ein Ausfall bis zur nächsten Entgeltabrechnung ist überbrückbar.")),
    StarterObject("APP-FACH", "Fachverfahren Soziales und Kfz (webbasiert)", "Anwendung", "Fachverfahren (webbasiert)",
                  depends_on=("SRV-WIN", "APP-AD", "APP-BROWSER")),
    StarterObject("APP-FIN", "Finanz- und Personalsoftware", "Anwendung", "Fachverfahren",
                  depends_on=("SRV-WIN", "APP-AD")),
    StarterObject("APP-AD", "Verzeichnisdienst (Anmeldung, Berechtigungen)", "Anwendung", "Active Directory",
                  depends_on=("SRV-WIN", "APP-DNS"), need=("normal", "hoch", "hoch"),
                  reasons=("Enthält keine Fachdaten, aber die Konten aller Beschäftigten.",
                           "Wer Berechtigungen verändern kann, erreicht alle Fachverfahren.",
                           "Ohne Anmeldung arbeitet niemand; Ausfall mehr als einige Stunden nicht hinnehmbar.")),
    StarterObject("APP-DNS", "Namensauflösung (DNS)", "Anwendung", "DNS-Server", depends_on=("SRV-WIN",)),
    StarterObject("APP-MAIL", "E-Mail (Server und Client)", "Anwendung", "Exchange", depends_on=("SRV-WIN", "CL")),
    StarterObject("APP-DATEI", "Dateiablage der Fachbereiche", "Anwendung", "Dateiserver", depends_on=("SRV-WIN",)),
    StarterObject("APP-OFFICE", "Büroanwendungen", "Anwendung", "Office", depends_on=("CL",)),
    StarterObject("APP-BROWSER", "Webbrowser der Arbeitsplätze", "Anwendung", "Webbrowser", depends_on=("CL",)),
    StarterObject("APP-VK", "Videokonferenz und Chat", "Anwendung", "Kollaboration", depends_on=("CL",)),
    StarterObject("SRV-VIRT", "Virtualisierungshosts", "IT-System", "Virtualisierungsserver", 3,
                  depends_on=("R-SERVER", "NET-LAN")),
    StarterObject("SRV-WIN", "Windows-Server (virtuell)", "IT-System", "Windows-Server", 20, depends_on=("SRV-VIRT",)),
    StarterObject("CL", "Arbeitsplatzrechner", "IT-System", "Windows-Client", "employees",
                  depends_on=("NET-LAN", "R-BUERO")),
    StarterObject("NB", "Notebooks für mobiles Arbeiten", "IT-System", "Windows-Notebook", "notebooks",
                  depends_on=("NET-LAN",)),
    StarterObject("MOBIL", "Diensthandys und Tablets", "IT-System", "Smartphone", "notebooks"),
    StarterObject("DRUCKER", "Multifunktionsgeräte", "IT-System", "Drucker", "printers",
                  depends_on=("NET-LAN", "R-BUERO")),
    StarterObject("TK", "Telefonanlage", "IT-System", "TK-Anlage", depends_on=("R-SERVER", "NET-LAN")),
    StarterObject("FAX", "Faxgeräte und Faxserver", "IT-System", "Faxgerät", "printers", depends_on=("TK",)),
    StarterObject("FW", "Firewall am Übergang zum Internet", "IT-System", "Firewall",
                  depends_on=("R-SERVER", "KOM-INET")),
    StarterObject("NET-LAN", "Verwaltungsnetz (LAN)", "Netz", "LAN", depends_on=("FW", "R-TECHNIK")),
    StarterObject("NET-WLAN", "WLAN für Besprechungsräume und Gäste", "Netz", "WLAN", depends_on=("NET-LAN",)),
    StarterObject("KOM-INET", "Internetanbindung", "Kommunikationsverbindung", "Internetanbindung"),
    StarterObject("R-SERVER", "Serverraum", "Raum", "Serverraum", depends_on=("GEB",)),
    StarterObject("R-TECHNIK", "Technikräume (Etagenverteiler)", "Raum", "Technikraum", depends_on=("GEB",)),
    StarterObject("R-ARCHIV", "Datenträgerarchiv (Sicherungsbänder)", "Raum", "Datenträgerarchiv", depends_on=("GEB",)),
    StarterObject("R-BUERO", "Büroräume", "Raum", "Büroraum", depends_on=("GEB",)),
    StarterObject("R-HOME", "Häusliche Arbeitsplätze (Telearbeit)", "Raum", "Häuslicher Arbeitsplatz"),
    StarterObject("GEB", "Verwaltungsgebäude", "Gebäude", "Verwaltungsgebäude"),
)

SCALE: dict[str, Any] = {
    "normal": "Die Folgen eines Schadens sind begrenzt und lassen sich mit eigenen Mitteln beheben.",
    "hoch": "Die Folgen eines Schadens sind beträchtlich: Aufgaben des Landkreises leiden spürbar, "
            "Betroffene erleiden Nachteile.",
    "sehr hoch": "Die Folgen eines Schadens sind existenziell oder katastrophal: der Landkreis kann wesentliche "
                 "Aufgaben nicht mehr erfüllen, Leib, Leben oder Existenz Betroffener sind gefährdet.",
    "scenarios": [
        {"name": "Verstoß gegen Gesetze, Vorschriften und Verträge",
         "normal": "Verstöße mit geringen Folgen.", "hoch": "Verstöße mit erheblichen Folgen (z. B. Bußgeld, Haftung).",
         "sehr hoch": "Fundamentale Verstöße gegen Gesetze (z. B. Sozialgeheimnis in großem Umfang)."},
        {"name": "Beeinträchtigung des informationellen Selbstbestimmungsrechts",
         "normal": "Geringe Nachteile für Einzelne.", "hoch": "Erhebliche Nachteile, z. B. durch Bekanntwerden von "
                                                            "Sozial- oder Personaldaten.",
         "sehr hoch": "Gefährdung der gesellschaftlichen oder wirtschaftlichen Existenz Betroffener."},
        {"name": "Beeinträchtigung der persönlichen Unversehrtheit",
         "normal": "Nicht zu erwarten.", "hoch": "Verletzungen Einzelner sind nicht auszuschließen.",
         "sehr hoch": "Gefahr für Leib und Leben (z. B. Leitstelle, Gefahrenabwehr)."},
        {"name": "Beeinträchtigung der Aufgabenerfüllung",
         "normal": "Ausfall bis zu drei Tagen hinnehmbar.", "hoch": "Ausfall höchstens einen Tag hinnehmbar.",
         "sehr hoch": "Ausfall höchstens einige Stunden hinnehmbar."},
        {"name": "Negative Innen- oder Außenwirkung",
         "normal": "Geringer Ansehensverlust, nur intern bekannt.",
         "hoch": "Regionale Berichterstattung, Vertrauensverlust bei Bürgerinnen und Bürgern.",
         "sehr hoch": "Landes- oder bundesweite Berichterstattung, nachhaltiger Vertrauensverlust."},
        {"name": "Finanzielle Auswirkungen",
         "normal": "Schaden unter 50.000 Euro.", "hoch": "Schaden zwischen 50.000 und 500.000 Euro.",
         "sehr hoch": "Schaden über 500.000 Euro."},
    ],
}

HEADER = (
    "# Informationsverbund {name}: STARTMODELL von ikz-isms county add – ein Ausgangspunkt, kein Ergebnis.\n"
    "# Die üblichen Objekte einer Kreisverwaltung, modelliert nach den Modellierungsregeln des BSI auf dem\n"
    "# festgeschriebenen Katalog. Alles mit „starter: true“ und jede „Annahme im Startmodell“ prüfen und\n"
    "# anpassen: ikz-isms target list / target edit / target need, ikz-isms model show / model set.\n"
)


def _count(value: int | str, employees: int | None) -> int:
    if isinstance(value, int):
        return value
    staff = employees or 400
    return max(1, {"employees": staff, "notebooks": staff // 5, "printers": staff // 15}[value])


def starter_document(name: str, employees: int | None, edition: "Edition | None", catalog: "Catalog | None"
                     ) -> tuple[dict[str, Any], list[str]]:
    """The starter ``zielobjekte.yaml`` as plain data, and the objects left out (no requirement in the catalog)."""
    from ..store import Parsed
    from .structure import Decisions, Exclusion
    from .targets import parse_targets

    items: list[dict[str, Any]] = [{
        "id": "IV", "name": f"Informationsverbund {name}", "type": "Informationsverbund", "starter": True,
        "protection_need": {"C": "normal", "I": "normal", "A": "normal"},
    }]
    for obj in OBJECTS:
        item: dict[str, Any] = {"id": obj.id, "name": obj.name, "type": obj.type}
        if obj.kind:
            item["kind"] = obj.kind
        count = _count(obj.count, employees)
        if count != 1:
            item["count"] = count
        if obj.kronjuwel:
            item["kronjuwel"] = True
        item["starter"] = True
        if obj.depends_on:
            item["depends_on"] = list(obj.depends_on)
        need = obj.need or (("normal", "normal", "normal") if obj.type in ("Geschäftsprozess", "Anwendung") else None)
        if need is not None:
            item["protection_need"] = dict(zip(("C", "I", "A"), need, strict=True))
            reasons = obj.reasons or (NEED_FROM_PROCESSES,) * 3
            item["need_reasons"] = {dim: f"{ASSUMPTION}: {text}" for dim, text in zip(("C", "I", "A"), reasons, strict=True)}
        items.append(item)
    document: dict[str, Any] = {
        "approach": edition.default_approach if edition is not None and edition.default_approach else None,
        "approach_reason": f"{ASSUMPTION}: die Vorgehensweise, die BSI-Standard 200-2 für eine Verwaltung mit "
                           "teils hohem Schutzbedarf vorsieht." if edition is not None else None,
        "scale": SCALE,
        "zielobjekte": items,
    }
    if edition is None or catalog is None:
        return {k: v for k, v in document.items() if v is not None}, []
    exclusions: list[dict[str, str]] = []
    for ref, (what, text) in DECISIONS.items():
        if what == "exclude" and edition.exclusion_kind(catalog, ref) is not None:
            exclusions.append({"ref": ref, "reason": f"{ASSUMPTION}: {text}"})
    document["exclusions"] = exclusions
    decisions = Decisions(exclusions=tuple(Exclusion(e["ref"], e["reason"]) for e in exclusions))
    targets = parse_targets(Parsed({"zielobjekte": items}, "zielobjekte.yaml"))
    key = edition.modelling_key
    field = "baustein" if key == "bausteine" else "kategorie"
    by_id = {item["id"]: item for item in items}
    for suggestion in edition.suggest(catalog, targets):
        if decisions.excluded(suggestion.module):
            continue
        entry: dict[str, str] = {field: suggestion.module}
        if suggestion.decide:
            what, text = DECISIONS.get(suggestion.module, ("", ""))
            if what != "model":
                exclusions.append({"ref": suggestion.module,
                                   "reason": f"{ASSUMPTION}: nicht zutreffend ({suggestion.decide})."})
                continue
            entry["reason"] = f"{ASSUMPTION}: {text}"
        else:
            entry["rule"] = suggestion.rule
        by_id[suggestion.target].setdefault(key, []).append(entry)
    omitted = _unmodelled(edition, catalog, items, decisions_of(exclusions))
    if omitted:
        gone = set(omitted)
        items[:] = [i for i in items if i["id"] not in gone]
        for item in items:
            if "depends_on" in item:
                item["depends_on"] = [d for d in item["depends_on"] if d not in gone]
                if not item["depends_on"]:
                    del item["depends_on"]
    document["exclusions"] = exclusions
    if not exclusions:
        del document["exclusions"]
    return {k: v for k, v in document.items() if v is not None}, omitted


def decisions_of(exclusions: Sequence[dict[str, str]]) -> Any:
    from .structure import Decisions, Exclusion

    return Decisions(exclusions=tuple(Exclusion(e["ref"], e["reason"]) for e in exclusions))


def _unmodelled(edition: "Edition", catalog: "Catalog", items: list[dict[str, Any]], decisions: Any) -> list[str]:
    """Ids of technical objects no requirement of the catalog applies to (repeated: removing one may empty another)."""
    from ..store import Parsed
    from .targets import parse_targets, resolve_needs

    targets = parse_targets(Parsed({"zielobjekte": items}, "zielobjekte.yaml"))
    needs = resolve_needs(targets)
    pairs, _ = edition.model_county(catalog, targets, needs, decisions)
    covered = {p.target.id for p in pairs}
    return [t.id for t in targets if edition.needs_modules(t) and t.id not in covered]


def starter_text(name: str, employees: int | None, edition: "Edition | None", catalog: "Catalog | None"
                 ) -> tuple[str, list[str]]:
    """The starter ``zielobjekte.yaml`` as text (house style, with its header), and what was left out."""
    from ..store.edit import dump_rt, to_rt

    document, omitted = starter_document(name, employees, edition, catalog)
    return HEADER.format(name=name) + dump_rt(to_rt(document)), omitted
