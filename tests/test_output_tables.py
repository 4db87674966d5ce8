"""Tables on piped output: the plain road (:func:`ikz_isms.output.plain_table`) and rich side by side.

The plain road may answer only with the bytes rich writes for the same table on a console of
the same width without colours; it declines everything else, and rich lays that out.
"""

from __future__ import annotations

import random

import pytest

from ikz_isms import output

WORDS = ["ISMS.1.A1", "Basis-Absicherung", "90,7 %", "ja", "teilweise", "–", "Straße", "Übersicht", "€ 1.200,00",
         "§ 19 SektVO", "„zitiert“", "x", "1", "12/34", "", "Bernkastel-Wittlich", "a b c", "(ERFUNDEN)", "[1]", "*",
         "Sehr langer Text, der eine Spalte breit macht und vielleicht umbrochen werden muss", "ÄÖÜäöüß", "…"]
#: beyond the plain road: rich decides
BEYOND = ["東京", "e\u0301", "Tab\tulator", " vorne", "hinten ", "zwei\nZeilen", "\u00ad", "😀"]


def _rich(capsys, headers, rows, title, right_align):
    capsys.readouterr()
    output.rich_table(headers, rows, title=title, right_align=right_align)
    return capsys.readouterr().out


def _tables(count: int, seed: int):
    rng = random.Random(seed)
    for _ in range(count):
        columns = rng.randint(1, 7)
        headers = [rng.choice(WORDS) or "Spalte" for _ in range(columns)]
        rows = [[rng.choice(BEYOND if rng.random() < 0.01 else WORDS) for _ in range(columns)]
                for _ in range(rng.randint(0, 12))]
        title = rng.choice([None, "Erfüllung je Schicht", "", rng.choice(WORDS), " ".join(rng.choices(WORDS, k=12)),
                            " ".join(rng.choice(WORDS).strip() or "x" for _ in range(rng.randint(2, 30))),
                            "Offene MUSS-Anforderungen (normal-SdT) – Risiko nicht akzeptierbar: 66 Anforderungen"])
        right = [i for i in range(columns) if rng.random() < 0.4]
        width = rng.choice([120, 120, 150, 200, 300])
        yield headers, rows, title, right, width


def test_the_plain_road_writes_richs_bytes_or_declines(capsys, monkeypatch):
    answered = declined = 0
    for headers, rows, title, right, width in _tables(800, seed=20261203):
        monkeypatch.setenv("COLUMNS", str(width))
        plain = output.plain_table(headers, rows, title=title, right_align=right, width=width)
        if plain is None:
            declined += 1
            continue
        answered += 1
        assert plain == _rich(capsys, headers, rows, title, right), (headers, rows, title, right, width)
    # both roads are exercised
    assert answered > 300 and declined > 300, (answered, declined)


@pytest.mark.parametrize("cell", BEYOND)
def test_what_rich_might_lay_out_otherwise_is_declined(cell):
    assert output.plain_table(["A"], [[cell]], title=None, right_align=(), width=120) is None


def test_a_table_wider_than_the_console_or_a_longer_title_is_declined():
    assert output.plain_table(["A"], [["x" * 200]], title=None, right_align=(), width=120) is None
    assert output.plain_table(["A"], [["x"]], title="ein Titellängeralsdie Tabelle", right_align=(), width=120) is None
    assert output.plain_table(["A"], [["x"]], title="zwei  Leerzeichen", right_align=(), width=120) is None


def test_a_title_longer_than_the_table_is_wrapped_as_rich_wraps_it(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    title = "Offene MUSS-Anforderungen (normal-SdT) – Risiko nicht akzeptierbar: 66 Anforderungen, 66 offene Prüfpunkte"
    rows = [["SYS.1.1.A1", "Geeignete Aufstellung", "IV (nein)"]]
    plain = output.plain_table(["Anforderung", "Titel", "Zielobjekte (Status)"], rows, title=title, right_align=(), width=120)
    assert plain is not None and plain.count("\n") == 2 + 5  # two lines of title, five of table
    assert plain == _rich(capsys, ["Anforderung", "Titel", "Zielobjekte (Status)"], rows, title, [])
    assert output.plain_table(["A", "B"], [["x"]], title=None, right_align=(), width=120) is None


@pytest.mark.parametrize("args", [
    ["assess"], ["assess", "--by-group"], ["plan"], ["contracts", "list"], ["risk", "list"],
    ["assess", "--verbund"], ["county", "list"], ["review", "list"], ["target", "list", "--county", "vulkaneifel"],
])
def test_commands_print_the_same_tables_on_both_roads(example_workspace, run_cli, monkeypatch, args):
    fast = run_cli(*args, cwd=example_workspace)
    monkeypatch.setattr(output, "plain_table", lambda *a, **k: None)
    slow = run_cli(*args, cwd=example_workspace)
    assert (fast.exit_code, fast.output, fast.stderr) == (slow.exit_code, slow.output, slow.stderr)
    assert "┏" in fast.output
