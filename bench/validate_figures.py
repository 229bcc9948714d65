"""Figures for bench/validate-shipped.sh: runs each command several times and prints, side by side,
the median wall time, the fastest and the slowest run's wall time, the median CPU time (user +
system) and the peak resident memory.

    python3 bench/validate_figures.py RUNS TARGET_MS < CASES

CASES holds one case a line, fields separated by tabs: what is measured, who measures it, the
expected exit status, then the command and its arguments. A line that starts with `#` is printed
as it is (a heading); an empty line is printed empty.

Each command runs with stdin on /dev/null and its output to /dev/null, at real-time priority
(SCHED_FIFO) when the benchmark runs as root, so that other work on a shared machine cannot keep
it waiting for a core: its wall time is then close to an idle machine's. The memory figure is
wait4's ru_maxrss: none of the commands measured here start a program of their own, so it is the
measured program's own peak. The CPU figure is the one to read on a busy machine: wall time there
is mostly waiting for a core (without root, or when the scheduler refuses real-time priority).
"""

import os
import statistics
import sys
import time


# Whether commands run at real-time priority: only root may ask for it.
REALTIME = os.geteuid() == 0 and hasattr(os, "SCHED_FIFO")


def measure(command, expected):
    """Runs `command` once; returns (wall ms, CPU ms, peak RSS MiB)."""
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            null = os.open(os.devnull, os.O_RDWR)
            for descriptor in (0, 1, 2):
                os.dup2(null, descriptor)
            if REALTIME:
                os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(10))
            os.execvp(command[0], command)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall = (time.perf_counter() - start) * 1000
    code = os.waitstatus_to_exitcode(status)
    if code != expected:
        sys.exit(f"{' '.join(command)} exited with {code}, expected {expected}")
    return wall, (usage.ru_utime + usage.ru_stime) * 1000, usage.ru_maxrss / 1024


def main():
    runs, target = int(sys.argv[1]), float(sys.argv[2])
    priority = "real-time priority (SCHED_FIFO)" if REALTIME else "normal priority (not root: wall times include waiting for a core)"
    print(f"each command run once to warm up, then {runs} times, at {priority}; the commands of a case take turns")
    print(f"{'what':<34} {'by':<30} {'wall median ms':>14} {'wall range ms':>15} {'CPU median ms':>14} {'peak RSS MiB':>13}")
    group = []

    def flush():
        """Measures the commands of one case taking turns, round after round (the order reversed
        every other round), so that the machine getting busier or slower during the case weighs
        on each of them alike; then prints them in the order given."""
        for _, _, expected, command in group:
            measure(command, expected)  # once to warm the page cache
        figures = [[] for _ in group]
        for round in range(runs):
            order = range(len(group)) if round % 2 == 0 else reversed(range(len(group)))
            for index in order:
                figures[index].append(measure(group[index][3], group[index][2]))
        for (what, who, _, _), taken in zip(group, figures):
            wall = statistics.median(f[0] for f in taken)
            # The fastest and the slowest run: how far other work on the machine moved the figure.
            spread = f"{min(f[0] for f in taken):.1f}-{max(f[0] for f in taken):.1f}"
            cpu = statistics.median(f[1] for f in taken)
            peak = max(f[2] for f in taken)
            verdict = ""
            if who.startswith("medic") and what.startswith("validate"):
                verdict = f"  {'under' if wall < target else 'OVER'} {target:.0f} ms"
            print(f"{what:<34} {who:<30} {wall:14.1f} {spread:>15} {cpu:14.1f} {peak:13.1f}{verdict}")
        group.clear()

    for line in sys.stdin.read().splitlines():
        if not line or line.startswith("#"):
            flush()
            print(line)
            continue
        what, who, expected, *command = line.split("\t")
        if group and group[0][0] != what:
            flush()
        group.append((what, who, int(expected), command))
    flush()


main()
