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

from ._errors import ValidationError
from ._kind_prefix import is_call_text, refuse_prefix

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
    """

    phones: str | tuple[str, ...] = attrs.field(converter=_to_phones)
    text: str
    sender: str | None = attrs.field(default=None, kw_only=True)
    tz: int | None = attrs.field(default=None, kw_only=True)
    comment: str | None = attrs.field(default=None, kw_only=True)


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


# ------------------------------------------------------------- checks of texts and recipients
# Used by the encoder (`smsc_async._encode`); they live here, beside `Message`, because they
# define what a valid message is. No rule text ever includes the value it rejects.

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# What no message text may hold: C0 controls but tab and line breaks, DEL, C1 controls.
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_PHONE = re.compile(r"\+?[0-9 ()-]+")
_PHONE_FORMATTING = re.compile(r"[ ()-]")
_PHONE_DIGITS = re.compile(r"\+?[0-9]{3,20}")
_GROUP = re.compile(r"[Gg][0-9]{1,10}")
_EMAIL = re.compile(r"[^\s@,;:|<>()\[\]\\\"]+@[^\s@,;:|<>()\[\]\\\"]+\.[^\s@,;:|<>()\[\]\\\".]+")
_TELEGRAM = re.compile(r"@[A-Za-z0-9_]{1,64}|#[0-9]{1,20}")
_SENDER_DIGITS = re.compile(r"\+?[0-9]{1,15}")
_SENDER_NAME = re.compile(r"[\x20-\x7e]{1,11}")  # Latin letters, digits, space, ASCII symbols
COMMENT_SEPARATOR = "\n~~~\n"
CALL_COMMENT_RULE = "cannot be added to a voice call: SMSC reads it as the call's param"


def check_text(field: str, value: object, max_length: int, *, single_line: bool = False) -> str:
    """Return ``value`` if it is a non-blank string of at most ``max_length`` characters.

    Control characters (NUL, BEL, ESC, DEL, C1 …) are refused: the server would send and
    bill them, and a phone shows them as garbage or not at all. Tab and line breaks are
    allowed unless ``single_line``.
    """
    if not isinstance(value, str):
        raise ValidationError(field, "must be a string")
    if not value.strip():
        raise ValidationError(field, "must not be empty or blank")
    if len(value) > max_length:
        raise ValidationError(field, f"must be at most {max_length} characters")
    if _SURROGATE.search(value):
        raise ValidationError(field, "must be valid Unicode (it holds a lone surrogate)")
    if single_line:
        if _CONTROL.search(value):
            raise ValidationError(field, "must not contain control characters or line breaks")
    elif _TEXT_CONTROL.search(value):
        raise ValidationError(
            field, "must not contain control characters (only tab and line breaks are allowed)"
        )
    return value


def is_plain_phone(value: str) -> bool:
    """Whether ``value`` is one phone number exactly as `encode_phones` would write it.

    Such a string (optional ``+``, 3..20 digits, nothing else) comes out of `encode_phones`
    unchanged, so a caller may use it as is (a fast path for the commonest send).
    """
    return _PHONE_DIGITS.fullmatch(value) is not None


def is_plain_text(value: str, max_length: int) -> bool:
    """Whether `check_text` would return ``value`` unchanged and no kind prefix can start it.

    True only for a non-blank text of at most ``max_length`` characters, all of them
    printable (no control character, line break or lone surrogate), without ``__`` anywhere
    (every kind prefix starts with ``__``). False means "take the general path", not
    "invalid".
    """
    return (
        0 < len(value) <= max_length
        and not value.isspace()
        and "__" not in value
        and value.isprintable()
    )


def with_comment(field: str, text: str, comment: object) -> str:
    """Append a history comment to a checked text (spec §2.4); an empty comment adds nothing.

    The comment is not sent nor billed, so it does not count toward the text's 1000
    characters; it has its own limit of 1000. A text that already holds the separator
    would make the server start the comment there, so the two cannot be combined. A voice
    call (a ``__CALL__`` text) takes no comment: the server reads what follows the separator
    as the call's ``param``, and an invalid one resets every call setting.
    """
    if comment is None or comment == "":
        return text
    if is_call_text(text):
        raise ValidationError(field, CALL_COMMENT_RULE)
    if COMMENT_SEPARATOR in text:
        raise ValidationError(field, "cannot be added: the text already holds a \\n~~~\\n comment")
    return text + COMMENT_SEPARATOR + check_text(field, comment, 1000)


def check_sender(field: str, value: object, *, in_list: bool, email: bool = True) -> str:
    """A sender name, number, or (``email``, for e-mail sends) address.

    SMSC allows "English letters, digits, space and some symbols", at most 11 characters, or
    up to 15 digits. The symbols are not listed, so any printable ASCII one is taken (the
    server refuses an unregistered name anyway); a Cyrillic or other non-ASCII name, or a
    control character, is refused. In a list line (``sender,tz|phones:text``) it must not
    hold ``,``, ``|`` or ``:``.
    """
    sender = check_text(field, value, 254, single_line=True)
    if not (
        _SENDER_NAME.fullmatch(sender)
        or _SENDER_DIGITS.fullmatch(sender)
        or (email and _EMAIL.fullmatch(sender))
    ):
        rule = "must be at most 11 Latin letters, digits, spaces or ASCII symbols, or 15 digits"
        raise ValidationError(field, rule + (" or an e-mail address" if email else ""))
    if in_list and any(char in sender for char in ",|:"):
        raise ValidationError(field, "must not contain , | or : in a list send")
    return sender


def encode_phones(field: str, phones: object) -> str:
    """Check recipients and write them joined by ``,``.

    A string is split at ``,`` and ``;``; an iterable gives one recipient per item, and an
    item holding a separator is rejected (it would smuggle in more recipients). Each
    recipient is a phone number (optional leading ``+``, 3..20 digits; spaces, dashes and
    parentheses are accepted and dropped), a group ``G<n>``/``g<n>``, an e-mail address, a
    Telegram ``@nick`` or ``#id``. Errors name the recipient by position, never by value.
    """
    if isinstance(phones, str):
        items: list[object] = re.split(r"[,;]", phones)
        split = True
    elif isinstance(phones, (bytes, bytearray)) or not isinstance(phones, Iterable):
        raise ValidationError(field, "must be a string or an iterable of strings")
    else:
        items = list(phones)
        split = False
    if not items or (split and not str(phones).strip()):
        raise ValidationError(field, "must name at least one recipient")
    return ",".join([_recipient(field, n, item, split) for n, item in enumerate(items, 1)])


def _recipient(field: str, number: int, item: object, split: bool) -> str:
    where = f"recipient {number}"
    if not isinstance(item, str):
        raise ValidationError(field, f"{where}: must be a string")
    if _CONTROL.search(item):
        raise ValidationError(field, f"{where}: must not contain control characters")
    item = item.strip()
    if not item:
        raise ValidationError(field, f"{where}: must not be empty")
    if not split and ("," in item or ";" in item):
        raise ValidationError(field, f"{where}: holds a separator; give one recipient per item")
    if ":" in item or "|" in item:
        raise ValidationError(field, f"{where}: must not contain : or |")
    if _PHONE.fullmatch(item):
        number_only = _PHONE_FORMATTING.sub("", item)
        if _PHONE_DIGITS.fullmatch(number_only):
            return number_only
    elif _GROUP.fullmatch(item) or _EMAIL.fullmatch(item) or _TELEGRAM.fullmatch(item):
        return item
    raise ValidationError(
        field, f"{where}: not a phone number, G<n> group, e-mail address, @nick or #id"
    )


def _list_text(field: str, text: str, *, nl: bool) -> str:
    """Write a text for a ``list`` line (see `smsc_async._encode.encode_send_list`)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if nl:
        for line in text.split("\n")[1:]:
            head, colon, _ = line.partition(":")
            if colon and _reads_as_phones(head.rpartition("|")[2]):
                raise ValidationError(field, "has a line that reads as a new list record")
        return text
    if "\\n" in text or "\\\n" in text:
        raise ValidationError(
            field, "holds a backslash before n or a line break; use nl=True or a single send"
        )
    return text.replace("\n", "\\n")


def _reads_as_phones(head: str) -> bool:
    try:
        encode_phones("", head)
    except ValidationError:
        return False
    return True


def list_line(field: str, message: object, *, nl: bool, zoned: bool) -> str:
    """One ``list`` line, ``[sender[,tz]|]phones:text``, from a `Message`.

    ``zoned`` says whether the request's ``time`` is a wall-clock date, which a per-line
    ``tz`` needs (spec: it works only with ``DDMMYYhhmm`` or ``DD.MM.YY hh:mm``).
    """
    if not isinstance(message, Message):
        raise ValidationError(field, "must be a Message")
    phones = encode_phones(f"{field}.phones", message.phones)
    text = refuse_prefix(f"{field}.text", check_text(f"{field}.text", message.text, 1000))
    full = with_comment(f"{field}.comment", text, message.comment)
    if nl:
        text = _list_text(f"{field}.text", full, nl=True)
    else:
        text = _list_text(f"{field}.text", text, nl=False)
        if message.comment:
            comment = _list_text(f"{field}.comment", message.comment, nl=False)
            text += COMMENT_SEPARATOR.replace("\n", "\\n") + comment
    head = ""
    if message.sender is not None:
        head = check_sender(f"{field}.sender", message.sender, in_list=True)
    if message.tz is not None:
        if message.sender is None:
            raise ValidationError(f"{field}.tz", "needs sender (the line is sender,tz|phones:text)")
        if not zoned:
            raise ValidationError(f"{field}.tz", "needs time as a wall-clock date")
        head += f",{check_int(f'{field}.tz', message.tz, -15, 11)}"
    return f"{head}|{phones}:{text}" if head else f"{phones}:{text}"
