"""The plugin API of ikz-isms: every hook, documented by its docstring.

A plugin is a module (or object) with functions decorated by ``ikz_isms.hookimpl`` whose
names are the hook names below. Contributing hooks receive a ``register`` callback; the
core owns the registry, rejects duplicates and remembers which plugin contributed what.
The reference in ``docs/plugins.md`` is generated from this file.
"""

from __future__ import annotations

import pluggy

PROJECT = "ikz_isms"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def ikz_register_commands(cli):
    """Add commands or command groups to the ``ikz-isms`` command line.

    Fires once when the CLI starts, after all plugins are loaded. ``cli`` is the top-level
    ``click.Group``; call ``cli.add_command(...)``. Import heavy libraries inside the
    command functions, not at module level, so ``ikz-isms --help`` stays fast.
    Returns nothing.
    """


@hookspec
def ikz_register_catalog_formats(register):
    """Contribute catalog importers.

    Fires when a catalog file is loaded or imported. Call
    ``register(name, detect, load, description)`` once per format, where
    ``detect(path, head: bytes) -> bool`` says whether the file is in this format (``head``
    holds the first 64 KiB) and ``load(path, progress) -> Catalog`` parses it into a
    ``ikz_isms.catalog.model.Catalog``; ``progress`` is a callable ``progress(done, total)``
    the importer may call. Formats are tried in registration order; the first whose
    ``detect`` answers ``True`` wins. Returns nothing.
    """


@hookspec
def ikz_register_check_rules(register):
    """Contribute rules to ``ikz-isms check``.

    Fires when ``check`` runs. Call ``register(rule_id, function, description)``; the
    function receives a ``ikz_isms.checks.CheckContext`` (workspace, loaded catalogs) and
    yields ``ikz_isms.checks.Finding`` objects. Rule ids are dotted, e.g.
    ``catalog.duplicate-id``; a plugin's rules should start with its own prefix.
    Returns nothing.
    """


@hookspec
def ikz_register_counties(register):
    """Contribute county profiles and their data directories.

    Fires when the workspace's counties are needed (``assess``, ``check``, ``county``).
    Call ``register(profile, data_dir)`` where ``profile`` is a
    ``ikz_isms.county.CountyProfile`` (or a mapping with the same fields: ``key``, ``name``,
    ``ags``, ``inhabitants``, ``employees``, ``isb``, ``disclosure``) and ``data_dir`` is
    the directory holding the county's YAML data (target objects, check records, plan,
    journal). A county key may be registered only once. Returns nothing.
    """
