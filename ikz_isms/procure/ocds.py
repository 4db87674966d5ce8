"""OCDS 1.1.5 releases: a framework's first stage with all counties as buyers, each call-off its own process."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from .model import FrameworkContract

OCDS_VERSION = "1.1"
EXTENSIONS = [
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_techniques_extension/master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json",
]
#: procedure names (German) to the OCDS ``method`` codelist
METHODS = {
    "offenes verfahren": "open",
    "öffentliche ausschreibung": "open",
    "nicht offenes verfahren": "selective",
    "beschränkte ausschreibung mit teilnahmewettbewerb": "selective",
    "beschränkte ausschreibung": "limited",
    "beschränkte ausschreibung ohne teilnahmewettbewerb": "limited",
    "verhandlungsverfahren": "limited",
    "verhandlungsvergabe": "limited",
    "freihändige vergabe": "limited",
    "direktauftrag": "direct",
}


def _amount(value: Decimal) -> int | float:
    # OCDS wants a JSON number; two decimals survive the float round trip exactly in text
    return int(value) if value == value.to_integral_value() else float(value)


def value(amount: Decimal | None) -> dict[str, Any] | None:
    """An OCDS ``Value`` in euro, or ``None`` when the amount is unknown."""
    return None if amount is None else {"amount": _amount(amount), "currency": "EUR"}


def _category(contract: FrameworkContract) -> str:
    if contract.regime == "VOB":
        return "works"
    if contract.evb_it and "kauf" in contract.evb_it.lower():
        return "goods"
    return "services"


def _method(procedure: str) -> str | None:
    return METHODS.get(procedure.strip().lower()) if procedure else None


def stamp(day: dt.date) -> str:
    """An OCDS date-time for the start of ``day`` (UTC)."""
    return f"{day.isoformat()}T00:00:00Z"


def _party(key: str, names: Mapping[str, str], roles: list[str]) -> dict[str, Any]:
    return {"id": key, "name": names.get(key, key), "roles": roles}


def clean(data: Any) -> Any:
    """``data`` without empty fields, which OCDS wants omitted rather than null."""
    if isinstance(data, dict):
        return {k: clean(v) for k, v in data.items() if v not in (None, [], {}, "")}
    if isinstance(data, list):
        return [clean(v) for v in data]
    return data


def framework_release(contract: FrameworkContract, prefix: str, names: Mapping[str, str], on: dt.date) -> dict[str, Any]:
    """The framework agreement's first stage: tender, award and framework contract."""
    ocid = f"{prefix}-{contract.id}"
    suppliers = [{"id": f"lieferant-{i}", "name": name} for i, name in enumerate(contract.suppliers, start=1)]
    parties = [
        _party(c, names, ["buyer", "procuringEntity"] if c == contract.lead else ["buyer"]) for c in contract.holders
    ]
    parties += [{**s, "roles": ["supplier"]} for s in suppliers]
    period = {"startDate": stamp(contract.term.start), "endDate": stamp(contract.term.final_end)}
    lead = contract.lead or contract.owner
    award_id = f"{contract.id}-zuschlag"
    release = {
        "ocid": ocid,
        "id": f"{contract.id}-{on.isoformat()}",
        "date": stamp(on),
        "tag": ["tender", "award", "contract"],
        "initiationType": "tender",
        "language": "de",
        "parties": parties,
        "buyer": {"id": lead, "name": names.get(lead, lead)},
        "tender": {
            "id": contract.id,
            "title": contract.title,
            "status": "complete",
            "procuringEntity": {"id": lead, "name": names.get(lead, lead)},
            "procurementMethod": _method(contract.procedure),
            "procurementMethodDetails": " – ".join(p for p in (contract.regime, contract.procedure) if p) or None,
            "mainProcurementCategory": _category(contract),
            "value": value(contract.estimate),
            "contractPeriod": period,
            "items": [
                {"id": str(i), "classification": {"scheme": "CPV", "id": code.split("-")[0]}}
                for i, code in enumerate(contract.cpv, start=1)
            ],
            "techniques": {"hasFrameworkAgreement": contract.kind == "framework"},
            "lots": [
                {"id": lot.id, "title": lot.title, "value": value(lot.estimate)} for lot in contract.lots
            ],
        },
        "awards": [{"id": award_id, "status": "active", "suppliers": suppliers, "value": value(contract.ceiling),
                    "contractPeriod": period}],
        "contracts": [{"id": contract.id, "awardID": award_id, "title": contract.title, "status": _status(contract, on),
                       "period": period, "value": value(contract.ceiling)}],
    }
    cleaned: dict[str, Any] = clean(release)
    return cleaned


def _status(contract: FrameworkContract, on: dt.date) -> str:
    if on < contract.term.start:
        return "pending"
    return "terminated" if contract.state(on).expired else "active"


def calloff_releases(contract: FrameworkContract, prefix: str, names: Mapping[str, str]) -> Iterable[dict[str, Any]]:
    """One release per call-off, linked to the framework by ``relatedProcesses``."""
    framework_ocid = f"{prefix}-{contract.id}"
    suppliers = [{"id": f"lieferant-{i}", "name": name} for i, name in enumerate(contract.suppliers, start=1)]
    for calloff in contract.calloffs:
        ocid = f"{framework_ocid}-{calloff.id}"
        award_id = f"{calloff.id}-zuschlag"
        yield clean({
            "ocid": ocid,
            "id": f"{calloff.id}-{calloff.date.isoformat()}",
            "date": stamp(calloff.date),
            "tag": ["award", "contract"],
            "initiationType": "tender",
            "language": "de",
            "parties": [_party(calloff.county, names, ["buyer"])] + [{**s, "roles": ["supplier"]} for s in suppliers],
            "buyer": {"id": calloff.county, "name": names.get(calloff.county, calloff.county)},
            "relatedProcesses": [{
                "id": "rahmenvereinbarung",
                "relationship": ["framework"],
                "title": contract.title,
                "scheme": "ocid",
                "identifier": framework_ocid,
            }],
            "awards": [{"id": award_id, "status": "active", "date": stamp(calloff.date),
                        "suppliers": suppliers, "value": value(calloff.amount)}],
            "contracts": [{"id": calloff.id, "awardID": award_id, "title": calloff.description or contract.title,
                           "status": "active", "dateSigned": stamp(calloff.date), "value": value(calloff.amount)}],
        })


def release_package(
    contracts: Iterable[FrameworkContract], prefix: str, names: Mapping[str, str], on: dt.date, publisher: str
) -> dict[str, Any]:
    """A release package with every framework contract and its call-offs (deterministic for a given day)."""
    releases = []
    for contract in contracts:
        if contract.kind != "framework":
            continue
        releases.append(framework_release(contract, prefix, names, on))
        releases.extend(calloff_releases(contract, prefix, names))
    return {
        "uri": f"urn:ikz-isms:ocds:{prefix}:{on.isoformat()}",
        "version": OCDS_VERSION,
        "extensions": EXTENSIONS,
        "publishedDate": stamp(on),
        "publisher": {"name": publisher},
        "releases": releases,
    }
