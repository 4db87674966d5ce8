"""Every path of the workspace layout, in one place.

A workspace (normally the Verbund's git repository)::

    ikz-isms.yaml                 configuration: Verbund, members, pinned catalogs, plugins
    catalogs/                     pinned catalogs (OSCAL JSON) and shared procurement data
        vertraege/*.yaml          framework contracts (+ rechtliche-kennzahlen.yaml)
        vorlagen/*.yaml           tender templates
        bewertungen/*.yaml        shared reviews ("Einer für Alle")
    vergaben/<name>/vergabe.yaml  tender projects
    plugins/<folder>/data/        one county per folder (a data folder is a county)
    .ikz-cache/                   derived caches (never the truth; safe to delete)

A county's data folder::

    landkreis.yaml                profile
    zielobjekte.yaml              structure analysis, protection needs, modelling
    pruefungen/<ZIELOBJEKT>.yaml  the IT-Grundschutz-Check, one file per target object
    pruefungen.yaml               (older layout: all records in one file; migrated on write)
    plan.yaml                     Realisierungsplan
    journal.jsonl                 hash-chained change journal
    .ikz-transaktion.json         a write in progress (completed by the next run)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CONFIG_NAME = "ikz-isms.yaml"
CACHE_DIR = ".ikz-cache"

PROFILE_FILE = "landkreis.yaml"
TARGETS_FILE = "zielobjekte.yaml"
RECORDS_DIR = "pruefungen"
LEGACY_RECORDS_FILE = "pruefungen.yaml"
PLAN_FILE = "plan.yaml"
JOURNAL_FILE = "journal.jsonl"
TRANSACTION_FILE = ".ikz-transaktion.json"
COUNTY_LOCK_NAME = "ikz-landkreis"
COUNTY_DATA_DIR = "data"
TENDER_FILE = "vergabe.yaml"
LEGAL_FIGURES_FILE = "rechtliche-kennzahlen.yaml"


@dataclass(frozen=True)
class CountyLayout:
    """The files of one county's data folder."""

    data_dir: Path

    @property
    def profile(self) -> Path:
        return self.data_dir / PROFILE_FILE

    @property
    def targets(self) -> Path:
        return self.data_dir / TARGETS_FILE

    @property
    def records_dir(self) -> Path:
        return self.data_dir / RECORDS_DIR

    @property
    def legacy_records(self) -> Path:
        return self.data_dir / LEGACY_RECORDS_FILE

    def records_file(self, target_id: str) -> Path:
        """The file holding the check records of one target object."""
        return self.records_dir / f"{target_id}.yaml"

    @property
    def plan(self) -> Path:
        return self.data_dir / PLAN_FILE

    @property
    def journal(self) -> Path:
        return self.data_dir / JOURNAL_FILE

    @property
    def transaction(self) -> Path:
        return self.data_dir / TRANSACTION_FILE

    @property
    def lock(self) -> Path:
        """What the county lock is taken on: one lock for all files of the county."""
        return self.data_dir / COUNTY_LOCK_NAME


@dataclass(frozen=True)
class WorkspaceLayout:
    """The paths of one workspace."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def catalogs_dir(self) -> Path:
        return self.root / "catalogs"

    def catalog_file(self, name: str) -> Path:
        return self.catalogs_dir / f"{name}.json"

    @property
    def contracts_dir(self) -> Path:
        return self.catalogs_dir / "vertraege"

    @property
    def legal_figures(self) -> Path:
        return self.contracts_dir / LEGAL_FIGURES_FILE

    @property
    def templates_dir(self) -> Path:
        return self.catalogs_dir / "vorlagen"

    @property
    def reviews_dir(self) -> Path:
        return self.catalogs_dir / "bewertungen"

    def review_file(self, review_id: str) -> Path:
        return self.reviews_dir / f"{review_id}.yaml"

    @property
    def tenders_dir(self) -> Path:
        return self.root / "vergaben"

    def tender_file(self, name: str) -> Path:
        return self.tenders_dir / name / TENDER_FILE

    @property
    def plugins_dir(self) -> Path:
        return self.root / "plugins"

    def county_folder(self, folder: str) -> Path:
        """The data folder of a county plugin folder ``plugins/<folder>/``."""
        return self.plugins_dir / folder / COUNTY_DATA_DIR

    @property
    def cache_dir(self) -> Path:
        return self.root / CACHE_DIR

    def cache_file(self, *parts: str) -> Path:
        return self.cache_dir.joinpath(*parts)

    def relative(self, path: Path | str) -> str:
        """``path`` relative to the workspace root where it lies inside, else as given."""
        candidate = Path(path)
        try:
            return candidate.resolve().relative_to(self.root.resolve()).as_posix()
        except (ValueError, OSError):
            return str(path)
