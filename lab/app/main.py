"""The lab's upstream: a small FastAPI service that nginx proxies to.

Every knob comes from the environment, which lab/up writes into the
supervisor program for the chosen scenario:

  DATABASE_URL          must be set, or the module fails on import (the
                        `crashed` scenario leaves it out on purpose)
  LAB_LOGIN_USER/_PASSWORD, LAB_PROBE_USER/_PASSWORD
                        the accounts /auth/login knows
  LAB_LOCKOUT_FILE      JSON file holding failed-login counters per user
  LAB_LOCKOUT_THRESHOLD failures before a user is locked (default 5)
  LAB_AUTH_BROKEN=1     password checks use a rotated secret, so every
                        right password is refused
  LAB_STARTUP_DELAY     seconds spent "connecting to the database" before
                        the port is opened (default 1)
  LAB_REQUEST_MB        working memory each request touches (default 64)
  LAB_RESPONSE_DELAY    seconds each request waits before answering
  LAB_SLOW_PATHS        comma-separated paths the delay applies to (default:
                        every path)
  LAB_CUT_AFTER         the server's own write timeout, in seconds: a delayed
                        request still unanswered then has its connection shut
                        down by the app, which stays up (the `cuts` scenario)
  LAB_BIG_HEADER_BYTES  size of a session cookie added to every response
"""

import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import socket
import stat
import tempfile

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

# Read at import time, the way many apps load their settings: a missing
# variable raises KeyError here and uvicorn prints the traceback and exits.
DATABASE_URL = os.environ["DATABASE_URL"]

LOCKOUT_FILE = os.environ.get("LAB_LOCKOUT_FILE", "lockouts.json")
THRESHOLD = int(os.environ.get("LAB_LOCKOUT_THRESHOLD", "5"))
STARTUP_DELAY = float(os.environ.get("LAB_STARTUP_DELAY", "1"))
REQUEST_BYTES = int(float(os.environ.get("LAB_REQUEST_MB", "64")) * 1024 * 1024)
RESPONSE_DELAY = float(os.environ.get("LAB_RESPONSE_DELAY", "0"))
BIG_HEADER_BYTES = int(os.environ.get("LAB_BIG_HEADER_BYTES", "0"))
AUTH_BROKEN = os.environ.get("LAB_AUTH_BROKEN", "0") == "1"
SLOW_PATHS = {p for p in os.environ.get("LAB_SLOW_PATHS", "").split(",") if p}
CUT_AFTER = float(os.environ.get("LAB_CUT_AFTER", "0"))

# Stored hashes are made with the current secret; the `auth-broken` scenario
# verifies with a "rotated" one, so no stored hash matches any more.
SECRET_STORED = b"lab-secret-v1"
SECRET_IN_USE = b"lab-secret-v2" if AUTH_BROKEN else SECRET_STORED


def _hash(secret: bytes, password: str) -> str:
    return hmac.new(secret, password.encode(), hashlib.sha256).hexdigest()


USERS = {}
for prefix in ("LAB_LOGIN", "LAB_PROBE"):
    name = os.environ.get(prefix + "_USER")
    if name:
        USERS[name] = _hash(SECRET_STORED, os.environ.get(prefix + "_PASSWORD", ""))


def _load_counters() -> dict:
    try:
        with open(LOCKOUT_FILE) as f:
            return json.load(f)
    except (FileNotFoundError, ValueError):
        return {}


def _save_counters(counters: dict) -> None:
    folder = os.path.dirname(os.path.abspath(LOCKOUT_FILE))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".lockouts-")
    with os.fdopen(fd, "w") as f:
        json.dump(counters, f, indent=2, sort_keys=True)
    os.replace(tmp, LOCKOUT_FILE)


def _lockout_view(user: str, counters: dict) -> dict:
    failed = int(counters.get(user, 0))
    return {"user": user, "failed_attempts": failed,
            "locked": failed >= THRESHOLD, "threshold": THRESHOLD}


@contextlib.asynccontextmanager
async def lifespan(_app):
    # Stands in for opening the database pool; the port opens afterwards.
    await asyncio.sleep(STARTUP_DELAY)
    yield


app = FastAPI(lifespan=lifespan)


@app.middleware("http")
async def request_work(request: Request, call_next):
    # Each request builds a working buffer (think: rendering a page from a
    # cached table). It is freed again at once, but it has to fit.
    if REQUEST_BYTES > 0:
        buf = b"\x5a" * REQUEST_BYTES
        del buf
    if RESPONSE_DELAY > 0 and (not SLOW_PATHS or request.url.path in SLOW_PATHS):
        if 0 < CUT_AFTER < RESPONSE_DELAY:
            await asyncio.sleep(CUT_AFTER)
            _cut(request.client)
            print(f"write timeout: closed {request.method} {request.url.path} after {CUT_AFTER:g} s without an answer", flush=True)
            return JSONResponse({"detail": "cut"}, status_code=500)  # the connection is gone already
        await asyncio.sleep(RESPONSE_DELAY)
    response = await call_next(request)
    if BIG_HEADER_BYTES > 0:
        response.headers["Set-Cookie"] = "session=" + "x" * BIG_HEADER_BYTES + "; Path=/"
    return response


def _cut(client) -> None:
    """Shuts down the connection from `client`, as an app server's write timeout does: the
    process stays up, the peer (nginx) sees the connection closed before any answer."""
    if client is None:
        return
    for name in os.listdir("/proc/self/fd"):
        try:
            if not stat.S_ISSOCK(os.fstat(int(name)).st_mode):
                continue
            conn = socket.fromfd(int(name), socket.AF_INET, socket.SOCK_STREAM)
        except (OSError, ValueError):
            continue
        try:
            if conn.getpeername()[:2] == (client.host, client.port):
                conn.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        finally:
            conn.close()


@app.get("/")
async def index():
    return {"service": "medic-lab-app", "status": "ok"}


@app.get("/health")
async def health():
    return {"status": "ok"}


class Login(BaseModel):
    username: str
    password: str


@app.post("/auth/login")
async def login(body: Login):
    counters = _load_counters()
    view = _lockout_view(body.username, counters)
    if view["locked"]:
        return JSONResponse(status_code=423, content={"authenticated": False, **view})
    stored = USERS.get(body.username)
    if stored is not None and hmac.compare_digest(stored, _hash(SECRET_IN_USE, body.password)):
        if counters.pop(body.username, None) is not None:
            _save_counters(counters)
        return {"authenticated": True, "user": body.username}
    counters[body.username] = int(counters.get(body.username, 0)) + 1
    _save_counters(counters)
    view = _lockout_view(body.username, counters)
    return JSONResponse(status_code=423 if view["locked"] else 401,
                        content={"authenticated": False, **view})


@app.get("/auth/lockouts/{user}")
async def lockout(user: str):
    return _lockout_view(user, _load_counters())


@app.delete("/auth/lockouts/{user}")
async def unlock(user: str):
    counters = _load_counters()
    if counters.pop(user, None) is not None:
        _save_counters(counters)
    return _lockout_view(user, counters)
