#!/usr/bin/env bash
# Benchmark: the log probe over the last 15 minutes of a 1 GiB nginx error log (a week of lines
# ending now; target under 50 ms and 20 MiB), next to the pipeline the shipped runbooks use for
# the same question (runbooks/nginx-502.yaml, step `errors`: cat the log, keep the lines at or
# after the window's start with awk, grep the upstream ones), on the same file. The probe also
# captures what the shipped error-log step captures (the failed upstream addresses, from a
# quarter of the window's lines). Release build.
# The log goes under DIR (default: bench/out, on the repository's disk).
#
#   bash bench/log-window.sh [SIZE_MIB] [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-1024}
dir=${2:-bench/out}
mkdir -p "$dir"
log="$dir/error.log"
trap 'rm -f "$log"' EXIT
if ! build=$(swift build -c release --product medic-bench 2>&1); then
    echo "$build" >&2
    exit 1
fi
echo "generating a $size_mib MiB nginx error log in $log..." >&2
python3 bench/log-window.py "$log" "$size_mib"
echo "file: $(stat -c %s "$log") bytes, $(wc -l < "$log") lines"
# Drop the file from the page cache? Not as a user; both read it warm, the awk pipeline twice over.
.build/release/medic-bench log-window "$log" 15m >/dev/null
summary=$(.build/release/medic-bench log-window "$log" 15m)
printf '%s\n' "$summary" | head -n 12
# The captures of the error-log step (the addresses the later steps try), at the end.
printf '%s\n' "$summary" | sed -n '/^captured /,/^read /p'
since=$(date -d "@$(( $(date +%s) - 900 ))" '+%Y/%m/%d %H:%M:%S')
/usr/bin/env time -f "awk pipeline: %e s, peak RSS %M KiB (of its largest process)" bash -c '
    for f in "$1.1" "$1"; do if [ -r "$f" ]; then cat "$f"; fi; done |
        awk -v since="$2" '"'"'/^[0-9][0-9][0-9][0-9]\/[0-9][0-9]\/[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9] / && substr($0, 1, 19) >= since'"'"' |
        grep -E "upstream|SSL_do_handshake|SSL handshak" | tail -n 400 | wc -l' _ "$log" "$since"
