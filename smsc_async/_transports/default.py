"""The default transport, over httpx2; the only module of the package that imports httpx2.

Decisions, for readers who wonder:

* HTTP/1.1 only, redirects never followed (a 3xx comes back as an `HttpResponse`).
* Idle keep-alive connections are dropped after `KEEPALIVE_EXPIRY` (see `shared` for why
  4 s); httpcore2 also probes idle sockets before reuse, which catches connections the server
  already closed.
* Proxies: an explicit ``proxy=`` carries every request; without one, ``HTTP_PROXY``,
  ``HTTPS_PROXY``, ``ALL_PROXY`` and ``NO_PROXY`` are honoured (httpx2's ``trust_env``, which
  also reads ``SSL_CERT_FILE``), as users behind corporate proxies expect — the aiohttp
  transport does the same. httpx2 reads no ``.netrc`` unless asked, so nothing adds
  credentials behind our back.
* Answers are read as a stream and given up past ``max_response_bytes`` of *decoded* body
  (16 MiB by default): that ends in `ProtocolError`. A declared ``Content-Length`` over the
  limit is refused before reading the body.
* The pool wait is bounded by the connect timeout. The client's own limiter keeps calls in
  flight at or below the pool size, so the pool should never queue; if it does (a
  caller-supplied client with smaller limits), a `PoolTimeout` is `RequestNotSent`.
* Exceptions are mapped to `RequestNotSent` / `ExchangeFailed` and raised *outside* the
  ``except`` block, so neither ``__cause__`` nor ``__context__`` keeps the httpx2 exception
  (whose ``.request`` holds the body with the credentials) or a frame of the library whose
  locals hold the body. Any exception, not only httpx2's, is mapped: one raised before the
  request was handed to httpx2 is `RequestNotSent`, any later one `ExchangeFailed` (it cannot
  be told whether a byte left). No frame of ours keeps the body in a local of its own.
"""

from __future__ import annotations

import contextlib
from typing import Final, TypeAlias

import anyio
import httpx2

from .._errors import ClientClosedError, ConfigurationError
from .base import (
    RETRY_AFTER_STATUSES,
    ExchangeFailed,
    HttpRequest,
    HttpResponse,
    RequestNotSent,
    Timeouts,
)
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

__all__ = ["HttpxLike", "HttpxTransport", "wrap_httpx"]

HttpxLike: TypeAlias = "httpx2.AsyncClient | httpx2.AsyncBaseTransport"
"""The httpx2 objects `wrap_httpx` makes an `HttpxTransport` of."""

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
_MAX_CACHED_CONTENT_TYPES: Final = 8


class HttpxTransport:
    """The default `Transport`: one httpx2 ``AsyncClient`` with a keep-alive pool.

    Args:
        max_connections: pool size (and idle connections kept); used only when this
            transport builds its own client.
        max_response_bytes: the largest answer read, counted after content decoding (gzip);
            a larger one ends the exchange and the call raises `ProtocolError`.
        proxy: an ``http://`` or ``https://`` proxy URL for every request (credentials may be
            given in it). Without it, ``HTTP_PROXY``/``HTTPS_PROXY``/``ALL_PROXY``/
            ``NO_PROXY`` from the environment decide. Only when this transport builds its
            own client.
        client: a caller-owned ``httpx2.AsyncClient`` to send through. It is used as is
            (its limits, proxies, TLS settings) except that redirects are never followed,
            and `aclose` leaves it open: whoever opened it closes it.
        transport: an ``httpx2.AsyncBaseTransport`` (``MockTransport``, ``ASGITransport``,
            a tuned ``AsyncHTTPTransport``) to build our own client around. It is handed
            over, as with ``httpx2.AsyncClient(transport=...)``: `aclose` closes it. Such a
            transport goes where it goes: the environment's proxies do not apply to it.

    The client is created at the first request, so constructing this costs nothing and
    needs no running event loop. Custom TLS settings: pass ``client=``.

    Raises:
        ConfigurationError: more than one of ``client``, ``transport`` and ``proxy``,
            max_connections or max_response_bytes below 1, or a proxy not an http(s) URL.
    """

    def __init__(
        self,
        *,
        max_connections: int = 14,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        proxy: str | None = None,
        client: httpx2.AsyncClient | None = None,
        transport: httpx2.AsyncBaseTransport | None = None,
    ) -> None:
        if sum(given is not None for given in (client, transport, proxy)) > 1:
            # A proxy would route around a given transport, and a client has its own.
            raise ConfigurationError("give HttpxTransport a client, a transport or a proxy")
        check_limits(max_connections, max_response_bytes, proxy)
        self._max_connections = max_connections
        self._max_response_bytes = max_response_bytes
        self._proxy = proxy
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
        proxy = ", explicit proxy" if self._proxy is not None else ""
        state = "closed" if self._closed else "open"
        return f"<HttpxTransport {owner}, max_connections={self._max_connections}{proxy}, {state}>"

    async def request(self, request: HttpRequest, timeouts: Timeouts) -> HttpResponse:
        """POST ``request`` and return the whole answer (see `Transport.request`).

        Raises:
            RequestNotSent: nothing was sent (connect/TLS/pool failure, bad URL).
            ExchangeFailed: the request may have reached the server.
            ProtocolError: the answer is larger than ``max_response_bytes``.
            ClientClosedError: `aclose` was called before.
        """
        if self._closed:
            raise ClientClosedError("the transport is closed")
        client = self._client
        if client is None:
            client = self._open()
        timeout = self._last_timeout if timeouts is self._last_timeouts else self._timeout(timeouts)
        stream_failures = NO_FAILURES
        # The body goes straight into the call: no frame of ours holds it in a local, which
        # an error tracker recording locals would capture.
        try:
            if request.stream is None:
                headers = self._headers.get(request.content_type) or self._content_type(request)
                outgoing = client.build_request(
                    "POST", request.url, content=request.body, headers=headers, timeout=timeout
                )
            else:
                # An explicit Content-Length keeps httpx2 from chunking the streamed body.
                stream_failures = []
                outgoing = client.build_request(
                    "POST",
                    request.url,
                    content=watched(request.stream, stream_failures),
                    headers={
                        "Content-Type": request.content_type,
                        "Content-Length": str(request.stream.length),
                    },
                    timeout=timeout,
                )
        except Exception as exc:  # noqa: BLE001 - nothing was handed to httpx2 yet
            failure: Exception = RequestNotSent(failure_text(exc, request.body))
        else:
            try:
                response = await client.send(outgoing, stream=True, follow_redirects=False)
                try:
                    content = await _read(response, self._max_response_bytes)
                finally:
                    await response.aclose()
            except _NOT_SENT as exc:
                failure = RequestNotSent(failure_text(exc, request.body))
            except Exception as exc:  # noqa: BLE001 - httpx2's, or anything unexpected
                failure = ExchangeFailed(failure_text(exc, request.body))
            else:
                status = response.status_code
                if content is not None:
                    return HttpResponse(
                        status=status,
                        content=content,
                        content_type=response.headers.get("content-type"),
                        retry_after=(
                            response.headers.get("retry-after")
                            if status in RETRY_AFTER_STATUSES
                            else None
                        ),
                    )
                failure = too_large(request, status, self._max_response_bytes)
        if stream_failures:
            failure = stream_failure(stream_failures)
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
            proxy=self._proxy,
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


async def _read(response: httpx2.Response, limit: int) -> bytes | None:
    """The decoded body, or None once it grows past ``limit`` bytes (the rest is not read).

    httpx2 decodes gzip/deflate/br/zstd in pieces of at most 1 MiB, so memory stays within
    ``limit`` plus a piece. A declared length over the limit is refused without reading.
    """
    headers = response.headers
    declared = headers.get("content-length")
    # (The encoding is looked up only for a large declared length: the common path skips it.)
    big = declared is not None and declared.isdigit() and int(declared) > limit
    if big and "content-encoding" not in headers:
        return None
    size = 0
    parts = []
    chunks = response.aiter_bytes()
    async for chunk in chunks:
        size += len(chunk)
        if size > limit:
            break
        parts.append(chunk)
    else:
        return b"".join(parts)
    # Stopping early: closing `chunks` now would leave httpx2's inner generators to the
    # garbage collector (trio warns about each). Close the connection first instead; the
    # generators then run into it and end by themselves, after at most what was buffered.
    await response.aclose()
    with contextlib.suppress(Exception):
        async for _ in chunks:
            pass
    return None


def wrap_httpx(
    obj: object, *, max_connections: int, max_response_bytes: int, proxy: str | None
) -> HttpxTransport | None:
    """An `HttpxTransport` around ``obj`` if it is an httpx2 client or transport, else None.

    * an ``httpx2.AsyncClient``: sent through, left open on close (its own proxy settings).
    * an ``httpx2.AsyncBaseTransport`` (``MockTransport``, ``ASGITransport``, ...): wrapped in
      a client of our own, closed with it.

    Raises:
        ConfigurationError: ``proxy`` given with either (see `HttpxTransport`), or a bad value.
    """
    if isinstance(obj, httpx2.AsyncClient):
        return HttpxTransport(client=obj, max_response_bytes=max_response_bytes, proxy=proxy)
    if isinstance(obj, httpx2.AsyncBaseTransport):
        return HttpxTransport(
            transport=obj,
            max_connections=max_connections,
            max_response_bytes=max_response_bytes,
            proxy=proxy,
        )
    return None
