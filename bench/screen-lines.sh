#!/usr/bin/env bash
# Lines on screen for the lab's oom incident, before and after: the drill that mirrors it
# (`medic drill runbooks/nginx-502.yaml --scenario oom-supervisor-build-jobs`), answered the
# way an operator answers (what each confirmation asks for, nothing else), in tmux at fixed
# terminal sizes. "Lines" are terminal rows from the command line to the end of the drill's
# report, scrollback included, as a person scrolling back would see them.
#
#   bash bench/screen-lines.sh [BEFORE]
#
# BEFORE is a commit to compare with (default: 1302e15, main before the screen was fitted to a
# tired person), built in a temporary folder; or set MEDIC_BEFORE=/path/to/medic to use a binary
# already built. "After" is this tree, built here.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
before_commit=${1:-1302e15}
sizes=("80x24" "120x40")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

build() { # build DIR: the debug medic of the tree in DIR (the figures do not depend on optimisation)
    local log
    if ! log=$(cd "$1" && swift build --product medic 2>&1); then
        echo "$log" >&2
        exit 1
    fi
    echo "$1/.build/debug/medic"
}

if [[ -n "${MEDIC_BEFORE:-}" ]]; then
    before=$MEDIC_BEFORE
    before_name=$MEDIC_BEFORE
else
    mkdir "$work/before"
    git archive "$before_commit" | tar -x -C "$work/before"
    echo "building $before_commit ($(git rev-parse --short "$before_commit")) in a temporary folder..." >&2
    before=$(build "$work/before")
    before_name="$before_commit ($(git rev-parse --short "$before_commit"))"
fi
echo "building this tree..." >&2
after=$(build "$root")

# lines BINARY COLUMNS ROWS: walks the drill in tmux and prints the rows it took.
lines() {
    local binary=$1 columns=$2 rows=$3 socket="medic-screen-$$-$RANDOM" screen answered=0 asked
    local state="$work/state-$RANDOM"
    mkdir -p "$state"
    tmux -L "$socket" -f /dev/null start-server \; set-option -g history-limit 50000 \; \
        new-session -d -s bench -x "$columns" -y "$rows" \
        "cd '$root' && XDG_STATE_HOME='$state' NO_COLOR=1 '$binary' drill runbooks/nginx-502.yaml --scenario oom-supervisor-build-jobs; echo \"[exit \$?]\"; sleep 600"
    for _ in $(seq 1 600); do
        screen=$(tmux -L "$socket" capture-pane -p -J -S - -t bench)
        if grep -q '^\[exit ' <<<"$screen"; then break; fi
        asked=$(grep -c '^Run it? ›' <<<"$screen" || true)
        if ((asked > answered)) && [[ $(grep -v '^$' <<<"$screen" | tail -1) == 'Run it? ›'* ]]; then
            # What the confirmation asks for: the target's name when it says so, else yes.
            local ask answer=yes
            ask=$(grep -v '^$' <<<"$screen" | tail -8 | tr '\n' ' ')
            if [[ $ask =~ Type\ the\ target\'s\ name,\ ([^ ,]+), ]]; then answer=${BASH_REMATCH[1]}; fi
            tmux -L "$socket" send-keys -t bench -l "$answer"
            tmux -L "$socket" send-keys -t bench Enter
            answered=$((answered + 1))
        fi
        sleep 0.1
    done
    # Rows as the terminal holds them (not joined), up to the exit line, blank rows included.
    tmux -L "$socket" capture-pane -p -S - -t bench | awk '/^\[exit /{print NR - 1; exit}'
    tmux -L "$socket" kill-server
}

printf 'Lines on screen, drill of oom-supervisor-build-jobs (answered yes, yes, app):\n\n'
printf '%-10s %8s %8s\n' terminal before after
for size in "${sizes[@]}"; do
    printf '%-10s %8s %8s\n' "$size" "$(lines "$before" "${size%x*}" "${size#*x}")" "$(lines "$after" "${size%x*}" "${size#*x}")"
done
dirty=$(git diff --quiet HEAD -- Sources Package.swift || echo ", with uncommitted changes")
printf '\nbefore: %s\nafter:  this tree (%s%s)\n' "$before_name" "$(git rev-parse --short HEAD)" "$dirty"
