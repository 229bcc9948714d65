#!/usr/bin/env bash
# Benchmark, for information: load and validate generated runbooks of growing size, up to 10,000
# steps, with the release build. Prints, per size, the median wall time of several runs (and the
# fastest, which other work on a shared machine disturbs least) and the peak resident memory, so
# the growth can be read off; it has no target (real runbooks have a few hundred steps; the
# target, under 50 ms for the shipped runbooks and for 1,000 steps, is bench/validate-shipped.sh's).
#
#   bash bench/validate-large.sh [RUNS]     (9 runs per size unless given)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-9}
swift build -c release --product medic >/dev/null
out=bench/out
mkdir -p "$out"
printf '%8s %12s %12s %10s %14s\n' steps file_KiB median_ms min_ms peak_RSS_MiB
for steps in 1000 2500 5000 10000; do
    file="$out/generated-$steps.yaml"
    python3 bench/generate-runbook.py "$steps" >"$file"
    python3 - "$file" "$runs" "$steps" <<'PY'
import os, statistics, sys, time
file, runs, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
times, peaks = [], []
for _ in range(runs):
    start = time.perf_counter()
    pid = os.spawnv(os.P_NOWAIT, ".build/release/medic", ["medic", "validate", file])
    _, status, usage = os.wait4(pid, 0)
    times.append((time.perf_counter() - start) * 1000)
    peaks.append(usage.ru_maxrss / 1024)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"medic validate failed on {file}")
print(f"{steps:8d} {os.path.getsize(file) // 1024:12d} {statistics.median(times):12.1f} {min(times):10.1f} {max(peaks):14.1f}")
PY
done 2>/dev/null
