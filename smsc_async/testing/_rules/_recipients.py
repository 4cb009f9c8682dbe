"""The server's rules as plain functions and small trackers: SMS part counting, ``maxsms``
cutting, recipient and id validation, and the one-minute rate windows and anti-flood count.
"""

from __future__ import annotations

import math
import re
from collections import deque
from collections.abc import Hashable

__all__ = [
    "FloodGuard",
    "RateWindow",
    "cut_to_parts",
    "normalize_phone",
    "parse_message_id",
    "sms_parts",
]

# GSM 03.38 default alphabet (escape excluded) and its extension table (two septets each).
_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENSION = frozenset("^{}\\[~]|€\f")


def _gsm_septets(text: str) -> int | None:
    """Septets ``text`` takes in GSM-7, or ``None`` when a character needs UCS-2."""
    total = 0
    for char in text:
        if char in _GSM_BASIC:
            total += 1
        elif char in _GSM_EXTENSION:
            total += 2
        else:
            return None
    return total


def sms_parts(text: str) -> int:
    """SMS parts ``text`` takes: 160 GSM-7 characters in one SMS, 153 per part when split;
    with any other character (Cyrillic…) 70 UCS-2 units, 67 per part. An empty text is one."""
    septets = _gsm_septets(text)
    if septets is not None:
        single, multi, units = 160, 153, septets
    else:
        single, multi = 70, 67
        units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= single else math.ceil(units / multi)


def cut_to_parts(text: str, max_parts: int) -> str:
    """The longest prefix of ``text`` that fits in ``max_parts`` SMS (``maxsms``)."""
    if sms_parts(text) <= max_parts:
        return text
    low, high = 0, len(text)  # sms_parts grows with the prefix: binary search the boundary
    while low < high:
        mid = (low + high + 1) // 2
        if sms_parts(text[:mid]) <= max_parts:
            low = mid
        else:
            high = mid - 1
    return text[:low]


_PHONE_DECORATION = re.compile(r"[\s()\-.]")


def normalize_phone(raw: str) -> str | None:
    """A number in international form (digits only), or ``None`` when it is not one.

    Without a leading ``+`` the server auto-corrects Russian forms (``8XXXXXXXXXX`` →
    ``7XXXXXXXXXX``, ten digits starting with 9 → ``7`` prefixed); with ``+`` it does not.
    Valid: 10 to 15 digits after that.
    """
    text = _PHONE_DECORATION.sub("", raw)
    plus = text.startswith("+")
    digits = text[1:] if plus else text
    if not digits.isdigit() or not digits.isascii():
        return None
    if not plus:
        if len(digits) == 11 and digits.startswith("8"):
            digits = "7" + digits[1:]
        elif len(digits) == 10 and digits.startswith("9"):
            digits = "7" + digits
    return digits if 10 <= len(digits) <= 15 else None


_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[A-Za-z]{2,}$")
_TG_NICK = re.compile(r"^@[A-Za-z0-9_]{3,32}$")
_TG_ID = re.compile(r"^#[0-9]{1,20}$")


def normalize_email(raw: str) -> str | None:
    """An e-mail address (lower-cased domain), or ``None``."""
    text = raw.strip()
    if not _EMAIL.match(text):
        return None
    local, _, domain = text.partition("@")
    return f"{local}@{domain.lower()}"


def normalize_bot_recipient(raw: str) -> str | None:
    """A Telegram-bot recipient: ``@nick``, ``#ID`` or a phone number."""
    text = raw.strip()
    if _TG_NICK.match(text) or _TG_ID.match(text):
        return text
    return normalize_phone(text)


_STRING_ID = re.compile(r"^[A-Za-z0-9.\-_]{1,40}$")


def parse_message_id(raw: str) -> int | str | None:
    """A client message id: an integer 1..2147483647, or a string of up to 40 characters of
    ``[A-Za-z0-9.-_]``; ``None`` when it is neither. An all-digit id is a number and must be
    in range (so ``0`` and ``2147483648`` are errors)."""
    if raw.isdigit() and raw.isascii():
        value = int(raw)
        return value if 1 <= value <= 2_147_483_647 else None
    return raw if _STRING_ID.match(raw) else None


class RateWindow:
    """Counts events per key within a sliding window (the one-minute rules).

    Only accepted requests are recorded (`hit`), so a request refused for another reason —
    no money, say — can be retried unchanged after fixing the cause.
    """

    def __init__(self) -> None:
        self._events: dict[Hashable, deque[float]] = {}

    def count(self, key: Hashable, now: float, window: float) -> int:
        """Events for ``key`` within the last ``window`` seconds."""
        events = self._events.get(key)
        if not events:
            return 0
        while events and events[0] <= now - window:
            events.popleft()
        return len(events)

    def hit(self, key: Hashable, now: float) -> None:
        """Record one event for ``key`` at ``now``."""
        self._events.setdefault(key, deque()).append(now)


class FloodGuard:
    """The anti-flood rule: more than ``limit`` messages to one recipient, each less than
    ``gap`` seconds after the previous one, are blocked. A pause of ``gap`` or more resets
    the run; a blocked message is not sent, so it does not extend the run."""

    def __init__(self) -> None:
        self._runs: dict[tuple[str, str], tuple[int, float]] = {}

    def room(self, login: str, recipient: str, now: float, limit: int, gap: float) -> int:
        """How many more messages may go to ``recipient`` now (``limit`` after a pause)."""
        run = self._runs.get((login, recipient))
        if run is None or now - run[1] >= gap:
            return limit
        return max(0, limit - run[0])

    def record(self, login: str, recipient: str, now: float, gap: float) -> None:
        """Count one message sent to ``recipient`` at ``now``."""
        run = self._runs.get((login, recipient))
        count = run[0] + 1 if run is not None and now - run[1] < gap else 1
        self._runs[(login, recipient)] = (count, now)
