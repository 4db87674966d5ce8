"""Audit PDFs (``ikz-isms report``): county report, Verbund report, Realisierungsplan.

Only this package imports reportlab, and only in its submodules :mod:`.pdf`, :mod:`.charts`,
:mod:`.county` and :mod:`.verbund`, which the ``report`` command imports when it runs.
:mod:`.text` (escaping, German formats) and :mod:`.model` (what goes into a report: dates,
rows of the reference documents A.1–A.6, plugin customisation, Verbund figures under each
county's disclosure policy) are pure Python.
"""
