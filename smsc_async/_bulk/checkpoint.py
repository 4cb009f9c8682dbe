"""`Checkpoint`: how far a bulk job's input is settled and which requests are still open.

Settled input is kept as sorted, disjoint index ranges, so a checkpoint of a million-message
job stays small; its ``to_dict`` form is plain JSON, for storing between runs.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

__all__ = ["Checkpoint", "OpenRequest", "Ranges", "in_ranges", "to_ranges"]


Ranges = tuple[tuple[int, int], ...]


def to_ranges(indices: Iterable[int]) -> Ranges:
    """Sorted half-open ``(start, stop)`` ranges covering ``indices``."""
    ranges: list[tuple[int, int]] = []
    for index in sorted(set(indices)):
        if ranges and ranges[-1][1] == index:
            ranges[-1] = (ranges[-1][0], index + 1)
        else:
            ranges.append((index, index + 1))
    return tuple(ranges)


def in_ranges(ranges: Ranges, index: int) -> bool:
    """Whether ``index`` lies in one of the sorted, disjoint ``ranges``."""
    at = bisect.bisect_right(ranges, index, key=lambda pair: pair[0])
    return at > 0 and ranges[at - 1][0] <= index < ranges[at - 1][1]


def _ranges(value: object) -> Ranges:
    if not isinstance(value, (list, tuple)):
        raise ValueError("ranges must be a list of [start, stop] pairs")
    out = []
    for pair in value:
        if (
            not isinstance(pair, (list, tuple))
            or len(pair) != 2
            or not all(isinstance(n, int) and not isinstance(n, bool) for n in pair)
            or not 0 <= pair[0] < pair[1]
        ):
            raise ValueError("each range must be [start, stop] with 0 <= start < stop")
        out.append((int(pair[0]), int(pair[1])))
    merged: list[tuple[int, int]] = []
    for start, stop in sorted(out):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], stop))
        else:
            merged.append((start, stop))
    return tuple(merged)


_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,40}")


def _request_id(_instance: object, _attribute: object, value: str) -> None:
    if not isinstance(value, str) or not _REQUEST_ID.fullmatch(value):
        raise ValueError("a request id is 1..40 characters of A-Z a-z 0-9 . _ -")


@attrs.frozen(kw_only=True)
class OpenRequest:
    """A request of a checkpoint whose result is not known: in flight, or ambiguous.

    Attributes:
        id: the request's client-assigned id.
        indices: the input positions of its messages, as sorted half-open ranges.
        started_at: when it was sent (Unix seconds); when it was queued if it never left.
    """

    id: str = attrs.field(validator=_request_id)
    indices: Ranges = attrs.field(converter=_ranges)
    started_at: float


@attrs.frozen(kw_only=True)
class Checkpoint:
    """Where a bulk job stands, to resume it after an interruption without sending twice.

    Every message before ``position`` is settled, except those of ``open`` requests (which a
    resumed job reconciles through ``status.php`` before it sends them again) and those in
    ``unsent`` (which it sends again). Messages from ``position`` on are processed afresh.

    Attributes:
        position: how many messages of the input are accounted for.
        open: requests whose result is not known.
        unsent: input positions before ``position`` known not to have been sent.
    """

    position: int = attrs.field(
        default=0, validator=[attrs.validators.instance_of(int), attrs.validators.ge(0)]
    )
    open: tuple[OpenRequest, ...] = ()
    unsent: Ranges = attrs.field(default=(), converter=_ranges)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; `from_dict` reads it back."""
        return {
            "version": 1,
            "position": self.position,
            "open": [
                {"id": r.id, "indices": [list(p) for p in r.indices], "started_at": r.started_at}
                for r in self.open
            ],
            "unsent": [list(p) for p in self.unsent],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Checkpoint:
        """Read a checkpoint written by `to_dict` (e.g. after a JSON round trip).

        Raises:
            ValueError: the data is not a checkpoint of a known version.
        """
        if not isinstance(data, Mapping) or data.get("version") != 1:
            raise ValueError("not a version-1 bulk checkpoint")
        try:
            return cls(
                position=data["position"],
                open=tuple(
                    OpenRequest(id=r["id"], indices=r["indices"], started_at=float(r["started_at"]))
                    for r in data["open"]
                ),
                unsent=data["unsent"],
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"malformed bulk checkpoint: {exc}") from None
