"""The application layer: one :class:`Session` per run owns the workspace, the plugins and the store.

Every use case is a documented method here. Commands — built-in and from plugins alike —
only parse options, call one method and render its typed result; the domain packages
(``assess``, ``procure``, ``tender``, ``catalog``) stay pure and never touch files; the
store (:mod:`ikz_isms.store`) is the only code that does. Whatever a command asks, it is
answered by the same computation on the same data read once per run.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import NotFoundError, UsageError

if TYPE_CHECKING:
    from ..assess import Assessment, CountyData
    from ..assess.plan import PlanView
    from ..assess.records import RecordChange
    from ..assess.reviews import Review
    from ..catalog.model import Catalog
    from ..county import County
    from ..editions import Edition, EditionRegistry
    from ..plugins import IkzPluginManager, PluginFailure
    from ..store import Store
    from ..workspace import CatalogPin, Workspace


class Session:
    """One run of ikz-isms: the workspace (if any), the plugin manager and the store.

    Results are computed once per run and shared by every question asked in it, so
    ``assess``, ``plan``, ``report`` and the Verbund view cannot disagree.
    """

    def __init__(self, workspace_dir: Path | None, pm: "IkzPluginManager | None" = None, *,
                 today: _dt.date | None = None, store: "Store | None" = None):
        from ..store import schema

        schema.new_run()  # which validator checks a document depends on how many this run checked
        self.workspace_dir = Path(workspace_dir) if workspace_dir is not None else None
        if store is None and self.workspace_dir is not None and pm is None:
            # (with a plugin manager given, the store is made when first asked: see ``store``)
            from ..store import Store

            store = Store(self.workspace_dir)
        if pm is None:
            from ..plugins import get_plugin_manager

            pm = get_plugin_manager(self.workspace_dir, store=store)
        self.pm = pm
        self._today = today
        self._workspace: "Workspace | None" = None
        self._store: "Store | None" = store
        self._editions: "EditionRegistry | None" = None
        self._counties: dict[str, "County"] | None = None
        self._foreign: list["County"] = []
        self._catalogs: dict[str, tuple["CatalogPin", "Catalog"]] = {}
        self._data: dict[str, "CountyData"] = {}
        self._assessments: dict[str, "Assessment"] = {}
        #: Verbund figures per county key computed ahead, in worker processes (:func:`ikz_isms.app.verbund.prefetch_figures`)
        self.figures: dict[str, dict[str, Any]] = {}
        #: each county's Verbund fingerprint, taken once per run before its files are read
        #: (:func:`ikz_isms.app.verbund.fingerprint`); forgotten when the county changes
        self.fingerprints: dict[str, dict[str, Any]] = {}
        self._reported_failures = 0
        self._reviews: dict[str, "Review"] | None = None
        self.warnings: list[str] = []
        self._reported_warnings = 0
        #: what commands are done with but the run keeps to its end (:meth:`keep`)
        self._kept: list[Any] = []

    def keep(self, value: Any) -> None:
        """Keep ``value`` alive to the end of the run instead of freeing it now.

        For a large tree a command is done with just before it ends (an imported catalog and
        its parsed document): taking it apart costs milliseconds that the console script's
        process never spends, as its end skips the interpreter's teardown
        (:func:`ikz_isms.cli._quick_end`). In a process that goes on, it goes with the session.
        """
        self._kept.append(value)

    # -- what the run works on -----------------------------------------------------------

    @property
    def today(self) -> _dt.date:
        """The run's date: ``SOURCE_DATE_EPOCH`` (reproducible outputs) if set, else the clock."""
        if self._today is None:
            self._today = clock_date()
        return self._today

    @property
    def has_workspace(self) -> bool:
        from ..workspace import find_workspace

        return self.workspace_dir is not None or find_workspace() is not None

    @property
    def workspace(self) -> "Workspace":
        """The loaded workspace; a clear error when there is none."""
        if self._workspace is None:
            from ..workspace import require_workspace

            self._workspace = require_workspace(self.workspace_dir, self.store if self.workspace_dir else None)
            if self._store is None or self._store.root != self._workspace.root:
                self._store = self._workspace.store
        return self._workspace

    @property
    def store(self) -> "Store":
        if self._store is None:
            from ..store import Store

            root = self.workspace_dir
            if root is None:
                from ..workspace import find_workspace

                root = find_workspace()
            self._store = Store(root)
        return self._store

    @property
    def editions(self) -> "EditionRegistry":
        if self._editions is None:
            from ..editions import collect

            self._editions = collect(self.pm.contribute)
        return self._editions

    def edition(self, catalog: "Catalog") -> "Edition":
        return self.editions.of(catalog)

    def workspace_changed(self) -> None:
        """Forget what was derived from the workspace after a command changed its config."""
        self._workspace = None
        self._counties = None
        self._catalogs.clear()
        self._data.clear()
        self._assessments.clear()
        self.figures.clear()
        self.fingerprints.clear()

    # -- counties ------------------------------------------------------------------------

    def counties(self) -> dict[str, "County"]:
        """The workspace's counties (members first, in member order), found once per run."""
        if self._counties is None:
            from ..county import collect_counties

            self._counties, self._foreign = collect_counties(self.pm, self.workspace)
        return self._counties

    @property
    def foreign_counties(self) -> list["County"]:
        """Counties of installed plugins that do not belong to this workspace."""
        self.counties()
        return list(self._foreign)

    def members(self) -> list["County"]:
        counties = self.counties()
        return [counties[key] for key in self.workspace.members if key in counties]

    def unread_counties(self) -> list[str]:
        """The messages of county folders whose data could not be read (no county registered for them)."""
        self.counties()
        return [f.message for f in self.pm.failures if f.hook == "ikz_register_counties"]

    def missing_members(self) -> list[str]:
        counties = self.counties()
        return [key for key in self.workspace.members if key not in counties]

    def county(self, key: str) -> "County":
        """One county by key; an unknown key names the known ones."""
        counties = self.counties()
        if key not in counties:
            known = ", ".join(counties) or "keine"
            # a county folder whose profile cannot be read registers no county: say which file, not only "unknown"
            unread = self.unread_counties()
            why = f"; nicht lesbar: {'; '.join(m.rstrip('.') for m in unread)}" if unread else ""
            raise NotFoundError(f"Landkreis '{key}' ist in dieser Arbeitsumgebung nicht registriert (bekannt: {known})"
                                f"{why}.")
        return counties[key]

    def select_counties(self, key: str | None = None) -> list["County"]:
        """The county named by ``key``, or every member county of the Verbund."""
        if key is not None:
            return [self.county(key)]
        return self.members()

    def one_county(self, key: str | None) -> "County":
        """The county a single-county command works on: ``key``, or the only member."""
        if key is not None:
            return self.county(key)
        members = self.members()
        if len(members) != 1:
            keys = ", ".join(c.key for c in members) or "keine"
            raise UsageError(f"Bitte den Landkreis mit --county angeben ({keys}).")
        return members[0]

    # -- catalogs ------------------------------------------------------------------------

    def catalog(self, name: str | None = None) -> tuple["CatalogPin", "Catalog"]:
        """(pin, catalog) of a pinned catalog, its content hash verified (once per run).

        The built model comes from the derived cache (:mod:`.catalog_cache`) when one was kept
        for exactly the pinned bytes; the hash of the file is checked first either way.
        """
        from ..catalog import load_catalog
        from . import catalog_cache
        from .catalogs import mismatch_error, pin_problem

        pin = self.workspace.pin(name)
        if pin.name not in self._catalogs:
            problem = pin_problem(self, pin)
            if problem is not None:
                raise mismatch_error(self, pin, problem[1])
            catalog = catalog_cache.cached(self, pin)
            if catalog is None:
                catalog = load_catalog(self.workspace.catalog_path(pin), self.pm)
                catalog_cache.remember(self, pin, catalog)
            self.edition(catalog)
            self._catalogs[pin.name] = (pin, catalog)
        return self._catalogs[pin.name]

    def county_catalog(self, county: "County") -> tuple["CatalogPin", "Catalog"]:
        pin = self.workspace.county_pin(county.key, county.profile.catalog, county.profile_path)
        return self.catalog(pin.name)

    # -- the IT-Grundschutz-Check --------------------------------------------------------

    def county_data(self, county: "County") -> "CountyData":
        """The county's structure analysis and check records, validated (once per run)."""
        from .counties import load_county_data

        if county.key not in self._data:
            self._data[county.key] = load_county_data(self, county)
        return self._data[county.key]

    def assessment(self, county: "County") -> "Assessment":
        """The county's data modelled onto its pinned catalog: what every figure is computed from."""
        from ..assess import assess_county

        if county.key not in self._assessments:
            pin, catalog = self.county_catalog(county)
            self._assessments[county.key] = assess_county(self.county_data(county), catalog, pin, self.edition(catalog))
        return self._assessments[county.key]

    def set_records(self, county: "County", changes: Sequence["RecordChange"], *, actor: str,
                    assessment: "Assessment | None" = None) -> list[tuple[dict[str, Any] | None, dict[str, Any]]]:
        """Set check records (one transaction with their journal entries); returns (old, new) each.

        ``assessment``: the county's modelling the caller already holds (its records may be partial;
        only the structure is used to judge the changes)."""
        from .records import set_records

        result = set_records(self, county, list(changes), actor=actor, assessment=assessment)
        self.county_changed(county)
        return result

    def county_changed(self, county: "County") -> None:
        self._data.pop(county.key, None)
        self._assessments.pop(county.key, None)
        self.figures.pop(county.key, None)
        self.fingerprints.pop(county.key, None)

    def holds_county(self, county: "County") -> bool:
        """Whether the county's data is already read in this run."""
        return county.key in self._data

    def release_county(self, county: "County") -> None:
        """Forget the county's data, assessment and parsed files (they are read again if asked).

        Verbund-wide outputs need each county once: they compute its figures and let its
        records go, so a run holds one county's data at a time, not all of them.
        """
        data = self._data.pop(county.key, None)
        self._assessments.pop(county.key, None)
        if self._store is None:
            return
        layout = county.layout
        self._store.forget_all([layout.targets, layout.legacy_records, layout.plan,
                                *(data.records.files if data is not None else ())])

    def plan_view(self, county: "County", as_of: _dt.date | None = None) -> "PlanView":
        """The county's Realisierungsplan as every output shows it (plan, report, exports)."""
        from .plans import plan_view

        return plan_view(self, county, as_of or self.today)

    # -- shared reviews ------------------------------------------------------------------

    def reviews(self) -> dict[str, "Review"]:
        """Every shared review of the workspace by id (read once per run)."""
        from .reviews import load_reviews

        if self._reviews is None:
            self._reviews = load_reviews(self)
        return self._reviews

    def forget_reviews(self) -> None:
        self._reviews = None

    # -- messages and plugin failures ------------------------------------------------------

    def warn(self, message: str) -> None:
        """A warning for the user (German); the CLI prints each once on stderr."""
        if message not in self.warnings:
            self.warnings.append(message)

    def new_warnings(self) -> list[str]:
        fresh = self.warnings[self._reported_warnings:]
        self._reported_warnings = len(self.warnings)
        return fresh

    def new_failures(self) -> list["PluginFailure"]:
        """Plugin failures not yet shown (each once per run)."""
        fresh = self.pm.failures[self._reported_failures:]
        self._reported_failures = len(self.pm.failures)
        return list(fresh)


def clock_date() -> _dt.date:
    """Today, or the day of ``SOURCE_DATE_EPOCH`` when it is set (reproducible outputs)."""
    from ..errors import InputError

    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if raw:
        try:
            epoch = int(raw)
            return _dt.datetime.fromtimestamp(epoch, _dt.UTC).date()
        except (ValueError, OverflowError, OSError):
            raise InputError(f"SOURCE_DATE_EPOCH '{raw}' ist keine gültige Zahl von Sekunden seit 1970.") from None
    return _dt.date.today()
