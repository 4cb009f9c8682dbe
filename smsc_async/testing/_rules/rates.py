"""The server's counting rules: the one-minute rate windows and the anti-flood count."""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable

__all__ = ["FloodGuard", "RateWindow"]


class RateWindow:
    """Counts events per key within a sliding window (the one-minute rules).

    Only accepted requests are recorded (`hit`), so a request refused for another reason —
    no money, say — can be retried unchanged after fixing the cause.
    """

    def __init__(self) -> None:
        self._events: dict[Hashable, deque[float]] = {}

    def count(self, key: Hashable, now: float, window: float) -> int:
        """Events for ``key`` within the last ``window`` seconds."""
        events = self._events.get(key)
        if not events:
            return 0
        while events and events[0] <= now - window:
            events.popleft()
        return len(events)

    def hit(self, key: Hashable, now: float) -> None:
        """Record one event for ``key`` at ``now``."""
        self._events.setdefault(key, deque()).append(now)


class FloodGuard:
    """The anti-flood rule: more than ``limit`` messages to one recipient, each less than
    ``gap`` seconds after the previous one, are blocked. A pause of ``gap`` or more resets
    the run; a blocked message is not sent, so it does not extend the run."""

    def __init__(self) -> None:
        self._runs: dict[tuple[str, str], tuple[int, float]] = {}

    def room(self, login: str, recipient: str, now: float, limit: int, gap: float) -> int:
        """How many more messages may go to ``recipient`` now (``limit`` after a pause)."""
        run = self._runs.get((login, recipient))
        if run is None or now - run[1] >= gap:
            return limit
        return max(0, limit - run[0])

    def record(self, login: str, recipient: str, now: float, gap: float) -> None:
        """Count one message sent to ``recipient`` at ``now``."""
        run = self._runs.get((login, recipient))
        count = run[0] + 1 if run is not None and now - run[1] < gap else 1
        self._runs[(login, recipient)] = (count, now)
