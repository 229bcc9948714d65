#!/usr/bin/env bash
# `make install` into a scratch prefix, then use what it installed as a user would, from a
# directory with no runbooks: the binary and its version, a shipped runbook by name, the man page,
# and the bash completion (subcommands, runbook names, scenario names). Used by `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
prefix=$scratch/prefix
fail() { echo "install-test: FAIL: $*" >&2; exit 1; }

make --no-print-directory install PREFIX="$prefix" >/dev/null
cd "$scratch"
export PATH=$prefix/bin:$PATH MEDIC_RUNBOOK_PATH= HOME=$scratch XDG_DATA_HOME= XDG_DATA_DIRS=/nonexistent NO_COLOR=1

for f in bin/medic share/man/man1/medic.1 share/bash-completion/completions/medic share/zsh/site-functions/_medic \
  share/fish/vendor_completions.d/medic.fish share/medic/runbooks/nginx-502.yaml \
  share/medic/runbooks/nginx-502.scenarios/oom-supervisor-build-jobs.yaml; do
  [ -f "$prefix/$f" ] || fail "$prefix/$f was not installed"
done
# The installed binary carries the Swift runtime: it needs no Swift toolchain library.
! ldd "$prefix/bin/medic" | grep -q 'libswiftCore' || fail "the installed medic links the Swift runtime dynamically"

version=$(medic --version)
[[ "$version" =~ ^medic\ [0-9]+\.[0-9]+\.[0-9]+\ \(commit\ [0-9a-f]{12}(-dirty)?\)$ ]] || fail "medic --version printed '$version'"
[ "$(medic version)" = "$version" ] || fail "medic version differs from medic --version"

out=$(medic validate nginx-502 2>&1) || fail "medic validate nginx-502: $out"
listed=$(medic list)
grep -q " $prefix/share/medic/runbooks/nginx-502.yaml  *valid" <<<"$listed" || fail "medic list does not show the installed runbooks: $listed"
scenarios=$(medic drill nginx-502)
grep -qx "  oom-supervisor-build-jobs" <<<"$scenarios" || fail "medic drill nginx-502 does not list the installed scenarios"

# The man page: man finds it through PATH (PREFIX/bin → PREFIX/share/man), and it documents
# every subcommand and the search path.
[ "$(man -w medic)" = "$prefix/share/man/man1/medic.1" ] || fail "man -w medic found '$(man -w medic 2>&1)'"
page=$(MANWIDTH=200 man medic 2>/dev/null | col -b)
for word in "Walk a runbook" "Practise a runbook" "Print Medic's version" "--scenario" "MEDIC_RUNBOOK_PATH" "64 usage error"; do
  grep -qF -- "$word" <<<"$page" || fail "the man page does not mention '$word'"
done

# Bash completion, as bash-completion would call it.
complete_words() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
           _medic medic "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"; printf "%s\n" "${COMPREPLY[@]}"' bash "$prefix/share/bash-completion/completions/medic" "$@"
}
# Each list is taken whole before it is searched: `complete_words … | grep -q` under pipefail fails
# when grep, having found its line, exits before the list is written out (SIGPIPE).
words=$(complete_words medic dri)
grep -qx drill <<<"$words" || fail "bash completion of 'medic dri' misses drill: $words"
words=$(complete_words medic run ngin)
grep -qx nginx-502 <<<"$words" || fail "bash completion of 'medic run ngin' misses nginx-502: $words"
words=$(complete_words medic drill nginx-502 --scenario oom-sup)
grep -qx oom-supervisor-build-jobs <<<"$words" || fail "bash completion of --scenario misses oom-supervisor-build-jobs: $words"
if command -v zsh >/dev/null; then zsh -n "$prefix/share/zsh/site-functions/_medic" || fail "_medic is not valid zsh"; fi
if command -v fish >/dev/null; then fish -n "$prefix/share/fish/vendor_completions.d/medic.fish" || fail "medic.fish is not valid fish"; fi

cd "$repo"
make --no-print-directory uninstall PREFIX="$prefix" >/dev/null
[ -z "$(find "$prefix" -type f)" ] || fail "make uninstall left: $(find "$prefix" -type f)"
echo "install-test: ok ($version, installed into and removed from a scratch prefix)"
