"""The tender pack: resolve a project against its template and catalog into the pack's files (as bytes).

Pure and deterministic: only project, template and catalog go in. Writing the folder in one
step is :func:`ikz_isms.app.tenders.write_pack`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..errors import RefusedError
from ..present.de import date_de, quantity_de
from .estimate import Estimate, procedure_text
from .project import Tender
from .security import AnnexEntry
from .templates import Template, render

if TYPE_CHECKING:
    from ..workspace import CatalogPin

@dataclass
class PackInput:
    """Everything a pack is made of, resolved: the project, its template, catalog, estimate, names."""

    tender: Tender
    template: Template
    pin: "CatalogPin"
    annex: list[AnnexEntry]
    estimate: Estimate
    names: Mapping[str, str]
    marking: str
    #: the workspace's ocid prefix (``procurement.ocds.prefix``); ``None``: no OCDS release in the pack
    ocid_prefix: str | None = None


def placeholder_values(template: Template, data: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, str]:
    """Values for ``{{ name }}``: the project's ``values``, else derived (lot totals, term, counties), else defaults."""
    values: dict[str, str] = {}
    overrides = data.get("values") or {}
    for name, spec in template.data.get("placeholders", {}).items():
        if name in overrides:
            values[name] = str(overrides[name])
            continue
        source = spec.get("from", "")
        if source.startswith("lot:"):
            total = sum((Decimal(str(n[source[4:]]["quantity"])) for n in (data.get("needs") or {}).values()
                         if n.get(source[4:], {}).get("quantity") not in (None, "")), Decimal(0))
            values[name] = quantity_de(total)
        elif source == "term_months":
            values[name] = str(data["term_months"])
        elif source == "counties":
            values[name] = ", ".join(names.get(c, c) for c in data["counties"])
        elif source == "county_count":
            values[name] = str(len(data["counties"]))
        elif source == "lead":
            values[name] = names.get(data["lead"], data["lead"])
        else:
            values[name] = str(spec["default"])
    return values


def proposed_procedure(estimate: Estimate, data: Mapping[str, Any]) -> str:
    """The project's ``procedure`` if given, else the first freely available one."""
    chosen = data.get("procedure")
    if chosen:
        return str(chosen)
    return next(p.name for p in estimate.procedures if p.status == "frei")


def resolve(inp: PackInput) -> dict[str, Any]:
    """The resolved tender as plain data: what the YAML file holds and the PDFs print."""
    data = inp.tender.data
    template = inp.template
    values = placeholder_values(template, data, inp.names)
    chosen = set(data.get("options", []))
    lots = []
    for lot in template.lots:
        quantities = {c: (n.get(lot["id"]) or {}).get("quantity") for c, n in (data.get("needs") or {}).items()}
        known = [Decimal(str(q)) for q in quantities.values() if q not in (None, "")]
        lots.append({
            "id": lot["id"], "title": lot["title"], "unit": lot["unit"], "price_period": lot["price_period"],
            "mengen": {c: (None if q in (None, "") else str(q)) for c, q in quantities.items()},
            "menge_gesamt": f"{sum(known, Decimal(0)).normalize():f}",
        })
    weights = sum((w for _, w in template.weights), Decimal(0))
    return {
        "vergabe": dict(data),
        "vorlage": {"id": template.id, "title": template.title, "sha256": template.sha256,
                    "datei": f"catalogs/vorlagen/{template.path.name}"},
        "katalog": {"name": inp.pin.name, "title": inp.pin.title, "version": inp.pin.version, "sha256": inp.pin.sha256},
        "rahmenvereinbarung": bool(template.data["framework"]),
        "platzhalter": values,
        "leistungsbeschreibung": [{"title": s["title"], "text": render(s["text"], values)}
                                  for s in template.data["sections"]],
        "lose": lots,
        "optionen": [o for o in template.options if o["id"] in chosen],
        "sicherheitsanforderungen": [
            {"id": e.requirement.id, "title": e.requirement.title, "statement": e.requirement.statement,
             "level": e.requirement.level, "modal_verb": e.requirement.modal_verb, "origin": e.origin, "note": e.note}
            for e in inp.annex
        ],
        "eignung": template.data["eligibility"],
        "zuschlag": template.data["award"],
        "gewichtssumme": f"{weights.normalize():f}",
        "vertragsbedingungen": template.data["contract_terms"],
        "angebotsfrist": date_de(data["offer_deadline"]) if data.get("offer_deadline") else None,
        "schaetzung": inp.estimate.as_dict(),
        "verfahren": {
            "regime": inp.estimate.regime,
            "vorgeschlagen": proposed_procedure(inp.estimate, data),
            "texte": [procedure_text(p) for p in inp.estimate.procedures],
        },
    }


def check_procedure(inp: PackInput) -> None:
    """Refuse a chosen procedure the estimate does not allow without a stated reason."""
    chosen = inp.tender.data.get("procedure")
    if not chosen:
        return
    known = {p.name: p for p in inp.estimate.procedures}
    if chosen not in known:
        raise RefusedError(f"Verfahrensart '{chosen}' gibt es unter {inp.estimate.regime} nicht "
                           f"(möglich: {', '.join(known)}).", path=str(inp.tender.path))
    if not known[chosen].allowed and not inp.tender.data.get("procedure_reason"):
        raise RefusedError(f"'{chosen}' ist bei diesem Auftragswert nur mit Ausnahmegrund zulässig: "
                           "'procedure_reason' in vergabe.yaml angeben.", path=str(inp.tender.path))


def file_names(name: str) -> dict[str, str]:
    return {
        "documents": f"vergabeunterlagen-{name}.pdf",
        "record": f"vergabevermerk-{name}.pdf",
        "resolved": f"vergabe-{name}.yaml",
        "ocds": f"ocds-{name}.json",
    }


def build_files(inp: PackInput, publisher: str) -> dict[str, bytes]:
    """The pack's files as bytes (deterministic: only project, template and catalog go in)."""
    import json

    from ..store.edit import dump_rt, to_rt
    from .ocds import release_package, tender_release
    from .pdf import procurement_record, tender_documents

    resolved = resolve(inp)
    day = inp.tender.created
    names = file_names(inp.tender.name)
    header = ("# Aufgelöste Vergabe, erzeugt von ikz-isms tender pack: Projekt, Vorlage, Sicherheitsanlage,\n"
              "# Auftragswertschätzung und Verfahrensart. Nicht von Hand ändern; Quelle ist vergabe.yaml.\n")
    files = {
        names["documents"]: tender_documents(resolved, inp.names, day),
        names["record"]: procurement_record(resolved, inp.names, day, inp.marking),
        names["resolved"]: (header + dump_rt(to_rt(_yaml_values(resolved)))).encode("utf-8"),
    }
    if inp.ocid_prefix:
        release = tender_release(resolved, inp.estimate, inp.template, inp.names, inp.ocid_prefix)
        package = release_package(release, inp.ocid_prefix, publisher)
        files[names["ocds"]] = (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return files


def _yaml_values(value: Any) -> Any:
    """``value`` with exact decimals as their text (YAML has no decimal type; a float would round)."""
    if isinstance(value, dict):
        return {key: _yaml_values(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_yaml_values(item) for item in value]
    if isinstance(value, Decimal):
        return f"{value:f}"
    return value
