"""Tailoring: catalog parameters set by the county, with a reason, shown in every statement.

A Grundschutz++ statement carries parameters (``{{ insert: param, ums.1.1-prm1 }}``) that a
profile — or the county — fills in: "regelmäßig" becomes "jährlich". The county's values
(``parameters`` in ``zielobjekte.yaml``, set with ``ikz-isms model param``) replace the
catalog's in the requirement objects its assessment uses, so ``assess``, the interactive
walk, the PDF and the exports show the statement as it holds for this county.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..catalog.model import Catalog, Param, Requirement
    from .structure import Parameter

#: a parameter insertion in a published statement (OSCAL JSON)
INSERT = re.compile(r"\{\{\s*insert:\s*param,\s*([^\s}]+)\s*\}\}")


def catalog_params(catalog: "Catalog") -> dict[str, tuple["Requirement", "Param"]]:
    """Every parameter of the catalog by id, with the requirement that owns it."""
    return {p.id: (r, p) for r in catalog.requirements.values() for p in r.params}


def tailor(catalog: "Catalog", parameters: Sequence["Parameter"]) -> dict[str, "Requirement"]:
    """The requirements whose statement the county's parameter values change, rewritten with them."""
    values = {p.param: p.value for p in parameters if p.value}
    if not values:
        return {}
    owners = catalog_params(catalog)
    touched = {owners[param][0].id for param in values if param in owners}
    # a statement may also insert a parameter owned by another control
    for req in catalog.requirements.values():
        if req.statement_template and any(m.group(1) in values for m in INSERT.finditer(req.statement_template)):
            touched.add(req.id)
    result: dict[str, Requirement] = {}
    for req_id in touched:
        req = catalog.requirements[req_id]
        params = tuple(replace(p, values=(values[p.id],)) if p.id in values else p for p in req.params)

        def text(match: re.Match[str]) -> str:
            param_id = match.group(1)
            if param_id in values:
                return values[param_id]
            owner = owners.get(param_id)
            return owner[1].text if owner else f"[{param_id}]"

        statement = INSERT.sub(text, req.statement_template) if req.statement_template else req.statement
        result[req_id] = replace(req, params=params, statement=statement)
    return result
