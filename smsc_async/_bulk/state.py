"""A bulk job's accounts: the summary counters, the requests whose messages are not settled
for the application yet, the messages known unsent, and how far the input is accounted for
(the checkpoint).

Two clocks run here. The summary counts an outcome when the job *learns* it (`Book.produce`);
the checkpoint counts it only when the application *has* it (`Book.deliver`: taken from the
job's iterator, or handed to ``run()``'s progress events). Until then the message stays where
a resumed job would find it again: in its open request (which the resumed job reconciles) or
among the unsent messages (which it sends, or checks, again).

Plain synchronous book-keeping, changed only between ``await``s, so the job's tasks never
see it half-updated. Its size is bounded by the requests in flight, the outcomes not yet
taken and the unknown outcomes, never by the number of messages.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from decimal import Decimal

from .._errors import SmscError
from .checkpoint import Checkpoint, OpenRequest, Ranges
from .outcomes import (
    BulkSummary,
    NotSentOutcome,
    Outcome,
    RejectedOutcome,
    SentOutcome,
    UnknownOutcome,
)
from .ranges import RangeSet

__all__ = ["Book", "Delivery"]


class _Open:
    """A request whose messages are not all settled for the application yet."""

    __slots__ = ("_snapshot", "announced", "flying", "indices", "left", "started_at")

    def __init__(self, indices: Iterable[int], started_at: float, *, left: bool) -> None:
        self.indices = RangeSet(indices)
        self.started_at = started_at
        # Announced: a checkpoint lists it as open from now on (it is about to leave);
        # until then its messages count as unsent, since they never left.
        self.announced = left
        self.left = left  # it may have reached the server (in this run or an earlier one)
        self.flying = 0  # messages counted in flight by its current attempt
        self._snapshot: tuple[Ranges, float, OpenRequest] | None = None

    def snapshot(self, request_id: str) -> OpenRequest:
        ranges = self.indices.ranges()
        cached = self._snapshot
        if cached is None or cached[0] is not ranges or cached[1] != self.started_at:
            request = OpenRequest(id=request_id, indices=ranges, started_at=self.started_at)
            cached = self._snapshot = (ranges, self.started_at, request)
        return cached[2]


class Delivery:
    """What `Book.deliver` changed, so that `Book.undo` can put it back."""

    __slots__ = ("entry", "outcome", "request_id", "was_unsent")

    def __init__(
        self, outcome: Outcome, request_id: str | None, entry: _Open | None, was_unsent: bool
    ) -> None:
        self.outcome = outcome
        self.request_id = request_id
        self.entry = entry
        self.was_unsent = was_unsent


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
            r.id: _Open((i for a, b in r.indices for i in range(a, b)), r.started_at, left=True)
            for r in resume.open
        }
        self.unsent = RangeSet(i for a, b in resume.unsent for i in range(a, b))
        self.unknown: dict[int, UnknownOutcome] = {}
        self.pending: dict[int, Outcome] = {}  # learnt, not yet taken by the application
        self.read = self.skipped = self.in_flight = self.requests = self.delivered = 0
        self.counts = {"sent": 0, "rejected": 0, "not_sent": 0, "unknown": 0}
        self.parts = 0
        self.cost = Decimal(0)
        self.balance: Decimal | None = None
        self.finished = False
        self.interrupted = False
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
        entry = _Open(indices, time.time(), left=False)
        for index in entry.indices:
            self.unsent.discard(index)
        self.open[request_id] = entry

    def stamp(self, request_id: str) -> float:
        """The request is about to leave: checkpoints list it as open from now on. Record
        the time (Unix seconds) and return it."""
        entry = self.open[request_id]
        entry.started_at = time.time()
        entry.announced = True
        return entry.started_at

    def leaving(self, request_id: str, count: int) -> None:
        """The request's bytes may reach the server from now on."""
        entry = self.open[request_id]
        entry.left = True
        entry.flying = count
        self.in_flight += count
        self.requests += 1

    def answered(self, request_id: str) -> None:
        """The request's call ended (answer or failure)."""
        entry = self.open[request_id]
        self.in_flight -= entry.flying
        entry.flying = 0

    def release(self, request_id: str, indices: Iterable[int]) -> None:
        """These messages of an open request were provably not taken by the server: they
        count as unsent until a new request takes them."""
        entry = self.open[request_id]
        for index in indices:
            entry.indices.discard(index)
            self.unsent.add(index)
        if not entry.indices:
            del self.open[request_id]

    def uncovered(self, request_id: str, indices: Iterable[int]) -> list[int]:
        """Those of ``indices`` still open in the request and with no outcome yet."""
        entry = self.open.get(request_id)
        if entry is None:
            return []
        return [
            i
            for i in indices
            if i in entry.indices and i not in self.pending and i not in self.unknown
        ]

    def has_left(self, request_id: str) -> bool:
        """Whether the request may have reached the server."""
        entry = self.open.get(request_id)
        return entry is not None and entry.left

    # ----------------------------------------------------------------- outcomes

    def produce(self, outcome: Outcome) -> None:
        """The job learnt a message's outcome: count it; it waits to be delivered.

        An outcome outside any open request (refused before sending, or not sent because
        the job stopped) counts as unsent until the application has it, so a resumed job
        would deal with the message again.
        """
        self._count(outcome)
        self.pending[outcome.index] = outcome
        if isinstance(outcome, UnknownOutcome):
            self.unknown[outcome.index] = outcome
        elif not self._in_request(outcome):
            self.unsent.add(outcome.index)

    def deliver(self, outcome: Outcome) -> Delivery:
        """The application has the outcome now: the checkpoint counts it."""
        self.pending.pop(outcome.index, None)
        self.delivered += 1
        request_id = outcome.request_id if self._in_request(outcome) else None
        entry = self.open.get(request_id) if request_id is not None else None
        was_unsent = outcome.index in self.unsent
        if isinstance(outcome, UnknownOutcome):
            pass  # stays open: reconciliation (or a resumed job) settles it
        elif entry is not None and request_id is not None:
            entry.indices.discard(outcome.index)
            if not entry.indices:
                del self.open[request_id]
            if isinstance(outcome, NotSentOutcome):
                self.unsent.add(outcome.index)
        elif isinstance(outcome, NotSentOutcome):
            self.unsent.add(outcome.index)
        else:
            self.unsent.discard(outcome.index)
        return Delivery(outcome, request_id, entry, was_unsent)

    def undo(self, delivery: Delivery) -> None:
        """Take back a `deliver` (the application did not get the outcome after all)."""
        outcome, entry = delivery.outcome, delivery.entry
        self.pending[outcome.index] = outcome
        self.delivered -= 1
        if entry is not None and delivery.request_id is not None:
            entry.indices.add(outcome.index)
            self.open.setdefault(delivery.request_id, entry)
        if delivery.was_unsent:
            self.unsent.add(outcome.index)
        else:
            self.unsent.discard(outcome.index)

    def resolve(self, outcomes: Iterable[Outcome]) -> list[Outcome]:
        """Apply reconciled outcomes of unknown messages; return those that changed. They
        go to the application (the caller returns them), so they count as delivered."""
        changed: list[Outcome] = []
        for outcome in outcomes:
            if isinstance(outcome, UnknownOutcome) or outcome.index not in self.unknown:
                continue
            assert not isinstance(outcome, RejectedOutcome)
            del self.unknown[outcome.index]
            self.counts["unknown"] -= 1
            self._count(outcome)
            if self.pending.pop(outcome.index, None) is None:
                self.delivered -= 1  # the unknown one was delivered; this replaces it
            self.deliver(outcome)
            changed.append(outcome)
        return changed

    def _count(self, outcome: Outcome) -> None:
        self.counts[outcome.kind.value] += 1
        if isinstance(outcome, SentOutcome):
            if outcome.parts is not None:
                self.parts += outcome.parts
            if outcome.cost is not None:
                self.cost += outcome.cost

    def _in_request(self, outcome: Outcome) -> bool:
        entry = self.open.get(outcome.request_id) if outcome.request_id else None
        return entry is not None and outcome.index in entry.indices

    @property
    def settled(self) -> int:
        """Messages with an outcome counted."""
        return sum(self.counts.values())

    # ----------------------------------------------------------------- the end

    def close(self, *, interrupted: bool) -> None:
        """The job is over. Outcomes the application did not take stay where a resumed job
        finds them: sent and unknown ones in their open request (it reconciles them), not
        sent and rejected ones among the unsent (it sends them again). When the job was
        interrupted, requests that never left are unsent, and messages read but never sent
        are counted not sent."""
        for outcome in list(self.pending.values()):
            if isinstance(outcome, (NotSentOutcome, RejectedOutcome)) and outcome.request_id:
                entry = self.open.get(outcome.request_id)
                if entry is not None and outcome.index in entry.indices:
                    self.release(outcome.request_id, [outcome.index])
        if not interrupted or self.finished:
            return
        self.interrupted = True
        for request_id, entry in list(self.open.items()):
            if not entry.left:
                self.release(request_id, list(entry.indices))
        self.counts["not_sent"] += self.read - self.skipped - self.settled
        self.in_flight = 0

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
            interrupted=self.interrupted,
            undelivered=self.settled - self.delivered,
            stopped_by=self.stopped_by,
            **self.counts,
        )

    def checkpoint(self, first_pending: int | None) -> Checkpoint:
        """Where a new job would resume from now. A request not yet about to leave is no
        open request: its messages are unsent."""
        position = self.position(first_pending)
        unsent = self.unsent.ranges(below=position)
        queued = [e.indices.ranges() for e in self.open.values() if not e.announced]
        if any(queued):
            unsent = tuple(pair for ranges in (unsent, *queued) for pair in ranges)
        return Checkpoint(
            position=position,
            open=tuple(
                e.snapshot(rid) for rid, e in self.open.items() if e.indices and e.announced
            ),
            unsent=unsent,  # sorted and merged by the Checkpoint
        )
