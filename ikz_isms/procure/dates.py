"""Contract date arithmetic: month steps with the month-end rule, renewed terms, notice deadlines.

The rule applied everywhere (docs/contracts.md): stepping a date by whole months keeps the
day of the month, clipped to the target month's length; a date that is the *last day of its
month* steps to the last day of the target month. So "Kündigungsfrist 3 Monate zum
Vertragsende" for a term ending 2026-02-28 gives the deadline 2025-11-30 (not 2025-11-28),
and 2026-05-30 gives 2026-02-28. Notice must be *received* on or before the deadline.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass


def is_month_end(day: dt.date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` (negative: backwards), month ends kept as month ends."""
    from dateutil.relativedelta import relativedelta

    moved = day + relativedelta(months=months)
    if is_month_end(day):
        return moved.replace(day=calendar.monthrange(moved.year, moved.month)[1])
    return moved


def notice_deadline(term_end: dt.date, notice_months: int) -> dt.date:
    """Last day on which notice to ``term_end`` must be received."""
    return add_months(term_end, -notice_months)


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months of a term that runs from ``start`` to ``end`` inclusive (rounded up)."""
    following = end + dt.timedelta(days=1)
    months = (following.year - start.year) * 12 + following.month - start.month
    if following.day > start.day:
        months += 1
    return months


@dataclass(frozen=True)
class Term:
    """A contract term (Laufzeit) with its renewal rule.

    ``renewal``: ``none``; ``tacit`` (renews by ``renewal_months`` unless notice is given,
    at most ``max_renewals`` times); ``express`` (renews only when exercised;
    ``renewals_exercised`` counts how often). ``terminated`` is the date notice was given.
    """

    start: dt.date
    end: dt.date
    renewal: str = "none"
    renewal_months: int = 12
    max_renewals: int = 0
    renewals_exercised: int = 0
    notice_months: int = 0
    terminated: dt.date | None = None

    def period_end(self, renewals: int) -> dt.date:
        """End of the term after ``renewals`` renewals."""
        return add_months(self.end, renewals * self.renewal_months)

    @property
    def possible_renewals(self) -> int:
        return 0 if self.renewal == "none" else self.max_renewals

    @property
    def final_end(self) -> dt.date:
        """The latest end the contract can reach with every renewal."""
        return self.period_end(self.possible_renewals)

    @property
    def total_months(self) -> int:
        """Total term including every possible renewal, in months (for the legal maximum)."""
        return months_between(self.start, self.final_end)

    def state(self, on: dt.date) -> "TermState":
        """Where the contract stands on ``on``: current term end and the next notice deadline."""
        if self.renewal == "express":
            renewals = min(self.renewals_exercised, self.max_renewals)
            current = self.period_end(renewals)
            ends = current < on
            deadline = None
            if renewals < self.max_renewals and not ends:
                deadline = notice_deadline(current, self.notice_months)
            return TermState(on, current, renewals, deadline, ends, final=renewals >= self.max_renewals,
                             action="Verlängerung erklären" if deadline else None)
        if self.renewal == "none" or self.terminated is not None:
            current = self.end
            if self.terminated is not None and self.renewal == "tacit":
                current = self._end_after_notice(self.terminated)
            return TermState(on, current, 0, None, current < on, final=True, action=None)
        renewals = 0
        while self.period_end(renewals) < on and renewals < self.max_renewals:
            renewals += 1
        current = self.period_end(renewals)
        if current < on:
            return TermState(on, current, renewals, None, True, final=True, action=None)
        # a deadline already missed means the next renewal can no longer be prevented
        upcoming = renewals
        while upcoming < self.max_renewals and notice_deadline(self.period_end(upcoming), self.notice_months) < on:
            upcoming += 1
        if upcoming >= self.max_renewals:
            return TermState(on, current, renewals, None, False, final=renewals >= self.max_renewals,
                             action=None, ends_on=self.final_end)
        return TermState(on, current, renewals, notice_deadline(self.period_end(upcoming), self.notice_months),
                         False, final=False, action="Kündigung zugehen lassen",
                         ends_on=self.period_end(upcoming))

    def _end_after_notice(self, given: dt.date) -> dt.date:
        """The term end that notice received on ``given`` reaches."""
        for renewals in range(self.possible_renewals + 1):
            end = self.period_end(renewals)
            if notice_deadline(end, self.notice_months) >= given:
                return end
        return self.final_end


@dataclass(frozen=True)
class TermState:
    """A term seen on a given day.

    ``current_end`` ends the running term (after ``renewals`` renewals); ``notice_deadline``
    is the next day by which notice must be received to stop a renewal (``None`` when no
    renewal is pending); ``ends_on`` is the end that notice on that deadline reaches.
    """

    on: dt.date
    current_end: dt.date
    renewals: int
    notice_deadline: dt.date | None
    expired: bool
    final: bool
    action: str | None
    ends_on: dt.date | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "on": self.on.isoformat(),
            "current_end": self.current_end.isoformat(),
            "renewals": self.renewals,
            "notice_deadline": self.notice_deadline.isoformat() if self.notice_deadline else None,
            "ends_on_notice": self.ends_on.isoformat() if self.ends_on else None,
            "expired": self.expired,
            "final_term": self.final,
            "action": self.action,
        }


def parse_within(text: str) -> int:
    """A period such as ``90d``, ``12w``, ``6m`` or ``1y`` in days (months as 30 days)."""
    import re

    match = re.fullmatch(r"\s*(\d+)\s*([dwmyDWMYtT]?)\s*", text or "")
    if not match:
        raise ValueError(text)
    number, unit = int(match.group(1)), (match.group(2) or "d").lower()
    return number * {"d": 1, "t": 1, "w": 7, "m": 30, "y": 365}[unit]
