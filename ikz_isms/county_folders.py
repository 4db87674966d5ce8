"""Built-in plugin: a county is a data folder — ``plugins/<name>/data/landkreis.yaml`` (or
``plugins/<name>/landkreis.yaml``) in the workspace registers that county, no Python needed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError, PluginError
from .hookspecs import hookimpl
from .store.layout import COUNTY_DATA_DIR, PROFILE_FILE

if TYPE_CHECKING:
    from .workspace import Workspace


def county_data_folders(plugins_dir: Path) -> list[Path]:
    """The county data folders under a workspace's ``plugins/`` folder, sorted.

    A folder counts when something is named ``landkreis.yaml`` in it — a file, but also a
    directory or a dangling link in its place: reading it then fails with a German message
    naming the path, where skipping the folder would only say "nicht registriert". So does a
    ``data/`` folder with a county's records or journal whose ``landkreis.yaml`` is gone.
    """
    try:
        entries = sorted(p for p in plugins_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    except OSError:
        return []
    found = []
    for entry in entries:
        for candidate in (entry / COUNTY_DATA_DIR, entry):
            profile = candidate / PROFILE_FILE
            if profile.exists() or profile.is_symlink():
                found.append(candidate)
                break
        else:
            data = entry / COUNTY_DATA_DIR
            # a county's data without its profile (landkreis.yaml deleted): reading it fails naming
            # the missing file, where skipping it would drop the county without a word
            if any((data / name).exists() for name in ("journal.jsonl", "pruefungen", "zielobjekte.yaml")):
                found.append(data)
    return found


@hookimpl
def ikz_register_counties(register: Callable[..., None], workspace: Workspace | None) -> None:
    from .county import read_profile

    if workspace is None:
        return
    problems = []
    for folder in county_data_folders(workspace.layout.plugins_dir):
        try:
            profile = read_profile(folder, workspace.store)
        except InputError as exc:
            problems.append(str(exc))
            continue
        register(profile, folder)
    if problems:
        raise PluginError("; ".join(problems))
