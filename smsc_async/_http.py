"""The default transport, over httpx2; the only module of the package that imports httpx2.

Decisions, for readers who wonder:

* HTTP/1.1 only, redirects never followed (a 3xx comes back as an `HttpResponse`).
* Idle keep-alive connections are dropped after `KEEPALIVE_EXPIRY` (4 s), below the 5 s idle
  timeout that common servers and balancers use (nginx/Apache/uvicorn defaults of 5 s or more).
  Reusing a connection the server is closing at the same moment makes a POST fail after it
  may have been written — for a send that means "outcome unknown" — so we give such
  connections up first. httpcore2 also probes idle sockets before reuse, which catches
  connections the server already closed.
* ``trust_env`` stays on (httpx2's default): ``HTTPS_PROXY``/``NO_PROXY`` and
  ``SSL_CERT_FILE`` are honoured, as users behind corporate proxies expect. httpx2 reads no
  ``.netrc`` unless asked, so nothing adds credentials behind our back.
* The pool wait is bounded by the connect timeout. The client's own limiter keeps calls in
  flight at or below the pool size, so the pool should never queue; if it does (a
  caller-supplied client with smaller limits), a `PoolTimeout` is `RequestNotSent`.
* Exceptions are mapped to `RequestNotSent` / `ExchangeFailed` and raised *outside* the
  ``except`` block, so neither ``__cause__`` nor ``__context__`` keeps the httpx2 exception
  (whose ``.request`` holds the body with the credentials).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Final, TypeAlias

import anyio
import httpx2

from ._errors import ClientClosedError, ConfigurationError
from ._transport import (
    ExchangeFailed,
    HttpRequest,
    HttpResponse,
    RequestNotSent,
    Timeouts,
    Transport,
)

__all__ = [
    "KEEPALIVE_EXPIRY",
    "HttpxTransport",
    "TransportLike",
    "coerce_transport",
    "failure_text",
]

KEEPALIVE_EXPIRY: Final = 4.0
"""Seconds an idle pooled connection is kept (see the module docstring for why 4)."""

TransportLike: TypeAlias = "Transport | httpx2.AsyncClient | httpx2.AsyncBaseTransport"
"""What `coerce_transport` turns into a `Transport` (it also takes an ``aiohttp.ClientSession``,
left out here so that type-checking does not need aiohttp installed)."""

# Errors raised before any byte of the request could have been written: while connecting
# (TCP, TLS, proxy tunnel), waiting for the pool, or rejecting the URL up front.
_NOT_SENT: Final = (
    httpx2.ConnectError,
    httpx2.ConnectTimeout,
    httpx2.PoolTimeout,
    httpx2.ProxyError,
    httpx2.UnsupportedProtocol,
    httpx2.InvalidURL,
)
_MAX_TEXT: Final = 300
_MAX_CACHED_CONTENT_TYPES: Final = 8


def failure_text(exc: BaseException, body: bytes) -> str:
    """A short, body-free description of a library exception: its class name and message.

    Library messages carry hosts, ports and reasons, never request bodies; this is checked
    anyway (a message containing the whole body is reduced to the class name) and the text
    is capped, so a transport failure can be logged safely.
    """
    name = type(exc).__name__
    message = str(exc)
    if body and body.decode("utf-8", "replace") in message:
        return name
    text = f"{name}: {message}" if message else name
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"


class HttpxTransport:
    """The default `Transport`: one httpx2 ``AsyncClient`` with a keep-alive pool.

    Args:
        max_connections: pool size (and idle connections kept); used only when this
            transport builds its own client.
        client: a caller-owned ``httpx2.AsyncClient`` to send through. It is used as is
            (its limits, proxies, TLS settings) except that redirects are never followed,
            and `aclose` leaves it open: whoever opened it closes it.
        transport: an ``httpx2.AsyncBaseTransport`` (``MockTransport``, ``ASGITransport``,
            a tuned ``AsyncHTTPTransport``) to build our own client around. It is handed
            over, as with ``httpx2.AsyncClient(transport=...)``: `aclose` closes it.

    The client is created at the first request, so constructing this costs nothing and
    needs no running event loop. Custom TLS or proxy settings: pass ``client=``.

    Raises:
        ConfigurationError: both ``client`` and ``transport`` given, or max_connections < 1.
    """

    def __init__(
        self,
        *,
        max_connections: int = 14,
        client: httpx2.AsyncClient | None = None,
        transport: httpx2.AsyncBaseTransport | None = None,
    ) -> None:
        if client is not None and transport is not None:
            raise ConfigurationError("give HttpxTransport a client or a transport, not both")
        if max_connections < 1:
            raise ConfigurationError("max_connections must be at least 1")
        self._max_connections = max_connections
        self._client = client
        self._owns_client = client is None
        self._given_transport = transport
        self._closed = False
        self._last_timeouts: Timeouts | None = None
        self._last_timeout = httpx2.Timeout(None)
        self._timeouts: dict[Timeouts, httpx2.Timeout] = {}
        self._headers: dict[str, dict[str, str]] = {}

    #: httpx2 has no limit on a whole exchange (only per connect/read/write/pool wait), so
    #: the client bounds each attempt with a cancel scope (see `DeadlineTransport`).
    enforces_deadline = False

    def __repr__(self) -> str:
        owner = "own client" if self._owns_client else "caller's client"
        state = "closed" if self._closed else "open"
        return f"<HttpxTransport {owner}, max_connections={self._max_connections}, {state}>"

    async def request(self, request: HttpRequest, timeouts: Timeouts) -> HttpResponse:
        """POST ``request`` and return the whole answer (see `Transport.request`).

        Raises:
            RequestNotSent: nothing was sent (connect/TLS/pool failure, bad URL).
            ExchangeFailed: the request may have reached the server.
            ClientClosedError: `aclose` was called before.
        """
        if self._closed:
            raise ClientClosedError("the transport is closed")
        client = self._client
        if client is None:
            client = self._open()
        timeout = self._last_timeout if timeouts is self._last_timeouts else self._timeout(timeouts)
        content: bytes | AsyncIterator[bytes] = request.body
        if request.stream is None:
            headers = self._headers.get(request.content_type) or self._content_type(request)
        else:
            # An explicit Content-Length keeps httpx2 from chunking the streamed body; an
            # exception the stream raises is not an httpx2 error and passes through as is.
            content = request.stream.chunks()
            headers = {
                "Content-Type": request.content_type,
                "Content-Length": str(request.stream.length),
            }
        try:
            response = await client.post(
                request.url,
                content=content,
                headers=headers,
                timeout=timeout,
                follow_redirects=False,
            )
        except _NOT_SENT as exc:
            failure: Exception = RequestNotSent(failure_text(exc, request.body))
        except httpx2.HTTPError as exc:
            failure = ExchangeFailed(failure_text(exc, request.body))
        else:
            status = response.status_code
            return HttpResponse(
                status=status,
                content=response.content,
                content_type=response.headers.get("content-type"),
                retry_after=response.headers.get("retry-after") if status in (429, 503) else None,
            )
        # Raised here, outside the except blocks, so no exception chain keeps the body.
        raise failure

    async def aclose(self) -> None:
        """Close the client this transport created (idempotent); a caller's client stays open."""
        if self._closed:
            return
        self._closed = True
        client, self._client = self._client, None
        if client is not None and self._owns_client:
            with anyio.CancelScope(shield=True):
                await client.aclose()

    def active_connections(self) -> int:
        """How many pooled connections are busy (connecting or mid-exchange) right now.

        A diagnostic for tests and monitoring (it reads httpcore2's pool, which httpx2 does
        not expose publicly): after every call has finished or been cancelled this must be 0.
        Transports without a connection pool (``MockTransport``, ``ASGITransport``) count 0.
        """
        client = self._client
        if client is None:
            return 0
        transports = [client._transport, *client._mounts.values()]
        busy = 0
        for transport in transports:
            pool = getattr(transport, "_pool", None)
            for connection in getattr(pool, "connections", ()):
                if not (connection.is_idle() or connection.is_closed()):
                    busy += 1
        return busy

    def _open(self) -> httpx2.AsyncClient:
        limits = httpx2.Limits(
            max_connections=self._max_connections,
            max_keepalive_connections=self._max_connections,
            keepalive_expiry=KEEPALIVE_EXPIRY,
        )
        self._client = httpx2.AsyncClient(
            limits=limits,
            follow_redirects=False,
            transport=self._given_transport,
            http1=True,
            http2=False,
            trust_env=True,
        )
        return self._client

    def _timeout(self, timeouts: Timeouts) -> httpx2.Timeout:
        timeout = self._timeouts.get(timeouts)
        if timeout is None:
            timeout = httpx2.Timeout(
                connect=timeouts.connect,
                read=timeouts.read,
                write=timeouts.write,
                pool=timeouts.connect,
            )
            self._timeouts[timeouts] = timeout
        self._last_timeouts, self._last_timeout = timeouts, timeout
        return timeout

    def _content_type(self, request: HttpRequest) -> dict[str, str]:
        headers = {"Content-Type": request.content_type}
        if len(self._headers) < _MAX_CACHED_CONTENT_TYPES:
            self._headers[request.content_type] = headers
        return headers


def coerce_transport(obj: object, *, max_connections: int) -> Transport:
    """Turn whatever the user passed as ``transport=`` into a `Transport`.

    * None: a new `HttpxTransport` with a pool of ``max_connections``.
    * an ``httpx2.AsyncClient``: sent through, left open on close.
    * an ``httpx2.AsyncBaseTransport`` (``MockTransport``, ``ASGITransport``, ...): wrapped in
      a client of our own, closed with it.
    * an ``aiohttp.ClientSession``: wrapped in `AiohttpTransport`, left open on close.
    * any object with the `Transport` methods: used as is.

    Raises:
        TypeError: anything else.
    """
    if obj is None:
        return HttpxTransport(max_connections=max_connections)
    # Checked before the protocol: an httpx2.AsyncClient also has `request` and `aclose`.
    if isinstance(obj, httpx2.AsyncClient):
        return HttpxTransport(client=obj)
    if isinstance(obj, httpx2.AsyncBaseTransport):
        return HttpxTransport(transport=obj, max_connections=max_connections)
    from ._aiohttp import wrap_session  # here: _aiohttp imports this module

    wrapped = wrap_session(obj)
    if wrapped is not None:
        return wrapped
    if isinstance(obj, Transport):
        return obj
    raise TypeError(
        "transport must be None, an httpx2.AsyncClient, an httpx2.AsyncBaseTransport, an "
        "aiohttp.ClientSession or an object with async request(request, timeouts) and "
        f"aclose() methods; got {type(obj).__name__}"
    )
