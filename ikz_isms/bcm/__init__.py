"""Business continuity after BSI-Standard 200-4: BIA, recovery targets, plans, joint emergency planning.

Pure domain code; the application layer (:mod:`ikz_isms.app.emergency`) reads the files
through the store.

* :mod:`.durations` — times as the files write them (``4h``, ``3d``, ``2w``) and as people read them;
* :mod:`.model` — a county's ``notfall.yaml``: business impact analysis per business process,
  recovery plans per system, alarm and escalation plan; recovery targets inherited over the
  structure analysis's dependencies by the maximum principle, and the gap list where a
  system's realistic recovery cannot meet its target;
* :mod:`.incidents` — a county's security incidents (``vorfaelle.yaml``);
* :mod:`.verbund` — the Verbund's mutual-aid agreements and joint exercises
  (``catalogs/notfall/``), fallbacks per critical process, overdue exercises, and the figures
  a county discloses about all of this.
"""
