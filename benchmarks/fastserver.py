"""A minimal, cheap SMSC ``send.php`` server for measuring clients, not for testing them.

The emulator (`smsc_async.testing.FakeSMSC` behind uvicorn) checks every rule and keeps a
ledger, which costs it a few hundred µs of CPU per request: at 0 ms latency it, not the
client, would set the pace. This server answers the same requests correctly and cheaply, so
the client is what is measured:

* HTTP/1.1 keep-alive on raw ``asyncio.Protocol`` (Content-Length bodies; ``Connection:
  close`` honoured, as the official-style client asks for it);
* ``/sys/send.php`` by GET (query) or POST (form body); the ``login``/``psw`` pair must match
  (else SMSC error 2); ``phones`` (split on ``,``/``;``) or ``list`` (one message per line,
  ``phones:text``) give the recipients; the answer is SMSC's ``fmt=3`` JSON or ``fmt=1``
  text with ``cost=3`` fields (id — the client's ``id`` when given —, cnt, cost, balance),
  and with ``op=1`` (fmt=3) a row per recipient, billed at 1.50 per message;
* SMSC's concurrency rule: a request arriving while 14 are in flight is answered error 9 at
  once; a request is in flight during its server-side ``latency`` (± ``jitter``), as in the
  emulator.

No other endpoint, rule or format: anything else is answered 404 or error 1.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence
from urllib.parse import parse_qsl

__all__ = ["FastServer", "serve_fast"]

_MAX_IN_FLIGHT = 14
_PRICE_CENTS = 150
_NOT_FOUND = (
    b"HTTP/1.1 404 Not Found\r\ncontent-type: text/plain\r\ncontent-length: 10\r\n\r\nnot found\n"
)


class FastServer:
    """Shared state of one fast server: credentials, balance, ids, requests in flight."""

    def __init__(self, *, login: str, password: str, latency: float, jitter: float) -> None:
        self.login = login
        self.password = password
        self.latency = latency
        self.jitter = jitter
        self.balance_cents = 10**15
        self.next_id = 0
        self.in_flight = 0
        self.peak_in_flight = 0
        self.requests = 0

    def delay(self) -> float:
        """This request's server-side latency: ``latency`` ± up to ``jitter`` (never < 0)."""
        if not self.jitter:
            return self.latency
        return max(0.0, self.latency + random.uniform(-self.jitter, self.jitter))

    def answer(self, target: bytes, body: bytes) -> tuple[bytes, bool]:
        """The HTTP answer to one request and whether it counts as in flight (not refused)."""
        path, _, query = target.partition(b"?")
        if path != b"/sys/send.php":
            return _NOT_FOUND, False
        params = dict(parse_qsl((query + b"&" + body).decode("utf-8", "replace")))
        fmt = params.get("fmt", "0")
        self.requests += 1
        if params.get("login") != self.login or params.get("psw") != self.password:
            return _api_error(fmt, 2, "authorise error"), False
        if self.in_flight >= _MAX_IN_FLIGHT:
            return _api_error(fmt, 9, "too many concurrent requests"), False
        phones = _recipients(params)
        if not phones:
            return _api_error(fmt, 1, "parameters error"), False
        self.next_id += 1
        cents = len(phones) * _PRICE_CENTS
        self.balance_cents -= cents
        raw_id = params.get("id", "")
        message_id = raw_id or str(self.next_id)
        fields = [message_id, str(len(phones)), _money(cents), _money(self.balance_cents)]
        op = params.get("op") == "1"
        if fmt == "3":
            return _ok(_json_answer(fields, phones if op else ()), fmt), True
        return _ok(",".join(fields), fmt), True


def _recipients(params: dict[str, str]) -> list[str]:
    """Every recipient of a ``phones`` or ``list`` request (a ``list`` line is phones:text)."""
    if "list" in params:
        lines = params["list"].split("\n")
        heads = [line.partition(":")[0] for line in lines if ":" in line]
    elif params.get("mes"):
        heads = [params.get("phones", "")]
    else:
        return []
    return [p.strip() for head in heads for p in head.replace(";", ",").split(",") if p.strip()]


def _json_answer(fields: list[str], phones: Sequence[str]) -> str:
    """fmt=3 with cost=3; with ``op=1`` a row per recipient, as SMSC gives."""
    message_id, count, cost, balance = fields
    shown_id = message_id if message_id.isdigit() else f'"{message_id}"'
    text = f'{{"id":{shown_id},"cnt":{count},"cost":"{cost}","balance":"{balance}"'
    if phones:
        price = _money(_PRICE_CENTS)
        rows = ",".join(
            f'{{"phone":"{p}","mccmnc":"25001","cost":"{price}","status":"-1","error":"0"}}'
            for p in phones
        )
        text += f',"phones":[{rows}]'
    return text + "}"


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _ok(text: str, fmt: str) -> bytes:
    content_type = b"application/json" if fmt == "3" else b"text/plain"
    data = text.encode()
    head = b"HTTP/1.1 200 OK\r\ncontent-type: %s; charset=utf-8\r\ncontent-length: %d\r\n\r\n"
    return head % (content_type, len(data)) + data


def _api_error(fmt: str, code: int, text: str) -> bytes:
    if fmt == "3":
        return _ok(f'{{"error":"{text}","error_code":{code}}}', fmt)
    return _ok(f"0,-{code}", fmt)


class _Connection(asyncio.Protocol):
    """One client connection: parse requests as they arrive, answer after the latency."""

    def __init__(self, server: FastServer) -> None:
        self.server = server
        self.buffer = b""
        self.transport: asyncio.Transport | None = None
        self.loop = asyncio.get_running_loop()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].lower()
            length = 0
            marker = head.find(b"content-length:")
            if marker >= 0:
                stop = head.find(b"\r\n", marker)
                length = int(head[marker + 15 : stop if stop >= 0 else None])
            if len(self.buffer) < end + 4 + length:
                return
            body = self.buffer[end + 4 : end + 4 + length]
            self.buffer = self.buffer[end + 4 + length :]
            target = head.split(b" ", 2)[1] if head.count(b" ") >= 2 else b"/"
            close = b"connection: close" in head
            self._respond(target, body, close)

    def _respond(self, target: bytes, body: bytes, close: bool) -> None:
        server = self.server
        reply, counted = server.answer(target, body)
        if not counted:
            self._write(reply, close, False)
            return
        server.in_flight += 1
        server.peak_in_flight = max(server.peak_in_flight, server.in_flight)
        delay = server.delay()
        if delay > 0:
            self.loop.call_later(delay, self._write, reply, close, True)
        else:
            self._write(reply, close, True)

    def _write(self, reply: bytes, close: bool, counted: bool) -> None:
        if counted:
            self.server.in_flight -= 1
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        transport.write(reply)
        if close:
            transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None


async def serve_fast(
    server: FastServer, host: str, port: int, ready: asyncio.Future[int] | None = None
) -> None:
    """Serve ``server`` on ``host:port`` forever; ``ready`` receives the bound port."""
    loop = asyncio.get_running_loop()
    listener = await loop.create_server(lambda: _Connection(server), host, port, backlog=512)
    bound = int(listener.sockets[0].getsockname()[1])
    if ready is not None:
        ready.set_result(bound)
    async with listener:
        await listener.serve_forever()
