#!/usr/bin/python3
"""webhook_sink: an HTTP receiver of webhooks that checks their signatures
and answers as the test tells it.

Used by the notification tests through t/lib/MaintNotify.pm.  Its check of
the Standard Webhooks signature is written here from the specification
(Python's hmac and hashlib), not borrowed from maint-admind's C, so that a
mistake on one side is not repeated on the other.

    webhook_sink.py --log FILE [--port N] [--control FILE]
                    [--secret whsec_...]... [--tls-cert F --tls-key F]

Every request is one JSON line appended to --log, written before it is
answered (a request the sink never answers is recorded too):
  pid, n (this process's count from 1), t (epoch seconds), method, path,
  headers (lower-cased names), id, timestamp, signature (the three
  webhook-* headers, null when missing), sig_valid (a v1 entry matches one
  of the secrets), sig_matched (which secrets, by index), ts_skew (now
  minus webhook-timestamp), body (text), json_ok, type (the body's "type"),
  answer (what the sink does: see below).

--control FILE (JSON, read again at every request; write it whole, by
rename):
  {"default": "200",
   "paths": {"/hook": ["hang", "500", "200"], "*": [...]},
   "secrets": ["whsec_..."]}
The n-th request to a path since the control file last changed is
answered with paths[path][n] ("*" for paths not named), then "default"
(200 when missing).  Answers: "NNN" (that status, a short text body),
"503:N" (503 with Retry-After: N seconds), "503:date:N" (Retry-After as
an HTTP date N seconds ahead), "hang" (never answer: the connection is
held until the client gives up or the sink stops), "close" (close the
connection without a word).  "secrets" adds to --secret's, so a test can
name a secret the daemon generated after the sink started.  Down is the
test stopping the process.

Prints "webhook_sink ready port N" once listening; exits 0 on SIGTERM.
"""

import argparse
import base64
import email.utils
import hashlib
import hmac
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


def verify(secrets, msg_id, ts, sig_header, body):
    """Indices of the secrets with a v1 entry that matches."""
    if msg_id is None or ts is None or sig_header is None:
        return []
    signed = msg_id.encode() + b"." + ts.encode() + b"." + body
    given = []
    for entry in sig_header.split(" "):
        version, _, sig = entry.partition(",")
        if version == "v1" and sig:
            given.append(sig.encode())
    matched = []
    for i, secret in enumerate(secrets):
        key_b64 = secret[len("whsec_"):] if secret.startswith("whsec_") \
            else secret
        try:
            key = base64.b64decode(key_b64, validate=True)
        except ValueError:
            continue
        want = base64.b64encode(
            hmac.new(key, signed, hashlib.sha256).digest())
        if any(hmac.compare_digest(want, g) for g in given):
            matched.append(i)
    return matched


class Sink:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.n = 0
        self.control_text = None
        self.control = {}
        self.counts = {}

    def load_control(self):
        """Called under the lock."""
        text = ""
        if self.args.control:
            try:
                with open(self.args.control) as f:
                    text = f.read()
            except FileNotFoundError:
                text = ""
        if text != self.control_text:
            self.control_text = text
            self.control = json.loads(text) if text.strip() else {}
            self.counts = {}

    def decide(self, path):
        with self.lock:
            self.load_control()
            self.n += 1
            paths = self.control.get("paths", {})
            key = path if path in paths else "*"
            script = paths.get(key, [])
            i = self.counts.get(key, 0)
            self.counts[key] = i + 1
            answer = script[i] if i < len(script) \
                else self.control.get("default", "200")
            secrets = list(self.args.secret or []) \
                + list(self.control.get("secrets", []))
            return self.n, str(answer), secrets

    def record(self, rec):
        line = (json.dumps(rec, sort_keys=True) + "\n").encode()
        with self.lock:
            fd = os.open(self.args.log,
                         os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "webhook_sink"

    def log_message(self, fmt, *args):
        pass

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return body
                body += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length", 0)))

    def do_POST(self):
        sink = self.server.sink
        body = self.read_body()
        n, answer, secrets = sink.decide(self.path)
        h = {k.lower(): v for k, v in self.headers.items()}
        msg_id = h.get("webhook-id")
        ts = h.get("webhook-timestamp")
        sig = h.get("webhook-signature")
        matched = verify(secrets, msg_id, ts, sig, body)
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        now = time.time()
        skew = None
        if ts is not None and ts.isdigit():
            skew = now - int(ts)
        sink.record({
            "pid": os.getpid(), "n": n, "t": now, "method": self.command,
            "path": self.path, "headers": h, "id": msg_id, "timestamp": ts,
            "signature": sig, "sig_valid": bool(matched),
            "sig_matched": matched, "ts_skew": skew,
            "body": body.decode("utf-8", "replace"),
            "json_ok": isinstance(parsed, dict),
            "type": parsed.get("type") if isinstance(parsed, dict) else None,
            "answer": answer,
        })
        self.answer(answer)

    do_PUT = do_POST
    do_GET = do_POST

    def hang(self):
        sock = self.connection
        while not STOP.is_set():
            r, _, _ = select.select([sock], [], [], 0.2)
            if r:
                try:
                    if not sock.recv(1, 0):
                        break               # the client gave up
                except OSError:
                    break
        self.close_connection = True

    def answer(self, answer):
        if answer == "hang":
            return self.hang()
        if answer == "close":
            self.close_connection = True
            return
        parts = answer.split(":")
        status = int(parts[0])
        headers = {}
        if len(parts) == 2:
            headers["Retry-After"] = parts[1]
        elif len(parts) == 3 and parts[1] == "date":
            headers["Retry-After"] = email.utils.formatdate(
                time.time() + int(parts[2]), usegmt=True)
        text = ("webhook_sink says %d\n" % status).encode()
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    p = argparse.ArgumentParser(description="webhook receiver for the tests")
    p.add_argument("--log", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--control")
    p.add_argument("--secret", action="append")
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    args = p.parse_args()

    server = Server(("127.0.0.1", args.port), Handler)
    server.sink = Sink(args)
    if args.tls_cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)

    def on_signal(signum, frame):
        STOP.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    print("webhook_sink ready port %d" % server.server_address[1],
          flush=True)
    server.serve_forever(poll_interval=0.1)
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
