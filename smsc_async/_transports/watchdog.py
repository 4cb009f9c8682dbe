"""One event-loop timer that keeps the call deadline of every aiohttp exchange in flight.

The aiohttp transport bounds a whole exchange itself (``enforces_deadline``). A timer per
request — aiohttp's ``ClientTimeout.total``, ``asyncio.timeout`` or an anyio cancel scope —
costs a timer handle and several task look-ups per request (about 5 µs of aiohttp's own
~105 µs, measured), so the first attempt of every call is watched by a `Watchdog` instead:
one timer for all of them, which cancels the tasks whose time is up, as ``asyncio.timeout``
does. Undoing that cancellation needs ``Task.uncancel``, so the transport uses this on
Python 3.11 and later only.

asyncio only, like aiohttp itself; it knows nothing of aiohttp.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

__all__ = ["Guard", "Watchdog"]


class Guard:
    """One exchange the `Watchdog` watches: its task and when its time is up."""

    __slots__ = ("cancelling", "fired", "task", "when")

    def __init__(self, task: asyncio.Task[Any], when: float) -> None:
        self.task = task
        self.when = when
        self.fired = False
        # The task's pending cancellations before ours, as `asyncio.timeout` keeps them.
        self.cancelling = 0
        if sys.version_info >= (3, 11):
            self.cancelling = task.cancelling()

    def took_back(self) -> bool:
        """After a CancelledError: whether it was only this guard's (then it is undone)."""
        if sys.version_info >= (3, 11):
            return self.fired and self.task.uncancel() <= self.cancelling
        return False  # pragma: no cover  # no watchdog before 3.11


class Watchdog:
    """Cancels the tasks of exchanges that outlive their budget, with one loop timer for all.

    Every exchange it watches has the same budget (the first one it saw: the client's whole
    `Timeouts.deadline`), so deadlines grow in the order exchanges start, and the first live
    entry of the insertion-ordered dict is the earliest. The timer is armed no later than that
    deadline; when it fires it cancels every task whose time is up (as ``asyncio.timeout``
    does: the task's own code turns the cancellation into a timeout) and re-arms for the
    next. A finished exchange just leaves the dict, so nothing grows with the request count.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._budget: float | None = None
        self._guards: dict[Guard, None] = {}
        self._timer: asyncio.TimerHandle | None = None

    def watch(self, budget: float) -> Guard | None:
        """Watch the current task for ``budget`` seconds; None for another budget."""
        if self._budget is None:
            self._budget = budget
        elif budget != self._budget:
            return None
        task = asyncio.current_task(self._loop)
        if task is None:  # pragma: no cover  # a request always runs in a task
            return None
        guard = Guard(task, self._loop.time() + budget)
        self._guards[guard] = None
        if self._timer is None:
            self._timer = self._loop.call_at(guard.when, self._fire)
        return guard

    def release(self, guard: Guard) -> None:
        """The exchange is over: stop watching it."""
        self._guards.pop(guard, None)

    def _fire(self) -> None:
        self._timer = None
        now = self._loop.time()
        expired = []
        for guard in self._guards:
            if guard.when > now:
                self._timer = self._loop.call_at(guard.when, self._fire)
                break
            expired.append(guard)
        for guard in expired:
            del self._guards[guard]
            guard.fired = True
            guard.task.cancel()
