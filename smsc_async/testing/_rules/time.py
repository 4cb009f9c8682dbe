"""``time`` / ``tz`` of ``send.php``, and the date text of answers.

SMSC counts time zones in hours relative to Moscow, which is UTC+3 all year (no DST since
2014); ``tz=2`` therefore means UTC+5.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

__all__ = ["format_date", "parse_send_time", "parse_tz", "zone"]

MOSCOW_UTC_OFFSET = 3

_COMPACT = re.compile(r"^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}) (\d{1,2}):(\d{2})$")
_WINDOW = re.compile(r"^(\d{1,2})-(\d{1,2})$")
_TIMESTAMP = re.compile(r"^0(\d+)$")
_RELATIVE = re.compile(r"^\+(\d+)$")


def zone(tz_hours: int) -> timezone:
    """The fixed zone ``tz_hours`` relative to Moscow."""
    return timezone(timedelta(hours=MOSCOW_UTC_OFFSET + tz_hours))


def parse_tz(raw: str) -> int | None:
    """A ``tz`` value: an integer number of hours, −12..+12 relative to Moscow; else ``None``."""
    try:
        value = int(raw.strip())
    except ValueError:
        return None
    return value if -15 <= value <= 12 else None


def _local(groups: tuple[str, ...], tz_hours: int) -> float:
    day, month, year, hour, minute = (int(g) for g in groups)
    if hour == 24 and minute == 0:  # "24:00" is the end of the day
        base = datetime(2000 + year, month, day, tzinfo=zone(tz_hours))
        return (base + timedelta(days=1)).timestamp()
    return datetime(2000 + year, month, day, hour, minute, tzinfo=zone(tz_hours)).timestamp()


def _window(h1: int, h2: int, now: float, tz_hours: int) -> float:
    """``h1-h2``: before h1 wait for h1 today; inside the window now; after h2 h1 tomorrow."""
    local = datetime.fromtimestamp(now, zone(tz_hours))
    start = local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(hours=h1)
    if local < start:
        return start.timestamp()
    if local.hour < h2:
        return now
    return (start + timedelta(days=1)).timestamp()


def parse_send_time(raw: str, tz_hours: int, now: float) -> float:
    """When a message with ``time=raw`` goes out (Unix seconds); ``now`` for ``0`` or a past
    time.

    Formats: ``DDMMYYhhmm``, ``DD.MM.YY hh:mm``, ``h1-h2`` (hour window), ``0<unix ts>``,
    ``+<minutes>``. A ten-digit value is always ``DDMMYYhhmm`` (the docs' ``0101120000`` is
    1 Jan 2012), so a timestamp needs the ``0`` prefix plus its own ten digits.

    Raises:
        ValueError: not one of the formats, or not a real date (error 5).
    """
    text = raw.strip()
    if text in ("", "0"):
        return now
    when: float
    if m := _COMPACT.match(text) or _DOTTED.match(text):
        when = _local(m.groups(), tz_hours)
    elif m := _WINDOW.match(text):
        h1, h2 = int(m[1]), int(m[2])
        if not 0 <= h1 < h2 <= 24:
            raise ValueError("bad hour window")
        when = _window(h1, h2, now, tz_hours)
    elif m := _TIMESTAMP.match(text):
        when = float(int(m[1]))
    elif m := _RELATIVE.match(text):
        when = now + int(m[1]) * 60
    else:
        raise ValueError("unknown time format")
    return max(when, now)


def is_absolute(raw: str) -> bool:
    """Whether ``time`` is one of the absolute local forms a per-line ``tz`` applies to."""
    text = raw.strip()
    return bool(_COMPACT.match(text) or _DOTTED.match(text))


def format_date(ts: float, tz_hours: int) -> str:
    """``DD.MM.YYYY hh:mm:ss`` in the zone ``tz_hours`` relative to Moscow."""
    return datetime.fromtimestamp(ts, zone(tz_hours)).strftime("%d.%m.%Y %H:%M:%S")
