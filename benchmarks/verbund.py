"""The Verbund benchmark now lives in ``run.py`` (group ``verbund``); this is a shortcut to it.

    python benchmarks/verbund.py [run.py options]
    = python benchmarks/run.py --only verbund --verbund-294 [run.py options]

It times ``ikz-isms assess --verbund --format json`` for 4, 24 and 294 synthetic counties,
cold (``.ikz-cache/`` deleted before each run) and warm, with peak memory, next to the
Python floor, in interleaved rounds; see ``docs/benchmarks.md``.
"""

from __future__ import annotations

import sys

from run import main

if __name__ == "__main__":
    sys.exit(main(["--only", "verbund", "--verbund-294", *sys.argv[1:]]))
