"""Built-in plugin: the built-in commands, registered lazily.

Each command's module (with its click options, its imports) is imported only when the
command runs or its own help is shown; ``ikz-isms --help`` lists them from this table. A
test (``tests/test_cli_basics.py``) keeps the short help texts here equal to the commands'.
Shared options for every command module are in :mod:`ikz_isms.commands.options`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..hookspecs import hookimpl

if TYPE_CHECKING:
    from ..cli_app import CommandTable

#: command name → ("module:attribute", short help shown by ``ikz-isms --help``)
BUILTIN_COMMANDS: dict[str, tuple[str, str]] = {
    "assess": ("ikz_isms.commands.assess:assess",
               "IT-Grundschutz-Check: Erfüllung je Vorgehensweise und Schicht, offene Basis-Anforderungen."),
    "bia": ("ikz_isms.commands.bia:bia",
            "Business-Impact-Analyse (BSI-Standard 200-4): Ausfallzeiten, Wiederanlaufziele, geerbte Ziele der "
            "Systeme."),
    "catalog": ("ikz_isms.commands.catalog:catalog",
                "Anforderungskataloge: importieren, anzeigen, durchsuchen, vergleichen."),
    "check": ("ikz_isms.commands.check:check", "Arbeitsumgebung und Kataloge prüfen (für CI)."),
    "contracts": ("ikz_isms.commands.contracts:contracts",
                  "Rahmenverträge und Einzelverträge: Fristen, Abrufe, Höchstwerte, Bündelung."),
    "costs": ("ikz_isms.commands.costs:costs",
              "Kostenverteilung zwischen den Landkreisen nach dem Verteilungsschlüssel des Vertrags."),
    "county": ("ikz_isms.commands.county:county_group",
               "Landkreise des Verbunds anzeigen und neue Landkreise anlegen."),
    "emergency": ("ikz_isms.commands.emergency:emergency",
                  "Notfallplanung (BSI-Standard 200-4): Wiederanlaufpläne, Alarmierung, gegenseitige Hilfe, Übungen, "
                  "Handbuch."),
    "export": ("ikz_isms.commands.export:export", "Daten für andere Systeme ausgeben."),
    "import": ("ikz_isms.commands.export:import_group",
               "Bearbeitete Exporte zurücklesen: Excel-Arbeitsmappe, OSCAL-SSP."),
    "incident": ("ikz_isms.commands.incident:incident",
                 "Sicherheitsvorfälle: erfassen (mit Meldungen, Maßnahmen, Erkenntnissen) und anzeigen."),
    "init": ("ikz_isms.commands.workspace_cmd:init_command", "Neue, leere Arbeitsumgebung in VERZEICHNIS anlegen."),
    "keys": ("ikz_isms.commands.federation_cmd:keys_group",
             "Signaturschlüssel eines Landkreises für seine Offenlegungspakete anlegen und anzeigen."),
    "journal": ("ikz_isms.commands.journal:journal_group",
                "Änderungsjournal der Prüfeinträge: anzeigen und Hash-Kette prüfen."),
    "model": ("ikz_isms.commands.model:model_group",
              "Modellierung: Bausteine oder Zielobjektkategorien je Zielobjekt mit Begründung, Vorgehensweise, "
              "Auslassungen."),
    "plan": ("ikz_isms.commands.plan:plan",
             "Realisierungsplan: Maßnahmen zu den Lücken (nein/teilweise) des IT-Grundschutz-Checks."),
    "plugins": ("ikz_isms.commands.plugins_cmd:plugins_command",
                "Geladene Plugins mit Herkunft, Version und Hooks anzeigen."),
    "publish": ("ikz_isms.commands.federation_cmd:publish_command",
                "Offenlegungspaket des Landkreises schreiben und signieren: nur was seine Offenlegung erlaubt."),
    "report": ("ikz_isms.commands.report:report",
               "PDF-Berichte: Prüfbericht eines Landkreises, Verbund-Vergleich, Realisierungsplan."),
    "risk": ("ikz_isms.commands.risk:risk",
             "Risikoanalyse nach BSI-Standard 200-3: Risikoregister, Behandlung, Akzeptanz durch die Behördenleitung."),
    "review": ("ikz_isms.commands.review:review",
               "Gemeinsame Bewertungen („Einer für Alle“): veröffentlichen, übernehmen, anzeigen."),
    "target": ("ikz_isms.commands.targets:target_group",
               "Strukturanalyse: Zielobjekte erfassen, verknüpfen, gruppieren; Schutzbedarf mit Begründung."),
    "service-centre": ("ikz_isms.commands.centre:service_centre",
                       "Gemeinsames Dienstleistungszentrum: Plan, Ist-Stunden, Jahresabrechnung der Mitglieder."),
    "tender": ("ikz_isms.commands.tender:tender", "Gemeinsame Ausschreibungen aus den Vorlagen in catalogs/vorlagen/."),
    "verbund": ("ikz_isms.commands.federation_cmd:verbund_group",
                "Verbund-Arbeitsumgebung: Schlüssel der Landkreise hinterlegen, Offenlegungspakete prüfen."),
}


@hookimpl
def ikz_register_commands(cli: CommandTable) -> None:
    for name, (target, short_help) in BUILTIN_COMMANDS.items():
        cli.add_lazy_command(name, target, short_help)
