"""What ``status.php`` and ``balance.php`` answer, and how a status request is built.

Status and ``err`` codes are enums; a code this SDK does not know yet is
kept as a plain `int`, never an error. `MessageStatus.is_final` / `is_success` work for both.

Times are aware `datetime` values. The ``*_timestamp`` fields (Unix seconds) are used when the
server gives them; the ``DD.MM.YYYY hh:mm:ss`` text dates are in the account's time zone,
which this SDK cannot know, so they are read as Moscow time (UTC+3, SMSC's default zone).
JSON answers, which the client asks for, always carry the timestamps.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs

from .._masking import mask_fields, mask_text, recipient_repr
from .results import frozen_mapping

__all__ = [
    "Balance",
    "MessageStatus",
    "StatusCode",
    "StatusError",
]


class StatusCode(enum.IntEnum):
    """A message's delivery status (``status`` in ``status.php`` answers)."""

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

    @property
    def is_final(self) -> bool:
        """Whether the status will not change any more (delivered, failed or not found)."""
        return _STATUS_INFO[self][0]

    @property
    def is_success(self) -> bool:
        """Whether the message reached the recipient (delivered, read, link clicked)."""
        return _STATUS_INFO[self][1]

    @property
    def description(self) -> str:
        """What the status means, in words."""
        return _STATUS_INFO[self][2]


# status → (final, success, meaning); the status table of SMSC's documentation.
_STATUS_INFO: Mapping[StatusCode, tuple[bool, bool, str]] = {
    StatusCode.NOT_FOUND: (True, False, "message not found"),
    StatusCode.STOPPED: (False, False, "stopped (mailing paused before hand-over)"),
    StatusCode.WAITING: (False, False, "waiting to be sent"),
    StatusCode.PASSED_TO_OPERATOR: (False, False, "passed to the operator"),
    StatusCode.DELIVERED: (True, True, "delivered"),
    StatusCode.READ: (True, True, "read (e-mail opened)"),
    StatusCode.EXPIRED: (True, False, "expired"),
    StatusCode.CLICKED: (True, True, "link clicked"),
    StatusCode.UNDELIVERABLE: (True, False, "cannot be delivered"),
    StatusCode.INVALID_NUMBER: (True, False, "invalid number"),
    StatusCode.PROHIBITED: (True, False, "prohibited"),
    StatusCode.INSUFFICIENT_FUNDS: (True, False, "insufficient funds"),
    StatusCode.UNAVAILABLE: (True, False, "unavailable number"),
}


class StatusError(enum.IntEnum):
    """Why a message was not delivered (``err`` in ``status.php`` answers); 0 = no error."""

    NONE = 0
    SUBSCRIBER_NOT_FOUND = 1
    MAILBOX_FULL = 2
    MAIL_SERVER_NOT_FOUND = 3
    MAILBOX_BLOCKED = 4
    SUBSCRIBER_OFFLINE = 6
    NO_SMS_SERVICE = 11
    HANDSET_ERROR = 12
    SUBSCRIBER_BLOCKED = 13
    NOT_SUPPORTED = 21
    VIRTUAL_SENDING = 200
    SIM_REPLACED = 219
    OPERATOR_QUEUE_FULL = 220
    NO_ANSWER = 237
    NO_TEMPLATE = 238
    FORBIDDEN_IP = 239
    SUBSCRIBER_BUSY = 240
    CONVERSION_ERROR = 241
    ANSWERING_MACHINE = 242
    NO_CONTRACT = 243
    MAILING_FORBIDDEN = 244
    STATUS_NOT_RECEIVED = 245
    TIME_RESTRICTION = 246
    MESSAGE_LIMIT_EXCEEDED = 247
    NO_ROUTE = 248
    INVALID_NUMBER_FORMAT = 249
    NUMBER_FORBIDDEN_BY_SETTINGS = 250
    PER_NUMBER_LIMIT_EXCEEDED = 251
    NUMBER_FORBIDDEN = 252
    SPAM_FILTER = 253
    UNREGISTERED_SENDER = 254
    REJECTED_BY_OPERATOR = 255

    @property
    def description(self) -> str:
        """What the code means, in words."""
        return self.name.lower().replace("_", " ")


@attrs.frozen(kw_only=True)
class MessageStatus:
    """The status of one message to one recipient (``status.php``).

    Attributes:
        id: the message id.
        phone: the recipient (number, e-mail address or Telegram ``@nick``/``#id``).
        status: a `StatusCode`, or the plain number of a code this SDK does not know.
        error: the ``err`` code (a `StatusError` or an unknown number), None when not given.
        last_time: when the status last changed.
        send_time: when the message was sent (``detail`` ≥ 1).
        cost: what it cost (``detail`` ≥ 1).
        sender: the sender id used.
        message: the text sent.
        comment: the history comment, when the server reports one.
        country, operator, region: where the recipient is (``detail=2``).
        mccmnc: country and operator code.
        type: the message type code the server reports.
        parts: SMS parts (``sms_cnt``).
        extra: every other field as it came: ``status_name``, ``flag``, and for HLR
            requests ``imsi``, ``msc``, ``mcc``, ``mnc``, ``cn``, ``net``, ``rcn``, ``rnet``.

    ``repr`` masks the recipient, shows the text and comment as their lengths and ``extra``
    as its keys; the attributes hold the values as the server sent them.
    """

    id: int | str
    phone: str = attrs.field(repr=recipient_repr)
    status: StatusCode | int
    error: StatusError | int | None = None
    last_time: datetime | None = None
    send_time: datetime | None = None
    cost: Decimal | None = None
    sender: str | None = None
    message: str | None = attrs.field(default=None, repr=mask_text)
    comment: str | None = attrs.field(default=None, repr=mask_text)
    country: str | None = None
    operator: str | None = None
    region: str | None = None
    mccmnc: str | None = None
    type: int | str | None = None
    parts: int | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, converter=frozen_mapping, repr=mask_fields)

    @property
    def is_final(self) -> bool:
        """Whether the status will not change any more. An unknown code counts as not final."""
        return isinstance(self.status, StatusCode) and self.status.is_final

    @property
    def is_success(self) -> bool:
        """Whether the message reached its recipient. An unknown code counts as no success."""
        return isinstance(self.status, StatusCode) and self.status.is_success


@attrs.frozen(kw_only=True)
class Balance:
    """The account's balance (``balance.php``).

    Attributes:
        amount: the money left.
        currency: the currency name (e.g. ``"RUR"``), when the server gave it.
        credit: the credit limit, for credit accounts.
        extra: any other fields the server sent.
    """

    amount: Decimal
    currency: str | None = None
    credit: Decimal | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, converter=frozen_mapping)


# ------------------------------------------------------------------------- request encoding
