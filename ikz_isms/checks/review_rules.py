"""Built-in plugin: ``check`` rules for shared reviews and the records inherited from them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from ..hookspecs import hookimpl

if TYPE_CHECKING:
    from ..assess import CountyData
    from ..assess.reviews import Review, StaleRecord
    from . import CheckContext, Finding

STALE_RULES = {"expired": "review.expired", "superseded": "review.superseded", "unknown": "review.unknown"}


def _entries(count: int, adjective: str = "") -> str:
    """``1 Prüfeintrag`` / ``3 geerbte Prüfeinträge`` (German singular and plural)."""
    if count == 1:
        return f"1 {adjective + 'r ' if adjective else ''}Prüfeintrag"
    return f"{count} {adjective + ' ' if adjective else ''}Prüfeinträge"


def _county_data(ctx: CheckContext) -> Iterator[CountyData]:
    """Each member county's data, skipping counties whose files other rules already report."""
    from ..errors import InputError

    for county in ctx.session.members():
        try:
            yield ctx.session.county_data(county)
        except InputError:
            continue


def _reviews_or_finding(ctx: CheckContext) -> tuple[dict[str, Review], list[Finding]]:
    """The workspace's reviews; a broken file becomes one finding, the others still count."""
    from ..assess.reviews import parse_review
    from ..checks import ERROR, Finding
    from ..errors import InputError
    from ..store import fs

    reviews: dict[str, Review] = {}
    findings: list[Finding] = []
    layout = ctx.session.workspace.layout  # callers return early without a workspace
    for path in fs.list_dir(layout.reviews_dir, (".yaml",)):
        shown = layout.relative(path)
        try:
            found = parse_review(ctx.session.store.parse(path, "review"))
        except InputError as exc:
            findings.append(Finding("review.file", ERROR, exc.message, shown, exc.location or ""))
            continue
        reviews[found.id] = found
    return reviews, findings


def files_rule(ctx: CheckContext) -> Iterator[Finding]:
    """Review files: schema, dates, id = file name, catalog pin still the workspace's."""
    from ..checks import WARNING, Finding

    if ctx.workspace is None:
        return
    reviews, findings = _reviews_or_finding(ctx)
    yield from findings
    pins = ctx.workspace.pins
    for found in reviews.values():
        pin = pins.get(found.catalog_name)
        if pin is None or pin.sha256 != found.catalog_sha256:
            yield Finding(
                "review.catalog", WARNING,
                f"Bewertung '{found.id}' wurde gegen einen Katalog erstellt, der so nicht mehr fixiert ist "
                f"({found.catalog_name}, sha256 {found.catalog_sha256[:12]}); sie kann nicht übernommen werden.",
                ctx.workspace.layout.relative(found.path) if found.path else "",
            )


def expired_rule(ctx: CheckContext) -> Iterator[Finding]:
    """Inherited records from expired or superseded (or missing) reviews, per county and target."""
    from ..assess.reviews import stale_inherited
    from ..checks import WARNING, Finding

    if ctx.workspace is None:
        return
    reviews, broken = _reviews_or_finding(ctx)
    # records from a review whose file is broken are reported by review.files, not as "missing"
    unreadable = {f.file.rsplit("/", 1)[-1][: -len(".yaml")] for f in broken}
    for data in _county_data(ctx):
        groups: dict[tuple[str, str, str], list[StaleRecord]] = {}
        for stale in stale_inherited(data, reviews, today=ctx.session.today):
            if stale.reason == "unknown" and stale.review in unreadable:
                continue
            groups.setdefault((stale.target, stale.review, stale.reason), []).append(stale)
        shown = ctx.workspace.layout.relative(data.county.records_dir)
        for (target, review_id, reason), items in groups.items():
            found = reviews.get(review_id)
            if found is None:  # stale_inherited calls a review it does not know "unknown"
                why = "gibt es nicht (mehr)"
            elif reason == "expired":
                from ..present import date_de

                why = f"ist seit {date_de(found.valid_until)} abgelaufen"
            elif reason == "superseded":
                why = f"gilt für {found.product} {found.version}; neuere Hauptversion bewertet in '{items[0].by}'"
            else:
                why = "gibt es nicht (mehr)"
            yield Finding(
                STALE_RULES[reason], WARNING,
                f"Landkreis {data.county.profile.name}, Zielobjekt {target}: {_entries(len(items), 'geerbte')} "
                f"erneut prüfen – Bewertung '{review_id}' {why} "
                f"(z. B. {', '.join(s.requirement for s in items[:3])}).",
                shown,
            )


@hookimpl
def ikz_register_check_rules(register: Callable[..., None]) -> None:
    register("review.files", files_rule,
             "Gemeinsame Bewertungen: Schema, Datumsangaben, ID = Dateiname, Katalog noch fixiert")
    register("review.expired", expired_rule,
             "Geerbte Prüfeinträge aus abgelaufenen, überholten oder fehlenden Bewertungen erneut prüfen")
