"""Packing: per-message checks, recipient keys, the anti-flood count, request bounds."""

from __future__ import annotations

import pytest

from smsc_async import Message, ValidationError
from smsc_async._bulk.pack import Batch, FloodGuard, Packer, recipient_key, sms_parts


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("x" * 160, 1),
        ("x" * 161, 2),
        ("x" * 306, 2),
        ("x" * 307, 3),
        ("[" * 80, 1),
        ("[" * 81, 2),
        ("ж" * 70, 1),
        ("ж" * 71, 2),
        ("ж" * 134, 2),
        ("ж" * 135, 3),
        ("", 1),
    ],
)
def test_sms_parts(text: str, parts: int) -> None:
    assert sms_parts(text) == parts


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("+79991234567", "79991234567", True),
        ("89991234567", "79991234567", True),
        ("9991234567", "+79991234567", True),
        ("+79991234567", "+79991234568", False),
        ("Alex@Mail.RU", "alex@mail.ru", True),
        ("@nick", "@other", False),
    ],
)
def test_recipient_key_matches_the_servers_spelling(a: str, b: str, same: bool) -> None:
    assert (recipient_key(a) == recipient_key(b)) is same


def _packer(**overrides: object) -> Packer:
    settings: dict[str, object] = {
        "nl": False,
        "zoned": False,
        "max_lines": 3,
        "max_body_bytes": 10_000,
        "flood": None,
    }
    settings.update(overrides)
    return Packer(**settings)  # type: ignore[arg-type]


def _pack(packer: Packer, messages: list[Message]) -> list[list[int]]:
    batches = [packer.add(packer.check(i, m, 0.0)) for i, m in enumerate(messages)]
    last = packer.take()
    return [b.indices for b in [*batches, last] if b is not None]


def test_batches_are_bounded_by_lines() -> None:
    messages = [Message(f"+7999000000{i}", "hi") for i in range(7)]
    assert _pack(_packer(), messages) == [[0, 1, 2], [3, 4, 5], [6]]


def test_batches_are_bounded_by_bytes_and_a_big_message_goes_alone() -> None:
    packer = _packer(max_lines=100, max_body_bytes=2000)
    messages = [Message(f"+7999000000{i}", "ж" * 150) for i in range(5)]  # ~920 bytes each
    messages.insert(2, Message("+79990000099", "ж" * 400))  # ~2420 bytes
    assert _pack(packer, messages) == [[0, 1], [2], [3, 4], [5]]


def test_a_recipient_never_repeats_within_a_batch() -> None:
    messages = [
        Message("+79990000001", "a"),
        Message("+79990000002", "b"),
        Message("89990000001", "c"),
        Message("+79990000003", "d"),
    ]
    assert _pack(_packer(max_lines=10), messages) == [[0, 1], [2, 3]]


def test_an_item_carries_its_line_recipients_and_size() -> None:
    item = _packer().check(
        4, Message(["8 (999) 000-00-01", "+79990000002"], "hi\nthere", sender="shop"), 0.0
    )
    assert item.line == "shop|89990000001,+79990000002:hi\\nthere"
    assert item.recipients == ("89990000001", "+79990000002")
    assert item.size == len("shop%7C89990000001%2C%2B79990000002%3Ahi%5Cnthere")
    batch = Batch([item, item])
    assert batch.size == 2 * item.size + 3 and len(batch) == 2
    assert [len(h) for h in Batch([item] * 5).halves()] == [2, 3]


@pytest.mark.parametrize(
    ("message", "field"),
    [
        (Message("G12", "x"), "messages[0].phones"),
        (Message("+79990000001", ""), "messages[0].text"),
        ("not a message", "messages[0]"),
    ],
)
def test_bad_messages_raise_naming_their_position(message: object, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _packer().check(0, message, 0.0)
    assert caught.value.field == field


def test_flood_guard_counts_runs_with_short_gaps() -> None:
    guard = FloodGuard(3, gap=60)
    assert [guard.admit({"a"}, t) for t in (0, 10, 20, 30)] == [True, True, True, False]
    assert guard.admit({"b", "a"}, 31) is False
    assert guard.admit({"b"}, 31) is True  # the refused message counted nothing
    assert guard.admit({"a"}, 30 + 60) is True  # a full gap starts a new run


def test_flood_guard_memory_is_bounded() -> None:
    guard = FloodGuard(2, capacity=100)
    for n in range(1000):
        assert guard.admit({str(n)}, 0)
    assert len(guard._runs) == 100
    assert guard.admit({"999"}, 0) and not guard.admit({"999"}, 0)


def test_packer_applies_the_flood_guard() -> None:
    packer = _packer(flood=FloodGuard(2))
    for index in range(2):
        packer.check(index, Message("+79990000001", "x"), 0.0)
    with pytest.raises(ValidationError, match="anti-flood") as caught:
        packer.check(2, Message("+79990000001", "x"), 0.0)
    assert caught.value.field == "messages[2].phones"
