#!/usr/bin/env bash
# Benchmarks of `medic run` with the release build (static Swift runtime):
#   1. time to the first prompt (the runbook loaded and validated, inputs resolved), median warm;
#   2. peak resident memory over a whole run of the 502 runbook (every check really runs; with no
#      lab up they find nothing listening and the walk ends in a conclusion);
#   3. peak resident memory over a check that prints 1 GiB;
#   4. the overhead per automatic check compared with running the same command directly.
# Targets (issue 3): < 20 ms, < 15 MiB, < 20 MiB, < 5 ms.
#
#   bash bench/run.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-15}
swift build -c release --static-swift-stdlib --product medic >/dev/null
out=bench/out/run
rm -rf "$out"
mkdir -p "$out"
python3 bench/run_figures.py "$out" "$runs"
