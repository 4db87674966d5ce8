"""Plugin discovery and the plugin manager factory.

Discovery order (documented in docs/plugins.md):

1. installed distributions with an entry point in the group ``ikz_isms``;
2. the workspace's ``plugins/`` directory: every ``*.py`` file, and every sub-directory
   whose ``pyproject.toml`` declares an ``ikz_isms`` entry point (so a county plugin works
   from a fresh clone without being installed); a name already loaded in step 1 is skipped;
3. the built-in plugins in ``DEFAULT_PLUGINS``.

Operator switches: ``IKZ_ISMS_PLUGINS`` (comma-separated allow-list; only these non-built-in
plugins load), ``IKZ_ISMS_BLOCK_PLUGINS`` (comma-separated block-list), and
``IKZ_ISMS_NO_ENTRY_POINTS=1`` (skip step 1, used by the test suite).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pluggy

from . import hookspecs
from .errors import PluginError

ENTRY_POINT_GROUP = "ikz_isms"

DEFAULT_PLUGINS = (
    "ikz_isms.catalog.formats",
    "ikz_isms.commands.catalog",
    "ikz_isms.commands.check",
    "ikz_isms.commands.plugins_cmd",
    "ikz_isms.commands.workspace_cmd",
    "ikz_isms.commands.county",
    "ikz_isms.commands.assess",
    "ikz_isms.commands.journal",
    "ikz_isms.commands.plan",
    "ikz_isms.commands.review",
    "ikz_isms.commands.report",
    "ikz_isms.checks.catalog_rules",
    "ikz_isms.checks.workspace_rules",
    "ikz_isms.checks.record_rules",
    "ikz_isms.commands.contracts",
    "ikz_isms.commands.costs",
    "ikz_isms.commands.export",
    "ikz_isms.checks.contract_rules",
    "ikz_isms.commands.tender",
    "ikz_isms.checks.tender_rules",
)


@dataclass
class PluginFailure:
    """A plugin that could not be loaded or whose hook raised or misbehaved."""

    plugin: str
    message: str
    hook: str | None = None


@dataclass
class PluginInfo:
    name: str
    origin: str  # "entrypoint" | "workspace" | "builtin"
    version: str | None = None
    path: str | None = None


class IkzPluginManager(pluggy.PluginManager):
    """A pluggy manager that also remembers where plugins came from and what failed."""

    def __init__(self) -> None:
        super().__init__(hookspecs.PROJECT)
        self.add_hookspecs(hookspecs)
        self.infos: dict[str, PluginInfo] = {}
        self.failures: list[PluginFailure] = []

    def register_plugin(self, plugin: Any, info: PluginInfo) -> None:
        if self.has_plugin(info.name):
            return
        try:
            self.register(plugin, name=info.name)
        except (ValueError, pluggy.PluginValidationError) as exc:
            self.failures.append(PluginFailure(info.name, f"ungültiges Plugin: {exc}"))
            return
        self.infos[info.name] = info

    def contribute(self, hook_name: str, register: Callable[..., Any], **kwargs: Any) -> None:
        """Call a contributing hook plugin by plugin.

        ``register`` is wrapped so the registry learns which plugin called it; an exception
        inside one plugin's hook is recorded as a failure and the others still run.
        """
        hook = getattr(self.hook, hook_name)
        for impl in reversed(hook.get_hookimpls()):
            name = impl.plugin_name

            def bound(*args: Any, _name: str = name, **kw: Any) -> Any:
                return register(*args, plugin=_name, **kw)

            try:
                result = impl.function(**{"register": bound, **kwargs})
            except PluginError as exc:
                self.failures.append(PluginFailure(name, exc.message, hook_name))
                continue
            except Exception as exc:  # a plugin's bug must not take the CLI down
                self.failures.append(
                    PluginFailure(name, f"{type(exc).__name__}: {exc}", hook_name)
                )
                continue
            if result is not None:
                self.failures.append(
                    PluginFailure(
                        name,
                        f"Hook gab {type(result).__name__} zurück; erwartet wird nichts "
                        "(Beiträge über register(...) melden).",
                        hook_name,
                    )
                )

    def call_safely(self, hook_name: str, **kwargs: Any) -> None:
        """Call a non-contributing hook plugin by plugin, recording failures."""
        hook = getattr(self.hook, hook_name)
        for impl in reversed(hook.get_hookimpls()):
            try:
                impl.function(**kwargs)
            except Exception as exc:
                self.failures.append(
                    PluginFailure(impl.plugin_name, f"{type(exc).__name__}: {exc}", hook_name)
                )


def _csv_env(name: str) -> set[str] | None:
    value = os.environ.get(name)
    if value is None:
        return None
    return {part.strip() for part in value.split(",") if part.strip()}


def _allowed(name: str, allow: set[str] | None, block: set[str] | None) -> bool:
    if block and name in block:
        return False
    return allow is None or name in allow


def _load_entry_points(pm: IkzPluginManager, allow, block) -> None:
    from importlib.metadata import entry_points

    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if not _allowed(ep.name, allow, block) or pm.has_plugin(ep.name):
            continue
        version = ep.dist.version if ep.dist else None
        try:
            plugin = ep.load()
        except Exception as exc:
            pm.failures.append(PluginFailure(ep.name, f"Laden fehlgeschlagen: {exc}"))
            continue
        pm.register_plugin(plugin, PluginInfo(ep.name, "entrypoint", version, ep.value))


def _import_file(name: str, path: Path, search_path: Path | None = None) -> Any:
    module_name = f"ikz_isms_workspace_plugins.{name.replace('-', '_')}"
    if path.is_dir():
        path = path / "__init__.py"
        locations = [str(path.parent)]
    else:
        locations = None
    cached = sys.modules.get(module_name)
    # the same plugin name from another workspace (tests, several checkouts) is another module
    if cached is not None and getattr(cached, "__file__", None) == str(path):
        return cached
    spec = importlib.util.spec_from_file_location(
        module_name, path, submodule_search_locations=locations
    )
    if spec is None or spec.loader is None:
        raise ImportError(f"kein Python-Modul: {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    return module


def _distribution_plugins(directory: Path) -> list[tuple[str, Path, str | None]]:
    """(entry-point name, module path, version) declared by a plugin distribution folder."""
    try:
        meta = tomllib.loads((directory / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return []
    project = meta.get("project", {})
    eps = project.get("entry-points", {}).get(ENTRY_POINT_GROUP, {})
    found = []
    for ep_name, target in eps.items():
        module = target.split(":")[0]
        parts = module.split(".")
        for root in (directory / "src", directory):
            candidate = root.joinpath(*parts)
            if (candidate / "__init__.py").exists():
                found.append((ep_name, candidate, project.get("version")))
                break
            if candidate.with_suffix(".py").exists():
                found.append((ep_name, candidate.with_suffix(".py"), project.get("version")))
                break
    return found


def _load_workspace_plugins(pm: IkzPluginManager, plugins_dir: Path, allow, block) -> None:
    if not plugins_dir.is_dir():
        return
    candidates: list[tuple[str, Path, str | None]] = []
    for entry in sorted(plugins_dir.iterdir()):
        if entry.name.startswith((".", "_")):
            continue
        if entry.is_file() and entry.suffix == ".py":
            candidates.append((entry.stem, entry, None))
        elif entry.is_dir():
            candidates.extend(_distribution_plugins(entry))
    for name, path, version in candidates:
        if not _allowed(name, allow, block) or pm.has_plugin(name):
            continue
        try:
            module = _import_file(name, path)
        except Exception as exc:
            pm.failures.append(PluginFailure(name, f"Laden fehlgeschlagen: {type(exc).__name__}: {exc}"))
            continue
        pm.register_plugin(module, PluginInfo(name, "workspace", version, str(path)))


def get_plugin_manager(
    workspace_dir: str | os.PathLike[str] | None = None,
    *,
    load_entry_points: bool | None = None,
) -> IkzPluginManager:
    """Build a fresh plugin manager: entry points, workspace plugins, then built-ins."""
    pm = IkzPluginManager()
    allow = _csv_env("IKZ_ISMS_PLUGINS")
    block = _csv_env("IKZ_ISMS_BLOCK_PLUGINS")
    if load_entry_points is None:
        load_entry_points = os.environ.get("IKZ_ISMS_NO_ENTRY_POINTS", "") not in ("1", "true")
    if load_entry_points:
        _load_entry_points(pm, allow, block)
    if workspace_dir is not None:
        _load_workspace_plugins(pm, Path(workspace_dir) / "plugins", allow, block)
    from . import __version__

    for module_name in DEFAULT_PLUGINS:
        if block and module_name in block:
            continue
        try:
            module = importlib.import_module(module_name)
        except Exception as exc:  # a damaged installation: report it, keep the rest usable
            pm.failures.append(PluginFailure(module_name, f"Laden fehlgeschlagen: {type(exc).__name__}: {exc}"))
            continue
        pm.register_plugin(module, PluginInfo(module_name, "builtin", __version__))
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        # a misspelt hook name: fail loudly, name the plugin
        plugin_name = pm.get_name(exc.plugin) or "?"
        raise PluginError(f"Plugin {plugin_name}: {exc}") from None
    return pm


def implemented_hooks(pm: pluggy.PluginManager, plugin: Any) -> list[str]:
    return sorted(
        caller.name
        for caller in (pm.get_hookcallers(plugin) or [])
        if caller.name.startswith("ikz_")
    )
