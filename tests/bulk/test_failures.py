"""Error answers to bulk requests cost few failing requests: an error about the whole request
is never narrowed down, narrowing stops when both halves fail alike, and a cap on failed
requests stops the job (SMSC blocks an IP after frequent erroneous requests, error 4)."""

from __future__ import annotations

import random
from decimal import Decimal

import anyio
import pytest
from emulated import LOGIN, PASSWORD, emulated_client

from smsc_async import (
    AsyncClient,
    AuthenticationError,
    InvalidDateError,
    InvalidParametersError,
    IpBlockedError,
    Message,
    MessageForbiddenError,
    ValidationError,
)
from smsc_async._bulk.outcomes import NotSentOutcome, Outcome, RejectedOutcome, SentOutcome
from smsc_async.testing import FakeSMSC, Fault, FaultPlan, InProcessTransport
from smsc_async.testing._wire.answer import FakeResponse
from smsc_async.testing._wire.request import FakeRequest

pytestmark = pytest.mark.anyio


def _fake() -> FakeSMSC:
    fake = FakeSMSC()
    fake.add_account(LOGIN, PASSWORD, balance=Decimal(100_000), senders=("SMSC", "shop"))
    return fake


def _messages(count: int, sender: str | None = None) -> list[Message]:
    return [Message(f"+7996{i:07d}", f"failing {i}", sender=sender) for i in range(count)]


def _failed_sends(fake: FakeSMSC) -> int:
    return sum(r.path.endswith("send.php") and r.error_code is not None for r in fake.requests)


async def _outcomes(
    client: AsyncClient, messages: list[Message], **options: object
) -> dict[int, Outcome]:
    job = client.send_many(messages, **options)  # type: ignore[arg-type]
    outcomes: dict[int, Outcome] = {}
    async with job:
        async for outcome in job:
            assert outcome.index not in outcomes
            outcomes[outcome.index] = outcome
    return outcomes


async def test_a_forbidden_sender_costs_a_handful_of_failing_requests() -> None:
    fake = _fake()
    async with emulated_client("inprocess", fake) as client:
        job = client.send_many(_messages(2000), sender="NOTREG")
        summary = await job.run()
    # The first request goes alone; its two halves fail alike; a line alone fails, and
    # another: the error is the request's, and the job stops.
    assert _failed_sends(fake) == 5 == summary.requests
    assert isinstance(summary.stopped_by, MessageForbiddenError)
    assert (summary.rejected, summary.not_sent) == (2, 1998) and not fake.ledger


class SlowAnswers:
    """The emulator answering 10 ms late: requests sent at once would overlap."""

    def __init__(self, fake: FakeSMSC) -> None:
        self.fake = fake

    async def handle(self, request: FakeRequest) -> FakeResponse:
        response = await self.fake.handle(request)
        await anyio.sleep(0.01)
        return response


async def test_wrong_credentials_cost_one_failing_request() -> None:
    fake = _fake()
    async with AsyncClient(
        login=LOGIN,
        password="wrong",
        base_url="http://smsc.test",
        allow_http=True,
        transport=InProcessTransport(SlowAnswers(fake)),
    ) as client:
        summary = await client.send_many(_messages(2000)).run()
    assert _failed_sends(fake) == 1 == summary.requests
    assert isinstance(summary.stopped_by, AuthenticationError) and summary.not_sent == 2000


@pytest.mark.parametrize(
    ("code", "error"), [(2, AuthenticationError), (4, IpBlockedError), (5, InvalidDateError)]
)
async def test_errors_about_every_request_are_never_narrowed(
    code: int, error: type[Exception]
) -> None:
    fake, plan = _fake(), FaultPlan()
    plan.add(Fault.error(code), endpoint="send")
    async with emulated_client("inprocess", fake, faults=plan) as client:
        outcomes = await _outcomes(client, _messages(300))
    assert len(plan.fired) == 1  # one request, no halves
    assert all(
        isinstance(o, NotSentOutcome) and isinstance(o.error, error) for o in outcomes.values()
    )
    assert len(outcomes) == 300


async def test_narrowing_stops_when_both_halves_fail_alike() -> None:
    fake, plan = _fake(), FaultPlan()
    plan.add(Fault.error(1), endpoint="send")  # every request: "parameters error"
    async with emulated_client("inprocess", fake, faults=plan) as client:
        outcomes = await _outcomes(client, _messages(300))
    assert len(plan.fired) == 5  # the request, its halves, two lines alone
    assert sum(isinstance(o, NotSentOutcome) for o in outcomes.values()) == 298
    assert all(isinstance(o.error, InvalidParametersError) for o in outcomes.values())


async def test_one_bad_line_is_still_narrowed_down_and_rejected_alone() -> None:
    fake = _fake()
    messages = _messages(64)
    messages[37] = Message("+79960000037", "failing 37", sender="NOTREG")
    async with emulated_client("inprocess", fake) as client:
        outcomes = await _outcomes(client, iter(messages), max_lines=64)
    rejected = [i for i, o in outcomes.items() if isinstance(o, RejectedOutcome)]
    assert rejected == [37] and isinstance(outcomes[37].error, MessageForbiddenError)
    assert sum(isinstance(o, SentOutcome) for o in outcomes.values()) == 63
    assert _failed_sends(fake) == 7  # 64 → 32 → 16 → 8 → 4 → 2 → 1
    assert len(fake.ledger) == 63


@pytest.mark.parametrize("where", ["first request", "later request"])
async def test_two_bad_lines_split_between_the_halves_are_both_found(where: str) -> None:
    # In the first request, a line of each half goes alone (drawn at random; seeded, so
    # that the draw never picks both bad lines, which would stop the job).
    random.seed(20240917)
    fake = _fake()
    start = 0 if where == "first request" else 32
    bad = {start + 5, start + 20}  # one in each half of a 32-line request
    messages = [
        Message(f"+7996{i:07d}", f"failing {i}", sender="NOTREG" if i in bad else None)
        for i in range(64)
    ]
    async with emulated_client("inprocess", fake) as client:
        outcomes = await _outcomes(client, iter(messages), max_lines=32)
    rejected = {i for i, o in outcomes.items() if isinstance(o, RejectedOutcome)}
    assert rejected == bad
    assert sum(isinstance(o, SentOutcome) for o in outcomes.values()) == 62 == len(fake.ledger)


async def test_the_cap_of_failed_requests_stops_the_job() -> None:
    fake = _fake()
    # A bad line in each request of 16: four failing requests each to find it.
    messages = [
        Message(f"+7996{i:07d}", f"failing {i}", sender="NOTREG" if i % 16 == 5 else None)
        for i in range(320)
    ]
    async with emulated_client("inprocess", fake) as client:
        job = client.send_many(iter(messages), max_lines=16, max_failed_requests=10)
        summary = await job.run()
    assert _failed_sends(fake) <= 10 + client.max_concurrency
    assert isinstance(summary.stopped_by, MessageForbiddenError)
    assert summary.not_sent > 0 and summary.sent + summary.rejected + summary.not_sent == 320
    assert len(fake.ledger) == summary.sent
    with pytest.raises(ValidationError) as caught:
        client.send_many(messages, max_failed_requests=0)
    assert caught.value.field == "max_failed_requests"
