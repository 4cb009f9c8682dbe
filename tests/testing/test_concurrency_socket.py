"""The emulator's concurrency rule over a real loopback socket, driven by raw httpx2.

A client that ignores the limit (20 requests at once, no limiter) must see exactly what SMSC
would answer: the first 14 served, every further concurrent one refused with error 9.
"""

from __future__ import annotations

import anyio
import httpx2
import orjson
import pytest

from smsc_async.testing import FakeSMSC, serve_in_thread

pytestmark = pytest.mark.anyio


async def test_fifteenth_concurrent_request_over_a_socket_gets_error_9() -> None:
    fake = FakeSMSC(latency=1.0)
    fake.add_account("bulk", "pw", balance=1000)
    answers: list[dict[str, object]] = []
    with serve_in_thread(fake) as server:
        limits = httpx2.Limits(max_connections=20, max_keepalive_connections=20)
        async with httpx2.AsyncClient(base_url=server.url, limits=limits, timeout=10) as http:

            async def one(n: int) -> None:
                form = {
                    "login": "bulk",
                    "psw": "pw",
                    "fmt": "3",
                    "charset": "utf-8",
                    "phones": f"7999000{n:04d}",
                    "mes": f"n{n}",
                    "cost": "1",
                }
                response = await http.post("/sys/send.php", data=form)
                answers.append(orjson.loads(response.content))

            async with anyio.create_task_group() as tg:
                for n in range(20):
                    tg.start_soon(one, n)
    refused = [a for a in answers if a.get("error_code") == 9]
    served = [a for a in answers if "cost" in a]
    assert len(answers) == 20
    assert (len(served), len(refused)) == (14, 6)
    assert fake.peak_in_flight("bulk") == 14
