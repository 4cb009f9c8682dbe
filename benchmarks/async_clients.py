"""The asynchronous contenders, each a context manager yielding ``send(i) -> ok``.

* ``sdk-httpx2`` / ``sdk-aiohttp``: `smsc_async.AsyncClient` on its default transport and on
  `smsc_async.transports.AiohttpTransport`; ``send`` is ``await client.send(phone, text)``.
* ``raw-httpx2``: an ``httpx2.AsyncClient`` with the pool the SDK builds (14 connections,
  HTTP/1.1) and a 14-slot ``asyncio.Semaphore``, posting the SDK's bytes.
* ``raw-aiohttp``: an ``aiohttp.ClientSession`` with ``TCPConnector(limit=14)``.
* ``floor``: `benchmarks.floor.FloorClient`.

The raw contenders and the floor decode the answer with ``orjson`` and look for an error, as
any caller must; the SDK does that and more (typed results, Decimal money).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import orjson

from smsc_async import AsyncClient, SmscError
from smsc_async.transports import AiohttpTransport

from .floor import FloorClient
from .server import LOGIN, PASSWORD
from .workload import CONCURRENCY, PATH, TEXT, answer_ok, form_body, phone

__all__ = ["ASYNC_CONTENDERS", "drive_async"]

Send = Callable[[int], Awaitable[bool]]
_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}


@contextlib.asynccontextmanager
async def _sdk(url: str, aiohttp: bool) -> AsyncIterator[Send]:
    transport = AiohttpTransport() if aiohttp else None
    async with AsyncClient(
        login=LOGIN, password=PASSWORD, base_url=url, allow_http=True, transport=transport
    ) as client:

        async def send(i: int) -> bool:
            try:
                await client.send(phone(i), TEXT)
            except SmscError:
                return False
            return True

        yield send


@contextlib.asynccontextmanager
async def sdk_httpx2(url: str) -> AsyncIterator[Send]:
    """The SDK on its default httpx2 transport."""
    async with _sdk(url, aiohttp=False) as send:
        yield send


@contextlib.asynccontextmanager
async def sdk_aiohttp(url: str) -> AsyncIterator[Send]:
    """The SDK on the aiohttp transport."""
    async with _sdk(url, aiohttp=True) as send:
        yield send


@contextlib.asynccontextmanager
async def raw_httpx2(url: str) -> AsyncIterator[Send]:
    """httpx2 by hand: the SDK's pool settings, a 14-slot semaphore."""
    import httpx2

    limits = httpx2.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    target = f"{url}{PATH}"
    slots = asyncio.Semaphore(CONCURRENCY)
    async with httpx2.AsyncClient(limits=limits, http1=True, http2=False) as client:

        async def send(i: int) -> bool:
            async with slots:
                response = await client.post(target, content=form_body(i), headers=_HEADERS)
            return response.status_code == 200 and answer_ok(orjson.loads(response.content))

        yield send


@contextlib.asynccontextmanager
async def raw_aiohttp(url: str) -> AsyncIterator[Send]:
    """aiohttp by hand: one session, ``TCPConnector(limit=14)``."""
    import aiohttp

    target = f"{url}{PATH}"
    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def send(i: int) -> bool:
            async with session.post(target, data=form_body(i), headers=_HEADERS) as response:
                content = await response.read()
                return response.status == 200 and answer_ok(orjson.loads(content))

        yield send


@contextlib.asynccontextmanager
async def floor(url: str) -> AsyncIterator[Send]:
    """The hand-written asyncio.Protocol client."""
    client = FloorClient(f"{url}{PATH}", connections=CONCURRENCY)

    async def send(i: int) -> bool:
        status, content = await client.post(form_body(i))
        return status == 200 and answer_ok(orjson.loads(content))

    try:
        yield send
    finally:
        client.close()


ASYNC_CONTENDERS: dict[str, Callable[[str], contextlib.AbstractAsyncContextManager[Send]]] = {
    "sdk-httpx2": sdk_httpx2,
    "raw-httpx2": raw_httpx2,
    "sdk-aiohttp": sdk_aiohttp,
    "raw-aiohttp": raw_aiohttp,
    "floor": floor,
}


async def drive_async(send: Send, first: int, count: int, workers: int = CONCURRENCY) -> int:
    """Send requests ``first .. first+count-1`` from ``workers`` tasks; return the failures.

    Each worker sends its next request as soon as its previous one is answered, so exactly
    ``workers`` requests are in flight and each client's own limiter is never contended:
    what is measured is the cost of a request, not of queueing tasks.
    """
    indices = iter(range(first, first + count))
    failures = 0

    async def worker() -> None:
        nonlocal failures
        for i in indices:
            if not await send(i):
                failures += 1

    await asyncio.gather(*(worker() for _ in range(workers)))
    return failures
