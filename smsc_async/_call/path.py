"""`CallPath`: the money-safe way every call of `AsyncClient` goes to the server.

One method, `CallPath.call`, is what every API call uses: it checks the client may send at
all (open, in its own event loop, not cooling off after SMSC blocked this IP), builds the
request, makes attempts within the call's deadline and the client's limiter, and turns every
failure into the `SmscError` that says what the caller can do. The policies:

* **Retries.** A request that provably never left (`RequestNotSent`) is retried for every
  call; timeouts, dropped connections, 5xx and 429 answers only for read-only calls, after a
  capped jittered backoff or the server's ``Retry-After`` (429/503), whichever is longer. A
  send that may have reached the server is never retried: `OutcomeUnknownError`.
* **Time.** An attempt starts only with ``Timeouts.min_attempt_time`` of the deadline left; a
  call waits for a slot at most ``Timeouts.queue`` (see `smsc_async._call.attempt.Slots`).
* **Only SmscError escapes.** An exception no transport should raise becomes
  `OutcomeUnknownError` once the request was handed over, `NotSentError` before, raised
  without a chain to it (its frames may hold the body).
* **Another event loop** than the one of the first request is refused before anything is
  sent (`WrongEventLoopError`): the connections and the limiter belong to that loop.
* **Error 4** (this IP is blocked) starts a cool-off during which calls raise `IpBlockedError`
  without any network I/O: every further request would prolong the block.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from time import monotonic
from typing import TYPE_CHECKING

import anyio
from anyio.lowlevel import current_token

from .._errors import (
    ClientClosedError,
    ConfigurationError,
    NotSentError,
    OutcomeUnknownError,
    ProtocolError,
    SmscError,
    TransportError,
    WrongEventLoopError,
)
from .._transports.base import (
    RETRY_AFTER_STATUSES,
    ExchangeFailed,
    HttpRequest,
    HttpResponse,
    RequestNotSent,
    Timeouts,
    Transport,
    deadline_transport,
)
from .._types.attachment import Attachment
from .._wire.answers import decode_text
from .._wire.form import form_body, form_fields
from .attempt import Attempts, Slots, within
from .cooloff import Cooloff
from .multipart import MultipartBody
from .retry import RetryPolicy, retry_after_seconds

if TYPE_CHECKING:
    from anyio.abc import AsyncBackend

    from .._redact import Redactor

__all__ = ["CallPath", "current_loop", "wrong_loop"]

logger = logging.getLogger("smsc_async")


class CallPath:
    """The money-safe path of every request of one `AsyncClient`; see the module.

    Its `call` method is the `smsc_async._resources.base.Call` every API area is built
    around. The client creates it, owns the transport it is given, and closes it with
    `aclose`.
    """

    __slots__ = (
        "_auth",
        "_backend",
        "_base_url",
        "_closed",
        "_cooloff",
        "_loop",
        "_redactor",
        "_retry",
        "_slots",
        "_timed",
        "_timeouts",
        "_transport",
    )

    def __init__(
        self,
        *,
        auth: bytes,
        base_url: str,
        redactor: Redactor,
        transport: Transport,
        timeouts: Timeouts,
        retry: RetryPolicy,
        slots: Slots,
        cooloff: float,
    ) -> None:
        self._auth = auth  # the credentials, pre-encoded as the start of every body
        self._base_url = base_url
        self._redactor = redactor
        self._transport = transport
        # Set when the transport bounds a whole attempt itself (no cancel scope needed).
        self._timed = deadline_transport(transport)
        self._timeouts = timeouts
        self._retry = retry
        self._slots = slots
        self._cooloff = Cooloff(cooloff)
        self._closed = False
        # The event loop of the first request (anyio's backend and native loop token, the
        # loop itself on asyncio), then fixed: asking the backend directly is cheaper.
        self._backend: type[AsyncBackend] | None = None
        self._loop: object = None

    @property
    def closed(self) -> bool:
        return self._closed

    def check_loop(self) -> None:
        """Raise `WrongEventLoopError` if bound to another event loop than the running one."""
        if self._loop is not None and current_loop() is not self._loop:
            raise wrong_loop()

    async def aclose(self) -> None:
        """Refuse further calls and close the transport (idempotent).

        From another event loop than the one the client ran in, it only refuses further
        calls: the connections belong to that loop and cannot be closed from here.
        """
        if self._closed:
            return
        self._closed = True
        if self._loop is not None and current_loop() is not self._loop:
            logger.warning(
                "AsyncClient.aclose() called from another event loop than the one it ran "
                "in; its connections are left to be dropped with that loop"
            )
            return
        self._slots.release_all()
        with anyio.CancelScope(shield=True):
            await self._transport.aclose()

    async def call(
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
        backend = self._backend
        if backend is None:
            self._enter_loop()
        else:
            try:
                loop = backend.current_token()
            except RuntimeError:  # not running on that backend at all
                loop = None
            if loop is not self._loop:
                raise wrong_loop()
        cooloff = self._cooloff
        if cooloff.until:
            cooloff.refuse(endpoint)
        attempt = Attempts(endpoint, message_id)
        failure: SmscError
        try:
            url = f"{self._base_url}/sys/{endpoint}.php"
            if files:
                stream = MultipartBody([*form_fields(self._auth), *params.items()], files)
                request = HttpRequest(url=url, stream=stream, content_type=stream.content_type)
            else:
                request = HttpRequest(url=url, body=self._auth + form_body(params))
            response = await self._attempts(request, attempt, idempotent)
        except SmscError:
            raise
        except Exception as exc:  # noqa: BLE001 - every call raises only SmscError
            failure = attempt.unexpected(exc, self._auth)
        else:
            if response.status != 200:
                raise ProtocolError(
                    "unexpected HTTP status", endpoint=endpoint, status_code=response.status
                )
            answer = _answer_text(response, self._redactor)
            if isinstance(answer, str):
                if "rror" in answer:  # "error", "ERROR": perhaps error 4
                    cooloff.watch(answer, endpoint)
                return answer
            failure = answer
        # Raised here, outside the except block, so that nothing chains to the exception.
        raise failure

    def _enter_loop(self) -> None:
        """Bind the client to the event loop of its first request (see `call`)."""
        try:
            token = current_token()
        except anyio.NoEventLoopError:
            raise ConfigurationError(
                "no event loop anyio supports (asyncio or trio) is running in this thread"
            ) from None
        self._backend, self._loop = token.backend_class, token.native_token

    async def _attempts(
        self, request: HttpRequest, attempt: Attempts, idempotent: bool
    ) -> HttpResponse:
        """Make attempts until one is answered or the policy gives up, all within the deadline.

        The deadline is counted on the monotonic clock from here. The common path (a free
        limiter slot, a transport that enforces the deadline itself) enters no cancel scope,
        which would cost a timer and several task look-ups per call; waiting for a slot and
        attempts over other transports run under `anyio.move_on_after` with the seconds
        left (see `within`). An attempt starts only with ``timeouts.min_attempt_time`` left.

        The slot of an attempt that ends without an answer after it may have left (the
        caller's cancellation, a timeout, a dropped connection) is parked, not released:
        the server may still be working on it (see `Slots`).
        """
        slots = self._slots
        limiter = slots.limiter or slots.open()
        transport, timed, timeouts = self._transport, self._timed, self._timeouts
        left = timeouts.deadline  # seconds left when the next attempt starts
        end = monotonic() + left
        # The slot's borrower: this call's `Attempts`, which spares two current-task
        # look-ups per call; a fresh object after a parked attempt.
        borrower: object = attempt
        while True:
            attempt.number += 1
            # A free slot is taken without anyio's checkpoint (a shielded sleep(0), one more
            # event-loop turn per request): the transport's own awaits are checkpoints. Only
            # a full limiter waits; both ways keep its FIFO order (the nowait form refuses
            # while any waits).
            try:
                limiter.acquire_on_behalf_of_nowait(borrower)
            except anyio.WouldBlock:
                await slots.wait(borrower, attempt, end, timeouts)
                left = end - monotonic()
            start = monotonic()
            failure: Exception | None = None
            try:
                # `in_flight` is set once the transport has the request: calling `request`
                # only builds its coroutine, so a wrong signature fails before that.
                if timed is None:
                    call = transport.request(request, timeouts)
                    attempt.in_flight = True
                    response = await within(end, attempt, timeouts, call)
                else:
                    call = timed.request(request, timeouts, deadline=left)
                    attempt.in_flight = True
                    response = await call
            except RequestNotSent as exc:
                limiter.release_on_behalf_of(borrower)
                failure = exc
            except ExchangeFailed as exc:
                borrower = slots.park(borrower, attempt, timeouts)
                failure = exc
            except OutcomeUnknownError:  # the deadline, while the request may be out
                slots.park(borrower, attempt, timeouts)
                raise
            except SmscError:  # the body stream's own error, a closed transport: not sent
                limiter.release_on_behalf_of(borrower)
                raise
            except Exception as exc:  # noqa: BLE001 - no transport should raise it
                if attempt.in_flight:
                    slots.park(borrower, attempt, timeouts)
                else:
                    limiter.release_on_behalf_of(borrower)
                failure = attempt.unexpected(exc, self._auth)
                attempt.note(start, None, exc)
            except BaseException:  # cancelled
                if attempt.in_flight:
                    slots.park(borrower, attempt, timeouts)
                else:
                    limiter.release_on_behalf_of(borrower)
                raise
            else:
                limiter.release_on_behalf_of(borrower)
            # Errors are raised below, outside the except blocks, so that no exception chain
            # keeps a transport's exception (whose frames may hold the body).
            if failure is None:
                attempt.note(start, response.status, None)
                if response.status < 500 and response.status != 429:
                    return response
                delay = self._after_status(response, attempt, end, idempotent)
                if delay is None:
                    return response  # the caller reports the status
            else:
                delay = self._after_failure(failure, attempt, start, end, idempotent)
            await anyio.sleep(delay)
            left = end - monotonic()

    def _after_status(
        self, response: HttpResponse, attempt: Attempts, end: float, idempotent: bool
    ) -> float | None:
        """After a 5xx or 429 answer: the pause before a retry, or None to return it."""
        status = response.status
        wait = None
        if status in RETRY_AFTER_STATUSES:
            wait = retry_after_seconds(response.retry_after)
        if not idempotent:
            after = f" (Retry-After: {wait:g} s)" if wait is not None else ""
            raise OutcomeUnknownError(
                f"the server answered HTTP {status}{after}",
                endpoint=attempt.endpoint,
                message_id=attempt.message_id,
            )
        return self._retry_delay(attempt, end, wait)

    def _after_failure(
        self, failure: Exception, attempt: Attempts, start: float, end: float, idempotent: bool
    ) -> float:
        """After an attempt got no answer: the pause before a retry; raises the call's error
        when there is none."""
        if isinstance(failure, TransportError):
            raise failure  # an unexpected exception, already mapped
        sent = not isinstance(failure, RequestNotSent)
        if self._timed is not None:
            attempt.check_deadline(end, self._timeouts, sent=sent)
        attempt.note(start, None, failure)
        delay = None if sent and not idempotent else self._retry_delay(attempt, end, None)
        if delay is None:
            error = OutcomeUnknownError if sent else NotSentError
            raise error(
                _MAY_HAVE_REACHED if sent else "could not reach the server",
                endpoint=attempt.endpoint,
                message_id=attempt.message_id,
                cause=str(failure),
            )
        return delay

    def _retry_delay(self, attempt: Attempts, end: float, wait: float | None) -> float | None:
        """The pause before the next attempt, or None when the call should give up now.

        Gives up after the policy's last attempt, once the client is closed, when the server
        asked (``wait``, its Retry-After) for more than ``max_retry_after`` seconds, or when
        the next attempt would start with less than ``min_attempt_time`` of the deadline left.
        """
        retry = self._retry
        if attempt.number >= retry.attempts or self._closed:
            return None
        delay = retry.backoff_delay(attempt.number, random.random())
        if wait is not None:
            if wait > retry.max_retry_after:
                return None
            delay = max(delay, wait)
        if end - monotonic() - delay < self._timeouts.min_attempt_time:
            return None
        return delay


_MAY_HAVE_REACHED = "the request may have reached the server, but no answer was read"


def _answer_text(response: HttpResponse, redactor: Redactor) -> str | ProtocolError:
    """The answer's text, with any credential the server quoted back already replaced.

    Errors redact what they carry, but the decoders that build them hold the answer in their
    frames, which error trackers record with their locals. So an answer that could become an
    error (it mentions an error, or is not the JSON every request asks for: an HTML page, a
    truncated body) is redacted before any decoder sees it; a plain JSON success answer,
    which no decoder turns into an error that quotes it, is passed on as it is at no cost.
    An undecodable body becomes a new `ProtocolError`, so no frame that held the raw bytes
    stays in its traceback.
    """
    try:
        text = decode_text(response.content, response.content_type)
    except ProtocolError as exc:
        return ProtocolError(exc.reason, status_code=exc.status_code, body=exc.body)
    if "rror" in text or text[:1] not in ("{", "["):
        return redactor.text(text)
    return text


def current_loop() -> object:
    """anyio's native token of the running event loop (the loop itself on asyncio)."""
    try:
        return current_token().native_token
    except anyio.NoEventLoopError:  # pragma: no cover - only ever called inside a loop
        return None


def wrong_loop() -> WrongEventLoopError:
    return WrongEventLoopError(
        "this AsyncClient was first used in another event loop (a second asyncio.run or "
        "trio.run?); nothing was sent. Create the client inside the event loop that uses it"
    )
