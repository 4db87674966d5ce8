"""Plugin discovery and the plugin manager factory (pluggy is the spine, used as pluggy means it).

Discovery order (documented in docs/plugins.md):

1. installed distributions with an entry point in the group ``ikz_isms`` (installed code is
   trusted: whoever could install it could run it);
2. the workspace's ``plugins/`` folder: ``*.py`` files and sub-folders whose
   ``pyproject.toml`` declares an ``ikz_isms`` entry point — **loaded only when the
   workspace config allows them by name and content hash** (``plugins.allow`` in
   ``ikz-isms.yaml``, written by ``ikz-isms plugins allow NAME``); a county needs no Python
   (its data folder is found by the built-in plugin ``ikz_isms.county_folders``);
3. the built-in plugins in ``DEFAULT_PLUGINS``.

Hooks are called through ``pm.hook``: implementations may take argument subsets and use
``tryfirst``/``trylast``/``wrapper``. pluggy calls the most recently registered first, so
the built-ins (registered last) run before workspace plugins, which run before installed
ones; ``tryfirst``/``trylast`` move an implementation to the front or the back. Each
non-wrapper implementation runs guarded: an exception inside it, or a returned value, is
recorded as a failure of that plugin and the others still run.

Operator switches: ``IKZ_ISMS_PLUGINS`` (allow-list of non-built-in plugins),
``IKZ_ISMS_BLOCK_PLUGINS`` (block-list; essential built-ins cannot be blocked),
``IKZ_ISMS_NO_ENTRY_POINTS=1`` (skip step 1, used by the test suite) and
``IKZ_ISMS_TRACE_PLUGINS=1`` (print every hook call on stderr).
"""

from __future__ import annotations

import contextvars
import functools
import importlib
import importlib.machinery
import importlib.util
import os
import sys
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

from . import hookspecs
from .errors import InputError, PluginError

if TYPE_CHECKING:
    from .store import Store

ENTRY_POINT_GROUP = "ikz_isms"

DEFAULT_PLUGINS = (
    "ikz_isms.editions.builtin",
    "ikz_isms.catalog.formats",
    "ikz_isms.county_folders",
    "ikz_isms.commands",
    "ikz_isms.checks.catalog_rules",
    "ikz_isms.checks.workspace_rules",
    "ikz_isms.checks.record_rules",
    "ikz_isms.checks.structure_rules",
    "ikz_isms.checks.plan_rules",
    "ikz_isms.checks.journal_rules",
    "ikz_isms.checks.review_rules",
    "ikz_isms.checks.verbund_rules",
    "ikz_isms.checks.risk_rules",
    "ikz_isms.checks.contract_rules",
    "ikz_isms.checks.tender_rules",
    "ikz_isms.checks.transition_rules",
)

#: built-ins the CI gate rests on: they cannot be blocked, and their commands and rule ids
#: cannot be taken by another plugin
ESSENTIAL_PLUGINS = frozenset({
    "ikz_isms.editions.builtin",
    "ikz_isms.catalog.formats",
    "ikz_isms.county_folders",
    "ikz_isms.commands",
    "ikz_isms.checks.catalog_rules",
    "ikz_isms.checks.workspace_rules",
    "ikz_isms.checks.record_rules",
    "ikz_isms.checks.structure_rules",
    "ikz_isms.checks.plan_rules",
    "ikz_isms.checks.journal_rules",
    "ikz_isms.checks.review_rules",
    "ikz_isms.checks.verbund_rules",
})

#: built-ins whose one hook is ``ikz_register_check_rules``: registered under their names as
#: stand-ins (:func:`check_rules_stand_in`) and imported when the rules are asked for (by
#: ``check``), not by every command (about 3 ms of a run); ``tests/test_plugin_hooks.py`` holds
#: that they implement no other hook
CHECK_RULE_MODULES = frozenset(name for name in DEFAULT_PLUGINS if name.startswith("ikz_isms.checks."))


def check_rules_stand_in(module_name: str) -> types.ModuleType:
    """A plugin for the check rules of ``module_name`` that imports the module on the first call.

    A module object (never put into ``sys.modules``) with the one implementation, so that
    registering it costs what registering a small module costs (see :meth:`IkzPluginManager.parse_hookimpl_opts`).
    """
    stand_in = types.ModuleType(module_name, f"Stand-in for {module_name}: its rules, imported when asked for.")

    @hookspecs.hookimpl
    def ikz_register_check_rules(register: Callable[..., Any]) -> None:
        importlib.import_module(module_name).ikz_register_check_rules(register)

    stand_in.ikz_register_check_rules = ikz_register_check_rules  # type: ignore[attr-defined]
    return stand_in


_current_plugin: contextvars.ContextVar[str] = contextvars.ContextVar("ikz_current_plugin", default="?")

#: while set (an :class:`ikz_isms.helpcache.InputLog`), discovery reports every path it looks
#: at, so a cached ``--help`` knows what to check before it is used again
observer: Any = None


def current_plugin() -> str:
    """The plugin whose hook implementation is running (for attributing registrations)."""
    return _current_plugin.get()


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


@dataclass
class SkippedPlugin:
    """Workspace code that was found but not run, and why (shown by ``ikz-isms plugins``)."""

    name: str
    path: str
    sha256: str
    reason: str  # "not-allowed" | "hash-changed" | "data-folder"
    notice: bool = True


@dataclass
class WorkspacePlugin:
    """A plugin found in a workspace's ``plugins/`` folder."""

    name: str
    module_path: Path
    folder: Path
    version: str | None
    sha256: str
    has_data: bool = False


_ABSENT = object()
#: what pluggy accepts as a hook implementation (plain and bound functions, static and class methods)
_HOOKABLE = (types.FunctionType, staticmethod, classmethod, types.MethodType)
_IMPL_MARKER = hookspecs.PROJECT + "_impl"


class IkzPluginManager(pluggy.PluginManager):
    """A pluggy manager that also remembers where plugins came from and what failed."""

    def __init__(self) -> None:
        super().__init__(hookspecs.PROJECT)
        self.add_hookspecs(hookspecs)
        self.infos: dict[str, PluginInfo] = {}
        self.failures: list[PluginFailure] = []
        self.skipped: list[SkippedPlugin] = []

    def parse_hookimpl_opts(self, plugin: Any, name: str) -> Any:
        """pluggy's answer, with the names of a module that cannot be hook implementations passed over first.

        pluggy looks at every name of a plugin with ``inspect.getattr_static``; for a module
        (every built-in and county plugin) a name is listed by ``dir`` only when it is in the
        module's ``__dict__``, and a value there that is no function, static or class method
        or bound method, or one without the ``ikz_isms_impl`` marker, is never an
        implementation. Those names (imports, constants, helpers: most of a module) are
        answered ``None`` here without the lookup; every other name goes to pluggy.
        """
        if type(plugin) is types.ModuleType:
            value = plugin.__dict__.get(name, _ABSENT)
            if value is _ABSENT or not isinstance(value, _HOOKABLE):
                return None
            if getattr(value, _IMPL_MARKER, None) is None \
                    and getattr(getattr(value, "__func__", None), _IMPL_MARKER, None) is None:
                return None
        return super().parse_hookimpl_opts(plugin, name)

    def register(self, plugin: Any, name: str | None = None) -> str | None:
        registered = super().register(plugin, name)
        if registered is not None:
            self._guard(plugin, registered)
        return registered

    def _guard(self, plugin: Any, name: str) -> None:
        """Wrap the plugin's non-wrapper implementations so a failure stays the plugin's."""
        for caller in self.get_hookcallers(plugin) or []:
            for impl in caller.get_hookimpls():
                if impl.plugin is not plugin or impl.hookwrapper or impl.wrapper:
                    continue
                # pluggy marks the attribute Final for its users; the manager itself guards what it calls
                impl.function = self._guarded(impl.function, name, caller.name)  # type: ignore[misc]

    def _guarded(self, function: Callable[..., Any], plugin: str, hook_name: str) -> Callable[..., Any]:
        @functools.wraps(function)
        def call(*args: Any) -> None:
            token = _current_plugin.set(plugin)
            try:
                result = function(*args)
            except PluginError as exc:
                self.failures.append(PluginFailure(plugin, exc.message, hook_name))
                return None
            except Exception as exc:  # a plugin's bug must not take the CLI down
                self.failures.append(PluginFailure(plugin, f"{type(exc).__name__}: {exc}", hook_name))
                return None
            finally:
                _current_plugin.reset(token)
            if result is not None:
                self.failures.append(PluginFailure(
                    plugin,
                    f"Hook gab {type(result).__name__} zurück; erwartet wird nichts (Beiträge über register(...) melden).",
                    hook_name,
                ))
            return None

        return call

    def register_plugin(self, plugin: Any, info: PluginInfo) -> None:
        if self.has_plugin(info.name):
            return
        try:
            self.register(plugin, name=info.name)
        except (ValueError, pluggy.PluginValidationError) as exc:
            self.failures.append(PluginFailure(info.name, f"ungültiges Plugin: {exc}"))
            return
        self.infos[info.name] = info

    def call(self, hook_name: str, **kwargs: Any) -> None:
        """Call a hook through ``pm.hook``; a wrapper's exception is recorded as its plugin's failure."""
        hook = getattr(self.hook, hook_name)
        try:
            hook(**kwargs)
        except Exception as exc:  # only wrappers can get here: plain implementations are guarded
            self.failures.append(PluginFailure(self._culprit(exc, hook), f"{type(exc).__name__}: {exc}", hook_name))

    def contribute(self, hook_name: str, register: Callable[..., Any], **kwargs: Any) -> None:
        """Call a contributing hook; ``register`` learns which plugin calls it (``plugin=``)."""

        def bound(*args: Any, **kw: Any) -> Any:
            return register(*args, plugin=current_plugin(), **kw)

        self.call(hook_name, register=bound, **kwargs)

    @staticmethod
    def _culprit(exc: BaseException, hook: Any) -> str:
        codes = {getattr(impl.function, "__code__", None): impl.plugin_name for impl in hook.get_hookimpls()}
        tb = exc.__traceback__
        culprit = "?"
        while tb is not None:
            if tb.tb_frame.f_code in codes:
                culprit = codes[tb.tb_frame.f_code]
            tb = tb.tb_next
        return culprit

    def origin(self, plugin_name: str) -> str:
        info = self.infos.get(plugin_name)
        return info.origin if info else "?"

    def is_builtin(self, plugin_name: str) -> bool:
        return self.origin(plugin_name) == "builtin"


def _csv_env(name: str) -> set[str] | None:
    value = os.environ.get(name)
    if value is None:
        return None
    return {part.strip() for part in value.split(",") if part.strip()}


def _allowed(name: str, allow: set[str] | None, block: set[str] | None) -> bool:
    if block and name in block:
        return False
    return allow is None or name in allow


class _EntryPoint:
    """One entry point of an installed distribution, found without :mod:`importlib.metadata`."""

    def __init__(self, name: str, value: str, dist_path: str):
        self.name = name
        self.value = value
        self.dist_path = dist_path

    def load(self) -> Any:
        import re

        match = re.match(r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$", self.value)
        if match is None:
            raise ValueError(f"ungültiger Entry Point: {self.value!r}")
        target = importlib.import_module(match.group("module"))
        for attribute in filter(None, (match.group("attr") or "").split(".")):
            target = getattr(target, attribute)
        return target

    @property
    def version(self) -> str | None:
        """``Version`` of the distribution's core metadata (as ``importlib.metadata`` reads it)."""
        for name in ("METADATA", "PKG-INFO"):
            try:
                with open(os.path.join(self.dist_path, name), encoding="utf-8") as handle:
                    text = handle.read()
            except OSError:
                continue
            if not text:
                continue
            for line in text.splitlines():
                if not line.strip():
                    break
                key, sep, value = line.partition(":")
                if sep and key.strip().lower() == "version":
                    return value.strip()
            return None
        return None


def _scan_entry_points(group: str) -> list[_EntryPoint] | None:
    """The entry points of ``group`` of every distribution on ``sys.path``, read directly.

    Follows :func:`importlib.metadata.entry_points` (3.11): the ``*.dist-info`` and
    ``*.egg-info`` folders of each ``sys.path`` entry in order, one distribution per
    normalised name (the first found wins), ``entry_points.txt`` read as its sections.
    Importing :mod:`importlib.metadata` (email, zipfile, …) costs more than the whole scan,
    which is why ``--help`` avoids it. ``None`` when something unusual is on the path (a zip
    file, an ``.egg``, a finder of its own that knows distributions): then the caller asks
    :mod:`importlib.metadata` itself.
    """
    for finder in sys.meta_path:
        if getattr(finder, "find_distributions", None) is not None and finder is not importlib.machinery.PathFinder:
            return None
    found: list[_EntryPoint] = []
    seen: set[str] = set()
    for entry in sys.path:
        root = entry or "."
        if os.path.basename(root).lower().endswith(".egg"):
            return None
        if observer is not None:
            observer.listing(os.path.abspath(root))
        try:
            children = os.listdir(root)
        except OSError:
            if os.path.isfile(root):
                return None  # a zip archive on sys.path
            continue
        by_name: dict[str, list[str]] = {}
        for child in children:
            low = child.lower()
            if low.endswith((".dist-info", ".egg-info")):
                name = low.rpartition(".")[0].partition("-")[0]
                by_name.setdefault(_normalise(name), []).append(child)
        for children_of_name in by_name.values():
            for child in children_of_name:
                stem = os.path.splitext(child)[0].partition("-")[0]
                normalised = _normalise(stem)
                if normalised in seen:
                    continue
                seen.add(normalised)
                dist_path = os.path.join(entry, child)
                if observer is not None:
                    observer.probe(os.path.abspath(os.path.join(dist_path, "entry_points.txt")))
                try:
                    with open(os.path.join(dist_path, "entry_points.txt"), encoding="utf-8") as handle:
                        text = handle.read()
                except OSError:
                    continue
                found.extend(_entry_points_of(text, group, dist_path))
    return found


def _normalise(name: str) -> str:
    import re

    return re.sub(r"[-_.]+", "-", name).lower().replace("-", "_")


def _entry_points_of(text: str, group: str, dist_path: str) -> Iterator[_EntryPoint]:
    section = None
    for line in map(str.strip, text.splitlines()):
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line.strip("[]")
            continue
        if section != group:
            continue
        name, sep, value = line.partition("=")
        if sep:
            yield _EntryPoint(name.strip(), value.strip(), dist_path)


def _load_entry_points(pm: IkzPluginManager, allow: set[str] | None, block: set[str] | None) -> None:
    scanned = _scan_entry_points(ENTRY_POINT_GROUP)
    if scanned is None:
        from importlib.metadata import entry_points

        if observer is not None:
            observer.unsure = True
        eps: list[Any] = list(entry_points(group=ENTRY_POINT_GROUP))
    else:
        eps = scanned
    for ep in eps:
        if not _allowed(ep.name, allow, block) or pm.has_plugin(ep.name):
            continue
        if isinstance(ep, _EntryPoint):
            version = ep.version
        else:
            version = ep.dist.version if ep.dist else None
        try:
            plugin = ep.load()
        except Exception as exc:
            pm.failures.append(PluginFailure(ep.name, f"Laden fehlgeschlagen: {type(exc).__name__}: {exc}"))
            continue
        pm.register_plugin(plugin, PluginInfo(ep.name, "entrypoint", version, ep.value))


def _import_file(name: str, path: Path) -> Any:
    module_name = f"ikz_isms_workspace_plugins.{name.replace('-', '_')}"
    locations = None
    if path.is_dir():
        locations = [str(path)]
        path = path / "__init__.py"
    cached = sys.modules.get(module_name)
    # the same plugin name from another workspace (tests, several checkouts) is another module
    if cached is not None and getattr(cached, "__file__", None) == str(path):
        return cached
    spec = importlib.util.spec_from_file_location(module_name, path, submodule_search_locations=locations)
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


def _code_hash(paths: list[Path], base: Path) -> str:
    import hashlib

    from .store import fs

    digest = hashlib.sha256()
    for path in sorted(paths):
        if observer is not None:
            observer.probe(path)
        digest.update(path.relative_to(base).as_posix().encode("utf-8") + b"\0")
        try:
            # the store's read: a named pipe among a workspace's files is refused, never waited on
            digest.update(fs.read_bytes(path))
        except InputError:
            digest.update(b"\0unreadable")
        digest.update(b"\0")
    return digest.hexdigest()


def _distribution_plugins(directory: Path) -> Iterator[WorkspacePlugin]:
    """Plugins a distribution folder declares in its ``pyproject.toml`` entry points."""
    import tomllib

    from .store import fs

    if observer is not None:
        for probed in (directory / "pyproject.toml", directory / "data" / "landkreis.yaml", directory / "landkreis.yaml",
                       directory / "src"):
            observer.probe(probed)
    try:
        meta = tomllib.loads(fs.read_bytes(directory / "pyproject.toml").decode("utf-8"))
    except (InputError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return
    project = meta.get("project", {}) if isinstance(meta, dict) else {}
    eps = project.get("entry-points", {}).get(ENTRY_POINT_GROUP, {}) if isinstance(project, dict) else {}
    has_data = (directory / "data" / "landkreis.yaml").is_file() or (directory / "landkreis.yaml").is_file()
    for ep_name, target in (eps.items() if isinstance(eps, dict) else ()):
        parts = str(target).split(":")[0].split(".")
        for root in (directory / "src", directory):
            candidate = root.joinpath(*parts)
            if observer is not None:
                observer.probe(candidate / "__init__.py")
                observer.probe(candidate.with_suffix(".py"))
            if (candidate / "__init__.py").exists():
                if observer is not None:
                    for folder, _dirs, _files in os.walk(candidate):
                        observer.listing(folder)
                files = [p for p in candidate.rglob("*.py")] + [directory / "pyproject.toml"]
                yield WorkspacePlugin(str(ep_name), candidate, directory, project.get("version"),
                                      _code_hash(files, directory), has_data)
                break
            if candidate.with_suffix(".py").exists():
                files = [candidate.with_suffix(".py"), directory / "pyproject.toml"]
                yield WorkspacePlugin(str(ep_name), candidate.with_suffix(".py"), directory,
                                      project.get("version"), _code_hash(files, directory), has_data)
                break


def workspace_plugins(plugins_dir: Path) -> list[WorkspacePlugin]:
    """Every Python plugin in a workspace's ``plugins/`` folder (without running any of it)."""
    found: list[WorkspacePlugin] = []
    if observer is not None:
        observer.listing(plugins_dir)
    try:
        entries = sorted(plugins_dir.iterdir())
    except OSError:
        return found
    for entry in entries:
        if entry.name.startswith((".", "_")):
            continue
        if observer is not None:
            observer.probe(entry)
        if entry.is_file() and entry.suffix == ".py":
            found.append(WorkspacePlugin(entry.stem, entry, entry.parent, None, _code_hash([entry], entry.parent)))
        elif entry.is_dir():
            found.extend(_distribution_plugins(entry))
    return found


def allowed_workspace_plugins(workspace_dir: Path, store: Store | Callable[[], Store] | None = None) -> dict[str, str]:
    """``plugins.allow`` of the workspace config: plugin name → SHA-256 of its code.

    ``store`` may be a function that makes the store: it is called only when the config has
    to be parsed.
    """
    from .store.layout import WorkspaceLayout

    config = WorkspaceLayout(Path(workspace_dir)).config
    if observer is not None:
        observer.probe(config)
    if not config.is_file():
        return {}
    try:
        with open(config, "rb") as handle:
            raw = handle.read()
    except OSError:
        return {}
    if b"allow" not in raw and b"\\" not in raw:
        # no key `allow` can be spelt in this file (a YAML escape needs a backslash): nothing
        # is allowed, and `--help` need not parse YAML to know it
        return {}
    from .store import Store

    if callable(store):
        store = store()
    try:
        data = (store or Store(None)).parse(config, "config", validate=False).data
    except Exception:  # an unreadable config allows nothing; the config's own error shows later
        return {}
    plugins = data.get("plugins") if isinstance(data, dict) else None
    allow = plugins.get("allow") if isinstance(plugins, dict) else None
    if not isinstance(allow, dict):
        return {}
    return {str(k): str(v) for k, v in allow.items()}


def _load_workspace_plugins(pm: IkzPluginManager, workspace_dir: Path, allow: set[str] | None,
                            block: set[str] | None, store: Store | Callable[[], Store] | None = None) -> None:
    found = workspace_plugins(Path(workspace_dir) / "plugins")
    permitted = allowed_workspace_plugins(workspace_dir, store) if found else {}
    for plugin in found:
        if not _allowed(plugin.name, allow, block) or pm.has_plugin(plugin.name):
            continue
        shown = str(plugin.module_path)
        if plugin.name not in permitted:
            # a county's data folder works without its Python: nothing to tell on every call
            reason = "data-folder" if plugin.has_data else "not-allowed"
            pm.skipped.append(SkippedPlugin(plugin.name, shown, plugin.sha256, reason, notice=not plugin.has_data))
            continue
        if permitted[plugin.name] != plugin.sha256:
            pm.skipped.append(SkippedPlugin(plugin.name, shown, plugin.sha256, "hash-changed"))
            continue
        try:
            module = _import_file(plugin.name, plugin.module_path)
        except Exception as exc:
            pm.failures.append(PluginFailure(plugin.name, f"Laden fehlgeschlagen: {type(exc).__name__}: {exc}"))
            continue
        pm.register_plugin(module, PluginInfo(plugin.name, "workspace", plugin.version, shown))


def get_plugin_manager(
    workspace_dir: str | os.PathLike[str] | None = None,
    *,
    load_entry_points: bool | None = None,
    store: Store | Callable[[], Store] | None = None,
) -> IkzPluginManager:
    """Build a fresh plugin manager: entry points, allowed workspace plugins, then built-ins."""
    pm = IkzPluginManager()
    if observer is not None:
        observer.managers.append(pm)
    if os.environ.get("IKZ_ISMS_TRACE_PLUGINS", "") not in ("", "0"):
        pm.trace.root.setwriter(lambda text: sys.stderr.write(f"[ikz-isms plugins] {text}"))
        pm.enable_tracing()
    allow = _csv_env("IKZ_ISMS_PLUGINS")
    block = _csv_env("IKZ_ISMS_BLOCK_PLUGINS")
    if block:
        refused = sorted(block & ESSENTIAL_PLUGINS)
        for name in refused:
            pm.failures.append(PluginFailure(
                name, "kann nicht gesperrt werden (Kern der Prüfung ikz-isms check); IKZ_ISMS_BLOCK_PLUGINS ignoriert",
            ))
        block = block - ESSENTIAL_PLUGINS
    if load_entry_points is None:
        load_entry_points = os.environ.get("IKZ_ISMS_NO_ENTRY_POINTS", "") not in ("1", "true")
    if load_entry_points:
        _load_entry_points(pm, allow, block)
    if workspace_dir is not None:
        _load_workspace_plugins(pm, Path(workspace_dir), allow, block, store)
    from . import __version__

    for module_name in DEFAULT_PLUGINS:
        if block and module_name in block:
            continue
        if module_name in CHECK_RULE_MODULES:
            pm.register_plugin(check_rules_stand_in(module_name), PluginInfo(module_name, "builtin", __version__))
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


@dataclass
class Claim:
    """One plugin's claim of a name (a command, a rule id)."""

    name: str
    value: Any
    plugin: str


@dataclass
class Registry:
    """Names claimed through a hook, resolved so built-ins win and the first plugin keeps a name."""

    what: str
    claims: list[Claim] = field(default_factory=list)

    def claim(self, name: str, value: Any, plugin: str) -> None:
        self.claims.append(Claim(name, value, plugin))

    def resolve(self, pm: IkzPluginManager, hook: str) -> dict[str, Claim]:
        winners: dict[str, Claim] = {}
        ordered = sorted(self.claims, key=lambda c: 0 if pm.is_builtin(c.plugin) else 1)
        for claim in ordered:
            first = winners.get(claim.name)
            if first is None:
                winners[claim.name] = claim
                continue
            if first.plugin == claim.plugin:
                pm.failures.append(PluginFailure(claim.plugin, f"{self.what} '{claim.name}' doppelt registriert.", hook))
                continue
            pm.failures.append(PluginFailure(
                claim.plugin,
                f"{self.what} '{claim.name}' ist bereits von {first.plugin} belegt"
                + (" (eingebaut, nicht ersetzbar)" if pm.is_builtin(first.plugin) else "")
                + f"; der von {claim.plugin} wird nicht verwendet.",
                hook,
            ))
        return {name: winners[name] for name in (c.name for c in self.claims) if name in winners}
