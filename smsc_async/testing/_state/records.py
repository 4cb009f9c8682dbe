"""What the emulator records for tests to read: the ledger of accepted messages with their
status histories, accepted ``ping.php`` notifications, and every request answered."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import attrs

from .._wire.request import FakeFile
from .codes import MessageKind

__all__ = ["LedgerEntry", "PingEvent", "RequestRecord", "StatusChange"]


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


@attrs.frozen(kw_only=True)
class RequestRecord:
    """One API request the emulator answered (no credentials, no parameters).

    Attributes:
        path: the request path.
        login: the authenticated login, or ``None`` when authentication failed.
        fmt: the answer format.
        error_code: the SMSC error code answered, or ``None`` for success.
        at: the emulator's clock when it was answered.
    """

    path: str
    login: str | None
    fmt: int
    error_code: int | None
    at: float
