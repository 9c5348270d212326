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

import socket
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class _CollectingHandler:
    """aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.envelopes: list = []
        self.messages: list[EmailMessage] = []
        self.received = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.received:
            self.envelopes.append(envelope)
            self.messages.append(message)
            self.received.notify_all()
        return "250 Message accepted for delivery"


class SMTPServer:
    """An in-process SMTP server collecting the messages it is sent."""

    def __init__(self, host: str = "127.0.0.1", port: int | None = None) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.handler = _CollectingHandler()
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
