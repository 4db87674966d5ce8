"""``ikz-isms check``: findings, the rule registry and the runner."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, PluginError

if TYPE_CHECKING:
    from ..app.session import Session
    from ..catalog.model import Catalog
    from ..plugins import IkzPluginManager
    from ..workspace import CatalogPin, Workspace

ERROR = "error"
WARNING = "warning"
SEVERITIES = (ERROR, WARNING)

# marks a target whose raw document has not been read yet (None means "not OSCAL")
_UNREAD = object()


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
class CatalogTarget:
    """A catalog file under check: a pinned workspace catalog or a path from the command line.

    ``display`` is the name findings carry (relative to the workspace where possible);
    after ``CheckContext.load_catalogs`` either ``catalog`` or ``error`` is set.
    """

    path: Path
    display: str
    pin: CatalogPin | None = None
    format: str | None = None
    catalog: Catalog | None = None
    error: InputError | None = None
    _raw: Any = field(default=_UNREAD, repr=False)
    #: what rules derive from the raw document and share (the catalog rules' id index)
    _ids: Any = field(default=None, repr=False, compare=False)


@dataclass
class CheckContext:
    """What rules see: the session (workspace, plugins, store), and the catalogs under check.

    ``workspace`` is ``None`` when ``check`` runs on catalog files given on the command
    line; then only rules whose id starts with ``catalog.`` run. Rules read the workspace
    through ``session`` — the same road, the same rules as every other command.
    """

    session: Session
    targets: list[CatalogTarget] = field(default_factory=list)
    with_workspace: bool = True

    @property
    def workspace(self) -> Workspace | None:
        return self.session.workspace if self.with_workspace else None

    @property
    def pm(self) -> IkzPluginManager:
        return self.session.pm

    def catalog(self, name: str | None) -> Catalog:
        """The pinned catalog ``name`` (``None``: the workspace default); an unreadable or changed
        file raises InputError."""
        for target in self.targets:
            if target.pin is not None and target.pin.name == name:
                if target.error is not None:
                    raise target.error
                if target.catalog is not None:
                    return target.catalog
        return self.session.catalog(name)[1]

    def load_catalogs(self, progress: Callable[[int, int], None] | None = None) -> None:
        """Load every target once; an unreadable file is kept as ``target.error``."""
        from ..catalog import catalog_formats, detect_format, load_catalog

        formats = catalog_formats(self.pm)
        known = {fmt.name for fmt in formats}
        for index, target in enumerate(self.targets):
            if progress:
                progress(index, len(self.targets))
            try:
                if target.format not in known:
                    target.format = detect_format(target.path, formats).name
                if target.format in ("oscal-json", "oscal-yaml"):
                    # the schema rule needs the raw document too: parse the file only once
                    from ..catalog.oscal import load_document, refuse_empty

                    refuse_empty(Path(target.path))
                    target.catalog = load_document(target.path, self.raw(target), target.format)
                else:
                    target.catalog = load_catalog(target.path, self.pm, format_name=target.format)
                self.session.edition(target.catalog)
            except InputError as exc:
                target.error = exc
            except Exception as exc:  # an importer's bug: report it like unreadable input
                target.error = InputError(
                    f"Import abgebrochen ({target.format or 'Format unbekannt'}): "
                    f"{type(exc).__name__}: {exc}",
                    path=str(target.path),
                )
        if progress:
            progress(len(self.targets), len(self.targets))

    def loaded(self) -> Iterator[tuple[CatalogTarget, Catalog]]:
        """(target, catalog) for every target that loaded."""
        for target in self.targets:
            if target.catalog is not None:
                yield target, target.catalog

    def raw(self, target: CatalogTarget) -> Any:
        """The parsed JSON/YAML document of an OSCAL target, ``None`` for other formats."""
        if target._raw is _UNREAD:
            from ..store import read_json

            if target.format == "oscal-json":
                target._raw = read_json(target.path, kind="catalog-json")
            elif target.format == "oscal-yaml":
                target._raw = self.session.store.parse(Path(target.path), "catalog-yaml", validate=False).data
            else:
                target._raw = None
        return target._raw


def check_rules(pm: IkzPluginManager) -> list[Rule]:
    """Every registered rule; a built-in rule id cannot be taken by a plugin (refused, both named)."""
    from ..plugins import Registry

    claims = Registry("Prüfregel")

    def register(rule_id: str, function: Callable[[CheckContext], Iterable[Finding]], description: str = "", *,
                 plugin: str) -> None:
        if not callable(function):
            raise PluginError(f"Prüfregel '{rule_id}': Funktion ist nicht aufrufbar.")
        claims.claim(str(rule_id), Rule(str(rule_id), function, description, plugin), plugin)

    pm.contribute("ikz_register_check_rules", register)
    return [claim.value for claim in claims.resolve(pm, "ikz_register_check_rules").values()]
