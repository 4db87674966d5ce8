"""OCDS 1.1.5 releases that consumers can join (docs/ocds.md).

* **One ocid per contracting process** through planning, tender, award and contract:
  ``<prefix>-<process>``, where the process is the tender project (``vergaben/<name>``) — the
  tender pack's planning/tender release and the contract's award/contract release share it
  when the contract names its ``tender`` — else the contract's id. Each call-off is a process
  of its own (``<framework ocid>-<call-off id>``), linked to the framework's first stage by
  ``relatedProcesses[{relationship: ["framework"], scheme: "ocid", identifier}]``.
* **Release ids derive from content**: the SHA-256 of the release without its ``id``
  (canonical JSON). The same data gives the same id; changed data a new id — so a consumer
  that keeps one release per id never keeps a stale value under a current id.
* **Dates come from the data**, never the export day: a contract's release is dated its start
  (or the day after its end once it has ended), a call-off its own date, a tender release the
  project's creation. Two exports of unchanged data are identical, byte for byte.
* ``buyer`` is set only where there is one buyer; with several (a framework of many counties)
  it is left out and every participant is a party with the role ``buyer``, as the OCDS
  framework guidance says.
* The ocid prefix is the workspace's (``procurement.ocds.prefix`` in ``ikz-isms.yaml``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from .model import CallOff, FrameworkContract

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
    "verhandlungsverfahren mit teilnahmewettbewerb": "selective",
    "beschränkte ausschreibung": "limited",
    "beschränkte ausschreibung ohne teilnahmewettbewerb": "limited",
    "verhandlungsverfahren": "limited",
    "verhandlungsverfahren ohne teilnahmewettbewerb": "limited",
    "verhandlungsvergabe": "limited",
    "freihändige vergabe": "limited",
    "direktauftrag": "direct",
}
#: how call-offs are awarded under a framework (template ``contract_terms.calloff``) → OCDS codelist
CALLOFF_METHODS = {
    "ein Unternehmen": "withoutReopeningCompetition",
    "direkt nach objektiven Kriterien": "withoutReopeningCompetition",
    "Miniwettbewerb": "withReopeningCompetition",
    "gemischt": "withAndWithoutReopeningCompetition",
}


def process_ocid(prefix: str, process: str) -> str:
    """The ocid of a contracting process: the workspace's prefix and the process name."""
    return f"{prefix}-{process}"


def contract_ocid(prefix: str, contract: FrameworkContract) -> str:
    """A contract's process: its tender project when it names one, else the contract itself."""
    return process_ocid(prefix, contract.tender or contract.id)


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


def clean(data: Any) -> Any:
    """``data`` without empty fields, which OCDS wants omitted rather than null."""
    if isinstance(data, dict):
        cleaned = {k: clean(v) for k, v in data.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, [], {}, "")}
    if isinstance(data, list):
        return [clean(v) for v in data]
    return data


def content_id(release: Mapping[str, Any], stage: str) -> str:
    """A release id from its content: ``<stage>-`` and 16 hex digits of the SHA-256 of the release
    without ``id`` as canonical JSON (sorted keys, no spaces)."""
    payload = {k: v for k, v in release.items() if k != "id"}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return f"{stage}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]}"


def finish(release: dict[str, Any], stage: str) -> dict[str, Any]:
    """The cleaned release with its content-derived id as the second key (after ``ocid``)."""
    cleaned: dict[str, Any] = clean(release)
    identifier = content_id(cleaned, stage)
    return {"ocid": cleaned["ocid"], "id": identifier, **{k: v for k, v in cleaned.items() if k != "ocid"}}


def buyer_fields(buyers: list[dict[str, Any]]) -> dict[str, Any]:
    """``buyer`` for exactly one buyer; with several the field stays out (parties carry the role)."""
    if len(buyers) == 1:
        return {"buyer": {"id": buyers[0]["id"], "name": buyers[0]["name"]}}
    return {}


def _suppliers(contract: FrameworkContract) -> list[dict[str, Any]]:
    return [{"id": f"{contract.id}-lieferant-{i}", "name": name} for i, name in enumerate(contract.suppliers, start=1)]


def _status(contract: FrameworkContract, on: dt.date) -> tuple[str, dt.date]:
    """(contract status, the day the release describes): pending until the start, active, then terminated."""
    end = contract.certain_end(on)
    if on < contract.term.start:
        return "pending", contract.term.start
    if on > end:
        return "terminated", end + dt.timedelta(days=1)
    return "active", contract.term.start


def contract_release(contract: FrameworkContract, prefix: str, names: Mapping[str, str], on: dt.date) -> dict[str, Any]:
    """A framework agreement's first stage, or a single contract: tender summary, award, contract."""
    ocid = contract_ocid(prefix, contract)
    suppliers = _suppliers(contract)
    lead = contract.lead or contract.owner
    buyers = [{"id": c, "name": names.get(c, c), "roles": ["buyer", "procuringEntity"] if c == lead else ["buyer"]}
              for c in contract.holders]
    parties = buyers + [{**s, "roles": ["supplier"]} for s in suppliers]
    status, day = _status(contract, on)
    period = {"startDate": stamp(contract.term.start), "endDate": stamp(contract.certain_end(on)),
              "maxExtentDate": stamp(contract.term.final_end)}
    award_id = f"{contract.id}-zuschlag"
    framework = contract.kind == "framework"
    techniques: dict[str, Any] = {"hasFrameworkAgreement": framework}
    if framework and contract.long_term_reason:
        techniques["frameworkAgreement"] = {"periodRationale": contract.long_term_reason}
    lot_ids = [lot.id for lot in contract.lots]
    release = {
        "ocid": ocid,
        "date": stamp(day),
        "tag": ["tender", "award", "contract"] if not contract.tender else ["award", "contract"],
        "initiationType": "tender",
        "language": "de",
        "parties": parties,
        **buyer_fields(buyers),
        "tender": {
            "id": contract.tender or contract.id,
            "title": contract.title,
            "status": "complete",
            "procuringEntity": {"id": lead, "name": names.get(lead, lead)} if lead else None,
            "procurementMethod": _method(contract.procedure),
            "procurementMethodDetails": " – ".join(p for p in (contract.regime, contract.procedure) if p) or None,
            "mainProcurementCategory": _category(contract),
            "value": value(contract.estimate),
            "contractPeriod": period,
            "items": [
                {"id": str(i), "classification": {"scheme": "CPV", "id": code.split("-")[0]}}
                for i, code in enumerate(contract.cpv, start=1)
            ],
            "techniques": techniques,
            "lots": [{"id": lot.id, "title": lot.title, "value": value(lot.estimate)} for lot in contract.lots],
        },
        "awards": [{"id": award_id, "status": "active", "suppliers": suppliers,
                    "value": value(contract.ceiling or contract.estimate), "contractPeriod": period,
                    "relatedLots": lot_ids}],
        "contracts": [{"id": contract.id, "awardID": award_id, "title": contract.title, "status": status,
                       "period": period, "value": value(contract.ceiling or contract.estimate)}],
    }
    return finish(release, "vertrag")


def calloff_release(contract: FrameworkContract, calloff: CallOff, prefix: str,
                    names: Mapping[str, str]) -> dict[str, Any]:
    """A call-off as its own process, linked to the framework; its lot (if any) as ``relatedLots``."""
    framework_ocid = contract_ocid(prefix, contract)
    suppliers = _suppliers(contract)
    award_id = f"{calloff.id}-zuschlag"
    buyer = {"id": calloff.county, "name": names.get(calloff.county, calloff.county),
             "roles": ["buyer", "procuringEntity"]}
    lot = next((lot for lot in contract.lots if lot.id == calloff.lot), None)
    release = {
        "ocid": f"{framework_ocid}-{calloff.id}",
        "date": stamp(calloff.date),
        "tag": ["tender", "award", "contract"],
        "initiationType": "tender",
        "language": "de",
        "parties": [buyer] + [{**s, "roles": ["supplier"]} for s in suppliers],
        **buyer_fields([buyer]),
        "relatedProcesses": [{
            "id": "rahmenvereinbarung",
            "relationship": ["framework"],
            "title": contract.title,
            "scheme": "ocid",
            "identifier": framework_ocid,
        }],
        "tender": {
            "id": f"{contract.id}-{calloff.id}",
            "title": calloff.description or contract.title,
            "status": "complete",
            "procurementMethodDetails": f"Abruf aus der Rahmenvereinbarung {contract.id}",
            "mainProcurementCategory": _category(contract),
            "techniques": {"hasFrameworkAgreement": True},
            "lots": [{"id": lot.id, "title": lot.title}] if lot else [],
        },
        "awards": [{"id": award_id, "status": "active", "date": stamp(calloff.date), "suppliers": suppliers,
                    "value": value(calloff.amount), "relatedLots": [lot.id] if lot else []}],
        "contracts": [{"id": calloff.id, "awardID": award_id, "title": calloff.description or contract.title,
                       "status": "active", "dateSigned": stamp(calloff.date), "value": value(calloff.amount)}],
    }
    return finish(release, "abruf")


def releases(contracts: Iterable[FrameworkContract], prefix: str, names: Mapping[str, str],
             on: dt.date) -> list[dict[str, Any]]:
    """Every contract (frameworks and single contracts) and every call-off, in file order."""
    found = []
    for contract in contracts:
        found.append(contract_release(contract, prefix, names, on))
        found.extend(calloff_release(contract, calloff, prefix, names) for calloff in contract.calloffs)
    return found


def package(releases: list[dict[str, Any]], prefix: str, publisher: str) -> dict[str, Any]:
    """A release package whose ``uri`` and ``publishedDate`` come from its releases (no clock)."""
    digest = hashlib.sha256("\n".join(sorted(r["ocid"] + "/" + r["id"] for r in releases)).encode("utf-8"))
    published = max((r["date"] for r in releases), default=stamp(dt.date(2000, 1, 1)))
    return {
        "uri": f"urn:ikz-isms:ocds:{prefix}:{digest.hexdigest()[:16]}",
        "version": OCDS_VERSION,
        "extensions": EXTENSIONS,
        "publishedDate": published,
        "publisher": {"name": publisher},
        "releases": releases,
    }


def release_package(contracts: Iterable[FrameworkContract], prefix: str, names: Mapping[str, str], on: dt.date,
                    publisher: str) -> dict[str, Any]:
    """Every contract and call-off as one release package (identical for identical data)."""
    return package(releases(contracts, prefix, names, on), prefix, publisher)
