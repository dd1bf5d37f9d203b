#!/usr/bin/python3
"""smtp_sink: a real SMTP server on loopback that keeps every message.

Debian's python3-aiosmtpd speaks the protocol; this file only chooses how
strict it is and where the mail goes.  Used by the notification tests
(t/267-notify.t, t/268-notify-faults.t, through t/lib/MaintNotify.pm) and
by scripts/demo.sh, so that what maint-admind sends lands in files a test
parses and a person can open.

    smtp_sink.py --dir DIR [--port N] [--tls-cert F --tls-key F]
                 [--implicit-tls] [--user U --password P]
                 [--fail-first N]

--tls-cert/--tls-key: STARTTLS is offered and required before MAIL and
AUTH (plain commands before it are refused with 530/538); with
--implicit-tls the whole connection is TLS from the first byte (smtps).
--user/--password: AUTH PLAIN and LOGIN with exactly that user, every
other pair refused (535), and MAIL refused before AUTH (530).
--fail-first N: the first N messages are answered 451 at the end of DATA
(a temporary failure the sender must retry), and not kept.

Every message kept is DIR/<n>.eml (the bytes as received) and
DIR/<n>.json (the envelope: mail_from, rcpt_tos, the authenticated user,
whether TLS carried it, the time), n counting from 1; the .json is
written first and the .eml renamed into place last, so a reader that sees
<n>.eml sees both whole; a sink started on a directory that has
messages numbers on from the highest.  Refused attempts are counted in
DIR/refused.log.

Prints "smtp_sink ready port N" once listening (N is the port chosen when
--port is 0), and exits 0 on SIGTERM or SIGINT.
"""

import argparse
import asyncio
import json
import logging
import os
import signal
import ssl
import sys
import time
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def write_atomic(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.rename(tmp, path)


class Keeper:
    """The aiosmtpd handler: numbers and stores each message."""

    def __init__(self, directory, fail_first):
        self.dir = directory
        self.fail_left = fail_first
        # numbering goes on from what a sink before it kept there (the
        # demo's directory outlives a restart): nothing is overwritten
        kept = [int(f[:-4]) for f in os.listdir(directory)
                if f.endswith(".eml") and f[:-4].isdigit()]
        self.n = max(kept, default=0)

    def refused(self, what):
        with open(os.path.join(self.dir, "refused.log"), "a") as f:
            f.write("%.3f %s\n" % (time.time(), what))

    async def handle_DATA(self, server, session, envelope):
        if self.fail_left > 0:
            self.fail_left -= 1
            self.refused("451 DATA from %s" % envelope.mail_from)
            return "451 4.3.0 try again later (smtp_sink --fail-first)"
        self.n += 1
        base = os.path.join(self.dir, str(self.n))
        meta = {
            "n": self.n,
            "received_at": time.time(),
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "user": session.auth_data.login.decode("utf-8", "replace")
            if isinstance(session.auth_data, LoginPassword) else None,
            "tls": bool(session.ssl) or server.transport.get_extra_info(
                "sslcontext") is not None,
            "peer": list(session.peer) if session.peer else None,
        }
        write_atomic(base + ".json", json.dumps(meta).encode())
        write_atomic(base + ".eml", envelope.original_content
                     or envelope.content)
        return "250 2.0.0 kept as %d.eml" % self.n


def main():
    p = argparse.ArgumentParser(description="SMTP sink for the tests")
    p.add_argument("--dir", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--implicit-tls", action="store_true")
    p.add_argument("--user")
    p.add_argument("--password")
    p.add_argument("--fail-first", type=int, default=0)
    a = p.parse_args()

    # aiosmtpd warns of its own deprecated attribute on every AUTH
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    # ...and of AUTH without STARTTLS, which implicit TLS makes needless
    warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS")
    os.makedirs(a.dir, exist_ok=True)
    keeper = Keeper(a.dir, a.fail_first)

    ctx = None
    if a.tls_cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.tls_cert, a.tls_key)
    if a.implicit_tls and not ctx:
        sys.exit("smtp_sink: --implicit-tls needs --tls-cert and --tls-key")

    def authenticator(server, session, envelope, mechanism, data):
        # only PLAIN and LOGIN are offered; both give a LoginPassword
        ok = (isinstance(data, LoginPassword) and a.user is not None
              and data.login == a.user.encode()
              and data.password == (a.password or "").encode())
        if not ok:
            keeper.refused("535 AUTH %s" % mechanism)
        return AuthResult(success=ok, handled=False,
                          auth_data=data if ok else None)

    def factory():
        kw = dict(hostname="smtp-sink.test", ident="smtp_sink",
                  decode_data=False, timeout=30)
        if ctx and not a.implicit_tls:
            kw.update(tls_context=ctx, require_starttls=True)
        if a.user is not None:
            kw.update(authenticator=authenticator, auth_required=True,
                      auth_exclude_mechanism=["CRAM-MD5", "XOAUTH2"],
                      # implicit TLS: the connection is already encrypted,
                      # and aiosmtpd knows TLS only from STARTTLS
                      auth_require_tls=not a.implicit_tls)
        return SMTP(keeper, **kw)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(
        factory, host="127.0.0.1", port=a.port,
        ssl=ctx if a.implicit_tls else None, reuse_address=True))
    port = server.sockets[0].getsockname()[1]

    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(0))
    print("smtp_sink ready port %d dir %s%s%s" % (
        port, a.dir,
        " tls=" + ("implicit" if a.implicit_tls else "starttls") if ctx else "",
        " auth" if a.user is not None else ""), flush=True)
    loop.run_until_complete(stop)
    server.close()
    loop.run_until_complete(server.wait_closed())
    return 0


if __name__ == "__main__":
    sys.exit(main())
