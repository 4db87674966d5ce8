"""``python -m ikz_isms`` runs the command line."""

from .cli import run

run()
