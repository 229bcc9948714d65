#!/usr/bin/env bash
# Benchmarks of `medic run` with the release build (static Swift runtime):
#   1. time to the first prompt (the runbook loaded and validated, inputs resolved), median warm;
#   2. peak resident memory over a run of the 502 runbook with no lab up (its first check finds
#      nothing listening and the walk ends in a conclusion; bench/lab-memory.sh measures whole
#      runs against the lab's real incidents);
#   3. peak resident memory over a check that prints 1 GiB;
#   4. the overhead per automatic check compared with running the same command directly.
# Peak memory is Medic's own (bench/rss-at-exit.c), not that of the programs its checks start.
# Targets (issue 3): < 20 ms, < 15 MiB, < 20 MiB, < 5 ms.
#
#   bash bench/run.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-15}
swift build -c release --static-swift-stdlib --product medic >/dev/null
mkdir -p bench/out
cc -O2 -shared -fPIC -o bench/out/rss-at-exit.so bench/rss-at-exit.c
out=bench/out/run
rm -rf "$out"
mkdir -p "$out"
python3 bench/run_figures.py "$out" "$runs"
