"""The emulator's server-wide state (accounts, ledger, rate windows, requests in flight,
authentication) and the context one request is handled in."""

from __future__ import annotations

import hmac
import threading
from collections.abc import Mapping

import attrs

from .._rules.rates import FloodGuard, RateWindow
from .._wire.answer import ApiFault
from .._wire.request import ParsedRequest
from .account import Account
from .records import LedgerEntry, PingEvent
from .settings import Limits, ListErrors, NlRecords

__all__ = ["Context", "ServerState"]


@attrs.define(kw_only=True)
class ServerState:
    """Everything the handlers share; guarded by ``lock`` (held only for synchronous work)."""

    limits: Limits
    nl_records: NlRecords = NlRecords.PHONE_CHARS
    list_errors: ListErrors = ListErrors.ALL_OR_NOTHING
    accounts: dict[str, Account] = attrs.field(factory=dict)
    ledger: list[LedgerEntry] = attrs.field(factory=list)
    ping_events: list[PingEvent] = attrs.field(factory=list)
    windows: RateWindow = attrs.field(factory=RateWindow)
    flood: FloodGuard = attrs.field(factory=FloodGuard)
    in_flight: dict[str, int] = attrs.field(factory=dict)
    peak_in_flight: dict[str, int] = attrs.field(factory=dict)
    lock: threading.RLock = attrs.field(factory=threading.RLock)
    _next_ids: dict[tuple[str, str], int] = attrs.field(factory=dict)

    def authenticate(self, params: Mapping[str, str]) -> Account | None:
        """The account ``apikey`` names when given, else the one ``login`` + ``psw`` name."""
        api_key = params.get("apikey", "")
        if api_key:
            for candidate in self.accounts.values():
                if candidate.api_key and hmac.compare_digest(
                    candidate.api_key.encode(), api_key.encode()
                ):
                    return candidate
            return None
        account = self.accounts.get(params.get("login", ""))
        password = params.get("psw", "")
        if account is None or not hmac.compare_digest(account.password.encode(), password.encode()):
            return None
        return account

    def new_id(self, login: str, sequence: str = "message") -> int:
        """The next id of ``sequence`` (messages, templates…) for ``login``, from 1."""
        key = (login, sequence)
        value = self._next_ids.get(key, 0) + 1
        self._next_ids[key] = value
        return value


@attrs.frozen(kw_only=True)
class Context:
    """One authenticated request being handled."""

    state: ServerState
    account: Account
    request: ParsedRequest
    now: float

    @property
    def params(self) -> Mapping[str, str]:
        """The request's decoded parameters."""
        return self.request.params

    @property
    def fmt(self) -> int:
        """The requested answer format."""
        return self.request.fmt

    def flag(self, name: str) -> bool:
        """Whether a 0/1 parameter is set (present and not ``0`` or empty)."""
        return self.params.get(name, "0").strip() not in ("", "0")

    def choice(self, name: str, allowed: range, default: int = 0) -> int:
        """An integer parameter that must be in ``allowed``; error 1 otherwise."""
        raw = self.params.get(name, "").strip()
        if not raw:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ApiFault(1, "parameters error") from None
        if value not in allowed:
            raise ApiFault(1, "parameters error")
        return value

    def limit_identical(self, rule: str, limit: int) -> object:
        """The identity key of this request under ``rule``, to record (``windows.hit``) once
        the request is accepted; error 9 when ``limit`` accepted identical requests already
        happened within the window."""
        key = (self.account.login, rule, self.request.identity())
        if self.state.windows.count(key, self.now, self.state.limits.window) >= limit:
            raise ApiFault(9, "duplicate request, wait a minute")
        return key
