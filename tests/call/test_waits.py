"""How long a call waits, and for what: a free slot, a server's Retry-After, an IP block.

* A call queued behind a full limiter gives up with `NotSentError` — nothing sent — after
  ``Timeouts.queue``, or once too little of its deadline is left for an attempt to be worth
  starting (``Timeouts.min_attempt_time``), instead of being dispatched with a sliver of its
  deadline and ending "outcome unknown" after reaching the server.
* ``Retry-After`` on 429/503 is honoured for read-only calls; a 429 on a read is retried; a
  429 or 503 on a send is "outcome unknown" (HTTP does not promise the request was not acted
  on) and never retried.
* After error 4 (IP blocked) the client sends nothing during its cool-off.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from email.utils import formatdate

import anyio
import pytest
from emulated import KINDS, emulated_client, skip_unsupported

import smsc_async._call.attempt
import smsc_async._call.cooloff
import smsc_async._call.path
from smsc_async import (
    IpBlockedError,
    NotSentError,
    OutcomeUnknownError,
    ProtocolError,
    RetryPolicy,
    Timeouts,
)
from smsc_async._call.retry import retry_after_seconds
from smsc_async.testing import FakeSMSC, Fault, FaultPlan

pytestmark = pytest.mark.anyio

QUICK_RETRY = RetryPolicy(attempts=3, backoff=0.001, max_backoff=0.002)


def new_fake(latency: float = 0.0) -> FakeSMSC:
    from emulated import LOGIN, PASSWORD

    fake = FakeSMSC(latency=latency)
    fake.add_account(LOGIN, PASSWORD, balance=1000)
    return fake


# --- waiting for a slot --------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
async def test_a_call_that_cannot_get_a_slot_in_time_is_not_sent(
    anyio_backend: str, kind: str
) -> None:
    skip_unsupported(kind, anyio_backend)
    # One slot, busy for 0.8 s. The queued call has a 1.2 s deadline, and an attempt needs
    # min(read, deadline / 2) = 0.6 s of it: it gives up at 0.6 s, before the slot is free,
    # instead of going out at 0.8 s with 0.4 s left to time out in.
    fake = new_fake(latency=0.8)
    timeouts = Timeouts(read=1.0, deadline=1.2)
    assert timeouts.min_attempt_time == 0.6
    async with (
        emulated_client(kind, fake, max_concurrency=1, timeouts=timeouts) as client,
        anyio.create_task_group() as tg,
    ):
        tg.start_soon(client.send, "79990000001", "holds the slot")
        await anyio.sleep(0.1)
        start = anyio.current_time()
        with pytest.raises(NotSentError, match="deadline") as caught:
            await client.send("79990000002", "queued", id="q-1")
        assert 0.4 < anyio.current_time() - start < 0.75
    assert caught.value.message_id == "q-1"
    assert [entry.text for entry in fake.ledger] == ["holds the slot"]
    assert len(fake.requests) == 1


async def test_waiting_for_a_slot_is_bounded_by_the_queue_timeout() -> None:
    fake = new_fake(latency=0.5)
    timeouts = Timeouts(queue=0.15)  # the 60 s deadline would allow far more
    async with (
        emulated_client("inprocess", fake, max_concurrency=2, timeouts=timeouts) as client,
        anyio.create_task_group() as tg,
    ):
        for n in range(2):
            tg.start_soon(client.send, f"7999000000{n}", f"busy {n}")
        await anyio.sleep(0.05)
        start = anyio.current_time()
        with pytest.raises(NotSentError, match=r"no free slot within 0\.15 s"):
            await client.balance()
        assert anyio.current_time() - start < 0.4
    assert len(fake.requests) == 2


def test_timeouts_queue_and_min_attempt_time() -> None:
    assert Timeouts().queue == 10.0
    assert Timeouts().min_attempt_time == 30.0
    assert Timeouts(read=30, deadline=10).min_attempt_time == 5.0
    with pytest.raises(ValueError, match=r"timeout\.queue"):
        Timeouts(queue=0)


# --- Retry-After ---------------------------------------------------------------------------


async def test_retry_after_is_honoured_for_a_read() -> None:
    fake = new_fake()
    plan = FaultPlan()
    plan.once(Fault.status(503, retry_after=1), endpoint="send")
    async with emulated_client("inprocess", fake, faults=plan, retry=QUICK_RETRY) as client:
        start = anyio.current_time()
        result = await client.cost("79990000001", "Hi")
        elapsed = anyio.current_time() - start
    assert result.cost > 0
    assert 1.0 <= elapsed < 2.0  # the backoff alone would have waited 0.002 s
    assert len(plan.fired) == 1 and len(fake.requests) == 1


@pytest.mark.parametrize("kind", KINDS)
async def test_429_on_a_read_is_retried(anyio_backend: str, kind: str) -> None:
    skip_unsupported(kind, anyio_backend)
    fake = new_fake()
    plan = FaultPlan()
    plan.once(Fault.status(429), endpoint="balance")
    async with emulated_client(kind, fake, faults=plan, retry=QUICK_RETRY) as client:
        balance = await client.balance()
    assert balance.amount == 1000
    assert len(plan.fired) == 1 and len(fake.requests) == 1


@pytest.mark.parametrize("status", [429, 503])
@pytest.mark.parametrize("kind", KINDS)
async def test_429_or_503_on_a_send_is_outcome_unknown_and_not_retried(
    anyio_backend: str, kind: str, status: int
) -> None:
    skip_unsupported(kind, anyio_backend)
    fake = new_fake()
    plan = FaultPlan()
    plan.once(Fault.status(status, retry_after=7), endpoint="send")
    async with emulated_client(kind, fake, faults=plan, retry=QUICK_RETRY) as client:
        with pytest.raises(OutcomeUnknownError, match=rf"HTTP {status} \(Retry-After: 7 s\)"):
            await client.send("79990000001", "Hi", id="s-1")
    assert len(plan.fired) == 1 and fake.requests == []


@pytest.mark.parametrize(
    ("retry_after", "timeouts"),
    [
        (3600, Timeouts()),  # more than RetryPolicy.max_retry_after (30 s)
        (1, Timeouts(read=1.0, deadline=1.5)),  # 1 s would leave 0.5 s < 0.75 s needed
    ],
)
async def test_a_retry_after_the_call_cannot_afford_ends_it_at_once(
    retry_after: int, timeouts: Timeouts
) -> None:
    fake = new_fake()
    plan = FaultPlan()
    plan.add(Fault.status(503, retry_after=retry_after), endpoint="balance")
    async with emulated_client(
        "inprocess", fake, faults=plan, retry=QUICK_RETRY, timeouts=timeouts
    ) as client:
        start = anyio.current_time()
        with pytest.raises(ProtocolError) as caught:
            await client.balance()
        assert anyio.current_time() - start < 0.5
    assert caught.value.status_code == 503
    assert len(plan.fired) == 1


def test_retry_after_values() -> None:
    now = 1_700_000_000.0
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds(" 2.5 ") == 2.5
    assert retry_after_seconds(formatdate(now + 90, usegmt=True), now=now) == 90.0
    assert retry_after_seconds(formatdate(now - 90, usegmt=True), now=now) == 0.0
    for junk in ("-5", "soon", "1e9", "", "9" * 70, "inf", "nan"):
        assert retry_after_seconds(junk, now=now) is None


# --- IP block cool-off ---------------------------------------------------------------------


@pytest.fixture
def shift_clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[float], None]:
    """Move the client's monotonic clock forward (no sleeping through a cool-off)."""
    offset = [0.0]

    def clock() -> float:
        return time.monotonic() + offset[0]

    monkeypatch.setattr(smsc_async._call.path, "monotonic", clock)
    monkeypatch.setattr(smsc_async._call.attempt, "monotonic", clock)
    monkeypatch.setattr(smsc_async._call.cooloff, "monotonic", clock)

    def shift(seconds: float) -> None:
        offset[0] += seconds

    return shift


@pytest.mark.parametrize("kind", KINDS)
async def test_after_error_4_nothing_is_sent_until_the_cool_off_has_passed(
    anyio_backend: str, kind: str, shift_clock: Callable[[float], None]
) -> None:
    skip_unsupported(kind, anyio_backend)
    fake = new_fake()
    plan = FaultPlan()
    plan.once(Fault.error(4), endpoint="send")
    async with emulated_client(kind, fake, faults=plan, ip_block_cooloff=60) as client:
        with pytest.raises(IpBlockedError) as first:
            await client.send("79990000001", "Hi")
        assert "locally" not in first.value.description
        for _ in range(3):
            with pytest.raises(IpBlockedError, match="refused locally") as local:
                await client.send("79990000001", "Hi")
            assert local.value.code == 4 and local.value.endpoint == "send"
        with pytest.raises(IpBlockedError, match="refused locally"):
            await client.balance()
        shift_clock(59.0)
        with pytest.raises(IpBlockedError, match="refused locally"):
            await client.status(1, "79990000001")
        assert len(plan.fired) == 1 and fake.requests == []  # the server saw nothing more
        shift_clock(1.5)
        result = await client.send("79990000001", "Hi again")
    assert result.id == 1
    assert [entry.text for entry in fake.ledger] == ["Hi again"]


async def test_a_zero_cool_off_disables_it() -> None:
    fake = new_fake()
    plan = FaultPlan()
    plan.once(Fault.error(4), endpoint="send")
    async with emulated_client("inprocess", fake, faults=plan, ip_block_cooloff=0) as client:
        with pytest.raises(IpBlockedError):
            await client.send("79990000001", "Hi")
        assert (await client.send("79990000001", "Hi")).id == 1
