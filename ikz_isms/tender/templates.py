"""Shared tender templates (``catalogs/vorlagen/*.yaml``): read, validate with located problems, render placeholders."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping

from ..errors import InputError, NotFoundError

TEMPLATE_DIR = ("catalogs", "vorlagen")
SCHEMA = "tender-template"
PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")
#: anything that looks like template syntax but is not a plain placeholder (no expressions, no filters)
SUSPICIOUS = re.compile(r"\{\{|\}\}|\{%|%\}")


@dataclass(frozen=True)
class Problem:
    """A defect in a template file: German message and place (``Zeile n (pointer)``)."""

    message: str
    location: str


@dataclass
class Template:
    """A validated template: the plain document, its file and line lookup for findings."""

    path: Path
    data: dict[str, Any]
    raw: Any = field(repr=False, default=None)
    sha256: str = ""

    @property
    def id(self) -> str:
        return self.data["id"]

    @property
    def title(self) -> str:
        return self.data["title"]

    @property
    def lots(self) -> list[dict[str, Any]]:
        return self.data["lots"]

    def lot(self, lot_id: str) -> dict[str, Any] | None:
        return next((lot for lot in self.lots if lot["id"] == lot_id), None)

    @property
    def options(self) -> list[dict[str, Any]]:
        return self.data["term"].get("options", [])

    @property
    def default_options(self) -> list[str]:
        return [o["id"] for o in self.options if o.get("default")]

    @property
    def weights(self) -> list[tuple[str, Decimal]]:
        return [(c["name"], Decimal(str(c["weight"]))) for c in self.data["award"]["criteria"]]

    def line(self, *pointer: Any) -> str:
        """``Zeile n`` of a place in the file (e.g. ``line("award", "criteria")``), else the pointer."""
        from ..store import pointer_line

        line = pointer_line(self.raw, pointer)
        text = "/" + "/".join(str(p) for p in pointer)
        return f"Zeile {line} ({text})" if line else text


def templates_dir(workspace: Any) -> Path:
    return Path(workspace.root).joinpath(*TEMPLATE_DIR)


def template_files(workspace: Any) -> list[Path]:
    directory = templates_dir(workspace)
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and not p.name.startswith("."))


def _semantic_problems(template: Template) -> list[Problem]:
    """What the schema cannot say: unknown placeholders and lots, duplicate ids, option fields."""
    data = template.data
    problems = []
    lot_ids = [lot["id"] for lot in data["lots"]]
    for index, lot_id in enumerate(lot_ids):
        if lot_id in lot_ids[:index]:
            problems.append(Problem(f"Los '{lot_id}' ist doppelt.", template.line("lots", index, "id")))
    for index, lot in enumerate(data["lots"]):
        for key in ("unit_price", "quantity"):
            values = [lot["unit_price"]] if key == "unit_price" else [
                lot["quantity"].get(k) for k in ("factor", "default", "minimum") if lot["quantity"].get(k) is not None]
            for value in values:
                if not _is_amount(value):
                    problems.append(Problem(f"Los '{lot['id']}': '{value}' ist keine Zahl.",
                                            template.line("lots", index, key)))
    placeholders = data.get("placeholders", {})
    for name, spec in placeholders.items():
        source = spec.get("from", "")
        if source.startswith("lot:") and source[4:] not in lot_ids:
            problems.append(Problem(f"Platzhalter '{name}': Los '{source[4:]}' gibt es nicht.",
                                    template.line("placeholders", name, "from")))
        if not source and "default" not in spec:
            problems.append(Problem(f"Platzhalter '{name}': weder 'from' noch 'default' angegeben.",
                                    template.line("placeholders", name)))
    for index, section in enumerate(data["sections"]):
        text = section["text"]
        for used in PLACEHOLDER.findall(text):
            if used not in placeholders:
                problems.append(Problem(f"Abschnitt '{section['title']}': Platzhalter '{used}' ist nicht erklärt.",
                                        template.line("sections", index, "text")))
        if SUSPICIOUS.search(PLACEHOLDER.sub("", text)):
            problems.append(Problem(
                f"Abschnitt '{section['title']}': nur einfache Platzhalter {{{{ name }}}} sind erlaubt.",
                template.line("sections", index, "text")))
    option_ids = []
    for index, option in enumerate(data["term"].get("options", [])):
        if option["id"] in option_ids:
            problems.append(Problem(f"Option '{option['id']}' ist doppelt.", template.line("term", "options", index)))
        option_ids.append(option["id"])
        if option["kind"] == "extension" and "months" not in option:
            problems.append(Problem(f"Option '{option['id']}': Verlängerung ohne 'months'.",
                                    template.line("term", "options", index)))
        if option["kind"] == "quantity" and not _is_amount(option.get("percent")):
            problems.append(Problem(f"Option '{option['id']}': Mehrmenge ohne gültiges 'percent'.",
                                    template.line("term", "options", index)))
        for lot_id in option.get("lots", []):
            if lot_id not in lot_ids:
                problems.append(Problem(f"Option '{option['id']}': Los '{lot_id}' gibt es nicht.",
                                        template.line("term", "options", index, "lots")))
    for index, criterion in enumerate(data["award"]["criteria"]):
        if not _is_amount(criterion["weight"]):
            problems.append(Problem(f"Zuschlagskriterium '{criterion['name']}': Gewicht '{criterion['weight']}' ist keine Zahl.",
                                    template.line("award", "criteria", index, "weight")))
    return problems


def _is_amount(value: Any) -> bool:
    from decimal import InvalidOperation

    if value is None or isinstance(value, bool):
        return False
    try:
        return Decimal(str(value)).is_finite()
    except InvalidOperation:
        return False


def read_template(path: Path) -> tuple[Template | None, list[Problem]]:
    """The template and every problem found; ``None`` when it cannot be used at all.

    Syntax errors and schema violations make the template unusable; semantic problems
    (unknown placeholder, duplicate lot) are reported with the template still returned.
    """
    from ..schemas import schema_problems
    from ..store import plain, read_yaml
    from ..store import sha256_file

    try:
        raw = read_yaml(path)
    except InputError as exc:
        return None, [Problem(exc.message, exc.location or "")]
    if raw is None:
        return None, [Problem("Datei ist leer.", "")]
    problems = [Problem(p.message, p.location) for p in schema_problems(raw, SCHEMA)]
    if problems:
        return None, problems
    template = Template(Path(path), plain(raw), raw, sha256_file(path))
    return template, _semantic_problems(template)


def load_template(path: Path) -> Template:
    """A usable template; the first problem raises InputError with file and line."""
    template, problems = read_template(path)
    if problems:
        first = problems[0]
        more = f" (und {len(problems) - 1} weitere; ikz-isms check zeigt alle)" if len(problems) > 1 else ""
        raise InputError(first.message + more, path=str(path), location=first.location or None)
    assert template is not None
    return template


def find_template(workspace: Any, name: str) -> Template:
    """A template by id (file ``catalogs/vorlagen/<id>.yaml`` or any file with that ``id``) or by path."""
    candidate = Path(name)
    if candidate.suffix in (".yaml", ".yml") and candidate.is_file():
        return load_template(candidate)
    for path in template_files(workspace):
        if path.stem == name:
            template = load_template(path)
            if template.id == name:
                return template
    for path in template_files(workspace):
        template, problems = read_template(path)
        if template is not None and template.id == name:
            return load_template(path)
    known = ", ".join(p.stem for p in template_files(workspace)) or "keine"
    raise NotFoundError(f"Vorlage '{name}' nicht gefunden (vorhanden: {known}).", path=str(templates_dir(workspace)))


def render(text: str, values: Mapping[str, str]) -> str:
    """Replace ``{{ name }}`` by ``values[name]``: plain substitution, no expressions are evaluated."""

    def substitute(match: re.Match[str]) -> str:
        return str(values.get(match.group(1), match.group(0)))

    return PLACEHOLDER.sub(substitute, text)
