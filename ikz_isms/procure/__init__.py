"""Joint procurement: framework contracts, call-offs, dates, cost allocation, legal figures."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports

if TYPE_CHECKING:
    from .allocation import Allocation, Share, allocate_costs, split_largest_remainder
    from .dates import Term, TermState, add_months, notice_deadline
    from .model import AllocationKey, CallOff, FrameworkContract, PriceModel, PricePoint

#: the module each name below comes from, imported when the name is first asked for: a command
#: that needs one module of the package (``contracts calloff add``) does not pay for the others
_LAZY = {
    "Allocation": "allocation", "Share": "allocation", "allocate_costs": "allocation",
    "split_largest_remainder": "allocation", "Term": "dates", "TermState": "dates", "add_months": "dates",
    "notice_deadline": "dates", "AllocationKey": "model", "CallOff": "model", "FrameworkContract": "model",
    "PriceModel": "model", "PricePoint": "model",
}


__getattr__ = lazy_exports(__name__, _LAZY, globals())

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
