"""Golden threshold verdicts for the §3 VgV estimate: edges of the dated thresholds, the 48-month rule, procedures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from ikz_isms.procure.legal import load_legal_figures
from ikz_isms.tender.estimate import estimate
from ikz_isms.tender.templates import Template


def _template(contract_type: str = "services", framework: bool = True, period: str = "once",
              options: list | None = None) -> Template:
    data = {
        "id": "probe", "title": "Probe", "contract_type": contract_type, "framework": framework,
        "lots": [{"id": "los", "title": "Los", "unit": "Stück", "quantity": {"source": "explicit"},
                  "unit_price": "1", "price_period": period}],
        "term": {"months": 24, "options": options or []},
        "sections": [{"title": "x", "text": "x"}],
        "eligibility": [], "award": {"method": "niedrigster Preis", "criteria": [{"name": "Preis", "weight": 100}]},
        "contract_terms": {"type": "VOL/B"},
    }
    return Template(Path("probe.yaml"), data)


def _project(value: str | int, notice: str, term: int = 24, options: list | None = None) -> dict:
    return {"name": "p", "title": "p", "template": "probe", "created": notice, "notice_date": notice,
            "lead": "a", "counties": ["a"], "term_months": term, "options": options or [],
            "needs": {"a": {"los": {"quantity": str(value)}}}}


@pytest.fixture(scope="module")
def legal():
    return load_legal_figures()


@pytest.mark.parametrize(
    "value, notice, eu",
    [
        ("215999.99", "2026-03-01", False),   # just below the 2026–27 threshold
        ("216000", "2026-03-01", True),       # at the threshold: EU
        ("216000.01", "2026-03-01", True),    # just above
        ("218000", "2025-12-31", False),      # 2024–25 table: below 221,000 → national
        ("218000", "2026-01-01", True),       # 2026–27 table: at or above 216,000 → EU
        ("220999.99", "2025-06-30", False),
        ("221000", "2025-06-30", True),
    ],
)
def test_supplies_services_threshold_edges(legal, value, notice, eu):
    result = estimate(_template(), _project(value, notice), legal)
    assert result.total == Decimal(value).quantize(Decimal("0.01"))
    assert result.eu is eu
    assert result.regime == ("VgV (GWB Teil 4)" if eu else "UVgO")
    expected = Decimal("216000") if notice >= "2026-01-01" else Decimal("221000")
    assert result.threshold.amount == expected
    assert result.threshold.source  # the verdict always names its legal source
    text = " ".join(result.reasoning)
    assert ("erreicht oder überschreitet den EU-Schwellenwert" if eu else "liegt unter dem EU-Schwellenwert") in text


@pytest.mark.parametrize(
    "value, notice, eu",
    [
        ("5403999.99", "2026-05-01", False),
        ("5404000", "2026-05-01", True),
        ("5404000", "2025-05-01", False),     # 2024–25 works threshold 5,538,000
        ("5538000", "2025-05-01", True),
    ],
)
def test_works_threshold_edges(legal, value, notice, eu):
    result = estimate(_template("works"), _project(value, notice), legal)
    assert result.eu is eu
    assert result.regime == ("VOB/A Abschnitt 2 (GWB Teil 4)" if eu else "VOB/A Abschnitt 1")


def test_options_and_extensions_count_and_the_framework_counts_its_whole_term(legal):
    options = [{"id": "verl", "label": "Verlängerung", "kind": "extension", "months": 36},
               {"id": "mehr", "label": "Mehrmenge", "kind": "quantity", "percent": "10"}]
    template = _template(period="month", options=options)
    # 1,000 €/month, 24 + 36 = 60 months, +10 %: a framework counts all 60 months
    result = estimate(template, _project(1000, "2026-03-01", options=["verl", "mehr"]), legal)
    assert result.months == 60 and result.counted_months == 60
    assert result.total == Decimal("66000.00")
    assert any("§3 Abs. 4 VgV" in line for line in result.reasoning)


def test_48_month_rule_for_a_contract_without_total_price(legal):
    options = [{"id": "verl", "label": "Verlängerung", "kind": "extension", "months": 36}]
    template = _template(framework=False, period="month", options=options)
    result = estimate(template, _project(5000, "2026-03-01", options=["verl"]), legal)
    assert result.months == 60 and result.counted_months == 48
    assert result.total == Decimal("240000.00") and result.eu
    assert any("48-facher Monatswert" in line for line in result.reasoning)
    short = estimate(template, _project(5000, "2026-03-01"), legal)
    assert short.counted_months == 24 and short.total == Decimal("120000.00")


def test_joint_need_of_small_counties_adds_up_to_an_eu_procedure(legal):
    template = _template(period="year")
    project = _project(0, "2026-03-01")
    project["counties"] = ["a", "b", "c", "d"]
    project["needs"] = {c: {"los": {"quantity": "30000"}} for c in project["counties"]}
    result = estimate(template, project, legal)
    # each county 30,000 €/year × 2 years = 60,000 €; together 240,000 € ≥ 216,000 €
    assert all(v == Decimal("60000.00") for v in result.by_county().values())
    assert result.total == Decimal("240000.00") and result.eu
    assert any("§4 VgV" in line for line in result.reasoning)


def test_national_procedures_follow_the_state_limits_and_show_unconfirmed_ones(legal):
    result = estimate(_template(), _project("50000", "2026-03-01"), legal)
    by_name = {p.name: p for p in result.procedures}
    assert by_name["Öffentliche Ausschreibung"].status == "frei"
    assert by_name["Beschränkte Ausschreibung ohne Teilnahmewettbewerb"].status == "Wertgrenze"  # ≤ 80,000
    verhandlung = by_name["Verhandlungsvergabe mit oder ohne Teilnahmewettbewerb"]
    assert verhandlung.status == "Begründung" and verhandlung.limit.amount == Decimal("40000")
    assert [p.amount for p in verhandlung.pending] == [Decimal("100000")]
    from ikz_isms.tender.estimate import procedure_text

    assert "UNBESTÄTIGT" in procedure_text(verhandlung)


def test_missing_need_makes_the_estimate_incomplete(legal):
    project = _project(1, "2026-03-01")
    project["needs"]["a"]["los"]["quantity"] = None
    result = estimate(_template(), project, legal)
    assert not result.complete and "Menge für Los 'los' fehlt" in result.missing[0]


def test_a_notice_date_without_a_threshold_is_an_input_error(legal):
    from ikz_isms.errors import InputError

    with pytest.raises(InputError, match="Kein gültiger Wert"):
        estimate(_template(), _project(1, "2031-01-01"), legal)


def test_notice_date_decides_not_today(legal):
    result = estimate(_template(), _project("218000", dt.date(2025, 12, 31).isoformat()), legal)
    assert result.notice_date == dt.date(2025, 12, 31) and not result.eu
