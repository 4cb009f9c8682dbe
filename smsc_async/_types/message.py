"""What a caller may give a send: typed option values, and the checks of texts and recipients.

`CallParams` and `HourWindow` validate themselves when built, so a wrong value fails at the
line that made it. A `Message` is checked when it is encoded, where the error can name its
position. Every failure is a `ValidationError` naming the field and the rule, never the value
(it could be message content or a phone number).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs

from .._errors import ValidationError
from .._masking import mask_recipients, mask_text
from .._wire.prefix import refuse_prefix
from .._wire.text import (
    COMMENT_SEPARATOR,
    check_sender,
    check_text,
    encode_phones,
    list_text,
    nl_record_head,
    with_comment,
)

__all__ = ["CallParams", "HourWindow", "Message", "Translit", "Voice"]


def check_int(field: str, value: object, low: int, high: int) -> int:
    """Return ``value`` if it is an ``int`` (not a ``bool``) in ``low..high``, else raise."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError(field, f"must be an integer from {low} to {high}")
    if not low <= value <= high:
        raise ValidationError(field, f"must be from {low} to {high}")
    return value


def _ranged(low: int, high: int, prefix: str) -> Any:
    """An attrs validator: an int in ``low..high``; the error names ``<prefix>.<attribute>``."""

    def validate(_instance: object, attribute: attrs.Attribute[int], value: object) -> None:
        check_int(f"{prefix}.{attribute.name}", value, low, high)

    return validate


class Translit(enum.IntEnum):
    """How the server transliterates Cyrillic text (``translit``)."""

    NONE = 0
    """Send the text as written (the server's default)."""
    LATIN = 1
    """Plain Latin transliteration, e.g. ``"translit"``."""
    LOOKALIKE = 2
    """Latin and digit look-alikes of Cyrillic letters, e.g. ``"mpaHc/Ium"``."""


class Voice(str, enum.Enum):
    """The voice that reads a voice message (``voice``); the server's default is `MALE_3`."""

    MALE = "m"
    MALE_2 = "m2"
    MALE_3 = "m3"
    MALE_4 = "m4"
    FEMALE = "w"
    FEMALE_2 = "w2"
    FEMALE_3 = "w3"
    FEMALE_4 = "w4"


@attrs.frozen(kw_only=True)
class CallParams:
    """Dialling parameters of a voice message, written ``param=w,i,n``.

    Only the server's working ranges are accepted. The server would clamp some values outside
    them (``wait`` 0..99, ``interval`` below 10, ``attempts`` 0) and silently replace *all
    three* by its defaults for anything else; an SDK that passed such values on would send a
    call other than the one asked for, so they are rejected here instead.

    Attributes:
        wait: seconds to wait for the callee to pick up, 10..35.
        interval: seconds between attempts, 10..3600.
        attempts: number of dialling attempts, 1..9.

    Raises:
        ValidationError: field ``param.wait``, ``param.interval`` or ``param.attempts``.
    """

    wait: int = attrs.field(validator=_ranged(10, 35, "param"))
    interval: int = attrs.field(validator=_ranged(10, 3600, "param"))
    attempts: int = attrs.field(validator=_ranged(1, 9, "param"))

    def to_param(self) -> str:
        """The wire value, e.g. ``"20,10,3"``."""
        return f"{self.wait},{self.interval},{self.attempts}"


def _check_window(instance: HourWindow, _attribute: object, end: int) -> None:
    if instance.start >= end:
        raise ValidationError("time.end", "must be later than time.start")


@attrs.frozen
class HourWindow:
    """Send only between two whole hours of the day, written ``time=h1-h2``.

    Before ``start`` the server waits until ``start``; inside the window it sends at once;
    after ``end`` it sends at ``start`` the next day. ``start`` must be earlier than ``end``:
    the server has no notion of a window across midnight (with ``h1 > h2`` it would never
    send at once), so such a window is rejected. The hours are read in the ``tz`` of the
    request (relative to Moscow), or in the account's time zone when ``tz`` is not given.

    Attributes:
        start: first hour, 0..23.
        end: end hour, 1..24, later than ``start``.

    Raises:
        ValidationError: field ``time.start`` or ``time.end``.
    """

    start: int = attrs.field(validator=_ranged(0, 23, "time"))
    end: int = attrs.field(validator=[_ranged(1, 24, "time"), _check_window])

    def to_param(self) -> str:
        """The wire value, e.g. ``"9-21"``."""
        return f"{self.start}-{self.end}"


def _to_phones(value: str | Iterable[str]) -> str | tuple[str, ...]:
    # An iterable is frozen into a tuple so a generator is not consumed by the first use.
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)) or not isinstance(value, Iterable):
        raise ValidationError("phones", "must be a string or an iterable of strings")
    return tuple(value)


@attrs.frozen
class Message:
    """One message of a multi-message send (the ``list`` parameter).

    The fields are checked when the message is encoded, where the error can name its
    position (``messages[2].text``).

    Attributes:
        phones: recipients: one string (which may hold a ``,``/``;`` separated list) or an
            iterable of strings, with the same rules as the ``phones`` of a single send.
        text: the message text, at most 1000 characters (the comment not counted).
        sender: this message's sender name, overriding the request's ``sender``.
        tz: this message's time zone in hours relative to Moscow. Only meaningful with
            ``time`` given as a wall-clock time (a `datetime` or a ``DDMMYYhhmm`` string):
            the server then reads that wall-clock time in this zone. Needs ``sender``, as the
            line format ``sender,tz|phones:text`` has no place for a zone alone.
        comment: a note kept in the account's history, neither sent nor billed. Not for a
            voice call (a ``__CALL__`` text): the server reads that tail as the call's ``param``.

    ``repr`` masks the recipients and shows the text and comment as their lengths (a text
    may be a one-time code); the attributes hold them as given.
    """

    phones: str | tuple[str, ...] = attrs.field(converter=_to_phones, repr=mask_recipients)
    text: str = attrs.field(repr=mask_text)
    sender: str | None = attrs.field(default=None, kw_only=True)
    tz: int | None = attrs.field(default=None, kw_only=True)
    comment: str | None = attrs.field(default=None, kw_only=True, repr=mask_text)


# --------------------------------------------------------------------------- time values

MOSCOW = timezone(timedelta(hours=3), "MSK")
"""Moscow time, the server's reference zone: UTC+3 all year since 26 October 2014."""


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
