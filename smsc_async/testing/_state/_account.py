"""The emulator's state: clock, accounts, the ledger of accepted messages, and the containers
for templates, operator templates and notification task groups.

Everything here is plain data that tests read directly (``fake.ledger``, ``account.balance``);
the request handlers mutate it under `FakeSMSC`'s lock.
"""

from __future__ import annotations

import enum
import threading
import time
from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs

__all__ = [
    "Account",
    "FakeClock",
    "FakeFile",
    "LedgerEntry",
    "Limits",
    "ListErrors",
    "MessageKind",
    "MessageStatus",
    "OpTemplate",
    "PingEvent",
    "StatusChange",
    "TaskGroup",
    "Template",
]


class FakeClock:
    """A manual clock in Unix seconds: tests move time with `advance` instead of sleeping.

    An instance is itself a ``Callable[[], float]``, so it can be passed as ``clock=``.
    """

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self._now = float(start)
        self._lock = threading.Lock()

    def now(self) -> float:
        """The current fake time, in Unix seconds."""
        return self._now

    def advance(self, seconds: float) -> float:
        """Move the clock forward by ``seconds`` (not backwards) and return the new time."""
        if seconds < 0:
            raise ValueError("a FakeClock only moves forward")
        with self._lock:
            self._now += seconds
            return self._now

    def __call__(self) -> float:
        return self._now

    def __repr__(self) -> str:
        return f"FakeClock(now={self._now!r})"


class MessageKind(str, enum.Enum):
    """What a ledger entry is: chosen by a send flag (``viber=1``, ``bin=2``…) or a prefix."""

    SMS = "sms"
    FLASH = "flash"
    BIN = "bin"
    PUSH = "push"
    HLR = "hlr"
    PING = "ping"
    MMS = "mms"
    MAIL = "mail"
    SOC = "soc"
    VIBER = "viber"
    WHATSAPP = "whatsapp"
    TG = "tg"
    BOT = "bot"
    CALL = "call"


class MessageStatus(enum.IntEnum):
    """SMSC message status codes."""

    NOT_FOUND = -3
    STOPPED = -2
    WAITING = -1
    PASSED_TO_OPERATOR = 0
    DELIVERED = 1
    READ = 2
    EXPIRED = 3
    CLICKED = 4
    UNDELIVERABLE = 20
    INVALID_NUMBER = 22
    PROHIBITED = 23
    INSUFFICIENT_FUNDS = 24
    UNAVAILABLE = 25


#: Statuses after which a message is finished and failed; `status.php` adds ``err`` for them.
FAILED_STATUSES = frozenset({3, 20, 22, 23, 24, 25})

STATUS_NAMES: Mapping[int, str] = {
    -3: "Сообщение не найдено",
    -2: "Остановлено",
    -1: "Ожидает отправки",
    0: "Передано оператору",
    1: "Доставлено",
    2: "Прочитано",
    3: "Просрочено",
    4: "Нажата ссылка",
    20: "Невозможно доставить",
    22: "Неверный номер",
    23: "Запрещено",
    24: "Недостаточно средств на счете",
    25: "Недоступный номер",
}


@attrs.frozen(kw_only=True)
class FakeFile:
    """A file part of a ``multipart/form-data`` request.

    Attributes:
        field: the form field name.
        filename: the file name the client gave.
        content_type: the part's ``Content-Type`` (``None`` when absent).
        data: the file's bytes.
    """

    field: str
    filename: str
    content_type: str | None
    data: bytes = attrs.field(repr=lambda d: f"<{len(d)} bytes>")


@attrs.frozen(kw_only=True)
class StatusChange:
    """One step of a message's status history for one recipient.

    Attributes:
        status: the status code (see `MessageStatus`).
        error: the error code within the status (0 = none).
        at: when the message reached this status (Unix seconds; may be in the future for the
            planned test-mode progression, which becomes visible as the clock passes it).
    """

    status: int
    error: int
    at: float


@attrs.define(kw_only=True)
class LedgerEntry:
    """One accepted message (a ``list`` send makes one entry per line, all sharing ``id``).

    Attributes:
        id: the message id (the client's, or assigned by the emulator).
        login: the account that sent it.
        recipients: the accepted recipients, normalised (digits only for phone numbers).
        text: the text sent to the recipients: comment removed, kind prefix removed,
            cut to ``maxsms`` parts.
        comment: the text after ``\\n~~~\\n`` (not sent, not billed), or ``None``.
        kind: the message kind.
        parts: units per recipient: SMS parts, or seconds for a voice call.
        cost: what this entry cost in total (``parts × recipients × price``, calls per minute).
        sent_at: when the request was accepted (Unix seconds).
        scheduled_at: when it is sent to recipients (``time=``; equals ``sent_at`` when now).
        sender: the ``sender`` used (per-line sender in ``list``), or ``None``.
        params: the request's decoded parameters, credentials (login, psw, apikey) removed.
        files: files attached to the request.
        statuses: per-recipient status history, oldest first (see `status_of`).
        deleted: recipients whose record ``status.php?del=1`` deleted; they read as −3.
    """

    id: int | str
    login: str
    recipients: tuple[str, ...]
    text: str
    comment: str | None
    kind: MessageKind
    parts: int
    cost: Decimal
    sent_at: float
    scheduled_at: float
    sender: str | None
    params: Mapping[str, str]
    files: tuple[FakeFile, ...] = ()
    statuses: dict[str, list[StatusChange]] = attrs.field(factory=dict)
    deleted: set[str] = attrs.field(factory=set)

    def status_of(self, phone: str, now: float) -> StatusChange:
        """The status of the message for ``phone`` at time ``now``."""
        history = self.statuses[phone]
        current = history[0]
        for change in history:
            if change.at <= now:
                current = change
        return current

    def history_of(self, phone: str, now: float) -> list[StatusChange]:
        """The status changes for ``phone`` that have happened by ``now``."""
        history = self.statuses[phone]
        return [history[0]] + [c for c in history[1:] if c.at <= now]


@attrs.define(kw_only=True)
class Template:
    """A message template (``templates.php``).

    Attributes:
        id: assigned by the emulator.
        name: the template's name.
        message: its text.
        format: ``""`` (unset), ``sms``, ``flash``, ``bin``, ``push``, ``mms``, ``call``,
            ``mail`` or ``viber``.
        sender: the sender name, ``""`` when unset.
        flag: bit 1 set = used as auto-signature (``fl[1]=1``).
    """

    id: int
    name: str
    message: str
    format: str = ""
    sender: str = ""
    flag: int = 0


#: The operator-and-type names of ``op_templates.php``, in the order answers list them.
OPERATOR_TYPES: tuple[str, ...] = (
    "mts_srv",
    "mts_auth",
    "mts_trn",
    "mega_adv",
    "mega_srv",
    "mega_auth",
    "mega_trn",
    "bee_srv",
    "bee_trn",
    "tele2_srv",
    "tele2_trn",
    "motiv_srv",
    "motiv_trn",
    "soc",
)


@attrs.define(kw_only=True)
class OpTemplate:
    """A template registered with one operator for one message type (``op_templates.php``).

    Attributes:
        id: assigned by the emulator.
        operator_type: one of `OPERATOR_TYPES`, e.g. ``mts_srv``.
        sender: the sender name it is for.
        message: the template text.
        status: the registration status ``get`` reports: 0 awaiting registration (as created),
            1 sent for registration, 2 accepted, 3 rejected, 4 disabled. Tests set it to
            simulate the operator.
    """

    id: int
    operator_type: str
    sender: str
    message: str
    status: int = 0


@attrs.define(kw_only=True)
class TaskGroup:
    """A monitoring task group that ``ping.php?id=<id>`` notifies.

    Attributes:
        id: the group's id.
        name: a label for the group.
    """

    id: int
    name: str = ""


@attrs.frozen(kw_only=True)
class PingEvent:
    """One accepted ``ping.php`` notification.

    Attributes:
        login: the account.
        group_id: the task group notified.
        name: fills ``{NAME}``; ``host`` fills ``{HOST}``; ``info`` fills ``{INFO}``.
        recovered: ``ok=1`` (the recovery template) rather than the failure one.
        at: when it was accepted.
    """

    login: str
    group_id: int
    name: str
    host: str
    info: str
    recovered: bool
    at: float


def _name_set(names: Iterable[str]) -> set[str]:
    return set(names)


@attrs.define(kw_only=True)
class Account:
    """An SMSC account of the emulator; created with `FakeSMSC.add_account`.

    Mutable on purpose: tests top it up (``account.balance += …``), register senders, switch
    test mode or tune timing between requests.

    Attributes:
        login: the login.
        password: the password (``psw``); never shown in ``repr``.
        api_key: the API key accepted instead of login+psw, or ``None``; never in ``repr``.
        balance: the money left; every send is charged (see ``charges``).
        senders: registered sender names; a ``sender`` not among them is error 6.
        price: price of one unit (SMS part; a started minute of a call) for every kind
            not in ``kind_prices``.
        kind_prices: per-kind price overrides.
        currency: the currency name ``balance.php?cur=1`` reports.
        test_mode: SMSC's "virtual sending": each message goes waiting → passed to operator →
            delivered, ``status_step`` seconds apart (from its scheduled time); e-mail is
            refused (error 6) as SMSC does in test mode. Off: messages stay waiting until a
            test calls `FakeSMSC.set_status`.
        status_step: seconds between test-mode status steps (0 = delivered at once).
        charges: when ``False`` sends cost nothing from the balance (cost is still reported).
            SMSC's test mode is free; the emulator bills by default so money paths are tested.
        tz: the account's time-zone setting, hours relative to Moscow, used for ``time``
            when the request has no ``tz`` and for dates in answers.
        groups: contact groups by number: ``phones=G<n>`` sends to ``groups[n]``; a group
            not configured expands to no recipient.
        templates, op_templates, task_groups: the containers behind the endpoints of the
            same names.
    """

    login: str
    password: str = attrs.field(repr=False)
    api_key: str | None = attrs.field(default=None, repr=False)
    balance: Decimal = Decimal("100")
    senders: set[str] = attrs.field(factory=lambda: {"SMSC"}, converter=_name_set)
    price: Decimal = Decimal("1.50")
    kind_prices: dict[MessageKind, Decimal] = attrs.field(factory=dict)
    currency: str = "RUR"
    test_mode: bool = True
    status_step: float = 1.0
    charges: bool = True
    tz: int = 0
    groups: dict[int, tuple[str, ...]] = attrs.field(factory=dict)
    templates: dict[int, Template] = attrs.field(factory=dict)
    op_templates: list[OpTemplate] = attrs.field(factory=list)
    task_groups: dict[int, TaskGroup] = attrs.field(factory=dict)

    def price_of(self, kind: MessageKind) -> Decimal:
        """The unit price for ``kind``."""
        return self.kind_prices.get(kind, self.price)

    def add_group(self, number: int, phones: tuple[str, ...] | list[str]) -> None:
        """Configure contact group ``number`` (``phones=G<number>``) with these numbers."""
        self.groups[number] = tuple(phones)

    def add_task_group(self, group_id: int, name: str = "") -> TaskGroup:
        """Create the monitoring task group ``ping.php?id=<group_id>`` notifies."""
        group = TaskGroup(id=group_id, name=name)
        self.task_groups[group_id] = group
        return group


class ListErrors(str, enum.Enum):
    """What an error with a message id (3 no money, 6 forbidden, 7 invalid number, 8 cannot
    deliver) to a ``list`` request of several lines took. SMSC's documentation does not
    say, so the emulator plays either reading (``FakeSMSC(list_errors=...)``)."""

    ALL_OR_NOTHING = "all_or_nothing"
    """The request is refused as a whole: nothing of it is sent or billed."""
    PARTIAL = "partial"
    """The lines before the one at fault were taken: sent, billed, in the ledger and found
    by ``status.php`` under the request's id; the line at fault and those after it were
    not. For error 3 the line at fault is the first the balance no longer covers; for 6 the
    first with a sender (or an e-mail) refused. Errors 7 and 8 come only when no line has a
    recipient left, so they take nothing under either reading."""


@attrs.define(kw_only=True)
class Limits:
    """The server's rate rules, adjustable per emulator.

    Attributes:
        concurrent: requests served in flight per login; one more is error 9 (SMSC: "15 or
            more" concurrent is refused, so 14).
        window: the rate-rule window in seconds (one minute).
        send_identical: identical accepted ``send.php`` requests allowed per window.
        cost_identical: identical ``cost=1`` requests allowed per window.
        templates_identical, op_templates_identical, ping_identical: the same for those.
        balance_per_window: ``balance.php`` requests allowed per window (any, not only
            identical).
        flood_messages: messages to one number, each less than ``flood_gap`` seconds after
            the previous, before further ones are blocked.
        flood_gap: the gap (seconds) that resets the anti-flood count.
    """

    concurrent: int = 14
    window: float = 60.0
    send_identical: int = 1
    cost_identical: int = 5
    templates_identical: int = 3
    op_templates_identical: int = 10
    ping_identical: int = 5
    balance_per_window: int = 10
    flood_messages: int = 50
    flood_gap: float = 60.0


def default_clock() -> float:
    """Wall-clock time (Unix seconds)."""
    return time.time()
