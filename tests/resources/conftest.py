"""The emulator the account-level areas are tested against: one account, a fake clock."""

from __future__ import annotations

from decimal import Decimal

import pytest

from smsc_async.testing import FakeClock, FakeSMSC
from smsc_async.testing.pytest_plugin import TEST_LOGIN, TEST_PASSWORD


@pytest.fixture
def clock() -> FakeClock:
    """The emulator's clock: rate windows pass when a test moves it, not in real time."""
    return FakeClock(1_700_000_000)


@pytest.fixture
def smsc_fake(clock: FakeClock) -> FakeSMSC:
    """The plugin's test account, with a balance in tenge and monitoring task group 42."""
    fake = FakeSMSC(clock=clock)
    account = fake.add_account(TEST_LOGIN, TEST_PASSWORD, balance=Decimal("250.80"), currency="KZT")
    account.add_task_group(42, "web")
    return fake
