"""AsyncClient: construction, the wire form, typed results and errors, retries, deadlines.

Transport-level behaviour is driven through ``httpx2.MockTransport`` (the client accepts any
httpx2 transport), so every test sees exactly the requests that would have gone out.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Awaitable, Callable
from decimal import Decimal
from urllib.parse import parse_qs

import anyio
import httpx2
import pytest

import smsc_async
from smsc_async import (
    AsyncClient,
    AuthenticationError,
    ClientClosedError,
    ConfigurationError,
    CostResult,
    DuplicateRequestError,
    InsufficientFundsError,
    IpBlockedError,
    NotSentError,
    OutcomeUnknownError,
    ProtocolError,
    RetryPolicy,
    SendResult,
    Timeouts,
    ValidationError,
)
from smsc_async._transports.base import ExchangeFailed, HttpRequest, HttpResponse, RequestNotSent

pytestmark = pytest.mark.anyio

LOGIN, PASSWORD, API_KEY = "alex-login", "s3cr3t-Pa55", "KEY-0123456789abcdef"
OK_SEND = b'{"id": 1234, "cnt": 2, "cost": "3.40", "balance": "96.60"}'

Handler = Callable[[httpx2.Request], Awaitable[httpx2.Response]]


class Recorder:
    """A MockTransport handler that records requests and answers from a script."""

    def __init__(self, *answers: httpx2.Response | Exception | Handler) -> None:
        self.answers = list(answers)
        self.requests: list[httpx2.Request] = []

    async def __call__(self, request: httpx2.Request) -> httpx2.Response:
        await request.aread()
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, httpx2.Response):
            return answer
        return await answer(request)

    def form(self, index: int = -1) -> dict[str, list[str]]:
        return parse_qs(self.requests[index].content.decode(), keep_blank_values=True)


def json_answer(body: bytes, charset: str = "utf-8", status: int = 200) -> httpx2.Response:
    return httpx2.Response(
        status, content=body, headers={"Content-Type": f"application/json; charset={charset}"}
    )


def make_client(recorder: Recorder, **kwargs: object) -> AsyncClient:
    options: dict[str, object] = {
        "login": LOGIN,
        "password": PASSWORD,
        "transport": httpx2.MockTransport(recorder),
        "retry": RetryPolicy(attempts=3, backoff=0.001, max_backoff=0.002),
    }
    options.update(kwargs)
    return AsyncClient(**options)  # type: ignore[arg-type]


# --- construction --------------------------------------------------------------------------


def test_credentials_exactly_one_way(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SMSC_LOGIN", "SMSC_PASSWORD", "SMSC_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigurationError, match="not both"):
        AsyncClient(login=LOGIN, password=PASSWORD, api_key=API_KEY)
    with pytest.raises(ConfigurationError, match="password"):
        AsyncClient(login=LOGIN)
    with pytest.raises(ConfigurationError, match="login"):
        AsyncClient(password=PASSWORD)
    with pytest.raises(ConfigurationError, match="no credentials"):
        AsyncClient()
    with pytest.raises(ConfigurationError, match="api_key"):
        AsyncClient(api_key="  ")


def test_credentials_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMSC_LOGIN", LOGIN)
    monkeypatch.setenv("SMSC_PASSWORD", PASSWORD)
    monkeypatch.delenv("SMSC_API_KEY", raising=False)
    assert "login+password" in repr(AsyncClient())
    monkeypatch.setenv("SMSC_API_KEY", API_KEY)
    with pytest.raises(ConfigurationError, match="environment"):
        AsyncClient()
    monkeypatch.delenv("SMSC_LOGIN")
    monkeypatch.delenv("SMSC_PASSWORD")
    assert "api_key" in repr(AsyncClient())


@pytest.mark.parametrize(
    ("url", "allow_http", "ok"),
    [
        ("https://smsc.ru", False, True),
        ("https://smsc.kz/", False, True),
        ("http://127.0.0.1:8080", True, True),
        ("http://smsc.ru", False, False),
        ("ftp://smsc.ru", False, False),
        ("smsc.ru", False, False),
        ("https://user:pw@smsc.ru", False, False),
        ("https://smsc.ru/?psw=1", False, False),
    ],
)
def test_base_url_rules(url: str, allow_http: bool, ok: bool) -> None:
    if ok:
        client = AsyncClient(login=LOGIN, password=PASSWORD, base_url=url, allow_http=allow_http)
        assert client.base_url == url.rstrip("/")
    else:
        with pytest.raises(ConfigurationError):
            AsyncClient(login=LOGIN, password=PASSWORD, base_url=url, allow_http=allow_http)


@pytest.mark.parametrize("value", [0, 15, 100, -1, True, 2.5])
def test_max_concurrency_never_above_14(value: object) -> None:
    with pytest.raises(ConfigurationError, match="max_concurrency"):
        AsyncClient(login=LOGIN, password=PASSWORD, max_concurrency=value)  # type: ignore[arg-type]


def test_repr_has_no_secret() -> None:
    for client in (
        AsyncClient(login=LOGIN, password=PASSWORD),
        AsyncClient(api_key=API_KEY),
    ):
        text = repr(client) + str(client)
        for secret in (LOGIN, PASSWORD, API_KEY):
            assert secret not in text


# --- the wire ------------------------------------------------------------------------------


async def test_send_wire_form_and_typed_result() -> None:
    recorder = Recorder(json_answer(OK_SEND))
    async with make_client(recorder) as client:
        result = await client.send("79999999999", "Hello!", sender="ivan")
    assert result == SendResult(id=1234, parts=2, cost=Decimal("3.40"), balance=Decimal("96.60"))
    (request,) = recorder.requests
    assert request.method == "POST"
    assert str(request.url) == "https://smsc.ru/sys/send.php"
    assert request.url.query == b""
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    form = recorder.form()
    assert form == {
        "login": [LOGIN],
        "psw": [PASSWORD],
        "charset": ["utf-8"],
        "fmt": ["3"],
        "phones": ["79999999999"],
        "mes": ["Hello!"],
        "sender": ["ivan"],
        "cost": ["3"],
    }


async def test_api_key_replaces_login_and_password() -> None:
    recorder = Recorder(json_answer(OK_SEND))
    async with make_client(recorder, login=None, password=None, api_key=API_KEY) as client:
        await client.send("79999999999", "Hi")
    form = recorder.form()
    assert form["apikey"] == [API_KEY]
    assert "login" not in form
    assert "psw" not in form


async def test_cost_is_read_only_request() -> None:
    recorder = Recorder(json_answer(b'{"cost": "1.70", "cnt": 1}'))
    async with make_client(recorder) as client:
        result = await client.cost(["79999999999"], "Hello")
    assert result == CostResult(cost=Decimal("1.70"), parts=1)
    assert recorder.form()["cost"] == ["1"]


async def test_send_list_packs_lines() -> None:
    recorder = Recorder(json_answer(OK_SEND))
    messages = [
        smsc_async.Message(phones="79999999999", text="Hello!"),
        smsc_async.Message(phones=["78888888888", "77777777777"], text="Hi\nthere"),
    ]
    async with make_client(recorder) as client:
        await client.send_list(messages)
    form = recorder.form()
    assert form["list"] == ["79999999999:Hello!\n78888888888,77777777777:Hi\\nthere"]
    assert "phones" not in form
    assert "mes" not in form


async def test_answer_charset_is_honoured() -> None:
    body = '{"error": "неверный номер", "error_code": 7, "id": 5}'.encode("cp1251")
    recorder = Recorder(json_answer(body, charset="windows-1251"))
    async with make_client(recorder) as client:
        with pytest.raises(smsc_async.InvalidPhoneError) as caught:
            await client.send("79999999999", "Hi")
    assert caught.value.description == "неверный номер"
    assert caught.value.message_id == 5


@pytest.mark.parametrize(
    "response",
    [
        httpx2.Response(
            200,
            content=b"<html><body>Bad Gateway</body></html>",
            headers={"Content-Type": "text/html"},
        ),
        httpx2.Response(302, headers={"Location": "https://evil.example/"}),
        httpx2.Response(404, content=b"not found"),
        json_answer(b'{"id": 1, "cnt"'),
        json_answer(b"OK"),
        json_answer(b""),
    ],
)
async def test_unreadable_answers_are_protocol_errors(response: httpx2.Response) -> None:
    recorder = Recorder(response)
    async with make_client(recorder) as client:
        with pytest.raises(ProtocolError):
            await client.send("79999999999", "Hi")
    assert len(recorder.requests) == 1  # a redirect is not followed


async def test_bad_input_raises_before_any_request() -> None:
    recorder = Recorder(json_answer(OK_SEND))
    async with make_client(recorder) as client:
        with pytest.raises(ValidationError) as caught:
            await client.send("79999999999", "x" * 1001)
        assert caught.value.field == "message"
        with pytest.raises(ValidationError) as caught:
            await client.send("79999999999", "Hi", sender="a-very-long-sender-name")
        assert caught.value.field == "sender"
        with pytest.raises(ValidationError):
            await client.send("", "Hi")
        with pytest.raises(ValidationError):
            await client.cost("79999999999", "Hi", id="not allowed!")
    assert recorder.requests == []


async def test_closed_client_refuses_calls() -> None:
    recorder = Recorder(json_answer(OK_SEND))
    client = make_client(recorder)
    await client.aclose()
    await client.aclose()  # idempotent
    assert client.closed
    with pytest.raises(ClientClosedError):
        await client.send("79999999999", "Hi")
    with pytest.raises(ClientClosedError):
        async with client:
            pass
    assert recorder.requests == []


async def test_caller_owned_httpx_client_is_not_closed() -> None:
    recorder = Recorder(json_answer(OK_SEND))
    async with httpx2.AsyncClient(transport=httpx2.MockTransport(recorder)) as http:
        async with AsyncClient(login=LOGIN, password=PASSWORD, transport=http) as client:
            await client.send("79999999999", "Hi")
        assert not http.is_closed
        response = await http.post("https://smsc.ru/sys/balance.php")
        assert response.status_code == 200


# --- errors and retries --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        (2, AuthenticationError),
        (3, InsufficientFundsError),
        (4, IpBlockedError),
        (9, DuplicateRequestError),
    ],
)
async def test_api_errors_are_typed_and_never_retried(code: int, cls: type[Exception]) -> None:
    body = b'{"error": "nope", "error_code": %d}' % code
    recorder = Recorder(json_answer(body))
    async with make_client(recorder) as client:
        with pytest.raises(cls):
            await client.send("79999999999", "Hi")
        with pytest.raises(cls):
            await client.cost("79999999999", "Hi")
    # One each (errors 4 and 9 are never hammered); after error 4 the cool-off keeps the
    # second call local.
    assert len(recorder.requests) == (1 if code == 4 else 2)


async def test_send_retried_only_when_provably_not_sent() -> None:
    refused = httpx2.ConnectError("connection refused")
    recorder = Recorder(refused, json_answer(OK_SEND))
    async with make_client(recorder) as client:
        result = await client.send("79999999999", "Hi")
    assert result.id == 1234
    assert len(recorder.requests) == 2


async def test_send_not_sent_after_all_attempts() -> None:
    recorder = Recorder(httpx2.ConnectError("connection refused"))
    async with make_client(recorder) as client:
        with pytest.raises(NotSentError) as caught:
            await client.send("79999999999", "Hi", id="order-17")
    assert len(recorder.requests) == 3
    assert caught.value.message_id == "order-17"
    assert caught.value.endpoint == "send"


@pytest.mark.parametrize(
    "failure",
    [
        httpx2.ReadTimeout("timed out"),
        httpx2.RemoteProtocolError("Server disconnected without sending a response."),
        httpx2.ReadError("connection reset"),
        httpx2.WriteError("broken pipe"),
        json_answer(b"", status=503),
    ],
)
async def test_ambiguous_send_is_reported_never_replayed(
    failure: Exception | httpx2.Response,
) -> None:
    recorder = Recorder(failure, json_answer(OK_SEND))
    async with make_client(recorder) as client:
        with pytest.raises(OutcomeUnknownError) as caught:
            await client.send("79999999999", "Hi", id=42)
    assert len(recorder.requests) == 1
    assert caught.value.message_id == 42
    assert caught.value.endpoint == "send"


@pytest.mark.parametrize(
    "failure",
    [httpx2.ReadTimeout("timed out"), json_answer(b"", status=502), httpx2.ConnectError("no")],
)
async def test_cost_retries_transient_failures(failure: Exception | httpx2.Response) -> None:
    recorder = Recorder(failure, json_answer(b'{"cost": "1.70", "cnt": 1}'))
    async with make_client(recorder) as client:
        result = await client.cost("79999999999", "Hi")
    assert result.cost == Decimal("1.70")
    assert len(recorder.requests) == 2


async def test_cost_gives_up_after_the_policy() -> None:
    recorder = Recorder(json_answer(b"", status=503))
    async with make_client(recorder, retry=RetryPolicy(attempts=2, backoff=0)) as client:
        with pytest.raises(ProtocolError) as caught:
            await client.cost("79999999999", "Hi")
    assert caught.value.status_code == 503
    assert len(recorder.requests) == 2


def test_backoff_is_capped_and_jittered() -> None:
    policy = RetryPolicy(attempts=5, backoff=0.5, max_backoff=2.0)
    assert policy.backoff_delay(1, 0.999) == pytest.approx(0.4995)
    assert policy.backoff_delay(3, 0.5) == pytest.approx(1.0)
    assert policy.backoff_delay(10, 1.0) == 2.0
    assert policy.backoff_delay(4, 0.0) == 0.0
    with pytest.raises(ConfigurationError):
        RetryPolicy(attempts=0)


# --- deadlines -----------------------------------------------------------------------------


async def test_deadline_bounds_a_hanging_send() -> None:
    async def hang(request: httpx2.Request) -> httpx2.Response:
        await anyio.sleep(30)
        raise AssertionError("not reached")

    recorder = Recorder(hang)
    timeouts = Timeouts(deadline=0.2)
    async with make_client(recorder, timeouts=timeouts) as client:
        start = anyio.current_time()
        with pytest.raises(OutcomeUnknownError, match="deadline"):
            await client.send("79999999999", "Hi")
        assert anyio.current_time() - start < 5
        # The server may still be working on it: its slot stays taken for the read timeout.
        assert client.limiter.borrowed_tokens == 1


async def test_deadline_while_queued_is_not_sent() -> None:
    release = anyio.Event()
    started = anyio.Event()

    async def hold(request: httpx2.Request) -> httpx2.Response:
        started.set()
        await release.wait()
        return json_answer(OK_SEND)

    recorder = Recorder(hold)
    timeouts = Timeouts(deadline=0.2)
    client = make_client(recorder, max_concurrency=1)
    async with client, anyio.create_task_group() as tg:
        tg.start_soon(client.send, "79999999999", "first")
        await started.wait()
        # Only the queued call runs under the short deadline.
        client._path._timeouts = timeouts
        with pytest.raises(NotSentError, match="deadline"):
            await client.send("79999999999", "second", id=7)
        release.set()
    assert len(recorder.requests) == 1


class DeadlineKeeper:
    """A user-written transport that enforces the deadline itself (``enforces_deadline``)."""

    enforces_deadline = True

    def __init__(self, outcome: str) -> None:
        self.outcome = outcome
        self.deadlines: list[float | None] = []

    async def request(
        self, request: HttpRequest, timeouts: Timeouts, *, deadline: float | None = None
    ) -> HttpResponse:
        self.deadlines.append(deadline)
        if self.outcome == "answer":
            return HttpResponse(status=200, content=OK_SEND, content_type="application/json")
        assert deadline is not None
        await anyio.sleep(deadline)  # what the transport does when the time runs out
        raise RequestNotSent("pool wait") if self.outcome == "not sent" else ExchangeFailed("read")

    async def aclose(self) -> None:
        pass


@pytest.mark.parametrize(
    ("outcome", "error"), [("not sent", NotSentError), ("exchange failed", OutcomeUnknownError)]
)
async def test_transport_that_enforces_the_deadline_gets_the_time_left(
    outcome: str, error: type[Exception]
) -> None:
    keeper = DeadlineKeeper("answer")
    async with AsyncClient(login=LOGIN, password=PASSWORD, transport=keeper) as client:
        assert (await client.send("79999999999", "Hi")).id == 1234
    assert keeper.deadlines == [Timeouts().deadline]  # the whole deadline, nothing used yet

    keeper = DeadlineKeeper(outcome)
    timeouts = Timeouts(deadline=0.2)
    async with AsyncClient(
        login=LOGIN, password=PASSWORD, transport=keeper, timeouts=timeouts
    ) as client:
        with pytest.raises(error, match="deadline"):
            await client.cost("79999999999", "Hi")  # retried while time is left
        # A request that may have been written keeps its slot while the server may work on it.
        assert client.limiter.borrowed_tokens == (1 if error is OutcomeUnknownError else 0)
    assert keeper.deadlines and all(0 < d <= 0.2 for d in keeper.deadlines if d is not None)


# --- secrets -------------------------------------------------------------------------------


async def test_no_secret_in_logs_urls_errors_or_tracebacks(
    caplog: pytest.LogCaptureFixture,
) -> None:
    phone, text = "79161234567", "Top secret text"
    answers = [
        json_answer(OK_SEND),
        json_answer(b'{"error": "authorise error", "error_code": 2}'),
        httpx2.ConnectError("refused"),
        httpx2.ReadTimeout("timed out"),
        json_answer(b"<html>oops</html>"),
    ]
    recorder = Recorder(*answers)
    caught: list[BaseException] = []
    caplog.set_level(logging.DEBUG)
    async with make_client(recorder, retry=RetryPolicy(attempts=1)) as client:
        for _ in answers:
            try:
                await client.send(phone, text, sender="ivan")
            except smsc_async.SmscError as exc:
                caught.append(exc)
    assert len(caught) == 4
    assert any(r.name.startswith(("httpx2", "smsc_async")) for r in caplog.records)
    rendered = [caplog.text, *(str(r.url) for r in recorder.requests)]
    rendered += ["".join(traceback.format_exception(exc)) for exc in caught]
    rendered += [repr(exc) for exc in caught]
    for blob in rendered:
        for secret in (LOGIN, PASSWORD, phone, text):
            assert secret not in blob


async def test_each_attempt_is_logged_with_endpoint_status_attempt_elapsed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    recorder = Recorder(httpx2.ConnectError("refused"), json_answer(OK_SEND))
    caplog.set_level(logging.DEBUG, logger="smsc_async")
    async with make_client(recorder) as client:
        await client.send("79999999999", "Hi")
    lines = [r.getMessage() for r in caplog.records if r.name == "smsc_async"]
    assert len(lines) == 2
    assert lines[0].startswith("POST /sys/send.php status=- attempt=1 elapsed=")
    assert lines[0].endswith("error=RequestNotSent")
    assert lines[1].startswith("POST /sys/send.php status=200 attempt=2 elapsed=")
    assert [r.levelno for r in caplog.records if r.name == "smsc_async"] == [
        logging.WARNING,
        logging.DEBUG,
    ]
