"""Conformance of the network transports (httpx2 and aiohttp) to the `Transport` contract.

Every contract test runs against a real loopback socket for both transports; aiohttp runs on
asyncio only, so its trio cases are skipped.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from typing import Any

import anyio
import httpx2
import pytest
from loopback import LoopbackServer, Received, Reply, refused_url
from secrecy import assert_no_leak

from smsc_async._errors import ClientClosedError, ConfigurationError
from smsc_async._transports.base import (
    ExchangeFailed,
    HttpRequest,
    HttpResponse,
    RequestNotSent,
    Timeouts,
    Transport,
)
from smsc_async._transports.choose import coerce_transport
from smsc_async._transports.shared import failure_text
from smsc_async.transports import AiohttpTransport, HttpxTransport

pytestmark = pytest.mark.anyio

SECRET = "S3cr3t-Pa55w0rd"
BODY = f"login=alice&psw={SECRET}&phones=79990001122&mes=hello&fmt=3".encode()
PATH = "/sys/send.php"
TIMEOUTS = Timeouts(connect=2.0, read=2.0, write=2.0, deadline=10.0)
QUICK_READ = Timeouts(connect=2.0, read=0.2, write=2.0, deadline=10.0)

AnyTransport = HttpxTransport | AiohttpTransport


def build(kind: str, **options: Any) -> AnyTransport:
    return HttpxTransport(**options) if kind == "httpx" else AiohttpTransport(**options)


@pytest.fixture(params=["httpx", "aiohttp"])
def kind(request: pytest.FixtureRequest, anyio_backend: str) -> str:
    if request.param == "aiohttp" and anyio_backend == "trio":
        pytest.skip("aiohttp runs on asyncio only")
    return str(request.param)


@pytest.fixture
async def transport(kind: str) -> AsyncIterator[AnyTransport]:
    transport = build(kind)
    yield transport
    await transport.aclose()


def post(url: str, body: bytes = BODY, content_type: str | None = None) -> HttpRequest:
    if content_type is None:
        return HttpRequest(url=url + PATH, body=body)
    return HttpRequest(url=url + PATH, body=body, content_type=content_type)


def assert_body_free(exc: BaseException) -> None:
    """Neither the text, the repr, the chain nor the printed traceback shows the body."""
    assert exc.__cause__ is None
    assert exc.__context__ is None
    printed = "".join(traceback.format_exception(exc))
    for text in (str(exc), repr(exc), printed):
        assert SECRET not in text
    assert str(exc)  # but it does say what happened


# Contract, over a real socket.


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "application/json; charset=utf-8"]
)
async def test_post_body_and_content_type_arrive_exactly(
    transport: AnyTransport, content_type: str
) -> None:
    answer = Reply(body=b'{"id":7,"cnt":1}', content_type="application/json; charset=utf-8")
    with LoopbackServer(answer) as srv:
        response = await transport.request(post(srv.url, content_type=content_type), TIMEOUTS)
        [received] = srv.requests
    assert (received.method, received.path, received.body) == ("POST", PATH, BODY)
    assert received.header("Content-Type") == content_type
    assert received.header("Content-Length") == str(len(BODY))
    assert (response.status, response.content) == (200, b'{"id":7,"cnt":1}')
    assert response.content_type == "application/json; charset=utf-8"


async def test_missing_content_type_is_none(transport: AnyTransport) -> None:
    with LoopbackServer(Reply(body=b"OK", content_type=None)) as srv:
        response = await transport.request(post(srv.url), TIMEOUTS)
    assert (response.content, response.content_type) == (b"OK", None)


async def test_keep_alive_connection_is_reused(transport: AnyTransport) -> None:
    with LoopbackServer() as srv:
        for _ in range(3):
            await transport.request(post(srv.url), TIMEOUTS)
        assert srv.connections_opened == 1


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_redirect_is_returned_not_followed(transport: AnyTransport, status: int) -> None:
    with LoopbackServer(Reply.redirect("/elsewhere", status)) as srv:
        response = await transport.request(post(srv.url), TIMEOUTS)
        assert len(srv.requests) == 1
    assert response.status == status


async def test_server_error_is_returned(transport: AnyTransport) -> None:
    with LoopbackServer(Reply(status=503, body=b"busy", content_type="text/plain")) as srv:
        response = await transport.request(post(srv.url), TIMEOUTS)
    assert (response.status, response.content, response.content_type) == (
        503,
        b"busy",
        "text/plain",
    )


async def test_connection_refused_is_request_not_sent(transport: AnyTransport) -> None:
    with pytest.raises(RequestNotSent) as caught:
        await transport.request(post(refused_url()), TIMEOUTS)
    assert_body_free(caught.value)


async def test_hang_up_after_reading_is_exchange_failed(transport: AnyTransport) -> None:
    with LoopbackServer(Reply.hang_up()) as srv:
        with pytest.raises(ExchangeFailed) as caught:
            await transport.request(post(srv.url), TIMEOUTS)
        assert [r.body for r in srv.requests] == [BODY]
    assert_body_free(caught.value)


@pytest.mark.parametrize(
    "answer",
    [Reply(delay=30.0), Reply(body=b"slow", drip_interval=30.0)],
    ids=["silent", "dripping"],
)
async def test_read_timeout_is_exchange_failed(transport: AnyTransport, answer: Reply) -> None:
    with LoopbackServer(answer) as srv, pytest.raises(ExchangeFailed) as caught:
        await transport.request(post(srv.url), QUICK_READ)
    assert_body_free(caught.value)


async def test_drip_faster_than_read_timeout_completes(transport: AnyTransport) -> None:
    with LoopbackServer(Reply(body=b"abcd", drip_interval=0.01)) as srv:
        response = await transport.request(post(srv.url), TIMEOUTS)
    assert response.content == b"abcd"


async def test_pool_never_exceeds_max_connections(kind: str) -> None:
    release = threading.Event()
    transport = build(kind, max_connections=3)
    statuses: list[int] = []

    async def call() -> None:
        statuses.append((await transport.request(post(srv.url), TIMEOUTS)).status)

    try:
        with LoopbackServer(Reply(hold=release)) as srv:
            async with anyio.create_task_group() as tg:
                for _ in range(6):
                    tg.start_soon(call)
                await anyio.to_thread.run_sync(srv.wait_until, lambda s: s.in_flight == 3)
                release.set()
            assert (srv.max_in_flight, srv.connections_opened) == (3, 3)
    finally:
        release.set()
        await transport.aclose()
    assert statuses == [200] * 6


async def test_pool_wait_beyond_connect_timeout_is_request_not_sent(kind: str) -> None:
    release = threading.Event()
    transport = build(kind, max_connections=1)
    quick_connect = Timeouts(connect=0.1, read=5.0, write=5.0, deadline=10.0)
    try:
        with LoopbackServer(Reply(hold=release)) as srv:
            async with anyio.create_task_group() as tg:
                tg.start_soon(transport.request, post(srv.url), TIMEOUTS)
                await anyio.to_thread.run_sync(srv.wait_until, lambda s: s.in_flight == 1)
                with pytest.raises(RequestNotSent) as caught:
                    await transport.request(post(srv.url), quick_connect)
                release.set()
            assert len(srv.requests) == 1
    finally:
        release.set()
        await transport.aclose()
    assert_body_free(caught.value)


@pytest.mark.parametrize("phase", ["awaiting answer", "reading body"])
async def test_cancelled_calls_leave_no_active_connection(kind: str, phase: str) -> None:
    release = threading.Event()
    if phase == "awaiting answer":
        answer, reached = Reply(hold=release), lambda s: s.in_flight == 4
    else:
        answer, reached = (
            Reply(body=b"x" * 64, drip_interval=0.5),
            lambda s: s.responses_started == 4,
        )
    transport = build(kind, max_connections=4)
    try:
        with LoopbackServer(answer) as srv:
            async with anyio.create_task_group() as tg:
                for _ in range(4):
                    tg.start_soon(transport.request, post(srv.url), TIMEOUTS)
                await anyio.to_thread.run_sync(srv.wait_until, reached)
                assert transport.active_connections() == 4
                tg.cancel_scope.cancel()
            assert transport.active_connections() == 0
        release.set()
        with LoopbackServer() as srv:  # the pool is still usable afterwards
            assert (await transport.request(post(srv.url), TIMEOUTS)).status == 200
            assert transport.active_connections() == 0
    finally:
        release.set()
        await transport.aclose()


@pytest.mark.parametrize("anyio_backend", ["asyncio"])  # aiohttp runs on asyncio only
async def test_aiohttp_deadline_bounds_a_dripping_answer() -> None:
    # Each gap is far below `read`: only the deadline can stop it. The first budget is kept
    # by the transport's watchdog, another one by aiohttp's ClientTimeout.total.
    transport = AiohttpTransport()
    try:
        with LoopbackServer(Reply(body=b"x" * 64, drip_interval=0.1)) as srv:
            for deadline in (0.3, 0.4, 0.3):
                start = anyio.current_time()
                with pytest.raises(ExchangeFailed) as caught:
                    await transport.request(post(srv.url), TIMEOUTS, deadline=deadline)
                assert anyio.current_time() - start < 2.0
                assert_body_free(caught.value)
                assert transport.active_connections() == 0
        with LoopbackServer() as srv:  # a call within its deadline is not disturbed
            response = await transport.request(post(srv.url), TIMEOUTS, deadline=0.3)
            assert response.status == 200
    finally:
        await transport.aclose()


@pytest.mark.parametrize("anyio_backend", ["asyncio"])  # aiohttp runs on asyncio only
async def test_aiohttp_caller_cancellation_under_a_deadline_stays_a_cancellation() -> None:
    release = threading.Event()
    transport = AiohttpTransport()
    try:
        with LoopbackServer(Reply(hold=release)) as srv:
            with anyio.move_on_after(0.2) as scope:
                await transport.request(post(srv.url), TIMEOUTS, deadline=5.0)
            assert scope.cancelled_caught
            assert transport.active_connections() == 0
            release.set()
            response = await transport.request(post(srv.url), TIMEOUTS, deadline=5.0)
            assert response.status == 200
    finally:
        release.set()
        await transport.aclose()


# Lifecycle and ownership.


async def test_closed_transport_refuses_calls(kind: str) -> None:
    transport = build(kind)
    assert transport.active_connections() == 0  # nothing opened before the first call
    with LoopbackServer() as srv:
        await transport.request(post(srv.url), TIMEOUTS)
        await transport.aclose()
        await transport.aclose()  # idempotent
        with pytest.raises(ClientClosedError):
            await transport.request(post(srv.url), TIMEOUTS)


async def test_caller_owned_httpx_client_is_used_and_left_open() -> None:
    # A caller's client that follows redirects still gets the 3xx back from us.
    async with httpx2.AsyncClient(follow_redirects=True) as client:
        own = HttpxTransport(client=client)
        with LoopbackServer(Reply.redirect("/elsewhere")) as srv:
            assert (await own.request(post(srv.url), TIMEOUTS)).status == 302
            await own.aclose()
            assert not client.is_closed
            assert (await client.post(srv.url, follow_redirects=False)).status_code == 302


async def test_caller_owned_aiohttp_session_is_left_open(anyio_backend: str) -> None:
    if anyio_backend != "asyncio":
        pytest.skip("aiohttp runs on asyncio only")
    import aiohttp

    async with aiohttp.ClientSession() as session:
        own = AiohttpTransport(session=session)
        with LoopbackServer() as srv:
            assert (await own.request(post(srv.url), TIMEOUTS)).status == 200
            await own.aclose()
            assert not session.closed
            async with session.post(srv.url) as response:
                assert response.status == 200


async def test_own_client_is_closed_with_the_transport() -> None:
    transport = HttpxTransport()
    with LoopbackServer() as srv:
        await transport.request(post(srv.url), TIMEOUTS)
        client = transport._client
        assert client is not None
        await transport.aclose()
    assert client.is_closed


async def test_aiohttp_on_trio_says_so(anyio_backend: str) -> None:
    if anyio_backend != "trio":
        pytest.skip("checks the trio refusal")
    transport = AiohttpTransport()
    with pytest.raises(ConfigurationError, match="asyncio"):
        await transport.request(post("http://127.0.0.1:9"), TIMEOUTS)
    await transport.aclose()


def test_invalid_construction_is_rejected() -> None:
    with pytest.raises(ConfigurationError):
        HttpxTransport(max_connections=0)
    with pytest.raises(ConfigurationError):
        AiohttpTransport(max_connections=0)
    with pytest.raises(ConfigurationError):
        HttpxTransport(client=httpx2.AsyncClient(), transport=httpx2.MockTransport(echo))


def test_aiohttp_missing_gives_install_hint() -> None:
    script = (
        "import sys; sys.modules['aiohttp'] = None\n"
        "import smsc_async, smsc_async.transports as t\n"
        "try:\n    t.AiohttpTransport()\n"
        "except ImportError as e:\n    print(e)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=30
    )
    assert "pip install smsc_async[aiohttp]" in result.stdout


# coerce_transport and exception mapping, in memory.


def echo(request: httpx2.Request) -> httpx2.Response:
    assert request.url.query == b""
    return httpx2.Response(
        201, content=request.content, headers={"Content-Type": request.headers["content-type"]}
    )


async def asgi_echo(
    scope: MutableMapping[str, Any],
    receive: Callable[[], Awaitable[MutableMapping[str, Any]]],
    send: Callable[[MutableMapping[str, Any]], Awaitable[None]],
) -> None:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    headers = [(b"content-type", b"text/plain")]
    await send({"type": "http.response.start", "status": 202, "headers": headers})
    await send({"type": "http.response.body", "body": body})


@pytest.mark.parametrize(
    ("make", "status", "content_type"),
    [
        (lambda: httpx2.MockTransport(echo), 201, "application/x-www-form-urlencoded"),
        (lambda: httpx2.ASGITransport(asgi_echo), 202, "text/plain"),
        (lambda: httpx2.AsyncClient(transport=httpx2.MockTransport(echo)), 201, None),
    ],
    ids=["MockTransport", "ASGITransport", "AsyncClient"],
)
async def test_coerce_wraps_httpx_objects(
    make: Callable[[], object], status: int, content_type: str | None
) -> None:
    given = make()
    transport = coerce_transport(given, max_connections=2)
    assert isinstance(transport, HttpxTransport)
    response = await transport.request(post("http://smsc.test"), TIMEOUTS)
    assert (response.status, response.content) == (status, BODY)
    if content_type is not None:
        assert response.content_type == content_type
    await transport.aclose()
    if isinstance(given, httpx2.AsyncClient):
        assert not given.is_closed  # the caller's client stays open
        await given.aclose()


async def test_coerce_passes_transports_through_and_rejects_junk() -> None:
    class Custom:
        async def request(self, request: HttpRequest, timeouts: Timeouts) -> HttpResponse:
            return HttpResponse(status=200, content=b"")

        async def aclose(self) -> None:
            pass

    custom = Custom()
    assert coerce_transport(custom, max_connections=1) is custom
    assert isinstance(coerce_transport(None, max_connections=1), HttpxTransport)
    for junk in ("https://smsc.ru", httpx2.Client(), 42):
        with pytest.raises(TypeError, match="transport must be"):
            coerce_transport(junk, max_connections=1)


async def test_coerce_wraps_aiohttp_session(anyio_backend: str) -> None:
    if anyio_backend != "asyncio":
        pytest.skip("aiohttp runs on asyncio only")
    import aiohttp

    async with aiohttp.ClientSession() as session:
        transport = coerce_transport(session, max_connections=1)
        assert isinstance(transport, AiohttpTransport)
        await transport.aclose()
        assert not session.closed


def raising(exc: Exception) -> httpx2.MockTransport:
    def handler(request: httpx2.Request) -> httpx2.Response:
        raise exc

    return httpx2.MockTransport(handler)


@pytest.mark.parametrize(
    ("library_error", "mapped"),
    [
        (httpx2.ConnectError("[Errno 111] Connection refused"), RequestNotSent),
        (httpx2.ConnectTimeout("timed out"), RequestNotSent),
        (httpx2.PoolTimeout("no connection free"), RequestNotSent),
        (httpx2.ProxyError("407 Proxy Authentication Required"), RequestNotSent),
        (httpx2.UnsupportedProtocol("ftp://"), RequestNotSent),
        (httpx2.WriteError("broken pipe"), ExchangeFailed),
        (httpx2.WriteTimeout("timed out"), ExchangeFailed),
        (httpx2.ReadError("connection reset"), ExchangeFailed),
        (httpx2.ReadTimeout("timed out"), ExchangeFailed),
        (httpx2.RemoteProtocolError("Server disconnected"), ExchangeFailed),
        (httpx2.LocalProtocolError("illegal header"), ExchangeFailed),
        (httpx2.DecodingError("bad gzip"), ExchangeFailed),
        (httpx2.ReadError(f"echo of {BODY.decode()}"), ExchangeFailed),
        # Not httpx2's own: whatever escapes the library (a closed event loop, a bug).
        (RuntimeError("Event loop is closed"), ExchangeFailed),
        (ValueError("unexpected"), ExchangeFailed),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, Exception) else v.__name__,
)
async def test_httpx_errors_map_to_exactly_one_outcome(
    library_error: Exception, mapped: type[Exception]
) -> None:
    transport = HttpxTransport(transport=raising(library_error))
    with pytest.raises(mapped) as caught:
        await transport.request(post("http://smsc.test"), TIMEOUTS)
    assert type(caught.value) is mapped
    assert str(caught.value).startswith(type(library_error).__name__)
    assert_body_free(caught.value)
    await transport.aclose()


async def test_unexpected_aiohttp_failure_is_exchange_failed_chained_to_nothing(
    anyio_backend: str,
) -> None:
    """An exception from deep inside aiohttp (here a trace hook) is mapped like its own."""
    if anyio_backend == "trio":
        pytest.skip("aiohttp runs on asyncio only")
    import aiohttp

    async def explode(*_: object) -> None:
        raise RuntimeError("boom inside aiohttp")

    trace = aiohttp.TraceConfig()
    trace.on_request_headers_sent.append(explode)
    with LoopbackServer() as srv:
        async with aiohttp.ClientSession(trace_configs=[trace]) as session:
            transport = AiohttpTransport(session=session)
            with pytest.raises(ExchangeFailed) as caught:
                await transport.request(post(srv.url), TIMEOUTS)
    assert str(caught.value) == "RuntimeError: boom inside aiohttp"
    assert_body_free(caught.value)
    assert_no_leak(caught.value, {SECRET})


def failing_stream(url: str) -> HttpRequest:
    """The first chunk (with the credentials) goes out; the stream fails on the second."""
    chunks = [f"--xyz\r\npsw={SECRET}\r\n".encode(), b"rest", b"--xyz--\r\n"]
    return streamed(url, ChunkStream(chunks, error=ValueError("file changed")))


@pytest.mark.parametrize("failure", ["refused", "hang-up", "read-timeout", "stream"])
async def test_no_frame_of_a_failure_holds_the_body(kind: str, failure: str) -> None:
    """Error trackers record every frame's locals: none of ours may hold the credentials."""
    transport = build(kind)
    answer = Reply.hang_up() if failure == "hang-up" else Reply(delay=1.0)
    with LoopbackServer(answer) as srv:
        url = refused_url() if failure == "refused" else srv.url
        request = failing_stream(url) if failure == "stream" else post(url)
        with pytest.raises(Exception) as caught:
            await transport.request(request, QUICK_READ)
    await transport.aclose()
    expected = {
        "refused": RequestNotSent,
        "hang-up": ExchangeFailed,
        "read-timeout": ExchangeFailed,
        "stream": ValueError,
    }
    assert type(caught.value) is expected[failure]
    assert_no_leak(caught.value, {SECRET})


@pytest.mark.parametrize("kind", ["httpx", "aiohttp"])
def test_a_second_event_loop_fails_cleanly(kind: str) -> None:
    """Used from a second ``asyncio.run``: aiohttp's transport refuses before sending;
    httpx2's connection, made on the closed loop, has sent the request: outcome unknown."""
    transport = build(kind)
    first = asyncio.new_event_loop()
    with LoopbackServer() as srv:
        answer = first.run_until_complete(transport.request(post(srv.url), TIMEOUTS))
        assert answer.status == 200
        with pytest.raises(Exception) as caught:
            asyncio.run(transport.request(post(srv.url), TIMEOUTS))
        sent = len(srv.requests)
        first.run_until_complete(transport.aclose())
        first.close()
    if kind == "aiohttp":
        assert type(caught.value) is ConfigurationError
        assert "event loop" in str(caught.value)
        assert sent == 1
    else:
        assert type(caught.value) is ExchangeFailed
    assert_body_free(caught.value)
    assert_no_leak(caught.value, {SECRET})


def test_failure_text_is_short_and_body_free() -> None:
    assert failure_text(OSError("refused"), BODY) == "OSError: refused"
    assert failure_text(OSError(), BODY) == "OSError"
    assert failure_text(OSError(f"got {BODY.decode()}!"), BODY) == "OSError"
    assert len(failure_text(OSError("x" * 1000), BODY)) == 300


def test_transports_satisfy_the_protocol() -> None:
    assert isinstance(HttpxTransport(), Transport)
    assert isinstance(AiohttpTransport(), Transport)


def test_loopback_records_what_it_received() -> None:
    # The helper itself: a request the test server got is the one that was sent.
    with LoopbackServer(lambda received: Reply(body=received.body)) as srv:
        response = httpx2.post(srv.url + "/x?y=1", content=b"abc")
        assert response.content == b"abc"
        assert srv.requests == [
            Received(method="POST", path="/x?y=1", headers=srv.requests[0].headers, body=b"abc")
        ]
        assert (srv.in_flight, srv.max_in_flight) == (0, 1)


# Streamed bodies (multipart uploads): exact bytes, exact length, errors passed through.


class ChunkStream:
    """A `BodyStream` of fixed chunks; optionally raises ``error`` after the first chunk."""

    def __init__(self, chunks: list[bytes], error: Exception | None = None) -> None:
        self._chunks = chunks
        self._error = error
        self.length = sum(len(chunk) for chunk in chunks)
        self.iterations = 0

    async def chunks(self) -> AsyncIterator[bytes]:
        self.iterations += 1
        for index, chunk in enumerate(self._chunks):
            if index == 1 and self._error is not None:
                raise self._error
            yield chunk


STREAM_TYPE = "multipart/form-data; boundary=xyz"


def streamed(url: str, stream: ChunkStream) -> HttpRequest:
    return HttpRequest(url=url + PATH, stream=stream, content_type=STREAM_TYPE)


async def test_streamed_body_arrives_exactly_with_its_length(transport: AnyTransport) -> None:
    chunks = [f"--xyz\r\npsw={SECRET}\r\n".encode(), b"\x00\xff" * 40_000, b"", b"--xyz--\r\n"]
    stream = ChunkStream(chunks)
    with LoopbackServer() as srv:
        for _ in range(2):  # the same stream, produced again for a second request
            response = await transport.request(streamed(srv.url, stream), TIMEOUTS)
            assert response.status == 200
        first, second = srv.requests
    assert first.body == second.body == b"".join(chunks)
    assert first.header("Content-Length") == str(stream.length)
    assert first.header("Content-Type") == STREAM_TYPE
    assert first.header("Transfer-Encoding") is None
    assert stream.iterations == 2


@pytest.mark.parametrize(
    "error",
    [RequestNotSent("cannot be sent a second time"), ValueError("file changed")],
    ids=["RequestNotSent", "ValueError"],
)
async def test_error_raised_by_the_stream_passes_through(
    transport: AnyTransport, error: Exception
) -> None:
    stream = ChunkStream([b"--xyz\r\n", b"rest", b"--xyz--\r\n"], error=error)
    with LoopbackServer() as srv:
        with pytest.raises(type(error)) as caught:
            await transport.request(streamed(srv.url, stream), TIMEOUTS)
        assert caught.value is error
        assert transport.active_connections() == 0
        # The transport stays usable afterwards.
        response = await transport.request(post(srv.url), TIMEOUTS)
    assert response.status == 200


def test_http_request_takes_a_body_or_a_stream() -> None:
    stream = ChunkStream([b"abc"])
    request = HttpRequest(url="https://smsc.ru/sys/send.php", stream=stream)
    assert (request.length, request.body) == (3, b"")
    assert repr(request) == "HttpRequest(url='https://smsc.ru/sys/send.php', stream=<3 bytes>)"
    with pytest.raises(ValueError, match="not both"):
        HttpRequest(url="https://smsc.ru/sys/send.php", body=b"x", stream=stream)
