"""Risk analysis after BSI-Standard 200-3: elementary threats, the risk matrix, the risk register.

Pure domain code, like :mod:`ikz_isms.assess`: the application layer
(:mod:`ikz_isms.app.risks`) reads a county's ``risiken.yaml`` through the store and hands the
parsed document here.

* :mod:`.threats` — the 47 elementary threats (ids and names built in; BSI's definitions come
  from the pinned Edition 2023 catalog or BSI's namespace file ``basethreats.csv``);
* :mod:`.matrix` — frequency × impact → risk category, the 4×4 matrix of 200-3 or the
  Verbund's own (``risk.matrix`` in ``ikz-isms.yaml``);
* :mod:`.register` — the register's entries (assessment, treatment, residual risk,
  acceptance), which objects need an analysis, and the rule that risks of unmet Basis
  requirements cannot be accepted.
"""
