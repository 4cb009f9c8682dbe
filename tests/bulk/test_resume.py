"""Resuming an interrupted bulk job from its checkpoint: nothing lost, nothing sent twice."""

from __future__ import annotations

from decimal import Decimal

import anyio
import orjson
import pytest

from smsc_async import AsyncClient, InsufficientFundsError, Message, Transport, ValidationError
from smsc_async._bulk.checkpoint import Checkpoint, in_ranges, to_ranges
from smsc_async._bulk.outcomes import (
    BulkProgress,
    NotSentOutcome,
    Outcome,
    ProgressStage,
    SentOutcome,
)
from smsc_async.testing import FakeSMSC, InProcessTransport
from smsc_async.testing._wire.answer import FakeResponse
from smsc_async.testing._wire.request import FakeRequest

pytestmark = pytest.mark.anyio

LOGIN, PASSWORD = "resume", "resume-secret"
PRICE = Decimal("1.50")
COUNT = 300


class Gate:
    """The emulator, with chosen send requests stuck for ever: before processing (the
    request never arrives) or after it (the answer never comes)."""

    def __init__(self, fake: FakeSMSC, *, before: set[int], after: set[int]) -> None:
        self.fake, self.before, self.after = fake, before, after
        self.sends = 0

    async def handle(self, request: FakeRequest) -> FakeResponse:
        if not request.path.endswith("send.php"):
            return await self.fake.handle(request)
        self.sends += 1
        number = self.sends
        if number in self.before:
            await anyio.sleep_forever()
        response = await self.fake.handle(request)
        if number in self.after:
            await anyio.sleep_forever()
        return response


def _fake(balance: Decimal = Decimal(100_000)) -> FakeSMSC:
    fake = FakeSMSC()
    fake.add_account(LOGIN, PASSWORD, balance=balance, price=PRICE)
    return fake


def _client(transport: Transport) -> AsyncClient:
    return AsyncClient(
        login=LOGIN,
        password=PASSWORD,
        base_url="http://smsc.test",
        allow_http=True,
        transport=transport,
    )


def _messages() -> list[Message]:
    return [Message(f"+7998{i:07d}", f"resumable {i}") for i in range(COUNT)]


def _settled(checkpoint: Checkpoint) -> set[int]:
    """The messages a checkpoint says need nothing more."""
    open_ranges = to_ranges(i for r in checkpoint.open for a, b in r.indices for i in range(a, b))
    return {
        i
        for i in range(checkpoint.position)
        if not in_ranges(checkpoint.unsent, i) and not in_ranges(open_ranges, i)
    }


def _assert_each_sent_once(fake: FakeSMSC) -> None:
    texts = sorted(entry.text for entry in fake.ledger)
    assert texts == sorted(f"resumable {i}" for i in range(COUNT))


async def test_a_cancelled_job_resumes_without_losing_or_repeating() -> None:
    fake = _fake()
    gate = Gate(fake, before={3}, after={7})
    saved: list[bytes] = []

    def persist(event: BulkProgress) -> None:  # e.g. a row in a database
        saved.append(orjson.dumps(event.checkpoint.to_dict()))

    first: dict[int, Outcome] = {}
    async with _client(InProcessTransport(gate)) as client:
        with anyio.CancelScope() as scope:
            async with client.send_many(_messages(), max_lines=10, on_progress=persist) as job:
                async for outcome in job:
                    first[outcome.index] = outcome
                    if len(first) == COUNT - 20:  # all but the two stuck requests
                        scope.cancel()
    assert scope.cancelled_caught
    interrupted = job.summary()
    assert interrupted.interrupted and not interrupted.finished
    assert (interrupted.in_flight, interrupted.unknown, interrupted.sent) == (0, 20, COUNT - 20)
    assert sorted(o.index for o in job.unknown) == sorted(
        i for r in job.checkpoint().open for a, b in r.indices for i in range(a, b)
    )
    checkpoint = Checkpoint.from_dict(orjson.loads(saved[-1]))
    assert checkpoint == job.checkpoint()
    assert checkpoint.position == COUNT and not checkpoint.unsent
    assert sorted(sum(b - a for a, b in r.indices) for r in checkpoint.open) == [10, 10]
    assert len(fake.ledger) == COUNT - 10  # the stuck-after request was processed

    second: dict[int, Outcome] = {}
    async with _client(fake.transport()) as client:
        job = client.send_many(_messages(), checkpoint=checkpoint, reconcile_grace=0)
        async with job:
            async for outcome in job:
                second[outcome.index] = outcome
    summary = job.summary()
    assert summary.skipped == COUNT - 20 and summary.sent == 20 and summary.requests == 1
    assert set(first).isdisjoint(second) and len(first) + len(second) == COUNT
    assert all(isinstance(o, SentOutcome) for o in (*first.values(), *second.values()))
    reconciled = [o for o in second.values() if isinstance(o, SentOutcome) and o.reconciled]
    assert len(reconciled) == 10  # found by status.php, not sent again
    _assert_each_sent_once(fake)
    assert not job.checkpoint().open and job.checkpoint().position == COUNT


async def test_a_job_stopped_for_money_resumes_after_a_top_up() -> None:
    fake = _fake(PRICE * 100)
    async with _client(fake.transport()) as client:
        stopped = client.send_many(iter(_messages()), max_lines=10)
        await stopped.run()
        summary = stopped.summary()
        assert isinstance(summary.stopped_by, InsufficientFundsError)
        assert summary.sent == 100 and summary.not_sent == COUNT - 100
        checkpoint = Checkpoint.from_dict(
            orjson.loads(orjson.dumps(stopped.checkpoint().to_dict()))
        )
        assert not checkpoint.open

        # Resumed before the top-up: it stops again, and only reports what it read afresh.
        again = client.send_many(iter(_messages()), checkpoint=checkpoint, max_lines=10)
        reported = []
        async with again:
            async for outcome in again:
                reported.append(outcome.index)
        sent_first = {int(entry.text.split()[-1]) for entry in fake.ledger}
        assert isinstance(again.summary().stopped_by, InsufficientFundsError)
        assert sorted(reported) == sorted(set(range(COUNT)) - sent_first)
        assert again.summary().skipped == 100 == len(sent_first)
        assert _settled(again.checkpoint()) == _settled(checkpoint) == sent_first

        fake.account(LOGIN).balance += PRICE * 1000
        resumed = client.send_many(iter(_messages()), checkpoint=checkpoint, max_lines=10)
        outcomes = []
        async with resumed:
            async for outcome in resumed:
                outcomes.append(outcome)
    assert resumed.summary().sent == COUNT - 100
    assert resumed.summary().skipped == checkpoint.position - sum(
        b - a for a, b in checkpoint.unsent
    )
    assert not any(isinstance(o, NotSentOutcome) for o in outcomes)
    _assert_each_sent_once(fake)


async def test_unknown_outcomes_proved_unsent_are_sent_by_a_resumed_job() -> None:
    fake = _fake()
    gate = Gate(fake, before={2}, after=set())
    events: list[BulkProgress] = []
    delivered = 0
    async with _client(InProcessTransport(gate)) as client:
        with anyio.CancelScope() as scope:  # request 2 never arrives: give up on it

            def on_progress(event: BulkProgress) -> None:
                nonlocal delivered
                events.append(event)
                delivered += len(event.outcomes)
                if delivered == COUNT - 30:
                    scope.cancel()

            await client.send_many(iter(_messages()), max_lines=30, on_progress=on_progress).run()
    checkpoint = events[-1].checkpoint
    assert events[-1].stage is ProgressStage.DELIVERED
    assert [sum(b - a for a, b in r.indices) for r in checkpoint.open] == [30]
    async with _client(fake.transport()) as client:
        summary = await client.send_many(
            _messages(), checkpoint=checkpoint, reconcile_grace=0
        ).run()
    assert summary.sent == 30 and summary.requests >= 1
    _assert_each_sent_once(fake)


async def test_resuming_with_other_messages_is_refused() -> None:
    fake = _fake()
    checkpoint = Checkpoint.from_dict(
        {
            "version": 1,
            "position": 5,
            "open": [{"id": "abc-1", "indices": [[0, 2]], "started_at": 0.0}],
            "unsent": [],
        }
    )
    others = [Message("not a number", "x")] * 5
    async with _client(fake.transport()) as client:
        with pytest.raises(ValidationError) as caught:
            await client.send_many(others, checkpoint=checkpoint).run()
    assert caught.value.field == "checkpoint"
    assert not fake.ledger
