"""Fault injection: the ways an HTTP exchange with SMSC goes wrong, on demand or by chance.

A `Fault` says *what* goes wrong; a `FaultPlan` says *when* (which requests, how many times,
with what probability) and keeps a record of every fault it fired, so a test can reconcile a
bulk send against exactly what was injected.

Each fault kind is enacted once, here, as an `Outcome` (the answer, if any, and how it is
delivered); the in-process transport and the ASGI app only translate an `Outcome` into what
their kind of client observes, so both behave the same way.

Whether a fault lets the request reach the emulator is fixed per kind (`Fault.reaches_fake`):

=============== ============ ===================================================================
kind            reaches fake what the client sees
=============== ============ ===================================================================
latency         yes          the answer, ``seconds`` late (a timeout if that is past ``read``)
drip            yes          the answer a few bytes at a time, a pause before each chunk
reset_before    no           the connection dropped before any answer
reset_after     yes          the connection dropped before any answer, the request processed
status          no           an HTTP error status from a proxy in front of the server (with a
                             ``Retry-After`` header if asked)
html            no           an HTML page (captive portal, maintenance page) instead of the API
truncated       yes          a declared Content-Length, half the body, then a closed connection
malformed       yes          a well-framed answer whose body is cut in half (unparseable)
error           no           an SMSC error answer with the given code, in the requested ``fmt``
refuse          no           connection refused (in-process only; a socket server drops instead)
echo            no           an error answer (or HTML page) quoting the request's credentials
oversized       yes          the answer padded with blanks to ``size`` bytes, made as it is sent
gzip_bomb       yes          the same, gzip-compressed: a small body that inflates to ``size``
=============== ============ ===================================================================

``echo`` plays a careless server or proxy repeating the request back: the request as it was
received (URL-encoded), each credential parameter decoded, and the MD5 of ``psw``, in an SMSC
error description (HTML-escaped in a page). ``oversized`` and ``gzip_bomb`` keep the real
answer valid (JSON and text allow trailing blanks), so only a client's size limit can fail
them; an oversized answer is sent with its ``Content-Length`` or, with
``declare_length=False``, chunked.
"""

from __future__ import annotations

import enum
import hashlib
import html
import zlib
from collections.abc import Awaitable, Callable
from functools import lru_cache
from http import HTTPStatus

import attrs

from .._rules._recipients import parse_message_id
from .._wire._request import (
    ApiFault,
    FakeRequest,
    FakeResponse,
    encode_answer,
    error_body,
    fallback_format,
)
from ._plan import request_params

__all__ = ["Fault", "FaultKind", "Outcome", "enact"]

Handler = Callable[[FakeRequest], Awaitable[FakeResponse]]


class FaultKind(enum.Enum):
    """What goes wrong; see the module docstring for what a client observes."""

    LATENCY = "latency"
    DRIP = "drip"
    RESET_BEFORE = "reset_before"
    RESET_AFTER = "reset_after"
    STATUS = "status"
    HTML = "html"
    TRUNCATED = "truncated"
    MALFORMED = "malformed"
    ERROR = "error"
    REFUSE = "refuse"
    ECHO = "echo"
    OVERSIZED = "oversized"
    GZIP_BOMB = "gzip_bomb"


_REACHES_FAKE = frozenset(
    {
        FaultKind.LATENCY,
        FaultKind.DRIP,
        FaultKind.RESET_AFTER,
        FaultKind.TRUNCATED,
        FaultKind.MALFORMED,
        FaultKind.OVERSIZED,
        FaultKind.GZIP_BOMB,
    }
)


def _non_negative(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not value >= 0:
        raise ValueError(f"{attribute.name} must be >= 0, got {value!r}")


@attrs.frozen(kw_only=True)
class Fault:
    """One injected failure. Build it with the class methods (`Fault.reset_after()`, …).

    Attributes:
        kind: what goes wrong.
        seconds: latency before the answer, or the pause before each drip chunk.
        chunk_size: bytes per drip chunk.
        status_code: the HTTP status of a `status` or `html` answer.
        error_code: the SMSC error code of an `error` (or `echo`) answer.
        description: the error text of an `error` answer.
        size: the size in bytes an `oversized` answer has (a `gzip_bomb` once inflated).
        declare_length: whether an `oversized` answer declares its length (else chunked).
        retry_after: the ``Retry-After`` header of a `status` answer, as sent (seconds or an
            HTTP date); None sends none.
    """

    kind: FaultKind
    seconds: float = attrs.field(default=0.0, validator=_non_negative)
    chunk_size: int = attrs.field(default=1, validator=attrs.validators.ge(1))
    status_code: int = attrs.field(
        default=200, validator=[attrs.validators.ge(100), attrs.validators.le(599)]
    )
    error_code: int = 0
    description: str = ""
    size: int = attrs.field(default=0, validator=attrs.validators.ge(0))
    declare_length: bool = True
    retry_after: str | None = None

    @property
    def reaches_fake(self) -> bool:
        """Whether the emulator processes the request (a send is recorded in the ledger)."""
        return self.kind in _REACHES_FAKE

    @classmethod
    def latency(cls, seconds: float) -> Fault:
        """Answer ``seconds`` late; the request is processed before the wait begins."""
        return cls(kind=FaultKind.LATENCY, seconds=seconds)

    @classmethod
    def drip(cls, delay: float, *, chunk_size: int = 1) -> Fault:
        """Send the answer ``chunk_size`` bytes at a time, pausing ``delay`` s before each."""
        return cls(kind=FaultKind.DRIP, seconds=delay, chunk_size=chunk_size)

    @classmethod
    def reset_before(cls) -> Fault:
        """Drop the connection without processing the request."""
        return cls(kind=FaultKind.RESET_BEFORE)

    @classmethod
    def reset_after(cls) -> Fault:
        """Process the request, then drop the connection without answering."""
        return cls(kind=FaultKind.RESET_AFTER)

    @classmethod
    def status(cls, code: int = 503, *, retry_after: float | str | None = None) -> Fault:
        """Answer HTTP ``code`` with a plain-text reason, as a proxy would; nothing is processed.

        ``retry_after`` adds a ``Retry-After`` header: a number of seconds, or a string sent
        as is (an HTTP date, or something malformed to see how a client copes).
        """
        header = None
        if retry_after is not None:
            header = retry_after if isinstance(retry_after, str) else f"{retry_after:g}"
        return cls(kind=FaultKind.STATUS, status_code=code, retry_after=header)

    @classmethod
    def html(cls, code: int = 200) -> Fault:
        """Answer an HTML page instead of the API's answer; nothing is processed."""
        return cls(kind=FaultKind.HTML, status_code=code)

    @classmethod
    def truncated(cls) -> Fault:
        """Process the request, declare the full length, send half the body, then close."""
        return cls(kind=FaultKind.TRUNCATED)

    @classmethod
    def malformed(cls) -> Fault:
        """Process the request and answer, well framed, with only the first half of the body."""
        return cls(kind=FaultKind.MALFORMED)

    @classmethod
    def error(cls, code: int, description: str | None = None) -> Fault:
        """Answer SMSC error ``code`` in the format the request asked for; nothing is processed."""
        text = description if description is not None else _ERROR_TEXTS.get(code, "error")
        return cls(kind=FaultKind.ERROR, error_code=code, description=text)

    @classmethod
    def refuse(cls) -> Fault:
        """Refuse the connection (in-process); a socket server can only drop it instead."""
        return cls(kind=FaultKind.REFUSE)

    @classmethod
    def echo(cls, code: int | None = 2, *, status_code: int = 200) -> Fault:
        """Answer SMSC error ``code`` whose description quotes the request's credentials, or
        with ``code=None`` an HTML page (HTTP ``status_code``) that does; nothing is processed.
        """
        return cls(kind=FaultKind.ECHO, error_code=code or 0, status_code=status_code)

    @classmethod
    def oversized(cls, size: int, *, declare_length: bool = True) -> Fault:
        """Process the request and answer it padded with blanks to ``size`` bytes."""
        return cls(kind=FaultKind.OVERSIZED, size=size, declare_length=declare_length)

    @classmethod
    def gzip_bomb(cls, size: int) -> Fault:
        """Process the request and answer it padded to ``size`` bytes, gzip-compressed."""
        return cls(kind=FaultKind.GZIP_BOMB, size=size)


# send.php's meanings. Some texts are the server's own, as recorded from it; the rest describe.
_ERROR_TEXTS = {
    1: "parameters error",
    2: "authorise error",
    3: "no money",
    4: "IP is blocked",
    5: "invalid date format",
    6: "message is denied",
    7: "invalid number",
    8: "cannot deliver",
    9: "duplicate request, wait a minute",
}
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
        text = _ERROR_TEXTS.get(fault.error_code, "error")
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
