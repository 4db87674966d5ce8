"""Disclosure packages: what leaves a county, decided by its policy on the data itself.

A county's **disclosure package** is the only thing the Verbund sees of it. It is built
here, from the county's figures (:func:`ikz_isms.assess.verbund.county_figures`) and
records, holding what ``disclosure`` (and ``disclosure_allow``) in ``landkreis.yaml``
allows and nothing else:

``none``
    that the county takes part, and on which catalog pin.
``aggregate``
    plus public facts of the profile (AGS, inhabitants, employees), figures per approach,
    per layer/practice and per status, the number of target objects and of open
    requirements, the trend, the journal's length and head. With ``requirement_ids`` also
    the ids of its open requirements, which the Verbund counts in shared gaps without
    naming the county.
``full``
    plus its open requirements by id (named in shared gaps and tender proposals) and its
    check records as requirement, target object, status, date and provenance; with
    ``free_text`` also statement, responsible, evidence and reason.

Every Verbund-wide output (``assess --verbund``, ``report verbund``, tender opportunities)
is computed from packages — signed files from county workspaces, or packages built in
memory for counties whose data lies in the same workspace (single-repository mode) — so
no output can show more than a package holds. Signing and verification: :mod:`.signing`,
:mod:`.federation`.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from ..county import County, CountyProfile
    from .session import Session

PACKAGE_FORMAT = "ikz-isms-offenlegung"
PACKAGE_VERSION = 1
RECORD_COLUMNS = ("requirement", "target", "status", "checked", "provenance")
FREE_TEXT_COLUMNS = ("statement", "responsible", "evidence", "reason")
PUBLIC_FACTS = ("ags", "inhabitants", "employees")

#: figures an ``aggregate`` package holds (``open`` only with ``requirement_ids``)
AGGREGATE_FIGURES = ("format", "edition", "labels", "approach_labels", "targets", "approach", "approaches", "layers",
                     "layer_titles", "open_basis", "invalid_records", "trend", "journal", "migrated")


def filter_figures(figures: Mapping[str, Any], policy: str, allow: tuple[str, ...]) -> dict[str, Any] | None:
    """The part of a county's figures its policy lets out (``None`` for ``none``)."""
    if policy == "none":
        return None
    if policy == "full":
        kept = {k: v for k, v in figures.items() if k not in ("catalog", "state_date")}
        kept["open_requirements"] = len(figures["open"])
        return kept
    kept = {k: figures[k] for k in AGGREGATE_FIGURES if k in figures}
    kept["open_requirements"] = len(figures["open"])
    if "requirement_ids" in allow:
        # ids and the catalog's titles, without statuses or target objects
        kept["open"] = {rid: {"title": e["title"], "order": e["order"], "approaches": e["approaches"]}
                        for rid, e in figures["open"].items()}
    return kept


def records_table(records: Any, allow: tuple[str, ...]) -> dict[str, Any]:
    """The valid check records as a compact table (columns, rows); free text only when allowed."""
    columns = list(RECORD_COLUMNS) + (list(FREE_TEXT_COLUMNS) if "free_text" in allow else [])
    rows = []
    for record in sorted(records.all_records(), key=lambda r: (r.target, r.requirement)):
        row: list[Any] = [record.requirement, record.target, record.status, record.checked, record.provenance]
        if "free_text" in allow:
            row += [record.statement or None, record.responsible or None, list(record.evidence) or None,
                    record.reason or None]
        rows.append(row)
    return {"columns": columns, "rows": rows}


def build_payload(
    profile: "CountyProfile",
    figures: Mapping[str, Any] | None,
    *,
    catalog: Mapping[str, Any],
    published: _dt.datetime,
    records: Any = None,
    verbund: str | None = None,
    generator: str = "",
    resilience: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The package payload for ``profile`` under its policy (JSON-native values only)."""
    policy = profile.disclosure
    allow = tuple(profile.disclosure_allow)
    county: dict[str, Any] = {"key": profile.key, "name": profile.name}
    if policy != "none":
        county.update({fact: getattr(profile, fact) or None for fact in PUBLIC_FACTS})
    payload: dict[str, Any] = {
        "format": PACKAGE_FORMAT,
        "version": PACKAGE_VERSION,
        "generator": generator,
        "verbund": verbund,
        "county": county,
        "disclosure": {"policy": policy, "allow": list(allow)},
        "catalog": dict(catalog),
        "published": published.astimezone(_dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "state_date": None,
        "journal": None,
        "figures": None,
        "records": None,
        "resilience": None,
    }
    if figures is None or policy == "none":
        return payload
    payload["state_date"] = figures.get("state_date")
    journal = figures.get("journal") or {}
    payload["journal"] = {"entries": journal.get("entries", 0), "head": journal.get("head"),
                          "intact": bool(journal.get("intact"))}
    payload["figures"] = filter_figures(figures, policy, allow)
    if policy == "full" and records is not None:
        payload["records"] = records_table(records, allow)
    if resilience is not None:
        payload["resilience"] = dict(resilience)
    return payload


def catalog_facts(session: "Session", county: "County") -> dict[str, Any]:
    """Name, title, version, content hash and edition of the county's catalog pin."""
    pin, catalog = session.county_catalog(county)
    return {"name": pin.name, "title": catalog.title, "version": pin.version or catalog.version,
            "sha256": pin.sha256, "edition": session.edition(catalog).id}


def published_at(session: "Session") -> _dt.datetime:
    """When a package is made: ``SOURCE_DATE_EPOCH`` if set (reproducible bytes), else now."""
    import os

    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if raw:
        _ = session.today  # validates the variable with a German message
        return _dt.datetime.fromtimestamp(int(raw), _dt.UTC)
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0)


def county_payload(session: "Session", county: "County", *, with_records: bool = True,
                   with_resilience: bool = False) -> dict[str, Any]:
    """The package payload of a county of this workspace, under its policy.

    ``with_records=False`` leaves the records table out (the Verbund view does not need
    it; a published package carries it for ``full``). ``with_resilience`` adds the risk,
    continuity and incident figures the policy lets out (a published package carries
    them; the Verbund view computes them itself for counties of its own workspace).
    """
    from .. import __version__
    from .verbund import county_figures

    profile = county.profile
    figures = None
    records = None
    resilience = None
    if profile.disclosure != "none":
        figures = county_figures(session, county, session.today)
        if profile.disclosure == "full" and with_records:
            records = session.county_data(county).records
        if with_resilience:
            from .emergency import disclosed_resilience

            resilience = disclosed_resilience(session, county, session.today)
    return build_payload(profile, figures, catalog=catalog_facts(session, county), published=published_at(session),
                         records=records, verbund=session.workspace.name, generator=f"ikz-isms {__version__}",
                         resilience=resilience)


def withheld_summary(policy: str, allow: tuple[str, ...]) -> list[str]:
    """In German: what a package under this policy does not contain (for ``publish``'s output)."""
    withheld = {
        "none": ["Kennzahlen", "Verlauf", "Anforderungs-IDs", "Prüfeinträge", "Freitexte"],
        "aggregate": ["Anforderungs-IDs" if "requirement_ids" not in allow else "", "Prüfeinträge", "Zielobjekte",
                      "Freitexte"],
        "full": ["Freitexte (Begründung, Verantwortlich, Nachweise)" if "free_text" not in allow else "",
                 "Namen und Schutzbedarf der Zielobjekte über ihre Kennung hinaus", "Realisierungsplan"],
    }[policy]
    return [item for item in withheld if item]


def signed_package(session: "Session", county: "County", key_path: "Path") -> dict[str, Any]:
    """The county's disclosure package, signed with the private key at ``key_path``.

    The key is loaded before anything is computed, so a missing or unreadable key costs
    nothing; the package is checked against its own schema before it is returned.
    """
    from ..errors import InputError
    from ..store import schema
    from .signing import load_key, sign

    key = load_key(key_path)
    payload = county_payload(session, county, with_records=True, with_resilience=True)
    document = {"payload": payload, "signature": sign(key, payload)}
    problems = schema.problems(document, "package")
    if problems:  # a defect of ikz-isms, not of the user's data: never publish a package the Verbund would refuse
        raise InputError(f"Paket entspricht nicht dem Paketformat: {problems[0].message} ({problems[0].pointer}).")
    return document


def package_bytes(document: Mapping[str, Any]) -> bytes:
    """The file bytes of a package: indented JSON with sorted keys (small git diffs), newline at the end."""
    import orjson

    return orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
