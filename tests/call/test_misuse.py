"""Only `SmscError` ever escapes a call: another event loop, a broken transport, a broken init.

* A client belongs to the event loop of its first request. Used from a second
  ``asyncio.run`` (or a ``trio.run`` after one) it raises `WrongEventLoopError` before
  anything is sent — the emulator's ledger proves it — instead of sending, getting charged
  and then failing with ``RuntimeError: Event loop is closed``.
* An exception no transport should raise becomes `OutcomeUnknownError` once the request was
  handed over, `NotSentError` before, never chained to the original.
* ``repr`` works on a client whose ``__init__`` raised (a debugger or a traceback shows it).
"""

from __future__ import annotations

import asyncio
import traceback

import anyio
import httpx2
import pytest
import trio

from smsc_async import (
    AsyncClient,
    ClientClosedError,
    ConfigurationError,
    NotSentError,
    OutcomeUnknownError,
    RetryPolicy,
    SendResult,
    WrongEventLoopError,
)
from smsc_async._transports.base import HttpRequest, HttpResponse, Timeouts
from smsc_async.testing import FakeSMSC, serve_in_thread

LOGIN, PASSWORD = "loop-login", "loop-Pa55word"
OK_SEND = b'{"id": 1, "cnt": 1, "cost": "1.50", "balance": "98.50"}'


def emulator() -> FakeSMSC:
    fake = FakeSMSC()
    fake.add_account(LOGIN, PASSWORD)
    return fake


def assert_unchained(exc: BaseException) -> None:
    assert exc.__cause__ is None
    assert exc.__context__ is None
    rendered = "".join(traceback.format_exception(exc))
    assert PASSWORD not in rendered and LOGIN not in rendered


# --- another event loop --------------------------------------------------------------------
# The first loop stays open until the end, so that the client's connection can be closed where
# it belongs (a closed loop would leave it to the garbage collector, with a ResourceWarning).


@pytest.mark.parametrize("second", ["asyncio", "trio"])
def test_a_second_event_loop_is_refused_before_anything_is_sent(second: str) -> None:
    fake = emulator()
    first_loop = asyncio.new_event_loop()
    try:
        with serve_in_thread(fake) as server:
            client = AsyncClient(
                login=LOGIN, password=PASSWORD, base_url=server.url, allow_http=True
            )

            async def send(text: str) -> SendResult:
                return await client.send("79999999999", text)

            assert first_loop.run_until_complete(send("first loop")).id == 1
            with pytest.raises(WrongEventLoopError, match="inside the event loop") as caught:
                if second == "asyncio":
                    asyncio.run(send("second loop"))
                else:
                    trio.run(send, "second loop")
            assert isinstance(caught.value, ClientClosedError)
            assert_unchained(caught.value)
            # The client still works in its own loop.
            assert first_loop.run_until_complete(send("first loop again")).id == 2
            first_loop.run_until_complete(client.aclose())
    finally:
        first_loop.close()
    assert [entry.text for entry in fake.ledger] == ["first loop", "first loop again"]
    assert len(fake.requests) == 2


def test_async_with_or_aclose_in_another_loop() -> None:
    fake = emulator()
    first_loop = asyncio.new_event_loop()
    try:
        with serve_in_thread(fake) as server:
            client = AsyncClient(
                login=LOGIN, password=PASSWORD, base_url=server.url, allow_http=True
            )

            async def enter() -> None:
                async with client:
                    raise AssertionError("not reached")

            first_loop.run_until_complete(client.balance())
            with pytest.raises(WrongEventLoopError):
                asyncio.run(enter())
            # aclose() from the wrong loop marks the client closed and raises nothing; the
            # connection belongs to the first loop, where it is closed here by hand.
            asyncio.run(client.aclose())
            assert client.closed
            with pytest.raises(ClientClosedError):
                first_loop.run_until_complete(client.balance())
            first_loop.run_until_complete(client._transport.aclose())
    finally:
        first_loop.close()
    assert len(fake.requests) == 1


# --- a transport that breaks its contract ---------------------------------------------------


class Broken:
    """A user-written transport raising what no transport should."""

    def __init__(self, exc: Exception) -> None:
        self.exc = exc
        self.calls = 0

    async def request(self, request: HttpRequest, timeouts: Timeouts) -> HttpResponse:
        self.calls += 1
        body = request.body  # a local holding the credentials, as a real transport has
        assert body
        raise self.exc

    async def aclose(self) -> None:
        pass


class WrongSignature:
    """Declares it enforces the deadline but does not take ``deadline=``."""

    enforces_deadline = True

    def __init__(self) -> None:
        self.calls = 0

    async def request(self, request: HttpRequest, timeouts: Timeouts) -> HttpResponse:
        self.calls += 1
        return HttpResponse(status=200, content=OK_SEND, content_type="application/json")

    async def aclose(self) -> None:
        pass


@pytest.mark.anyio
@pytest.mark.parametrize(
    "exc",
    [RuntimeError("Event loop is closed"), KeyError("psw"), ValueError(f"bad psw={PASSWORD}")],
)
async def test_an_unexpected_transport_exception_is_outcome_unknown(exc: Exception) -> None:
    transport = Broken(exc)
    client = AsyncClient(login=LOGIN, password=PASSWORD, transport=transport)
    async with client:
        with pytest.raises(OutcomeUnknownError) as caught:
            await client.send("79999999999", "Hi", id="m-1")
        # A read-only call is not retried after it either: it is a bug, not a network fault.
        with pytest.raises(OutcomeUnknownError):
            await client.balance()
        assert client.limiter.borrowed_tokens == 2  # parked: handed over, fate unknown
    error = caught.value
    assert error.message_id == "m-1"
    assert error.cause is not None and error.cause.startswith(type(exc).__name__)
    if PASSWORD in str(exc):
        assert error.cause == type(exc).__name__  # the message showed the password
    else:
        assert str(exc) in error.cause
    assert_unchained(error)
    assert transport.calls == 2


@pytest.mark.anyio
async def test_a_transport_that_cannot_be_called_is_not_sent() -> None:
    transport = WrongSignature()
    client = AsyncClient(login=LOGIN, password=PASSWORD, transport=transport)  # type: ignore[arg-type]
    async with client:
        with pytest.raises(NotSentError) as caught:
            await client.send("79999999999", "Hi")
        assert client.limiter.borrowed_tokens == 0
    assert transport.calls == 0
    assert caught.value.cause is not None and caught.value.cause.startswith("TypeError")
    assert_unchained(caught.value)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("failure", "error"),
    [
        (httpx2.ConnectError("refused"), NotSentError),
        (httpx2.ReadTimeout("timed out"), OutcomeUnknownError),
    ],
)
async def test_transport_failures_are_raised_without_a_chain(
    failure: Exception, error: type[Exception]
) -> None:
    def fail(request: httpx2.Request) -> httpx2.Response:
        raise failure

    client = AsyncClient(
        login=LOGIN,
        password=PASSWORD,
        transport=httpx2.MockTransport(fail),
        retry=RetryPolicy(attempts=1),
    )
    async with client:
        with pytest.raises(error) as caught:
            await client.send("79999999999", "Hi")
    assert_unchained(caught.value)


# --- repr of a half-built client -------------------------------------------------------------


def test_repr_of_a_client_whose_init_raised() -> None:
    bare = AsyncClient.__new__(AsyncClient)
    assert repr(bare).startswith("AsyncClient(")
    half = AsyncClient.__new__(AsyncClient)
    with pytest.raises(ConfigurationError):
        half.__init__(login=LOGIN, password=PASSWORD, base_url="ftp://example.com")  # type: ignore[misc]
    text = repr(half)
    assert "auth=login+password" in text and PASSWORD not in text


@pytest.mark.anyio
async def test_many_tasks_of_one_loop_share_the_client() -> None:
    # Many calls from many tasks of one loop are all fine (the loop is remembered once).
    fake = emulator()
    async with (
        AsyncClient(login=LOGIN, password=PASSWORD, transport=fake.transport()) as client,
        anyio.create_task_group() as tg,
    ):
        for n in range(20):
            tg.start_soon(client.send, "79999999999", f"text {n}")
    assert len(fake.ledger) == 20
