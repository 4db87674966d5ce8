"""The journal's two roads to its canonical JSON agree byte for byte: orjson where it can, the
standard library everywhere else — a hash sealed by an earlier release must verify forever."""

from __future__ import annotations

import hashlib
import json

import pytest

from ikz_isms import journal


def reference_digest(entry: dict) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


CASES = [
    {"seq": 1, "time": "2026-01-01T00:00:00+00:00", "actor": "ISB", "record": "A.1@T", "old": None,
     "new": {"status": "ja", "evidence": ["x", "y"]}, "prev": "0" * 64},
    {"seq": 2, "record": "Ä.1@Zielobjekt-ß", "new": {"statement": "€ 😀 \u2028 \x7f \x00 \x1f \"\\ \n\t\b\f\r"}},
    {"seq": 3, "new": {"é": 1, "e": 2, "Z": 3, "\uffff": 4, "\U0001f600": 5, "": 6}},
    {"seq": 4, "new": {"amount": 1.5}},            # floats: the standard library's spelling
    {"seq": 5, "new": {"amount": 1e16}},
    {"seq": 6, "new": {"amount": -0.0}},
    {"seq": 7, "new": {"big": 2 ** 64 + 1}},       # above 64 bits
    {"seq": 8, "new": {"small": -(2 ** 63)}},
    {"seq": 9, "new": {"flags": [True, False, None, [], {}]}},
    {"seq": 10, "new": {"deep": [[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]}},
]


@pytest.mark.parametrize("entry", CASES, ids=[str(c["seq"]) for c in CASES])
def test_digest_is_the_standard_librarys(entry):
    assert journal.digest(entry) == reference_digest(entry)


def test_very_deep_nesting_takes_the_standard_road():
    value: list = []
    for _ in range(400):
        value = [value]
    entry = {"seq": 1, "new": value}
    assert journal.digest(entry) == reference_digest(entry)


def test_a_lone_surrogate_fails_as_it_always_did():
    with pytest.raises(UnicodeEncodeError):
        journal.digest({"seq": 1, "new": "\ud800"})


LINES = [
    '{"a": 1, "a": 2}',
    '{"n": NaN, "i": Infinity}',
    '{"s": "\\ud800"}',
    '{"big": 123456789012345678901234567890}',
    '{"f": 1.0000000000000002, "g": 1e400}',
    '{"u": "\\u00e9\\ud83d\\ude00"}',
    '[' * 2000 + ']' * 2000,
]


@pytest.mark.parametrize("line", LINES, ids=range(len(LINES)))
def test_lines_are_read_as_the_standard_library_reads_them(line):
    try:
        expected = json.loads(line)
    except RecursionError:
        with pytest.raises(RecursionError):
            journal._loads(line)
        return
    got = journal._loads(line)
    assert repr(got) == repr(expected)


def test_a_chain_with_floats_and_big_numbers_verifies():
    sealed = journal.seal([{"record": "A@T", "new": {"x": 0.1, "y": 2 ** 70}, "actor": "a", "time": "2026-05-28T10:00:00+00:00"},
                           {"record": "B@T", "new": {"x": "ü"}, "actor": "a", "time": "2026-05-28T10:00:00+00:00"}], None)
    raw = journal.encode(sealed)
    read = journal.parse(raw)
    assert read.problems == []
    assert [e["hash"] for e in read.entries] == [reference_digest(e) for e in sealed]
    tampered = raw.replace(b"0.1", b"0.2")
    assert any("verändert" in p.message for p in journal.parse(tampered).problems)
