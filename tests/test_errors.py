"""What an error code means depends on the endpoint that answered it: the same code is a
different error class (or a plain `ApiError`) on send, templates, ping and status."""

from __future__ import annotations

import pytest

from smsc_async import (
    ApiError,
    AsyncClient,
    InsufficientFundsError,
    InvalidDateError,
    NotFoundError,
    SaveFailedError,
)
from smsc_async.testing import Fault, FaultPlan

pytestmark = pytest.mark.anyio

PHONE = "79991112233"


async def _send(smsc_client: AsyncClient) -> object:
    return await smsc_client.send(PHONE, "Hi")


async def _template_delete(smsc_client: AsyncClient) -> object:
    await smsc_client.templates.delete(1)
    return None


async def _ping(smsc_client: AsyncClient) -> object:
    await smsc_client.notify(42)
    return None


async def _status_delete(smsc_client: AsyncClient) -> object:
    await smsc_client.status.delete(1, PHONE)
    return None


async def _status(smsc_client: AsyncClient) -> object:
    return await smsc_client.status(1, PHONE)


async def _raw_templates(smsc_client: AsyncClient) -> object:
    return await smsc_client.request("templates", get=1)


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
    smsc_client: AsyncClient, smsc_faults: FaultPlan, call: str, code: int, error: type[ApiError]
) -> None:
    smsc_faults.once(Fault.error(code, "as the server says"))
    with pytest.raises(ApiError) as caught:
        await CALLS[call](smsc_client)
    assert type(caught.value) is error
    assert (caught.value.code, caught.value.description) == (code, "as the server says")
