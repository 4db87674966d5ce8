"""Hostile procurement files: framework contracts, call-off files, tender templates, tender projects.

The same promise as tests/badinput/test_files.py (documented exit code, German message with
file and place, no traceback, no English, nothing changed, in time). These files are being
reworked; cases that fail here describe what the rework has to meet.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from tests.badinput import corpus
from tests.badinput.corpus import (
    LINE,
    MB_TEXT,
    WHOLE_FILE,
    Case,
    link_outside,
    make_dir,
    replace,
    steps,
    sub,
    write,
    yaml_attacks,
)

DAY = "2026-05-28"
CONTRACT_ID = "rv-endpoint-monitoring"
CONTRACT = f"catalogs/vertraege/{CONTRACT_ID}.yaml"
CALLOFFS = "catalogs/vertraege/abrufe-cochem-zell.yaml"
TEMPLATE = "catalogs/vorlagen/endpunkt-ueberwachung.yaml"
TENDER_NAME = "endpunkt-ueberwachung-2026"
TENDER = f"vergaben/{TENDER_NAME}/vergabe.yaml"

CONTRACTS = ("contracts", "list", "--date", DAY)
SHOW = ("contracts", "show", CONTRACT_ID, "--date", DAY)
CALLOFF_ADD = ("contracts", "calloff", "add", CONTRACT_ID, "--county", "cochem-zell", "--amount", "100.00",
               "--date", DAY)
ALLOCATE = ("costs", "allocate", CONTRACT_ID, "--period", "2026")
OCDS = ("export", "ocds", "--date", DAY, "-o", "{outside}/ocds.json")
CHECK = ("check",)
TENDERS = ("tender", "list")
TENDER_NEW = ("tender", "new", "endpunkt-ueberwachung", "--counties", "bernkastel-wittlich,vulkaneifel",
              "--date", "2026-05-01")
ESTIMATE = ("tender", "estimate", TENDER_NAME)
PACK = ("tender", "pack", TENDER_NAME)
CHECK_CODES = frozenset({1, 3})

CALLOFFS_TEXT = """\
# Abrufe des Landkreises Cochem-Zell (Beispiel für eine Abrufdatei)
calloffs:
  - contract: rv-endpoint-monitoring
    id: C900
    county: cochem-zell
    date: 2026-02-01
    amount: "100.00"
    description: Zusätzliche Endgeräte
"""

_TENDER_LOCK = threading.Lock()


@functools.cache
def _tender_text() -> bytes:
    """A tender project as `tender new` writes it (made once per run in a scratch copy of the example)."""
    scratch = Path(tempfile.mkdtemp(prefix="ikz-badinput-tender-"))
    try:
        ws = corpus.copy_example(scratch / "ws")
        subprocess.run([sys.executable, "-m", "ikz_isms", "--workspace", str(ws), *TENDER_NEW], cwd=scratch,
                       env=corpus.command_env(), capture_output=True, check=True, timeout=corpus.TIMEOUT)
        return (ws / TENDER).read_bytes()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def tender_project(ws: Path) -> None:
    with _TENDER_LOCK:
        text = _tender_text()
    path = ws / TENDER
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text)


def calloff_file(ws: Path) -> None:
    write(CALLOFFS, CALLOFFS_TEXT)(ws)


def after(base, cases: list[Case]) -> list[Case]:
    """The cases, each applied to a file ``base`` creates first."""
    return [dataclasses.replace(case, setup=steps(base, case.setup)) for case in cases]


# -- framework contracts (catalogs/vertraege/*.yaml) ----------------------------------------


def ct(old: str, new: str):
    return replace(CONTRACT, old, new)


CONTRACT_CASES = [
    *yaml_attacks("contract", CONTRACT, CONTRACTS, duplicate=f"id: {CONTRACT_ID}\n"),
    Case("contract-calloff-add-broken", ct("ceiling:", "ceiling: [\n"), CALLOFF_ADD, {3}, CONTRACT),
    Case("contract-check-bomb", corpus.append(CONTRACT, corpus.alias_bomb()), CHECK, CHECK_CODES, CONTRACT,
         slow=True),
    Case("contract-id-path", ct(f"id: {CONTRACT_ID}", "id: ../x"), CONTRACTS, {3}, CONTRACT, "(/id)"),
    Case("contract-ceiling-three-decimals", ct('ceiling: "700000.00"', "ceiling: '12.345'"), CONTRACTS, {3}, CONTRACT,
         "(/ceiling)"),
    Case("contract-ceiling-400-digits", ct('ceiling: "700000.00"', "ceiling: '" + "9" * 400 + "'"), CONTRACTS, {3},
         CONTRACT, LINE),
    Case("contract-start-02-30", ct("  start: 2025-07-01", "  start: 2026-02-30"), CONTRACTS, {3}, CONTRACT, LINE,
         ("Datum",)),
    Case("contract-end-before-start", ct("  end: 2027-06-30", "  end: 2024-01-01"), CONTRACTS, {3}, CONTRACT, LINE),
    Case("contract-calloff-three-decimals", ct('    amount: "71400.00"', "    amount: '1.005'"), CONTRACTS, {3},
         CONTRACT, LINE),
    Case("contract-calloff-duplicate-id", ct("  - id: A002", "  - id: A001"), CONTRACTS, {3}, CONTRACT, LINE,
         ("doppelt",)),
    Case("contract-base-share-above-one", ct('base_share: "0.5"', 'base_share: "1.5"'), ALLOCATE, {3}, CONTRACT,
         LINE),
    Case("contract-title-1mb", sub(CONTRACT, r"^title: .*$", "title: " + MB_TEXT), CONTRACTS, {3}, CONTRACT,
         "(/title)"),
    Case("contract-symlink-outside-calloff", link_outside(CONTRACT), CALLOFF_ADD, {6}, CONTRACT, WHOLE_FILE,
         ("Verknüpfung",)),
    # before: a county that is no party to the contract was billed (69.042,45 €), exit 0
    Case("contract-allocation-member-not-party", ct("  key: hybrid\n", "  key: hybrid\n  members: [bernkastel-wittlich, "
                                                    "eifelkreis-bitburg-pruem]\n"), ALLOCATE, {3}, CONTRACT, LINE,
         ("nicht Vertragspartei", "eifelkreis-bitburg-pruem")),
    Case("contract-allocation-member-not-party-check", ct("  key: hybrid\n", "  key: hybrid\n  members: [hamburg]\n"),
         CHECK, CHECK_CODES, CONTRACT, LINE, ("hamburg",)),
    # YAML 1.1 reads 7:30 as 450 and 0x1F as 31 (before: priced so, exit 0)
    Case("contract-payment-days-base-60", ct("allocation:\n", "payment_days: 1:30\nallocation:\n"), CONTRACTS, {3},
         CONTRACT, LINE, ("Doppelpunkt",)),
    Case("centre-hours-base-60", replace("catalogs/zentren/vergabestelle/stunden-2025.yaml", "hours: 7.5,",
                                         "hours: 7:30,"), ("service-centre", "settle", "vergabestelle", "--year", "2025",
                                                           "--date", "2026-02-01"), {3},
         "catalogs/zentren/vergabestelle/stunden-2025.yaml", LINE),
    # a file that cannot be read as data at all: check answers 3 and writes no report, as for a catalog
    # (before: exit 1 and the report written, while every other command answered 3)
    Case("contract-check-not-utf8", corpus.append(CONTRACT, b"# Gr\xfc\xdfe\n"), CHECK, {3}, CONTRACT, LINE,
         ("UTF-8",)),
    Case("template-check-alias-bomb", corpus.append(TEMPLATE, corpus.alias_bomb()), CHECK, {3}, TEMPLATE, LINE),
    # a template's id that is not its file name made it unfindable ('nicht gefunden (vorhanden: …)' naming
    # the very name), while check passed it
    Case("template-id-not-file-name", replace(TEMPLATE, "id: endpunkt-ueberwachung", "id: andere-vorlage"), CHECK,
         CHECK_CODES, TEMPLATE, LINE, ("Dateiname",)),
    Case("template-id-not-file-name-new", replace(TEMPLATE, "id: endpunkt-ueberwachung", "id: andere-vorlage"),
         TENDER_NEW, {3}, TEMPLATE, LINE, ("Dateiname",)),
    # check settles every year the cost key names, as costs allocate does (before: passed, refused at the year's end)
    Case("contract-allocation-base-above-total", ct('  base_share: "0.5"\n', '  base_per_member: "900000.00"\n'),
         CHECK, CHECK_CODES, CONTRACT, LINE, ("Sockelbetrag",)),
    # before: accepted with exit 0 (which lot, which price?)
    Case("contract-calloff-unknown-lot", ct("  - id: A002\n", "  - id: A002\n    lot: '99'\n"), CONTRACTS, {3}, CONTRACT,
         LINE, ("Los '99'",)),
    Case("contract-lot-twice", ct('  - id: "2"', '  - id: "1"'), CONTRACTS, {3}, CONTRACT, LINE, ("doppelt",)),
    Case("contract-price-twice-on-a-day", replace("catalogs/vertraege/rv-vob-beratung.yaml", "    - valid_from: 2026-04-01",
                                                  "    - valid_from: 2025-04-01"), CONTRACTS, {3},
         "catalogs/vertraege/rv-vob-beratung.yaml", LINE, ("Zwei Preise",)),
    # the documentation writes `vat: no`; YAML 1.1 reads false (before: 'Wert 'False' nicht erlaubt')
    Case("centre-vat-no-as-documented", replace("catalogs/zentren/vergabestelle/zentrum.yaml", "vat: auto ", "vat: no   "),
         ("service-centre", "settle", "vergabestelle", "--year", "2025", "--date", "2026-02-01"), ok=True),
    # a bookkeeping date that is no day (before: accepted, it is only a pattern in the schema)
    Case("centre-recorded-02-30", replace("catalogs/zentren/vergabestelle/stunden-2025.yaml", "hours: 7.5,",
                                          "hours: 7.5, recorded: '2025-02-30',"),
         ("service-centre", "settle", "vergabestelle", "--year", "2025", "--date", "2026-02-01"), {3},
         "catalogs/zentren/vergabestelle/stunden-2025.yaml", LINE, ("Datum",)),
    Case("centre-hours-hex", replace("catalogs/zentren/vergabestelle/stunden-2025.yaml", "hours: 7.5,", "hours: 0x10,"),
         CHECK, CHECK_CODES, "catalogs/zentren/vergabestelle/stunden-2025.yaml", LINE),
]

# -- a county's call-off file -------------------------------------------------------------


def co(old: str, new: str):
    return replace(CALLOFFS, old, new)


CALLOFF_CASES = [
    Case("calloffs-valid-file-accepted", calloff_file, CONTRACTS, ok=True),
    *after(calloff_file, yaml_attacks("calloffs", CALLOFFS, CONTRACTS, duplicate="calloffs: []\n")),
    *after(calloff_file, [
        Case("calloffs-contract-unknown", co("  - contract: rv-endpoint-monitoring", "  - contract: gibtsnicht"),
             CONTRACTS, {3}, CALLOFFS, LINE, ("gibtsnicht",)),
        Case("calloffs-amount-three-decimals", co('    amount: "100.00"', "    amount: '100.005'"), CONTRACTS, {3},
             CALLOFFS, LINE),
        Case("calloffs-date-02-30", co("    date: 2026-02-01", "    date: 2026-02-30"), CONTRACTS, {3}, CALLOFFS,
             LINE, ("Datum",)),
        Case("calloffs-county-path", co("    county: cochem-zell", "    county: ../x"), CONTRACTS, {3}, CALLOFFS,
             "(/calloffs/0/county)"),
        Case("calloffs-id-duplicates-contract", co("    id: C900", "    id: A001"), CONTRACTS, {3}, CALLOFFS, LINE,
             ("doppelt",)),
        Case("calloffs-description-1mb", co("    description: Zusätzliche Endgeräte", "    description: " + MB_TEXT),
             CONTRACTS, {3}, CALLOFFS, LINE),
        Case("calloffs-calloff-add-broken", co("calloffs:", "calloffs: ["), CALLOFF_ADD, {3}, CALLOFFS),
    ]),
]

# -- tender templates (catalogs/vorlagen/*.yaml) -------------------------------------------


def tp(old: str, new: str):
    return replace(TEMPLATE, old, new)


TEMPLATE_CASES = [
    *yaml_attacks("template", TEMPLATE, TENDERS, duplicate="id: anders\n"),
    Case("template-new-broken", tp("lots:", "lots: ["), TENDER_NEW, {3}, TEMPLATE),
    Case("template-id-path", tp("id: endpunkt-ueberwachung", "id: ../x"), TENDERS, {3}, TEMPLATE, "(/id)"),
    Case("template-price-three-decimals", tp('    unit_price: "4.50"', '    unit_price: "4.505"'), TENDER_NEW, {3},
         TEMPLATE, LINE),
    Case("template-quantity-negative", tp("      default: 40", "      default: -40"), TENDER_NEW, {3}, TEMPLATE, LINE),
    Case("template-quantity-400-digits", tp("      default: 40", "      default: " + "9" * 400), TENDER_NEW, {3},
         TEMPLATE, LINE),
    Case("template-percent-150", tp('      percent: "15"', '      percent: "150"'), TENDER_NEW, {3}, TEMPLATE, LINE),
    Case("template-title-1mb", sub(TEMPLATE, r"^title: .*$", "title: " + MB_TEXT), TENDERS, {3}, TEMPLATE, "(/title)"),
    Case("template-check-python-tag", corpus.append(TEMPLATE, 'x: !!python/object/apply:os.system ["true"]\n'),
         CHECK, CHECK_CODES, TEMPLATE, slow=True),
]

# -- tender projects (vergaben/<name>/vergabe.yaml) ----------------------------------------


def td(old: str, new: str):
    return replace(TENDER, old, new)


TENDER_CASES = [
    Case("tender-valid-project-accepted", tender_project, ESTIMATE, ok=True),
    *after(tender_project, yaml_attacks("tender", TENDER, ESTIMATE, duplicate=f"name: {TENDER_NAME}\n")),
    *after(tender_project, [
        Case("tender-pack-broken", corpus.append(TENDER, "x: [\n"), PACK, {3}, TENDER),
        Case("tender-quantity-negative", td("      quantity: '704'", "      quantity: '-704'"), ESTIMATE, {3}, TENDER,
             LINE),
        Case("tender-quantity-400-digits", td("      quantity: '704'", "      quantity: '" + "9" * 400 + "'"),
             ESTIMATE, {3}, TENDER, LINE),
        Case("tender-term-zero", td("term_months: 24", "term_months: 0"), ESTIMATE, {3}, TENDER, LINE),
        Case("tender-notice-02-30", sub(TENDER, r"^notice_date: .*$", "notice_date: 2026-02-30"), ESTIMATE, {3},
             TENDER, LINE, ("Datum",)),
        Case("tender-county-path", td("  - vulkaneifel", "  - ../x"), ESTIMATE, {3}, TENDER, LINE),
        Case("tender-lead-unknown", td("lead: bernkastel-wittlich", "lead: gibtsnicht"), ESTIMATE, {3}, TENDER, LINE),
        Case("tender-title-1mb", sub(TENDER, r"^title: .*$", "title: " + MB_TEXT), ESTIMATE, {3}, TENDER, "(/title)"),
        Case("tender-pack-output-symlink", lambda ws: (ws / "vergaben" / TENDER_NAME / "unterlagen").symlink_to(
            ws.parent / "outside"), PACK, {6}, "unterlagen", WHOLE_FILE),
        Case("tender-check-directory", make_dir(TENDER), CHECK, CHECK_CODES, TENDER_NAME, WHOLE_FILE, slow=True),
    ]),
]

KINDS = {
    "contracts": CONTRACT_CASES,
    "calloffs": CALLOFF_CASES,
    "tender-templates": TEMPLATE_CASES,
    "tender-projects": TENDER_CASES,
}
ALL = [case for cases in KINDS.values() for case in cases]


@pytest.mark.parametrize("kind", list(KINDS))
def test_enough_cases_per_kind(kind):
    assert len(KINDS[kind]) >= 20, f"{kind}: nur {len(KINDS[kind])} Fälle"


@pytest.mark.parametrize("case", corpus.params(ALL))
def test_hostile_procurement_file(case, batch):
    corpus.judge(case, batch.result(case))


def test_scratch_tender_is_what_tender_new_writes():
    assert _tender_text().startswith(b"#") and f"name: {TENDER_NAME}".encode() in _tender_text()
    assert os.sep not in TENDER_NAME
