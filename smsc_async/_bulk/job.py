"""`BulkJob`: the public face of a bulk send: its lifecycle, outcomes, summary and
checkpoint. The work itself is done by the `smsc_async._bulk.engine.Engine` it holds."""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING

import anyio

from .checkpoint import Checkpoint
from .engine import Engine
from .outcomes import BulkSummary, Outcome, UnknownOutcome
from .reconcile import DEFAULT_GRACE

if TYPE_CHECKING:
    from anyio.abc import TaskGroup
    from anyio.streams.memory import MemoryObjectReceiveStream
    from typing_extensions import Self

__all__ = ["BulkJob"]

_OUTBOX = 1024  # outcomes buffered for a slow consumer before the workers wait


def _single(error: BaseException) -> BaseException | None:
    """The one error inside nested exception groups, or ``error`` if it is not a group."""
    inner = getattr(error, "exceptions", None)
    if not isinstance(inner, tuple):
        return error
    return _single(inner[0]) if len(inner) == 1 else None


class BulkJob:
    """A running bulk send, made by `smsc_async.AsyncClient.send_many`.

    Use it either as ``async with client.send_many(...) as job: async for outcome in job:``
    (outcomes arrive as requests complete, not in input order) or as
    ``summary = await client.send_many(...).run()``. A job runs once.

    An outcome counts as delivered (and the `checkpoint` counts it) when your ``async for``
    takes it, or, with `run`, when it is taken for you; ``on_progress`` hears of each
    delivery (`ProgressStage.DELIVERED`, with the outcomes).

    Leaving the ``async with`` block normally stops the job if it is still running: requests
    in flight finish, nothing new is sent, and the rest is reported not sent; outcomes you
    did not take stay out of the checkpoint. Leaving it by an exception (or cancellation)
    cancels requests in flight: their messages become unknown (`unknown`), the summary is
    final (``interrupted``), and the checkpoint keeps everything you were not given for a
    resumed job.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._started = False
        self._task_group: TaskGroup | None = None
        self._inbox: MemoryObjectReceiveStream[Outcome] | None = None

    def __repr__(self) -> str:
        summary = self.summary()
        return (
            f"BulkJob(read={summary.read}, sent={summary.sent}, rejected={summary.rejected}, "
            f"not_sent={summary.not_sent}, unknown={summary.unknown}, "
            f"finished={summary.finished})"
        )

    # ------------------------------------------------------------------ public API

    @property
    def unknown(self) -> tuple[UnknownOutcome, ...]:
        """The messages whose outcome is still unknown, for `reconcile`."""
        return self._engine.unknown

    def summary(self) -> BulkSummary:
        """The counts and totals so far (final once the job is over)."""
        return self._engine.summary()

    def checkpoint(self) -> Checkpoint:
        """Where a new job would resume from now; persist it (e.g. ``to_dict`` as JSON).

        It counts only the outcomes you have been given, so resuming from it gives you
        every other outcome, and none twice.
        """
        return self._engine.checkpoint()

    def stop(self) -> None:
        """Stop sending: requests in flight finish, the rest is reported not sent."""
        self._engine.stop(None)

    async def run(self) -> BulkSummary:
        """Run the job to the end, taking every outcome (for ``on_progress``, which gets
        them in ``DELIVERED`` events), and return the summary."""
        async with self:
            assert self._inbox is not None
            inbox, engine = self._inbox, self._engine
            while True:
                taken, ended = _ready(inbox)
                if not taken and not ended:
                    try:
                        taken = [await _receive(inbox)]
                    except anyio.EndOfStream:
                        ended = True
                if taken:
                    await engine.hand_over(taken)
                if ended:
                    break
            await engine.finish()
        return self.summary()

    async def reconcile(self, *, grace: float = DEFAULT_GRACE) -> list[Outcome]:
        """Settle unknown outcomes through ``status.php`` (see `smsc_async.AsyncClient.reconcile`).

        Returns the outcomes that changed (sent, or not sent: then `checkpoint` lists them as
        unsent, so a job resumed from it sends them). The summary moves them from
        ``unknown``. Waits, for messages not found, until their request is ``grace`` seconds
        old.

        Raises:
            RuntimeError: the job is still running (or never ran).
        """
        if not self._engine.closed:
            raise RuntimeError("reconcile a bulk job after it has ended")
        return await self._engine.reconcile(grace)

    # ------------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> Self:
        if self._started:
            raise RuntimeError("a BulkJob runs once; call send_many again for a new job")
        self._started = True
        outbox, self._inbox = anyio.create_memory_object_stream[Outcome](_OUTBOX)
        self._task_group = anyio.create_task_group()
        await self._task_group.__aenter__()
        self._task_group.start_soon(self._engine.run, outbox)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        assert self._task_group is not None and self._inbox is not None
        if exc_type is None:
            try:
                self.stop()
                async for _ in self._inbox:
                    pass  # counted already; the caller stopped listening
                await self._engine.finish()
            except BaseException as failure:  # noqa: BLE001 - the task group re-raises it
                # The job itself failed and cancelled this task: its task group says why.
                exc_type, exc, tb = type(failure), failure, failure.__traceback__
        else:
            self._task_group.cancel_scope.cancel()
        try:
            return await self._task_group.__aexit__(exc_type, exc, tb)
        except BaseException as error:
            # anyio wraps every error in exception groups; one error is raised as itself.
            single = _single(error)
            if single is None or single is error:
                raise
            if single is exc:
                return False
            raise single from None
        finally:
            self._inbox.close()
            self._engine.interrupt()

    def __aiter__(self) -> BulkJob:
        return self

    async def __anext__(self) -> Outcome:
        inbox = self._inbox
        if inbox is None:
            raise RuntimeError("iterate a BulkJob inside `async with job:` (or use job.run())")
        taken, ended = _ready(inbox, limit=1)
        if not taken and not ended:
            try:
                taken = [await _receive(inbox)]
            except anyio.EndOfStream:
                ended = True
        if not taken:
            await self._engine.finish()
            raise StopAsyncIteration
        await self._engine.hand_over(taken)
        return taken[0]


def _ready(
    inbox: MemoryObjectReceiveStream[Outcome], limit: int = _OUTBOX
) -> tuple[list[Outcome], bool]:
    """The outcomes waiting (at most ``limit``), and whether the stream has ended (or the
    job's block was left: nothing more comes)."""
    taken: list[Outcome] = []
    while len(taken) < limit:
        try:
            taken.append(inbox.receive_nowait())
        except anyio.WouldBlock:
            return taken, False
        except (anyio.EndOfStream, anyio.ClosedResourceError):
            return taken, True
    return taken, False


async def _receive(inbox: MemoryObjectReceiveStream[Outcome]) -> Outcome:
    """Wait for the next outcome. A cancellation or Ctrl-C that arrives while waiting is
    raised without the stream's internal ``WouldBlock`` chained to it, so an interrupted
    program shows one traceback."""
    try:
        return await inbox.receive()
    except anyio.EndOfStream:
        raise
    except BaseException as exc:
        if isinstance(exc.__context__, anyio.WouldBlock):
            exc.__context__ = None
        raise
