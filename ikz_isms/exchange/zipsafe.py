"""Checks an Office Open XML package (a ``.xlsx``) must pass before any XML of it is parsed.

A workbook is a ZIP file. Before openpyxl sees it, this module refuses what could hurt or
mislead: not a ZIP at all, too many members, members that unpack to more than the limits
(a "zip bomb" with a huge compression ratio), encrypted members, members whose real size or
checksum differs from what the directory claims, macros (``vbaProject.bin``, a macro-enabled
content type: a ``.xlsm``), and XML with a document type declaration (entity expansion).
Each refusal is an :class:`~ikz_isms.errors.InputError` (or
:class:`~ikz_isms.errors.HostileInputError`) in German naming the file.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from ..errors import HostileInputError, InputError

MIB = 1024 * 1024
#: the largest workbook file read at all
MAX_FILE = 32 * MIB
#: members a workbook may have (a generated one has about 20)
MAX_MEMBERS = 2000
#: what one member and all members together may unpack to
MAX_MEMBER = 48 * MIB
MAX_TOTAL = 96 * MIB
#: the highest compression ratio of a member above :data:`RATIO_FLOOR` bytes (XML packs 5–30×)
MAX_RATIO = 200
RATIO_FLOOR = 1 * MIB


def check_package(data: bytes, path: str) -> zipfile.ZipFile:
    """The opened package after every check; raises a German error otherwise."""
    if len(data) > MAX_FILE:
        raise InputError(f"Arbeitsmappe ist zu groß ({len(data) // MIB} MiB; höchstens {MAX_FILE // MIB} MiB).", path=path)
    if not data.startswith(b"PK"):
        raise InputError("keine Excel-Arbeitsmappe (.xlsx): die Datei ist kein ZIP-Paket "
                         "(alte .xls-Dateien und CSV bitte in Excel als .xlsx speichern).", path=path)
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        members = package.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise InputError("Arbeitsmappe ist beschädigt (ZIP-Paket nicht lesbar, etwa abgeschnitten).",
                         path=path) from None
    if len(members) > MAX_MEMBERS:
        raise HostileInputError(f"Arbeitsmappe hat {len(members)} Bestandteile (höchstens {MAX_MEMBERS}).", path=path)
    names = {m.filename.lower() for m in members}
    if any(name.endswith("vbaproject.bin") for name in names):
        raise HostileInputError("Arbeitsmappe enthält Makros (vbaProject.bin, .xlsm): Makro-Arbeitsmappen werden "
                                "nicht gelesen. In Excel als „Excel-Arbeitsmappe (*.xlsx)“ speichern.", path=path)
    if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
        raise InputError("keine Excel-Arbeitsmappe (.xlsx): xl/workbook.xml oder [Content_Types].xml fehlt.", path=path)
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise HostileInputError(f"Arbeitsmappe ist verschlüsselt ({member.filename}); bitte ohne Kennwort speichern.",
                                    path=path)
        if member.file_size > MAX_MEMBER:
            raise HostileInputError(
                f"Bestandteil {member.filename} entpackt auf {member.file_size // MIB} MiB (höchstens "
                f"{MAX_MEMBER // MIB} MiB) – keine gewöhnliche Arbeitsmappe (ZIP-Bombe?).", path=path)
        if member.file_size > RATIO_FLOOR and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise HostileInputError(
                f"Bestandteil {member.filename} ist {member.file_size // max(member.compress_size, 1)}-fach "
                f"gepackt (höchstens {MAX_RATIO}-fach) – keine gewöhnliche Arbeitsmappe (ZIP-Bombe?).", path=path)
        total += member.file_size
        if total > MAX_TOTAL:
            raise HostileInputError(f"Arbeitsmappe entpackt auf mehr als {MAX_TOTAL // MIB} MiB – keine gewöhnliche "
                                    "Arbeitsmappe (ZIP-Bombe?).", path=path)
    for member in members:
        _check_member(package, member, path)
    return package


def _check_member(package: zipfile.ZipFile, member: zipfile.ZipInfo, path: str) -> None:
    """Unpack one member (at most its declared size, already within the limits): its checksum must
    match (:mod:`zipfile` checks the CRC and never unpacks past the declared size), and XML must
    not declare a document type."""
    try:
        data = package.read(member)
    except NotImplementedError:
        raise InputError(f"Arbeitsmappe ist mit einem unbekannten Verfahren gepackt (Bestandteil "
                         f"{member.filename}); bitte in Excel erneut als .xlsx speichern.", path=path) from None
    except (zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError, RuntimeError):
        raise InputError(f"Arbeitsmappe ist beschädigt (Bestandteil {member.filename} nicht lesbar: "
                         "Prüfsumme falsch oder abgeschnitten).", path=path) from None
    if len(data) != member.file_size:
        raise InputError(f"Arbeitsmappe ist beschädigt (Bestandteil {member.filename} unvollständig).", path=path)
    head = data[:4096]
    lowered = member.filename.lower()
    if lowered.endswith((".xml", ".rels", ".vml")) and b"<!doctype" in head.lower():
        raise HostileInputError(f"Bestandteil {member.filename} enthält eine DOCTYPE-Deklaration (Entitäten); "
                                "solche Arbeitsmappen werden nicht gelesen.", path=path)
    if lowered == "[content_types].xml" and b"macroenabled" in data.lower():
        raise HostileInputError("Arbeitsmappe ist als Makro-Arbeitsmappe (.xlsm) gekennzeichnet; bitte als "
                                "„Excel-Arbeitsmappe (*.xlsx)“ speichern.", path=path)
