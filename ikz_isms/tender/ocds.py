"""An OCDS 1.1.5 release of a planned joint tender (planning and tender stage)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..procure.dates import add_months
from ..procure.ocds import CALLOFF_METHODS, METHODS, buyer_fields, finish, package, process_ocid, stamp, value

if TYPE_CHECKING:
    from .estimate import Estimate
    from .templates import Template

CATEGORIES = {"services": "services", "supplies": "goods", "works": "works"}


def tender_release(resolved: Mapping[str, Any], estimate: "Estimate", template: "Template", names: Mapping[str, str],
                   prefix: str) -> dict[str, Any]:
    """The release: every named county a ``buyer``, the lead also ``procuringEntity``; value = the estimate.

    Its ocid is the process's (:func:`ikz_isms.procure.ocds.process_ocid` of the project name),
    the one the awarded contract's release carries when it names the project as its ``tender``;
    its id derives from its content; its date is the project's creation, never the clock.
    """
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
    framework = bool(template.data["framework"])
    techniques: dict[str, Any] = {"hasFrameworkAgreement": framework}
    calloff = str((template.data.get("contract_terms") or {}).get("calloff") or "")
    if framework and (calloff in CALLOFF_METHODS or data.get("long_term_reason")):
        techniques["frameworkAgreement"] = {"method": CALLOFF_METHODS.get(calloff),
                                            "periodRationale": data.get("long_term_reason")}
    release: dict[str, Any] = {
        "ocid": process_ocid(prefix, data["name"]),
        "date": stamp(created),
        "tag": ["planning", "tender"],
        "initiationType": "tender",
        "language": "de",
        "parties": parties,
        **buyer_fields(parties),
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
            "techniques": techniques,
            "lots": [{"id": lot["id"], "title": lot["title"], "value": value(by_lot.get(lot["id"]))}
                     for lot in template.lots],
        },
    }
    if data.get("offer_deadline"):
        release["tender"]["tenderPeriod"] = {"endDate": stamp(_date(data["offer_deadline"]))}
    return finish(release, "vergabe")


def release_package(release: dict[str, Any], prefix: str, publisher: str) -> dict[str, Any]:
    return package([release], prefix, publisher)


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(str(text))
