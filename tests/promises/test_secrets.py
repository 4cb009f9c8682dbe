"""No credential in any error: echoed by the server, or held by a frame of the call.

A server or proxy that repeats the request back (an SMSC error quoting it, an HTML page showing
the form) must not put the login, password or API key into what an `SmscError` carries; an
unexpected failure inside a transport must not leave an exception chain or a frame whose
locals hold the request body. `secrecy.leaks` looks everywhere an error tracker would.

(An answer that quotes a credential is itself data the decoders work on: their frames, and
the caller's, hold its text while they read it. What is checked for it is everything the
error carries and chains to; frames are checked for the request body.)
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import quote

import httpx2
import pytest
from secrecy import assert_no_leak, credential_forms, leaks

import smsc_async
from smsc_async import AsyncClient, AuthenticationError, ProtocolError, SmscError
from smsc_async._redact import REDACTED, Redactor
from smsc_async._transports.base import HttpRequest, Timeouts
from smsc_async.testing import FakeSMSC, Fault, FaultPlan, serve_in_thread
from smsc_async.transports import AiohttpTransport, HttpxTransport

pytestmark = pytest.mark.anyio

# Spaces, '+', '/', '&', '<', non-ASCII: every escaping scheme has something to change here.
LOGIN = "Alice.Sm1th"
PASSWORD = "p@ss wörd+/é&<x>"
API_KEY = "K3y-Ä/+ z_9"
FORMS = credential_forms(LOGIN, API_KEY, password=PASSWORD)
EMULATOR = "http://smsc.test"


def client_for(auth: str, **options: object) -> AsyncClient:
    if auth == "api_key":
        return AsyncClient(api_key=API_KEY, allow_http=True, **options)  # type: ignore[arg-type]
    return AsyncClient(login=LOGIN, password=PASSWORD, allow_http=True, **options)  # type: ignore[arg-type]


def new_fake() -> FakeSMSC:
    fake = FakeSMSC()
    fake.add_account(LOGIN, PASSWORD, api_key=API_KEY)
    return fake


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[FakeSMSC, FaultPlan, str]]:
    """One emulator on a loopback socket for the module; each test adds its own fault."""
    fake, plan = new_fake(), FaultPlan()
    with serve_in_thread(fake, faults=plan) as server:
        yield fake, plan, server.url


@pytest.fixture(params=["in-process", "httpx2-socket", "aiohttp-socket"])
async def wired(
    request: pytest.FixtureRequest,
    anyio_backend: str,
    served: tuple[FakeSMSC, FaultPlan, str],
) -> AsyncIterator[tuple[str, FaultPlan, dict[str, object]]]:
    """(name, fault plan, client options) for the emulator in-process or over a socket."""
    if request.param == "in-process":
        plan = FaultPlan()
        yield (
            request.param,
            plan,
            {"base_url": EMULATOR, "transport": new_fake().transport(faults=plan)},
        )
        return
    if request.param == "aiohttp-socket" and anyio_backend == "trio":
        pytest.skip("aiohttp runs on asyncio only")
    _, plan, url = served
    plan.clear()
    transport = HttpxTransport() if request.param == "httpx2-socket" else AiohttpTransport()
    yield request.param, plan, {"base_url": url, "transport": transport}


async def call(client: AsyncClient, endpoint: str) -> None:
    if endpoint == "send":
        await client.send("79990001122", "Hello", id="echo-1")
    else:
        await client.balance()


# ------------------------------------------------------------------ echoed credentials


@pytest.mark.parametrize("auth", ["login+password", "api_key"])
@pytest.mark.parametrize("endpoint", ["send", "balance"])
async def test_an_error_quoting_the_credentials_carries_none_of_them(
    wired: tuple[str, FaultPlan, dict[str, object]], auth: str, endpoint: str
) -> None:
    _, plan, options = wired
    plan.once(Fault.echo(2))
    async with client_for(auth, **options) as client:
        with pytest.raises(AuthenticationError) as caught:
            await call(client, endpoint)
    error = caught.value
    assert REDACTED in error.description  # the server did quote them, and they were replaced
    assert_no_leak(error, FORMS, frames=True)


@pytest.mark.parametrize("auth", ["login+password", "api_key"])
@pytest.mark.parametrize("endpoint", ["send", "balance"])
async def test_an_html_page_showing_the_request_carries_no_credential(
    wired: tuple[str, FaultPlan, dict[str, object]], auth: str, endpoint: str
) -> None:
    _, plan, options = wired
    plan.once(Fault.echo(None))
    async with client_for(auth, **options) as client:
        with pytest.raises(ProtocolError) as caught:
            await call(client, endpoint)
    error = caught.value
    assert error.body is not None and REDACTED.encode() in error.body
    assert b"Bad request" in error.body  # the rest of the page is kept for debugging
    assert_no_leak(error, FORMS, frames=True)


async def test_the_echo_fault_does_repeat_every_form(anyio_backend: str) -> None:
    """The emulator's echo really quotes the credentials raw, URL-encoded and as MD5."""
    plan = FaultPlan()
    plan.once(Fault.echo(None))
    transport = new_fake().transport(faults=plan)
    body = f"login={LOGIN}&psw={quote(PASSWORD, safe='')}&charset=utf-8&fmt=3&cur=1".encode()
    request = HttpRequest(url=f"{EMULATOR}/sys/balance.php", body=body)
    answer = await transport.request(request, Timeouts())
    page = answer.content.decode()
    digest = hashlib.md5(PASSWORD.encode()).hexdigest()
    assert "psw=p%40ss%20w%C3%B6rd%2B%2F%C3%A9%26%3Cx%3E" in page  # as sent
    assert LOGIN in page and "p@ss wörd+/é&amp;&lt;x&gt;" in page and digest in page


def test_redaction_covers_every_form_and_nothing_else() -> None:
    secret = "pa ss+wЖrd"
    redactor = Redactor(login="Bobby", secrets=[secret], password=secret)
    digest = hashlib.md5(secret.encode()).hexdigest()
    quoted = [
        secret,
        "pa%20ss%2Bw%D0%96rd",
        "pa+ss%2bw%d0%96rd",
        "pa%20ss%2Bw%C6rd",  # the windows-1251 bytes, URL-encoded
        "pa%20ss+w\\u0416rd",  # '+' raw, 'Ж' as a JSON escape: any mix
        "pa&#32;ss&#x2B;w&#1046;rd",
        digest,
        digest.upper(),
        "bobby",
        "BOBBY",
    ]
    for text in quoted:
        assert redactor.text(f"<{text}>") == f"<{REDACTED}>", text
    for charset in ("utf-8", "cp1251", "koi8-r"):
        assert redactor.bytes(f"[{secret}]".encode(charset)) == b"[***]", charset
    kept = "error 2: wrong pass, see docs (bob by, pa ss wЖrd, Жrd)"
    assert redactor.text(kept) == kept
    assert redactor.bytes(kept.encode()) == kept.encode()
    assert "pa ss" not in repr(redactor) and "Bob" not in repr(redactor)
    # Too short to hide anything a guess would not find; replacing each would garble errors.
    short = Redactor(login="abc", secrets=["xy"])
    assert short.text("abc: a bad xy") == "abc: a bad xy"


def test_errors_built_while_a_client_lives_are_redacted() -> None:
    """Any SmscError built anywhere, not only on the call path, while the client exists."""
    login, password, api_key = "lifetime-login", "lifetime-password", "lifetime-key"
    client = AsyncClient(login=login, password=password)
    keyed = AsyncClient(api_key=api_key)
    errors: list[SmscError] = [
        smsc_async.ApiError(2, f"wrong password {password}"),
        ProtocolError(f"bad {login}", body=f"<b>{password}</b>".encode()),
        smsc_async.OutcomeUnknownError("x", endpoint="send", cause=f"proxy said {api_key}"),
    ]
    for error in errors:
        assert not leaks(error, credential_forms(login, api_key, password=password)), error
    del client, keyed
    gc.collect()
    assert password in str(smsc_async.ApiError(2, password))  # nothing left to hide


# ------------------------------------------------------------------ decoders chain nothing


@pytest.mark.parametrize("endpoint", ["send", "balance"])
@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"<html><pre>psw=p%40ss</pre></html>", "text/html"),  # not JSON
        (b'{"error": "x", "error_code": "two"}', "application/json"),  # an unreadable code
        (b'{"id": "1", "cnt": "x"}', "application/json"),  # a success of the wrong shape
        (b"\xff\xfe not text", "text/plain; charset=utf-8"),  # not in its charset
        (b"<result><id>x</result>", "application/xml"),  # not well-formed
    ],
    ids=["html", "bad-code", "bad-field", "undecodable", "bad-xml"],
)
async def test_an_unreadable_answer_is_chained_to_nothing(
    anyio_backend: str, endpoint: str, body: bytes, content_type: str
) -> None:
    """A JSONDecodeError keeps the whole text (``.doc``), a UnicodeDecodeError the whole body
    (``.object``), an inner ProtocolError the parser's frames: none may hang off the error."""
    mock = httpx2.MockTransport(
        lambda request: httpx2.Response(200, content=body, headers={"Content-Type": content_type})
    )
    async with client_for("login+password", base_url=EMULATOR, transport=mock) as client:
        with pytest.raises(ProtocolError) as caught:
            await call(client, endpoint)
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None


# ------------------------------------------------------------------ frames and chains


def _raising(error: Exception) -> httpx2.MockTransport:
    def handler(request: httpx2.Request) -> httpx2.Response:
        raise error

    return httpx2.MockTransport(handler)


def _answering(body: bytes) -> httpx2.MockTransport:
    return httpx2.MockTransport(lambda request: httpx2.Response(200, content=body))


@pytest.mark.parametrize("auth", ["login+password", "api_key"])
@pytest.mark.parametrize(
    ("transport", "expected"),
    [
        (lambda: _raising(RuntimeError("Event loop is closed")), smsc_async.OutcomeUnknownError),
        (lambda: _raising(httpx2.ReadError("reset")), smsc_async.OutcomeUnknownError),
        (lambda: _raising(httpx2.ConnectError("refused")), smsc_async.NotSentError),
        (lambda: _answering(b"<html>Maintenance</html>"), ProtocolError),
        (lambda: _answering(b'{"error": "x", "error_code": "2"'), ProtocolError),
        (lambda: _answering(b"\xff\xfe\xfa not text"), ProtocolError),
    ],
    ids=["unexpected", "read-error", "refused", "html", "cut-json", "undecodable"],
)
async def test_a_failed_call_chains_to_no_frame_holding_a_credential(
    anyio_backend: str, auth: str, transport: object, expected: type[SmscError]
) -> None:
    async with client_for(
        auth,
        base_url=EMULATOR,
        transport=transport(),
        timeouts=Timeouts(deadline=5),  # type: ignore[operator]
    ) as client:
        with pytest.raises(expected) as caught:
            await client.send("79990001122", "Hello", id="frames-1")
    assert_no_leak(caught.value, FORMS)


@pytest.mark.parametrize("fault", [Fault.reset_after(), Fault.truncated(), Fault.html()])
async def test_in_process_failures_hold_no_credential(anyio_backend: str, fault: Fault) -> None:
    plan = FaultPlan()
    plan.once(fault)
    async with client_for(
        "login+password", base_url=EMULATOR, transport=new_fake().transport(faults=plan)
    ) as client:
        with pytest.raises(SmscError) as caught:
            await client.send("79990001122", "Hello", id="frames-2")
    assert_no_leak(caught.value, FORMS)


async def test_an_attachment_failing_mid_upload_holds_no_credential(
    wired: tuple[str, FaultPlan, dict[str, object]], tmp_path: Path
) -> None:
    """The credentials went out in the first part; the file then changed size. The error is
    the attachment's own, and no frame it passed through (the library's) is kept."""
    _, _, options = wired
    path = tmp_path / "report.csv"
    path.write_bytes(b"total,42\n" * 1000)
    attachment = smsc_async.Attachment.from_path(path)
    path.write_bytes(b"total,42\n")  # shorter than measured
    async with client_for("login+password", **options) as client:
        with pytest.raises(smsc_async.AttachmentError) as caught:
            await client.send_email(
                "alex@example.com",
                "Report",
                subject="Report",
                sender="me@example.com",
                files=[attachment],
            )
    assert_no_leak(caught.value, FORMS)
