"""Sending one batch of a bulk job as a ``list`` request, and what follows when it fails.

The policy (which error stops the job, which is narrowed down, which is retried, and what is
asked of ``status.php`` first) is tabled in `smsc_async._bulk.attribute`; this module carries
it out. Whatever happens to a request, each of its messages ends with one outcome, and a
message goes out again only when it provably was not taken:

* an answer with results settles each message (`smsc_async._bulk.attribute.settle`);
* a failure that may have reached the server leaves its messages unknown;
* an error to a request of several lines first asks ``status.php`` about every message, then
  narrows down (halves) only the messages it proves absent; when both halves fail alike
  before SMSC has accepted any request of the job, a line or two go alone to tell an error
  about every request (the job stops) from one about lines (narrowing goes on);
* error 9 repeats the request byte for byte, under the same id, only after ``status.php``
  proved every message absent;
* a job interrupted (cancelled) while a request may have left marks its messages unknown.

`RequestRunner` does this for the engine's workers, one request at a time each. Of the job
it asks only what `Job` lists: register a batch, settle outcomes, report progress, stop,
open the gate, and whether (and why) the job is stopping.
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, NamedTuple, Protocol

import anyio

from .._errors import ApiError, OutcomeUnknownError, SmscError
from .._types.results import SendResult
from .attribute import Action, carries_id, classify, settle, unknown_outcomes
from .outcomes import (
    NotSentOutcome,
    Outcome,
    ProgressStage,
    RejectedOutcome,
    UnknownOutcome,
)
from .pack import Batch
from .reconcile import StatusLookup, reconcile_outcomes

if TYPE_CHECKING:
    from .._call.retry import RetryPolicy
    from .state import Book

__all__ = ["Job", "RequestRunner", "SendCall"]

SendCall = Callable[[dict[str, str], str], Awaitable[SendResult]]
"""Sends one ``list`` request: (fields, request id) → the decoded ``cost=3`` answer."""


class _Narrow(NamedTuple):
    """Messages of a failed request that may hold the one line at fault: none of them was
    taken, and they are in no request (unsent) until the halves take them."""

    request_id: str
    batch: Batch
    error: ApiError


def not_sent(batch: Batch, request_id: str, error: SmscError | None) -> list[Outcome]:
    """Every message of ``batch`` not sent, for ``error``."""
    return [
        NotSentOutcome(index=item.index, message=item.message, error=error, request_id=request_id)
        for item in batch.items
    ]


class Job(Protocol):
    """What a request asks of the job it belongs to."""

    @property
    def stopping(self) -> bool:
        """The job is stopping: nothing new may leave."""
        ...

    @property
    def stop_error(self) -> SmscError | None:
        """Why the job is stopping (``None``: the application stopped it)."""
        ...

    def register(self, batch: Batch) -> str:
        """Give ``batch`` a new request id and list it as open."""
        ...

    async def settle(self, request_id: str, outcomes: list[Outcome]) -> None:
        """Count the outcomes of a request's messages and pass them on."""
        ...

    async def progress(self, stage: ProgressStage, request_id: str | None = None) -> None:
        """Tell ``on_progress`` where the request is."""
        ...

    def stop(self, error: SmscError | None) -> None:
        """Stop the job for ``error``: nothing new is sent."""
        ...

    def open_gate(self) -> None:
        """Let the requests held back behind the first one go."""
        ...


class RequestRunner:
    """The life of each request of one job: its attempts, the narrowing of a failed one,
    and the job's count of error answers.

    Built on the job (`Job`), its accounts (``book``), the call that sends one request
    (``send``), ``status.php`` (``lookup``), the fields every request shares (``params``),
    the retry policy for error 9 (``retry``) and the error answers after which the job
    stops (``max_failed``).
    """

    __slots__ = (
        "_accepted",
        "_book",
        "_failed_requests",
        "_job",
        "_lookup",
        "_max_failed",
        "_params",
        "_retry",
        "_send",
    )

    def __init__(
        self,
        job: Job,
        *,
        book: Book,
        send: SendCall,
        lookup: StatusLookup,
        params: dict[str, str],
        retry: RetryPolicy,
        max_failed: int,
    ) -> None:
        self._job = job
        self._book = book
        self._send = send
        self._lookup = lookup
        self._params = params
        self._retry = retry
        self._max_failed = max_failed
        self._failed_requests = 0
        self._accepted = False  # SMSC has accepted a request of this job

    async def run(self, request_id: str, batch: Batch) -> None:
        """Send a registered batch and settle every one of its messages."""
        failure = await self._attempt(request_id, batch)
        if failure is not None:
            await self._narrow(failure)

    async def _attempt(self, request_id: str, batch: Batch) -> _Narrow | None:
        try:
            return await self._send_once(request_id, batch)
        except BaseException:
            self._abandon(request_id, batch)
            raise

    def _abandon(self, request_id: str, batch: Batch) -> None:
        """The job is being torn down (cancelled, or failed) while handling this request:
        every message of it that may have reached the server and has no outcome yet becomes
        unknown. Those that never left are left to the job's end (not sent)."""
        book = self._book
        if not book.has_left(request_id):
            return
        left = set(book.uncovered(request_id, batch.indices))
        if not left:
            return
        error = OutcomeUnknownError(
            "the job was interrupted while the request may have been in flight",
            endpoint="send",
            message_id=request_id,
        )
        entry = book.open[request_id]
        now = time.time()
        for item in batch.items:
            if item.index in left:
                book.produce(
                    UnknownOutcome(
                        index=item.index,
                        message=item.message,
                        request_id=request_id,
                        recipients=item.recipients,
                        started_at=entry.started_at,
                        error=error,
                        ended_at=now,
                    )
                )

    async def _send_once(self, request_id: str, batch: Batch) -> _Narrow | None:
        """Send the request (again, identically, after a proved error 9) and settle what its
        answer settles; return the messages to narrow down, if the error may be one line's."""
        book, job = self._book, self._job
        started: float | None = None
        tries = 0
        while True:
            if job.stopping:
                await job.settle(request_id, not_sent(batch, request_id, job.stop_error))
                return None
            stamp = book.stamp(request_id)
            started = started or stamp
            await job.progress(ProgressStage.SENDING, request_id)
            if job.stopping:
                continue
            book.leaving(request_id, len(batch))
            tries += 1
            params = {**self._params, "list": batch.list_value, "id": request_id, "op": "1"}
            try:
                result = await self._send(params, request_id)
            except SmscError as exc:
                book.answered(request_id)
                error: SmscError = exc
            else:
                book.answered(request_id)
                if result.balance is not None:
                    book.balance = result.balance
                self._accepted = True
                job.open_gate()
                await job.settle(request_id, settle(batch, request_id, result, started))
                return None
            action = classify(error)
            if action is Action.UNKNOWN:
                job.open_gate()
                await job.settle(request_id, unknown_outcomes(batch, request_id, started, error))
                return None
            assert isinstance(error, ApiError) or action is Action.STOP
            if isinstance(error, ApiError):
                self._failed_requests += 1
            if action is Action.RETRY:
                batch, taken = await self._absent(request_id, batch, started, error)
                if not batch:
                    return None
                if not taken and self._may_retry(tries):
                    await anyio.sleep(self._retry.backoff_delay(tries, random.random()))
                    continue  # the same request, byte for byte, under the same id
                if not taken:
                    job.stop(error)
                await job.settle(request_id, unknown_outcomes(batch, request_id, started, error))
                return None
            if action is Action.STOP:
                job.stop(error)  # first: no new request while status.php is asked
            if carries_id(error) and len(batch) > 1:
                batch, _ = await self._absent(request_id, batch, started, error)
                if not batch:
                    return None
            if action is Action.STOP:
                await job.settle(request_id, not_sent(batch, request_id, error))
                return None
            assert isinstance(error, ApiError)
            return await self._line_error(request_id, batch, error)

    def _may_retry(self, tries: int) -> bool:
        return (
            tries < self._retry.attempts
            and not self._job.stopping
            and self._failed_requests < self._max_failed
        )

    async def _line_error(self, request_id: str, batch: Batch, error: ApiError) -> _Narrow | None:
        """An error that may be one line's, to messages proved absent."""
        if len(batch) == 1:
            (item,) = batch.items
            rejected = RejectedOutcome(
                index=item.index, message=item.message, error=error, request_id=request_id
            )
            if self._failed_requests >= self._max_failed:
                self._job.stop(error)
            await self._job.settle(request_id, [rejected])
            return None
        if self._failed_requests >= self._max_failed:
            self._job.stop(error)
            await self._job.settle(request_id, not_sent(batch, request_id, error))
            return None
        self._book.release(request_id, batch.indices)
        return _Narrow(request_id, batch, error)

    async def _absent(
        self, request_id: str, batch: Batch, started: float, error: SmscError
    ) -> tuple[Batch, bool]:
        """Ask ``status.php`` about every message of an answered request: settle those it
        has (sent) or cannot answer for (unknown); return the rest, proved absent, and
        whether anything was found or left unknown."""
        now = time.time()
        asked = [
            UnknownOutcome(
                index=item.index,
                message=item.message,
                request_id=request_id,
                recipients=item.recipients,
                started_at=started,
                error=error,
                ended_at=now,
            )
            for item in batch.items
        ]
        # The server answered this copy, so it is done with it: "not found" is final. (After
        # error 9 an earlier copy may still be in progress; the identical repeat covers it.)
        verdicts = await reconcile_outcomes(self._lookup, asked, grace=0)
        absent = [
            item
            for item, verdict in zip(batch.items, verdicts, strict=True)
            if isinstance(verdict, NotSentOutcome)
        ]
        settled: list[Outcome] = [v for v in verdicts if not isinstance(v, NotSentOutcome)]
        if settled:
            await self._job.settle(request_id, settled)
        return Batch(absent), bool(settled)

    async def _narrow(self, failure: _Narrow) -> None:
        """Send the halves of a failed batch; narrow further into those that fail."""
        if self._job.stopping:
            await self._job.settle(
                failure.request_id,
                not_sent(failure.batch, failure.request_id, self._job.stop_error),
            )
            return
        halves = [(self._job.register(half), half) for half in failure.batch.halves()]
        failed = [await self._attempt(request_id, half) for request_id, half in halves]
        first, second = failed
        if (
            first is not None
            and second is not None
            and first.error.code == second.error.code
            and not self._accepted
        ):
            failed = await self._try_lines(first, second)
        for alone in failed:
            if alone is not None:
                await self._narrow(alone)

    async def _try_lines(self, first: _Narrow, second: _Narrow) -> list[_Narrow | None]:
        """Both halves failed alike, and SMSC has accepted no request of this job yet: the
        error may be about what every request shares (a ``sender`` the account may not use).
        Send one line alone, then another: once SMSC takes one, the error is about lines,
        and narrowing goes on; if it takes neither, the job stops with the error.

        The lines are drawn at random: the first absent line is the likeliest culprit (a
        server that took the lines before the bad one leaves it first), and a resumed job
        that re-forms the same request must not draw the same lines again."""
        remaining: list[_Narrow | None] = [first, second]
        for n, source in enumerate((first, second)):
            items = source.batch.items
            pick = random.randrange(len(items))
            item, rest = items[pick], items[:pick] + items[pick + 1 :]
            single = Batch([item])
            request_id = self._job.register(single)
            remaining[n] = _Narrow(source.request_id, Batch(rest), source.error)
            await self._attempt(request_id, single)
            if self._accepted or self._job.stopping:
                break
        if not self._accepted:
            self._job.stop(first.error)
        if not self._job.stopping:
            return remaining
        for left in remaining:
            if left is not None:
                await self._job.settle(
                    left.request_id, not_sent(left.batch, left.request_id, self._job.stop_error)
                )
        return []
