"""The answer-size limit: a huge answer or a gzip bomb ends in `ProtocolError`, in bounded memory.

Every case runs on the in-process transport and over a loopback socket on both network
transports. The emulator's `Fault.oversized` and `Fault.gzip_bomb` pad the *real* answer with
blanks (valid trailing whitespace), so within the limit the call succeeds: only the limit can
make it fail. The request was processed (the ledger has it), which is why a too-large answer
is a `ProtocolError` — "as for OutcomeUnknownError" — and never a retry.
"""

from __future__ import annotations

import itertools
import tracemalloc
from collections.abc import AsyncIterator, Callable, Iterator

import httpx2
import pytest
from loopback import LoopbackServer, Reply

from smsc_async import AsyncClient, ConfigurationError, ProtocolError
from smsc_async._transports.base import HttpRequest, Timeouts
from smsc_async.testing import FakeSMSC, Fault, FaultPlan, InProcessTransport, serve_in_thread
from smsc_async.transports import MAX_RESPONSE_BYTES, AiohttpTransport, HttpxTransport

pytestmark = pytest.mark.anyio

LOGIN, PASSWORD = "limits", "limits-password"
MIB = 1024 * 1024
TIMEOUTS = Timeouts(connect=2.0, read=5.0, write=5.0, deadline=30.0)

Wired = Callable[..., AsyncClient]  # client options → a client wired to the emulator


def new_fake() -> FakeSMSC:
    fake = FakeSMSC()
    fake.add_account(LOGIN, PASSWORD)
    return fake


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[FakeSMSC, FaultPlan, str]]:
    fake, plan = new_fake(), FaultPlan()
    with serve_in_thread(fake, faults=plan) as server:
        yield fake, plan, server.url


@pytest.fixture(params=["in-process", "httpx2", "aiohttp"])
async def wired(
    request: pytest.FixtureRequest,
    anyio_backend: str,
    served: tuple[FakeSMSC, FaultPlan, str],
) -> AsyncIterator[tuple[FakeSMSC, FaultPlan, Wired]]:
    """(emulator, its fault plan, a factory of clients wired to it with a size limit)."""
    if request.param == "aiohttp" and anyio_backend == "trio":
        pytest.skip("aiohttp runs on asyncio only")
    if request.param == "in-process":
        fake, plan = new_fake(), FaultPlan()

        def in_process(limit: int = MAX_RESPONSE_BYTES) -> AsyncClient:
            transport = InProcessTransport(fake, faults=plan, max_response_bytes=limit)
            return client(base_url="http://smsc.test", transport=transport)

        yield fake, plan, in_process
        return
    fake, plan, url = served
    plan.clear()

    def networked(limit: int = MAX_RESPONSE_BYTES) -> AsyncClient:
        if request.param == "httpx2":
            return client(base_url=url, max_response_bytes=limit)
        return client(base_url=url, transport=AiohttpTransport(max_response_bytes=limit))

    yield fake, plan, networked


def client(**options: object) -> AsyncClient:
    return AsyncClient(
        login=LOGIN,
        password=PASSWORD,
        allow_http=True,
        timeouts=TIMEOUTS,
        **options,  # type: ignore[arg-type]
    )


_ids = itertools.count()


def unique_id(prefix: str) -> str:
    """Ids differ across tests, so the shared emulator's duplicate rule never fires."""
    return f"{prefix}-{next(_ids)}"


@pytest.mark.parametrize("declare_length", [True, False], ids=["declared", "chunked"])
async def test_an_answer_over_the_limit_is_a_protocol_error_after_processing(
    wired: tuple[FakeSMSC, FaultPlan, Wired], declare_length: bool
) -> None:
    fake, plan, make = wired
    plan.once(Fault.oversized(2 * MIB, declare_length=declare_length))
    first, second = unique_id("big"), unique_id("big")
    async with make(limit=256 * 1024) as smsc:
        with pytest.raises(ProtocolError) as caught:
            await smsc.send("79990001122", "Hello", id=first)
        assert "larger than the 262144-byte limit" in str(caught.value)
        assert (caught.value.endpoint, caught.value.status_code) == ("send", 200)
        assert first in [entry.id for entry in fake.ledger]  # processed: the answer is lost
        result = await smsc.send("79990001122", "Hello again", id=second)  # still usable
    assert result.id == second


async def test_a_50_mb_answer_ends_at_the_default_limit(
    wired: tuple[FakeSMSC, FaultPlan, Wired],
) -> None:
    _, plan, make = wired
    plan.once(Fault.oversized(50 * MIB, declare_length=False))
    async with make() as smsc:
        with pytest.raises(ProtocolError, match="16777216-byte limit"):
            await smsc.balance()


async def test_a_gzip_bomb_is_refused_in_bounded_memory(
    wired: tuple[FakeSMSC, FaultPlan, Wired],
) -> None:
    _, plan, make = wired
    plan.once(Fault.gzip_bomb(64 * MIB))  # about 64 KiB on the wire
    async with make(limit=MIB) as smsc:
        tracemalloc.start()
        try:
            with pytest.raises(ProtocolError, match="1048576-byte limit"):
                await smsc.balance()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 12 * MIB, f"peak {peak / MIB:.1f} MiB while reading a 64 MiB bomb"


@pytest.mark.parametrize("fault", [Fault.oversized(100_000), Fault.gzip_bomb(100_000)])
async def test_a_padded_or_compressed_answer_within_the_limit_is_read(
    wired: tuple[FakeSMSC, FaultPlan, Wired], fault: Fault
) -> None:
    _, plan, make = wired
    plan.once(fault)
    message_id = unique_id("padded")
    async with make(limit=100_000) as smsc:
        result = await smsc.send("79990001122", "Hello", id=message_id)
    assert result.id == message_id


# ------------------------------------------------------------------ transports directly


@pytest.fixture(params=["httpx", "aiohttp"])
def kind(request: pytest.FixtureRequest, anyio_backend: str) -> str:
    if request.param == "aiohttp" and anyio_backend == "trio":
        pytest.skip("aiohttp runs on asyncio only")
    return str(request.param)


def build(kind: str, limit: int) -> HttpxTransport | AiohttpTransport:
    if kind == "httpx":
        return HttpxTransport(max_response_bytes=limit)
    return AiohttpTransport(max_response_bytes=limit)


async def test_after_a_refused_answer_the_connection_is_not_reused(kind: str) -> None:
    """The unread rest of a too-large answer must not be taken for the next answer."""
    transport = build(kind, limit=100_000)
    big, small = Reply(body=b"x" * 300_000), Reply(body=b'{"balance":"1"}')
    replies = iter([big, small])
    with LoopbackServer(lambda _: next(replies)) as srv:
        request = HttpRequest(url=f"{srv.url}/sys/balance.php", body=b"login=a&psw=b")
        with pytest.raises(ProtocolError) as caught:
            await transport.request(request, TIMEOUTS)
        assert transport.active_connections() == 0
        answer = await transport.request(request, TIMEOUTS)
    await transport.aclose()
    assert (caught.value.endpoint, caught.value.body) == ("balance", None)
    assert answer.content == b'{"balance":"1"}'


async def test_an_answer_of_exactly_the_limit_is_read(kind: str) -> None:
    transport = build(kind, limit=1000)
    with LoopbackServer(Reply(body=b" " * 998 + b"{}")) as srv:
        request = HttpRequest(url=f"{srv.url}/sys/balance.php", body=b"login=a&psw=b")
        answer = await transport.request(request, TIMEOUTS)
    await transport.aclose()
    assert len(answer.content) == 1000


async def test_the_client_passes_its_limit_to_the_transport_it_builds(
    anyio_backend: str,
) -> None:
    body = b'{"balance": "1.00", "currency": "RUR"}' + b" " * 2000
    mock = httpx2.MockTransport(lambda request: httpx2.Response(200, content=body))
    async with client(base_url="http://smsc.test", transport=mock, max_response_bytes=2000) as c:
        with pytest.raises(ProtocolError, match="2000-byte limit"):
            await c.balance()
    async with client(base_url="http://smsc.test", transport=mock) as c:
        assert str((await c.balance()).amount) == "1.00"


@pytest.mark.parametrize("limit", [0, -1, True, 1.5])
def test_a_limit_must_be_a_positive_int(limit: object) -> None:
    with pytest.raises(ConfigurationError, match="max_response_bytes"):
        client(max_response_bytes=limit)
    with pytest.raises(ConfigurationError, match="max_response_bytes"):
        HttpxTransport(max_response_bytes=limit)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="max_response_bytes"):
        AiohttpTransport(max_response_bytes=limit)  # type: ignore[arg-type]


def test_a_ready_transport_keeps_its_own_limit() -> None:
    with pytest.raises(ConfigurationError, match="set them on the transport"):
        client(transport=new_fake().transport(), max_response_bytes=1000)
