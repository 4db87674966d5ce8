"""The item-by-item proof of a splice (store/edit.py:splice_proven) against the whole-text parse.

A write of one measure, call-off or check record no longer reads the whole new file back: the
regions it touched are parsed on their own and the rest is taken from the old document. These
tests generate documents in many layouts a person may write (comments at every indent, blank
lines, block scalars with every chomping, quoted text over several lines, CRLF, a missing final
line break, flow items, odd dash widths, look-alike lines inside quoted text) and random changes,
and require of every splice the proof accepts that the whole new text parses to exactly the
document it returned, with the item positions it returned; and that the proof accepts the plain
layouts ikz-isms itself writes.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from ikz_isms.store.edit import ItemEdit, splice_proven
from ikz_isms.store.parse import item_spans, parse_yaml, plain

WORDS = ["Server", "Ärger", "a: b", "#x", "x #y", "", " lead", "---", "...", "|", "- dash", "it's", 'say "hi"',
         "ja", "no", "1.5", "2026-01-01", "null", "%TAG", "Zeile\nzwei", "tab\there", "€ 1.000,00", "*ref", "&anchor"]


def _scalar(rng: random.Random, value: str, indent: int) -> str:
    """``value`` written in one of the ways YAML allows (or plainly where that is unsafe: quoted)."""
    pad = " " * (indent + 2)
    style = rng.choice(["plain", "single", "double", "double-multi", "literal", "literal-keep", "folded"])
    safe_plain = value and value.strip() == value and value[0].isalpha() and ":" not in value and "#" not in value \
        and "\n" not in value and value.lower() not in ("yes", "no", "null", "true", "false", "ja")
    if style == "plain" and safe_plain:
        return value
    if style in ("literal", "literal-keep", "folded") and value and "\t" not in value and value[0] != " ":
        head = {"literal": "|", "literal-keep": "|+", "folded": ">-"}[style]
        body = "\n".join(pad + line if line else "" for line in value.split("\n"))
        return head + "\n" + body
    if style == "double-multi" and " " in value and "\n" not in value and "\t" not in value and '"' not in value \
            and "\\" not in value and value.strip() == value:
        first, rest = value.split(" ", 1)
        return f'"{first}\n{pad}{rest}"'
    if style == "single" and "\n" not in value and "\t" not in value:
        return "'" + value.replace("'", "''") + "'"
    import json

    return json.dumps(value, ensure_ascii=False)


def _item(rng: random.Random, number: int) -> dict[str, Any]:
    item: dict[str, Any] = {"id": f"M-{number:03d}"}
    for key in rng.sample(["title", "responsible", "state", "note", "tags", "cost"], rng.randint(1, 5)):
        if key == "tags":
            item[key] = [rng.choice(WORDS[:3]) + str(i) for i in range(rng.randint(1, 3))]
        elif key == "cost":
            item[key] = rng.randint(0, 9000)
        else:
            item[key] = rng.choice(WORDS) if rng.random() < 0.5 else f"Text {rng.randint(1, 99)}"
    return item


def _render(rng: random.Random, items: list[dict[str, Any]]) -> str:
    dash_col = rng.choice([0, 2, 2, 4])
    key_col = dash_col + rng.choice([2, 2, 2, 3])
    lines = ["# Realisierungsplan", "meta:", "  county: lk-001", "  note: 'massnahmen:", "    - id: M-999'"]
    if rng.random() < 0.3:
        lines.append("# a comment before the list")
    lines.append("massnahmen:" + (" # the measures" if rng.random() < 0.2 else ""))
    flow_at = rng.randrange(len(items)) if rng.random() < 0.1 else -1
    for index, item in enumerate(items):
        if index == flow_at:
            import json

            lines.append(" " * dash_col + "- " + json.dumps(item, ensure_ascii=False))
            continue
        first = True
        for key, value in item.items():
            prefix = " " * dash_col + "-" + " " * (key_col - dash_col - 1) if first else " " * key_col
            first = False
            if isinstance(value, list):
                lines.append(f"{prefix}{key}:")
                lines.extend(" " * key_col + f"  - {_scalar(rng, v, key_col + 2)}" for v in value)
            elif isinstance(value, int):
                lines.append(f"{prefix}{key}: {value}")
            else:
                lines.append(f"{prefix}{key}: {_scalar(rng, value, key_col)}")
            if rng.random() < 0.08:
                lines.append(" " * rng.choice([0, 1, key_col, key_col + 2]) + "# note inside")
        for _ in range(rng.choice([0, 0, 0, 1, 2])):
            lines.append(rng.choice(["", "# between", "   ", " " * key_col + "# indented between"]))
    tail = rng.choice(["", "", "other: 1", "# end", "\nweitere:\n  - a"])
    if tail:
        lines.append(tail)
    text = "\n".join(lines) + ("\n" if rng.random() < 0.9 else "")
    return text.replace("\n", "\r\n") if rng.random() < 0.05 else text


def _case(seed: int) -> tuple[str, Any, Any, dict[int, Any], list[dict[str, Any]], dict[str, Any]] | None:
    rng = random.Random(seed)
    items = [_item(rng, n) for n in range(1, rng.randint(2, 9))]
    text = _render(rng, items)
    try:
        parsed = parse_yaml(text, "plan.yaml")
    except Exception:
        return None  # a layout the generator got wrong for YAML: nothing to prove
    data = plain(parsed.data)
    parsed.data = data
    old = data["massnahmen"]
    changes: dict[int, Any] = {}
    expected = {k: v for k, v in data.items()}
    new_items = [dict(i) for i in old]
    for index in rng.sample(range(len(old)), rng.randint(0, min(3, len(old)))):
        values = {rng.choice(["title", "responsible", "state", "deadline"]): rng.choice(WORDS)}
        if rng.random() < 0.2:
            values["tags"] = [rng.choice(WORDS)]
        changes[index] = ItemEdit(values, old[index])
        new_items[index] = {**new_items[index], **values}
    additions = [{"id": f"M-{900 + n}", "title": rng.choice(WORDS), "cost": n} for n in range(rng.choice([0, 0, 1, 2]))]
    if not changes and not additions:
        additions = [{"id": "M-950", "title": rng.choice(WORDS)}]
    expected["massnahmen"] = new_items + additions
    return text, parsed, data, changes, additions, expected


@pytest.mark.parametrize("block", range(8))
def test_a_proven_splice_is_what_the_whole_text_says(block: int) -> None:
    proven = tried = 0
    for seed in range(block * 250, (block + 1) * 250):
        case = _case(seed)
        if case is None:
            continue
        text, parsed, _, changes, additions, expected = case
        tried += 1
        result = splice_proven(text, parsed, ("massnahmen",), changes, additions, expected)
        if result is None:
            continue
        proven += 1
        new_text, document = result
        whole = parse_yaml(new_text, "plan.yaml")
        assert plain(whole.data) == document.data == expected, (seed, new_text)
        assert item_spans(whole.root, len(new_text)) == document.spans, (seed, new_text)
        # untouched lines stay as they were: the text outside the touched items is the old text
        assert new_text.startswith(text[: parsed.spans["massnahmen"].starts[0]]), seed
    assert tried > 150
    # the proof must carry the ordinary cases, not only refuse
    assert proven > tried // 4, (proven, tried)


def test_the_layout_ikz_isms_writes_is_proven_and_stays_a_small_diff() -> None:
    items = "".join(f"  - id: M-{n:03d}\n    title: Maßnahme {n}\n    responsible: IT\n" for n in range(1, 301))
    text = "# Realisierungsplan\nlandkreis: lk-001\nmassnahmen:\n" + items + "notes: []\n"
    parsed = parse_yaml(text, "plan.yaml")
    parsed.data = plain(parsed.data)
    old = parsed.data["massnahmen"]
    expected = dict(parsed.data)
    expected["massnahmen"] = [dict(i) for i in old] + [{"id": "M-301", "title": "Neu"}]
    expected["massnahmen"][149] = {**old[149], "responsible": "Frau Ärger: Leitung"}
    result = splice_proven(text, parsed, ("massnahmen",), {149: ItemEdit({"responsible": "Frau Ärger: Leitung"},
                                                                          old[149])},
                           [{"id": "M-301", "title": "Neu"}], expected)
    assert result is not None
    new_text, document = result
    old_lines, new_lines = text.splitlines(), new_text.splitlines()
    assert len(new_lines) == len(old_lines) + 2
    changed = [n for n, (a, b) in enumerate(zip(old_lines, new_lines)) if a != b]
    assert changed[0] == 3 + 149 * 3 + 2
    assert "    responsible: 'Frau Ärger: Leitung'" in new_lines
    assert new_text.endswith("  - id: M-301\n    title: Neu\nnotes: []\n")
    assert plain(parse_yaml(new_text, "plan.yaml").data) == document.data == expected


@pytest.mark.parametrize("text", [
    # a look-alike list inside a quoted text before the real one
    "a: 'x\nmassnahmen:\n  - id: M-1\n    title: alt\n'\nmassnahmen:\n  - id: M-1\n    title: alt\n",
    # the last item's text keeps trailing blank lines (|+): they belong to it
    "massnahmen:\n  - id: M-1\n    title: |+\n      alt\n\n\n",
    # a line that YAML reads only at column 0 once moved
    "massnahmen:\n  - id: M-1\n    title: alt\n  ...\n",
])
def test_tricky_layouts_are_either_proven_right_or_left_to_the_whole_read(text: str) -> None:
    try:
        parsed = parse_yaml(text, "plan.yaml")
    except Exception:
        pytest.skip("no valid YAML in this libyaml version")
    parsed.data = plain(parsed.data)
    old = parsed.data["massnahmen"]
    expected = dict(parsed.data)
    expected["massnahmen"] = [{**old[0], "title": "neu"}] + [dict(i) for i in old[1:]] + [{"id": "M-9"}]
    result = splice_proven(text, parsed, ("massnahmen",), {0: ItemEdit({"title": "neu"}, old[0])}, [{"id": "M-9"}],
                           expected)
    if result is not None:
        new_text, document = result
        assert plain(parse_yaml(new_text, "plan.yaml").data) == document.data == expected
