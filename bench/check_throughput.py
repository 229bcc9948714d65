"""Figures for bench/check-throughput.sh: a check that prints N bytes, streamed through the release
`medic` to its output file with masking on (a secret input is set), side by side with the same
command writing straight to a file. Prints MB/s (10^6 bytes a second) and peak RSS of each.

    python3 bench/check_throughput.py OUT_DIR BYTES
"""

import os
import subprocess
import sys
import time

out, size = sys.argv[1], int(sys.argv[2])
medic = os.path.abspath(".build/release/medic")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rss import spawn  # noqa: E402

# The check cats a file of 100-byte lines made beforehand (and read once, so it is in the page
# cache): cat runs at several GB/s, so the producer is never what is measured.
source = os.path.join(out, "source.txt")
subprocess.run(["/bin/sh", "-c", f"yes '{'x' * 99}' | head -c {size} > {source} && cat {source} > /dev/null"], check=True)
producer = f"cat {source}"

runbook = os.path.join(out, "throughput.yaml")
with open(runbook, "w") as f:
    f.write(f"""medic: 1
id: throughput
title: A check that prints {size} bytes
inputs:
  token: {{type: secret, required: false}}
steps:
  flood:
    kind: check
    title: Print {size} bytes
    why: Output must stream at disk speed, masked, in bounded memory.
    timeout: 30m
    script: {producer}
    branches:
      - otherwise: done
  done: {{kind: conclusion, title: Done, why: w, outcome: no-fault, cause: none}}
causes:
  none: {{title: No cause found, description: The output was streamed.}}
""")

# Straight to a file: the same producer, its output redirected by the shell. Its peak RSS is
# the largest of the shell and its pipeline (wait4's ru_maxrss), for scale.
direct = os.path.join(out, "direct.out")
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execv("/bin/sh", ["/bin/sh", "-c", f"{producer} > {direct}"])
_, status, usage = os.wait4(pid, 0)
ms_direct = (time.perf_counter() - start) * 1000
rss_direct = usage.ru_maxrss / 1024
assert status == 0 and os.path.getsize(direct) == size, f"direct: status {status}"
os.remove(direct)

# Through Medic, masking on: the secret is set, so every byte goes through the masker.
env = dict(os.environ, MEDIC_VAR_token="bench-secret-value-0123", XDG_STATE_HOME=os.path.join(out, "state"))
session = os.path.join(out, "session")
ms_medic, rss_medic, code = spawn([medic, "run", runbook, "--transcript", session], env)
assert code == 5, f"medic run: exit {code} (expected 5, no-fault)"
kept = os.path.join(session, "output")
written = sum(os.path.getsize(os.path.join(kept, name)) for name in os.listdir(kept))
assert written == size, f"the output file holds {written} bytes, not {size}"

mb = size / 1e6
print(f"a check printing {size / 2**30:.2f} GiB ({size} bytes), to a file:")
print(f"  straight to a file (sh, {producer} > file): {mb / (ms_direct / 1000):8.0f} MB/s  {ms_direct / 1000:6.1f} s  peak RSS {rss_direct:5.1f} MiB (the pipeline's)")
print(f"  through medic run, masking on:  {' ' * (len(producer) - 21)}{mb / (ms_medic / 1000):8.0f} MB/s  {ms_medic / 1000:6.1f} s  peak RSS {rss_medic:5.1f} MiB (medic's own)")
print("  targets (issue 11): >= 300 MB/s through medic, peak RSS < 20 MiB")
