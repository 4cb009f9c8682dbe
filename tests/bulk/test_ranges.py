"""`RangeSet` keeps the same numbers as a plain set, as the ranges `to_ranges` would give."""

from __future__ import annotations

import random

from smsc_async._bulk.checkpoint import to_ranges
from smsc_async._bulk.ranges import RangeSet


def test_a_range_set_matches_a_set_through_random_changes() -> None:
    rng = random.Random(7)
    ranges, plain = RangeSet([5, 3, 4, 9]), {3, 4, 5, 9}
    for _ in range(5000):
        number = rng.randrange(200)
        if rng.random() < 0.55:
            ranges.add(number)
            plain.add(number)
        else:
            ranges.discard(number)
            plain.discard(number)
        assert len(ranges) == len(plain)
    assert ranges.ranges() == to_ranges(plain)
    assert list(ranges) == sorted(plain)
    assert all((n in ranges) is (n in plain) for n in range(-1, 201))
    assert "x" not in ranges
    cut = ranges.ranges(below=100)
    assert cut == to_ranges(n for n in plain if n < 100)
    assert ranges.ranges(below=1000) is ranges.ranges()
