"""A loopback HTTP server for the HTTP probe's tests (Python 3 standard library only).

Binds 127.0.0.1 on a free port, prints the port on one line, and serves until its stdin closes
(so it never outlives the test that started it). With `--unix PATH` it listens on a unix socket at
PATH instead and prints 0:

  /status/NNN         answers NNN with the body "status NNN"
  /echo               echoes the method, the request headers in order and the body
  /echo?reflect=1     the same, and the request's X-Token as the response header X-Reflected
  /slow?seconds=S     sleeps S seconds (default 10), then answers 200
  /redirect?to=PATH   answers 302 with Location: PATH (default /status/200)
  /headers            answers with headers in a known order, a repeated one included
  /redirect?to=PATH&status=NNN   the same with another 3xx status
  /loop               redirects to itself, forever
  /chunked            answers with a chunked body in three chunks and a trailer
  /close              answers without Content-Length and closes the connection after the body
  /continue           sends "100 Continue" and "103 Early Hints" before the real answer
  /short              announces 100 bytes of body, sends 10, and closes
  /stall              sends the head and part of the body, then waits S seconds (default 10)
  /big?bytes=N        answers with N bytes of body

Every response carries "Server: medic-fixture".
"""

import http.server
import os
import socketserver
import sys
import threading
import time
import urllib.parse


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "medic-fixture"
    sys_version = ""

    def log_message(self, format, *args):
        pass

    def version_string(self):
        return self.server_version

    def answer(self, status, body, headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def handle_any(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if url.path.startswith("/status/"):
            status = int(url.path.rsplit("/", 1)[1])
            self.answer(status, b"status %d\n" % status, [("X-Fixture", "yes")])
        elif url.path == "/echo":
            lines = [f"{self.command} {self.path}"]
            lines += [f"{name}: {value}" for name, value in self.headers.items()]
            # ?reflect: the request's X-Token comes back as a response header too.
            reflected = [("X-Reflected", self.headers.get("X-Token", ""))] if "reflect" in query else []
            self.answer(200, ("\n".join(lines) + "\n\n").encode() + body, [("Content-Type", "text/plain")] + reflected)
        elif url.path == "/slow":
            time.sleep(float(query.get("seconds", ["10"])[0]))
            self.answer(200, b"slow done\n")
        elif url.path == "/redirect":
            target = query.get("to", ["/status/200"])[0]
            status = int(query.get("status", ["302"])[0])
            self.answer(status, b"redirecting\n", [("Location", target)])
        elif url.path == "/loop":
            self.answer(302, b"again\n", [("Location", "/loop")])
        elif url.path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Trailer", "X-Checksum")
            self.end_headers()
            for piece in (b"first ", b"second ", b"third\n"):
                self.wfile.write(b"%x;ext=1\r\n%s\r\n" % (len(piece), piece))
                self.wfile.flush()
            self.wfile.write(b"0\r\nX-Checksum: abc\r\n\r\n")
        elif url.path == "/close":
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b"until the end\n")
            self.close_connection = True
        elif url.path == "/continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n")
            self.answer(200, b"after interim\n", [("X-Final", "yes")])
        elif url.path == "/short":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"0123456789")
            self.close_connection = True
        elif url.path == "/stall":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"partial")
            self.wfile.flush()
            time.sleep(float(query.get("seconds", ["10"])[0]))
        elif url.path == "/big":
            self.answer(200, b"x" * int(query.get("bytes", ["1000000"])[0]))
        elif url.path == "/headers":
            self.answer(200, b"headers\n", [("X-First", "1"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"), ("X-Last", "z")])
        else:
            self.answer(404, b"not found\n")

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = handle_any


class UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    # A client that hangs up after the head (curl on a redirect it follows) is no failure here.
    def handle_error(self, request, client_address):
        pass


class UnixHandler(Handler):
    # A unix socket's peer has no address; the handler's logging wants one.
    def address_string(self):
        return "unix"


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--unix":
        server = UnixServer(sys.argv[2], UnixHandler)
        print(0, flush=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        sys.stdin.read()
        os.unlink(sys.argv[2])
        return
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()


if __name__ == "__main__":
    main()
