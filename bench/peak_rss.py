"""Runs a program with stdin on /dev/null and its output to a file, and prints, on one line, the
program's own peak resident memory (MiB), its exit status and its wall time (ms).

The peak is the program's own, not its children's: bench/rss-at-exit.so (built by the bench
scripts from bench/rss-at-exit.c) is preloaded and writes getrusage(RUSAGE_SELF) at exit.
wait4's ru_maxrss would be the largest of the program and every process it reaped.

    python3 bench/peak_rss.py [--terminal] SCREEN_FILE PROGRAM [ARG...]

--terminal: on a pseudo-terminal, typing $MEDIC_BENCH_PASSWORD at Medic's hidden password prompt
and answering every confirmation with what it asks for.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rss import spawn  # noqa: E402

arguments = sys.argv[1:]
terminal = arguments[:1] == ["--terminal"]
if terminal:
    arguments = arguments[1:]
screen, command = arguments[0], arguments[1:]
ms, mib, code = spawn(command, output=screen, terminal=terminal, password=os.environ.get("MEDIC_BENCH_PASSWORD"))
print(f"{mib:.1f} {code} {ms:.0f}")
