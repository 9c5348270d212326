"""A real SMTP server for the tests: aiosmtpd in a thread, on a free local port.

Django's SMTP backend talks to it over TCP exactly as it talks to a production
relay, so a test that reads :attr:`SMTPServer.messages` proves a mail left
through the real e-mail path (DESIGN.md §7)::

    with SMTPServer() as smtp:
        send_mail(...)            # with EMAIL_HOST/EMAIL_PORT = smtp.host/port
        smtp.wait_for(1)
        smtp.messages[0]["To"]
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterable
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class _CollectingHandler:
    """aiosmtpd handler keeping every message it receives.

    ``delay``: seconds each message waits before it is accepted (a slow
    relay), so that a test can kill a sender in the middle of a batch.
    """

    def __init__(self, delay: float = 0.0) -> None:
        self.envelopes: list = []
        self.messages: list[EmailMessage] = []
        self.received = threading.Condition()
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        if self.delay:
            # A sender that dies now never gets the 250: nothing is kept.
            await asyncio.sleep(self.delay)
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.received:
            self.envelopes.append(envelope)
            self.messages.append(message)
            self.received.notify_all()
        return "250 Message accepted for delivery"


class FaultyHandler(_CollectingHandler):
    """A relay that fails the way real ones do, to prove the sender copes.

    ``refuse``: address → how many times RCPT TO is answered "451" (a
    temporary refusal, e.g. greylisting) before the address is accepted.
    ``drop_at``: the DATA commands (1 = the first this server gets; only
    those for addresses ending in ``domain`` when given) on which the
    connection is closed without an answer and the message not kept.
    """

    def __init__(
        self,
        *,
        refuse: dict[str, int] | None = None,
        drop_at: Iterable[int] = (),
        domain: str = "",
        delay: float = 0.0,
    ) -> None:
        super().__init__(delay=delay)
        self.domain = domain.lower()
        self.refuse = {email.lower(): times for email, times in (refuse or {}).items()}
        self.drop_at = set(drop_at)
        self.data_commands = 0
        self.refused: list[str] = []
        self.dropped = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd API
        email = address.lower()
        if self.refuse.get(email, 0) > 0:
            self.refuse[email] -= 1
            self.refused.append(email)
            return "451 4.7.1 Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        if any(rcpt.lower().endswith(self.domain) for rcpt in envelope.rcpt_tos):
            self.data_commands += 1
            if self.data_commands in self.drop_at:
                self.dropped += 1
                server.transport.close()
                # connection_lost() cancels this coroutine: no reply is sent.
                await asyncio.sleep(60)
        return await super().handle_DATA(server, session, envelope)


class SMTPServer:
    """An in-process SMTP server collecting the messages it is sent.

    ``delay`` slows every message down; ``handler`` replaces the collecting
    handler (e.g. a :class:`FaultyHandler`).
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int | None = None,
        *,
        delay: float = 0.0,
        handler: _CollectingHandler | None = None,
    ) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.handler = handler or _CollectingHandler(delay=delay)
        self.controller = Controller(self.handler, hostname=self.host, port=self.port)

    # Lifecycle -----------------------------------------------------------------

    def start(self) -> SMTPServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def __enter__(self) -> SMTPServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # What arrived --------------------------------------------------------------

    @property
    def messages(self) -> list[EmailMessage]:
        return list(self.handler.messages)

    @property
    def envelopes(self) -> list:
        return list(self.handler.envelopes)

    @property
    def recipients(self) -> list[str]:
        """Every envelope recipient received so far, lower-cased, repeats kept."""
        return [rcpt.lower() for env in self.envelopes for rcpt in env.rcpt_tos]

    def clear(self) -> None:
        with self.handler.received:
            self.handler.messages.clear()
            self.handler.envelopes.clear()

    def wait_for(self, count: int = 1, timeout: float = 5.0) -> list[EmailMessage]:
        """Wait until at least ``count`` messages arrived; return them all."""
        deadline = time.monotonic() + timeout
        with self.handler.received:
            while len(self.handler.messages) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"expected {count} message(s), "
                        f"the SMTP server got {len(self.handler.messages)}"
                    )
                self.handler.received.wait(remaining)
            return list(self.handler.messages)

    @staticmethod
    def body(message: EmailMessage) -> str:
        """The plain-text body of ``message``."""
        part = message.get_body(preferencelist=("plain", "html"))
        return part.get_content() if part is not None else ""
