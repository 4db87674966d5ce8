"""Reading and writing contract YAML: schema-checked, located errors, call-offs appended atomically."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

from ..errors import InputError, NotFoundError, PluginError
from .dates import Term
from .model import AllocationKey, CallOff, FrameworkContract, PriceModel, PricePoint
from .money import to_decimal

CONTRACTS_DIR = Path("catalogs") / "vertraege"
CONTRACT_SCHEMA = "contract"
CALLOFFS_SCHEMA = "calloffs"
#: files in the contracts directory that are not contracts
RESERVED_FILES = {"rechtliche-kennzahlen.yaml"}


def contracts_dir(workspace: Any) -> Path:
    return Path(workspace.root) / CONTRACTS_DIR


def _where(node: Any, key: Any) -> str | None:
    from ..store import yaml_line

    line = yaml_line(node, key)
    return f"Zeile {line}" if line else None


def _date(node: Any, key: str, path: Path) -> dt.date:
    from ..store import parse_date

    value = parse_date(node[key])
    if value is None:
        raise InputError(f"ungültiges Datum '{node[key]}' (erwartet JJJJ-MM-TT).", path=str(path), location=_where(node, key))
    return value


def _opt_date(node: Any, key: str, path: Path) -> dt.date | None:
    return _date(node, key, path) if node.get(key) is not None else None


def _money(node: Any, key: str, path: Path) -> Decimal | None:
    if node.get(key) is None:
        return None
    return to_decimal(node[key], str(path), _where(node, key))


def _validated(path: Path, schema_name: str) -> Any:
    from ..schemas import load_validated

    return load_validated(path, schema_name)


def _check_schema(document: Any, path: Path, schema_name: str) -> Any:
    """``document`` if it satisfies the schema; else the first violation as a located InputError."""
    from ..schemas import raise_first, schema_problems

    raise_first(schema_problems(document, schema_name), path)
    return document


def parse_calloff(node: Any, contract_id: str, path: Path) -> CallOff:
    forced = node.get("forced") or {}
    return CallOff(
        id=str(node["id"]),
        contract=contract_id,
        county=str(node["county"]),
        date=_date(node, "date", path),
        amount=_money(node, "amount", path),
        quantity=_money(node, "quantity", path),
        hours=_money(node, "hours", path),
        description=str(node.get("description", "")),
        lot=str(node.get("lot", "")),
        forced_reason=str(forced["reason"]) if forced else None,
        refusals=tuple(str(r) for r in forced.get("refusals", [])) if forced else (),
        path=path,
        line=_line(node),
    )


def _top_line(document: Any, key: Any) -> int | None:
    from ..store import yaml_line

    return yaml_line(document, key)


def _line(node: Any) -> int | None:
    from ..store import yaml_line

    return yaml_line(node)


def parse_contract(document: Any, path: Path, plugin: str = "") -> FrameworkContract:
    """A validated contract document as a FrameworkContract; semantic problems raise located InputErrors."""
    term_node = document["term"]
    term = Term(
        start=_date(term_node, "start", path),
        end=_date(term_node, "end", path),
        renewal=str(term_node.get("renewal", "none")),
        renewal_months=int(term_node.get("renewal_months", 12)),
        max_renewals=int(term_node.get("max_renewals", 0)),
        renewals_exercised=int(term_node.get("renewals_exercised", 0)),
        notice_months=int(term_node.get("notice_months", 0)),
        terminated=_opt_date(term_node, "terminated", path),
    )
    if term.end < term.start:
        raise InputError("Vertragsende liegt vor dem Vertragsbeginn.", path=str(path), location=_where(term_node, "end"))
    if term.renewal != "none" and "max_renewals" not in term_node:
        raise InputError(
            "Verlängerung ohne Höchstzahl: 'max_renewals' angeben.", path=str(path), location=_where(document, "term")
        )
    kind = str(document["kind"])
    participants = tuple(str(p) for p in document.get("participants") or [])
    if kind == "framework" and not participants:
        raise InputError(
            "Rahmenvereinbarung ohne Teilnehmende: alle abrufberechtigten Landkreise müssen bei "
            "der Ausschreibung benannt sein ('participants').",
            path=str(path),
            location=_where(document, "kind"),
        )
    if kind == "single" and not document.get("owner"):
        raise InputError("Einzelvertrag ohne Vertragsinhaber ('owner').", path=str(path), location=_where(document, "kind"))
    lead = str(document.get("lead", ""))
    if lead and participants and lead not in participants:
        raise InputError(
            f"Federführender Landkreis '{lead}' fehlt in 'participants'.", path=str(path), location=_where(document, "lead")
        )
    price = None
    if document.get("price"):
        node = document["price"]
        history = tuple(
            PricePoint(_date(item, "valid_from", path), to_decimal(item["amount"], str(path), _where(item, "amount")),
                       str(item.get("note", "")))
            for item in node.get("history") or []
        )
        price = PriceModel(str(node["model"]), history, bool(node.get("gross", False)))
    allocation = _allocation(document.get("allocation"), path)
    alerts = document.get("alerts") or {}
    contract = FrameworkContract(
        id=str(document["id"]),
        title=str(document["title"]),
        kind=kind,
        term=term,
        path=path,
        category=str(document.get("category", "")),
        note=str(document.get("note", "")),
        lead=lead,
        owner=str(document.get("owner", "")),
        participants=participants,
        suppliers=tuple(str(s["name"]) for s in document.get("suppliers") or []),
        regime=str(document.get("regime", "")),
        procedure=str(document.get("procedure", "")),
        evb_it=str(document.get("evb_it", "")),
        cpv=tuple(str(c) for c in document.get("cpv") or []),
        lots=tuple({"id": str(l["id"]), "title": str(l["title"]),
                    "estimate": _money(l, "estimate", path)} for l in document.get("lots") or []),
        ceiling=_money(document, "ceiling", path),
        estimate=_money(document, "estimate", path),
        annual_value=_money(document, "annual_value", path),
        price=price,
        allocation=allocation,
        notice_alerts=tuple(int(m) for m in alerts.get("notice_months_before", [6, 3])),
        ceiling_alerts=tuple(int(p) for p in alerts.get("ceiling_percent", [80])),
        long_term_reason=str(term_node.get("long_term_reason", "")),
        plugin=plugin,
        lines={str(k): line for k in document if (line := _top_line(document, k))},
    )
    seen: dict[str, int | None] = {}
    calloffs = document.get("calloffs") or []
    for index, node in enumerate(calloffs):
        calloff = parse_calloff(node, contract.id, path)
        if calloff.id in seen:
            raise InputError(
                f"Abruf-ID '{calloff.id}' doppelt (zuerst in Zeile {seen[calloff.id]}).",
                path=str(path),
                location=_where(calloffs, index),
            )
        seen[calloff.id] = calloff.line
        contract.calloffs.append(calloff)
    return contract


def _allocation(node: Any, path: Path) -> AllocationKey | None:
    if not node:
        return None
    decimals = lambda name: {
        str(k): to_decimal(v, str(path), _where(node[name], k)) for k, v in (node.get(name) or {}).items()
    }
    key = AllocationKey(
        key=str(node["key"]),
        variable=str(node["variable"]) if node.get("variable") else None,
        base_share=_money(node, "base_share", path),
        base_per_member=_money(node, "base_per_member", path),
        min_base_share=_money(node, "min_base_share", path),
        rate=_money(node, "rate", path),
        reference_date=_opt_date(node, "reference_date", path),
        metric_name=str(node.get("metric_name", "")),
        metrics=decimals("metrics"),
        percentages=decimals("percentages"),
        members=tuple(str(m) for m in node.get("members") or []),
        costs=decimals("costs"),
        vat=str(node.get("vat", "auto")),
        agreement=str(node.get("agreement", "")),
    )
    if key.key == "hybrid" and key.base_share is None and key.base_per_member is None:
        raise InputError(
            "Hybrider Schlüssel ohne Sockel: 'base_share' oder 'base_per_member' angeben.",
            path=str(path),
            location=_where(node, "key"),
        )
    if key.key == "fixed":
        total = sum(key.percentages.values(), Decimal(0))
        if total != 100:
            raise InputError(
                f"Feste Prozentsätze ergeben {total} % statt 100 %.", path=str(path), location=_where(node, "percentages")
            )
    return key


def parse_checked(document: Any, path: Path, plugin: str = "") -> FrameworkContract:
    """Schema check, then ``parse_contract``."""
    return parse_contract(_check_schema(document, path, CONTRACT_SCHEMA), path, plugin)


def read_contract(path: Path, plugin: str = "") -> FrameworkContract:
    return parse_contract(_validated(path, CONTRACT_SCHEMA), path, plugin)


def read_calloff_file(path: Path, document: Any = None) -> list[CallOff]:
    if document is None:
        document = _validated(path, CALLOFFS_SCHEMA)
    else:
        _check_schema(document, path, CALLOFFS_SCHEMA)
    return [parse_calloff(node, str(node["contract"]), path) for node in document.get("calloffs") or []]


@dataclass
class ContractSet:
    """Every contract of the workspace and its plugins, by id; ``errors`` when loading leniently."""

    contracts: dict[str, FrameworkContract] = field(default_factory=dict)
    errors: list[InputError] = field(default_factory=list)

    def get(self, contract_id: str) -> FrameworkContract:
        if contract_id not in self.contracts:
            known = ", ".join(self.contracts) or "keine"
            raise NotFoundError(f"Vertrag '{contract_id}' nicht gefunden (bekannt: {known}).")
        return self.contracts[contract_id]

    def __iter__(self):
        return iter(self.contracts.values())


def contributed_files(pm: Any) -> list[tuple[Path, str]]:
    """(file, plugin) contributed through ``ikz_register_contracts``."""
    files: list[tuple[Path, str]] = []

    def register(path, *, plugin):
        path = Path(path)
        if any(existing == path for existing, _ in files):
            raise PluginError(f"Vertragsdatei {path} ist bereits registriert.")
        files.append((path, plugin))

    pm.contribute("ikz_register_contracts", register)
    return files


def load_contracts(pm: Any, workspace: Any, *, lenient: bool = False) -> ContractSet:
    """Contracts from ``catalogs/vertraege/*.yaml`` and from plugins, call-offs attached.

    Strict (default): the first bad file raises its located InputError. Lenient (``check``):
    bad files are collected in ``errors`` and skipped.
    """
    result = ContractSet()

    def attempt(action: Callable[[], Any]) -> Any:
        try:
            return action()
        except InputError as exc:
            if not lenient:
                raise
            result.errors.append(exc)
            return None

    sources: list[tuple[Path, str]] = []
    directory = contracts_dir(workspace)
    if directory.is_dir():
        sources += [(p, "") for p in sorted(directory.glob("*.yaml")) if p.name not in RESERVED_FILES]
    sources += contributed_files(pm)
    extra_calloffs: list[CallOff] = []
    for path, plugin in sources:
        document = attempt(lambda: _validated_any(path))
        if document is None:
            continue
        if "calloffs" in document and "id" not in document:
            calloffs = attempt(lambda: read_calloff_file(path, document))
            extra_calloffs += calloffs or []
            continue
        contract = attempt(lambda: parse_contract(_check_schema(document, path, CONTRACT_SCHEMA), path, plugin))
        if contract is None:
            continue
        if contract.id in result.contracts:
            attempt(lambda: _duplicate(contract, result.contracts[contract.id]))
            continue
        result.contracts[contract.id] = contract
    for calloff in extra_calloffs:
        if calloff.contract not in result.contracts:
            attempt(lambda: _unknown_contract(calloff))
            continue
        result.contracts[calloff.contract].calloffs.append(calloff)
    return result


def _validated_any(path: Path) -> Any:
    from ..store import read_yaml

    document = read_yaml(path)
    if not isinstance(document, dict):
        raise InputError("Datei enthält keinen Vertrag (Abschnitt erwartet).", path=str(path))
    return document


def _duplicate(contract: FrameworkContract, first: FrameworkContract) -> None:
    raise InputError(f"Vertrags-ID '{contract.id}' doppelt (auch in {first.path}).", path=str(contract.path), location="Zeile 1")


def _unknown_contract(calloff: CallOff) -> None:
    raise InputError(
        f"Abruf '{calloff.id}' nennt unbekannten Vertrag '{calloff.contract}'.",
        path=str(calloff.path),
        location=f"Zeile {calloff.line}" if calloff.line else None,
    )


def append_calloff(path: Path, entry: dict[str, Any], guard: Callable[[Any], Any] | None = None) -> Any:
    """Append a call-off to the contract file (locked, atomic, comments kept).

    ``guard(document)`` runs under the lock before the change; it may complete ``entry`` or
    raise to leave the file untouched. Its return value is returned.
    """
    from ..store import update_yaml

    def mutate(document: Any) -> Any:
        from ruamel.yaml.comments import CommentedMap, CommentedSeq

        verdict = guard(document) if guard else None

        if document.get("calloffs") is None:
            document["calloffs"] = CommentedSeq()
        item = CommentedMap()
        for key, value in entry.items():
            if isinstance(value, dict):
                nested = CommentedMap()
                nested.update(value)
                value = nested
            item[key] = value
        if any(str(existing.get("id")) == entry["id"] for existing in document["calloffs"]):
            raise InputError(f"Abruf-ID '{entry['id']}' existiert bereits.", path=str(path))
        document["calloffs"].append(item)
        return verdict

    return update_yaml(path, mutate)


def county_metrics(pm: Any, workspace: Any) -> dict[str, dict[str, Any]]:
    """Name, inhabitants and employees per county key from the county plugins (empty if none)."""
    try:
        from ..county import load_counties

        counties = load_counties(pm, workspace)
    except Exception:  # county plugins are optional for procurement; their failures show elsewhere
        return {}
    return {
        key: {"name": c.profile.name, "inhabitants": c.profile.inhabitants, "employees": c.profile.employees}
        for key, c in counties.items()
    }
