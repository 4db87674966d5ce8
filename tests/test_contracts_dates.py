"""Contract date arithmetic: month ends, leap years, tacit and express renewals, notice deadlines."""

from __future__ import annotations

import datetime as dt

import pytest

from ikz_isms.procure.dates import Term, add_months, months_between, notice_deadline, parse_within

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


@pytest.mark.parametrize("text, days", [("90d", 90), ("12w", 84), ("6m", 180), ("1y", 365), ("30", 30)])
def test_parse_within(text, days):
    assert parse_within(text) == days


def test_parse_within_rejects_garbage():
    with pytest.raises(ValueError):
        parse_within("bald")
