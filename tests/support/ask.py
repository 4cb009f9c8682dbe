"""Ask the emulator directly, with a hand-built request, as SMSC's own scripts would."""

from __future__ import annotations

from smsc_async._wire.answers import decode_text
from smsc_async.testing import FakeRequest, FakeSMSC
from smsc_async.testing.pytest_plugin import TEST_LOGIN, TEST_PASSWORD

__all__ = ["ask_emulator"]


async def ask_emulator(
    fake: FakeSMSC,
    path: str,
    query: str,
    *,
    login: str = TEST_LOGIN,
    password: str = TEST_PASSWORD,
) -> str:
    """GET ``path?<credentials>&query`` from ``fake`` and return the answer's text."""
    auth = f"login={login}&psw={password}&charset=utf-8&"
    response = await fake.handle(
        FakeRequest(method="GET", path=path, query=(auth + query).encode())
    )
    return decode_text(response.body, response.content_type)
