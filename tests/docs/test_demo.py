"""The README's first command: the demo runs end to end against the emulator."""

from __future__ import annotations

import subprocess
import sys

import pytest

from smsc_async.demo import main


@pytest.mark.parametrize("args", [["--in-process"], ["--in-process", "--trio"], ["--trio"], []])
def test_demo_tour(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "backend: trio" in out if "--trio" in args else "backend: asyncio" in out
    assert ("in-process" in out) == ("--in-process" in args)
    assert "id=1 parts=1 cost=1.50 balance=9998.50" in out
    assert "InvalidPhoneError(code=7)" in out
    assert "DuplicateRequestError(code=9)" in out
    assert "ValidationError: sender:" in out
    assert "delivered (final: True)" in out
    assert "1000 sent in 2 requests, cost 1500.00" in out
    assert "1004 messages, balance 8492.50" in out
    assert "demo-password" not in out


def test_demo_as_a_module() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "smsc_async.demo", "--in-process"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "send one SMS" in done.stdout
