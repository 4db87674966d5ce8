"""The security annex: a template's security requirements resolved against the pinned catalog."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .templates import Problem, Template

if TYPE_CHECKING:
    from ..catalog.model import Catalog, Requirement


@dataclass(frozen=True)
class AnnexEntry:
    """One catalog requirement the service must meet, with the template's note and where it came from."""

    requirement: "Requirement"
    origin: str
    note: str = ""


def resolve_requirements(template: Template, catalog: "Catalog") -> tuple[list[AnnexEntry], list[Problem]]:
    """Requirements by id, by group (Baustein/Thema) or by target-object category; unknown ones are problems."""
    entries: list[AnnexEntry] = []
    problems: list[Problem] = []
    seen: set[str] = set()

    def add(requirement: "Requirement", origin: str, note: str) -> None:
        if requirement.id not in seen and requirement.active:
            seen.add(requirement.id)
            entries.append(AnnexEntry(requirement, origin, note))

    for index, item in enumerate(template.data.get("security_requirements", [])):
        note = item.get("note", "")
        place = template.line("security_requirements", index)
        if "id" in item:
            requirement = catalog.requirements.get(item["id"])
            if requirement is None:
                problems.append(Problem(f"Sicherheitsanforderung '{item['id']}' gibt es im Katalog "
                                        f"'{catalog.title}' ({catalog.version}) nicht.", place))
            elif not requirement.active:
                problems.append(Problem(f"Sicherheitsanforderung '{item['id']}' ist im Katalog entfallen.", place))
            else:
                add(requirement, item["id"], note)
        if "group" in item:
            found = [r for r in catalog.requirements.values() if _in_group(r, item["group"], catalog)]
            if not found:
                problems.append(Problem(f"Baustein/Thema '{item['group']}' gibt es im Katalog nicht.", place))
            for requirement in found:
                add(requirement, item["group"], note)
        if "category" in item:
            found = [r for r in catalog.requirements.values() if item["category"] in r.target_objects]
            if not found:
                problems.append(Problem(f"Zielobjektkategorie '{item['category']}' kommt im Katalog nicht vor.", place))
            for requirement in found:
                add(requirement, item["category"], note)
    return entries, problems


def _in_group(requirement: "Requirement", group_id: str, catalog: "Catalog") -> bool:
    current = requirement.group
    while current:
        if current == group_id:
            return True
        group = catalog.groups.get(current)
        current = group.parent if group else None
    return False
