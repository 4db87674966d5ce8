"""Joint procurement: framework contracts, call-offs, dates, cost allocation, legal figures."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value

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
