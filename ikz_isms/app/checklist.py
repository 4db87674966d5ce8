"""Use case of ``assess list``: the check points of counties that match a filter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..assess.filters import CheckFilter
    from ..county import County
    from .session import Session


def check_list(session: "Session", counties: Sequence["County"], wanted: "CheckFilter") -> list[dict[str, Any]]:
    """Per county: the rows matching ``wanted`` under the county's approach (statements with its values)."""
    from ..assess.filters import select

    result = []
    for county in counties:
        assessment = session.assessment(county)
        result.append({"county": county.key, "name": county.profile.name,
                       "approach": assessment.edition.approach(assessment.approach).label,
                       "rows": select(assessment, wanted)})
    return result
