"""`AsyncClient`: one connection pool, one limiter, and the money-safe call path."""

from __future__ import annotations

import logging
import os
import random
import time
from collections.abc import Awaitable, Iterable, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, NoReturn, TypeVar

import anyio

from ._account import AccountAPI
from ._bulk import BulkSending
from ._decode import decode_text
from ._decode_send import parse_send
from ._encode import encode_send, encode_send_list, form_body
from ._errors import (
    ClientClosedError,
    ConfigurationError,
    NotSentError,
    OutcomeUnknownError,
    ProtocolError,
)
from ._files import Attachment, MultipartBody, form_fields
from ._http import coerce_transport
from ._kinds import MessageKinds
from ._kinds_files import FileMessageKinds
from ._options import Message
from ._redact import watch as watch_credentials
from ._results import CostResult, SendResult
from ._retry import RetryPolicy
from ._transport import (
    ExchangeFailed,
    HttpRequest,
    HttpResponse,
    RequestNotSent,
    Timeouts,
    deadline_transport,
)

if TYPE_CHECKING:
    from typing_extensions import Self, Unpack

    from ._encode import SendOptions
    from ._http import TransportLike

__all__ = ["MAX_CONCURRENCY", "AsyncClient"]

T = TypeVar("T")

logger = logging.getLogger("smsc_async")

#: SMSC answers error 9 to the 15th concurrent request of one login, so 14 is the ceiling.
MAX_CONCURRENCY = 14

# Every request asks for UTF-8 and JSON: the server's defaults (windows-1251, plain text)
# lose characters and are the hardest format to parse.
_FIXED = {"charset": "utf-8", "fmt": "3"}


def _credentials_body(login: str | None, password: str | None, api_key: str | None) -> bytes:
    """Validate the credentials and return them pre-encoded as the start of every body."""
    if login is None and password is None and api_key is None:
        login = os.environ.get("SMSC_LOGIN") or None
        password = os.environ.get("SMSC_PASSWORD") or None
        api_key = os.environ.get("SMSC_API_KEY") or None
        source = "the SMSC_LOGIN/SMSC_PASSWORD/SMSC_API_KEY environment variables"
    else:
        source = "the arguments"
    has_pair = login is not None or password is not None
    if has_pair and api_key is not None:
        raise ConfigurationError(f"give login+password or api_key, not both (from {source})")
    if api_key is not None:
        if not isinstance(api_key, str) or not api_key.strip():
            raise ConfigurationError("api_key must be a non-empty string")
        return form_body({"apikey": api_key, **_FIXED}) + b"&"
    if not has_pair:
        raise ConfigurationError(
            "no credentials: pass login= and password=, or api_key=, "
            "or set SMSC_LOGIN and SMSC_PASSWORD (or SMSC_API_KEY)"
        )
    for name, value in (("login", login), ("password", password)):
        if not isinstance(value, str) or not value.strip():
            raise ConfigurationError(f"{name} must be a non-empty string (from {source})")
    assert login is not None and password is not None
    return form_body({"login": login, "psw": password, **_FIXED}) + b"&"


def _check_base_url(base_url: str, allow_http: bool) -> str:
    """Return ``base_url`` without a trailing slash, refusing what could leak or mislead."""
    if not isinstance(base_url, str):
        raise ConfigurationError("base_url must be a string such as 'https://smsc.ru'")
    url = base_url.rstrip("/")
    scheme, sep, rest = url.partition("://")
    if not sep or not rest or scheme.lower() not in ("http", "https"):
        raise ConfigurationError("base_url must start with https:// (e.g. 'https://smsc.ru')")
    if scheme.lower() == "http" and not allow_http:
        raise ConfigurationError(
            "base_url uses plain http://, which would expose credentials; "
            "pass allow_http=True only for a local emulator or a trusted proxy"
        )
    if any(ch in rest for ch in "@?#") or any(ord(ch) <= 32 for ch in rest):
        raise ConfigurationError(
            "base_url must be scheme://host[:port][/path] with no user info, query or fragment"
        )
    return url


class AsyncClient(AccountAPI, MessageKinds, FileMessageKinds, BulkSending):
    """An async client for the SMSC.ru HTTP API, safe to share across tasks.

    One client holds one connection pool and one limiter: create it once (e.g. in your app's
    lifespan), share it, and close it with ``async with`` or `aclose`.

    Args:
        login: account login (with ``password``).
        password: account password.
        api_key: API key, instead of login+password. With no credentials at all, the
            ``SMSC_LOGIN``/``SMSC_PASSWORD``/``SMSC_API_KEY`` environment variables are read.
        base_url: ``https://smsc.ru`` or a regional mirror (``https://smsc.kz``, …).
        allow_http: permit a plain ``http://`` base URL (for a local emulator only).
        timeouts: connect/read/write limits per attempt and a deadline per call.
        max_concurrency: requests in flight at once, 1..14 (SMSC rejects the 15th).
        retry: how often and how patiently calls that are safe to retry are retried.
        transport: an ``httpx2.AsyncClient`` (never closed by this client), any
            ``httpx2`` transport (``MockTransport``, ``ASGITransport``, …), or an object
            implementing `smsc_async.Transport` (closed with this client). Default: an
            httpx2 pool sized to ``max_concurrency``.
        max_response_bytes: the largest answer read, after decompression (default 16 MiB);
            a larger one raises `ProtocolError`. For the transports the client builds.
        proxy: an ``http://``/``https://`` proxy URL for every request. Without it the
            ``HTTP_PROXY``/``HTTPS_PROXY``/``ALL_PROXY``/``NO_PROXY`` environment variables
            decide. For the transports the client builds (not with an ``httpx2`` client or
            transport, which have their own).

    Raises:
        ConfigurationError: missing or conflicting credentials, an unusable URL or limit.
    """

    __slots__ = (
        "_auth",
        "_auth_kind",
        "_base_url",
        "_closed",
        "_limiter",
        "_max_concurrency",
        "_redactor",
        "_retry",
        "_timed",
        "_timeouts",
        "_transport",
    )

    def __init__(
        self,
        *,
        login: str | None = None,
        password: str | None = None,
        api_key: str | None = None,
        base_url: str = "https://smsc.ru",
        allow_http: bool = False,
        timeouts: Timeouts | None = None,
        max_concurrency: int = MAX_CONCURRENCY,
        retry: RetryPolicy | None = None,
        transport: TransportLike | None = None,
        max_response_bytes: int | None = None,
        proxy: str | None = None,
    ) -> None:
        self._auth = _credentials_body(login, password, api_key)
        # Errors built while this client exists have its credentials replaced by ***.
        self._redactor = watch_credentials(self._auth)
        self._auth_kind = "api_key" if self._auth.startswith(b"apikey=") else "login+password"
        self._base_url = _check_base_url(base_url, allow_http)
        if (
            isinstance(max_concurrency, bool)
            or not isinstance(max_concurrency, int)
            or not 1 <= max_concurrency <= MAX_CONCURRENCY
        ):
            raise ConfigurationError(
                f"max_concurrency must be an int from 1 to {MAX_CONCURRENCY} "
                "(SMSC rejects the 15th concurrent request of a login)"
            )
        self._max_concurrency = max_concurrency
        self._timeouts = timeouts if timeouts is not None else Timeouts()
        self._retry = retry if retry is not None else RetryPolicy()
        self._transport = coerce_transport(
            transport,
            max_connections=max_concurrency,
            max_response_bytes=max_response_bytes,
            proxy=proxy,
        )
        # Set when the transport bounds a whole attempt itself (no cancel scope needed).
        self._timed = deadline_transport(self._transport)
        # Created on first use, inside the event loop that will use it.
        self._limiter: anyio.CapacityLimiter | None = None
        self._closed = False

    def __repr__(self) -> str:
        return (
            f"AsyncClient(base_url={self._base_url!r}, auth={self._auth_kind}, "
            f"max_concurrency={self._max_concurrency}, closed={self._closed})"
        )

    @property
    def base_url(self) -> str:
        """The base URL requests go to, without a trailing slash."""
        return self._base_url

    @property
    def max_concurrency(self) -> int:
        """The most requests this client has in flight at once."""
        return self._max_concurrency

    @property
    def limiter(self) -> anyio.CapacityLimiter:
        """The limiter every HTTP attempt holds a slot of (for monitoring)."""
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(self._max_concurrency)
        return self._limiter

    @property
    def closed(self) -> bool:
        """Whether `aclose` has been called."""
        return self._closed

    async def __aenter__(self) -> Self:
        if self._closed:
            raise ClientClosedError("this AsyncClient is closed; create a new one")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool (idempotent). Calls made afterwards raise."""
        if self._closed:
            return
        self._closed = True
        with anyio.CancelScope(shield=True):
            await self._transport.aclose()

    async def send(
        self,
        phones: str | Iterable[str],
        message: str,
        **options: Unpack[SendOptions],
    ) -> SendResult:
        """Send one message to one or more recipients.

        The request asks for ``cost=3``, so the result always carries the cost and the new
        balance. A send is never retried once it may have reached the server.

        Args:
            phones: a number, a comma/semicolon list, or an iterable of numbers
                (``+7…``, ``7…``, ``G<n>`` groups).
            message: the text, at most 1000 characters.
            **options: any of `smsc_async.SendOptions` (``sender=``, ``id=``, ``time=``, …).

        Returns:
            The server's id, parts, cost, balance (and per-phone reports with ``op=True``).

        Raises:
            ValidationError: bad input, before anything is sent.
            ApiError: the server refused (a subclass per code, e.g. InsufficientFundsError).
            NotSentError: nothing reached the server; safe to send again.
            OutcomeUnknownError: it may have been sent; reconcile before resending.
            ProtocolError: the answer could not be read; the send may have happened.
        """
        params = encode_send(phones, message, options)
        return await self._send(params, options)

    async def send_list(
        self,
        messages: Iterable[Message],
        **options: Unpack[SendOptions],
    ) -> SendResult:
        """Send several different messages in one request (SMSC's ``list``).

        All messages share one id; options apply to every line. Errors as for `send`.
        """
        params = encode_send_list(messages, options)
        return await self._send(params, options)

    async def cost(
        self,
        phones: str | Iterable[str],
        message: str,
        **options: Unpack[SendOptions],
    ) -> CostResult:
        """Ask what a send would cost (``cost=1``); nothing is sent or charged.

        Read-only, so connection failures, timeouts and 5xx answers are retried with capped,
        jittered backoff. SMSC answers error 9 to a sixth identical cost request in a minute.
        """
        params = encode_send(phones, message, options)
        params["cost"] = "1"
        text = await self._call("send", params, idempotent=True, message_id=options.get("id"))
        result = parse_send(text, fmt=3, cost=1, op=bool(options.get("op")))
        assert isinstance(result, CostResult)
        return result

    async def _send(
        self,
        params: dict[str, str],
        options: Mapping[str, object],
        *,
        files: Sequence[Attachment] = (),
    ) -> SendResult:
        """Send encoded ``params`` (and ``files``) once, never replayed; decode ``cost=3``."""
        params["cost"] = "3"
        message_id = options.get("id")
        text = await self._call(
            "send",
            params,
            idempotent=False,
            message_id=message_id if isinstance(message_id, (int, str)) else None,
            files=files,
        )
        result = parse_send(text, fmt=3, cost=3, op=bool(options.get("op")))
        assert isinstance(result, SendResult)
        return result

    async def _call(
        self,
        endpoint: str,
        params: dict[str, str],
        *,
        idempotent: bool,
        message_id: int | str | None = None,
        files: Sequence[Attachment] = (),
    ) -> str:
        """POST ``params`` to ``/sys/<endpoint>.php`` and return the decoded answer text.

        With ``files`` the body is ``multipart/form-data``, streamed from the attachments.
        """
        if self._closed:
            raise ClientClosedError("this AsyncClient is closed; create a new one")
        url = f"{self._base_url}/sys/{endpoint}.php"
        if files:
            stream = MultipartBody([*form_fields(self._auth), *params.items()], files)
            request = HttpRequest(url=url, stream=stream, content_type=stream.content_type)
        else:
            request = HttpRequest(url=url, body=self._auth + form_body(params))
        attempt = _Attempts(endpoint, message_id)
        response = await self._attempts(request, attempt, idempotent)
        if response.status != 200:
            raise ProtocolError(
                "unexpected HTTP status", endpoint=endpoint, status_code=response.status
            )
        return decode_text(response.content, response.content_type)

    async def _attempts(
        self, request: HttpRequest, attempt: _Attempts, idempotent: bool
    ) -> HttpResponse:
        """Make attempts until one is answered or the policy gives up, all within the deadline.

        The deadline is counted on the monotonic clock from here. The common path (a free
        limiter slot, a transport that enforces the deadline itself) enters no cancel scope,
        which would cost a timer and several task look-ups per call; waiting for a slot,
        backoff sleeps and attempts over other transports run under `anyio.move_on_after`
        with the seconds left (see `_within`).
        """
        limiter = self._limiter or self.limiter
        transport, timed, timeouts = self._transport, self._timed, self._timeouts
        left = timeouts.deadline  # seconds left when the next attempt starts
        end = time.monotonic() + left
        while True:
            attempt.number += 1
            # A free slot is taken without anyio's checkpoint (a shielded sleep(0), one more
            # event-loop turn per request): the transport's own awaits are checkpoints. Only
            # a full limiter waits; both ways keep its FIFO order (the nowait form refuses
            # while any waits). The borrower is this call's `_Attempts`, not the task, which
            # spares two current-task look-ups per call.
            try:
                limiter.acquire_on_behalf_of_nowait(attempt)
            except anyio.WouldBlock:
                await _within(end, attempt, timeouts, limiter.acquire_on_behalf_of(attempt))
                left = end - time.monotonic()
            start = time.monotonic()
            try:
                try:
                    if timed is None:
                        attempt.in_flight = True
                        call = transport.request(request, timeouts)
                        response = await _within(end, attempt, timeouts, call)
                    elif left > 0:
                        attempt.in_flight = True
                        response = await timed.request(request, timeouts, deadline=left)
                    else:  # the slot came too late: nothing of this attempt was sent
                        attempt.expire(timeouts)
                finally:
                    limiter.release_on_behalf_of(attempt)
            except RequestNotSent as exc:
                if timed is not None:
                    attempt.check_deadline(end, timeouts, sent=False)
                attempt.note(start, None, exc)
                if attempt.number >= self._retry.attempts or self._closed:
                    raise NotSentError(
                        "could not reach the server",
                        endpoint=attempt.endpoint,
                        message_id=attempt.message_id,
                        cause=str(exc),
                    ) from None
            except ExchangeFailed as exc:
                if timed is not None:
                    attempt.check_deadline(end, timeouts, sent=True)
                attempt.note(start, None, exc)
                if not idempotent or attempt.number >= self._retry.attempts:
                    raise OutcomeUnknownError(
                        "the request may have reached the server, but no answer was read",
                        endpoint=attempt.endpoint,
                        message_id=attempt.message_id,
                        cause=str(exc),
                    ) from None
            else:
                attempt.note(start, response.status, None)
                if response.status < 500:
                    return response
                if not idempotent or attempt.number >= self._retry.attempts:
                    if idempotent:
                        return response
                    raise OutcomeUnknownError(
                        f"the server answered HTTP {response.status}",
                        endpoint=attempt.endpoint,
                        message_id=attempt.message_id,
                    )
            delay = self._retry.backoff_delay(attempt.number, random.random())
            await _within(end, attempt, timeouts, anyio.sleep(delay))
            left = end - time.monotonic()


async def _within(end: float, attempt: _Attempts, timeouts: Timeouts, step: Awaitable[T]) -> T:
    """Await ``step`` until the monotonic clock reaches ``end``; then the call has expired."""
    with anyio.move_on_after(end - time.monotonic()):
        return await step
    attempt.expire(timeouts)


class _Attempts:
    """Book-keeping of one call's attempts: for logs and for what a failure means."""

    __slots__ = ("endpoint", "in_flight", "message_id", "number", "reached")

    def __init__(self, endpoint: str, message_id: int | str | None) -> None:
        self.endpoint = endpoint
        self.message_id = message_id
        self.number = 0
        # An attempt is in flight from the moment it is handed to the transport until the
        # transport answers or proves (RequestNotSent) that nothing left.
        self.in_flight = False
        # Some earlier attempt may have reached the server.
        self.reached = False

    def note(self, start: float, status: int | None, exc: Exception | None) -> None:
        """Record the end of an attempt, and log it without any secret or recipient."""
        self.in_flight = False
        if not isinstance(exc, RequestNotSent):
            self.reached = True
        if exc is not None or logger.isEnabledFor(logging.DEBUG):
            logger.log(
                logging.DEBUG if exc is None else logging.WARNING,
                "POST /sys/%s.php status=%s attempt=%d elapsed=%.3fs%s",
                self.endpoint,
                status if status is not None else "-",
                self.number,
                time.monotonic() - start,
                f" error={type(exc).__name__}" if exc is not None else "",
            )

    def expire(self, timeouts: Timeouts) -> NoReturn:
        """Raise the error that running out of time means at this point of the call."""
        cls = OutcomeUnknownError if self.in_flight or self.reached else NotSentError
        reason = f"no answer within the {timeouts.deadline:g} s deadline"
        raise cls(reason, endpoint=self.endpoint, message_id=self.message_id)

    def check_deadline(self, end: float, timeouts: Timeouts, *, sent: bool) -> None:
        """After a transport that enforces the deadline failed: expire if the time is up.

        ``sent`` is False when the transport proved nothing of this attempt left.
        """
        if time.monotonic() >= end:
            self.in_flight = sent
            self.expire(timeouts)
