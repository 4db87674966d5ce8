"""Counties (Landkreise): the profile type, the registry fed by county plugins, the plugin helper.

A county plugin needs no Python of its own beyond three generated lines::

    from pathlib import Path
    from ikz_isms.county import county_plugin
    ikz_register_counties = county_plugin(Path(__file__).resolve().parents[2] / "data")

The data directory holds ``landkreis.yaml`` (the profile), ``zielobjekte.yaml`` (target
objects), ``pruefungen.yaml`` (check records) and ``journal.jsonl`` (the change journal).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from .errors import InputError, PluginError

PROFILE_FILE = "landkreis.yaml"
TARGETS_FILE = "zielobjekte.yaml"
RECORDS_FILE = "pruefungen.yaml"
JOURNAL_FILE = "journal.jsonl"

DISCLOSURE_POLICIES = ("none", "aggregate", "full")
DEFAULT_CLASSIFICATION = "VS – NUR FÜR DEN DIENSTGEBRAUCH"


@dataclass(frozen=True)
class CountyProfile:
    """What a county (Landkreis) tells about itself; ``disclosure`` governs the Verbund view.

    ``disclosure``: ``none`` (nothing leaves the county), ``aggregate`` (only fulfilment
    figures) or ``full`` (figures and individual gaps). ``catalog`` names the workspace's
    pinned catalog the county assesses against (``None``: the workspace default).
    """

    key: str
    name: str
    ags: str = ""
    inhabitants: int | None = None
    employees: int | None = None
    isb: Mapping[str, str] = field(default_factory=dict)
    disclosure: str = "aggregate"
    catalog: str | None = None
    classification: str = DEFAULT_CLASSIFICATION

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> "CountyProfile":
        known = cls.__dataclass_fields__
        values = {k: v for k, v in data.items() if k in known}
        if "isb" in values:
            values["isb"] = {str(k): str(v) for k, v in (values["isb"] or {}).items()}
        for name in ("key", "name", "ags", "disclosure", "classification"):
            if values.get(name) is not None:
                values[name] = str(values[name])
        if values.get("catalog") is not None:
            values["catalog"] = str(values["catalog"])
        if not values.get("key") or not values.get("name"):
            raise PluginError("Landkreisprofil ohne 'key' oder 'name'.")
        if values.get("disclosure", "aggregate") not in DISCLOSURE_POLICIES:
            raise PluginError(
                f"Landkreis {values['key']}: Offenlegung '{values['disclosure']}' unbekannt "
                f"(erlaubt: {', '.join(DISCLOSURE_POLICIES)})."
            )
        return cls(**values)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "ags": self.ags,
            "inhabitants": self.inhabitants,
            "employees": self.employees,
            "isb": dict(self.isb),
            "disclosure": self.disclosure,
            "catalog": self.catalog,
            "classification": self.classification,
        }


@dataclass(frozen=True)
class County:
    """A registered county: its profile, its data directory and the plugin that brought it."""

    profile: CountyProfile
    data_dir: Path
    plugin: str

    @property
    def key(self) -> str:
        return self.profile.key

    @property
    def profile_path(self) -> Path:
        return self.data_dir / PROFILE_FILE

    @property
    def targets_path(self) -> Path:
        return self.data_dir / TARGETS_FILE

    @property
    def records_path(self) -> Path:
        return self.data_dir / RECORDS_FILE

    @property
    def journal_path(self) -> Path:
        return self.data_dir / JOURNAL_FILE


def load_counties(pm: Any, workspace: Any = None) -> dict[str, County]:
    """Every county contributed through ``ikz_register_counties``, keyed by county key.

    With a workspace, counties it lists as members come first, in member order. Duplicate
    keys and invalid profiles are recorded as plugin failures (``pm.failures``).
    """
    counties: dict[str, County] = {}

    def register(profile, data_dir, *, plugin):
        if isinstance(profile, Mapping):
            profile = CountyProfile.from_mapping(profile)
        if not isinstance(profile, CountyProfile):
            raise PluginError("register(profile, data_dir): profile muss ein CountyProfile sein.")
        if profile.key in counties:
            raise PluginError(
                f"Landkreis '{profile.key}' ist bereits registriert "
                f"(von {counties[profile.key].plugin})."
            )
        counties[profile.key] = County(profile, Path(data_dir), plugin)

    pm.contribute("ikz_register_counties", register)
    if workspace is None:
        return counties
    members = [m for m in workspace.members if m in counties]
    ordered = {key: counties[key] for key in members}
    ordered.update({k: v for k, v in counties.items() if k not in ordered})
    return ordered


def read_profile(data_dir: Path) -> CountyProfile:
    """Read and validate ``landkreis.yaml``; problems raise InputError with file and line."""
    from .schemas import load_validated
    from .store import plain

    document = load_validated(data_dir / PROFILE_FILE, "landkreis")
    return CountyProfile.from_mapping(plain(document))


def county_plugin(data_dir: str | Path) -> Callable[..., None]:
    """The ``ikz_register_counties`` hook implementation for a county plugin's data folder."""
    from .hookspecs import hookimpl

    data_dir = Path(data_dir)

    @hookimpl
    def ikz_register_counties(register):
        try:
            profile = read_profile(data_dir)
        except InputError as exc:
            raise PluginError(str(exc)) from None
        register(profile, data_dir)

    return ikz_register_counties


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})


def slugify(name: str) -> str:
    """County key from its name: ``Eifelkreis Bitburg-Prüm`` → ``eifelkreis-bitburg-pruem``."""
    text = name.translate(_UMLAUTS).lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return re.sub(r"^(landkreis|kreis)-", "", text)
