"""Reconciliation: what ``status.php`` says about messages whose request had no answer.

SMSC gives every message of a ``list`` request the request's id, and ``status.php`` finds a
message by id + recipient. The bulk sender gives each request a unique id and never puts a
recipient twice in one request, so each (id, recipient) pair names one message:

* any recipient found (any status but −3) → the server accepted it: **sent** (cost and
  parts from ``status``; parts counted by the SDK when the server gives no ``sms_cnt``);
* every recipient −3 "not found" → it was never accepted: **not sent**, safe to send again;
* no answer for some recipient (the status request itself failed) → still **unknown**.

"Found" is believed at once. "Not found" is only trusted once the request is ``grace``
seconds old: a server still working on a request the client gave up on could otherwise
record it after the check, and a message sent again would then go twice. So messages not
found too early are asked about again once their grace is over. The default, a minute, is
the client's default call deadline and SMSC's duplicate window.

SMSC keeps messages sent through a Telegram bot apart: ``status.php`` finds them only when
asked with ``bot=1``. A message whose text starts with the ``__BOT__`` kind prefix (see
`smsc_async.prefixed`) is asked about that way, every other message without it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol

import anyio

from .._errors import SmscError
from .._types.message import Message
from .._types.results import PhoneReport
from .._types.status import MessageStatus, StatusCode
from .._wire.prefix import Prefix
from .outcomes import NotSentOutcome, Outcome, SentOutcome, UnknownOutcome
from .pack import recipient_key, sms_parts

__all__ = ["DEFAULT_GRACE", "StatusLookup", "is_bot_message", "reconcile_outcomes"]

#: Seconds after a request before ``status.php`` saying "not found" is believed.
DEFAULT_GRACE = 60.0

#: (id, recipient) pairs per ``status.php`` request.
_CHUNK = 100


class StatusLookup(Protocol):
    """What reconciliation needs: ``client.status.many``."""

    async def many(
        self, pairs: Sequence[tuple[int | str, str]], *, detail: int = ..., bot: bool = ...
    ) -> list[MessageStatus]:
        """The statuses of (id, recipient) pairs."""
        ...


def is_bot_message(message: Message) -> bool:
    """Whether the message goes through a Telegram bot (its text has the ``__BOT__`` prefix)."""
    return message.text.lstrip()[: len(Prefix.BOT.value)].upper() == Prefix.BOT.value


async def _lookup(
    status: StatusLookup, pairs: list[tuple[str, str]], *, bot: bool
) -> dict[tuple[str, str], MessageStatus]:
    found: dict[tuple[str, str], MessageStatus] = {}
    for start in range(0, len(pairs), _CHUNK):
        chunk = pairs[start : start + _CHUNK]
        try:
            rows = await status.many(list(chunk), detail=1, bot=bot)
        except SmscError:
            continue  # these pairs stay unanswered, so their messages stay unknown
        for row in rows:
            found[(str(row.id), recipient_key(row.phone))] = row
    return found


def _report(row: MessageStatus) -> PhoneReport:
    return PhoneReport(
        phone=row.phone,
        mccmnc=row.mccmnc or "",
        cost=row.cost,
        status=int(row.status),
        error=None if row.error is None else int(row.error),
    )


def _decide(outcome: UnknownOutcome, rows: list[MessageStatus]) -> Outcome:
    hits = [row for row in rows if row.status != StatusCode.NOT_FOUND]
    if not hits:
        return NotSentOutcome(
            index=outcome.index,
            message=outcome.message,
            error=outcome.error,
            request_id=outcome.request_id,
        )
    costs = [row.cost for row in hits if row.cost is not None]
    counts = [row.parts for row in hits if row.parts is not None]
    return SentOutcome(
        index=outcome.index,
        message=outcome.message,
        request_id=outcome.request_id,
        parts=sum(counts)
        if len(counts) == len(hits)
        else sms_parts(outcome.message.text) * len(hits),
        cost=sum(costs, Decimal(0)) if len(costs) == len(hits) else None,
        phones=tuple(_report(row) for row in hits),
        reconciled=True,
    )


async def _decide_all(status: StatusLookup, outcomes: Sequence[UnknownOutcome]) -> list[Outcome]:
    """One status lookup for ``outcomes`` (bot messages asked apart, with ``bot=1``)."""
    found: dict[tuple[str, str], MessageStatus] = {}
    for bot in (False, True):
        pairs = [
            (o.request_id, r)
            for o in outcomes
            if is_bot_message(o.message) is bot
            for r in o.recipients
        ]
        if pairs:
            found.update(await _lookup(status, pairs, bot=bot))
    decided: list[Outcome] = []
    for outcome in outcomes:
        rows = [found.get((outcome.request_id, recipient_key(r))) for r in outcome.recipients]
        known = [row for row in rows if row is not None]
        decided.append(_decide(outcome, known) if len(known) == len(rows) else outcome)
    return decided


def _trusted_from(outcome: UnknownOutcome, grace: float) -> float:
    """When "not found" becomes believable: ``grace`` after the client gave up on the
    request (``ended_at``; for a request carried over from a checkpoint, whose end is not
    known, after it was sent)."""
    return (outcome.ended_at or outcome.started_at) + grace


async def reconcile_outcomes(
    status: StatusLookup, outcomes: Sequence[UnknownOutcome], *, grace: float = DEFAULT_GRACE
) -> list[Outcome]:
    """Ask ``status.php`` about unknown outcomes; return one outcome for each, in order.

    A message found is sent at once. One not found before its request is ``grace`` seconds
    past is asked about again once it is (the call waits until then): a server may still be
    processing a request the client stopped waiting for. An outcome comes back unchanged
    (still unknown) when a status request failed.
    """
    if not outcomes:
        return []
    decided = await _decide_all(status, outcomes)
    now = time.time()
    early = [
        n
        for n, (outcome, verdict) in enumerate(zip(outcomes, decided, strict=True))
        if isinstance(verdict, NotSentOutcome) and _trusted_from(outcome, grace) > now
    ]
    if early:
        wait = max(_trusted_from(outcomes[n], grace) for n in early) - time.time()
        if wait > 0:
            await anyio.sleep(wait)
        again = await _decide_all(status, [outcomes[n] for n in early])
        for n, verdict in zip(early, again, strict=True):
            decided[n] = verdict
    return decided
