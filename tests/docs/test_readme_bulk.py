"""The README's pattern for saving a bulk checkpoint on interruption works as written: cut
by a cancel scope or by a real Ctrl-C, a resume gives every outcome exactly once."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import anyio
import orjson
import pytest

from smsc_async import AsyncClient, Checkpoint, Message, Outcome
from smsc_async.testing import FakeSMSC, InProcessTransport
from smsc_async.testing._wire.answer import FakeResponse
from smsc_async.testing._wire.request import FakeRequest

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
(PATTERN,) = [b for b in re.findall(r"```python\n(.*?)```", README, re.S) if "send_resumably" in b]

LOGIN, PASSWORD = "readme", "readme-secret"


def _send_resumably() -> Callable[..., object]:
    namespace: dict[str, object] = {}
    exec(PATTERN, namespace)
    function = namespace["send_resumably"]
    assert callable(function)
    return function


class SlowAnswers:
    """The emulator, answering each request a little after processing it: a request the
    client gives up on has been taken all the same (so a resume finds it at once)."""

    def __init__(self, fake: FakeSMSC) -> None:
        self.fake = fake

    async def handle(self, request: FakeRequest) -> FakeResponse:
        with anyio.CancelScope(shield=True):  # a server does not stop when the client does
            response = await self.fake.handle(request)
        await anyio.sleep(0.002)
        return response


def _messages(count: int) -> list[Message]:
    return [Message(f"+7997{i:07d}", f"pattern {i}") for i in range(count)]


@pytest.mark.anyio
async def test_the_readme_interruption_pattern_resumes_exactly_once(tmp_path: Path) -> None:
    send_resumably = _send_resumably()
    fake = FakeSMSC()
    fake.add_account(LOGIN, PASSWORD, balance=Decimal(10_000))
    saved = tmp_path / "mailing.json"
    recorded: list[int] = []
    async with AsyncClient(
        login=LOGIN,
        password=PASSWORD,
        base_url="http://smsc.test",
        allow_http=True,
        transport=InProcessTransport(SlowAnswers(fake)),
    ) as smsc:
        with anyio.CancelScope() as scope:

            def record_then_cancel(outcome: Outcome) -> None:
                recorded.append(outcome.index)
                if len(recorded) == 70:
                    scope.cancel()  # as Ctrl-C would, mid-job

            await send_resumably(smsc, _messages(400), saved, record_then_cancel)  # type: ignore[misc]
        assert scope.cancelled_caught and saved.exists()
        interrupted = Checkpoint.from_dict(orjson.loads(saved.read_bytes()))
        assert interrupted.position < 400 or interrupted.open or interrupted.unsent

        def record(outcome: Outcome) -> None:
            recorded.append(outcome.index)

        await send_resumably(smsc, _messages(400), saved, record)  # type: ignore[misc]
    assert sorted(recorded) == list(range(400))
    assert sorted(e.text for e in fake.ledger) == sorted(f"pattern {i}" for i in range(400))
    final = Checkpoint.from_dict(orjson.loads(saved.read_bytes()))
    assert (final.position, final.open, final.unsent) == (400, (), ())


SCRIPT = """
import sys
from decimal import Decimal
from pathlib import Path

import anyio

from smsc_async import AsyncClient, Message
from smsc_async.testing import FakeSMSC

exec(Path(sys.argv[1]).read_text())  # the README's send_resumably

async def main() -> None:
    fake = FakeSMSC(latency=0.05)
    fake.add_account("readme", "readme-secret", balance=Decimal(10_000))
    got = open(sys.argv[3], "w")

    def record(outcome) -> None:
        got.write(f"{outcome.index}\\n")
        got.flush()
        print("recorded", flush=True)

    messages = [Message(f"+7997{i:07d}", f"pattern {i}") for i in range(3000)]
    async with AsyncClient(
        login="readme",
        password="readme-secret",
        base_url="http://smsc.test",
        allow_http=True,
        transport=fake.transport(),
    ) as smsc:
        await send_resumably(smsc, messages, Path(sys.argv[2]), record)

anyio.run(main, backend=sys.argv[4])
"""


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_ctrl_c_gives_one_clean_traceback_and_a_saved_checkpoint(
    tmp_path: Path, backend: str
) -> None:
    (tmp_path / "pattern.py").write_text(PATTERN)
    (tmp_path / "run.py").write_text(textwrap.dedent(SCRIPT))
    saved, got = tmp_path / "saved.json", tmp_path / "got.txt"
    process = subprocess.Popen(
        [
            sys.executable,
            str(tmp_path / "run.py"),
            str(tmp_path / "pattern.py"),
            str(saved),
            str(got),
            backend,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline() == "recorded\n"  # requests are in flight now
        os.kill(process.pid, signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode != 0
    assert stderr.rstrip().endswith("KeyboardInterrupt"), stderr
    assert "WouldBlock" not in stderr and "ExceptionGroup" not in stderr, stderr
    # asyncio.run itself chains the main task's CancelledError to the KeyboardInterrupt;
    # nothing more may come from the job.
    expected = 2 if backend == "asyncio" else 1
    assert stderr.count("Traceback (most recent call last)") == expected, stderr
    checkpoint = Checkpoint.from_dict(orjson.loads(saved.read_bytes()))
    recorded = {int(line) for line in got.read_text().split()}
    open_ = {i for r in checkpoint.open for a, b in r.indices for i in range(a, b)}
    unsent = {i for a, b in checkpoint.unsent for i in range(a, b)}
    # The checkpoint counts exactly what was recorded; the rest is open, unsent or beyond.
    assert set(range(checkpoint.position)) - open_ - unsent == recorded
