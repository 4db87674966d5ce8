"""The IT-Grundschutz-Check as OSCAL 1.2.1 JSON: SSP, assessment results, POA&M — and an SSP read back.

* **SSP** (``system-security-plan``): the Informationsverbund as the system, one component per
  target object (type, protection needs as properties, their reasons in the remarks), and per
  requirement an implemented requirement with one ``by-component`` per target object it is
  modelled on: the statement as description, the status as ``implementation-status`` (mapping
  below, written down in docs/exchange.md) and, in the namespace :data:`NS`, the exact record
  (status, date, responsible, evidence, provenance) so ikz-isms reads its own SSP back exactly.
* **Assessment results**: one result with a finding (and its observation on the component) per
  gap (``nein``/``teilweise`` under the county's approach).
* **POA&M**: one item per measure of the Realisierungsplan with a risk carrying its deadline.

UUIDs are name-based (UUIDv5) from the county and the subject, so the same subject keeps its
UUID across exports; a document's own UUID comes from its content, so the same input gives the
same bytes. Dates come from the data (the journal's last entry), never from the clock.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from .rows import CheckRow, RowValues, check_rows, norm

if TYPE_CHECKING:
    from ..assess import Assessment
    from ..assess.plan import PlanView
    from ..store.shape import JsonShape

OSCAL_VERSION = "1.2.1"
#: the namespace of ikz-isms's own properties (as in its catalogs)
NS = "urn:ikz-isms:oscal"
#: ``system-ids`` identifier type of a county
COUNTY_ID_TYPE = "urn:ikz-isms:landkreis"
_UUID_NS = uuid.uuid5(uuid.NAMESPACE_URL, "urn:ikz-isms:oscal")
#: check status → OSCAL implementation-status state (``unbearbeitet``: no state is stated)
IMPLEMENTATION_STATE = {"ja": "implemented", "teilweise": "partial", "nein": "planned", "entbehrlich": "not-applicable"}
#: OSCAL state → check status, for SSPs of other tools (``alternative``: implemented another way)
STATUS_OF_STATE = {"implemented": "ja", "partial": "teilweise", "planned": "nein", "not-applicable": "entbehrlich",
                   "alternative": "ja"}
#: target object type → OSCAL component type
COMPONENT_TYPE = {"Informationsverbund": "this-system", "Geschäftsprozess": "process-procedure", "Anwendung": "software",
                  "IT-System": "hardware", "Netz": "network", "Kommunikationsverbindung": "interconnection",
                  "Raum": "physical", "Gebäude": "physical"}
#: measure state → POA&M risk status
RISK_STATUS = {"geplant": "open", "in Umsetzung": "remediating", "umgesetzt": "closed", "verworfen": "deviation-approved"}
NO_STATEMENT = "Keine Umsetzungsbeschreibung erfasst."
GAP_STATUSES = ("nein", "teilweise")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Context:
    """What every document says about the county and the data's state."""

    county: str
    county_name: str
    classification: str
    isb: dict[str, str]
    state: str
    journal: str
    catalog_href: str
    approach_label: str
    edition: str


def uid(*parts: str) -> str:
    """A stable UUID (v5) for a subject named by ``parts``."""
    return str(uuid.uuid5(_UUID_NS, "/".join(parts)))


def _line(text: Any) -> str:
    """A single-line OSCAL string (no breaks, no outer blanks)."""
    return " ".join(str(text).split("\n")).strip()


def prop(name: str, value: Any, *, ns: bool = True) -> dict[str, str] | None:
    text = _line(value) if value is not None else ""
    if not text:
        return None
    found = {"name": name, "value": text}
    if ns:
        found["ns"] = NS
    return found


def props(*items: dict[str, str] | None) -> list[dict[str, str]]:
    return [item for item in items if item is not None]


def _with_uuid(kind: str, ctx: Context, root: str, body: dict[str, Any]) -> dict[str, Any]:
    """The document with its own UUID from its content (same input, same UUID and bytes)."""
    digest = hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()
    return {root: {"uuid": uid(ctx.county, kind, digest), **body}}


def _metadata(assessment: "Assessment", ctx: Context, title: str) -> dict[str, Any]:
    pin = assessment.pin
    party = uid(ctx.county, "party")
    parties: list[dict[str, Any]] = [{"uuid": party, "type": "organization", "name": f"Landkreis {ctx.county_name}"}]
    responsible = party
    isb_name = _line(ctx.isb.get("name") or "")
    if isb_name:
        person: dict[str, Any] = {"uuid": uid(ctx.county, "party", "isb"), "type": "person", "name": isb_name,
                                  "member-of-organizations": [party]}
        email = (ctx.isb.get("email") or "").strip()
        if _EMAIL.match(email):
            person["email-addresses"] = [email]
        parties.append(person)
        responsible = person["uuid"]
    metadata: dict[str, Any] = {
        "title": title,
        "last-modified": ctx.state,
        "version": ctx.state[:10] + (f" (Journal {ctx.journal.split(':', 1)[0]})" if ctx.journal else ""),
        "oscal-version": OSCAL_VERSION,
        "props": props(prop("marking", ctx.classification, ns=False), prop("county", ctx.county),
                       prop("catalog", pin.name if pin else None), prop("catalog-version", pin.version if pin else None),
                       prop("catalog-sha256", pin.sha256 if pin else None), prop("edition", ctx.edition),
                       prop("approach", ctx.approach_label), prop("journal", ctx.journal)),
        "roles": [{"id": "isb", "title": "Informationssicherheitsbeauftragte/r"},
                  {"id": "system-owner", "title": "Verantwortliche Stelle (Landkreis)"}],
        "parties": parties,
        "responsible-parties": [{"role-id": "isb", "party-uuids": [responsible]},
                                {"role-id": "system-owner", "party-uuids": [party]}],
    }
    if pin is not None:
        metadata["links"] = [{"href": f"#{uid(ctx.county, 'catalog', pin.sha256)}", "rel": "reference",
                              "text": f"Katalog {pin.name}"}]
    return metadata


def _catalog_resource(assessment: "Assessment", ctx: Context) -> dict[str, Any]:
    pin = assessment.pin
    sha = pin.sha256 if pin else ""
    resource: dict[str, Any] = {
        "uuid": uid(ctx.county, "catalog", sha),
        "title": f"Katalog {assessment.catalog.title}" + (f" ({pin.name} {pin.version})" if pin else ""),
        "rlinks": [{"href": ctx.catalog_href, "media-type": "application/oscal.catalog+json",
                    **({"hashes": [{"algorithm": "SHA-256", "value": sha}]} if sha else {})}],
    }
    return resource


def _component_uuid(ctx: Context, target: str) -> str:
    return uid(ctx.county, "component", target)


def _components(assessment: "Assessment", ctx: Context) -> list[dict[str, Any]]:
    from ..assess.targets import DIMENSION_NAMES, DIMENSIONS

    found = []
    for target in assessment.data.targets:
        need = assessment.data.needs.get(target.id)
        notes = []
        for dim in DIMENSIONS:
            result = need.result(dim) if need else target.own(dim)
            reason = target.need_reasons.get(dim)
            line = f"- {DIMENSION_NAMES[dim]}: {result}"
            if need and need.dims[dim].inherited_from:
                line += f" (vererbt von {', '.join(need.dims[dim].inherited_from)})"
            if need and need.dims[dim].overridden:
                line += f" (übersteuert: {target.override_reason})"
            if reason:
                line += f" – Begründung: {reason}"
            notes.append(line)
        component: dict[str, Any] = {
            "uuid": _component_uuid(ctx, target.id),
            "type": COMPONENT_TYPE.get(target.type, "system"),
            "title": target.name or target.id,
            "description": target.description or f"{target.type} {target.name}",
            "props": props(prop("target-id", target.id), prop("target-type", target.type), prop("kind", target.kind),
                           prop("count", target.count if target.count != 1 else None),
                           *(prop(f"protection-need-{d.lower()}", need.result(d) if need else target.own(d))
                             for d in DIMENSIONS),
                           prop("kronjuwel", "true" if target.kronjuwel else None),
                           *(prop("depends-on", d) for d in target.depends_on),
                           *(prop("modelled", e.module) for e in target.modelling)),
            "status": {"state": "operational"},
            "remarks": "Schutzbedarf:\n\n" + "\n".join(notes),
        }
        found.append(component)
    return found


def _max_need(assessment: "Assessment", dim: str) -> str:
    from ..assess.targets import LEVELS

    best = 0
    for target in assessment.data.targets:
        need = assessment.data.needs.get(target.id)
        value = need.result(dim) if need else target.own(dim)
        best = max(best, LEVELS.index(value) if value in LEVELS else 0)
    return LEVELS[best]


def _by_component(row: CheckRow, ctx: Context) -> dict[str, Any]:
    v = row.values
    entry: dict[str, Any] = {
        "component-uuid": _component_uuid(ctx, row.target),
        "uuid": uid(ctx.county, "by-component", row.requirement, row.target),
        "description": v.statement or NO_STATEMENT,
        "props": props(prop("status", v.status), prop("target-id", row.target),
                       prop("no-statement", "true" if not v.statement else None), prop("checked", v.checked or None),
                       prop("responsible", v.responsible or None), *(prop("evidence", e) for e in v.evidence),
                       prop("provenance", row.provenance), prop("in-scope", None if row.in_scope else "false"),
                       prop("recheck", row.recheck or None)),
    }
    state = IMPLEMENTATION_STATE.get(v.status)
    if state:
        entry["implementation-status"] = {"state": state}
    if v.reason:
        entry["remarks"] = v.reason
    return entry


def ssp(assessment: "Assessment", ctx: Context) -> dict[str, Any]:
    """The county's system security plan."""
    from ..assess.targets import DIMENSIONS

    rows = check_rows(assessment)
    resource = _catalog_resource(assessment, ctx)
    processes = [t for t in assessment.data.targets if t.type == "Geschäftsprozess"]
    info_types = []
    for target in processes or [t for t in assessment.data.targets if t.type == "Informationsverbund"][:1]:
        need = assessment.data.needs.get(target.id)
        impacts = {f"{name}-impact": {"base": need.result(d) if need else target.own(d)}
                   for d, name in zip(DIMENSIONS, ("confidentiality", "integrity", "availability"))}
        info_types.append({"uuid": uid(ctx.county, "information-type", target.id), "title": target.name,
                           "description": target.description or f"Informationen des Geschäftsprozesses {target.name}.",
                           **impacts})
    if not info_types:
        info_types.append({"uuid": uid(ctx.county, "information-type", "-"), "title": f"Informationen {ctx.county_name}",
                           "description": "Keine Geschäftsprozesse erfasst."})
    counts: dict[str, int] = {}
    for target in assessment.data.targets:
        counts[target.type] = counts.get(target.type, 0) + 1
    by_requirement: dict[str, list[CheckRow]] = {}
    for row in rows:
        by_requirement.setdefault(row.requirement, []).append(row)
    implemented = []
    for rid, group in by_requirement.items():
        req = assessment.requirement(rid)
        implemented.append({
            "uuid": uid(ctx.county, "implemented-requirement", rid),
            "control-id": rid,
            "props": props(prop("level", group[0].level or None), prop("modal-verb", group[0].modal_verb or None)),
            "by-components": [_by_component(row, ctx) for row in group],
            **({"remarks": req.title} if req is not None and req.title else {}),
        })
    body = {
        "metadata": _metadata(assessment, ctx, f"System-Sicherheitsplan (IT-Grundschutz-Check) Landkreis {ctx.county_name}"),
        "import-profile": {"href": ctx.catalog_href,
                           "remarks": "Kein OSCAL-Profil: der Landkreis prüft gegen den fixierten Katalog (Pfad relativ "
                                      "zur Arbeitsumgebung; Prüfsumme SHA-256 in den back-matter-Ressourcen)."},
        "system-characteristics": {
            "system-ids": [{"identifier-type": COUNTY_ID_TYPE, "id": ctx.county}],
            "system-name": f"Informationsverbund {ctx.county_name}",
            "description": f"Informationsverbund des Landkreises {ctx.county_name}, geprüft nach {ctx.edition} "
                           f"({ctx.approach_label}).",
            "props": props(prop("approach", ctx.approach_label)),
            "system-information": {"information-types": info_types},
            "security-impact-level": {"security-objective-confidentiality": _max_need(assessment, "C"),
                                      "security-objective-integrity": _max_need(assessment, "I"),
                                      "security-objective-availability": _max_need(assessment, "A")},
            "status": {"state": "operational"},
            "authorization-boundary": {
                "description": f"Strukturanalyse: {len(assessment.data.targets)} Zielobjekte ("
                               + ", ".join(f"{n} {t}" for t, n in counts.items()) + ")."},
        },
        "system-implementation": {"components": _components(assessment, ctx)},
        "control-implementation": {
            "description": f"IT-Grundschutz-Check gegen {assessment.catalog.title}: je Anforderung und Zielobjekt "
                           "Status, Umsetzung und Nachweise.",
            "implemented-requirements": implemented,
        },
        "back-matter": {"resources": [resource]},
    }
    if not implemented:
        raise InputError(f"Landkreis {ctx.county_name} hat keine modellierten Anforderungen; kein SSP möglich.")
    return _with_uuid("ssp", ctx, "system-security-plan", body)


def _gap_rows(assessment: "Assessment") -> list[CheckRow]:
    return [row for row in check_rows(assessment) if row.in_scope and row.values.status in GAP_STATUSES]


def assessment_results(assessment: "Assessment", ctx: Context) -> dict[str, Any]:
    """The check's results: one finding (with its observation) per gap."""
    rows = check_rows(assessment)
    plan_resource = uid(ctx.county, "assessment-plan")
    observations = []
    findings = []
    for row in rows:
        if not row.in_scope or row.values.status not in GAP_STATUSES:
            continue
        v = row.values
        observation = uid(ctx.county, "observation", row.requirement, row.target)
        observations.append({
            "uuid": observation,
            "title": f"{row.requirement} auf {row.target}",
            "description": v.statement or f"Status {v.status}; {NO_STATEMENT}",
            "props": props(prop("status", v.status), prop("target-id", row.target)),
            "methods": ["EXAMINE"],
            "subjects": [{"subject-uuid": _component_uuid(ctx, row.target), "type": "component",
                          "title": row.target_name or row.target}],
            "collected": f"{v.checked}T00:00:00Z" if v.checked else ctx.state,
        })
        findings.append({
            "uuid": uid(ctx.county, "finding", row.requirement, row.target),
            "title": f"{row.requirement} auf {row.target}: {row.title}",
            "description": f"Lücke im IT-Grundschutz-Check: Status {v.status}"
                           + (f" (Stufe {row.level})" if row.level else "") + ".",
            "props": props(prop("status", v.status), prop("target-id", row.target), prop("level", row.level or None),
                           prop("modal-verb", row.modal_verb or None),
                           prop("basis", "true" if assessment.edition.is_basis(assessment.requirement(row.requirement)
                                                                              or _missing(row)) else None)),
            "target": {"type": "statement-id", "target-id": f"{row.requirement}_smt",
                       "status": {"state": "not-satisfied", "reason": "fail"},
                       "implementation-status": {"state": IMPLEMENTATION_STATE[v.status]}},
            "related-observations": [{"observation-uuid": observation}],
        })
    controls = list(dict.fromkeys(row.requirement for row in rows if row.in_scope))
    result: dict[str, Any] = {
        "uuid": uid(ctx.county, "result", ctx.state),
        "title": f"IT-Grundschutz-Check Landkreis {ctx.county_name}, Stand {ctx.state[:10]}",
        "description": f"Ergebnis des IT-Grundschutz-Checks ({ctx.edition}, {ctx.approach_label}): "
                       f"{len(findings)} Lücken (nein/teilweise) bei {len(controls)} geprüften Anforderungen.",
        "start": ctx.state,
        "end": ctx.state,
        "reviewed-controls": {"control-selections": [
            {"include-controls": [{"control-id": rid} for rid in controls]} if controls else {"include-all": {}}]},
    }
    if observations:
        result["observations"] = observations
        result["findings"] = findings
    body = {
        "metadata": _metadata(assessment, ctx, f"Prüfergebnisse (IT-Grundschutz-Check) Landkreis {ctx.county_name}"),
        "import-ap": {"href": f"#{plan_resource}",
                      "remarks": "Kein OSCAL-Prüfplan: der IT-Grundschutz-Check nach BSI-Standard 200-2 ist der Plan."},
        "results": [result],
        "back-matter": {"resources": [
            {"uuid": plan_resource, "title": "IT-Grundschutz-Check nach BSI-Standard 200-2",
             "description": f"Soll-Ist-Vergleich des Landkreises {ctx.county_name} gegen {assessment.catalog.title}."},
            _catalog_resource(assessment, ctx)]},
    }
    return _with_uuid("assessment-results", ctx, "assessment-results", body)


def _missing(row: CheckRow) -> Any:
    from ..catalog.model import Requirement

    return Requirement(row.requirement, row.title, level=row.level or None, modal_verb=row.modal_verb or None)


def poam(assessment: "Assessment", view: "PlanView", ctx: Context) -> dict[str, Any]:
    """The Realisierungsplan as a plan of action and milestones: one item and one risk per measure."""
    if not view.measures:
        hint = (f" – {len(view.unplanned)} Lücken warten auf Maßnahmen (ikz-isms plan update --county {ctx.county})"
                if view.unplanned else "")
        raise InputError(f"Landkreis {ctx.county_name} hat keinen Realisierungsplan mit Maßnahmen{hint}.")
    items = []
    risks = []
    for m in view.measures:
        risk_uuid = uid(ctx.county, "risk", m.id)
        risk: dict[str, Any] = {
            "uuid": risk_uuid,
            "title": f"Lücke {m.requirement} auf {m.target}",
            "description": f"Anforderung {m.requirement} ist auf Zielobjekt {m.target} nicht (vollständig) erfüllt "
                           f"(Status {m.gap_status}).",
            "statement": "Solange die Maßnahme nicht umgesetzt ist, bleibt die Anforderung offen"
                         + (" (Basis-Anforderung: Risiko nicht tragbar)." if m.priority <= 3 else "."),
            "status": RISK_STATUS.get(m.state, "open"),
        }
        if m.deadline:
            risk["deadline"] = f"{m.deadline.isoformat()}T23:59:59Z"
        risks.append(risk)
        items.append({
            "uuid": uid(ctx.county, "poam-item", m.id),
            "title": f"{m.id}: {m.title}",
            "description": m.description or f"Maßnahme zu {m.requirement} auf {m.target}.",
            "props": props(prop("measure-id", m.id), prop("requirement", m.requirement), prop("target-id", m.target),
                           prop("priority", m.priority), prop("state", m.state), prop("gap-status", m.gap_status),
                           prop("level", m.level), prop("responsible", m.responsible or None),
                           prop("deadline", m.deadline.isoformat() if m.deadline else None),
                           prop("cost", f"{m.cost:.2f} EUR" if m.cost is not None else None),
                           prop("overdue", "true" if view.overdue(m) else None)),
            "related-risks": [{"risk-uuid": risk_uuid}],
        })
    body = {
        "metadata": _metadata(assessment, ctx, f"Realisierungsplan (POA&M) Landkreis {ctx.county_name}"),
        "system-id": {"identifier-type": COUNTY_ID_TYPE, "id": ctx.county},
        "risks": risks,
        "poam-items": items,
    }
    return _with_uuid("poam", ctx, "plan-of-action-and-milestones", body)


def document_bytes(document: dict[str, Any]) -> bytes:
    """Indented JSON, keys in model order, newline at the end (the same document, the same bytes)."""
    import orjson

    return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"


# -- reading an SSP back --------------------------------------------------------------------------


@dataclass
class ReadItem:
    requirement: str
    target: str
    values: RowValues
    where: str
    exact: bool


@dataclass
class ReadSsp:
    county: str = ""
    catalog: str = ""
    sha256: str = ""
    state: str = ""
    rows: list[ReadItem] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _props_of(node: Any) -> list[tuple[str, str]]:
    found = []
    for item in node.get("props") or [] if isinstance(node, dict) else []:
        if isinstance(item, dict) and item.get("ns") == NS and isinstance(item.get("name"), str):
            found.append((item["name"], str(item.get("value") or "")))
    return found


def _first(pairs: Iterable[tuple[str, str]], name: str) -> str:
    return next((value for key, value in pairs if key == name), "")


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _ssp_shape(root: dict[str, Any]) -> "JsonShape":
    """The JSON types of every part of an SSP this reader uses (:class:`~ikz_isms.store.shape.JsonShape`)."""
    from ..store.shape import JsonShape

    shape = JsonShape()

    def props(node: dict[str, Any], where: str) -> None:
        for here, prop in shape.objects(node, "props", where):
            shape.texts(prop, ("name", "value", "ns"), here)

    base = "/system-security-plan"
    meta = shape.want(root, "metadata", dict, base)
    if meta:
        shape.texts(meta, ("last-modified",), f"{base}/metadata")
        props(meta, f"{base}/metadata")
    characteristics = shape.want(root, "system-characteristics", dict, base)
    if characteristics:
        for here, system_id in shape.objects(characteristics, "system-ids", f"{base}/system-characteristics"):
            shape.texts(system_id, ("id", "identifier-type"), here)
    implementation = shape.want(root, "system-implementation", dict, base)
    if implementation:
        for here, component in shape.objects(implementation, "components", f"{base}/system-implementation"):
            shape.texts(component, ("uuid", "title"), here)
            props(component, here)
    control = shape.want(root, "control-implementation", dict, base)
    if control:
        for here, requirement in shape.objects(control, "implemented-requirements", f"{base}/control-implementation"):
            shape.texts(requirement, ("control-id",), here)
            for there, entry in shape.objects(requirement, "by-components", here):
                shape.texts(entry, ("component-uuid", "description", "remarks"), there)
                props(entry, there)
                status = shape.want(entry, "implementation-status", dict, there)
                if status:
                    shape.texts(status, ("state", "remarks"), f"{there}/implementation-status")
    return shape


def read_ssp(document: Any, path: str) -> ReadSsp:
    """The rows an SSP states, with their place in the document for messages."""
    root = document.get("system-security-plan") if isinstance(document, dict) else None
    if not isinstance(root, dict):
        raise InputError("kein OSCAL-SSP (system-security-plan fehlt; assessment-results und POA&M werden nicht "
                         "eingelesen).", path=path)
    _ssp_shape(root).raise_first("OSCAL-SSP", path, "; nichts geändert.")
    found = ReadSsp()
    meta = _mapping(root.get("metadata"))
    meta_props = _props_of(meta)
    found.catalog = _first(meta_props, "catalog")
    found.sha256 = _first(meta_props, "catalog-sha256")
    found.state = str(meta.get("last-modified") or "")
    characteristics = _mapping(root.get("system-characteristics"))
    for system_id in characteristics.get("system-ids") or []:
        if isinstance(system_id, dict) and system_id.get("identifier-type") == COUNTY_ID_TYPE:
            found.county = str(system_id.get("id") or "")
    found.county = found.county or _first(meta_props, "county")
    components: dict[str, str] = {}
    implementation = _mapping(root.get("system-implementation"))
    for component in implementation.get("components") or []:
        if not isinstance(component, dict):
            continue
        target = _first(_props_of(component), "target-id") or str(component.get("title") or "")
        components[str(component.get("uuid"))] = target
    control = root.get("control-implementation")
    requirements = control.get("implemented-requirements") if isinstance(control, dict) else None
    if not isinstance(requirements, list):
        raise InputError("SSP ohne control-implementation/implemented-requirements.", path=path)
    base = "/system-security-plan/control-implementation/implemented-requirements"
    for i, requirement in enumerate(requirements):
        if not isinstance(requirement, dict) or not isinstance(requirement.get("control-id"), str):
            found.problems.append(f"{base}/{i}: control-id fehlt.")
            continue
        rid = requirement["control-id"].strip()
        for j, entry in enumerate(requirement.get("by-components") or []):
            where = f"{base}/{i}/by-components/{j}"
            if not isinstance(entry, dict):
                found.problems.append(f"{where}: kein Objekt.")
                continue
            found_target = components.get(str(entry.get("component-uuid")))
            if found_target is None:
                found.problems.append(f"{where}: component-uuid {entry.get('component-uuid')} nennt keine Komponente "
                                      "des SSP.")
                continue
            values, problem = _values(entry)
            if problem:
                found.problems.append(f"{where}: {problem}")
                continue
            found.rows.append(ReadItem(rid, found_target, values, where, bool(_first(_props_of(entry), "status"))))
    return found


def _values(entry: dict[str, Any]) -> tuple[RowValues, str]:
    from ..store import parse_date

    own = _props_of(entry)
    description = entry.get("description")
    if not isinstance(description, str):
        return RowValues(), "description fehlt oder ist kein Text."
    remarks = entry.get("remarks")
    reason = norm(remarks) if isinstance(remarks, str) else ""
    status = _first(own, "status")
    if status:
        if status not in ("unbearbeitet", *IMPLEMENTATION_STATE):
            return RowValues(), f"unbekannter Status '{status[:40]}'."
        checked = _first(own, "checked")
        if checked and parse_date(checked) is None:
            return RowValues(), f"ungültiges Datum '{checked[:30]}' (erwartet JJJJ-MM-TT)."
        statement = "" if _first(own, "no-statement") == "true" else norm(description)
        return RowValues(status, statement, reason, _first(own, "responsible"), checked,
                         tuple(v for k, v in own if k == "evidence")), ""
    implementation = entry.get("implementation-status")
    state = implementation.get("state") if isinstance(implementation, dict) else None
    if state is None:
        return RowValues(statement=norm(description)), ""
    if state not in STATUS_OF_STATE:
        return RowValues(), f"implementation-status '{str(state)[:40]}' ist keinem Status zuzuordnen."
    mapped = STATUS_OF_STATE[str(state)]
    if mapped != "entbehrlich":
        reason = ""
    elif not reason:
        status_remarks = implementation.get("remarks") if isinstance(implementation, dict) else None
        reason = norm(status_remarks) if isinstance(status_remarks, str) else ""
        if not reason:
            return RowValues(), "not-applicable (entbehrlich) ohne Begründung (remarks)."
    return RowValues(mapped, norm(description), reason), ""


def today_stamp(day: _dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"
