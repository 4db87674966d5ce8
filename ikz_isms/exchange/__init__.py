"""The IT-Grundschutz-Check in and out of ikz-isms: Excel workbooks, OSCAL documents, calendars.

Pure code over the assessment API (:class:`ikz_isms.assess.Assessment`, the plan view): it
builds documents and reads them back into proposed record changes. Files are read and written
by the application layer (:mod:`ikz_isms.app.exchange`) through the store; records change only
through :func:`ikz_isms.app.records.set_records` (journaled).

* :mod:`.rows` — the check as rows (one per requirement × target object) and how a row is compared;
* :mod:`.xlsx` — the Excel workbook (openpyxl, imported lazily) and its safe reading (:mod:`.zipsafe`);
* :mod:`.oscal` — SSP, assessment results and POA&M (OSCAL 1.2.1 JSON), and reading an SSP back;
* :mod:`.ics` — an iCalendar file of deadlines (written by hand: a small, exact format).
"""
