"""Spawns a program and measures its wall time and its own peak resident memory (see
bench/rss-at-exit.c for why wait4's figure will not do)."""

import os
import pty
import re
import select
import tempfile
import time

shim = os.path.join(os.path.dirname(os.path.abspath(__file__)), "out", "rss-at-exit.so")
CONFIRMATION = re.compile(rb"Type the target's name, (.+?), to run it|Type (yes) to run it")


def spawn(command, env=None, output=None, terminal=False, password=None):
    """Runs `command` and returns (wall ms, peak RSS MiB of the program itself, exit code).

    Without `terminal`: stdin on /dev/null, stdout and stderr to `output` (a path; /dev/null when
    None). With `terminal`: on a pseudo-terminal, whose screen goes to `output`; `password` is
    typed at Medic's hidden prompt for it, and every confirmation is answered with what it asks
    for (`yes`, or the target's name)."""
    if not os.path.exists(shim):
        raise SystemExit(f"{shim} is missing: build it with cc -shared -fPIC -o {shim} bench/rss-at-exit.c")
    report = tempfile.NamedTemporaryFile(prefix="rss-", delete=False)
    report.close()
    env = dict(env or os.environ)
    start = time.perf_counter()
    pid, master = pty.fork() if terminal else (os.fork(), None)
    if pid == 0:
        if not terminal:
            devnull = os.open(os.devnull, os.O_RDWR)
            out = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600) if output else devnull
            os.dup2(devnull, 0)
            os.dup2(out, 1)
            os.dup2(out, 2)
        env.update(LD_PRELOAD=shim, RSS_AT_EXIT_FILE=report.name, RSS_AT_EXIT_PID=str(os.getpid()))
        os.execvpe(command[0], command, env)
    if terminal:
        converse(master, output, password)
    _, status, _ = os.wait4(pid, 0)
    ms = (time.perf_counter() - start) * 1000
    with open(report.name) as f:
        text = f.read().strip()
    os.unlink(report.name)
    if not text:
        raise SystemExit(f"{command[0]} did not report its memory (did it end by a signal or _exit?)")
    return ms, int(text) / 1024, os.waitstatus_to_exitcode(status)


def converse(master, output, password):
    """Reads the screen until the program closes the terminal, answering as `spawn` says."""
    screen = b""
    answered = 0
    typed_password = False
    with open(output or os.devnull, "wb") as record:
        while True:
            ready, _, _ = select.select([master], [], [], 600)
            if not ready:
                raise SystemExit("no output for 10 minutes: the program waits for something not answered")
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            record.write(chunk)
            screen += chunk
            if password and not typed_password and b"login_password (input hidden): " in screen:
                os.write(master, password.encode() + b"\r")
                typed_password = True
            if screen.count("Run it? › ".encode()) > answered:
                asked = CONFIRMATION.findall(screen)
                if not asked:
                    raise SystemExit("a confirmation without its instruction")
                target, yes = asked[-1]
                os.write(master, (target or yes) + b"\r")
                answered += 1
    os.close(master)
