"""Packing a message stream into ``list`` requests.

Each message is checked on its own (a bad one is rejected, never sent, and cannot sink the
others), written as its ``list`` line, and added to the current batch until the batch reaches
its line or byte bound. Two rules keep every outcome attributable:

* a batch never holds the same recipient twice, so the server's per-recipient report
  (``op=1``) and ``status.php`` (which looks messages up by request id + recipient) each
  point at exactly one message;
* ``G<n>`` groups are refused: their members are unknown to the client, so neither the
  report nor ``status.php`` could be matched to the message.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterable

import attrs

from .._errors import ValidationError
from .._resources.send.fields import list_line
from .._types.message import Message
from .._wire.form import form_body

__all__ = ["Batch", "FloodGuard", "Item", "Packer", "recipient_key", "sms_parts"]

# GSM 03.38: the default alphabet (one septet) and its extension table (two septets).
_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENSION = frozenset("^{}\\[~]|€\f")


def sms_parts(text: str) -> int:
    """SMS parts ``text`` takes by SMSC's rule: 160 GSM-7 characters (153 per part when
    split), else 70 UCS-2 units (67 per part). Used only to share a request's ``cnt``."""
    septets = 0
    for char in text:
        if char in _GSM_BASIC:
            septets += 1
        elif char in _GSM_EXTENSION:
            septets += 2
        else:
            units = len(text.encode("utf-16-le")) // 2
            return 1 if units <= 70 else math.ceil(units / 67)
    return 1 if septets <= 160 else math.ceil(septets / 153)


def recipient_key(recipient: str) -> str:
    """What identifies a recipient across the client's and the server's spelling of it.

    The server may rewrite a number (``8…``/``9…`` to ``7…``, ``+`` dropped), so numbers are
    compared by their last ten digits; other recipients (e-mail, ``@nick``, ``#id``) by
    their case-folded text.
    """
    digits = recipient[1:] if recipient.startswith("+") else recipient
    if digits.isdigit():
        return digits[-10:]
    return recipient.casefold()


class FloodGuard:
    """The job's side of SMSC's anti-flood rule: at most ``limit`` messages to one recipient,
    each less than ``gap`` seconds after the previous one.

    A message that would go beyond it is rejected before sending (the server would drop it
    anyway, as status 20 / error 251). The count is kept for the ``capacity`` most recently
    messaged recipients only, so memory stays flat however many recipients a job has; a
    recipient that is messaged often enough to hit the limit stays among them. Messages
    sent outside this job are not known; the server's own report still covers them.
    """

    def __init__(self, limit: int, *, gap: float = 60.0, capacity: int = 10_000) -> None:
        self.limit = limit
        self.gap = gap
        self.capacity = capacity
        self._runs: OrderedDict[str, tuple[int, float]] = OrderedDict()

    def admit(self, keys: Iterable[str], now: float) -> bool:
        """Count one message to every key and return True, or return False (nothing counted)
        when one of them has no room left."""
        runs = self._runs
        counts: list[tuple[str, int]] = []
        for key in keys:
            run = runs.get(key)
            count = run[0] if run is not None and now - run[1] < self.gap else 0
            if count >= self.limit:
                return False
            counts.append((key, count))
        for key, count in counts:
            runs[key] = (count + 1, now)
            runs.move_to_end(key)
        while len(runs) > self.capacity:
            runs.popitem(last=False)
        return True


@attrs.frozen(kw_only=True, eq=False)
class Item:
    """One checked message, ready to be packed.

    Attributes:
        index: its position in the input.
        message: the message.
        line: its ``list`` line.
        size: the line's bytes in the form body.
        recipients: its recipients as sent.
        keys: `recipient_key` of each recipient.
        parts: its SMS parts per recipient, by the SDK's count.
    """

    index: int
    message: Message
    line: str
    size: int
    recipients: tuple[str, ...]
    keys: frozenset[str]
    parts: int


class Batch:
    """Messages that go in one ``list`` request; their recipients never repeat."""

    __slots__ = ("items", "keys", "size")

    def __init__(self, items: Iterable[Item] = ()) -> None:
        self.items: list[Item] = []
        self.keys: set[str] = set()
        self.size = 0
        for item in items:
            self.add(item)

    def add(self, item: Item) -> None:
        """Append ``item`` (the caller has checked that it fits)."""
        self.size += item.size + (3 if self.items else 0)  # "%0A" between lines
        self.items.append(item)
        self.keys.update(item.keys)

    def halves(self) -> tuple[Batch, Batch]:
        """The first and second half, for finding the message a request error is about."""
        middle = len(self.items) // 2
        return Batch(self.items[:middle]), Batch(self.items[middle:])

    @property
    def list_value(self) -> str:
        """The ``list`` field."""
        return "\n".join(item.line for item in self.items)

    @property
    def indices(self) -> list[int]:
        """The input positions of its messages."""
        return [item.index for item in self.items]

    def __len__(self) -> int:
        return len(self.items)


class Packer:
    """Checks messages and packs them into batches of at most ``max_lines`` lines and
    ``max_body_bytes`` bytes of ``list`` field (a single larger message goes alone).

    Args:
        nl: the request uses ``nl=1`` (multi-line texts).
        zoned: the request's ``time`` is a wall-clock date, so a per-message ``tz`` applies.
        max_lines: the most messages per request.
        max_body_bytes: the most bytes of the encoded ``list`` field per request.
        flood: the anti-flood count, or ``None`` to leave the rule to the server.
    """

    def __init__(
        self,
        *,
        nl: bool,
        zoned: bool,
        max_lines: int,
        max_body_bytes: int,
        flood: FloodGuard | None,
    ) -> None:
        self._nl = nl
        self._zoned = zoned
        self._max_lines = max_lines
        self._max_bytes = max_body_bytes
        self._flood = flood
        self._batch = Batch()

    def describe(self, index: int, message: object) -> Item:
        """Check one message and build its `Item` (no anti-flood count).

        Raises:
            ValidationError: the message breaks a rule; ``.field`` is ``messages[<index>]…``.
        """
        field = f"messages[{index}]"
        line = list_line(field, message, nl=self._nl, zoned=self._zoned)
        assert isinstance(message, Message)
        # Senders and recipients never hold ":" or "|" (list_line checks), so they split off.
        recipients = tuple(line.partition(":")[0].rpartition("|")[2].split(","))
        for number, recipient in enumerate(recipients, 1):
            if recipient[:1] in ("G", "g") and recipient[1:].isdigit():
                raise ValidationError(
                    f"{field}.phones",
                    f"recipient {number}: a G<n> group cannot be accounted for per message; "
                    "list its numbers instead",
                )
        return Item(
            index=index,
            message=message,
            line=line,
            size=len(form_body({"": line})) - 1,
            recipients=recipients,
            keys=frozenset(recipient_key(r) for r in recipients),
            parts=sms_parts(message.text),
        )

    def check(self, index: int, message: object, now: float) -> Item:
        """`describe`, then count the message against the anti-flood rule at time ``now``.

        Raises:
            ValidationError: as for `describe`, or the message would exceed the rule.
        """
        item = self.describe(index, message)
        if self._flood is not None and not self._flood.admit(item.keys, now):
            raise ValidationError(
                f"messages[{index}].phones",
                f"a recipient would get more than {self._flood.limit} messages less than "
                f"{self._flood.gap:g} s apart (SMSC's anti-flood rule); not sent",
            )
        return item

    def add(self, item: Item) -> Batch | None:
        """Add ``item``; return the batch it closed when it did not fit in the current one."""
        batch = self._batch
        full = None
        if batch.items and (
            len(batch) >= self._max_lines
            or batch.size + 3 + item.size > self._max_bytes
            or not batch.keys.isdisjoint(item.keys)
        ):
            full, self._batch = batch, Batch()
        self._batch.add(item)
        return full

    def take(self) -> Batch | None:
        """The batch being filled, if it holds any message; a new one is started."""
        batch, self._batch = self._batch, Batch()
        return batch if batch.items else None

    def first_pending(self, floor: int) -> int | None:
        """The first input position from ``floor`` on in the batch being filled, if any."""
        return next((item.index for item in self._batch.items if item.index >= floor), None)
