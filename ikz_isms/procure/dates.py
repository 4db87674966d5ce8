"""Contract date arithmetic: BGB periods, renewed terms, notice deadlines, calendar windows.

Two rules (docs/contracts.md):

* **Renewal periods** follow BGB §§187 Abs. 2, 188 Abs. 2 and 3 (:func:`period_end`): a
  renewal begins at the start of the day after the running term ends; a period of N months
  ends with the day *before* the day of the N-th following month that has the number of the
  period's first day, or with the last day of that month when it has no such day. Each
  renewal is its own period, so a term ending 30.01. renewed by one month runs to 28.02., the
  next renewal (beginning 01.03.) to 31.03. — not to 30.03., which stepping from the first
  end by two months would give.
* **Notice deadlines** (:func:`notice_deadline`) step back from the term end by whole months:
  the day of the month is kept and clipped to the target month's length, and a term end on
  the *last day of its month* steps to the last day of the target month ("Kündigungsfrist
  3 Monate zum Vertragsende" for an end on 28.02.2026 gives 30.11.2025; 30.05.2026 gives
  28.02.2026). Notice must be *received* on or before the deadline.

Month arithmetic is python-dateutil's ``relativedelta`` (calendar months, clipped to the
month's length); windows such as ``--within 12m`` are calendar months too (:class:`Window`).
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


def period_end(first_day: dt.date, months: int) -> dt.date:
    """Last day of a period of ``months`` months that begins at the start of ``first_day``.

    BGB §187 Abs. 2 (the first day counts), §188 Abs. 2 (the period ends with the day before
    the day of the last month that has the first day's number) and §188 Abs. 3 (a last month
    without that day: the period ends with the month's last day).
    """
    from dateutil.relativedelta import relativedelta

    if months <= 0:
        raise ValueError(months)
    target = first_day + relativedelta(months=months)  # clipped to the month's length
    if target.day != first_day.day:
        return target  # §188 Abs. 3: the month has no such day, the period ends on its last day
    return target - dt.timedelta(days=1)


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
        """End of the term after ``renewals`` renewals, each a BGB period of its own (:func:`period_end`)."""
        end = self.end
        for _ in range(renewals):
            end = period_end(end + dt.timedelta(days=1), self.renewal_months)
        return end

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

    def certain_end(self, on: dt.date) -> dt.date:
        """The end of the term as far as it is certain on ``on`` (the term call-offs may use).

        ``none``: the end. ``express``: the end after the renewals exercised so far.
        ``tacit``: with notice given, the end it reaches; otherwise every renewal that has
        happened or can no longer be prevented (its notice deadline lies before ``on``)
        counts, a renewal that notice received by its deadline could still stop does not.
        """
        if self.renewal == "none":
            return self.end
        if self.renewal == "express":
            return self.period_end(min(self.renewals_exercised, self.max_renewals))
        if self.terminated is not None:
            return self._end_after_notice(self.terminated)
        renewals = 0
        while renewals < self.max_renewals and notice_deadline(self.period_end(renewals), self.notice_months) < on:
            renewals += 1
        return self.period_end(renewals)

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


@dataclass(frozen=True)
class Window:
    """A look-ahead such as ``90d``, ``12w``, ``6m`` or ``1y``: days and weeks as days, months
    and years as **calendar** months (``12m`` from 24.11.2026 reaches 24.11.2027, 365 days,
    not 360)."""

    number: int
    unit: str  # "d" | "w" | "m" | "y"

    def horizon(self, on: dt.date) -> dt.date:
        """The last day the window covers, looking ahead from ``on``."""
        from dateutil.relativedelta import relativedelta

        if self.unit == "d":
            return on + dt.timedelta(days=self.number)
        if self.unit == "w":
            return on + dt.timedelta(weeks=self.number)
        months = self.number * (12 if self.unit == "y" else 1)
        return on + relativedelta(months=months)

    def days(self, on: dt.date) -> int:
        return (self.horizon(on) - on).days

    def __str__(self) -> str:
        return f"{self.number}{self.unit}"


#: units a window may be written in (German ``t`` for Tage and ``j`` for Jahre too)
_UNITS = {"d": "d", "t": "d", "w": "w", "m": "m", "y": "y", "j": "y"}


def parse_window(text: str) -> Window:
    """``90d``, ``12w``, ``6m``, ``1y`` (a bare number is days); ``ValueError`` otherwise."""
    import re

    match = re.fullmatch(r"\s*(\d{1,5})\s*([dtwmyjDTWMYJ]?)\s*", text or "")
    if not match:
        raise ValueError(text)
    return Window(int(match.group(1)), _UNITS[(match.group(2) or "d").lower()])
