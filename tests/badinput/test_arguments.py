"""Hostile command-line values, one parametrised list per argument family.

A bad option value or a wrong use of the command line is exit 2, an id that does not exist
(or cannot exist) exit 3, an output that cannot be written exit 6 — each with a German
message naming the option or the id, nothing written, no traceback, answered in time
(corpus.py). Values are checked before anything is read or written (docs/guarantees.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.badinput import corpus
from tests.badinput.corpus import COUNTY, DATA, REVIEW_ID, WHOLE_FILE, Case, nothing, write_outside

ADOPTER = "eifelkreis-bitburg-pruem"
LONG = "9" * 10_000
ESC = "\x1b[2J"


def arg(case_id: str, argv: tuple[str, ...], codes=frozenset({2}), names: str | None = None, says=(), **kw) -> Case:
    """A case that damages nothing but the command line; ``names`` must appear in the message."""
    setup = kw.pop("setup", nothing)
    return Case(case_id, setup, argv, codes, names, WHOLE_FILE, says, **kw)


# -- dates ---------------------------------------------------------------------------------

PLAN_ASOF = ("plan", "--county", COUNTY, "--as-of")
UPDATE_ASOF = ("plan", "update", "--county", COUNTY, "--as-of")
REPORT_DATE = ("report", "county", COUNTY, "-o", "{outside}/bericht.pdf", "--date")
REPORT_PLAN_DATE = ("report", "plan", "--county", COUNTY, "-o", "{outside}/plan.pdf", "--date")
DEADLINE = ("plan", "set", "M-001", "--county", COUNTY, "--deadline")
VALID_UNTIL = ("review", "publish", "--county", COUNTY, "--target", "APP-FIN", "--product", "Produkt",
               "--version", "1", "--vendor", "Hersteller", "--id", "neue-bewertung", "--valid-until")
CONTRACTS_DATE = ("contracts", "list", "--date")

BAD_DATES = [
    ("02-30", "2026-02-30"), ("13-01", "2026-13-01"), ("german", "31.12.2026"), ("empty", ""), ("blank", "   "),
    ("no-padding", "2026-1-1"), ("compact", "20260101"), ("not-leap", "2026-02-29"), ("year-1", "0001-01-01"),
    ("year-9999", "9999-12-31"), ("year-1899", "1899-12-31"), ("word", "heute"), ("datetime", "2026-01-01T00:00:00"), ("iso-week", "2026-W01-1"),
    ("fullwidth-digits", "２０２６-０１-０１"), ("unicode-dash", "2026‐01‐01"), ("10000-chars", LONG),
    ("escape", ESC + "2026-01-01"), ("month-zero", "2026-00-10"), ("day-zero", "2026-12-00"),
    ("negative", "-2026-01-01"), ("float", "1e308"),
]
DATE_OPTIONS = [
    ("as-of", PLAN_ASOF), ("update-as-of", UPDATE_ASOF), ("report-date", REPORT_DATE), ("deadline", DEADLINE),
    ("valid-until", VALID_UNTIL), ("report-plan-date", REPORT_PLAN_DATE),
]
DATE_CASES = [
    arg(f"date-{option}-{name}", (*argv, value), names=argv[-1],
        says=("1900–2200",) if name.startswith("year") else ("Datum",))
    for index, (name, value) in enumerate(BAD_DATES)
    for option, argv in [DATE_OPTIONS[index % len(DATE_OPTIONS)]]
]

# -- money ---------------------------------------------------------------------------------

COST = ("plan", "set", "M-001", "--county", COUNTY, "--cost")
BAD_MONEY = [
    ("three-decimals", "12.345"), ("three-decimals-comma", "12,345"), ("negative", "-5"),
    ("1e308", "1e308"), ("nan", "NaN"), ("inf", "inf"), ("infinity", "-Infinity"), ("empty", ""), ("blank", "   "),
    ("commas", "1,2,3"), ("euro-sign-only", "€"), ("thousands-and-three-decimals", "1.000.000,001"),
    ("400-digits", "9" * 400), ("trillion", "1000000000000"), ("hex", "0x10"), ("underscore", "1_000"),
    ("fullwidth-digits", "１２"), ("two-dots", "12.5.3"), ("word", "zwölf"),
    ("escape", ESC + "5"), ("10000-chars", LONG),
]
MONEY_CASES = [arg(f"money-cost-{name}", (*COST, value), names="--cost", says=("Betrag",)) for name, value in BAD_MONEY]

# -- integers ------------------------------------------------------------------------------

LIMIT = ("journal", "show", "--county", COUNTY, "--limit")
SEARCH_LIMIT = ("catalog", "search", "Leitung", "--limit")
MAX_AGE = ("assess", "--interactive", "--county", COUNTY, "--target", "IV", "--max-age")
INHABITANTS = ("county", "add", "Neuer Kreis", "--inhabitants")
EMPLOYEES = ("county", "add", "Neuer Kreis", "--employees")
#: click's own messages name its types in German too ("'abc' ist keine gültige Ganzzahl", click_de.TYPE_NAMES)
INTEGER_CASES = [
    arg("int-limit-zero", (*LIMIT, "0"), names="--limit"),
    arg("int-limit-negative", (*LIMIT, "-1"), names="--limit"),
    arg("int-limit-text", (*LIMIT, "abc"), names="--limit", says=("Ganzzahl",)),
    arg("int-limit-empty", (*LIMIT, ""), names="--limit", says=("Ganzzahl",)),
    arg("int-limit-fraction", (*LIMIT, "1.5"), names="--limit", says=("Ganzzahl",)),
    arg("int-limit-exponent", (*LIMIT, "1e3"), names="--limit", says=("Ganzzahl",)),
    # "the last 10^400 entries" is all of them: a harmless value, accepted or refused
    arg("int-limit-400-digits", (*LIMIT, "9" * 400), names="--limit", may_accept=True),
    arg("int-limit-10000-digits", (*LIMIT, LONG), names="--limit", says=("Ganzzahl",)),
    arg("int-limit-hex", (*LIMIT, "0x10"), names="--limit", says=("Ganzzahl",)),
    arg("int-limit-escape", (*LIMIT, ESC + "5"), names="--limit", says=("Ganzzahl",)),
    arg("int-search-limit-zero", (*SEARCH_LIMIT, "0"), names="--limit"),
    arg("int-search-limit-fullwidth", (*SEARCH_LIMIT, "１"), names="--limit", may_accept=True),
    arg("int-max-age-negative", (*MAX_AGE, "-1"), names="--max-age"),
    arg("int-max-age-too-large", (*MAX_AGE, "36501"), names="--max-age"),
    arg("int-max-age-text", (*MAX_AGE, "alt"), names="--max-age", says=("Ganzzahl",)),
    arg("int-inhabitants-too-large", (*INHABITANTS, "100000001"), names="--inhabitants"),
    arg("int-inhabitants-negative", (*INHABITANTS, "-5"), names="--inhabitants"),
    arg("int-inhabitants-400-digits", (*INHABITANTS, "9" * 400), names="--inhabitants"),
    arg("int-inhabitants-fraction", (*INHABITANTS, "113000.5"), names="--inhabitants", says=("Ganzzahl",)),
    arg("int-inhabitants-german-thousands", (*INHABITANTS, "113.000"), names="--inhabitants", says=("Ganzzahl",)),
    arg("int-employees-too-large", (*EMPLOYEES, "10000001"), names="--employees"),
    arg("int-employees-text", (*EMPLOYEES, "viele"), names="--employees", says=("Ganzzahl",)),
]

# -- ids -----------------------------------------------------------------------------------

SET = ("assess", "set")
#: review publish writes a review only if it reads back as one (parser rules and review.schema.json); a value
#: typed for it that breaks a rule is refused as a usage error naming the option
ID_CASES = [
    # county keys
    arg("id-county-path", ("assess", "--county", "../x"), {2, 3}, names="../x"),
    arg("id-county-empty", ("assess", "--county", ""), {2, 3}, names="Landkreis"),
    arg("id-county-10000", ("plan", "--county", "a" * 10_000), {2, 3}, names="Landkreis"),
    arg("id-county-escape", ("journal", "verify", "--county", ESC + COUNTY), {2, 3}, names="Landkreis"),
    arg("id-county-new-key-path", ("county", "add", "Neuer Kreis", "--key", "../x"), {2}, names="../x"),
    arg("id-county-new-key-long", ("county", "add", "Neuer Kreis", "--key", "a" * 300), {2}, names="Schlüssel"),
    arg("id-county-new-name-escape", ("county", "add", "Kreis" + ESC), {2}, names="Name"),
    # requirement and target ids
    arg("id-requirement-path", (*SET, "../x", "IV", "ja", "--county", COUNTY), {2, 3}, names="../x"),
    arg("id-requirement-unknown", (*SET, "GIBT.ES.NICHT", "IV", "ja", "--county", COUNTY), {3}, names="GIBT.ES.NICHT"),
    arg("id-requirement-10000", (*SET, "A" * 10_000, "IV", "ja", "--county", COUNTY), {2, 3}, names="Anforderung"),
    arg("id-target-path", (*SET, "ISMS.1.A1", "../x", "ja", "--county", COUNTY), {2, 3}, names="../x"),
    arg("id-target-300", (*SET, "ISMS.1.A1", "A" * 300, "ja", "--county", COUNTY), {2, 3}, names="Zielobjekt"),
    arg("id-target-escape", (*SET, "ISMS.1.A1", "IV" + ESC, "ja", "--county", COUNTY), {2, 3}, names="Zielobjekt"),
    arg("id-target-adopt-path", ("review", "adopt", REVIEW_ID, "--county", ADOPTER, "--target", "../x", "--force"),
        {2, 3}, names="../x"),
    # measure ids
    arg("id-measure-path", ("plan", "set", "../x", "--responsible", "X", "--county", COUNTY), {2, 3}, names="../x"),
    arg("id-measure-unknown", ("plan", "set", "M-999", "--responsible", "X", "--county", COUNTY), {3}, names="M-999"),
    # review ids
    arg("id-review-path", ("review", "adopt", "../x", "--county", ADOPTER, "--target", "APP-FIN"), {2, 3},
        names="../x"),
    arg("id-review-publish-path", (*VALID_UNTIL[:-3], "--id", "../x"), {2}, names="../x"),
    arg("id-review-publish-long", (*VALID_UNTIL[:-3], "--id", "a" * 300), {2}, names="Bewertungs-ID",
        says=("höchstens 200",)),
    arg("id-review-publish-vendor-escape", (*VALID_UNTIL[:-5], "--vendor", "Hersteller" + ESC, "--id", "neue-bewertung"),
        {2}, names="--vendor", says=("Steuerzeichen",)),
    arg("id-review-publish-product-100k", (*VALID_UNTIL[:-9], "--product", "P" * 100_000, "--version", "1", "--vendor",
                                           "Hersteller", "--id", "neue-bewertung"), {2}, names="--product",
        says=("zu lang",)),
    arg("id-review-publish-version-escape", (*VALID_UNTIL[:-7], "--version", "1" + ESC, "--vendor", "Hersteller",
                                             "--id", "neue-bewertung"), {2}, names="--version", says=("Steuerzeichen",)),
    # catalog names
    arg("id-catalog-show-path", ("catalog", "show", "ISMS.1.A1", "--catalog", "../x"), {2, 3}, names="../x"),
    arg("id-catalog-import-name-path", ("catalog", "import", "{ws}/catalogs/ikz-musterkatalog.json", "--name",
                                        "../x"), {2}, names="../x"),
    # a name becomes catalogs/<name>.json and a key of ikz-isms.yaml: at most 100 characters (pinning.check_pin_name)
    arg("id-catalog-import-name-long", ("catalog", "import", "{ws}/catalogs/ikz-musterkatalog.json", "--name",
                                        "k" * 300), {2}, names="k" * 60, says=("zu lang", "höchstens 100")),
]

# -- statuses ------------------------------------------------------------------------------

#: a value typed for assess set that no record may hold is a bad command-line value (exit 2) naming the argument;
#: the same rules (assess/records.change_problems) keep a record file with that value from counting
STATUS_CASES = [
    arg("status-unknown", (*SET, "ISMS.1.A1", "IV", "vielleicht", "--county", COUNTY), names="vielleicht"),
    arg("status-empty", (*SET, "ISMS.1.A1", "IV", "", "--county", COUNTY), names="Status"),
    arg("status-upper", (*SET, "ISMS.1.A1", "IV", "JA", "--county", COUNTY), names="JA"),
    arg("status-trailing-blank", (*SET, "ISMS.1.A1", "IV", "ja ", "--county", COUNTY), names="Status"),
    arg("status-escape", (*SET, "ISMS.1.A1", "IV", ESC + "ja", "--county", COUNTY), names="Status"),
    arg("status-10000", (*SET, "ISMS.1.A1", "IV", "j" * 10_000, "--county", COUNTY), names="Status"),
    arg("status-entbehrlich-no-reason", (*SET, "ISMS.1.A1", "IV", "entbehrlich", "--county", COUNTY),
        names="Begründung"),
    arg("status-entbehrlich-blank-reason", (*SET, "ISMS.1.A1", "IV", "entbehrlich", "--reason", "   ", "--county",
                                            COUNTY), names="Begründung"),
    arg("status-statement-escape", (*SET, "ISMS.1.A1", "IV", "ja", "--statement", "Text" + ESC, "--county", COUNTY),
        names="--statement", says=("Steuerzeichen",)),
    arg("status-responsible-too-long", (*SET, "ISMS.1.A1", "IV", "ja", "--responsible", "R" * 501, "--county",
                                        COUNTY), names="--responsible", says=("höchstens 500",)),
    arg("status-evidence-escape", (*SET, "ISMS.1.A1", "IV", "ja", "--evidence", "ok", "--evidence", "\x07", "--county",
                                   COUNTY), names="--evidence", says=("Steuerzeichen",)),
    arg("status-any-code-unknown", (*SET, "ISMS.1.A1", "IV", "vielleicht", "--county", COUNTY), {2, 3},
        names="vielleicht"),
    arg("status-any-code-blank-reason", (*SET, "ISMS.1.A1", "IV", "entbehrlich", "--reason", " \t ", "--county",
                                         COUNTY), {2, 3}, names="Begründung"),
    arg("status-plan-state-unknown", ("plan", "set", "M-001", "--state", "erledigt", "--county", COUNTY),
        names="--state"),
    arg("status-plan-state-empty", ("plan", "set", "M-001", "--state", "", "--county", COUNTY), names="--state"),
    arg("status-plan-state-case", ("plan", "set", "M-001", "--state", "Umgesetzt", "--county", COUNTY),
        names="--state"),
    arg("status-plan-state-escape", ("plan", "set", "M-001", "--state", ESC, "--county", COUNTY), names="--state"),
    arg("status-plan-filter-unknown", ("plan", "--county", COUNTY, "--state", "erledigt"), names="--state"),
    arg("status-plan-filter-empty", ("plan", "--county", COUNTY, "--state", ""), names="--state"),
    arg("status-search-level", ("catalog", "search", "x", "--level", "Z"), names="--level"),
    arg("status-search-modal", ("catalog", "search", "x", "--modal", "DARF"), names="--modal"),
    arg("status-approach-unknown", ("assess", "--county", COUNTY, "--approach", "gibtsnicht"), names="--approach"),
    arg("status-approach-escape", ("assess", "--county", COUNTY, "--approach", ESC), names="--approach"),
    arg("status-blank-responsible", ("plan", "set", "M-001", "--responsible", "   ", "--county", COUNTY),
        names="--responsible"),
]

# -- paths ---------------------------------------------------------------------------------


def outside_file(name: str, data: bytes = b"schon da\n"):
    return write_outside(name, data)


def outside_link(name: str, target: str = "echt.pdf"):
    def apply(ws: Path) -> None:
        outside = ws.parent / "outside"
        (outside / target).write_bytes(b"nicht anfassen\n")
        (outside / name).symlink_to(outside / target)

    return apply


def outside_dangling_link(name: str):
    def apply(ws: Path) -> None:
        (ws.parent / "outside" / name).symlink_to(ws.parent / "outside" / "gibtsnicht" / "x.pdf")

    return apply


REPORT_O = ("report", "county", COUNTY, "-o")

#: an output file is written only into a folder that exists (Store.write_output); --output-dir creates the folder
#: it names, never a chain of missing ones
PATH_CASES = [
    arg("path-report-missing-dir", (*REPORT_O, "{outside}/fehlt/bericht.pdf"), {6}, names="fehlt"),
    arg("path-report-plan-missing-dir", ("report", "plan", "--county", COUNTY, "-o", "{outside}/fehlt/plan.pdf"), {6},
        names="fehlt"),
    arg("path-check-missing-dir", ("check", "--format", "junit", "-o", "{outside}/fehlt/pruefung.xml"), {6},
        names="fehlt", slow=True),
    arg("path-plan-json-missing-dir", ("plan", "--county", COUNTY, "--format", "json", "--output",
                                       "{outside}/fehlt/plan.json"), {6}, names="fehlt"),
    arg("path-plan-csv-missing-dir", ("plan", "--county", COUNTY, "--format", "csv", "--output",
                                      "{outside}/fehlt/plan.csv"), {6}, names="fehlt"),
    arg("path-report-file-as-dir", (*REPORT_O, "{outside}/datei.txt/bericht.pdf"), {6}, names="datei.txt",
        setup=outside_file("datei.txt")),
    arg("path-plan-file-as-dir", ("plan", "--county", COUNTY, "--format", "json", "--output",
                                  "{outside}/datei.txt/plan.json"), {6}, names="datei.txt",
        setup=outside_file("datei.txt")),
    arg("path-report-onto-symlink", (*REPORT_O, "{outside}/link.pdf"), {6}, names="link.pdf",
        setup=outside_link("link.pdf"), says=("Verknüpfung",)),
    arg("path-plan-onto-symlink", ("plan", "--county", COUNTY, "--format", "json", "--output", "{outside}/link.json"),
        {6}, names="link.json", setup=outside_link("link.json", "echt.json"), says=("Verknüpfung",)),
    arg("path-check-onto-symlink", ("check", "--format", "json", "-o", "{outside}/link.json"), {6}, names="link.json",
        setup=outside_link("link.json", "echt.json"), says=("Verknüpfung",), slow=True),
    arg("path-report-onto-dangling-symlink", (*REPORT_O, "{outside}/weg.pdf"), {6}, names="weg.pdf",
        setup=outside_dangling_link("weg.pdf")),
    arg("path-report-onto-directory", (*REPORT_O, "{outside}"), {2}, names="-o"),
    arg("path-report-empty", (*REPORT_O, ""), {2}, names="-o", says=("leerer Pfad",)),
    arg("path-report-plan-blank", ("report", "plan", "--county", COUNTY, "-o", "   "), {2}, names="-o",
        says=("leerer Pfad",)),
    arg("path-plan-output-empty", ("plan", "--county", COUNTY, "--format", "json", "--output", ""), {2},
        names="--output", says=("leerer Pfad",)),
    arg("path-check-output-empty", ("check", "--format", "json", "-o", ""), {2}, names="-o", says=("leerer Pfad",)),
    arg("path-report-output-escape", (*REPORT_O, "{outside}/bericht" + ESC + ".pdf"), {2}, names="-o",
        says=("Steuerzeichen",)),
    arg("path-report-all-output-dir-empty", ("report", "county", "--all", "--output-dir", ""), {2},
        names="--output-dir", says=("leerer Pfad",)),
    arg("path-report-name-too-long", (*REPORT_O, "{outside}/" + "b" * 300 + ".pdf"), {6}, names="zu lang"),
    arg("path-report-all-output-dir-file", ("report", "county", "--all", "--output-dir", "{outside}/datei.txt"), {2, 6},
        names="datei.txt", setup=outside_file("datei.txt")),
    arg("path-report-all-output-dir-missing", ("report", "county", "--all", "--output-dir", "{outside}/fehlt/tiefer"),
        {6}, names="fehlt"),
    arg("path-workspace-is-file", ("--workspace", "{outside}/datei.txt", "assess"), {2}, names="datei.txt",
        setup=outside_file("datei.txt"), workspace=False),
    arg("path-workspace-missing", ("--workspace", "{outside}/fehlt", "assess"), {2, 3}, names="fehlt",
        workspace=False),
    arg("path-workspace-empty-dir", ("--workspace", "{outside}", "assess"), {3}, names="ikz-isms.yaml",
        workspace=False),
    arg("path-import-directory", ("catalog", "import", "{outside}"), {2, 3}, names="outside"),
    arg("path-import-missing", ("catalog", "import", "{outside}/fehlt.json"), {2, 3}, names="fehlt.json"),
    arg("path-check-path-directory", ("check", "{outside}"), {2, 3}, names="outside", slow=True),
    arg("path-plan-output-unwritable-dir", ("plan", "--county", COUNTY, "--format", "json", "--output",
                                            "{outside}/zu/plan.json"), {6}, names="zu", needs_non_root=True,
        setup=lambda ws: (ws.parent / "outside" / "zu").mkdir(mode=0o500)),
]

# -- formats -------------------------------------------------------------------------------

FORMAT_COMMANDS = [
    ("assess", ("assess", "--county", COUNTY)),
    ("assess-targets", ("assess", "targets", "--county", COUNTY)),
    ("assess-set", ("assess", "set", "ISMS.1.A1", "IV", "nein", "--county", COUNTY)),
    ("plan", ("plan", "--county", COUNTY)),
    ("plan-update", ("plan", "update", "--county", COUNTY)),
    ("plan-set", ("plan", "set", "M-001", "--responsible", "X", "--county", COUNTY)),
    ("check", ("check",)),
    ("report", ("report", "county", COUNTY, "-o", "{outside}/bericht.pdf")),
    ("journal-verify", ("journal", "verify", "--county", COUNTY)),
    ("journal-show", ("journal", "show", "--county", COUNTY)),
    ("review-list", ("review", "list")),
    ("catalog-list", ("catalog", "list")),
    ("county-list", ("county", "list")),
    ("county-add", ("county", "add", "Neuer Kreis")),
]
FORMAT_CASES = [
    arg(f"format-xml-{name}", (*argv, "--format", "xml"), names="--format") for name, argv in FORMAT_COMMANDS
] + [
    arg("format-empty", ("assess", "--county", COUNTY, "--format", ""), names="--format"),
    arg("format-upper", ("plan", "--county", COUNTY, "--format", "JSON"), names="--format"),
    arg("format-padded", ("journal", "verify", "--county", COUNTY, "--format", " json"), names="--format"),
    arg("format-escape", ("review", "list", "--format", ESC), names="--format"),
    arg("format-csv-where-not-offered", ("assess", "--county", COUNTY, "--format", "csv"), names="--format"),
    arg("format-junit-where-not-offered", ("plan", "--county", COUNTY, "--format", "junit"), names="--format"),
    arg("format-in-unknown", ("catalog", "import", "{ws}/catalogs/ikz-musterkatalog.json", "--format-in", "docx"),
        {2, 3}, names="docx"),
    arg("format-text-with-output", ("plan", "--county", COUNTY, "--output", "{outside}/plan.txt"), names="--output"),
]

# -- contradictory options and wrong use ----------------------------------------------------

USAGE_CASES = [
    arg("usage-report-county-and-all", ("report", "county", COUNTY, "--all"), names="--all"),
    arg("usage-workspace-twice", ("--workspace", "{ws}", "--workspace", "{outside}", "assess"), {2},
        names="--workspace", workspace=False, says=("mehrfach",)),
    # the same folder twice is one workspace
    arg("usage-workspace-twice-same", ("--workspace", "{ws}", "--workspace", "{ws}/", "county", "list"), ok=True,
        workspace=False),
    arg("usage-report-all-and-output", ("report", "county", "--all", "-o", "{outside}/x.pdf"), names="--all"),
    arg("usage-report-no-county", ("report", "county"), {2}, names="Landkreis"),
    arg("usage-pseudonymise-without-verbund", ("assess", "--pseudonymise"), names="--pseudonymise"),
    arg("usage-verbund-with-county", ("assess", "--verbund", "--county", COUNTY), names="--verbund"),
    arg("usage-interactive-json", ("assess", "--interactive", "--county", COUNTY, "--format", "json"),
        names="--interactive"),
    arg("usage-target-without-interactive", ("assess", "--county", COUNTY, "--target", "IV"), names="--target"),
    arg("usage-max-age-without-interactive", ("assess", "--county", COUNTY, "--max-age", "5"), names="--max-age"),
    arg("usage-plan-set-nothing", ("plan", "set", "M-001", "--county", COUNTY), names="Nichts zu ändern"),
    arg("usage-baseline-blank-reason", ("journal", "baseline", "--county", COUNTY, "--reason", "   "),
        names="--reason"),
    arg("usage-baseline-without-reason", ("journal", "baseline", "--county", COUNTY), names="--reason"),
    arg("usage-adopt-without-target", ("review", "adopt", REVIEW_ID, "--county", ADOPTER), names="--target"),
    arg("usage-set-missing-status", ("assess", "set", "ISMS.1.A1", "IV", "--county", COUNTY), names="STATUS"),
    arg("usage-unknown-option", ("assess", "--gibtsnicht"), names="--gibtsnicht"),
    arg("usage-extra-argument", ("plan", "update", "--county", COUNTY, "zuviel"), names="zuviel"),
    arg("usage-import-without-file", ("catalog", "import"), names="DATEI"),
    arg("usage-county-add-empty-name", ("county", "add", ""), names="Name"),
    arg("usage-county-add-blank-name", ("county", "add", "   "), names="Name"),
    arg("usage-publish-without-product", ("review", "publish", "--county", COUNTY, "--target", "APP-FIN", "--version",
                                          "1", "--vendor", "V"), names="--product"),
    arg("usage-option-twice-contradicting", ("plan", "set", "M-001", "--state", "geplant", "--state", "verworfen",
                                              "--county", COUNTY), {0, 2}, names="--state", may_accept=True),
]

FAMILIES = {
    "dates": DATE_CASES,
    "money": MONEY_CASES,
    "integers": INTEGER_CASES,
    "ids": ID_CASES,
    "statuses": STATUS_CASES,
    "paths": PATH_CASES,
    "formats": FORMAT_CASES,
    "usage": USAGE_CASES,
}
ALL = [case for cases in FAMILIES.values() for case in cases]


@pytest.mark.parametrize("family", list(FAMILIES))
def test_enough_cases_per_family(family):
    assert len(FAMILIES[family]) >= 20, f"{family}: nur {len(FAMILIES[family])} Fälle"


@pytest.mark.parametrize("case", corpus.params(ALL))
def test_hostile_argument(case, batch):
    corpus.judge(case, batch.result(case))


def test_data_dir_is_the_example():
    """The ids above name the example's county, measure and review."""
    from tests.support import ROOT

    assert (ROOT / DATA / "plan.yaml").is_file()
    assert (ROOT / "catalogs" / "bewertungen" / f"{REVIEW_ID}.yaml").is_file()
