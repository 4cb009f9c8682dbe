"""When and how patiently the client retries calls that are safe to retry."""

from __future__ import annotations

import attrs

from ._errors import ConfigurationError

__all__ = ["RetryPolicy"]


def _positive(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise ConfigurationError(f"retry.{attribute.name} must be a number >= 0")


def _attempts(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10:
        raise ConfigurationError("retry.attempts must be an int from 1 to 10")


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """Retry settings for calls that are safe to repeat.

    What is retried never depends on these numbers: a request that provably never left the
    client (no connection) is retried for every call; timeouts, dropped connections and 5xx
    answers are retried only for read-only calls such as `AsyncClient.cost`. A send that may
    have reached the server is never retried, and API errors (including 4 "IP blocked" and
    9 "too many requests") never are.

    Attributes:
        attempts: the most attempts per call, the first included (1 disables retries).
        backoff: the base delay in seconds; attempt n waits a random time in
            ``[0, min(max_backoff, backoff * 2**(n-1))]`` ("full jitter").
        max_backoff: the cap on one wait, in seconds.
    """

    attempts: int = attrs.field(default=3, validator=_attempts)
    backoff: float = attrs.field(default=0.2, validator=_positive)
    max_backoff: float = attrs.field(default=5.0, validator=_positive)

    def backoff_delay(self, attempt: int, jitter: float) -> float:
        """The wait after failed attempt number ``attempt`` (1-based), for ``jitter`` in [0, 1)."""
        ceiling = min(self.max_backoff, self.backoff * 2.0 ** (attempt - 1))
        return ceiling * jitter
