"""A real SMTP server for the tests (aiosmtpd), with the misbehaviours a relay shows: 4xx
and 5xx answers to chosen recipients, a connection dropped mid-batch, slowness."""

from __future__ import annotations

import email
import email.policy
import threading
import time
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.data, policy=email.policy.default)


@dataclass
class Handler:
    received: list[Received] = field(default_factory=list)
    # address -> list of codes answered to RCPT, one per attempt ("450 ..."), then accepted
    rcpt_answers: dict[str, list[str]] = field(default_factory=dict)
    drop_after: int | None = None  # drop the connection at DATA of the Nth message (once)
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    dropped: int = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        answers = self.rcpt_answers.get(address)
        if answers:
            answer = (
                answers.pop(0) if len(answers) > 1 or answers[0].startswith("4") else answers[0]
            )
            if answer:
                return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            time.sleep(self.delay)
        with self.lock:
            if (
                self.drop_after is not None
                and len(self.received) + 1 == self.drop_after
                and not self.dropped
            ):
                self.dropped += 1
                server.transport.close()
                return "421 closing"
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
            )
        return "250 Message accepted"


class SMTPServer:
    def __init__(self, port: int, handler: Handler | None = None) -> None:
        self.handler = handler or Handler()
        self.port = port
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=port)

    def start(self) -> SMTPServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def wait_for(self, count: int, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
