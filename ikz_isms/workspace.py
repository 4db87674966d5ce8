"""The workspace: one IKZ's shared directory, found by its ``ikz-isms.yaml`` config file."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import NotFoundError, WorkspaceError
from .store.layout import CONFIG_NAME, WorkspaceLayout

if TYPE_CHECKING:
    from .store import Store

ENV_WORKSPACE = "IKZ_ISMS_WORKSPACE"
DEFAULT_PACKAGE_MAX_AGE_DAYS = 100

__all__ = ["CONFIG_NAME", "ENV_WORKSPACE", "CatalogPin", "Workspace", "find_workspace", "require_workspace"]


@dataclass(frozen=True)
class CatalogPin:
    """A catalog in use, pinned by source, version and content hash."""

    name: str
    file: str
    sha256: str
    title: str = ""
    source: str = ""
    version: str = ""
    format: str = ""
    imported: str = ""

    def label(self) -> str:
        return f"{self.name} ({self.version}, sha256 {self.sha256[:12]})"


def find_workspace(start: str | os.PathLike[str] | None = None) -> Path | None:
    """The workspace root: ``$IKZ_ISMS_WORKSPACE``, else the nearest ancestor with a config."""
    env = os.environ.get(ENV_WORKSPACE)
    if start is None and env:
        return Path(env)
    try:
        current = Path(start or os.getcwd()).resolve()
    except OSError:
        return None
    for candidate in (current, *current.parents):
        if (candidate / CONFIG_NAME).is_file():
            return candidate
    return None


class Workspace:
    """A loaded workspace: its root, layout, store and validated configuration (plain values)."""

    def __init__(self, root: Path, config: dict[str, Any], store: Store):
        self.root = Path(root)
        self.config = config
        self.store = store
        self.layout = WorkspaceLayout(self.root)

    @property
    def config_path(self) -> Path:
        return self.layout.config

    @classmethod
    def load(cls, root: str | os.PathLike[str], store: Store | None = None) -> "Workspace":
        from .store import Store

        root = Path(root)
        store = store or Store(root)
        path = WorkspaceLayout(root).config
        if not path.is_file():
            raise WorkspaceError(
                "keine Arbeitsumgebung: Konfigurationsdatei fehlt (ikz-isms init anlegen).",
                path=str(path),
            )
        from .errors import InputError

        try:
            parsed = store.parse(path, "config")
        except InputError as exc:
            raise WorkspaceError(f"ungültige Konfiguration: {exc.message}", path=exc.path, location=exc.location) from None
        return cls(root, parsed.data, store)

    def reload(self) -> "Workspace":
        self.store.forget(self.config_path)
        return Workspace.load(self.root, self.store)

    @property
    def name(self) -> str:
        return str(self.config["verbund"]["name"])

    @property
    def lead(self) -> str | None:
        lead = self.config["verbund"].get("lead")
        return str(lead) if lead else None

    @property
    def members(self) -> list[str]:
        return [str(m) for m in self.config["verbund"].get("members") or []]

    @property
    def packages_dir(self) -> Path:
        """Where the members' disclosure packages lie (``verbund.packages``)."""
        return self.layout.packages_dir(self.config["verbund"].get("packages"))

    def package_file(self, county: str) -> Path:
        return self.layout.package_file(county, self.config["verbund"].get("packages"))

    @property
    def package_max_age_days(self) -> int:
        return int(self.config["verbund"].get("package_max_age_days") or DEFAULT_PACKAGE_MAX_AGE_DAYS)

    @property
    def county_keys(self) -> dict[str, str]:
        """Public signing keys of the counties (``verbund.keys``): county key → ``ed25519:…``."""
        return {str(k): str(v) for k, v in (self.config["verbund"].get("keys") or {}).items()}

    @property
    def risk_config(self) -> dict[str, Any]:
        """The Verbund's risk-analysis settings (``risk``: the matrix), empty for the 200-3 defaults."""
        return dict(self.config.get("risk") or {})

    @property
    def exercise_interval_months(self) -> int:
        """How often every member and every mutual-aid agreement is exercised (``emergency``, default 12)."""
        return int((self.config.get("emergency") or {}).get("exercise_interval_months") or 12)

    @property
    def pins(self) -> dict[str, CatalogPin]:
        fields = CatalogPin.__dataclass_fields__
        return {
            str(name): CatalogPin(name=str(name), **{k: str(v) for k, v in entry.items() if k in fields})
            for name, entry in (self.config.get("catalogs") or {}).items()
        }

    @property
    def default_catalog(self) -> str | None:
        value = self.config.get("default_catalog")
        if value:
            return str(value)
        return next(iter(self.pins), None)

    @property
    def installed_plugins(self) -> list[str]:
        return [str(p) for p in (self.config.get("plugins") or {}).get("installed") or []]

    @property
    def allowed_plugins(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in ((self.config.get("plugins") or {}).get("allow") or {}).items()}

    def pin(self, name: str | None = None) -> CatalogPin:
        name = name or self.default_catalog
        pins = self.pins
        if name is None:  # no catalog named and none pinned: nothing to name in the message either
            raise NotFoundError(
                "In der Arbeitsumgebung ist kein Katalog eingetragen – zuerst einen Katalog übernehmen: "
                "ikz-isms catalog import DATEI.",
                path=str(self.config_path),
            )
        if name not in pins:
            known = ", ".join(pins) or "keine"
            hint = "" if pins else " – zuerst einen Katalog übernehmen: ikz-isms catalog import DATEI"
            raise NotFoundError(
                f"Katalog '{name}' ist in der Arbeitsumgebung nicht eingetragen (bekannt: {known}){hint}.",
                path=str(self.config_path),
            )
        return pins[name]

    def county_pin(self, county_key: str, name: str | None, profile_path: Path) -> CatalogPin:
        """The pin of the catalog a county's profile names; a name not pinned is the profile's error
        (the file that says it), worded as ``check`` reports it."""
        if name and self.pins and name not in self.pins:
            raise NotFoundError(unpinned_county_catalog(county_key, name, self.pins), path=str(profile_path))
        return self.pin(name)  # (none pinned at all: the config's error, with how to import one)

    def catalog_path(self, pin: CatalogPin) -> Path:
        return self.root / pin.file

    def edit_config(self, mutate: Callable[[Any], Any]) -> Any:
        """Locked read-modify-write of ``ikz-isms.yaml`` (comments kept, validated before saving)."""
        result = self.store.edit(self.config_path, "config", mutate)
        fresh = self.reload()
        self.config = fresh.config
        return result


def require_workspace(path: str | os.PathLike[str] | None, store: Store | None = None) -> Workspace:
    root = Path(path) if path else find_workspace()
    if root is None:
        raise WorkspaceError(
            f"keine Arbeitsumgebung gefunden: weder im aktuellen Verzeichnis noch darüber liegt "
            f"eine {CONFIG_NAME}. Mit --workspace DIR oder {ENV_WORKSPACE} angeben, "
            "oder mit 'ikz-isms init DIR' anlegen."
        )
    return Workspace.load(root, store)


def unpinned_county_catalog(county_key: str, name: str, pins: Any) -> str:
    """What ``assess`` and ``check`` say of a county whose profile names a catalog that is not pinned."""
    known = ", ".join(pins) or "keine"
    return (f"Landkreis „{county_key}“ prüft gegen Katalog „{name}“, der unter catalogs nicht eingetragen ist "
            f"(bekannt: {known}).")
