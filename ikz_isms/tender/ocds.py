"""An OCDS 1.1.5 release of a planned joint tender (planning and tender stage)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..procure.dates import add_months
from ..procure.ocds import EXTENSIONS, METHODS, clean, stamp, value

if TYPE_CHECKING:
    from .estimate import Estimate
    from .templates import Template

CATEGORIES = {"services": "services", "supplies": "goods", "works": "works"}


def tender_release(resolved: Mapping[str, Any], estimate: "Estimate", template: "Template", names: Mapping[str, str],
                   prefix: str) -> dict[str, Any]:
    """The release: every named county a ``buyer``, the lead also ``procuringEntity``; value = the estimate."""
    data = resolved["vergabe"]
    lead = data["lead"]
    created = estimate.notice_date if not data.get("created") else _date(data["created"])
    notice = estimate.notice_date
    parties = [
        {"id": c, "name": names.get(c, c), "roles": ["buyer", "procuringEntity"] if c == lead else ["buyer"]}
        for c in data["counties"]
    ]
    procedure = resolved["verfahren"]["vorgeschlagen"]
    award = template.data["award"]
    criteria = "; ".join(f"{c['name']} {c['weight']} %" for c in award["criteria"])
    by_lot = estimate.by_lot()
    release: dict[str, Any] = {
        "ocid": f"{prefix}-{data['name']}",
        "id": f"{data['name']}-{created.isoformat()}",
        "date": stamp(created),
        "tag": ["planning", "tender"],
        "initiationType": "tender",
        "language": "de",
        "parties": parties,
        "buyer": {"id": lead, "name": names.get(lead, lead)},
        "planning": {
            "rationale": " ".join(estimate.reasoning),
            "budget": {"description": "Geschätzter Auftragswert nach §3 VgV (netto)", "amount": value(estimate.total)},
        },
        "tender": {
            "id": data["name"],
            "title": data["title"],
            "description": template.data.get("summary"),
            "status": "planned",
            "procuringEntity": {"id": lead, "name": names.get(lead, lead)},
            "value": value(estimate.total),
            "procurementMethod": METHODS.get(procedure.lower()),
            "procurementMethodDetails": f"{estimate.regime} – {procedure}",
            "mainProcurementCategory": CATEGORIES[template.data["contract_type"]],
            "awardCriteria": "priceOnly" if award["method"] == "niedrigster Preis" else "ratedCriteria",
            "awardCriteriaDetails": f"{award['method']}: {criteria}",
            "eligibilityCriteria": "; ".join(f"{e['criterion']} ({e['evidence']})" for e in template.data["eligibility"]),
            "items": [
                {"id": str(i), "classification": {"scheme": "CPV", "id": code.split("-")[0]}}
                for i, code in enumerate(template.data.get("cpv", []), start=1)
            ],
            "contractPeriod": {"durationInDays": (add_months(notice, estimate.months) - notice).days},
            "techniques": {"hasFrameworkAgreement": bool(template.data["framework"])},
            "lots": [{"id": lot["id"], "title": lot["title"], "value": value(by_lot.get(lot["id"]))}
                     for lot in template.lots],
        },
    }
    if data.get("offer_deadline"):
        release["tender"]["tenderPeriod"] = {"endDate": stamp(_date(data["offer_deadline"]))}
    cleaned: dict[str, Any] = clean(release)
    return cleaned


def release_package(release: dict[str, Any], publisher: str) -> dict[str, Any]:
    return {
        "uri": f"urn:ikz-isms:ocds:{release['ocid']}",
        "version": "1.1",
        "extensions": EXTENSIONS,
        "publishedDate": release["date"],
        "publisher": {"name": publisher},
        "releases": [release],
    }


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(str(text))
