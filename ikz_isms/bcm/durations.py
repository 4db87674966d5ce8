"""Durations of the BIA and the recovery plans: written ``4h``, ``3d`` or ``2w``, counted in hours."""

from __future__ import annotations

import re

PATTERN = r"^[0-9]{1,5} ?(h|d|w)$"
_DURATION = re.compile(r"^\s*([0-9]{1,5})\s*(h|d|w)\s*$", re.IGNORECASE)
_HOURS = {"h": 1, "d": 24, "w": 168}


def parse_duration(text: str) -> int:
    """Hours of ``4h`` (hours), ``3d`` (days) or ``2w`` (weeks); ValueError with a German message otherwise."""
    match = _DURATION.match(str(text))
    if not match:
        raise ValueError(f"'{str(text)[:40]}' ist keine Dauer (erwartet z. B. 4h, 3d oder 2w: Stunden, Tage, Wochen).")
    return int(match.group(1)) * _HOURS[match.group(2).lower()]


def duration_text(hours: int) -> str:
    """The form the files use, e.g. ``72h`` → ``3d``."""
    if hours and hours % 168 == 0:
        return f"{hours // 168}w"
    if hours and hours % 24 == 0:
        return f"{hours // 24}d"
    return f"{hours}h"


def duration_de(hours: int | None) -> str:
    """German for people: ``4 Stunden``, ``3 Tage``, ``2 Wochen``; no value is ``–``."""
    if hours is None:
        return "–"
    if hours and hours % 168 == 0:
        weeks = hours // 168
        return f"{weeks} Woche" if weeks == 1 else f"{weeks} Wochen"
    if hours and hours % 24 == 0:
        days = hours // 24
        return f"{days} Tag" if days == 1 else f"{days} Tage"
    return f"{hours} Stunde" if hours == 1 else f"{hours} Stunden"
