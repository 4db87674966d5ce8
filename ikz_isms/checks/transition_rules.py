"""Built-in plugin: the ``check`` rule for what a catalog change left to decide (``catalog upgrade | migrate``).

``county.transition.open-reference`` (warning): a measure of the Realisierungsplan, a risk,
an exclusion of the modelling or a parameter value (tailoring) still names a requirement or
parameter that did not follow the change —
its control was removed, or BSI's mapping relates it only as subset, superset or
intersection, or it has several successors. The message names the change, why and what to do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from ..hookspecs import hookimpl

if TYPE_CHECKING:
    from . import CheckContext, Finding

#: per kind of reference: (store kind, list, field naming the entry)
POINTERS = {"measure": ("plan", "massnahmen", "id"), "risk": ("risiken", "risiken", "id"),
            "exclusion": ("zielobjekte", "exclusions", "ref"), "parameter": ("zielobjekte", "parameters", "param")}


def transition_rule(ctx: CheckContext) -> Iterator[Finding]:
    from ..app.transitions import decision_hint, open_references
    from ..catalog.transition import DECISION, REFERENCE_LABELS
    from ..checks import WARNING, Finding

    if ctx.workspace is None:
        return
    layout = ctx.session.workspace.layout
    for county in ctx.session.members():
        for item in open_references(ctx.session, county):
            path = county.layout.data_dir / str(item["file"])
            kind, key, field = POINTERS.get(str(item["kind"]), ("yaml", "", ""))
            where = ""
            parsed, _, error = ctx.session.store.parse_lenient(path, kind)
            if parsed is not None and error is None and isinstance(parsed.data, dict):
                items = parsed.data.get(key) or []
                at = next((i for i, entry in enumerate(items) if isinstance(entry, dict)
                           and str(entry.get(field)) == str(item["entry"])), None)
                line = parsed.line(key, at) if at is not None else None
                where = f"Zeile {line}" if line else ""
            target = f" auf {item['target']}" if item.get("target") and item.get("kind") == "measure" else ""
            candidates = item.get("candidates") or []
            yield Finding(
                "county.transition.open-reference", WARNING,
                f"Landkreis {county.profile.name}: {REFERENCE_LABELS.get(str(item['kind']), 'Eintrag')} "
                f"{item['entry']}{target} nennt noch '{item['value']}' aus dem Katalogwechsel {item['change']} "
                f"({item['from']} → {item['to']}), {DECISION}: {item.get('decision')}"
                + (f" (in Frage kommen: {', '.join(candidates)})" if candidates else "")
                + f". Bitte {decision_hint(str(item['kind']), str(item['entry']), str(item['value']), county.key)}.",
                layout.relative(path), where)


@hookimpl
def ikz_register_check_rules(register: Callable[..., None]) -> None:
    register("county.transition", transition_rule,
             "Nach einem Katalogwechsel: Verweise in Plan, Risiken und Auslassungen, die eine Entscheidung brauchen")
