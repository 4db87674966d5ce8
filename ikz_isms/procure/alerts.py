"""Due dates of contracts: repeated reminders before notice deadlines, term ends, ceiling thresholds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from ..present.de import date_de, percent_de
from .dates import add_months
from .model import FrameworkContract


@dataclass(frozen=True)
class Alert:
    """One thing due: ``kind`` is reminder, deadline, term-end, ceiling or ceiling-forecast."""

    contract: str
    title: str
    kind: str
    date: dt.date
    message: str

    def as_dict(self, on: dt.date) -> dict[str, object]:
        return {
            "contract": self.contract,
            "title": self.title,
            "kind": self.kind,
            "date": self.date.isoformat(),
            "days": (self.date - on).days,
            "message": self.message,
        }


def contract_alerts(contract: FrameworkContract, on: dt.date, horizon: dt.date) -> list[Alert]:
    """Alerts of one contract dated from ``on`` to ``horizon`` (ceiling states count as today)."""
    alerts: list[Alert] = []

    def add(kind: str, day: dt.date, message: str) -> None:
        if on <= day <= horizon:
            alerts.append(Alert(contract.id, contract.title, kind, day, message))

    express = contract.term.renewal == "express"
    what = "Frist für die Verlängerungsoption" if express else "Kündigungsfrist"
    cursor = on
    # a long window may span several renewal periods: assume no notice is given and follow them
    while cursor <= horizon:
        state = contract.state(cursor)
        if state.expired:
            break
        deadline = state.notice_deadline
        if deadline is None:
            end = state.ends_on or state.current_end
            add("term-end", end, f"Vertrag endet am {date_de(end)}; keine Verlängerung mehr möglich.")
            break
        for months in sorted(contract.notice_alerts, reverse=True):
            add("reminder", add_months(deadline, -months),
                f"Erinnerung: {months} Monate bis zur {what} am {date_de(deadline)}.")
        if express:
            add("deadline", deadline, f"{what}: Verlängerung bis {date_de(deadline)} erklären, "
                                      f"sonst endet der Vertrag am {date_de(state.current_end)}.")
            break
        add("deadline", deadline, f"{what}: Kündigung muss bis {date_de(deadline)} zugegangen sein, "
                                  f"sonst Verlängerung über {date_de(state.ends_on or state.current_end)} hinaus.")
        cursor = deadline + dt.timedelta(days=1)
    alerts += _ceiling_alerts(contract, on, horizon)
    return alerts


def _ceiling_alerts(contract: FrameworkContract, on: dt.date, horizon: dt.date) -> Iterable[Alert]:
    if not contract.ceiling:
        return []
    consumed = contract.consumed()
    share = consumed / contract.ceiling
    found = []
    for percent in sorted(contract.ceiling_alerts):
        limit = contract.ceiling * Decimal(percent) / 100
        if consumed >= limit:
            found.append(Alert(contract.id, contract.title, "ceiling", on,
                               f"Höchstwert zu {percent_de(share)} ausgeschöpft (Schwelle {percent} %)."))
            continue
        elapsed = (on - contract.term.start).days + 1
        if consumed > 0 and elapsed > 0:
            days = int((limit * elapsed / consumed).to_integral_value(rounding="ROUND_CEILING"))
            # a pace too slow to reach the threshold before the calendar ends forecasts nothing
            if days - 1 > (dt.date.max - contract.term.start).days:
                continue
            reach = contract.term.start + dt.timedelta(days=days - 1)
            if on <= reach <= horizon:
                found.append(Alert(contract.id, contract.title, "ceiling-forecast", reach,
                                   f"{percent} % des Höchstwerts voraussichtlich am {date_de(reach)} erreicht."))
    return found


def due(contracts: Iterable[FrameworkContract], on: dt.date, horizon: dt.date) -> list[Alert]:
    """Every alert from ``on`` to ``horizon`` (both included), by date, then contract."""
    alerts = [a for c in contracts for a in contract_alerts(c, on, horizon)]
    order = {"ceiling": 0, "reminder": 1, "ceiling-forecast": 2, "deadline": 3, "term-end": 4}
    return sorted(alerts, key=lambda a: (a.date, a.contract, order.get(a.kind, 9)))
