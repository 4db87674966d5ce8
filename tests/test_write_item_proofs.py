"""Writes that judge only what they change: a proven splice is schema-checked on its changed items,
``plan set`` reads only its measure again, ``contracts calloff add`` counts a file's call-offs by
the tally kept for its bytes. Each shortcut must answer exactly as the whole check would."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from ikz_isms.errors import ExitCode, InputError

TODAY = "2026-11-24"
CONTRACT = "rv-vob-beratung"


def contract_file(ws: Path) -> Path:
    return ws / "catalogs" / "vertraege" / f"{CONTRACT}.yaml"


def tally_files(ws: Path) -> list[Path]:
    folder = ws / ".ikz-cache" / "calloffs"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def calloff(run_cli, ws: Path, *extra: str):
    return run_cli("contracts", "calloff", "add", CONTRACT, "--county", "vulkaneifel", "--date", TODAY, *extra,
                   cwd=ws)


def consumed(run_cli, ws: Path) -> str:
    shown = run_cli("contracts", "show", CONTRACT, "--date", TODAY, "--format", "json", cwd=ws)
    assert shown.exit_code == 0, shown.stderr
    return str(json.loads(shown.output)["consumed"])


# -- the schema check of a proven splice ------------------------------------------------------


def test_the_schemas_of_the_spliced_lists_judge_each_item_on_its_own():
    from ikz_isms.store.documents import _items_independent

    assert _items_independent("plan", "massnahmen")
    assert _items_independent("contract", "calloffs")
    assert _items_independent("pruefungen", "pruefungen")
    assert _items_independent("contract", "suppliers")
    assert not _items_independent("contract", "participants")  # uniqueItems weighs items against each other
    assert not _items_independent("tender", "counties")
    assert not _items_independent("service-centre", "members")  # minItems counts them
    assert not _items_independent("contract", "term")  # no list
    assert not _items_independent("plan", "gibt-es-nicht")


def test_an_invalid_new_item_is_refused_as_the_whole_check_refuses_it(example_workspace):
    from ikz_isms.store import Store

    path = contract_file(example_workspace)
    entry = {"id": "A900", "county": "vulkaneifel", "date": "2026-11-02", "amount": "10.00", "farbe": "blau"}
    answers = []
    for known_valid in (True, False):
        store = Store(example_workspace)
        text = path.read_text(encoding="utf-8")
        parsed = store.parse(path, "contract")
        assert parsed.problems == []
        if not known_valid:
            parsed.problems = None  # the old document not known valid: the whole new one is checked
        expected = dict(parsed.data)
        expected["calloffs"] = [*parsed.data["calloffs"], entry]
        with pytest.raises(InputError) as caught:
            store.new_document_for_items(path, "contract", ("calloffs",), {}, [entry], expected,
                                         lambda document: None, text=text, parsed=parsed)
        answers.append(str(caught.value))
    assert answers[0] == answers[1]
    assert "(/calloffs/5)" in answers[0] and "unbekanntes Feld 'farbe'" in answers[0]


def test_a_valid_new_item_gives_the_document_the_whole_check_accepts(example_workspace):
    from ikz_isms.store import Store, schema

    path = contract_file(example_workspace)
    store = Store(example_workspace)
    text = path.read_text(encoding="utf-8")
    parsed = store.parse(path, "contract")
    entry = {"id": "A900", "county": "vulkaneifel", "date": "2026-11-02", "amount": "10.00"}
    expected = dict(parsed.data)
    expected["calloffs"] = [*parsed.data["calloffs"], entry]
    new_text, document = store.new_document_for_items(path, "contract", ("calloffs",), {}, [entry], expected,
                                                      lambda document: None, text=text, parsed=parsed)
    assert document.data == expected and schema.problems(document.data, "contract") == []
    assert new_text.startswith(text) and "- id: A900" in new_text[len(text):]


# -- plan set ---------------------------------------------------------------------------------


@pytest.fixture
def planned(example_workspace, run_cli) -> Path:
    result = run_cli("plan", "update", "--county", "vulkaneifel", cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    return example_workspace / "plugins" / "ikz-county-vulkaneifel" / "data" / "plan.yaml"


def first_measure(plan: Path) -> str:
    found = re.search(r"- id: (M-\d+)", plan.read_text(encoding="utf-8"))
    assert found is not None
    return found.group(1)


def test_plan_set_changes_one_measure_and_the_plan_reads_back_whole(planned, example_workspace, run_cli):
    from ikz_isms.assess.plan import parse_plan
    from ikz_isms.store import parse_yaml, plain

    measure = first_measure(planned)
    before = planned.read_text(encoding="utf-8")
    result = run_cli("plan", "set", measure, "--cost", "1.234,50", "--deadline", "2027-03-31", "--county",
                     "vulkaneifel", cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    assert "→ 31.03.2027" in result.output and "→ 1.234,50 €" in result.output
    after = planned.read_text(encoding="utf-8")
    assert len(after.splitlines()) == len(before.splitlines())
    changed = [new for old, new in zip(before.splitlines(), after.splitlines()) if old != new]
    assert sorted(changed) == ["    cost: '1234.50'", "    deadline: 2027-03-31"]
    parsed = parse_yaml(after, str(planned))
    parsed.data = plain(parsed.data)
    ours = next(m for m in parse_plan(parsed) if m.id == measure)
    assert str(ours.cost) == "1234.50" and ours.deadline is not None and ours.deadline.isoformat() == "2027-03-31"


def test_plan_set_on_a_plan_broken_elsewhere_is_refused_and_writes_nothing(planned, example_workspace, run_cli):
    text = planned.read_text(encoding="utf-8")
    ids = re.findall(r"- id: (M-\d+)", text)
    assert len(ids) >= 2
    # the last measure gets a cost that is no money: the plan is broken, not the measure set
    head, tail = text.rsplit(f"- id: {ids[-1]}", 1)
    tail = re.sub(r"\n    cost: [^\n]*", "\n    cost: 'zwölf Euro'", tail, count=1)
    planned.write_text(head + f"- id: {ids[-1]}" + tail, encoding="utf-8")
    broken = planned.read_bytes()
    result = run_cli("plan", "set", ids[0], "--responsible", "Hauptamt", "--county", "vulkaneifel",
                     cwd=example_workspace)
    assert result.exit_code == ExitCode.INPUT, result.output
    assert "plan.yaml" in result.stderr
    assert planned.read_bytes() == broken


# -- calloff add: the tally of a contract file ------------------------------------------------


def test_calloffs_count_the_same_with_and_without_the_kept_tally(example_workspace, run_cli, monkeypatch,
                                                                  tmp_path):
    plain_ws = shutil.copytree(example_workspace, tmp_path / "ohne-cache")
    answers = {}
    for ws, cache in ((example_workspace, True), (plain_ws, False)):
        if not cache:
            monkeypatch.setenv("IKZ_ISMS_NO_CACHE", "1")
        outputs = []
        for amount in ("100.00", "250.50", "0.50"):
            result = calloff(run_cli, ws, "--amount", amount, "--description", f"Abruf {amount}")
            assert result.exit_code == 0, result.stderr
            outputs.append(result.output)
            assert f"abgerufen jetzt {_money(consumed(run_cli, ws))}." in result.output
        hours = calloff(run_cli, ws, "--hours", "2.5")
        assert hours.exit_code == 0, hours.stderr
        outputs.append(hours.output)
        answers[cache] = (outputs, contract_file(ws).read_bytes())
        assert bool(tally_files(ws)) == cache
    assert answers[True] == answers[False]


def _money(text: str) -> str:
    from decimal import Decimal

    from ikz_isms.present import money_de

    return money_de(Decimal(text))


def test_the_ceiling_is_judged_on_the_tally_as_on_every_call_off(example_workspace, run_cli):
    first = calloff(run_cli, example_workspace, "--amount", "65.00")
    assert first.exit_code == 0, first.stderr
    assert tally_files(example_workspace)
    path = contract_file(example_workspace)
    before = path.read_bytes()
    over = calloff(run_cli, example_workspace, "--amount", "87000.01")
    assert over.exit_code == ExitCode.REFUSED
    assert "Höchstwert" in over.stderr and "verbleibend 87.000,00 €" in over.stderr
    assert path.read_bytes() == before
    exact = calloff(run_cli, example_workspace, "--amount", "87000.00")
    assert exact.exit_code == 0, exact.stderr
    assert "abgerufen jetzt 120.000,00 €" in exact.output
    again = calloff(run_cli, example_workspace, "--amount", "0.01")
    assert again.exit_code == ExitCode.REFUSED and "verbleibend 0,00 €" in again.stderr


def test_a_tally_of_other_bytes_is_not_believed(example_workspace, run_cli):
    first = calloff(run_cli, example_workspace, "--amount", "100.00")
    assert first.exit_code == 0, first.stderr
    path = contract_file(example_workspace)
    # edited by hand: the last call-off's amount changes, the kept tally no longer matches the bytes
    text = path.read_text(encoding="utf-8")
    assert text.rstrip().endswith("amount: '100.00'")
    path.write_text(text.rstrip()[: -len("'100.00'")] + "'1100.00'\n", encoding="utf-8")
    second = calloff(run_cli, example_workspace, "--amount", "1.00")
    assert second.exit_code == 0, second.stderr
    assert f"abgerufen jetzt {_money(consumed(run_cli, example_workspace))}." in second.output
    assert "abgerufen jetzt 34.036,00 €" in second.output


def test_a_calloff_id_of_the_contract_file_used_again_in_a_county_file_is_refused_with_a_tally(
        example_workspace, run_cli):
    from tests.test_contracts import county_calloffs

    first = calloff(run_cli, example_workspace, "--amount", "100.00")
    assert first.exit_code == 0, first.stderr
    assert tally_files(example_workspace)
    external = county_calloffs(example_workspace, """\
        calloffs:
          - {contract: rv-vob-beratung, id: A003, county: vulkaneifel, date: 2026-10-01, amount: "100.00"}
        """)
    path = contract_file(example_workspace)
    before = path.read_bytes()
    result = calloff(run_cli, example_workspace, "--amount", "1.00")
    assert result.exit_code == ExitCode.INPUT
    assert f"{external}, Zeile 2" in result.stderr
    assert "Abruf-ID 'A003' für Vertrag 'rv-vob-beratung' doppelt" in result.stderr
    assert "rv-vob-beratung.yaml, Zeile 58" in result.stderr  # where A003 is first
    assert path.read_bytes() == before


def test_county_calloffs_count_beside_the_tally(example_workspace, run_cli):
    from tests.test_contracts import county_calloffs

    first = calloff(run_cli, example_workspace, "--amount", "100.00")
    assert first.exit_code == 0, first.stderr
    county_calloffs(example_workspace, """\
        calloffs:
          - {contract: rv-vob-beratung, id: V1, county: vulkaneifel, date: 2026-10-01, amount: "1000.00"}
        """)
    second = calloff(run_cli, example_workspace, "--amount", "1.00")
    assert second.exit_code == 0, second.stderr
    assert "A008" in second.output  # the county's V1 counts among the ids taken
    assert "abgerufen jetzt 34.036,00 €" in second.output
    assert f"abgerufen jetzt {_money(consumed(run_cli, example_workspace))}." in second.output
