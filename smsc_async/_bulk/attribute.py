"""From one ``list`` request's answer (or failure) to one outcome per message.

The server answers a ``list`` send with one id, one ``cnt`` and one cost for the whole
request. With ``op=1`` it adds a row per recipient (phone, cost, status, error); the packer
made sure no recipient repeats within a request, so each row belongs to exactly one message.

What a failure means for the messages of a request (`classify`). SMSC answers errors 1, 2,
4, 5 and 9 without a message id and 3, 6, 7 and 8 with one; its documentation does not say
whether an error to a multi-line ``list`` request means that nothing of it was taken:

=========================== ========== ====================================================
failure                     action     why
=========================== ========== ====================================================
error 2, 4                  stop       account-wide: every later request would fail alike
error 3                     stop       no money: nothing more can be sent
error 5                     stop       the date is the shared ``time``: every request has it
error 1, 6, 7, 8            narrow     may be about one line (its text, sender, numbers);
                                       halves are sent until the line at fault is alone and
                                       only it is rejected. When both halves fail with the
                                       same error before SMSC accepted any request of the
                                       job, and two lines sent alone fail too, it is about
                                       the whole request (e.g. a shared ``sender``): the job
                                       stops with it
error 9                     retry      too many concurrent requests, or a duplicate of a
                                       request SMSC already took: see below
other error codes           stop       unknown meaning: no further request risks it
`NotSentError`              stop       the server is unreachable (the client retried)
`ClientClosedError`         stop       nothing more can be sent
`OutcomeUnknownError`,      unknown    it may have been accepted: reconcile, never resend
`ProtocolError`
=========================== ========== ====================================================

Before any message of a failed request is sent again or reported not sent:

* an error with an id (3, 6, 7, 8) to a request of several lines may have come after SMSC
  took the lines before the one at fault, so ``status.php`` is asked about every message
  (by request id and recipients) first: those it has are sent, those it cannot answer for
  stay unknown, and only those it proves absent go on;
* error 9 cannot be told apart reliably (its description text is not a documented
  contract), so it is handled as safe under both meanings: ``status.php`` is asked first,
  and only when it proves every message absent is the request repeated, byte for byte
  under the same id, so that SMSC's own one-identical-request-a-minute rule refuses it if
  an earlier copy was taken after all. What is found is sent; what cannot be proved
  absent stays unknown.

Every error answer counts against the job's ``max_failed_requests``; at the cap the job
stops with that error (SMSC blocks an IP after frequent erroneous requests, error 4).
"""

from __future__ import annotations

import enum
import time
from decimal import Decimal

from .._errors import ApiError, OutcomeUnknownError, ProtocolError, SmscError, api_error
from .._types.results import PhoneReport, SendResult
from .outcomes import Outcome, RejectedOutcome, SentOutcome, UnknownOutcome
from .pack import Batch, Item, recipient_key

__all__ = ["Action", "carries_id", "classify", "settle", "share_parts", "unknown_outcomes"]


class Action(enum.Enum):
    """What a bulk job does after a request failed."""

    STOP = "stop"
    RETRY = "retry"
    NARROW = "narrow"
    UNKNOWN = "unknown"


#: Errors that may be about one line of a ``list`` request.
_LINE_ERRORS = frozenset({1, 6, 7, 8})
#: Errors SMSC answers with a message id: something may have been taken.
_ERRORS_WITH_ID = frozenset({3, 6, 7, 8})


def classify(error: SmscError) -> Action:
    """The action for a failed request (see the module docstring)."""
    if isinstance(error, (OutcomeUnknownError, ProtocolError)):
        return Action.UNKNOWN
    if isinstance(error, ApiError):
        if error.code == 9:
            return Action.RETRY
        if error.code in _LINE_ERRORS:
            return Action.NARROW
    return Action.STOP


def carries_id(error: SmscError) -> bool:
    """Whether SMSC answers this error with a message id (3, 6, 7, 8), which may mean that
    it took part of a request."""
    return isinstance(error, ApiError) and error.code in _ERRORS_WITH_ID


# A recipient's report status → the send error it amounts to (statuses 20+ are failures).
_ROW_ERRORS = {22: 7, 23: 6, 24: 3}


def _row_failed(row: PhoneReport) -> bool:
    return row.status is not None and row.status >= 20


def _row_error(row: PhoneReport, request_id: str) -> ApiError:
    status = row.status if row.status is not None else 0
    code = _ROW_ERRORS.get(status, 8)
    description = f"per-recipient report: status {status}, error {row.error or 0}"
    return api_error("send", code, description, request_id)


def share_parts(total: int, weights: list[int]) -> list[int]:
    """Share ``total`` in proportion to ``weights`` (largest remainders), summing exactly."""
    whole = sum(weights)
    if whole == 0 or total == whole:
        return list(weights) if total == whole else [0] * len(weights)
    quotas = [total * weight for weight in weights]
    shares = [quota // whole for quota in quotas]
    order = sorted(range(len(weights)), key=lambda i: (-(quotas[i] % whole), i))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


def _rows_by_item(batch: Batch, rows: tuple[PhoneReport, ...]) -> list[list[PhoneReport]]:
    owner = {key: n for n, item in enumerate(batch.items) for key in item.keys}
    per_item: list[list[PhoneReport]] = [[] for _ in batch.items]
    for row in rows:
        n = owner.get(recipient_key(row.phone))
        if n is not None:
            per_item[n].append(row)
    return per_item


def settle(batch: Batch, request_id: str, result: SendResult, started_at: float) -> list[Outcome]:
    """One outcome per message of an accepted request, in the batch's order.

    A message whose recipients all failed in the report is rejected with the error its first
    failure amounts to (22 invalid number → `InvalidPhoneError`, 23 → `MessageForbiddenError`,
    others → `UndeliverableError`). A message the report does not mention at all, when the
    report mentions others, is unknown (``status`` will tell). Without any report (a server
    that ignored ``op=1``), every message counts as sent, with no per-message cost.
    """
    if not result.phones:
        weights = [item.parts * len(item.keys) for item in batch.items]
        shares = share_parts(result.parts, weights)
        cost = result.cost if len(batch) == 1 else None
        return [
            SentOutcome(
                index=item.index,
                message=item.message,
                request_id=request_id,
                parts=share,
                cost=cost,
            )
            for item, share in zip(batch.items, shares, strict=True)
        ]
    per_item = _rows_by_item(batch, result.phones)
    sent_rows = [[row for row in rows if not _row_failed(row)] for rows in per_item]
    weights = [item.parts * len(rows) for item, rows in zip(batch.items, sent_rows, strict=True)]
    shares = share_parts(result.parts, weights)
    outcomes: list[Outcome] = []
    for item, rows, ok_rows, share in zip(batch.items, per_item, sent_rows, shares, strict=True):
        if ok_rows:
            known = [row.cost for row in ok_rows if row.cost is not None]
            cost = sum(known, Decimal(0)) if len(known) == len(ok_rows) else None
            outcomes.append(
                SentOutcome(
                    index=item.index,
                    message=item.message,
                    request_id=request_id,
                    parts=share,
                    cost=cost,
                    phones=tuple(rows),
                )
            )
        elif rows:
            outcomes.append(
                RejectedOutcome(
                    index=item.index,
                    message=item.message,
                    error=_row_error(rows[0], request_id),
                    request_id=request_id,
                )
            )
        else:
            error = ProtocolError(
                "the per-recipient report leaves this message out", endpoint="send"
            )
            outcomes.append(_unknown(item, request_id, started_at, error))
    return outcomes


def _unknown(item: Item, request_id: str, started_at: float, error: SmscError) -> UnknownOutcome:
    return UnknownOutcome(
        index=item.index,
        message=item.message,
        request_id=request_id,
        recipients=item.recipients,
        started_at=started_at,
        error=error,
        ended_at=time.time(),
    )


def unknown_outcomes(
    batch: Batch, request_id: str, started_at: float, error: SmscError
) -> list[Outcome]:
    """Every message of a request whose answer was lost: unknown, ended now."""
    return [_unknown(item, request_id, started_at, error) for item in batch.items]
