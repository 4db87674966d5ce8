"""Joint procurement: framework contracts, call-offs, dates, cost allocation, legal figures."""

from __future__ import annotations

from .allocation import Allocation, Share, allocate_costs, split_largest_remainder
from .dates import Term, TermState, add_months, notice_deadline
from .model import AllocationKey, CallOff, FrameworkContract, PriceModel, PricePoint

__all__ = [
    "Allocation",
    "AllocationKey",
    "CallOff",
    "FrameworkContract",
    "PriceModel",
    "PricePoint",
    "Share",
    "Term",
    "TermState",
    "add_months",
    "allocate_costs",
    "notice_deadline",
    "split_largest_remainder",
]
