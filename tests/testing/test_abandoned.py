"""The emulator's two readings of a request whose client went away, and its Retry-After.

``FakeSMSC(abandoned="finish")`` plays a server that processes the request anyway and counts
it as in flight until its latency has passed; ``"stop"`` one that drops it at once. Both are
checked in-process (the cancelled call cancels ``handle``) and over a real socket (the client
closes its connection; the ASGI app notices and cancels ``handle``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from types import SimpleNamespace

import anyio
import httpx2
import pytest

import smsc_async.testing._core
from smsc_async.testing import (
    FakeRequest,
    FakeResponse,
    FakeSMSC,
    Fault,
    FaultPlan,
    serve_in_thread,
)

pytestmark = pytest.mark.anyio

LOGIN, PASSWORD = "gone", "pw"
SEND = f"login={LOGIN}&psw={PASSWORD}&fmt=3&charset=utf-8&phones=79990000001&mes=hi&cost=3"


def new_fake(abandoned: str, latency: float) -> FakeSMSC:
    fake = FakeSMSC(latency=latency, abandoned=abandoned)  # type: ignore[arg-type]
    fake.add_account(LOGIN, PASSWORD)
    return fake


@pytest.fixture
def shift_clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[float], None]:
    """Move the emulator's monotonic clock (the end of an abandoned request's latency)."""
    offset = [0.0]
    fake_time = SimpleNamespace(monotonic=lambda: time.monotonic() + offset[0])
    monkeypatch.setattr(smsc_async.testing._core, "time", fake_time)

    def shift(seconds: float) -> None:
        offset[0] += seconds

    return shift


class Watched:
    """The emulator behind a socket, with an event set when a ``handle`` call ends."""

    def __init__(self, fake: FakeSMSC) -> None:
        self.fake = fake
        self.ended = threading.Event()

    async def handle(self, request: FakeRequest) -> FakeResponse:
        try:
            return await self.fake.handle(request)
        finally:
            self.ended.set()


def test_abandoned_must_be_a_known_reading() -> None:
    with pytest.raises(ValueError, match="abandoned"):
        FakeSMSC(abandoned="sometimes")  # type: ignore[arg-type]


@pytest.mark.parametrize("abandoned", ["finish", "stop"])
async def test_a_cancelled_handle_in_process(
    abandoned: str, shift_clock: Callable[[float], None]
) -> None:
    fake = new_fake(abandoned, latency=30.0)
    request = FakeRequest(method="POST", path="/sys/send.php", body=SEND.encode())
    async with anyio.create_task_group() as tg:
        tg.start_soon(fake.handle, request)
        while fake.in_flight(LOGIN) == 0:
            await anyio.lowlevel.checkpoint()
        tg.cancel_scope.cancel()
    if abandoned == "stop":
        assert fake.in_flight(LOGIN) == 0
        assert fake.ledger == [] and fake.requests == []
        return
    # Processed although nobody reads the answer, and still counted until 30 s have passed.
    assert [entry.text for entry in fake.ledger] == ["hi"]
    assert fake.in_flight(LOGIN) == 1
    shift_clock(29.0)
    assert fake.in_flight(LOGIN) == 1
    shift_clock(1.5)
    assert fake.in_flight(LOGIN) == 0


async def test_a_lingering_request_counts_against_the_concurrency_limit(
    shift_clock: Callable[[float], None],
) -> None:
    fake = new_fake("finish", latency=30.0)
    fake.limits.concurrent = 1
    request = FakeRequest(method="POST", path="/sys/send.php", body=SEND.encode())
    async with anyio.create_task_group() as tg:
        tg.start_soon(fake.handle, request)
        while fake.in_flight(LOGIN) == 0:
            await anyio.lowlevel.checkpoint()
        tg.cancel_scope.cancel()
    fake.latency = 0.0
    other = SEND.replace("mes=hi", "mes=second").encode()
    refused = await fake.handle(FakeRequest(method="POST", path="/sys/send.php", body=other))
    assert b'"error_code": 9' in refused.body or b'"error_code":9' in refused.body
    shift_clock(31.0)
    answer = await fake.handle(FakeRequest(method="POST", path="/sys/send.php", body=other))
    assert b"error" not in answer.body


@pytest.mark.parametrize("abandoned", ["finish", "stop"])
async def test_a_client_that_hangs_up_over_a_socket(
    abandoned: str, shift_clock: Callable[[float], None]
) -> None:
    fake = new_fake(abandoned, latency=30.0)
    watched = Watched(fake)
    with serve_in_thread(watched) as server:
        async with httpx2.AsyncClient(base_url=server.url) as http:
            with anyio.move_on_after(0.2):
                await http.post(
                    "/sys/send.php",
                    content=SEND.encode(),
                    headers={"Content-Type": "application/x-www-form-urlencoded"},
                )
        # The client has closed its connection; the server notices and cancels `handle`.
        assert await anyio.to_thread.run_sync(watched.ended.wait, 5.0)
        if abandoned == "stop":
            assert fake.in_flight(LOGIN) == 0
            assert fake.ledger == []
        else:
            assert [entry.text for entry in fake.ledger] == ["hi"]
            assert fake.in_flight(LOGIN) == 1  # until 30 s after it arrived
            shift_clock(31.0)
            assert fake.in_flight(LOGIN) == 0
    assert fake.peak_in_flight(LOGIN) == 1


async def test_status_fault_carries_retry_after_over_a_socket_and_in_process() -> None:
    from smsc_async._transports.base import HttpRequest, Timeouts

    fake = new_fake("finish", latency=0.0)
    plan = FaultPlan()
    plan.add(Fault.status(503, retry_after=120))
    with serve_in_thread(fake, faults=plan) as server:
        async with httpx2.AsyncClient(base_url=server.url) as http:
            answer = await http.post("/sys/balance.php", content=b"fmt=3")
    assert (answer.status_code, answer.headers.get("retry-after")) == (503, "120")
    date = "Wed, 21 Oct 2026 07:28:00 GMT"
    plan.clear()
    plan.add(Fault.status(429, retry_after=date))
    response = await fake.transport(faults=plan).request(
        HttpRequest(url="https://smsc.ru/sys/balance.php", body=b"fmt=3"), Timeouts()
    )
    assert (response.status, response.retry_after) == (429, date)
    assert Fault.status(503).retry_after is None
