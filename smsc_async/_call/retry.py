"""When and how patiently the client retries calls that are safe to retry."""

from __future__ import annotations

import math
import re
import time
from datetime import timezone
from email.utils import parsedate_to_datetime

import attrs

from .._errors import ConfigurationError

__all__ = ["RetryPolicy", "retry_after_seconds"]


def _positive(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < math.inf:
        raise ConfigurationError(f"retry.{attribute.name} must be a finite number >= 0")


def _attempts(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10:
        raise ConfigurationError("retry.attempts must be an int from 1 to 10")


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """Retry settings for calls that are safe to repeat.

    What is retried never depends on these numbers: a request that provably never left the
    client (no connection) is retried for every call; timeouts, dropped connections, 5xx and
    429 answers are retried only for read-only calls such as `AsyncClient.cost`. A send that
    may have reached the server is never retried, and API errors (including 4 "IP blocked"
    and 9 "too many requests") never are.

    A 429 or 503 answer's ``Retry-After`` (seconds or an HTTP date) is honoured: the next
    attempt waits ``max(backoff delay, Retry-After)``. When the server asks for more than
    ``max_retry_after`` seconds, or for more than the call's deadline can spare, the call
    gives up at once with that answer instead of waiting.

    Attributes:
        attempts: the most attempts per call, the first included (1 disables retries).
        backoff: the base delay in seconds; attempt n waits a random time in
            ``[0, min(max_backoff, backoff * 2**(n-1))]`` ("full jitter").
        max_backoff: the cap on one wait, in seconds.
        max_retry_after: the longest ``Retry-After`` the client waits for, in seconds.
    """

    attempts: int = attrs.field(default=3, validator=_attempts)
    backoff: float = attrs.field(default=0.2, validator=_positive)
    max_backoff: float = attrs.field(default=5.0, validator=_positive)
    max_retry_after: float = attrs.field(default=30.0, validator=_positive)

    def backoff_delay(self, attempt: int, jitter: float) -> float:
        """The wait after failed attempt number ``attempt`` (1-based), for ``jitter`` in [0, 1)."""
        ceiling = min(self.max_backoff, self.backoff * 2.0 ** (attempt - 1))
        return ceiling * jitter


_SECONDS = re.compile(r"\s*(\d{1,10}(?:\.\d{1,6})?)\s*")


def retry_after_seconds(value: str | None, *, now: float | None = None) -> float | None:
    """The seconds a ``Retry-After`` header value asks to wait, or None if absent or unreadable.

    RFC 9110 allows a number of seconds or an HTTP date; a date in the past means 0. A
    fractional number of seconds is accepted too. ``now`` is the Unix time to count a date
    from (default: the current time).
    """
    if value is None or len(value) > 64:
        return None
    match = _SECONDS.fullmatch(value)
    if match is not None:
        return float(match[1])
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000": RFC 9110 dates are GMT anyway
        when = when.replace(tzinfo=timezone.utc)
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)
