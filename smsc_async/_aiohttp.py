"""A `Transport` over aiohttp, for applications that already run an aiohttp session.

aiohttp is an optional extra, imported when an `AiohttpTransport` is constructed, so this
module (and the package) imports fine without it.

aiohttp runs on asyncio only. Under trio the first request raises `ConfigurationError`; use the
default httpx2 transport there.

Stale keep-alive connections and POST: aiohttp 3.14's ``ClientSession._request`` retries a
request once on a new connection after ``ServerDisconnectedError``/``ClientOSError`` on a
reused connection, but only for methods in ``IDEMPOTENT_METHODS`` (GET, HEAD, OPTIONS, TRACE,
PUT, DELETE; RFC 9112 §9.3.1.1). A POST is never resent: the error reaches us and becomes
`ExchangeFailed`. To make that race rare, idle connections are dropped after
`KEEPALIVE_EXPIRY` seconds (below common 5 s server idle timeouts), as for httpx2.

The call deadline: this transport enforces it itself (``enforces_deadline``). A timer per
request — aiohttp's ``ClientTimeout.total``, ``asyncio.timeout`` or an anyio cancel scope —
costs a timer handle and several task look-ups per request (about 5 µs of aiohttp's own
~105 µs, measured), so the first attempt of every call is watched by a `_Watchdog` instead:
one event-loop timer for all exchanges in flight. Other deadlines (a retry's remaining time)
and Python 3.10 (no ``Task.uncancel``) use ``ClientTimeout.total``.
"""

from __future__ import annotations

import asyncio
import math
import sys
from collections.abc import AsyncIterator
from types import ModuleType
from typing import TYPE_CHECKING, Any

import anyio

from ._errors import ClientClosedError, ConfigurationError
from ._http import KEEPALIVE_EXPIRY, failure_text
from ._transport import (
    BodyStream,
    ExchangeFailed,
    HttpRequest,
    HttpResponse,
    RequestNotSent,
    Timeouts,
)

if TYPE_CHECKING:
    import aiohttp

__all__ = ["INSTALL_HINT", "AiohttpTransport", "wrap_session"]

INSTALL_HINT = "pip install smsc_async[aiohttp]"
_NO_FAILURES: list[Exception] = []  # shared and never appended to: bodies without a stream


def _import_aiohttp() -> ModuleType:
    try:
        import aiohttp
    except ImportError as exc:
        raise ImportError(
            f"AiohttpTransport needs the aiohttp package; install it with: {INSTALL_HINT}",
            name="aiohttp",
        ) from exc
    return aiohttp


class _Guard:
    """One exchange the `_Watchdog` watches: its task and when its time is up."""

    __slots__ = ("cancelling", "fired", "task", "when")

    def __init__(self, task: asyncio.Task[Any], when: float) -> None:
        self.task = task
        self.when = when
        self.fired = False
        # The task's pending cancellations before ours, as `asyncio.timeout` keeps them.
        self.cancelling = 0
        if sys.version_info >= (3, 11):
            self.cancelling = task.cancelling()

    def took_back(self) -> bool:
        """After a CancelledError: whether it was only this guard's (then it is undone)."""
        if sys.version_info >= (3, 11):
            return self.fired and self.task.uncancel() <= self.cancelling
        return False  # pragma: no cover  # no watchdog before 3.11


class _Watchdog:
    """Cancels the tasks of exchanges that outlive their budget, with one loop timer for all.

    Every exchange it watches has the same budget (the first one it saw: the client's whole
    `Timeouts.deadline`), so deadlines grow in the order exchanges start, and the first live
    entry of the insertion-ordered dict is the earliest. The timer is armed no later than that
    deadline; when it fires it cancels every task whose time is up (as ``asyncio.timeout``
    does: the task's own code turns the cancellation into a timeout) and re-arms for the
    next. A finished exchange just leaves the dict, so nothing grows with the request count.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._budget: float | None = None
        self._guards: dict[_Guard, None] = {}
        self._timer: asyncio.TimerHandle | None = None

    def watch(self, budget: float) -> _Guard | None:
        """Watch the current task for ``budget`` seconds; None for another budget."""
        if self._budget is None:
            self._budget = budget
        elif budget != self._budget:
            return None
        task = asyncio.current_task(self._loop)
        if task is None:  # pragma: no cover  # a request always runs in a task
            return None
        guard = _Guard(task, self._loop.time() + budget)
        self._guards[guard] = None
        if self._timer is None:
            self._timer = self._loop.call_at(guard.when, self._fire)
        return guard

    def release(self, guard: _Guard) -> None:
        """The exchange is over: stop watching it."""
        self._guards.pop(guard, None)

    def _fire(self) -> None:
        self._timer = None
        now = self._loop.time()
        expired = []
        for guard in self._guards:
            if guard.when > now:
                self._timer = self._loop.call_at(guard.when, self._fire)
                break
            expired.append(guard)
        for guard in expired:
            del self._guards[guard]
            guard.fired = True
            guard.task.cancel()


class AiohttpTransport:
    """A `Transport` sending through an ``aiohttp.ClientSession`` (asyncio only).

    Args:
        max_connections: pool size (``TCPConnector(limit=...)``); used only when this
            transport builds its own session.
        session: a caller-owned ``aiohttp.ClientSession``. It is used as is (its connector,
            cookies, proxy settings) except that redirects are never followed and timeouts
            come from each call, and `aclose` leaves it open.

    The own session is created at the first request (aiohttp needs a running loop): no
    cookies kept (``DummyCookieJar``), idle connections kept `KEEPALIVE_EXPIRY` seconds, and
    ``trust_env=False`` (aiohttp's default). With ``trust_env=True`` aiohttp 3.14 looks up
    ``~/.netrc`` in a worker thread on every request, a thread hop per call on the hot path;
    to go through a proxy, pass a session built with ``trust_env=True`` or a ``proxy=``.

    Raises:
        ImportError: aiohttp is not installed (the message says how to install it).
        ConfigurationError: max_connections < 1; or, at the first request, not on asyncio.
    """

    def __init__(
        self, *, max_connections: int = 14, session: aiohttp.ClientSession | None = None
    ) -> None:
        self._aiohttp = _import_aiohttp()
        if max_connections < 1:
            raise ConfigurationError("max_connections must be at least 1")
        aio = self._aiohttp
        self._max_connections = max_connections
        self._session = session
        self._owns_session = session is None
        self._checked_loop = False
        self._closed = False
        # Raised before a byte of the request is written: connecting (TCP, TLS, proxy),
        # waiting for the pool (aiohttp's connect timeout covers it), rejecting the URL.
        self._not_sent: tuple[type[BaseException], ...] = (
            aio.ClientConnectorError,
            aio.ConnectionTimeoutError,
            aio.ServerFingerprintMismatch,
            aio.InvalidURL,
            aio.NonHttpUrlClientError,
        )
        self._failed: tuple[type[BaseException], ...] = (
            aio.ClientError,
            asyncio.TimeoutError,
            OSError,
        )
        self._timeouts: dict[Timeouts, aiohttp.ClientTimeout] = {}
        # The last timeout without a total, found by identity (hashing Timeouts costs more).
        self._last: tuple[Timeouts, aiohttp.ClientTimeout] | None = None
        self._watchdog: _Watchdog | None = None  # made at the first request (needs the loop)
        self._headers: dict[str, dict[str, str]] = {}

    #: aiohttp bounds a whole exchange itself (``ClientTimeout.total``), so the client passes
    #: the call's remaining seconds as ``deadline`` instead of entering a cancel scope.
    enforces_deadline = True

    def __repr__(self) -> str:
        owner = "own session" if self._owns_session else "caller's session"
        state = "closed" if self._closed else "open"
        return f"<AiohttpTransport {owner}, max_connections={self._max_connections}, {state}>"

    async def request(
        self, request: HttpRequest, timeouts: Timeouts, *, deadline: float | None = None
    ) -> HttpResponse:
        """POST ``request`` and return the whole answer (see `Transport.request`).

        ``deadline`` bounds the whole exchange, from the pool wait to the answer's last byte
        (see `DeadlineTransport.request`); it becomes aiohttp's ``ClientTimeout.total``.

        Raises:
            RequestNotSent: nothing was sent (connect/TLS/pool failure, bad URL).
            ExchangeFailed: the request may have reached the server.
            ClientClosedError: `aclose` was called before.
            ConfigurationError: not running on asyncio.
        """
        if self._closed:
            raise ClientClosedError("the transport is closed")
        session = self._session if self._checked_loop else None
        if session is None:
            session = self._open()
        stream_failures: list[Exception] = _NO_FAILURES
        data: bytes | AsyncIterator[bytes] = request.body
        if request.stream is None:
            headers = self._headers.get(request.content_type) or self._content_type(request)
        else:
            stream_failures = []
            data = _watched(request.stream, stream_failures)
            headers = {
                "Content-Type": request.content_type,
                "Content-Length": str(request.stream.length),
            }
        watchdog = self._watchdog
        guard = None if deadline is None or watchdog is None else watchdog.watch(deadline)
        if deadline is None or guard is not None:
            last = self._last
            timeout = (
                last[1] if last is not None and last[0] is timeouts else self._cached(timeouts)
            )
        else:  # a deadline the watchdog does not keep: aiohttp's own total limit
            timeout = self._timeout(timeouts, deadline)
        try:
            async with session.post(
                request.url,
                data=data,
                headers=headers,
                allow_redirects=False,
                timeout=timeout,
            ) as response:
                content = await response.read()
                status = response.status
                return HttpResponse(
                    status=status,
                    content=content,
                    content_type=response.headers.get("Content-Type"),
                    retry_after=(
                        response.headers.get("Retry-After") if status in (429, 503) else None
                    ),
                )
        except self._not_sent as exc:
            failure: Exception = RequestNotSent(failure_text(exc, request.body))
        except self._failed as exc:
            failure = ExchangeFailed(failure_text(exc, request.body))
        except asyncio.CancelledError:
            if guard is None or not guard.took_back():
                raise  # the caller's cancellation, not the deadline
            failure = ExchangeFailed(f"no answer within the {deadline:g} s deadline")
        finally:
            if guard is not None and watchdog is not None:
                watchdog.release(guard)
        if stream_failures:
            # aiohttp wraps what the body stream raised; the stream's own error says more.
            failure = stream_failures[0]
        # Raised here, outside the except blocks, so no exception chain keeps the body.
        raise failure

    async def aclose(self) -> None:
        """Close the session this transport created (idempotent); a caller's stays open."""
        if self._closed:
            return
        self._closed = True
        # The watchdog stays armed: calls still in flight (on a caller-owned session, which
        # closing does not abort) keep their deadline.
        session, self._session = self._session, None
        if session is not None and self._owns_session:
            with anyio.CancelScope(shield=True):
                await session.close()

    def active_connections(self) -> int:
        """How many connections are checked out of the pool (connecting or mid-exchange).

        A diagnostic for tests and monitoring (it reads the connector's set of acquired
        connections, which aiohttp does not expose publicly): after every call has finished
        or been cancelled this must be 0.
        """
        connector = None if self._session is None else self._session.connector
        return len(getattr(connector, "_acquired", ()))

    def _open(self) -> aiohttp.ClientSession:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise ConfigurationError(
                "AiohttpTransport needs asyncio (aiohttp does not run on trio); "
                "use the default httpx2 transport instead"
            ) from None
        self._checked_loop = True
        if sys.version_info >= (3, 11):  # it needs Task.uncancel
            self._watchdog = _Watchdog(loop)
        if self._session is None:
            aio = self._aiohttp
            self._session = aio.ClientSession(
                connector=aio.TCPConnector(
                    limit=self._max_connections,
                    limit_per_host=0,
                    keepalive_timeout=KEEPALIVE_EXPIRY,
                ),
                cookie_jar=aio.DummyCookieJar(),
                trust_env=False,
            )
        return self._session

    def _timeout(self, timeouts: Timeouts, deadline: float | None) -> aiohttp.ClientTimeout:
        # `total` is the call's deadline (what is left of it), None when the watchdog keeps
        # it; `connect` covers the pool wait and the connection; `sock_read` the gaps between
        # reads. `ceil_threshold=inf`: aiohttp otherwise rounds a timer of 5 s or more up to
        # a whole second of the loop clock, which could let a call outlive its deadline.
        timeout: aiohttp.ClientTimeout = self._aiohttp.ClientTimeout(
            total=deadline,
            connect=timeouts.connect,
            sock_connect=timeouts.connect,
            sock_read=timeouts.read,
            ceil_threshold=math.inf,
        )
        return timeout

    def _cached(self, timeouts: Timeouts) -> aiohttp.ClientTimeout:
        """The timeout without a total for ``timeouts``, cached."""
        timeout = self._timeouts.get(timeouts)
        if timeout is None:
            timeout = self._timeout(timeouts, None)
            if len(self._timeouts) < 8:
                self._timeouts[timeouts] = timeout
        self._last = (timeouts, timeout)
        return timeout

    def _content_type(self, request: HttpRequest) -> dict[str, str]:
        headers = {"Content-Type": request.content_type}
        if len(self._headers) < 8:
            self._headers[request.content_type] = headers
        return headers


async def _watched(stream: BodyStream, failures: list[Exception]) -> AsyncIterator[bytes]:
    """``stream``'s chunks, noting in ``failures`` an exception the stream itself raised."""
    try:
        async for chunk in stream.chunks():
            yield chunk
    except Exception as exc:
        failures.append(exc)
        raise


def wrap_session(obj: object) -> AiohttpTransport | None:
    """An `AiohttpTransport` around ``obj`` if it is an ``aiohttp.ClientSession``, else None.

    Does not import aiohttp: whoever holds a session has imported it already.
    """
    aio: Any = sys.modules.get("aiohttp")
    if aio is not None and isinstance(obj, aio.ClientSession):
        return AiohttpTransport(session=obj)
    return None
