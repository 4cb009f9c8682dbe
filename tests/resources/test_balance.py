"""``client.balance()``: the balance answer in every format, and the rate rule — against the
emulator, on asyncio and trio."""

from __future__ import annotations

from decimal import Decimal

import pytest
from ask import ask_emulator

from smsc_async import (
    AsyncClient,
    DuplicateRequestError,
    ProtocolError,
)
from smsc_async._resources.balance import parse_balance
from smsc_async._types.status import Balance
from smsc_async.testing import FakeClock, FakeSMSC
from smsc_async.testing.pytest_plugin import TEST_LOGIN, TEST_PASSWORD

pytestmark = pytest.mark.anyio

LOGIN, PASSWORD = TEST_LOGIN, TEST_PASSWORD
PHONE = "79991112233"


@pytest.mark.parametrize(
    ("fmt", "text", "expected"),
    [
        (0, "250.80", Balance(amount=Decimal("250.80"))),
        (1, "250.80,RUR", Balance(amount=Decimal("250.80"), currency="RUR")),
        (2, "<result><balance>-5.5</balance></result>", Balance(amount=Decimal("-5.5"))),
        (3, '{"balance": "1871.62"}', Balance(amount=Decimal("1871.62"))),
        (
            3,
            '{"balance": "100.01", "currency": "RUR", "credit": "500", "bonus": 1}',
            Balance(
                amount=Decimal("100.01"), currency="RUR", credit=Decimal(500), extra={"bonus": 1}
            ),
        ),
    ],
)
def test_balance_decoder(fmt: int, text: str, expected: Balance) -> None:
    assert parse_balance(text, fmt=fmt) == expected


@pytest.mark.parametrize("cur", ["", "&cur=1"])
async def test_emulator_balance_decodes_alike_in_every_format(
    smsc_fake: FakeSMSC, cur: str
) -> None:
    answers = [
        parse_balance(await ask_emulator(smsc_fake, "/sys/balance.php", f"fmt={fmt}{cur}"), fmt=fmt)
        for fmt in range(4)
    ]
    currency = "KZT" if cur else None
    assert answers == [Balance(amount=Decimal("250.80"), currency=currency)] * 4


@pytest.mark.parametrize("text", ["", "{}", '{"balance": "lots"}', "<result/>"])
def test_unreadable_balance(text: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        parse_balance(text, fmt=3 if text.startswith("{") or not text else 2)
    assert caught.value.endpoint == "balance"


async def test_balance_and_its_rate_rule(smsc_client: AsyncClient, clock: FakeClock) -> None:
    for _ in range(10):
        assert await smsc_client.balance() == Balance(amount=Decimal("250.80"), currency="KZT")
    with pytest.raises(DuplicateRequestError) as caught:
        await smsc_client.balance()
    assert (caught.value.code, caught.value.endpoint) == (9, "balance")
    clock.advance(60)
    assert (await smsc_client.balance()).amount == Decimal("250.80")
