"""Messages sent through a Telegram bot are reconciled the way they were sent: SMSC finds them
in ``status.php`` only with ``bot=1`` (and the emulator keeps them apart the same way)."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qs

import pytest

from smsc_async import AsyncClient, Message, Prefix, prefixed
from smsc_async._bulk.outcomes import Outcome, SentOutcome, UnknownOutcome
from smsc_async._types.status import StatusCode
from smsc_async.testing import FakeSMSC, Fault, FaultPlan, InProcessTransport, MessageKind
from smsc_async.testing._wire.answer import FakeResponse
from smsc_async.testing._wire.request import FakeRequest

pytestmark = pytest.mark.anyio

LOGIN, PASSWORD = "botty", "botty-secret"


class StatusLog:
    """The emulator, noting whether each ``status.php`` request asked with ``bot=1``."""

    def __init__(self, fake: FakeSMSC) -> None:
        self.fake = fake
        self.bot_flags: list[bool] = []

    async def handle(self, request: FakeRequest) -> FakeResponse:
        if request.path.endswith("status.php"):
            form = parse_qs(request.body.decode())
            self.bot_flags.append(form.get("bot") == ["1"])
        return await self.fake.handle(request)


def _client(handler: object, plan: FaultPlan | None = None) -> AsyncClient:
    return AsyncClient(
        login=LOGIN,
        password=PASSWORD,
        base_url="http://smsc.test",
        allow_http=True,
        transport=InProcessTransport(handler, faults=plan),  # type: ignore[arg-type]
    )


@pytest.fixture
def fake() -> FakeSMSC:
    fake = FakeSMSC()
    fake.add_account(LOGIN, PASSWORD, balance=Decimal(1000))
    return fake


async def test_the_emulator_finds_bot_messages_only_with_bot_1(fake: FakeSMSC) -> None:
    async with _client(fake) as client:
        await client.send_telegram_bot("+79940000001", "via the bot", bot="@shop_bot", id=5)
        await client.send("+79940000001", "an SMS", id=6)
        assert (await client.status(5, "+79940000001")).status is StatusCode.NOT_FOUND
        assert (await client.status(5, "+79940000001", bot=True)).status is StatusCode.WAITING
        assert (await client.status(6, "+79940000001", bot=True)).status is StatusCode.NOT_FOUND
        assert (await client.status(6, "+79940000001")).status is StatusCode.WAITING
    assert [e.kind for e in fake.ledger] == [MessageKind.BOT, MessageKind.SMS]


async def test_a_bot_message_with_a_lost_answer_is_reconciled_with_bot_1(fake: FakeSMSC) -> None:
    plan = FaultPlan()
    plan.once(Fault.reset_after(), endpoint="send")  # taken, the answer lost
    log = StatusLog(fake)
    messages = [
        Message("+79940000001", prefixed(Prefix.BOT, "through the bot")),
        Message("+79940000002", "a plain SMS"),
        Message("+79940000003", prefixed(Prefix.BOT, "through the bot too")),
    ]
    async with _client(log, plan) as client:
        job = client.send_many(iter(messages))
        outcomes: dict[int, Outcome] = {}
        async with job:
            async for outcome in job:
                outcomes[outcome.index] = outcome
        assert {type(o) for o in outcomes.values()} == {UnknownOutcome}
        changed = await job.reconcile(grace=0)
    assert len(changed) == 3
    assert all(isinstance(o, SentOutcome) and o.reconciled for o in changed)
    assert sorted(log.bot_flags) == [False, True]  # one request each way
    assert sorted(e.kind.value for e in fake.ledger) == ["bot", "bot", "sms"]
    assert job.summary().sent == 3 and not job.checkpoint().open
