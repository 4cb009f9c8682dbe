"""The one small interface between `AsyncClient` and whatever carries its bytes.

A transport takes a finished `HttpRequest` (URL without secrets, body with them) and returns an
`HttpResponse`, or raises exactly one of two exceptions that tell the client whether the request
could have reached the server:

* `RequestNotSent` — provably never left this process (no connection could be made, or the
  transport's own pool wait ran out). The client may retry any call after this.
* `ExchangeFailed` — anything after the first byte may have been written (read/write errors,
  timeouts mid-exchange, a dropped connection). For a send this is "outcome unknown".

Transports never raise their library's exceptions past this boundary, never follow redirects
and never log bodies.

A body is either ``bytes`` (form requests) or a `BodyStream` (``multipart/form-data`` with
attachments) whose exact length is known up front, so it is sent with a ``Content-Length``
and never chunked. An exception raised by the stream itself passes through a transport
unchanged: the body was never completed, so the server cannot have acted on the request.

Three implementations ship: httpx2 (`smsc_async._http`, the default), aiohttp
(`smsc_async.transports.AiohttpTransport`) and the in-process emulator
(`smsc_async.testing.FakeSMSC.transport()`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol, runtime_checkable

import attrs

from ._errors import ValidationError

__all__ = [
    "BodyStream",
    "ExchangeFailed",
    "HttpRequest",
    "HttpResponse",
    "RequestNotSent",
    "Timeouts",
    "Transport",
]


@attrs.frozen(kw_only=True)
class Timeouts:
    """Time limits, in seconds, for one HTTP attempt and for a whole call.

    Attributes:
        connect: to open a TCP/TLS connection.
        read: between two reads of the answer (a stalled server).
        write: between two writes of the request.
        deadline: the whole call end to end (queueing, every attempt, backoff), so a server
            that drips one byte a second cannot hold a call for longer than this.
    """

    connect: float = 5.0
    read: float = 30.0
    write: float = 30.0
    deadline: float = 60.0

    def __attrs_post_init__(self) -> None:
        for name in ("connect", "read", "write", "deadline"):
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


@attrs.frozen(kw_only=True, repr=False)
class HttpResponse:
    """The status, declared content type and full body of an answer."""

    status: int
    content: bytes
    content_type: str | None = None

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

        Raises:
            RequestNotSent: nothing was sent.
            ExchangeFailed: something may have been sent.
            Exception: whatever ``request.stream`` raised, unchanged (the body never
                completed, so nothing was processed).
        """
        ...

    async def aclose(self) -> None:
        """Release connections this transport owns (idempotent)."""
        ...
