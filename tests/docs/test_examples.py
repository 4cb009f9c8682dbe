"""The examples run: the FastAPI app in-process (ASGI + the emulator), the Trio program."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import anyio
import httpx2
import pytest

from smsc_async import AsyncClient
from smsc_async.testing import FakeSMSC, InProcessTransport
from smsc_async.testing._wire.answer import FakeResponse
from smsc_async.testing._wire.request import FakeRequest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"examples_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # FastAPI resolves the endpoints' annotations through it
    spec.loader.exec_module(module)
    return module


fastapi_app = _load("fastapi_app")
trio_bulk = _load("trio_bulk")


class Held:
    """The emulator with the first send request held until the test lets it go."""

    def __init__(self, fake: FakeSMSC) -> None:
        self.fake = fake
        self.arrived = anyio.Event()
        self.release = anyio.Event()

    async def handle(self, request: FakeRequest) -> FakeResponse:
        if request.path.endswith("send.php") and not self.arrived.is_set():
            self.arrived.set()
            await self.release.wait()
        return await self.fake.handle(request)


@pytest.fixture
def fake() -> FakeSMSC:
    fake = FakeSMSC()
    fake.add_account("app", "app-secret", balance=Decimal(1000), senders=("SMSC", "shop"))
    return fake


@pytest.fixture
async def held(fake: FakeSMSC) -> Held:
    return Held(fake)


@pytest.fixture
async def http(held: Held) -> AsyncIterator[httpx2.AsyncClient]:
    def make_client() -> AsyncClient:
        transport = InProcessTransport(held)
        return AsyncClient(
            login="app",
            password="app-secret",
            base_url="http://smsc.test",
            allow_http=True,
            transport=transport,
        )

    app = fastapi_app.create_app(make_client)
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        try:
            async with httpx2.AsyncClient(transport=transport, base_url="http://app") as client:
                yield client
        finally:
            held.release.set()  # a failed test must not leave the app's shutdown waiting


MAILING = {
    "sender": "shop",
    "messages": [{"phones": [f"+7999{n:07d}"], "text": f"sale {n}"} for n in range(40)]
    + [{"phones": ["123"], "text": "a number only the server refuses"}],
}


@pytest.mark.anyio
async def test_fastapi_bulk_endpoint_starts_a_job_and_reports_progress(
    fake: FakeSMSC, held: Held, http: httpx2.AsyncClient
) -> None:
    started = await http.post("/bulk", json=MAILING)
    assert started.status_code == 202
    job = started.json()["job"]
    await held.arrived.wait()  # the job is sending; the first request is held
    running = (await http.get(f"/bulk/{job}")).json()
    assert running["finished"] is False and running["in_flight"] > 0 and running["read"] > 0
    held.release.set()
    done = (await http.get(f"/bulk/{job}/result")).json()
    expected = {"finished": True, "sent": 40, "rejected": 1, "not_sent": 0, "unknown": 0,
                "cost": "60.00", "balance": "940.00", "stopped_by": None}  # fmt: skip
    assert done == {**done, **expected}
    assert (await http.get(f"/bulk/{job}")).json() == done
    assert sorted(e.text for e in fake.ledger) == sorted(f"sale {n}" for n in range(40))
    assert {e.sender for e in fake.ledger} == {"shop"}


@pytest.mark.anyio
async def test_fastapi_bulk_job_can_be_stopped(
    fake: FakeSMSC, held: Held, http: httpx2.AsyncClient
) -> None:
    job = (await http.post("/bulk", json=MAILING)).json()["job"]
    await held.arrived.wait()
    assert (await http.post(f"/bulk/{job}/stop")).status_code == 202
    held.release.set()
    done = (await http.get(f"/bulk/{job}/result")).json()
    assert done["finished"] is True and done["not_sent"] > 0
    assert done["sent"] + done["not_sent"] + done["rejected"] == 41
    assert len(fake.ledger) == done["sent"]


@pytest.mark.anyio
async def test_fastapi_bulk_refuses_bad_input(
    fake: FakeSMSC, held: Held, http: httpx2.AsyncClient
) -> None:
    assert (await http.post("/bulk", json={"messages": []})).status_code == 422
    assert (await http.get("/bulk/nope")).status_code == 404
    held.release.set()
    bad_sender = (await http.post("/bulk", json={**MAILING, "sender": "x" * 12})).json()
    done = (await http.get(f"/bulk/{bad_sender['job']}/result")).json()
    assert done["rejected"] == 41 and done["requests"] == 0 and not fake.ledger


def test_trio_program_sends_and_resumes_from_its_checkpoint_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    checkpoint = tmp_path / "mailing.json"
    assert trio_bulk.main(["300"], checkpoint_file=checkpoint) == 0
    out = capsys.readouterr().out
    assert "sent 300, rejected 0, not sent 0, unknown 0; 300 SMS for 450.00" in out
    assert "the emulator recorded 300 messages" in out
    assert json.loads(checkpoint.read_text())["position"] == 300
    # Run again with the same file: everything was settled, nothing is sent again.
    assert trio_bulk.main(["300"], checkpoint_file=checkpoint) == 0
    assert "sent 0, rejected 0" in capsys.readouterr().out
