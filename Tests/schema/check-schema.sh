#!/usr/bin/env bash
# Checks docs/runbook.schema.json:
#   (a) the schema is itself a valid JSON Schema (draft 2020-12),
#   (b) every shipped runbook, runbooks/*.yaml, is accepted by it,
#   (c) every negative case, Tests/schema/invalid/*.yaml, is rejected by it.
#
# Run from the repository root:  bash Tests/schema/check-schema.sh
# Needs python3 with venv (Debian: python3-venv). check-jsonschema is installed from PyPI into a
# virtual environment at ${MEDIC_VENV:-.build/venv} (relative to the repository root).
set -euo pipefail

CHECK_JSONSCHEMA_VERSION="0.39.0"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

schema="docs/runbook.schema.json"
venv="${MEDIC_VENV:-.build/venv}"

log() { printf '%s\n' "$*"; }

# --- the tool -------------------------------------------------------------------------------

venv_ok() { [[ -x "$venv/bin/python" ]] && "$venv/bin/python" -m pip --version >/dev/null 2>&1; }

if ! venv_ok; then
    log "creating a virtual environment at $venv"
    if ! python3 -m venv "$venv" || ! venv_ok; then
        # Debian and Ubuntu ship venv's ensurepip in its own package, python3-venv.
        if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
            log "python3 -m venv failed; installing python3-venv"
            apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
            python3 -m venv "$venv" || true
        fi
        if ! venv_ok; then
            log "error: cannot create a virtual environment at $venv; install python3-venv" >&2
            exit 1
        fi
    fi
fi

installed=""
if [[ -x "$venv/bin/check-jsonschema" ]]; then
    installed="$("$venv/bin/check-jsonschema" --version 2>/dev/null | awk '{print $NF}')" || installed=""
fi
if [[ "$installed" != "$CHECK_JSONSCHEMA_VERSION" ]]; then
    log "installing check-jsonschema==$CHECK_JSONSCHEMA_VERSION into $venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        "check-jsonschema==$CHECK_JSONSCHEMA_VERSION"
fi
checker="$venv/bin/check-jsonschema"

# --- the checks -----------------------------------------------------------------------------

passed=0
failed=0
pass() { passed=$((passed + 1)); log "PASS  $*"; }
fail() { failed=$((failed + 1)); log "FAIL  $*"; }
indent() { sed 's/^/      /'; }

# (a) The schema against its metaschema.
if output="$("$checker" --check-metaschema "$schema" 2>&1)"; then
    pass "$schema is a valid JSON Schema"
else
    fail "$schema is not a valid JSON Schema"
    printf '%s\n' "$output" | indent
fi

shopt -s nullglob

# (b) Every shipped runbook must be accepted.
runbooks=(runbooks/*.yaml)
if ((${#runbooks[@]} == 0)); then
    fail "no runbooks found in runbooks/"
fi
for file in "${runbooks[@]}"; do
    if output="$("$checker" --schemafile "$schema" "$file" 2>&1)"; then
        pass "accepted $file"
    else
        fail "rejected $file, a shipped runbook"
        printf '%s\n' "$output" | indent
    fi
done

# (c) Every negative case must be rejected by the schema (not merely fail to parse).
invalid=(Tests/schema/invalid/*.yaml)
if ((${#invalid[@]} == 0)); then
    fail "no negative cases found in Tests/schema/invalid/"
fi
for file in "${invalid[@]}"; do
    if output="$("$checker" --schemafile "$schema" "$file" 2>&1)"; then
        fail "accepted $file, which the schema must reject"
    elif grep -q "Schema validation errors were encountered" <<<"$output"; then
        pass "rejected $file"
    else
        fail "$file could not be checked (it must be valid YAML with one schema defect)"
        printf '%s\n' "$output" | indent
    fi
done

log "$passed passed, $failed failed"
((failed == 0))
