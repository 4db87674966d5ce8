"""Every path of the workspace layout, in one place.

A workspace (normally the Verbund's git repository)::

    ikz-isms.yaml                 configuration: Verbund, members, pinned catalogs, plugins
    catalogs/                     pinned catalogs (OSCAL JSON) and shared procurement data
        vertraege/*.yaml          framework contracts (+ rechtliche-kennzahlen.yaml)
        vorlagen/*.yaml           tender templates
        bewertungen/*.yaml        shared reviews ("Einer für Alle")
        zentren/<id>/zentrum.yaml a shared service centre: cost centres, members, yearly plans
        zentren/<id>/stunden-<JJJJ>.yaml  its actual hours of a year
        notfall/vereinbarungen.yaml  mutual-aid agreements between members (emergency planning)
        notfall/uebungen.yaml     joint emergency exercises and their follow-ups
    vergaben/<name>/vergabe.yaml  tender projects
    plugins/<folder>/data/        one county per folder (a data folder is a county)
    offenlegung/<KEY>.json        signed disclosure packages of counties that keep their data
                                  in their own workspace (federated Verbund)
    .ikz-cache/                   derived caches (never the truth; safe to delete)

A county's data folder::

    landkreis.yaml                profile
    zielobjekte.yaml              structure analysis, protection needs, modelling
    pruefungen/<ZIELOBJEKT>.yaml  the IT-Grundschutz-Check, one file per target object
    pruefungen.yaml               (older layout: all records in one file; migrated on write)
    plan.yaml                     Realisierungsplan
    risiken.yaml                  risk register (risk analysis after BSI-Standard 200-3)
    notfall.yaml                  BIA, recovery plans, alarm and escalation plan (BSI-Standard 200-4)
    vorfaelle.yaml                security incidents
    journal.jsonl                 hash-chained change journal
    .ikz-transaktion.json         a write in progress (completed by the next run)
    archiv/<VORGANG>/             what a catalog upgrade or migration replaced: vorgang.yaml,
                                  the record files as they were, entfernt.yaml (records
                                  without successor, with their journal history)
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
ARCHIVE_DIR = "archiv"
ARCHIVE_INDEX = "vorgang.yaml"
ARCHIVE_REMOVED = "entfernt.yaml"
COUNTY_LOCK_NAME = "ikz-landkreis"
COUNTY_DATA_DIR = "data"
TENDER_FILE = "vergabe.yaml"
PACKAGES_DIR = "offenlegung"
PACKAGE_SUFFIX = ".json"
LEGAL_FIGURES_FILE = "rechtliche-kennzahlen.yaml"
CENTRES_DIR = "zentren"
CENTRE_FILE = "zentrum.yaml"
RISKS_FILE = "risiken.yaml"
CONTINUITY_FILE = "notfall.yaml"
INCIDENTS_FILE = "vorfaelle.yaml"
EMERGENCY_DIR = "notfall"
AGREEMENTS_FILE = "vereinbarungen.yaml"
EXERCISES_FILE = "uebungen.yaml"


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
    def risks(self) -> Path:
        """The risk register (``risiken.yaml``)."""
        return self.data_dir / RISKS_FILE

    @property
    def continuity(self) -> Path:
        """BIA, recovery plans, alarm and escalation plan (``notfall.yaml``)."""
        return self.data_dir / CONTINUITY_FILE

    @property
    def incidents(self) -> Path:
        """The register of security incidents (``vorfaelle.yaml``)."""
        return self.data_dir / INCIDENTS_FILE

    @property
    def journal(self) -> Path:
        return self.data_dir / JOURNAL_FILE

    @property
    def transaction(self) -> Path:
        return self.data_dir / TRANSACTION_FILE

    @property
    def archive_dir(self) -> Path:
        """Where catalog upgrades and migrations keep what they replaced, one folder per change."""
        return self.data_dir / ARCHIVE_DIR

    def archive(self, change_id: str) -> Path:
        return self.archive_dir / change_id

    def archive_index(self, change_id: str) -> Path:
        return self.archive(change_id) / ARCHIVE_INDEX

    def archive_removed(self, change_id: str) -> Path:
        return self.archive(change_id) / ARCHIVE_REMOVED

    def archived_records(self, change_id: str, target_id: str) -> Path:
        """A record file as it was before the change."""
        return self.archive(change_id) / RECORDS_DIR / f"{target_id}.yaml"

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
    def namespaces_dir(self) -> Path:
        """BSI's namespace files (vocabularies such as target_object_categories.csv), if the Verbund keeps them."""
        return self.catalogs_dir / "namensraum"

    def namespace_file(self, name: str) -> Path:
        return self.namespaces_dir / name

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
    def centres_dir(self) -> Path:
        """Shared service centres, one folder each (``catalogs/zentren/<id>/``)."""
        return self.catalogs_dir / CENTRES_DIR

    def centre_file(self, centre_id: str) -> Path:
        return self.centres_dir / centre_id / CENTRE_FILE

    def centre_hours_file(self, centre_id: str, year: int) -> Path:
        """The actual hours a centre recorded in ``year``."""
        return self.centres_dir / centre_id / f"stunden-{year}.yaml"

    @property
    def emergency_dir(self) -> Path:
        """The Verbund's joint emergency planning (``catalogs/notfall/``)."""
        return self.catalogs_dir / EMERGENCY_DIR

    @property
    def agreements_file(self) -> Path:
        """Mutual-aid agreements between the members."""
        return self.emergency_dir / AGREEMENTS_FILE

    @property
    def exercises_file(self) -> Path:
        """Joint exercises (done and planned) with their follow-ups."""
        return self.emergency_dir / EXERCISES_FILE

    @property
    def tenders_dir(self) -> Path:
        return self.root / "vergaben"

    def tender_file(self, name: str) -> Path:
        return self.tenders_dir / name / TENDER_FILE

    @property
    def plugins_dir(self) -> Path:
        return self.root / "plugins"

    def packages_dir(self, folder: str | None = None) -> Path:
        """The folder of the members' disclosure packages (``verbund.packages`` in the config)."""
        return self.root / (folder or PACKAGES_DIR)

    def package_file(self, county: str, folder: str | None = None) -> Path:
        return self.packages_dir(folder) / f"{county}{PACKAGE_SUFFIX}"

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
