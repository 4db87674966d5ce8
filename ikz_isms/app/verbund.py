"""The Verbund view's use case: each county's figures (through a derived cache), then the combined view.

The derived cache ``.ikz-cache/verbund/<key>.json`` holds the figures of
:func:`ikz_isms.assess.verbund.county_figures` and the fingerprint of everything they were
computed from: size, modification time (ns) and inode of the county's target objects,
every record file and the journal; the catalog pin's content hash and its file's identity;
the current quarter (the trend ends there); the package version and the figures format.
Any difference recomputes the county; the cache is never the truth.

On top, ``.ikz-cache/verbund-ansicht/`` keeps the whole view under :func:`view_key` (a warm
run of 294 counties then costs their fingerprints, not 294 figure files). Figures missing from
the cache are computed ahead in worker processes (:func:`prefetch_figures`), and a county's
records are let go once its figures are computed, so memory grows with the figures, not the data.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import hmac
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import IkzError, RefusedError

if TYPE_CHECKING:
    from ..county import County
    from .session import Session

ENV_PSEUDONYM_KEY = "IKZ_ISMS_PSEUDONYM_KEY"


def fingerprint(session: "Session", county: "County", today: _dt.date,
                catalogs: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything the county's figures are computed from, as identities (see the module's docstring).

    Taken once per run and county (``session.fingerprints``, forgotten when the county changes):
    the view's key (:func:`view_key`), the check of the county's cache and the stamp its new
    figures are kept under all use the identities seen before any of its files was read, so a
    file changed during the run can only make the next run compute again, never hide the change.
    ``catalogs``: the catalog files' identities by pin, when many counties are fingerprinted at once.
    """
    from .. import __version__
    from ..assess.verbund import FIGURES_FORMAT, quarter_label
    from ..store import fs

    kept = session.fingerprints.get(county.key)
    if kept is not None and kept["quarter"] == quarter_label(today):
        return kept

    layout = county.layout
    pin = session.workspace.pin(county.profile.catalog)
    if catalogs is not None and pin.name in catalogs:
        catalog = catalogs[pin.name]
    else:
        catalog = fs.stat_key(session.workspace.catalog_path(pin))
        if catalogs is not None:
            catalogs[pin.name] = catalog
    files = {"zielobjekte": fs.stat_key(layout.targets), "journal": fs.stat_key(layout.journal),
             "legacy": fs.stat_key(layout.legacy_records), "plan": fs.stat_key(layout.plan)}
    for name, identity in fs.identities(layout.records_dir, (".yaml",)).items():
        files[f"pruefungen/{name}"] = identity
    stamp = {
        "format": FIGURES_FORMAT,
        "version": __version__,
        "quarter": quarter_label(today),
        "catalog": [pin.name, pin.sha256, *(catalog[:2] if catalog else [])],
        "files": {k: list(v) if v else None for k, v in files.items()},
    }
    session.fingerprints[county.key] = stamp
    return stamp


def county_figures(session: "Session", county: "County", today: _dt.date) -> dict[str, Any]:
    """The county's Verbund figures, from the cache when its fingerprint still matches."""
    import orjson

    from ..assess.verbund import county_figures as compute
    from ..store import fs
    from .journals import read_journal

    ahead = session.figures.get(county.key)
    if ahead is not None:
        # computed ahead this run (prefetch_figures); the pin is checked here, as for a cached county
        session.county_catalog(county)
        return ahead
    target = session.workspace.layout.cache_file("verbund", f"{county.key}.json")
    stamp = fingerprint(session, county, today)
    content = session.store.read_cache(target, 64 * fs.MIB)
    try:
        cached = orjson.loads(content) if content is not None else None
    except orjson.JSONDecodeError:
        cached = None
    if isinstance(cached, dict) and cached.get("fingerprint") == stamp:
        # a cached county still has its pin checked: the cache must never hide a changed catalog
        session.county_catalog(county)
        figures: dict[str, Any] = cached["figures"]
        return figures
    store = session.store
    parsed_cache, store.disk_cache = store.disk_cache, False
    try:
        # these figures are the county's derived cache: a parsed copy of each file would only cost
        assessment = session.assessment(county)
    finally:
        store.disk_cache = parsed_cache
    read = read_journal(session, county)
    entries = read.entries if read else []
    intact = read is not None and not read.problems
    figures = compute(assessment, entries, journal_intact=intact, today=today)
    # a read-only checkout still gets its figures, only without the cache
    with contextlib.suppress(IkzError):
        session.store.write_cache(target, orjson.dumps({"fingerprint": stamp, "figures": figures}))
    return figures


#: from this many counties whose figures are not cached, they are computed in worker processes
PARALLEL_FROM = 6
#: what a forked worker works with: (session, today)
_WORKER: list[Any] = []


def _cache_fresh(session: "Session", county: "County", today: _dt.date) -> bool:
    import orjson

    from ..store import fs

    target = session.workspace.layout.cache_file("verbund", f"{county.key}.json")
    content = session.store.read_cache(target, 64 * fs.MIB)
    try:
        cached = orjson.loads(content) if content is not None else None
    except orjson.JSONDecodeError:
        return False
    if not isinstance(cached, dict) or cached.get("fingerprint") != fingerprint(session, county, today):
        return False
    session.figures[county.key] = cached["figures"]
    return True


def _worker_start() -> None:
    """A worker allocates millions of short-lived, acyclic objects (records) and frees them by
    reference counting: collecting cycles every 700 allocations would only cost time."""
    import gc

    gc.set_threshold(100_000, 50, 100)


def _figures_job(key: str) -> tuple[str, bytes | None]:
    """In a forked worker: one county's figures (written to the derived cache), as JSON bytes.

    ``None`` when computing them failed or said anything (a warning, a plugin failure): the
    parent then computes that county itself, in member order, so every message and error
    comes exactly as without workers.
    """
    import orjson

    session, today = _WORKER[0]
    county = session.counties()[key]
    warnings, failures = len(session.warnings), len(session.pm.failures)
    try:
        figures = county_figures(session, county, today)
    except Exception:
        return key, None
    finally:
        session.release_county(county)
    if len(session.warnings) != warnings or len(session.pm.failures) != failures:
        return key, None
    return key, orjson.dumps(figures)


def prefetch_figures(session: "Session", counties: "list[County]", today: _dt.date,
                     progress: Callable[[int, int], None] | None = None) -> None:
    """Take each county's figures from the derived cache, and compute the missing ones ahead.

    With several missing and more than one core, worker processes (forked, one per core)
    compute them; :func:`county_figures` then finds them in ``session.figures``. Figures
    are computed by the same code either way; a county whose computation fails or warns
    is left to the caller's own call, so errors and messages are those of a run without
    workers. On one core, or with few counties missing, nothing is computed ahead.
    """
    import gc
    import os

    from ..errors import IkzError

    todo = [c for c in counties if c.profile.disclosure != "none" and c.key not in session.figures
            and not _cache_fresh(session, c, today)]
    cores = os.cpu_count() or 1
    if len(todo) < PARALLEL_FROM or cores < 2:
        return
    try:
        # the catalogs are loaded once, before the workers are forked, and shared by them
        for county in todo:
            session.county_catalog(county)
        # so is everything the first county needs on the way (modules, validators): it is computed here
        first = todo.pop(0)
        said = (len(session.warnings), len(session.pm.failures))
        session.figures[first.key] = county_figures(session, first, today)
        session.release_county(first)
    except IkzError:
        return  # the caller's own calls raise it, in member order
    if said != (len(session.warnings), len(session.pm.failures)):
        return  # anything said stays in member order: the caller's own calls go on
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    import orjson

    if "fork" not in multiprocessing.get_all_start_methods():
        return
    from ..store import schema

    schema.expect_many()  # the workers check every county's records: with jsonschema-rs, imported once here
    _WORKER[:] = [(session, today)]
    gc.collect()
    gc.freeze()  # the parent's objects stay shared with the workers (no copy on a collection)
    try:
        with ProcessPoolExecutor(max_workers=min(cores, 4), mp_context=multiprocessing.get_context("fork"),
                                 initializer=_worker_start) as pool:
            for done, (key, blob) in enumerate(pool.map(_figures_job, [c.key for c in todo]), start=1):
                if blob is not None:
                    session.figures[key] = orjson.loads(blob)
                if progress:
                    progress(done, len(todo))
    except (BrokenProcessPool, OSError):
        pass  # what is missing is computed by the caller's own calls
    finally:
        gc.unfreeze()
        _WORKER.clear()


def pseudonym_secret(session: "Session") -> str:
    """The Verbund's secret for pseudonyms: ``IKZ_ISMS_PSEUDONYM_KEY``; refused when there is none."""
    secret = os.environ.get(ENV_PSEUDONYM_KEY, "")
    if len(secret) < 16:
        raise RefusedError(
            "Pseudonymisieren braucht einen geheimen Schlüssel des Verbunds (mindestens 16 Zeichen) in "
            f"{ENV_PSEUDONYM_KEY}; ohne ihn ließen sich die Pseudonyme aus den öffentlichen Namen "
            "zurückrechnen. Schlüssel z. B. mit 'python3 -c \"import secrets; print(secrets.token_hex(32))\"' "
            "erzeugen und nur im Lenkungskreis weitergeben."
        )
    return secret


def keyed_digest(secret: str, key: str) -> str:
    return hmac.new(secret.encode("utf-8"), key.encode("utf-8"), hashlib.sha256).hexdigest()


#: bump when the view's shape or what it is computed from changes, so cached views are rebuilt
VIEW_FORMAT = 1


def view_key(session: "Session", approach: str | None, secret: str, today: _dt.date) -> dict[str, Any]:
    """Everything the Verbund view is computed from, as identities: the options, the day, the
    configuration file, the installed plugins and, per member in member order, its profile and
    the fingerprint of its figures (:func:`fingerprint`) or of its package."""
    from .. import __version__
    from ..store import fs
    from .federation import _fingerprint, _job

    counties = session.counties()
    found: list[Any] = []
    catalogs: dict[str, Any] = {}
    for key in session.workspace.members:
        county = counties.get(key)
        if county is not None:
            found.append([key, repr(county.profile), str(county.layout.data_dir),
                          fingerprint(session, county, today, catalogs) if county.profile.disclosure != "none"
                          else None])
        else:
            found.append([key, None, None, _fingerprint(_job(session, key, today))])
    plugins = sorted(name for name, _ in session.pm.list_name_plugin())
    return {
        "format": VIEW_FORMAT, "version": __version__, "today": today.isoformat(), "approach": approach,
        # the pseudonyms depend on the secret: a keyed digest tells whether it is the same one, nothing more
        "secret": keyed_digest(secret, "ikz-isms verbund view") if secret else None,
        "config": list(fs.stat_key(session.workspace.layout.config) or ()), "plugins": plugins, "members": found,
    }


def _view_file(session: "Session", approach: str | None, pseudonymise: bool) -> Any:
    name = hashlib.sha256(repr((approach, pseudonymise)).encode("utf-8")).hexdigest()[:24]
    return session.workspace.layout.cache_file("verbund-ansicht", f"{name}.json")


def _cached_view(session: "Session", key: dict[str, Any], approach: str | None,
                 pseudonymise: bool) -> dict[str, Any] | None:
    """The view of an earlier run whose inputs were all the same, its members' pins checked again."""
    import orjson

    from ..store import fs
    from .catalogs import mismatch_error, pin_problem

    content = session.store.read_cache(_view_file(session, approach, pseudonymise), 512 * fs.MIB)
    try:
        cached = orjson.loads(content) if content is not None else None
    except orjson.JSONDecodeError:
        return None
    if not isinstance(cached, dict) or cached.get("key") != key:
        return None
    # as for a cached county: the cache must never hide a changed catalog
    counties = session.counties()
    checked = set()
    for member in session.workspace.members:
        county = counties.get(member)
        if county is None:
            continue
        pin = session.workspace.pin(county.profile.catalog)
        if pin.name not in checked:
            problem = pin_problem(session, pin)
            if problem is not None:
                raise mismatch_error(session, pin, problem[1])
            checked.add(pin.name)
    for warning in cached["warnings"]:
        session.warn(warning)
    view: dict[str, Any] = cached["view"]
    return view


def verbund_view(session: "Session", *, approach: str | None, pseudonymise: bool, today: _dt.date,
                 progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """The steering group's picture of all member counties, from their disclosure packages.

    Local counties' packages are built from their data under their policy, other members'
    packages are read and verified (:mod:`ikz_isms.app.federation`); what a package does
    not hold cannot appear. Members whose package does not verify are listed with the reason.

    The view is kept in ``.ikz-cache/verbund-ansicht/`` with :func:`view_key` of its inputs
    (and the warnings it gave); a run whose inputs are all the same shows it again, any
    difference computes it anew (through the counties' own caches). The cache is never the truth.
    """
    import contextlib

    import orjson

    secret = pseudonym_secret(session) if pseudonymise else ""
    key = view_key(session, approach, secret, today)
    view = _cached_view(session, key, approach, pseudonymise)
    if view is not None:
        return view
    warned, failed = len(session.warnings), len(session.pm.failures)
    view = _compute_view(session, approach=approach, pseudonymise=pseudonymise, secret=secret, today=today,
                         progress=progress)
    if len(session.pm.failures) == failed:
        # a read-only checkout still gets its view, only without the cache
        with contextlib.suppress(IkzError):
            session.store.write_cache(_view_file(session, approach, pseudonymise), orjson.dumps(
                {"key": key, "view": view, "warnings": session.warnings[warned:]}))
    return view


def _compute_view(session: "Session", *, approach: str | None, pseudonymise: bool, secret: str, today: _dt.date,
                  progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    from ..assess.verbund import verbund_view as combine
    from .federation import local_mode_note, members

    found = members(session, today, progress=progress)
    rows = []
    refused = []
    for member in found:
        if not member.usable:
            refused.append((member.key, member.name, member.problems))
            continue
        assert member.payload is not None
        figures = member.payload["figures"]
        if figures is not None:
            figures = {**figures, "catalog": member.payload["catalog"]}
        rows.append((member.profile(), figures))
    note = local_mode_note(found)
    if pseudonymise:
        if refused:
            session.warn(f"{len(refused)} Mitglied(er) nicht verwertet (Gründe in der Übersicht; "
                         "Namen mit 'ikz-isms verbund verify').")
    else:
        for _key, name, reasons in refused:
            session.warn(f"Landkreis {name}: nicht verwertet – {'; '.join(reasons)}.")
    view = combine(session.workspace.name, rows, approach=approach, pseudonymise=pseudonymise,
                   secret=secret, today=today, digest=keyed_digest, refused=refused,
                   notes=[note] if note else [])
    view["as_of"] = today.isoformat()
    return view
