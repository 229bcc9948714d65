"""Writes an nginx error log of about SIZE_MIB MiB that ends now: a week of lines at an even
pace (about 11 a second for 1 GiB), of the kinds nginx writes when its upstream misbehaves,
timed in local time as nginx writes them.

    python3 bench/log-window.py PATH [SIZE_MIB]
"""

import sys
import time

path = sys.argv[1]
size = int(sys.argv[2] if len(sys.argv) > 2 else 1024) * 1024 * 1024
messages = [
    'connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.7, server: shop.example, '
    'request: "GET /cart HTTP/1.1", upstream: "http://127.0.0.1:8000/cart", host: "shop.example"',
    'upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.0.9, '
    'server: shop.example, request: "POST /login HTTP/1.1", upstream: "http://127.0.0.1:8000/login", host: "shop.example"',
    'open() "/srv/www/favicon.ico" failed (2: No such file or directory), client: 10.0.0.3, server: shop.example, '
    'request: "GET /favicon.ico HTTP/1.1", host: "shop.example"',
    'upstream prematurely closed connection while reading response header from upstream, client: 10.0.0.4, '
    'server: shop.example, request: "GET /api/items HTTP/1.1", upstream: "http://127.0.0.1:8000/api/items"',
]
average = sum(len(m) for m in messages) / len(messages) + 40
lines = int(size / average)
end = int(time.time())
start = end - 7 * 86400
step = (end - start) / lines
written = 0
with open(path, "w", buffering=1 << 22) as out:
    second = None
    stamp = ""
    block = []
    for n in range(lines):
        t = int(start + n * step)
        if t != second:
            second = t
            stamp = time.strftime("%Y/%m/%d %H:%M:%S", time.localtime(t))
        block.append(f"{stamp} [error] 31#31: *{n} {messages[n % 4]}\n")
        if len(block) == 10000:
            out.write("".join(block))
            block = []
    out.write("".join(block))
