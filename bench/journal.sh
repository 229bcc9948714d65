#!/usr/bin/env bash
# Benchmark: the cost of recording one event in the journal (fdatasync included; target under
# 1 ms per event) and of writing 1 GiB of step output (memory must stay flat), with the release
# build. The session directory goes under DIR (default: bench/out, on the repository's disk;
# /tmp may be a tmpfs, where fsync costs nothing and the figure would flatter).
#
#   bash bench/journal.sh [EVENTS] [OUTPUT_MIB] [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
events=${1:-2000}
output_mib=${2:-1024}
dir=${3:-bench/out}
mkdir -p "$dir"
if ! log=$(swift build -c release --product medic-bench 2>&1); then
    echo "$log" >&2
    exit 1
fi
.build/release/medic-bench journal --events "$events" --output-mib "$output_mib" --dir "$dir"
