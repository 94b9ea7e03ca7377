#!/usr/bin/python3
# A local SMTP server for the notification tests (Debian's python3-aiosmtpd): accepts every
# message on 127.0.0.1:PORT and appends it to OUT as one JSON line
# {"from", "to", "eventId", "eventType", "subject", "receivedAt"}. Prints "ready" once
# listening; stops on SIGTERM.
#   smtp_sink.py PORT OUT
import asyncio
import email
import email.policy
import json
import signal
import sys
import time

from aiosmtpd.controller import Controller


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
        }
        with open(self.out, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")
        return "250 OK"


def main():
    port, out = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Sink(out), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    stop = asyncio.Event()
    loop = asyncio.new_event_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.run_until_complete(stop.wait())
    controller.stop()


if __name__ == "__main__":
    main()
