# Shared by the benchmarks that run Medic against the lab (bench/oom-vs-script.sh,
# bench/lab-memory.sh). Source it from the repository's root.

# build_medic: the release binary as `make release` ships it (the Swift runtime linked in, which
# saves Medic some 20-60 ms of dynamic linking at every start), in $medic; stops the lab at exit.
build_medic() {
    local log
    if ! log=$(swift build -c release --static-swift-stdlib --product medic 2>&1); then
        echo "$log" >&2
        exit 1
    fi
    medic=$PWD/.build/release/medic
    trap 'lab/down >/dev/null 2>&1 || true' EXIT
}

# lab_inputs: the runbook's inputs for the lab that lab.env describes, as --var arguments in the
# array lab_inputs (the password is not among them: it goes by MEDIC_VAR_login_password or is typed).
lab_inputs() {
    lab_inputs=(--var site_url="$SITE_URL" --var origin_url="$SITE_URL" --var nginx_error_log="$NGINX_ERROR_LOG"
        --var nginx_conf="$NGINX_CONF" --var runtime="$RUNTIME" --var app_service="$APP_SERVICE"
        --var app_health_url="$APP_HEALTH_URL" --var login_url="$LOGIN_URL" --var login_user="$LOGIN_USER"
        --var lockout_url="$LOCKOUT_URL" --var build_jobs="$BUILD_JOBS" --var extra_services="$EXTRA_SERVICES"
        --var supervisor_conf="$SUPERVISOR_CONF")
}
