"""Fault injection: the plan's rules, and each fault as in-process and socket clients see it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from urllib.parse import urlencode

import anyio
import httpx2
import orjson
import pytest

from smsc_async._transports.base import ExchangeFailed, HttpRequest, RequestNotSent, Timeouts
from smsc_async.testing._core import FakeSMSC
from smsc_async.testing._faults.kinds import Fault, FaultKind
from smsc_async.testing._faults.plan import FaultPlan, endpoint_name
from smsc_async.testing._servers.inprocess import InProcessTransport
from smsc_async.testing._servers.threaded import RunningServer, serve_in_thread
from smsc_async.testing._wire.request import FakeRequest

LOGIN, PASSWORD = "faults-login", "faults-secret"
FORM = {"login": LOGIN, "psw": PASSWORD, "phones": "+79991234567", "mes": "hi", "fmt": "3"}


def _request(path: str = "/sys/send.php", **params: str) -> FakeRequest:
    body = "&".join(f"{k}={v}" for k, v in params.items()).encode()
    return FakeRequest(
        method="POST",
        path=path,
        query=b"",
        content_type="application/x-www-form-urlencoded",
        body=body,
    )


def _fake() -> FakeSMSC:
    fake = FakeSMSC()
    fake.add_account(LOGIN, PASSWORD, balance=Decimal("1000"))
    return fake


def _form(**extra: str) -> bytes:
    return urlencode({**FORM, **extra}).encode()


# --------------------------------------------------------------------------- Fault values


def test_fault_values_are_validated() -> None:
    with pytest.raises(ValueError, match="seconds"):
        Fault.latency(-1)
    with pytest.raises(ValueError):
        Fault.drip(0.1, chunk_size=0)
    with pytest.raises(ValueError):
        Fault.status(700)


@pytest.mark.parametrize(
    ("fault", "reaches"),
    [
        (Fault.latency(1), True),
        (Fault.drip(0.1), True),
        (Fault.reset_before(), False),
        (Fault.reset_after(), True),
        (Fault.status(503), False),
        (Fault.html(), False),
        (Fault.truncated(), True),
        (Fault.malformed(), True),
        (Fault.error(9), False),
        (Fault.refuse(), False),
    ],
)
def test_which_faults_reach_the_fake(fault: Fault, reaches: bool) -> None:
    assert fault.reaches_fake is reaches


def test_error_fault_has_a_default_description() -> None:
    assert Fault.error(9).description == "duplicate request, wait a minute"
    assert Fault.error(2, "custom").description == "custom"


@pytest.mark.parametrize(
    ("path", "name"),
    [("/sys/send.php", "send"), ("/rest/send/", "send"), ("/sys/balance.php", "balance")],
)
def test_endpoint_name(path: str, name: str) -> None:
    assert endpoint_name(path) == name


# --------------------------------------------------------------------------- FaultPlan rules


def test_once_fires_for_the_next_request_only() -> None:
    plan = FaultPlan()
    plan.once(Fault.reset_after())
    picks = [plan.pick(_request(login=LOGIN)) for _ in range(3)]
    assert picks == [Fault.reset_after(), None, None]
    assert [f.seq for f in plan.fired] == [0]


def test_times_counts_down_and_exhausts_the_rule() -> None:
    plan = FaultPlan()
    rule = plan.add(Fault.status(502), times=2)
    kinds = [plan.pick(_request()) for _ in range(4)]
    assert kinds == [Fault.status(502), Fault.status(502), None, None]
    assert rule.fired == 2 and rule.exhausted


@pytest.mark.parametrize(
    ("rule", "fake_request", "fires"),
    [
        ({"endpoint": "send"}, _request("/sys/send.php"), True),
        ({"endpoint": "send"}, _request("/rest/send/"), True),
        ({"endpoint": "send"}, _request("/sys/balance.php"), False),
        ({"path": "/sys/send.php"}, _request("/sys/send.php"), True),
        ({"path": "/sys/send.php"}, _request("/rest/send/"), False),
        ({"login": "alice"}, _request(login="alice"), True),
        ({"login": "alice"}, _request(login="bob"), False),
        ({"login": "alice"}, _request(), False),
        ({"when": lambda r: b"urgent" in r.body}, _request(mes="urgent"), True),
        ({"when": lambda r: b"urgent" in r.body}, _request(mes="later"), False),
        ({"endpoint": "send", "login": "alice"}, _request(login="bob"), False),
    ],
)
def test_rules_match_on_every_given_matcher(
    rule: dict[str, object], fake_request: FakeRequest, fires: bool
) -> None:
    plan = FaultPlan()
    plan.add(Fault.html(), **rule)  # type: ignore[arg-type]
    assert (plan.pick(fake_request) is not None) is fires


def test_login_matches_query_and_json_bodies() -> None:
    plan = FaultPlan()
    plan.add(Fault.html(), login="alice")
    in_query = FakeRequest(method="GET", path="/sys/balance.php", query=b"login=alice", body=b"")
    as_json = FakeRequest(
        method="POST",
        path="/rest/send/",
        query=b"",
        content_type="application/json",
        body=b'{"login": "alice"}',
    )
    assert plan.pick(in_query) is not None
    assert plan.pick(as_json) is not None


def test_first_matching_rule_wins_and_later_rules_still_apply() -> None:
    plan = FaultPlan()
    plan.once(Fault.reset_before(), endpoint="send")
    plan.add(Fault.latency(0.5))
    assert plan.pick(_request()) == Fault.reset_before()
    assert plan.pick(_request()) == Fault.latency(0.5)
    assert plan.pick(_request("/sys/balance.php")) == Fault.latency(0.5)


def test_record_names_the_request_but_keeps_no_secret() -> None:
    plan = FaultPlan()
    plan.add(Fault.reset_after())
    plan.pick(_request(login=LOGIN, psw=PASSWORD, id="msg-7", apikey="KEY123"))
    (fired,) = plan.fired
    assert (fired.endpoint, fired.login, fired.message_id) == ("send", LOGIN, "msg-7")
    assert fired.reached_fake and fired.fault.kind is FaultKind.RESET_AFTER
    assert PASSWORD not in repr(fired) and "KEY123" not in repr(fired)


def _chaos(seed: int, count: int = 200) -> list[int]:
    plan = FaultPlan(seed=seed)
    plan.add(Fault.reset_after(), probability=0.3)
    for _ in range(count):
        plan.pick(_request())
    return [fired.seq for fired in plan.fired]


def test_probability_is_reproducible_with_a_seed() -> None:
    first, again, other = _chaos(seed=42), _chaos(seed=42), _chaos(seed=43)
    assert first == again
    assert first != other
    assert 30 <= len(first) <= 90  # about 30 % of 200


@pytest.mark.parametrize(("probability", "expected"), [(0.0, 0), (1.0, 50)])
def test_probability_bounds(probability: float, expected: int) -> None:
    plan = FaultPlan()
    plan.add(Fault.html(), probability=probability)
    assert sum(plan.pick(_request()) is not None for _ in range(50)) == expected


def test_bad_rule_arguments_are_refused() -> None:
    plan = FaultPlan()
    with pytest.raises(ValueError, match="probability"):
        plan.add(Fault.html(), probability=1.5)
    with pytest.raises(ValueError, match="times"):
        plan.add(Fault.html(), times=0)


def test_remove_and_clear() -> None:
    plan = FaultPlan()
    rule = plan.add(Fault.html())
    plan.pick(_request())
    plan.remove(rule)
    assert plan.pick(_request()) is None and plan.rules == ()
    plan.add(Fault.html())
    plan.clear()
    assert plan.fired == () and plan.rules == ()


def test_counted_rules_are_exact_across_threads() -> None:
    plan = FaultPlan()
    plan.add(Fault.reset_after(), times=100)
    hits: list[int] = []

    def worker() -> None:
        hits.append(sum(plan.pick(_request()) is not None for _ in range(100)))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(hits) == 100 == len(plan.fired)
    assert sorted(f.seq for f in plan.fired) == sorted({f.seq for f in plan.fired})


# --------------------------------------------------------------------------- in-process

SHORT = Timeouts(connect=1.0, read=0.1, write=1.0, deadline=5.0)
_ids = iter(range(1, 1_000_000))


def _http(**extra: str) -> HttpRequest:
    """A send with a fresh id, so no two are "identical requests" for the rate rules."""
    return HttpRequest(url="http://smsc.test/sys/send.php", body=_form(id=str(next(_ids)), **extra))


def _ledger_ids(fake: FakeSMSC) -> list[str]:
    return [str(entry.id) for entry in fake.ledger]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("fault", "error", "processed"),
    [
        (Fault.refuse(), RequestNotSent, False),
        (Fault.reset_before(), ExchangeFailed, False),
        (Fault.reset_after(), ExchangeFailed, True),
        (Fault.truncated(), ExchangeFailed, True),
        (Fault.latency(0.3), ExchangeFailed, True),
        (Fault.drip(0.3), ExchangeFailed, True),
    ],
)
async def test_in_process_failures_map_to_transport_errors(
    fault: Fault, error: type[Exception], processed: bool
) -> None:
    fake, plan = _fake(), FaultPlan()
    plan.once(fault)
    transport = InProcessTransport(fake, faults=plan)
    request = _http()
    started = anyio.current_time()
    with pytest.raises(error, match="injected fault"):
        await transport.request(request, SHORT)
    assert anyio.current_time() - started < 0.3  # a read timeout cuts a long wait short
    assert bool(_ledger_ids(fake)) is processed
    assert plan.fired[0].reached_fake is processed
    after = await transport.request(_http(), SHORT)
    assert after.status == 200 and "id" in orjson.loads(after.content)


@pytest.mark.anyio
async def test_in_process_latency_and_drip_within_the_read_timeout_deliver() -> None:
    fake, plan = _fake(), FaultPlan()
    plan.once(Fault.latency(0.05))
    plan.once(Fault.drip(0.002, chunk_size=8))
    transport = InProcessTransport(fake, faults=plan)
    started = anyio.current_time()
    slow = await transport.request(_http(), SHORT)
    assert anyio.current_time() - started >= 0.05
    dripped = await transport.request(_http(), SHORT)
    for response in (slow, dripped):
        assert response.status == 200
        assert orjson.loads(response.content)["cnt"] == 1
    assert len(fake.ledger) == 2


@pytest.mark.anyio
async def test_in_process_drip_obeys_the_callers_deadline() -> None:
    fake, plan = _fake(), FaultPlan()
    plan.once(Fault.drip(0.05))  # each gap is within `read`, the whole answer takes seconds
    transport = InProcessTransport(fake, faults=plan)
    with anyio.move_on_after(0.2) as scope:
        await transport.request(_http(), SHORT)
    assert scope.cancelled_caught
    assert len(fake.ledger) == 1


@pytest.mark.anyio
async def test_in_process_substitute_answers() -> None:
    fake, plan = _fake(), FaultPlan()
    for fault in (Fault.status(503), Fault.html(502), Fault.malformed()):
        plan.once(fault)
    transport = InProcessTransport(fake, faults=plan)
    unavailable = await transport.request(_http(), SHORT)
    assert (unavailable.status, unavailable.content) == (503, b"503 Service Unavailable\n")
    page = await transport.request(_http(), SHORT)
    assert page.status == 502 and page.content_type is not None
    assert page.content_type.startswith("text/html") and b"<html>" in page.content
    cut = await transport.request(_http(), SHORT)
    assert cut.status == 200 and cut.content.startswith(b"{")
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(cut.content)
    assert len(fake.ledger) == 1  # only the malformed answer's request was processed


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("fmt", "body"),
    [
        ("0", b"ERROR = 3 (no money), ID - 77"),
        ("1", b"77,-3"),
        ("2", b"<result><error>no money</error><error_code>3</error_code><id>77</id></result>"),
        ("3", b'{"error":"no money","error_code":3,"id":77}'),
    ],
)
async def test_in_process_error_answers_in_the_requested_format(fmt: str, body: bytes) -> None:
    fake, plan = _fake(), FaultPlan()
    plan.once(Fault.error(3))
    transport = InProcessTransport(fake, faults=plan)
    request = HttpRequest(url="http://smsc.test/sys/send.php", body=_form(fmt=fmt, id="77"))
    answer = await transport.request(request, SHORT)
    assert (answer.status, answer.content) == (200, body)
    assert fake.ledger == []


@pytest.mark.anyio
async def test_in_process_error_without_an_id_for_codes_that_have_none() -> None:
    plan = FaultPlan()
    plan.once(Fault.error(9))
    transport = InProcessTransport(_fake(), faults=plan)
    answer = await transport.request(_http(charset="utf-8"), SHORT)
    assert orjson.loads(answer.content) == {
        "error": "duplicate request, wait a minute",
        "error_code": 9,
    }
    assert answer.content_type == "application/json; charset=utf-8"


# --------------------------------------------------------------------------- over a socket


class _Errors(logging.Handler):
    """Collects what uvicorn logs at ERROR (an app crash, a response never started)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[FakeSMSC, FaultPlan, RunningServer, _Errors]]:
    fake, plan, errors = _fake(), FaultPlan(), _Errors()
    logger = logging.getLogger("uvicorn.error")
    logger.addHandler(errors)
    try:
        with serve_in_thread(fake, faults=plan) as server:
            yield fake, plan, server, errors
    finally:
        logger.removeHandler(errors)


@pytest.fixture
def socket_plan(
    served: tuple[FakeSMSC, FaultPlan, RunningServer, _Errors],
) -> Iterator[FaultPlan]:
    plan, errors = served[1], served[3]
    plan.clear()
    yield plan
    assert [r.getMessage() for r in errors.records] == []


def _post(server: RunningServer, read: float = 5.0, **extra: str) -> httpx2.Response:
    with httpx2.Client(base_url=server.url, timeout=httpx2.Timeout(5.0, read=read)) as client:
        return client.post(
            "/sys/send.php",
            content=_form(id=str(next(_ids)), **extra),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )


DROPPED = (httpx2.ReadError, httpx2.RemoteProtocolError)


@pytest.mark.parametrize(
    ("fault", "error", "processed"),
    [
        (Fault.reset_before(), DROPPED, False),
        (Fault.refuse(), DROPPED, False),  # a listening server can only drop, not refuse
        (Fault.reset_after(), DROPPED, True),
        (Fault.truncated(), httpx2.RemoteProtocolError, True),
        (Fault.drip(0.5), httpx2.ReadTimeout, True),
        (Fault.latency(0.5), httpx2.ReadTimeout, True),
    ],
)
def test_socket_client_sees_the_failure(
    served: tuple[FakeSMSC, FaultPlan, RunningServer, _Errors],
    socket_plan: FaultPlan,
    fault: Fault,
    error: type[Exception] | tuple[type[Exception], ...],
    processed: bool,
) -> None:
    fake, _, server, _ = served
    before = len(fake.ledger)
    socket_plan.once(fault)
    with pytest.raises(error):
        _post(server, read=0.1)
    assert (len(fake.ledger) == before + 1) is processed
    assert _post(server).status_code == 200  # the server is fine afterwards


def test_socket_truncated_answer_declares_more_than_it_sends(
    served: tuple[FakeSMSC, FaultPlan, RunningServer, _Errors], socket_plan: FaultPlan
) -> None:
    socket_plan.once(Fault.truncated())
    with pytest.raises(httpx2.RemoteProtocolError, match=r"complete message body"):
        _post(served[2])


def test_socket_drip_and_latency_within_the_read_timeout_deliver(
    served: tuple[FakeSMSC, FaultPlan, RunningServer, _Errors], socket_plan: FaultPlan
) -> None:
    socket_plan.once(Fault.drip(0.002, chunk_size=4))
    socket_plan.once(Fault.latency(0.05))
    for _ in range(2):
        answer = _post(served[2], read=1.0)
        assert answer.status_code == 200 and orjson.loads(answer.content)["cnt"] == 1


@pytest.mark.parametrize(
    ("fault", "status", "content_type", "check"),
    [
        (Fault.status(503), 503, "text/plain", lambda b: b == b"503 Service Unavailable\n"),
        (Fault.html(), 200, "text/html", lambda b: b.startswith(b"<!DOCTYPE html>")),
        (Fault.error(1), 200, "application/json", lambda b: orjson.loads(b)["error_code"] == 1),
        (Fault.malformed(), 200, "application/json", lambda b: b.startswith(b'{"')),
    ],
)
def test_socket_substitute_answers(
    served: tuple[FakeSMSC, FaultPlan, RunningServer, _Errors],
    socket_plan: FaultPlan,
    fault: Fault,
    status: int,
    content_type: str,
    check: Callable[[bytes], bool],
) -> None:
    socket_plan.once(fault)
    answer = _post(served[2])
    assert answer.status_code == status
    assert answer.headers["content-type"].startswith(content_type)
    assert check(answer.content)
    if fault.kind is FaultKind.MALFORMED:
        with pytest.raises(orjson.JSONDecodeError):
            orjson.loads(answer.content)
