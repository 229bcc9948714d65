#!/usr/bin/env bash
# Benchmark (issue 17): one read-only check (`uptime`) across 50 hosts over OpenSSH, side by side:
#
#   medic          `medic run` of a one-step runbook whose check runs `where: {hosts: all}` on the
#                  50 hosts, 5 at a time (Medic's default forks), after a first run opened one
#                  multiplexed connection per host (ControlMaster=auto, ControlPersist=60): the
#                  figure is the second run. Medic's own peak resident memory over that run is
#                  printed beside it (getrusage at its exit, bench/rss-at-exit.c: the ssh
#                  processes it starts are not Medic).
#   serial ssh     for h in ...; do ssh "$h" uptime; done, a new connection each time
#   serial ssh, mux  the same loop over already-open multiplexed connections (what multiplexing
#                  alone gives, without parallelism)
#   ansible        ansible all -m command -a uptime -f 5 (ansible-core from PyPI, installed into a
#                  venv under this benchmark's directory; the column says so and is skipped when
#                  PyPI cannot be reached), first run and a second one over its own multiplexed
#                  connections (ansible's default ControlPersist=60s)
#
# The hosts are lab/sshd's: Debian's sshd on 127.0.0.11 to 127.0.0.60 (four sshd processes, 16
# addresses each), port MEDIC_BENCH_SSH_PORT (default 28322), with generated host keys and
# known_hosts (host keys are checked by every column). Needs root and openssh-server (lab/sshd
# installs it); traffic stays on 127.0.0.0/8. Targets: Medic under 2 s, under 20 MiB.
#
#   bash bench/ssh-fanout.sh [ROUNDS]      (default 3 rounds; the median of each column is printed)
#   MEDIC_BENCH_MEDIC=.build/debug/medic bash bench/ssh-fanout.sh 1    (a given binary, no release build)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
out=$repo/bench/out/ssh-fanout
rounds=${1:-3}
hosts_count=50
export MEDIC_LAB_DIR=$out/lab MEDIC_LAB_SSH_PORT=${MEDIC_BENCH_SSH_PORT:-28322}
rm -rf "$out/medic" "$out/state" "$out/ansible-home" "$out/figures"
mkdir -p "$out/lab" "$out/medic" "$out/state" "$out/figures"

lab/sshd down >/dev/null 2>&1 || true
# at exit lab/sshd down ends the sshd processes and their sessions: the clients' multiplexing
# masters (ControlPersist) see their connections close and end too
# Control sockets need a short path (a unix socket's path holds 107 bytes): a directory in /tmp.
short=$(mktemp -d /tmp/medic-fanout.XXXXXX)
trap 'lab/sshd down >/dev/null 2>&1 || true; rm -rf "$short"' EXIT
rc=0
lab/sshd up "$hosts_count" 2>"$out/sshd-up.err" || rc=$?
if [ "$rc" -eq 77 ]; then echo "ssh-fanout: $(grep -m1 skipped "$out/sshd-up.err")"; exit 0; fi
[ "$rc" -eq 0 ] || { cat "$out/sshd-up.err" >&2; exit 1; }
# shellcheck disable=SC1091
source "$out/lab/ssh/ssh.env"
read -r -a hosts <<<"$SSH_HOSTS"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }
# check_outputs FILE: every host answered with uptime's "load average" line
answered() { [ "$(grep -c 'load average' "$1" || true)" -eq "$hosts_count" ]; }

# --- serial ssh loops ---------------------------------------------------------------
serial() {  # serial FILE [ssh options...]
  local file=$1 h; shift
  : >"$file"
  for h in "${hosts[@]}"; do ssh -F "$SSH_CONFIG" "$@" "$h" uptime >>"$file" 2>&1 || true; done
}
mkdir -m 700 "$short/mux"
mux=(-o ControlMaster=auto -o "ControlPath=$short/mux/%C" -o ControlPersist=120)
for ((r = 1; r <= rounds; r++)); do
  start=$(now_ms); serial "$out/serial.out"; echo $(($(now_ms) - start)) >>"$out/figures/serial"
  answered "$out/serial.out" || { echo "serial ssh: not every host answered:"; tail -5 "$out/serial.out"; exit 1; }
done
serial "$out/serial-mux.out" "${mux[@]}"   # opens the masters
for ((r = 1; r <= rounds; r++)); do
  start=$(now_ms); serial "$out/serial-mux.out" "${mux[@]}"; echo $(($(now_ms) - start)) >>"$out/figures/serial-mux"
  answered "$out/serial-mux.out" || { echo "serial ssh, mux: not every host answered"; exit 1; }
done
for h in "${hosts[@]}"; do ssh -F "$SSH_CONFIG" "${mux[@]}" -O exit "$h" 2>/dev/null || true; done

# --- ansible ------------------------------------------------------------------------------
ansible_note=""
venv=$out/ansible-venv
if [ ! -x "$venv/bin/ansible" ]; then
  rm -rf "$venv"
  if ! { python3 -m venv "$venv" && timeout 300 "$venv/bin/pip" install -q "ansible-core>=2.17,<2.18"; } >"$out/ansible-install.log" 2>&1; then
    ansible_note="skipped: ansible-core could not be installed from PyPI ($(tail -1 "$out/ansible-install.log"))"
    rm -rf "$venv"
  fi
fi
if [ -z "$ansible_note" ]; then
  {
    echo "[all]"
    for h in "${hosts[@]}"; do echo "$h"; done
    echo "[all:vars]"
    echo "ansible_python_interpreter=/usr/bin/python3"
  } >"$out/inventory.ini"
  ansible_run() {
    env HOME="$out/ansible-home" ANSIBLE_SSH_ARGS="-F $SSH_CONFIG -o ControlMaster=auto -o ControlPersist=60s" \
      ANSIBLE_SSH_CONTROL_PATH_DIR="$short/ansible" ANSIBLE_LOCAL_TEMP="$out/ansible-home/tmp" \
      ANSIBLE_FORKS=5 ANSIBLE_NOCOLOR=1 ANSIBLE_LOAD_CALLBACK_PLUGINS=0 \
      "$venv/bin/ansible" all -i "$out/inventory.ini" -m command -a uptime -f 5 >"$1" 2>&1
  }
  ansible_version=$("$venv/bin/ansible" --version | head -1)
  for ((r = 1; r <= rounds; r++)); do
    # a first run opens the connections, the second reuses them
    rm -rf "$out/ansible-home" "$short/ansible"
    mkdir -p "$out/ansible-home" "$short/ansible"
    start=$(now_ms); ansible_run "$out/ansible.out" || true; echo $(($(now_ms) - start)) >>"$out/figures/ansible"
    answered "$out/ansible.out" || { echo "ansible: not every host answered:"; tail -5 "$out/ansible.out"; exit 1; }
    start=$(now_ms); ansible_run "$out/ansible.out" || true; echo $(($(now_ms) - start)) >>"$out/figures/ansible-warm"
    answered "$out/ansible.out" || { echo "ansible (warm): not every host answered"; exit 1; }
  done
fi

# --- Medic ----------------------------------------------------------------------------------
medic_note=""
medic=""
if [ -n "${MEDIC_BENCH_MEDIC:-}" ]; then
  medic=$MEDIC_BENCH_MEDIC   # a binary given (say a debug build), instead of the release build
elif log=$(swift build -c release --static-swift-stdlib --product medic 2>&1); then
  medic=$repo/.build/release/medic
else
  medic_note="skipped: the release build failed: $(echo "$log" | grep -m1 error: || echo "$log" | tail -1)"
fi
runbook=$out/medic/fanout.yaml
cat >"$runbook" <<'EOF'
medic: 1
id: ssh-fanout
title: How loaded is every host?
summary: One read-only check across a host set (bench/ssh-fanout.sh).
inputs:
  hosts: {type: hosts, description: The hosts to ask.}
hosts:
  all: {input: hosts}
steps:
  load:
    kind: check
    title: What does uptime say on every host?
    why: A read-only look at every host at once.
    where: {hosts: all}
    command: [uptime]
    branches:
      - when: {all_hosts: {matches: 'load average'}}
        next: answered
        because: every host answered
      - otherwise: missing
        because: some hosts did not answer (${unreachable_hosts} unreachable)
  answered:
    kind: conclusion
    title: Every host answered
    why: uptime printed its load averages on every host.
    outcome: no-fault
    cause: none
    summary: Every host answered.
  missing:
    kind: conclusion
    title: Some hosts did not answer
    why: uptime did not print its load averages on every host.
    outcome: escalate
    cause: none
    summary: Some hosts did not answer.
causes:
  none:
    title: No cause sought
    description: The benchmark only asks every host for its load.
EOF
if [ -n "$medic" ] && ! problems=$("$medic" validate "$runbook" 2>&1); then
  first=$(echo "$problems" | grep -m1 error: || echo "$problems" | head -1)
  if echo "$problems" | grep -qE "unknown key '(where|hosts)'"; then
    medic_note="needs the ssh engine (issue 17: where, hosts), which this build lacks: $first"
  else
    medic_note="medic validate refuses the benchmark's runbook: $first"
  fi
fi
if [ -n "$medic" ] && [ -z "$medic_note" ]; then
  cc -O2 -shared -fPIC -o "$repo/bench/out/rss-at-exit.so" bench/rss-at-exit.c
  medic_run() {  # medic_run SESSION: prints "peak_mib status ms"
    MEDIC_SSH_OPTIONS="-F $SSH_CONFIG" XDG_RUNTIME_DIR="$short/medic" XDG_STATE_HOME="$out/state" NO_COLOR=1 \
      python3 bench/peak_rss.py "$1.screen" "$medic" run "$runbook" --var "hosts=${hosts[*]}" --transcript "$1"
  }
  mkdir -m 700 "$short/medic"
  for ((r = 1; r <= rounds; r++)); do
    read -r _ status ms < <(medic_run "$out/medic/first-$r")   # opens (or reuses) the masters
    [ "$r" -gt 1 ] || echo "$ms" >"$out/figures/medic-first"
    read -r peak status ms < <(medic_run "$out/medic/run-$r")
    if [ "$status" != 5 ]; then
      echo "medic: exit $status, not 5 (no-fault: every host answered):"; tail -15 "$out/medic/run-$r.screen"; exit 1
    fi
    echo "$ms" >>"$out/figures/medic"
    echo "$peak" >>"$out/figures/medic-rss"
  done
fi

# --- the figures ------------------------------------------------------------------------------
figure() { [ -s "$out/figures/$1" ] && echo "$(median <"$out/figures/$1") ms" || echo "-"; }
echo
echo "one read-only check (uptime) across $hosts_count hosts (lab/sshd, 127.0.0.11-60), median of $rounds rounds:"
printf '  %-34s %s\n' "medic, multiplexed (5 at a time)" "$(if [ -n "$medic_note" ]; then echo "$medic_note"; else echo "$(figure medic)   peak RSS $(sort -n "$out/figures/medic-rss" | tail -1) MiB   (targets: < 2000 ms, < 20 MiB)"; fi)"
[ -z "$medic_note" ] && printf '  %-34s %s\n' "medic, first run (new connections)" "$(figure medic-first)"
printf '  %-34s %s\n' "serial ssh loop" "$(figure serial)"
printf '  %-34s %s\n' "serial ssh loop, multiplexed" "$(figure serial-mux)"
if [ -n "$ansible_note" ]; then
  printf '  %-34s %s\n' "ansible -m command -f 5" "$ansible_note"
else
  printf '  %-34s %s\n' "ansible -m command -f 5" "$(figure ansible) first run, $(figure ansible-warm) second (its own ControlPersist)   [$ansible_version]"
fi
