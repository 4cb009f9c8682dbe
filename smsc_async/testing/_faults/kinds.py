"""Fault injection: the ways an HTTP exchange with SMSC goes wrong, on demand or by chance.

A `Fault` says *what* goes wrong; a `FaultPlan` says *when* (which requests, how many times,
with what probability) and keeps a record of every fault it fired, so a test can reconcile a
bulk send against exactly what was injected.

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

import attrs

__all__ = ["ERROR_TEXTS", "Fault", "FaultKind"]


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
        text = description if description is not None else ERROR_TEXTS.get(code, "error")
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
ERROR_TEXTS = {
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
