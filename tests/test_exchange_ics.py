"""Deadlines as an iCalendar file: ``export ics`` for a county or the Verbund, read back with ``icalendar``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.support import county_dir

icalendar = pytest.importorskip("icalendar")

COUNTY = "vulkaneifel"
EPOCH = "1798761600"  # 01.01.2027


@pytest.fixture
def cli(run_cli, example_workspace, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780272000")  # 01.06.2026

    def run(*args):
        return run_cli("--workspace", example_workspace, *args, cwd=example_workspace)

    return run


def calendar(path: Path):
    return icalendar.Calendar.from_ical(path.read_bytes())


def test_a_county_calendar_parses_and_holds_its_deadlines(cli, tmp_path):
    path = tmp_path / "fristen.ics"
    result = cli("export", "ics", "--county", COUNTY, "-o", path)
    assert result.exit_code == 0, result.stderr
    assert "Kalender geschrieben" in result.stderr
    events = list(calendar(path).walk("VEVENT"))
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids))
    measures = [e for e in events if str(e["UID"]).startswith(f"massnahme-{COUNTY}-")]
    plan_measures = [e for e in events if "Realisierungsplan" in str(e.get("CATEGORIES").to_ical())]
    assert measures and measures == plan_measures
    notice = [e for e in events if str(e["UID"]).startswith("vertrag-") and "-deadline-" in str(e["UID"])]
    assert notice
    with_reminders = [e for e in notice if any(
        isinstance(a["TRIGGER"].dt, dt.datetime) for a in e.walk("VALARM"))]
    assert with_reminders, "Kündigungsfristen tragen ihre Erinnerungen 6/3 Monate vorher"
    from ikz_isms.procure.dates import add_months

    for event in with_reminders:
        day = event["DTSTART"].dt
        absolute = sorted(a["TRIGGER"].dt.date() for a in event.walk("VALARM") if isinstance(a["TRIGGER"].dt, dt.datetime))
        assert set(absolute) <= {add_months(day, -6), add_months(day, -3)}
    reviews = [e for e in events if str(e["UID"]).startswith("bewertung-")]
    assert all(e["DTSTART"].dt == dt.date(2028, 3, 15) for e in reviews)
    assert all(len(line.encode("utf-8")) <= 75 for line in path.read_bytes().decode("utf-8").split("\r\n"))


def test_the_same_data_gives_the_same_file_and_a_moved_deadline_keeps_its_uid(cli, example_workspace, tmp_path):
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    assert cli("export", "ics", "--county", COUNTY, "-o", first).exit_code == 0
    assert cli("export", "ics", "--county", COUNTY, "-o", second).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    event = next(e for e in calendar(first).walk("VEVENT") if str(e["UID"]).startswith("massnahme-"))
    measure = str(event["UID"]).split("@")[0].removeprefix(f"massnahme-{COUNTY}-")
    assert cli("plan", "set", measure, "--county", COUNTY, "--deadline", "2027-10-29").exit_code == 0
    moved = tmp_path / "c.ics"
    assert cli("export", "ics", "--county", COUNTY, "-o", moved).exit_code == 0
    again = next(e for e in calendar(moved).walk("VEVENT") if str(e["UID"]) == str(event["UID"]))
    assert again["DTSTART"].dt == dt.date(2027, 10, 29)


def test_the_verbund_calendar_holds_only_what_disclosure_allows(cli, example_workspace, tmp_path):
    path = tmp_path / "verbund.ics"
    result = cli("export", "ics", "--verbund", "-o", path)
    assert result.exit_code == 0, result.stderr
    assert "keinen Realisierungsplan" in result.stderr
    text = path.read_bytes().decode("utf-8")
    events = list(calendar(path).walk("VEVENT"))
    assert events and not [e for e in events if str(e["UID"]).startswith("massnahme-")]
    # the example review was adopted by the Eifelkreis, whose policy (aggregate) does not name its records
    review = next(e for e in events if str(e["UID"]).startswith("bewertung-"))
    assert "Eifelkreis" not in text and "Übernommen von" not in str(review["DESCRIPTION"])
    for county in ("eifelkreis-bitburg-pruem", "cochem-zell"):
        plan = (county_dir(example_workspace, county) / "plan.yaml").read_text(encoding="utf-8")
        titles = [line.split("title:", 1)[1].strip() for line in plan.splitlines() if line.strip().startswith("title:")]
        assert titles and not [t for t in titles if t in text]


def test_county_and_verbund_exclude_each_other_and_months_are_checked(cli):
    assert cli("export", "ics").exit_code == 2
    assert cli("export", "ics", "--county", COUNTY, "--verbund").exit_code == 2
    bad = cli("export", "ics", "--county", COUNTY, "--months", "0")
    assert bad.exit_code == 2 and "--months" in bad.stderr
