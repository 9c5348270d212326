"""An SMTP sink for the mailing benchmark: aiosmtpd in a process of its own.

It accepts every message and keeps only its envelope recipients, so that it
costs the senders as little as a relay can, and its CPU does not share the
GIL of the process that measures. Controlled over stdin/stdout, one line a
command::

    count           -> "count <messages> <bytes>"
    dump <path>     -> writes every recipient received, one a line -> "ok"
    reset           -> forgets what it received -> "ok"
    quit            -> stops

:class:`Sink` starts it and talks to it from the benchmark.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

HOST = "127.0.0.1"


class CountingHandler:
    """Accepts everything; keeps the recipients and counts messages and bytes."""

    def __init__(self) -> None:
        self.messages = 0
        self.bytes = 0
        self.recipients: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        self.messages += 1
        self.bytes += len(envelope.content)
        self.recipients.extend(envelope.rcpt_tos)
        return "250 OK"


def serve(port: int) -> None:
    """Run the sink on ``port`` and answer commands until "quit" or EOF."""
    from aiosmtpd.controller import Controller

    handler = CountingHandler()
    controller = Controller(handler, hostname=HOST, port=port)
    controller.start()
    print(f"ready {port}", flush=True)
    try:
        for line in sys.stdin:
            command, _, argument = line.strip().partition(" ")
            # The handler runs in the controller's thread; list and int reads
            # and assignments are atomic enough for a count.
            if command == "count":
                print(f"count {handler.messages} {handler.bytes}", flush=True)
            elif command == "dump":
                Path(argument).write_text("".join(f"{r}\n" for r in handler.recipients))
                print("ok", flush=True)
            elif command == "reset":
                handler.messages, handler.bytes, handler.recipients = 0, 0, []
                print("ok", flush=True)
            elif command == "quit":
                break
    finally:
        controller.stop()


class Sink:
    """The sink process, seen from the benchmark."""

    def __init__(self, port: int) -> None:
        self.host, self.port = HOST, port
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--port", str(port)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        )
        ready = self.process.stdout.readline()
        if not ready.startswith("ready"):
            raise SystemExit(f"the SMTP sink did not start: {ready!r}")

    @property
    def pid(self) -> int:
        return self.process.pid

    def _ask(self, command: str) -> str:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self.process.stdout.readline().strip()

    def count(self) -> int:
        return int(self._ask("count").split()[1])

    def recipients(self, folder: Path) -> list[str]:
        path = folder / "sink-recipients.txt"
        self._ask(f"dump {path}")
        return path.read_text().splitlines()

    def reset(self) -> None:
        self._ask("reset")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.write("quit\n")
            self.process.stdin.close()
            self.process.wait(timeout=10)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    serve(parser.parse_args(argv).port)


if __name__ == "__main__":
    main()
