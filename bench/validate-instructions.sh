#!/usr/bin/env bash
# Benchmark: the instructions `medic validate` executes, counted by valgrind's callgrind, over
# every shipped runbook and over the generated 1,000-step runbook (the two cases of
# bench/validate-shipped.sh). Unlike wall and CPU time, the count does not depend on how busy or
# how fast the machine is that hour, so two builds compare exactly; and it says what share of
# the work is Swift's regex parser (`Regex(String)`, which `medic validate` calls once for every
# distinct pattern beyond the common syntax that SimpleSyntax reads).
#
#   bash bench/validate-instructions.sh                 (this build: `make release`'s binary)
#   BASELINE=/tmp/medic-old bash bench/validate-instructions.sh
#   MEDIC_BENCH_NO_BUILD=1 bash bench/validate-instructions.sh
#
# Needs valgrind (Debian: apt-get install valgrind). Each binary is copied without its debug
# information first (callgrind cannot read the DWARF that swiftc writes), keeping its symbols.
# Under valgrind, /proc/self/exe is valgrind's own program, so the matching process Medic starts
# for inputs' defaults (`medic __match-worker`) cannot start: those checks are reported as not
# checked, and their matching (a few short defaults) is missing from the count. A build older
# than 0b21549 ends there, killed by SIGPIPE, and counts only what it did until then.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "bench: valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
[[ -n ${MEDIC_BENCH_NO_BUILD:-} ]] || swift build -c release --static-swift-stdlib --product medic >/dev/null
mkdir -p bench/out
generated=bench/out/generated-1000.yaml
python3 bench/generate-runbook.py 1000 >"$generated"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The Swift symbol of Regex<AnyRegexOutput>.init(_: String).
regex_init='$s17_StringProcessing5RegexVA2A03AnyC6OutputVRszlEyACyAEGSSKcfC'

# 1234567 as 1,234,567.
grouped() { echo "$1" | sed -e ':a' -e 's/\B[0-9]\{3\}\>/,&/' -e 'ta'; }

measure() {
    local label=$1 binary=$2 what=$3
    shift 3
    local copy="$work/medic-$RANDOM" out="$work/callgrind.$RANDOM"
    strip --strip-debug -o "$copy" "$binary"
    local total
    total=$( (valgrind --tool=callgrind --callgrind-out-file="$out" "$copy" validate "$@" 2>&1 >/dev/null || true) | sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
    local regex
    regex=$(callgrind_annotate --inclusive=yes --threshold=100 "$out" 2>/dev/null | awk -v symbol="$regex_init" 'index($0, symbol) && !found { gsub(",", "", $1); print $1; found = 1 }')
    printf '%-28s %-24s %14s %14s %7s\n' "$what" "$label" "$(grouped "$total")" "$(grouped "${regex:-0}")" \
        "$(awk -v r="${regex:-0}" -v t="$total" 'BEGIN { printf "%.1f%%", 100 * r / t }')"
}

printf '%-28s %-24s %14s %14s %7s\n' "what" "by" "instructions" "in Regex(...)" "share"
for case in shipped generated; do
    if [[ $case == shipped ]]; then files=(runbooks/*.yaml) what="shipped runbooks"; else files=("$generated") what="1,000 steps"; fi
    measure "medic (this build)" .build/release/medic "$what" "${files[@]}"
    [[ -z ${BASELINE:-} ]] || measure "medic ($(basename "$BASELINE"))" "$BASELINE" "$what" "${files[@]}"
done
