"""What the application receives from a bulk job, across interruptions and resumes: every
message's outcome exactly once, a checkpoint that never runs ahead of what was received, and
a final, truthful summary after a cancellation."""

from __future__ import annotations

from decimal import Decimal

import anyio
import orjson
import pytest

from smsc_async import AsyncClient, Message, OutcomeUnknownError
from smsc_async._bulk.checkpoint import Checkpoint
from smsc_async._bulk.outcomes import (
    BulkProgress,
    Outcome,
    OutcomeKind,
    ProgressStage,
    SentOutcome,
    UnknownOutcome,
)
from smsc_async.testing import FakeSMSC, InProcessTransport
from smsc_async.testing._wire.answer import FakeResponse
from smsc_async.testing._wire.request import FakeRequest

pytestmark = pytest.mark.anyio

LOGIN, PASSWORD = "deliver", "deliver-secret"


def _fake(latency: float = 0.0) -> FakeSMSC:
    fake = FakeSMSC(latency=latency)
    fake.add_account(LOGIN, PASSWORD, balance=Decimal(100_000))
    return fake


def _client(fake: FakeSMSC | Hold, concurrency: int = 14) -> AsyncClient:
    return AsyncClient(
        login=LOGIN,
        password=PASSWORD,
        base_url="http://smsc.test",
        allow_http=True,
        transport=InProcessTransport(fake),
        max_concurrency=concurrency,
    )


def _messages(count: int) -> list[Message]:
    return [Message(f"+7998{i:07d}", f"delivered {i}") for i in range(count)]


def _assert_ledger_once(fake: FakeSMSC, count: int) -> None:
    assert sorted(e.text for e in fake.ledger) == sorted(f"delivered {i}" for i in range(count))


class Hold:
    """The emulator, with send requests from the ``first``-th on processed but their answers
    held until released; ``all_held`` is set once ``count`` are held."""

    def __init__(self, fake: FakeSMSC, *, first: int, count: int) -> None:
        self.fake, self.first, self.count = fake, first, count
        self.sends = self.held = 0
        self.release = anyio.Event()
        self.all_held = anyio.Event()

    async def handle(self, request: FakeRequest) -> FakeResponse:
        response = await self.fake.handle(request)
        if request.path.endswith("send.php"):
            self.sends += 1
            if self.sends >= self.first:
                self.held += 1
                if self.held == self.count:
                    self.all_held.set()
                await self.release.wait()
        return response


async def test_a_checkpoint_saved_by_on_progress_never_runs_ahead_of_a_slow_consumer() -> None:
    # The consumer reads one outcome per 10 ms and is cancelled after four, once the
    # workers have settled every request; on_progress saves each checkpoint.
    fake = _fake()
    saved: list[bytes] = []
    first: list[int] = []
    settled = anyio.Event()

    def progress(event: BulkProgress) -> None:
        saved.append(orjson.dumps(event.checkpoint.to_dict()))
        if event.summary.sent == 100:
            settled.set()

    async with _client(fake) as client:
        job = client.send_many(_messages(100), on_progress=progress)
        with anyio.CancelScope() as scope, anyio.fail_after(10):
            async with job:
                async for outcome in job:
                    first.append(outcome.index)
                    await settled.wait()  # the workers run ahead of the reader
                    await anyio.sleep(0.01)
                    if len(first) == 4:
                        scope.cancel()
        assert 0 < len(first) < 100 and len(fake.ledger) == 100
        assert job.summary().sent == 100 and job.summary().undelivered == 100 - len(first)

        resumed = client.send_many(
            _messages(100), checkpoint=Checkpoint.from_dict(orjson.loads(saved[-1]))
        )
        second: list[Outcome] = []
        async with resumed:
            async for outcome in resumed:
                second.append(outcome)
    summary = resumed.summary()
    assert (summary.skipped, summary.sent, summary.requests) == (len(first), 100 - len(first), 0)
    assert sorted(first + [o.index for o in second]) == list(range(100))  # each exactly once
    assert all(isinstance(o, SentOutcome) and o.reconciled for o in second)
    _assert_ledger_once(fake, 100)


async def test_the_checkpoint_read_in_the_loop_counts_exactly_the_outcomes_taken() -> None:
    fake = _fake()
    async with _client(fake) as client:
        job = client.send_many(_messages(60), max_lines=10)
        taken: set[int] = set()
        async with job:
            async for outcome in job:
                taken.add(outcome.index)
                checkpoint = job.checkpoint()
                open_ = {i for r in checkpoint.open for a, b in r.indices for i in range(a, b)}
                unsent = {i for a, b in checkpoint.unsent for i in range(a, b)}
                counted = set(range(checkpoint.position)) - open_ - unsent
                assert counted == taken  # never one more, never one less
                if len(taken) == 25:
                    break  # leave early: the job stops, the rest stays with the checkpoint
        assert job.summary().finished and job.summary().undelivered == 60 - 25
        rest = [o.index for o in await _run(client.send_many(_messages(60), checkpoint=checkpoint))]
    assert sorted([*taken, *rest]) == list(range(60))
    _assert_ledger_once(fake, 60)


async def _run(job: object) -> list[Outcome]:
    from smsc_async._bulk.job import BulkJob

    assert isinstance(job, BulkJob)
    outcomes = []
    async with job:
        async for outcome in job:
            outcomes.append(outcome)
    return outcomes


async def test_outcomes_stored_with_their_checkpoint_survive_a_failing_store() -> None:
    # run() + on_progress keeping (outcomes, checkpoint) in one write: a store that fails
    # mid-job loses nothing and repeats nothing.
    fake = _fake()
    store: dict[str, object] = {"outcomes": [], "checkpoint": None}
    writes = 0

    def persist(event: BulkProgress) -> None:
        nonlocal writes
        if event.stage is ProgressStage.DELIVERED:
            writes += 1
            if writes == 3:
                raise OSError("disk full")
        outcomes = store["outcomes"]
        assert isinstance(outcomes, list)
        store["outcomes"] = outcomes + [o.index for o in event.outcomes]
        store["checkpoint"] = event.checkpoint.to_dict()

    async with _client(fake) as client:
        with pytest.raises(OSError, match="disk full"):
            await client.send_many(_messages(80), max_lines=5, on_progress=persist).run()
        assert isinstance(store["checkpoint"], dict)
        writes = 10  # the disk has room again
        await client.send_many(
            _messages(80), checkpoint=store["checkpoint"], on_progress=persist, reconcile_grace=0
        ).run()
    assert sorted(store["outcomes"]) == list(range(80))  # type: ignore[arg-type]
    _assert_ledger_once(fake, 80)


async def test_a_cancelled_job_leaves_a_final_truthful_summary_and_checkpoint() -> None:
    fake = _fake()
    # Four workers: the probe and two more requests are answered, the next four are
    # processed by the server but their answers never come back.
    hold = Hold(fake, first=4, count=4)
    async with _client(hold, concurrency=4) as client:
        job = client.send_many(_messages(300), max_lines=20)
        taken: list[Outcome] = []
        with anyio.CancelScope() as scope:
            async with job:
                async for outcome in job:
                    taken.append(outcome)
                    if len(taken) == 60:
                        await hold.all_held.wait()
                        scope.cancel()
        summary, checkpoint = job.summary(), job.checkpoint()
        # Final and truthful: nothing "in flight"; every message read has an outcome; the
        # held requests may have been taken by SMSC, so their messages are unknown.
        assert summary.interrupted and not summary.finished and summary.in_flight == 0
        assert summary.read == summary.sent + summary.rejected + summary.not_sent + summary.unknown
        assert (summary.sent, summary.unknown) == (60, 80) and summary.not_sent > 0
        assert summary.undelivered == summary.read - 60
        unknown = job.unknown
        assert len(unknown) == 80 and all(isinstance(o, UnknownOutcome) for o in unknown)
        assert all(isinstance(o.error, OutcomeUnknownError) for o in unknown)
        # The checkpoint lists exactly those requests as open, and what never left as unsent.
        open_ = sorted(i for r in checkpoint.open for a, b in r.indices for i in range(a, b))
        assert open_ == sorted(o.index for o in unknown)
        unsent = {i for a, b in checkpoint.unsent for i in range(a, b)}
        assert unsent and not unsent & set(open_)
        assert {o.index for o in taken} | set(open_) | unsent == set(range(checkpoint.position))

        hold.release.set()
    # Resumed as after a crash, by a new client: the one interrupted keeps the slots of its
    # abandoned requests taken for a read timeout, as the server may still be running them.
    async with _client(hold, concurrency=4) as client:
        with anyio.fail_after(5):
            resumed = client.send_many(_messages(300), checkpoint=checkpoint, reconcile_grace=0)
            rest = await _run(resumed)
    assert sorted([*(o.index for o in taken), *(o.index for o in rest)]) == list(range(300))
    assert {o.kind for o in rest} == {OutcomeKind.SENT}
    assert sum(isinstance(o, SentOutcome) and o.reconciled for o in rest) == 80
    _assert_ledger_once(fake, 300)


async def test_an_interrupted_job_can_be_reconciled_at_once() -> None:
    fake = _fake()
    hold = Hold(fake, first=2, count=3)
    async with _client(hold) as client:
        job = client.send_many(iter(_messages(40)), max_lines=10)
        taken = 0
        with anyio.CancelScope() as scope:
            async with job:
                async for _ in job:
                    taken += 1
                    if taken == 10:  # all of the first request's
                        await hold.all_held.wait()
                        scope.cancel()
        assert (job.summary().unknown, job.summary().undelivered) == (30, 30)
        changed = await job.reconcile(grace=0)
    assert len(changed) == 30 and all(o.kind is OutcomeKind.SENT for o in changed)
    summary = job.summary()
    assert (summary.sent, summary.unknown, summary.undelivered) == (40, 0, 0)
    assert not job.checkpoint().open and job.checkpoint().position == 40


async def test_cancelling_a_waiting_consumer_chains_nothing_internal() -> None:
    fake = _fake()
    hold = Hold(fake, first=1, count=1)  # no answer ever comes: the consumer waits
    caught: list[BaseException] = []
    async with _client(hold) as client:
        with anyio.move_on_after(0.05):
            async with client.send_many(_messages(10)) as job:
                try:
                    async for _ in job:
                        pass
                except BaseException as exc:
                    caught.append(exc)
                    raise
    (exc,) = caught
    assert exc.__context__ is None and exc.__cause__ is None  # no anyio.WouldBlock


async def test_no_checkpoint_counts_an_outcome_the_consumer_is_still_waiting_to_be_given() -> None:
    # The consumer waits for the progress lock (a SENDING callback holds it) with an outcome
    # in hand, and is cancelled there: no checkpoint taken meanwhile may count that outcome.
    fake = _fake()
    hold = Hold(fake, first=2, count=1)  # the second request's answer waits for the test
    taken: list[int] = []
    snapshots: list[Checkpoint] = []
    async with _client(hold, concurrency=1) as client:
        with anyio.CancelScope() as scope:

            async def on_progress(event: BulkProgress) -> None:
                if event.stage is ProgressStage.SENDING and (event.request_id or "").endswith("-3"):
                    await anyio.wait_all_tasks_blocked()  # the consumer waits for the lock
                    snapshots.append(job.checkpoint())
                    scope.cancel()

            job = client.send_many(iter(_messages(30)), max_lines=10, on_progress=on_progress)
            async with job:
                async for outcome in job:
                    taken.append(outcome.index)
                    if len(taken) == 10:  # all of the first request's
                        hold.release.set()
    (snapshot,) = snapshots
    open_ = {i for r in snapshot.open for a, b in r.indices for i in range(a, b)}
    unsent = {i for a, b in snapshot.unsent for i in range(a, b)}
    assert set(range(snapshot.position)) - open_ - unsent == set(taken)
    assert set(range(job.checkpoint().position)) - {
        i for r in job.checkpoint().open for a, b in r.indices for i in range(a, b)
    } - {i for a, b in job.checkpoint().unsent for i in range(a, b)} == set(taken)
