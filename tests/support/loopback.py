"""A real-socket HTTP/1.1 server on 127.0.0.1 for transport and client tests.

It runs in background threads (one per connection), so it serves asyncio and trio tests
alike, and it is scripted per request: the test gives either one `Reply` for every request or
a function ``Received -> Reply``. A `Reply` can answer normally, wait first (``delay``), wait
for the test to let it go (``hold``), drip its body one byte at a time (``drip_interval``),
or hang up after reading the request (``Reply.hang_up()``). `refused_url()` gives a URL on
which nothing listens.

The server records every request (`LoopbackServer.requests`) and keeps an exact gauge of
requests in flight: a request counts from the moment its body has been read until the server
starts writing the last part of its answer (or drops the connection), so a client never holds
an answer the gauge still counts; `max_in_flight` is the high-water mark.
`responses_started` counts answers whose headers went out (to catch a client mid-body). Use
`wait_until` (from async code: ``await anyio.to_thread.run_sync(srv.wait_until, pred)``) to
wait for a state instead of sleeping.

Only ``Content-Length`` request bodies are read (what httpx2 and aiohttp send for bytes).
Every wait inside the server ends early when the server stops, so leaving the ``with`` block
never hangs on a held or dripping request.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

__all__ = ["LoopbackServer", "Received", "Reply", "refused_url"]

_STOP_TIMEOUT = 5.0


@dataclass(frozen=True)
class Received:
    """One request as it arrived: method, raw target, headers in order, body bytes."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or None."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


@dataclass(frozen=True)
class Reply:
    """What the server does with one request.

    Attributes:
        status: HTTP status code.
        body: the answer body (sent with a ``Content-Length``).
        content_type: the ``Content-Type`` header, or None for none.
        headers: extra headers.
        delay: seconds to wait before answering.
        hold: when given, answer only once this event is set (or the server stops).
        drip_interval: when given, send the body one byte at a time, this many seconds apart.
        hang_up_instead: read the request, then close the connection without answering.
    """

    status: int = 200
    body: bytes = b"{}"
    content_type: str | None = "application/json"
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0
    hold: threading.Event | None = None
    drip_interval: float | None = None
    hang_up_instead: bool = False

    @classmethod
    def redirect(cls, location: str, status: int = 302) -> Reply:
        """A redirect to ``location``."""
        return cls(status=status, body=b"", content_type=None, headers=(("Location", location),))

    @classmethod
    def hang_up(cls) -> Reply:
        """Close the connection after reading the request, without answering."""
        return cls(hang_up_instead=True)


Handler = Callable[[Received], Reply]


def refused_url() -> str:
    """A loopback URL on which nothing listens (the port was just bound and released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # `LoopbackServer.close` waits for connections itself, bounded.
    request_queue_size = 256  # many clients connect at once in concurrency tests

    def __init__(self, owner: LoopbackServer) -> None:
        self.owner = owner
        super().__init__(("127.0.0.1", 0), _RequestHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host's FQDN, which may wait on DNS.
        socketserver.TCPServer.server_bind(self)
        self.server_name = "127.0.0.1"
        self.server_port = self.server_address[1]


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like a real API server
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.owner._connection_opened(self.connection)

    def finish(self) -> None:
        try:
            with contextlib.suppress(OSError):
                super().finish()
        finally:
            self.server.owner._connection_closed(self.connection)

    def handle(self) -> None:
        try:
            super().handle()
        except OSError:  # the client went away (cancelled, timed out); nothing to answer
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: test output is for the tests."""

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        received = Received(
            method=self.command,
            path=self.path,
            headers=tuple(self.headers.items()),
            body=self.rfile.read(length) if length else b"",
        )
        owner = self.server.owner
        owner._request_started(received)
        done = False

        def finished() -> None:
            # Called just before the last part of the answer goes out (and in any case once
            # handling ends), so a client can never hold its answer while it still counts.
            nonlocal done
            if not done:
                done = True
                owner._request_finished()

        try:
            self._answer(owner, owner._handler(received), finished)
        finally:
            finished()

    do_POST = do_GET = do_PUT = do_DELETE = do_PATCH = _serve

    def _answer(self, owner: LoopbackServer, reply: Reply, finished: Callable[[], None]) -> None:
        stopping = owner._stopping
        if (reply.delay and stopping.wait(reply.delay)) or (
            reply.hold is not None and not _wait_either(reply.hold, stopping)
        ):
            self.close_connection = True
            return
        if reply.hang_up_instead:
            self.close_connection = True
            return
        self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        if reply.content_type is not None:
            self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        body, drip = reply.body, reply.drip_interval
        if drip is None or not body:
            finished()
            self.end_headers()
            owner._response_started()
            self.wfile.write(body)
            return
        self.end_headers()
        owner._response_started()
        for index in range(len(body) - 1):
            self.wfile.write(body[index : index + 1])
            if stopping.wait(drip):
                self.close_connection = True
                return
        finished()
        self.wfile.write(body[-1:])


def _wait_either(event: threading.Event, stopping: threading.Event) -> bool:
    """Wait until ``event`` is set (True) or the server stops (False), without polling hard."""
    while not event.wait(0.05):
        if stopping.is_set():
            return False
    return True


class LoopbackServer:
    """A scripted HTTP/1.1 server on an ephemeral 127.0.0.1 port; use it as a context manager.

    Args:
        handler: a `Reply` given to every request, or a function building one per request
            (called in a server thread; it must not block — use ``Reply.hold`` to hold).
    """

    def __init__(self, handler: Reply | Handler | None = None) -> None:
        if handler is None:
            handler = Reply()
        if isinstance(handler, Reply):
            constant = handler
            handler = lambda _received: constant  # noqa: E731
        self._handler: Handler = handler
        self._state = threading.Condition(threading.RLock())
        self._stopping = threading.Event()
        self._requests: list[Received] = []
        self._sockets: set[socket.socket] = set()
        self._in_flight = 0
        self._max_in_flight = 0
        self._connections_opened = 0
        self._responses_started = 0
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:54321`` (no trailing slash)."""
        return f"http://127.0.0.1:{self._server.server_port}"

    @property
    def requests(self) -> list[Received]:
        """Every request received so far, in arrival order (a copy)."""
        with self._state:
            return list(self._requests)

    @property
    def in_flight(self) -> int:
        """Requests read and not yet answered, right now."""
        with self._state:
            return self._in_flight

    @property
    def max_in_flight(self) -> int:
        """The most requests ever in flight at once."""
        with self._state:
            return self._max_in_flight

    @property
    def responses_started(self) -> int:
        """How many answers have had their status line and headers written."""
        with self._state:
            return self._responses_started

    @property
    def connections_opened(self) -> int:
        """How many TCP connections were accepted in total."""
        with self._state:
            return self._connections_opened

    @property
    def open_connections(self) -> int:
        """How many TCP connections are open right now."""
        with self._state:
            return len(self._sockets)

    def wait_until(self, predicate: Callable[[LoopbackServer], bool], timeout: float = 5.0) -> None:
        """Block until ``predicate(self)`` holds; raise TimeoutError after ``timeout`` s.

        Woken on every state change, so it never polls.
        """
        with self._state:  # an RLock underneath: the predicate may read the properties
            if not self._state.wait_for(lambda: predicate(self), timeout):
                raise TimeoutError(f"loopback server state not reached within {timeout} s")

    def close(self) -> None:
        """Stop serving, hang up every connection, and wait (bounded) for handlers to end."""
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(_STOP_TIMEOUT)
        with self._state:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            self._state.wait_for(lambda: not self._sockets, _STOP_TIMEOUT)

    def __enter__(self) -> LoopbackServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # Called from handler threads.

    def _connection_opened(self, sock: socket.socket) -> None:
        with self._state:
            self._sockets.add(sock)
            self._connections_opened += 1
            self._state.notify_all()

    def _connection_closed(self, sock: socket.socket) -> None:
        with self._state:
            self._sockets.discard(sock)
            self._state.notify_all()

    def _request_started(self, received: Received) -> None:
        with self._state:
            self._requests.append(received)
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)
            self._state.notify_all()

    def _response_started(self) -> None:
        with self._state:
            self._responses_started += 1
            self._state.notify_all()

    def _request_finished(self) -> None:
        with self._state:
            self._in_flight -= 1
            self._state.notify_all()
