#!/usr/bin/env bash
# Benchmark: peak resident memory of Medic itself over whole runs of the 502 runbook against the
# real incidents of the lab (lab/up SCENARIO): `medic run runbooks/nginx-502.yaml`, every check
# for real, from the first step to its conclusion (through the remediation and the
# verification where the scenario has them). The peak is the medic process's own (getrusage at
# its exit, bench/rss-at-exit.c): the programs its checks start (supervisorctl is a 30 MiB
# Python) are not Medic. Each scenario runs twice, each time on a fresh lab: unattended (--yes,
# no terminal, the password in MEDIC_VAR_login_password) and at a terminal (a pseudo-terminal:
# libedit, the password typed at the hidden prompt, every confirmation typed as asked). Release build, as `make release` makes it. Target (issue 3):
# under 15 MiB.
#
# Needs what `lab/up` needs (lab/install done; root, a memory cgroup and dmesg for `oom`, which
# is skipped with the reason without them).
#
#   bash bench/lab-memory.sh [SCENARIO...]     (default: every scenario)
set -euo pipefail
cd "$(dirname "$0")/.."
out=$PWD/bench/out/lab-memory
# A run directory and ports of its own, apart from a hand-started lab (18080...), the end-to-end
# tests (28080...) and bench/oom-vs-script.sh (28180...).
export MEDIC_LAB_DIR=$out/lab MEDIC_LAB_NGINX_PORT=28280 MEDIC_LAB_APP_PORT=28200 MEDIC_LAB_WRONG_PORT=28201
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(healthy oom crashed wrong-port socket-missing header-too-big slow auth-broken)
rm -rf "$out"
mkdir -p "$out"
# shellcheck source=bench/lab-lib.sh
source bench/lab-lib.sh
build_medic
cc -O2 -shared -fPIC -o bench/out/rss-at-exit.so bench/rss-at-exit.c

measure() {  # measure SCENARIO MODE: a fresh lab, one whole run; prints a line, writes the peak
    local scenario=$1 mode=$2 rc=0
    lab/down >/dev/null 2>&1 || true
    lab/up "$scenario" 2>"$out/$scenario.up.err" >/dev/null || rc=$?
    if [ "$rc" -eq 77 ]; then
        echo "$scenario: $(grep -m1 skipped "$out/$scenario.up.err" || echo skipped)"
        return
    fi
    [ "$rc" -eq 0 ] || { cat "$out/$scenario.up.err" >&2; exit 1; }
    (
        set -a
        # shellcheck disable=SC1091
        source "$MEDIC_LAB_DIR/lab.env"
        set +a
        session=$out/$scenario-$mode
        lab_inputs
        if [ "$mode" = terminal ]; then
            # libedit, the prompts, the password typed at the hidden prompt, each confirmation typed.
            read -r peak status ms < <(MEDIC_BENCH_PASSWORD=$LOGIN_PASSWORD TERM=xterm XDG_STATE_HOME=$out/state \
                python3 bench/peak_rss.py --terminal "$session.screen" "$medic" run runbooks/nginx-502.yaml \
                --transcript "$session" "${lab_inputs[@]}")
        else
            read -r peak status ms < <(MEDIC_VAR_login_password=$LOGIN_PASSWORD NO_COLOR=1 XDG_STATE_HOME=$out/state \
                python3 bench/peak_rss.py "$session.screen" "$medic" run runbooks/nginx-502.yaml --yes \
                --transcript "$session" "${lab_inputs[@]}")
        fi
        steps=$(grep -c '"event":"step"' "$session/transcript.jsonl" || true)
        printf '%-15s %-10s exit %d, %3d steps, %6d ms: peak RSS %5.1f MiB\n' "$scenario" "$mode" "$status" "$steps" "$ms" "$peak"
        echo "$peak" >>"$out/peaks"
    )
    lab/down >/dev/null 2>&1 || true
}

for scenario in "${scenarios[@]}"; do
    measure "$scenario" unattended
    measure "$scenario" terminal
done
[ -s "$out/peaks" ] || { echo "no scenario could run here"; exit 0; }
worst=$(sort -n "$out/peaks" | tail -1)
echo "peak RSS over whole runs of nginx-502 in the lab: at most $worst MiB  (target < 15 MiB)"
