"""`InProcessTransport`: the SDK's `Transport` talking to the emulator without a socket.

It turns each `HttpRequest` into a `FakeRequest`, hands it to the emulator's ``handle`` and
returns the answer. Injected faults become what a real client would observe over a network:

* refused connection → `RequestNotSent` (nothing was sent);
* connection dropped (before or after processing), an answer cut short, or a wait between two
  reads longer than ``Timeouts.read`` (latency, drip) → `ExchangeFailed`;
* HTTP error statuses (with their ``Retry-After``), HTML pages, malformed bodies and SMSC
  error answers → an `HttpResponse`;
* an answer larger than ``max_response_bytes`` once decoded (an oversized answer, a gzip
  bomb) → `smsc_async.ProtocolError`, as the network transports raise it. A gzip answer is
  inflated as an HTTP client would, in bounded steps, so a bomb needs no memory here either.

A cancelled call cancels the emulator's ``handle`` where it is, which the emulator takes as
its client going away (see `FakeSMSC`'s ``abandoned``).

Waits are real ``anyio.sleep`` calls, so a client's overall deadline cancels them like it
would cancel a slow socket read.
"""

from __future__ import annotations

import math
import zlib
from typing import Final, Protocol
from urllib.parse import urlsplit

import anyio

from ..._errors import ProtocolError
from ..._transports.base import ExchangeFailed, HttpRequest, HttpResponse, RequestNotSent, Timeouts
from .._faults.enact import Outcome, enact
from .._faults.plan import FaultPlan
from .._wire.answer import FakeResponse
from .._wire.request import FakeRequest

__all__ = ["MAX_RESPONSE_BYTES", "FakeHandler", "InProcessTransport"]

MAX_RESPONSE_BYTES: Final = 16 * 1024 * 1024
"""The default limit on an answer's decoded size, as on the network transports."""


class FakeHandler(Protocol):
    """What the transport and the ASGI app need from the emulator: one request in, one out."""

    async def handle(self, request: FakeRequest) -> FakeResponse:
        """Answer one request."""
        ...


class InProcessTransport:
    """A `smsc_async.Transport` that calls ``fake.handle`` directly.

    Args:
        fake: the emulator (a `FakeSMSC`, or anything with its ``handle``).
        faults: the plan that decides which requests fail; none by default.
        peer: the client address the emulator sees.
        max_response_bytes: the largest answer accepted, counted after decoding (gzip).
    """

    #: The call's deadline is the client's to keep (a cancel scope), as for any transport
    #: that does not declare otherwise (see `smsc_async._transports.base.DeadlineTransport`).
    enforces_deadline = False

    def __init__(
        self,
        fake: FakeHandler,
        *,
        faults: FaultPlan | None = None,
        peer: str = "local",
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        if isinstance(max_response_bytes, bool) or not max_response_bytes >= 1:
            raise ValueError("max_response_bytes must be at least 1")
        self._fake = fake
        self._faults = faults
        self._peer = peer
        self._max_response_bytes = max_response_bytes
        self._closed = False

    def __repr__(self) -> str:
        return f"InProcessTransport(fake={type(self._fake).__name__}, closed={self._closed})"

    @property
    def faults(self) -> FaultPlan | None:
        """The fault plan in use, if any."""
        return self._faults

    async def request(self, request: HttpRequest, timeouts: Timeouts) -> HttpResponse:
        """POST ``request`` to the emulator and return its answer.

        Raises:
            RequestNotSent: the transport is closed, or a refused connection was injected.
            ExchangeFailed: a dropped connection, a cut answer or a read timeout was injected.
            ProtocolError: the answer is larger than ``max_response_bytes``.
        """
        if self._closed:
            raise RequestNotSent("the in-process transport is closed")
        # In its own frame: its locals (the body, with the credentials) are gone by the time
        # a delivery fault is raised from this one.
        outcome = await self._exchange(request)
        answer = await _deliver(outcome, timeouts)
        return _received(answer, outcome, self._max_response_bytes, request.url)

    async def _exchange(self, request: HttpRequest) -> Outcome:
        body = None
        if request.stream is not None:
            # The emulator works on whole bodies; joining the chunks is fine for tests.
            body = b"".join([chunk async for chunk in request.stream.chunks()])
        fake_request = to_fake_request(request, peer=self._peer, body=body)
        fault = self._faults.pick(fake_request) if self._faults is not None else None
        return await enact(fault, fake_request, self._fake.handle)

    async def aclose(self) -> None:
        """Refuse further requests. The emulator itself stays usable (idempotent)."""
        self._closed = True


def to_fake_request(
    request: HttpRequest, *, peer: str = "local", body: bytes | None = None
) -> FakeRequest:
    """The `FakeRequest` the emulator would see for ``request`` arriving over HTTP.

    ``body`` is the request's streamed body, already read (``request.body`` when None).
    """
    parts = urlsplit(request.url)
    return FakeRequest(
        method="POST",
        path=parts.path or "/",
        query=parts.query.encode("latin-1"),
        content_type=request.content_type,
        body=request.body if body is None else body,
        peer=peer,
    )


async def _deliver(outcome: Outcome, timeouts: Timeouts) -> FakeResponse:
    """Play ``outcome`` out in real time, as a client reading a socket would experience it."""
    if outcome.refused:
        raise RequestNotSent("connection refused (injected fault)")
    answer = outcome.response
    if answer is None:
        raise ExchangeFailed("server closed the connection without answering (injected fault)")
    await _wait(outcome.delay, timeouts.read)
    if outcome.chunk_size and answer.body:
        chunks = math.ceil(len(answer.body) / outcome.chunk_size)
        if outcome.drip_delay > timeouts.read:
            await _wait(outcome.drip_delay, timeouts.read)
        await anyio.sleep(outcome.drip_delay * chunks)
    if outcome.cut_at is not None:
        raise ExchangeFailed(
            f"connection closed after {outcome.cut_at} of {len(answer.body)} body bytes "
            "(injected fault)"
        )
    return answer


def _received(answer: FakeResponse, outcome: Outcome, limit: int, url: str) -> HttpResponse:
    """The answer as an HTTP client reads it: padded, inflated, and refused past ``limit``."""
    content = answer.body
    if outcome.content_encoding == "gzip":
        inflater = zlib.decompressobj(47)  # 47: a gzip or zlib header, detected
        content = inflater.decompress(content, limit + 1)  # never more than this in memory
    if len(content) + outcome.padding > limit:
        endpoint = urlsplit(url).path.rsplit("/", 1)[-1].removesuffix(".php") or None
        raise ProtocolError(
            f"answer larger than the {limit}-byte limit (max_response_bytes)",
            endpoint=endpoint,
            status_code=answer.status,
        )
    if outcome.padding:
        content += b" " * outcome.padding
    return HttpResponse(
        status=answer.status,
        content=content,
        content_type=answer.content_type,
        retry_after=outcome.retry_after,
    )


async def _wait(seconds: float, read_timeout: float) -> None:
    """Sleep ``seconds``, or fail like a read timeout once ``read_timeout`` has passed."""
    if seconds <= read_timeout:
        await anyio.sleep(seconds)
        return
    await anyio.sleep(read_timeout)
    raise ExchangeFailed(f"read timed out after {read_timeout:g} s (injected fault)")
