"""Settlement statements a Kämmerei can book: one model, one PDF, one CSV row and one JSON object each.

A :class:`Statement` is what one member receives for one period: issuer (the lead authority
or the service centre, with address), recipient (with address), date, reference and
Kassenzeichen, period, the lines with the key and its basis, the VAT treatment with its legal
basis (§2b UStG from 2027), advances already paid, the amount due (or refunded), the due
date, the issuer's bank details and a signature block. Two roads make statements:

* :func:`contract_statements` — a contract's cost allocation for a year (``costs allocate``);
* :func:`ikz_isms.procure.centre.settlement_statements` — a service centre's yearly settlement.

Every PDF is built on the one engine (:mod:`ikz_isms.report.pdf`): DejaVu Sans embedded (the
TTF ships inside the ikz-isms package, ``ikz_isms/fonts``), the classification marking on every
page, the date of the statement as the PDF's date, never the clock. The CSV is the German-Excel
dialect of :mod:`ikz_isms.present.csv_de`.

Where the issuer, its bank and the recipients' addresses come from: the workspace config
``procurement.settlement`` (:func:`parse_settlement_config`); a statement that lacks one of
them is refused with the place to add it, before anything is written.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..county import DEFAULT_CLASSIFICATION
from ..errors import InputError
from ..present.de import date_de, money_de, number_de, percent_de, quantity_de

if TYPE_CHECKING:
    from ..store import Parsed
    from .costs import Settlement

CONFIG_SECTION = ("procurement", "settlement")
DEFAULT_PAYMENT_DAYS = 30
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Party:
    """An authority on a statement: name, department, address lines, contact, debtor number."""

    name: str
    address: tuple[str, ...]
    department: str = ""
    contact: str = ""
    debtor: str = ""

    def lines(self) -> list[str]:
        return [self.name, *([self.department] if self.department else []), *self.address]

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "department": self.department or None, "address": list(self.address),
                "contact": self.contact or None, "debtor": self.debtor or None}


@dataclass(frozen=True)
class Bank:
    """The issuer's account the amount due is paid to."""

    holder: str
    bank: str
    iban: str
    bic: str

    @property
    def iban_grouped(self) -> str:
        compact = self.iban.replace(" ", "")
        return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))

    def as_dict(self) -> dict[str, str]:
        return {"holder": self.holder, "bank": self.bank, "iban": self.iban.replace(" ", ""), "bic": self.bic}


def iban_valid(iban: str) -> bool:
    """ISO 13616 check digits (mod 97 = 1)."""
    compact = iban.replace(" ", "").upper()
    if len(compact) < 15 or not compact.isalnum():
        return False
    moved = compact[4:] + compact[:4]
    digits = "".join(str(int(ch, 36)) for ch in moved)
    return int(digits) % 97 == 1


@dataclass(frozen=True)
class SettlementConfig:
    """``procurement.settlement`` of the workspace config (see :func:`parse_settlement_config`)."""

    path: str
    issuer: Party | None = None
    bank: Bank | None = None
    signatory: tuple[str, str] = ("", "")
    payment_days: int = DEFAULT_PAYMENT_DAYS
    reference_prefix: str = "IKZ"
    kassenzeichen_prefix: str = ""
    recipients: dict[str, Party] = field(default_factory=dict)
    locations: dict[str, str] = field(default_factory=dict)

    def where(self, *pointer: str) -> str:
        key = "/".join(pointer)
        return self.locations.get(key) or "/" + "/".join((*CONFIG_SECTION, *pointer))

    def require_issuer(self) -> tuple[Party, Bank]:
        """Issuer and bank, or an InputError naming the config section to add them to."""
        if self.issuer is None:
            raise InputError("Für Abrechnungen fehlt der Aussteller (federführende Behörde mit Anschrift): "
                             "'procurement.settlement.issuer' ergänzen (docs/contracts.md).",
                             path=self.path, location=self.where())
        if self.bank is None:
            raise InputError("Für Abrechnungen fehlt die Bankverbindung: 'procurement.settlement.bank' "
                             "(Kontoinhaber, Bank, IBAN, BIC) ergänzen.", path=self.path, location=self.where())
        return self.issuer, self.bank

    def recipient(self, key: str, name: str) -> Party:
        """The recipient's address from ``recipients.<key>``; an InputError naming the place when missing."""
        party = self.recipients.get(key)
        if party is None:
            raise InputError(f"Für Abrechnungen fehlt die Anschrift von {name}: "
                             f"'procurement.settlement.recipients.{key}' (name, address, debtor) ergänzen.",
                             path=self.path, location=self.where("recipients"))
        return party


def _party(node: Mapping[str, Any]) -> Party:
    return Party(name=str(node["name"]), address=tuple(str(line) for line in node["address"]),
                 department=str(node.get("department", "")), contact=str(node.get("contact", "")),
                 debtor=str(node.get("debtor", "")))


def parse_bank(node: Mapping[str, Any], path: str, location: str) -> Bank:
    """A schema-valid bank node; an IBAN whose check digits are wrong is an InputError at its place."""
    bank = Bank(holder=str(node["holder"]), bank=str(node["bank"]), iban=str(node["iban"]), bic=str(node["bic"]))
    if not iban_valid(bank.iban):
        raise InputError(f"IBAN '{bank.iban}' ist ungültig (Prüfziffer stimmt nicht).", path=path, location=location)
    return bank


def parse_settlement_config(config: Mapping[str, Any], parsed: "Parsed | None", path: str) -> SettlementConfig:
    """The (schema-valid) ``procurement.settlement`` section; missing parts stay ``None``."""
    node = (config.get("procurement") or {}).get("settlement") or {}

    def where(*pointer: str) -> str:
        return parsed.location(*CONFIG_SECTION, *pointer) if parsed is not None else \
            "/" + "/".join((*CONFIG_SECTION, *pointer))

    signatory = node.get("signatory") or {}
    return SettlementConfig(
        path=path,
        issuer=_party(node["issuer"]) if node.get("issuer") else None,
        bank=parse_bank(node["bank"], path, where("bank", "iban")) if node.get("bank") else None,
        signatory=(str(signatory.get("role", "")), str(signatory.get("name", ""))),
        payment_days=int(node.get("payment_days", DEFAULT_PAYMENT_DAYS)),
        reference_prefix=str(node.get("reference_prefix", "IKZ")),
        kassenzeichen_prefix=str(node.get("kassenzeichen_prefix", "")),
        recipients={str(key): _party(value) for key, value in (node.get("recipients") or {}).items()},
        locations={"": where(), "recipients": where("recipients") if node.get("recipients") else where()},
    )


def booking_code(identifier: str, explicit: str = "") -> str:
    """The booking code of a contract or centre in its Kassenzeichen: ``explicit``, else four
    digits derived from the id (CRC-32, stable across runs and machines)."""
    return explicit or f"{zlib.crc32(identifier.encode('utf-8')) % 10000:04d}"


def kassenzeichen(prefix: str, code: str, debtor: str, year: int) -> str:
    """``<prefix>.<booking code>.<debtor>.<year>`` (parts that are empty are left out)."""
    return ".".join(part for part in (prefix, code, debtor, str(year)) if part)


# -- the statement ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One line of a statement: what, on which basis, how much (net)."""

    label: str
    basis: str
    amount: Decimal

    def as_dict(self) -> dict[str, str]:
        return {"label": self.label, "basis": self.basis, "amount": str(self.amount)}


@dataclass
class Statement:
    """What one member is charged (or refunded) for one period; see the module docstring."""

    title: str
    subject: str
    issuer: Party
    bank: Bank
    recipient_key: str
    recipient: Party
    date: dt.date
    due_date: dt.date
    reference: str
    kassenzeichen: str
    period_start: dt.date
    period_end: dt.date
    key: str
    lines: list[Line]
    net: Decimal
    vat_applies: bool
    vat_rate: Decimal | None
    vat: Decimal
    vat_note: str
    advances: Decimal = ZERO
    advances_note: str = ""
    notes: list[str] = field(default_factory=list)
    signatory: tuple[str, str] = ("", "")
    marking: str = DEFAULT_CLASSIFICATION
    file_name: str = ""

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat

    @property
    def due(self) -> Decimal:
        """Amount due: positive is to be paid by the recipient, negative is refunded to it."""
        return self.gross - self.advances

    @property
    def period_text(self) -> str:
        if self.period_start.month == 1 and self.period_start.day == 1 and self.period_end == \
                dt.date(self.period_start.year, 12, 31):
            return f"Kalenderjahr {self.period_start.year} ({date_de(self.period_start)}–{date_de(self.period_end)})"
        return f"{date_de(self.period_start)}–{date_de(self.period_end)}"

    def payment_text(self) -> str:
        """The sentence that tells the Kämmerei what to do with the amount."""
        if self.due > 0:
            return (f"Bitte überweisen Sie {money_de(self.due)} bis zum {date_de(self.due_date)} unter Angabe des "
                    f"Kassenzeichens {self.kassenzeichen} auf das Konto unten.")
        if self.due < 0:
            return (f"Der Überschuss von {money_de(-self.due)} wird Ihnen bis zum {date_de(self.due_date)} unter "
                    f"dem Kassenzeichen {self.kassenzeichen} erstattet.")
        return f"Kein Betrag offen (Kassenzeichen {self.kassenzeichen})."

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "subject": self.subject,
            "issuer": self.issuer.as_dict(),
            "recipient_key": self.recipient_key,
            "recipient": self.recipient.as_dict(),
            "date": self.date.isoformat(),
            "reference": self.reference,
            "kassenzeichen": self.kassenzeichen,
            "period": {"start": self.period_start.isoformat(), "end": self.period_end.isoformat()},
            "key": self.key,
            "lines": [line.as_dict() for line in self.lines],
            "net": str(self.net),
            "vat": {"applies": self.vat_applies, "rate": str(self.vat_rate) if self.vat_rate is not None else None,
                    "amount": str(self.vat), "note": self.vat_note},
            "gross": str(self.gross),
            "advances": str(self.advances),
            "advances_note": self.advances_note or None,
            "due": str(self.due),
            "due_date": self.due_date.isoformat(),
            "bank": self.bank.as_dict(),
            "signatory": {"role": self.signatory[0], "name": self.signatory[1] or None},
            "notes": list(self.notes),
            "marking": self.marking,
            "file": self.file_name or None,
        }


CSV_HEADERS = ["kassenzeichen", "referenz", "datum", "faellig_am", "empfaenger_schluessel", "empfaenger",
               "debitor", "gegenstand", "zeitraum_von", "zeitraum_bis", "netto", "ust_2b", "ust_satz", "ust",
               "brutto", "abschlaege", "zahlbetrag", "aussteller", "iban", "bic"]


def csv_rows(statements: Sequence[Statement]) -> list[list[object]]:
    """One row per statement (a Sollstellung), typed for :func:`ikz_isms.present.csv_de.write_csv`."""
    return [[s.kassenzeichen, s.reference, s.date, s.due_date, s.recipient_key, s.recipient.name,
             s.recipient.debtor or None, s.subject, s.period_start, s.period_end, s.net, s.vat_applies,
             s.vat_rate, s.vat, s.gross, s.advances, s.due, s.issuer.name, s.bank.iban.replace(" ", ""), s.bank.bic]
            for s in statements]


def statements_csv(statements: Sequence[Statement]) -> bytes:
    """All statements as one German-Excel CSV (BOM, ``;``, CRLF, decimal comma), as bytes."""
    from ..present.csv_de import write_csv

    return write_csv(CSV_HEADERS, csv_rows(statements)).encode("utf-8")


def statements_json(statements: Sequence[Statement]) -> bytes:
    import json

    return (json.dumps([s.as_dict() for s in statements], ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def statement_pdf(statement: Statement) -> bytes:
    """The statement as a PDF: letterhead, recipient, references, lines, totals, payment, signature."""
    from ..report.pdf import builder_for_date

    s = statement
    doc = builder_for_date(s.date, title=f"{s.title} {s.reference}", subject=s.title, marking=s.marking,
                           author=s.issuer.name, running_title=f"{s.title} · {s.recipient.name}",
                           date_text=f"Datum {date_de(s.date)}")
    styles = doc.styles
    sender = " · ".join(s.issuer.lines())
    doc.para(sender + (f" · {s.issuer.contact}" if s.issuer.contact else ""), styles.small)
    doc.space()
    letterhead = [
        ("Empfänger", "\n".join(s.recipient.lines())),
        ("Datum", date_de(s.date)),
        ("Unser Zeichen", s.reference),
        ("Kassenzeichen", s.kassenzeichen + (f" (Debitor {s.recipient.debtor})" if s.recipient.debtor else "")),
        ("Abrechnungszeitraum", s.period_text),
    ]
    doc.pairs(letterhead, widths=(0.3, 0.7))
    doc.para(f"{s.title}: {s.subject}", styles.h2)
    doc.para(f"Verteilungsschlüssel: {s.key}", styles.small)
    doc.table(["Position", "Grundlage", "Betrag (netto)"],
              [(line.label, line.basis, money_de(line.amount)) for line in s.lines], [0.38, 0.42, 0.2], right=(2,))
    totals = [("Summe netto", money_de(s.net))]
    if s.vat_applies:
        totals.append((f"Umsatzsteuer {quantity_de(s.vat_rate)} % (§2b UStG)", money_de(s.vat)))
    else:
        totals.append(("Umsatzsteuer", "entfällt"))
    totals.append(("Gesamtbetrag", money_de(s.gross)))
    if s.advances:
        totals.append((f"abzüglich geleisteter Abschläge{f' ({s.advances_note})' if s.advances_note else ''}",
                       money_de(-s.advances)))
    totals.append(("Zu zahlen" if s.due >= 0 else "Erstattung an Sie", money_de(abs(s.due))))
    totals.append(("Fällig am", date_de(s.due_date)))
    doc.space()
    doc.pairs(totals, widths=(0.6, 0.4))
    doc.space()
    doc.para(s.payment_text())
    doc.para(s.vat_note)
    doc.para(f"Bankverbindung: {s.bank.holder}, {s.bank.bank}, IBAN {s.bank.iban_grouped}, BIC {s.bank.bic}; "
             f"Verwendungszweck: {s.kassenzeichen} {s.reference}")
    for note in s.notes:
        doc.para(note, styles.small)
    role, name = s.signatory
    doc.signature_block([(role or f"Für {s.issuer.name}", name)])
    return doc.render()


# -- a contract's cost allocation as statements ---------------------------------------------


def _contract_lines(settlement: "Settlement", county: str) -> list[Line]:
    """The lines of one county: each call-off (usage keys), base and variable part (hybrid), units × price."""
    share = next(s for s in settlement.allocation.shares if s.county == county)
    key = settlement.contract.allocation
    total = settlement.allocation.total
    if settlement.basis in ("use", "hours") and key is not None and key.key in ("use", "hours"):
        calloffs = settlement.county_calloffs(county)
        billed = sum((c.amount for c in calloffs), ZERO)
        if billed == share.amount:
            return [Line(f"Abruf {c.id} vom {date_de(c.date)}" + (f": {c.description}" if c.description else ""),
                         c.priced or ("Betrag laut Abruf" + (f" ({quantity_de(c.hours)} h)" if c.hours else "")),
                         c.amount) for c in calloffs] or [Line("keine Abrufe im Zeitraum", "–", ZERO)]
        return [Line(f"Anteil an {money_de(total)}",
                     f"Ihre Abrufe {money_de(billed)} von {money_de(settlement.contract.consumed(settlement.period))}",
                     share.amount)]
    if settlement.basis == "per_unit":
        price = share.amount / share.metric if share.metric else ZERO
        return [Line(f"{settlement.metric_label}: {quantity_de(share.metric)}",
                     f"{quantity_de(share.metric)} × {money_de(price)} (Stückpreis)", share.amount)]
    metric_total = sum((s.metric or Decimal(0) for s in settlement.allocation.shares), Decimal(0))
    if key is not None and key.key == "hybrid":
        count = len(settlement.allocation.shares)
        return [Line("Sockelanteil", f"zu gleichen Teilen (1/{count})", share.base),
                Line("Variabler Anteil", f"{settlement.metric_label or 'Kennzahl'} {quantity_de(share.metric)} "
                                         f"von {quantity_de(metric_total)}", share.variable),
                ]
    if key is not None and key.key == "fixed":
        return [Line(f"Anteil an {money_de(total)}", f"fester Prozentsatz {number_de(share.percent, 2)} %",
                     share.amount)]
    if key is not None and key.key == "equal":
        return [Line(f"Anteil an {money_de(total)}", f"zu gleichen Teilen (1/{len(settlement.allocation.shares)})",
                     share.amount)]
    return [Line(f"Anteil an {money_de(total)}", f"{settlement.metric_label or 'Kennzahl'} "
                 f"{quantity_de(share.metric)} von {quantity_de(metric_total)} ({percent_de(share.percent / 100, 2)})",
                 share.amount)]


def contract_notes(settlement: "Settlement") -> list[str]:
    """What a contract statement says below its figures: rounding, the key's notes and legal basis."""
    notes = [f"Rundung: {settlement.allocation.rounding}", *settlement.allocation.notes]
    if settlement.contract.allocation and settlement.contract.allocation.agreement:
        notes.append(f"Rechtsgrundlage des Schlüssels: {settlement.contract.allocation.agreement}")
    return notes


def contract_statements(settlement: "Settlement", config: SettlementConfig, day: dt.date,
                        names: Mapping[str, str], markings: Mapping[str, str]) -> list[Statement]:
    """One statement per county of a contract's allocation, dated ``day``.

    Issuer and bank: the workspace's ``procurement.settlement`` (the lead authority);
    recipients: ``procurement.settlement.recipients``. Missing ones raise before anything is made.
    """
    issuer, bank = config.require_issuer()
    contract = settlement.contract
    period = settlement.period
    code = booking_code(contract.id, contract.booking_code)
    found = []
    for share in settlement.allocation.shares:
        name = names.get(share.county, share.county)
        recipient = config.recipient(share.county, name)
        found.append(Statement(
            title=f"Kostenabrechnung {period}",
            subject=f"{contract.title} ({contract.id})",
            issuer=issuer, bank=bank, recipient_key=share.county, recipient=recipient,
            date=day, due_date=day + dt.timedelta(days=config.payment_days),
            reference=f"{config.reference_prefix}/{contract.id}/{period}/{share.county}",
            kassenzeichen=kassenzeichen(config.kassenzeichen_prefix, code, recipient.debtor, period),
            period_start=dt.date(period, 1, 1), period_end=dt.date(period, 12, 31),
            key=settlement.key_label,
            lines=_contract_lines(settlement, share.county),
            net=share.amount, vat_applies=share.vat_applies,
            vat_rate=settlement.vat_rate if share.vat_applies else None, vat=share.vat,
            vat_note=settlement.vat_note,
            notes=[f"Gesamtbetrag aller Beteiligten {money_de(settlement.allocation.total)}; Ihr Anteil "
                   f"{money_de(share.amount)} ({number_de(share.percent, 2)} %).", *contract_notes(settlement)],
            signatory=config.signatory,
            marking=markings.get(share.county, DEFAULT_CLASSIFICATION),
            file_name=f"abrechnung-{contract.id}-{period}-{share.county}.pdf",
        ))
    return found
