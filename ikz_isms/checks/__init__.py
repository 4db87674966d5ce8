"""``ikz-isms check``: findings, the rule registry and the runner."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from ..errors import PluginError

ERROR = "error"
WARNING = "warning"
SEVERITIES = (ERROR, WARNING)


@dataclass(frozen=True)
class Finding:
    """One problem found by a rule: severity, rule id, German message, file and place."""

    rule: str
    severity: str
    message: str
    file: str = ""
    location: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "file": self.file,
            "location": self.location,
        }


@dataclass(frozen=True)
class Rule:
    id: str
    function: Callable[["CheckContext"], Iterable[Finding]]
    description: str
    plugin: str


@dataclass
class CheckContext:
    """What rules see: the workspace, the plugin manager and lazily loaded catalogs."""

    workspace: Any
    pm: Any
    _catalogs: dict[str, Any] = field(default_factory=dict)

    def catalog(self, name: str):
        """The pinned catalog ``name``; an unreadable file raises InputError."""
        if name not in self._catalogs:
            from ..catalog import load_catalog

            pin = self.workspace.pin(name)
            self._catalogs[name] = load_catalog(self.workspace.catalog_path(pin), self.pm)
        return self._catalogs[name]


def check_rules(pm: Any) -> list[Rule]:
    rules: list[Rule] = []

    def register(rule_id, function, description="", *, plugin):
        if any(r.id == rule_id for r in rules):
            raise PluginError(f"Prüfregel '{rule_id}' ist bereits registriert.")
        if not callable(function):
            raise PluginError(f"Prüfregel '{rule_id}': Funktion ist nicht aufrufbar.")
        rules.append(Rule(rule_id, function, description, plugin))

    pm.contribute("ikz_register_check_rules", register)
    return rules
