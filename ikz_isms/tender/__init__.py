"""Joint tenders from shared templates (``ikz-isms tender``): templates, §3 VgV estimate, tender packs, proposals.

Modules: :mod:`.templates` (read/validate/render ``catalogs/vorlagen/*.yaml``),
:mod:`.project` (``vergaben/<name>/vergabe.yaml``), :mod:`.estimate` (value, threshold
verdict, procedures; pure), :mod:`.security` (security annex from the pinned catalog),
:mod:`.validate` (rules shared by ``check`` and ``pack``), :mod:`.pack`, :mod:`.pdf`,
:mod:`.ocds` and :mod:`.opportunities` (gap-driven proposals).
"""
