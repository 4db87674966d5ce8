"""Built-in plugin: ``ikz-isms report`` — audit PDFs for a county, the Verbund and the plan."""

from __future__ import annotations

import datetime as _dt
import hashlib
from pathlib import Path
from typing import Any

import click

from ..errors import UsageError
from ..hookspecs import hookimpl
from ..output import emit_json, format_option, progress_bar
from .assess import _one_county, _select_counties, county_option

DEFAULT_AUTHOR = "Informationssicherheitsbeauftragte/r"


def _parse_date(value: str | None) -> _dt.date | None:
    if value is None:
        return None
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--date '{value}' ist kein Datum (erwartet JJJJ-MM-TT).") from None


def _context(app: Any, county: Any, cache: dict[str, Any], kind: str, author: str | None,
             date: _dt.date | None) -> Any:
    from ..assess import assess_county, county_catalog
    from ..assess.cache import load_county_data_fast
    from ..report.county import CountyContext
    from ..report.model import collect_customisation, county_dates, report_date
    from .assess import county_report

    pin, catalog = county_catalog(app.workspace, app.pm, county, cache)
    assessment = assess_county(load_county_data_fast(county), catalog, pin)
    customisation = collect_customisation(app.pm, kind, county)
    app.report_plugin_failures()
    return CountyContext(
        assessment=assessment,
        figures=county_report(assessment, None),
        verbund=app.workspace.name,
        author=author or county.profile.isb.get("name") or DEFAULT_AUTHOR,
        date=report_date(date, county_dates(county, assessment.data.records)),
        customisation=customisation,
    )


def _write(path: Path, pdf: bytes, **info: Any) -> dict[str, Any]:
    from ..store import atomic_write

    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, pdf)
    return {**info, "path": str(path), "bytes": len(pdf), "sha256": hashlib.sha256(pdf).hexdigest()}


def _report_written(written: list[dict[str, Any]], fmt: str) -> None:
    if fmt == "json":
        emit_json({"files": written})
        return
    for item in written:
        click.echo(f"Geschrieben: {item['path']} (Stand {item['date_de']})")


def _date_info(date: Any) -> dict[str, Any]:
    from ..report.text import date_de

    return {"date": date.date.isoformat(), "date_de": date_de(date.date), "date_source": date.source}


author_option = click.option("--author", help="Verfasser/in (sonst der Name der/des ISB aus dem Profil).")
date_option = click.option("--date", "date_text", metavar="JJJJ-MM-TT",
                           help="Stand des Berichts (sonst SOURCE_DATE_EPOCH, sonst das jüngste Datum der Daten).")


@click.group("report")
def report() -> None:
    """PDF-Berichte: Prüfbericht eines Landkreises, Verbund-Vergleich, Realisierungsplan."""


@report.command("county")
@click.argument("county", metavar="[LANDKREIS]", required=False, envvar="IKZ_ISMS_COUNTY")
@click.option("--all", "all_counties", is_flag=True, help="Für jeden Landkreis des Verbunds einen Bericht.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="PDF-Datei (Standard: bericht-<landkreis>.pdf).")
@click.option("--output-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Verzeichnis für die Berichte bei --all.")
@author_option
@date_option
@format_option()
@click.pass_obj
def county_command(app, county, all_counties, output, output_dir, author, date_text, fmt):
    """Prüfbericht eines Landkreises (Referenzdokumente A.1–A.6) als PDF."""
    from ..report.county import county_pdf

    date = _parse_date(date_text)
    if all_counties:
        if county or output:
            raise UsageError("--all nicht zusammen mit einem Landkreis oder --output angeben (sondern --output-dir).")
        selected = _select_counties(app, None)
    else:
        selected = [_one_county(app, county)]
    cache: dict[str, Any] = {}
    written = []
    with progress_bar("Berichte", enabled=len(selected) > 1) as progress:
        for index, item in enumerate(selected):
            progress(index, len(selected))
            ctx = _context(app, item, cache, "county", author, date)
            path = output if output and not all_counties else output_dir / f"bericht-{item.key}.pdf"
            written.append(_write(path, county_pdf(ctx), county=item.key, **_date_info(ctx.date)))
        progress(len(selected), len(selected))
    _report_written(written, fmt)


@report.command("plan")
@county_option
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="PDF-Datei (Standard: realisierungsplan-<landkreis>.pdf).")
@author_option
@date_option
@format_option()
@click.pass_obj
def plan_command(app, county, output, author, date_text, fmt):
    """Realisierungsplan eines Landkreises (Referenzdokument A.6) als PDF."""
    from ..report.county import plan_pdf

    selected = _one_county(app, county)
    ctx = _context(app, selected, {}, "plan", author, _parse_date(date_text))
    path = output or Path(f"realisierungsplan-{selected.key}.pdf")
    _report_written([_write(path, plan_pdf(ctx), county=selected.key, **_date_info(ctx.date))], fmt)


@report.command("verbund")
@click.option("--pseudonymise", is_flag=True, help="Landkreisnamen durch Pseudonyme ersetzen (wie assess --verbund).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=Path("bericht-verbund.pdf"),
              show_default=True, help="PDF-Datei.")
@click.option("--author", help="Verfasser/in (sonst „Lenkungskreis“).")
@date_option
@format_option()
@click.pass_obj
def verbund_command(app, pseudonymise, output, author, date_text, fmt):
    """Verbund-Bericht für den Lenkungskreis: Landkreise im Vergleich, Verlauf, gemeinsame Lücken."""
    import os

    from ..assess.cache import county_figures
    from ..assess.verbund import verbund_view
    from ..county import DEFAULT_CLASSIFICATION
    from ..report.model import collect_customisation, report_date, scan_dates
    from ..report.verbund import verbund_pdf
    from .assess_verbund import ENV_PSEUDONYM_KEY

    counties = _select_counties(app, None)
    shared = [c for c in counties if c.profile.disclosure != "none"]
    date = report_date(_parse_date(date_text), scan_dates(shared))
    catalogs: dict[str, Any] = {}
    rows = []
    with progress_bar("Landkreise auswerten", enabled=len(counties) > 1) as progress:
        for index, county in enumerate(counties):
            figures = None
            if county.profile.disclosure != "none":
                figures = county_figures(app.workspace, app.pm, county, catalogs, date.date)
            rows.append((county.profile, figures))
            progress(index + 1, len(counties))
    secret = os.environ.get(ENV_PSEUDONYM_KEY) or app.workspace.name
    view = verbund_view(app.workspace.name, rows, pseudonymise=pseudonymise, secret=secret, today=date.date)
    markings = {c.profile.classification for c in counties}
    marking = markings.pop() if len(markings) == 1 else DEFAULT_CLASSIFICATION
    customisation = collect_customisation(app.pm, "verbund", None)
    app.report_plugin_failures()
    pdf = verbund_pdf(view, author=author or "Lenkungskreis", marking=marking, date=date,
                      customisation=customisation, members=len(counties))
    _report_written([_write(output, pdf, verbund=app.workspace.name, **_date_info(date))], fmt)


@hookimpl
def ikz_register_commands(cli):
    cli.add_command(report)
