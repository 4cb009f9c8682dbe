"""How a fault plays out: `enact` runs one request as its `Fault` dictates.

Each fault kind is enacted once, here, as an `Outcome` (the answer, if any, and how it is
delivered); the in-process transport and the ASGI app only translate an `Outcome` into what
their kind of client observes, so both behave the same way.
"""

from __future__ import annotations

import hashlib
import html
import zlib
from collections.abc import Awaitable, Callable
from functools import lru_cache
from http import HTTPStatus

import attrs

from .._rules.recipients import parse_message_id
from .._wire.answer import ApiFault, FakeResponse, encode_answer, error_body
from .._wire.request import FakeRequest, fallback_format, request_params
from .kinds import ERROR_TEXTS, Fault, FaultKind

__all__ = ["Outcome", "enact"]

Handler = Callable[[FakeRequest], Awaitable[FakeResponse]]

_ERRORS_WITH_ID = frozenset({3, 6, 7, 8})


@attrs.frozen(kw_only=True)
class Outcome:
    """How the answer to one request is delivered, whatever carries it.

    Attributes:
        response: the answer; ``None`` when the connection is dropped without one.
        refused: the connection is refused before anything is sent.
        delay: seconds before the status line.
        drip_delay: seconds before each body chunk (with ``chunk_size``).
        chunk_size: bytes per body chunk; 0 sends the body at once.
        cut_at: the connection closes after this many body bytes, the full length declared.
        padding: this many blanks follow the body, made as they are sent (no memory needed).
        content_encoding: the ``Content-Encoding`` the body is sent with, if any.
        declare_length: whether a ``Content-Length`` is sent (else the body goes chunked).
        retry_after: the ``Retry-After`` header to send with the answer, if any.
    """

    response: FakeResponse | None
    refused: bool = False
    delay: float = 0.0
    drip_delay: float = 0.0
    chunk_size: int = 0
    cut_at: int | None = None
    padding: int = 0
    content_encoding: str | None = None
    declare_length: bool = True
    retry_after: str | None = None


async def enact(fault: Fault | None, request: FakeRequest, handle: Handler) -> Outcome:
    """Run ``request`` through ``handle`` as ``fault`` dictates and say how to answer."""
    if fault is None:
        return Outcome(response=await handle(request))
    kind = fault.kind
    if kind is FaultKind.REFUSE:
        return Outcome(response=None, refused=True)
    if kind is FaultKind.RESET_BEFORE:
        return Outcome(response=None)
    if kind in _SUBSTITUTES:
        return Outcome(response=_SUBSTITUTES[kind](fault, request), retry_after=fault.retry_after)
    answer = await handle(request)
    half = len(answer.body) // 2
    if kind is FaultKind.RESET_AFTER:
        return Outcome(response=None)
    if kind is FaultKind.LATENCY:
        return Outcome(response=answer, delay=fault.seconds)
    if kind is FaultKind.DRIP:
        return Outcome(response=answer, drip_delay=fault.seconds, chunk_size=fault.chunk_size)
    if kind is FaultKind.TRUNCATED:
        return Outcome(response=answer, cut_at=half)
    if kind is FaultKind.OVERSIZED:
        padding = max(fault.size - len(answer.body), 0)
        return Outcome(response=answer, padding=padding, declare_length=fault.declare_length)
    if kind is FaultKind.GZIP_BOMB:
        body = _gzip_padded(answer.body, max(fault.size - len(answer.body), 0))
        return Outcome(response=attrs.evolve(answer, body=body), content_encoding="gzip")
    return Outcome(response=attrs.evolve(answer, body=answer.body[:half]))  # MALFORMED


@lru_cache(maxsize=8)
def _gzip_padded(body: bytes, padding: int) -> bytes:
    """``body`` and ``padding`` blanks, gzip-compressed a megabyte at a time."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: the gzip container
    parts = [packer.compress(body)]
    block = b" " * min(padding, 1 << 20)
    while padding > 0:
        step = block if padding >= len(block) else block[:padding]
        parts.append(packer.compress(step))
        padding -= len(step)
    parts.append(packer.flush())
    return b"".join(parts)


def _status_answer(fault: Fault, _: FakeRequest) -> FakeResponse:
    phrase = _phrase(fault.status_code)
    return FakeResponse(
        status=fault.status_code,
        content_type="text/plain; charset=utf-8",
        body=f"{fault.status_code} {phrase}\n".encode(),
    )


def _html_answer(fault: Fault, _: FakeRequest) -> FakeResponse:
    title = (
        "Service temporarily unavailable" if fault.status_code < 300 else _phrase(fault.status_code)
    )
    page = (
        f"<!DOCTYPE html>\n<html><head><title>{title}</title></head>\n"
        f"<body><h1>{title}</h1><p>Please try again later.</p></body></html>\n"
    )
    return FakeResponse(
        status=fault.status_code, content_type="text/html; charset=utf-8", body=page.encode()
    )


def _error_answer(fault: Fault, request: FakeRequest) -> FakeResponse:
    """SMSC's error answer (HTTP 200) in the request's ``fmt`` and ``charset``."""
    fmt, charset = fallback_format(request)
    raw_id = request_params(request).get("id")
    has_id = raw_id is not None and fault.error_code in _ERRORS_WITH_ID
    message_id = parse_message_id(raw_id) if has_id and raw_id is not None else None
    api_fault = ApiFault(fault.error_code, fault.description, message_id)
    return encode_answer(fmt, charset, error_body(fmt, api_fault))


def _echo_answer(fault: Fault, request: FakeRequest) -> FakeResponse:
    """An answer quoting the request (as received) and its credentials back."""
    params = request_params(request)
    received = (request.query + b"&" + request.body[:2000]).decode("utf-8", "replace")
    named = [f"{name}={params[name]}" for name in ("login", "psw", "apikey") if name in params]
    if "psw" in params:
        digest = hashlib.md5(params["psw"].encode("utf-8"), usedforsecurity=False).hexdigest()
        named.append(f"md5={digest}")
    quote = f"request {received!r} ({', '.join(named)})"
    if fault.error_code:
        text = ERROR_TEXTS.get(fault.error_code, "error")
        return _error_answer(
            attrs.evolve(fault, kind=FaultKind.ERROR, description=f"{text}: {quote}"), request
        )
    page = (
        f"<!DOCTYPE html>\n<html><head><title>Bad request</title></head>\n"
        f"<body><h1>Bad request</h1><pre>{html.escape(quote)}</pre></body></html>\n"
    )
    return FakeResponse(
        status=fault.status_code, content_type="text/html; charset=utf-8", body=page.encode()
    )


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


_SUBSTITUTES: dict[FaultKind, Callable[[Fault, FakeRequest], FakeResponse]] = {
    FaultKind.STATUS: _status_answer,
    FaultKind.HTML: _html_answer,
    FaultKind.ERROR: _error_answer,
    FaultKind.ECHO: _echo_answer,
}
