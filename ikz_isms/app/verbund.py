"""The Verbund view's use case: each county's figures (through a derived cache), then the combined view.

The derived cache ``.ikz-cache/verbund/<key>.json`` holds the figures of
:func:`ikz_isms.assess.verbund.county_figures` and the fingerprint of everything they were
computed from: size, modification time (ns) and inode of the county's target objects,
every record file and the journal; the catalog pin's content hash and its file's identity;
the current quarter (the trend ends there); the package version and the figures format.
Any difference recomputes the county; the cache is never the truth.
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


def fingerprint(session: "Session", county: "County", today: _dt.date) -> dict[str, Any]:
    from .. import __version__
    from ..assess.verbund import FIGURES_FORMAT, quarter_label
    from ..store import fs

    layout = county.layout
    pin = session.workspace.pin(county.profile.catalog)
    catalog = fs.stat_key(session.workspace.catalog_path(pin))
    files = {"zielobjekte": fs.stat_key(layout.targets), "journal": fs.stat_key(layout.journal),
             "legacy": fs.stat_key(layout.legacy_records), "plan": fs.stat_key(layout.plan)}
    for path in fs.list_dir(layout.records_dir, (".yaml",)):
        files[f"pruefungen/{path.name}"] = fs.stat_key(path)
    return {
        "format": FIGURES_FORMAT,
        "version": __version__,
        "quarter": quarter_label(today),
        "catalog": [pin.name, pin.sha256, *(catalog[:2] if catalog else [])],
        "files": {k: list(v) if v else None for k, v in files.items()},
    }


def county_figures(session: "Session", county: "County", today: _dt.date) -> dict[str, Any]:
    """The county's Verbund figures, from the cache when its fingerprint still matches."""
    import orjson

    from ..assess.verbund import county_figures as compute
    from ..errors import InputError
    from ..store import fs
    from .journals import read_journal

    target = session.workspace.layout.cache_file("verbund", f"{county.key}.json")
    stamp = fingerprint(session, county, today)
    try:
        cached = orjson.loads(fs.read_bytes(target, limit=64 * fs.MIB))
    except (InputError, orjson.JSONDecodeError):
        cached = None
    if isinstance(cached, dict) and cached.get("fingerprint") == stamp:
        # a cached county still has its pin checked: the cache must never hide a changed catalog
        session.county_catalog(county)
        figures: dict[str, Any] = cached["figures"]
        return figures
    assessment = session.assessment(county)
    read = read_journal(session, county)
    entries = read.entries if read else []
    intact = read is not None and not read.problems
    figures = compute(assessment, entries, journal_intact=intact, today=today)
    # a read-only checkout still gets its figures, only without the cache
    with contextlib.suppress(IkzError):
        session.store.write(target, orjson.dumps({"fingerprint": stamp, "figures": figures}))
    return figures


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


def verbund_view(session: "Session", *, approach: str | None, pseudonymise: bool, today: _dt.date,
                 progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """The steering group's picture of all member counties, from their disclosure packages.

    Local counties' packages are built from their data under their policy, other members'
    packages are read and verified (:mod:`ikz_isms.app.federation`); what a package does
    not hold cannot appear. Members whose package does not verify are listed with the reason.
    """
    from ..assess.verbund import verbund_view as combine
    from .federation import local_mode_note, members

    secret = pseudonym_secret(session) if pseudonymise else ""
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
