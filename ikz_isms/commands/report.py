"""Built-in plugin: ``ikz-isms report`` — audit PDFs for a county, the Verbund and the plan."""

from __future__ import annotations

import datetime as _dt
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import ExitCode, UsageError
from ..output import emit_json, progress_bar
from ..present import date_de
from .options import OUTPUT_DIR, OUTPUT_FILE, county_option, date_value, format_option

if TYPE_CHECKING:
    from ..app.session import Session
    from ..county import County
    from ..report.county import CountyContext

DEFAULT_AUTHOR = "Informationssicherheitsbeauftragte/r"


def _context(session: Session, county: County, kind: str, author: str | None, date: _dt.date | None) -> CountyContext:
    """Everything a county's PDF is made from — the same figures and plan as ``assess`` and ``plan``."""
    from ..app.assessments import county_check
    from ..app.risks import risk_view
    from ..report.county import CountyContext
    from ..report.model import collect_customisation, report_date, state_date

    assessment = session.assessment(county)
    made = report_date(date, session.today)
    customisation = collect_customisation(session.pm, kind, county)
    dates = [r.checked for r in assessment.data.records]
    from ..app.journals import read_journal

    read = read_journal(session, county)
    if read is not None:
        dates.extend(str(entry.get("time") or "") for entry in read.entries)
    return CountyContext(
        assessment=assessment,
        figures=county_check(session, county),
        verbund=session.workspace.name,
        author=author or county.profile.isb.get("name") or DEFAULT_AUTHOR,
        date=made,
        customisation=customisation,
        plan=session.plan_view(county, made.date),
        state=state_date(dates),
        risks=risk_view(session, county, made.date),
    )


def _write(session: Session, path: Path, pdf: bytes, **info: Any) -> dict[str, Any]:
    session.store.write_output(path, pdf)
    return {**info, "path": str(path), "bytes": len(pdf), "sha256": hashlib.sha256(pdf).hexdigest()}


def _report_written(written: list[dict[str, Any]], fmt: str) -> None:
    if fmt == "json":
        emit_json({"files": written})
        return
    for item in written:
        click.echo(f"Geschrieben: {item['path']} (erstellt am {item['date_de']})")


def _data_errors_found(contexts: list["CountyContext"]) -> None:
    """After the reports are written: the data errors they mark (in A.4, not counted as fulfilled)
    named on stderr with file and line, and exit 1 as ``assess`` does for the same data."""
    from ..app.assessments import data_errors
    from ..present import plural_de

    total = 0
    for ctx in contexts:
        report = ctx.figures
        for item in report["invalid_records"]:
            where = str(item["file"]) + (f", Zeile {item['line']}" if item.get("line") else "")
            click.echo(f"Fehler: {where}: Prüfeintrag {item['requirement']} auf {item['target']}: "
                       f"{'; '.join(item['problems'])}", err=True)
        for problem in report["structure_problems"] + report["modelling_problems"]:
            if problem["severity"] == "error":
                where = problem["file"] + (f", Zeile {problem['line']}" if problem.get("line") else "")
                click.echo(f"Fehler: {where}: {problem['message']}", err=True)
        total += data_errors(report)
    if total:
        click.echo(f"Fehler in den Daten: {plural_de(total, 'Problem', 'Probleme')} (im Bericht markiert und nicht als "
                   "erfüllt gezählt; alle Befunde: ikz-isms check).", err=True)
        click.get_current_context().exit(int(ExitCode.FINDINGS))


def _date_info(date: Any) -> dict[str, Any]:
    return {"date": date.date.isoformat(), "date_de": date_de(date.date), "date_source": date.source}


author_option = click.option("--author", help="Verfasser/in (sonst der Name der/des ISB aus dem Profil).")
date_option = click.option("--date", "date_text", metavar="JJJJ-MM-TT",
                           help="Erstellungsdatum des Berichts (sonst SOURCE_DATE_EPOCH, sonst heute); "
                                "„überfällig“ gilt zu diesem Tag.")


@click.group("report")
def report() -> None:
    """PDF-Berichte: Prüfbericht eines Landkreises, Verbund-Vergleich, Realisierungsplan."""


@report.command("county")
@click.argument("county", metavar="[LANDKREIS]", required=False, envvar="IKZ_ISMS_COUNTY")
@click.option("--all", "all_counties", is_flag=True, help="Für jeden Landkreis des Verbunds einen Bericht.")
@click.option("--output", "-o", type=OUTPUT_FILE,
              help="PDF-Datei (Standard: bericht-<landkreis>.pdf); das Verzeichnis muss existieren.")
@click.option("--output-dir", type=OUTPUT_DIR, default=Path("."), show_default=True,
              help="Verzeichnis für die Berichte bei --all; fehlt es, wird es angelegt (das Verzeichnis darüber "
                   "muss existieren).")
@author_option
@date_option
@format_option()
@click.pass_obj
def county_command(session: Session, county: str | None, all_counties: bool, output: Path | None, output_dir: Path,
                   author: str | None, date_text: str | None, fmt: str) -> None:
    """Prüfbericht eines Landkreises (Referenzdokumente A.1–A.6) als PDF."""
    from ..report.county import county_pdf

    date = date_value(date_text, "--date")
    if all_counties:
        if county or output:
            raise UsageError("--all nicht zusammen mit einem Landkreis oder --output angeben (sondern --output-dir).")
        selected = session.members()
    else:
        selected = [session.one_county(county)]
    # refused before the first report is made; a missing --output-dir is created once the first one is ready
    if output is not None:
        session.store.check_output(output)
    else:
        session.store.output_folder(output_dir, create=False)
    written = []
    contexts = []
    with progress_bar("Berichte", enabled=len(selected) > 1) as progress:
        for index, item in enumerate(selected):
            progress(index, len(selected))
            ctx = _context(session, item, "county", author, date)
            contexts.append(ctx)
            pdf = county_pdf(ctx)
            if output is not None:
                path = output
            else:
                path = session.store.output_folder(output_dir) / f"bericht-{item.key}.pdf"
            written.append(_write(session, path, pdf, county=item.key, **_date_info(ctx.date)))
        progress(len(selected), len(selected))
    _report_written(written, fmt)
    _data_errors_found(contexts)


@report.command("plan")
@county_option
@click.option("--output", "-o", type=OUTPUT_FILE,
              help="PDF-Datei (Standard: realisierungsplan-<landkreis>.pdf); das Verzeichnis muss existieren.")
@author_option
@date_option
@format_option()
@click.pass_obj
def plan_command(session: Session, county: str | None, output: Path | None, author: str | None, date_text: str | None,
                 fmt: str) -> None:
    """Realisierungsplan eines Landkreises (Referenzdokument A.6) als PDF."""
    from ..report.county import plan_pdf

    selected = session.one_county(county)
    path = output or Path(f"realisierungsplan-{selected.key}.pdf")
    session.store.check_output(path)
    ctx = _context(session, selected, "plan", author, date_value(date_text, "--date"))
    _report_written([_write(session, path, plan_pdf(ctx), county=selected.key, **_date_info(ctx.date))], fmt)
    _data_errors_found([ctx])


@report.command("verbund")
@click.option("--pseudonymise", is_flag=True, help="Landkreisnamen durch Pseudonyme ersetzen (wie assess --verbund).")
@click.option("--output", "-o", type=OUTPUT_FILE, default=Path("bericht-verbund.pdf"),
              show_default=True, help="PDF-Datei; das Verzeichnis muss existieren.")
@click.option("--author", help="Verfasser/in (sonst „Lenkungskreis“).")
@date_option
@format_option()
@click.pass_obj
def verbund_command(session: Session, pseudonymise: bool, output: Path, author: str | None, date_text: str | None,
                    fmt: str) -> None:
    """Verbund-Bericht für den Lenkungskreis: Landkreise im Vergleich, Verlauf, gemeinsame Lücken."""
    from ..app.verbund import verbund_view
    from ..county import DEFAULT_CLASSIFICATION
    from ..report.model import collect_customisation, report_date
    from ..report.verbund import verbund_pdf

    counties = session.members()
    date = report_date(date_value(date_text, "--date"), session.today)
    session.store.check_output(output)
    with progress_bar("Landkreise auswerten", enabled=len(counties) > 1) as progress:
        view = verbund_view(session, approach=None, pseudonymise=pseudonymise, today=date.date, progress=progress)
    markings = {c.profile.classification for c in counties}
    marking = markings.pop() if len(markings) == 1 else DEFAULT_CLASSIFICATION
    customisation = collect_customisation(session.pm, "verbund", None)
    pdf = verbund_pdf(view, author=author or "Lenkungskreis", marking=marking, date=date,
                      customisation=customisation, members=len(counties))
    _report_written([_write(session, output, pdf, verbund=session.workspace.name, **_date_info(date))], fmt)
