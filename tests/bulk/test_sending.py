"""`AsyncClient.send_many` against the in-process emulator: packing, per-message outcomes,
narrowing down request errors, retries, stops, progress, and reconciliation."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterable, Iterator
from decimal import Decimal

import anyio
import pytest
from emulated import LOGIN, PASSWORD, emulated_client

from smsc_async import (
    AsyncClient,
    AuthenticationError,
    InsufficientFundsError,
    InvalidPhoneError,
    Message,
    MessageForbiddenError,
    UndeliverableError,
    ValidationError,
)
from smsc_async._bulk.job import BulkJob
from smsc_async._bulk.outcomes import (
    BulkProgress,
    NotSentOutcome,
    Outcome,
    OutcomeKind,
    ProgressStage,
    RejectedOutcome,
    SentOutcome,
    UnknownOutcome,
)
from smsc_async.testing import FakeSMSC, Fault, FaultPlan

pytestmark = pytest.mark.anyio

PRICE = Decimal("1.50")


def _fake(balance: Decimal = Decimal(100_000)) -> FakeSMSC:
    fake = FakeSMSC()
    fake.add_account(LOGIN, PASSWORD, balance=balance, price=PRICE, senders=("SMSC", "shop"))
    return fake


def _messages(count: int, start: int = 0) -> list[Message]:
    return [Message(f"+7999{i:07d}", f"message {i}") for i in range(start, start + count)]


async def _collect(job: BulkJob) -> dict[int, Outcome]:
    outcomes: dict[int, Outcome] = {}
    async with job:
        async for outcome in job:
            assert outcome.index not in outcomes
            outcomes[outcome.index] = outcome
    return outcomes


def _ledger_texts(fake: FakeSMSC) -> list[str]:
    return [entry.text for entry in fake.ledger]


async def test_every_message_is_sent_once_in_list_requests_filling_every_slot() -> None:
    fake = _fake()
    async with emulated_client("inprocess", fake) as client:
        job = client.send_many(_messages(700), sender="shop")
        outcomes = await _collect(job)
    summary = job.summary()
    assert sorted(outcomes) == list(range(700))
    assert all(isinstance(o, SentOutcome) for o in outcomes.values())
    assert summary.sent == summary.read == 700 and summary.finished
    assert summary.requests == 14  # a sized input is spread over all 14 slots
    assert summary.cost == PRICE * 700 == sum((e.cost for e in fake.ledger), Decimal(0))
    assert summary.parts == 700 and summary.balance == Decimal(100_000) - PRICE * 700
    assert sorted(_ledger_texts(fake)) == sorted(f"message {i}" for i in range(700))
    assert {e.params["list"].count("\n") + 1 for e in fake.ledger} == {50}
    assert all(e.sender == "shop" for e in fake.ledger)
    sample = outcomes[3]
    assert isinstance(sample, SentOutcome)
    assert sample.cost == PRICE and sample.parts == 1 and sample.phones[0].phone == "79990000003"
    assert fake.find(id=sample.request_id, phone="+79990000003")[0].text == "message 3"


async def test_an_async_iterable_is_read_lazily_and_bounded_by_max_lines() -> None:
    fake = _fake()
    read: list[int] = []

    async def stream() -> AsyncIterator[Message]:
        for message in _messages(95):
            read.append(1)
            yield message

    async with emulated_client("inprocess", fake) as client:
        summary = await client.send_many(stream(), max_lines=10).run()
    assert summary.sent == 95 and summary.requests == 10 and len(read) == 95
    assert len(fake.ledger) == 95


async def test_parts_and_cost_are_attributed_per_message() -> None:
    fake = _fake()
    messages = [
        Message("+79990000001", "short"),
        Message(["+79990000002", "+79990000003"], "x" * 161),  # 2 parts × 2 recipients
        Message("+79990000004", "ж" * 71),  # 2 parts, UCS-2
        Message(["+79990000005", "123"], "half bad"),  # the server drops "123"
    ]
    async with emulated_client("inprocess", fake) as client:
        outcomes = await _collect(client.send_many(iter(messages)))
    got = {i: (o.parts, o.cost) for i, o in outcomes.items() if isinstance(o, SentOutcome)}
    assert got == {0: (1, PRICE), 1: (4, PRICE * 4), 2: (2, PRICE * 2), 3: (1, PRICE)}
    half = outcomes[3]
    assert isinstance(half, SentOutcome)
    assert sorted((r.phone, r.status) for r in half.phones) == [("123", 22), ("79990000005", -1)]


async def test_bad_messages_are_rejected_alone() -> None:
    fake = _fake()
    messages = _messages(40)
    messages[5] = Message("+79990000005", "x" * 1001)  # refused by the SDK
    messages[9] = Message("123", "no such number")  # refused by the server's report
    messages[13] = Message("+79990000013", "group", sender="NOTREG")  # error 6, whole request
    messages[20] = Message("G7", "a group")  # cannot be accounted for per message
    async with emulated_client("inprocess", fake) as client:
        job = client.send_many(iter(messages), max_lines=40)
        outcomes = await _collect(job)
    rejected = {i: o for i, o in outcomes.items() if isinstance(o, RejectedOutcome)}
    assert sorted(rejected) == [5, 9, 13, 20]
    assert isinstance(rejected[5].error, ValidationError) and rejected[5].request_id is None
    assert rejected[5].error.field == "messages[5].text"
    assert isinstance(rejected[20].error, ValidationError)
    assert isinstance(rejected[9].error, InvalidPhoneError)
    assert isinstance(rejected[13].error, MessageForbiddenError)
    # 36 lines: refused (error 6), then halves until message 13 is alone: 1 + 2 × 6 requests.
    assert job.summary().requests == 13
    assert sorted(_ledger_texts(fake)) == sorted(
        f"message {i}" for i in range(40) if i not in rejected
    )


@pytest.mark.parametrize(
    ("password", "balance", "error"),
    [
        ("wrong", Decimal(100_000), AuthenticationError),
        (PASSWORD, Decimal(15), InsufficientFundsError),
    ],
)
async def test_account_wide_errors_stop_fast_and_report_the_rest_not_sent(
    password: str, balance: Decimal, error: type[Exception]
) -> None:
    fake = _fake(balance)
    client = AsyncClient(
        login=LOGIN,
        password=password,
        base_url="http://smsc.test",
        allow_http=True,
        transport=fake.transport(),
    )
    async with client:
        job = client.send_many(iter(_messages(3000)), max_lines=10)
        outcomes = await _collect(job)
    summary = job.summary()
    assert sorted(outcomes) == list(range(3000))
    assert isinstance(summary.stopped_by, error)
    assert summary.requests <= 15  # the requests already in flight, and no new one
    assert summary.sent == len(fake.ledger) == (10 if balance == 15 else 0)
    assert summary.not_sent == 3000 - summary.sent and summary.unknown == 0
    not_sent = [o for o in outcomes.values() if isinstance(o, NotSentOutcome)]
    assert all(isinstance(o.error, error) for o in not_sent)


async def test_stop_and_leaving_the_block_early_report_the_rest_not_sent() -> None:
    fake = _fake()
    async with emulated_client("inprocess", fake) as client:
        job = client.send_many(iter(_messages(3000)), max_lines=10)
        async with job:
            async for outcome in job:
                if outcome.kind is OutcomeKind.SENT:
                    job.stop()
        stopped = job.summary()
        early = client.send_many(iter(_messages(3000, start=5000)), max_lines=10)
        async with early:
            async for _ in early:
                break
    for summary in (stopped, early.summary()):
        assert summary.finished and summary.stopped_by is None
        assert summary.read == 3000 and summary.sent + summary.not_sent == 3000
        assert summary.not_sent > 0 and summary.sent == summary.requests * 10
    assert len(fake.ledger) == stopped.sent + early.summary().sent


async def test_an_error_in_the_block_cancels_the_job_and_propagates() -> None:
    fake = _fake()
    async with emulated_client("inprocess", fake) as client:
        job = client.send_many(iter(_messages(500)), max_lines=10)
        with pytest.raises(KeyError):
            async with job:
                async for _ in job:
                    raise KeyError("consumer failed")
    assert not job.summary().finished
    checkpoint = job.checkpoint()
    accounted = checkpoint.position + sum(b - a for r in checkpoint.open for a, b in r.indices)
    assert accounted >= job.summary().settled


async def test_progress_events_form_a_write_ahead_log() -> None:
    fake = _fake()
    events: list[BulkProgress] = []

    async def on_progress(event: BulkProgress) -> None:
        await anyio.lowlevel.checkpoint()  # a callback that writes lets other tasks run
        events.append(event)

    async with emulated_client("inprocess", fake) as client:
        summary = await client.send_many(_messages(140), on_progress=on_progress).run()
    # One at a time and in order: a persisted checkpoint is never older than the last one.
    assert [e.summary.requests for e in events] == sorted(e.summary.requests for e in events)
    assert [e.summary.sent for e in events] == sorted(e.summary.sent for e in events)
    sending = [e for e in events if e.stage is ProgressStage.SENDING]
    assert len(sending) == summary.requests == 14
    for event in sending:
        assert event.request_id in {r.id for r in event.checkpoint.open}
    assert {e.request_id for e in sending} == {str(e.id) for e in fake.ledger}
    assert events[-1].stage is ProgressStage.FINISHED and events[-1].summary == summary
    assert events[-1].checkpoint.position == 140 and not events[-1].checkpoint.open


async def test_reconcile_settles_lost_answers_through_status() -> None:
    fake, plan = _fake(), FaultPlan()
    plan.once(Fault.reset_after(), endpoint="send")  # processed, answer lost
    plan.once(Fault.reset_before(), endpoint="send")  # never processed
    async with emulated_client("inprocess", fake, faults=plan) as client:
        job = client.send_many(iter(_messages(50)), max_lines=10)
        outcomes = await _collect(job)
        unknown = [o for o in outcomes.values() if isinstance(o, UnknownOutcome)]
        assert len(unknown) == len(job.unknown) == job.summary().unknown == 20
        assert {len(r.indices[0]) for r in job.checkpoint().open} == {2}
        changed = await job.reconcile(grace=0)
    summary = job.summary()
    assert summary.unknown == 0 and summary.sent == 40 and summary.not_sent == 10
    assert len(changed) == 20 and {o.kind for o in changed} == {
        OutcomeKind.SENT,
        OutcomeKind.NOT_SENT,
    }
    reconciled = [o for o in changed if isinstance(o, SentOutcome)]
    assert all(o.reconciled and o.cost == PRICE and o.parts == 1 for o in reconciled)
    assert summary.cost == sum((e.cost for e in fake.ledger), Decimal(0))
    checkpoint = job.checkpoint()
    assert not checkpoint.open
    assert sum(b - a for a, b in checkpoint.unsent) == 10
    assert len(fake.ledger) == 40


async def test_client_reconcile_keeps_unanswered_unknown_without_waiting() -> None:
    fake, plan = _fake(), FaultPlan()
    plan.add(Fault.error(4), endpoint="status")
    outcome = UnknownOutcome(
        index=0,
        message=_messages(1)[0],
        request_id="x-1",
        recipients=("+79990000000",),
        started_at=time.time(),
    )
    async with emulated_client("inprocess", fake, faults=plan) as client:
        with anyio.fail_after(5):  # no answer to wait for: the grace does not apply
            assert await client.reconcile([outcome], grace=60) == [outcome]
        assert await client.reconcile([]) == []


async def test_reconcile_believes_found_at_once_and_not_found_only_after_the_grace() -> None:
    fake = _fake()
    async with emulated_client("inprocess", fake) as client:
        sent = await client.send_list(_messages(1), id="x-1")
        assert sent.id == "x-1"
        now = time.time()
        found, missing = (
            UnknownOutcome(
                index=n,
                message=_messages(2)[n],
                request_id="x-1",
                recipients=(f"+7999000000{n}",),
                started_at=now,
                ended_at=now,
            )
            for n in (0, 1)
        )
        with anyio.fail_after(5):
            (decided,) = await client.reconcile([found], grace=60)  # no wait
        assert isinstance(decided, SentOutcome) and decided.reconciled
        with pytest.raises(TimeoutError):
            with anyio.fail_after(0.3):
                await client.reconcile([found, missing], grace=60)


def _options_cases() -> Iterable[tuple[dict[str, object], str]]:
    yield {"id": "mine"}, "id"
    yield {"op": True}, "op"
    yield {"err": True}, "err"
    yield {"comment": "x"}, "comment"
    yield {"max_lines": 0}, "max_lines"
    yield {"max_body_bytes": 10}, "max_body_bytes"
    yield {"flood_limit": 0}, "flood_limit"
    yield {"reconcile_grace": -1}, "reconcile_grace"
    yield {"checkpoint": {"position": 0}}, "checkpoint"
    yield {"checkpoint": [0]}, "checkpoint"
    yield {"sender": "x" * 12}, "sender"


@pytest.mark.parametrize(("options", "field"), list(_options_cases()))
async def test_bad_options_fail_before_anything_is_sent(
    options: dict[str, object], field: str
) -> None:
    fake = _fake()
    async with emulated_client("inprocess", fake) as client:
        with pytest.raises(ValidationError) as caught:
            client.send_many(_messages(3), **options)  # type: ignore[arg-type]
        with pytest.raises(ValidationError):
            client.send_many(Message("+79990000000", "one"))  # type: ignore[arg-type]
    assert caught.value.field == field
    assert not fake.requests


async def test_a_job_runs_once_and_iterates_only_inside_its_block() -> None:
    fake = _fake()
    async with emulated_client("inprocess", fake) as client:
        job = client.send_many(_messages(3))
        with pytest.raises(RuntimeError):
            await job.__anext__()
        with pytest.raises(RuntimeError):
            await job.reconcile()
        await job.run()
        with pytest.raises(RuntimeError):
            await job.run()
    assert "sent=3" in repr(job)


def _flooding() -> Iterator[Message]:
    for i in range(60):
        yield Message("+79990000001", f"flood {i}")


async def test_the_anti_flood_rule_is_kept_client_side() -> None:
    fake = _fake()
    async with emulated_client("inprocess", fake) as client:
        outcomes = await _collect(client.send_many(_flooding(), max_lines=7))
        capped = await client.send_many(_flooding(), flood_limit=None, max_lines=7).run()
        unguarded = await client.send_many(
            _flooding(), flood_limit=None, max_lines=7, max_failed_requests=100
        ).run()
    rejected = sorted(i for i, o in outcomes.items() if isinstance(o, RejectedOutcome))
    assert rejected == list(range(50, 60))
    assert len(fake.ledger) == 50
    # Without the guard the server's own rule refuses them (error 8), one request each:
    # the job stops at its cap of failed requests, or rejects all under a higher cap.
    assert capped.rejected == capped.requests and capped.not_sent == 60 - capped.requests
    assert 20 <= capped.requests < 20 + 14  # the cap, and requests already in flight
    assert isinstance(capped.stopped_by, UndeliverableError)
    assert unguarded.rejected == 60 and unguarded.sent == 0 and unguarded.stopped_by is None


async def test_requests_are_never_identical_so_the_duplicate_rule_never_fires() -> None:
    fake = _fake()
    async with emulated_client("inprocess", fake) as client:
        first = await client.send_many(_messages(28)).run()
        again = await client.send_many(_messages(28)).run()  # the caller asked twice
    assert first.sent == again.sent == 28 and first.requests == again.requests == 14
    assert len({entry.id for entry in fake.ledger}) == 28  # one id per request, never reused
    assert not [r for r in fake.requests if r.error_code is not None]


async def test_reconcile_grace_counts_from_when_the_client_gave_up() -> None:
    # Sent long ago, but the client only gave up just now (a slow server): the server may
    # still be processing it, so "not found" must not be believed yet.
    fake = _fake()
    now = time.time()
    outcome = UnknownOutcome(
        index=0,
        message=_messages(1)[0],
        request_id="x-1",
        recipients=("+79990000000",),
        started_at=now - 600,
        ended_at=now,
    )
    async with emulated_client("inprocess", fake) as client:
        with pytest.raises(TimeoutError):
            with anyio.fail_after(0.3):
                await client.reconcile([outcome], grace=60)
        (decided,) = await client.reconcile([outcome], grace=0)
    assert decided.kind is OutcomeKind.NOT_SENT


async def test_a_lost_answer_records_when_the_client_gave_up() -> None:
    fake, plan = _fake(), FaultPlan()
    plan.once(Fault.reset_after(), endpoint="send")
    async with emulated_client("inprocess", fake, faults=plan) as client:
        before = time.time()
        job = client.send_many(_messages(3))
        outcomes = await _collect(job)
    (unknown,) = [o for o in outcomes.values() if isinstance(o, UnknownOutcome)]
    assert unknown.ended_at is not None
    assert before <= unknown.started_at <= unknown.ended_at <= time.time()
