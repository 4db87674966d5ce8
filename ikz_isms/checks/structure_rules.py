"""Built-in plugin: ``check`` rules for the completeness of each county's structure analysis and modelling.

Rule ``county.structure`` reports the gaps of :func:`ikz_isms.assess.completeness.gaps`
(ids ``county.structure.<gap>``): objects without modelling, what the catalog expects
modelled and nobody modelled or left out with a reason, Kronjuwelen Kern-Absicherung does
not reach, protection needs without reasons, no chosen approach, no scale. A county whose
files cannot be read is left to the rules that report why (``county.targets`` …).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..hookspecs import hookimpl
from . import ERROR, WARNING, CheckContext, Finding


def structure_rule(ctx: CheckContext) -> Iterator[Finding]:
    from ..assess.completeness import gaps
    from ..errors import IkzError

    if ctx.workspace is None:
        return
    layout = ctx.session.workspace.layout
    for county in ctx.session.members():
        try:
            assessment = ctx.session.assessment(county)
        except IkzError:
            continue  # unreadable files, an unloadable catalog: the county.* rules say why
        shown = layout.relative(county.layout.targets)
        for gap in gaps(assessment):
            yield Finding(f"county.structure.{gap.rule}", ERROR if gap.severity == "error" else WARNING,
                          f"Landkreis {county.profile.name}: {gap.message}", shown,
                          f"Zeile {gap.line}" if gap.line else "")


@hookimpl
def ikz_register_check_rules(register: Callable[..., None]) -> None:
    register("county.structure", structure_rule,
             "Strukturanalyse und Modellierung vollständig: jedes Objekt modelliert, Prozess-Bausteine bzw. "
             "Kategorien modelliert oder begründet ausgelassen, Kronjuwelen in der Kern-Absicherung, Schutzbedarf "
             "begründet, Vorgehensweise gewählt")
