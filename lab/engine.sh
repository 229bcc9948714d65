# The Docker engine of the lab's docker and compose runtimes (sourced by lab/up,
# lab/down and lab/selftest after lib.sh, not run).
#
# The engine answers on DOCKER_SOCK ($MEDIC_LAB_DOCKER_SOCK, default
# RUN/engine/docker.sock). engine_up starts Debian's dockerd there only when
# nothing answers on that socket yet, with its state under RUN/engine (vfs
# storage, no iptables, no bridge: every container uses the host's network),
# and records its pid in RUN/engine/dockerd.pid; engine_down stops only that
# pid. The lab's one image, medic-lab-base, is imported from a root that holds
# nothing but the merged-/usr symlinks: the host's /usr and the lab directory
# (its venv and app) are bind-mounted read-only into every container, so no
# registry is needed.

ENGINE=$RUN/engine
DOCKER_SOCK=${MEDIC_LAB_DOCKER_SOCK:-$ENGINE/docker.sock}
DOCKER_HOST=unix://$DOCKER_SOCK
LAB_IMAGE=medic-lab-base:1
# The lab's containers carry this label, so lab/down removes only its own.
LAB_LABEL=medic.lab.run=$RUN

# Which Compose the lab (and Medic, through lab.env's DOCKER_CONFIG) finds:
# MEDIC_LAB_COMPOSE=v1 (default, Debian's docker-compose 1.29) or v2 (the
# docker CLI plugin lab/install takes from PyPI). The docker CLI looks for
# plugins in $DOCKER_CONFIG/cli-plugins (and in system directories): the lab's
# own DOCKER_CONFIG holds the v2 plugin only with v2.
COMPOSE_VERSION=${MEDIC_LAB_COMPOSE:-v1}
case $COMPOSE_VERSION in
  v1 | v2) ;;
  *) echo "lab: MEDIC_LAB_COMPOSE must be v1 or v2, not '$COMPOSE_VERSION'" >&2; exit 2 ;;
esac
DOCKER_CONFIG=$ENGINE/cli-$COMPOSE_VERSION
COMPOSE_V2_PLUGIN=$LAB_ROOT/.compose-v2/cli-plugins/docker-compose

dk() { DOCKER_HOST=$DOCKER_HOST DOCKER_CONFIG=$DOCKER_CONFIG docker "$@"; }

# docker_config: the lab's DOCKER_CONFIG directory for COMPOSE_VERSION; v1
# refuses (77) where a system-wide v2 plugin answers anyway, since the runbooks
# (as on any host) prefer v2 when it answers.
docker_config() {
  mkdir -p "$DOCKER_CONFIG/cli-plugins"
  if [ "$COMPOSE_VERSION" = v2 ]; then
    [ -x "$COMPOSE_V2_PLUGIN" ] || die "no Compose v2 plugin at $COMPOSE_V2_PLUGIN; run lab/install docker"
    ln -sfn "$COMPOSE_V2_PLUGIN" "$DOCKER_CONFIG/cli-plugins/docker-compose"
  else
    rm -f "$DOCKER_CONFIG/cli-plugins/docker-compose"
    if dk compose version >/dev/null 2>&1; then
      echo "skipped: MEDIC_LAB_COMPOSE=v1, but a Compose v2 plugin is installed system-wide ($(dk compose version 2>&1 | head -1)) and cannot be hidden" >&2
      exit 77
    fi
  fi
}

engine_answers() { dk version --format '{{.Server.Version}}' >/dev/null 2>&1; }

# engine_up: an engine answering on DOCKER_SOCK, and the lab image in it.
engine_up() {
  command -v docker >/dev/null 2>&1 || die "no docker client; run lab/install"
  docker_config
  if engine_answers; then
    say "using the Docker engine already answering on $DOCKER_SOCK"
  else
    [ -x /usr/sbin/dockerd ] || die "no /usr/sbin/dockerd; run lab/install (Debian's docker.io)"
    [ "$(id -u)" -eq 0 ] || skip_engine "dockerd needs root"
    mkdir -p "$ENGINE/data" "$ENGINE/exec" "$(dirname "$DOCKER_SOCK")"
    # containerd's sockets live under exec-root and a unix socket path holds 107 bytes
    [ ${#ENGINE} -le 60 ] || skip_engine "the run directory's path is too long for dockerd's sockets ($ENGINE)"
    rm -f "$ENGINE/dockerd.pid"
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="${HOME:-/root}" MEDIC_LAB_RUN="$RUN" \
      setsid /usr/sbin/dockerd --storage-driver=vfs --iptables=false --ip-masq=false --bridge=none \
      --data-root "$ENGINE/data" --exec-root "$ENGINE/exec" --pidfile "$ENGINE/dockerd.pid" \
      -H "unix://$DOCKER_SOCK" </dev/null >>"$ENGINE/dockerd.log" 2>&1 &
    local i
    for ((i = 0; i < 300; i++)); do engine_answers && break; sleep 0.1; done
    engine_answers || skip_engine "dockerd did not answer on $DOCKER_SOCK within 30 s: $(tail -3 "$ENGINE/dockerd.log")"
    say "started dockerd $(pid_from "$ENGINE/dockerd.pid") on $DOCKER_SOCK"
  fi
  if ! dk image inspect "$LAB_IMAGE" >/dev/null 2>&1; then
    local root
    root=$(mktemp -d)
    mkdir -p "$root/usr" "$root/tmp" "$root/etc" "$root/proc" "$root/sys" "$root/dev"
    for d in bin sbin lib lib64; do ln -s "usr/$d" "$root/$d"; done
    chmod 1777 "$root/tmp"
    echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
    tar -C "$root" -c . | dk import -m "medic lab: host /usr and the lab bind-mounted" - "$LAB_IMAGE" >/dev/null
    rm -rf "$root"
  fi
}

skip_engine() {
  echo "skipped: needs a Docker engine (Debian's docker.io, run as root); $*" >&2
  exit 77
}

# engine_remove_containers: removes every container carrying the lab's label.
engine_remove_containers() {
  local ids
  ids=$(dk ps -aq --filter "label=$LAB_LABEL" 2>/dev/null || true)
  [ -z "$ids" ] || dk rm -f $ids >/dev/null 2>&1 || true
}

# engine_down: stops dockerd if lab/up started it (its pidfile, its marker).
engine_down() {
  local pid
  pid=$(pid_from "$ENGINE/dockerd.pid")
  if [ -n "$pid" ] && is_ours "$pid"; then
    stop_pid "$pid" 20
    stopped+=("dockerd $pid")
  fi
  rm -f "$ENGINE/dockerd.pid"
}

# compose_cmd: prints how Compose is called here: "docker compose" (v2, the
# plugin) when it answers, else "docker-compose" (v1); nothing when neither.
compose_cmd() {
  if dk compose version >/dev/null 2>&1; then echo "docker compose"
  elif command -v docker-compose >/dev/null 2>&1; then echo docker-compose
  fi
}
dc() {
  local cmd
  cmd=$(compose_cmd)
  [ -n "$cmd" ] || die "neither 'docker compose' (v2) nor 'docker-compose' (v1) is installed; run lab/install"
  DOCKER_HOST=$DOCKER_HOST DOCKER_CONFIG=$DOCKER_CONFIG $cmd -f "$COMPOSE_FILE" "$@"
}
COMPOSE_FILE=$RUN/medic-lab/compose.yaml   # the directory names the project: medic-lab

# app_container: the id of the app's container (docker: named app; compose:
# the app service's container), empty when there is none.
app_container() {
  dk ps -aq --filter "label=$LAB_LABEL" --filter "label=medic.lab.role=app" 2>/dev/null | head -1
}
app_log() {
  if [ "$RUNTIME" = supervisor ]; then cat "$RUN/logs/app.log" 2>/dev/null || true
  else local id; id=$(app_container); [ -z "$id" ] || dk logs "$id" 2>&1 || true; fi
}
app_log_tail() { app_log | tail -5; }

# containers_up: the app, the build jobs and the extra services as containers
# (docker run, or one Compose file for compose), from the same settings as the
# supervisor lab: the app's environment (app_env), the scenario, the cgroup.
containers_up() {
  local -a envs=() pairs
  local p parent="" app_mem="" with_neighbours=1 n name mib role restart
  IFS=',' read -ra pairs <<<"$app_env"
  for p in "${pairs[@]}"; do p=${p//\"/}; [ -z "$p" ] || envs+=("$p"); done
  # The kernel charges the whole parent cgroup: co-located containers starve the app.
  [ -z "$CG" ] || parent=/${CG##*/}
  case $SCENARIO in
    oom-own-limit) app_mem=128m with_neighbours=0 ;;  # a 96 MiB request does not fit beside the app itself
  esac
  local -a mounts=(-v /usr:/usr:ro -v "$LAB_ROOT:$LAB_ROOT:ro" -v "$RUN/app:$RUN/app")
  local app_cmd="exec $VENV/bin/uvicorn --app-dir $LAB_ROOT/app main:app --host 127.0.0.1 --port $APP_PORT"
  local -a app_argv=(/bin/sh -c "$app_cmd")
  if [ "$SCENARIO" = restart-fails ]; then
    # the app starts from a release directory (its start script), as a deployed app would
    mkdir -p "$RUN/app/release"
    printf '#!/bin/sh\n%s\n' "$app_cmd" >"$RUN/app/release/start"
    chmod 755 "$RUN/app/release/start"
    app_argv=("$RUN/app/release/start")
  fi
  local -a health=()
  # not-ready: a health check (the app's own /health), which stays "starting" while the app waits
  [ "$SCENARIO" != not-ready ] || health=(/usr/bin/curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$APP_PORT/health")
  local -a neighbours=("docker-build-sim 48 buildjobs no" "pytest-sim 32 buildjobs no"
    "postgres-sim 20 extras unless-stopped" "redis-sim 12 extras unless-stopped")
  [ "$with_neighbours" = 1 ] || neighbours=()
  if [ "$RUNTIME" = docker ]; then
    local -a common=(--network host --label "$LAB_LABEL" --log-driver json-file)
    [ -z "$parent" ] || common+=(--cgroup-parent "$parent")
    local -a env_args=()
    for p in "${envs[@]}"; do env_args+=(-e "$p"); done
    dk run -d --name app "${common[@]}" --label medic.lab.role=app --restart unless-stopped \
      --oom-score-adj 1000 ${app_mem:+--memory "$app_mem" --memory-swap "$app_mem"} "${mounts[@]}" -w "$RUN/app" \
      "${env_args[@]}" "$LAB_IMAGE" "${app_argv[@]}" >/dev/null || die "docker run app failed"
    for n in "${neighbours[@]}"; do
      read -r name mib role restart <<<"$n"
      dk run -d --name "$name" "${common[@]}" --label "medic.lab.role=$role" --restart "$restart" \
        --oom-score-adj 500 "${mounts[@]}" "$LAB_IMAGE" /usr/bin/python3 "$LAB_ROOT/app/hog.py" "$name" "$mib" \
        >/dev/null || die "docker run $name failed"
    done
  else
    mkdir -p "$RUN/medic-lab"
    {
      echo "# generated by lab/up for scenario $SCENARIO"
      echo "version: '2.4'"
      echo "x-lab: &lab"
      echo "  image: $LAB_IMAGE"
      echo "  network_mode: host"
      [ -z "$parent" ] || echo "  cgroup_parent: $parent"
      echo "  volumes: ['/usr:/usr:ro', '$LAB_ROOT:$LAB_ROOT:ro', '$RUN/app:$RUN/app']"
      echo "services:"
      echo "  app:"
      echo "    <<: *lab"
      echo "    labels: {medic.lab.run: '$RUN', medic.lab.role: app}"
      echo "    restart: unless-stopped"
      echo "    oom_score_adj: 1000"
      [ -z "$app_mem" ] || printf '    mem_limit: %s\n    memswap_limit: %s\n' "$app_mem" "$app_mem"
      echo "    working_dir: $RUN/app"
      echo "    environment:"
      for p in "${envs[@]}"; do echo "      - '$p'"; done
      if [ "$SCENARIO" = restart-fails ]; then echo "    command: ['${app_argv[0]}']"
      else echo "    command: ['/bin/sh', '-c', '$app_cmd']"; fi
      if [ ${#health[@]} -gt 0 ]; then
        echo "    healthcheck:"
        printf "      test: ['CMD'"; printf ", '%s'" "${health[@]}"; echo "]"
        echo "      interval: 5s"
        echo "      timeout: 3s"
        echo "      retries: 3"
        echo "      start_period: 30m"
      fi
      for n in "${neighbours[@]}"; do
        read -r name mib role restart <<<"$n"
        echo "  $name:"
        echo "    <<: *lab"
        echo "    labels: {medic.lab.run: '$RUN', medic.lab.role: $role}"
        echo "    restart: '$restart'"
        echo "    oom_score_adj: 500"
        echo "    command: ['/usr/bin/python3', '$LAB_ROOT/app/hog.py', '$name', '$mib']"
      done
    } >"$COMPOSE_FILE"
    dc up -d >>"$RUN/logs/compose.out" 2>&1 || die "compose up failed: $(tail -5 "$RUN/logs/compose.out")"
  fi
}
