"""Outcome, summary and checkpoint values."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson
import pytest

from smsc_async import InsufficientFundsError, Message
from smsc_async._bulk.checkpoint import Checkpoint, OpenRequest, in_ranges, to_ranges
from smsc_async._bulk.outcomes import (
    BulkSummary,
    NotSentOutcome,
    OutcomeKind,
    RejectedOutcome,
    SentOutcome,
    UnknownOutcome,
)


def test_ranges() -> None:
    ranges = to_ranges([5, 1, 2, 3, 9, 10, 2])
    assert ranges == ((1, 4), (5, 6), (9, 11))
    assert [i for i in range(12) if in_ranges(ranges, i)] == [1, 2, 3, 5, 9, 10]
    assert to_ranges([]) == () and not in_ranges((), 0)


def test_checkpoint_round_trips_through_json() -> None:
    checkpoint = Checkpoint(
        position=1200,
        open=(OpenRequest(id="a1b2-7", indices=((10, 20), (21, 25)), started_at=1.5e9),),
        unsent=((3, 5), (5, 8)),  # merged on the way in
    )
    assert checkpoint.unsent == ((3, 8),)
    data = orjson.loads(orjson.dumps(checkpoint.to_dict()))
    assert data["version"] == 1 and data["unsent"] == [[3, 8]]
    assert Checkpoint.from_dict(data) == checkpoint


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"version": 2, "position": 0, "open": [], "unsent": []},
        {"version": 1, "position": -1, "open": [], "unsent": []},
        {
            "version": 1,
            "position": 0,
            "open": [{"id": "bad id!", "indices": [], "started_at": 0}],
            "unsent": [],
        },
        {"version": 1, "position": 0, "open": [], "unsent": [[5, 5]]},
        {"version": 1, "position": 0, "open": [], "unsent": [[1, True]]},
        {"version": 1, "position": 0, "open": [{"id": "x"}], "unsent": []},
        {"version": 1, "position": 0, "open": [], "unsent": "0-5"},
        "not a mapping",
    ],
)
def test_a_malformed_checkpoint_is_refused(data: Any) -> None:
    with pytest.raises(ValueError):
        Checkpoint.from_dict(data)


def test_outcomes_say_their_kind() -> None:
    message = Message("+79990000001", "hi")
    kinds = [
        SentOutcome(index=0, message=message, request_id="r-1", parts=1, cost=None).kind,
        RejectedOutcome(index=0, message=message, error=InsufficientFundsError(3)).kind,
        NotSentOutcome(index=0, message=message).kind,
        UnknownOutcome(index=0, message=message, request_id="r", recipients=(), started_at=0).kind,
    ]
    assert kinds == list(OutcomeKind)


def test_summary_for_a_ui() -> None:
    summary = BulkSummary(
        read=10,
        sent=6,
        rejected=1,
        not_sent=2,
        unknown=1,
        cost=Decimal("9.00"),
        stopped_by=InsufficientFundsError(3),
    )
    assert summary.settled == 10
    view = summary.to_dict()
    assert view["cost"] == "9.00" and view["stopped_by"] == "InsufficientFundsError"
    assert view["balance"] is None
    orjson.dumps(view)
