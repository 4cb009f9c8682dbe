"""An `AsyncClient` wired to a `FakeSMSC` over each transport, for tests that run on all of them.

``kind`` is ``"httpx"`` (the default transport, over a loopback socket), ``"aiohttp"`` (over
a loopback socket; asyncio only) or ``"inprocess"`` (`FakeSMSC.transport`, no socket).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest

from smsc_async import AsyncClient
from smsc_async.testing import FakeSMSC, FaultPlan, serve_in_thread

__all__ = ["KINDS", "LOGIN", "PASSWORD", "emulated_client", "skip_unsupported"]

KINDS = ("httpx", "aiohttp", "inprocess")
LOGIN, PASSWORD = "cap-login", "cap-password"


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
