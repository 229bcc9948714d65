"""A stand-in for a memory-hungry neighbour of the app (a build, a test run,
a database, a cache): it touches the given number of MiB, keeps holding
them, and sleeps until supervisor stops it.

usage: hog.py NAME MIB
"""

import ctypes
import signal
import sys
import time

name, mib = sys.argv[1], int(sys.argv[2])
try:  # show NAME in ps/top and in kernel OOM reports (15 chars at most)
    ctypes.CDLL(None).prctl(15, name.encode()[:15], 0, 0, 0)  # PR_SET_NAME
except Exception:
    pass

signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
held = b"\x5a" * (mib * 1024 * 1024)
print(f"{name}: holding {mib} MiB", flush=True)
while True:
    time.sleep(3600)
