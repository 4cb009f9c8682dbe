"""An `AsyncClient` wired to a `FakeSMSC` with options of the test's choosing, over any transport.

A test that needs just "a client talking to the emulator" takes the pytest plugin's
``smsc_client`` (in-process, default options). `emulated_client` is for the others: another
transport, or client options (``max_concurrency``, ``timeouts``, ``retry``…) of its own.
``kind`` is ``"httpx"`` (the default transport, over a loopback socket), ``"aiohttp"`` (over
a loopback socket; asyncio only) or ``"inprocess"`` (`FakeSMSC.transport`, no socket). The
client logs in as the plugin's test account (``LOGIN``/``PASSWORD``), so the plugin's
``smsc_fake`` serves it as it is.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest

from smsc_async import AsyncClient
from smsc_async.testing import FakeSMSC, FaultPlan, serve_in_thread
from smsc_async.testing.pytest_plugin import TEST_LOGIN, TEST_PASSWORD

__all__ = ["KINDS", "LOGIN", "PASSWORD", "emulated_client", "skip_unsupported"]

KINDS = ("httpx", "aiohttp", "inprocess")
LOGIN, PASSWORD = TEST_LOGIN, TEST_PASSWORD


def skip_unsupported(kind: str, backend: str) -> None:
    """Skip the combinations that cannot run (aiohttp on trio)."""
    if kind == "aiohttp" and backend == "trio":
        pytest.skip("aiohttp runs on asyncio only")


@contextlib.asynccontextmanager
async def emulated_client(
    kind: str, fake: FakeSMSC, *, faults: FaultPlan | None = None, **options: object
) -> AsyncIterator[AsyncClient]:
    """A client of ``LOGIN`` talking to ``fake`` over ``kind``; closed at the end."""
    with contextlib.ExitStack() as stack:
        if kind == "inprocess":
            transport: object = fake.transport(faults=faults)
            base_url = "https://smsc.ru"
        else:
            server = stack.enter_context(serve_in_thread(fake, faults=faults))
            base_url = server.url
            transport = None
            if kind == "aiohttp":
                from smsc_async.transports import AiohttpTransport

                transport = AiohttpTransport()
        client = AsyncClient(
            login=LOGIN,
            password=PASSWORD,
            base_url=base_url,
            allow_http=True,
            transport=transport,  # type: ignore[arg-type]
            **options,  # type: ignore[arg-type]
        )
        async with client:
            yield client
