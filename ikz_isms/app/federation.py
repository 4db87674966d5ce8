"""The federated Verbund: members' disclosure packages, read and verified; one list of members for every Verbund-wide output.

A member county is seen in one of two ways:

* **lokal** — its data folder lies in this workspace (single-repository mode, or a county
  workspace looking at itself). Its package is built in memory from its data, under its
  policy (:func:`ikz_isms.app.disclosure.county_payload`); everyone with access to the
  repository still sees its raw data, which the outputs say.
* **paket** — its data stays in its own workspace; this workspace holds its signed
  disclosure package ``offenlegung/<key>.json``. The package is used only when it
  verifies: valid shape, the county named is the file's, signed by the public key in
  ``verbund.keys``, on a catalog pin this workspace knows (same content hash), published
  no later than today and no earlier than ``verbund.package_max_age_days`` days ago.
  Otherwise the member is listed as refused with the reason.

Everything Verbund-wide (``assess --verbund``, ``report verbund``, ``tender
opportunities``, ``verbund verify``, ``check``) takes its members from :func:`members`.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError

if TYPE_CHECKING:
    from ..county import CountyProfile
    from .session import Session

SOURCE_LOCAL = "lokal"
SOURCE_PACKAGE = "paket"


@dataclass
class Member:
    """One member county as the Verbund sees it: its package payload, or why there is none."""

    key: str
    name: str
    source: str | None  # "lokal", "paket", or None when there is neither data nor a package
    payload: dict[str, Any] | None = None
    problems: list[str] = field(default_factory=list)
    file: str | None = None

    @property
    def usable(self) -> bool:
        return self.payload is not None and not self.problems

    @property
    def policy(self) -> str:
        return str(self.payload["disclosure"]["policy"]) if self.payload else "none"

    @property
    def allow(self) -> tuple[str, ...]:
        return tuple(self.payload["disclosure"]["allow"]) if self.payload else ()

    def profile(self) -> "CountyProfile":
        """A profile carrying what the package says (name, policy, public facts)."""
        from ..county import CountyProfile

        county = (self.payload or {}).get("county") or {}
        return CountyProfile(
            key=self.key, name=self.name, ags=county.get("ags") or "", inhabitants=county.get("inhabitants"),
            employees=county.get("employees"), disclosure=self.policy, disclosure_allow=self.allow,
        )

    def as_dict(self) -> dict[str, Any]:
        payload = self.payload or {}
        return {
            "county": self.key, "name": self.name, "source": self.source, "file": self.file,
            "policy": self.policy if self.payload else None, "published": payload.get("published"),
            "state_date": payload.get("state_date"), "catalog": payload.get("catalog"),
            "journal": payload.get("journal"), "verified": self.usable, "problems": list(self.problems),
        }


@dataclass(frozen=True)
class PackageJob:
    """What verifying one package needs — plain values, so a worker process can do it."""

    key: str
    path: str
    trusted: str | None
    pins: frozenset[str]
    max_age_days: int
    today: _dt.date


def read_package(path: Path) -> tuple[dict[str, Any] | None, list[str]]:
    """The parsed, schema-valid package document at ``path``, or the reasons it cannot be read."""
    from ..store import Store

    try:
        parsed = Store(None).parse(path, "package")
    except InputError as exc:
        where = f" ({exc.location})" if exc.location else ""
        return None, [f"Paket nicht lesbar{where}: {exc.message}"]
    document: dict[str, Any] = parsed.data
    return document, []


def verify_document(job: PackageJob, document: dict[str, Any]) -> list[str]:
    """Every reason the package must not be used (empty: it verifies)."""
    from .signing import verify

    key = job.key
    payload = document["payload"]
    problems = []
    named = payload["county"]["key"]
    if named != key:
        problems.append(f"Paket gehört zu Landkreis '{named}', liegt aber als Paket von '{key}' ab")
    if job.trusted is None:
        problems.append(f"kein öffentlicher Schlüssel für '{key}' hinterlegt (ikz-isms verbund trust {key} "
                        "ed25519:… mit dem Schlüssel, den der Landkreis mit 'ikz-isms keys show' ausgibt)")
    else:
        reason = verify(job.trusted, payload, document["signature"])
        if reason:
            problems.append(reason)
    sha = payload["catalog"]["sha256"]
    if sha not in job.pins:
        problems.append(f"Katalogstand {payload['catalog'].get('name')} (sha256 {sha[:12]}) ist in dieser "
                        "Arbeitsumgebung nicht eingetragen – denselben Katalog mit 'ikz-isms catalog import' "
                        "übernehmen oder den Landkreis bitten, auf einem eingetragenen Stand zu veröffentlichen")
    published = _dt.date.fromisoformat(payload["published"][:10])
    age = (job.today - published).days
    if age < -1:
        problems.append(f"Erstellungsdatum {published.isoformat()} liegt in der Zukunft")
    elif age > job.max_age_days:
        problems.append(f"veraltet: veröffentlicht am {published.isoformat()}, vor {age} Tagen "
                        f"(höchstens {job.max_age_days} Tage, verbund.package_max_age_days)")
    return problems


def check_package(job: PackageJob) -> tuple[str, dict[str, Any] | None, list[str]]:
    """(name, payload without its records table, problems) of one package file.

    The records are verified with the rest (they are signed) and then dropped: no Verbund
    view needs them, and 294 record tables would cost hundreds of MiB.
    """
    document, problems = read_package(Path(job.path))
    if document is None:
        return job.key, None, problems
    payload = document["payload"]
    problems = verify_document(job, document)
    # a package that names another county does not get to name this member either
    name = str(payload["county"]["name"]) if payload["county"]["key"] == job.key else job.key
    if payload.get("records"):
        payload["records"] = {"columns": payload["records"]["columns"], "rows": len(payload["records"]["rows"])}
    return name, payload, problems


PACKAGE_CACHE_FORMAT = 1
#: from this many packages on, a cold run verifies them in worker processes (one per core)
PARALLEL_FROM = 48


def _job(session: "Session", key: str, today: _dt.date) -> PackageJob:
    workspace = session.workspace
    return PackageJob(key, str(workspace.package_file(key)), workspace.county_keys.get(key),
                      frozenset(pin.sha256 for pin in workspace.pins.values()), workspace.package_max_age_days, today)


def _fingerprint(job: PackageJob) -> list[Any]:
    """Everything a package's verdict depends on: the file's identity, the trusted key, the pins, the day."""
    from .. import __version__
    from ..store import fs

    return [PACKAGE_CACHE_FORMAT, __version__, list(fs.stat_key(Path(job.path)) or ()), job.trusted,
            sorted(job.pins), job.max_age_days, job.today.isoformat()]


def _cache_file(session: "Session", key: str) -> Path:
    return session.workspace.layout.cache_file("pakete", f"{key}.json")


def _cached(session: "Session", job: PackageJob) -> Member | None:
    import orjson

    from ..store import fs

    content = session.store.read_cache(_cache_file(session, job.key), 64 * fs.MIB)
    try:
        cached = orjson.loads(content) if content is not None else None
    except orjson.JSONDecodeError:
        return None
    if not isinstance(cached, dict) or cached.get("fingerprint") != _fingerprint(job):
        return None
    relative = session.workspace.layout.relative(job.path)
    return Member(job.key, cached["name"], SOURCE_PACKAGE, payload=cached["payload"], problems=cached["problems"],
                  file=relative)


def _remember(session: "Session", job: PackageJob, name: str, payload: dict[str, Any] | None,
              problems: list[str]) -> Member:
    import contextlib

    import orjson

    from ..errors import IkzError

    if payload is not None:
        # a read-only checkout still gets its view, only without the cache
        with contextlib.suppress(IkzError):
            session.store.write_cache(_cache_file(session, job.key), orjson.dumps(
                {"fingerprint": _fingerprint(job), "name": name, "payload": payload, "problems": problems}))
    relative = session.workspace.layout.relative(job.path)
    return Member(job.key, name, SOURCE_PACKAGE, payload=payload, problems=problems, file=relative)


def package_members(session: "Session", keys: list[str], today: _dt.date) -> dict[str, Member]:
    """Members read from their packages (or listed without one), by key.

    A package's verdict and its payload (without the records table) are kept in
    ``.ikz-cache/pakete/<key>.json`` under a fingerprint of the package file's identity, the
    trusted key, the pins and the day; a warm run reads that instead of parsing and verifying
    again. Any change re-verifies; the cache is never the truth. A cold run with many
    packages verifies them in one worker process per core.
    """
    import os

    found: dict[str, Member] = {}
    todo = []
    for key in keys:
        job = _job(session, key, today)
        if not Path(job.path).exists():
            relative = session.workspace.layout.relative(job.path)
            # a county folder here whose profile could not be read is not "no data": say what cannot be read
            root = f"{session.workspace.root}{os.sep}"
            unread = [message.replace(root, "") for message in session.unread_counties()  # (paths as the workspace's)
                      if f"ikz-county-{key}" in message]
            found[key] = Member(key, key, None, file=relative,
                                problems=[f"Daten in dieser Arbeitsumgebung nicht lesbar: {unread[0]}"] if unread else
                                [f"weder Daten in dieser Arbeitsumgebung noch ein Paket {relative}"])
            continue
        member = _cached(session, job)
        if member is not None:
            found[key] = member
        else:
            todo.append(job)
    cores = os.cpu_count() or 1
    if len(todo) >= PARALLEL_FROM and cores > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
        with ProcessPoolExecutor(max_workers=min(cores, 8), mp_context=context) as pool:
            results = list(pool.map(check_package, todo, chunksize=max(1, len(todo) // (cores * 4))))
    else:
        results = [check_package(job) for job in todo]
    for job, (name, payload, problems) in zip(todo, results, strict=True):
        found[job.key] = _remember(session, job, name, payload, problems)
    return found


def package_member(session: "Session", key: str, today: _dt.date) -> Member:
    """One member read from its package."""
    return package_members(session, [key], today)[key]


def members(session: "Session", today: _dt.date, *, with_records: bool = False,
            progress: Callable[[int, int], None] | None = None) -> list[Member]:
    """Every member of the Verbund, in member order: local counties' packages built, others' read and verified."""
    import gc

    from .disclosure import county_payload
    from .verbund import prefetch_figures

    counties = session.counties()
    keys = session.workspace.members
    packaged = package_members(session, [k for k in keys if k not in counties], today)
    local = [counties[k] for k in keys if k in counties]
    if not with_records:
        prefetch_figures(session, [c for c in local if not session.holds_county(c)], today, progress=progress)
    found = []
    try:
        for index, key in enumerate(keys):
            county = counties.get(key)
            if county is not None:
                held = session.holds_county(county)
                payload = county_payload(session, county, with_records=with_records)
                if not held:
                    # one county's records at a time: its figures are in the payload now
                    session.release_county(county)
                found.append(Member(key, county.profile.name, SOURCE_LOCAL, payload=payload))
            else:
                found.append(packaged[key])
            # the payloads kept are acyclic and live to the end; freezing keeps full collections
            # from rescanning them (a cold run would grow faster than linearly)
            gc.freeze()
            if progress:
                progress(index + 1, len(keys))
    finally:
        gc.unfreeze()
    return found


def local_mode_note(found: list[Member]) -> str | None:
    """The plain statement of single-repository mode, when any member's raw data lies in this workspace."""
    local = sum(1 for m in found if m.source == SOURCE_LOCAL)
    if not local:
        return None
    which = "aller" if local == len(found) else f"von {local} der {len(found)}"
    return (
        f"Einzel-Repository-Modus: Die Daten {which} Landkreise liegen in dieser Arbeitsumgebung. Wer Zugriff "
        "auf das Repository hat, sieht alle ihre Prüfeinträge; die Offenlegung gilt nur für die "
        "Verbund-Auswertungen. Getrennte Daten: jeder Landkreis in eigener Arbeitsumgebung, im Verbund nur "
        "sein signiertes Paket ('ikz-isms publish', docs/federation.md)."
    )


def verify_all(session: "Session", today: _dt.date) -> list[Member]:
    """Every member read from a package, verified (local members are not packages and are left out)."""
    counties = session.counties()
    keys = [key for key in session.workspace.members if key not in counties]
    found = package_members(session, keys, today)
    return [found[key] for key in keys]


def open_gaps(found: list[Member], statuses: tuple[str, ...]) -> tuple[dict[str, set[str]], list[str]]:
    """Requirement id → member keys where it is open with one of ``statuses``, from ``full`` packages.

    Returns also the names of the members whose packages do not name their gaps (``aggregate``,
    ``none``, refused or missing): they are left out, never guessed.
    """
    gaps: dict[str, set[str]] = {}
    withheld = []
    for member in found:
        if not member.usable or member.policy != "full":
            withheld.append(member.name)
            continue
        figures = member.payload["figures"] if member.payload else None
        for rid, entry in ((figures or {}).get("open") or {}).items():
            if set(entry.get("statuses") or ()) & set(statuses):
                gaps.setdefault(rid, set()).add(member.key)
    return gaps, withheld


def compare_with_base(session: "Session", revision: str, found: list[Member]) -> dict[str, list[str]]:
    """Packages against the same files at a git revision: the journal must not shrink or change its past.

    A package carries the county's journal length and head. A newer package of the same county
    must have at least as many entries; with the same number, the same head; and it must not
    be older than the committed one. Returns the problems per county key.
    """
    import orjson

    from .gitbase import committed_file

    problems: dict[str, list[str]] = {}
    for member in found:
        if member.source != SOURCE_PACKAGE or member.payload is None or member.file is None:
            continue
        old_bytes = committed_file(session.workspace.root, revision, member.file)
        if old_bytes is None:
            continue
        try:
            old = orjson.loads(old_bytes)["payload"]
        except (orjson.JSONDecodeError, KeyError, TypeError):
            continue
        new = member.payload
        found_here = []
        old_journal, new_journal = old.get("journal") or {}, new.get("journal") or {}
        if old_journal and new_journal:
            if new_journal["entries"] < old_journal["entries"]:
                found_here.append(
                    f"Journal kürzer als in {revision}: {new_journal['entries']} statt {old_journal['entries']} "
                    "Einträge – Verlauf umgeschrieben oder gekürzt")
            elif new_journal["entries"] == old_journal["entries"] and new_journal.get("head") != old_journal.get("head"):
                found_here.append(f"Journal gleich lang wie in {revision}, aber mit anderem Kopf-Hash – Verlauf umgeschrieben")
        elif old_journal and not new_journal and new["disclosure"]["policy"] != "none":
            found_here.append(f"Paket nennt kein Journal mehr, in {revision} waren es {old_journal.get('entries')} Einträge")
        if str(new.get("published", "")) < str(old.get("published", "")):
            found_here.append(f"älter als das Paket in {revision} ({old.get('published')}) – Rückschritt")
        if found_here:
            problems[member.key] = found_here
    return problems


def member_profiles(session: "Session", today: _dt.date) -> dict[str, "CountyProfile"]:
    """The profile of every member: its own for local counties, what its verified package says for the others.

    Procurement needs names and public facts (inhabitants, employees) of all members, also
    of those whose data stays in their own workspace; a member without a usable package is
    left out (its name is in ``verbund verify``).
    """
    counties = session.counties()
    keys = session.workspace.members
    packaged = package_members(session, [k for k in keys if k not in counties], today)
    profiles = {}
    for key in keys:
        if key in counties:
            profiles[key] = counties[key].profile
        elif packaged[key].usable:
            profiles[key] = packaged[key].profile()
    return profiles
