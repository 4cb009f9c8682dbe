"""A `Transport` over aiohttp, for applications that already run an aiohttp session.

aiohttp is an optional extra, imported when an `AiohttpTransport` is constructed, so this
module (and the package) imports fine without it.

aiohttp runs on asyncio only. Under trio the first request raises `ConfigurationError`; use the
default httpx2 transport there.

Stale keep-alive connections and POST: aiohttp 3.14's ``ClientSession._request`` retries a
request once on a new connection after ``ServerDisconnectedError``/``ClientOSError`` on a
reused connection, but only for methods in ``IDEMPOTENT_METHODS`` (GET, HEAD, OPTIONS, TRACE,
PUT, DELETE; RFC 9112 §9.3.1.1). A POST is never resent: the error reaches us and becomes
`ExchangeFailed`. To make that race rare, idle connections are dropped after
`KEEPALIVE_EXPIRY` seconds (below common 5 s server idle timeouts), as for httpx2.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from types import ModuleType
from typing import TYPE_CHECKING, Any

import anyio

from ._errors import ClientClosedError, ConfigurationError
from ._http import KEEPALIVE_EXPIRY, failure_text
from ._transport import (
    BodyStream,
    ExchangeFailed,
    HttpRequest,
    HttpResponse,
    RequestNotSent,
    Timeouts,
)

if TYPE_CHECKING:
    import aiohttp

__all__ = ["INSTALL_HINT", "AiohttpTransport", "wrap_session"]

INSTALL_HINT = "pip install smsc_async[aiohttp]"


def _import_aiohttp() -> ModuleType:
    try:
        import aiohttp
    except ImportError as exc:
        raise ImportError(
            f"AiohttpTransport needs the aiohttp package; install it with: {INSTALL_HINT}",
            name="aiohttp",
        ) from exc
    return aiohttp


class AiohttpTransport:
    """A `Transport` sending through an ``aiohttp.ClientSession`` (asyncio only).

    Args:
        max_connections: pool size (``TCPConnector(limit=...)``); used only when this
            transport builds its own session.
        session: a caller-owned ``aiohttp.ClientSession``. It is used as is (its connector,
            cookies, proxy settings) except that redirects are never followed and timeouts
            come from each call, and `aclose` leaves it open.

    The own session is created at the first request (aiohttp needs a running loop): no
    cookies kept (``DummyCookieJar``), idle connections kept `KEEPALIVE_EXPIRY` seconds, and
    ``trust_env=False`` (aiohttp's default). With ``trust_env=True`` aiohttp 3.14 looks up
    ``~/.netrc`` in a worker thread on every request, a thread hop per call on the hot path;
    to go through a proxy, pass a session built with ``trust_env=True`` or a ``proxy=``.

    Raises:
        ImportError: aiohttp is not installed (the message says how to install it).
        ConfigurationError: max_connections < 1; or, at the first request, not on asyncio.
    """

    def __init__(
        self, *, max_connections: int = 14, session: aiohttp.ClientSession | None = None
    ) -> None:
        self._aiohttp = _import_aiohttp()
        if max_connections < 1:
            raise ConfigurationError("max_connections must be at least 1")
        aio = self._aiohttp
        self._max_connections = max_connections
        self._session = session
        self._owns_session = session is None
        self._checked_loop = False
        self._closed = False
        # Raised before a byte of the request is written: connecting (TCP, TLS, proxy),
        # waiting for the pool (aiohttp's connect timeout covers it), rejecting the URL.
        self._not_sent: tuple[type[BaseException], ...] = (
            aio.ClientConnectorError,
            aio.ConnectionTimeoutError,
            aio.ServerFingerprintMismatch,
            aio.InvalidURL,
            aio.NonHttpUrlClientError,
        )
        self._failed: tuple[type[BaseException], ...] = (
            aio.ClientError,
            asyncio.TimeoutError,
            OSError,
        )
        self._timeouts: dict[Timeouts, aiohttp.ClientTimeout] = {}
        self._headers: dict[str, dict[str, str]] = {}

    def __repr__(self) -> str:
        owner = "own session" if self._owns_session else "caller's session"
        state = "closed" if self._closed else "open"
        return f"<AiohttpTransport {owner}, max_connections={self._max_connections}, {state}>"

    async def request(self, request: HttpRequest, timeouts: Timeouts) -> HttpResponse:
        """POST ``request`` and return the whole answer (see `Transport.request`).

        Raises:
            RequestNotSent: nothing was sent (connect/TLS/pool failure, bad URL).
            ExchangeFailed: the request may have reached the server.
            ClientClosedError: `aclose` was called before.
            ConfigurationError: not running on asyncio.
        """
        if self._closed:
            raise ClientClosedError("the transport is closed")
        session = self._session if self._checked_loop else None
        if session is None:
            session = self._open()
        timeout = self._timeouts.get(timeouts) or self._timeout(timeouts)
        stream_failures: list[Exception] = []
        data: bytes | AsyncIterator[bytes] = request.body
        if request.stream is None:
            headers = self._headers.get(request.content_type) or self._content_type(request)
        else:
            data = _watched(request.stream, stream_failures)
            headers = {
                "Content-Type": request.content_type,
                "Content-Length": str(request.stream.length),
            }
        try:
            async with session.post(
                request.url,
                data=data,
                headers=headers,
                allow_redirects=False,
                timeout=timeout,
            ) as response:
                content = await response.read()
                return HttpResponse(
                    status=response.status,
                    content=content,
                    content_type=response.headers.get("Content-Type"),
                )
        except self._not_sent as exc:
            failure: Exception = RequestNotSent(failure_text(exc, request.body))
        except self._failed as exc:
            failure = ExchangeFailed(failure_text(exc, request.body))
        if stream_failures:
            # aiohttp wraps what the body stream raised; the stream's own error says more.
            failure = stream_failures[0]
        # Raised here, outside the except blocks, so no exception chain keeps the body.
        raise failure

    async def aclose(self) -> None:
        """Close the session this transport created (idempotent); a caller's stays open."""
        if self._closed:
            return
        self._closed = True
        session, self._session = self._session, None
        if session is not None and self._owns_session:
            with anyio.CancelScope(shield=True):
                await session.close()

    def active_connections(self) -> int:
        """How many connections are checked out of the pool (connecting or mid-exchange).

        A diagnostic for tests and monitoring (it reads the connector's set of acquired
        connections, which aiohttp does not expose publicly): after every call has finished
        or been cancelled this must be 0.
        """
        connector = None if self._session is None else self._session.connector
        return len(getattr(connector, "_acquired", ()))

    def _open(self) -> aiohttp.ClientSession:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            raise ConfigurationError(
                "AiohttpTransport needs asyncio (aiohttp does not run on trio); "
                "use the default httpx2 transport instead"
            ) from None
        self._checked_loop = True
        if self._session is None:
            aio = self._aiohttp
            self._session = aio.ClientSession(
                connector=aio.TCPConnector(
                    limit=self._max_connections,
                    limit_per_host=0,
                    keepalive_timeout=KEEPALIVE_EXPIRY,
                ),
                cookie_jar=aio.DummyCookieJar(),
                trust_env=False,
            )
        return self._session

    def _timeout(self, timeouts: Timeouts) -> aiohttp.ClientTimeout:
        # No total: the client's deadline is enforced by its own cancel scope. `connect`
        # covers the pool wait and the connection; `sock_read` the gaps between reads.
        timeout: aiohttp.ClientTimeout = self._aiohttp.ClientTimeout(
            total=None,
            connect=timeouts.connect,
            sock_connect=timeouts.connect,
            sock_read=timeouts.read,
        )
        self._timeouts[timeouts] = timeout
        return timeout

    def _content_type(self, request: HttpRequest) -> dict[str, str]:
        headers = {"Content-Type": request.content_type}
        if len(self._headers) < 8:
            self._headers[request.content_type] = headers
        return headers


async def _watched(stream: BodyStream, failures: list[Exception]) -> AsyncIterator[bytes]:
    """``stream``'s chunks, noting in ``failures`` an exception the stream itself raised."""
    try:
        async for chunk in stream.chunks():
            yield chunk
    except Exception as exc:
        failures.append(exc)
        raise


def wrap_session(obj: object) -> AiohttpTransport | None:
    """An `AiohttpTransport` around ``obj`` if it is an ``aiohttp.ClientSession``, else None.

    Does not import aiohttp: whoever holds a session has imported it already.
    """
    aio: Any = sys.modules.get("aiohttp")
    if aio is not None and isinstance(obj, aio.ClientSession):
        return AiohttpTransport(session=obj)
    return None
