"""A tender project in the workspace (``vergaben/<name>/vergabe.yaml``): create, read, validate."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping, Sequence

from ..errors import InputError, NotFoundError, RefusedError, UsageError
from .templates import Template

TENDERS_DIR = "vergaben"
PROJECT_FILE = "vergabe.yaml"
SCHEMA = "tender"
SOURCES = {"employees": "Beschäftigte", "inhabitants": "Einwohner"}


@dataclass
class Tender:
    """A tender project as stored: plain data plus the round-trip document for line numbers."""

    path: Path
    data: dict[str, Any]
    raw: Any = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.data["name"]

    @property
    def counties(self) -> list[str]:
        return list(self.data["counties"])

    @property
    def notice_date(self) -> dt.date:
        return dt.date.fromisoformat(self.data["notice_date"])

    @property
    def created(self) -> dt.date:
        return dt.date.fromisoformat(self.data["created"])

    def line(self, *pointer: Any) -> str:
        from ..store import pointer_line

        line = pointer_line(self.raw, pointer)
        return f"Zeile {line}" if line else "/" + "/".join(str(p) for p in pointer)


def tenders_dir(workspace: Any) -> Path:
    return Path(workspace.root) / TENDERS_DIR


def tender_files(workspace: Any) -> list[Path]:
    directory = tenders_dir(workspace)
    if not directory.is_dir():
        return []
    return sorted(p / PROJECT_FILE for p in directory.iterdir() if (p / PROJECT_FILE).is_file())


def read_tender(path: Path) -> Tender:
    """Read and schema-check a project; the first violation raises InputError with its line."""
    from ..schemas import load_validated
    from ..store import plain

    raw = load_validated(path, SCHEMA)
    data = plain(raw)
    for key in ("created", "notice_date", "offer_deadline"):
        if key in data:
            try:
                dt.date.fromisoformat(data[key])
            except ValueError:
                raise InputError(f"'{key}': ungültiges Datum '{data[key]}' (erwartet JJJJ-MM-TT).",
                                 path=str(path), location=f"Zeile {raw.lc.key(key)[0] + 1}") from None
    return Tender(path, data, raw)


def load_tender(workspace: Any, name: str | None) -> Tender:
    """The project ``name``; without a name the only project in the workspace."""
    files = tender_files(workspace)
    if name:
        path = tenders_dir(workspace) / name / PROJECT_FILE
        if not path.is_file():
            known = ", ".join(p.parent.name for p in files) or "keine"
            raise NotFoundError(f"Vergabe '{name}' nicht gefunden (vorhanden: {known}).", path=str(path))
        return read_tender(path)
    if len(files) == 1:
        return read_tender(files[0])
    if not files:
        raise NotFoundError("Keine Vergabe in der Arbeitsumgebung (ikz-isms tender new VORLAGE anlegen).",
                            path=str(tenders_dir(workspace)))
    raise UsageError("Mehrere Vergaben vorhanden, bitte NAME angeben: " + ", ".join(p.parent.name for p in files))


def parse_term(text: str) -> int:
    """Months from ``48``, ``48 months``, ``48 Monate``, ``4y``, ``4 Jahre``."""
    import re

    match = re.fullmatch(r"\s*(\d+)\s*(m|mo|months?|monate?|y|years?|j|jahre?)?\s*", text.lower())
    if not match or int(match.group(1)) == 0:
        raise UsageError(f"--term '{text}' nicht verstanden (Beispiele: 48, '48 months', 4y).")
    unit = match.group(2) or "m"
    return int(match.group(1)) * (12 if unit[0] in "yj" else 1)


def parse_needs(items: Sequence[str], template: Template, counties: Sequence[str]) -> dict[tuple[str, str], Decimal]:
    """``COUNTY[:LOT]=QTY`` options; without LOT the template's first lot."""
    from .templates import _is_amount

    needs = {}
    for item in items:
        key, _, value = item.partition("=")
        county, _, lot = key.partition(":")
        lot = lot or template.lots[0]["id"]
        if not value or not _is_amount(value) or Decimal(value) < 0:
            raise UsageError(f"--need '{item}': erwartet LANDKREIS[:LOS]=MENGE, z. B. vulkaneifel:{lot}=400.")
        if county not in counties:
            raise UsageError(f"--need '{item}': {county} steht nicht unter --counties.")
        if template.lot(lot) is None:
            raise UsageError(f"--need '{item}': Los '{lot}' gibt es in der Vorlage nicht "
                             f"(vorhanden: {', '.join(l['id'] for l in template.lots)}).")
        needs[(county, lot)] = Decimal(value)
    return needs


def county_need(lot: Mapping[str, Any], profile: Mapping[str, Any] | None) -> tuple[Decimal | None, str]:
    """A county's quantity for a lot from its profile (or the template default) and how it was found."""
    spec = lot["quantity"]
    source = spec["source"]
    if source == "explicit":
        if spec.get("default") is None:
            return None, "fehlt: Menge angeben (--need)"
        return Decimal(str(spec["default"])), "Vorgabe der Vorlage"
    figure = (profile or {}).get(source)
    if figure is None:
        return None, f"fehlt: {SOURCES[source]} nicht im Landkreisprofil (--need angeben)"
    factor = Decimal(str(spec.get("factor", 1)))
    per = int(spec.get("per", 1))
    quantity = Decimal(math.ceil(Decimal(figure) * factor / per))
    if spec.get("minimum") is not None:
        quantity = max(quantity, Decimal(str(spec["minimum"])))
    how = f"{SOURCES[source]} {figure}"
    if factor != 1:
        how += f" × {str(factor).replace('.', ',')}"
    if per != 1:
        how += f" / {per}"
    return quantity, how + " (Landkreisprofil)"


def new_tender_document(
    template: Template,
    *,
    name: str,
    counties: Sequence[str],
    lead: str,
    term_months: int,
    options: Sequence[str],
    notice_date: dt.date,
    created: dt.date,
    profiles: Mapping[str, Mapping[str, Any]],
    explicit: Mapping[tuple[str, str], Decimal],
    title: str | None = None,
) -> dict[str, Any]:
    """The content of a new ``vergabe.yaml`` with each county's need resolved."""
    unknown = [o for o in options if o not in {opt["id"] for opt in template.options}]
    if unknown:
        raise UsageError(f"--options: unbekannte Option(en) {', '.join(unknown)} "
                         f"(Vorlage kennt: {', '.join(o['id'] for o in template.options) or 'keine'}).")
    if lead not in counties:
        raise UsageError(f"--lead {lead} steht nicht unter --counties.")
    needs: dict[str, Any] = {}
    for county in counties:
        per_lot = {}
        for lot in template.lots:
            if (county, lot["id"]) in explicit:
                quantity, how = explicit[(county, lot["id"])], "angegeben (--need)"
            else:
                quantity, how = county_need(lot, profiles.get(county))
            per_lot[lot["id"]] = {"quantity": None if quantity is None else f"{quantity.normalize():f}", "source": how}
        needs[county] = per_lot
    return {
        "name": name,
        "title": title or template.title,
        "template": template.id,
        "template_sha256": template.sha256,
        "created": created,
        "notice_date": notice_date,
        "lead": lead,
        "counties": list(counties),
        "term_months": term_months,
        "options": list(options),
        "needs": needs,
    }


def write_new_tender(workspace: Any, document: dict[str, Any]) -> Path:
    """Write the project atomically; an existing project is never overwritten."""
    from ..store import atomic_write, dump_yaml, locked

    path = tenders_dir(workspace) / document["name"] / PROJECT_FILE
    with locked(path):
        if path.exists():
            raise RefusedError(f"Vergabe '{document['name']}' gibt es schon (anderen --name wählen).", path=str(path))
        header = ("# Vergabeprojekt, angelegt mit 'ikz-isms tender new'. Mengen je Landkreis unter 'needs'\n"
                  "# anpassen; 'ikz-isms tender estimate' rechnet den Auftragswert nach §3 VgV neu.\n")
        atomic_write(path, header + dump_yaml(document))
    return path
