"""Pytest fixtures for testing code that uses smsc_async against the SMSC emulator.

Opt in from your root ``conftest.py``::

    pytest_plugins = ["smsc_async.testing.pytest_plugin"]

Fixtures (each test gets fresh ones):

* ``smsc_fake`` — a `FakeSMSC` with one test account;
* ``smsc_fake_account`` — that account (``.login``, ``.password``, ``.api_key``, ``.balance``…;
  change it to shape the test, e.g. ``smsc_fake_account.balance = Decimal(0)``);
* ``smsc_faults`` — the `FaultPlan` both ``smsc_client`` and ``smsc_server`` obey;
* ``smsc_server`` — the fake served over HTTP on 127.0.0.1; the value is its base URL
  (needs uvicorn, the ``smsc_async[server]`` extra);
* ``smsc_client`` — an open `smsc_async.AsyncClient` wired to the fake in-process (an async
  fixture: use it from tests marked ``@pytest.mark.anyio``).

To start from another account, override ``smsc_fake`` in your own conftest.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

import pytest

from ._core import FakeSMSC
from ._faults.plan import FaultPlan
from ._servers.inprocess import InProcessTransport
from ._servers.threaded import serve_in_thread
from ._state.account import Account

if TYPE_CHECKING:
    from smsc_async import AsyncClient

__all__ = [
    "TEST_API_KEY",
    "TEST_LOGIN",
    "TEST_PASSWORD",
    "smsc_client",
    "smsc_fake",
    "smsc_fake_account",
    "smsc_faults",
    "smsc_server",
]

#: The default test account's credentials.
TEST_LOGIN = "test-login"
TEST_PASSWORD = "test-password"  # noqa: S105 - the emulator's own demo secret
TEST_API_KEY = "test-api-key"

#: Where ``smsc_client`` thinks it talks to; nothing is resolved, the transport is in-process.
CLIENT_BASE_URL = "http://smsc.test"


@pytest.fixture
def smsc_fake() -> FakeSMSC:
    """A fresh emulator with one account: `TEST_LOGIN` / `TEST_PASSWORD` / `TEST_API_KEY`."""
    fake = FakeSMSC()
    fake.add_account(TEST_LOGIN, TEST_PASSWORD, api_key=TEST_API_KEY)
    return fake


@pytest.fixture
def smsc_fake_account(smsc_fake: FakeSMSC) -> Account:
    """The account ``smsc_client`` logs in with (the first account of ``smsc_fake``)."""
    return smsc_fake.account(TEST_LOGIN)


@pytest.fixture
def smsc_faults() -> FaultPlan:
    """An empty fault plan shared by ``smsc_client`` and ``smsc_server``; add rules to it."""
    return FaultPlan()


@pytest.fixture
def smsc_server(smsc_fake: FakeSMSC, smsc_faults: FaultPlan) -> Iterator[str]:
    """Serve ``smsc_fake`` on a free loopback port; the value is the base URL."""
    with serve_in_thread(smsc_fake, faults=smsc_faults) as server:
        yield server.url


@pytest.fixture
async def smsc_client(
    anyio_backend: object,
    smsc_fake: FakeSMSC,
    smsc_fake_account: Account,
    smsc_faults: FaultPlan,
) -> AsyncIterator[AsyncClient]:
    """An open `AsyncClient` logged in as ``smsc_fake_account``, talking to ``smsc_fake``."""
    from smsc_async import AsyncClient  # here: the client is the SDK's, not the emulator's

    transport = InProcessTransport(smsc_fake, faults=smsc_faults)
    async with AsyncClient(
        login=smsc_fake_account.login,
        password=smsc_fake_account.password,
        base_url=CLIENT_BASE_URL,
        allow_http=True,
        transport=transport,
    ) as client:
        yield client
