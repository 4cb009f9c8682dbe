"""What both network transports share: their limits, and how they report a failure.

The httpx2 and aiohttp transports differ in their library and agree on everything else, which
lives here so that neither has to import the other:

* Idle keep-alive connections are dropped after `KEEPALIVE_EXPIRY` (4 s), below the 5 s idle
  timeout that common servers and balancers use (nginx/Apache/uvicorn defaults of 5 s or more).
  Reusing a connection the server is closing at the same moment makes a POST fail after it
  may have been written — for a send that means "outcome unknown" — so we give such
  connections up first.
* Answers are read up to ``max_response_bytes`` (`MAX_RESPONSE_BYTES` by default) of *decoded*
  body, so neither a huge answer nor a small gzip bomb can fill the memory; past it the call
  ends in `too_large`'s `ProtocolError` (the request may have been processed, as for any
  unreadable answer).
* A library's exception is described by `failure_text` (class name and message, never the
  body) and replaced by `RequestNotSent` or `ExchangeFailed`, so no exception chain keeps the
  library's exception (whose request holds the body with the credentials) or its frames.
* A streamed body is read through `watched`, so an exception the stream itself raised is
  raised again as itself (`stream_failure`) rather than as the library's wrapping of it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Final

from .._errors import ConfigurationError, ProtocolError
from .base import BodyStream, HttpRequest

__all__ = [
    "KEEPALIVE_EXPIRY",
    "MAX_RESPONSE_BYTES",
    "NO_FAILURES",
    "check_limits",
    "failure_text",
    "stream_failure",
    "too_large",
    "watched",
]

KEEPALIVE_EXPIRY: Final = 4.0
"""Seconds an idle pooled connection is kept (see the module docstring for why 4)."""

MAX_RESPONSE_BYTES: Final = 16 * 1024 * 1024
"""The default limit on an answer's decoded size: far above any real SMSC answer."""

NO_FAILURES: Final[list[Exception]] = []  # shared, never appended to: bodies without a stream

_MAX_TEXT: Final = 300


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
