"""The field types of ``send.php``: one encoder per option, ``time``, and the ``list`` line.

Each encoder takes (field, value) and returns the wire value, or None to leave the field
out; every failure is a `ValidationError` naming the field and the rule, never the value.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from ..._errors import ValidationError
from ..._types.message import CallParams, HourWindow, Message, Voice
from ..._wire.checks import (
    COMMENT_SEPARATOR,
    check_int,
    check_sender,
    check_text,
    encode_phones,
    list_text,
    nl_record_head,
    with_comment,
)
from ..._wire.prefix import refuse_prefix
from ..._wire.values import MOSCOW

Encoder = Callable[[str, object], "str | None"]

_ID = re.compile(r"[A-Za-z0-9._-]{1,40}")
_LANGUAGE = re.compile(r"[a-z]{2}")
_DIGITS = re.compile(r"[0-9]{1,20}")
_HHMM = re.compile(r"([0-9]{2}):([0-9]{2})")


def int_range(low: int, high: int) -> Encoder:
    return lambda field, value: str(check_int(field, value, low, high))


def encode_flag(field: str, value: object) -> str | None:
    if not isinstance(value, bool):
        raise ValidationError(field, "must be True or False")
    return "1" if value else None


def encode_id(field: str, value: object) -> str:
    if isinstance(value, str):
        if not _ID.fullmatch(value):
            raise ValidationError(field, "must be 1..40 characters of A-Z a-z 0-9 . _ -")
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(check_int(field, value, 1, 2_147_483_647))
    raise ValidationError(field, "must be an integer 1..2147483647 or a string")


def encode_translit(field: str, value: object) -> str | None:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 2:
        raise ValidationError(field, "must be a Translit (0, 1 or 2)")
    return str(int(value)) if value else None


def encode_period(field: str, value: object) -> str:
    if isinstance(value, timedelta):
        hours = Decimal(value // timedelta(microseconds=1)) / 3_600_000_000
        hours = hours.quantize(Decimal("0.001"))
    elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        try:
            hours = Decimal(str(value))
        except InvalidOperation:
            raise ValidationError(field, "must be a number of hours") from None
    else:
        raise ValidationError(field, "must be a number of hours or a timedelta")
    if not hours.is_finite() or not Decimal("0.1") <= hours <= 720:
        raise ValidationError(field, "must be from 0.1 to 720 hours")
    return format(hours.normalize(), "f")


def encode_freq(field: str, value: object) -> str:
    if isinstance(value, timedelta):
        value = whole_minutes(field, value)
    return str(check_int(field, value, 1, 1440))


def encode_valid(field: str, value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(check_int(field, value, 1, 24))
    if isinstance(value, str):
        parts = _HHMM.fullmatch(value)
        if not parts or int(parts[2]) > 59:
            raise ValidationError(field, "as a string must be hh:mm")
        minutes = int(parts[1]) * 60 + int(parts[2])
    elif isinstance(value, timedelta):
        minutes = whole_minutes(field, value)
    else:
        raise ValidationError(field, "must be whole hours (int), a timedelta or an hh:mm string")
    if not 1 <= minutes <= 24 * 60:
        raise ValidationError(field, "must be from 00:01 to 24:00")
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def encode_imgcode(field: str, value: object) -> str:
    if not isinstance(value, str) or not value.isalnum() or len(value) > 32:
        raise ValidationError(field, "must be 1..32 letters or digits")
    return value


def encode_userip(field: str, value: object) -> str:
    if isinstance(value, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        return str(value)
    if isinstance(value, str):
        try:
            return str(ipaddress.ip_address(value))
        except ValueError:
            pass
    raise ValidationError(field, "must be an IPv4 or IPv6 address")


def encode_pp(field: str, value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(check_int(field, value, 1, 10**20 - 1))
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        return value
    raise ValidationError(field, "must be a partner id: a positive integer or 1..20 digits")


def encode_param(field: str, value: object) -> str:
    if not isinstance(value, CallParams):
        raise ValidationError(field, "must be a CallParams")
    return value.to_param()


def encode_voice(field: str, value: object) -> str:
    try:
        return Voice(value).value
    except ValueError:
        raise ValidationError(field, "must be a Voice (m, m2, m3, m4, w, w2, w3, w4)") from None


def encode_voice_language(field: str, value: object) -> str:
    if not isinstance(value, str) or not _LANGUAGE.fullmatch(value):
        raise ValidationError(field, "must be two lowercase ASCII letters, e.g. 'en'")
    return value


def whole_minutes(field: str, value: timedelta) -> int:
    """``value`` in minutes; it must be a whole number of them."""
    minutes, rest = divmod(value, timedelta(minutes=1))
    if rest:
        raise ValidationError(field, "must be a whole number of minutes")
    return int(minutes)


def encode_time(field: str, value: object) -> str:
    """The ``time`` wire value of an aware datetime, timedelta, HourWindow, Unix time or string.

    An aware datetime becomes Moscow wall-clock ``DDMMYYhhmm`` (seconds dropped; the caller
    sends ``tz=0`` with it); a naive one is rejected, as it names no instant. A timedelta
    becomes ``+m`` (whole minutes, at least one); an int Unix time (10 digits) ``0<ts>``. A
    string must already be one of the documented forms, and is checked.
    """
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            raise ValidationError(field, "must be timezone-aware (a naive datetime is ambiguous)")
        moscow = value.astimezone(MOSCOW)
        if not 2000 <= moscow.year <= 2099:
            raise ValidationError(field, "must fall in the years 2000..2099 (DDMMYY format)")
        return moscow.strftime("%d%m%y%H%M")
    if isinstance(value, timedelta):
        minutes = whole_minutes(field, value)
        if minutes <= 0:
            raise ValidationError(field, "as a timedelta must be at least one minute")
        return f"+{minutes}"
    if isinstance(value, HourWindow):
        return value.to_param()
    if isinstance(value, int) and not isinstance(value, bool):
        # 10 digits: an 11-character `0ts` that cannot be mistaken for DDMMYYhhmm.
        check_int(field, value, 1_000_000_000, 9_999_999_999)
        return f"0{value}"
    if isinstance(value, str):
        return _raw_time(field, value)
    raise ValidationError(
        field, "must be an aware datetime, a timedelta, an HourWindow, a Unix time or a string"
    )


_RAW_TIMES: tuple[tuple[re.Pattern[str], str | None], ...] = (
    (re.compile(r"[0-9]{10}"), "%d%m%y%H%M"),
    (re.compile(r"[0-9]{2}\.[0-9]{2}\.[0-9]{2} [0-9]{2}:[0-9]{2}"), "%d.%m.%y %H:%M"),
    (re.compile(r"0|0[0-9]{10}|\+[1-9][0-9]{0,5}"), None),
)


def _raw_time(field: str, value: str) -> str:
    """Accept an already formatted ``time`` string in one of the documented forms, checked."""
    window = re.fullmatch(r"([0-9]{1,2})-([0-9]{1,2})", value)
    if window:
        start, end = int(window[1]), int(window[2])
        if not 0 <= start < end <= 24:
            raise ValidationError(field, "as h1-h2 must have 0 <= h1 < h2 <= 24")
        return f"{start}-{end}"
    for pattern, date_format in _RAW_TIMES:
        if pattern.fullmatch(value):
            if date_format:
                try:
                    datetime.strptime(value, date_format)
                except ValueError:
                    raise ValidationError(field, "is not a real date and time") from None
            return value
    raise ValidationError(
        field, "as a string must be DDMMYYhhmm, DD.MM.YY hh:mm, h1-h2, 0<unix time>, +m or 0"
    )


def list_line(field: str, message: object, *, nl: bool, zoned: bool) -> str:
    """One ``list`` line, ``[sender[,tz]|]phones:text``, from a `Message`.

    ``zoned`` says whether the request's ``time`` is a wall-clock date, which a per-line
    ``tz`` needs (SMSC's docs: it works only with ``DDMMYYhhmm`` or ``DD.MM.YY hh:mm``). With
    ``nl`` (multi-line mode) a line must read as the start of a message however the server
    tells them apart: without its own sender, a message goes to phone numbers and groups
    only; and no line of its text or comment may read as the start of another.
    """
    if not isinstance(message, Message):
        raise ValidationError(field, "must be a Message")
    phones = encode_phones(f"{field}.phones", message.phones)
    text = refuse_prefix(f"{field}.text", check_text(f"{field}.text", message.text, 1000))
    with_comment(f"{field}.comment", text, message.comment)  # the comment's own checks
    text = list_text(f"{field}.text", text, nl=nl)
    if message.comment:
        comment = list_text(f"{field}.comment", message.comment, nl=nl, continued=True)
        separator = COMMENT_SEPARATOR if nl else COMMENT_SEPARATOR.replace("\n", "\\n")
        text += separator + comment
    head = ""
    if message.sender is not None:
        head = check_sender(f"{field}.sender", message.sender, in_list=True)
    elif nl and not nl_record_head(phones):
        raise ValidationError(
            f"{field}.phones",
            "in nl mode must be phone numbers or G<n> groups unless the message has its own "
            "sender (the server could not tell its line from a continued text)",
        )
    if message.tz is not None:
        if message.sender is None:
            raise ValidationError(f"{field}.tz", "needs sender (the line is sender,tz|phones:text)")
        if not zoned:
            raise ValidationError(f"{field}.tz", "needs time as a wall-clock date")
        head += f",{check_int(f'{field}.tz', message.tz, -15, 11)}"
    return f"{head}|{phones}:{text}" if head else f"{phones}:{text}"
