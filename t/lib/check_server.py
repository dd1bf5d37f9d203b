#!/usr/bin/python3
"""check_server: the HTTP service that maint-admind's custom prechecks ask
(t/132-admin-prechecks.t, t/300-browser.t), on a loopback port.

    check_server.py --log FILE --switch FILE [--release DIR] [--port N]
                    [--tls-cert FILE --tls-key FILE]

Answers, by path (the query string ignored):
  /pass...   200, the body holds "backups: enabled"
  /fail503...  503
  /nobody    200, a body without "backups: enabled"
  /hang...   accepts the request and never answers: the connection is
             held until the client gives up or the server stops
  /switch    as the --switch file says, read at each request: "pass" is
             200 with "ready" in the body, anything else (or no file) 503
  /other...  200, the body holds "backups: enabled" (a check for another
             app, which the test expects never to be asked)
  /redirect  302 to /pass (a check does not follow it)
  /late      200, "backups: enabled" only after 70000 bytes (beyond the
             64 KiB a check reads)
  /held-NAME holds the request until the file NAME appears in --release
             DIR, then 200 with "backups: enabled" (the test decides when a
             check passes); as /hang when the client gives up first
  anything else: 404
GET, HEAD and POST alike (HEAD without the body).

Every request is one JSON line appended to --log before it is answered
(so a request that hangs is recorded too): t (epoch seconds), method,
path, auth (the Authorization header, or null), key (the X-Api-Key
header, or null), answer (the status, or "hang").

With --tls-cert and --tls-key it speaks HTTPS (the certificate file may
hold the chain).  Prints "check_server ready port N" once listening;
exits 0 on SIGTERM.
"""

import argparse
import http.server
import json
import os
import select
import signal
import socketserver
import ssl
import sys
import threading
import time

STOP = threading.Event()
LOCK = threading.Lock()
ARGS = None


def record(rec):
    line = (json.dumps(rec, sort_keys=True) + "\n").encode()
    with LOCK:
        fd = os.open(ARGS.log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)


def switch_state():
    try:
        with open(ARGS.switch) as f:
            return f.read().strip()
    except FileNotFoundError:
        return ""


def decide(path):
    """(status, body) or (None, None) for a hang."""
    if path.startswith("/pass") or path.startswith("/other"):
        return 200, "status: up\nbackups: enabled\n"
    if path.startswith("/fail503"):
        return 503, "status: down\n"
    if path == "/nobody":
        return 200, "status: up\nbackups: disabled\n"
    if path == "/late":
        return 200, "x" * 70000 + "\nbackups: enabled\n"
    if path == "/redirect":
        return 302, "see /pass\n"
    if path.startswith("/hang"):
        return None, None
    if path.startswith("/held-"):
        return "held", "status: up\nbackups: enabled\n"
    if path == "/switch":
        if switch_state() == "pass":
            return 200, "ready\n"
        return 503, "down\n"
    return 404, "no such check\n"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "check_server"

    def log_message(self, fmt, *args):
        pass

    def handle_any(self, with_body):
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        path = self.path.split("?", 1)[0]
        status, body = decide(path)
        record({"t": time.time(), "method": self.command, "path": path,
                "auth": self.headers.get("Authorization"),
                "key": self.headers.get("X-Api-Key"),
                "answer": "hang" if status is None else status})
        if status is None:
            return self.hang()
        if status == "held":
            if not self.hold(path[len("/held-"):]):
                return
            status = 200
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        if status == 302:
            self.send_header("Location", "/pass")
        self.send_header("Connection", "close")
        self.end_headers()
        if with_body:
            self.wfile.write(data)
        self.close_connection = True

    def do_GET(self):
        self.handle_any(True)

    def do_POST(self):
        self.handle_any(True)

    def do_HEAD(self):
        self.handle_any(False)

    def hang(self, released=lambda: False):
        """Holds the connection until released() (True), the client gives
        up or the server stops (False)."""
        sock = self.connection
        while not STOP.is_set():
            if released():
                return True
            r, _, _ = select.select([sock], [], [], 0.05)
            if r:
                try:
                    if not sock.recv(4096):
                        break               # the client gave up
                except OSError:
                    break
        self.close_connection = True
        return False

    def hold(self, name):
        if not ARGS.release or "/" in name:
            return self.hang()
        return self.hang(lambda: os.path.exists(
            os.path.join(ARGS.release, name)))


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


def main():
    global ARGS
    p = argparse.ArgumentParser(description="prechecks' HTTP service")
    p.add_argument("--log", required=True)
    p.add_argument("--switch", required=True)
    p.add_argument("--release", default=None)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    ARGS = p.parse_args()

    server = Server(("127.0.0.1", ARGS.port), Handler)
    if ARGS.tls_cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(ARGS.tls_cert, ARGS.tls_key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)

    def on_signal(signum, frame):
        STOP.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    print("check_server ready port %d" % server.server_address[1],
          flush=True)
    server.serve_forever(poll_interval=0.1)
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
