"""The workspace: one IKZ's shared directory, found by its ``ikz-isms.yaml`` config file."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import WorkspaceError

CONFIG_NAME = "ikz-isms.yaml"
ENV_WORKSPACE = "IKZ_ISMS_WORKSPACE"

CONFIG_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "ikz-isms workspace configuration",
    "type": "object",
    "required": ["verbund", "catalogs"],
    "additionalProperties": False,
    "properties": {
        "verbund": {
            "type": "object",
            "required": ["name", "members"],
            "additionalProperties": False,
            "properties": {
                "name": {"type": "string", "minLength": 1},
                "lead": {"type": "string"},
                "members": {
                    "type": "array",
                    "items": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"},
                    "uniqueItems": True,
                },
            },
        },
        "default_catalog": {"type": "string"},
        "catalogs": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["file", "sha256"],
                "additionalProperties": False,
                "properties": {
                    "file": {"type": "string", "minLength": 1},
                    "title": {"type": "string"},
                    "source": {"type": "string"},
                    "version": {"type": "string"},
                    "format": {"type": "string"},
                    "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                    "imported": {"type": "string"},
                },
            },
        },
    },
}


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

    def label(self) -> str:
        return f"{self.name} ({self.version}, sha256 {self.sha256[:12]})"


def find_workspace(start: str | os.PathLike[str] | None = None) -> Path | None:
    """The workspace root: ``$IKZ_ISMS_WORKSPACE``, else the nearest ancestor with a config."""
    env = os.environ.get(ENV_WORKSPACE)
    if start is None and env:
        return Path(env)
    current = Path(start or os.getcwd()).resolve()
    for candidate in (current, *current.parents):
        if (candidate / CONFIG_NAME).is_file():
            return candidate
    return None


class Workspace:
    """A loaded workspace. Holds the raw round-trip config so edits keep comments."""

    def __init__(self, root: Path, config: Any):
        self.root = root
        self.config = config

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @classmethod
    def load(cls, root: str | os.PathLike[str]) -> "Workspace":
        from .store import read_yaml

        root = Path(root)
        path = root / CONFIG_NAME
        if not path.is_file():
            raise WorkspaceError(
                "keine Arbeitsumgebung: Konfigurationsdatei fehlt (ikz-isms init anlegen).",
                path=str(path),
            )
        from .schemas import schema_problems

        config = read_yaml(path)
        if config is None:
            config = {}
        problems = schema_problems(config, CONFIG_SCHEMA)
        if problems:
            first = problems[0]
            raise WorkspaceError(f"ungültige Konfiguration: {first.message}", path=str(path), location=first.location)
        return cls(root, config)

    @property
    def name(self) -> str:
        return str(self.config["verbund"]["name"])

    @property
    def members(self) -> list[str]:
        return [str(m) for m in self.config["verbund"].get("members", [])]

    @property
    def pins(self) -> dict[str, CatalogPin]:
        return {
            str(name): CatalogPin(name=str(name), **{k: str(v) for k, v in entry.items() if k in CatalogPin.__dataclass_fields__})
            for name, entry in (self.config.get("catalogs") or {}).items()
        }

    @property
    def default_catalog(self) -> str | None:
        value = self.config.get("default_catalog")
        if value:
            return str(value)
        pins = self.pins
        return next(iter(pins), None)

    def pin(self, name: str | None = None) -> CatalogPin:
        from .errors import NotFoundError

        name = name or self.default_catalog
        pins = self.pins
        if name is None or name not in pins:
            known = ", ".join(pins) or "keine"
            raise NotFoundError(
                f"Katalog '{name}' ist in der Arbeitsumgebung nicht eingetragen (bekannt: {known}).",
                path=str(self.config_path),
            )
        return pins[name]

    def catalog_path(self, pin: CatalogPin) -> Path:
        return self.root / pin.file

    def save(self) -> None:
        from .store import atomic_write, dump_yaml

        atomic_write(self.config_path, dump_yaml(self.config))


def require_workspace(path: str | os.PathLike[str] | None) -> Workspace:
    root = Path(path) if path else find_workspace()
    if root is None:
        raise WorkspaceError(
            f"keine Arbeitsumgebung gefunden: weder im aktuellen Verzeichnis noch darüber liegt "
            f"eine {CONFIG_NAME}. Mit --workspace DIR oder {ENV_WORKSPACE} angeben, "
            "oder mit 'ikz-isms init DIR' anlegen."
        )
    return Workspace.load(root)
