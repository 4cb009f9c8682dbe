"""Account-level calls: balance, notify (ping.php), the raw ``request`` escape hatch, and what
each endpoint's error codes mean — against the emulator, on asyncio and trio."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest

from smsc_async import (
    ApiError,
    AsyncClient,
    DuplicateRequestError,
    InsufficientFundsError,
    InvalidDateError,
    NotFoundError,
    OutcomeUnknownError,
    ProtocolError,
    RetryPolicy,
    SaveFailedError,
    ValidationError,
)
from smsc_async._resources.account import raw_params
from smsc_async._types.status import Balance
from smsc_async._wire.answers import decode_text
from smsc_async._wire.records import parse_balance, parse_ok, parse_raw
from smsc_async.testing import FakeClock, FakeRequest, FakeSMSC, Fault, FaultPlan

pytestmark = pytest.mark.anyio

LOGIN, PASSWORD = "shop", "pa55word"
PHONE = "79991112233"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(1_700_000_000)


@pytest.fixture
def fake(clock: FakeClock) -> FakeSMSC:
    fake = FakeSMSC(clock=clock)
    account = fake.add_account(LOGIN, PASSWORD, balance=Decimal("250.80"), currency="KZT")
    account.add_task_group(42, "web")
    return fake


@pytest.fixture
def faults() -> FaultPlan:
    return FaultPlan()


@pytest.fixture
async def client(fake: FakeSMSC, faults: FaultPlan) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(
        login=LOGIN,
        password=PASSWORD,
        base_url="http://smsc.test",
        allow_http=True,
        transport=fake.transport(faults=faults),
        retry=RetryPolicy(attempts=3, backoff=0.0),
    ) as client:
        yield client


async def raw(fake: FakeSMSC, path: str, query: str) -> str:
    """Ask the emulator directly (a hand-built request) and return the answer text."""
    auth = f"login={LOGIN}&psw={PASSWORD}&charset=utf-8&"
    response = await fake.handle(
        FakeRequest(method="GET", path=path, query=(auth + query).encode())
    )
    return decode_text(response.body, response.content_type)


# ------------------------------------------------------------------ balance.php


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
async def test_emulator_balance_decodes_alike_in_every_format(fake: FakeSMSC, cur: str) -> None:
    answers = [
        parse_balance(await raw(fake, "/sys/balance.php", f"fmt={fmt}{cur}"), fmt=fmt)
        for fmt in range(4)
    ]
    currency = "KZT" if cur else None
    assert answers == [Balance(amount=Decimal("250.80"), currency=currency)] * 4


@pytest.mark.parametrize("text", ["", "{}", '{"balance": "lots"}', "<result/>"])
def test_unreadable_balance(text: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        parse_balance(text, fmt=3 if text.startswith("{") or not text else 2)
    assert caught.value.endpoint == "balance"


async def test_balance_and_its_rate_rule(client: AsyncClient, clock: FakeClock) -> None:
    for _ in range(10):
        assert await client.balance() == Balance(amount=Decimal("250.80"), currency="KZT")
    with pytest.raises(DuplicateRequestError) as caught:
        await client.balance()
    assert (caught.value.code, caught.value.endpoint) == (9, "balance")
    clock.advance(60)
    assert (await client.balance()).amount == Decimal("250.80")


# ------------------------------------------------------------------ ping.php


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


async def test_emulator_ping_answers_in_every_format(fake: FakeSMSC) -> None:
    for fmt in range(4):
        parse_ok(
            await raw(fake, "/sys/ping.php", f"id=42&info={fmt}&fmt={fmt}"),
            fmt=fmt,
            endpoint="ping",
        )
        with pytest.raises(NotFoundError):
            parse_ok(await raw(fake, "/sys/ping.php", f"id=7&fmt={fmt}"), fmt=fmt, endpoint="ping")
    assert [e.info for e in fake.ping_events] == ["0", "1", "2", "3"]


async def test_notify(client: AsyncClient, fake: FakeSMSC) -> None:
    await client.notify(42, name="web-1", host="10.0.0.1", info="disk full\nsda1")
    await client.notify(42, name="web-1", recovered=True)
    assert [(e.group_id, e.name, e.host, e.info, e.recovered) for e in fake.ping_events] == [
        (42, "web-1", "10.0.0.1", "disk full\nsda1", False),
        (42, "web-1", "", "", True),
    ]
    with pytest.raises(NotFoundError) as caught:
        await client.notify(7)
    assert (caught.value.code, caught.value.endpoint) == (3, "ping")
    for bad in ({"name": "two\nlines"}, {"recovered": 1}, {"host": ""}):
        with pytest.raises(ValidationError):
            await client.notify(42, **bad)
    with pytest.raises(ValidationError):
        await client.notify(0)


async def test_notify_rate_rule(client: AsyncClient) -> None:
    for _ in range(5):
        await client.notify(42, info="down")
    with pytest.raises(DuplicateRequestError):
        await client.notify(42, info="down")
    await client.notify(42, info="still down")  # not identical


# ------------------------------------------------------------------ raw requests


def test_raw_params() -> None:
    assert raw_params(
        {
            "get": 1,
            "flag": True,
            "off": False,
            "sum": Decimal("1.50"),
            "ids": [1, "a", Decimal(2)],
            "mes": "line 1\nline 2\ttab",
            "fl[5]": 1,
            "del_": 1,
            "skip": None,
        }
    ) == {
        "get": "1",
        "flag": "1",
        "off": "0",
        "sum": "1.50",
        "ids": "1,a,2",
        "mes": "line 1\nline 2\ttab",
        "fl[5]": "1",
        "del": "1",
    }


@pytest.mark.parametrize(
    "params",
    [
        {"login": "x"},
        {"PSW": "x"},
        {"apikey": "x"},
        {"fmt": 0},
        {"charset": "koi8-r"},
        {"bad name": 1},
        {"a&b": 1},
        {"price": 1.5},
        {"data": b"x"},
        {"mes": "bell\x07"},
        {"mes": "\ud800"},
        {"ids": ["a,b", "c"]},
        {"nested": {"a": 1}},
    ],
)
def test_raw_params_refused(params: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        raw_params(params)


@pytest.mark.parametrize("endpoint", ["", "../send", "send.php", "Send", "sys/send", "a" * 41])
async def test_raw_endpoint_names_are_checked(client: AsyncClient, endpoint: str) -> None:
    with pytest.raises(ValidationError) as caught:
        await client.request(endpoint)
    assert caught.value.field == "endpoint"


def test_parse_raw() -> None:
    assert parse_raw("OK", endpoint="senders") == {"result": "OK"}
    assert parse_raw('[{"sender": "ivan"}]', endpoint="senders") == [{"sender": "ivan"}]
    with pytest.raises(NotFoundError):
        parse_raw('{"error": "record not found", "error_code": 3}', endpoint="senders")
    with pytest.raises(ProtocolError):
        parse_raw("<html/>", endpoint="senders")


async def test_raw_request_round_trip(client: AsyncClient, fake: FakeSMSC) -> None:
    created = await client.request("templates", add=1, name="Greet", msg="Hi, you", format="sms")
    assert created == {"id": 1}
    listing: Any = await client.request("templates", get=True, idempotent=True)
    assert listing == [
        {"id": 1, "name": "Greet", "format": "sms", "sender": "", "flag": 0, "message": "Hi, you"}
    ]
    assert await client.request("templates", del_=1, id=1) == {"result": "OK"}
    with pytest.raises(NotFoundError) as caught:
        await client.request("templates", del_=True, id=1)
    assert caught.value.endpoint == "templates"


async def test_raw_request_is_not_retried_unless_idempotent(
    client: AsyncClient, fake: FakeSMSC, faults: FaultPlan
) -> None:
    faults.once(Fault.reset_after(), endpoint="balance")
    with pytest.raises(OutcomeUnknownError):
        await client.request("balance")
    faults.once(Fault.reset_after(), endpoint="balance")
    assert await client.request("balance", idempotent=True) == {"balance": "250.80"}
    assert [r.error_code for r in fake.requests] == [None, None, None]


@pytest.mark.parametrize(
    ("endpoint", "params"),
    [
        ("send", {"phones": PHONE, "mes": "Hi"}),
        ("send", {"phones": PHONE, "mes": "Hi", "cost": 1}),
        ("ping", {"id": 42}),
        ("jobs", {"add": 1, "name": "spring", "phones": PHONE, "mes": "Hi"}),
        ("jobs", {"get": 1, "add": 1, "id": 1}),
        ("jobs", {"cancel": 1, "id": 1}),
        ("jobs", {}),
        ("users", {"pay": 1, "user": "sub", "sum": 100}),
        ("senders", {"send_code": 1, "sender": "79990000000"}),
        ("senders", {"get": 1, "send_code": 1, "sender": "79990000000"}),
    ],
)
async def test_raw_request_refuses_idempotent_for_what_spends_or_acts(
    client: AsyncClient, fake: FakeSMSC, endpoint: str, params: dict[str, object]
) -> None:
    with pytest.raises(ValidationError) as caught:
        await client.request(endpoint, idempotent=True, **params)
    assert caught.value.field == "idempotent"
    assert fake.requests == []  # refused before any I/O


@pytest.mark.parametrize(
    ("endpoint", "params"),
    [
        ("jobs", {"get": 1, "id": 1}),
        ("jobs", {"get_all": 1}),
        ("users", {"get_stat": 1}),
        ("senders", {"get": 1}),
    ],
)
async def test_raw_request_allows_idempotent_reads_of_acting_endpoints(
    client: AsyncClient, faults: FaultPlan, endpoint: str, params: dict[str, object]
) -> None:
    # The emulator does not serve these endpoints: an error answer shows the request went out.
    faults.once(Fault.error(1, "parameters error"), endpoint=endpoint)
    with pytest.raises(ApiError):
        await client.request(endpoint, idempotent=True, **params)
    assert [fired.endpoint for fired in faults.fired] == [endpoint]


async def test_raw_request_still_sends_non_idempotent(client: AsyncClient, fake: FakeSMSC) -> None:
    assert (await client.request("send", phones=PHONE, mes="Hi"))["cnt"] == 1
    assert len(fake.ledger) == 1


# ------------------------------------------------------------------ error codes per endpoint


async def _send(client: AsyncClient) -> object:
    return await client.send(PHONE, "Hi")


async def _template_delete(client: AsyncClient) -> object:
    await client.templates.delete(1)
    return None


async def _ping(client: AsyncClient) -> object:
    await client.notify(42)
    return None


async def _status_delete(client: AsyncClient) -> object:
    await client.status.delete(1, PHONE)
    return None


async def _status(client: AsyncClient) -> object:
    return await client.status(1, PHONE)


async def _raw_templates(client: AsyncClient) -> object:
    return await client.request("templates", get=1)


CALLS = {
    "send": _send,
    "templates": _template_delete,
    "ping": _ping,
    "status": _status_delete,
    "status read": _status,
    "request templates": _raw_templates,
}


@pytest.mark.parametrize(
    ("call", "code", "error"),
    [
        ("send", 3, InsufficientFundsError),
        ("send", 5, InvalidDateError),
        ("templates", 3, NotFoundError),
        ("templates", 5, SaveFailedError),
        ("ping", 3, NotFoundError),
        ("ping", 5, ApiError),
        ("status", 5, SaveFailedError),
        ("status read", 3, ApiError),
        ("request templates", 3, NotFoundError),
        ("request templates", 5, SaveFailedError),
    ],
)
async def test_error_codes_mean_what_they_mean_on_each_endpoint(
    client: AsyncClient, faults: FaultPlan, call: str, code: int, error: type[ApiError]
) -> None:
    faults.once(Fault.error(code, "as the server says"))
    with pytest.raises(ApiError) as caught:
        await CALLS[call](client)
    assert type(caught.value) is error
    assert (caught.value.code, caught.value.description) == (code, "as the server says")
