"""Errors that may have taken part of a request: an error with an id (3, 6, 7, 8) to a
multi-line ``list`` request, and error 9 (concurrency refusal, or a duplicate of a request
already taken). The emulator plays every reading; under each, bulk sending loses nothing and
sends nothing twice: every message once at most in the ledger, one outcome for each."""

from __future__ import annotations

import random
from decimal import Decimal

import anyio
import pytest

from smsc_async import (
    AsyncClient,
    DuplicateRequestError,
    InsufficientFundsError,
    Message,
    MessageForbiddenError,
    RetryPolicy,
)
from smsc_async._bulk.job import BulkJob
from smsc_async._bulk.outcomes import (
    NotSentOutcome,
    Outcome,
    RejectedOutcome,
    SentOutcome,
    UnknownOutcome,
)
from smsc_async._types.status import StatusCode
from smsc_async.testing import FakeSMSC, Fault, FaultPlan, InProcessTransport, ListErrors
from smsc_async.testing._wire.answer import FakeResponse
from smsc_async.testing._wire.request import FakeRequest

pytestmark = pytest.mark.anyio

LOGIN, PASSWORD = "partial", "partial-secret"
PRICE = Decimal("1.50")
READINGS = pytest.mark.parametrize("reading", list(ListErrors))


def _fake(reading: ListErrors, balance: Decimal = Decimal(100_000)) -> FakeSMSC:
    fake = FakeSMSC(list_errors=reading)
    fake.add_account(LOGIN, PASSWORD, balance=balance, price=PRICE, senders=("SMSC", "shop"))
    return fake


def _client(handler: object, plan: FaultPlan | None = None) -> AsyncClient:
    return AsyncClient(
        login=LOGIN,
        password=PASSWORD,
        base_url="http://smsc.test",
        allow_http=True,
        transport=InProcessTransport(handler, faults=plan),  # type: ignore[arg-type]
    )


def _messages(count: int, bad: frozenset[int] = frozenset()) -> list[Message]:
    return [
        Message(f"+7995{i:07d}", f"partial {i}", sender="NOTREG" if i in bad else None)
        for i in range(count)
    ]


async def _collect(job: BulkJob) -> dict[int, Outcome]:
    outcomes: dict[int, Outcome] = {}
    async with job:
        async for outcome in job:
            assert outcome.index not in outcomes, "an outcome was delivered twice"
            outcomes[outcome.index] = outcome
    return outcomes


def _ledger_indices(fake: FakeSMSC) -> list[int]:
    return [int(entry.text.split()[-1]) for entry in fake.ledger]


def _assert_agree(fake: FakeSMSC, outcomes: dict[int, Outcome], count: int) -> None:
    """Each message once at most in the ledger, exactly the sent ones, one outcome each."""
    ledger = _ledger_indices(fake)
    assert len(ledger) == len(set(ledger)), "a message was sent twice"
    assert sorted(outcomes) == list(range(count))
    assert set(ledger) == {i for i, o in outcomes.items() if isinstance(o, SentOutcome)}


# ------------------------------------------------------------------ the emulator's switch


@READINGS
async def test_the_emulator_plays_both_readings_of_an_error_to_a_list(
    reading: ListErrors,
) -> None:
    fake = _fake(reading)
    async with _client(fake) as client:
        with pytest.raises(MessageForbiddenError) as caught:
            await client.send_list(_messages(5, bad=frozenset({2})), id="p-1")
        assert caught.value.message_id == "p-1"
        found = [
            (await client.status("p-1", f"+7995{i:07d}")).status is not StatusCode.NOT_FOUND
            for i in range(5)
        ]
    taken = [0, 1] if reading is ListErrors.PARTIAL else []
    assert _ledger_indices(fake) == taken
    assert found == [i in taken for i in range(5)]
    assert fake.account(LOGIN).balance == Decimal(100_000) - PRICE * len(taken)


@READINGS
async def test_the_emulator_takes_what_the_money_covers_under_the_partial_reading(
    reading: ListErrors,
) -> None:
    fake = _fake(reading, balance=PRICE * 3)
    async with _client(fake) as client:
        with pytest.raises(InsufficientFundsError):
            await client.send_list(_messages(5), id="p-2")
    taken = [0, 1, 2] if reading is ListErrors.PARTIAL else []
    assert _ledger_indices(fake) == taken
    assert fake.account(LOGIN).balance == PRICE * (3 - len(taken))


async def test_a_single_line_or_no_list_takes_nothing_under_either_reading() -> None:
    fake = _fake(ListErrors.PARTIAL)
    async with _client(fake) as client:
        with pytest.raises(MessageForbiddenError):
            await client.send_list(_messages(1, bad=frozenset({0})))
        with pytest.raises(MessageForbiddenError):
            await client.send("+79950000001", "hi", sender="NOTREG")
    assert not fake.ledger


# ------------------------------------------------------------------ bulk, errors with an id


@READINGS
async def test_bad_lines_lose_and_repeat_nothing_under_either_reading(reading: ListErrors) -> None:
    fake = _fake(reading)
    bad = frozenset({20, 95, 170})  # one per request: the rest of each is narrowed down
    async with _client(fake) as client:
        outcomes = await _collect(client.send_many(_messages(200, bad)))
    _assert_agree(fake, outcomes, 200)
    assert {i for i, o in outcomes.items() if isinstance(o, RejectedOutcome)} == bad
    assert all(isinstance(outcomes[i].error, MessageForbiddenError) for i in bad)
    assert sum(isinstance(o, SentOutcome) for o in outcomes.values()) == 200 - len(bad)
    reconciled = [o for o in outcomes.values() if isinstance(o, SentOutcome) and o.reconciled]
    # Under the partial reading, the lines before each bad one were found by status.php.
    assert bool(reconciled) is (reading is ListErrors.PARTIAL)


@READINGS
async def test_running_out_of_money_reports_what_was_taken_as_sent(reading: ListErrors) -> None:
    fake = _fake(reading, balance=PRICE * 100)
    async with _client(fake) as client:
        job = client.send_many(_messages(300), max_lines=15)
        outcomes = await _collect(job)
        _assert_agree(fake, outcomes, 300)
        assert isinstance(job.summary().stopped_by, InsufficientFundsError)
        not_sent = {i for i, o in outcomes.items() if isinstance(o, NotSentOutcome)}
        assert not_sent and not_sent.isdisjoint(_ledger_indices(fake))

        fake.account(LOGIN).balance += PRICE * 1000
        resumed = await _collect(client.send_many(_messages(300), checkpoint=job.checkpoint()))
    assert set(resumed) == not_sent
    assert sorted(_ledger_indices(fake)) == list(range(300))  # each exactly once


@READINGS
async def test_a_request_status_php_cannot_answer_for_stays_unknown(reading: ListErrors) -> None:
    fake, plan = _fake(reading), FaultPlan()
    status_down = plan.add(Fault.error(9), endpoint="status")  # 4 would start a cool-off
    bad = frozenset({10})
    async with _client(fake, plan) as client:
        job = client.send_many(iter(_messages(16, bad)), max_lines=16)
        outcomes = await _collect(job)
        # Nothing could be proved absent: nothing was sent again, nothing narrowed down.
        assert {type(o) for o in outcomes.values()} == {UnknownOutcome}
        assert sum(r.path.endswith("send.php") for r in fake.requests) == 1
        plan.remove(status_down)
        changed = await job.reconcile(grace=0)
    final = {**outcomes, **{o.index: o for o in changed}}
    _assert_agree(fake, final, 16)
    sent = {i for i, o in final.items() if isinstance(o, SentOutcome)}
    assert sent == (set(range(10)) if reading is ListErrors.PARTIAL else set())


# ------------------------------------------------------------------ bulk, error 9


class Recorder:
    """The emulator, keeping the body of every send request (to compare repeats)."""

    def __init__(self, fake: FakeSMSC, *, deliver_twice: int | None = None) -> None:
        self.fake = fake
        self.bodies: list[bytes] = []
        self.deliver_twice = deliver_twice  # this send request arrives twice (a network echo)

    async def handle(self, request: FakeRequest) -> FakeResponse:
        if request.path.endswith("send.php"):
            self.bodies.append(request.body)
            if len(self.bodies) == self.deliver_twice:
                await self.fake.handle(request)  # the first copy is taken; its answer is lost
        return await self.fake.handle(request)


async def test_error_9_for_a_duplicate_of_a_taken_request_is_reconciled_not_resent() -> None:
    fake = _fake(ListErrors.ALL_OR_NOTHING)
    recorder = Recorder(fake, deliver_twice=1)
    async with _client(recorder) as client:
        outcomes = await _collect(client.send_many(iter(_messages(30)), max_lines=10))
    _assert_agree(fake, outcomes, 30)
    # The emulator's own duplicate rule answered the echo of the first request.
    assert [r.error_code for r in fake.requests if r.path.endswith("send.php")][:2] == [None, 9]
    first = [o for o in outcomes.values() if isinstance(o, SentOutcome) and o.reconciled]
    assert len(first) == 10 and len(recorder.bodies) == 3


async def test_error_9_refusing_a_request_repeats_it_byte_for_byte_under_its_id() -> None:
    fake, plan = _fake(ListErrors.ALL_OR_NOTHING), FaultPlan()
    refused: list[bytes] = []

    def keep(request: FakeRequest) -> bool:
        refused.append(request.body)
        return True

    plan.once(Fault.error(9, "too many concurrent requests"), endpoint="send", when=keep)
    recorder = Recorder(fake)
    async with _client(recorder, plan) as client:
        outcomes = await _collect(client.send_many(iter(_messages(30)), max_lines=10))
    _assert_agree(fake, outcomes, 30)
    (fired,) = plan.fired
    assert sorted({str(e.id) for e in fake.ledger}) == sorted(
        {
            fired.message_id or "",
            *(o.request_id for o in outcomes.values() if isinstance(o, SentOutcome)),
        }
    )
    assert len(fake.find(id=fired.message_id)) == 10  # the refused request, sent once
    assert len(recorder.bodies) == 3  # the refused copy never reached the emulator
    assert refused[0] in recorder.bodies  # repeated byte for byte
    assert not any(isinstance(o, SentOutcome) and o.reconciled for o in outcomes.values())


async def test_error_9_that_persists_leaves_the_messages_unknown_and_stops() -> None:
    fake, plan = _fake(ListErrors.ALL_OR_NOTHING), FaultPlan()
    plan.add(Fault.error(9), endpoint="send")
    async with _client(fake, plan) as client:
        job = client.send_many(iter(_messages(30)), max_lines=10)
        outcomes = await _collect(job)
        assert isinstance(job.summary().stopped_by, DuplicateRequestError)
        unknown = [o for o in outcomes.values() if isinstance(o, UnknownOutcome)]
        assert len(unknown) == 10  # the first request: never proved untaken
        assert {f.message_id for f in plan.fired} == {unknown[0].request_id}
        assert len(plan.fired) == RetryPolicy().attempts
        with anyio.fail_after(5):
            changed = await job.reconcile(grace=0)
    assert {type(o) for o in changed} == {NotSentOutcome} and not fake.ledger


async def test_two_bad_lines_in_the_first_request_are_found_under_the_partial_reading() -> None:
    # The lines before each bad one are taken, so each half to narrow starts with its bad
    # line: the lines sent alone (to tell a bad request from bad lines) must not be those.
    random.seed(20240917)
    fake = _fake(ListErrors.PARTIAL)
    bad = frozenset({5, 20})
    async with _client(fake) as client:
        job = client.send_many(iter(_messages(64, bad)), max_lines=32)
        outcomes = await _collect(job)
    _assert_agree(fake, outcomes, 64)
    assert job.summary().stopped_by is None
    assert {i for i, o in outcomes.items() if isinstance(o, RejectedOutcome)} == bad
