"""`InProcessTransport`: the SDK's `Transport` talking to the emulator without a socket.

It turns each `HttpRequest` into a `FakeRequest`, hands it to the emulator's ``handle`` and
returns the answer. Injected faults become what a real client would observe over a network:

* refused connection → `RequestNotSent` (nothing was sent);
* connection dropped (before or after processing), an answer cut short, or a wait between two
  reads longer than ``Timeouts.read`` (latency, drip) → `ExchangeFailed`;
* HTTP error statuses (with their ``Retry-After``), HTML pages, malformed bodies and SMSC
  error answers → an `HttpResponse`.

A cancelled call cancels the emulator's ``handle`` where it is, which the emulator takes as
its client going away (see `FakeSMSC`'s ``abandoned``).

Waits are real ``anyio.sleep`` calls, so a client's overall deadline cancels them like it
would cancel a slow socket read.
"""

from __future__ import annotations

import math
from typing import Protocol
from urllib.parse import urlsplit

import anyio

from .._transport import ExchangeFailed, HttpRequest, HttpResponse, RequestNotSent, Timeouts
from ._faults import Outcome, enact
from ._faults_plan import FaultPlan
from ._wire import FakeRequest, FakeResponse

__all__ = ["FakeHandler", "InProcessTransport"]


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
    """

    #: The call's deadline is the client's to keep (a cancel scope), as for any transport
    #: that does not declare otherwise (see `smsc_async._transport.DeadlineTransport`).
    enforces_deadline = False

    def __init__(
        self, fake: FakeHandler, *, faults: FaultPlan | None = None, peer: str = "local"
    ) -> None:
        self._fake = fake
        self._faults = faults
        self._peer = peer
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
        """
        if self._closed:
            raise RequestNotSent("the in-process transport is closed")
        body = None
        if request.stream is not None:
            # The emulator works on whole bodies; joining the chunks is fine for tests.
            body = b"".join([chunk async for chunk in request.stream.chunks()])
        fake_request = to_fake_request(request, peer=self._peer, body=body)
        fault = self._faults.pick(fake_request) if self._faults is not None else None
        outcome = await enact(fault, fake_request, self._fake.handle)
        return await _deliver(outcome, timeouts)

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


async def _deliver(outcome: Outcome, timeouts: Timeouts) -> HttpResponse:
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
    return HttpResponse(
        status=answer.status,
        content=answer.body,
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
