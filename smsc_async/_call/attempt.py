"""The pieces of one call's attempts: the slots they hold and what a failure means.

`Slots` is the client's limiter (SMSC refuses a login's 15th concurrent request) together with
the slots of *abandoned* requests. A request the client stopped waiting for — its caller was
cancelled, or it timed out — after it may have been written can still be running at SMSC,
which counts it against the 14 just the same (a web server's script usually runs on after its
client has gone). Its slot therefore stays taken ("parked") for `Timeouts.read` seconds, the
time the server is allowed to take over an answer, before another request may use it. Parking
needs no task and no timer: parked slots are released by the calls that find the limiter full
(a waiting call wakes up when the earliest parked slot expires, and at least every
`Timeouts.read` seconds to see slots parked since), by `AsyncClient.limiter`, and by
`AsyncClient.aclose`.

`Attempts` is the book-keeping of one call: how many attempts, whether one is in flight or
may have reached the server, and so which error running out of time or slots means.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Awaitable
from time import monotonic
from typing import NoReturn, TypeVar
from urllib.parse import unquote_plus

import anyio

from .._errors import NotSentError, OutcomeUnknownError, TransportError
from .._transports.base import RequestNotSent, Timeouts

__all__ = ["Attempts", "Slots", "within"]

T = TypeVar("T")

logger = logging.getLogger("smsc_async")

_MAX_CAUSE = 200


class Attempts:
    """Book-keeping of one call's attempts: for logs and for what a failure means."""

    __slots__ = ("endpoint", "in_flight", "message_id", "number", "reached")

    def __init__(self, endpoint: str, message_id: int | str | None) -> None:
        self.endpoint = endpoint
        self.message_id = message_id
        self.number = 0
        # An attempt is in flight from the moment it is handed to the transport until the
        # transport answers or proves (RequestNotSent) that nothing left.
        self.in_flight = False
        # Some earlier attempt may have reached the server.
        self.reached = False

    def note(self, start: float, status: int | None, exc: Exception | None) -> None:
        """Record the end of an attempt, and log it without any secret or recipient."""
        self.in_flight = False
        if not isinstance(exc, RequestNotSent):
            self.reached = True
        if exc is not None or logger.isEnabledFor(logging.DEBUG):
            logger.log(
                logging.DEBUG if exc is None else logging.WARNING,
                "POST /sys/%s.php status=%s attempt=%d elapsed=%.3fs%s",
                self.endpoint,
                status if status is not None else "-",
                self.number,
                monotonic() - start,
                f" error={type(exc).__name__}" if exc is not None else "",
            )

    def failure(self, reason: str, *, cause: str | None = None) -> TransportError:
        """``reason`` as the error it means now: outcome unknown once anything may have left."""
        cls = OutcomeUnknownError if self.in_flight or self.reached else NotSentError
        return cls(reason, endpoint=self.endpoint, message_id=self.message_id, cause=cause)

    def expire(self, timeouts: Timeouts) -> NoReturn:
        """Raise the error that running out of time means at this point of the call."""
        raise self.failure(f"no answer within the {timeouts.deadline:g} s deadline")

    def check_deadline(self, end: float, timeouts: Timeouts, *, sent: bool) -> None:
        """After a transport that enforces the deadline failed: expire if the time is up.

        ``sent`` is False when the transport proved nothing of this attempt left.
        """
        if monotonic() >= end:
            self.in_flight = sent
            self.expire(timeouts)

    def unexpected(self, exc: BaseException, auth: bytes) -> TransportError:
        """The error for an exception no transport should raise (a bug, a closed loop…).

        Outcome unknown once the request was handed to the transport, else not sent. Only the
        exception's class name and message are kept (not the exception: its frames may hold
        the body), and the message only if it shows no credential.
        """
        return self.failure("the exchange failed unexpectedly", cause=_safe_cause(exc, auth))


def _safe_cause(exc: BaseException, auth: bytes) -> str:
    name = type(exc).__name__
    try:
        message = str(exc)
    except Exception:  # noqa: BLE001 - a broken __str__ must not hide the error itself
        return name
    secrets = [
        value
        for field in auth.decode("ascii", "replace").split("&")
        for value in {field.partition("=")[2], unquote_plus(field.partition("=")[2])}
        if field.partition("=")[0] in ("login", "psw", "apikey") and value
    ]
    if not message or any(secret in message for secret in secrets):
        return name
    text = f"{name}: {message}"
    return text if len(text) <= _MAX_CAUSE else text[: _MAX_CAUSE - 1] + "…"


async def within(end: float, attempt: Attempts, timeouts: Timeouts, step: Awaitable[T]) -> T:
    """Await ``step`` until the monotonic clock reaches ``end``; then the call has expired."""
    with anyio.move_on_after(end - monotonic()):
        return await step
    attempt.expire(timeouts)


class _Parked:
    """The borrower of a parked slot: the request is abandoned, its slot not yet free."""

    __slots__ = ()


class Slots:
    """The client's limiter and its parked slots (see the module docstring)."""

    __slots__ = ("_parked", "_total", "limiter")

    def __init__(self, total: int) -> None:
        self._total = total
        # Created on first use, inside the event loop that will use it.
        self.limiter: anyio.CapacityLimiter | None = None
        # (monotonic time it is released, its borrower), at most `total` of them.
        self._parked: list[tuple[float, object]] = []

    def open(self) -> anyio.CapacityLimiter:
        """The limiter, created now if it was not yet."""
        if self.limiter is None:
            self.limiter = anyio.CapacityLimiter(self._total)
        return self.limiter

    @property
    def parked(self) -> int:
        """How many slots are held for abandoned requests right now."""
        return len(self._parked)

    def park(self, borrower: object, attempt: Attempts, timeouts: Timeouts) -> object:
        """Keep ``borrower``'s slot for ``timeouts.read`` seconds; return a new borrower."""
        self._parked.append((monotonic() + timeouts.read, borrower))
        logger.warning(
            "POST /sys/%s.php%s: stopped waiting for an answer the server may still be "
            "working on; its slot stays taken for %gs",
            attempt.endpoint,
            f" id={attempt.message_id!r}" if attempt.message_id is not None else "",
            timeouts.read,
        )
        return _Parked()

    def release_expired(self, now: float) -> float:
        """Release the parked slots whose time is up; return when the next one is (or inf)."""
        parked = self._parked
        if not parked:
            return math.inf
        limiter = self.open()
        wake = math.inf
        waiting = []
        for until, borrower in parked:
            if until <= now:
                limiter.release_on_behalf_of(borrower)
            else:
                waiting.append((until, borrower))
                wake = min(wake, until)
        parked[:] = waiting
        return wake

    def release_all(self) -> None:
        """Release every parked slot (the client is closing)."""
        self.release_expired(math.inf)

    async def wait(
        self, borrower: object, attempt: Attempts, end: float, timeouts: Timeouts
    ) -> None:
        """Take a slot for ``borrower`` once one is free, in turn with the other waiters.

        Gives up — `NotSentError`, or `OutcomeUnknownError` if an earlier attempt of the call
        may have reached the server — after ``timeouts.queue`` seconds, or once less than
        ``timeouts.min_attempt_time`` would be left of the deadline ``end``.
        """
        limiter = self.open()
        now = start = monotonic()
        by_queue = start + timeouts.queue
        give_up = min(by_queue, end - timeouts.min_attempt_time)
        while True:
            # A slot parked after this wait began expires `read` seconds after that or later,
            # so waking up at least every `read` seconds sees it come free in time.
            wake = min(self.release_expired(now), now + timeouts.read)
            try:
                limiter.acquire_on_behalf_of_nowait(borrower)
                return
            except anyio.WouldBlock:
                pass
            if now >= give_up:
                break
            with anyio.move_on_after(min(give_up, wake) - now):
                await limiter.acquire_on_behalf_of(borrower)
                return
            now = monotonic()
        if give_up == by_queue:
            reason = f"no free slot within {timeouts.queue:g} s (all {self._total} busy)"
        else:
            reason = (
                f"no free slot while enough of the {timeouts.deadline:g} s deadline was left "
                f"to start a request (at least {timeouts.min_attempt_time:g} s)"
            )
        raise attempt.failure(reason)
