"""`Cooloff`: after SMSC answers error 4 (this IP is blocked), send nothing for a while.

SMSC blocks an IP after frequent erroneous requests, and every further request prolongs the
block; so for ``seconds`` after an error 4 every call raises `IpBlockedError` at once,
without any network I/O, its description saying the refusal is local.
"""

from __future__ import annotations

import logging
from time import monotonic

from .._errors import IpBlockedError, SmscError
from .._wire.answers import parse_error

__all__ = ["Cooloff"]

logger = logging.getLogger("smsc_async")


class Cooloff:
    """The IP block cool-off of one client: ``seconds`` long, 0 disables it."""

    __slots__ = ("seconds", "until")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.until = 0.0  # monotonic time the cool-off ends; 0: none

    def refuse(self, endpoint: str) -> None:
        """Raise `IpBlockedError` while the cool-off lasts."""
        left = self.until - monotonic()
        if left <= 0:
            self.until = 0.0
            return
        raise IpBlockedError(
            4,
            "refused locally, nothing was sent: SMSC blocked this IP (error 4) less than "
            f"{self.seconds:g} s ago; no request goes out for {left:.1f} s more",
            endpoint=endpoint,
        )

    def watch(self, text: str, endpoint: str) -> None:
        """Start the cool-off if ``text`` is error 4 (the caller's decoder raises it)."""
        if not self.seconds:
            return
        try:
            error = parse_error(text, fmt=3, endpoint=endpoint)
        except SmscError:
            return  # unreadable: the caller's decoder says so
        if isinstance(error, IpBlockedError):
            self.until = monotonic() + self.seconds
            logger.warning(
                "SMSC blocked this IP (error 4): no request goes out for %gs", self.seconds
            )
