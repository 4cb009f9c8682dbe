"""The one small interface between `AsyncClient` and whatever carries its bytes.

A transport takes a finished `HttpRequest` (URL without secrets, body with them) and returns an
`HttpResponse`, or raises exactly one of two exceptions that tell the client whether the request
could have reached the server:

* `RequestNotSent` — provably never left this process (no connection could be made, or the
  transport's own pool wait ran out). The client may retry any call after this.
* `ExchangeFailed` — anything after the first byte may have been written (read/write errors,
  timeouts mid-exchange, a dropped connection). For a send this is "outcome unknown".

Transports never raise their library's exceptions past this boundary, never follow redirects
and never log bodies. Should one do so anyway, the client does not let it escape: any other
exception from ``request`` (an `SmscError` aside) ends the call with `OutcomeUnknownError`,
since the request had been handed over, carrying only the exception's class name and
message, not the exception itself (whose frames may hold the body). An exception raised by
calling ``request`` before its coroutine runs (a wrong signature) is `NotSentError`.

A body is either ``bytes`` (form requests) or a `BodyStream` (``multipart/form-data`` with
attachments) whose exact length is known up front, so it is sent with a ``Content-Length``
and never chunked. An exception raised by the stream itself passes through a transport
unchanged: the body was never completed, so the server cannot have acted on the request.

Three implementations ship: httpx2 (`smsc_async.transports.HttpxTransport`, the default),
aiohttp (`smsc_async.transports.AiohttpTransport`) and the in-process emulator
(`smsc_async.testing.FakeSMSC.transport()`).

The call deadline (`Timeouts.deadline`) is the client's: by default it runs each attempt
under an anyio cancel scope. A transport that can bound a whole exchange itself may say so
with a class attribute ``enforces_deadline = True`` (see `DeadlineTransport`); the client then
passes the seconds left as ``request(..., deadline=seconds)`` and needs no cancel scope (a
timer and several task look-ups per call) around the attempt. The attribute is optional, so
every transport written against `Transport` alone keeps working unchanged. Of the three that
ship, aiohttp enforces the deadline itself (its ``ClientTimeout.total``); httpx2 (no total
limit) and the in-process emulator leave it to the client.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Final, Protocol, cast, runtime_checkable

import attrs

from .._errors import ValidationError

__all__ = [
    "RETRY_AFTER_STATUSES",
    "BodyStream",
    "DeadlineTransport",
    "ExchangeFailed",
    "HttpRequest",
    "HttpResponse",
    "RequestNotSent",
    "Timeouts",
    "Transport",
    "deadline_transport",
]


@attrs.frozen(kw_only=True)
class Timeouts:
    """Time limits, in seconds, for one HTTP attempt and for a whole call.

    Attributes:
        connect: to open a TCP/TLS connection.
        read: between two reads of the answer (a stalled server). Also how long a request
            the client stopped waiting for (cancelled or timed out) keeps its slot, since the
            server may still be working on it.
        write: between two writes of the request.
        deadline: the whole call end to end (queueing, every attempt, backoff), so a server
            that drips one byte a second cannot hold a call for longer than this.
        queue: the longest a call waits for a free slot (all ``max_concurrency`` requests in
            flight) before it gives up with `NotSentError`.

    An attempt starts only while at least ``min(read, deadline / 2)`` seconds of the deadline
    are left, so that the server has as long to answer as the read timeout allows: a call
    that waited too long for a slot, or whose next retry would start too late, ends with the
    error it has instead of sending a request that could only time out.
    """

    connect: float = 5.0
    read: float = 30.0
    write: float = 30.0
    deadline: float = 60.0
    queue: float = 10.0

    @property
    def min_attempt_time(self) -> float:
        """The least time left of the deadline with which an attempt starts."""
        return min(self.read, self.deadline / 2)

    def __attrs_post_init__(self) -> None:
        for name in ("connect", "read", "write", "deadline", "queue"):
            value = getattr(self, name)
            if not value > 0:
                raise ValidationError(f"timeout.{name}", "must be a positive number of seconds")


class BodyStream(Protocol):
    """A request body produced in chunks, its exact length known before sending.

    `chunks` may be called again for a retry after `RequestNotSent`; a stream that cannot
    start over raises `RequestNotSent` from it. Any exception it raises means the body was
    not completed.
    """

    @property
    def length(self) -> int:
        """The exact number of bytes `chunks` yields."""
        ...

    def chunks(self) -> AsyncIterator[bytes]:
        """The body from its first byte, as non-empty chunks."""
        ...


@attrs.frozen(kw_only=True, repr=False)
class HttpRequest:
    """A POST the client wants made. The body holds credentials, so it is never shown.

    Attributes:
        url: absolute URL; never contains a secret.
        body: the encoded form body (empty when ``stream`` is given).
        content_type: the body's media type (with its ``boundary`` for multipart).
        stream: a body sent in chunks instead of ``body``, e.g. a multipart upload.
    """

    url: str
    body: bytes = b""
    content_type: str = "application/x-www-form-urlencoded"
    stream: BodyStream | None = None

    def __attrs_post_init__(self) -> None:
        if self.stream is not None and self.body:
            raise ValueError("give an HttpRequest a body or a stream, not both")

    @property
    def length(self) -> int:
        """The body's length in bytes, streamed or not."""
        return self.stream.length if self.stream is not None else len(self.body)

    def __repr__(self) -> str:
        kind = "stream" if self.stream is not None else "body"
        return f"HttpRequest(url={self.url!r}, {kind}=<{self.length} bytes>)"


RETRY_AFTER_STATUSES: Final = frozenset({429, 503})
"""The answers whose ``Retry-After`` the client honours (for calls it may retry)."""


@attrs.frozen(kw_only=True, repr=False)
class HttpResponse:
    """The status, declared content type and full body of an answer.

    Attributes:
        status: the HTTP status code.
        content: the whole body.
        content_type: the ``Content-Type`` header, if any.
        retry_after: the ``Retry-After`` header as sent, if any. The client reads it only on
            `RETRY_AFTER_STATUSES` answers, so a transport may leave it out of every other.
    """

    status: int
    content: bytes
    content_type: str | None = None
    retry_after: str | None = None

    def __repr__(self) -> str:
        return f"HttpResponse(status={self.status}, content=<{len(self.content)} bytes>)"


class RequestNotSent(Exception):
    """The request provably never left the client; retrying it is safe."""


class ExchangeFailed(Exception):
    """The request may have reached the server; its outcome is unknown."""


@runtime_checkable
class Transport(Protocol):
    """What `AsyncClient` needs from a transport."""

    async def request(self, request: HttpRequest, timeouts: Timeouts) -> HttpResponse:
        """POST ``request`` and return the whole answer.

        When cancelled, the connection must be closed or back in the pool before the
        cancellation propagates. (The client does not reuse the request's slot at once
        anyway: the server may still be working on a request whose client went away.)

        Raises:
            RequestNotSent: nothing was sent.
            ExchangeFailed: something may have been sent.
            ProtocolError: an answer came but is larger than the transport accepts (the
                request may have been processed); the transports that ship raise it.
            Exception: whatever ``request.stream`` raised, unchanged (the body never
                completed, so nothing was processed).
        """
        ...

    async def aclose(self) -> None:
        """Release connections this transport owns (idempotent)."""
        ...


class DeadlineTransport(Transport, Protocol):
    """A `Transport` that bounds a whole exchange itself, sparing the client a cancel scope.

    Declare it with a class attribute ``enforces_deadline = True``; without it (or with
    False) the client never passes ``deadline`` and keeps the deadline itself.
    """

    enforces_deadline: bool

    async def request(
        self, request: HttpRequest, timeouts: Timeouts, *, deadline: float | None = None
    ) -> HttpResponse:
        """POST ``request`` as `Transport.request` does, all of it within ``deadline`` seconds.

        ``deadline`` (> 0, or None for no overall limit) covers the whole exchange: pool
        wait, connecting, writing and reading every byte of the answer, so that a server
        dripping one byte a second cannot hold it longer. When the time runs out the
        transport raises `RequestNotSent` if nothing was sent yet, else `ExchangeFailed`,
        no later than a scheduling delay after the ``deadline`` seconds.
        """
        ...


def deadline_transport(transport: Transport) -> DeadlineTransport | None:
    """``transport`` if it declares ``enforces_deadline = True``, else None."""
    if getattr(transport, "enforces_deadline", False) is True:
        return cast(DeadlineTransport, transport)
    return None
