"""The floor: a hand-written HTTP/1.1 client on raw ``asyncio.Protocol``.

It does the least work a correct client can do for this workload: one pre-built request
(request line, three headers, body) per call, up to 14 keep-alive connections reused LIFO,
and a parser that finds the end of the head, reads the status code and ``Content-Length`` and
slices the body. No chunked bodies, no redirects, no timeouts, no TLS: it is not a usable
client, only the best any Python client can do on this machine — the yardstick the real
libraries and the SDK are compared with.
"""

from __future__ import annotations

import asyncio
from collections import deque
from urllib.parse import urlsplit

__all__ = ["FloorClient"]


class _Connection(asyncio.Protocol):
    """One keep-alive connection carrying one request at a time."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = b""
        self.body_start = -1
        self.body_end = -1
        self.status = 0
        self.waiter: asyncio.Future[tuple[int, bytes]] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if self.body_end < 0:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].lower()
            self.status = int(head[9:12])
            marker = head.find(b"content-length:")
            stop = head.find(b"\r\n", marker)
            length = int(head[marker + 15 : stop if stop >= 0 else None]) if marker >= 0 else 0
            self.body_start = end + 4
            self.body_end = end + 4 + length
        if len(self.buffer) >= self.body_end:
            body = self.buffer[self.body_start : self.body_end]
            self.buffer = self.buffer[self.body_end :]
            self.body_end = -1
            waiter, self.waiter = self.waiter, None
            if waiter is not None and not waiter.done():
                waiter.set_result((self.status, body))

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(ConnectionError("connection lost mid-request"))

    def exchange(self, data: bytes) -> asyncio.Future[tuple[int, bytes]]:
        """Write one request; the future resolves to (status, body)."""
        assert self.transport is not None
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(data)
        return self.waiter


class FloorClient:
    """POST form bodies to one URL over at most ``connections`` keep-alive connections."""

    def __init__(self, url: str, *, connections: int = 14) -> None:
        parts = urlsplit(url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.head = (
            f"POST {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: "
        ).encode()
        self.limit = connections
        self.opened = 0
        self.idle: list[_Connection] = []
        self.waiters: deque[asyncio.Future[_Connection]] = deque()

    async def post(self, body: bytes) -> tuple[int, bytes]:
        """POST ``body`` and return (status, answer body)."""
        connection = await self._acquire()
        try:
            data = b"%s%d\r\n\r\n%s" % (self.head, len(body), body)
            result = await connection.exchange(data)
        except BaseException:
            if connection.transport is not None:
                connection.transport.close()
            self.opened -= 1
            raise
        self._release(connection)
        return result

    async def _acquire(self) -> _Connection:
        while self.idle:
            connection = self.idle.pop()
            if connection.transport is not None:
                return connection
            self.opened -= 1
        if self.opened < self.limit:
            self.opened += 1
            loop = asyncio.get_running_loop()
            try:
                _, protocol = await loop.create_connection(_Connection, self.host, self.port)
            except BaseException:
                self.opened -= 1
                raise
            return protocol
        waiter: asyncio.Future[_Connection] = asyncio.get_running_loop().create_future()
        self.waiters.append(waiter)
        return await waiter

    def _release(self, connection: _Connection) -> None:
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(connection)
                return
        self.idle.append(connection)

    def close(self) -> None:
        """Close every idle connection."""
        for connection in self.idle:
            if connection.transport is not None:
                connection.transport.close()
        self.idle.clear()
