#!/usr/bin/env bash
# Benchmark: `medic validate` over every shipped runbook (runbooks/*.yaml, in one call, as
# `make scenarios` runs it) and over a generated 1,000-step runbook (bench/generate-runbook.py),
# each against the target of under 50 ms (issue 13), with the release build as `make release`
# ships it. Beside Medic's figures, the same files checked by an alternative from PyPI in a venv:
# PyYAML's safe_load with a jsonschema pass against docs/runbook.schema.json
# (bench/validate_python.py), and the check-jsonschema command that `make schema` runs. Both check
# the shape only; Medic also checks references, reachability, variables and every regex.
# With BASELINE=/path/to/medic, that binary (a build of an earlier commit, say) is measured on the
# same files too. `medic test runbooks` (every recorded scenario, walked offline) is measured for
# information, without a target. Beside the 1,000-step case, what Swift's `Regex(String)` alone
# costs to parse that runbook's distinct patterns on every core (bench/regex_floor.swift, built
# here with swiftc -O): Medic reads patterns of the common syntax without it (SimpleSyntax), so
# that figure is what every pattern going through Swift's parser would add. And for information,
# the same runbook with every capture beyond that syntax (`\d{1,9}` for `\d+`, generate-runbook.py
# --parsed), which Swift's parser must read: the cost of a runbook that SimpleSyntax cannot help.
#
# Printed: the median wall time of several runs and the range from the fastest to the slowest
# (on a shared machine the same binary's runs can differ by half), the median CPU time (user +
# system), and the peak resident memory (bench/validate_figures.py). Run as root, each command
# runs at real-time priority, so that other work on a shared machine does not keep it waiting
# for a core; without root, read the CPU figure beside the load average printed first.
#
#   bash bench/validate-shipped.sh [RUNS]     (11 runs a case unless given)
#   BASELINE=/tmp/medic-old bash bench/validate-shipped.sh
#   MEDIC_BENCH_NO_BUILD=1 bash bench/validate-shipped.sh   (measures .build/release/medic as it is)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-11}
[[ -n ${MEDIC_BENCH_NO_BUILD:-} ]] || swift build -c release --static-swift-stdlib --product medic >/dev/null
medic=$PWD/.build/release/medic
mkdir -p bench/out
generated=bench/out/generated-1000.yaml
python3 bench/generate-runbook.py 1000 >"$generated"
patterns=bench/out/patterns-1000.txt
python3 bench/generate-runbook.py 1000 --patterns >"$patterns"
parsed=bench/out/generated-1000-parsed.yaml
python3 bench/generate-runbook.py 1000 --parsed >"$parsed"
floor=bench/out/regex-floor
[[ $floor -nt bench/regex_floor.swift ]] || swiftc -O -static-stdlib bench/regex_floor.swift -o "$floor"

venv=${MEDIC_VENV:-.build/venv}
[[ -x $venv/bin/python ]] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "check-jsonschema==0.39.0" "PyYAML==6.0.3"

shipped=(runbooks/*.yaml)
lines=$(cat "${shipped[@]}" | wc -l)
tab=$'\t'
join() { local IFS=$'\t'; printf '%s' "$*"; }
cases() {
    local what=$1 files=("${@:2}")
    printf '%s\t%s\t0\t%s\n' "$what" "medic (this build)" "$(join "$medic" validate "${files[@]}")"
    if [[ -n ${BASELINE:-} ]]; then
        printf '%s\t%s\t0\t%s\n' "$what" "medic ($(basename "$BASELINE"))" "$(join "$BASELINE" validate "${files[@]}")"
    fi
    printf '%s\t%s\t0\t%s\n' "$what" "PyYAML + jsonschema" "$(join "$venv/bin/python" bench/validate_python.py "${files[@]}")"
    printf '%s\t%s\t0\t%s\n' "$what" "check-jsonschema" "$(join "$venv/bin/check-jsonschema" --schemafile docs/runbook.schema.json "${files[@]}")"
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; target: validate under 50 ms"
{
    echo "# every shipped runbook: ${#shipped[@]} files, $lines lines (${shipped[*]})"
    cases "validate shipped runbooks" "${shipped[@]}"
    echo
    echo "# a generated runbook of 1,000 steps: $(wc -l <"$generated") lines"
    cases "validate 1,000 steps" "$generated"
    echo "validate 1,000 steps${tab}Swift's Regex, every pattern${tab}0${tab}$(join "$PWD/$floor" "$patterns")"
    echo
    echo "# for information: the same runbook, every capture beyond SimpleSyntax (\\d{1,9}), so read by Swift's parser"
    echo "1,000 steps, parsed by Swift${tab}medic (this build)${tab}0${tab}$(join "$medic" validate "$parsed")"
    if [[ -n ${BASELINE:-} ]]; then
        echo "1,000 steps, parsed by Swift${tab}medic ($(basename "$BASELINE"))${tab}0${tab}$(join "$BASELINE" validate "$parsed")"
    fi
    echo
    echo "# for information: every recorded scenario of the shipped runbooks, walked offline"
    echo "test shipped runbooks${tab}medic (this build)${tab}0${tab}$(join "$medic" test runbooks)"
    if [[ -n ${BASELINE:-} ]]; then
        echo "test shipped runbooks${tab}medic ($(basename "$BASELINE"))${tab}0${tab}$(join "$BASELINE" test runbooks)"
    fi
} | python3 bench/validate_figures.py "$runs" 50
