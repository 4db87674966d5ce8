"""Built-in plugin: the ``check`` rule for the members' disclosure packages (federated Verbund)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from ..hookspecs import hookimpl

if TYPE_CHECKING:
    from . import CheckContext, Finding


def package_rule(ctx: CheckContext) -> Iterator[Finding]:
    """``verbund.package``: every member without data here has a package that verifies (signature, pin, age)."""
    from ..app.federation import verify_all
    from ..checks import ERROR, Finding

    if ctx.workspace is None:
        return
    for member in verify_all(ctx.session, ctx.session.today):
        if member.source is None:
            continue  # neither data nor package: the members rule reports it
        for problem in member.problems:
            yield Finding("verbund.package", ERROR,
                          f"Offenlegungspaket von {member.name}: {problem} (ikz-isms verbund verify)",
                          member.file or "", "")


@hookimpl
def ikz_register_check_rules(register: Callable[..., None]) -> None:
    register("verbund.package", package_rule,
             "Offenlegungspakete der Mitglieder: signiert, auf eingetragenem Katalogstand, nicht veraltet")
