"""The client over a real loopback socket: the 14-slot cap, cancellation, the call deadline.

The server (tests/support/loopback.py) keeps its own gauge of requests in flight, so the cap is
checked where it matters — at the server — not by trusting the client's bookkeeping. Every
test runs on both network transports (aiohttp on asyncio only); tests/call/test_cap.py
runs the cap against the emulator on every transport, the in-process one included.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import anyio
import pytest
from loopback import LoopbackServer, Reply

from smsc_async import AsyncClient, OutcomeUnknownError, RetryPolicy, Timeouts
from smsc_async.transports import AiohttpTransport, HttpxTransport

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["httpx", "aiohttp"])
def kind(request: pytest.FixtureRequest, anyio_backend: str) -> str:
    if request.param == "aiohttp" and anyio_backend == "trio":
        pytest.skip("aiohttp runs on asyncio only")
    return str(request.param)


def transport_of(kind: str, pool: int = 14) -> HttpxTransport | AiohttpTransport:
    if kind == "httpx":
        return HttpxTransport(max_connections=pool)
    return AiohttpTransport(max_connections=pool)


OK_SEND = b'{"id": 1, "cnt": 1, "cost": "1.50", "balance": "98.50"}'


@pytest.fixture
def slow_server() -> Iterator[LoopbackServer]:
    with LoopbackServer(Reply(body=OK_SEND, delay=0.05)) as server:
        yield server


def client_for(server: LoopbackServer, **kwargs: object) -> AsyncClient:
    return AsyncClient(
        login="alex",
        password="secret",
        base_url=server.url,
        allow_http=True,
        **kwargs,  # type: ignore[arg-type]
    )


async def send_many(client: AsyncClient, count: int) -> None:
    async with anyio.create_task_group() as tg:
        for n in range(count):
            tg.start_soon(client.send, "79999999999", f"message {n}")


@pytest.mark.parametrize("cap", [14, 5])
async def test_server_never_sees_more_than_the_cap(
    slow_server: LoopbackServer, kind: str, cap: int
) -> None:
    transport = transport_of(kind, cap)
    async with client_for(slow_server, max_concurrency=cap, transport=transport) as client:
        await send_many(client, 60)
        assert client.limiter.borrowed_tokens == 0
        assert transport.active_connections() == 0
    assert len(slow_server.requests) == 60
    # The cap is never exceeded, and it is used: with 60 calls queued every slot filled up.
    assert slow_server.max_in_flight == cap
    assert slow_server.connections_opened <= cap


async def test_cancelling_in_flight_and_queued_calls_leaks_nothing(kind: str) -> None:
    release = threading.Event()
    timeouts = Timeouts(read=0.3)
    with LoopbackServer(Reply(body=OK_SEND, hold=release)) as server:
        transport = transport_of(kind)
        async with client_for(server, timeouts=timeouts, transport=transport) as client:
            async with anyio.create_task_group() as tg:
                for n in range(30):  # 14 in flight, 16 queued on the limiter
                    tg.start_soon(client.send, "79999999999", f"message {n}")
                await anyio.to_thread.run_sync(
                    lambda: server.wait_until(lambda s: s.in_flight == 14)
                )
                assert client.limiter.borrowed_tokens == 14
                assert client.limiter.statistics().tasks_waiting == 16
                tg.cancel_scope.cancel()
            # The 14 abandoned requests may still run at the server: their slots stay taken
            # for the read timeout; the queued calls left nothing behind.
            assert client.limiter.borrowed_tokens == 14
            assert client.limiter.statistics().tasks_waiting == 0
            assert transport.active_connections() == 0
            release.set()
            # The client is still fully usable afterwards, once the slots come free.
            result = await client.send("79999999999", "after the storm")
            assert result.id == 1
            assert transport.active_connections() == 0
            assert client.limiter.borrowed_tokens == 0
        assert server.max_in_flight == 14


async def test_a_dripping_server_cannot_hang_a_call(kind: str) -> None:
    # Each byte arrives well within the read timeout, so only the deadline can stop it
    # (httpx2: the client's cancel scope; aiohttp: its own total timeout).
    reply = Reply(body=OK_SEND, drip_interval=0.1)
    with LoopbackServer(reply) as server:
        timeouts = Timeouts(read=1.0, deadline=0.5)
        transport = transport_of(kind)
        async with client_for(server, timeouts=timeouts, transport=transport) as client:
            start = anyio.current_time()
            with pytest.raises(OutcomeUnknownError, match="deadline"):
                await client.send("79999999999", "Hi", id="drip-1")
            assert anyio.current_time() - start < 3.0
            # The server may still be working on it: the slot is kept for the read timeout.
            assert client.limiter.borrowed_tokens == 1
            assert transport.active_connections() == 0


async def test_connection_refused_is_not_sent_after_retries(kind: str) -> None:
    from loopback import refused_url

    from smsc_async import NotSentError

    client = AsyncClient(
        login="alex",
        password="secret",
        base_url=refused_url(),
        allow_http=True,
        retry=RetryPolicy(attempts=2, backoff=0.001),
        transport=transport_of(kind),
    )
    async with client:
        with pytest.raises(NotSentError) as caught:
            await client.send("79999999999", "Hi", id=9)
    assert caught.value.message_id == 9
    assert "secret" not in str(caught.value)
