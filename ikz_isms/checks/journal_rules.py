"""Built-in plugin: the ``check`` rule for every county's change journal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from ..hookspecs import hookimpl

if TYPE_CHECKING:
    from . import CheckContext, Finding


def chain_rule(ctx: CheckContext) -> Iterator[Finding]:
    """``journal.chain``: every member county's journal is there, unbroken and on the records' state."""
    from ..app.journals import verify_county
    from ..checks import ERROR, Finding

    if ctx.workspace is None:
        return
    for county in ctx.session.members():
        result = verify_county(ctx.session, county)
        for problem in result["problems"]:
            yield Finding(
                "journal.chain", ERROR,
                f"Journal von {result['name']}: {problem['message']} (ikz-isms journal verify)",
                result["file"], f"Zeile {problem['line']}" if problem["line"] else "",
            )


@hookimpl
def ikz_register_check_rules(register: Callable[..., None]) -> None:
    register("journal.chain", chain_rule, "Änderungsjournal: Hash-Kette jedes Landkreises unverändert und lückenlos")
