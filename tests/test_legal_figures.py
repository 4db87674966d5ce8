"""The legal figures file is read like every other file: its JSON Schema, German messages with the place."""

from __future__ import annotations

import json
import textwrap

from ikz_isms.errors import ExitCode

TODAY = "2026-11-24"


def _write(workspace, text: str) -> None:
    path = workspace / "catalogs" / "vertraege" / "rechtliche-kennzahlen.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")


GOOD = """\
    figures:
      - id: eu-threshold.supplies-services-subcentral
        label: Schwellenwert
        amount: "216000"
        valid_from: 2026-01-01
        source: Delegierte Verordnung (EU) 2025/2152
"""


def test_an_unknown_key_is_refused_with_file_line_and_key(example_workspace, run_cli):
    _write(example_workspace, GOOD + "        betrag_brutto: \"257040\"\n")
    result = run_cli("contracts", "opportunities", "--date", TODAY, cwd=example_workspace)
    assert result.exit_code == ExitCode.INPUT
    assert "rechtliche-kennzahlen.yaml, Zeile" in result.stderr
    assert "betrag_brutto" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_blank_source_is_no_source(example_workspace, run_cli):
    _write(example_workspace, GOOD.replace("source: Delegierte Verordnung (EU) 2025/2152", "source: '   '"))
    result = run_cli("contracts", "opportunities", "--date", TODAY, cwd=example_workspace)
    assert result.exit_code == ExitCode.INPUT
    assert "rechtliche-kennzahlen.yaml, Zeile 6" in result.stderr and "/figures/0/source" in result.stderr


def test_check_names_a_figure_with_a_wrong_amount(example_workspace, run_cli):
    _write(example_workspace, GOOD.replace('amount: "216000"', 'amount: "216.000,00"'))
    result = run_cli("check", "--format", "json", cwd=example_workspace)
    assert result.exit_code in (ExitCode.FINDINGS, ExitCode.INPUT)
    findings = [f for f in json.loads(result.output)["findings"]
                if f["file"] == "catalogs/vertraege/rechtliche-kennzahlen.yaml"]
    # reported once, by the rule of the figures (not again by every rule that uses them)
    assert [f["rule"] for f in findings] == ["contracts.legal-figures"]
    assert "/figures/0/amount" in findings[0]["location"] and "Zeile 4" in findings[0]["location"]


def test_a_valid_override_is_used(example_workspace, run_cli):
    _write(example_workspace, GOOD)
    result = run_cli("check", "--format", "json", cwd=example_workspace)
    assert not [f for f in json.loads(result.output)["findings"]
                if f["file"] == "catalogs/vertraege/rechtliche-kennzahlen.yaml" and f["rule"] != "contracts.legal-figures"]
