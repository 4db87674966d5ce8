"""Domain errors and the documented exit codes; converted to messages once, in the CLI."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of ``ikz-isms``; CI pipelines may gate on them (docs/exit-codes.md)."""

    #: everything fine, no finding of severity error
    OK = 0
    #: the command ran, but found problems of severity error (``check``), or Basis gaps
    #: where the user asked to fail on them
    FINDINGS = 1
    #: wrong use of the command line: unknown option, missing argument (click's own code)
    USAGE = 2
    #: an input could not be read: missing, malformed, hostile or schema-violating file
    INPUT = 3
    #: the request was understood and refused by a rule (e.g. a call-off above the ceiling)
    REFUSED = 4
    #: another process holds the lock too long, or a plugin failed while it was needed
    UNAVAILABLE = 5
    #: a bug in ikz-isms or a plugin; set IKZ_ISMS_DEBUG=1 for the traceback
    INTERNAL = 70
    #: interrupted by the user (Ctrl-C)
    INTERRUPTED = 130


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
