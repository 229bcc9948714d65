"""Background traffic for the lab: a slow, bounded trickle of requests
through nginx, the way a live site always has some.

One request per interval: mostly GET of the site and its /health, and every
tenth a login as the probe user. Stops by itself after --max-requests or
--max-seconds. Refuses any URL that is not on the loopback interface.
"""

import argparse
import ipaddress
import json
import signal
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


def loopback_only(url: str) -> str:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
        sys.exit(f"traffic: refusing non-loopback URL {url}")
    return url


def hit(url: str, body=None) -> str:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers={
        "Content-Type": "application/json", "User-Agent": "medic-lab-traffic/1"})
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return str(resp.status)
    except urllib.error.HTTPError as e:
        return str(e.code)
    except OSError as e:
        return f"error ({e})"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--site", required=True)
    ap.add_argument("--login", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--interval", type=float, default=1.0)
    ap.add_argument("--max-requests", type=int, default=600)
    ap.add_argument("--max-seconds", type=float, default=600)
    ap.add_argument("--log", required=True)
    a = ap.parse_args()
    site, login = loopback_only(a.site), loopback_only(a.login)
    health = urllib.parse.urljoin(site, "/health")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    start = time.monotonic()
    with open(a.log, "a", buffering=1) as log:
        for n in range(a.max_requests):
            if time.monotonic() - start > a.max_seconds:
                break
            if n % 10 == 9:
                what, status = "POST " + login, hit(login, {"username": a.user, "password": a.password})
            elif n % 2:
                what, status = "GET " + health, hit(health)
            else:
                what, status = "GET " + site, hit(site)
            log.write(f"{time.strftime('%H:%M:%S')} {what} -> {status}\n")
            time.sleep(a.interval)
        log.write("traffic: limit reached, stopping\n")


if __name__ == "__main__":
    main()
