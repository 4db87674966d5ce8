"""The words users read for the domain's codes: statuses, measure states, disclosure, provenance, needs.

The codes themselves belong to the domain (``assess.records.STATUSES``, ``assess.plan.STATES``,
``assess.targets.LEVELS``/``DIMENSIONS``, ``county.DISCLOSURE_POLICIES``); they are mirrored
here so presentation never imports the domain, and a test keeps both in step.
"""

from __future__ import annotations

from collections.abc import Mapping

#: check statuses (Umsetzungsstatus of the IT-Grundschutz-Check) in the one order every table,
#: chart and legend shows them: the BSI's order ja, teilweise, nein, entbehrlich, then what is
#: not yet assessed
STATUS_ORDER: tuple[str, ...] = ("ja", "teilweise", "nein", "entbehrlich", "unbearbeitet")
#: the status codes are German words already; the labels say how they are shown
STATUS_LABELS: Mapping[str, str] = {status: status for status in STATUS_ORDER}

#: states of a measure in the Realisierungsplan, in the order of its progress
MEASURE_STATES: tuple[str, ...] = ("geplant", "in Umsetzung", "umgesetzt", "verworfen")
MEASURE_STATE_LABELS: Mapping[str, str] = {state: state for state in MEASURE_STATES}

#: a county's disclosure policy towards the Verbund
DISCLOSURE_LABELS: Mapping[str, str] = {
    "none": "keine Freigabe",
    "aggregate": "nur Gesamtwerte",
    "full": "vollständig",
}

#: protection need (Schutzbedarf) from lowest to highest
NEED_LEVELS: tuple[str, ...] = ("normal", "hoch", "sehr hoch")
#: the three basic values (Grundwerte) protection needs are stated for
DIMENSIONS: tuple[str, ...] = ("C", "I", "A")
DIMENSION_NAMES: Mapping[str, str] = {"C": "Vertraulichkeit", "I": "Integrität", "A": "Verfügbarkeit"}

REVIEW_PREFIX = "review:"


def status_label(status: str) -> str:
    """How a check status is shown; an unknown code is shown as given."""
    return STATUS_LABELS.get(status, status)


def disclosure_label(policy: str) -> str:
    """How a disclosure policy is shown; an unknown code is shown as given."""
    return DISCLOSURE_LABELS.get(policy, policy)


def provenance_de(provenance: str | None) -> str:
    """Where a check record comes from: ``eigene Prüfung`` or the shared review it was adopted from."""
    if not provenance or provenance == "own":
        return "eigene Prüfung"
    if provenance.startswith(REVIEW_PREFIX):
        return f"übernommen aus Prüfung {provenance[len(REVIEW_PREFIX):]}"
    return provenance
