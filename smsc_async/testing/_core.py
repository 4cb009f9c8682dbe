"""`FakeSMSC`: an in-memory SMSC that speaks the HTTP API's wire protocol.

It is built from SMSC's docs alone and shares no code with the SDK's encoder or decoder, so a
bug on one side cannot hide a bug on the other. Transports (in-process, ASGI, a real socket)
turn their requests into a `FakeRequest` and call `FakeSMSC.handle`.

Processing of one request:

1. Route by path (unknown path → 404 HTML page; a method other than GET/POST → 405).
2. Parse: query and body (url-encoded, multipart or JSON), percent-decoded to bytes and then
   decoded with ``charset`` (unreadable parameters → error 1).
3. Authenticate: ``apikey`` when given, else ``login`` + ``psw`` (error 2). No latency.
4. Concurrency: a request arriving while ``Limits.concurrent`` (14) of its login are in
   flight is error 9 at once; otherwise it counts as in flight for ``latency`` seconds
   (``anyio.sleep``) and while it is processed.
5. The endpoint's rules and answer, encoded in the request's charset, HTTP 200 even for API
   errors.

A client that goes away while its request waits out ``latency`` (the transport cancels
``handle``: a cancelled in-process call, a socket the client closed) meets one of two servers,
as SMSC's documentation does not say which it is (``FakeSMSC.abandoned``):

* ``"finish"`` (the default): the server goes on as if the client were still there, as a PHP
  script behind a web server does until it writes its answer. The request is processed (a
  send lands in the ledger) and keeps counting against its login's concurrent requests until
  its ``latency`` has passed, although nobody reads the answer.
* ``"stop"``: the server notices at once and drops the request: nothing is processed and it
  stops counting as in flight.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Literal

import anyio

from ._endpoints.routes import ROUTES, Endpoint
from ._faults.plan import FaultPlan
from ._rules.recipients import recipient_key
from ._servers.inprocess import InProcessTransport
from ._state.account import Account
from ._state.clock import default_clock as _default_clock
from ._state.codes import MessageKind
from ._state.records import LedgerEntry, PingEvent, RequestRecord, StatusChange
from ._state.settings import Limits, ListErrors, NlRecords
from ._state.shared import Context, ServerState
from ._wire.answer import ApiFault, FakeResponse, encode_answer, error_body, not_found_page
from ._wire.request import BadRequest, FakeRequest, ParsedRequest, fallback_format, parse_request

__all__ = ["Abandoned", "FakeSMSC"]

Abandoned = Literal["finish", "stop"]
"""What the emulator does with a request whose client went away (see the module docstring)."""


class FakeSMSC:
    """An in-memory SMSC.

    Args:
        clock: returns the current time in Unix seconds (a `FakeClock` fits); default
            ``time.time``. Every rule and status timeline reads it.
        latency: seconds each authenticated request takes (``anyio.sleep``), so concurrency
            can build up. Adjustable at any time through the ``latency`` attribute.
        limits: the rate rules; default `Limits()`. Adjustable through ``limits``.
        nl_records: which ``list`` lines start a message in ``nl=1`` mode, which SMSC does
            not document (see `NlRecords`); default `NlRecords.PHONE_CHARS`.
        abandoned: ``"finish"`` or ``"stop"``: whether a request whose client went away
            during ``latency`` is still processed and keeps counting as in flight until its
            latency has passed, or is dropped at once (see the module docstring). Adjustable
            through the ``abandoned`` attribute.
        list_errors: what an error with a message id (3, 6, 7, 8) to a ``list`` request of
            several lines took: nothing (the default), or the lines before the one at fault
            (see `ListErrors`). Adjustable through ``list_errors``.

    Safe to call `handle` from many tasks, and from a server thread while tests read
    ``ledger`` from another: state changes happen under a short-held lock, never across an
    ``await``.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] | None = None,
        latency: float = 0.0,
        limits: Limits | None = None,
        nl_records: NlRecords = NlRecords.PHONE_CHARS,
        abandoned: Abandoned = "finish",
        list_errors: ListErrors = ListErrors.ALL_OR_NOTHING,
    ) -> None:
        if abandoned not in ("finish", "stop"):
            raise ValueError(f"abandoned must be 'finish' or 'stop', got {abandoned!r}")
        self.clock: Callable[[], float] = clock or _default_clock
        self.latency = latency
        self.limits = limits or Limits()
        self.abandoned: Abandoned = abandoned
        self._state = ServerState(
            limits=self.limits,
            nl_records=NlRecords(nl_records),
            list_errors=ListErrors(list_errors),
        )
        # Abandoned requests still running ("finish"): (monotonic end of latency, login).
        self._lingering: list[tuple[float, str]] = []
        self.requests: list[RequestRecord] = []
        """Every API request answered, oldest first."""

    # ------------------------------------------------------------------ state for tests

    @property
    def list_errors(self) -> ListErrors:
        """The reading of errors with an id to a multi-line ``list`` (see `ListErrors`)."""
        return self._state.list_errors

    @list_errors.setter
    def list_errors(self, reading: ListErrors) -> None:
        self._state.list_errors = ListErrors(reading)

    @property
    def ledger(self) -> list[LedgerEntry]:
        """Every accepted message, oldest first (a ``list`` send adds one entry per line)."""
        return self._state.ledger

    @property
    def ping_events(self) -> list[PingEvent]:
        """Every accepted ``ping.php`` notification, oldest first."""
        return self._state.ping_events

    @property
    def accounts(self) -> Mapping[str, Account]:
        """The accounts by login."""
        return self._state.accounts

    def now(self) -> float:
        """The emulator's current time (its clock)."""
        return self.clock()

    def add_account(
        self,
        login: str,
        password: str,
        *,
        api_key: str | None = None,
        balance: Decimal = Decimal("100"),
        senders: Iterable[str] = ("SMSC",),
        price: Decimal = Decimal("1.50"),
        test_mode: bool = True,
        status_step: float = 1.0,
        currency: str = "RUR",
        tz: int = 0,
    ) -> Account:
        """Create an account (see `Account` for what each setting does) and return it."""
        account = Account(
            login=login,
            password=password,
            api_key=api_key,
            balance=Decimal(balance),
            senders=senders,
            price=Decimal(price),
            test_mode=test_mode,
            status_step=status_step,
            currency=currency,
            tz=tz,
        )
        with self._state.lock:
            self._state.accounts[login] = account
        return account

    def account(self, login: str) -> Account:
        """The account ``login`` (``KeyError`` when there is none)."""
        return self._state.accounts[login]

    def find(
        self,
        *,
        id: int | str | None = None,
        phone: str | None = None,
        login: str | None = None,
        kind: MessageKind | None = None,
    ) -> list[LedgerEntry]:
        """Ledger entries matching every criterion given, oldest first. ``phone`` is
        compared after the server's normalisation (``+7 (999) …`` finds ``7999…``)."""
        key = recipient_key(phone) if phone is not None else None
        with self._state.lock:
            entries = list(self._state.ledger)
        return [
            e
            for e in entries
            if (id is None or e.id == id)
            and (key is None or key in e.recipients)
            and (login is None or e.login == login)
            and (kind is None or e.kind is kind)
        ]

    def set_status(
        self, message_id: int | str, phone: str, status: int, *, error: int = 0
    ) -> StatusChange:
        """Make the latest message ``message_id`` to ``phone`` reach ``status`` now (planned
        test-mode steps still in the future are dropped). ``LookupError`` if there is none."""
        key = recipient_key(phone)
        with self._state.lock:
            for entry in reversed(self._state.ledger):
                if entry.id == message_id and key in entry.recipients:
                    now = self.clock()
                    change = StatusChange(status=int(status), error=error, at=now)
                    kept = [c for c in entry.statuses[key] if c.at <= now]
                    entry.statuses[key] = [*kept, change]
                    return change
        raise LookupError(f"no message {message_id!r} to that recipient")

    def in_flight(self, login: str) -> int:
        """Requests of ``login`` being processed now (abandoned ones still running included)."""
        with self._state.lock:
            self._settle()
            return self._state.in_flight.get(login, 0)

    def peak_in_flight(self, login: str) -> int:
        """The most requests of ``login`` ever processed at once.

        A request refused with error 9 (one too many) never counts: check ``requests`` for
        error code 9 to see whether a client ever sent one more than ``Limits.concurrent``.
        """
        return self._state.peak_in_flight.get(login, 0)

    def transport(self, *, faults: FaultPlan | None = None) -> InProcessTransport:
        """An `smsc_async.Transport` that talks to this emulator in-process (no socket).

        Pass it as ``AsyncClient(..., transport=fake.transport())``; ``faults`` injects
        failures (see `FaultPlan`).
        """
        return InProcessTransport(self, faults=faults)

    # ------------------------------------------------------------------ the wire

    async def handle(self, request: FakeRequest) -> FakeResponse:
        """Answer one HTTP request exactly as SMSC would (see the module docstring)."""
        route = ROUTES.get(request.path)
        if route is None:
            return not_found_page()
        if request.method.upper() not in ("GET", "POST"):
            return not_found_page(405, "Method Not Allowed")
        try:
            parsed = parse_request(request)
        except BadRequest:
            fmt, charset = fallback_format(request)
            return self._answer(request, None, fmt, charset, ApiFault(1, "parameters error"))
        with self._state.lock:
            account = self._state.authenticate(parsed.params)
            if account is None:
                fault = ApiFault(2, "authorise error")
                return self._answer(request, None, parsed.fmt, parsed.charset, fault)
            login = account.login
            self._settle()
            if self._state.in_flight.get(login, 0) >= self.limits.concurrent:
                fault = ApiFault(9, "too many concurrent requests")
                return self._answer(request, login, parsed.fmt, parsed.charset, fault)
            self._enter(login)
        latency = self.latency
        ends = time.monotonic() + latency
        try:
            await anyio.sleep(latency)
        except BaseException:  # the client went away (the transport cancelled this call)
            with self._state.lock:
                if self.abandoned == "finish":
                    self._process(route, account, request, parsed)
                    self._lingering.append((ends, login))
                else:
                    self._state.in_flight[login] -= 1
            raise
        try:
            with self._state.lock:
                return self._process(route, account, request, parsed)
        finally:
            with self._state.lock:
                self._state.in_flight[login] -= 1

    def _process(
        self,
        route: Endpoint,
        account: Account,
        request: FakeRequest,
        parsed: ParsedRequest,
    ) -> FakeResponse:
        """Apply the endpoint's rules and build its answer (under the lock)."""
        ctx = Context(state=self._state, account=account, request=parsed, now=self.clock())
        try:
            text = route(ctx)
        except ApiFault as fault:
            return self._answer(request, account.login, parsed.fmt, parsed.charset, fault)
        self._record(request, account.login, parsed.fmt, None)
        return encode_answer(parsed.fmt, parsed.charset, text)

    def _settle(self) -> None:
        """Stop counting abandoned requests whose latency has passed (under the lock)."""
        if not self._lingering:
            return
        now = time.monotonic()
        running = []
        for ends, login in self._lingering:
            if ends <= now:
                self._state.in_flight[login] -= 1
            else:
                running.append((ends, login))
        self._lingering[:] = running

    def _enter(self, login: str) -> None:
        state = self._state
        state.in_flight[login] = state.in_flight.get(login, 0) + 1
        state.peak_in_flight[login] = max(
            state.peak_in_flight.get(login, 0), state.in_flight[login]
        )

    def _record(self, request: FakeRequest, login: str | None, fmt: int, code: int | None) -> None:
        with self._state.lock:
            record = RequestRecord(
                path=request.path, login=login, fmt=fmt, error_code=code, at=self.clock()
            )
            self.requests.append(record)

    def _answer(
        self, request: FakeRequest, login: str | None, fmt: int, charset: str, fault: ApiFault
    ) -> FakeResponse:
        self._record(request, login, fmt, fault.code)
        return encode_answer(fmt, charset, error_body(fmt, fault))

    def __repr__(self) -> str:
        return f"FakeSMSC(accounts={len(self._state.accounts)}, ledger={len(self.ledger)})"
