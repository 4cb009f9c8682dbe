"""What an emulator is set to: its rate rules (`Limits`) and its readings of what SMSC's
documentation leaves open (`ListErrors`, `NlRecords`)."""

from __future__ import annotations

import enum

import attrs

__all__ = ["Limits", "ListErrors", "NlRecords"]


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


class NlRecords(enum.Enum):
    """How a ``list`` line in ``nl=1`` mode is told to start a message, not to continue the
    previous message's text. SMSC does not document it; each member plays one reading.

    Either way, the part of the line before its first ``:`` decides.
    """

    PHONE_CHARS = "phone_chars"
    """It holds a ``|`` (a sender prefix), or is made only of digits, spaces and
    ``+ ( ) , ; -`` and ``G``/``g`` (numbers and groups). The default."""
    RECIPIENTS = "recipients"
    """After an optional ``sender[,tz]|``, it is a ``,``/``;`` list of recipients of any
    kind: numbers, ``G<n>`` groups, e-mail addresses, ``@nick`` or ``#id``."""
