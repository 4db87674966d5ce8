"""The fast YAML road (yaml-rs) and the full road (libyaml) side by side.

:func:`ikz_isms.store.parse.fast_plain` may answer only where its answer is the full road's:
``plain(parse_yaml(text).data)``, and never for a text the full road refuses. These tests hold
the two roads against each other on the tricky scalars of YAML 1.1 versus 1.2, on every YAML
file of the repository, and on seeded random mutations of real files (a mutation the fast
road accepts must parse on the full road to the same values).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from ikz_isms.errors import IkzError
from ikz_isms.store import parse as parse_module
from ikz_isms.store.parse import fast_plain, parse_yaml, plain

REPO = Path(__file__).resolve().parents[1]

pytest.importorskip("yaml_rs", reason="yaml-rs is not installed: every text takes the full road")


def full_road(text: str):
    """(values, None) of the full road, or (None, the error) when it refuses the text."""
    try:
        return plain(parse_yaml(text, "probe.yaml").data), None
    except IkzError as exc:
        return None, exc


def assert_same_or_declined(text: str) -> bool:
    """The fast road declines, or gives the full road's values for a text the full road accepts."""
    fast = fast_plain(text)
    if fast is None:
        return False
    values, error = full_road(text)
    assert error is None, f"fast road accepts what the full road refuses ({error}):\n{text}"
    assert fast == values, f"the roads read different values:\n{text}"
    return True


# plain scalars whose meaning differs between YAML 1.1 (PyYAML) and 1.2, or that are easy to get wrong
SCALARS = [
    "yes", "no", "on", "off", "Yes", "NO", "y", "n", "true", "False", "~", "null", "Null", "",
    "017", "0o17", "0x1F", "0b101", "1_000", "1:20", "190:20:30", "+12", "-3", ".5", "1.", "1e3", "1.0e+3",
    "+.5", ".inf", "-.Inf", ".nan", "2026-04-10", "2026-4-10", "2026-04-10 10:00:00", "2026-04-10T10:00:00Z",
    "20260410", "2026-02-30", "2026-13-01", "=", "<<", "ja", "nein", "teilweise", "entbehrlich",
    "0", "00", "-0", "123456789012345678901234", "1e", "0o8", "@x", "`x", "a: b", "x #c", "x#c",
    "- a", "? a", "|", ">", "'", '"', "Bau & Liegenschaften", "80 %", "C:\\Programme", "a\tb",
    # anchors, aliases, tags and directives where a node begins, and the same characters inside a text
    "&x", "*x", "!x", "!!str x", "%x", "& x", "* x", "a &b", "a *b", "a !b", "Achtung!", "100%", "a % b",
    "&x a", "*x: y", "C:\\a\\b", "a\\", "\\n", "a & *b", "x - &y", "x: &y", "x ? !y",
]


@pytest.mark.parametrize("scalar", SCALARS)
@pytest.mark.parametrize("shape", ["value", "key", "item", "nested"])
@pytest.mark.parametrize("quote", ["plain", "single", "double"])
def test_tricky_scalars_read_alike_or_go_the_full_road(scalar, shape, quote):
    if quote == "single":
        written = "'" + scalar.replace("'", "''") + "'"
    elif quote == "double":
        written = '"' + scalar.replace("\\", "\\\\").replace('"', '\\"') + '"'
    else:
        written = scalar
    text = {
        "value": f"k: {written}\n",
        "key": f"{written}: v\n",
        "item": f"liste:\n  - {written}\n  - b\n",
        "nested": f"a:\n  b:\n    - c: {written}\n      d: x\n",
    }[shape]
    assert_same_or_declined(text)


def test_the_yaml_1_1_readings_are_never_taken_from_the_fast_road():
    # unquoted, PyYAML reads these as booleans, numbers, times or an error; yaml-rs as texts
    # or other numbers: the fast road must leave every one of them to the full road
    for scalar in ("yes", "off", "017", "0o17", "1:20", "1e3", "+.5", "2026-04-10 10:00:00", "2026-02-30", "=", "<<"):
        assert fast_plain(f"k: {scalar}\n") is None, scalar
        assert fast_plain(f"{scalar}: v\n") is None, scalar


def test_a_valid_date_is_the_same_text_on_both_roads():
    assert fast_plain("checked: 2026-04-10\n") == {"checked": "2026-04-10"} == full_road("checked: 2026-04-10\n")[0]
    assert fast_plain("checked: '2026-04-10'\n") == {"checked": "2026-04-10"}


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n",            # anchors and aliases are refused by the full road
    "a: !foo 1\n",                 # unknown tags too
    "a: \"\\x07\"\n",              # an escaped control character
    "%YAML 1.1\n---\na: yes\n",    # directives
    "a: 1\n---\nb: 2\n",           # several documents
    "a:\tb\n",                     # tabs
    "a: b\r\nc: d\r\n",            # other line breaks
    "a: b\u2028c: d\n",
    "for: [x,::y]\n",              # flow collections: libyaml refuses this, YAML 1.2 does not
    # flow collections beyond a simple one-line sequence of plain words
    "a: [b: c]\n", "a: [b:c]\n", "a: ['b', c]\n", 'a: ["b"]\n', "a: [b, [c]]\n", "a: [b,\n  c]\n", "a: [- b]\n",
    "a: [? b]\n", "a: [&x b]\n", "a: [*x]\n", "a: [!x b]\n", "a: [b #c]\n", "a: [b]#c\n", "a: [b] c\n", "a: {b: 1}\n",
    "a: [b, ]\n", "a: [, b]\n", "a: [b,,c]\n", "a: [yes, b]\n", "a: [017]\n", "a: [b, _1]\n", "a: [+0X5]\n",
    "a: [b  c]\n", "- [a: 1]\n", "a:\n  [b: c]\n", "a: [b, 'c d']\n", "a: [1.5]\n", "a: [1.5, b]\n",
    "a: [|x]\n",
    "k: |\n",                     # an empty block scalar: "" on one road, "\\n" on the other
    "k: >+\n\n",
    "? [a]\n: 1\n",                # a key that is not a text
    "a: 1\na: 2\n",                # duplicate keys
    "n: 017\n",                    # octal to YAML 1.1, decimal to 1.2
    "n: 12\nm: 0o17\n",            # a whole number where the text also writes an octal-like one
    "n: 12\nm: -07\n",
    "n: 12\nm: 017 # Kommentar\n",
    "n: 12\nliste:\n  - 0_7\n",
    "n: 12\nm:\n  017\n",           # the value on the next line
    "n: 12\nm:   017\n",
    "n: 12\nliste:\n  - - 017\n",
    "n: 12\n? 017\n: x\n",
    "n: 12\nm: +017\n",
    "n: 12\nm: x\n  017\n",         # a continued text: one text on both roads, declined all the same
    "betrag: 12.50\n",             # numbers with a point: money must not pass through a float
    "n: 1e3\n",
    "n: 1000000000000000\n",       # beyond the limit of every number in a data file
    "\"\": leer\n",                # an empty key
    "k: >\n  a",                  # a block scalar at the end of a text without a final line break
    "nur ein Text\nüber zwei Zeilen\n",  # a document that is not a mapping
    "- a\n- b\n",
    "a: 'on'\nb: on\n",            # the same text quoted once and plain once (plain: a boolean to YAML 1.1)
    "a: \"yes\"\nb: [yes]\n",
    "a: '1:20'\n# 1:20 Uhr\n",      # written outside the quotes too (a comment counts)
    "a: 'x 99001 y'\nb: '99001'\n",  # ... and inside another text, between spaces (as it could stand plain)
    "'<<': x\n",                   # the full road refuses a merge key, quoted or not
    "a: &x\n  b: 1\n",            # an anchor on a mapping, a tag on an item, an alias as an item
    "liste:\n  - !!str 12\n",
    "liste:\n  - *x\n",
    "a:   &x 1\n",
    "? &k a\n: 1\n",
    "a: x\nb: \"C:\\\\Daten\"\n",    # a backslash where the text has double quotes (an escape)
    "a: C:\\Daten\nb: \"x\"\n",
    "%TAG ! tag:x,2026:\n---\na: 1\n",
    "text: |\n  * Punkt\n  & mehr\n",  # a block scalar's line that looks like an alias: declined all the same
])

def test_the_fast_road_declines(text):
    assert fast_plain(text) is None


def test_prose_with_ampersands_percent_signs_and_backslashes_takes_the_fast_road():
    """German free text writes "Bau & Liegenschaften", "80 %", "Achtung!" and Windows paths; inside
    a text both roads read them alike, so such a file is not sent to the slow road for them."""
    text = ("zielobjekt: IV\npruefungen:\n  - requirement: A.1\n    status: ja\n"
            "    statement: Bau & Liegenschaften prüft 80 % der Räume; Achtung! Ablage C:\\Daten\\ISMS\n"
            "    responsible: 'IT & Organisation'\n")
    fast = fast_plain(text)
    assert fast is not None
    assert fast == full_road(text)[0]
    assert fast["pruefungen"][0]["statement"].endswith("C:\\Daten\\ISMS")


def test_whole_numbers_take_the_fast_road():
    assert fast_plain("count: 141\nneg: -3\n") == {"count": 141, "neg": -3}
    assert full_road("count: 141\nneg: -3\n")[0] == {"count": 141, "neg": -3}
    # hexadecimal (and octal, base 60): YAML 1.1 and 1.2 read a number no one writing hours or an
    # amount means; the fast road declines, the full road refuses it with its place
    for text in ("count: 141\nhex: 0x1F\n", "count: 141\nhex: 0x1f\n", "n: 017\n", "n: 7:30\n"):
        assert fast_plain(text) is None
        values, error = full_road(text)
        assert values is None and "mehrdeutig" in error.message and error.location.startswith("Zeile ")
    # a zero inside a text or an id is no octal number
    text = 'count: 141\nname: "Kreisverwaltung 001"\nid: GP-01\n'
    assert fast_plain(text) == full_road(text)[0] == {"count": 141, "name": "Kreisverwaltung 001", "id": "GP-01"}
    # nor is a zero-led word inside a plain text (a county profile: ``name: ISB 001`` beside numbers)
    text = "inhabitants: 303462\nisb:\n  name: ISB 001\n  room: B-017 Ost\n"
    assert fast_plain(text) == full_road(text)[0] == {"inhabitants": 303462, "isb": {"name": "ISB 001", "room": "B-017 Ost"}}


#: whole numbers yaml-rs reads where YAML 1.1 has a text or another number (it drops underscores,
#: takes prefixes in capitals and signs before them, and leading zeros as decimals)
NUMBER_QUIRKS = ["_07233", "_1", "+_1", "-_13", "__6", "1_", "1__0", "1_000", "+0X5", "-0X56", "0X1F", "-0B1", "0B1",
                 "+0o6", "0O7", "017", "-016", "0800", "+08", "0_7", "-0x5", "+0x5", "0x_1F", "0b101"]


@pytest.mark.parametrize("token", NUMBER_QUIRKS)
@pytest.mark.parametrize("shape", ["k: {}\nn: 3\n", "l:\n  - {}\n  - 4\n", "k:\n  {}\nn: 1\n", "a:\n  b: {} # x\n"])
def test_numbers_yaml_rs_reads_in_its_own_way_read_alike_or_go_the_full_road(token, shape):
    assert_same_or_declined(shape.format(token))


def test_random_number_like_scalars_never_read_differently():
    rng = random.Random(20261205)
    alphabet = "0123456789_+-xXoObBaAfFeE.:G "
    accepted = 0
    for _ in range(6000):
        token = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6))).strip() or "0"
        accepted += assert_same_or_declined(f"k: {token}\nn: 3\n")
    assert accepted > 3000, accepted


def test_texts_written_only_in_quotes_take_the_fast_road():
    # a county profile's AGS and a catalog pin's version are numbers and timestamps unquoted
    for text in ('key: lk-001\nags: "07233"\ninhabitants: 61000\n',
                 "version: '2026-06-24T07:29:51.180608+00:00'\nsha256: 203967dad5697ec2\n",
                 "\"017\": a\nb: 'yes'\nc: \"1:20\"\n"):
        assert fast_plain(text) is not None, text
        assert fast_plain(text) == full_road(text)[0]


def test_a_text_quoted_once_and_inside_longer_words_elsewhere_takes_the_fast_road():
    # a plan's costs ('0.00' and '1200.00'), the legal thresholds ("3000" and "143000", "19" and
    # "§19"): the other places are parts of longer words, never a plain scalar of their own
    for text in ("m:\n  - cost: '0.00'\n  - cost: '1200.00'\n  - cost: '450.00'\n",
                 'a: "3000"\nb: "143000"\nrate: "19"\nsource: §19 Abs. 3 SektVO\nref: A19x\n',
                 "a: 'x 99001'\nb: '99001'\n"):
        assert fast_plain(text) is not None, text
        assert fast_plain(text) == full_road(text)[0]
    # where the text may also be a plain scalar of its own, the full road reads it
    for text in ("a: '0.00'\nb: 0.00\n", "a: '0.00'\nb: [0.00]\n", "a: '0.00'\nb: x 0.00\n", "a: '0.00'\n0.00: x\n",
                 "a: '0.00'\nb: |-\n  0.00\n", "a: '19'\nb: -19\n", "a: '1:20'\nb: x:1:20\n", "a: '19' # 19\n",
                 "a: '5.1'\nb: Version 5.1 durch\n", "a: '017'\nb: {x: 017}\n", "a: 'on'\nb: [x,on]\n"):
        assert fast_plain(text) is None, text


def _embedded_quoting(count: int, seed: int):
    """Documents writing a tricky scalar quoted, and the same characters plain inside longer words,
    after and before every kind of neighbour (letters, digits, signs, indicators, quotes)."""
    rng = random.Random(seed)
    neighbours = ["", "", "1", "a", "§", ".", "-", "_", "+", "/", ":", "?", ",", "[", "]", "{", "}", "#", " ", "'",
                  '"', "(", ")", "=", "%", "!", "&", "*", "|", ">", "@", "`", "ä"]
    for _ in range(count):
        tricky = rng.choice(TRICKY)
        quote = rng.choice(["'", '"'])
        lines = [f"q: {quote}{tricky}{quote}"]
        for index in range(rng.randint(1, 4)):
            word = f"{rng.choice(neighbours)}{tricky}{rng.choice(neighbours)}"
            shape = rng.random()
            if shape < 0.5:
                lines.append(f"k{index}: {word}")
            elif shape < 0.7:
                lines.append(f"l{index}:\n  - {word}")
            elif shape < 0.85:
                lines.append(f"t{index}: Text {word} weiter")
            else:
                lines.append(f"{word}: v{index}")
        rng.shuffle(lines)
        yield "\n".join(lines) + "\n"


def test_texts_inside_longer_words_never_fool_the_quoted_only_rule():
    accepted = sum(assert_same_or_declined(text) for text in _embedded_quoting(3000, seed=20261204))
    assert accepted > 300, accepted


def test_a_quoted_text_is_not_taken_as_safe_for_the_next_file():
    assert fast_plain("a: 'yes'\n") == {"a": "yes"}
    # the next text writes it plain: a boolean to the full road, so the fast road must decline
    assert fast_plain("a: yes\nb: x\n") is None


def test_pyyaml_resolves_only_short_words_after_a_letter():
    # what text_safe relies on: after a letter, PyYAML's implicit resolvers know booleans and null only
    from yaml.resolver import Resolver

    for first, resolvers in Resolver.yaml_implicit_resolvers.items():
        if first.isalpha():
            assert {tag.rsplit(":", 1)[-1] for tag, _ in resolvers} <= {"bool", "null"}, first
            for _, pattern in resolvers:
                assert not pattern.match(first + "x" * parse_module._LONGEST_WORD)


def test_simple_flow_sequences_take_the_fast_road():
    # members, parties, measures, roles and addresses as the example writes them
    for text in ("members: [bernkastel-wittlich, cochem-zell]\nn: 2\n",
                 "risiken:\n  - id: R-1\n    measures: [M-035, M-036]  # beide\n",
                 "address: [Musterstraße 1 (BEISPIEL), 54516 Wittlich]\n",
                 "inform: [Notfallbeauftragte/r, Leitung Krisenstab, CERT-rlp]\n",
                 "notice: [6, 3]\nref: [SYS.1.1.A6]\n", "l:\n  - [a, b]\n  - []\n", "a:\n  [x , y ]\n",
                 "title: Kreishaus [1] und {{ landkreise }}\n"):
        assert fast_plain(text) is not None, text
        assert fast_plain(text) == full_road(text)[0]


def _flow_sequences(count: int, seed: int):
    """Flow sequences of tricky scalars and words, spaced, quoted, nested and broken in every way,
    as values, list items and on a line of their own."""
    rng = random.Random(seed)
    words = [*TRICKY, "M-035", "CERT-rlp", "(ERFUNDEN)", "Notfall/r", "a-b", "a.b", "x_1", "Straße", "a b",
             "a  b", "a:b", "a: b", "a #b", "a#b", "-a", "- a", "?a", "? a", "&a", "*a", "!a", "%a", "@a", "|", ">",
             "'a'", '"a"', "[a]", "{a}", "{}", "[]", "a,", "", " ", "a\\b", "a=b", "<<", "_5", "+_1", "0X5", "1_0"]
    for _ in range(count):
        items = [rng.choice(words) for _ in range(rng.randint(1, 4))]
        separator = rng.choice([", ", ",", " , ", ",  "])
        flow = "[" + rng.choice(["", " "]) + separator.join(items) + rng.choice(["", " "]) + "]"
        flow += rng.choice(["", "", " # c", "#c", " x", "  "])
        shape = rng.random()
        if shape < 0.5:
            text = f"k: {flow}\nn: 1\n"
        elif shape < 0.8:
            text = f"l:\n  - {flow}\n  - x\n"
        else:
            text = f"k:\n  {flow}\n"
        yield text


def test_flow_sequences_never_read_differently():
    accepted = sum(assert_same_or_declined(text) for text in _flow_sequences(4000, seed=20261206))
    assert accepted > 250, accepted


def test_empty_flow_collections_take_the_fast_road():
    assert fast_plain("evidence: []\nextra: {}\nname: x\n") == {"evidence": [], "extra": {}, "name": "x"}


def test_deep_nesting_goes_the_full_road():
    deep = "".join("  " * i + f"k{i}:\n" for i in range(parse_module.MAX_DEPTH + 2)) + "  " * (parse_module.MAX_DEPTH + 2) + "v\n"
    assert fast_plain(deep) is None
    assert full_road(deep)[1] is not None


def _repository_yaml() -> list[Path]:
    found = []
    for folder in ("plugins", "catalogs", "ikz_isms", "features", "tests"):
        found += sorted((REPO / folder).rglob("*.yaml"))
    return [p for p in found if ".ikz-cache" not in p.parts]


def test_every_yaml_file_of_the_repository_reads_alike():
    files = _repository_yaml()
    assert len(files) > 30
    accepted = 0
    for path in files:
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        accepted += assert_same_or_declined(text)
    # the county data of the example is the bulk: the fast road must take most files
    assert accepted >= len(files) // 3, (accepted, len(files))


MUTATIONS = [
    ":", "-", " ", "  ", "\n", '"', "'", "#", "[", "]", "{", "}", ",", "|", ">", "?", "a", "0", "yes", "1e3",
    "017", "- ", ": ", "\n  ", "\n- ", "...", "---", "@", "`", "=", "<<", "~", "null", "2026-13-01", "2026-02-28",
    "0x1F", " #", "|-", ">+", "\n\n", '"\n', "'\n", "::", "? ", "1:20", "[]", "{}", " []", ": []", ": {}",
    "@x", "`x", " - ", "- - ", "a: b", "{a: 1}", "[a, b]", '"a": ', "'a': ", "? a\n: b\n",
    "&", "*", "!", "%", "\\", "&a ", "*a", "!a ", "%a", " & ", " * ", " ! ", "!!str ", "\\n", '\\"', "\\x07",
    "- &a ", ": *a", ": !!int ", "\n%", "\n&", "\n*", "\n!", " %", "& b", "\\\\",
    " |\n", " |-\n", " >\n", " |+\n  x\n\n", " |2\n", ": |\n  a\n\n", "\n\n\n", "   ",
    "'99001'", '"99001"', "'yes'", '"on"', "'1:20'", '"0o17"', "'2026-04-10 10:00'", "'~'", '"null"', "'.5'",
]


def _mutants(count: int, seed: int):
    sources = []
    for path in [*sorted((REPO / "plugins").rglob("*.yaml"))[:40], *sorted((REPO / "catalogs").rglob("*.yaml"))]:
        text = path.read_text(encoding="utf-8")
        # at most about 3,000 characters, cut after a line
        sources.append(text if len(text) <= 3000 else text[: text.rfind("\n", 0, 3000) + 1])
    rng = random.Random(seed)
    for _ in range(count):
        text = rng.choice(sources)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(text) + 1)
            roll = rng.random()
            if roll < 0.4:
                text = text[:at] + rng.choice(MUTATIONS) + text[at:]
            elif roll < 0.7:
                text = text[:at] + text[at + rng.randint(1, 5):]
            else:
                text = text[:at] + rng.choice(MUTATIONS) + text[at + rng.randint(1, 3):]
        yield text


def test_mutated_files_never_read_differently():
    accepted = sum(assert_same_or_declined(text) for text in _mutants(1200, seed=20261202))
    # the mutants must exercise the fast road, not only its refusals
    assert accepted > 200, accepted


def test_without_yaml_rs_every_text_takes_the_full_road(monkeypatch):
    monkeypatch.setattr(parse_module, "_FAST", [(None, None)])
    assert fast_plain("name: x\n") is None


def test_a_fast_read_document_still_knows_its_lines(tmp_path):
    from ikz_isms.store import Store

    path = tmp_path / "plan.yaml"
    path.write_text("zielobjekt: IV\npruefungen:\n  - requirement: A.1\n    status: ja\n"
                    "  - requirement: A.2\n    status: vielleicht\n", encoding="utf-8")
    store = Store(None)
    parsed = store.parse(path, "yaml")
    assert parsed.full is not None, "this text should have taken the fast road"
    assert parsed.data["pruefungen"][1]["status"] == "vielleicht"
    assert parsed.line("pruefungen", 1, "status") == 6
    spans = parsed.item_spans()
    assert spans is not None and len(spans["pruefungen"].starts) == 2


#: scalars YAML 1.1 (libyaml with PyYAML's resolvers) and YAML 1.2 (yaml-rs) may read apart
TRICKY = ["yes", "no", "on", "off", "Y", "n", "true", "False", "null", "~", "017", "0o17", "0x1F", "1_000", "1:20",
          "190:20:30", "1e3", "+.5", ".5", ".inf", ".NaN", "2026-04-10", "2026-04-10 10:00", "2026-04-10T10:00:00Z",
          "2026-02-30", "=", "<<", "99001", "07233", "-1", "+1", "0", "00", "12", "a", "ja", "x y", "lk-001", "ISB 001"]


def _mixed_quoting(count: int, seed: int):
    """Small documents writing the tricky scalars plain and quoted side by side, as keys, values,
    list items and in comments: the quoted-only rule of the fast road must never be fooled."""
    rng = random.Random(seed)
    for _ in range(count):
        lines = []
        for index in range(rng.randint(1, 5)):
            quote = rng.choice(["", "", "'", '"'])
            written = f"{quote}{rng.choice(TRICKY)}{quote}"
            roll = rng.random()
            if roll < 0.5:
                lines.append(f"k{index}: {written}")
            elif roll < 0.7:
                key_quote = rng.choice(["", "'", '"'])
                lines.append(f"{key_quote}{rng.choice(TRICKY)}{key_quote}: {written}")
            elif roll < 0.85:
                lines.append(f"l{index}:\n  - {written}\n  - {quote}{rng.choice(TRICKY)}{quote}")
            else:
                lines.append(f"# {rng.choice(TRICKY)}\nc{index}: {written}")
        yield "\n".join(lines) + "\n"


def test_quoted_and_plain_tricky_scalars_never_read_differently():
    accepted = sum(assert_same_or_declined(text) for text in _mixed_quoting(1500, seed=20261203))
    assert accepted > 300, accepted


def test_the_kept_resolver_table_is_pyyamls(tmp_path):
    """The table the fast road asks without importing PyYAML is the installed PyYAML's own."""
    from yaml.resolver import Resolver

    from ikz_isms.store import schema

    source = parse_module._resolver_source()
    assert source is not None and b"add_implicit_resolver" in source
    name = parse_module._resolvers_file(source)
    schema.cache_code_in(tmp_path)
    try:
        parse_module._keep_resolvers(name, Resolver.yaml_implicit_resolvers)
        kept = parse_module._kept_resolvers(name)
    finally:
        schema.cache_code_in(None)
    live = Resolver.yaml_implicit_resolvers
    assert kept is not None and list(kept) == list(live)
    for first, items in live.items():
        assert [(tag, p.pattern, p.flags) for tag, p in kept[first]] == [(tag, p.pattern, p.flags) for tag, p in items]
    # another resolver module (another PyYAML) is another file: nothing kept for it
    assert parse_module._resolvers_file(source + b"#") != name


def test_a_read_only_command_does_not_import_pyyaml_once_the_table_is_kept(tmp_path):
    import subprocess
    import sys

    county = tmp_path / "landkreis.yaml"
    county.write_text('key: lk-001\nags: "07233"\ninhabitants: 61000\nisb:\n  name: ISB 001\n', encoding="utf-8")
    script = (
        "import sys\n"
        "from ikz_isms.store import schema, parse\n"
        f"schema.cache_code_in({str(tmp_path / 'code')!r})\n"
        f"data = parse.fast_plain(open({str(county)!r}, encoding='utf-8').read())\n"
        "print(data['ags'], 'yaml' in sys.modules)\n"
    )
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
            for _ in range(2)]
    # the first run keeps PyYAML's table (beside the schemas or in the given folder) if none was
    # kept yet; the second reads the same text without importing PyYAML
    assert runs[1] == ["07233", "False"], runs


def test_a_damaged_kept_table_is_not_used(tmp_path, monkeypatch):
    from yaml.resolver import Resolver

    from ikz_isms.store import schema

    monkeypatch.setattr(schema, "_code_folders", lambda: [(tmp_path, True)])
    name = parse_module._resolvers_file(parse_module._resolver_source())
    for damaged in (b"{damaged", b'{"format": 1, "table": [["y", [["tag", "(", 0]]]]}', b'{"table": 5}'):
        (tmp_path / name).write_bytes(damaged)
        assert parse_module._kept_resolvers(name) is None
    # where nothing usable is kept, the live table is used and kept again
    monkeypatch.delitem(__import__("sys").modules, "yaml")
    table = parse_module.implicit_resolvers()
    assert set(table) == set(Resolver.yaml_implicit_resolvers)
    assert parse_module._kept_resolvers(name) is not None


def test_a_second_byte_order_mark_takes_the_full_road():
    """After the first BOM (dropped with the bytes' decoding) another one stood before the first
    key: libyaml skips it, yaml-rs read the key '\\ufeffzielobjekt' ('unbekanntes Feld')."""
    text = "\ufeffzielobjekt: IV\npruefungen: []\n"
    assert fast_plain(text) is None
    assert full_road(text)[0] == {"zielobjekt": "IV", "pruefungen": []}
