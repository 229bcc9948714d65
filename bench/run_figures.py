"""Figures for bench/run.sh: spawns the release `medic` and measures wall time and its own peak RSS."""

import os
import statistics
import sys
import time

out, runs = sys.argv[1], int(sys.argv[2])
medic = os.path.abspath(".build/release/medic")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rss import spawn as spawn_program  # noqa: E402


def spawn(args, env=None):
    """Runs medic with stdin/stdout/stderr on /dev/null; returns (ms, peak RSS MiB of medic
    itself, not of the checks it starts, exit code)."""
    return spawn_program([medic] + args, env)


def write(name, text):
    path = os.path.join(out, name)
    with open(path, "w") as f:
        f.write(text)
    return path


# 1. Time to the first prompt: `runtime` has no default, so Medic would ask for it; with stdin
# not a terminal it stops at exactly that point (after loading, validating and resolving inputs).
times = []
for _ in range(runs):
    ms, _, code = spawn(["run", "runbooks/nginx-502.yaml", "--transcript", os.path.join(out, "never")])
    assert code == 1, f"expected medic to stop at the prompt for 'runtime', got {code}"
    times.append(ms)
print(f"time to first prompt (nginx-502 loaded, median of {runs}): {statistics.median(times):.1f} ms  (target < 20 ms)")

# 2. Peak memory over a run of the 502 runbook, every check for real, on loopback ports where
# nothing listens: the first check finds nothing and the walk ends. bench/lab-memory.sh measures
# whole runs through real incidents.
env = dict(os.environ, MEDIC_VAR_login_password="bench-password")
args = ["run", "runbooks/nginx-502.yaml", "--yes", "--var", "runtime=supervisor", "--var", "login_user=alice",
        "--var", "site_url=http://127.0.0.1:18099/", "--var", "app_health_url=http://127.0.0.1:18098/health"]
peaks, walls = [], []
for i in range(3):
    ms, rss, code = spawn(args + ["--transcript", os.path.join(out, f"whole-{i}")], env)
    peaks.append(rss)
    walls.append(ms)
print(f"peak RSS over a run of nginx-502 with no lab up (exit {code}, {statistics.median(walls):.0f} ms; whole runs of real incidents: bench/lab-memory.sh): {max(peaks):.1f} MiB  (target < 15 MiB)")

# 3. A check that prints 1 GiB.
big = write("big.yaml", """medic: 1
id: big
title: A check that prints 1 GiB
steps:
  flood:
    kind: check
    title: Print 1 GiB
    why: Memory must stay bounded.
    timeout: 5m
    script: head -c 1073741824 /dev/zero | tr '\\\\0' 'x' | fold -w 100
    branches:
      - otherwise: done
  done: {kind: conclusion, title: Done, why: w, outcome: no-fault, cause: none}
causes:
  none: {title: No cause found, description: The output was printed.}
""")
ms, rss, code = spawn(["run", big, "--transcript", os.path.join(out, "big")])
print(f"peak RSS over a check printing 1 GiB ({ms / 1000:.1f} s, exit {code}): {rss:.1f} MiB  (target < 20 MiB)")

# 4. Overhead per check: N checks of /bin/true through medic, against the same N commands run
# directly (fork + exec + wait each, as a shell loop would), minus medic with one check.
def chain(n):
    steps = []
    for i in range(n):
        nxt = f"c{i + 1}" if i + 1 < n else "done"
        steps.append(f"  c{i}:\n    kind: check\n    title: Check {i}\n    why: w\n    command: [\"/bin/true\"]\n    branches:\n      - otherwise: {nxt}\n")
    return write(f"chain-{n}.yaml", "medic: 1\nid: chain\ntitle: Many checks\nsteps:\n" + "".join(steps)
                 + "  done: {kind: conclusion, title: Done, why: w, outcome: no-fault, cause: none}\n"
                 + "causes:\n  none: {title: No cause found, description: Every check passed.}\n")


n = 200
one, many = chain(1), chain(n)
base, full, direct = [], [], []
for i in range(5):
    base.append(spawn(["run", one, "--transcript", os.path.join(out, f"one-{i}")])[0])
    full.append(spawn(["run", many, "--transcript", os.path.join(out, f"many-{i}")])[0])
    start = time.perf_counter()
    for _ in range(n):
        pid = os.fork()
        if pid == 0:
            os.execv("/bin/true", ["true"])
        os.waitpid(pid, 0)
    direct.append((time.perf_counter() - start) * 1000)
per_check = (statistics.median(full) - statistics.median(base) - statistics.median(direct) * (n - 1) / n) / (n - 1)
print(f"{n} checks: {statistics.median(full):.0f} ms through medic, {statistics.median(direct):.0f} ms run directly")
print(f"overhead per check (journal fsync included): {per_check:.2f} ms  (target < 5 ms)")
