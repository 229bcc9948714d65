#!/usr/bin/env bash
# The differential test of Medic's YAML reader against PyYAML (Tests/yaml/differential.py):
# every shipped runbook and scenario, and a generated corpus, must read the same in both, or be
# refused by Medic with a location inside the input.
#
# Run from anywhere:  bash Tests/yaml/differential.sh
# Needs python3 with venv (Debian: python3-venv); PyYAML is installed from PyPI into the virtual
# environment at ${MEDIC_VENV:-.build/venv}, the one Tests/schema/check-schema.sh uses.
# MEDIC_YAML_SEED and MEDIC_YAML_COUNT change the generated corpus.
set -euo pipefail

PYYAML_VERSION="6.0.3"
SWIFT="${SWIFT:-swift}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
venv="${MEDIC_VENV:-.build/venv}"

venv_ok() { [[ -x "$venv/bin/python" ]] && "$venv/bin/python" -m pip --version >/dev/null 2>&1; }
if ! venv_ok; then
    echo "creating a virtual environment at $venv"
    python3 -m venv "$venv" || true
    if ! venv_ok; then
        echo "error: cannot create a virtual environment at $venv; install python3-venv (make deps)" >&2
        exit 1
    fi
fi
if [[ "$("$venv/bin/python" -c 'import yaml; print(yaml.__version__)' 2>/dev/null)" != "$PYYAML_VERSION" ]]; then
    echo "installing PyYAML==$PYYAML_VERSION into $venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "PyYAML==$PYYAML_VERSION"
fi

"$SWIFT" build --product medic-yaml-dump
dump="$("$SWIFT" build --show-bin-path)/medic-yaml-dump"
"$venv/bin/python" Tests/yaml/differential.py "$dump"
