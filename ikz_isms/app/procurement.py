"""Use cases of joint procurement: contracts and call-offs, cost allocation, OCDS export, bundling.

Contracts come from ``catalogs/vertraege/*.yaml`` and from the files county plugins
contribute through ``ikz_register_contracts`` (their own contracts, and call-off files
against the Verbund's contracts). Every file is read through the store, checked against
its schema and then by :mod:`ikz_isms.procure.store`; a broken file stops every command
with its place (exit 3), and ``check`` lists every problem instead.

"Abgerufen" (consumed) is one figure: :meth:`FrameworkContract.consumed`, the sum of all
recorded call-offs of the contract — in its own file and in every county's call-off file,
forced ones included, whatever their date — each with its own amount: as recorded, or
hours (a quantity) × the price valid on its own date (:func:`ikz_isms.procure.store.price_calloff`).
``contracts list/show/due``, the ceiling check of ``contracts calloff add``, ``check``,
``costs`` and ``export ocds`` all see the same call-offs, because they all come from
:func:`load_contracts`; a call-off that cannot be priced is an error naming it.

``contracts calloff add`` counts the call-offs of the contract's own file by their tally
(:class:`~ikz_isms.procure.store.CalloffTally`: ids and sum), kept in ``.ikz-cache/calloffs/``
for exactly the bytes it was made of (sealed like every derived cache); without one, every
call-off of the file is read.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import IkzError, InputError, NotFoundError, PluginError, RefusedError, UsageError

if TYPE_CHECKING:
    from ..procure.costs import Settlement
    from ..procure.legal import LegalFigures
    from ..procure.model import CallOff, FrameworkContract
    from ..procure.opportunities import Opportunity
    from ..procure.statement import SettlementConfig, Statement
    from ..procure.store import CalloffTally
    from ..store import Parsed
    from .session import Session

KIND = "contract"


@dataclass
class ContractSet:
    """Every contract of the workspace and its county plugins, by id; ``errors`` when read leniently."""

    contracts: dict[str, "FrameworkContract"] = field(default_factory=dict)
    errors: list[InputError] = field(default_factory=list)

    def get(self, contract_id: str) -> "FrameworkContract":
        if contract_id not in self.contracts:
            known = ", ".join(self.contracts) or "keine"
            raise NotFoundError(f"Vertrag '{contract_id}' nicht gefunden (bekannt: {known}).")
        return self.contracts[contract_id]

    def __iter__(self) -> Iterator["FrameworkContract"]:
        return iter(self.contracts.values())


def contract_sources(session: "Session") -> list[tuple[Path, str]]:
    """(file, plugin) of every contract and call-off file: the workspace's, then the plugins'."""
    from ..procure.store import RESERVED_FILES
    from ..store import fs

    layout = session.workspace.layout
    sources = [(path, "") for path in fs.list_dir(layout.contracts_dir, (".yaml",)) if path.name not in RESERVED_FILES]
    contributed: list[tuple[Path, str]] = []

    def register(path: str | Path, *, plugin: str) -> None:
        target = Path(path)
        if any(existing == target for existing, _ in contributed):
            raise PluginError(f"Vertragsdatei {target} ist bereits registriert.")
        contributed.append((target, plugin))

    session.pm.contribute("ikz_register_contracts", register, workspace=session.workspace)
    return sources + contributed


def _read_source(session: "Session", path: Path, override: "Parsed | None") -> tuple[str, "Parsed | None", list[InputError]]:
    """(kind, document, problems) of one source; the kind is ``calloffs`` for a county's call-off file."""
    from ..procure.store import is_calloff_file
    from ..store import schema

    parsed: "Parsed | None"
    known: list[Any] | None = None
    if override is not None:
        parsed, error, known = override, None, override.problems
    else:
        parsed, known, error = session.store.parse_lenient(path, KIND)
    if error is not None:
        return KIND, None, [error]
    assert parsed is not None
    if parsed.data is None:
        return KIND, None, [InputError("Datei ist leer.", path=str(path))]
    if not isinstance(parsed.data, dict):
        return KIND, None, [InputError("Datei enthält weder einen Vertrag noch Abrufe (Abschnitt erwartet).",
                                       path=str(path), location=parsed.location())]
    kind = "calloffs" if is_calloff_file(parsed.data) else KIND
    # a contract document was validated against its schema when it was read: not once more
    found = known if kind == KIND and known is not None else schema.problems(parsed.data, kind, parsed)
    return kind, parsed, [InputError(p.message, path=str(path), location=p.location) for p in found]


def load_contracts(session: "Session", *, lenient: bool = False, fresh: bool = False,
                   override: Mapping[Path, "Parsed"] | None = None,
                   tallied: Mapping[Path, "CalloffTally"] | None = None) -> ContractSet:
    """Every contract with all its call-offs attached.

    Strict (default): the first problem raises its located InputError. Lenient (``check``):
    every problem is kept in ``errors`` and the file (or call-off) it concerns is left out.
    ``fresh`` reads every file again (under a lock); ``override`` supplies documents
    already read. ``tallied`` (strict only) gives the :class:`~ikz_isms.procure.store.CalloffTally`
    of contract files whose own call-offs are not attached (:func:`cached_tally`): those contracts
    carry only the call-offs of other files, and their own ones count through the tally.
    """
    from ..procure.store import Numbers, duplicate_calloff, parse_calloff, parse_calloffs, parse_contract, price_calloff

    result = ContractSet()

    def problem(error: InputError) -> None:
        if not lenient:
            raise error
        result.errors.append(error)

    external: list["CallOff"] = []
    for path, plugin in contract_sources(session):
        if fresh:
            session.store.forget(path)
        kind, parsed, errors = _read_source(session, path, (override or {}).get(path))
        if errors or parsed is None:
            if not lenient:
                shown = errors[0]
                more = f" (und {len(errors) - 1} weitere; ikz-isms check zeigt alle)" if len(errors) > 1 else ""
                raise InputError(shown.message + more, path=shown.path, location=shown.location)
            result.errors.extend(errors)
            continue
        try:
            if kind == "calloffs":
                external.extend(parse_calloffs(parsed))
                continue
            unpriced: list[InputError] = []
            # a tallied file's own call-offs are counted, not attached
            known: list[CallOff] | None = [] if not lenient and tallied and path in tallied else None
            contract = parse_contract(parsed, plugin, unpriced if lenient else None, calloffs=known)
        except InputError as exc:
            problem(exc)
            continue
        result.errors.extend(unpriced)
        if contract.id in result.contracts:
            problem(InputError(f"Vertrags-ID '{contract.id}' doppelt (auch in {result.contracts[contract.id].path}).",
                               path=str(path), location=contract.location("id")))
            continue
        result.contracts[contract.id] = contract
    seen: dict[tuple[str, str], Any] = {(c.contract, c.id): c for contract in result for c in contract.calloffs}
    for contract in result:
        tally = (tallied or {}).get(contract.path) if not lenient else None
        # a call-off known by its tally only: its index, read if another file repeats its id
        seen.update(((contract.id, calloff_id), index) for index, calloff_id in enumerate(tally.ids if tally else ()))
    for calloff in external:
        target = result.contracts.get(calloff.contract)
        if target is None:
            problem(InputError(f"Abruf '{calloff.id}' nennt unbekannten Vertrag '{calloff.contract}'.",
                               path=str(calloff.path), location=calloff.location))
            continue
        earlier = seen.get((calloff.contract, calloff.id))
        if earlier is not None:
            if isinstance(earlier, int):
                earlier = parse_calloff(Numbers(target.source), ("calloffs", earlier), target.id)
            problem(duplicate_calloff(calloff, earlier))
            continue
        seen[(calloff.contract, calloff.id)] = calloff
        try:
            target.calloffs.append(price_calloff(target, calloff))
        except InputError as exc:
            problem(exc)
    return result


def _tally_file(session: "Session", path: Path) -> tuple[Path, str]:
    """(derived cache file of the tally of a contract file's call-offs, the contract file's name in the workspace)."""
    import hashlib

    name = session.workspace.layout.relative(path)
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:32]
    return session.workspace.layout.cache_file("calloffs", f"{digest}.json"), name


def _tally_stamp(name: str, sha256: str) -> dict[str, Any]:
    from .. import __version__
    from ..procure.store import TALLY_FORMAT

    return {"format": TALLY_FORMAT, "version": __version__, "path": name, "sha256": sha256}


def cached_tally(session: "Session", path: Path, parsed: "Parsed") -> "CalloffTally | None":
    """The tally of a contract file's own call-offs that :func:`remember_tally` kept for exactly the
    bytes ``parsed`` was read from (their SHA-256); ``None`` when there is none (the caller reads
    every call-off). Like the parse cache, the entry is sealed with the user's key."""
    import orjson

    from ..procure.store import CalloffTally
    from ..store import fs

    if not session.store.disk_cache or parsed.sha256 is None:
        return None
    target, name = _tally_file(session, path)
    content = session.store.read_cache(target, 64 * fs.MIB)
    try:
        cached = orjson.loads(content) if content is not None else None
    except orjson.JSONDecodeError:
        return None
    if not isinstance(cached, dict) or cached.get("stamp") != _tally_stamp(name, parsed.sha256):
        return None
    ids, total = cached.get("ids"), cached.get("total")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids) or not isinstance(total, str):
        return None
    try:
        return CalloffTally(tuple(ids), Decimal(total))
    except ArithmeticError:
        return None


def remember_tally(session: "Session", path: Path, sha256: str | None, tally: "CalloffTally") -> None:
    """Keep the tally of a contract file's own call-offs for the bytes whose SHA-256 is ``sha256``."""
    import orjson

    if not session.store.disk_cache or sha256 is None:
        return
    target, name = _tally_file(session, path)
    # a read-only checkout still works, only without this cache
    with contextlib.suppress(IkzError, OSError):
        session.store.write_cache(target, orjson.dumps({"stamp": _tally_stamp(name, sha256),
                                                        "ids": list(tally.ids), "total": str(tally.total)}))


def legal_figures(session: "Session") -> "LegalFigures":
    """The legal figures in force for the workspace (its own file, else the built-in data)."""
    from ..procure.legal import load_legal_figures

    return load_legal_figures(session.store, session.workspace.layout.legal_figures)


def county_metrics(session: "Session") -> dict[str, dict[str, Any]]:
    """Name, inhabitants and employees per county key from the county profiles.

    County plugins are optional for procurement: when they cannot be read, the contracts'
    own figures still work, and a warning says why profile figures are missing.
    """
    from .federation import member_profiles

    try:
        counties = session.counties()
        # members whose data stays in their own workspace: what their verified package says
        profiles = {key: c.profile for key, c in counties.items()}
        if any(key not in counties for key in session.workspace.members):
            profiles.update(member_profiles(session, session.today))
    except IkzError as exc:
        session.warn(f"Landkreisprofile nicht lesbar, Kennzahlen aus den Profilen fehlen: {exc}")
        return {}
    return {
        key: {"name": p.name, "inhabitants": p.inhabitants, "employees": p.employees}
        for key, p in profiles.items()
    }


def county_names(session: "Session") -> dict[str, str]:
    return {key: str(data["name"]) for key, data in county_metrics(session).items()}


# -- call-offs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CalloffRequest:
    """A call-off to record: who, when, how much (or how many at the current price), and why if forced."""

    county: str
    day: dt.date
    amount: Decimal | None = None
    quantity: Decimal | None = None
    hours: Decimal | None = None
    description: str = ""
    calloff_id: str | None = None
    #: set means ``--force``: record despite refusals, with this reason
    forced_reason: str | None = None


@dataclass(frozen=True)
class RecordedCalloff:
    """A recorded call-off: its contract's id, the entry as written, the rules it was forced past, the
    file it is recorded in and what the contract's call-offs come to now (*abgerufen*, with this one)."""

    contract: str
    entry: dict[str, Any]
    amount: Decimal
    refusals: list[tuple[str, str]]
    file: str
    consumed: Decimal


def _refused(refusals: list[tuple[str, str]], hint: str) -> RefusedError:
    details = "\n".join(f"  – {message}" for _, message in refusals)
    return RefusedError(f"Abruf verweigert:\n{details}\n{hint}")


def _amount(session: "Session", contract: "FrameworkContract", request: CalloffRequest,
            consumed: Decimal) -> tuple[Decimal, str]:
    """The call-off's net amount and how it was found: given, or quantity (hours) × the price
    valid on its day (:func:`ikz_isms.procure.store.price_for`, the rule every reader uses);
    ``consumed``: what the contract's call-offs come to so far."""
    from ..procure.store import price_for

    if request.amount is not None:
        return request.amount, ""
    count, what = (request.hours, "Stunden") if request.hours is not None else (request.quantity, "Menge")
    if count is None:
        raise UsageError("--amount fehlt (oder --quantity/--hours bei einem Vertrag mit Stückpreis).")
    try:
        return price_for(contract, request.day, count, what)
    except ValueError as exc:
        # a day before the first price is usually a day outside the term: say so, as a refusal
        refusals = [] if request.forced_reason else \
            contract.calloff_refusals(request.county, request.day, Decimal(0), session.today, consumed=consumed)
        if refusals:
            raise _refused(refusals, "Nur mit --force --reason \"…\" --amount BETRAG erfassen (Grund wird gespeichert).") \
                from None
        raise UsageError(f"Abruf nicht bepreisbar: {exc} ({session.workspace.layout.relative(contract.path)}); "
                         "--amount angeben.") from None


def _next_id(taken: set[str]) -> str:
    number = len(taken) + 1
    while f"A{number:03d}" in taken:
        number += 1
    return f"A{number:03d}"


def record_calloff(session: "Session", contract_id: str, request: CalloffRequest) -> RecordedCalloff:
    """Record a call-off in the contract's file: refused when a rule says no, unless forced with a reason.

    Judged under the lock of the contract file on what the files hold then: the contract
    file and every county's call-off file are read again, so two call-offs at the same time
    cannot together exceed the ceiling. Only the new call-off is added to the file; its
    comments and layout stay.
    """
    from ..procure.store import Numbers, parse_calloff, price_calloff, tally_of
    from ..store import fs
    from ..store.edit import to_rt

    path = _contract_path(session, contract_id)
    with fs.locked(path):
        text = session.store.text(path, KIND)
        # the store's read: from the derived cache when these bytes were read (or written) before
        parsed = session.store.parse(path, KIND)
        # the file's own call-offs as counted when these bytes were written (or read) before, else all read now
        tally = cached_tally(session, path, parsed)
        contract = load_contracts(session, fresh=True, override={path: parsed},
                                  tallied={path: tally} if tally is not None else None).get(contract_id)
        if contract.path != path:
            raise InputError(f"Vertrag '{contract_id}' steht inzwischen in {contract.path}; bitte erneut abrufen.",
                             path=str(path))
        others = [c for c in contract.calloffs if c.path != path]
        if tally is None:
            tally = tally_of([c for c in contract.calloffs if c.path == path])
            remember_tally(session, path, parsed.sha256, tally)
        # abgerufen: the file's own call-offs (tallied) and those of the counties' call-off files
        consumed = sum((c.amount for c in others), tally.total)
        amount, _ = _amount(session, contract, request, consumed)
        refusals = contract.calloff_refusals(request.county, request.day, amount, session.today, consumed=consumed)
        if refusals and not request.forced_reason:
            raise _refused(refusals, "Nur mit --force --reason \"…\" erfassen (Grund wird gespeichert).")
        taken = {*tally.ids, *(c.id for c in others)}
        if request.calloff_id is not None and request.calloff_id in taken:
            raise UsageError(f"Abruf-ID '{request.calloff_id}' gibt es schon in {contract.id}.")
        entry: dict[str, Any] = {"id": request.calloff_id or _next_id(taken), "county": request.county,
                                 "date": request.day, "amount": f"{amount:.2f}"}
        if request.quantity is not None:
            entry["quantity"] = str(request.quantity)
        if request.hours is not None:
            entry["hours"] = str(request.hours)
        if request.description:
            entry["description"] = request.description
        if refusals:
            entry["forced"] = {"reason": request.forced_reason, "refusals": [code for code, _ in refusals],
                               "recorded": session.today}
        plain_entry = _plain(entry)
        # only compared with the new document, never changed: a shallow copy is enough
        expected = dict(parsed.data)
        expected["calloffs"] = list(expected.get("calloffs") or []) + [plain_entry]

        def fallback(document: Any) -> None:
            from ruamel.yaml.comments import CommentedSeq

            if document.get("calloffs") is None:
                document["calloffs"] = CommentedSeq()
            document["calloffs"].append(to_rt(entry))

        new_text, document = session.store.new_document_for_items(path, KIND, ("calloffs",), {}, [entry], expected,
                                                                  fallback, text=text, parsed=parsed)
        # the new document is the old one (just judged whole) plus this call-off: only it is read anew
        added = price_calloff(contract, parse_calloff(Numbers(document), ("calloffs", len(expected["calloffs"]) - 1),
                                                      contract.id))
        session.store.write_checked(path, KIND, new_text, document)
        if document.data == expected:
            # the next call-off reads these bytes: their own call-offs are the old ones and this one
            remember_tally(session, path, fs.sha256_bytes(new_text.encode("utf-8")), tally.with_calloff(added))
    return RecordedCalloff(contract.id, plain_entry, amount, refusals, session.workspace.layout.relative(path),
                           consumed + added.amount)


def _contract_path(session: "Session", contract_id: str) -> Path:
    """The file of the contract ``contract_id`` — whose lock a call-off takes before every file is
    judged again under it; an unknown id (or a broken file) is reported as :func:`load_contracts` does."""
    for path, _plugin in contract_sources(session):
        try:
            parsed = session.store.parse(path, KIND, validate=False)
        except InputError:
            break
        if isinstance(parsed.data, dict) and str(parsed.data.get("id")) == contract_id:
            return path
    return load_contracts(session).get(contract_id).path


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# -- costs, export, bundling ---------------------------------------------------------------


def allocate_costs(session: "Session", contract_id: str, period: int, total: Decimal | None = None) -> "Settlement":
    """A contract's cost for calendar year ``period`` split between its counties (cent-exact)."""
    from ..procure.costs import settle

    contract = load_contracts(session).get(contract_id)
    return settle(contract, period, county_metrics(session), legal_figures(session), total)


def settlement_config(session: "Session") -> "SettlementConfig":
    """``procurement.settlement`` of ``ikz-isms.yaml`` (issuer, bank, recipients), with line numbers."""
    from ..procure.statement import parse_settlement_config

    path = session.workspace.layout.config
    parsed = session.store.parse(path, "config")
    return parse_settlement_config(session.workspace.config, parsed, str(path))


def county_markings(session: "Session") -> dict[str, str]:
    """Each county's classification marking (its profile), for what is sent to it."""
    try:
        return {key: county.profile.classification for key, county in session.counties().items()}
    except IkzError:
        return {}  # county_names has warned; every statement gets the default marking


def contract_statements(session: "Session", settlement: "Settlement", day: dt.date) -> list["Statement"]:
    """The statements of a contract's allocation, dated ``day`` (issuer, bank, recipients from the config)."""
    from ..procure.statement import contract_statements as make

    return make(settlement, settlement_config(session), day, county_names(session), county_markings(session))


def write_statements(session: "Session", statements: list["Statement"], directory: Path, stem: str) -> list[Path]:
    """Each statement as PDF, and all of them as ``<stem>.csv`` (German Excel) and ``<stem>.json``.

    Everything is built in memory first (a failing PDF writes nothing); then each file is
    written atomically (exit 6 naming the path when the folder is not writable).
    """
    from ..procure.statement import statement_pdf, statements_csv, statements_json

    session.store.output_folder(Path(directory), create=False)  # a folder that cannot be made: exit 6 before work
    files: dict[str, bytes] = {s.file_name: statement_pdf(s) for s in statements}
    files[f"{stem}.csv"] = statements_csv(statements)
    files[f"{stem}.json"] = statements_json(statements)
    session.store.output_folder(Path(directory))
    written = []
    for name, data in files.items():
        session.store.write_output(Path(directory) / name, data)
        written.append(Path(directory) / name)
    return written


def ocds_settings(session: "Session") -> tuple[str | None, str]:
    """(ocid prefix, publisher name) from ``procurement.ocds`` of ``ikz-isms.yaml``; the prefix
    may be missing (``None``), the publisher defaults to the Verbund's name."""
    node = (session.workspace.config.get("procurement") or {}).get("ocds") or {}
    prefix = node.get("prefix")
    return (str(prefix) if prefix else None), str(node.get("publisher") or session.workspace.name)


def ocds_package(session: "Session", day: dt.date, prefix: str | None = None) -> dict[str, Any]:
    """Every contract (frameworks and single contracts) and every call-off as one OCDS 1.1.5 release
    package; ``prefix`` overrides the workspace's (``procurement.ocds.prefix``), one of them is needed."""
    from ..procure.ocds import release_package

    configured, publisher = ocds_settings(session)
    prefix = prefix or configured
    if prefix is None:
        raise InputError("Kein OCID-Präfix: in ikz-isms.yaml unter 'procurement.ocds.prefix' eintragen "
                         "(z. B. ocds-ab12cd, vom Open Contracting Partnership vergeben) oder --prefix angeben.",
                         path=str(session.workspace.layout.config))
    return release_package(load_contracts(session), prefix, county_names(session), day, publisher)


def bundling_opportunities(session: "Session", day: dt.date, lead_months: int) -> list["Opportunity"]:
    """Joint tenders to propose on ``day`` (Ein-Produkt-Strategie), by product category."""
    from ..procure.opportunities import opportunities

    return opportunities(load_contracts(session), session.workspace.members, day, lead_months, legal_figures(session))
