"""Audit PDFs (``ikz-isms report``): county report, Verbund report, Realisierungsplan.

Only this package imports reportlab, and only in its submodules :mod:`.pdf`, :mod:`.charts`,
:mod:`.county` and :mod:`.verbund`, which the ``report`` command imports when it runs.
:mod:`.text` (escaping for reportlab's markup) and :mod:`.model` (what goes into a report: dates,
rows of the reference documents A.1–A.6, plugin customisation, Verbund figures under each
county's disclosure policy) are pure Python. German formats and the domain's words come from
:mod:`ikz_isms.present`. :mod:`.pdf` is the one PDF engine: the tender pack
(:mod:`ikz_isms.tender.pdf`) and the cost statements (:mod:`ikz_isms.procure.statement`) use
it too, through :func:`.pdf.builder_for_date`.
"""
