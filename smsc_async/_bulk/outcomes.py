"""The values a bulk send reports: per-message outcomes, the summary, progress, checkpoints.

Every message given to `smsc_async.AsyncClient.send_many` ends as exactly one outcome:

* `SentOutcome`: the server accepted it (its request id, parts, cost, per-recipient report);
* `RejectedOutcome`: refused for itself (a `ValidationError` before sending, or the server's
  `ApiError` for this message); sending it again as it is would fail again;
* `NotSentOutcome`: provably not sent and never judged (the job stopped, or the server was
  unreachable); safe to send again, and a resumed job does;
* `UnknownOutcome`: its request may or may not have been accepted (no readable answer);
  `BulkJob.reconcile` asks ``status.php`` and turns it into sent or not sent.

A `Checkpoint` is plain data (`Checkpoint.to_dict` / `Checkpoint.from_dict` round-trip through
JSON) that lets a new job resume where an interrupted one stopped; see `BulkJob`.
"""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Any

import attrs

from .._errors import SmscError
from .._masking import mask_recipients
from .._types.message import Message
from .._types.results import PhoneReport
from .checkpoint import Checkpoint

__all__ = [
    "BulkProgress",
    "BulkSummary",
    "NotSentOutcome",
    "Outcome",
    "OutcomeKind",
    "ProgressStage",
    "RejectedOutcome",
    "SentOutcome",
    "UnknownOutcome",
]


class OutcomeKind(str, enum.Enum):
    """Which of the four outcomes a message had."""

    SENT = "sent"
    REJECTED = "rejected"
    NOT_SENT = "not_sent"
    UNKNOWN = "unknown"


@attrs.frozen(kw_only=True)
class SentOutcome:
    """The server accepted the message (at least one recipient was sent to).

    Attributes:
        index: the message's position in the input sequence, from 0.
        message: the message.
        request_id: the id of the ``list`` request that carried it (shared by every message
            of that request; with a recipient it identifies the message for ``status``).
        parts: SMS parts over all its recipients. A ``list`` answer gives one ``cnt`` for the
            whole request, so it is shared out by the SDK's own count of each message's
            parts (SMSC's 160/153 GSM-7, 70/67 otherwise) × recipients sent to, scaled so the
            messages of a request add up to the server's ``cnt`` exactly. From ``status`` when
            reconciled (``None`` if the server did not say).
        cost: what it cost: the sum of the server's per-recipient costs (``op=1``), or of
            ``status`` costs when reconciled; ``None`` when the server gave none.
        phones: the server's per-recipient report; a recipient with status 20 or more was
            not sent to (e.g. 22 invalid number, 20 with error 251 anti-flood).
        reconciled: learnt from ``status.php`` after an ambiguous failure.
    """

    index: int
    message: Message
    request_id: str
    parts: int | None
    cost: Decimal | None
    phones: tuple[PhoneReport, ...] = ()
    reconciled: bool = False

    @property
    def kind(self) -> OutcomeKind:
        """`OutcomeKind.SENT`."""
        return OutcomeKind.SENT

    @property
    def error(self) -> None:
        """Always ``None`` (every outcome has ``error``, so it can be read on any of them)."""
        return None


@attrs.frozen(kw_only=True)
class RejectedOutcome:
    """The message was refused for itself; it was not sent and would be refused again.

    Attributes:
        index: the message's position in the input sequence, from 0.
        message: the message.
        error: a `ValidationError` (never sent) or the server's `ApiError` for it.
        request_id: the request whose answer refused it; ``None`` when refused before sending.
    """

    index: int
    message: Message
    error: SmscError
    request_id: str | None = None

    @property
    def kind(self) -> OutcomeKind:
        """`OutcomeKind.REJECTED`."""
        return OutcomeKind.REJECTED


@attrs.frozen(kw_only=True)
class NotSentOutcome:
    """The message was provably not sent, and nothing was said about it; safe to send again.

    Attributes:
        index: the message's position in the input sequence, from 0.
        message: the message.
        error: why: the error that stopped the job (e.g. `InsufficientFundsError`,
            `NotSentError`), or ``None`` when the job was stopped by its caller.
        request_id: the request that failed without sending it, if it was in one.
    """

    index: int
    message: Message
    error: SmscError | None = None
    request_id: str | None = None

    @property
    def kind(self) -> OutcomeKind:
        """`OutcomeKind.NOT_SENT`."""
        return OutcomeKind.NOT_SENT


@attrs.frozen(kw_only=True)
class UnknownOutcome:
    """The request carrying the message may have been accepted; no readable answer came.

    Everything needed to reconcile it through ``status.php`` is here: the request id and the
    recipients (as sent). See `BulkJob.reconcile` and `smsc_async.AsyncClient.reconcile`.

    Attributes:
        index: the message's position in the input sequence, from 0.
        message: the message.
        request_id: the client-assigned id of its request.
        recipients: its recipients as they were sent.
        started_at: when the request was sent (Unix seconds).
        error: why it is unknown: the `OutcomeUnknownError` or `ProtocolError` of its
            request, or the `ApiError` (9, or one SMSC answers with an id) after which
            ``status.php`` could not tell; ``None`` when the request came from a
            `Checkpoint` (an interrupted run).
        ended_at: when the client gave up on the request (Unix seconds); ``None`` when it
            came from a `Checkpoint`. Reconciliation counts its grace from here, since a
            server may still be processing a request the client stopped waiting for.
    """

    index: int
    message: Message
    request_id: str
    recipients: tuple[str, ...] = attrs.field(repr=mask_recipients)
    started_at: float
    error: SmscError | None = None
    ended_at: float | None = None

    @property
    def kind(self) -> OutcomeKind:
        """`OutcomeKind.UNKNOWN`."""
        return OutcomeKind.UNKNOWN


Outcome = SentOutcome | RejectedOutcome | NotSentOutcome | UnknownOutcome
"""What happened to one message: one of the four outcome classes (each has ``.kind``)."""


@attrs.frozen(kw_only=True)
class BulkSummary:
    """Counts and totals of a bulk job so far (this run only; see ``skipped``).

    Attributes:
        read: messages read from the input.
        skipped: messages a `Checkpoint` showed as settled by an earlier run.
        sent, rejected, not_sent, unknown: messages with each outcome. After
            `BulkJob.reconcile`, reconciled messages move from ``unknown``.
        in_flight: messages in requests still waiting for an answer.
        requests: ``send.php`` requests made.
        parts: SMS parts of the sent messages (each request's ``cnt``, summed).
        cost: what the sent messages cost (sum of the known per-message costs).
        balance: the balance the server reported last, if any.
        finished: the job has ended (every message read has an outcome).
        interrupted: the job was cancelled, or its block left by an exception. The counts
            are final all the same: nothing is in flight, a message whose request may have
            reached SMSC is unknown (see `BulkJob.unknown`), one that never left is not sent.
        undelivered: outcomes counted here that the job has not given you: waiting to be
            taken while it runs; once it is over, those it could not give you (you left the
            loop early, or it was interrupted). `BulkJob.checkpoint` does not count them, so
            a job resumed from it gives them to you (sent ones reconciled, others sent or
            checked again).
        stopped_by: the error that stopped the job early, if one did.
    """

    read: int = 0
    skipped: int = 0
    sent: int = 0
    rejected: int = 0
    not_sent: int = 0
    unknown: int = 0
    in_flight: int = 0
    requests: int = 0
    parts: int = 0
    cost: Decimal = Decimal(0)
    balance: Decimal | None = None
    finished: bool = False
    interrupted: bool = False
    undelivered: int = 0
    stopped_by: SmscError | None = None

    @property
    def settled(self) -> int:
        """Messages with an outcome: ``sent + rejected + not_sent + unknown``."""
        return self.sent + self.rejected + self.not_sent + self.unknown

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view (money as strings, the stop error by class name) for a UI."""
        return {
            "read": self.read,
            "skipped": self.skipped,
            "sent": self.sent,
            "rejected": self.rejected,
            "not_sent": self.not_sent,
            "unknown": self.unknown,
            "in_flight": self.in_flight,
            "requests": self.requests,
            "parts": self.parts,
            "cost": str(self.cost),
            "balance": None if self.balance is None else str(self.balance),
            "finished": self.finished,
            "interrupted": self.interrupted,
            "undelivered": self.undelivered,
            "stopped_by": None if self.stopped_by is None else type(self.stopped_by).__name__,
        }


# --------------------------------------------------------------------------- checkpoints


class ProgressStage(str, enum.Enum):
    """What just happened in a bulk job (`BulkProgress.stage`)."""

    SENDING = "sending"
    """A request is about to leave; the checkpoint lists it. Persist it here to never lose
    track of a request that may be sent (the job waits for the callback)."""
    SETTLED = "settled"
    """A request was answered (or failed); the summary counts its messages' outcomes. They
    reach you (and the checkpoint) with the ``DELIVERED`` events that follow."""
    DELIVERED = "delivered"
    """Outcomes (``BulkProgress.outcomes``) were handed to you, and the checkpoint counts
    them from this event on: one event per outcome your ``async for`` takes, or one per
    group of outcomes ``run()`` takes."""
    RECONCILED = "reconciled"
    """``status.php`` settled messages whose outcome was unknown (``BulkProgress.outcomes``)."""
    FINISHED = "finished"
    """The job ended; the summary is final (until `BulkJob.reconcile`)."""


@attrs.frozen(kw_only=True)
class BulkProgress:
    """One progress event of a bulk job, given to ``on_progress``.

    Attributes:
        stage: what happened.
        summary: the counts and totals at that moment.
        checkpoint: where to resume from, at that moment.
        request_id: the request concerned, for ``SENDING`` and ``SETTLED``.
        outcomes: the outcomes this event's checkpoint counts for the first time
            (``DELIVERED`` and ``RECONCILED``; empty for the other stages). Store them
            together with ``checkpoint`` (one transaction, one file) and no outcome is ever
            lost or seen twice across a crash and a resume.
    """

    stage: ProgressStage
    summary: BulkSummary
    checkpoint: Checkpoint
    request_id: str | None = None
    outcomes: tuple[Outcome, ...] = ()
