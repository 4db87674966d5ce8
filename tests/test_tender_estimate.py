"""Golden threshold verdicts for the §3 VgV estimate: edges of the dated thresholds, the 48-month rule, procedures."""

from __future__ import annotations

import datetime as dt
import json
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


# -- every EU threshold category of the dated legal data is selectable ------------------------


def test_every_threshold_category_of_the_legal_data_is_known_with_its_source(legal):
    categories = legal.threshold_categories()
    assert set(categories) == {"works", "supplies-services-subcentral", "supplies-services-central",
                               "social-services", "utilities", "concessions"}
    assert "Anhang XIV" in categories["social-services"]
    day = dt.date(2026, 5, 1)
    amounts = {c: legal.threshold(c, day).amount for c in categories}
    assert amounts == {"works": Decimal("5404000"), "supplies-services-subcentral": Decimal("216000"),
                       "supplies-services-central": Decimal("140000"), "social-services": Decimal("750000"),
                       "utilities": Decimal("432000"), "concessions": Decimal("5404000")}
    assert all(legal.threshold(c, day).source for c in categories)


@pytest.mark.parametrize("category, value, eu, regime", [
    # Annex XIV: 400,000 € of social services is national — measured against 750,000 €, not 216,000 €
    ("social-services", "400000", False, "UVgO (§49 UVgO: soziale und andere besondere Dienstleistungen)"),
    ("social-services", "750000", True, "VgV §§64–66 (soziale und andere besondere Dienstleistungen, §130 GWB)"),
    ("supplies-services-central", "140000", True, "VgV (GWB Teil 4)"),
    ("utilities", "431999.99", False, "UVgO"),
    ("utilities", "432000", True, "SektVO (GWB Teil 4, Sektorenauftraggeber)"),
    ("concessions", "5404000", True, "KonzVgV (GWB Teil 4, Konzessionen)"),
])
def test_a_project_chooses_its_threshold_category(legal, category, value, eu, regime):
    project = {**_project(value, "2026-05-01"), "threshold": category}
    result = estimate(_template(), project, legal)
    assert result.category == category and result.eu is eu and result.regime == regime
    assert result.threshold.id == f"eu-threshold.{category}"
    assert result.threshold.label in " ".join(result.reasoning) and result.threshold.source in " ".join(result.reasoning)


def test_social_services_procedures_above_the_threshold(legal):
    result = estimate(_template(), {**_project("800000", "2026-05-01"), "threshold": "social-services"}, legal)
    by_name = {p.name: p for p in result.procedures}
    assert by_name["Verhandlungsverfahren mit Teilnahmewettbewerb"].status == "frei"
    assert by_name["Verhandlungsverfahren mit Teilnahmewettbewerb"].basis == "§65 Abs. 1 VgV"
    assert by_name["Verhandlungsverfahren ohne Teilnahmewettbewerb"].status == "Begründung"


def test_the_template_sets_the_category_and_the_project_overrides_it(legal):
    template = _template()
    template.data["threshold"] = "social-services"
    assert estimate(template, _project("300000", "2026-05-01"), legal).category == "social-services"
    project = {**_project("300000", "2026-05-01"), "threshold": "supplies-services-subcentral"}
    assert estimate(template, project, legal).eu is True


def test_an_unknown_category_is_an_input_error_naming_the_known_ones(legal):
    from ikz_isms.errors import InputError

    with pytest.raises(InputError, match="Unbekannte Schwellenwert-Kategorie 'sozial'.*social-services"):
        estimate(_template(), {**_project("1", "2026-05-01"), "threshold": "sozial"}, legal)


# -- the same through the command line --------------------------------------------------------


COUNTIES = "bernkastel-wittlich,eifelkreis-bitburg-pruem,cochem-zell,vulkaneifel"


def test_tender_new_with_annex_xiv_social_services(example_workspace, run_cli):
    result = run_cli("tender", "new", "vob-vergabeberatung", "--counties", COUNTIES, "--notice-date", "2026-05-01",
                     "--date", "2026-04-01", "--name", "sozial", "--threshold", "social-services",
                     "--need", "eifelkreis-bitburg-pruem:beratung=80", cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    project = (example_workspace / "vergaben" / "sozial" / "vergabe.yaml").read_text(encoding="utf-8")
    assert "threshold: social-services" in project
    data = json.loads(run_cli("tender", "estimate", "sozial", "--format", "json", cwd=example_workspace).output)
    assert data["threshold_category"] == "social-services" and data["threshold"]["amount"] == "750000"
    text = run_cli("tender", "estimate", "sozial", cwd=example_workspace).output
    assert "750.000,00 €" in text and "Anhang XIV" in text and "2025/2152" in text
    check = json.loads(run_cli("check", "--format", "json", cwd=example_workspace).output)
    assert not [f for f in check["findings"] if f["rule"] == "tender.threshold-category"]


def test_an_unknown_or_unfitting_category_is_refused(example_workspace, run_cli):
    from ikz_isms.errors import ExitCode

    unknown = run_cli("tender", "new", "vob-vergabeberatung", "--counties", COUNTIES, "--threshold", "sozial",
                      cwd=example_workspace)
    assert unknown.exit_code == ExitCode.USAGE and "social-services" in unknown.stderr
    unfitting = run_cli("tender", "new", "vob-vergabeberatung", "--counties", COUNTIES, "--threshold", "works",
                        cwd=example_workspace)
    assert unfitting.exit_code == ExitCode.USAGE and "passt nicht zur Auftragsart" in unfitting.stderr
    assert not (example_workspace / "vergaben").exists()


def test_a_category_typed_into_a_project_file_is_found_with_its_line(example_workspace, run_cli):
    from ikz_isms.errors import ExitCode

    run_cli("tender", "new", "vob-vergabeberatung", "--counties", COUNTIES, "--notice-date", "2026-05-01",
            "--name", "probe", "--need", "eifelkreis-bitburg-pruem:beratung=80", cwd=example_workspace)
    path = example_workspace / "vergaben" / "probe" / "vergabe.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "threshold: sozial\n", encoding="utf-8")
    line = len(path.read_text(encoding="utf-8").splitlines())
    result = run_cli("tender", "estimate", "probe", cwd=example_workspace)
    assert result.exit_code == ExitCode.INPUT and f"vergabe.yaml, Zeile {line}" in result.stderr
    check = json.loads(run_cli("check", "--format", "json", cwd=example_workspace).output)
    finding = next(f for f in check["findings"] if f["rule"] == "tender.threshold-category")
    assert finding["file"] == "vergaben/probe/vergabe.yaml" and finding["location"].startswith(f"Zeile {line}")


def test_contract_opportunities_use_the_contracts_category(example_workspace, run_cli):
    for name in ("ev-mdm-bernkastel-wittlich", "ev-mdm-cochem-zell", "ev-mdm-vulkaneifel"):
        path = example_workspace / "catalogs" / "vertraege" / f"{name}.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("kind: single\n",
                                                                 "kind: single\nthreshold: social-services\n"),
                        encoding="utf-8")
    data = json.loads(run_cli("contracts", "opportunities", "--date", "2026-11-24", "--format", "json",
                              cwd=example_workspace).output)
    mdm = next(o for o in data["opportunities"] if o["category"] == "mobilgeraeteverwaltung")["contracts"]
    assert mdm["threshold"]["amount"] == "750000" and mdm["above_threshold"] is False
    assert "UVgO (§49 UVgO" in mdm["verdict"]
