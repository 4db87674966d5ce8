"""``ikz-isms contracts``: list, show, due, calloff add with its refusals, opportunities, check rules, bad data."""

from __future__ import annotations

import json
import re
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from ikz_isms.errors import ExitCode

TODAY = "2026-11-24"


def contract_file(ws: Path, name: str) -> Path:
    return ws / "catalogs" / "vertraege" / f"{name}.yaml"


def test_list_json_shows_utilisation_and_current_notice_deadline(example_workspace, run_cli):
    result = run_cli("contracts", "list", "--date", TODAY, "--format", "json", cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    rows = {r["id"]: r for r in json.loads(result.output)["contracts"]}
    vob = rows["rv-vob-beratung"]
    assert vob["consumed"] == "32935.00" and vob["remaining"] == "87065.00"
    assert vob["utilisation"] == "0.2745"
    assert vob["state"]["current_end"] == "2027-03-31"
    assert vob["state"]["notice_deadline"] == "2026-12-31"
    assert vob["forecast_runout"] is not None
    # renewed term: the deadline 2026-09-30 was missed, so the next one is a year later
    mdm = rows["ev-mdm-bernkastel-wittlich"]
    assert mdm["state"]["current_end"] == "2026-12-31"
    assert mdm["state"]["notice_deadline"] == "2027-09-30"
    assert rows["ev-unterweisung-alt-vulkaneifel"]["state"]["expired"] is True


def test_list_text_is_german(example_workspace, run_cli):
    result = run_cli("contracts", "list", "--date", TODAY, cwd=example_workspace)
    assert result.exit_code == 0
    assert "Kündigungsfrist" in result.output and "Ausschöpfung" in result.output
    assert "27,4 %" in result.output


def test_show_contract_with_price_history_and_calloffs(example_workspace, run_cli):
    result = run_cli("contracts", "show", "rv-vob-beratung", "--date", TODAY, cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    assert re.search(r"Nächste Kündigungsfrist:\s+31\.12\.2026", result.output)
    assert "192,00 €" in result.output
    assert "Prüfung Ausschreibungsentwurf" in result.output
    data = json.loads(run_cli("contracts", "show", "rv-vob-beratung", "--date", TODAY, "--format", "json",
                              cwd=example_workspace).output)
    assert [p["amount"] for p in data["price_history"]] == ["185.00", "192.00"]
    assert len(data["calloff_list"]) == 5


def test_show_unknown_contract(example_workspace, run_cli):
    result = run_cli("contracts", "show", "rv-gibt-es-nicht", cwd=example_workspace)
    assert result.exit_code == ExitCode.INPUT
    assert "nicht gefunden" in result.stderr


def test_due_within_90_days(example_workspace, run_cli):
    result = run_cli("contracts", "due", "--within", "90d", "--date", TODAY, "--format", "json", cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    alerts = json.loads(result.output)["alerts"]
    deadlines = {(a["contract"], a["date"]) for a in alerts if a["kind"] == "deadline"}
    assert ("rv-vob-beratung", "2026-12-31") in deadlines
    assert ("rv-endpoint-monitoring", "2026-12-31") in deadlines
    assert all(0 <= a["days"] <= 90 for a in alerts)


def test_due_repeated_reminders_six_and_three_months_before(example_workspace, run_cli):
    # VOB framework: deadline 2026-12-31 → reminders on 2026-06-30 and 2026-09-30
    result = run_cli("contracts", "due", "--within", "1y", "--date", "2026-06-01", "--format", "json",
                     cwd=example_workspace)
    alerts = [a for a in json.loads(result.output)["alerts"] if a["contract"] == "rv-vob-beratung"]
    kinds = [(a["kind"], a["date"]) for a in alerts]
    assert ("reminder", "2026-06-30") in kinds
    assert ("reminder", "2026-09-30") in kinds
    assert ("deadline", "2026-12-31") in kinds
    text = run_cli("contracts", "due", "--within", "1y", "--date", "2026-06-01", cwd=example_workspace).output
    assert "Erinnerung: 6 Monate" in text and "Erinnerung: 3 Monate" in text


def test_due_ceiling_alert_at_80_percent(example_workspace, run_cli):
    path = contract_file(example_workspace, "rv-vob-beratung")
    text = path.read_text(encoding="utf-8").replace('amount: "5760.00"', 'amount: "75000.00"')
    path.write_text(text, encoding="utf-8")
    result = run_cli("contracts", "due", "--date", TODAY, "--format", "json", cwd=example_workspace)
    ceiling = [a for a in json.loads(result.output)["alerts"] if a["kind"] == "ceiling"]
    assert ceiling and ceiling[0]["contract"] == "rv-vob-beratung"
    assert "Schwelle 80 %" in ceiling[0]["message"]


def test_due_rejects_bad_period(example_workspace, run_cli):
    result = run_cli("contracts", "due", "--within", "bald", cwd=example_workspace)
    assert result.exit_code == ExitCode.USAGE
    assert "--within" in result.stderr


# -- call-offs -------------------------------------------------------------------------------


def test_calloff_add_writes_and_keeps_comments(example_workspace, run_cli):
    path = contract_file(example_workspace, "rv-vob-beratung")
    result = run_cli("contracts", "calloff", "add", "rv-vob-beratung", "--county", "vulkaneifel", "--hours", "10",
                     "--date", "2026-11-20", "--description", "Prüfung Nachtrag", cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    assert "A006" in result.output and "1.920,00 €" in result.output
    text = path.read_text(encoding="utf-8")
    assert "# Rahmenvereinbarung Beratung bei VOB-Vergaben" in text
    assert "- id: A006" in text and "amount: '1920.00'" in text
    shown = json.loads(run_cli("contracts", "show", "rv-vob-beratung", "--date", TODAY, "--format", "json",
                               cwd=example_workspace).output)
    assert shown["consumed"] == "34855.00"


def test_calloff_by_county_not_named_at_tender_is_refused(example_workspace, run_cli):
    path = contract_file(example_workspace, "rv-endpoint-monitoring")
    before = path.read_bytes()
    result = run_cli("contracts", "calloff", "add", "rv-endpoint-monitoring", "--county", "eifelkreis-bitburg-pruem",
                     "--amount", "1000", "--date", TODAY, cwd=example_workspace)
    assert result.exit_code == ExitCode.REFUSED
    assert "nicht benannt" in result.stderr and "§21 Abs. 2 VgV" in result.stderr
    assert path.read_bytes() == before


def test_calloff_outside_term_is_refused(example_workspace, run_cli):
    result = run_cli("contracts", "calloff", "add", "rv-vob-beratung", "--county", "vulkaneifel",
                     "--amount", "100", "--date", "2025-03-01", cwd=example_workspace)
    assert result.exit_code == ExitCode.REFUSED
    assert "außerhalb der Laufzeit" in result.stderr


def test_calloff_above_ceiling_is_refused(example_workspace, run_cli):
    result = run_cli("contracts", "calloff", "add", "rv-vob-beratung", "--county", "vulkaneifel",
                     "--amount", "87065.01", "--date", TODAY, cwd=example_workspace)
    assert result.exit_code == ExitCode.REFUSED
    assert "Höchstwert" in result.stderr and "87.065,00 €" in result.stderr
    exact = run_cli("contracts", "calloff", "add", "rv-vob-beratung", "--county", "vulkaneifel",
                    "--amount", "87065.00", "--date", TODAY, cwd=example_workspace)
    assert exact.exit_code == 0, exact.stderr


def test_forced_calloff_records_reason_and_check_downgrades_to_warning(example_workspace, run_cli):
    path = contract_file(example_workspace, "rv-endpoint-monitoring")
    no_reason = run_cli("contracts", "calloff", "add", "rv-endpoint-monitoring", "--county", "eifelkreis-bitburg-pruem",
                        "--amount", "1000", "--date", TODAY, "--force", cwd=example_workspace)
    assert no_reason.exit_code == ExitCode.USAGE
    result = run_cli("contracts", "calloff", "add", "rv-endpoint-monitoring", "--county", "eifelkreis-bitburg-pruem",
                     "--amount", "1000", "--date", TODAY, "--force", "--reason", "Notfall nach Vorfall, Vergabestelle informiert",
                     cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    text = path.read_text(encoding="utf-8")
    assert "reason: Notfall nach Vorfall, Vergabestelle informiert" in text
    assert "- not-named" in text
    check = run_cli("check", "--format", "json", cwd=example_workspace)
    findings = [f for f in json.loads(check.output)["findings"] if f["rule"] == "contracts.calloff-not-named"]
    assert findings and findings[0]["severity"] == "warning"
    assert findings[0]["file"].endswith("rv-endpoint-monitoring.yaml") and findings[0]["location"].startswith("Zeile ")


def test_calloff_rejects_bad_amount(example_workspace, run_cli):
    result = run_cli("contracts", "calloff", "add", "rv-vob-beratung", "--county", "vulkaneifel",
                     "--amount", "12.345", "--date", TODAY, cwd=example_workspace)
    assert result.exit_code == ExitCode.USAGE


def test_calloff_by_hours_before_the_first_price_is_refused_as_outside_term(example_workspace, run_cli):
    path = contract_file(example_workspace, "rv-vob-beratung")
    before = path.read_bytes()
    result = run_cli("contracts", "calloff", "add", "rv-vob-beratung", "--county", "vulkaneifel",
                     "--hours", "10", "--date", "2024-01-01", cwd=example_workspace)
    assert result.exit_code == ExitCode.REFUSED, result.stderr
    assert "außerhalb der Laufzeit" in result.stderr and "--amount fehlt" not in result.stderr
    forced = run_cli("contracts", "calloff", "add", "rv-vob-beratung", "--county", "vulkaneifel", "--hours", "10",
                     "--date", "2024-01-01", "--force", "--reason", "Nachtrag", cwd=example_workspace)
    assert forced.exit_code == ExitCode.USAGE
    assert "kein Preis am 01.01.2024 gültig" in forced.stderr and "rv-vob-beratung.yaml" in forced.stderr
    assert path.read_bytes() == before


def test_amount_with_german_thousands_dot_is_not_read_as_a_decimal(example_workspace, run_cli):
    path = contract_file(example_workspace, "rv-vob-beratung")
    before = path.read_bytes()
    result = run_cli("contracts", "calloff", "add", "rv-vob-beratung", "--county", "vulkaneifel",
                     "--amount", "1.500", "--date", TODAY, cwd=example_workspace)
    assert result.exit_code == ExitCode.USAGE
    assert "mehrdeutig" in result.stderr and "1500" in result.stderr
    assert path.read_bytes() == before
    german = run_cli("contracts", "calloff", "add", "rv-vob-beratung", "--county", "vulkaneifel",
                     "--amount", "1.500,50", "--date", TODAY, "--format", "json", cwd=example_workspace)
    assert german.exit_code == 0, german.stderr
    assert json.loads(german.output)["calloff"]["amount"] == "1500.50"


def test_check_reports_ceiling_in_german_money_format(example_workspace, run_cli):
    result = run_cli("contracts", "calloff", "add", "rv-vob-beratung", "--county", "vulkaneifel", "--amount", "100000",
                     "--date", TODAY, "--force", "--reason", "Hochwasser", cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    check = run_cli("check", cwd=example_workspace)
    line = next(text for text in check.output.splitlines() if "contracts.ceiling-exceeded" in text)
    assert "132.935,00 €" in line and "120.000,00 €" in line


# -- check rules -----------------------------------------------------------------------------


def write(ws: Path, name: str, text: str) -> Path:
    path = contract_file(ws, name)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_check_flags_term_over_four_years_under_vgv(example_workspace, run_cli):
    write(example_workspace, "rv-lang", """\
        id: rv-lang
        title: Zu lange Rahmenvereinbarung
        kind: framework
        participants: [vulkaneifel]
        regime: VgV
        term:
          start: 2026-01-01
          end: 2029-12-31
          renewal: tacit
          renewal_months: 12
          max_renewals: 1
          notice_months: 3
        """)
    result = run_cli("check", "--format", "json", cwd=example_workspace)
    assert result.exit_code == ExitCode.FINDINGS
    finding = next(f for f in json.loads(result.output)["findings"] if f["rule"] == "contracts.term-too-long")
    assert "60 Monate" in finding["message"] and "§21 Abs. 6 VgV" in finding["message"]
    assert finding["file"] == "catalogs/vertraege/rv-lang.yaml" and finding["location"].startswith("Zeile 6 ")


def test_check_accepts_long_term_with_reason_and_uvgo_six_years(example_workspace, run_cli):
    write(example_workspace, "rv-uvgo", """\
        id: rv-uvgo
        title: Sechs Jahre nach UVgO
        kind: framework
        participants: [vulkaneifel]
        regime: UVgO
        term: {start: 2026-01-01, end: 2031-12-31}
        """)
    result = run_cli("check", "--format", "json", cwd=example_workspace)
    assert not [f for f in json.loads(result.output)["findings"] if f["rule"] == "contracts.term-too-long"]


def test_bad_contract_file_is_a_located_finding_and_an_input_error(example_workspace, run_cli):
    write(example_workspace, "rv-kaputt", """\
        id: rv-kaputt
        title: Kaputt
        kind: framework
        participants: [vulkaneifel]
        term:
          start: 2026-01-01
          end: 2026-02-30
        ceiling: 12,50
        """)
    check = run_cli("check", "--format", "json", cwd=example_workspace)
    finding = next(f for f in json.loads(check.output)["findings"] if f["rule"] == "contracts.invalid")
    assert finding["severity"] == "error"
    assert finding["file"].endswith("rv-kaputt.yaml") and finding["location"].startswith("Zeile 7,")
    listing = run_cli("contracts", "list", cwd=example_workspace)
    assert listing.exit_code == ExitCode.INPUT
    assert "rv-kaputt.yaml" in listing.stderr and "Zeile 7" in listing.stderr
    assert "Traceback" not in listing.stderr


def test_money_as_float_text_is_a_schema_error_with_line(example_workspace, run_cli):
    write(example_workspace, "rv-geld", """\
        id: rv-geld
        title: Geld
        kind: framework
        participants: [vulkaneifel]
        term: {start: 2026-01-01, end: 2026-12-31}
        ceiling: "12.345"
        """)
    result = run_cli("contracts", "list", cwd=example_workspace)
    assert result.exit_code == ExitCode.INPUT
    assert "rv-geld.yaml, Zeile 6" in result.stderr


def test_calloff_add_on_broken_workspace_writes_nothing(example_workspace, run_cli):
    write(example_workspace, "rv-kaputt", "id: rv-kaputt\ntitle: [\n")
    path = contract_file(example_workspace, "rv-vob-beratung")
    before = path.read_bytes()
    result = run_cli("contracts", "calloff", "add", "rv-vob-beratung", "--county", "vulkaneifel", "--amount", "10",
                     cwd=example_workspace)
    assert result.exit_code == ExitCode.INPUT
    assert "rv-kaputt.yaml" in result.stderr
    assert path.read_bytes() == before


def test_check_warns_on_separate_contracts_for_one_category(example_workspace, run_cli):
    result = run_cli("check", "--format", "json", cwd=example_workspace)
    finding = next(f for f in json.loads(result.output)["findings"] if f["rule"] == "contracts.separate-contracts")
    assert "mobilgeraeteverwaltung" in finding["message"] and finding["severity"] == "warning"


def test_legal_figures_are_dated_and_sourced():
    import datetime as dt

    from ikz_isms.procure.legal import load_legal_figures

    legal = load_legal_figures()
    figure = legal.get("eu-threshold.supplies-services-subcentral", dt.date(2026, 11, 24))
    assert str(figure.amount) == "216000" and "2025/2152" in figure.source
    assert str(legal.get("eu-threshold.supplies-services-subcentral", dt.date(2025, 6, 1)).amount) == "221000"
    # the raised state limit is shipped but flagged, and not used for calculation
    assert str(legal.get("rlp.direktauftrag", dt.date(2026, 11, 24)).amount) == "3000"
    assert [str(f.amount) for f in legal.pending("rlp.direktauftrag")] == ["10000"]


# -- opportunities and export ----------------------------------------------------------------


def test_opportunities_propose_joint_tender_with_threshold_verdict(example_workspace, run_cli):
    result = run_cli("contracts", "opportunities", "--date", TODAY, "--format", "json", cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    found = {o["category"]: o for o in json.loads(result.output)["opportunities"]}
    assert "unterweisungssoftware" not in found  # old contracts expired, a framework exists
    mdm = found["mobilgeraeteverwaltung"]["contracts"]
    assert mdm["annual_total"] == "60500.00"
    assert mdm["estimate"] == "242000.00"
    assert mdm["above_threshold"] is True and "VgV" in mdm["verdict"]
    assert mdm["threshold"]["amount"] == "216000"
    assert found["mobilgeraeteverwaltung"]["counties_to_name"] == [
        "bernkastel-wittlich", "eifelkreis-bitburg-pruem", "cochem-zell", "vulkaneifel"]
    assert mdm["annual_need"]["eifelkreis-bitburg-pruem"] is None


def test_opportunities_below_threshold_is_national(example_workspace, run_cli):
    contract_file(example_workspace, "ev-mdm-bernkastel-wittlich").unlink()
    result = run_cli("contracts", "opportunities", "--date", TODAY, "--format", "json", cwd=example_workspace)
    mdm = next(o for o in json.loads(result.output)["opportunities"] if o["category"] == "mobilgeraeteverwaltung")
    assert mdm["contracts"]["estimate"] == "130000.00" and mdm["contracts"]["above_threshold"] is False
    assert "UVgO" in mdm["contracts"]["verdict"]


def test_export_ocds_to_an_unwritable_place_is_an_output_error(example_workspace, run_cli, tmp_path):
    (tmp_path / "datei").write_text("x", encoding="utf-8")
    target = tmp_path / "datei" / "ocds.json"
    result = run_cli("export", "ocds", "--output", str(target), cwd=example_workspace)
    assert result.exit_code == ExitCode.OUTPUT, result.stderr
    assert "nicht schreibbar" in result.stderr and str(target) in result.stderr
    assert "Interner Fehler" not in result.stderr


def test_export_ocds_is_valid_against_the_release_schema(example_workspace, run_cli, tmp_path):
    from tests.support import upstream_file

    schema_path = upstream_file("schemas/ocds/1.1.5/release-schema.json")
    from jsonschema import Draft4Validator

    out = tmp_path / "ocds.json"
    result = run_cli("export", "ocds", "--date", TODAY, "--output", str(out), cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    package = json.loads(out.read_text(encoding="utf-8"))
    validator = Draft4Validator(json.loads(schema_path.read_text(encoding="utf-8")))
    for release in package["releases"]:
        errors = [e.message for e in validator.iter_errors(release)]
        assert not errors, (release["ocid"], errors)
    frameworks = [r for r in package["releases"] if "tender" in r]
    monitoring = next(r for r in frameworks if r["ocid"].endswith("rv-endpoint-monitoring"))
    buyers = [p["id"] for p in monitoring["parties"] if "buyer" in p["roles"]]
    assert buyers == ["bernkastel-wittlich", "cochem-zell", "vulkaneifel"]
    assert monitoring["tender"]["techniques"]["hasFrameworkAgreement"] is True
    calloffs = [r for r in package["releases"] if r.get("relatedProcesses")]
    assert len(calloffs) == 11
    link = calloffs[0]["relatedProcesses"][0]
    assert link["relationship"] == ["framework"] and link["scheme"] == "ocid"
    assert any(r["ocid"] == link["identifier"] for r in frameworks)
    again = run_cli("export", "ocds", "--date", TODAY, cwd=example_workspace)
    assert json.loads(again.output) == package


def test_parallel_calloffs_cannot_both_use_the_remaining_ceiling(example_workspace):
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root), "IKZ_ISMS_NO_ENTRY_POINTS": "1"}
    command = [sys.executable, "-m", "ikz_isms", "contracts", "calloff", "add", "rv-vob-beratung",
               "--amount", "50000", "--date", TODAY, "--county"]
    runs = [subprocess.Popen(command + [county], cwd=example_workspace, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for county in ("vulkaneifel", "cochem-zell")]
    codes = sorted(run.wait(timeout=60) for run in runs)
    assert codes == [0, ExitCode.REFUSED]
    text = contract_file(example_workspace, "rv-vob-beratung").read_text(encoding="utf-8")
    assert text.count("amount: '50000.00'") == 1


def test_workspace_legal_figures_override_is_checked(example_workspace, run_cli):
    write(example_workspace, "rechtliche-kennzahlen", """\
        figures:
          - id: eu-threshold.supplies-services-subcentral
            label: Schwellenwert
            amount: "216000"
            valid_from: 2026-01-01
            source: Delegierte Verordnung (EU) 2025/2152
          - id: eu-threshold.supplies-services-subcentral
            label: Schwellenwert alt
            amount: "221000"
            valid_from: 2024-01-01
            valid_to: 2026-06-30
            source: Delegierte Verordnung (EU) 2023/2495
        """)
    result = run_cli("check", "--format", "json", cwd=example_workspace)
    finding = next(f for f in json.loads(result.output)["findings"] if f["rule"] == "contracts.legal-figures")
    assert "überschneiden" in finding["message"]
    assert finding["file"] == "catalogs/vertraege/rechtliche-kennzahlen.yaml"
    assert not [f for f in json.loads(result.output)["findings"] if f["rule"] == "contracts.invalid"]


def test_legal_figure_without_source_is_an_input_error(example_workspace, run_cli):
    write(example_workspace, "rechtliche-kennzahlen", """\
        figures:
          - id: eu-threshold.supplies-services-subcentral
            amount: "216000"
            valid_from: 2026-01-01
        """)
    result = run_cli("contracts", "opportunities", "--date", TODAY, cwd=example_workspace)
    assert result.exit_code == ExitCode.INPUT
    assert "rechtliche-kennzahlen.yaml, Zeile 2" in result.stderr and "source" in result.stderr


# -- one figure for "abgerufen" --------------------------------------------------------------


def county_calloffs(ws: Path, text: str) -> Path:
    """A county's call-off file against the Verbund's contracts, contributed by a workspace plugin."""
    from ikz_isms.testing import write_plugin

    path = ws / "abrufe" / "vulkaneifel.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    write_plugin(ws, "abrufe_vulkaneifel", f"""
        from ikz_isms import hookimpl

        @hookimpl
        def ikz_register_contracts(register):
            register({str(path)!r})
        """)
    return path


LATER_CALLOFF = """\
    calloffs:
      - {contract: rv-vob-beratung, id: V1, county: vulkaneifel, date: 2026-12-15, amount: "80000.00"}
    """


def test_show_list_due_and_calloff_add_agree_on_consumed(example_workspace, run_cli):
    # a county's call-off dated after the day looked at counts: a ceiling is about the whole contract
    county_calloffs(example_workspace, LATER_CALLOFF)
    shown = json.loads(run_cli("contracts", "show", "rv-vob-beratung", "--date", TODAY, "--format", "json",
                               cwd=example_workspace).output)
    assert shown["consumed"] == "112935.00" and shown["remaining"] == "7065.00"
    listed = json.loads(run_cli("contracts", "list", "--date", TODAY, "--format", "json", cwd=example_workspace).output)
    assert next(r for r in listed["contracts"] if r["id"] == "rv-vob-beratung")["consumed"] == "112935.00"
    text = run_cli("contracts", "show", "rv-vob-beratung", "--date", TODAY, cwd=example_workspace).output
    assert re.search(r"Abgerufen / verbleibend:\s+112\.935,00 € / 7\.065,00 €", text)
    due = json.loads(run_cli("contracts", "due", "--date", TODAY, "--format", "json", cwd=example_workspace).output)
    assert any(a["kind"] == "ceiling" and a["contract"] == "rv-vob-beratung" for a in due["alerts"])

    path = contract_file(example_workspace, "rv-vob-beratung")
    before = path.read_bytes()
    over = run_cli("contracts", "calloff", "add", "rv-vob-beratung", "--county", "cochem-zell", "--amount", "7065.01",
                   "--date", TODAY, cwd=example_workspace)
    assert over.exit_code == ExitCode.REFUSED
    assert "bereits abgerufen 112.935,00 €, verbleibend 7.065,00 €" in over.stderr
    assert path.read_bytes() == before
    exact = run_cli("contracts", "calloff", "add", "rv-vob-beratung", "--county", "cochem-zell", "--amount", "7065.00",
                    "--date", TODAY, cwd=example_workspace)
    assert exact.exit_code == 0, exact.stderr
    assert "abgerufen jetzt 120.000,00 €" in exact.output
    check = json.loads(run_cli("check", "--format", "json", cwd=example_workspace).output)
    assert not [f for f in check["findings"] if f["rule"] == "contracts.ceiling-exceeded"]
    export = json.loads(run_cli("export", "ocds", "--date", TODAY, cwd=example_workspace).output)
    vob = [r for r in export["releases"] if r["ocid"].startswith("ocds-ikz000-rv-vob-beratung-")]
    assert sum(r["awards"][0]["value"]["amount"] for r in vob) == 120000


def test_ceiling_is_judged_on_the_county_files_as_they_are_under_the_lock(example_workspace, run_cli, monkeypatch):
    from ikz_isms.store import fs

    external = county_calloffs(example_workspace, "calloffs: []\n")
    path = contract_file(example_workspace, "rv-vob-beratung")
    before = path.read_bytes()
    locked = fs.locked

    def meanwhile(target, *args, **kwargs):
        # a county records a call-off after the command read the files, before it holds the lock
        external.write_text(textwrap.dedent(LATER_CALLOFF), encoding="utf-8")
        return locked(target, *args, **kwargs)

    monkeypatch.setattr(fs, "locked", meanwhile)
    result = run_cli("contracts", "calloff", "add", "rv-vob-beratung", "--county", "cochem-zell", "--amount", "10000",
                     "--date", TODAY, cwd=example_workspace)
    assert result.exit_code == ExitCode.REFUSED, result.stderr
    assert "bereits abgerufen 112.935,00 €" in result.stderr
    assert path.read_bytes() == before


def test_consumed_counts_forced_calloffs_and_refuses_the_next(example_workspace, run_cli):
    forced = run_cli("contracts", "calloff", "add", "rv-vob-beratung", "--county", "vulkaneifel", "--amount", "90000",
                     "--date", TODAY, "--force", "--reason", "Hochwasser", cwd=example_workspace)
    assert forced.exit_code == 0, forced.stderr
    shown = json.loads(run_cli("contracts", "show", "rv-vob-beratung", "--date", "2025-06-01", "--format", "json",
                               cwd=example_workspace).output)
    assert shown["consumed"] == "122935.00" and shown["remaining"] == "-2935.00"
    again = run_cli("contracts", "calloff", "add", "rv-vob-beratung", "--county", "vulkaneifel", "--amount", "1",
                    "--date", TODAY, cwd=example_workspace)
    assert again.exit_code == ExitCode.REFUSED and "bereits abgerufen 122.935,00 €" in again.stderr


def test_list_and_show_give_one_rounding_of_the_exact_share(example_workspace, run_cli):
    # 32,935 / 120,000 = 27.4458 %: one rounding gives 27,4 % (rounding to 0.2745 first would give 27,5 %)
    listing = run_cli("contracts", "list", "--date", TODAY, cwd=example_workspace).output
    shown = run_cli("contracts", "show", "rv-vob-beratung", "--date", TODAY, cwd=example_workspace).output
    assert "27,4 %" in listing and "27,5 %" not in listing
    assert re.search(r"Ausschöpfung:\s+27,4 %", shown)


# -- numbers from files ----------------------------------------------------------------------


BAD_VALUES = [
    ('ceiling: "120000.00"', 'ceiling: "-5.00"', "größer als 0", 30),
    ('ceiling: "120000.00"', 'ceiling: !include geheim.yaml', "YAML-Markierung", 30),
    ('estimate: "96000.00"', "estimate: 96000.125", "mehr als 2 Nachkommastellen", 31),
    ('      amount: "185.00"', '      amount: "-185.00"', "größer als 0", 36),
    ('    amount: "7400.00"', "    amount: 1e308", "nicht die erwartete Form", 49),
    ('    amount: "7400.00"', "    amount: 1.0e+308", "außerhalb des zulässigen Bereichs", 49),
    ('    amount: "7400.00"', '    amount: "1000000000000.00"', "kleiner als 10^12", 49),
    ('    amount: "7400.00"', '    amount: "0.00"', "größer als 0", 49),
    ('    amount: "7400.00"', "    amount: 7400.001", "mehr als 2 Nachkommastellen", 49),
    ("    hours: 40", "    hours: -40", "größer als 0", 50),
    ("  - id: A005", "  - id: A004", "Abruf-ID 'A004' für Vertrag 'rv-vob-beratung' doppelt", 70),
    ("  max_renewals: 2", "  max_renewals: 100000000000000", "ganze Zahl von 0 bis 50", 28),
    ("  end: 2027-03-31", "  end: 2027-02-30", "ungültiges Datum", 25),
    ("  end: 2027-03-31", '  end: "2999-03-31"', "außerhalb von 1900–2200", 25),
]


@pytest.mark.parametrize("old, new, message, line", BAD_VALUES, ids=[b[1].strip() for b in BAD_VALUES])
def test_bad_values_in_a_contract_file_are_refused_with_place_and_nothing_is_written(
        example_workspace, run_cli, old, new, message, line):
    from tests.support import snapshot_tree

    path = contract_file(example_workspace, "rv-vob-beratung")
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    before = snapshot_tree(example_workspace)
    for args in (("contracts", "list"), ("contracts", "show", "rv-endpoint-monitoring"),
                 ("contracts", "calloff", "add", "rv-endpoint-monitoring", "--county", "vulkaneifel", "--amount", "10",
                  "--date", TODAY),
                 ("costs", "allocate", "rv-endpoint-monitoring", "--period", "2026"),
                 ("export", "ocds", "--output", str(example_workspace / "ocds.json"))):
        result = run_cli(*args, cwd=example_workspace)
        assert result.exit_code == ExitCode.INPUT, (args, result.stderr)
        assert f"rv-vob-beratung.yaml, Zeile {line}" in result.stderr, (args, result.stderr)
        assert message in result.stderr and "Traceback" not in result.stderr
    assert snapshot_tree(example_workspace) == before
    check = run_cli("check", "--format", "json", cwd=example_workspace)
    found = [f for f in json.loads(check.output)["findings"] if f["rule"] == "contracts.invalid"]
    assert found and found[0]["file"] == "catalogs/vertraege/rv-vob-beratung.yaml"
    assert found[0]["location"].startswith(f"Zeile {line}") and message in found[0]["message"]


def test_a_calloff_id_used_again_in_a_county_file_is_refused(example_workspace, run_cli):
    external = county_calloffs(example_workspace, """\
        calloffs:
          - {contract: rv-vob-beratung, id: A003, county: vulkaneifel, date: 2026-10-01, amount: "100.00"}
        """)
    result = run_cli("contracts", "list", cwd=example_workspace)
    assert result.exit_code == ExitCode.INPUT
    assert f"{external}, Zeile 2" in result.stderr
    assert "Abruf-ID 'A003' für Vertrag 'rv-vob-beratung' doppelt" in result.stderr
    assert "rv-vob-beratung.yaml, Zeile 58" in result.stderr  # where A003 is first
    check = json.loads(run_cli("check", "--format", "json", cwd=example_workspace).output)
    finding = next(f for f in check["findings"] if f["rule"] == "contracts.invalid")
    assert finding["file"] == "abrufe/vulkaneifel.yaml" and finding["location"].startswith("Zeile 2")


@pytest.mark.parametrize("option, value", [("--amount", "1e308"), ("--amount", "0"), ("--amount", "-5"),
                                           ("--amount", "1000000000000"), ("--hours", "-1"), ("--hours", "1e3"),
                                           ("--quantity", "0")])
def test_bad_numbers_at_calloff_add_are_usage_errors(example_workspace, run_cli, option, value):
    path = contract_file(example_workspace, "rv-vob-beratung")
    before = path.read_bytes()
    result = run_cli("contracts", "calloff", "add", "rv-vob-beratung", "--county", "vulkaneifel", option, value,
                     "--date", TODAY, cwd=example_workspace)
    assert result.exit_code == ExitCode.USAGE, result.stderr
    assert option in result.stderr
    assert path.read_bytes() == before


def test_a_huge_ceiling_with_a_tiny_pace_shows_no_runout(example_workspace, run_cli):
    write(example_workspace, "rv-gross", """\
        id: rv-gross
        title: Großer Rahmen
        kind: framework
        participants: [vulkaneifel]
        term: {start: 2026-01-01, end: 2027-12-31}
        ceiling: "999999999999.99"
        calloffs:
          - {id: A001, county: vulkaneifel, date: 2026-01-01, amount: "0.01"}
        """)
    result = run_cli("contracts", "show", "rv-gross", "--date", TODAY, cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    assert re.search(r"Prognose Ausschöpfung:\s+–", result.output)


# -- terms that hold: call-offs only within the current term -----------------------------------


def on_day(monkeypatch, day: str) -> None:
    """Make ``day`` the run's today (SOURCE_DATE_EPOCH), as a CI pipeline would pin it."""
    import datetime as dt

    epoch = int(dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC).timestamp())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))


VOB_TERM = ("aktuelle Laufzeit 01.04.2025 bis 31.03.2027; eine Verlängerung (spätestens bis 31.03.2029) zählt erst, "
            "wenn sie erklärt oder nicht mehr abzuwenden ist")


def test_a_future_calloff_past_the_current_term_is_refused(example_workspace, run_cli, monkeypatch):
    # VOB framework on 24.11.2026: the renewal to 31.03.2028 can still be stopped (deadline 31.12.2026)
    on_day(monkeypatch, "2026-11-24")
    path = contract_file(example_workspace, "rv-vob-beratung")
    before = path.read_bytes()
    for day in ("2027-04-01", "2028-05-02", "2029-03-31"):
        result = run_cli("contracts", "calloff", "add", "rv-vob-beratung", "--county", "vulkaneifel",
                         "--amount", "100", "--date", day, cwd=example_workspace)
        assert result.exit_code == ExitCode.REFUSED, (day, result.stderr)
        assert f"außerhalb der Laufzeit ({VOB_TERM})" in result.stderr
    assert path.read_bytes() == before
    last_day = run_cli("contracts", "calloff", "add", "rv-vob-beratung", "--county", "vulkaneifel",
                       "--amount", "100", "--date", "2027-03-31", cwd=example_workspace)
    assert last_day.exit_code == 0, last_day.stderr


def test_a_renewal_that_can_no_longer_be_stopped_opens_the_next_period(example_workspace, run_cli, monkeypatch):
    on_day(monkeypatch, "2027-01-04")  # the notice deadline 31.12.2026 has passed: renewed to 31.03.2028
    result = run_cli("contracts", "calloff", "add", "rv-vob-beratung", "--county", "vulkaneifel",
                     "--amount", "100", "--date", "2028-03-31", cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    later = run_cli("contracts", "calloff", "add", "rv-vob-beratung", "--county", "vulkaneifel",
                    "--amount", "100", "--date", "2028-04-01", cwd=example_workspace)
    assert later.exit_code == ExitCode.REFUSED
    assert "aktuelle Laufzeit 01.04.2025 bis 31.03.2028" in later.stderr


def test_an_express_option_counts_only_once_exercised(example_workspace, run_cli, monkeypatch):
    on_day(monkeypatch, "2027-05-03")
    refused = run_cli("contracts", "calloff", "add", "rv-endpoint-monitoring", "--county", "vulkaneifel",
                      "--amount", "100", "--date", "2027-09-01", cwd=example_workspace)
    assert refused.exit_code == ExitCode.REFUSED and "bis 30.06.2027" in refused.stderr
    path = contract_file(example_workspace, "rv-endpoint-monitoring")
    path.write_text(path.read_text(encoding="utf-8").replace("  max_renewals: 2\n",
                                                             "  max_renewals: 2\n  renewals_exercised: 1\n"),
                    encoding="utf-8")
    accepted = run_cli("contracts", "calloff", "add", "rv-endpoint-monitoring", "--county", "vulkaneifel",
                       "--amount", "100", "--date", "2027-09-01", cwd=example_workspace)
    assert accepted.exit_code == 0, accepted.stderr


def test_two_refusals_quote_one_term(example_workspace, run_cli, monkeypatch):
    on_day(monkeypatch, "2026-11-24")
    by_hours = run_cli("contracts", "calloff", "add", "rv-vob-beratung", "--county", "vulkaneifel",
                       "--hours", "10", "--date", "2024-01-01", cwd=example_workspace)
    by_amount = run_cli("contracts", "calloff", "add", "rv-vob-beratung", "--county", "vulkaneifel",
                        "--amount", "10", "--date", "2028-06-01", cwd=example_workspace)
    assert by_hours.exit_code == by_amount.exit_code == ExitCode.REFUSED
    terms = {re.search(r"außerhalb der Laufzeit \((.*)\)\.", r.stderr).group(1) for r in (by_hours, by_amount)}
    assert terms == {VOB_TERM}


def test_forced_future_calloff_keeps_its_reason_and_check_finds_calloffs_past_the_term(example_workspace, run_cli,
                                                                                       monkeypatch):
    on_day(monkeypatch, "2026-11-24")
    forced = run_cli("contracts", "calloff", "add", "rv-vob-beratung", "--county", "vulkaneifel", "--amount", "500",
                     "--date", "2028-02-01", "--force", "--reason", "Verlängerung im Lenkungskreis beschlossen",
                     cwd=example_workspace)
    assert forced.exit_code == 0, forced.stderr
    text = contract_file(example_workspace, "rv-vob-beratung").read_text(encoding="utf-8")
    assert "reason: Verlängerung im Lenkungskreis beschlossen" in text and "- outside-term" in text
    # a county's call-off file, written by hand: no refusal on the way, check finds it
    county_calloffs(example_workspace, """\
        calloffs:
          - {contract: rv-vob-beratung, id: V9, county: vulkaneifel, date: 2028-09-01, amount: "900.00"}
        """)
    check = json.loads(run_cli("check", "--format", "json", cwd=example_workspace).output)
    found = {f["location"].split(" ")[1]: f for f in check["findings"] if f["rule"] == "contracts.calloff-outside-term"}
    by_file = {f["file"]: f for f in found.values()}
    hand = by_file["abrufe/vulkaneifel.yaml"]
    assert hand["severity"] == "error" and VOB_TERM in hand["message"] and hand["location"].startswith("Zeile 2")
    kept = by_file["catalogs/vertraege/rv-vob-beratung.yaml"]
    assert kept["severity"] == "warning" and "erzwungen: Verlängerung im Lenkungskreis beschlossen" in kept["message"]


def test_contracts_show_says_until_when_calloffs_are_allowed(example_workspace, run_cli):
    text = run_cli("contracts", "show", "rv-vob-beratung", "--date", TODAY, cwd=example_workspace).output
    assert re.search(r"Abrufe zulässig bis:\s+31\.03\.2027", text)
    data = json.loads(run_cli("contracts", "show", "rv-vob-beratung", "--date", "2027-01-01", "--format", "json",
                              cwd=example_workspace).output)
    assert data["certain_end"] == "2028-03-31"


def test_due_within_twelve_months_counts_calendar_months(example_workspace, run_cli):
    write(example_workspace, "ev-kalender", """\
        id: ev-kalender
        title: Vertrag mit Frist nach 363 Tagen
        kind: single
        owner: vulkaneifel
        term: {start: 2026-02-23, end: 2028-02-22, renewal: tacit, renewal_months: 12, max_renewals: 1, notice_months: 3}
        """)
    def deadlines(within):
        result = run_cli("contracts", "due", "--within", within, "--date", TODAY, "--format", "json",
                         cwd=example_workspace)
        assert result.exit_code == 0, result.stderr
        return json.loads(result.output), [a["date"] for a in json.loads(result.output)["alerts"]
                                            if a["contract"] == "ev-kalender" and a["kind"] == "deadline"]
    data, found = deadlines("12m")
    assert data["until"] == "2027-11-24" and data["within_days"] == 365
    assert found == ["2027-11-22"]  # 363 days ahead: inside twelve calendar months, outside 360 days
    assert deadlines("360d")[1] == []
    assert deadlines("1y")[1] == ["2027-11-22"]


# -- costs from what was billed ---------------------------------------------------------------


HOURS_ONLY = """\
  - id: A006
    county: vulkaneifel
    date: {date}
    hours: 10
    description: Nachtrag, nur Stunden erfasst
"""


def add_hours_only_calloff(ws: Path, day: str) -> Path:
    path = contract_file(ws, "rv-vob-beratung")
    path.write_text(path.read_text(encoding="utf-8") + HOURS_ONLY.format(date=day), encoding="utf-8")
    return path


@pytest.mark.parametrize("day, amount", [("2026-03-31", "1850.00"), ("2026-04-01", "1920.00")])
def test_hours_only_calloff_is_priced_at_the_rate_of_its_own_date_everywhere(example_workspace, run_cli, day, amount):
    add_hours_only_calloff(example_workspace, day)
    consumed = str(Decimal("32935.00") + Decimal(amount))
    shown = json.loads(run_cli("contracts", "show", "rv-vob-beratung", "--date", TODAY, "--format", "json",
                               cwd=example_workspace).output)
    assert shown["consumed"] == consumed
    assert shown["consumed_by_year"] == {"2025": "12950.00", "2026": str(Decimal("19985.00") + Decimal(amount))}
    priced = next(c for c in shown["calloff_list"] if c["id"] == "A006")
    assert priced["amount"] == amount and "10 h × " in priced["priced"]
    listed = json.loads(run_cli("contracts", "list", "--date", TODAY, "--format", "json", cwd=example_workspace).output)
    assert next(r for r in listed["contracts"] if r["id"] == "rv-vob-beratung")["consumed"] == consumed
    costs = json.loads(run_cli("costs", "allocate", "rv-vob-beratung", "--period", "2026", "--format", "json",
                               cwd=example_workspace).output)
    assert costs["total"] == str(Decimal("19985.00") + Decimal(amount))
    vulkaneifel = next(s for s in costs["shares"] if s["county"] == "vulkaneifel")
    assert vulkaneifel["amount"] == str(Decimal("4625.00") + Decimal(amount)) and vulkaneifel["metric"] == "35"
    export = json.loads(run_cli("export", "ocds", "--date", TODAY, cwd=example_workspace).output)
    a006 = next(r for r in export["releases"] if r["ocid"].endswith("rv-vob-beratung-A006"))
    assert str(Decimal(str(a006["awards"][0]["value"]["amount"])).quantize(Decimal("0.01"))) == amount


def test_a_calloff_that_cannot_be_priced_is_an_error_naming_it(example_workspace, run_cli):
    path = contract_file(example_workspace, "rv-vob-beratung")
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "  - {id: A006, county: vulkaneifel, date: 2026-06-01, description: ohne Betrag}\n",
                    encoding="utf-8")
    line = len(text.splitlines()) + 1
    for args in (("contracts", "list"), ("costs", "allocate", "rv-vob-beratung", "--period", "2026"),
                 ("export", "ocds")):
        result = run_cli(*args, cwd=example_workspace)
        assert result.exit_code == ExitCode.INPUT, (args, result.stderr)
        assert "Abruf rv-vob-beratung/A006 lässt sich nicht bepreisen" in result.stderr
        assert f"rv-vob-beratung.yaml, Zeile {line}" in result.stderr
    check = json.loads(run_cli("check", "--format", "json", cwd=example_workspace).output)
    finding = next(f for f in check["findings"] if f["rule"] == "contracts.invalid")
    assert "A006" in finding["message"] and finding["location"].startswith(f"Zeile {line}")
    # the rest of the contract is still checked
    assert not [f for f in check["findings"] if f["rule"] == "contracts.ceiling-exceeded"]


def test_a_quantity_at_a_gross_price_needs_its_net_amount(example_workspace, run_cli):
    path = contract_file(example_workspace, "rv-unterweisung-arbeitsschutz")
    path.write_text(path.read_text(encoding="utf-8")
                    + "  - {id: A005, county: vulkaneifel, date: 2026-06-01, quantity: 10}\n", encoding="utf-8")
    result = run_cli("contracts", "show", "rv-unterweisung-arbeitsschutz", cwd=example_workspace)
    assert result.exit_code == ExitCode.INPUT
    assert "lässt sich nicht bepreisen" in result.stderr and "brutto" in result.stderr


def test_check_warns_when_a_recorded_amount_differs_from_hours_times_the_price(example_workspace, run_cli):
    path = contract_file(example_workspace, "rv-vob-beratung")
    path.write_text(path.read_text(encoding="utf-8").replace('amount: "4625.00"', 'amount: "4800.00"'),
                    encoding="utf-8")
    check = json.loads(run_cli("check", "--format", "json", cwd=example_workspace).output)
    finding = next(f for f in check["findings"] if f["rule"] == "contracts.calloff-price")
    assert finding["severity"] == "warning" and "A003" in finding["message"]
    assert "25 h × 185,00 €" in finding["message"] and "4.625,00 €" in finding["message"]
