"""``client.request``: any endpoint through the same call path — parameters, answers, and
when a repeat is allowed — against the emulator, on asyncio and trio."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from smsc_async import (
    ApiError,
    AsyncClient,
    NotFoundError,
    OutcomeUnknownError,
    ProtocolError,
    ValidationError,
)
from smsc_async._resources.raw import parse_raw, raw_params
from smsc_async.testing import FakeSMSC, Fault, FaultPlan
from smsc_async.testing.pytest_plugin import TEST_LOGIN, TEST_PASSWORD

pytestmark = pytest.mark.anyio

LOGIN, PASSWORD = TEST_LOGIN, TEST_PASSWORD
PHONE = "79991112233"


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
async def test_raw_endpoint_names_are_checked(smsc_client: AsyncClient, endpoint: str) -> None:
    with pytest.raises(ValidationError) as caught:
        await smsc_client.request(endpoint)
    assert caught.value.field == "endpoint"


def test_parse_raw() -> None:
    assert parse_raw("OK", endpoint="senders") == {"result": "OK"}
    assert parse_raw('[{"sender": "ivan"}]', endpoint="senders") == [{"sender": "ivan"}]
    with pytest.raises(NotFoundError):
        parse_raw('{"error": "record not found", "error_code": 3}', endpoint="senders")
    with pytest.raises(ProtocolError):
        parse_raw("<html/>", endpoint="senders")


async def test_raw_request_round_trip(smsc_client: AsyncClient, smsc_fake: FakeSMSC) -> None:
    created = await smsc_client.request(
        "templates", add=1, name="Greet", msg="Hi, you", format="sms"
    )
    assert created == {"id": 1}
    listing: Any = await smsc_client.request("templates", get=True, idempotent=True)
    assert listing == [
        {"id": 1, "name": "Greet", "format": "sms", "sender": "", "flag": 0, "message": "Hi, you"}
    ]
    assert await smsc_client.request("templates", del_=1, id=1) == {"result": "OK"}
    with pytest.raises(NotFoundError) as caught:
        await smsc_client.request("templates", del_=True, id=1)
    assert caught.value.endpoint == "templates"


async def test_raw_request_is_not_retried_unless_idempotent(
    smsc_client: AsyncClient, smsc_fake: FakeSMSC, smsc_faults: FaultPlan
) -> None:
    smsc_faults.once(Fault.reset_after(), endpoint="balance")
    with pytest.raises(OutcomeUnknownError):
        await smsc_client.request("balance")
    smsc_faults.once(Fault.reset_after(), endpoint="balance")
    assert await smsc_client.request("balance", idempotent=True) == {"balance": "250.80"}
    assert [r.error_code for r in smsc_fake.requests] == [None, None, None]


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
    smsc_client: AsyncClient, smsc_fake: FakeSMSC, endpoint: str, params: dict[str, object]
) -> None:
    with pytest.raises(ValidationError) as caught:
        await smsc_client.request(endpoint, idempotent=True, **params)
    assert caught.value.field == "idempotent"
    assert smsc_fake.requests == []  # refused before any I/O


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
    smsc_client: AsyncClient, smsc_faults: FaultPlan, endpoint: str, params: dict[str, object]
) -> None:
    # The emulator does not serve these endpoints: an error answer shows the request went out.
    smsc_faults.once(Fault.error(1, "parameters error"), endpoint=endpoint)
    with pytest.raises(ApiError):
        await smsc_client.request(endpoint, idempotent=True, **params)
    assert [fired.endpoint for fired in smsc_faults.fired] == [endpoint]


async def test_raw_request_still_sends_non_idempotent(
    smsc_client: AsyncClient, smsc_fake: FakeSMSC
) -> None:
    assert (await smsc_client.request("send", phones=PHONE, mes="Hi"))["cnt"] == 1
    assert len(smsc_fake.ledger) == 1
