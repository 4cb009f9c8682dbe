"""The emulator made runnable: in-process transport, ASGI app on a socket, and the command."""

from __future__ import annotations

import os
import select
import subprocess
import sys
from decimal import Decimal
from urllib.parse import urlencode

import httpx2
import orjson
import pytest

from smsc_async._transports.base import HttpRequest, RequestNotSent, Timeouts, Transport
from smsc_async.testing.__main__ import main
from smsc_async.testing._core import FakeSMSC
from smsc_async.testing._faults.kinds import Fault
from smsc_async.testing._faults.plan import FaultPlan
from smsc_async.testing._servers.inprocess import InProcessTransport, to_fake_request
from smsc_async.testing._servers.threaded import serve_in_thread

LOGIN, PASSWORD = "server-login", "server-secret"
BALANCE_FORM = {"login": LOGIN, "psw": PASSWORD, "fmt": "3", "charset": "utf-8"}


def _fake(balance: str = "123.45") -> FakeSMSC:
    fake = FakeSMSC()
    fake.add_account(LOGIN, PASSWORD, balance=Decimal(balance))
    return fake


def _balance(answer: bytes) -> Decimal:
    return Decimal(orjson.loads(answer)["balance"])


# --------------------------------------------------------------------------- in-process


def test_http_request_becomes_the_fake_request_a_server_would_see() -> None:
    request = HttpRequest(url="https://smsc.test:8443/sys/send.php?x=1", body=b"a=b")
    seen = to_fake_request(request, peer="10.0.0.9")
    assert (seen.method, seen.path, seen.query) == ("POST", "/sys/send.php", b"x=1")
    assert seen.body == b"a=b"
    assert (seen.content_type, seen.peer) == ("application/x-www-form-urlencoded", "10.0.0.9")


@pytest.mark.anyio
async def test_in_process_transport_answers_with_the_fake() -> None:
    transport = InProcessTransport(_fake())
    assert isinstance(transport, Transport)
    request = HttpRequest(
        url="http://smsc.test/sys/balance.php", body=urlencode(BALANCE_FORM).encode()
    )
    answer = await transport.request(request, Timeouts())
    assert answer.status == 200
    assert answer.content_type == "application/json; charset=utf-8"
    assert _balance(answer.content) == Decimal("123.45")


@pytest.mark.anyio
async def test_in_process_transport_refuses_after_close() -> None:
    transport = InProcessTransport(_fake())
    await transport.aclose()
    await transport.aclose()  # idempotent
    request = HttpRequest(url="http://smsc.test/sys/balance.php", body=b"")
    with pytest.raises(RequestNotSent, match="closed"):
        await transport.request(request, Timeouts())


# --------------------------------------------------------------------------- on a socket


def test_served_fake_answers_post_and_get_over_loopback() -> None:
    with serve_in_thread(_fake()) as server:
        assert server.url == f"http://127.0.0.1:{server.port}" and server.port > 0
        with httpx2.Client(base_url=server.url, timeout=5.0) as client:
            posted = client.post("/sys/balance.php", data=BALANCE_FORM)
            got = client.get("/sys/balance.php", params=BALANCE_FORM)
            wrong = client.put("/sys/balance.php", content=b"")
    for answer in (posted, got):
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "application/json; charset=utf-8"
        assert _balance(answer.content) == Decimal("123.45")
    assert wrong.status_code == 405  # the fake's own answer: the app passes every method on


def test_server_stops_listening_when_the_block_ends() -> None:
    with serve_in_thread(_fake()) as server:
        url = server.url
    with httpx2.Client(timeout=2.0) as client, pytest.raises(httpx2.ConnectError):
        client.post(f"{url}/sys/balance.php", data=BALANCE_FORM)


def test_two_servers_share_one_fake_and_its_state() -> None:
    fake, plan = _fake(), FaultPlan()
    plan.add(Fault.status(502), login="nobody")
    with serve_in_thread(fake, faults=plan) as one, serve_in_thread(fake) as two:
        assert one.port != two.port
        with httpx2.Client(timeout=5.0) as client:
            answers = [
                client.post(f"{srv.url}/sys/balance.php", data=BALANCE_FORM) for srv in (one, two)
            ]
    assert [_balance(a.content) for a in answers] == [Decimal("123.45")] * 2
    assert plan.fired == ()


def test_a_busy_port_is_an_os_error() -> None:
    with serve_in_thread(_fake()) as server, pytest.raises(OSError):  # noqa: SIM117
        with serve_in_thread(_fake(), port=server.port):
            pass


# --------------------------------------------------------------------------- the command


COMMAND = [sys.executable, "-m", "smsc_async.testing", "--port", "0"]


def _first_line(process: subprocess.Popen[str], timeout: float = 15.0) -> str:
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    assert ready, "the command printed nothing"
    return process.stdout.readline()


def test_command_serves_the_emulator_until_terminated() -> None:
    argv = [*COMMAND, "--login", "cli", "--password", "cli-pass", "--balance", "42.5"]
    argv += ["--latency", "0.01"]
    with subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ)
    ) as process:
        try:
            first = _first_line(process)
            assert first.startswith("SMSC emulator listening on http://127.0.0.1:")
            url = first.rsplit(" ", 1)[1].strip()
            form = {"login": "cli", "psw": "cli-pass", "fmt": "3"}
            answer = httpx2.post(f"{url}/sys/balance.php", data=form, timeout=5.0)
            assert _balance(answer.content) == Decimal("42.5")
        finally:
            process.terminate()
            process.wait(timeout=15)  # the output is small: it fits the pipes while we wait
        assert process.stdout is not None and process.stderr is not None
        out, err = process.stdout.read(), process.stderr.read()
    assert process.returncode == 0, err
    assert "login: cli  password: cli-pass" in out


def test_command_rejects_a_bad_balance() -> None:
    done = subprocess.run(
        [*COMMAND, "--balance", "lots"], capture_output=True, text=True, timeout=15, check=False
    )
    assert done.returncode == 2 and "not a number" in done.stderr


def test_command_reports_a_port_it_cannot_bind(capsys: pytest.CaptureFixture[str]) -> None:
    with serve_in_thread(_fake()) as server:
        assert main(["--port", str(server.port)]) == 1
    assert "error: cannot listen on 127.0.0.1:" in capsys.readouterr().err


def test_command_warns_before_using_a_non_loopback_host(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # 192.0.2.1 (TEST-NET-1) is not on this machine: binding fails at once, nothing is sent.
    assert main(["--host", "192.0.2.1", "--port", "0"]) == 1
    err = capsys.readouterr().err
    assert "warning: listening on 192.0.2.1, not loopback" in err
    assert "error: cannot listen on 192.0.2.1:0" in err
