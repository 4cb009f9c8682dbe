"""A `Transport` over aiohttp, for applications that already run an aiohttp session.

aiohttp is an optional extra, imported when an `AiohttpTransport` is constructed, so this
module (and the package) imports fine without it.

aiohttp runs on asyncio only. Under trio the first request raises `ConfigurationError`; use the
default httpx2 transport there.

Stale keep-alive connections and POST: aiohttp 3.14's ``ClientSession._request`` retries a
request once on a new connection after ``ServerDisconnectedError``/``ClientOSError`` on a
reused connection, but only for methods in ``IDEMPOTENT_METHODS`` (GET, HEAD, OPTIONS, TRACE,
PUT, DELETE: the methods HTTP/1.1 lets a client retry on its own). A POST is never resent:
the error reaches us and becomes `ExchangeFailed`. To make that race rare, idle connections
are dropped after `KEEPALIVE_EXPIRY` seconds (below common 5 s server idle timeouts), as for
httpx2.

The call deadline: this transport enforces it itself (``enforces_deadline``). The first
attempt of every call is watched by a `Watchdog` (one event-loop timer for all exchanges in
flight; see its module for why); other deadlines (a retry's remaining time) and Python 3.10
(no ``Task.uncancel``) use aiohttp's ``ClientTimeout.total``.

Proxies behave as on the httpx2 transport: an explicit ``proxy=`` carries every request;
without one, ``HTTP_PROXY``/``HTTPS_PROXY``/``ALL_PROXY`` and ``NO_PROXY`` are read from the
environment once, when the session is made, and the proxy (or none) for each URL is passed
per request. aiohttp's own ``trust_env`` would look up ``~/.netrc`` and the environment in a
worker thread on every request, a thread hop per call on the hot path, so it stays off.

Answers are read up to ``max_response_bytes`` of *decompressed* body (aiohttp inflates gzip
in bounded pieces as it is read), as on the httpx2 transport; a declared length over the
limit is refused before reading. Every exception is mapped, as there, and raised outside the
``except`` blocks; no frame of ours keeps the request body in a local.
"""

from __future__ import annotations

import asyncio
import math
import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final

import anyio

from .._errors import ClientClosedError, ConfigurationError
from .base import (
    RETRY_AFTER_STATUSES,
    ExchangeFailed,
    HttpRequest,
    HttpResponse,
    RequestNotSent,
    Timeouts,
)
from .proxy import Route, environment_proxies, route_to
from .shared import (
    KEEPALIVE_EXPIRY,
    MAX_RESPONSE_BYTES,
    NO_FAILURES,
    check_limits,
    failure_text,
    stream_failure,
    too_large,
    watched,
)
from .watchdog import Watchdog

if TYPE_CHECKING:
    import aiohttp

__all__ = ["INSTALL_HINT", "AiohttpTransport", "wrap_session"]

INSTALL_HINT = "pip install smsc_async[aiohttp]"
_MAX_CACHED: Final = 8


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
        max_response_bytes: the largest answer read, counted after decompression; a larger
            one ends the exchange and the call raises `ProtocolError`.
        proxy: an ``http://`` or ``https://`` proxy URL for every request (credentials may be
            given in it). Without it, the environment's ``HTTP_PROXY``/``HTTPS_PROXY``/
            ``ALL_PROXY``/``NO_PROXY`` decide, read once at the first request — but not on a
            caller's session, whose own ``trust_env`` decides there.
        session: a caller-owned ``aiohttp.ClientSession``. It is used as is (its connector,
            cookies, proxy settings) except that redirects are never followed and timeouts
            come from each call, and `aclose` leaves it open.

    The own session is created at the first request (aiohttp needs a running loop): no
    cookies kept (``DummyCookieJar``), idle connections kept `KEEPALIVE_EXPIRY` seconds, and
    aiohttp's ``trust_env`` off (see the module docstring for how the environment's proxies
    are honoured without its cost).

    Raises:
        ImportError: aiohttp is not installed (the message says how to install it).
        ConfigurationError: max_connections or max_response_bytes below 1, a proxy that is not
            an http(s) URL; or, at a request, not on asyncio or not on the event loop of the
            first request.
    """

    def __init__(
        self,
        *,
        max_connections: int = 14,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        proxy: str | None = None,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self._aiohttp = _import_aiohttp()
        check_limits(max_connections, max_response_bytes, proxy)
        aio = self._aiohttp
        self._max_connections = max_connections
        self._max_response_bytes = max_response_bytes
        self._session = session
        self._owns_session = session is None
        self._loop: asyncio.AbstractEventLoop | None = None  # the first request's
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
        self._timeouts: dict[Timeouts, aiohttp.ClientTimeout] = {}
        # The last timeout without a total, found by identity (hashing Timeouts costs more).
        self._last: tuple[Timeouts, aiohttp.ClientTimeout] | None = None
        self._watchdog: Watchdog | None = None  # made at the first request (needs the loop)
        self._headers: dict[str, dict[str, str]] = {}
        # The proxy for every URL (explicit), or the environment's, read at the first request.
        self._proxy = proxy
        self._env_proxies: dict[str, str] | None = None
        self._routes: dict[str, Route] = {}

    #: aiohttp bounds a whole exchange itself (``ClientTimeout.total``), so the client passes
    #: the call's remaining seconds as ``deadline`` instead of entering a cancel scope.
    enforces_deadline = True

    def __repr__(self) -> str:
        owner = "own session" if self._owns_session else "caller's session"
        proxy = ", explicit proxy" if self._proxy is not None else ""
        state = "closed" if self._closed else "open"
        return (
            f"<AiohttpTransport {owner}, max_connections={self._max_connections}{proxy}, {state}>"
        )

    async def request(
        self, request: HttpRequest, timeouts: Timeouts, *, deadline: float | None = None
    ) -> HttpResponse:
        """POST ``request`` and return the whole answer (see `Transport.request`).

        ``deadline`` bounds the whole exchange, from the pool wait to the answer's last byte
        (see `DeadlineTransport.request`); it becomes aiohttp's ``ClientTimeout.total``.

        Raises:
            RequestNotSent: nothing was sent (connect/TLS/pool failure, bad URL).
            ExchangeFailed: the request may have reached the server.
            ProtocolError: the answer is larger than ``max_response_bytes``.
            ClientClosedError: `aclose` was called before.
            ConfigurationError: not running on asyncio, or on another event loop than the
                first request (nothing is sent).
        """
        if self._closed:
            raise ClientClosedError("the transport is closed")
        loop = asyncio._get_running_loop()  # None on trio: refused by `_open`
        session = self._session
        if session is None or loop is not self._loop:
            session = self._open(loop)
        stream_failures = NO_FAILURES
        if request.stream is None:
            headers = self._headers.get(request.content_type) or self._content_type(request)
        else:
            stream_failures = []
            headers = {
                "Content-Type": request.content_type,
                "Content-Length": str(request.stream.length),
            }
        proxy, proxy_headers, authorization = self._routes.get(request.url) or self._route(
            request.url
        )
        if authorization is not None:
            headers = {**headers, **authorization}
        watchdog = self._watchdog
        guard = None if deadline is None or watchdog is None else watchdog.watch(deadline)
        if deadline is None or guard is not None:
            last = self._last
            timeout = (
                last[1] if last is not None and last[0] is timeouts else self._cached(timeouts)
            )
        else:  # a deadline the watchdog does not keep: aiohttp's own total limit
            timeout = self._timeout(timeouts, deadline)
        limit = self._max_response_bytes
        # The body goes straight into the call: no frame of ours holds it in a local, which
        # an error tracker recording locals would capture.
        try:
            async with session.post(
                request.url,
                data=request.body
                if request.stream is None
                else watched(request.stream, stream_failures),
                headers=headers,
                allow_redirects=False,
                timeout=timeout,
                proxy=proxy,
                proxy_headers=proxy_headers,
            ) as response:
                length = response.content_length
                if (
                    length is not None
                    and length <= limit
                    and "Content-Encoding" not in response.headers
                ):
                    content: bytes | None = await response.read()  # at most `length` bytes
                else:
                    content = await _read(response, limit)
                status = response.status
                if content is not None:
                    return HttpResponse(
                        status=status,
                        content=content,
                        content_type=response.headers.get("Content-Type"),
                        retry_after=(
                            response.headers.get("Retry-After")
                            if status in RETRY_AFTER_STATUSES
                            else None
                        ),
                    )
                response.close()  # drop the connection with the rest of the answer unread
                failure: Exception = too_large(request, status, limit)
        except self._not_sent as exc:
            failure = RequestNotSent(failure_text(exc, request.body))
        except asyncio.CancelledError:
            if guard is None or not guard.took_back():
                raise  # the caller's cancellation, not the deadline
            failure = ExchangeFailed(f"no answer within the {deadline:g} s deadline")
        except Exception as exc:  # noqa: BLE001 - aiohttp's, OSError, timeouts, the unexpected
            failure = ExchangeFailed(failure_text(exc, request.body))
        finally:
            if guard is not None and watchdog is not None:
                watchdog.release(guard)
        if stream_failures:
            # aiohttp wraps what the body stream raised; the stream's own error says more.
            failure = stream_failure(stream_failures)
        # Raised here, outside the except blocks, so no exception chain keeps the body.
        raise failure

    async def aclose(self) -> None:
        """Close the session this transport created (idempotent); a caller's stays open."""
        if self._closed:
            return
        self._closed = True
        # The watchdog stays armed: calls still in flight (on a caller-owned session, which
        # closing does not abort) keep their deadline.
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

    def _open(self, loop: asyncio.AbstractEventLoop | None) -> aiohttp.ClientSession:
        """Bind to ``loop`` at the first request (and make our session), or refuse it."""
        if loop is None:
            raise ConfigurationError(
                "AiohttpTransport needs asyncio (aiohttp does not run on trio); "
                "use the default httpx2 transport instead"
            )
        if self._loop is not None:
            # The session's connections and timers belong to the first loop: using them from
            # another one sends the request and then fails to read the answer.
            raise ConfigurationError(
                "this AiohttpTransport is bound to the event loop of its first request; "
                "create a client (and its transport) per event loop"
            )
        self._loop = loop
        if sys.version_info >= (3, 11):  # it needs Task.uncancel
            self._watchdog = Watchdog(loop)
        if self._session is None:
            # Once, as httpx2 reads them when its client is made (the caller's session has
            # its own `trust_env` to decide with).
            self._env_proxies = environment_proxies()
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

    def _timeout(self, timeouts: Timeouts, deadline: float | None) -> aiohttp.ClientTimeout:
        # `total` is the call's deadline (what is left of it), None when the watchdog keeps
        # it; `connect` covers the pool wait and the connection; `sock_read` the gaps between
        # reads. `ceil_threshold=inf`: aiohttp otherwise rounds a timer of 5 s or more up to
        # a whole second of the loop clock, which could let a call outlive its deadline.
        timeout: aiohttp.ClientTimeout = self._aiohttp.ClientTimeout(
            total=deadline,
            connect=timeouts.connect,
            sock_connect=timeouts.connect,
            sock_read=timeouts.read,
            ceil_threshold=math.inf,
        )
        return timeout

    def _cached(self, timeouts: Timeouts) -> aiohttp.ClientTimeout:
        """The timeout without a total for ``timeouts``, cached."""
        timeout = self._timeouts.get(timeouts)
        if timeout is None:
            timeout = self._timeout(timeouts, None)
            if len(self._timeouts) < 8:
                self._timeouts[timeouts] = timeout
        self._last = (timeouts, timeout)
        return timeout

    def _content_type(self, request: HttpRequest) -> dict[str, str]:
        headers = {"Content-Type": request.content_type}
        if len(self._headers) < 8:
            self._headers[request.content_type] = headers
        return headers

    def _route(self, url: str) -> Route:
        """The proxy for ``url``: the explicit one, the environment's, or none; cached."""
        route = route_to(url, self._proxy, self._env_proxies)
        if len(self._routes) < _MAX_CACHED:
            self._routes[url] = route
        return route


async def _read(response: aiohttp.ClientResponse, limit: int) -> bytes | None:
    """The (decompressed) body, or None once it grows past ``limit`` bytes (rest unread)."""
    length = response.content_length
    if length is not None and length > limit and "Content-Encoding" not in response.headers:
        return None
    size = 0
    parts = []
    while chunk := await response.content.readany():
        size += len(chunk)
        if size > limit:
            return None
        parts.append(chunk)
    return b"".join(parts)


def wrap_session(
    obj: object, *, max_response_bytes: int = MAX_RESPONSE_BYTES, proxy: str | None = None
) -> AiohttpTransport | None:
    """An `AiohttpTransport` around ``obj`` if it is an ``aiohttp.ClientSession``, else None.

    Does not import aiohttp: whoever holds a session has imported it already.
    """
    aio: Any = sys.modules.get("aiohttp")
    if aio is not None and isinstance(obj, aio.ClientSession):
        return AiohttpTransport(session=obj, max_response_bytes=max_response_bytes, proxy=proxy)
    return None
