#!/usr/bin/env bash
# Benchmark: the wall time `medic run --yes runbooks/nginx-502.yaml` takes, in the lab's `oom`
# scenario, from its start to the diagnosis (the moment it enters the first action it proposes,
# stopping the build jobs), against a plain shell script that runs the same checks one after
# another: the commands of that run's `run` records, taken from its transcript, with the same
# environment (inputs in upper case, durations in seconds), HTTP checks done with curl. Each gets
# a fresh `oom` lab; the figures are medians over ROUNDS rounds (default 5), and Medic's overhead
# is (medic - script) / script (target: under 10%). Release build, as `make release` makes it.
#
# The checks themselves swing by 10-15% from one lab to the next (supervisorctl is a Python
# start-up on a host busy restarting the app), so it also prints the steadier figure: the time
# Medic spends outside its checks (start-up, the journal's fdatasync per record, the screen),
# against the time its checks took.
#
# Needs what `lab/up oom` needs (root, a memory cgroup, dmesg); without it, says so and exits 0.
#
#   bash bench/oom-vs-script.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
out=$PWD/bench/out/oom-vs-script
# A run directory and ports of its own, apart from a hand-started lab (18080...) and the
# end-to-end tests (28080...).
export MEDIC_LAB_DIR=$out/lab MEDIC_LAB_NGINX_PORT=28180 MEDIC_LAB_APP_PORT=28100 MEDIC_LAB_WRONG_PORT=28101
rm -rf "$out"
mkdir -p "$out"
# shellcheck source=bench/lab-lib.sh
source bench/lab-lib.sh
build_medic

up() {  # up: a fresh oom lab, its values exported; exits 0 when this machine cannot have one
    lab/down >/dev/null 2>&1 || true
    local rc=0
    lab/up oom 2>"$out/up.err" || rc=$?
    if [ "$rc" -eq 77 ]; then
        echo "oom-vs-script: $(grep -m1 skipped "$out/up.err")"
        exit 0
    fi
    [ "$rc" -eq 0 ] || { cat "$out/up.err" >&2; exit 1; }
    set -a
    # shellcheck disable=SC1091
    source "$MEDIC_LAB_DIR/lab.env"
    set +a
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

medic_times=() script_times=() medic_own=() medic_checks=()
for round in $(seq "$rounds"); do
    # Medic, with --yes, until it enters the first action.
    up
    session=$out/medic-$round
    lab_inputs
    start=$(now_ms)
    rc=0
    MEDIC_VAR_login_password=$LOGIN_PASSWORD NO_COLOR=1 XDG_STATE_HOME=$out/state "$medic" run runbooks/nginx-502.yaml --yes \
        --transcript "$session" "${lab_inputs[@]}" </dev/null >"$session.screen" 2>&1 || rc=$?
    [ "$rc" -eq 0 ] || echo "oom-vs-script: round $round: medic run exited $rc (see $session.screen); timing up to its first action anyway" >&2
    # When Medic got there, and the checks it ran before, written out as a plain script.
    read -r medic_ms medic_checks_ms checks < <(python3 bench/oom-checks-script.py "$session/transcript.jsonl" "$start" "$out/script-$round.sh")
    lab/down >/dev/null 2>&1

    # The script, on a fresh lab of its own.
    up
    mkdir -p "$out/script-$round.out"
    start=$(now_ms)
    OUT=$out/script-$round.out bash "$out/script-$round.sh"
    script_ms=$(($(now_ms) - start))
    script_checks_ms=$(cat "$out/script-$round.out/checks-ms")
    lab/down >/dev/null 2>&1
    printf 'round %d: medic %5d ms to the diagnosis (its %d checks %5d ms, itself %4d ms); script %5d ms (checks %5d ms, itself %4d ms)\n' \
        "$round" "$medic_ms" "$checks" "$medic_checks_ms" $((medic_ms - medic_checks_ms)) \
        "$script_ms" "$script_checks_ms" $((script_ms - script_checks_ms))
    medic_times+=("$medic_ms")
    script_times+=("$script_ms")
    medic_own+=($((medic_ms - medic_checks_ms)))
    medic_checks+=("$medic_checks_ms")
done

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
m=$(median "${medic_times[@]}")
s=$(median "${script_times[@]}")
echo "median of $rounds rounds: medic run --yes $m ms to the diagnosis; plain script $s ms"
awk -v m="$m" -v s="$s" 'BEGIN { printf "medic overhead: %+.1f%% (target: under 10%%)\n", (m - s) * 100 / s }'
o=$(median "${medic_own[@]}")
c=$(median "${medic_checks[@]}")
awk -v o="$o" -v c="$c" 'BEGIN { printf "medic itself (start-up, journal, screen; outside its checks): median %d ms, %.1f%% of its checks'"'"' %d ms\n", o, o * 100 / c, c }'
