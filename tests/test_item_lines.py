"""Lines and spans of top-level list items from the text (ikz_isms.store.parse.top_item_lines,
top_item_spans).

A target object's or a record's line is shown in every message about it. For a document the
fast road read, the line of an item of a top-level list is taken from the text, without
libyaml's node tree; it must be the node tree's line wherever it answers, and the text scan
must decline wherever it cannot be sure (then the node tree answers as before).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from ikz_isms.errors import IkzError
from ikz_isms.store.parse import fast_plain, parse_yaml, top_item_lines, top_item_spans, top_key_line

REPO = Path(__file__).resolve().parent.parent


def _tree_lines(text: str, key: str) -> list[int] | None:
    try:
        parsed = parse_yaml(text, "t.yaml")
    except IkzError:
        return None
    items = parsed.data.get(key) if isinstance(parsed.data, dict) else None
    if not isinstance(items, list):
        return None
    return [parsed.line(key, index) for index in range(len(items))]


def assert_lines_agree(text: str, key: str) -> bool:
    """The scan's lines are the node tree's, or the scan declines; True when it answered."""
    found = top_item_lines(text, key)
    if found is None:
        return False
    if fast_plain(text) is None:
        return False  # only texts the fast road reads get their lines from the scan
    tree = _tree_lines(text, key)
    if tree is None or len(tree) != len(found):
        return False  # the caller uses the scan only when it found one line per item
    assert found == tree, (text, key)
    return True


def assert_spans_agree(text: str, key: str) -> bool:
    """The scan's item spans are the node tree's (:func:`item_spans`), or the scan declines;
    True when it answered. A splice proves its change on these spans, so they must be exact."""
    found = top_item_spans(text, key)
    if found is None:
        return False
    data = fast_plain(text)
    if data is None:
        return False  # only texts the fast road reads get their spans from the scan
    items = data.get(key)
    if not isinstance(items, list) or len(items) != len(found.starts) or not all(isinstance(i, dict) for i in items):
        return False  # the document uses the scan only with one span per item, every item a mapping
    tree = parse_yaml(text, "t.yaml").spans or {}
    assert tree.get(key) == found, (text, key, tree.get(key), found)
    return True


def _top_lists(text: str) -> list[str]:
    data = fast_plain(text)
    if not isinstance(data, dict):
        return []
    return [k for k, v in data.items() if isinstance(v, list) and v]


def test_every_repository_list_gets_the_node_trees_lines_and_spans():
    answered = spans = 0
    for folder in ("plugins", "catalogs", "features", "tests", "ikz_isms"):
        for path in sorted((REPO / folder).rglob("*.yaml")):
            if ".ikz-cache" in path.parts:
                continue
            text = path.read_text(encoding="utf-8-sig", errors="replace")
            for key in _top_lists(text):
                answered += assert_lines_agree(text, key)
                spans += assert_spans_agree(text, key)
    # the example's records and target objects are the bulk: the scan must answer for them
    assert answered >= 20, answered
    assert spans >= 20, spans


LAYOUTS = [
    # (text, key, expected lines or None when the scan must decline)
    ("zielobjekte:\n  - id: A\n    name: x\n  - id: B\n", "zielobjekte", [2, 4]),
    ("zielobjekte:\n- id: A\n  name: x\n- id: B\nother: 1\n", "zielobjekte", [2, 4]),
    ("# Kopf\nzielobjekte:  # Liste\n\n  # erster\n  - id: A\n\n  - id: B\n", "zielobjekte", [5, 7]),
    ("zielobjekte:\n  -\n    id: A\n  - # Kommentar\n\n    id: B\n", "zielobjekte", [3, 6]),
    ("zielobjekte:\n  - id: A\n    depends_on:\n    - B\n    - C\n  - id: B\n", "zielobjekte", [2, 6]),
    ("zielobjekte:\n  - id: A\n    text: |\n      - kein Eintrag\n      - auch keiner\n  - id: B\n", "zielobjekte", [2, 6]),
    # a quoted text that goes on over the next line, where "- " means nothing: declined
    ('zielobjekte:\n  - id: A\n    name: "a\n  - b"\n  - id: B\n', "zielobjekte", None),
    ("zielobjekte:\n  - id: A\n    name: 'it''s\n  - b'\n", "zielobjekte", None),
    # a second key of the same name, a key with a value on its line, another shape: declined
    ("zielobjekte: []\n", "zielobjekte", None),
    ("zielobjekte:\n  id: A\n", "zielobjekte", None),
    ("zielobjekte:\n  -\n  - id: B\n", "zielobjekte", None),
]


@pytest.mark.parametrize("text, key, expected", LAYOUTS)
def test_layouts(text, key, expected):
    assert top_item_lines(text, key) == expected
    if expected is not None:
        assert _tree_lines(text, key) == expected


MUTATIONS = ["\n", "  ", "- ", "-", "\n- ", "\n  - ", "#", " # x", '"', "'", "|", "|\n", ">", ":", "\n\n",
             "\n  -\n", "    ", "\n- id: Z\n", "\n  - id: Z\n", "x: 1\n", "\nx: 1\n", "''", '""', "? "]


def _sources() -> list[str]:
    texts = []
    for path in sorted((REPO / "plugins").rglob("*.yaml"))[:60]:
        text = path.read_text(encoding="utf-8")
        texts.append(text if len(text) <= 2500 else text[: text.rfind("\n", 0, 2500) + 1])
    return [t for t in texts if _top_lists(t)]


def test_mutated_files_never_get_other_lines_or_spans():
    sources = _sources()
    assert sources
    rng = random.Random(20261203)
    answered = spanned = 0
    for _ in range(2500):
        text = rng.choice(sources)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text) + 1)
            if rng.random() < 0.6:
                text = text[:at] + rng.choice(MUTATIONS) + text[at:]
            else:
                text = text[:at] + text[at + rng.randint(1, 4):]
        for key in _top_lists(text):
            answered += assert_lines_agree(text, key)
            spanned += assert_spans_agree(text, key)
    assert answered > 300, answered
    assert spanned > 200, spanned


def test_a_fast_read_record_file_names_lines_without_the_node_tree(tmp_path):
    from ikz_isms.store import Store

    path = tmp_path / "IV.yaml"
    path.write_text("zielobjekt: IV\npruefungen:\n  - requirement: A.1\n    status: ja\n\n"
                    "  - requirement: A.2\n    status: vielleicht\n", encoding="utf-8")
    parsed = Store(None).parse(path, "yaml")
    assert parsed.full is not None
    assert parsed.line("pruefungen", 1) == 6 and parsed.line("pruefungen", 0) == 3
    assert parsed.full is not None, "the node tree was built for an item's line"
    # deeper places still come from the node tree, with the same answer as before
    assert parsed.line("pruefungen", 1, "status") == 7


SPAN_LAYOUTS = [
    # (text, key, whether the scan gives the spans)
    ("zielobjekt: IV\npruefungen:\n  - requirement: A\n    status: ja\n  - requirement: B\n", "pruefungen", True),
    ("pruefungen:\n- requirement: A\n  status: ja\n\n# Ende\nzielobjekt: IV\n", "pruefungen", True),
    ("pruefungen:\n  - requirement: A\n    text: |\n      - kein: Eintrag\n  - requirement: B\n# Ende\n", "pruefungen", True),
    # an item whose key stands on the next line, more spaces after the dash, a quoted key,
    # no line break at the end, a sequence ended by a line that is not at the root: declined
    ("pruefungen:\n  -\n    requirement: A\n", "pruefungen", False),
    ("pruefungen:\n  -   requirement: A\n", "pruefungen", False),
    ('pruefungen:\n  - "requirement": A\n', "pruefungen", False),
    ("pruefungen:\n  - requirement: A", "pruefungen", False),
    ("a:\n  pruefungen:\n  - requirement: A\n", "pruefungen", False),
]


@pytest.mark.parametrize("text, key, answers", SPAN_LAYOUTS)
def test_span_layouts(text, key, answers):
    found = top_item_spans(text, key)
    assert (found is not None) == answers, found
    if answers:
        assert assert_spans_agree(text, key)


def test_a_splice_on_a_fast_read_file_builds_no_node_tree(tmp_path, monkeypatch):
    """Answering one check of a large record file costs the change: the spans come from the text,
    so libyaml's node tree of the whole file is not built (it took most of an interactive answer)."""
    from ikz_isms.store import Store
    from ikz_isms.store.edit import splice_proven
    from ikz_isms.store.parse import plain

    path = tmp_path / "IV.yaml"
    items = "".join(f"  - requirement: A.{n}\n    status: ja\n    erlaeuterung: Text {n}\n" for n in range(300))
    text = "zielobjekt: IV\npruefungen:\n" + items
    path.write_text(text, encoding="utf-8")
    parsed = Store(None).parse(path, "yaml")
    assert parsed.full is not None, "this text should have taken the fast road"
    taken = []
    full = parsed.full
    parsed.full = lambda: taken.append(1) or full()
    expected = plain(parsed.data)
    expected = {**expected, "pruefungen": [dict(item) for item in expected["pruefungen"]]}
    expected["pruefungen"][7]["status"] = "nein"

    def change(item):
        item["status"] = "nein"

    proven = splice_proven(text, parsed, ("pruefungen",), {7: change}, [], expected)
    assert proven is not None and not taken
    new_text, document = proven
    assert new_text == text.replace("A.7\n    status: ja", "A.7\n    status: nein")
    assert document.spans == parse_yaml(new_text, "x").spans


def assert_key_lines_agree(text: str) -> int:
    """Every top-level key's line from the text is the node tree's, or the scan declines; how many answered."""
    data = fast_plain(text)
    if not isinstance(data, dict):
        return 0
    tree = parse_yaml(text, "t.yaml")
    answered = 0
    for key in data:
        found = top_key_line(text, key)
        if found is not None:
            assert found == tree.line(key), (key, found, tree.line(key), text)
            answered += 1
    return answered


def test_top_level_keys_get_the_node_trees_line_or_none():
    answered = 0
    for folder in ("plugins", "catalogs", "features", "tests", "ikz_isms"):
        for path in sorted((REPO / folder).rglob("*.yaml")):
            if ".ikz-cache" not in path.parts:
                answered += assert_key_lines_agree(path.read_text(encoding="utf-8-sig", errors="replace"))
    assert answered >= 100, answered
    rng = random.Random(20261207)
    sources = [path.read_text(encoding="utf-8")[:2500] for path in sorted((REPO / "plugins").rglob("*.yaml"))[:60]]
    sources = [text[: text.rfind("\n") + 1] for text in sources]
    mutated = 0
    for _ in range(2500):
        text = rng.choice(sources)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text) + 1)
            piece = rng.choice([*MUTATIONS, "approach: x\n", "\nname: y", '"\napproach:', "'\nkey: 1\n", "? a\n: b\n"])
            text = text[:at] + piece + text[at:] if rng.random() < 0.6 else text[:at] + text[at + rng.randint(1, 4):]
        mutated += assert_key_lines_agree(text)
    assert mutated > 1000, mutated


@pytest.mark.parametrize("text, key, expected", [
    ("name: x\napproach: standard\n", "approach", 2),
    ("# approach: alt\napproach:\n  - a\n", "approach", 2),
    ("a: |\n  approach: im Text\napproach: b\n", "approach", 3),
    # a quoted text over several lines could hold the key's line: declined
    ('a: "x\napproach: b"\napproach: c\n', "approach", None),
    ("a: 'x\napproach: b'\n", "approach", None),
    ("approach: a\napproach: b\n", "approach", None),   # twice (the parser refuses it): no answer
    ('"approach": a\n', "approach", None),            # quoted: not found, the tree answers
])
def test_key_line_layouts(text, key, expected):
    assert top_key_line(text, key) == expected
