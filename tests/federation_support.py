"""A federated Verbund on disk, built with the CLI as users build it: county workspaces that publish
signed disclosure packages into one Verbund workspace. Each county's data carries canary strings, so
a test can assert that nothing its policy withholds reaches any Verbund output."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support import ROOT

CATALOG = ROOT / "catalogs" / "ikz-musterkatalog.json"
#: (requirement, on the server?, status) per county; three are open in every county, so shared gaps exist
RECORDS = (("ISMS.1.A1", False, "ja"), ("ISMS.1.A3", False, "nein"), ("ORP.4.A22", False, "teilweise"),
           ("ORP.4.A1", False, "ja"), ("SYS.1.1.A1", True, "ja"), ("SYS.1.1.A2", True, "nein"))
OPEN = {"ISMS.1.A3", "ORP.4.A22", "SYS.1.1.A2"}


@dataclass
class CountySpec:
    key: str
    name: str
    policy: str
    allow: tuple[str, ...] = ()

    def canary(self, what: str) -> str:
        return f"CANARY-{self.key.upper()}-{what}"

    @property
    def target(self) -> str:
        """A target object id that carries a canary (only ``full`` packages may name target ids)."""
        return f"SRV-{self.key.upper()}-GEHEIM"

    def withheld(self) -> list[str]:
        """The canaries no Verbund output may contain under this county's policy."""
        always = [self.canary("ISB"), self.canary("MAIL"), self.canary("ZIELNAME")]
        free_text = [self.canary("BEGRUENDUNG"), self.canary("VERANTWORTLICH"), self.canary("NACHWEIS"),
                     self.canary("RISIKOTITEL"), self.canary("VORFALLTITEL")]
        if self.policy == "full":
            return always + ([] if "free_text" in self.allow else free_text)
        return always + free_text + [self.target]


@dataclass
class Federation:
    root: Path
    verbund: Path
    counties: dict[str, Path] = field(default_factory=dict)
    public_keys: dict[str, str] = field(default_factory=dict)
    specs: list[CountySpec] = field(default_factory=list)

    def package(self, key: str) -> Path:
        return self.verbund / "offenlegung" / f"{key}.json"

    def data_dir(self, key: str) -> Path:
        return self.counties[key] / "plugins" / f"ikz-county-{key}" / "data"

    def load_package(self, key: str) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(self.package(key).read_text(encoding="utf-8"))
        return document


def _ok(result: Any) -> Any:
    assert result.exit_code == 0, result.output + result.stderr
    return result


def county_workspace(run: Callable[..., Any], root: Path, spec: CountySpec) -> Path:
    """A county's own workspace: its data folder, the shared catalog, records with canaries, a key."""
    ws = root / spec.key
    _ok(run("init", ws))
    _ok(run("county", "add", spec.name, "--key", spec.key, cwd=ws))
    _ok(run("catalog", "import", CATALOG, "--name", "muster", cwd=ws))
    data = ws / "plugins" / f"ikz-county-{spec.key}" / "data"
    profile = data / "landkreis.yaml"
    text = profile.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith(("disclosure:", "isb:", "  name:", "  email:"))]
    lines += [f"disclosure: {spec.policy}", "isb:", f"  name: {spec.canary('ISB')}",
              f"  email: {spec.canary('MAIL').lower()}@kreis.example"]
    if spec.allow:
        lines.append(f"disclosure_allow: [{', '.join(spec.allow)}]")
    profile.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (data / "zielobjekte.yaml").write_text(
        "zielobjekte:\n"
        "  - id: IV\n"
        f"    name: Informationsverbund {spec.name}\n"
        "    type: Informationsverbund\n"
        "    protection_need: {C: normal, I: normal, A: normal}\n"
        "    bausteine: [ISMS.1, ORP.4]\n"
        f"  - id: {spec.target}\n"
        f"    name: {spec.canary('ZIELNAME')}\n"
        "    type: IT-System\n"
        "    protection_need: {C: hoch, I: normal, A: normal}\n"
        "    bausteine: [SYS.1.1]\n",
        encoding="utf-8",
    )
    for requirement, on_server, status in RECORDS:
        for target in (spec.target,) if on_server else ("IV",):
            _ok(run("assess", "set", requirement, target, status, "--county", spec.key,
                    "--statement", spec.canary("BEGRUENDUNG"), "--responsible", spec.canary("VERANTWORTLICH"),
                    "--evidence", spec.canary("NACHWEIS"), "--actor", "isb", cwd=ws))
    # a risk on the secret server and an incident, both titled with canaries (free text)
    _ok(run("risk", "add", "--county", spec.key, "--target", spec.target, "--threat", "G 0.14",
            "--title", spec.canary("RISIKOTITEL"), "--frequency", "mittel", "--impact", "beträchtlich",
            "--actor", "isb", cwd=ws))
    _ok(run("incident", "add", "--county", spec.key, "--date", "2026-10-05", "--title", spec.canary("VORFALLTITEL"),
            "--category", "ausfall", "--severity", "mittel", "--affected", spec.target, "--actor", "isb", cwd=ws))
    return ws


def build_federation(run: Callable[..., Any], root: Path, specs: list[CountySpec]) -> Federation:
    """County workspaces for ``specs`` and a Verbund workspace holding their verified packages."""
    verbund = root / "verbund"
    _ok(run("init", verbund))
    _ok(run("catalog", "import", CATALOG, "--name", "muster", cwd=verbund))
    federation = Federation(root, verbund, specs=list(specs))
    for spec in specs:
        ws = county_workspace(run, root, spec)
        federation.counties[spec.key] = ws
        created = _ok(run("keys", "create", "--county", spec.key, "--format", "json", cwd=ws))
        public = json.loads(created.output)["public_key"]
        federation.public_keys[spec.key] = public
        _ok(run("verbund", "trust", spec.key, public, cwd=verbund))
        _ok(run("publish", "--county", spec.key, "--into", verbund, cwd=ws))
    return federation


class Prepared:
    """Federations and county workspaces built once (per module, per xdist worker) with the CLI, of
    which each test gets its own copy (and the signing keys in its ``$HOME``): building one costs a
    dozen CLI runs per county, copying it a few milliseconds."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self._federations: dict[tuple[Any, ...], tuple[Federation, Path]] = {}
        self._counties: dict[tuple[Any, ...], tuple[Path, Path]] = {}

    @staticmethod
    def _key(specs: list[CountySpec]) -> tuple[Any, ...]:
        return tuple((s.key, s.name, s.policy, s.allow) for s in specs)

    def _place(self, kind: str) -> tuple[Path, Path]:
        place = self.base / f"{kind}-{len(self._federations) + len(self._counties)}"
        return place / "root", place / "home"

    def federation(self, root: Path, specs: list[CountySpec]) -> Federation:
        """What ``build_federation(run, root, specs)`` builds, as a copy of one built before."""
        from tests.support import copy_home, copy_prepared, isolated_cli

        key = self._key(specs)
        if key not in self._federations:
            where, home = self._place("federation")
            with isolated_cli(home) as run:
                self._federations[key] = build_federation(run, where, specs), home
        template, home = self._federations[key]
        copy_prepared(template.root, root)
        copy_home(home)
        return Federation(root, root / template.verbund.relative_to(template.root),
                          {k: root / ws.relative_to(template.root) for k, ws in template.counties.items()},
                          dict(template.public_keys), list(template.specs))

    def county(self, root: Path, spec: CountySpec) -> Path:
        """What ``county_workspace(run, root, spec)`` builds, as a copy of one built before."""
        from tests.support import copy_home, copy_prepared, isolated_cli

        key = self._key([spec])
        if key not in self._counties:
            where, home = self._place("county")
            with isolated_cli(home) as run:
                self._counties[key] = county_workspace(run, where, spec), home
        template, home = self._counties[key]
        copy_home(home)
        return copy_prepared(template, root / spec.key)
