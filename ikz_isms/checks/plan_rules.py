"""Built-in plugin: the ``check`` rule for each county's Realisierungsplan (plan.yaml)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from ..errors import InputError
from ..hookspecs import hookimpl

if TYPE_CHECKING:
    from . import CheckContext, Finding


def plan_rule(ctx: CheckContext) -> Iterator[Finding]:
    """``county.plan``: each county's plan.yaml is readable, schema-valid, with real dates and amounts."""
    from ..assess.plan import parse_plan
    from ..checks import ERROR, Finding

    if ctx.workspace is None:
        return
    for county in ctx.session.members():
        path = county.layout.plan
        if not path.exists():
            continue
        shown = ctx.workspace.layout.relative(path)
        parsed, problems, error = ctx.session.store.parse_lenient(path, "plan")
        if error is not None:
            yield Finding("county.plan.invalid", ERROR, error.message, shown, error.location or "")
            continue
        for problem in problems:
            yield Finding("county.plan.schema", ERROR, problem.message, shown, problem.location)
        if not problems and parsed is not None:
            try:
                parse_plan(parsed)
            except InputError as exc:
                yield Finding("county.plan.invalid", ERROR, exc.message, shown, exc.location or "")


@hookimpl
def ikz_register_check_rules(register: Callable[..., None]) -> None:
    register("county.plan", plan_rule, "Realisierungsplan (plan.yaml): Schema, gültige Fristen und Beträge, eindeutige IDs")
