"""An emulator account and what it holds: message templates, operator templates and the
monitoring task groups ``ping.php`` notifies.

Plain data that tests read and change directly (``account.balance += …``); the request
handlers mutate it under `FakeSMSC`'s lock.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import attrs

from .codes import MessageKind

__all__ = ["OPERATOR_TYPES", "Account", "OpTemplate", "TaskGroup", "Template"]


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
