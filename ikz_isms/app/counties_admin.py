"""Use cases that change which counties a workspace has: add a county (a data folder, no Python)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..errors import RefusedError, UsageError

if TYPE_CHECKING:
    from .session import Session

#: Bausteine every information domain needs; a new county gets those its pinned catalog has
DOMAIN_BAUSTEINE = ("ISMS.1", "ORP.1", "ORP.2", "ORP.3", "ORP.4", "CON.3", "OPS.1.1.3", "OPS.1.1.4", "DER.2.1")
MAX_NAME = 120


def _yaml_str(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def scaffold_files(key: str, name: str, *, ags: str | None, inhabitants: int | None,
                   employees: int | None, bausteine: list[str]) -> dict[str, str]:
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
    targets = [
        "# Zielobjekte (Strukturanalyse). type: Informationsverbund, Geschäftsprozess, Anwendung,",
        "# IT-System, Netz, Raum, Gebäude. depends_on: worauf das Objekt angewiesen ist.",
        "zielobjekte:",
        "  - id: IV",
        f"    name: {_yaml_str('Informationsverbund ' + name)}",
        "    type: Informationsverbund",
        "    protection_need:",
        "      C: normal",
        "      I: normal",
        "      A: normal",
        "    bausteine: [" + ", ".join(bausteine) + "]",
    ]
    return {
        "README.md": (
            f"# Landkreis {name}\n\nDatenordner für ikz-isms (kein Python nötig). Die Daten liegen in `data/`:\n"
            "`landkreis.yaml` (Profil), `zielobjekte.yaml` (Strukturanalyse, Schutzbedarf, Modellierung),\n"
            "`pruefungen/` (IT-Grundschutz-Check, eine Datei je Zielobjekt), `plan.yaml` (Realisierungsplan),\n"
            "`journal.jsonl` (Änderungsjournal, nicht von Hand ändern).\n"
        ),
        "data/landkreis.yaml": "\n".join(profile) + "\n",
        "data/zielobjekte.yaml": "\n".join(targets) + "\n",
        "data/journal.jsonl": "",
    }


def _domain_bausteine(session: "Session") -> tuple[list[str], str | None]:
    """(Bausteine for the information domain, the pin used) — none while no catalog is pinned."""
    workspace = session.workspace
    if not workspace.pins:
        return [], None
    pin, catalog = session.catalog(None)
    edition = session.edition(catalog)
    chosen = [
        b for b in DOMAIN_BAUSTEINE
        if b in catalog.groups and catalog.groups[b].kind == "baustein"
        and catalog.groups[b].target_object_type in (None, "Informationsverbund")
    ] if edition.modelling_label == "Bausteine" else []
    return chosen, pin.name


def add_county(session: "Session", name: str, *, key: str | None = None, ags: str | None = None,
               inhabitants: int | None = None, employees: int | None = None) -> dict[str, Any]:
    """Create ``plugins/ikz-county-<key>/`` (profile, structure, empty journal) and add the member.

    Runs under the config's lock, so concurrent additions lose nothing; refuses an existing
    key or folder. Works in any workspace, with or without a pinned catalog.
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
    bausteine, pin = _domain_bausteine(session)
    with fs.locked(workspace.config_path):
        current = workspace.reload()
        existing = session.counties()
        if key in existing or folder.exists():
            where = existing[key].data_dir if key in existing else folder
            raise RefusedError(f"Landkreis '{key}' gibt es in dieser Arbeitsumgebung bereits ({layout.relative(where)}).")
        files = scaffold_files(key, cleaned, ags=ags, inhabitants=inhabitants, employees=employees, bausteine=bausteine)
        written = []
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
            raise
    session.workspace_changed()
    return {"key": key, "name": cleaned, "folder": layout.relative(folder), "member": True,
            "catalog": pin, "bausteine": bausteine}
