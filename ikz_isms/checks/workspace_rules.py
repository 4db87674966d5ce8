"""Built-in plugin: the workspace rules of ``ikz-isms check`` (config cross-references, members)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ..hookspecs import hookimpl
from ..workspace import unpinned_county_catalog
from . import ERROR, WARNING, CheckContext, Finding

CONFIG_FILE = "ikz-isms.yaml"


def _config_line(ctx: CheckContext, *keys: Any) -> str:
    """``Zeile N (/a/b)`` of a config entry, for findings a user can jump to."""
    parsed = ctx.session.store.parse(ctx.session.workspace.config_path, "config", validate=False)
    return str(parsed.location(*keys))


def config_references(ctx: CheckContext) -> Iterator[Finding]:
    """The default catalog is pinned, the lead county is a member."""
    workspace = ctx.workspace
    if workspace is None:
        return
    default = workspace.config.get("default_catalog")
    if default and str(default) not in workspace.pins:
        yield Finding(
            "workspace.config",
            ERROR,
            f"default_catalog „{default}“ ist unter catalogs nicht eingetragen "
            f"(eingetragen: {', '.join(workspace.pins) or 'keine'}).",
            CONFIG_FILE,
            _config_line(ctx, "default_catalog"),
        )
    lead = workspace.config["verbund"].get("lead")
    if lead and str(lead) not in workspace.members:
        yield Finding(
            "workspace.config",
            ERROR,
            f"Federführender Landkreis „{lead}“ steht nicht unter members.",
            CONFIG_FILE,
            _config_line(ctx, "verbund", "lead"),
        )
    yield from _settlement(ctx)


def _settlement(ctx: CheckContext) -> Iterator[Finding]:
    """``procurement.settlement`` read as the statements read it (an IBAN's check digits), and a
    member without a recipient's address: what ``costs allocate --statements`` would refuse."""
    from ..errors import InputError

    workspace = ctx.workspace
    assert workspace is not None
    if not (workspace.config.get("procurement") or {}).get("settlement"):
        return
    from ..app.procurement import settlement_config

    try:
        settlement = settlement_config(ctx.session)
    except InputError as exc:
        yield Finding("workspace.config", ERROR, exc.message, CONFIG_FILE, exc.location or "")
        return
    missing = [key for key in workspace.members if key not in settlement.recipients]
    if missing:
        yield Finding(
            "workspace.config",
            WARNING,
            f"Für {', '.join(missing)} fehlt unter procurement.settlement.recipients die Anschrift (name, address, "
            "debtor): Kostenbescheide an diese Mitglieder verweigert costs allocate --statements.",
            CONFIG_FILE,
            _config_line(ctx, "procurement", "settlement"),
        )


def members_and_plugins(ctx: CheckContext) -> Iterator[Finding]:
    """Every member has a county plugin, every county plugin is a member."""
    workspace = ctx.workspace
    if workspace is None:
        return
    counties = ctx.session.counties()
    members = workspace.members
    for index, member in enumerate(members):
        if member not in counties and not workspace.package_file(member).exists():
            yield Finding(
                "workspace.member-without-plugin",
                WARNING,
                f"Mitglied „{member}“ hat in dieser Arbeitsumgebung weder einen Landkreis (Datenordner in plugins/ "
                "oder ein unter plugins.installed genanntes Plugin) noch ein Offenlegungspaket "
                f"({workspace.layout.relative(workspace.package_file(member))}); seine Daten fehlen in Auswertungen.",
                CONFIG_FILE,
                _config_line(ctx, "verbund", "members", index),
            )
    for key, county in counties.items():
        if key not in members:
            yield Finding(
                "workspace.county-not-member",
                WARNING,
                f"Landkreis „{key}“ (Plugin {county.plugin}) ist nicht unter verbund.members "
                "eingetragen und wird in Verbund-Auswertungen nicht berücksichtigt.",
                CONFIG_FILE,
                _config_line(ctx, "verbund", "members"),
            )
        elif county.profile.catalog and county.profile.catalog not in workspace.pins:
            yield Finding(
                "workspace.config",
                ERROR,
                unpinned_county_catalog(key, county.profile.catalog, workspace.pins),
                workspace.layout.relative(county.profile_path),
            )



@hookimpl
def ikz_register_check_rules(register: Callable[..., None]) -> None:
    register("workspace.config", config_references, "Verweise in ikz-isms.yaml sind aufgelöst")
    register(
        "workspace.members",
        members_and_plugins,
        "Mitglieder und Landkreis-Plugins passen zusammen",
    )
