"""From a ``list`` request's answer or failure to one outcome per message."""

from __future__ import annotations

from decimal import Decimal

import pytest

from smsc_async import (
    ApiError,
    AuthenticationError,
    ClientClosedError,
    DuplicateRequestError,
    InsufficientFundsError,
    InvalidPhoneError,
    IpBlockedError,
    Message,
    MessageForbiddenError,
    NotSentError,
    OutcomeUnknownError,
    PhoneReport,
    ProtocolError,
    SendResult,
    SmscError,
    UndeliverableError,
    ValidationError,
)
from smsc_async._bulk.attribute import Action, classify, settle, share_parts, unknown_outcomes
from smsc_async._bulk.outcomes import RejectedOutcome, SentOutcome, UnknownOutcome
from smsc_async._bulk.pack import Batch, Packer
from smsc_async._errors import api_error


@pytest.mark.parametrize(
    ("error", "action"),
    [
        (AuthenticationError(2), Action.STOP),
        (InsufficientFundsError(3), Action.STOP),
        (IpBlockedError(4), Action.STOP),
        (NotSentError("x", endpoint="send"), Action.STOP),
        (ClientClosedError("closed"), Action.STOP),
        (DuplicateRequestError(9), Action.RETRY),
        (api_error("send", 1), Action.NARROW),
        (api_error("send", 5), Action.STOP),  # the shared `time`: every request has it
        (MessageForbiddenError(6), Action.NARROW),
        (InvalidPhoneError(7), Action.NARROW),
        (UndeliverableError(8), Action.NARROW),
        (api_error("send", 42), Action.STOP),  # an unknown meaning risks no further request
        (OutcomeUnknownError("x", endpoint="send"), Action.UNKNOWN),
        (ProtocolError("x"), Action.UNKNOWN),
        (ValidationError("f", "r"), Action.STOP),
    ],
)
def test_classify(error: SmscError, action: Action) -> None:
    assert classify(error) is action


@pytest.mark.parametrize(
    ("total", "weights", "shares"),
    [
        (6, [1, 2, 3], [1, 2, 3]),
        (12, [1, 2, 3], [2, 4, 6]),
        (5, [1, 1, 1], [2, 2, 1]),
        (0, [1, 2], [0, 0]),
        (3, [0, 0], [0, 0]),
        (7, [3, 0, 1], [5, 0, 2]),
    ],
)
def test_share_parts_sums_exactly(total: int, weights: list[int], shares: list[int]) -> None:
    assert share_parts(total, weights) == shares


def _batch(*messages: Message) -> Batch:
    packer = Packer(nl=False, zoned=False, max_lines=99, max_body_bytes=99_999, flood=None)
    return Batch(packer.check(i, m, 0.0) for i, m in enumerate(messages))


def _row(phone: str, cost: str | None, status: int, error: int = 0) -> PhoneReport:
    return PhoneReport(
        phone=phone, cost=None if cost is None else Decimal(cost), status=status, error=error
    )


def test_settle_reads_the_per_recipient_report() -> None:
    batch = _batch(
        Message(["+79990000001", "89990000002"], "two recipients"),
        Message("+79990000003", "x" * 200),  # two parts
        Message("123", "invalid number"),
        Message("+79990000004", "flooded"),
        Message("+79990000005", "left out of the report"),
    )
    rows = (
        _row("79990000001", "1.50", -1),
        _row("79990000002", "1.50", 1),
        _row("79990000003", "3.00", -1),
        _row("123", "0.00", 22, 249),
        _row("79990000004", "0.00", 20, 251),
    )
    result = SendResult(id="job-1", parts=4, cost=Decimal("6.00"), phones=rows)
    outcomes = settle(batch, "job-1", result, started_at=100.0)
    sent = [o for o in outcomes if isinstance(o, SentOutcome)]
    assert [(o.index, o.parts, o.cost) for o in sent] == [(0, 2, Decimal(3)), (1, 2, Decimal(3))]
    assert [r.phone for r in sent[0].phones] == ["79990000001", "79990000002"]
    rejected = [o for o in outcomes if isinstance(o, RejectedOutcome)]
    assert [type(o.error) for o in rejected] == [InvalidPhoneError, UndeliverableError]
    assert all(isinstance(o.error, ApiError) and o.error.message_id == "job-1" for o in rejected)
    assert all(o.request_id == "job-1" for o in rejected)
    (unknown,) = [o for o in outcomes if isinstance(o, UnknownOutcome)]
    assert (unknown.index, unknown.recipients, unknown.started_at) == (4, ("+79990000005",), 100.0)
    assert isinstance(unknown.error, ProtocolError)


def test_settle_without_a_report_counts_everything_sent() -> None:
    batch = _batch(Message("+79990000001", "a"), Message("+79990000002", "b" * 161))
    outcomes = settle(batch, "r-1", SendResult(id="r-1", parts=3, cost=Decimal(9)), 0.0)
    assert [(o.parts, o.cost) for o in outcomes if isinstance(o, SentOutcome)] == [
        (1, None),
        (2, None),
    ]
    single = _batch(Message("+79990000001", "a"))
    (outcome,) = settle(single, "r-2", SendResult(id="r-2", parts=1, cost=Decimal(2)), 0.0)
    assert isinstance(outcome, SentOutcome) and outcome.cost == 2


def test_a_row_without_cost_leaves_the_cost_unknown() -> None:
    batch = _batch(Message("+79990000001", "a"))
    result = SendResult(id="r", parts=1, phones=(_row("79990000001", None, -1),))
    (outcome,) = settle(batch, "r", result, 0.0)
    assert isinstance(outcome, SentOutcome) and outcome.cost is None and outcome.parts == 1


def test_unknown_outcomes_keep_what_reconciliation_needs() -> None:
    batch = _batch(Message(["+79990000001", "+79990000002"], "a"), Message("+79990000003", "b"))
    error = OutcomeUnknownError("lost", endpoint="send", message_id="r")
    outcomes = unknown_outcomes(batch, "r", 5.0, error)
    assert [(o.index, o.recipients) for o in outcomes if isinstance(o, UnknownOutcome)] == [
        (0, ("+79990000001", "+79990000002")),
        (1, ("+79990000003",)),
    ]
    assert all(isinstance(o, UnknownOutcome) and o.started_at == 5.0 for o in outcomes)
    assert all(o.error is error for o in outcomes)
