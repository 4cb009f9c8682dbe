"""Never a 15th request at the server, whatever cancellation does, on every transport.

SMSC may go on processing a request whose client went away, and count it against the 14, or
drop it at once; the emulator plays both (``FakeSMSC(abandoned=...)``). The cap is checked
where it matters, at the server: the emulator answers error 9 to a login's 15th concurrent
request, so not a single error 9 may appear in its record, and its peak of requests in flight
stays at or below 14.
"""

from __future__ import annotations

import random

import anyio
import pytest
from emulated import KINDS, LOGIN, PASSWORD, emulated_client, skip_unsupported

from smsc_async import AsyncClient, SmscError, Timeouts
from smsc_async.testing import FakeSMSC

pytestmark = pytest.mark.anyio

LATENCY = 0.05
# A read timeout well above the latency, so that answers under load never time out.
TIMEOUTS = Timeouts(connect=5.0, read=0.4, write=5.0, deadline=20.0)


def new_fake(abandoned: str) -> FakeSMSC:
    fake = FakeSMSC(latency=LATENCY, abandoned=abandoned)  # type: ignore[arg-type]
    fake.add_account(LOGIN, PASSWORD, balance=10**6)
    return fake


async def send_quietly(client: AsyncClient, phone: str, text: str, errors: list[str]) -> None:
    try:
        await client.send(phone, text)
    except SmscError as exc:
        errors.append(type(exc).__name__)


@pytest.mark.parametrize("abandoned", ["finish", "stop"])
@pytest.mark.parametrize("kind", KINDS)
async def test_cancellation_churn_never_makes_a_fifteenth_request(
    anyio_backend: str, kind: str, abandoned: str
) -> None:
    skip_unsupported(kind, anyio_backend)
    fake = new_fake(abandoned)
    rng = random.Random(f"{kind}-{abandoned}-{anyio_backend}")
    errors: list[str] = []
    async with emulated_client(kind, fake, timeouts=TIMEOUTS) as client:
        for batch in range(3):
            # 20 sends for 14 slots, cancelled mid-flight; the next batch follows at once.
            async with anyio.create_task_group() as tg:
                for n in range(20):
                    phone, text = f"7999{batch:03d}{n:04d}", f"batch {batch} message {n}"
                    tg.start_soon(send_quietly, client, phone, text, errors)
                await anyio.sleep(rng.uniform(0.2, 1.5) * LATENCY)
                tg.cancel_scope.cancel()
        # Then 14 sends that must all go through, once the abandoned requests are done.
        async with anyio.create_task_group() as tg:
            for n in range(14):
                tg.start_soon(send_quietly, client, f"79990009{n:03d}", f"last {n}", errors)
        assert client.limiter.borrowed_tokens == 0
        assert client.limiter.statistics().tasks_waiting == 0
        active = getattr(client._transport, "active_connections", None)
        assert active is None or active() == 0
    refused = [r for r in fake.requests if r.error_code == 9]
    assert refused == []
    assert errors == []
    assert fake.peak_in_flight(LOGIN) <= 14
    assert len([e for e in fake.ledger if e.text.startswith("last ")]) == 14


@pytest.mark.parametrize("kind", KINDS)
async def test_more_calls_than_slots_fill_the_cap_and_no_more(
    anyio_backend: str, kind: str
) -> None:
    skip_unsupported(kind, anyio_backend)
    fake = new_fake("finish")
    errors: list[str] = []
    async with emulated_client(kind, fake, timeouts=TIMEOUTS) as client:
        async with anyio.create_task_group() as tg:
            for n in range(40):
                tg.start_soon(send_quietly, client, f"7999111{n:04d}", f"message {n}", errors)
        assert client.limiter.borrowed_tokens == 0
    assert errors == []
    assert len(fake.ledger) == 40
    assert [r for r in fake.requests if r.error_code == 9] == []
    assert fake.peak_in_flight(LOGIN) == 14  # every slot was used, none more


@pytest.mark.parametrize("kind", KINDS)
async def test_a_waiting_call_gets_a_slot_parked_while_it_waited(
    anyio_backend: str, kind: str
) -> None:
    # One slot. A call waits for it; the call holding it is then cancelled, so its slot is
    # parked for the read timeout (0.3 s). The waiter must get it then — not only when its
    # own queue timeout (10 s) runs out.
    skip_unsupported(kind, anyio_backend)
    fake = new_fake("finish")
    fake.latency = 5.0
    timeouts = Timeouts(connect=5.0, read=0.3, write=5.0, deadline=20.0)
    waited: list[float] = []
    async with emulated_client(kind, fake, timeouts=timeouts, max_concurrency=1) as client:

        async def hold_the_slot(scope: anyio.CancelScope) -> None:
            with scope:
                await client.send("79990000001", "holder")

        async def wait_for_the_slot() -> None:
            start = anyio.current_time()
            await client.send("79990000002", "waiter")
            waited.append(anyio.current_time() - start)

        holder = anyio.CancelScope()
        with anyio.fail_after(3.0):
            async with anyio.create_task_group() as tg:
                tg.start_soon(hold_the_slot, holder)
                await anyio.sleep(0.1)
                fake.latency = 0.0
                tg.start_soon(wait_for_the_slot)
                await anyio.sleep(0.05)
                holder.cancel()
    assert len(waited) == 1 and 0.3 < waited[0] < 1.5
    assert [r for r in fake.requests if r.error_code == 9] == []
    assert sorted(e.text for e in fake.ledger) == ["holder", "waiter"]
