#!/usr/bin/env bash
# Throughput of a check's output through `medic run` to the step's output file, with masking on,
# side by side with the same command writing straight to a file; and Medic's peak RSS meanwhile.
# Target (issue 11): >= 300 MB/s, < 20 MiB.
#
#   bash bench/check-throughput.sh [BYTES]      (default 1 GiB; issue 11 measured 5 GiB: 5368709120)
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-1073741824}
swift build -c release --static-swift-stdlib --product medic >/dev/null
mkdir -p bench/out
cc -O2 -shared -fPIC -o bench/out/rss-at-exit.so bench/rss-at-exit.c
out=bench/out/check-throughput
rm -rf "$out"
mkdir -p "$out"
python3 bench/check_throughput.py "$out" "$size"
rm -rf "$out/session" "$out/source.txt"
