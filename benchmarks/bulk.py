"""The bulk contender: ``client.send_many`` over a lazy stream of messages, ``list`` packing.

The input is a generator, so the benchmark itself holds one message at a time; whatever
memory grows with the count is the SDK's. The job runs with its defaults (up to 500
messages per ``list`` request, ``op=1`` per-recipient reports, the client-side anti-flood
guard) and its outcomes are discarded as they come (``BulkJob.run``), as a fire-and-forget
caller would; a caller keeping every outcome keeps what it keeps.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from smsc_async import AsyncClient, Message
from smsc_async.transports import AiohttpTransport

from .server import LOGIN, PASSWORD
from .workload import TEXT, phone

__all__ = ["run_bulk"]


class Meter(Protocol):
    """What `benchmarks.child` measures with."""

    result: dict[str, object]

    def start(self) -> None: ...

    def stop(self) -> None: ...


def _messages(first: int, count: int) -> Iterator[Message]:
    for i in range(first, first + count):
        yield Message(phones=phone(i), text=TEXT)


async def run_bulk(url: str, first: int, count: int, meter: Meter, *, aiohttp: bool) -> int:
    """Send ``count`` messages through one job; return how many were not sent."""
    transport = AiohttpTransport() if aiohttp else None
    async with AsyncClient(
        login=LOGIN, password=PASSWORD, base_url=url, allow_http=True, transport=transport
    ) as client:
        warm = await client.send_many(_messages(first - 2000, 2000)).run()
        meter.start()
        summary = await client.send_many(_messages(first, count)).run()
        meter.stop()
    meter.result["requests"] = summary.requests
    meter.result["warmup_failures"] = warm.read - warm.sent
    return summary.read - summary.sent
