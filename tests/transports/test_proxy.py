"""Proxies behave the same on both network transports: ``proxy=``, or the environment's.

A tiny forwarding proxy (plain ``http://``, absolute-form requests) runs on 127.0.0.1 and
counts what goes through it, with the ``Proxy-Authorization`` it was given; the target is the
loopback server, which counts what reaches it.
"""

from __future__ import annotations

import base64
import http.client
import threading
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import httpx2
import pytest
from loopback import LoopbackServer

from smsc_async import AsyncClient, ConfigurationError
from smsc_async._transports.base import HttpRequest, Timeouts
from smsc_async.transports import AiohttpTransport, HttpxTransport

pytestmark = pytest.mark.anyio

TIMEOUTS = Timeouts(connect=2.0, read=5.0, write=5.0, deadline=10.0)
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _ProxyServer

    def do_POST(self) -> None:
        target = urlsplit(self.path)  # absolute-form: http://host:port/path
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with self.server.lock:
            self.server.seen.append((self.path, self.headers.get("Proxy-Authorization")))
        upstream = http.client.HTTPConnection(target.hostname or "", target.port or 80, timeout=5)
        try:
            headers = {k: v for k, v in self.headers.items() if not k.lower().startswith("proxy-")}
            upstream.request("POST", target.path or "/", body=body, headers=headers)
            answer = upstream.getresponse()
            content = answer.read()
            self.send_response(answer.status)
            for name in ("Content-Type",):
                if answer.getheader(name):
                    self.send_header(name, answer.getheader(name) or "")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)
        finally:
            upstream.close()

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _ProxyServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.lock = threading.Lock()
        self.seen: list[tuple[str, str | None]] = []


@pytest.fixture
def proxy() -> Iterator[_ProxyServer]:
    server = _ProxyServer()
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def proxy_url(server: _ProxyServer, credentials: str = "") -> str:
    return f"http://{credentials}127.0.0.1:{server.server_address[1]}"


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No proxy variable from the machine running the tests; each test sets its own."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    return monkeypatch


@pytest.fixture(params=["httpx", "aiohttp"])
def kind(request: pytest.FixtureRequest, anyio_backend: str) -> str:
    if request.param == "aiohttp" and anyio_backend == "trio":
        pytest.skip("aiohttp runs on asyncio only")
    return str(request.param)


@pytest.fixture
async def target() -> AsyncIterator[LoopbackServer]:
    with LoopbackServer() as server:
        yield server


async def post_through(transport: HttpxTransport | AiohttpTransport, url: str) -> None:
    try:
        request = HttpRequest(url=f"{url}/sys/balance.php", body=b"login=a&psw=b&cur=1")
        answer = await transport.request(request, TIMEOUTS)
        assert answer.status == 200
    finally:
        await transport.aclose()


def build(kind: str, **options: Any) -> HttpxTransport | AiohttpTransport:
    return HttpxTransport(**options) if kind == "httpx" else AiohttpTransport(**options)


async def test_the_environment_proxy_is_used(
    kind: str, proxy: _ProxyServer, target: LoopbackServer, environment: pytest.MonkeyPatch
) -> None:
    environment.setenv("HTTP_PROXY", proxy_url(proxy))
    await post_through(build(kind), target.url)
    assert [path for path, _ in proxy.seen] == [f"{target.url}/sys/balance.php"]
    assert len(target.requests) == 1


async def test_no_proxy_bypasses_the_environment_proxy(
    kind: str, proxy: _ProxyServer, target: LoopbackServer, environment: pytest.MonkeyPatch
) -> None:
    environment.setenv("HTTP_PROXY", proxy_url(proxy))
    environment.setenv("NO_PROXY", "example.com,127.0.0.1")
    await post_through(build(kind), target.url)
    assert proxy.seen == []
    assert len(target.requests) == 1


async def test_an_explicit_proxy_is_used_whatever_the_environment_says(
    kind: str, proxy: _ProxyServer, target: LoopbackServer, environment: pytest.MonkeyPatch
) -> None:
    environment.setenv("NO_PROXY", "*")
    await post_through(build(kind, proxy=proxy_url(proxy)), target.url)
    assert len(proxy.seen) == 1
    assert len(target.requests) == 1


async def test_proxy_credentials_go_in_the_proxy_authorization_header(
    kind: str, proxy: _ProxyServer, target: LoopbackServer, environment: pytest.MonkeyPatch
) -> None:
    await post_through(build(kind, proxy=proxy_url(proxy, "proxy-user:pa%20ss@")), target.url)
    ((_, authorization),) = proxy.seen
    assert authorization == "Basic " + base64.b64encode(b"proxy-user:pa ss").decode()
    (received,) = target.requests
    assert received.header("Proxy-Authorization") is None


async def test_without_proxy_settings_requests_go_direct(
    kind: str, proxy: _ProxyServer, target: LoopbackServer, environment: pytest.MonkeyPatch
) -> None:
    await post_through(build(kind), target.url)
    assert proxy.seen == []
    assert len(target.requests) == 1


async def test_the_client_takes_a_proxy_for_either_transport(
    anyio_backend: str, proxy: _ProxyServer, target: LoopbackServer, environment: pytest.MonkeyPatch
) -> None:
    options = {"login": "a", "password": "b", "base_url": target.url, "allow_http": True}
    async with AsyncClient(**options, proxy=proxy_url(proxy)) as client:  # type: ignore[arg-type]
        await client.request("balance")
    if anyio_backend == "asyncio":
        import aiohttp

        async with (
            aiohttp.ClientSession() as session,
            AsyncClient(**options, transport=session, proxy=proxy_url(proxy)) as client,  # type: ignore[arg-type]
        ):
            await client.request("balance")
    assert len(proxy.seen) == (2 if anyio_backend == "asyncio" else 1)


@pytest.mark.parametrize("value", ["socks5://127.0.0.1:1080", "127.0.0.1:3128", "", 3128])
def test_a_proxy_must_be_an_http_url(value: object) -> None:
    for make in (HttpxTransport, AiohttpTransport):
        with pytest.raises(ConfigurationError, match="proxy"):
            make(proxy=value)  # type: ignore[arg-type]


def test_a_proxy_does_not_combine_with_a_given_httpx2_client_or_transport() -> None:
    mock = httpx2.MockTransport(lambda request: httpx2.Response(200))
    with pytest.raises(ConfigurationError):
        HttpxTransport(transport=mock, proxy="http://127.0.0.1:3128")
    with pytest.raises(ConfigurationError):
        AsyncClient(login="a", password="b", transport=mock, proxy="http://127.0.0.1:3128")
    with pytest.raises(ConfigurationError, match="set them on the transport"):
        AsyncClient(login="a", password="b", transport=AiohttpTransport(), proxy="http://p:1")


def test_the_repr_tells_an_explicit_proxy_without_showing_it() -> None:
    for make in (HttpxTransport, AiohttpTransport):
        text = repr(make(proxy="http://user:secret@proxy.example:3128"))
        assert "explicit proxy" in text and "secret" not in text and "proxy.example" not in text
