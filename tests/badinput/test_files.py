"""Hostile files, one parametrised list per file kind.

Each case damages one file of a copy of the example Verbund and runs one command that reads
it. The answer must be the documented exit code, a German message naming the file and the
place, no traceback, no English parser text, no file changed, within the time bound
(corpus.py). ``check`` on bad data answers 1 or 3, never 0.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.badinput import corpus
from tests.badinput.corpus import (
    BOM,
    CATALOG,
    CONFIG,
    COUNTY,
    DATA,
    LINE,
    MB_TEXT,
    REVIEW,
    REVIEW_ID,
    WHOLE_FILE,
    Case,
    alias_bomb,
    append,
    chmod,
    edit_lines,
    link_dir_outside,
    link_outside,
    make_dir,
    nested,
    pad,
    pad_comment,
    pin_to_content,
    prepend,
    python_tag,
    remove,
    replace,
    steps,
    sub,
    table_line,
    utf16,
    write,
    write_outside,
    yaml_attacks,
)

LANDKREIS = f"{DATA}/landkreis.yaml"
ZIELOBJEKTE = f"{DATA}/zielobjekte.yaml"
PRUEFUNGEN = f"{DATA}/pruefungen/IV.yaml"
PLAN = f"{DATA}/plan.yaml"
JOURNAL = f"{DATA}/journal.jsonl"
ADOPTER = "eifelkreis-bitburg-pruem"

ASSESS = ("assess", "--county", COUNTY)
TARGETS = ("assess", "targets", "--county", COUNTY)
PLAN_SHOW = ("plan", "--county", COUNTY)
CHECK = ("check",)
SET = ("assess", "set", "ISMS.1.A1", "IV", "nein", "--county", COUNTY, "--statement", "Badinput")
REPORT = ("report", "county", COUNTY, "-o", "{outside}/bericht.pdf")
REPORT_PLAN = ("report", "plan", "--county", COUNTY, "-o", "{outside}/plan.pdf")
PLAN_SET = ("plan", "set", "M-001", "--responsible", "Badinput", "--county", COUNTY)
VERIFY = ("journal", "verify", "--county", COUNTY)
REVIEWS = ("review", "list")
ADOPT = ("review", "adopt", REVIEW_ID, "--county", ADOPTER, "--target", "APP-FIN", "--force")
CATALOGS = ("catalog", "list")
SHOW = ("catalog", "show", "ISMS.1.A1")
CHECK_CODES = frozenset({1, 3})


SMALL_YAML = """\
catalog:
  uuid: 6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b
  metadata:
    title: Kleiner Katalog
    last-modified: '2026-01-01T00:00:00+00:00'
    version: '1'
    oscal-version: 1.1.3
  groups:
    - id: ABC
      title: Beispielschicht
      controls:
        - id: ABC.1.A1
          title: Erste Anforderung
          props:
            - name: level
              ns: urn:ikz-isms:oscal
              value: B
          parts:
            - id: ABC.1.A1_stm
              name: statement
              props:
                - name: modal_verb
                  value: MUSS
              prose: Es MUSS etwas geschehen.
"""


# -- ikz-isms.yaml -------------------------------------------------------------------------

CONFIG_CASES = [
    # a directory in its place is "no workspace" (the message names the file; it does not say why)
    *yaml_attacks("config", CONFIG, ASSESS, duplicate="default_catalog: muster\n", directory=()),
    Case("config-verbund-list", sub(CONFIG, r"^verbund:\n(  .*\n)+", "verbund:\n  - IKZ\n"), ASSESS, {3}, CONFIG,
         "(/verbund)"),
    Case("config-member-path", replace(CONFIG, "  members:\n", "  members:\n    - ../../etc\n"), ASSESS, {3}, CONFIG,
         "(/verbund/members/0)"),
    Case("config-member-too-long", replace(CONFIG, "  members:\n", "  members:\n    - " + "a" * 300 + "\n"), ASSESS,
         {3}, CONFIG, "(/verbund/members/0)"),
    Case("config-name-1mb", replace(CONFIG, "  name: IKZ Eifel-Mosel-Hunsrück 2.0", "  name: " + MB_TEXT), ASSESS,
         {3}, CONFIG, "(/verbund/name)"),
    Case("config-sha256-short", sub(CONFIG, r"sha256: [0-9a-f]{64}", "sha256: abc"), ASSESS, {3}, CONFIG,
         "(/catalogs/muster/sha256)"),
    Case("config-default-catalog-unknown", replace(CONFIG, "default_catalog: muster", "default_catalog: gibtsnicht"),
         CHECK, {1}, CONFIG, WHOLE_FILE, ("gibtsnicht",)),
    Case("config-default-catalog-unknown-show", replace(CONFIG, "default_catalog: muster",
                                                        "default_catalog: gibtsnicht"), SHOW, {3}, CONFIG, WHOLE_FILE,
         ("gibtsnicht",)),
    Case("config-catalogs-empty", sub(CONFIG, r"^catalogs:\n(  .*\n|    .*\n)*", "catalogs: {}\n"), ASSESS, {3},
         CONFIG, WHOLE_FILE),
    Case("config-catalog-file-absolute", replace(CONFIG, "file: catalogs/ikz-musterkatalog.json", "file: /etc/passwd"),
         ASSESS, {3}, None, WHOLE_FILE),
    Case("config-lead-not-member", replace(CONFIG, "lead: bernkastel-wittlich", "lead: gibtsnicht"), CHECK, {1},
         CONFIG, WHOLE_FILE, ("gibtsnicht",)),
    Case("config-symlink-outside-write", link_outside(CONFIG), ("county", "add", "Neuer Kreis"), {6}, CONFIG,
         WHOLE_FILE, ("Verknüpfung",)),
    # the settlement's IBAN as the statements read it: before, check passed what costs allocate refused
    Case("config-settlement-iban-check-digits", replace(CONFIG, "iban: DE89 3704 0044 0532 0130 00",
                                                        "iban: DE00 3704 0044 0532 0130 00"), CHECK, {1}, CONFIG, LINE,
         ("IBAN",)),
    Case("config-padded-comment-50mb", pad_comment(CONFIG), ASSESS, {3}, CONFIG, WHOLE_FILE, ("zu groß",), slow=True),
]

# -- landkreis.yaml ------------------------------------------------------------------------


def lk(field: str, value: str):
    return sub(LANDKREIS, rf"^{field}: .*$", f"{field}: {value}")


LANDKREIS_CASES = [
    *yaml_attacks("landkreis", LANDKREIS, ASSESS, duplicate="key: anderer\n"),
    Case("landkreis-check-python-tag", python_tag(LANDKREIS), CHECK, CHECK_CODES, LANDKREIS),
    # the profile deleted beside the county's records and journal: before, the county vanished and
    # check passed with a warning that a member has no plugin
    Case("landkreis-deleted-check", remove(LANDKREIS), CHECK, {1}, LANDKREIS, WHOLE_FILE, ("nicht gefunden",)),
    Case("landkreis-deleted-assess", remove(LANDKREIS), ASSESS, {3}, LANDKREIS, WHOLE_FILE, ("nicht gefunden",)),
    Case("landkreis-key-path", lk("key", "../x"), ASSESS, {3}, LANDKREIS, "(/key)"),
    Case("landkreis-key-too-long", lk("key", "a" * 300), ASSESS, {3}, LANDKREIS, "(/key)", ("zu lang",)),
    Case("landkreis-name-1mb", lk("name", MB_TEXT), ASSESS, {3}, LANDKREIS, "(/name)"),
    Case("landkreis-name-blank", lk("name", "'   '"), ASSESS, {3}, LANDKREIS, WHOLE_FILE),
    Case("landkreis-inhabitants-400-digits", lk("inhabitants", "9" * 400), ASSESS, {3}, LANDKREIS, LINE),
    Case("landkreis-inhabitants-negative", lk("inhabitants", "-5"), ASSESS, {3}, LANDKREIS, "(/inhabitants)"),
    Case("landkreis-inhabitants-huge", lk("inhabitants", "999999999999"), ASSESS, {3}, LANDKREIS, "(/inhabitants)"),
    # YAML 1.1 reads 0113000 as octal (38,400) and 1:13:00 as 4,380 (base 60); before, taken as that
    Case("landkreis-inhabitants-leading-zero", lk("inhabitants", "0113000"), ASSESS, {3}, LANDKREIS, LINE,
         ("führender Null",)),
    Case("landkreis-inhabitants-base-60", lk("inhabitants", "1:13:00"), ASSESS, {3}, LANDKREIS, LINE,
         ("Doppelpunkt",)),
    Case("landkreis-disclosure-unknown", lk("disclosure", "alles"), ASSESS, {3}, LANDKREIS, "(/disclosure)"),
    # the Verbund views end as assess does (before: exit 0, 'weder Daten in dieser Arbeitsumgebung noch ein Paket')
    Case("landkreis-disclosure-unknown-verbund", lk("disclosure", "alles"), ("assess", "--verbund"), {1}, LANDKREIS,
         "(/disclosure)", ("nicht lesbar",)),
    Case("landkreis-disclosure-unknown-risks", lk("disclosure", "alles"), ("risk", "list", "--verbund"), {1},
         LANDKREIS, "(/disclosure)"),
    Case("landkreis-disclosure-unknown-emergency", lk("disclosure", "alles"), ("emergency", "verbund"), {1},
         LANDKREIS, "(/disclosure)"),
    # the profile names the catalog: the message names the profile (before: ikz-isms.yaml), as check does
    Case("landkreis-catalog-unknown", lk("catalog", "gibtsnicht"), ASSESS, {3}, LANDKREIS, WHOLE_FILE,
         ("gibtsnicht", "nicht eingetragen")),
    Case("landkreis-catalog-unknown-plan", lk("catalog", "gibtsnicht"), PLAN_SHOW, {3}, LANDKREIS, WHOLE_FILE,
         ("gibtsnicht",)),
    Case("landkreis-catalog-unknown-check", lk("catalog", "gibtsnicht"), CHECK, {1}, LANDKREIS, WHOLE_FILE,
         ("gibtsnicht",)),
    Case("landkreis-report-broken", append(LANDKREIS, "x: [\n"), REPORT, {3}, LANDKREIS),
    Case("landkreis-padded-comment-50mb", pad_comment(LANDKREIS), ASSESS, {3}, LANDKREIS, WHOLE_FILE, ("zu groß",),
         slow=True),
]

# -- zielobjekte.yaml ----------------------------------------------------------------------


def zo(old: str, new: str):
    return replace(ZIELOBJEKTE, old, new)


ZIELOBJEKTE_CASES = [
    *yaml_attacks("zielobjekte", ZIELOBJEKTE, ASSESS, duplicate="zielobjekte: []\n"),
    Case("zielobjekte-check-bomb", append(ZIELOBJEKTE, alias_bomb()), CHECK, CHECK_CODES, ZIELOBJEKTE),
    Case("zielobjekte-id-path", zo("  - id: GP-KFZ", "  - id: ../x"), ASSESS, {3}, ZIELOBJEKTE, "(/zielobjekte/1/id)"),
    Case("zielobjekte-id-too-long", zo("  - id: GP-KFZ", "  - id: " + "A" * 300), ASSESS, {3}, ZIELOBJEKTE,
         "(/zielobjekte/1/id)"),
    Case("zielobjekte-name-1mb", zo("    name: Kfz-Zulassung und Führerscheinwesen", "    name: " + MB_TEXT), ASSESS,
         {3}, ZIELOBJEKTE, "(/zielobjekte/1/name)"),
    Case("zielobjekte-name-terminal-escape", zo("    name: Kfz-Zulassung und Führerscheinwesen",
                                                '    name: "Kfz\\e]0;gehackt\\a\\e[2J"'), TARGETS, {3}, ZIELOBJEKTE,
         LINE, ("Steuerzeichen",)),
    Case("zielobjekte-type-unknown", zo("    type: Geschäftsprozess", "    type: Server"), ASSESS, {3}, ZIELOBJEKTE,
         "(/zielobjekte/1/type)"),
    Case("zielobjekte-override-blank-reason", sub(ZIELOBJEKTE, r"^      reason: .*$", "      reason: '   '"), ASSESS,
         {3}, ZIELOBJEKTE, LINE, ("Leerzeichen",)),
    Case("zielobjekte-cycle", zo("    depends_on:\n      - SRV-APP\n      - APP-AD",
                                 "    depends_on:\n      - SRV-APP\n      - APP-AD\n      - GP-KFZ"), ASSESS, {3},
         ZIELOBJEKTE, LINE, ("Zyklus",)),
    Case("zielobjekte-unknown-dependency", zo("      - APP-FACH\n", "      - GIBTSNICHT\n"), CHECK, {1}, ZIELOBJEKTE,
         LINE, ("GIBTSNICHT",)),
    Case("zielobjekte-duplicate-id", zo("  - id: GP-KFZ", "  - id: GP-SOZ"), CHECK, {1}, ZIELOBJEKTE, LINE,
         ("doppelt",)),
    # assess reports the structure analysis's errors as check does (file, line) and answers 1, as for invalid records
    Case("zielobjekte-duplicate-id-assess", zo("  - id: GP-KFZ", "  - id: GP-SOZ"), ASSESS, {1}, ZIELOBJEKTE, LINE,
         ("doppelt",)),
    Case("zielobjekte-unknown-dependency-assess", zo("      - APP-FACH\n", "      - GIBTSNICHT\n"), ASSESS, {1},
         ZIELOBJEKTE, LINE, ("GIBTSNICHT",)),
    Case("zielobjekte-count-huge", zo("    count: 14", "    count: 99999999999999"), ASSESS, {3}, ZIELOBJEKTE, LINE),
    Case("zielobjekte-no-information-domain", zo("    type: Informationsverbund", "    type: Anwendung"), CHECK, {1},
         ZIELOBJEKTE, WHOLE_FILE),
    Case("zielobjekte-report-broken", append(ZIELOBJEKTE, "x: [\n"), REPORT, {3}, ZIELOBJEKTE),
    Case("zielobjekte-set-refused", append(ZIELOBJEKTE, "x: [\n"), SET, {3}, ZIELOBJEKTE),
]

# -- pruefungen/<ZIELOBJEKT>.yaml ----------------------------------------------------------


def pr(old: str, new: str):
    return replace(PRUEFUNGEN, old, new)


FIRST_RECORD = "  - requirement: ISMS.1.A1\n    status: ja\n"

PRUEFUNGEN_CASES = [
    *yaml_attacks("pruefungen", PRUEFUNGEN, ASSESS, duplicate="zielobjekt: IV\n", extended=(
        "tab-indent", "utf16", "inf", "nan", "date-13-01", "nested-block-100", "int-400-digits")),
    Case("pruefungen-set-alias-refused", append(PRUEFUNGEN, "x: &a 1\ny: *a\n"), SET, {3}, PRUEFUNGEN),
    Case("pruefungen-report-broken", append(PRUEFUNGEN, "x: [\n"), REPORT, {3}, PRUEFUNGEN),
    Case("pruefungen-zielobjekt-path", pr("zielobjekt: IV", "zielobjekt: ../x"), ASSESS, {3}, PRUEFUNGEN,
         "(/zielobjekt)"),
    Case("pruefungen-zielobjekt-other", pr("zielobjekt: IV", "zielobjekt: FW-01"), ASSESS, {3}, PRUEFUNGEN, LINE),
    Case("pruefungen-status-unknown", pr("    status: teilweise", "    status: vielleicht"), CHECK, {1}, PRUEFUNGEN,
         LINE, ("vielleicht",)),
    Case("pruefungen-checked-02-30", pr("    checked: 2025-05-01", "    checked: 2026-02-30"), ASSESS, {3},
         PRUEFUNGEN, LINE, ("Datum",)),
    Case("pruefungen-checked-german", pr("    checked: 2025-05-01", "    checked: 31.12.2026"), CHECK, {1},
         PRUEFUNGEN, LINE, ("Datum",)),
    # an ISO week date: Python 3.11 reads it (2026-W01-1 is 2025-12-29, another year); before, accepted
    Case("pruefungen-checked-week-date", pr("    checked: 2025-05-01", "    checked: 2026-W01-1"), CHECK, {1},
         PRUEFUNGEN, LINE, ("Datum",)),
    Case("pruefungen-reason-blank", pr("    reason: Gleichwertige Alternativmaßnahme umgesetzt und im "
                                       "Sicherheitskonzept begründet.", "    reason: '    '"), CHECK, {1},
         PRUEFUNGEN, LINE, ("Begründung",)),
    Case("pruefungen-wrong-target", pr(FIRST_RECORD, "  - requirement: ISMS.1.A1\n    target: FW-01\n    status: ja\n"),
         CHECK, {1}, PRUEFUNGEN, LINE, ("FW-01",)),
    Case("pruefungen-duplicate-record", pr(FIRST_RECORD, FIRST_RECORD + FIRST_RECORD), CHECK, {1}, PRUEFUNGEN, LINE,
         ("doppelt",)),
    Case("pruefungen-statement-1mb", sub(PRUEFUNGEN, r"^    statement: .*$", "    statement: " + MB_TEXT), ASSESS,
         {3}, PRUEFUNGEN, "(/pruefungen/0/statement)"),
    Case("pruefungen-list-mapping", write(PRUEFUNGEN, "zielobjekt: IV\npruefungen:\n  eins:\n    requirement: ISMS.1.A1\n"
                                                  "    status: ja\n"), ASSESS, {3}, PRUEFUNGEN, "(/pruefungen)"),
    Case("pruefungen-dir-is-file", steps(lambda ws: __import__("shutil").rmtree(ws / DATA / "pruefungen"),
                                         write(f"{DATA}/pruefungen", "kein Ordner\n")), ASSESS, {3},
         f"{DATA}/pruefungen", WHOLE_FILE),
    Case("pruefungen-legacy-file-bomb", write(f"{DATA}/pruefungen.yaml", "pruefungen:\n" + alias_bomb("  x").replace(
        "x:", "- x:", 1)), ASSESS, {3}, f"{DATA}/pruefungen.yaml"),
    Case("pruefungen-symlink-outside-set", link_outside(PRUEFUNGEN), SET, {6}, PRUEFUNGEN, WHOLE_FILE,
         ("Verknüpfung",)),
    Case("pruefungen-folder-symlink-outside-set", link_dir_outside(f"{DATA}/pruefungen"), SET, {6}, "IV.yaml",
         WHOLE_FILE, ("außerhalb",)),
    Case("pruefungen-padded-comment-50mb", pad_comment(PRUEFUNGEN), ASSESS, {3}, PRUEFUNGEN, WHOLE_FILE, ("zu groß",),
         slow=True),
]

# -- plan.yaml -----------------------------------------------------------------------------


def pl(old: str, new: str):
    return replace(PLAN, old, new)


M1_DEADLINE = "    deadline: 2026-06-30"
M1_COST = "    cost: '12000.00'"

def cr_only(relative: str):
    """Line breaks as carriage returns alone (old Mac files): YAML reads them as line breaks."""

    def apply(ws: Path) -> None:
        path = ws / relative
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))

    return apply


PLAN_CASES = [
    # before: reads took it, plan set and assess set ended with 'ungültiges YAML (ScannerError)'
    Case("plan-cr-only-set", cr_only(PLAN), PLAN_SET, ok=True, writes=True),
    Case("plan-cr-only-records-set", cr_only(PRUEFUNGEN), SET, ok=True, writes=True),
    *yaml_attacks("plan", PLAN, PLAN_SHOW, duplicate="massnahmen: []\n"),
    Case("plan-report-alias", append(PLAN, "x: &a 1\ny: *a\n"), REPORT_PLAN, {3}, PLAN),
    Case("plan-set-broken-refused", append(PLAN, "x: [\n"), PLAN_SET, {3}, PLAN),
    Case("plan-deadline-02-30", pl(M1_DEADLINE, "    deadline: 2026-02-30"), PLAN_SHOW, {3}, PLAN, LINE, ("Datum",)),
    Case("plan-deadline-quoted-02-30", pl(M1_DEADLINE, "    deadline: '2026-02-30'"), PLAN_SHOW, {3}, PLAN, LINE,
         ("Datum",)),
    Case("plan-deadline-german", pl(M1_DEADLINE, "    deadline: 31.12.2026"), PLAN_SHOW, {3}, PLAN, LINE, ("Datum",)),
    Case("plan-deadline-german-report", pl(M1_DEADLINE, "    deadline: 31.12.2026"), REPORT_PLAN, {3}, PLAN, LINE),
    Case("plan-cost-negative", pl(M1_COST, "    cost: '-5.00'"), PLAN_SHOW, {3}, PLAN, LINE),
    Case("plan-cost-1e308", pl(M1_COST, "    cost: 1.0e+308"), PLAN_SHOW, {3}, PLAN, LINE),
    Case("plan-cost-400-digits", pl(M1_COST, "    cost: '" + "9" * 400 + "'"), PLAN_SHOW, {3}, PLAN, LINE),
    Case("plan-cost-10e15", pl(M1_COST, "    cost: '1000000000000000.00'"), PLAN_SHOW, {3}, PLAN, LINE),
    Case("plan-state-unknown", pl("    state: in Umsetzung", "    state: erledigt"), PLAN_SHOW, {3}, PLAN,
         "(/massnahmen/0/state)"),
    Case("plan-id-path", pl("  - id: M-001", "  - id: M-1/../x"), PLAN_SHOW, {3}, PLAN, "(/massnahmen/0/id)"),
    Case("plan-id-duplicate", pl("  - id: M-002", "  - id: M-001"), PLAN_SHOW, {3}, PLAN, LINE, ("doppelt",)),
    Case("plan-title-1mb", pl("    title: E-Mails sichern und archivieren", "    title: " + MB_TEXT), PLAN_SHOW, {3},
         PLAN, "(/massnahmen/0/title)"),
    Case("plan-symlink-outside-set", link_outside(PLAN), PLAN_SET, {6}, PLAN, WHOLE_FILE, ("Verknüpfung",)),
]

# -- journal.jsonl -------------------------------------------------------------------------


def jl(change):
    return edit_lines(JOURNAL, change)


def entry_edit(index: int, edit):
    def change(lines: list[bytes]) -> list[bytes]:
        entry = json.loads(lines[index])
        edit(entry)
        lines[index] = json.dumps(entry, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return lines

    return jl(change)


def journal_cut_tail(ws: Path) -> None:
    path = ws / JOURNAL
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) - 80])


def journal_drop_last(count: int):
    def change(lines: list[bytes]) -> list[bytes]:
        return lines[:-count]

    return jl(change)


def swap(lines: list[bytes]) -> list[bytes]:
    lines[1], lines[2] = lines[2], lines[1]
    return lines


def resealed_last(edit):
    """The last entry changed and sealed again, as someone who rewrote it with the product's hash would."""
    from ikz_isms.journal import digest

    def change(lines: list[bytes]) -> list[bytes]:
        entry = json.loads(lines[-1])
        edit(entry)
        entry["hash"] = digest(entry)
        lines[-1] = json.dumps(entry, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return lines

    return jl(change)


XLSX_OUT = ("export", "xlsx", "--county", COUNTY, "-o", "{outside}/check.xlsx")
JOURNAL_SHOW = ("journal", "show", "--county", COUNTY)

JOURNAL_CASES = [
    # a sealed entry whose time is no timestamp: before, export xlsx ended with exit 70 (fromisoformat),
    # journal show with OverflowError (year 1); a number of 5,000 digits with ValueError (int limit)
    Case("journal-time-text-resealed", resealed_last(lambda e: e.update(time="gestern")), VERIFY, {1}, JOURNAL,
         table_line(443), ("Zeitstempel",)),
    Case("journal-time-text-export", resealed_last(lambda e: e.update(time="gestern")), XLSX_OUT, ok=True,
         writes=True),
    # journal show lists a damaged journal with a warning naming the place (as for every damage)
    Case("journal-time-year-1-show", resealed_last(lambda e: e.update(time="0001-01-01T00:00:00+14:00")),
         JOURNAL_SHOW, ok=True),
    Case("journal-int-5000-digits", jl(lambda ls: ls[:-1] + [ls[-1][:-1] + b', "x": ' + b"9" * 5000 + b"}"]),
         VERIFY, {1}, JOURNAL, table_line(443)),
    Case("journal-int-5000-digits-set", jl(lambda ls: ls[:-1] + [ls[-1][:-1] + b', "x": ' + b"9" * 5000 + b"}"]),
         SET, {3}, JOURNAL, WHOLE_FILE),
    Case("journal-line-not-object", jl(lambda ls: ls[:4] + [b"[1, 2, 3]"] + ls[4:]), VERIFY, {1}, JOURNAL,
         table_line(5)),
    Case("journal-line-not-json", jl(lambda ls: ls[:4] + [b"kein json"] + ls[4:]), VERIFY, {1}, JOURNAL, table_line(5)),
    Case("journal-line-without-hash", entry_edit(2, lambda e: e.pop("hash")), VERIFY, {1}, JOURNAL, table_line(3),
         ("hash",)),
    Case("journal-edited-entry", entry_edit(5, lambda e: e.update(actor="Jemand anderes")), VERIFY, {1}, JOURNAL,
         table_line(6)),
    Case("journal-deleted-entry", jl(lambda ls: ls[:3] + ls[4:]), VERIFY, {1}, JOURNAL, table_line(4)),
    Case("journal-reordered", jl(swap), VERIFY, {1}, JOURNAL, table_line(2)),
    Case("journal-inserted-duplicate", jl(lambda ls: ls[:3] + [ls[2]] + ls[3:]), VERIFY, {1}, JOURNAL, table_line(4)),
    Case("journal-blank-line", jl(lambda ls: ls[:3] + [b""] + ls[3:]), VERIFY, {1}, JOURNAL, table_line(4)),
    Case("journal-cut-off-middle", jl(lambda ls: ls[:3] + [ls[3][:40]] + ls[4:]), VERIFY, {1}, JOURNAL, table_line(4)),
    Case("journal-cut-off-end", journal_cut_tail, VERIFY, {1}, JOURNAL, table_line(r"\d+")),
    Case("journal-non-utf8", jl(lambda ls: ls[:1] + [ls[1].replace(b'"actor": "', b'"actor": "\xff', 1)] + ls[2:]),
         VERIFY, {1}, JOURNAL, table_line(2)),
    Case("journal-nested-20000", jl(lambda ls: ls[:2] + [nested(20000).encode()] + ls[2:]), VERIFY, {1}, JOURNAL,
         table_line(3)),
    Case("journal-bom", prepend(JOURNAL, BOM), VERIFY, {1}, JOURNAL, table_line(1)),
    Case("journal-tail-cut-records-newer", journal_drop_last(3), VERIFY, {1}, JOURNAL, WHOLE_FILE, ("Journalstand",)),
    Case("journal-deleted", remove(JOURNAL), VERIFY, {1}, "journal.jsonl", WHOLE_FILE, ("fehlt",)),
    Case("journal-emptied", write(JOURNAL, ""), VERIFY, {1}, "journal.jsonl", WHOLE_FILE, ("leer",)),
    Case("journal-directory", make_dir(JOURNAL), VERIFY, {3}, "journal.jsonl", WHOLE_FILE, ("Verzeichnis",)),
    Case("journal-unreadable", chmod(JOURNAL), VERIFY, {3}, "journal.jsonl", WHOLE_FILE, needs_non_root=True),
    Case("journal-padded-50mb", pad(JOURNAL), VERIFY, {1, 3}, "journal.jsonl", WHOLE_FILE),
    Case("journal-check-edited", entry_edit(5, lambda e: e.update(actor="Jemand anderes")), CHECK, {1},
         "journal.jsonl", LINE),
    Case("journal-set-deleted-refused", remove(JOURNAL), SET, {4}, "journal.jsonl", WHOLE_FILE, ("fehlt",)),
    Case("journal-set-emptied-refused", write(JOURNAL, ""), SET, {4}, "journal.jsonl", WHOLE_FILE, ("leer",)),
    Case("journal-set-cut-off-refused", journal_cut_tail, SET, {3}, "journal.jsonl", WHOLE_FILE, ("beschädigt",)),
    Case("journal-set-last-not-object", append(JOURNAL, "[1]\n"), SET, {3}, "journal.jsonl", WHOLE_FILE,
         ("beschädigt",)),
    Case("journal-set-last-edited", jl(lambda ls: ls[:-1] + [ls[-1].replace(b'"actor": "', b'"actor": "X', 1)]), SET,
         {3}, "journal.jsonl", WHOLE_FILE, ("beschädigt",)),
    Case("journal-set-symlink-outside", link_outside(JOURNAL), SET, {6}, "journal.jsonl", WHOLE_FILE,
         ("Verknüpfung",)),
    Case("journal-set-directory", make_dir(JOURNAL), SET, {3}, "journal.jsonl", WHOLE_FILE),
    Case("journal-plan-set-cut-off", journal_cut_tail, PLAN_SET, {3}, "journal.jsonl", WHOLE_FILE, ("beschädigt",)),
]

# -- catalogs/bewertungen/*.yaml -----------------------------------------------------------


def rv(old: str, new: str):
    return replace(REVIEW, old, new)


REVIEW_CASES = [
    *yaml_attacks("review", REVIEW, REVIEWS, duplicate="id: anders\n"),
    Case("review-adopt-alias", append(REVIEW, "x: &a 1\ny: *a\n"), ADOPT, {3}, REVIEW),
    Case("review-check-bomb", append(REVIEW, alias_bomb()), CHECK, CHECK_CODES, REVIEW),
    Case("review-id-path", rv(f"id: {REVIEW_ID}", "id: ../x"), REVIEWS, {3}, REVIEW, "(/id)"),
    # one requirement twice (ja and nein): before, accepted, and review adopt listed it twice
    Case("review-requirement-twice", rv("  - requirement: APP.3.1.A4", "  - requirement: APP.3.1.A1"), REVIEWS, {3},
         REVIEW, LINE, ("doppelt",)),
    Case("review-valid-until-before-date", rv("valid_until: 2028-03-15", "valid_until: 2025-01-01"), REVIEWS, {3},
         REVIEW, LINE, ("vor ihrem Datum",)),
    Case("review-date-field-02-30", rv("date: 2026-03-16", "date: 2026-02-30"), REVIEWS, {3}, REVIEW, LINE, ("Datum",)),
    Case("review-valid-until-german", rv("valid_until: 2028-03-15", "valid_until: 31.12.2026"), REVIEWS, {3}, REVIEW,
         LINE, ("Datum",)),
    Case("review-status-unknown", rv("    status: teilweise", "    status: vielleicht"), REVIEWS, {3}, REVIEW,
         "(/results/4/status)"),
    Case("review-entbehrlich-no-reason", rv("    status: teilweise", "    status: entbehrlich"), REVIEWS, {3},
         REVIEW, "(/results/4)"),
    Case("review-entbehrlich-blank-reason", rv("    status: teilweise", "    status: entbehrlich\n    reason: '   '"),
         REVIEWS, {3}, REVIEW, LINE, ("Leerzeichen",)),
    Case("review-sha256-short", sub(REVIEW, r"sha256: [0-9a-f]{64}", "sha256: abc"), REVIEWS, {3}, REVIEW,
         "(/catalog/sha256)"),
    Case("review-results-mapping", sub(REVIEW, r"^results:\n(  .*\n)+", "results:\n  eins: {requirement: X, status: ja}\n"),
         REVIEWS, {3}, REVIEW, "(/results)"),
    Case("review-product-1mb", rv("product: KommunalFinanz Doppik", "product: " + MB_TEXT), REVIEWS, {3}, REVIEW,
         "(/product)"),
    Case("review-target-id-path", rv("  id: APP-FIN", "  id: ../../x"), REVIEWS, {3}, REVIEW, "(/target/id)"),
    Case("review-second-file-directory", make_dir("catalogs/bewertungen/zweite.yaml"), REVIEWS, {3},
         "bewertungen/zweite.yaml", WHOLE_FILE, ("Verzeichnis",)),
    Case("review-padded-comment-50mb", pad_comment(REVIEW), REVIEWS, {3}, REVIEW, WHOLE_FILE, ("zu groß",), slow=True),
]

# -- the pinned catalog (catalogs/*.json) --------------------------------------------------


def catalog_text(ws: Path) -> str:
    return (ws / CATALOG).read_text(encoding="utf-8")


def catalog_json(change, *, repin: bool = True):
    """Edit the pinned catalog as JSON (``change(document)``) and, by default, re-pin it to the new content."""

    def apply(ws: Path) -> None:
        path = ws / CATALOG
        document = json.loads(path.read_text(encoding="utf-8"))
        change(document)
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")

    return steps(apply, pin_to_content()) if repin else apply


def catalog_bytes(change, *, repin: bool = True):
    def apply(ws: Path) -> None:
        path = ws / CATALOG
        path.write_bytes(change(path.read_bytes()))

    return steps(apply, pin_to_content()) if repin else apply


def first_control(document):
    return document["catalog"]["groups"][0]["groups"][0]["controls"][0]


def duplicate_first_control(document):
    controls = document["catalog"]["groups"][0]["groups"][0]["controls"]
    controls.append(dict(controls[0]))


C = CATALOG
PINNED_CASES = [
    Case("pinned-changed-unpinned", catalog_bytes(lambda raw: raw.replace(b"Leitung", b"Leitunk", 1), repin=False),
         ASSESS, {3}, C, WHOLE_FILE, ("SHA-256",)),
    # `catalog list` shows the state of every pin and answers 1 with a pointer to check; assess, show and check refuse
    Case("pinned-changed-catalog-list", catalog_bytes(lambda raw: raw.replace(b"Leitung", b"Leitunk", 1), repin=False),
         CATALOGS, {1}, None, WHOLE_FILE, ("geändert!", "muster (geändert)", "ikz-isms check")),
    Case("pinned-changed-check", catalog_bytes(lambda raw: raw.replace(b"Leitung", b"Leitunk", 1), repin=False),
         CHECK, CHECK_CODES, C, WHOLE_FILE),
    Case("pinned-syntax-error", catalog_bytes(lambda raw: raw.replace(b'"uuid"', b'"uuid" "x"', 1)), ASSESS, {3}, C,
         LINE),
    Case("pinned-truncated", catalog_bytes(lambda raw: raw[: len(raw) // 2]), ASSESS, {3}, C, LINE),
    Case("pinned-truncated-check", catalog_bytes(lambda raw: raw[: len(raw) // 2]), CHECK, CHECK_CODES, C, LINE),
    Case("pinned-nul-in-string", catalog_bytes(lambda raw: raw.replace(b"Leitung", b"Lei\x00tung", 1)), ASSESS, {3},
         C, LINE),
    Case("pinned-escaped-control", catalog_bytes(lambda raw: raw.replace(b"Leitung", b"Leitung\\u001b[2J", 1)),
         SHOW, {3}, C, LINE, ("Steuerzeichen",)),
    Case("pinned-non-utf8", catalog_bytes(lambda raw: raw.replace(b"Leitung", b"Leit\xfcng", 1)), ASSESS, {3}, C),
    Case("pinned-bom-accepted", catalog_bytes(lambda raw: BOM + raw), ASSESS, ok=True),
    Case("pinned-nested-20000", catalog_bytes(lambda raw: raw.replace(b'"uuid"', b'"x": ' + nested(20000).encode()
                                                                       + b', "uuid"', 1)), ASSESS, {3}, C, LINE,
         ("verschachtelt",)),
    Case("pinned-int-400-digits", catalog_bytes(lambda raw: raw.replace(b'"uuid"', b'"x": ' + b"9" * 400 + b', "uuid"',
                                                                         1)), ASSESS, {3}, C),
    Case("pinned-top-level-list", catalog_bytes(lambda raw: b"[" + raw + b"]"), ASSESS, {3}, C, WHOLE_FILE),
    Case("pinned-catalog-list", catalog_json(lambda d: d.update(catalog=[d["catalog"]])), ASSESS, {3}, C, WHOLE_FILE),
    Case("pinned-metadata-text", catalog_json(lambda d: d["catalog"].update(metadata="x")), ASSESS, {3}, C,
         "/catalog/metadata"),
    Case("pinned-controls-mapping", catalog_json(lambda d: d["catalog"]["groups"][0]["groups"][0].update(
        controls={"a": 1})), ASSESS, {3}, C, "/catalog/groups/0/groups/0/controls"),
    Case("pinned-control-without-id", catalog_json(lambda d: first_control(d).pop("id")), ASSESS, {3}, C,
         "/catalog/groups/0/groups/0/controls/0"),
    Case("pinned-control-id-number", catalog_json(lambda d: first_control(d).update(id=12)), CHECK, CHECK_CODES, C,
         "/catalog/groups/0/groups/0/controls/0/id"),
    Case("pinned-duplicate-control", catalog_json(duplicate_first_control), CHECK, CHECK_CODES, C,
         "/catalog/groups/0/groups/0/controls/12", ("mehrfach",)),
    Case("pinned-title-list", catalog_json(lambda d: first_control(d).update(title=["a"])), CHECK, CHECK_CODES, C,
         "/catalog/groups/0/groups/0/controls/0/title"),
    Case("pinned-empty", steps(write(C, ""), pin_to_content()), ASSESS, {3}, C, WHOLE_FILE, ("leer",)),
    Case("pinned-directory", make_dir(C), ASSESS, {3}, C, WHOLE_FILE, ("Verzeichnis",)),
    Case("pinned-missing-catalog-list", remove(C), CATALOGS, {1}, None, WHOLE_FILE, ("fehlt!", "muster (fehlt)",
                                                                                  "ikz-isms check")),
    Case("pinned-unreadable", chmod(C), ASSESS, {3}, C, WHOLE_FILE, needs_non_root=True),
    Case("pinned-padded-300mb", steps(pad(C, 300 * corpus.MIB), pin_to_content()), ASSESS, {3}, C, WHOLE_FILE,
         ("zu groß",), slow=True),
    Case("pinned-symlink-outside-import", steps(link_outside(C), write_outside("klein.yaml", SMALL_YAML)),
         ("catalog", "import", "{outside}/klein.yaml", "--name", "muster", "--force"), {6}, C, WHOLE_FILE,
         ("Verknüpfung",)),
]

# -- a catalog file given to `catalog import` / `check PATH` -------------------------------


SMALL_XML = "\n".join([
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<book xmlns="http://docbook.org/ns/docbook" version="5.0">',
    "<info><title>IT-Grundschutz-Kompendium</title></info>",
    "<chapter><title>ABC Beispielschicht</title>",
    "<section><title>ABC.1 Beispiel</title>",
    "<section><title>Anforderungen</title>",
    "<section><title>Basis-Anforderung</title>",
    "<section><title>ABC.1.A1 Erste Anforderung (B)</title><para>Alles MUSS geprüft werden.</para></section>",
    "</section></section></section>",
    "</chapter>",
    "</book>",
    "",
])

DOCBOOK_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
DOCBOOK_BOOK = '<book xmlns="http://docbook.org/ns/docbook" version="5.0">'

LOL = ('<!DOCTYPE book [\n <!ENTITY lol "lol">\n'
       + "".join(f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n' for i in range(1, 10))
       + "]>\n")


def import_file(name: str, data, argv_extra: tuple[str, ...] = ()) -> tuple:
    return write_outside(name, data), ("catalog", "import", "{outside}/" + name, *argv_extra)


def from_example(name: str, change):
    """The example catalog, changed (bytes → bytes), as a loose file outside the workspace."""

    def apply(ws: Path) -> None:
        raw = (ws / CATALOG).read_bytes()
        (ws.parent / "outside" / name).write_bytes(change(raw))

    return apply


def example_json(name: str, change):
    def apply(ws: Path) -> None:
        document = json.loads((ws / CATALOG).read_text(encoding="utf-8"))
        change(document)
        (ws.parent / "outside" / name).write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")

    return apply


def sparse_outside(name: str, head: bytes, size: int):
    def apply(ws: Path) -> None:
        path = ws.parent / "outside" / name
        path.write_bytes(head)
        with open(path, "r+b") as handle:
            handle.truncate(size)

    return apply


def imp(name: str, setup, filename: str, place=LINE, says=(), codes=frozenset({3}), **kw) -> Case:
    return Case(f"import-{name}", setup, ("catalog", "import", "{outside}/" + filename, "--name", "neu"), codes,
                filename, place, says, **kw)


def chk(name: str, setup, filename: str, place=LINE, says=(), **kw) -> Case:
    return Case(f"check-path-{name}", setup, ("check", "{outside}/" + filename), CHECK_CODES, filename, place, says,
                **kw)


def y(name: str, text: str | bytes):
    return write_outside(name, text)


K_JSON, K_YAML, K_XML = "katalog.json", "katalog.yaml", "kompendium.xml"
IMPORT_CASES = [
    Case("import-small-yaml-accepted", y(K_YAML, SMALL_YAML), ("catalog", "import", "{outside}/" + K_YAML, "--name",
                                                                  "neu"), ok=True, writes=True),
    Case("import-small-xml-accepted", y(K_XML, SMALL_XML), ("catalog", "import", "{outside}/" + K_XML, "--name", "neu"),
         ok=True, writes=True),
    # OSCAL JSON
    imp("json-syntax", from_example(K_JSON, lambda r: r.replace(b'"uuid"', b'"uuid" "x"', 1)), K_JSON),
    imp("json-truncated", from_example(K_JSON, lambda r: r[: len(r) // 2]), K_JSON),
    imp("json-nul", from_example(K_JSON, lambda r: r.replace(b"Leitung", b"Lei\x00tung", 1)), K_JSON),
    imp("json-escaped-control", from_example(K_JSON, lambda r: r.replace(b"Leitung", b"Leitung\\u0007", 1)), K_JSON,
        says=("Steuerzeichen",)),
    imp("json-non-utf8", from_example(K_JSON, lambda r: r.replace(b"Leitung", b"Leit\xfcng", 1)), K_JSON, place=None),
    imp("json-nested-20000", from_example(K_JSON, lambda r: r.replace(b'"uuid"', b'"x": ' + nested(20000).encode()
                                                                        + b', "uuid"', 1)), K_JSON,
        says=("verschachtelt",)),
    imp("json-profile", y(K_JSON, '{"profile": {}}'), K_JSON, WHOLE_FILE),
    imp("json-duplicate-control", example_json(K_JSON, duplicate_first_control), K_JSON, None, ("doppelt",)),
    imp("json-control-without-id", example_json(K_JSON, lambda d: first_control(d).pop("id")), K_JSON,
        "/catalog/groups/0/groups/0/controls/0"),
    chk("json-control-id-path", example_json(K_JSON, lambda d: first_control(d).update(id="../../x")), K_JSON,
        "/catalog/groups/0/groups/0/controls/0"),
    imp("json-empty", y(K_JSON, ""), K_JSON, WHOLE_FILE, ("leer",)),
    imp("json-directory", lambda ws: (ws.parent / "outside" / K_JSON).mkdir(), K_JSON, WHOLE_FILE, ("Verzeichnis",)),
    imp("json-padded-300mb", sparse_outside(K_JSON, b'{"catalog": {', 300 * corpus.MIB), K_JSON, WHOLE_FILE,
        ("zu groß",), slow=True),
    imp("unknown-format-text", y("katalog.txt", "Das ist kein Katalog.\n"), "katalog.txt", WHOLE_FILE,
        ("Katalogformat",)),
    Case("import-format-in-unknown", y(K_JSON, "{}"), ("catalog", "import", "{outside}/" + K_JSON, "--format-in",
                                                         "gibtsnicht"), {2, 3}, K_JSON, WHOLE_FILE),
    # OSCAL YAML (the same checks as every YAML file)
    imp("yaml-alias-bomb", y(K_YAML, SMALL_YAML + "  " + alias_bomb("x-bombe").replace("\n  ", "\n    ")), K_YAML,
        says=("Anker",)),
    imp("yaml-merge-key", y(K_YAML, SMALL_YAML.replace("      title: Beispielschicht",
                                                       "      <<: {title: Beispielschicht}")), K_YAML, says=("<<",)),
    imp("yaml-python-tag", y(K_YAML, SMALL_YAML.replace("title: Kleiner Katalog",
                                                        'title: !!python/object/apply:os.system ["echo pwned"]')),
        K_YAML, says=("Markierung",)),
    imp("yaml-duplicate-key", y(K_YAML, SMALL_YAML.replace("    version: '1'\n", "    version: '1'\n    version: '2'\n")),
        K_YAML, says=("doppelt",)),
    imp("yaml-nul", y(K_YAML, SMALL_YAML.replace("Erste", "Er\x00ste")), K_YAML, says=("Steuerzeichen",)),
    imp("yaml-nested-20000", y(K_YAML, SMALL_YAML + "  x: " + nested(20000) + "\n"), K_YAML, says=("verschachtelt",)),
    imp("yaml-float-inf", y(K_YAML, SMALL_YAML.replace("    version: '1'\n", "    version: .inf\n")), K_YAML),
    imp("yaml-padded-70mb", sparse_outside(K_YAML, SMALL_YAML.encode(), 70 * corpus.MIB), K_YAML, WHOLE_FILE,
        ("zu groß",), slow=True),
    # Kompendium XML
    imp("xml-doctype", y(K_XML, DOCBOOK_HEAD + "<!DOCTYPE book>\n" + DOCBOOK_BOOK + "</book>\n"), K_XML,
        says=("DOCTYPE",)),
    imp("xml-billion-laughs", y(K_XML, DOCBOOK_HEAD + LOL + DOCBOOK_BOOK + "<info><title>&lol9;</title></info></book>"),
        K_XML, says=("Entity",)),
    imp("xml-external-entity", y(K_XML, DOCBOOK_HEAD + '<!DOCTYPE book [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
                                 + DOCBOOK_BOOK + "<info><title>&xxe;</title></info></book>"), K_XML),
    imp("xml-external-dtd", y(K_XML, DOCBOOK_HEAD + '<!DOCTYPE book SYSTEM "http://example.invalid/book.dtd">\n'
                              + DOCBOOK_BOOK + "</book>"), K_XML),
    imp("xml-unclosed", y(K_XML, SMALL_XML.replace("</chapter>", "")), K_XML),
    imp("xml-nul", y(K_XML, SMALL_XML.replace("geprüft", "gepr\x00ft")), K_XML),
    # deep XML and XInclude are no attack on the importer (nothing is expanded or fetched); a book whose
    # sections hold no requirement is refused as an empty catalog
    imp("xml-nested-20000", y(K_XML, DOCBOOK_HEAD + DOCBOOK_BOOK + "<chapter><title>ABC Tief</title>"
                              + "<section>" * 20000 + "</section>" * 20000 + "</chapter></book>"), K_XML,
        WHOLE_FILE, ("keine einzige Anforderung",)),
    imp("xml-xinclude", y(K_XML, SMALL_XML.replace("<info>", '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
                                                   'href="/etc/passwd" parse="text"/><info>')), K_XML, None,
        may_accept=True),
    imp("xml-padded-300mb", sparse_outside(K_XML, (DOCBOOK_HEAD + DOCBOOK_BOOK).encode(), 300 * corpus.MIB), K_XML,
        WHOLE_FILE, ("zu groß",), slow=True),
    # `check PATH` reads the same files
    chk("json-truncated", from_example(K_JSON, lambda r: r[: len(r) // 2]), K_JSON),
    chk("yaml-alias-bomb", y(K_YAML, SMALL_YAML + "  " + alias_bomb("x-bombe").replace("\n  ", "\n    ")), K_YAML),
    chk("xml-billion-laughs", y(K_XML, DOCBOOK_HEAD + LOL + DOCBOOK_BOOK + "<info><title>&lol9;</title></info></book>"),
        K_XML),
]

# -- the registers: risiken.yaml, vorfaelle.yaml, notfall.yaml ----------------------------------------

RISIKEN = f"{DATA}/risiken.yaml"
VORFAELLE = f"{DATA}/vorfaelle.yaml"
NOTFALL = f"{DATA}/notfall.yaml"
REGISTERS = (
    # file, top key, a read of it, a write to it
    ("risiken", RISIKEN, ("risk", "list", "--county", COUNTY),
     ("risk", "treat", "R-003", "--option", "reduzieren", "--owner", "Badinput", "--deadline", "2027-01-01",
      "--county", COUNTY, "--actor", "badinput")),
    ("vorfaelle", VORFAELLE, ("incident", "list", "--county", COUNTY),
     ("incident", "add", "--date", "2026-01-01", "--title", "Badinput", "--category", "sonstiges",
      "--severity", "gering", "--county", COUNTY, "--actor", "badinput")),
    ("notfall", NOTFALL, ("bia", "list", "--county", COUNTY),
     ("bia", "set", "GP-KFZ", "--rto", "24h", "--county", COUNTY, "--actor", "badinput")),
)


def _register_writes(prefix: str, relative: str, argv: tuple[str, ...]) -> list[Case]:
    """A write meets the file as every read does (before: exit 70 on bytes that are no UTF-8, a blank
    register silently begun anew while `list` called it empty)."""
    return [
        Case(f"{prefix}-write-non-utf8", append(relative, b"# Gr\xfc\xdfe aus Latin-1\n"), argv, {3}, relative,
             LINE, ("UTF-8",)),
        Case(f"{prefix}-write-utf16", utf16(relative), argv, {3}, relative, LINE, ("UTF-8",)),
        Case(f"{prefix}-write-empty", write(relative, ""), argv, {3}, relative, WHOLE_FILE, ("leer",)),
        Case(f"{prefix}-write-null", write(relative, "null\n"), argv, {3}, relative, WHOLE_FILE, ("leer",)),
        Case(f"{prefix}-write-comments-only", write(relative, "# geleert\n"), argv, {3}, relative, WHOLE_FILE,
             ("leer",)),
        Case(f"{prefix}-write-top-level-list", write(relative, "- eins\n"), argv, {3}, relative, LINE),
        Case(f"{prefix}-write-alias-bomb", append(relative, alias_bomb()), argv, {3}, relative, LINE, ("Anker",)),
    ]


REGISTER_CASES = [
    case
    for prefix, relative, read, change in REGISTERS
    for case in (*yaml_attacks(prefix, relative, read, duplicate=f"{prefix if prefix != 'notfall' else 'bia'}: []\n",
                               extended=("utf16", "top-level-list")),
                 *_register_writes(prefix, relative, change))
] + [
    # an incident closed before it happened (before: accepted, while a report before it was refused)
    Case("vorfaelle-closed-before-incident", replace(VORFAELLE, "    closed: 2025-08-29", "    closed: 2020-01-01"),
         ("incident", "list", "--county", COUNTY), {3}, VORFAELLE, LINE, ("vor dem Vorfall",)),
    Case("vorfaelle-closed-before-incident-check", replace(VORFAELLE, "    closed: 2025-08-29",
                                                           "    closed: 2020-01-01"), CHECK, CHECK_CODES, VORFAELLE),
]

KINDS = {
    "config": CONFIG_CASES,
    "landkreis": LANDKREIS_CASES,
    "zielobjekte": ZIELOBJEKTE_CASES,
    "pruefungen": PRUEFUNGEN_CASES,
    "plan": PLAN_CASES,
    "journal": JOURNAL_CASES,
    "review": REVIEW_CASES,
    "pinned-catalog": PINNED_CASES,
    "catalog-import": IMPORT_CASES,
    "registers": REGISTER_CASES,
}
ALL = [case for cases in KINDS.values() for case in cases]


@pytest.mark.parametrize("kind", list(KINDS))
def test_enough_cases_per_kind(kind):
    assert len(KINDS[kind]) >= 20, f"{kind}: nur {len(KINDS[kind])} Fälle"


@pytest.mark.parametrize("case", corpus.params(ALL))
def test_hostile_file(case, batch):
    corpus.judge(case, batch.result(case))


#: every command the corpus runs, on the undamaged example: each must succeed, so a refusal above is the case's doing
CONTROLS = [
    Case("control-" + "-".join(a.strip("-") for a in argv[:4] if "{" not in a), corpus.nothing, argv, ok=True,
         writes=True)
    for argv in sorted({case.argv for case in ALL if not case.ok})
    # loose input files exist only in their cases; an output outside is fine
    if not any("{outside}" in value and argv[index - 1] not in ("-o", "--output") for index, value in enumerate(argv))
]


@pytest.mark.parametrize("case", corpus.params(CONTROLS))
def test_command_answers_the_undamaged_example(case, batch):
    corpus.judge(case, batch.result(case))


def test_the_example_is_clean(example_workspace):
    """`check` passes on the example workspace the corpus damages."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "ikz_isms", "--workspace", str(example_workspace), "check"],
                          cwd=example_workspace, env=corpus.command_env(), capture_output=True, text=True,
                          timeout=corpus.TIMEOUT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
