#!/usr/bin/python3
# A local SMTP server for the notification tests (Debian's python3-aiosmtpd): accepts every
# message on 127.0.0.1:PORT and appends it to OUT as one JSON line
# {"from", "to", "eventId", "eventType", "subject", "receivedAt", "tls", "user"}. Prints
# "ready" once listening; stops on SIGTERM. With CERT, KEY, USER and PASSWORD it requires
# STARTTLS with that certificate and AUTH (PLAIN/LOGIN) with that login before any mail.
#   smtp_sink.py PORT OUT [CERT KEY USER PASSWORD]
import asyncio
import email
import email.policy
import json
import signal
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, out):
        self.out = out

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        record = {
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "eventId": message["X-Pim-Event-Id"],
            "eventType": message["X-Pim-Event-Type"],
            "subject": str(message["Subject"]),
            "receivedAt": time.time(),
            "tls": session.ssl is not None,
            "user": session.auth_data,
        }
        with open(self.out, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")
        return "250 OK"


def main():
    port, out = int(sys.argv[1]), sys.argv[2]
    options = {}
    if len(sys.argv) == 7:
        cert, key, user, password = sys.argv[3:7]
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)

        def authenticate(server, session, envelope, mechanism, data):
            ok = isinstance(data, LoginPassword) and data.login.decode() == user \
                and data.password.decode() == password
            return AuthResult(success=ok, auth_data=user if ok else None)

        options = dict(tls_context=context, require_starttls=True, auth_required=True,
                       auth_require_tls=True, authenticator=authenticate)
    controller = Controller(Sink(out), hostname="127.0.0.1", port=port, **options)
    controller.start()
    print("ready", flush=True)
    stop = asyncio.Event()
    loop = asyncio.new_event_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.run_until_complete(stop.wait())
    controller.stop()


if __name__ == "__main__":
    main()
