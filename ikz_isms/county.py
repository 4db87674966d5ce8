"""Counties (Landkreise): the profile type, the registry fed by county plugins, the plugin helper.

A county needs no Python: a folder ``plugins/<name>/data/`` (or ``plugins/<name>/``) with a
``landkreis.yaml`` is a county of the workspace (found by the built-in plugin
:mod:`ikz_isms.county_folders`). An installed county plugin (a little distribution with an
entry point) registers its data folder with three lines::

    from pathlib import Path
    from ikz_isms.county import county_plugin
    ikz_register_counties = county_plugin(Path(__file__).resolve().parents[2] / "data")

and counts in a workspace only where the data folder lies inside it or the workspace's
``ikz-isms.yaml`` names the plugin under ``plugins.installed``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError, PluginError
from .store.layout import CountyLayout

if TYPE_CHECKING:
    from .plugins import IkzPluginManager
    from .store import Store
    from .workspace import Workspace

DISCLOSURE_POLICIES = ("none", "aggregate", "full")
#: what a county may add to its policy: ``requirement_ids`` (aggregate: the ids of its open
#: requirements, counted in shared gaps without its name), ``free_text`` (full: the records'
#: statement, responsible, evidence and reason)
DISCLOSURE_EXTRAS = ("requirement_ids", "free_text")
DEFAULT_CLASSIFICATION = "VS – NUR FÜR DEN DIENSTGEBRAUCH"


@dataclass(frozen=True)
class CountyProfile:
    """What a county (Landkreis) tells about itself; ``disclosure`` governs the Verbund view.

    ``disclosure``: ``none`` (only that it takes part, and on which catalog), ``aggregate``
    (figures per approach, layer/practice and status, trend) or ``full`` (figures, its
    open requirements by name, its records without free text); ``disclosure_allow`` adds
    what the policy alone withholds (:data:`DISCLOSURE_EXTRAS`). ``catalog`` names the
    workspace's pinned catalog the county assesses against (``None``: the workspace default).
    """

    key: str
    name: str
    ags: str = ""
    inhabitants: int | None = None
    employees: int | None = None
    isb: Mapping[str, str] = field(default_factory=dict)
    disclosure: str = "aggregate"
    disclosure_allow: tuple[str, ...] = ()
    catalog: str | None = None
    classification: str = DEFAULT_CLASSIFICATION

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> "CountyProfile":
        known = cls.__dataclass_fields__
        values: dict[str, Any] = {k: v for k, v in data.items() if k in known}
        if "isb" in values:
            values["isb"] = {str(k): str(v) for k, v in (values["isb"] or {}).items()}
        for name in ("key", "name", "ags", "disclosure", "classification"):
            if values.get(name) is not None:
                values[name] = str(values[name]).strip()
        if values.get("catalog") is not None:
            values["catalog"] = str(values["catalog"])
        values["disclosure_allow"] = tuple(sorted({str(v) for v in values.get("disclosure_allow") or ()}))
        unknown = [v for v in values["disclosure_allow"] if v not in DISCLOSURE_EXTRAS]
        if unknown:
            raise PluginError(
                f"Landkreis {values.get('key')}: disclosure_allow '{unknown[0]}' unbekannt "
                f"(erlaubt: {', '.join(DISCLOSURE_EXTRAS)})."
            )
        if not values.get("key") or not values.get("name"):
            raise PluginError("Landkreisprofil ohne 'key' oder 'name'.")
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,62}", values["key"]):
            raise PluginError(f"Landkreis-Schlüssel '{values['key']}' ungültig (a-z, 0-9, Bindestrich, höchstens 63 Zeichen).")
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
            "disclosure_allow": list(self.disclosure_allow),
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
    def name(self) -> str:
        return self.profile.name

    @property
    def layout(self) -> CountyLayout:
        return CountyLayout(self.data_dir)

    @property
    def profile_path(self) -> Path:
        return self.layout.profile

    @property
    def targets_path(self) -> Path:
        return self.layout.targets

    @property
    def records_dir(self) -> Path:
        return self.layout.records_dir

    @property
    def plan_path(self) -> Path:
        return self.layout.plan

    @property
    def journal_path(self) -> Path:
        return self.layout.journal


def collect_counties(pm: IkzPluginManager, workspace: Workspace | None = None) -> tuple[dict[str, County], list[County]]:
    """(counted, foreign): every county contributed through ``ikz_register_counties``.

    ``counted`` are the counties of the workspace (data folder inside it, or plugin named
    under ``plugins.installed``), members first in member order; ``foreign`` the others
    (installed elsewhere). Duplicate keys and invalid profiles become plugin failures.
    """
    counties: dict[str, County] = {}

    def register(profile: CountyProfile | Mapping[str, Any], data_dir: str | os.PathLike[str], *, plugin: str) -> None:
        if isinstance(profile, Mapping):
            profile = CountyProfile.from_mapping(profile)
        if not isinstance(profile, CountyProfile):
            raise PluginError("register(profile, data_dir): profile muss ein CountyProfile sein.")
        directory = Path(data_dir)
        existing = counties.get(profile.key)
        if existing is not None:
            if _same_dir(existing.data_dir, directory):
                return
            raise PluginError(
                f"Landkreis '{profile.key}' ist bereits registriert (von {existing.plugin}, {existing.data_dir})."
            )
        counties[profile.key] = County(profile, directory, plugin)

    pm.contribute("ikz_register_counties", register, workspace=workspace)
    if workspace is None:
        return counties, []
    installed = set(workspace.installed_plugins)
    counted: dict[str, County] = {}
    foreign: list[County] = []
    for key, county in counties.items():
        if county.plugin in installed or _inside(county.data_dir, workspace.root):
            counted[key] = county
        else:
            foreign.append(county)
    ordered = {key: counted[key] for key in workspace.members if key in counted}
    ordered.update({k: v for k, v in counted.items() if k not in ordered})
    return ordered, foreign


def load_counties(pm: IkzPluginManager, workspace: Workspace | None = None) -> dict[str, County]:
    """The workspace's counties (see :func:`collect_counties`); kept for plugin code."""
    return collect_counties(pm, workspace)[0]


def _same_dir(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a == b


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(Path(root).resolve())
    except (ValueError, OSError):
        return False
    return True


def read_profile(data_dir: Path, store: Store | None = None) -> CountyProfile:
    """Read and validate ``landkreis.yaml``; problems raise InputError with file and line."""
    from .store import Store

    store = store or Store(None)
    path = CountyLayout(Path(data_dir)).profile
    parsed = store.parse(path, "landkreis")
    try:
        return CountyProfile.from_mapping(parsed.data)
    except PluginError as exc:
        raise InputError(exc.message, path=str(path)) from None


def county_plugin(data_dir: str | Path) -> Callable[..., None]:
    """The ``ikz_register_counties`` hook implementation for a county plugin's data folder."""
    from .hookspecs import hookimpl

    folder = Path(data_dir)

    @hookimpl
    def ikz_register_counties(register: Callable[..., None]) -> None:
        try:
            profile = read_profile(folder)
        except InputError as exc:
            raise PluginError(str(exc)) from None
        register(profile, folder)

    return ikz_register_counties


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})


def slugify(name: str) -> str:
    """County key from its name: ``Eifelkreis Bitburg-Prüm`` → ``eifelkreis-bitburg-pruem``."""
    text = name.translate(_UMLAUTS).lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return re.sub(r"^(landkreis|kreis)-", "", text)[:63].strip("-")
