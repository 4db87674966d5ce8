"""The plugin spine: discovery, order, switches, broken plugins, and one test per hook."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from ikz_isms import get_plugin_manager, hookspecs
from ikz_isms.errors import ExitCode
from ikz_isms.hookdocs import hook_specs

CONFIG = textwrap.dedent(
    """\
    verbund:
      name: Testverbund
      members: []
    catalogs: {}
    """
)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "ikz-isms.yaml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "plugins").mkdir()
    (tmp_path / "catalogs").mkdir()
    return tmp_path


def write_plugin(workspace: Path, name: str, source: str, *, allow: bool = True) -> Path:
    """A plugin file in the workspace, allowed to run (as ``ikz-isms plugins allow`` would)."""
    from ikz_isms.testing import write_plugin as drop

    return drop(workspace, name, source, allow=allow)


HELLO = """
    import click
    from ikz_isms import hookimpl

    @click.command("hallo")
    def hallo():
        click.echo("Hallo aus dem Plugin")

    @hookimpl
    def ikz_register_commands(cli):
        cli.add_command(hallo)
"""


def test_hook_ikz_register_commands(workspace, run_cli):
    write_plugin(workspace, "hallo", HELLO)
    result = run_cli("hallo", cwd=workspace)
    assert result.exit_code == 0
    assert "Hallo aus dem Plugin" in result.output
    listing = run_cli("plugins", "--format", "json", cwd=workspace)
    plugins = {p["name"]: p for p in json.loads(listing.output)["plugins"]}
    assert plugins["hallo"]["origin"] == "workspace"
    assert plugins["hallo"]["hooks"] == ["ikz_register_commands"]


def test_hook_ikz_register_catalog_formats(workspace, tmp_path):
    write_plugin(
        workspace,
        "csvformat",
        """
        from ikz_isms import hookimpl
        from ikz_isms.catalog.model import Catalog, Requirement

        def detect(path, head):
            return path.suffix == ".csv"

        def load(path, progress):
            catalog = Catalog(title="CSV", version="1", source_format="csv")
            for line in path.read_text(encoding="utf-8").splitlines():
                rid, title, level = line.split(";")
                catalog.requirements[rid] = Requirement(id=rid, title=title, level=level, modal_verb="MUSS")
            return catalog

        @hookimpl
        def ikz_register_catalog_formats(register):
            register("csv-demo", detect, load, "Semikolon-Liste")
        """,
    )
    source = tmp_path / "liste.csv"
    source.write_text("X.1.A1;Erste Anforderung;B\nX.1.A2;Zweite;S\n", encoding="utf-8")
    from ikz_isms.catalog import load_catalog

    catalog = load_catalog(source, get_plugin_manager(workspace))
    assert list(catalog.requirements) == ["X.1.A1", "X.1.A2"]
    assert catalog.requirements["X.1.A2"].level == "S"


def test_hook_ikz_register_check_rules(workspace, run_cli):
    write_plugin(
        workspace,
        "regel",
        """
        from ikz_isms import hookimpl
        from ikz_isms.checks import Finding

        def always(ctx):
            yield Finding("regel.demo", "error", "Demo-Befund", "ikz-isms.yaml", "Zeile 1")

        @hookimpl
        def ikz_register_check_rules(register):
            register("regel.demo", always, "Meldet immer einen Befund")
        """,
    )
    result = run_cli("check", "--format", "json", cwd=workspace)
    assert result.exit_code == ExitCode.FINDINGS
    findings = json.loads(result.output)["findings"]
    assert any(f["rule"] == "regel.demo" and f["message"] == "Demo-Befund" for f in findings)


def test_hook_ikz_register_counties(workspace, run_cli):
    data = workspace / "kreise" / "musterkreis-daten"
    data.mkdir(parents=True)
    write_plugin(
        workspace,
        "musterkreis",
        f"""
        from ikz_isms import hookimpl

        @hookimpl
        def ikz_register_counties(register):
            register(
                {{"key": "musterkreis", "name": "Landkreis Muster", "ags": "07999",
                  "inhabitants": 50000, "employees": 300, "isb": {{"name": "Erika Muster"}},
                  "disclosure": "aggregate"}},
                {str(data)!r},
            )
        """,
    )
    result = run_cli("county", "list", "--format", "json", cwd=workspace)
    assert result.exit_code == 0, result.stderr
    assert "musterkreis" in result.output
    assert "Landkreis Muster" in result.output


def test_hook_ikz_register_contracts(workspace, run_cli):
    vertraege = workspace / "catalogs" / "vertraege"
    vertraege.mkdir()
    (vertraege / "rv-demo.yaml").write_text(
        "id: rv-demo\ntitle: Demo-Rahmenvertrag\nkind: framework\nparticipants: [musterkreis]\n"
        "term: {start: 2026-01-01, end: 2027-12-31}\nceiling: '1000.00'\n",
        encoding="utf-8",
    )
    data = workspace / "plugins" / "musterkreis-vertraege"
    data.mkdir()
    (data / "eigener-vertrag.yaml").write_text(
        "id: ev-muster-mdm\ntitle: Eigener MDM-Vertrag\nkind: single\nowner: musterkreis\n"
        "category: mobilgeraeteverwaltung\nterm: {start: 2025-01-01, end: 2027-12-31}\n",
        encoding="utf-8",
    )
    (data / "abrufe.yaml").write_text(
        "calloffs:\n  - {contract: rv-demo, id: M1, county: musterkreis, date: 2026-03-01, amount: '250.00'}\n",
        encoding="utf-8",
    )
    write_plugin(
        workspace,
        "musterkreis_vertraege",
        f"""
        from ikz_isms import hookimpl

        @hookimpl
        def ikz_register_contracts(register):
            register({str(data / "eigener-vertrag.yaml")!r})
            register({str(data / "abrufe.yaml")!r})
        """,
    )
    result = run_cli("contracts", "list", "--date", "2026-11-24", "--format", "json", cwd=workspace)
    assert result.exit_code == 0, result.stderr
    rows = {r["id"]: r for r in json.loads(result.output)["contracts"]}
    assert rows["ev-muster-mdm"]["owner"] == "musterkreis"
    assert rows["rv-demo"]["consumed"] == "250.00"


def test_every_hook_has_a_test():
    names = {name for name, _, _ in hook_specs()}
    tested = {name[len("test_hook_"):] for name in globals() if name.startswith("test_hook_")}
    assert names, "no hooks found"
    assert names <= tested, f"hooks without a test: {sorted(names - tested)}"


def test_every_hook_is_documented_with_its_signature():
    doc = (Path(__file__).parent.parent / "docs" / "plugins.md").read_text(encoding="utf-8")
    for name, signature, docstring in hook_specs():
        assert f"### `{name}`" in doc, name
        assert f"def {signature}" in doc, signature
        assert docstring.splitlines()[0] in doc
    from ikz_isms.hookdocs import render_hook_reference

    assert render_hook_reference() in doc, "docs/plugins.md is stale: run python -m ikz_isms.hookdocs"


def test_hooks_are_prefixed_and_specs_only():
    for name, _, docstring in hook_specs():
        assert name.startswith("ikz_register_") or name.startswith("ikz_")
        assert docstring, f"{name} has no docstring"


def test_import_error_is_reported_and_cli_still_works(workspace, run_cli):
    write_plugin(workspace, "kaputt", "import modul_das_es_nicht_gibt\n")
    help_result = run_cli("--help", cwd=workspace)
    assert help_result.exit_code == 0
    assert "plugins" in help_result.output
    assert "kaputt" in help_result.stderr
    listing = run_cli("plugins", "--format", "json", cwd=workspace)
    assert listing.exit_code == 0
    failed = json.loads(listing.output)["failed"]
    assert failed[0]["name"] == "kaputt"
    assert "modul_das_es_nicht_gibt" in failed[0]["error"]


def test_exception_in_hook_is_reported_by_name(workspace, run_cli):
    write_plugin(
        workspace,
        "wirft",
        """
        from ikz_isms import hookimpl

        @hookimpl
        def ikz_register_catalog_formats(register):
            raise RuntimeError("Absicht")
        """,
    )
    pm = get_plugin_manager(workspace)
    from ikz_isms.catalog import catalog_formats

    formats = catalog_formats(pm)
    assert {"oscal-json", "kompendium-xml"} <= {f.name for f in formats}
    assert [(f.plugin, f.hook) for f in pm.failures] == [("wirft", "ikz_register_catalog_formats")]
    assert "Absicht" in pm.failures[0].message


def test_wrong_return_type_is_reported(workspace):
    write_plugin(
        workspace,
        "gibtzurueck",
        """
        from ikz_isms import hookimpl

        @hookimpl
        def ikz_register_check_rules(register):
            return ["regel"]
        """,
    )
    pm = get_plugin_manager(workspace)
    from ikz_isms.checks import check_rules

    check_rules(pm)
    assert pm.failures and pm.failures[0].plugin == "gibtzurueck"
    assert "list" in pm.failures[0].message


def test_duplicate_registration_is_rejected_with_plugin_name(workspace):
    write_plugin(
        workspace,
        "doppelt",
        """
        from ikz_isms import hookimpl

        @hookimpl
        def ikz_register_catalog_formats(register):
            register("oscal-json", lambda p, h: False, lambda p, progress: None)
        """,
    )
    pm = get_plugin_manager(workspace)
    from ikz_isms.catalog import catalog_formats

    catalog_formats(pm)
    assert any(f.plugin == "doppelt" and "bereits registriert" in f.message for f in pm.failures)


def test_misspelt_hook_fails_loudly(workspace, run_cli):
    write_plugin(
        workspace,
        "tippfehler",
        """
        from ikz_isms import hookimpl

        @hookimpl
        def ikz_register_comands(cli):
            pass
        """,
    )
    result = run_cli("plugins", cwd=workspace)
    assert result.exit_code == ExitCode.UNAVAILABLE
    assert "tippfehler" in result.stderr
    assert "ikz_register_comands" in result.stderr
    assert "Traceback" not in result.stderr


def test_allow_and_block_lists(workspace, monkeypatch):
    write_plugin(workspace, "hallo", HELLO)
    write_plugin(workspace, "zweites", HELLO.replace("hallo", "zweites"))
    monkeypatch.setenv("IKZ_ISMS_BLOCK_PLUGINS", "hallo")
    pm = get_plugin_manager(workspace)
    assert not pm.has_plugin("hallo") and pm.has_plugin("zweites")
    monkeypatch.delenv("IKZ_ISMS_BLOCK_PLUGINS")
    monkeypatch.setenv("IKZ_ISMS_PLUGINS", "hallo")
    pm = get_plugin_manager(workspace)
    assert pm.has_plugin("hallo") and not pm.has_plugin("zweites")
    assert pm.has_plugin("ikz_isms.commands"), "built-ins are not subject to the allow-list"


def _fake_distribution(site: Path, name: str, module: str, marker: str) -> None:
    (site / f"{module}.py").write_text(
        textwrap.dedent(
            f"""
            import click
            from ikz_isms import hookimpl

            @hookimpl
            def ikz_register_commands(cli):
                cli.add_command(click.Command("herkunft", callback=lambda: click.echo({marker!r})))
            """
        ),
        encoding="utf-8",
    )
    info = site / f"{module}-1.2.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: 1.2.3\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[ikz_isms]\n{name} = {module}\n", encoding="utf-8")


def test_entry_points_load_first_and_win_over_workspace_copy(workspace, tmp_path, monkeypatch, run_cli):
    site = tmp_path / "site"
    site.mkdir()
    _fake_distribution(site, "herkunft", "ikz_test_herkunft", "aus dem Entry Point")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("IKZ_ISMS_NO_ENTRY_POINTS", "0")
    write_plugin(
        workspace,
        "herkunft",
        """
        import click
        from ikz_isms import hookimpl

        @hookimpl
        def ikz_register_commands(cli):
            cli.add_command(click.Command("herkunft", callback=lambda: click.echo("aus dem Ordner")))
        """,
    )
    result = run_cli("herkunft", cwd=workspace)
    assert result.output.strip() == "aus dem Entry Point"
    listing = json.loads(run_cli("plugins", "--format", "json", cwd=workspace).output)
    entry = next(p for p in listing["plugins"] if p["name"] == "herkunft")
    assert entry["origin"] == "entrypoint" and entry["version"] == "1.2.3"
    names = [p["name"] for p in listing["plugins"]]
    assert names.index("herkunft") < names.index("ikz_isms.commands")


def test_hookimpl_marker_is_public():
    import ikz_isms

    assert ikz_isms.hookimpl is hookspecs.hookimpl
    assert hookspecs.hookimpl.project_name == "ikz_isms"


def test_hook_ikz_customise_report(example_workspace, run_cli, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    write_plugin(
        example_workspace,
        "briefkopf",
        """
        from ikz_isms import hookimpl

        @hookimpl
        def ikz_customise_report(kind, county, register):
            register("section", {"title": "Zusatzkapitel", "paragraphs": ["Text <i>wörtlich</i>"]})
            register("letterhead", ["Kreisverwaltung Musterstadt", f"Bericht: {kind}"])
        """,
    )
    write_plugin(
        example_workspace,
        "zweiter",
        """
        from ikz_isms import hookimpl

        @hookimpl
        def ikz_customise_report(kind, county, register):
            register("letterhead", ["Doppelt"])
        """,
    )
    out = tmp_path / "r.pdf"
    result = run_cli("report", "verbund", "-o", str(out), cwd=example_workspace)
    assert result.exit_code == 0, result.stderr
    assert "zweiter" in result.stderr and "briefkopf" in result.stderr
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(str(out)).pages)
    assert "Zusatzkapitel" in text and "Text <i>wörtlich</i>" in text
    # one letterhead wins, the second is rejected and reported with both plugin names
    assert ("Doppelt" in text) != ("Bericht: verbund" in text)


# --- pluggy as pluggy means it: argument subsets, wrappers, order, shadowing, trust ---------


EDITION_PLUGIN = """
    from ikz_isms import hookimpl
    from ikz_isms.catalog.model import Catalog, Group, Requirement
    from ikz_isms.editions import Approach, Edition


    class Stufenwerk(Edition):
        id = "stufenwerk"
        title = "Stufenwerk 2030"
        layer_label, layer_label_plural = "Säule", "Säulen"
        module_label, module_label_plural = "Modul", "Module"
        modelling_label = "Module"
        levels = ("G1", "G2")
        approaches = (Approach("grund", "Grundstufe", "Grund"), Approach("voll", "Vollstufe", "Voll"))
        basis_approach = "grund"
        basis_label = "Grundstufen-Anforderungen"

        def is_basis(self, req):
            return req.level == "G1"

        def tier(self, req):
            return 0 if req.level == "G1" else 1

        def level_label(self, req):
            return req.level or "-"

        def model(self, catalog, targets, needs):
            from ikz_isms.assess.modelling import Applicable

            pairs = []
            for target in targets:
                for req in catalog.requirements.values():
                    pairs.append(Applicable(req, target, frozenset({"grund", "voll"} if req.level == "G1" else {"voll"})))
            return pairs, []

        def modules_of(self, catalog, target):
            return []


    def detect(path, head):
        return path.suffix == ".stufen"


    def load(path, progress):
        catalog = Catalog(title="Stufenwerk", version="1", source_format="stufen")
        catalog.groups["S"] = Group("S", "Säule S", kind="layer")
        catalog.groups["S.1"] = Group("S.1", "Modul S.1", kind="group", parent="S")
        for line in path.read_text(encoding="utf-8").splitlines():
            rid, title, level = line.split(";")
            catalog.requirements[rid] = Requirement(id=rid, title=title, level=level, modal_verb="MUSS", group="S.1")
        return catalog


    @hookimpl
    def ikz_register_catalog_formats(register):
        register("stufen", detect, load, "Stufenwerk-Liste")


    @hookimpl
    def ikz_register_editions(register):
        register(Stufenwerk())
"""


def test_hook_ikz_register_editions(workspace, run_cli, tmp_path):
    """A future edition is a plugin: its labels, approaches and Basis rule drive assess."""
    write_plugin(workspace, "stufenwerk", EDITION_PLUGIN)
    source = tmp_path / "katalog.stufen"
    source.write_text("S.1.1;Erste;G1\nS.1.2;Zweite;G2\n", encoding="utf-8")
    imported = run_cli("catalog", "import", str(source), "--name", "stufen", cwd=workspace)
    assert imported.exit_code == 0, imported.stderr
    data = workspace / "plugins" / "ikz-county-probe" / "data"
    data.mkdir(parents=True)
    (data / "landkreis.yaml").write_text("key: probe\nname: Probe\n", encoding="utf-8")
    (data / "zielobjekte.yaml").write_text(
        "zielobjekte:\n  - id: IV\n    name: Verbund\n    type: Informationsverbund\n", encoding="utf-8")
    config = workspace / "ikz-isms.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("members: []", "members: [probe]"), encoding="utf-8")
    result = run_cli("assess", "--format", "json", cwd=workspace)
    assert result.exit_code == 0, result.stderr
    county = json.loads(result.output)["counties"][0]
    assert [a["label"] for a in county["approaches"]] == ["Grundstufe", "Vollstufe"]
    assert county["labels"] == {"layer": "Säule", "module": "Modul", "basis": "Grundstufen-Anforderungen"}
    assert [g["requirement"] for g in county["basis_gaps"]] == ["S.1.1"]
    text = run_cli("assess", cwd=workspace).output
    assert "Erfüllung je Säule" in text and "Offene Grundstufen-Anforderungen" in text


def test_an_implementation_may_take_a_subset_of_the_arguments(workspace):
    """pluggy matches arguments by name: a hook taking fewer arguments than the spec is fine."""
    write_plugin(workspace, "knapp", """
        from ikz_isms import hookimpl

        SEEN = []

        @hookimpl
        def ikz_customise_report(register):
            SEEN.append("aufgerufen")
            register("section", {"title": "Nur register"})
    """)
    pm = get_plugin_manager(workspace)
    from ikz_isms.report.model import collect_customisation

    custom = collect_customisation(pm, "verbund", None)
    assert not pm.failures, pm.failures
    assert [s.title for s in custom.sections] == ["Nur register"] and custom.sections[0].plugin == "knapp"


def test_wrappers_surround_the_other_implementations(workspace):
    write_plugin(workspace, "umhuellt", """
        from ikz_isms import hookimpl

        ORDER = []

        @hookimpl(wrapper=True)
        def ikz_register_check_rules(register):
            ORDER.append("vorher")
            result = yield
            ORDER.append("nachher")
            register("umhuellt.nachher", lambda ctx: iter(()), "nach allen anderen registriert")
            return result
    """)
    pm = get_plugin_manager(workspace)
    from ikz_isms.checks import check_rules

    rules = [r.id for r in check_rules(pm)]
    assert not pm.failures, pm.failures
    assert rules[-1] == "umhuellt.nachher" and "county.records" in rules
    module = pm.get_plugin("umhuellt")
    assert module.ORDER == ["vorher", "nachher"]


def test_the_documented_call_order_is_the_real_one(workspace):
    """docs/plugins.md: built-ins run first, then workspace plugins; tryfirst moves to the front."""
    write_plugin(workspace, "spaet", """
        from ikz_isms import hookimpl

        @hookimpl
        def ikz_register_catalog_formats(register):
            register("spaet-format", lambda p, h: False, lambda p, progress: None)
    """)
    write_plugin(workspace, "frueh", """
        from ikz_isms import hookimpl

        @hookimpl(tryfirst=True)
        def ikz_register_catalog_formats(register):
            register("frueh-format", lambda p, h: False, lambda p, progress: None)
    """)
    from ikz_isms.catalog import catalog_formats

    names = [f.name for f in catalog_formats(get_plugin_manager(workspace))]
    assert names[0] == "frueh-format"
    assert names.index("oscal-json") < names.index("spaet-format")
    doc = (Path(__file__).parent.parent / "docs" / "plugins.md").read_text(encoding="utf-8")
    assert "built-ins (registered last) run first" in doc


def test_a_plugin_cannot_replace_the_ci_gate(workspace, run_cli):
    (workspace / "ikz-isms.yaml").write_text("verbund: {name: x, members: [a]}\ncatalogs: {}\n", encoding="utf-8")
    write_plugin(workspace, "falle", """
        import click
        from ikz_isms import hookimpl

        @click.command("check")
        def fake_check():
            click.echo("alles bestens")

        @hookimpl(tryfirst=True)
        def ikz_register_commands(cli):
            cli.add_command(fake_check)

        @hookimpl(tryfirst=True)
        def ikz_register_check_rules(register):
            register("county.records", lambda ctx: iter(()), "ersetzt die Kernregel")
    """)
    result = run_cli("check", cwd=workspace)
    assert "alles bestens" not in result.output
    assert "falle" in result.stderr and "ikz_isms.commands" in result.stderr
    assert "Befehl 'check' ist bereits von ikz_isms.commands belegt" in result.stderr
    assert "Prüfregel 'county.records' ist bereits von ikz_isms.checks.record_rules belegt" in result.output + result.stderr


def test_the_ci_gate_cannot_be_blocked(workspace, run_cli, monkeypatch):
    monkeypatch.setenv("IKZ_ISMS_BLOCK_PLUGINS", "ikz_isms.commands,ikz_isms.checks.record_rules")
    result = run_cli("check", "--format", "json", cwd=workspace)
    assert result.exit_code == 1  # the refused block is itself a plugin finding
    rules = json.loads(result.output)["summary"]["rules"]
    assert "county.records" in rules
    assert "kann nicht gesperrt werden" in result.output + result.stderr


def test_trace_switch_prints_hook_calls(workspace, run_cli, monkeypatch):
    monkeypatch.setenv("IKZ_ISMS_TRACE_PLUGINS", "1")
    result = run_cli("plugins", cwd=workspace)
    assert result.exit_code == 0
    assert "[ikz-isms plugins]" in result.stderr and "ikz_register_commands" in result.stderr


def test_workspace_code_runs_only_when_allowed_by_name_and_hash(workspace, run_cli, tmp_path):
    marker = tmp_path / "lief.txt"
    source = f"""
        from pathlib import Path
        Path({str(marker)!r}).write_text("Code lief", encoding="utf-8")
    """
    write_plugin(workspace, "heimlich", source, allow=False)
    for args in (("--help",), ("--version",), ("check",), ("plugins",)):
        result = run_cli(*args, cwd=workspace)
        assert not marker.exists(), args
    assert "heimlich" in result.stderr and "ikz-isms plugins allow heimlich" in result.stderr
    listing = json.loads(run_cli("plugins", "--format", "json", cwd=workspace).output)
    assert listing["not_loaded"][0]["name"] == "heimlich" and listing["not_loaded"][0]["reason"] == "not-allowed"
    allowed = run_cli("plugins", "allow", "heimlich", cwd=workspace)
    assert allowed.exit_code == 0, allowed.stderr
    assert "heimlich:" in (workspace / "ikz-isms.yaml").read_text(encoding="utf-8")
    run_cli("plugins", cwd=workspace)
    assert marker.read_text(encoding="utf-8") == "Code lief"
    marker.unlink()
    path = workspace / "plugins" / "heimlich.py"
    path.write_text(path.read_text(encoding="utf-8") + "\n# geändert\n", encoding="utf-8")
    changed = run_cli("plugins", cwd=workspace)
    assert not marker.exists() and "seit der Freigabe geändert" in changed.stderr


def test_implementations_are_found_as_pluggy_finds_them(tmp_path):
    """The manager passes over a module's names that cannot be implementations before asking pluggy;
    on every built-in and example plugin module, and on a module with every kind of attribute,
    it answers exactly as pluggy's own lookup does."""
    import importlib
    import sys
    import types

    import pluggy

    from ikz_isms.plugins import DEFAULT_PLUGINS, IkzPluginManager

    odd = types.ModuleType("odd_plugin")
    source = textwrap.dedent("""
        from ikz_isms.hookspecs import hookimpl

        @hookimpl
        def ikz_register_commands(cli): pass

        @hookimpl(tryfirst=True)
        def ikz_register_check_rules(register): pass

        def unmarked(cli): pass

        class Box:
            @hookimpl
            def ikz_register_counties(self, register): pass

            @staticmethod
            @hookimpl
            def ikz_register_editions(register): pass

        marked_static = staticmethod(hookimpl(lambda register: None))
        static_marked = hookimpl(staticmethod(lambda register: None))
        marked_class = classmethod(hookimpl(lambda cls, register: None))
        bound = Box().ikz_register_counties
        constant = 3
        not_callable = type("Marked", (), {"ikz_isms_impl": {}})()
    """)
    exec(compile(source, "odd_plugin.py", "exec"), odd.__dict__)
    modules = [importlib.import_module(name) for name in DEFAULT_PLUGINS] + [odd, sys.modules["ikz_isms.plugins"]]
    pm = IkzPluginManager()
    found = 0
    for module in modules:
        for name in dir(module):
            ours = pm.parse_hookimpl_opts(module, name)
            assert ours == pluggy.PluginManager.parse_hookimpl_opts(pm, module, name), (module.__name__, name)
            found += ours is not None
    assert found > len(DEFAULT_PLUGINS)  # the built-ins' implementations were found, not passed over
    assert [name for name in dir(odd) if pm.parse_hookimpl_opts(odd, name) is not None] == [
        "bound", "ikz_register_check_rules", "ikz_register_commands", "marked_class", "marked_static", "static_marked"]
    assert pm.parse_hookimpl_opts(odd, "ikz_register_check_rules")["tryfirst"] is True


def _registered(hook: Any) -> list[tuple[Any, ...]]:
    """What a hook implementation of ``ikz_register_check_rules`` registers: (rule id, arguments)."""
    found: list[tuple[Any, ...]] = []
    hook(lambda rule, *args, **kwargs: found.append((rule, *args[1:])))
    return found


def test_check_rule_modules_are_stand_ins_until_check_asks():
    """The built-in rule modules are registered as stand-ins (``check_rules_stand_in``): each real
    module implements ``ikz_register_check_rules`` and nothing else, with pluggy's default
    options, so the stand-in's one plain implementation loses nothing; a command that asks for no
    rules does not import them, and asking registers the same rules as the modules themselves."""
    import importlib
    import subprocess
    import sys

    import pluggy

    from ikz_isms.hookspecs import hookimpl
    from ikz_isms.plugins import CHECK_RULE_MODULES, DEFAULT_PLUGINS, IkzPluginManager, check_rules_stand_in

    assert len(CHECK_RULE_MODULES) == 12 and set(DEFAULT_PLUGINS) >= CHECK_RULE_MODULES
    pm = IkzPluginManager()

    @hookimpl
    def sample(register): pass

    default = pluggy.PluginManager.parse_hookimpl_opts(pm, type("M", (), {"sample": staticmethod(sample)}), "sample")
    for name in sorted(CHECK_RULE_MODULES):
        module = importlib.import_module(name)
        hooks = {attr: pm.parse_hookimpl_opts(module, attr) for attr in dir(module)}
        marked = {attr: opts for attr, opts in hooks.items() if opts is not None}
        assert list(marked) == ["ikz_register_check_rules"], (name, list(marked))
        assert marked["ikz_register_check_rules"] == default, name
        expected, got = _registered(module.ikz_register_check_rules), _registered(
            check_rules_stand_in(name).ikz_register_check_rules)
        assert got == expected and got, name

    probe = ("import sys\n"
             "from ikz_isms.plugins import get_plugin_manager\n"
             "pm = get_plugin_manager(load_entry_points=False)\n"
             "print(sorted(m for m in sys.modules if m.startswith('ikz_isms.checks.')))\n"
             "rules = []\n"
             "pm.contribute('ikz_register_check_rules', lambda rule, *a, plugin, **k: rules.append(plugin))\n"
             "print(len(set(rules)))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    before, registered = done.stdout.splitlines()
    assert before == "[]"
    assert int(registered) == 12
