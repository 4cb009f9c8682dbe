"""`AsyncClient`: construction, lifecycle, and the API areas hung on it.

The client validates its configuration, builds the transport and the call path
(`smsc_async._call.path.CallPath`) every request goes through, and composes the API areas
around that call path: each area is an object of `smsc_async._resources` (or `_bulk`) that
sees only `CallPath.call`. Verbs such as ``client.send`` are the areas' methods, offered on
the client by `Verb`, so every signature is written once.
"""

from __future__ import annotations

import math
import os
from time import monotonic
from types import TracebackType
from typing import TYPE_CHECKING

import anyio

from ._bulk.sending import BulkSending
from ._call.attempt import Slots
from ._call.path import CallPath
from ._call.retry import RetryPolicy
from ._errors import ClientClosedError, ConfigurationError
from ._redact import watch as watch_credentials
from ._resources.balance import BalanceArea
from ._resources.base import Verb
from ._resources.operator_templates import OperatorTemplatesArea
from ._resources.ping import Notifications
from ._resources.raw import RawRequests
from ._resources.send.file_kinds import FileMessageKinds
from ._resources.send.kinds import MessageKinds
from ._resources.send.messages import Messages
from ._resources.status import StatusArea
from ._resources.templates import TemplatesArea
from ._transports.base import Timeouts
from ._transports.choose import coerce_transport
from ._wire.form import form_body

if TYPE_CHECKING:
    from typing_extensions import Self

    from ._transports.choose import TransportLike

__all__ = ["DEFAULT_IP_BLOCK_COOLOFF", "MAX_CONCURRENCY", "AsyncClient"]

#: SMSC answers error 9 to the 15th concurrent request of one login, so 14 is the ceiling.
MAX_CONCURRENCY = 14

#: Seconds the client sends nothing after SMSC answered error 4 (this IP is blocked).
DEFAULT_IP_BLOCK_COOLOFF = 60.0


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


class AsyncClient:
    """An async client for the SMSC.ru HTTP API, safe to share across tasks.

    One client holds one connection pool and one limiter: create it once (e.g. in your app's
    lifespan), share it, and close it with ``async with`` or `aclose`. A client belongs to the
    event loop it first makes a request in; a call from any other loop (a second
    ``asyncio.run``, a ``trio.run`` after it) raises `WrongEventLoopError` before anything is
    sent.

    Every call raises only `SmscError` subclasses (cancellation aside): even an exception a
    transport should never raise becomes `OutcomeUnknownError` once the request was handed
    to it, `NotSentError` before.

    The cap of concurrent requests is kept at the server, not only in the client: a request
    the client stops waiting for (cancelled, or timed out) after it may have been written keeps
    its slot for ``timeouts.read`` seconds more, because SMSC may still be processing it and
    counts it against the 14 until it is done. ``limiter.borrowed_tokens`` includes such
    slots; each is logged (with the message id) when it is parked.

    Args:
        login: account login (with ``password``).
        password: account password.
        api_key: API key, instead of login+password. With no credentials at all, the
            ``SMSC_LOGIN``/``SMSC_PASSWORD``/``SMSC_API_KEY`` environment variables are read.
        base_url: ``https://smsc.ru`` or a regional mirror (``https://smsc.kz``, …).
        allow_http: permit a plain ``http://`` base URL (for a local emulator only).
        timeouts: connect/read/write limits per attempt, a deadline per call and a bound on
            waiting for a free slot (see `Timeouts`).
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
        ip_block_cooloff: seconds to send nothing after SMSC answered error 4 (this IP is
            blocked after frequent erroneous requests), since every further request would
            prolong the block. Meanwhile calls raise `IpBlockedError` at once, without any
            network I/O, its description saying the refusal is local. 0 disables it.

    Raises:
        ConfigurationError: missing or conflicting credentials, an unusable URL or limit.
    """

    __slots__ = (
        "_auth_kind",
        "_balance",
        "_base_url",
        "_bulk",
        "_file_kinds",
        "_kinds",
        "_max_concurrency",
        "_messages",
        "_notifications",
        "_operator_templates",
        "_path",
        "_raw",
        "_redactor",
        "_slots",
        "_status",
        "_templates",
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
        ip_block_cooloff: float = DEFAULT_IP_BLOCK_COOLOFF,
    ) -> None:
        self._path: CallPath | None = None  # for __repr__/aclose if __init__ raises below
        auth = _credentials_body(login, password, api_key)
        # Errors built while this client exists have its credentials replaced by ***.
        self._redactor = watch_credentials(auth)
        self._auth_kind = "api_key" if auth.startswith(b"apikey=") else "login+password"
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
        if (
            isinstance(ip_block_cooloff, bool)
            or not isinstance(ip_block_cooloff, (int, float))
            or not 0 <= ip_block_cooloff < math.inf
        ):
            raise ConfigurationError("ip_block_cooloff must be a number of seconds >= 0")
        self._max_concurrency = max_concurrency
        retry = retry if retry is not None else RetryPolicy()
        self._transport = coerce_transport(
            transport,
            max_connections=max_concurrency,
            max_response_bytes=max_response_bytes,
            proxy=proxy,
        )
        self._slots = Slots(max_concurrency)
        self._path = CallPath(
            auth=auth,
            base_url=self._base_url,
            redactor=self._redactor,
            transport=self._transport,
            timeouts=timeouts if timeouts is not None else Timeouts(),
            retry=retry,
            slots=self._slots,
            cooloff=float(ip_block_cooloff),
        )
        # The API areas, each around the one call path. A new area is one line here (and a
        # property or `Verb` below to offer it).
        call = self._path.call
        self._messages = Messages(call)
        self._kinds = MessageKinds(call)
        self._file_kinds = FileMessageKinds(call)
        self._status = StatusArea(call)
        self._templates = TemplatesArea(call)
        self._operator_templates = OperatorTemplatesArea(call)
        self._balance = BalanceArea(call)
        self._notifications = Notifications(call)
        self._raw = RawRequests(call)
        self._bulk = BulkSending(
            call, status=self._status, concurrency=max_concurrency, retry=retry
        )

    def __repr__(self) -> str:
        # getattr: a debugger or a traceback may show a client whose __init__ raised.
        path = getattr(self, "_path", None)
        return (
            f"AsyncClient(base_url={getattr(self, '_base_url', None)!r}, "
            f"auth={getattr(self, '_auth_kind', None)}, "
            f"max_concurrency={getattr(self, '_max_concurrency', None)}, "
            f"closed={path.closed if path is not None else None})"
        )

    # ------------------------------------------------------------------ the API areas

    send = Verb("_messages", Messages.send)
    send_list = Verb("_messages", Messages.send_list)
    cost = Verb("_messages", Messages.cost)
    send_flash = Verb("_kinds", MessageKinds.send_flash)
    send_binary = Verb("_kinds", MessageKinds.send_binary)
    send_wap_push = Verb("_kinds", MessageKinds.send_wap_push)
    send_hlr = Verb("_kinds", MessageKinds.send_hlr)
    send_ping = Verb("_kinds", MessageKinds.send_ping)
    send_soc = Verb("_kinds", MessageKinds.send_soc)
    send_whatsapp = Verb("_kinds", MessageKinds.send_whatsapp)
    send_telegram_code = Verb("_kinds", MessageKinds.send_telegram_code)
    send_telegram_bot = Verb("_kinds", MessageKinds.send_telegram_bot)
    send_mms = Verb("_file_kinds", FileMessageKinds.send_mms)
    send_email = Verb("_file_kinds", FileMessageKinds.send_email)
    call = Verb("_file_kinds", FileMessageKinds.call)
    send_viber = Verb("_file_kinds", FileMessageKinds.send_viber)
    balance = Verb("_balance", BalanceArea.balance)
    notify = Verb("_notifications", Notifications.notify)
    request = Verb("_raw", RawRequests.request)
    send_many = Verb("_bulk", BulkSending.send_many)
    reconcile = Verb("_bulk", BulkSending.reconcile)

    @property
    def status(self) -> StatusArea:
        """Message statuses: ``await client.status(id, phone)``, ``client.status.many(…)``."""
        return self._status

    @property
    def templates(self) -> TemplatesArea:
        """Message templates: create, update, delete, list."""
        return self._templates

    @property
    def operator_templates(self) -> OperatorTemplatesArea:
        """Operator templates: create, statuses."""
        return self._operator_templates

    # ------------------------------------------------------------------ lifecycle

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
        """The limiter every HTTP attempt holds a slot of (for monitoring).

        Its borrowed tokens include the slots still held for abandoned requests (see the
        class docstring).
        """
        self._slots.release_expired(monotonic())
        return self._slots.open()

    @property
    def closed(self) -> bool:
        """Whether `aclose` has been called."""
        return self._path is None or self._path.closed

    async def __aenter__(self) -> Self:
        if self.closed:
            raise ClientClosedError("this AsyncClient is closed; create a new one")
        assert self._path is not None
        self._path.check_loop()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool (idempotent). Calls made afterwards raise.

        Called from another event loop than the one the client ran in, it only marks the
        client closed: the connections belong to that loop and cannot be closed from here.
        """
        if self._path is not None:
            await self._path.aclose()
