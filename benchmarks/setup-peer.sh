#!/usr/bin/env bash
# Installs the peer tool (compliance-trestle) into benchmarks/.venv-trestle,
# separate from the project's environment, so benchmarks/run.py can time
# `trestle validate` next to `ikz-isms check`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv-trestle"
python="${PYTHON:-python3}"
# pinned so the peer numbers stay comparable between runs; override with TRESTLE_VERSION
version="${TRESTLE_VERSION:-5.2.0}"

if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet "compliance-trestle==$version"
"$venv/bin/trestle" version
echo "trestle installed in $venv"
