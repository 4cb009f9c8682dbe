"""Memory stays flat in the number of messages: the input is streamed, never materialised.

Measured with tracemalloc through a stateless stub server (an in-memory `Transport` that
answers every ``list`` send the way SMSC does, with ``op=1`` rows, and keeps nothing): the
emulator itself keeps a ledger entry per message, which would measure the emulator, not
the SDK.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from urllib.parse import parse_qsl

import anyio
import orjson

from smsc_async import AsyncClient, Message
from smsc_async._transports.base import HttpRequest, HttpResponse, Timeouts


class StatelessSMSC:
    """Answers ``send.php`` list requests with ``op=1`` rows; remembers nothing."""

    async def request(self, request: HttpRequest, timeouts: Timeouts) -> HttpResponse:
        fields = dict(parse_qsl(request.body.decode("ascii")))
        rows = []
        for line in fields["list"].split("\n"):
            phones = line.partition(":")[0].rpartition("|")[2]
            for phone in phones.split(","):
                rows.append(
                    {
                        "phone": phone.lstrip("+"),
                        "mccmnc": "25001",
                        "cost": "1.50",
                        "status": "-1",
                        "error": "0",
                    }
                )
        answer = {
            "id": fields["id"],
            "cnt": len(rows),
            "cost": f"{1.5 * len(rows):.2f}",
            "balance": "1000000.00",
            "phones": rows,
        }
        await anyio.lowlevel.checkpoint()
        return HttpResponse(
            status=200, content=orjson.dumps(answer), content_type="application/json"
        )

    async def aclose(self) -> None:
        pass


def _messages(count: int) -> Iterator[Message]:
    for i in range(count):
        yield Message(f"+7999{i:07d}", f"Your code is {i:07d}")


async def _peak(count: int) -> tuple[int, int]:
    async with AsyncClient(login="u", password="p", transport=StatelessSMSC()) as client:
        tracemalloc.start()
        try:
            summary = await client.send_many(_messages(count), max_lines=200).run()
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert summary.sent == count and summary.read == count
    return peak, summary.requests


def test_memory_is_flat_in_the_number_of_messages() -> None:
    # Both sizes exceed the anti-flood count's fixed capacity (10 000 recipients), the one
    # structure that grows with distinct recipients up to a bound. 12k and 60k keep the test
    # fast under tracemalloc; 10k vs 100k measured 5.3 vs 5.5 MB.
    small, small_requests = anyio.run(_peak, 12_000)
    large, large_requests = anyio.run(_peak, 60_000)
    assert large_requests >= 5 * small_requests - 5
    print(f"tracemalloc peak: 12k messages {small / 1e6:.2f} MB, 60k {large / 1e6:.2f} MB")
    # Five times the messages: the peak may not grow by a tenth (no per-message state).
    assert large < small * 1.1, (small, large)
