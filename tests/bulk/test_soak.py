"""A seeded, randomized fault soak: 10,000 messages through ``send_many`` over a loopback
socket, every fault kind injected at random, the job interrupted and resumed twice, under
both readings of an error with an id to a multi-line ``list`` (nothing taken / the lines
before the bad one taken).

The emulator (served by uvicorn on 127.0.0.1) answers through a seeded `FaultPlan`: answers
late (past the read timeout) or dripped, connections reset before or after processing,
503s and HTML pages from a "proxy", truncated and malformed answers, SMSC errors 1, 7 and 9;
``status.php`` fails now and then too. Some requests arrive twice (a network echo): the
emulator's own duplicate rule answers the second copy with error 9. Some messages carry a
sender the account may not use (error 6 with an id: under the partial reading the lines
before them are taken) or a number only the server refuses.

Run 1 is cancelled and run 2 crashes (an exception in the loop), each part-way; each
resumes from the checkpoint the application saved (in ``on_progress``, then with the
README's ``try``/``finally``). Later runs go on until one finishes, and ``reconcile``
settles what is left unknown. Then, for every message: at most once in the ledger, exactly
the sent ones in it, one final outcome delivered, never a final outcome delivered twice.
Which request draws which fault depends on how 14 workers interleave, so the test checks
invariants; the seed fixes the draws. ``pytest -s`` prints the tally (it is also the message
of every assertion).
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from decimal import Decimal

import anyio
import orjson
import pytest

from smsc_async import AsyncClient, Message, RetryPolicy, Timeouts
from smsc_async._bulk.checkpoint import Checkpoint
from smsc_async._bulk.job import BulkJob
from smsc_async._bulk.outcomes import (
    BulkProgress,
    NotSentOutcome,
    Outcome,
    RejectedOutcome,
    SentOutcome,
    UnknownOutcome,
)
from smsc_async.testing import FakeSMSC, Fault, FaultPlan, ListErrors, serve_in_thread
from smsc_async.testing._wire.answer import FakeResponse
from smsc_async.testing._wire.request import FakeRequest

pytestmark = pytest.mark.anyio

LOGIN, PASSWORD = "soak", "soak-secret"
COUNT = 10_000
SEED = 20_240_917
CUTS = (3_000, 3_000)  # outcomes taken before run 1 is cancelled, before run 2 crashes

SEND_FAULTS = [
    (Fault.latency(0.4), 0.01),  # past the 0.25 s read timeout: processed, answer lost
    (Fault.drip(0.001, chunk_size=256), 0.02),  # slow, but every read within the timeout
    (Fault.reset_before(), 0.02),
    (Fault.reset_after(), 0.02),
    (Fault.status(503), 0.02),
    (Fault.html(), 0.01),
    (Fault.truncated(), 0.01),
    (Fault.malformed(), 0.01),
    (Fault.error(1), 0.005),
    (Fault.error(7), 0.005),
    (Fault.error(9), 0.02),
]
STATUS_FAULTS = [(Fault.status(503), 0.03), (Fault.error(9), 0.03)]

BAD_SENDER = set(range(41, COUNT, 397))
BAD_NUMBER = set(range(7, COUNT, 211))


def _message(i: int) -> Message:
    text = f"soak {i}"
    if i in BAD_SENDER:
        return Message(f"+7993{i:07d}", text, sender="NOTREG")
    if i in BAD_NUMBER:
        return Message("123", text)  # refused by the server, per recipient
    return Message(f"+7993{i:07d}", text)


def _messages() -> Iterator[Message]:
    return (_message(i) for i in range(COUNT))


class Crash(Exception):
    """The application fails part-way."""


class Echo:
    """The emulator behind a network that now and then delivers a request twice (the third
    accepted send, then one in a hundred): the first copy is taken, and the client sees only
    the answer to the second."""

    def __init__(self, fake: FakeSMSC, rng: random.Random) -> None:
        self.fake, self.rng = fake, rng
        self.accepted = self.echoes = 0

    async def handle(self, request: FakeRequest) -> FakeResponse:
        response = await self.fake.handle(request)
        if request.path.endswith("send.php") and b'"error_code"' not in response.body:
            self.accepted += 1
            if self.accepted == 3 or self.rng.random() < 0.01:
                self.echoes += 1
                return await self.fake.handle(request)  # the duplicate rule: error 9
        return response


class Application:
    """What the application saw: every outcome delivered to it, in order, across runs."""

    def __init__(self) -> None:
        self.seen: dict[int, list[Outcome]] = {}
        self.saved: bytes | None = None

    def take(self, outcome: Outcome, run: set[int]) -> None:
        assert outcome.index not in run, f"message {outcome.index} delivered twice in a run"
        run.add(outcome.index)
        history = self.seen.setdefault(outcome.index, [])
        assert not history or isinstance(history[-1], (NotSentOutcome, UnknownOutcome)), (
            f"message {outcome.index}: {history[-1].kind.value} delivered, then again"
        )
        history.append(outcome)

    def save(self, event: BulkProgress) -> None:
        self.saved = orjson.dumps(event.checkpoint.to_dict())

    def checkpoint(self) -> Checkpoint | None:
        return Checkpoint.from_dict(orjson.loads(self.saved)) if self.saved else None


async def _run(client: AsyncClient, app: Application, number: int) -> BulkJob:
    """One run of the job, resuming from the application's last saved checkpoint."""
    job = client.send_many(
        _messages(),
        checkpoint=app.checkpoint(),
        max_lines=50,
        reconcile_grace=0,  # the emulator is done with a request once the client gives up
        max_failed_requests=1_000,
        on_progress=app.save if number != 2 else None,
    )
    run: set[int] = set()
    if number == 1:
        with anyio.CancelScope() as scope:
            async with job:
                async for outcome in job:
                    app.take(outcome, run)
                    if len(run) == CUTS[0]:
                        scope.cancel()
        assert scope.cancelled_caught
    elif number == 2:
        try:  # the README's pattern: save the checkpoint however the job ends
            async with job:
                async for outcome in job:
                    app.take(outcome, run)
                    if len(run) == CUTS[1]:
                        raise Crash
        except Crash:
            pass
        finally:
            app.saved = orjson.dumps(job.checkpoint().to_dict())
    else:
        async with job:
            async for outcome in job:
                app.take(outcome, run)
    return job


@pytest.mark.parametrize("reading", list(ListErrors))
async def test_soak_ten_thousand_messages_through_faults_and_interruptions(
    reading: ListErrors,
) -> None:
    started = time.monotonic()
    fake = FakeSMSC(list_errors=reading)
    fake.add_account(LOGIN, PASSWORD, balance=Decimal(COUNT) * 10)
    plan = FaultPlan(seed=SEED)
    for fault, _ in SEND_FAULTS:  # each kind at least once
        plan.once(fault, endpoint="send")
    for fault, probability in SEND_FAULTS:
        plan.add(fault, endpoint="send", probability=probability)
    for fault, probability in STATUS_FAULTS:
        plan.add(fault, endpoint="status", probability=probability)
    echo = Echo(fake, random.Random(SEED))
    app = Application()
    interrupted = stopped = 0
    with serve_in_thread(echo, faults=plan) as server:
        async with AsyncClient(
            login=LOGIN,
            password=PASSWORD,
            base_url=server.url,
            allow_http=True,
            timeouts=Timeouts(connect=2, read=0.25, write=2, deadline=5),
            retry=RetryPolicy(attempts=4, backoff=0.01, max_backoff=0.05),
        ) as client:
            for number in range(1, 9):
                job = await _run(client, app, number)
                summary = job.summary()
                interrupted += summary.interrupted
                if summary.finished and summary.stopped_by is None:
                    break
                stopped += summary.stopped_by is not None
            else:
                pytest.fail("the job never finished")
            for _ in range(10):  # status.php fails now and then: ask again until it answers
                if not job.unknown:
                    break
                for outcome in await job.reconcile(grace=0):
                    app.seen[outcome.index].append(outcome)
    assert interrupted == 2 and not job.unknown

    final = {i: history[-1] for i, history in app.seen.items()}
    ledger = [int(entry.text.split()[-1]) for entry in fake.ledger]
    duplicates = len(ledger) - len(set(ledger))
    lost = COUNT - len(final)
    sent = {i for i, o in final.items() if isinstance(o, SentOutcome)}
    rejected = {i for i, o in final.items() if isinstance(o, RejectedOutcome)}
    not_sent = {i for i, o in final.items() if isinstance(o, NotSentOutcome)}
    was_unknown = {
        i for i, history in app.seen.items() if any(isinstance(o, UnknownOutcome) for o in history)
    }
    reconciled = sum(isinstance(o, SentOutcome) and o.reconciled for o in final.values())
    tally = (
        f"[{reading.value}] sent {len(sent)} / rejected {len(rejected)} / not sent "
        f"{len(not_sent)} / unknown-then-reconciled {len(was_unknown)} (found by status.php: "
        f"{reconciled}) / duplicates = {duplicates} / lost = {lost}; runs {number} "
        f"({stopped} stopped by an error), {len(plan.fired)} faults, {echo.echoes} echoes, "
        f"{time.monotonic() - started:.1f} s"
    )
    print(tally)
    assert duplicates == 0 and lost == 0, tally
    assert not any(isinstance(o, UnknownOutcome) for o in final.values()), tally
    assert set(ledger) == sent, tally  # nothing sent reported otherwise, nothing lost
    assert len(sent) + len(rejected) + len(not_sent) == COUNT, tally
    assert rejected | not_sent >= BAD_SENDER and rejected | not_sent >= BAD_NUMBER, tally
    assert was_unknown and reconciled and echo.echoes, tally
    kinds = {f.fault.kind for f in plan.fired}
    assert kinds == {fault.kind for fault, _ in SEND_FAULTS}, tally
