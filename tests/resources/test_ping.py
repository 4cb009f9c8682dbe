"""``client.notify`` (``ping.php``): the answers in every format, and the rate rule — against
the emulator, on asyncio and trio."""

from __future__ import annotations

import pytest
from ask import ask_emulator

from smsc_async import (
    AsyncClient,
    DuplicateRequestError,
    NotFoundError,
    ProtocolError,
    ValidationError,
)
from smsc_async._wire.records import parse_ok
from smsc_async.testing import FakeSMSC
from smsc_async.testing.pytest_plugin import TEST_LOGIN, TEST_PASSWORD

pytestmark = pytest.mark.anyio

LOGIN, PASSWORD = TEST_LOGIN, TEST_PASSWORD
PHONE = "79991112233"


@pytest.mark.parametrize(
    ("fmt", "text"),
    [(0, "OK"), (1, "OK"), (2, "<result>OK</result>"), (3, '{"result": "OK"}'), (3, "OK")],
)
def test_ok_answers(fmt: int, text: str) -> None:
    parse_ok(text, fmt=fmt, endpoint="ping")  # no exception: success


@pytest.mark.parametrize(("fmt", "text"), [(3, '{"result": "NO"}'), (2, "<result/>"), (0, "")])
def test_not_ok_answers(fmt: int, text: str) -> None:
    with pytest.raises(ProtocolError):
        parse_ok(text, fmt=fmt, endpoint="ping")


async def test_emulator_ping_answers_in_every_format(smsc_fake: FakeSMSC) -> None:
    for fmt in range(4):
        parse_ok(
            await ask_emulator(smsc_fake, "/sys/ping.php", f"id=42&info={fmt}&fmt={fmt}"),
            fmt=fmt,
            endpoint="ping",
        )
        with pytest.raises(NotFoundError):
            parse_ok(
                await ask_emulator(smsc_fake, "/sys/ping.php", f"id=7&fmt={fmt}"),
                fmt=fmt,
                endpoint="ping",
            )
    assert [e.info for e in smsc_fake.ping_events] == ["0", "1", "2", "3"]


async def test_notify(smsc_client: AsyncClient, smsc_fake: FakeSMSC) -> None:
    await smsc_client.notify(42, name="web-1", host="10.0.0.1", info="disk full\nsda1")
    await smsc_client.notify(42, name="web-1", recovered=True)
    assert [(e.group_id, e.name, e.host, e.info, e.recovered) for e in smsc_fake.ping_events] == [
        (42, "web-1", "10.0.0.1", "disk full\nsda1", False),
        (42, "web-1", "", "", True),
    ]
    with pytest.raises(NotFoundError) as caught:
        await smsc_client.notify(7)
    assert (caught.value.code, caught.value.endpoint) == (3, "ping")
    for bad in ({"name": "two\nlines"}, {"recovered": 1}, {"host": ""}):
        with pytest.raises(ValidationError):
            await smsc_client.notify(42, **bad)
    with pytest.raises(ValidationError):
        await smsc_client.notify(0)


async def test_notify_rate_rule(smsc_client: AsyncClient) -> None:
    for _ in range(5):
        await smsc_client.notify(42, info="down")
    with pytest.raises(DuplicateRequestError):
        await smsc_client.notify(42, info="down")
    await smsc_client.notify(42, info="still down")  # not identical
