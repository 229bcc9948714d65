#!/usr/bin/env bash
# Installs the Debian package `make deb` built, offline (dpkg -i, no apt), uses it from a
# directory with no runbooks (`medic --version`, a drill of a shipped runbook by name with its
# answers from a file, the man page), and removes it again. Needs root. Used by `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
version=$(sed -n 's/.*static let current = "\(.*\)"/\1/p' Sources/MedicCLI/MedicCommand.swift)
deb=$repo/.build/dist/medic_${version}_$(dpkg --print-architecture).deb
fail() { echo "deb-test: FAIL: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "installing a package needs root"
[ -f "$deb" ] || fail "$deb is missing; run make deb"
! dpkg -s medic >/dev/null 2>&1 || fail "a medic package is already installed on this machine; not touching it"
dpkg-deb --field "$deb" Depends | grep -q libedit || fail "the package does not depend on libedit"
[ "$(dpkg-deb --field "$deb" Recommends)" = libcurl4 ] || fail "the package does not recommend libcurl4"

scratch=$(mktemp -d)
cleanup() {
  if dpkg -s medic >/dev/null 2>&1; then dpkg -r medic >/dev/null || true; fi
  rm -rf "$scratch"
}
trap cleanup EXIT
dpkg -i "$deb" >/dev/null || fail "dpkg -i $deb failed"
cd "$scratch"
export NO_COLOR=1 HOME=$scratch MEDIC_RUNBOOK_PATH=

version_line=$(/usr/bin/medic --version)
[[ "$version_line" == "medic $version (commit "* ]] || fail "medic --version printed '$version_line'"
[ -f /usr/share/man/man1/medic.1.gz ] && [ "$(man -w medic)" = /usr/share/man/man1/medic.1.gz ] || fail "man medic finds no page"
[ -f /usr/share/bash-completion/completions/medic ] || fail "no bash completion installed"

# A drill of the shipped runbook, by name, answered from a file: the trainee approves each
# fix as the scenario's responder did.
status=0
/usr/bin/medic drill nginx-502 --scenario oom-supervisor-build-jobs <"$repo/packaging/drill-oom.answers" >drill.out 2>&1 || status=$?
grep -q "you reached: resolved · oom-killed" drill.out && [ "$status" -eq 0 ] ||
  fail "the drill ended with status $status:
$(tail -20 drill.out)"

dpkg -r medic >/dev/null || fail "dpkg -r medic failed"
[ ! -e /usr/bin/medic ] && [ ! -e /usr/share/medic ] || fail "dpkg -r left files behind"
echo "deb-test: ok ($(basename "$deb"): installed offline, $version_line, drilled nginx-502, removed)"
