"""Build a synthetic workspace for the benchmarks: N counties on the full G++ catalog, in today's layout.

Every figure is invented and seeded: the same arguments give the same files. The workspace
is made as a user makes one (``ikz-isms init``, ``ikz-isms catalog import`` of the resolved
Grundschutz++ catalog); each county is a **data folder** ``plugins/ikz-county-<key>/data/``
(no Python, as ``ikz-isms county add`` makes one) with

* ``landkreis.yaml`` — the profile (70 % ``full``, 20 % ``aggregate``, 10 % ``none`` disclosure);
* ``zielobjekte.yaml`` — about 50 target objects (information domain, 6 processes,
  15 applications, 16 IT systems, 5 networks, 5 rooms, 2 buildings) with dependencies,
  protection needs and G++ categories;
* ``pruefungen/<ZIELOBJEKT>.yaml`` — the check records, **one file per target object**
  (``zielobjekt: ID`` + ``pruefungen:`` list), each record a pair the product itself models
  onto that object (the modelling is asked of ``ikz_isms.app.Session``, so the records are
  exactly the applicable (requirement, target) pairs); statuses mixed, statements,
  responsibles, check dates, some evidence;
* ``journal.jsonl`` — a valid hash chain (sealed by ``ikz_isms.journal.seal``) in which 5 %
  of the records have a history over the past quarters; the last journaled value of every
  journaled record equals the record, so ``journal verify`` finds nothing;
* optionally ``plan.yaml`` (made by ``ikz-isms plan update``, ``--plan``) and a framework
  contract with many call-offs (``--calloffs N``).

Sizes: without ``--records`` each county covers 40–100 % of its applicable pairs (a
per-county maturity). ``--records N`` makes each county hold exactly N records: the target
objects are multiplied (same mix) until the county has enough applicable pairs, and a
block of pairs of the largest object stays open for ``assess --interactive``.

A manifest ``.benchmark.json`` in the workspace names what the benchmarks need (counties,
records, a few records to change, the object with open requirements, the contract).

    python benchmarks/generate_verbund.py --counties 24 --out /tmp/verbund-24
    python benchmarks/generate_verbund.py --counties 1 --records 4000 --plan --calloffs 2000 --out /tmp/k4000
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CATALOG = REPO.parent / "shared" / "upstream" / "gspp" / "resolved-2026-06-30" / "Grundschutz++-catalog.json"
PIN = "gspp"
TODAY = dt.date(2026, 11, 20)
MANIFEST = ".benchmark.json"
#: bump when the files this script writes change shape, so kept workspaces are rebuilt
FORMAT = 3

# (id prefix, type, how many, G++ category choices)
TEMPLATE = (
    ("GP", "Geschäftsprozess", 6, None),
    ("APP", "Anwendung", 14, ("Anwendungen", "Webanwendungen", "E-Mail", "Office-Anwendungen",
                             "Verzeichnisdienste", "Dateiserver", "Webbrowser", "TK-Anwendungen",
                             "Virtualisierungslösungen", "DNS-Server")),
    ("CLOUD", "Anwendung", 1, ("Cloud-Dienste",)),
    ("SYS", "IT-System", 16, ("Endgeräte", "Hostsysteme", "IT-Systeme", "Mobiltelefone")),
    ("NET", "Netz", 5, ("Netze", "Interne Netzsegmente", "WLANs", "Externe Netzanschlüsse")),
    ("RAUM", "Raum", 5, ("Räume", "Serverräume", "Datenträgerarchiv", "Räume für technische Infrastruktur")),
    ("GEB", "Gebäude", 2, ("Gebäude",)),
)
RESPONSIBLE = ("IT-Leitung", "Hauptamt", "ISB", "Personalamt", "Gebäudemanagement", "IT-Dienstleister",
               "Datenschutzbeauftragte", "Fachamt Soziales", "Kämmerei")
STATEMENTS = {
    "ja": ("Umgesetzt; beschrieben im Sicherheitskonzept, Abschnitt {n}.",
           "Umgesetzt und durch die IT-Leitung geprüft; Nachweis im Dokumentenmanagement.",
           "Umgesetzt über die zentrale Richtlinie {n}/2025; jährliche Kontrolle durch den ISB."),
    "teilweise": ("Teilweise umgesetzt; Dokumentation fehlt noch.",
                  "Für die Hauptverwaltung umgesetzt, Außenstellen folgen bis Ende {y}.",
                  "Technisch umgesetzt, organisatorische Regelung in Abstimmung (Vorlage {n})."),
    "nein": ("Nicht umgesetzt; Maßnahme im Realisierungsplan vorzusehen.",
             "Noch nicht umgesetzt; Haushaltsmittel für {y} beantragt."),
    "entbehrlich": ("Nicht einschlägig: Funktion wird im Landkreis nicht genutzt.",),
}
HEADER = "# Synthetische Benchmark-Daten – ERFUNDEN, erzeugt von benchmarks/generate_verbund.py.\n"


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def county_targets(rng: random.Random, number: int, scale: float = 1.0) -> list[dict]:
    """About 50 × ``scale`` target objects: domain, processes, applications, systems, networks, rooms, buildings."""
    targets: list[dict] = [{"id": "IV", "name": f"Informationsverbund Kreisverwaltung {number:03d}",
                            "type": "Informationsverbund", "need": ("normal", "normal", "normal")}]
    ids: dict[str, list[str]] = {}
    sizes = [max(1, round(count * scale)) for _, _, count, _ in TEMPLATE]
    width = max(2, len(str(max(sizes))))
    for (prefix, kind, _, categories), size in zip(TEMPLATE, sizes):
        for index in range(1, size + 1):
            target = {"id": f"{prefix}-{index:0{width}d}", "name": f"{kind} {index:0{width}d}", "type": kind}
            if categories:
                target["kategorien"] = [rng.choice(categories)]
            if kind == "Geschäftsprozess":
                target["need"] = tuple(rng.choice(("normal", "normal", "hoch", "sehr hoch")) for _ in range(3))
            if kind == "IT-System" and target["kategorien"] == ["Endgeräte"]:
                target["count"] = rng.randint(20, 400)
            ids.setdefault(prefix, []).append(target["id"])
            targets.append(target)
    below = {"GP": ("APP", 3), "APP": ("SYS", 2), "CLOUD": ("NET", 1), "SYS": ("NET", 1), "NET": ("RAUM", 1),
             "RAUM": ("GEB", 1)}
    for target in targets:
        prefix = target["id"].split("-")[0]
        if prefix in below:
            lower, many = below[prefix]
            target["depends_on"] = sorted(rng.sample(ids[lower], min(many, len(ids[lower]))))
    return targets


def targets_yaml(targets: list[dict]) -> str:
    out = [HEADER, "zielobjekte:\n"]
    for t in targets:
        out.append(f"  - id: {t['id']}\n    name: {q(t['name'])}\n    type: {t['type']}\n")
        if t.get("depends_on"):
            out.append("    depends_on:\n" + "".join(f"      - {d}\n" for d in t["depends_on"]))
        if t.get("need"):
            c, i, a = t["need"]
            out.append(f"    protection_need:\n      C: {c}\n      I: {i}\n      A: {a}\n")
        if t.get("kategorien"):
            out.append("    kategorien:\n" + "".join(f"      - {q(k)}\n" for k in t["kategorien"]))
        if t.get("count"):
            out.append(f"    count: {t['count']}\n")
    return "".join(out)


def pick_status(rng: random.Random, maturity: float) -> str:
    roll = rng.random()
    if roll < 0.04:
        return "unbearbeitet"
    if roll < maturity:
        return "ja"
    if roll < maturity + 0.03:
        return "entbehrlich"
    if roll < maturity + 0.18:
        return "teilweise"
    return "nein"


def make_record(rng: random.Random, requirement: str, target: str, status: str) -> dict:
    record = {"requirement": requirement, "target": target, "status": status}
    if status == "unbearbeitet":
        return record
    checked = TODAY - dt.timedelta(days=rng.randint(0, 540))
    if status in STATEMENTS and rng.random() < 0.8:
        record["statement"] = rng.choice(STATEMENTS[status]).format(n=rng.randint(1, 40), y=TODAY.year + 1)
    record["responsible"] = rng.choice(RESPONSIBLE)
    record["checked"] = checked.isoformat()
    if status == "ja" and rng.random() < 0.25:
        record["evidence"] = [f"DMS-{rng.randint(1000, 99999)}"]
    record["provenance"] = "own"
    if status == "entbehrlich":
        record["reason"] = "Nicht einschlägig: Funktion wird im Landkreis nicht genutzt."
    return record


def journal_entries(rng: random.Random, records: list[dict]) -> list[dict]:
    """5 % of the records with a history: an earlier state some quarters ago, then today's record."""
    history = rng.sample(records, max(1, len(records) // 20)) if records else []
    entries = []
    for record in history:
        first = TODAY - dt.timedelta(days=rng.randint(120, 420))
        later = first + dt.timedelta(days=rng.randint(20, 110))
        key = f"{record['requirement']}@{record['target']}"
        before = {"requirement": record["requirement"], "target": record["target"], "status": "nein",
                  "checked": first.isoformat(), "provenance": "own"}
        entries.append({"time": f"{first.isoformat()}T09:00:00+00:00", "actor": "generator", "record": key,
                        "old": None, "new": before})
        # the last journaled value is the record as it stands, so journal verify agrees
        entries.append({"time": f"{later.isoformat()}T09:00:00+00:00", "actor": "generator", "record": key,
                        "old": before, "new": dict(record)})
    entries.sort(key=lambda e: e["time"])
    return entries


def record_yaml(r: dict) -> str:
    out = [f"  - requirement: {q(r['requirement'])}\n    status: {r['status']}\n"]
    if r.get("statement"):
        out.append(f"    statement: {q(r['statement'])}\n")
    if r.get("responsible"):
        out.append(f"    responsible: {q(r['responsible'])}\n")
    if r.get("checked"):
        out.append(f"    checked: {r['checked']}\n")
    if r.get("evidence"):
        out.append("    evidence:\n" + "".join(f"      - {q(e)}\n" for e in r["evidence"]))
    if r.get("provenance"):
        out.append(f"    provenance: {r['provenance']}\n")
    if r.get("reason"):
        out.append(f"    reason: {q(r['reason'])}\n")
    return "".join(out)


def write_records(data: Path, targets: list[dict], records: list[dict]) -> int:
    """One file per target object that has records; returns the number of files."""
    by_target: dict[str, list[dict]] = {}
    for record in records:
        by_target.setdefault(record["target"], []).append(record)
    folder = data / "pruefungen"
    folder.mkdir(exist_ok=True)
    for target in targets:
        items = by_target.get(target["id"])
        if not items:
            continue
        text = (HEADER + f"# IT-Grundschutz-Check für Zielobjekt {target['id']}.\n"
                f"zielobjekt: {target['id']}\npruefungen:\n" + "".join(record_yaml(r) for r in items))
        (folder / f"{target['id']}.yaml").write_text(text, encoding="utf-8")
    return len(by_target)


def profile_yaml(rng: random.Random, key: str, number: int, disclosure: str) -> str:
    return (f"{HEADER}key: {key}\nname: {q(f'Synthetischer Landkreis {number:03d}')}\n"
            f'ags: "99{number:03d}"\ninhabitants: {rng.randint(40_000, 350_000)}\n'
            f"employees: {rng.randint(250, 1800)}\nisb:\n  name: ISB {number:03d}\n"
            f"  email: isb@lk-{number:03d}.example\ndisclosure: {disclosure}\ncatalog: {PIN}\n")


def contract_yaml(rng: random.Random, keys: list[str], calloffs: int) -> tuple[str, dict]:
    """A framework contract of all counties with ``calloffs`` call-offs over a long term."""
    start, end = dt.date(2024, 1, 1), dt.date(2031, 12, 31)
    lines = [HEADER, "id: rv-benchmark-lizenzen\ntitle: Lizenzen Fachverfahren (Benchmark, erfunden)\n",
             "kind: framework\ncategory: lizenzen\n", f"lead: {keys[0]}\nparticipants:\n",
             *[f"  - {k}\n" for k in keys],
             "suppliers:\n  - name: Beispiel Software GmbH\nregime: VgV\nprocedure: Offenes Verfahren\n",
             f"term:\n  start: {start}\n  end: {end}\n  renewal: none\n  notice_months: 6\n",
             'ceiling: "900000000.00"\nestimate: "500000000.00"\n',
             "price:\n  model: unit\n  history:\n    - valid_from: 2024-01-01\n      amount: \"125.00\"\n",
             "allocation:\n  key: use\n", "calloffs:\n"]
    span = (TODAY - start).days
    days = sorted(rng.randint(0, span) for _ in range(calloffs))
    for index, day in enumerate(days, start=1):
        quantity = rng.randint(1, 40)
        lines.append(f"  - id: A{index:04d}\n    county: {rng.choice(keys)}\n    date: {start + dt.timedelta(days=day)}\n"
                     f"    amount: \"{quantity * 125:.2f}\"\n    quantity: \"{quantity}\"\n"
                     f"    description: {q(f'Abruf {index}: {quantity} Lizenzen')}\n")
    return "".join(lines), {"id": "rv-benchmark-lizenzen", "calloffs": calloffs, "county": keys[0],
                            "date": TODAY.isoformat()}


def run_cli(*args: str, cwd: Path, python: str) -> str:
    # the code the caller chose (run.py passes a snapshot in PYTHONPATH), else this working tree
    env = {**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH") or str(REPO), "IKZ_ISMS_NO_CACHE": "1"}
    done = subprocess.run([python, "-m", "ikz_isms", *args], cwd=cwd, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"ikz-isms {' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return done.stdout


def set_members(config: Path, keys: list[str]) -> None:
    from ruamel.yaml import YAML

    yaml = YAML()
    data = yaml.load(config.read_text(encoding="utf-8"))
    data["verbund"]["members"] = keys
    data["default_catalog"] = PIN
    with config.open("w", encoding="utf-8") as handle:
        yaml.dump(data, handle)


def counted_pairs(session, key: str) -> list[tuple[str, str]]:
    county = session.county(key)
    pairs = [p.key for p in session.assessment(county).counted_pairs]
    session.county_changed(county)  # keep memory flat over hundreds of counties
    return pairs


def fingerprint(args: dict, catalog: Path) -> str:
    digest = hashlib.sha256()
    digest.update(Path(__file__).read_bytes())
    digest.update(json.dumps(args, sort_keys=True).encode())
    digest.update(f"{catalog.stat().st_size}:{int(catalog.stat().st_mtime)}".encode())
    return digest.hexdigest()[:16]


def generate(counties: int, out: Path, catalog_path: Path, seed: int = 2026, *, records: int | None = None,
             plan: bool = False, calloffs: int = 0, reserve_open: int = 40, python: str | None = None) -> dict:
    """Write the workspace; returns the manifest (also saved as ``out/.benchmark.json``)."""
    python = python or sys.executable
    os.environ["IKZ_ISMS_NO_CACHE"] = "1"  # the generator leaves no derived cache behind
    if not os.environ.get("PYTHONPATH"):
        sys.path.insert(0, str(REPO))
    from ikz_isms import journal
    from ikz_isms.app import Session

    if (out / "ikz-isms.yaml").exists():
        raise SystemExit(f"{out} holds a workspace already; choose an empty --out.")
    started = time.perf_counter()
    out.parent.mkdir(parents=True, exist_ok=True)
    run_cli("init", str(out), "--name", f"Synthetischer Verbund ({counties} Landkreise)", cwd=out.parent, python=python)
    run_cli("catalog", "import", str(catalog_path), "--name", PIN, cwd=out, python=python)
    rng = random.Random(seed)
    keys = [f"lk-{number:03d}" for number in range(1, counties + 1)]
    plan_rng = random.Random(seed + 1)
    layout: dict[str, dict] = {}
    for number, key in enumerate(keys, start=1):
        disclosure = "full" if records else rng.choices(("full", "aggregate", "none"), weights=(7, 2, 1))[0]
        data = out / "plugins" / f"ikz-county-{key}" / "data"
        data.mkdir(parents=True)
        (data / "landkreis.yaml").write_text(profile_yaml(rng, key, number, disclosure), encoding="utf-8")
        layout[key] = {"number": number, "data": data, "disclosure": disclosure, "seed": rng.randrange(2**32)}
    set_members(out / "ikz-isms.yaml", keys)

    session = Session(out)
    manifest: dict = {"format": FORMAT, "counties": keys, "records": 0, "targets": 0, "pairs": 0, "journal": 0,
                      "record_files": 0, "per_county": {}}
    for key in keys:
        info = layout[key]
        crng = random.Random(info["seed"])
        scale = 1.0
        while True:
            targets = county_targets(random.Random(info["seed"]), info["number"], scale)
            (info["data"] / "zielobjekte.yaml").write_text(targets_yaml(targets), encoding="utf-8")
            pairs = counted_pairs(session, key)
            if records is None or len(pairs) >= records + reserve_open:
                break
            scale *= (records + reserve_open) * 1.04 / max(1, len(pairs))
            session = Session(out)
        open_target = None
        if records is None:
            maturity = crng.uniform(0.15, 0.95)
            coverage = min(1.0, maturity + 0.25)
            chosen = [p for p in pairs if crng.random() <= coverage]
        else:
            maturity = 0.72  # gaps (nein/teilweise) about a quarter: ~1,000 plan measures at 4,000 records
            counts: dict[str, int] = {}
            for _, target in pairs:
                counts[target] = counts.get(target, 0) + 1
            open_target = max(counts, key=lambda t: counts[t])
            reserved = {p for p in pairs if p[1] == open_target}
            reserved = set(sorted(reserved)[:reserve_open])
            rest = [p for p in pairs if p not in reserved]
            picked = set(crng.sample(range(len(rest)), records))
            chosen = [p for index, p in enumerate(rest) if index in picked]
        recs = [make_record(crng, req, target, pick_status(crng, maturity)) for req, target in chosen]
        files = write_records(info["data"], targets, recs)
        entries = journal_entries(crng, [r for r in recs if r["status"] != "unbearbeitet"])
        sealed = journal.seal(entries, None)
        (info["data"] / "journal.jsonl").write_bytes(journal.encode(sealed))
        samples = [[r["requirement"], r["target"], r["status"]] for r in crng.sample(recs, min(40, len(recs)))]
        manifest["per_county"][key] = {
            "targets": len(targets), "pairs": len(pairs), "records": len(recs), "record_files": files,
            "journal": len(sealed), "disclosure": info["disclosure"], "samples": samples,
            "open_target": open_target,
            "open_pairs": (sum(1 for p in pairs if p[1] == open_target) - sum(1 for r in recs if r["target"] == open_target)
                           if open_target else None),
        }
        manifest["records"] += len(recs)
        manifest["targets"] += len(targets)
        manifest["pairs"] += len(pairs)
        manifest["journal"] += len(sealed)
        manifest["record_files"] += files
        if info["number"] % 25 == 0:
            print(f"… {info['number']} of {counties} counties", file=sys.stderr, flush=True)
    if plan:
        for key in keys:
            run_cli("plan", "update", "--county", key, cwd=out, python=python)
            text = (layout[key]["data"] / "plan.yaml").read_text(encoding="utf-8")
            manifest["per_county"][key]["plan_measures"] = text.count("\n  - id: M-")
    if calloffs:
        text, contract = contract_yaml(plan_rng, keys, calloffs)
        (out / "catalogs" / "vertraege").mkdir(parents=True, exist_ok=True)
        (out / "catalogs" / "vertraege" / f"{contract['id']}.yaml").write_text(text, encoding="utf-8")
        manifest["contract"] = contract
    shutil.rmtree(out / ".ikz-cache", ignore_errors=True)
    manifest["bytes"] = sum(p.stat().st_size for p in (out / "plugins").rglob("*") if p.is_file())
    manifest["seconds"] = round(time.perf_counter() - started, 1)
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counties", type=int, required=True, help="number of counties (e.g. 4, 24, 294)")
    parser.add_argument("--out", type=Path, required=True, help="new workspace directory")
    parser.add_argument("--catalog", type=Path, default=DEFAULT_CATALOG,
                        help="G++ catalog to import (default: the resolved catalog in ../shared/upstream)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same files)")
    parser.add_argument("--records", type=int, help="exactly this many check records per county (more target objects "
                        "when needed); default: 40-100 %% of the applicable pairs")
    parser.add_argument("--plan", action="store_true", help="also make plan.yaml per county (ikz-isms plan update)")
    parser.add_argument("--calloffs", type=int, default=0, help="add a framework contract with this many call-offs")
    args = parser.parse_args(argv)
    if args.counties < 1:
        parser.error("--counties must be ≥ 1")
    if not args.catalog.is_file():
        parser.error(f"catalog not found: {args.catalog}")
    m = generate(args.counties, args.out.resolve(), args.catalog.resolve(), args.seed, records=args.records,
                 plan=args.plan, calloffs=args.calloffs)
    print(f"{args.out}: {args.counties} counties, {m['targets']} target objects, {m['pairs']} applicable pairs, "
          f"{m['records']} check records in {m['record_files']} files, {m['journal']} journal entries, "
          f"{m['bytes'] / 1e6:.1f} MB ({m['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
