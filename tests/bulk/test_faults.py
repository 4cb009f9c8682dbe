"""Thousands of messages through faults over a real socket: the emulator's ledger and the
SDK's report agree exactly after reconciliation — nothing lost, nothing sent twice.

The emulator is served by uvicorn on 127.0.0.1 with a seeded `FaultPlan` on ``send.php``:
connections dropped before and after processing, answers later than the read timeout,
truncated and malformed answers, 503s from a "proxy", and SMSC errors 1, 6, 7 and 9. Which
request draws which fault depends on the interleaving of 14 workers, so the test checks
invariants, and cross-checks every fired fault (`FaultPlan.fired`) against both sides.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from smsc_async import (
    ApiError,
    AsyncClient,
    Message,
    MessageForbiddenError,
    RetryPolicy,
    Timeouts,
    ValidationError,
)
from smsc_async._bulk.outcomes import NotSentOutcome, Outcome, RejectedOutcome, SentOutcome
from smsc_async.testing import FakeSMSC, Fault, FaultKind, FaultPlan, RunningServer, serve_in_thread

pytestmark = pytest.mark.anyio

LOGIN, PASSWORD = "bulk", "bulk-secret"
COUNT = 3000
PRICE = Decimal("1.50")

# (fault, probability per send request). Errors a line may cause (1, 6, 7) fire once each:
# drawn at random, both halves of a narrowed request could draw the same one, and the job
# would rightly stop (an error both halves share is about the whole request).
FAULTS = [
    (Fault.reset_before(), 0.04),
    (Fault.reset_after(), 0.04),
    (Fault.latency(1.0), 0.02),  # past the 0.25 s read timeout: processed, answer lost
    (Fault.truncated(), 0.02),
    (Fault.malformed(), 0.02),
    (Fault.status(503), 0.03),
    (Fault.error(1), 0.0),
    (Fault.error(6), 0.0),
    (Fault.error(7), 0.0),
    (Fault.error(9), 0.03),
]
PROCESSED = {FaultKind.RESET_AFTER, FaultKind.LATENCY, FaultKind.TRUNCATED, FaultKind.MALFORMED}


@pytest.fixture
def fake() -> FakeSMSC:
    fake = FakeSMSC(latency=0)
    fake.add_account(LOGIN, PASSWORD, balance=Decimal(COUNT) * 10, price=PRICE)
    return fake


@pytest.fixture
def plan() -> FaultPlan:
    plan = FaultPlan(seed=20240605)
    for fault, _ in FAULTS:  # every kind fires at least once: the first requests get one each
        plan.once(fault, endpoint="send")
    for fault, probability in FAULTS:
        if probability:
            plan.add(fault, endpoint="send", probability=probability)
    return plan


@pytest.fixture
def server(fake: FakeSMSC, plan: FaultPlan) -> Iterator[RunningServer]:
    with serve_in_thread(fake, faults=plan) as running:
        yield running


# Messages bad on purpose: a number only the server refuses (status 22 in its report), a
# sender the account does not have (error 6 for the whole request, narrowed down by halving),
# and a text too long (refused by the SDK before sending).
BAD_NUMBER = set(range(7, COUNT, 101))
BAD_SENDER = set(range(50, COUNT, 397))
TOO_LONG = set(range(99, COUNT, 499))


def _message(i: int) -> Message:
    text = f"bulk message {i}"
    if i in BAD_NUMBER:
        return Message(["+7900" + f"{i:07d}", "123"], text)
    if i in BAD_SENDER:
        return Message(f"+7900{i:07d}", text, sender="NOTREG")
    return Message(f"+7900{i:07d}", text + ("!" * 1000 if i in TOO_LONG else ""))


async def test_ledger_and_report_agree_through_faults(
    fake: FakeSMSC, plan: FaultPlan, server: RunningServer
) -> None:
    messages = [_message(i) for i in range(COUNT)]
    final: dict[int, Outcome] = {}
    async with AsyncClient(
        login=LOGIN,
        password=PASSWORD,
        base_url=server.url,
        allow_http=True,
        timeouts=Timeouts(connect=2, read=0.25, write=2, deadline=5),
        retry=RetryPolicy(attempts=6, backoff=0.01, max_backoff=0.05),
    ) as client:
        job = client.send_many(messages, max_lines=20, max_failed_requests=1000)
        async with job:
            async for outcome in job:
                assert outcome.index not in final, "a message was reported twice"
                final[outcome.index] = outcome
        unknown_before = job.summary().unknown
        for outcome in await job.reconcile(grace=0):
            final[outcome.index] = outcome
        summary = job.summary()

    # Every message has exactly one outcome, none unknown after reconciliation.
    assert sorted(final) == list(range(COUNT))
    assert unknown_before > 0 and summary.unknown == 0 and summary.finished
    assert summary.stopped_by is None and summary.read == COUNT and summary.in_flight == 0
    sent = {i: o for i, o in final.items() if isinstance(o, SentOutcome)}
    rejected = {i: o for i, o in final.items() if isinstance(o, RejectedOutcome)}
    not_sent = {i: o for i, o in final.items() if isinstance(o, NotSentOutcome)}
    assert (summary.sent, summary.rejected, summary.not_sent) == (
        len(sent),
        len(rejected),
        len(not_sent),
    )
    assert len(sent) + len(rejected) + len(not_sent) == COUNT

    # The ledger holds exactly the sent messages, each once, under the request id reported.
    texts = [entry.text for entry in fake.ledger]
    assert len(texts) == len(set(texts)), "a message was sent twice"
    by_text = {entry.text: entry for entry in fake.ledger}
    assert set(by_text) == {f"bulk message {i}" for i in sent}
    for i, outcome in sent.items():
        entry = by_text[f"bulk message {i}"]
        assert entry.id == outcome.request_id
        assert outcome.cost == entry.cost == PRICE and outcome.parts == entry.parts == 1
        assert entry.recipients == (f"7900{i:07d}",)
    assert summary.cost == sum((e.cost for e in fake.ledger), Decimal(0)) == PRICE * len(sent)
    assert summary.parts == len(sent)
    assert fake.account(LOGIN).balance == Decimal(COUNT) * 10 - summary.cost

    # Cross-check every fired fault against both sides.
    fired = plan.fired
    assert {f.fault.kind for f in fired} == {fault.kind for fault, _ in FAULTS}
    ledger_ids = {str(entry.id) for entry in fake.ledger}
    reconciled_ids = {o.request_id for o in sent.values() if o.reconciled}
    processed = {f.message_id for f in fired if f.fault.kind in PROCESSED}
    for fault in fired:
        assert fault.message_id is not None
        if fault.fault.kind in PROCESSED:
            # Processed, answer lost: reconciliation found its messages iff the ledger has them
            # (a request the emulator refused, e.g. for a bad sender, has none).
            assert (fault.message_id in ledger_ids) == (fault.message_id in reconciled_ids)
        elif fault.fault.error_code == 9:
            # Never processed; the request went again, byte for byte under the same id, once
            # status.php had shown none of it taken, and that copy may have drawn a fault of
            # its own. No text is in the ledger twice (checked above).
            continue
        else:
            # Never processed: nothing in the ledger under that id.
            assert fault.message_id not in ledger_ids
    assert reconciled_ids <= processed
    lost_unprocessed = {
        f.message_id for f in fired if f.fault.kind in {FaultKind.RESET_BEFORE, FaultKind.STATUS}
    }
    not_sent_ids = {o.request_id for o in not_sent.values()}
    assert lost_unprocessed <= not_sent_ids <= lost_unprocessed | processed
    # Rejections: the messages bad on purpose, or a leaf of the halving hit by an error fault.
    error_ids = {f.message_id for f in fired if f.fault.kind is FaultKind.ERROR}
    assert not (BAD_SENDER | TOO_LONG) & set(sent)
    for i, outcome in rejected.items():
        if i in TOO_LONG:
            assert isinstance(outcome.error, ValidationError) and outcome.request_id is None
        elif i in BAD_SENDER and outcome.request_id not in error_ids:
            assert isinstance(outcome.error, MessageForbiddenError)
        else:
            assert isinstance(outcome.error, ApiError) and outcome.request_id in error_ids
    assert set(rejected) >= TOO_LONG
    # A bad number among good ones: the good one is sent, the bad one reported per recipient.
    for i in BAD_NUMBER & set(sent):
        statuses = sorted((row.phone, row.status) for row in sent[i].phones)
        assert (statuses[0][0], statuses[0][1]) == ("123", 22) or sent[i].reconciled
    # No request was ever identical to an earlier one: the emulator's own rule never fired.
    assert not [r for r in fake.requests if r.error_code == 9]
