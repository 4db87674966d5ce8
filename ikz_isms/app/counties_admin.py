"""Use cases that change which counties a workspace has: add a county (a data folder, no Python)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..errors import RefusedError, UsageError

if TYPE_CHECKING:
    from .session import Session

MAX_NAME = 120


def _yaml_str(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def scaffold_files(key: str, name: str, *, ags: str | None, inhabitants: int | None,
                   employees: int | None, targets_text: str) -> dict[str, str]:
    """The files of a new county's data folder (relative path → text); no Python needed."""
    profile = [f"# Profil des Landkreises {name} (angelegt mit ikz-isms county add)", f"key: {key}",
               f"name: {_yaml_str(name)}"]
    if ags:
        profile.append(f"ags: {_yaml_str(ags)}")
    if inhabitants is not None:
        profile.append(f"inhabitants: {inhabitants}")
    if employees is not None:
        profile.append(f"employees: {employees}")
    profile += ["isb:", '  name: ""', '  email: ""', "# none | aggregate | full: was der Verbund sehen darf",
                "disclosure: aggregate"]
    return {
        "README.md": (
            f"# Landkreis {name}\n\nDatenordner für ikz-isms (kein Python nötig). Die Daten liegen in `data/`:\n"
            "`landkreis.yaml` (Profil), `zielobjekte.yaml` (Strukturanalyse, Schutzbedarf, Modellierung),\n"
            "`pruefungen/` (IT-Grundschutz-Check, eine Datei je Zielobjekt), `plan.yaml` (Realisierungsplan),\n"
            "`journal.jsonl` (Änderungsjournal, nicht von Hand ändern).\n"
        ),
        "data/landkreis.yaml": "\n".join(profile) + "\n",
        "data/zielobjekte.yaml": targets_text,
        "data/journal.jsonl": "",
    }


def empty_model(name: str) -> str:
    """``zielobjekte.yaml`` with the information domain only (``county add --no-starter``)."""
    return "\n".join([
        "# Informationsverbund: Strukturanalyse, Schutzbedarf und Modellierung.",
        "# Zielobjekte mit ikz-isms target add, modellieren mit ikz-isms model suggest --apply / model set.",
        "zielobjekte:",
        "  - id: IV",
        f"    name: {_yaml_str('Informationsverbund ' + name)}",
        "    type: Informationsverbund",
    ]) + "\n"


def _starter(session: "Session", name: str, employees: int | None, starter: bool) -> tuple[str, str | None, list[str]]:
    """(zielobjekte.yaml text, the pin it is modelled on, objects left out) for a new county."""
    from ..assess.starter import starter_text

    workspace = session.workspace
    pin_name = None
    edition = catalog = None
    if workspace.pins:
        pin, catalog = session.catalog(None)
        edition = session.edition(catalog)
        pin_name = pin.name
    if not starter:
        return empty_model(name), pin_name, []
    text, omitted = starter_text(name, employees, edition, catalog)
    return text, pin_name, omitted


def add_county(session: "Session", name: str, *, key: str | None = None, ags: str | None = None,
               inhabitants: int | None = None, employees: int | None = None, starter: bool = True) -> dict[str, Any]:
    """Create ``plugins/ikz-county-<key>/`` (profile, structure, empty journal) and add the member.

    The structure is the starter model of a Kreisverwaltung (:mod:`ikz_isms.assess.starter`),
    modelled on the workspace's default catalog, or with ``starter=False`` the information
    domain alone. Runs under the config's lock, so concurrent additions lose nothing; refuses
    an existing key or folder. Works in any workspace, with or without a pinned catalog.
    """
    from ..county import slugify
    from ..store import fs

    # every text says "Landkreis <name>"; a name given with that word would print it twice
    cleaned = " ".join(name.split())
    cleaned = re.sub(r"^(Landkreis|Kreis)\s+", "", cleaned) or cleaned
    if not cleaned:
        raise UsageError("Name des Landkreises darf nicht leer sein.")
    if len(cleaned) > MAX_NAME or any(ord(ch) < 32 for ch in cleaned):
        raise UsageError(f"Name des Landkreises ungültig (höchstens {MAX_NAME} Zeichen, keine Steuerzeichen).")
    key = (key or slugify(cleaned)).strip()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,62}", key or ""):
        raise UsageError(f"ungültiger Schlüssel '{key}' (erlaubt: a-z, 0-9, Bindestrich, höchstens 63 Zeichen).")
    if ags is not None and not re.fullmatch(r"[0-9]{5}([0-9]{3})?", ags):
        raise UsageError(f"ungültiger AGS '{ags}' (5 oder 8 Ziffern).")
    workspace = session.workspace
    layout = workspace.layout
    folder = layout.plugins_dir / f"ikz-county-{key}"
    targets_text, pin, omitted = _starter(session, cleaned, employees, starter)
    with fs.locked(workspace.config_path):
        current = workspace.reload()
        existing = session.counties()
        if key in existing or folder.exists():
            where = existing[key].data_dir if key in existing else folder
            raise RefusedError(f"Landkreis '{key}' gibt es in dieser Arbeitsumgebung bereits ({layout.relative(where)}).")
        files = scaffold_files(key, cleaned, ags=ags, inhabitants=inhabitants, employees=employees,
                               targets_text=targets_text)
        written = []
        # the folders this change creates (the county's, and plugins/ if it is new): undone on failure
        created = layout.plugins_dir if not layout.plugins_dir.exists() else folder
        try:
            for relative, text in files.items():
                target = folder / relative
                session.store.write(target, text)
                written.append(target)

            def mutate(document: Any) -> None:
                from ruamel.yaml.comments import CommentedSeq

                members = document["verbund"].get("members")
                if members is None:
                    members = document["verbund"]["members"] = CommentedSeq()
                if getattr(members, "fa", None) is not None and not members:
                    members.fa.set_block_style()
                if key not in members:
                    members.append(key)

            session.store.edit(current.config_path, "config", mutate, lock=False)
        except BaseException:
            for target in reversed(written):
                fs.remove(target)
            fs.remove_empty_folders(created)
            raise
    session.workspace_changed()
    from ..store import parse_yaml, plain

    document = plain(parse_yaml(targets_text, "zielobjekte.yaml").data) or {}
    targets = document.get("zielobjekte") or []
    return {"key": key, "name": cleaned, "folder": layout.relative(folder), "member": True,
            "catalog": pin, "starter": starter, "targets": len(targets),
            "bausteine": [b.get("baustein") if isinstance(b, dict) else b
                          for t in targets if t.get("type") == "Informationsverbund" for b in t.get("bausteine") or ()],
            "omitted": omitted}
