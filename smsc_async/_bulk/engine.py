"""The engine of a bulk job: one producer packing the input into requests, N workers
sending them (each request's life is `smsc_async._bulk.requests.RequestRunner`'s), and
the hand-over of every outcome.

The producer reads the input in order, checks each message, packs batches and hands each to
a worker through an unbuffered stream, so at most one batch waits while every worker has a
request in flight: memory is bounded by the batch size and the concurrency, never by the
number of messages. A batch is *registered* (given its request id, listed in the checkpoint
as open) when the packer lets it go, so a checkpoint never loses a batch between the input
and the network.

The first request goes alone: the others wait until a request has been accepted (or the
first one, narrowing included, has been dealt with). A job whose shared options SMSC
refuses (a sender the account may not use, wrong credentials, no money) so makes a handful
of failing requests, not one per slot.

Outcomes reach the application through a bounded stream. The summary counts an outcome
when a worker learns it; the checkpoint only once the application takes it (`Engine.hand_over`),
so a checkpoint saved at any moment never claims an outcome the application has not seen.
"""

from __future__ import annotations

import inspect
import secrets
from collections.abc import AsyncIterable, Callable, Iterable, Sequence

import anyio
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from .._call.retry import RetryPolicy
from .._errors import SmscError, ValidationError
from .._types.message import Message
from .checkpoint import Checkpoint
from .outcomes import (
    BulkProgress,
    BulkSummary,
    NotSentOutcome,
    Outcome,
    ProgressStage,
    RejectedOutcome,
    UnknownOutcome,
)
from .pack import Batch, Packer
from .reconcile import StatusLookup, reconcile_outcomes
from .requests import RequestRunner, SendCall
from .state import Book

__all__ = ["Engine", "ProgressCallback", "SendCall"]

ProgressCallback = Callable[[BulkProgress], object]
"""Called with each `BulkProgress`; when it returns an awaitable, the job awaits it."""

Batches = MemoryObjectSendStream[tuple[str, Batch, bool]]


class Engine:
    """The producer, the workers and the accounts of a bulk job; `smsc_async.BulkJob` drives
    it. Its requests are run by a `RequestRunner`, for which it is the job
    (`smsc_async._bulk.requests.Job`)."""

    def __init__(
        self,
        *,
        messages: Iterable[Message] | AsyncIterable[Message],
        packer: Packer,
        params: dict[str, str],
        send: SendCall,
        lookup: StatusLookup,
        concurrency: int,
        retry: RetryPolicy,
        resume: Checkpoint | None,
        on_progress: ProgressCallback | None,
        grace: float,
        max_failed: int,
    ) -> None:
        self._messages = messages
        self._packer = packer
        self._lookup = lookup
        self._concurrency = concurrency
        self._on_progress = on_progress
        self._grace = grace
        self._book = Book(resume)
        self._requests = RequestRunner(
            self,
            book=self._book,
            send=send,
            lookup=lookup,
            params=params,
            retry=retry,
            max_failed=max_failed,
        )
        # A fresh prefix per job: request ids never repeat, even across resumed runs.
        self._prefix = secrets.token_hex(6)
        self._seq = 0
        self._stopping = False
        self._stop_error: SmscError | None = None
        self._closed = False  # the job is over and its accounts closed
        self._probe_sent = False
        self._gate: anyio.Event | None = None  # set once the first request is dealt with
        self._outbox: MemoryObjectSendStream[Outcome] | None = None
        # Open requests carried over from the checkpoint: index → request id, and the
        # messages of each collected so far, reconciled once all have been read.
        self._carried = {i: rid for rid, e in self._book.open.items() for i in e.indices}
        self._collected: dict[str, list[UnknownOutcome]] = {}
        self._progress_lock: anyio.Lock | None = None  # made in the event loop, on first use

    def summary(self) -> BulkSummary:
        """The counts and totals so far (final once the job is over)."""
        return self._book.summary()

    def checkpoint(self) -> Checkpoint:
        """Where a new job would resume from now (counting only outcomes handed over)."""
        return self._book.checkpoint(self._packer.first_pending(self._book.floor))

    @property
    def unknown(self) -> tuple[UnknownOutcome, ...]:
        """The messages whose outcome is still unknown."""
        return tuple(self._book.unknown.values())

    @property
    def closed(self) -> bool:
        """The job is over and its accounts closed."""
        return self._closed

    @property
    def stopping(self) -> bool:
        """The job is stopping: nothing new leaves."""
        return self._stopping

    @property
    def stop_error(self) -> SmscError | None:
        """Why the job is stopping (``None``: the application stopped it)."""
        return self._stop_error

    # ------------------------------------------------------------------ the run

    async def run(self, outbox: MemoryObjectSendStream[Outcome]) -> None:
        """Read, pack and send the whole input, passing each outcome to ``outbox``, which
        is closed at the end."""
        self._outbox = outbox
        self._gate = anyio.Event()
        batches_out, batches_in = anyio.create_memory_object_stream[tuple[str, Batch, bool]](0)
        try:
            async with anyio.create_task_group() as group:
                for _ in range(self._concurrency):
                    group.start_soon(self._work, batches_in.clone())
                batches_in.close()
                await self._produce(batches_out)
            self._book.finished = True
        finally:
            self._outbox.close()

    async def _produce(self, out: Batches) -> None:
        async with out:
            if isinstance(self._messages, AsyncIterable):
                index = 0
                async for message in self._messages:
                    await self._take(index, message, out)
                    index += 1
            else:
                for index, message in enumerate(self._messages):
                    await self._take(index, message, out)
            for request_id in list(self._collected):
                await self._recover(request_id, out)  # the input ended early
            batch = self._packer.take()
            if batch is not None and not self._stopping:
                await self._dispatch(batch, out)
            elif batch is not None:
                for item in batch.items:
                    await self._emit(
                        NotSentOutcome(
                            index=item.index, message=item.message, error=self._stop_error
                        )
                    )

    async def _take(self, index: int, message: Message, out: Batches) -> None:
        book = self._book
        if index < book.floor and index not in book.unsent:
            # An earlier run settled it, or left its request open: reconcile that (a read,
            # so even a stopping job does it).
            carried = index in self._carried
            book.note_read(index, skipped=not carried)
            if carried:
                await self._collect(index, message, out)
        elif self._stopping:
            book.note_read(index)
            await self._emit(NotSentOutcome(index=index, message=message, error=self._stop_error))
        else:
            book.note_read(index)
            await self._pack(index, message, out)

    async def _pack(self, index: int, message: Message, out: Batches) -> None:
        try:
            item = self._packer.check(index, message, anyio.current_time())
        except ValidationError as exc:
            await self._emit(RejectedOutcome(index=index, message=message, error=exc))
            return
        full = self._packer.add(item)
        if full is not None:
            await self._dispatch(full, out)

    async def _dispatch(self, batch: Batch, out: Batches) -> None:
        request_id = self.register(batch)
        probe = not self._probe_sent
        if not probe:
            assert self._gate is not None
            await self._gate.wait()
        self._probe_sent = True
        await out.send((request_id, batch, probe))

    def register(self, batch: Batch) -> str:
        """Give ``batch`` a new request id and list it as open."""
        self._seq += 1
        request_id = f"{self._prefix}-{self._seq}"
        self._book.register(request_id, batch.indices)
        return request_id

    def open_gate(self) -> None:
        """Let the requests held back behind the first one go."""
        if self._gate is not None:
            self._gate.set()

    # ------------------------------------------------------------------ resuming

    async def _collect(self, index: int, message: Message, out: Batches) -> None:
        """Gather the messages of a request left open by an earlier run."""
        request_id = self._carried.pop(index)
        try:
            item = self._packer.describe(index, message)
        except ValidationError:
            raise ValidationError(
                "checkpoint",
                f"message {index} was in request {request_id} but is not valid now: "
                "resume with the same messages, in the same order",
            ) from None
        entry = self._book.open[request_id]
        self._collected.setdefault(request_id, []).append(
            UnknownOutcome(
                index=index,
                message=message,
                request_id=request_id,
                recipients=item.recipients,
                started_at=entry.started_at,
            )
        )
        if len(self._collected[request_id]) == len(entry.indices):
            await self._recover(request_id, out)

    async def _recover(self, request_id: str, out: Batches) -> None:
        """Reconcile a carried-over request; send again what ``status`` proves unsent."""
        group = self._collected[request_id]
        outcomes = await reconcile_outcomes(self._lookup, group, grace=self._grace)
        del self._collected[request_id]
        unsent: list[Outcome] = []
        settled: list[Outcome] = []
        for outcome in outcomes:
            again = isinstance(outcome, NotSentOutcome) and not self._stopping
            (unsent if again else settled).append(outcome)
        if unsent:
            self._book.release(request_id, [o.index for o in unsent])
        for outcome in settled:
            self._book.produce(outcome)
        await self._to_outbox(settled)
        for outcome in unsent:
            await self._pack(outcome.index, outcome.message, out)

    # ------------------------------------------------------------------ workers

    async def _work(self, inbox: MemoryObjectReceiveStream[tuple[str, Batch, bool]]) -> None:
        async with inbox:
            async for request_id, batch, probe in inbox:
                try:
                    await self._requests.run(request_id, batch)
                finally:
                    if probe:
                        self.open_gate()

    # ------------------------------------------------------------------ outcomes

    async def settle(self, request_id: str, outcomes: list[Outcome]) -> None:
        """Count the outcomes of a request's messages and pass them on."""
        for outcome in outcomes:
            self._book.produce(outcome)
        await self._to_outbox(outcomes)
        await self.progress(ProgressStage.SETTLED, request_id)

    async def _emit(self, outcome: Outcome) -> None:
        """Count and pass on the outcome of a message outside any open request."""
        self._book.produce(outcome)
        await self._to_outbox([outcome])

    async def _to_outbox(self, outcomes: Sequence[Outcome]) -> None:
        assert self._outbox is not None
        for outcome in outcomes:
            try:
                self._outbox.send_nowait(outcome)  # no trip through the scheduler per message
                continue
            except anyio.WouldBlock:
                pass
            await self._outbox.send(outcome)

    async def hand_over(self, outcomes: list[Outcome]) -> None:
        """The application takes these outcomes: the checkpoint counts them from now on,
        and ``on_progress`` hears of them (``DELIVERED``). Should the callback fail, they
        count as not taken. Delivery and event happen under the progress lock, so no other
        event can snapshot a delivery that is then taken back."""
        if self._on_progress is None:
            for outcome in outcomes:
                self._book.deliver(outcome)
            return
        async with self._lock():
            deliveries = [self._book.deliver(outcome) for outcome in outcomes]
            try:
                await self._call_back(ProgressStage.DELIVERED, outcomes=tuple(outcomes))
            except BaseException:
                for delivery in reversed(deliveries):
                    self._book.undo(delivery)
                raise

    async def finish(self) -> None:
        """Every outcome has been handed over or dropped: close the accounts, once."""
        if self._closed:
            return
        self._closed = True
        self._book.close(interrupted=False)
        await self.progress(ProgressStage.FINISHED)

    def interrupt(self) -> None:
        """The job was torn down (cancelled, or its block left by an exception): settle
        the accounts for good (see `smsc_async._bulk.state.Book.close`)."""
        if self._closed:
            return
        self._closed = True
        for request_id, group in self._collected.items():
            open_ = set(self._book.uncovered(request_id, [o.index for o in group]))
            for outcome in group:
                if outcome.index in open_:
                    self._book.produce(outcome)  # carried over, never reconciled: unknown
        self._book.close(interrupted=True)

    async def reconcile(self, grace: float) -> list[Outcome]:
        """Settle the unknown outcomes of the ended job through ``status.php``; return
        those that changed."""
        outcomes = await reconcile_outcomes(self._lookup, self.unknown, grace=grace)
        changed = self._book.resolve(outcomes)
        await self.progress(ProgressStage.RECONCILED, outcomes=tuple(changed))
        return changed

    def stop(self, error: SmscError | None) -> None:
        """Stop the job for ``error``: requests in flight finish, nothing new is sent."""
        if self._stopping or self._book.finished:
            return
        self._stopping = True
        self._stop_error = error
        self._book.stopped_by = error
        self._book.freeze(self._book.position(self._packer.first_pending(self._book.floor)))
        self.open_gate()

    def _lock(self) -> anyio.Lock:
        if self._progress_lock is None:
            self._progress_lock = anyio.Lock()
        return self._progress_lock

    async def progress(
        self,
        stage: ProgressStage,
        request_id: str | None = None,
        outcomes: tuple[Outcome, ...] = (),
    ) -> None:
        """Give ``on_progress`` an event. Events go one at a time, each snapshot taken under
        the lock, so a callback that persists checkpoints never writes an older one over a
        newer one (which could forget a request that has left)."""
        if self._on_progress is None:
            return
        async with self._lock():
            await self._call_back(stage, request_id, outcomes)

    async def _call_back(
        self,
        stage: ProgressStage,
        request_id: str | None = None,
        outcomes: tuple[Outcome, ...] = (),
    ) -> None:
        """Call ``on_progress`` (the caller holds the lock)."""
        assert self._on_progress is not None
        event = BulkProgress(
            stage=stage,
            summary=self.summary(),
            checkpoint=self.checkpoint(),
            request_id=request_id,
            outcomes=outcomes,
        )
        result = self._on_progress(event)
        if inspect.isawaitable(result):
            await result
