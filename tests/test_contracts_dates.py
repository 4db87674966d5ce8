"""Contract date arithmetic: month ends, leap years, tacit and express renewals, notice deadlines."""

from __future__ import annotations

import datetime as dt

import pytest

from ikz_isms.procure.dates import Term, add_months, months_between, notice_deadline, parse_window, period_end

D = dt.date


@pytest.mark.parametrize(
    "end, months, deadline",
    [
        # month-end rule: the last day of a month steps to the last day of the target month
        (D(2026, 2, 28), 3, D(2025, 11, 30)),
        (D(2026, 12, 31), 3, D(2026, 9, 30)),
        (D(2027, 5, 31), 3, D(2027, 2, 28)),
        (D(2028, 5, 31), 3, D(2028, 2, 29)),
        (D(2028, 2, 29), 3, D(2027, 11, 30)),
        (D(2028, 2, 29), 12, D(2027, 2, 28)),
        # not a month end: the day is kept, clipped to the shorter month
        (D(2026, 5, 30), 3, D(2026, 2, 28)),
        (D(2026, 3, 15), 3, D(2025, 12, 15)),
        (D(2026, 6, 30), 6, D(2025, 12, 31)),
        (D(2026, 6, 30), 0, D(2026, 6, 30)),
    ],
)
def test_notice_deadline_month_end_rule(end, months, deadline):
    assert notice_deadline(end, months) == deadline


def test_add_months_forward_keeps_month_end_and_leap_day():
    assert add_months(D(2027, 2, 28), 12) == D(2028, 2, 29)
    assert add_months(D(2028, 2, 29), 12) == D(2029, 2, 28)
    assert add_months(D(2026, 1, 30), 1) == D(2026, 2, 28)


def test_months_between_counts_the_whole_term():
    assert months_between(D(2022, 1, 1), D(2026, 12, 31)) == 60
    assert months_between(D(2026, 1, 15), D(2030, 1, 14)) == 48
    assert months_between(D(2026, 1, 1), D(2026, 1, 10)) == 1


def tacit(max_renewals: int) -> Term:
    # started 2022-01-01 for two years, tacit one-year renewals, 3 months' notice
    return Term(D(2022, 1, 1), D(2023, 12, 31), "tacit", 12, max_renewals, notice_months=3)


def test_tacit_renewal_in_final_term_needs_no_notice():
    state = tacit(3).state(D(2026, 11, 24))
    assert state.current_end == D(2026, 12, 31)
    assert state.renewals == 3
    assert state.notice_deadline is None
    assert state.final and not state.expired


def test_tacit_renewal_with_missed_deadline_rolls_into_the_next_term():
    # deadline 2026-09-30 for the term ending 2026-12-31 has passed: the last renewal happens
    state = tacit(4).state(D(2026, 11, 24))
    assert state.current_end == D(2026, 12, 31)
    assert state.notice_deadline is None
    assert state.ends_on == D(2027, 12, 31)


def test_tacit_renewal_next_notice_deadline_after_missed_one():
    state = tacit(5).state(D(2026, 11, 24))
    assert state.current_end == D(2026, 12, 31)
    assert state.notice_deadline == D(2027, 9, 30)
    assert state.ends_on == D(2027, 12, 31)


def test_tacit_renewal_deadline_still_ahead():
    state = tacit(3).state(D(2025, 6, 1))
    assert state.current_end == D(2025, 12, 31)
    assert state.notice_deadline == D(2025, 9, 30)
    assert state.ends_on == D(2025, 12, 31)


def test_notice_deadline_is_inclusive():
    assert tacit(3).state(D(2025, 9, 30)).notice_deadline == D(2025, 9, 30)
    assert tacit(3).state(D(2025, 10, 1)).notice_deadline is None  # the last renewal can no longer be stopped


def test_term_expired_after_final_end():
    state = tacit(3).state(D(2027, 1, 1))
    assert state.expired and state.current_end == D(2026, 12, 31)


def test_tacit_renewal_from_leap_day():
    term = Term(D(2024, 3, 1), D(2028, 2, 29), "tacit", 12, 2, notice_months=3)
    assert term.period_end(1) == D(2029, 2, 28)
    state = term.state(D(2027, 11, 30))
    assert state.notice_deadline == D(2027, 11, 30)
    assert term.state(D(2027, 12, 1)).notice_deadline == D(2028, 11, 30)


def test_express_renewal_only_when_exercised():
    term = Term(D(2025, 7, 1), D(2027, 6, 30), "express", 12, 2, notice_months=6)
    state = term.state(D(2026, 11, 24))
    assert state.current_end == D(2027, 6, 30)
    assert state.notice_deadline == D(2026, 12, 31)
    exercised = Term(D(2025, 7, 1), D(2027, 6, 30), "express", 12, 2, renewals_exercised=1, notice_months=6)
    assert exercised.state(D(2027, 7, 1)).current_end == D(2028, 6, 30)


def test_terminated_tacit_contract_ends_at_the_reached_term():
    term = Term(D(2022, 1, 1), D(2023, 12, 31), "tacit", 12, 3, notice_months=3, terminated=D(2024, 9, 15))
    state = term.state(D(2024, 10, 1))
    assert state.current_end == D(2024, 12, 31) and state.final and state.notice_deadline is None


def test_total_months_includes_renewals():
    assert tacit(3).total_months == 60


@pytest.mark.parametrize("text, on, until", [
    ("90d", D(2026, 11, 24), D(2027, 2, 22)),
    ("12w", D(2026, 11, 24), D(2027, 2, 16)),
    # months and years are calendar months: 12m from 24.11.2026 is 24.11.2027 (365 days, not 360)
    ("12m", D(2026, 11, 24), D(2027, 11, 24)),
    ("6m", D(2026, 8, 31), D(2027, 2, 28)),
    ("1y", D(2027, 3, 1), D(2028, 3, 1)),
    ("1j", D(2028, 2, 29), D(2029, 2, 28)),
    ("30", D(2026, 1, 1), D(2026, 1, 31)),
])
def test_windows_count_calendar_months(text, on, until):
    assert parse_window(text).horizon(on) == until


def test_twelve_months_are_not_360_days():
    assert parse_window("12m").days(D(2026, 11, 24)) == 365
    assert parse_window("12m").days(D(2027, 3, 1)) == 366  # across 29.02.2028


def test_parse_window_rejects_garbage():
    for text in ("bald", "12x", "", "-3m"):
        with pytest.raises(ValueError):
            parse_window(text)


# -- BGB §§187 Abs. 2, 188 Abs. 2 und 3: one period per renewal -----------------------------


@pytest.mark.parametrize("first, months, last", [
    (D(2026, 1, 1), 12, D(2026, 12, 31)),
    (D(2026, 1, 31), 1, D(2026, 2, 28)),    # §188 Abs. 3: February has no 31st
    (D(2028, 1, 31), 1, D(2028, 2, 29)),    # leap year
    (D(2026, 1, 30), 1, D(2026, 2, 28)),
    (D(2028, 1, 30), 1, D(2028, 2, 29)),
    (D(2026, 1, 29), 1, D(2026, 2, 28)),
    (D(2028, 1, 29), 1, D(2028, 2, 28)),    # 29.02. exists: the day before it
    (D(2026, 3, 31), 1, D(2026, 4, 30)),
    (D(2026, 3, 30), 1, D(2026, 4, 29)),
    (D(2026, 8, 31), 6, D(2027, 2, 28)),
    (D(2026, 5, 31), 3, D(2026, 8, 30)),
    (D(2024, 2, 29), 12, D(2025, 2, 28)),
    (D(2027, 3, 1), 12, D(2028, 2, 29)),
    (D(2026, 12, 1), 2, D(2027, 1, 31)),
])
def test_bgb_period_end(first, months, last):
    assert period_end(first, months) == last


@pytest.mark.parametrize("end, months, renewals, expected", [
    # a term ending 30.01. renewed by a month: to 28.02., then (from 01.03.) to 31.03. — not 30.03.
    (D(2026, 1, 30), 1, 1, D(2026, 2, 28)),
    (D(2026, 1, 30), 1, 2, D(2026, 3, 31)),
    (D(2026, 1, 30), 1, 3, D(2026, 4, 30)),
    # 31.08. by three months: 30.11., then 28.02. (2027), then 31.05.
    (D(2026, 8, 31), 3, 3, D(2027, 5, 31)),
    # 29.05. by three months: 29.08., 29.11., 28.02. (§188 Abs. 3), then from 01.03.: 31.05.
    (D(2026, 5, 29), 3, 3, D(2027, 2, 28)),
    (D(2026, 5, 29), 3, 4, D(2027, 5, 31)),
    # whole years from 31.12. stay on 31.12.
    (D(2026, 12, 31), 12, 3, D(2029, 12, 31)),
    # from the leap day: 28.02., then 29.02. again four years on
    (D(2028, 2, 28), 12, 1, D(2029, 2, 28)),
    (D(2027, 2, 28), 12, 1, D(2028, 2, 29)),
])
def test_each_renewal_is_a_bgb_period_of_its_own(end, months, renewals, expected):
    term = Term(D(2025, 1, 1), end, "tacit", months, 10, notice_months=1)
    assert term.period_end(renewals) == expected


# -- the term call-offs may use: certain on the day of recording ----------------------------


def test_certain_end_tacit_counts_only_renewals_that_can_no_longer_be_stopped():
    # VOB framework: 01.04.2025–31.03.2027, tacit, 2 × 12 months, notice 3 months (deadline 31.12.2026)
    term = Term(D(2025, 4, 1), D(2027, 3, 31), "tacit", 12, 2, notice_months=3)
    assert term.certain_end(D(2026, 11, 24)) == D(2027, 3, 31)
    assert term.certain_end(D(2026, 12, 31)) == D(2027, 3, 31)   # notice still possible that day
    assert term.certain_end(D(2027, 1, 1)) == D(2028, 3, 31)     # deadline missed: renewal certain
    assert term.certain_end(D(2028, 1, 1)) == D(2029, 3, 31)
    assert term.certain_end(D(2030, 1, 1)) == D(2029, 3, 31)     # never beyond the last renewal


def test_certain_end_express_only_after_exercise_and_terminated_at_notice():
    express = Term(D(2025, 7, 1), D(2027, 6, 30), "express", 12, 2, notice_months=6)
    assert express.certain_end(D(2027, 1, 1)) == D(2027, 6, 30)   # option not (yet) exercised
    exercised = Term(D(2025, 7, 1), D(2027, 6, 30), "express", 12, 2, renewals_exercised=1, notice_months=6)
    assert exercised.certain_end(D(2026, 1, 1)) == D(2028, 6, 30)
    terminated = Term(D(2025, 4, 1), D(2027, 3, 31), "tacit", 12, 2, notice_months=3, terminated=D(2026, 12, 1))
    assert terminated.certain_end(D(2028, 1, 1)) == D(2027, 3, 31)
