"""A tour of smsc_async against the built-in SMSC emulator: no account, no money, no network.

Run it with ``python3 run.py demo`` from a clone, or ``python -m smsc_async.demo`` wherever the
package is installed. By default the emulator is served over HTTP on 127.0.0.1 (when uvicorn,
the ``server`` extra, is installed), so the demo goes through the real httpx2 transport;
``--in-process`` plugs the emulator in as a transport instead. ``--trio`` runs on Trio.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from decimal import Decimal

import anyio

from . import (
    AsyncClient,
    DuplicateRequestError,
    InvalidPhoneError,
    Message,
    SmscError,
    ValidationError,
)
from .testing import FakeClock, FakeSMSC, InProcessTransport

__all__ = ["main"]

LOGIN, PASSWORD = "demo", "demo-password"  # the emulator's throwaway account


def _say(step: str, outcome: str) -> None:
    print(f"  {step:<52} {outcome}")


@contextlib.contextmanager
def _served(fake: FakeSMSC, in_process: bool) -> Iterator[tuple[str, InProcessTransport | None]]:
    """Yield (base URL, transport): a loopback server when possible, else in-process."""
    if not in_process:
        try:
            from .testing import serve_in_thread

            with serve_in_thread(fake) as server:
                yield server.url, None
                return
        except ImportError:
            print("  (uvicorn is not installed: using the in-process transport)")
    yield "http://smsc.test", fake.transport()


async def _tour(base_url: str, transport: InProcessTransport | None, fake: FakeSMSC) -> None:
    client = AsyncClient(
        login=LOGIN, password=PASSWORD, base_url=base_url, allow_http=True, transport=transport
    )
    async with client as smsc:
        result = await smsc.send("+79991234567", "Hello from smsc_async!", sender="SMSC")
        _say(
            "send one SMS",
            f"id={result.id} parts={result.parts} cost={result.cost} balance={result.balance}",
        )

        text = "Привет! " * 20  # Cyrillic: 70 characters per SMS, 67 per part when split
        price = await smsc.cost(["+79991234567", "+79997654321"], text)
        _say(
            f"cost of {len(text)} Cyrillic chars to 2 numbers", f"{price.parts} parts, {price.cost}"
        )

        batch = [
            Message(phones="+79990000001", text="Your code is 1234"),
            Message(phones=["+79990000002", "+79990000003"], text="Meeting at 10:00\nRoom 4"),
            Message(phones="+79990000004", text="Order #17 shipped", sender="SMSC"),
        ]
        sent = await smsc.send_list(batch)
        _say(
            "send 3 different messages in one request",
            f"id={sent.id} parts={sent.parts} cost={sent.cost}",
        )

        try:
            await smsc.send("+000123", "Hello")
        except InvalidPhoneError as exc:
            _say("an invalid number", f"{type(exc).__name__}(code={exc.code}): {exc}")
        try:
            await smsc.send("+79991234567", "Hello from smsc_async!", sender="SMSC")
        except DuplicateRequestError as exc:
            _say("the same send again within a minute", f"{type(exc).__name__}(code={exc.code})")

        try:
            await smsc.send("+79991234567", "Hi", sender="a-sender-name-too-long")
        except ValidationError as exc:
            _say("bad input, refused before sending", f"ValidationError: {exc}")

        clock = fake.clock
        if isinstance(clock, FakeClock):
            clock.advance(10)  # test mode: waiting → passed to operator → delivered
        status = await smsc.status(result.id, "+79991234567")
        name = getattr(status.status, "name", str(status.status)).lower()
        _say("status of the first SMS, 10 s later", f"{name} (final: {status.is_final})")

        messages = (
            Message(phones=f"+7999{n:07d}", text=f"Spring sale, customer {n}!") for n in range(1000)
        )
        summary = await smsc.send_many(messages).run()
        _say(
            "send_many: 1,000 messages, one outcome each",
            f"{summary.sent} sent in {summary.requests} requests, cost {summary.cost}",
        )

    _say(
        "what the emulator's ledger holds",
        f"{len(fake.ledger)} messages, balance {fake.account(LOGIN).balance}",
    )


def main(argv: list[str] | None = None) -> int:
    """Run the tour; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m smsc_async.demo", description=__doc__)
    parser.add_argument("--in-process", action="store_true", help="no socket: in-process")
    parser.add_argument("--trio", action="store_true", help="run on Trio instead of asyncio")
    args = parser.parse_args(argv)

    fake = FakeSMSC(clock=FakeClock())
    fake.add_account(LOGIN, PASSWORD, balance=Decimal("10000.00"), senders=("SMSC",))
    print("smsc_async demo — against the built-in SMSC emulator (no account, no money)\n")
    with _served(fake, args.in_process) as (base_url, transport):
        where = "in-process" if transport else base_url
        print(f"  emulator: {where}; backend: {'trio' if args.trio else 'asyncio'}\n")
        try:
            anyio.run(_tour, base_url, transport, fake, backend="trio" if args.trio else "asyncio")
        except SmscError as exc:
            print(f"\nunexpected error: {type(exc).__name__}: {exc}")
            return 1
    print("\nDone. See README.md for the API and the emulator's pytest plugin.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
