"""The plugin API of ikz-isms: every hook, documented by its docstring.

A plugin is a module (or object) with functions decorated by ``ikz_isms.hookimpl`` whose
names are the hook names below. An implementation may take any subset of a hook's
arguments, in any order (pluggy matches them by name), and may use ``tryfirst``,
``trylast`` and ``wrapper=True`` as pluggy documents them. Contributing hooks receive a
``register`` callback; the core owns the registry, rejects duplicates naming both plugins
and remembers which plugin contributed what. None of the hooks return a value.
The reference in ``docs/plugins.md`` is generated from this file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import click

    from .county import County
    from .workspace import Workspace

PROJECT = "ikz_isms"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def ikz_register_commands(cli: "click.Group") -> None:
    """Add commands or command groups to the ``ikz-isms`` command line.

    Fires once when the CLI starts, after all plugins are loaded. ``cli`` is the top-level
    group; call ``cli.add_command(command)``. The core owns the command table: a command
    whose name a built-in command already has (``check``, ``assess`` …) is refused and
    reported with both plugins' names; of two plugins claiming one name, the first to
    claim it keeps it. Commands receive the run's :class:`ikz_isms.Session` as
    ``click.get_current_context().obj`` (``@click.pass_obj``). Import heavy libraries
    inside the command functions, not at module level, so ``ikz-isms --help`` stays fast.
    """


@hookspec
def ikz_register_catalog_formats(register: Callable[..., None]) -> None:
    """Contribute catalog importers.

    Fires when a catalog file is loaded or imported. Call
    ``register(name, detect, load, description)`` once per format, where
    ``detect(path, head: bytes) -> bool`` says whether the file is in this format (``head``
    holds the first 64 KiB) and ``load(path, progress) -> Catalog`` parses it into a
    ``ikz_isms.catalog.model.Catalog``; ``progress`` is a callable ``progress(done, total)``
    the importer may call. Formats are tried in registration order; the first whose
    ``detect`` answers ``True`` wins.
    """


@hookspec
def ikz_register_check_rules(register: Callable[..., None]) -> None:
    """Contribute rules to ``ikz-isms check``.

    Fires when ``check`` runs. Call ``register(rule_id, function, description)``; the
    function receives a ``ikz_isms.checks.CheckContext`` (the session, the workspace, the
    loaded catalogs) and yields ``ikz_isms.checks.Finding`` objects. Rule ids are dotted,
    e.g. ``catalog.duplicate-id``; a plugin's rules should start with its own prefix. The
    built-in rules cannot be replaced: a plugin registering one of their ids is refused.
    """


@hookspec
def ikz_register_counties(register: Callable[..., None], workspace: "Workspace | None") -> None:
    """Contribute county profiles and their data directories.

    Fires once per run when the counties are needed (``assess``, ``check``, ``county`` …).
    Call ``register(profile, data_dir)`` where ``profile`` is a
    ``ikz_isms.county.CountyProfile`` (or a mapping with the same fields: ``key``, ``name``,
    ``ags``, ``inhabitants``, ``employees``, ``isb``, ``disclosure``) and ``data_dir`` is
    the directory holding the county's data (target objects, check records, plan, journal).
    ``workspace`` is the workspace of the run (``None`` outside one). A county counts in a
    workspace only if its data directory lies inside the workspace or the workspace's
    ``ikz-isms.yaml`` names the plugin under ``plugins.installed``. A county key may be
    registered only once (the same key with the same directory again is ignored).
    """


@hookspec
def ikz_register_contracts(register: Callable[..., None], workspace: "Workspace | None") -> None:
    """Contribute a county's own contracts and its call-offs against the Verbund's contracts.

    Fires whenever contracts are needed (``contracts``, ``costs``, ``export ocds``,
    ``check``). Call ``register(path)`` once per YAML file. A file with an ``id`` is a
    contract (``kind: single`` with ``owner`` for the county's own contract, or a
    ``framework``) following ``ikz_isms/schemas/contract.schema.json``; a file with only
    ``calloffs`` lists call-offs (Abrufe), each naming its ``contract``, following
    ``calloffs.schema.json``. The Verbund's framework contracts themselves live in the
    workspace's ``catalogs/vertraege/``. A file may be registered only once.
    """


@hookspec
def ikz_customise_report(kind: str, county: "County | None", register: Callable[..., None]) -> None:
    """Customise a PDF report: letterhead, logo, signature block, extra sections.

    Fires once per PDF while ``ikz-isms report`` builds it. ``kind`` is ``"county"``,
    ``"plan"`` or ``"verbund"``; ``county`` is the ``ikz_isms.county.County`` the report is
    about (``None`` for the Verbund report) — a county plugin usually answers only for its
    own ``county.key``. Call ``register(part, value)`` with plain data (all text is printed
    literally, never as markup):

    * ``register("letterhead", ["Kreisverwaltung …", "Referat …"])`` — lines above the title
      on the cover page (once per report);
    * ``register("logo", path)`` — a PNG or JPEG drawn at the top right of the cover page
      (once per report);
    * ``register("signature", [("Ort, Datum", ""), ("Landrat", "Name")])`` — the signature
      block at the end: (role, name) pairs, each with a line to sign on (once per report);
    * ``register("section", {"title": "...", "paragraphs": [...], "table": {"header": [...],
      "rows": [[...], ...]}})`` — an extra section appended before the signature block
      (``table`` optional; any number of sections).

    A second letterhead, logo or signature for the same report is rejected with the names
    of both plugins.
    """


@hookspec
def ikz_register_editions(register: Callable[..., None]) -> None:
    """Contribute an edition of IT-Grundschutz (how its catalogs are labelled and modelled).

    Fires once per run when the first catalog is assessed. Call ``register(edition)`` with
    an instance of a subclass of ``ikz_isms.editions.Edition`` (id, labels, levels,
    approaches, Basis rule, modelling, ranking). A catalog belongs to the first edition
    whose ``recognises(catalog)`` answers ``True``; the built-ins are Edition 2023
    (``ed2023``) and Grundschutz++ (``gspp``). An edition id may be registered only once.
    """
