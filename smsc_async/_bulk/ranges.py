"""`RangeSet`: the sets of message positions a bulk job's accounts keep (open requests,
unsent messages), stored as ranges so that a checkpoint built after every outcome stays
cheap however many messages a job has."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator

from .checkpoint import Ranges

__all__ = ["RangeSet"]


class RangeSet:
    """A set of non-negative ints kept as sorted, disjoint half-open ranges.

    Adding or removing one number costs a binary search, and the ranges are built once per
    change, so a checkpoint taken after every delivered outcome stays cheap.
    """

    __slots__ = ("_cache", "_size", "_starts", "_stops")

    def __init__(self, indices: Iterable[int] = ()) -> None:
        self._starts: list[int] = []
        self._stops: list[int] = []
        self._size = 0
        self._cache: Ranges | None = ()
        for index in sorted(set(indices)):
            self.add(index)

    def __contains__(self, index: object) -> bool:
        if not isinstance(index, int):
            return False
        at = bisect.bisect_right(self._starts, index)
        return at > 0 and index < self._stops[at - 1]

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[int]:
        for start, stop in zip(self._starts, self._stops, strict=True):
            yield from range(start, stop)

    def add(self, index: int) -> None:
        """Add ``index`` (no-op when present)."""
        starts, stops = self._starts, self._stops
        at = bisect.bisect_right(starts, index)
        if at and index < stops[at - 1]:
            return
        joins_left = at > 0 and stops[at - 1] == index
        joins_right = at < len(starts) and starts[at] == index + 1
        if joins_left and joins_right:
            stops[at - 1] = stops[at]
            del starts[at], stops[at]
        elif joins_left:
            stops[at - 1] = index + 1
        elif joins_right:
            starts[at] = index
        else:
            starts.insert(at, index)
            stops.insert(at, index + 1)
        self._size += 1
        self._cache = None

    def discard(self, index: int) -> None:
        """Remove ``index`` (no-op when absent)."""
        starts, stops = self._starts, self._stops
        at = bisect.bisect_right(starts, index)
        if not at or index >= stops[at - 1]:
            return
        start, stop = starts[at - 1], stops[at - 1]
        if start == index and stop == index + 1:
            del starts[at - 1], stops[at - 1]
        elif start == index:
            starts[at - 1] = index + 1
        elif stop == index + 1:
            stops[at - 1] = index
        else:
            stops[at - 1] = index
            starts.insert(at, index + 1)
            stops.insert(at, stop)
        self._size -= 1
        self._cache = None

    def ranges(self, below: int | None = None) -> Ranges:
        """The ranges (``(start, stop)`` pairs), cut at ``below`` when given."""
        if self._cache is None:
            self._cache = tuple(zip(self._starts, self._stops, strict=True))
        if below is None or not self._stops or self._stops[-1] <= below:
            return self._cache
        return tuple((a, min(b, below)) for a, b in self._cache if a < below)
