"""Client and emulator agree: what the SDK sends is what the emulator's ledger records.

The two sides were written independently (the emulator never uses the SDK's encoder or
decoder), so agreement here is evidence that both read the spec the same way.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from emulated import emulated_client

import smsc_async
from smsc_async import AsyncClient, Message
from smsc_async.testing import FakeClock, FakeSMSC
from smsc_async.testing.pytest_plugin import TEST_LOGIN, TEST_PASSWORD

pytestmark = pytest.mark.anyio

LOGIN, PASSWORD = TEST_LOGIN, TEST_PASSWORD
PRICE = Decimal("1.50")


@pytest.fixture
def smsc_fake() -> FakeSMSC:
    fake = FakeSMSC(clock=FakeClock(1_750_000_000.0))
    fake.add_account(
        LOGIN, PASSWORD, balance=Decimal("1000.00"), senders=("SMSC", "ivan"), price=PRICE
    )
    return fake


SINGLE_CASES: list[tuple[str, Any, str, dict[str, Any], int]] = [
    # (label, phones, text, options, parts per recipient)
    ("latin", "79991112233", "Hello!", {}, 1),
    ("latin 160", "+79991112233", "x" * 160, {}, 1),
    ("latin 161", "79991112233", "x" * 161, {}, 2),
    ("cyrillic 70", "79991112233", "ж" * 70, {}, 1),
    ("cyrillic 71", "79991112233", "ж" * 71, {}, 2),
    ("two phones", ["79991112233", "79994445566"], "Hi", {"sender": "ivan"}, 1),
    ("semicolon list", "79991112233;79994445566", "Hi", {}, 1),
    ("newline + comment", "79991112233", "Line 1\nLine 2", {"comment": "order 17"}, 1),
    ("string id", "79991112233", "Hi", {"id": "order-17.a_b"}, 1),
    ("int id", "79991112233", "Hi", {"id": 2147483647}, 1),
    ("flash translit", "79991112233", "Привет", {"flash": True, "translit": 1}, 1),
    ("maxsms", "79991112233", "y" * 400, {"maxsms": 2}, 2),
    ("plus and ampersand", "79991112233", "a+b=c & d%20", {}, 1),
]


@pytest.mark.parametrize(("label", "phones", "text", "options", "parts"), SINGLE_CASES)
async def test_send_round_trip(
    smsc_fake: FakeSMSC,
    smsc_client: AsyncClient,
    label: str,
    phones: Any,
    text: str,
    options: dict[str, Any],
    parts: int,
) -> None:
    result = await smsc_client.send(phones, text, **options)
    (entry,) = smsc_fake.ledger
    recipients = 2 if "two" in label or "semicolon" in label else 1
    assert len(entry.recipients) == recipients
    assert entry.id == result.id
    if "id" in options:
        assert result.id == options["id"]
    if "maxsms" not in options:
        assert entry.text == text
    assert entry.comment == options.get("comment")
    assert entry.sender == options.get("sender")
    assert entry.parts == parts
    assert result.parts == parts * recipients
    assert result.cost == entry.cost == parts * recipients * PRICE
    assert result.balance == smsc_fake.account(LOGIN).balance == Decimal("1000.00") - entry.cost


async def test_cost_charges_nothing_and_agrees_with_send(
    smsc_fake: FakeSMSC, smsc_client: AsyncClient
) -> None:
    quote = await smsc_client.cost(["79991112233", "79994445566"], "ж" * 100)
    assert quote.parts == 4
    assert quote.cost == 4 * PRICE
    assert smsc_fake.ledger == []
    assert smsc_fake.account(LOGIN).balance == Decimal("1000.00")
    sent = await smsc_client.send(["79991112233", "79994445566"], "ж" * 100)
    assert (sent.parts, sent.cost) == (quote.parts, quote.cost)


async def test_op_report_lists_every_recipient(smsc_client: AsyncClient) -> None:
    result = await smsc_client.send(["79991112233", "79994445566"], "Hi", op=True)
    assert sorted(p.phone.lstrip("+") for p in result.phones) == ["79991112233", "79994445566"]
    assert all(p.cost == PRICE for p in result.phones)


async def test_list_round_trip(smsc_fake: FakeSMSC, smsc_client: AsyncClient) -> None:
    messages = [
        Message(phones="79990000001", text="Code 1234"),
        Message(phones=["79990000002", "79990000003"], text="Two\nlines", sender="ivan"),
        Message(phones="79990000004", text="With comment", comment="crm 5"),
    ]
    result = await smsc_client.send_list(messages)
    entries = smsc_fake.ledger
    assert [e.text for e in entries] == ["Code 1234", "Two\nlines", "With comment"]
    assert [e.sender for e in entries] == [None, "ivan", None]
    assert entries[2].comment == "crm 5"
    assert {e.id for e in entries} == {result.id}
    assert result.parts == 4
    assert result.cost == 4 * PRICE


async def test_scheduled_times_agree(smsc_fake: FakeSMSC, smsc_client: AsyncClient) -> None:
    when = datetime(2030, 5, 17, 9, 30, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    await smsc_client.send("79991112233", "Later", time=when)
    await smsc_client.send("79991112233", "Soon", time=timedelta(minutes=15))
    await smsc_client.send("79991112233", "At ts", time=1_900_000_000)
    later, soon, at_ts = smsc_fake.ledger
    assert later.scheduled_at == when.timestamp()
    assert soon.scheduled_at == smsc_fake.now() + 15 * 60
    assert at_ts.scheduled_at == 1_900_000_000


@pytest.mark.parametrize(
    ("setup", "call", "error"),
    [
        ("broke", ("79991112233", "Hi"), smsc_async.InsufficientFundsError),
        ("none", ("+000123", "Hi"), smsc_async.InvalidPhoneError),
        ("none", ("79991112233", "Hi", "nobody"), smsc_async.MessageForbiddenError),
        ("wrong password", ("79991112233", "Hi"), smsc_async.AuthenticationError),
    ],
)
async def test_errors_round_trip(
    smsc_fake: FakeSMSC, setup: str, call: tuple[str, ...], error: type[Exception]
) -> None:
    if setup == "broke":
        smsc_fake.account(LOGIN).balance = Decimal("1.00")
    password = "wrong" if setup == "wrong password" else PASSWORD
    async with AsyncClient(
        login=LOGIN,
        password=password,
        base_url="http://smsc.test",
        allow_http=True,
        transport=smsc_fake.transport(),
    ) as client:
        phones, text, *sender = call
        with pytest.raises(error):
            await client.send(phones, text, sender=sender[0] if sender else None)
    assert smsc_fake.ledger == []


async def test_identical_send_within_a_minute_is_refused(
    smsc_fake: FakeSMSC, smsc_client: AsyncClient
) -> None:
    await smsc_client.send("79991112233", "Once")
    with pytest.raises(smsc_async.DuplicateRequestError):
        await smsc_client.send("79991112233", "Once")
    clock = smsc_fake.clock
    assert isinstance(clock, FakeClock)
    clock.advance(61)
    await smsc_client.send("79991112233", "Once")
    assert len(smsc_fake.ledger) == 2


async def test_over_a_real_socket_with_the_default_transport(smsc_fake: FakeSMSC) -> None:
    smsc_fake.latency = 0.02
    async with emulated_client("httpx", smsc_fake) as client:
        import anyio

        async with anyio.create_task_group() as tg:
            for n in range(60):
                tg.start_soon(client.send, f"7999000{n:04d}", f"Hello {n}")
    assert len(smsc_fake.ledger) == 60
    # The emulator rejects the 15th concurrent request; the client never got there.
    assert smsc_fake.peak_in_flight(LOGIN) == 14
    assert {e.text for e in smsc_fake.ledger} == {f"Hello {n}" for n in range(60)}
