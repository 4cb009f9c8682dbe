"""A bulk job's accounts: the summary counters, the requests whose result is open, the
messages known unsent, and how far the input is accounted for (the checkpoint).

Plain synchronous book-keeping, changed only between ``await``s, so the job's tasks never
see it half-updated. Its size is bounded by the requests in flight and the unknown outcomes,
never by the number of messages.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from decimal import Decimal

from ._bulk_types import (
    BulkSummary,
    Checkpoint,
    NotSentOutcome,
    OpenRequest,
    Outcome,
    RejectedOutcome,
    SentOutcome,
    UnknownOutcome,
    to_ranges,
)
from ._errors import SmscError

__all__ = ["Book"]


class _Open:
    """A request whose messages' outcome is not settled yet."""

    __slots__ = ("indices", "started_at")

    def __init__(self, indices: Iterable[int], started_at: float) -> None:
        self.indices = set(indices)
        self.started_at = started_at


class Book:
    """The accounts of one bulk job (see the module docstring).

    Args:
        resume: the checkpoint this job resumes from: its open requests and unsent messages
            are carried over until this job settles them.
    """

    def __init__(self, resume: Checkpoint | None) -> None:
        resume = resume or Checkpoint()
        self.floor = resume.position
        self._frontier = resume.position
        self._frozen: int | None = None
        self.open: dict[str, _Open] = {
            r.id: _Open((i for a, b in r.indices for i in range(a, b)), r.started_at)
            for r in resume.open
        }
        self.unsent: set[int] = {i for a, b in resume.unsent for i in range(a, b)}
        self.unknown: dict[int, UnknownOutcome] = {}
        self.read = self.skipped = self.in_flight = self.requests = 0
        self.counts = {"sent": 0, "rejected": 0, "not_sent": 0, "unknown": 0}
        self.parts = 0
        self.cost = Decimal(0)
        self.balance: Decimal | None = None
        self.finished = False
        self.stopped_by: SmscError | None = None

    # ----------------------------------------------------------------- the input

    def note_read(self, index: int, *, skipped: bool = False) -> None:
        """A message was read from the input (``skipped``: settled by an earlier run)."""
        self.read += 1
        self.skipped += skipped
        if self._frozen is None:
            self._frontier = max(self._frontier, index + 1)

    def freeze(self, position: int) -> None:
        """The job stops: nothing read from now on is accounted for beyond ``position``."""
        if self._frozen is None:
            self._frozen = max(self.floor, position)

    def position(self, first_pending: int | None) -> int:
        """How far the input is accounted for, given the first message not yet in a request."""
        if self._frozen is not None:
            return self._frozen
        return first_pending if first_pending is not None else self._frontier

    # ----------------------------------------------------------------- requests

    def register(self, request_id: str, indices: Iterable[int]) -> None:
        """A request was formed for these messages: from now on it may be sent."""
        entry = _Open(indices, time.time())
        self.unsent.difference_update(entry.indices)
        self.open[request_id] = entry

    def sending(self, request_id: str) -> float:
        """The request leaves now; return the time (Unix seconds)."""
        entry = self.open[request_id]
        entry.started_at = time.time()
        self.in_flight += len(entry.indices)
        self.requests += 1
        return entry.started_at

    def answered(self, request_id: str) -> None:
        """The request's call ended (answer or failure)."""
        self.in_flight -= len(self.open[request_id].indices)

    def drop(self, request_id: str) -> None:
        """The server refused the request as a whole: it sent nothing."""
        del self.open[request_id]

    def release(self, request_id: str, index: int) -> None:
        """``status.php`` showed that message ``index`` of an open request was never sent;
        it counts as unsent until a new request takes it."""
        entry = self.open[request_id]
        entry.indices.discard(index)
        if not entry.indices:
            del self.open[request_id]
        self.unsent.add(index)

    # ----------------------------------------------------------------- outcomes

    def count(self, outcome: Outcome) -> None:
        """Count an outcome of a message that was never in a request (or was dropped)."""
        self.counts[outcome.kind.value] += 1
        if not isinstance(outcome, NotSentOutcome):
            self.unsent.discard(outcome.index)
        if isinstance(outcome, SentOutcome):
            if outcome.parts is not None:
                self.parts += outcome.parts
            if outcome.cost is not None:
                self.cost += outcome.cost

    def settle(self, request_id: str, outcomes: Iterable[Outcome]) -> None:
        """Count outcomes of messages of a request and close what they settle.

        Unknown ones keep the request open (and are kept for reconciliation); not-sent ones
        are remembered as unsent, so a resumed job sends them again.
        """
        entry = self.open.get(request_id)
        for outcome in outcomes:
            self.count(outcome)
            if isinstance(outcome, UnknownOutcome):
                self.unknown[outcome.index] = outcome
                continue
            if entry is not None:
                entry.indices.discard(outcome.index)
            if isinstance(outcome, NotSentOutcome):
                self.unsent.add(outcome.index)
        if entry is not None and not entry.indices:
            del self.open[request_id]

    def resolve(self, outcomes: Iterable[Outcome]) -> list[Outcome]:
        """Apply reconciled outcomes of unknown messages; return those that changed."""
        changed: list[Outcome] = []
        for outcome in outcomes:
            if isinstance(outcome, UnknownOutcome) or outcome.index not in self.unknown:
                continue
            assert not isinstance(outcome, RejectedOutcome)
            previous = self.unknown.pop(outcome.index)
            self.counts["unknown"] -= 1
            self.settle(previous.request_id, [outcome])
            changed.append(outcome)
        return changed

    # ----------------------------------------------------------------- views

    def summary(self) -> BulkSummary:
        """The counts and totals now."""
        return BulkSummary(
            read=self.read,
            skipped=self.skipped,
            in_flight=self.in_flight,
            requests=self.requests,
            parts=self.parts,
            cost=self.cost,
            balance=self.balance,
            finished=self.finished,
            stopped_by=self.stopped_by,
            **self.counts,
        )

    def checkpoint(self, first_pending: int | None) -> Checkpoint:
        """Where a new job would resume from now."""
        return Checkpoint(
            position=self.position(first_pending),
            open=tuple(
                OpenRequest(id=rid, indices=to_ranges(e.indices), started_at=e.started_at)
                for rid, e in self.open.items()
                if e.indices
            ),
            unsent=to_ranges(self.unsent),
        )
