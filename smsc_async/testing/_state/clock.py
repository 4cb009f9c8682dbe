"""The emulator's clock: wall-clock time by default, a `FakeClock` that tests move by hand."""

from __future__ import annotations

import threading
import time

__all__ = ["FakeClock", "default_clock"]


class FakeClock:
    """A manual clock in Unix seconds: tests move time with `advance` instead of sleeping.

    An instance is itself a ``Callable[[], float]``, so it can be passed as ``clock=``.
    """

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self._now = float(start)
        self._lock = threading.Lock()

    def now(self) -> float:
        """The current fake time, in Unix seconds."""
        return self._now

    def advance(self, seconds: float) -> float:
        """Move the clock forward by ``seconds`` (not backwards) and return the new time."""
        if seconds < 0:
            raise ValueError("a FakeClock only moves forward")
        with self._lock:
            self._now += seconds
            return self._now

    def __call__(self) -> float:
        return self._now

    def __repr__(self) -> str:
        return f"FakeClock(now={self._now!r})"


def default_clock() -> float:
    """Wall-clock time (Unix seconds)."""
    return time.time()
