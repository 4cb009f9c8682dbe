"""The emulator as an ASGI application, with faults a real HTTP client can observe.

`asgi_app(fake)` hands every HTTP request, any method and path, to ``fake.handle`` (which
answers 404 and 405 itself). Served by uvicorn
(`serve_in_thread`, ``python -m smsc_async.testing``), injected faults reach the client as
they would from a broken network or server: delays, bodies dripped byte by byte, connections
reset with no answer (an RST, through the server's socket), bodies cut short after a larger
Content-Length was declared, and substitute answers (HTTP errors, HTML, SMSC errors).

A client that disconnects while its request is being handled cancels ``fake.handle``; the
emulator then plays the server it is set to be (`FakeSMSC`'s ``abandoned``: finish the
request anyway, or drop it).

Dropping a connection is not part of ASGI. The app reaches the socket through the server's
``send`` callable (uvicorn's request cycle keeps its asyncio transport there); under a server
that exposes no transport it raises `ConnectionAbortedError`, which servers turn into a closed
connection or a 500.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio

from .._faults.enact import Outcome, enact
from .._faults.plan import FaultPlan
from .._wire.answer import FakeResponse
from .._wire.request import FakeRequest
from .inprocess import FakeHandler

__all__ = ["FakeASGIApp", "asgi_app"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

# How long to wait for the server to notice a connection this app dropped.
_DROP_GRACE = 5.0


class FakeASGIApp:
    """An ASGI 3 application serving ``fake`` with the faults of ``faults``."""

    def __init__(self, fake: FakeHandler, *, faults: FaultPlan | None = None) -> None:
        self.fake = fake
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI connection scope."""
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return  # websockets: not part of the SMSC API
        body = await _read_body(receive)
        if body is None:
            return  # the client left before sending its whole request
        request = _to_fake_request(scope, body)
        fault = self.faults.pick(request) if self.faults is not None else None
        outcome = None
        async with anyio.create_task_group() as group:
            group.start_soon(_cancel_on_disconnect, receive, group.cancel_scope)
            outcome = await enact(fault, request, self.fake.handle)
            group.cancel_scope.cancel()
        if outcome is None:
            return  # the client left while its request was handled
        await _deliver(outcome, receive, send)


def asgi_app(fake: FakeHandler, *, faults: FaultPlan | None = None) -> FakeASGIApp:
    """The ASGI application serving ``fake`` (with ``faults`` injected, if given)."""
    return FakeASGIApp(fake, faults=faults)


def _to_fake_request(scope: Scope, body: bytes) -> FakeRequest:
    headers = {name.lower(): value for name, value in scope.get("headers", [])}
    content_type = headers.get(b"content-type")
    client = scope.get("client")
    return FakeRequest(
        method=scope["method"],
        path=scope["path"],
        query=scope.get("query_string", b""),
        content_type=content_type.decode("latin-1") if content_type is not None else None,
        body=body,
        peer=str(client[0]) if client else "local",
    )


async def _read_body(receive: Receive) -> bytes | None:
    """The whole request body, or ``None`` if the client disconnected first."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _deliver(outcome: Outcome, receive: Receive, send: Send) -> None:
    """Answer as ``outcome`` says, stopping early if the client goes away."""
    cannot_drop = False
    async with anyio.create_task_group() as group:
        group.start_soon(_cancel_on_disconnect, receive, group.cancel_scope)
        answer = outcome.response
        if answer is None:
            cannot_drop = not await _drop(send, reset=True)
        else:
            await anyio.sleep(outcome.delay)
            complete = await _send_body(outcome, answer, send)
            if not complete:
                cannot_drop = not await _drop(send, reset=False)
        group.cancel_scope.cancel()
    if cannot_drop:
        raise ConnectionAbortedError("injected fault: drop the connection")


async def _send_body(outcome: Outcome, answer: FakeResponse, send: Send) -> bool:
    """Send status, headers and body; False when the body was cut (the caller closes)."""
    body = answer.body
    declared = len(body) if outcome.cut_at is None else max(len(body), outcome.cut_at + 1)
    await send(_start(answer, declared + outcome.padding, outcome))
    if outcome.cut_at is not None:
        await send(
            {"type": "http.response.body", "body": body[: outcome.cut_at], "more_body": True}
        )
        return False
    step = outcome.chunk_size or max(len(body), 1)
    for offset in range(0, len(body), step):
        await anyio.sleep(outcome.drip_delay)
        chunk = body[offset : offset + step]
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await _send_padding(outcome.padding, send)
    await send({"type": "http.response.body", "body": b"", "more_body": False})
    return True


async def _send_padding(size: int, send: Send) -> None:
    """``size`` blanks, made as they are sent, so a huge answer costs no memory here."""
    block = b" " * min(size, 1 << 16)
    while size > 0:
        step = block if size >= len(block) else block[:size]
        await send({"type": "http.response.body", "body": step, "more_body": True})
        size -= len(step)


def _start(answer: FakeResponse, length: int, outcome: Outcome) -> Message:
    headers = [(b"content-type", answer.content_type.encode("latin-1"))]
    if outcome.declare_length:  # else the server sends it chunked
        headers.append((b"content-length", str(length).encode()))
    if outcome.content_encoding is not None:
        headers.append((b"content-encoding", outcome.content_encoding.encode("latin-1")))
    if outcome.retry_after is not None:
        headers.append((b"retry-after", outcome.retry_after.encode("latin-1")))
    return {"type": "http.response.start", "status": answer.status, "headers": headers}


async def _drop(send: Send, *, reset: bool) -> bool:
    """Close the client's connection: an RST if ``reset``, else an orderly close.

    Returns False when the server exposes no transport to close. Otherwise waits (bounded)
    for the disconnect watcher to cancel it once the server has noticed the closed socket, so
    the server does not complain that the app "returned without a response".
    """
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None or not hasattr(transport, "abort"):
        return False
    if reset:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
    else:
        transport.close()
    with anyio.move_on_after(_DROP_GRACE):
        await anyio.sleep_forever()
    return True


async def _cancel_on_disconnect(receive: Receive, scope: anyio.CancelScope) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
    scope.cancel()


async def _lifespan(receive: Receive, send: Send) -> None:
    """Acknowledge startup and shutdown; the emulator needs neither."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
