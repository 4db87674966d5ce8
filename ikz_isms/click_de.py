"""German texts for click's own messages (usage, help, errors), since users read German.

click routes its strings through ``gettext``/``ngettext`` bound in each of its modules; we
rebind those names to a lookup in the table below. Unknown strings stay English.
"""

from __future__ import annotations

import sys
from typing import Any

GERMAN = {
    "Usage:": "Aufruf:",
    "Options": "Optionen",
    "Commands": "Befehle",
    "Show this message and exit.": "Diese Hilfe anzeigen und beenden.",
    "Show the version and exit.": "Version anzeigen und beenden.",
    "Error: {message}": "Fehler: {message}",
    "Try '{command} {option}' for help.": "Hilfe mit '{command} {option}'.",
    "No such command {name!r}.": "Unbekannter Befehl {name!r}.",
    "No such option {name!r}.": "Unbekannte Option {name!r}.",
    "Missing command.": "Befehl fehlt.",
    "Missing argument": "Argument fehlt",
    "Missing option": "Option fehlt",
    "Missing parameter": "Parameter fehlt",
    "Missing parameter: {param_name}": "Parameter fehlt: {param_name}",
    "Missing {param_type}": "{param_type} fehlt",
    "Invalid value for {param_hint}: {message}": "Ungültiger Wert für {param_hint}: {message}",
    "Invalid value: {message}": "Ungültiger Wert: {message}",
    "Option {name!r} does not take a value.": "Option {name!r} erwartet keinen Wert.",
    "Option {name!r} requires an argument.": "Option {name!r} erwartet einen Wert.",
    "Option {name!r} requires {nargs} arguments.": "Option {name!r} erwartet {nargs} Werte.",
    "Got unexpected extra argument ({args})": "Unerwartetes zusätzliches Argument ({args})",
    "Got unexpected extra arguments ({args})": "Unerwartete zusätzliche Argumente ({args})",
    "Aborted!": "Abgebrochen.",
    "Error: invalid input": "Fehler: ungültige Eingabe",
    "Error: The two entered values do not match.": "Fehler: Die beiden Eingaben stimmen nicht überein.",
    "Repeat for confirmation": "Zur Bestätigung wiederholen",
    "Do you want to continue?": "Fortfahren?",
    "Confirm the action without prompting.": "Ohne Rückfrage bestätigen.",
    "Choose from:\n\t{choices}": "Auswahl:\n\t{choices}",
    "{value!r} is not {choice}.": "{value!r} ist nicht {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} ist keiner der Werte {choices}.",
    "{value!r} is not a valid {number_type}.": "{value!r} ist keine gültige {number_type}.",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "{value!r} ist kein gültiger Wahrheitswert (erlaubt: {states}).",
    "{value!r} is not a valid UUID.": "{value!r} ist keine gültige UUID.",
    "{value} is not in the range {range}.": "{value} liegt nicht im Bereich {range}.",
    "{value!r} does not match the format {format}.": "{value!r} ist kein gültiges Datum im Format {format}.",
    "{value!r} does not match the formats {formats}.": "{value!r} passt zu keinem der Formate {formats}.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} existiert nicht.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} ist ein Verzeichnis.",
    "{name} {filename!r} is a file.": "{name} {filename!r} ist eine Datei.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} ist nicht lesbar.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} ist nicht schreibbar.",
    "Could not open file {filename!r}: {message}": "Datei {filename!r} nicht zu öffnen: {message}",
    "default: {default}": "Standard: {default}",
    "env var: {var}": "Umgebungsvariable: {var}",
    "required": "Pflicht",
    "file": "Datei",
    "directory": "Verzeichnis",
    "path": "Pfad",
    "deprecated": "veraltet",
    "unknown error": "unbekannter Fehler",
    "Did you mean {possibility}?": "Meinten Sie {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(Meinten Sie eine davon: {possibilities}?)",
    "Argument {name!r} takes {nargs} values.": "Argument {name!r} erwartet {nargs} Werte.",
    "Takes {nargs} values but 1 was given.": "Erwartet {nargs} Werte, angegeben wurde 1.",
    "Takes {nargs} values but {len} were given.": "Erwartet {nargs} Werte, angegeben wurden {len}.",
    "{len_type} values are required, but {len_value} was given.":
        "{len_type} Werte sind nötig, angegeben wurde {len_value}.",
    "{len_type} values are required, but {len_value} were given.":
        "{len_type} Werte sind nötig, angegeben wurden {len_value}.",
    "Invalid start character for option ({option})": "Ungültiges erstes Zeichen einer Option ({option})",
    "Value must be an iterable.": "Wert muss eine Liste sein.",
    "{name} {filename!r} is not executable.": "{name} {filename!r} ist nicht ausführbar.",
    "Positional arguments": "Argumente",
    "Press any key to continue...": "Weiter mit einer beliebigen Taste …",
    "%(prog)s, version %(version)s": "%(prog)s, Version %(version)s",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}":
        "Hinweis: Der Befehl {name!r} ist veraltet.{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}":
        "Hinweis: {param_type} {name!r} ist veraltet.{extra_message}",
    "{editor}: Editing failed": "{editor}: Bearbeiten fehlgeschlagen",
    "{editor}: Editing failed: {e}": "{editor}: Bearbeiten fehlgeschlagen: {e}",
    "(dynamic)": "(dynamisch)",
}

#: click's strings a user never sees: mistakes in declaring a command (a developer's), Windows and
#: shell-completion internals. Everything else click can say is in :data:`GERMAN` (a test holds
#: the table to the installed click's source).
NOT_SHOWN_TO_USERS = frozenset({
    "Arguments take exactly one parameter declaration, got {length}: {decls}.",
    "Boolean option {decl!r} cannot use the same flag for true/false.",
    "Could not determine name for option with declarations {decls!r}",
    "Name '{name}' defined twice",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? "
    "Did you mean to pass '--{name}'?",
    "Windows error: {error}",
    "Couldn't detect Bash version, shell completion is not supported.",
    "Shell completion is not supported for Bash versions older than 4.4.",
    "Unknown color {colour!r}",
    "Unknown standard stream '{name}'",
    "Choice({choices})",
    "d",
})


#: click's type names (``ParamType.name``) appear in its messages ("… ist keine gültige {number_type}") and,
#: upper-cased, as the metavar of an option without one (``--limit GANZZAHL``); the names of
#: ``click.Path`` ("file", "directory", "path") go through the table above
TYPE_NAMES = {
    "IntParamType": "Ganzzahl",
    "IntRange": "Ganzzahl",
    "FloatParamType": "Zahl",
    "FloatRange": "Zahl",
    "BoolParamType": "Wahrheitswert",
    "UUIDParameterType": "UUID",
    "StringParamType": "Text",
    "UnprocessedParamType": "Text",
    "DateTime": "Datum",
    "Choice": "Auswahl",
    "File": "Datei",
}


def _gettext(message: str) -> str:
    return GERMAN.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _gettext(singular if n == 1 else plural)


def install() -> None:
    """Rebind click's message functions to German (idempotent)."""
    for name in ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui", "utils"):
        module = sys.modules.get(f"click.{name}")
        if module is None:
            continue
        for attribute, function in (("_", _gettext), ("ngettext", _ngettext)):
            if hasattr(module, attribute):
                setattr(module, attribute, function)
    import click.types

    for class_name, german in TYPE_NAMES.items():
        getattr(click.types, class_name).name = german


USAGE_METAVARS = {
    "[OPTIONS]": "[OPTIONEN]",
    "COMMAND [ARGS]...": "BEFEHL [ARGUMENTE]...",
    "[COMMAND] [ARGS]...": "[BEFEHL] [ARGUMENTE]...",
}


def germanise_usage(command: Any, *, recursive: bool = True) -> None:
    """German placeholders in the usage line of ``command`` (and, ``recursive``, every command below it)."""
    if command.options_metavar in USAGE_METAVARS:
        command.options_metavar = USAGE_METAVARS[command.options_metavar]
    metavar = getattr(command, "subcommand_metavar", None)
    if metavar in USAGE_METAVARS:
        command.subcommand_metavar = USAGE_METAVARS[metavar]
    if recursive:
        for sub in getattr(command, "commands", {}).values():
            germanise_usage(sub)
