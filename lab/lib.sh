# Shared by lab/up, lab/down and lab/selftest (sourced, not run).
# Paths, ports and the few helpers that decide what is "ours".

LAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RUN=${MEDIC_LAB_DIR:-$LAB_ROOT/run}
# Medic runs a check on the nginx or supervisord configuration the discovery finds only when no
# other user could have written it (owned by root, nothing writable by group or others along the
# path; /tmp, sticky, passes): folders 0755 and files 0644, whatever umask the caller has.
umask 022
mkdir -p "$RUN"
RUN=$(cd "$RUN" && pwd)
VENV=$LAB_ROOT/.venv

NGINX_PORT=${MEDIC_LAB_NGINX_PORT:-18080}
APP_PORT=${MEDIC_LAB_APP_PORT:-18000}
WRONG_PORT=${MEDIC_LAB_WRONG_PORT:-18001}   # nothing listens here, ever
APP2_PORT=${MEDIC_LAB_APP2_PORT:-18002}     # the pool's second app (MEDIC_LAB_UPSTREAM=pool)
# How nginx reaches the app: tcp (127.0.0.1:APP_PORT), unix (the app on RUN/app.sock) or pool
# (an upstream block of two apps, on APP_PORT and APP2_PORT). supervisor runtime only.
UPSTREAM_KIND=${MEDIC_LAB_UPSTREAM:-tcp}
MEMORY_MB=${MEDIC_LAB_MEMORY_MB:-256}       # cgroup limit in the oom scenario
OWN_LIMIT_MB=128                            # the app's own limit in oom-own-limit (a request needs 96 MiB more)

SCENARIOS="healthy oom oom-own-limit crashed wrong-port socket-missing header-too-big slow auth-broken restarted-then-slow cuts unix-socket"
# Only where a Docker engine runs the app (MEDIC_LAB_RUNTIME=docker or compose).
ENGINE_SCENARIOS="stopped recovered restart-fails not-ready"
# What runs the app: supervisor (supervisord), docker (docker run) or compose.
# lab/up records it in RUN/runtime, which lab/down and lab/selftest read back.
RUNTIME=${MEDIC_LAB_RUNTIME:-$(cat "$RUN/runtime" 2>/dev/null || echo supervisor)}

say() { echo "${0##*/}: $*" >&2; }
die() { say "$*"; exit 1; }

# A pid is ours when it is alive and its command line or environment names
# this run directory (supervisor passes MEDIC_LAB_RUN to every program).
is_ours() {
  local pid=$1
  [[ "$pid" =~ ^[0-9]+$ ]] && [ -d "/proc/$pid" ] || return 1
  tr '\0' '\n' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF "$RUN/" ||
    tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" | grep -qxF "MEDIC_LAB_RUN=$RUN"
}

# stop_pid PID SECONDS [SIGNAL]: signal, wait, then SIGKILL if still alive.
stop_pid() {
  local pid=$1 wait=$2 sig=${3:-TERM} i
  kill -s "$sig" "$pid" 2>/dev/null || return 0
  for ((i = 0; i < wait * 10; i++)); do
    [ -d "/proc/$pid" ] || return 0
    # a zombie still has /proc/PID; count it as gone
    [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = Z ] && return 0
    sleep 0.1
  done
  kill -s KILL "$pid" 2>/dev/null || true
}

pid_from() { cat "$1" 2>/dev/null || true; }

http_code() {  # http_code URL [curl args...]: prints the status, 000 on failure
  local url=$1; shift
  curl -s -o /dev/null -w '%{http_code}' --max-time "${CURL_TIMEOUT:-5}" "$@" "$url" || true
}

port_in_use() { [ -n "$(ss -Htln "sport = :$1" 2>/dev/null)" ]; }

source "$LAB_ROOT/engine.sh"
source "$LAB_ROOT/sshd.sh"
source "$LAB_ROOT/pool.sh"
