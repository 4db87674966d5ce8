"""Domain errors and the documented exit codes; converted to messages once, in the CLI."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of ``ikz-isms``; CI pipelines may gate on them (docs/exit-codes.md)."""

    OK = 0
    FINDINGS = 1
    USAGE = 2
    INPUT = 3
    REFUSED = 4
    UNAVAILABLE = 5
    OUTPUT = 6
    INTERNAL = 70
    INTERRUPTED = 130

    @property
    def description(self) -> str:
        """What the code means to a CI pipeline (Markdown; docs/exit-codes.md is generated from it)."""
        return _EXIT_CODE_DESCRIPTIONS[self]


_EXIT_CODE_DESCRIPTIONS = {
    ExitCode.OK: "Done; no finding of severity error. Warnings are allowed (unless `check --strict`).",
    ExitCode.FINDINGS: (
        "The command ran and found problems: `check` reported at least one `FEHLER` (with "
        "`--strict` also any `WARNUNG`), e.g. a pin mismatch, a duplicate id, a dangling relation; "
        "`assess` reported errors in the data (invalid check records, a duplicate or unknown target object, "
        "a Baustein the catalog lacks — with file and line, left out of the figures) or a county folder it could not read; "
        "`report county` and `report plan` wrote the PDF but the county's data has such errors (marked in the "
        "report, named on stderr); "
        "`assess --verbund`, `risk list --verbund` and `emergency verbund` found a county folder whose data "
        "could not be read (named on stderr; the view shows the others); "
        "`assess --fail-on-basis-gaps` found open Basis requirements; `journal verify` found a "
        "changed, deleted or reordered entry; `catalog list` shows a pinned catalog that is missing, changed "
        "or unreadable."
    ),
    ExitCode.USAGE: (
        "Wrong use of the command line: unknown option, invalid value (`--format xml`, `--limit abc`, a "
        "STATUS `assess set` does not know, an empty `-o ''`), missing argument (click's own code), options "
        "that make no sense together, or `--workspace` given twice for different folders."
    ),
    ExitCode.INPUT: (
        "An input could not be read: missing file, malformed JSON/YAML/XML, hostile XML (DOCTYPE, "
        "entities), unknown catalog format, invalid `ikz-isms.yaml`, a value out of range, a file above "
        "its size limit; a requested id (requirement, county, contract …) does not exist; a pinned catalog "
        "whose content no longer matches its pin."
    ),
    ExitCode.REFUSED: (
        "The request was understood and refused by a rule, e.g. a call-off above the framework "
        "ceiling or by a county not named at tender time, or the acceptance of a risk that arises from unmet "
        "Basis requirements (`risk accept`)."
    ),
    ExitCode.UNAVAILABLE: (
        "Another process holds the lock on a file too long, or a plugin failed while it was needed."
    ),
    ExitCode.OUTPUT: (
        "A file or output could not be written: no permission, a missing or read-only folder (an output file "
        "goes only into a folder that exists; `--output-dir` creates the folder it names, not its parents), a "
        "full disk, or a target that is a symbolic link or lies outside the workspace. Nothing was half-written."
    ),
    ExitCode.INTERNAL: (
        "A bug in ikz-isms or a plugin: one German line on stderr; `IKZ_ISMS_DEBUG=1` shows the "
        "traceback for the bug report."
    ),
    ExitCode.INTERRUPTED: "Interrupted by the user (Ctrl-C).",
}


class IkzError(Exception):
    """Base of every error the CLI turns into a German message and an exit code."""

    exit_code: ExitCode = ExitCode.INPUT

    def __init__(self, message: str, *, path: str | None = None, location: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.location = location

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = str(self.path)
            if self.location:
                where += f", {self.location}"
            where += ": "
        return f"{where}{self.message}"


class InputError(IkzError):
    """A file is missing, unreadable, malformed or violates its schema."""

    exit_code = ExitCode.INPUT


class HostileInputError(InputError):
    """A file tries entity expansion, external entities or similar attacks."""


class UnknownFormatError(InputError):
    """A catalog or data file whose format no importer recognises."""


class WorkspaceError(InputError):
    """No workspace found, or its configuration is invalid."""


class NotFoundError(IkzError):
    """A requested id (requirement, county, contract ...) does not exist."""

    exit_code = ExitCode.INPUT


class RefusedError(IkzError):
    """A rule refuses the request (e.g. a call-off by a county not named at tender time)."""

    exit_code = ExitCode.REFUSED


class UsageError(IkzError):
    """Options that contradict each other or make no sense together."""

    exit_code = ExitCode.USAGE


class LockTimeoutError(IkzError):
    """Another process holds the lock on a file for too long."""

    exit_code = ExitCode.UNAVAILABLE


class PluginError(IkzError):
    """A plugin failed to load or returned something it must not."""

    exit_code = ExitCode.UNAVAILABLE


class OutputError(IkzError):
    """A file or output cannot be written (permissions, missing folder, disk full, a link)."""

    exit_code = ExitCode.OUTPUT


class PinMismatchError(InputError):
    """A pinned catalog's file no longer has the content hash it was pinned with."""
