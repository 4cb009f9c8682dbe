"""The default transport, over httpx2; the only module of the package that imports httpx2.

Decisions, for readers who wonder:

* HTTP/1.1 only, redirects never followed (a 3xx comes back as an `HttpResponse`).
* Idle keep-alive connections are dropped after `KEEPALIVE_EXPIRY` (4 s), below the 5 s idle
  timeout that common servers and balancers use (nginx/Apache/uvicorn defaults of 5 s or more).
  Reusing a connection the server is closing at the same moment makes a POST fail after it
  may have been written — for a send that means "outcome unknown" — so we give such
  connections up first. httpcore2 also probes idle sockets before reuse, which catches
  connections the server already closed.
* Proxies: an explicit ``proxy=`` carries every request; without one, ``HTTP_PROXY``,
  ``HTTPS_PROXY``, ``ALL_PROXY`` and ``NO_PROXY`` are honoured (httpx2's ``trust_env``, which
  also reads ``SSL_CERT_FILE``), as users behind corporate proxies expect — the aiohttp
  transport does the same. httpx2 reads no ``.netrc`` unless asked, so nothing adds
  credentials behind our back.
* Answers are read as a stream and given up past ``max_response_bytes`` (16 MiB by default)
  of *decoded* body, so neither a huge answer nor a small gzip bomb can fill the memory: that
  ends in `ProtocolError` (the request may have been processed, as for any unreadable
  answer). A declared ``Content-Length`` over the limit is refused before reading the body.
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
from collections.abc import AsyncIterator
from typing import Final, TypeAlias

import anyio
import httpx2

from .._errors import ClientClosedError, ConfigurationError, ProtocolError
from .base import (
    RETRY_AFTER_STATUSES,
    BodyStream,
    ExchangeFailed,
    HttpRequest,
    HttpResponse,
    RequestNotSent,
    Timeouts,
    Transport,
)

__all__ = [
    "KEEPALIVE_EXPIRY",
    "MAX_RESPONSE_BYTES",
    "NO_FAILURES",
    "HttpxTransport",
    "TransportLike",
    "check_limits",
    "coerce_transport",
    "failure_text",
    "stream_failure",
    "too_large",
    "watched",
]

KEEPALIVE_EXPIRY: Final = 4.0
"""Seconds an idle pooled connection is kept (see the module docstring for why 4)."""

MAX_RESPONSE_BYTES: Final = 16 * 1024 * 1024
"""The default limit on an answer's decoded size: far above any real SMSC answer."""

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
NO_FAILURES: Final[list[Exception]] = []  # shared, never appended to: bodies without a stream


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


def check_limits(max_connections: int, max_response_bytes: int, proxy: str | None) -> None:
    """Refuse transport settings that cannot work (shared by both network transports).

    Raises:
        ConfigurationError: max_connections or max_response_bytes below 1, or a proxy that is
            not an ``http://`` or ``https://`` URL.
    """
    for name, value in (
        ("max_connections", max_connections),
        ("max_response_bytes", max_response_bytes),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigurationError(f"{name} must be an int of at least 1")
    if proxy is not None:
        scheme, sep, rest = proxy.partition("://") if isinstance(proxy, str) else ("", "", "")
        if not sep or not rest or scheme.lower() not in ("http", "https"):
            raise ConfigurationError("proxy must be an http:// or https:// URL, or None")


def too_large(request: HttpRequest, status: int, limit: int) -> ProtocolError:
    """The error for an answer past ``limit`` bytes (decoded): unreadable, maybe processed."""
    endpoint = request.url.rsplit("/", 1)[-1].removesuffix(".php") or None
    return ProtocolError(
        f"answer larger than the {limit}-byte limit (max_response_bytes)",
        endpoint=endpoint,
        status_code=status,
    )


async def watched(stream: BodyStream, failures: list[Exception]) -> AsyncIterator[bytes]:
    """``stream``'s chunks, noting in ``failures`` an exception the stream itself raised.

    A transport raises that exception again, as itself, instead of its library's wrapping
    or its own mapping: the body never completed, so nothing was processed.
    """
    try:
        async for chunk in stream.chunks():
            yield chunk
    except Exception as exc:
        failures.append(exc)
        raise


def stream_failure(failures: list[Exception]) -> Exception:
    """The stream's own exception, without its traceback through the library's frames (one
    of them holds the first chunk, with the credentials, in a local). Its cause stays: that
    was raised and caught inside the stream, below the library."""
    return failures[0].with_traceback(None)


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


def coerce_transport(
    obj: object,
    *,
    max_connections: int,
    max_response_bytes: int | None = None,
    proxy: str | None = None,
) -> Transport:
    """Turn whatever the user passed as ``transport=`` into a `Transport`.

    * None: a new `HttpxTransport` with a pool of ``max_connections``.
    * an ``httpx2.AsyncClient``: sent through, left open on close (its own proxy settings).
    * an ``httpx2.AsyncBaseTransport`` (``MockTransport``, ``ASGITransport``, ...): wrapped in
      a client of our own, closed with it.
    * an ``aiohttp.ClientSession``: wrapped in `AiohttpTransport`, left open on close.
    * any object with the `Transport` methods: used as is, with its own settings.

    ``max_response_bytes`` (None: `MAX_RESPONSE_BYTES`) and ``proxy`` go to the transport
    built here.

    Raises:
        TypeError: anything else.
        ConfigurationError: a setting the transport cannot take (``proxy`` with an httpx2
            client or transport; either setting with a ready `Transport`), or a bad value.
    """
    limit = MAX_RESPONSE_BYTES if max_response_bytes is None else max_response_bytes
    if obj is None:
        return HttpxTransport(
            max_connections=max_connections, max_response_bytes=limit, proxy=proxy
        )
    # Checked before the protocol: an httpx2.AsyncClient also has `request` and `aclose`.
    if isinstance(obj, httpx2.AsyncClient):
        return HttpxTransport(client=obj, max_response_bytes=limit, proxy=proxy)
    if isinstance(obj, httpx2.AsyncBaseTransport):
        return HttpxTransport(
            transport=obj, max_connections=max_connections, max_response_bytes=limit, proxy=proxy
        )
    from .aiohttp import wrap_session  # here: _aiohttp imports this module

    wrapped = wrap_session(obj, max_response_bytes=limit, proxy=proxy)
    if wrapped is not None:
        return wrapped
    if isinstance(obj, Transport):
        if max_response_bytes is not None or proxy is not None:
            raise ConfigurationError(
                "max_response_bytes and proxy apply to a transport the client builds; "
                "set them on the transport you pass instead"
            )
        return obj
    raise TypeError(
        "transport must be None, an httpx2.AsyncClient, an httpx2.AsyncBaseTransport, an "
        "aiohttp.ClientSession or an object with async request(request, timeouts) and "
        f"aclose() methods; got {type(obj).__name__}"
    )
