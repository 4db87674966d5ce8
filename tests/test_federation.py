"""The federated Verbund: county workspaces publish signed disclosure packages, the Verbund reads only those.

Keys, ``publish`` per policy, verification (signature, pin, freshness, the county named),
every Verbund-wide output read from packages, the canary test, journals anchored in git.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from ikz_isms.errors import ExitCode
from tests.federation_support import OPEN, RECORDS, CountySpec, Prepared, build_federation

SPECS = [
    CountySpec("kreis-voll", "Vollstadt", "full"),
    CountySpec("kreis-voll-text", "Volltext", "full", ("free_text",)),
    CountySpec("kreis-summe", "Summental", "aggregate"),
    CountySpec("kreis-summe-ids", "Summingen", "aggregate", ("requirement_ids",)),
    CountySpec("kreis-still", "Stillbach", "none"),
]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """Federations and county workspaces built once for this module; each test gets its own copy."""
    return Prepared(tmp_path_factory.mktemp("prepared"))


@pytest.fixture
def federation(ikz_isolated, prepared, tmp_path):
    return prepared.federation(tmp_path, SPECS)


def _json(result):
    assert result.exit_code == 0, result.output + result.stderr
    return json.loads(result.output)


def _epoch(day: str) -> str:
    return str(int(dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC).timestamp()))


# -- keys ----------------------------------------------------------------------------------------


def test_a_key_is_readable_by_its_owner_only_and_never_overwritten_by_accident(run_cli, prepared, tmp_path):
    ws = prepared.county(tmp_path, CountySpec("kreis-a", "Astadt", "aggregate"))
    created = _json(run_cli("keys", "create", "--format", "json", cwd=ws))
    key_file = Path(created["key_file"])
    assert key_file.is_file() and not str(key_file).startswith(str(ws))
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert created["public_key"].startswith("ed25519:")
    assert run_cli("keys", "show", cwd=ws).output.strip() == created["public_key"]
    again = run_cli("keys", "create", cwd=ws)
    assert again.exit_code == ExitCode.REFUSED and "--force" in again.stderr
    assert run_cli("keys", "show", cwd=ws).output.strip() == created["public_key"]
    replaced = _json(run_cli("keys", "create", "--force", "--format", "json", cwd=ws))
    assert replaced["public_key"] != created["public_key"]


def test_publish_without_a_key_says_how_to_make_one_and_writes_nothing(run_cli, prepared, tmp_path):
    ws = prepared.county(tmp_path, CountySpec("kreis-a", "Astadt", "aggregate"))
    result = run_cli("publish", cwd=ws)
    assert result.exit_code == ExitCode.INPUT
    assert "ikz-isms keys create" in result.stderr and "Traceback" not in result.stderr
    assert not (ws / "offenlegung").exists()


def test_a_key_readable_by_others_is_refused(run_cli, prepared, tmp_path):
    ws = prepared.county(tmp_path, CountySpec("kreis-a", "Astadt", "aggregate"))
    key_file = Path(_json(run_cli("keys", "create", "--format", "json", cwd=ws))["key_file"])
    key_file.chmod(0o644)
    result = run_cli("publish", cwd=ws)
    assert result.exit_code == ExitCode.REFUSED and "chmod 600" in result.stderr


def test_a_passphrase_protects_the_key(run_cli, prepared, tmp_path, monkeypatch):
    ws = prepared.county(tmp_path, CountySpec("kreis-a", "Astadt", "aggregate"))
    monkeypatch.setenv("IKZ_ISMS_SIGNING_PASSPHRASE", "geheim-und-lang")
    key_file = Path(_json(run_cli("keys", "create", "--format", "json", cwd=ws))["key_file"])
    assert b"ENCRYPTED" in key_file.read_bytes()
    monkeypatch.delenv("IKZ_ISMS_SIGNING_PASSPHRASE")
    result = run_cli("publish", cwd=ws)
    assert result.exit_code == ExitCode.USAGE and "IKZ_ISMS_SIGNING_PASSPHRASE" in result.stderr
    monkeypatch.setenv("IKZ_ISMS_SIGNING_PASSPHRASE", "geheim-und-lang")
    assert run_cli("publish", cwd=ws).exit_code == 0


# -- what each policy lets out -----------------------------------------------------------------------


def test_each_package_holds_what_its_policy_allows_and_nothing_else(federation):
    full = federation.load_package("kreis-voll")["payload"]
    assert full["disclosure"] == {"policy": "full", "allow": []}
    assert full["records"]["columns"] == ["requirement", "target", "status", "checked", "provenance"]
    assert {row[1] for row in full["records"]["rows"]} == {"IV", "SRV-KREIS-VOLL-GEHEIM"}
    assert "ISMS.1.A3" in full["figures"]["open"]
    assert full["catalog"]["name"] == "muster" and len(full["catalog"]["sha256"]) == 64
    # the records, one risk and one incident (see tests/federation_support.py)
    assert full["journal"]["entries"] == len(RECORDS) + 2 and len(full["journal"]["head"]) == 64
    assert full["state_date"] == dt.date.today().isoformat()

    text = federation.load_package("kreis-voll-text")["payload"]
    assert "statement" in text["records"]["columns"]
    assert any("CANARY-KREIS-VOLL-TEXT-BEGRUENDUNG" in json.dumps(row) for row in text["records"]["rows"])

    aggregate = federation.load_package("kreis-summe")["payload"]
    assert aggregate["records"] is None and "open" not in aggregate["figures"]
    # open: nein/teilweise and every applicable requirement not yet answered (unbearbeitet)
    assert aggregate["figures"]["open_requirements"] == len(full["figures"]["open"]) > len(OPEN)
    assert set(aggregate["figures"]["approaches"]["basis"]) >= {"ja", "nein"}
    assert "ISMS" in aggregate["figures"]["layers"]

    ids = federation.load_package("kreis-summe-ids")["payload"]
    assert set(ids["figures"]["open"]) == set(full["figures"]["open"]) >= OPEN
    assert all(set(entry) == {"title", "order", "approaches"} for entry in ids["figures"]["open"].values())

    silent = federation.load_package("kreis-still")["payload"]
    assert silent["figures"] is None and silent["records"] is None and silent["journal"] is None
    assert silent["county"] == {"key": "kreis-still", "name": "Stillbach"}
    assert silent["catalog"]["name"] == "muster"

    for spec in federation.specs:
        raw = federation.package(spec.key).read_text(encoding="utf-8")
        for canary in spec.withheld():
            assert canary not in raw, (spec.key, canary)


def test_packages_carry_risk_and_emergency_figures_as_the_policy_allows(federation):
    full = federation.load_package("kreis-voll")["payload"]["resilience"]
    assert full["policy"] == "full"
    assert full["risks"]["count"] == 1 and sum(full["risks"]["before"].values()) == 1
    (risk,) = full["risks"]["entries"]
    assert risk["target"] == "SRV-KREIS-VOLL-GEHEIM" and risk["threat"] == "G 0.14" and "title" not in risk
    (incident,) = full["incidents"]["entries"]
    assert incident["category"] == "ausfall" and "title" not in incident
    text = federation.load_package("kreis-voll-text")["payload"]["resilience"]
    assert text["risks"]["entries"][0]["title"] == "CANARY-KREIS-VOLL-TEXT-RISIKOTITEL"

    aggregate = federation.load_package("kreis-summe")["payload"]["resilience"]
    assert aggregate["policy"] == "aggregate" and aggregate["risks"]["count"] == 1
    assert aggregate["incidents"]["by_category"] == {"ausfall": 1}
    assert "entries" not in aggregate["risks"] and "entries" not in aggregate["incidents"]
    assert "critical_processes" not in aggregate["continuity"]
    assert federation.load_package("kreis-still")["payload"]["resilience"] is None


def test_the_verbund_risk_view_reads_the_packages(run_cli, federation):
    view = _json(run_cli("risk", "list", "--verbund", "--format", "json", cwd=federation.verbund))
    rows = {row["county"]: row for row in view["counties"]}
    assert rows["kreis-summe"]["risks"]["count"] == 1 and "entries" not in rows["kreis-summe"]["risks"]
    assert rows["kreis-voll"]["risks"]["entries"][0]["id"]
    assert rows["kreis-still"]["risks"] is None and rows["kreis-still"]["withheld"]
    emergency = _json(run_cli("emergency", "verbund", "--format", "json", cwd=federation.verbund))
    withheld = {entry["county"] for entry in emergency["withheld"]}
    assert "kreis-still" in withheld and "kreis-summe" not in withheld


def test_a_package_is_reproducible_with_source_date_epoch(run_cli, federation, monkeypatch):
    ws = federation.counties["kreis-summe"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", _epoch(dt.date.today().isoformat()))
    first = tmp = ws / "eins.json"
    _json(run_cli("publish", "-o", first, "--format", "json", cwd=ws))
    second = ws / "zwei.json"
    _json(run_cli("publish", "-o", second, "--format", "json", cwd=ws))
    assert tmp.read_bytes() == second.read_bytes()


# -- the Verbund side --------------------------------------------------------------------------------


def test_the_verbund_verifies_every_package_and_shows_the_counties_from_them(run_cli, federation):
    verified = _json(run_cli("verbund", "verify", "--format", "json", cwd=federation.verbund))
    assert verified["verified"] is True
    assert {p["county"] for p in verified["packages"]} == {s.key for s in SPECS}
    view = _json(run_cli("assess", "--verbund", "--format", "json", cwd=federation.verbund))
    shown = {c["name"] for g in view["groups"] for c in g["counties"]}
    assert shown == {"Vollstadt", "Volltext", "Summental", "Summingen"}
    assert view["not_disclosed"] == [{"name": "Stillbach", "disclosure": "none", "status": "keine Freigabe"}]
    assert view["refused"] == [] and view["notes"] == []  # no raw data in the Verbund workspace
    gaps = {g["requirement"]: g for g in view["groups"][0]["shared_gaps"]}
    # open in the two full counties (named) and the aggregate county that allows ids (counted, not named)
    assert gaps["ISMS.1.A3"]["counties"] == 3 and gaps["ISMS.1.A3"]["unnamed"] == 1
    assert set(gaps["ISMS.1.A3"]["names"]) == {"Vollstadt", "Volltext"}
    check = run_cli("check", cwd=federation.verbund)
    assert check.exit_code == 0, check.output
    assert "member-without-plugin" not in check.output


def test_the_verbund_figures_equal_the_countys_own(run_cli, federation):
    own = _json(run_cli("assess", "--format", "json", cwd=federation.counties["kreis-summe"]))["counties"][0]
    view = _json(run_cli("assess", "--verbund", "--format", "json", cwd=federation.verbund))
    entry = next(c for g in view["groups"] for c in g["counties"] if c["name"] == "Summental")
    assert entry["approaches"]["basis"]["fulfilment"] == own["approaches"][0]["fulfilment"]
    assert entry["approaches"]["basis"]["status"] == own["approaches"][0]["status"]


def _refusal(run_cli, federation, key):
    result = run_cli("verbund", "verify", "--format", "json", cwd=federation.verbund)
    assert result.exit_code == ExitCode.FINDINGS, result.output
    package = next(p for p in json.loads(result.output)["packages"] if p["county"] == key)
    assert package["verified"] is False
    view = _json(run_cli("assess", "--verbund", "--format", "json", cwd=federation.verbund))
    assert all(c["name"] != package["name"] for g in view["groups"] for c in g["counties"])
    refused = next(r for r in view["refused"] if r["name"] == package["name"])
    check = run_cli("check", cwd=federation.verbund)
    assert check.exit_code == ExitCode.FINDINGS and "verbund.package" in check.output
    return " ".join(package["problems"]), refused


def test_a_forged_package_is_refused_naming_the_county_and_why(run_cli, federation):
    path = federation.package("kreis-summe")
    document = json.loads(path.read_text(encoding="utf-8"))
    document["payload"]["figures"]["approaches"]["basis"]["ja"] += 10
    path.write_text(json.dumps(document), encoding="utf-8")
    reason, refused = _refusal(run_cli, federation, "kreis-summe")
    assert "Signatur ungültig" in reason and refused["name"] == "Summental"


def test_a_package_signed_with_another_key_is_refused(run_cli, federation):
    other = federation.counties["kreis-voll"]
    # Kreis Voll signs a package claiming to be Kreis Summe's: wrong key, and named as another county
    shutil.copy(other / "offenlegung" / "kreis-voll.json" if (other / "offenlegung").exists()
                else federation.package("kreis-voll"), federation.package("kreis-summe"))
    reason, _ = _refusal(run_cli, federation, "kreis-summe")
    assert "gehört zu Landkreis 'kreis-voll'" in reason and "anderen Schlüssel" in reason


def test_a_stale_or_future_package_is_refused(run_cli, federation, monkeypatch):
    later = dt.date.today() + dt.timedelta(days=101)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", _epoch(later.isoformat()))
    reason, _ = _refusal(run_cli, federation, "kreis-voll")
    assert "veraltet" in reason and "package_max_age_days" in reason
    monkeypatch.setenv("SOURCE_DATE_EPOCH", _epoch((dt.date.today() - dt.timedelta(days=5)).isoformat()))
    reason, _ = _refusal(run_cli, federation, "kreis-voll")
    assert "in der Zukunft" in reason


def test_a_package_on_a_catalog_the_verbund_does_not_pin_is_refused(run_cli, federation):
    config = federation.verbund / "ikz-isms.yaml"
    text = config.read_text(encoding="utf-8")
    sha = re.search(r"sha256: ([0-9a-f]{64})", text).group(1)
    catalog = federation.verbund / "catalogs" / "muster.json"
    catalog.write_bytes(catalog.read_bytes().replace(b"Sicherheitsmanagement", b"Sicherheitsmanagment", 1))
    import hashlib

    config.write_text(text.replace(sha, hashlib.sha256(catalog.read_bytes()).hexdigest()), encoding="utf-8")
    reason, _ = _refusal(run_cli, federation, "kreis-voll")
    assert "Katalogstand muster" in reason and "nicht eingetragen" in reason


def test_a_county_without_a_trusted_key_is_refused(run_cli, federation):
    config = federation.verbund / "ikz-isms.yaml"
    lines = [line for line in config.read_text(encoding="utf-8").splitlines() if "kreis-voll-text:" not in line]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    reason, _ = _refusal(run_cli, federation, "kreis-voll-text")
    assert "kein öffentlicher Schlüssel" in reason and "verbund trust kreis-voll-text" in reason


@pytest.mark.parametrize("content", [b"", b"{", b"[]", b'{"payload": {}, "signature": {}}', b"\xff\xfe",
                                     b'{"payload": ' * 3000])
def test_a_broken_package_file_is_refused_with_file_and_place(run_cli, federation, content):
    federation.package("kreis-voll").write_bytes(content)
    reason, _ = _refusal(run_cli, federation, "kreis-voll")
    assert "Paket nicht lesbar" in reason and "Traceback" not in reason


def test_trust_validates_the_key_and_keeps_a_different_one_unless_replaced(run_cli, federation):
    bad = run_cli("verbund", "trust", "kreis-voll", "ed25519:kurz", cwd=federation.verbund)
    assert bad.exit_code == ExitCode.USAGE and "Base64" in bad.stderr or "32 Byte" in bad.stderr
    other = federation.public_keys["kreis-summe"]
    refused = run_cli("verbund", "trust", "kreis-voll", other, cwd=federation.verbund)
    assert refused.exit_code == ExitCode.REFUSED and "--replace" in refused.stderr
    assert run_cli("verbund", "trust", "kreis-voll", other, "--replace", cwd=federation.verbund).exit_code == 0
    reason, _ = _refusal(run_cli, federation, "kreis-voll")
    assert "anderen Schlüssel" in reason


# -- canaries: nothing a policy withholds leaves in any output ---------------------------------------


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def _every_verbund_output(run_cli, workspace: Path, out: Path) -> str:
    out.mkdir(exist_ok=True)
    texts = []
    commands = [
        ("assess", "--verbund"), ("assess", "--verbund", "--format", "json"),
        ("tender", "opportunities"), ("tender", "opportunities", "--format", "json"),
        ("contracts", "opportunities"), ("contracts", "opportunities", "--format", "json"),
        ("verbund", "verify"), ("verbund", "verify", "--format", "json"),
        ("check",), ("check", "--format", "json"), ("assess",), ("assess", "--format", "json"),
        ("county", "list", "--format", "json"),
        ("risk", "list", "--verbund"), ("risk", "list", "--verbund", "--format", "json"),
        ("emergency", "verbund"), ("emergency", "verbund", "--format", "json"),
    ]
    for args in commands:
        result = run_cli(*args, cwd=workspace)
        assert result.exit_code in (0, 1), (args, result.output, result.stderr)
        texts += [result.output, result.stderr]
    pdf = out / "verbund.pdf"
    result = run_cli("report", "verbund", "-o", pdf, cwd=workspace)
    assert result.exit_code == 0, result.stderr
    texts.append(_pdf_text(pdf))
    plan = out / "notfallplan.pdf"
    result = run_cli("emergency", "plan", "-o", plan, cwd=workspace)
    assert result.exit_code == 0, result.stderr
    texts.append(_pdf_text(plan))
    return "\n".join(texts)


@pytest.mark.slow
def test_no_output_of_the_verbund_contains_a_canary_its_county_withholds(run_cli, federation, tmp_path):
    everything = _every_verbund_output(run_cli, federation.verbund, tmp_path / "out")
    for spec in federation.specs:
        for canary in spec.withheld():
            assert canary not in everything, (spec.key, canary)
    # what full counties allow does reach the Verbund: the canary check can see a leak
    assert "CANARY-KREIS-VOLL-TEXT-BEGRUENDUNG" in federation.package("kreis-voll-text").read_text(encoding="utf-8")
    assert "Vollstadt" in everything


def test_an_aggregate_only_verbund_names_no_requirement_anywhere(run_cli, tmp_path):
    specs = [CountySpec("kreis-a", "Astadt", "aggregate"), CountySpec("kreis-b", "Bestadt", "aggregate"),
             CountySpec("kreis-c", "Cestadt", "none")]
    federation = build_federation(run_cli, tmp_path, specs)
    everything = _every_verbund_output(run_cli, federation.verbund, tmp_path / "out")
    # every requirement open in the counties: nein/teilweise, and the Basis gaps their own assess names
    opened = set(OPEN)
    for spec in specs:
        own = _json(run_cli("assess", "--format", "json", cwd=federation.counties[spec.key]))["counties"][0]
        opened |= {gap["requirement"] for gap in own["basis_gaps"]}
    assert len(opened) > 10
    words = set(re.findall(r"[A-Z]{2,4}(?:\.[0-9]+)+\.A[0-9]+", everything))
    assert not words & opened, words & opened
    for package in (federation.package(s.key) for s in specs):
        text = package.read_text(encoding="utf-8")
        assert not any(requirement in text for requirement in opened)


def test_single_repository_mode_says_that_everyone_with_access_sees_all_data(run_cli, example_workspace):
    text = run_cli("assess", "--verbund", cwd=example_workspace)
    assert "Einzel-Repository-Modus" in text.output and "sieht alle ihre Prüfeinträge" in text.output
    view = _json(run_cli("assess", "--verbund", "--format", "json", cwd=example_workspace))
    assert any("Einzel-Repository-Modus" in note for note in view["notes"])


# -- journals anchored outside themselves ------------------------------------------------------------


def _git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env)


@pytest.fixture
def county_repo(ikz_isolated, prepared, tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git ist nicht installiert")
    spec = CountySpec("kreis-a", "Astadt", "full")
    ws = prepared.county(tmp_path, spec)
    _git(ws, "init", "-q")
    _git(ws, "add", "-A")
    _git(ws, "commit", "-qm", "Stand")
    return ws, ws / "plugins" / "ikz-county-kreis-a" / "data" / "journal.jsonl"


def test_a_journal_that_only_grew_passes_against_the_git_base(run_cli, county_repo):
    ws, _ = county_repo
    assert run_cli("assess", "set", "ISMS.1.A2", "IV", "ja", cwd=ws).exit_code == 0
    result = run_cli("journal", "verify", "--against", "HEAD", cwd=ws)
    assert result.exit_code == 0, result.output


def test_a_rewritten_journal_with_a_recomputed_chain_is_rejected_against_the_git_base(run_cli, county_repo):
    from ikz_isms import journal

    ws, path = county_repo
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    entries[1]["new"]["status"] = "ja"
    rewritten = journal.seal([{k: e[k] for k in ("time", "actor", "record", "old", "new")} for e in entries], None)
    path.write_bytes(journal.encode(rewritten))
    assert run_cli("journal", "verify", cwd=ws).exit_code in (0, 1)  # the chain alone may look whole
    result = run_cli("journal", "verify", "--against", "HEAD", "--format", "json", cwd=ws)
    assert result.exit_code == ExitCode.FINDINGS
    problems = json.loads(result.output)["counties"][0]["problems"]
    assert any(p["line"] == 2 and "umgeschrieben" in p["message"] for p in problems)


def test_a_shortened_or_deleted_journal_is_rejected_against_the_git_base(run_cli, county_repo):
    ws, path = county_repo
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-2]), encoding="utf-8")
    result = run_cli("journal", "verify", "--against", "HEAD", cwd=ws)
    assert result.exit_code == ExitCode.FINDINGS and "gekürzt" in result.output
    path.unlink()
    result = run_cli("journal", "verify", "--against", "HEAD", cwd=ws)
    assert result.exit_code == ExitCode.FINDINGS and "Journal fehlt" in result.output


def test_an_unknown_revision_or_a_folder_outside_git_is_a_clear_error(run_cli, county_repo, prepared, tmp_path):
    ws, _ = county_repo
    result = run_cli("journal", "verify", "--against", "gibt-es-nicht", cwd=ws)
    assert result.exit_code == ExitCode.USAGE and "unbekannt" in result.stderr
    plain = prepared.county(tmp_path / "ohne-git", CountySpec("kreis-b", "Bestadt", "full"))
    result = run_cli("journal", "verify", "--against", "HEAD", cwd=plain)
    assert result.exit_code == ExitCode.UNAVAILABLE and "git-Repository" in result.stderr


def test_a_package_whose_journal_shrank_since_the_git_base_is_rejected(run_cli, federation):
    if shutil.which("git") is None:
        pytest.skip("git ist nicht installiert")
    _git(federation.verbund, "init", "-q")
    _git(federation.verbund, "add", "-A")
    _git(federation.verbund, "commit", "-qm", "Pakete")
    ws = federation.counties["kreis-voll"]
    path = federation.data_dir("kreis-voll") / "journal.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:3]), encoding="utf-8")
    assert run_cli("publish", "--into", federation.verbund, cwd=ws).exit_code == 0
    assert run_cli("verbund", "verify", cwd=federation.verbund).exit_code == 0  # signed, fresh, pinned
    result = run_cli("verbund", "verify", "--against", "HEAD", "--format", "json", cwd=federation.verbund)
    assert result.exit_code == ExitCode.FINDINGS
    package = next(p for p in json.loads(result.output)["packages"] if p["county"] == "kreis-voll")
    assert any("Journal kürzer als in HEAD" in p for p in package["problems"])


def test_tender_opportunities_in_the_verbund_come_from_the_full_packages_only(run_cli, federation):
    from tests.support import ROOT

    shutil.copytree(ROOT / "catalogs" / "vorlagen", federation.verbund / "catalogs" / "vorlagen")
    result = _json(run_cli("tender", "opportunities", "--format", "json", cwd=federation.verbund))
    gaps = {rid: set(keys) for item in result["opportunities"]
            for rid, keys in ((item.get("gaps") or {}).get("gaps") or {}).items()}
    # ORP.4.A22 is open in all four counties with figures; only the two full packages name it
    assert gaps["ORP.4.A22"] == {"kreis-voll", "kreis-voll-text"}
    assert all(keys <= {"kreis-voll", "kreis-voll-text"} for keys in gaps.values())
    # every member is to be named in a joint tender (§21 Abs. 2 VgV): membership is not a finding
    proposal = next(item for item in result["opportunities"] if "ORP.4.A22" in (item.get("gaps") or {}).get("gaps", {}))
    assert set(proposal["counties_to_name"]) == {s.key for s in SPECS}
    assert any("Summental" in note and "Summingen" in note and "Stillbach" in note for note in result["notes"])
    # the same list from contracts opportunities
    assert _json(run_cli("contracts", "opportunities", "--format", "json", cwd=federation.verbund)) == result
