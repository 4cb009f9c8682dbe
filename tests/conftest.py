"""Shared fixtures: every async test runs on asyncio and on trio.

Both backends are listed explicitly, so a missing trio fails the run instead of skipping.
A test that needs a client talking to the emulator takes the SDK's own pytest plugin's
``smsc_client`` (with ``smsc_fake``, ``smsc_fake_account``, ``smsc_faults``, ``smsc_server``),
the fixtures users get; a module shapes the emulator by overriding ``smsc_fake``. Other client
options or transports: ``emulated_client`` in tests/support/emulated.py.
"""

from __future__ import annotations

import pytest

pytest_plugins = ["smsc_async.testing.pytest_plugin"]


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)
