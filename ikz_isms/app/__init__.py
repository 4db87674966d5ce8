"""The application layer of ikz-isms: :class:`Session` and its use cases (see docs/architecture.md)."""

from __future__ import annotations

from .session import Session, clock_date

__all__ = ["Session", "clock_date"]
