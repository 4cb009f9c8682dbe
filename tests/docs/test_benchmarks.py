"""Smoke tests of ``benchmarks/``: the script still runs end to end and measures fairly.

Benchmarks are not tests: nothing here checks a time or a rate, only that the tables are
produced from real exchanges and that every contender sends what the SDK sends.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import async_clients, report, workload
from benchmarks.fastserver import FastServer, serve_fast
from benchmarks.server import LOGIN, PASSWORD
from smsc_async import AsyncClient, HttpRequest, HttpResponse, Timeouts

ROOT = Path(__file__).resolve().parents[2]


class _Capture:
    """A transport recording what the SDK posts and answering one success."""

    def __init__(self) -> None:
        self.requests: list[HttpRequest] = []

    async def request(self, request: HttpRequest, timeouts: Timeouts) -> HttpResponse:
        self.requests.append(request)
        body = b'{"id":1,"cnt":1,"cost":"1.50","balance":"10.00"}'
        return HttpResponse(status=200, content=body, content_type="application/json")

    async def aclose(self) -> None:
        return None


def test_raw_contenders_post_the_sdks_exact_bytes() -> None:
    capture = _Capture()

    async def send() -> None:
        async with AsyncClient(
            login=LOGIN, password=PASSWORD, base_url="http://127.0.0.1:1", allow_http=True,
            transport=capture,
        ) as client:  # fmt: skip
            await client.send(workload.phone(7), workload.TEXT)

    asyncio.run(send())
    [request] = capture.requests
    assert request.url.endswith(workload.PATH)
    assert request.body == workload.form_body(7)


@pytest.mark.parametrize("name", ["floor", "raw-httpx2", "raw-aiohttp", "sdk-aiohttp"])
def test_async_contender_is_answered_by_the_fast_server(name: str) -> None:
    server = FastServer(login=LOGIN, password=PASSWORD, latency=0.001, jitter=0.0005)

    async def scenario() -> int:
        ready: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        serving = asyncio.ensure_future(serve_fast(server, "127.0.0.1", 0, ready))
        url = f"http://127.0.0.1:{await ready}"
        try:
            async with async_clients.ASYNC_CONTENDERS[name](url) as send:
                return await async_clients.drive_async(send, 1000, 40)
        finally:
            serving.cancel()

    assert asyncio.run(scenario()) == 0
    assert server.requests == 40
    assert 1 < server.peak_in_flight <= workload.CONCURRENCY


def test_fast_server_refuses_wrong_credentials_and_the_15th_request() -> None:
    server = FastServer(login=LOGIN, password=PASSWORD, latency=0.0, jitter=0.0)
    reply, counted = server.answer(b"/sys/send.php?fmt=3&login=x&psw=y&phones=7&mes=a", b"")
    assert b'"error_code":2' in reply
    assert not counted
    server.in_flight = 14
    reply, counted = server.answer(workload.PATH.encode(), workload.form_body(1))
    assert b'"error_code":9' in reply
    assert not counted
    server.in_flight = 0
    body = b"login=%s&psw=%s&fmt=3&op=1&id=job-1&list=79000000001%%3Ahi%%0A79000000002%%3Aho" % (
        LOGIN.encode(),
        PASSWORD.encode(),
    )
    reply, counted = server.answer(workload.PATH.encode(), body)
    assert counted
    assert b'{"id":"job-1","cnt":2,"cost":"3.00"' in reply
    assert reply.count(b'"phone":"7900000000') == 2


def test_summary_ratios_come_from_the_same_run() -> None:
    rows = {
        name: report.summarise(
            [{"name": name, "count": 100, "seconds": seconds, "cpu_seconds": cpu,
              "server_cpu_seconds": 0.01, "failures": 0, "peak_rss_mb": 30.0}]
        )
        for name, seconds, cpu in (("raw-aiohttp", 0.1, 0.01), ("sdk-aiohttp", 0.2, 0.012))
    }  # fmt: skip
    scenario = report.Scenario(
        key="0ms", title="t", server="fast", latency=0.0, jitter=0.0,
        contenders=("raw-aiohttp", "sdk-aiohttp"), counts={"*": 100},
    )  # fmt: skip
    text = report.markdown(["# h"], [(scenario, rows)], [])
    sdk_line = next(line for line in text.splitlines() if "aiohttp transport" in line)
    assert "| 1.20 |" in sdk_line  # 120 µs / 100 µs CPU per request
    assert "| 500 |" in sdk_line  # 100 requests in 0.2 s


def test_benchmark_command_prints_and_writes_the_table(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "benchmarks", "--n", "20", "--n-latency", "20",
               "--latency", "0.005", "--jitter", "0", "--scenarios", "0ms,latency",
               "--contenders", "floor,sdk-httpx2", "--warmup", "5", "--bulk", "",
               "--no-chart", "--out", str(tmp_path)]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    table = (tmp_path / "latest.md").read_text(encoding="utf-8")
    assert table in done.stdout
    assert "smsc_async (httpx2, default)" in table
    assert "% of 14/latency" in table
    rows = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))
    assert {(r["scenario"], r["name"]) for r in rows} == {
        (scenario, name) for scenario in ("0ms", "latency") for name in ("floor", "sdk-httpx2")
    }
    assert all(r["count"] == 20 and r["failures"] == 0 for r in rows)
    assert not (tmp_path / "latest.png").exists()


def test_bulk_contender_sends_every_message_in_list_requests() -> None:
    from benchmarks.bulk import run_bulk

    server = FastServer(login=LOGIN, password=PASSWORD, latency=0.0, jitter=0.0)

    class Meter:
        def __init__(self) -> None:
            self.result: dict[str, object] = {}

        def start(self) -> None:
            self.result["started"] = True

        def stop(self) -> None:
            self.result["stopped"] = True

    meter = Meter()

    async def scenario() -> int:
        ready: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        serving = asyncio.ensure_future(serve_fast(server, "127.0.0.1", 0, ready))
        try:
            return await run_bulk(
                f"http://127.0.0.1:{await ready}", 5000, 1200, meter, aiohttp=False
            )
        finally:
            serving.cancel()

    assert asyncio.run(scenario()) == 0
    assert meter.result["started"] and meter.result["stopped"]
    # 2000 warm-up messages and 1200 measured ones, several per request.
    assert isinstance(meter.result["requests"], int) and meter.result["requests"] < 1200
    assert server.balance_cents == 10**15 - 3200 * 150
