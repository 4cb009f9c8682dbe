"""The request encoder of ``send.php``: typed arguments → validated form fields → body bytes.

Pure functions, no I/O. Everything is checked before a request exists, and every failure is a
`ValidationError` naming the field and the rule, never echoing a text or a phone number.

Decisions where the API text is silent or loose (each is documented where it is made):

* An option given as ``None`` is treated as not given; a ``False`` flag is simply omitted.
* The 1000-character limit applies to the text that is sent; a ``comment`` is not sent nor
  billed, so it has a separate limit of 1000 characters.
* ``time`` as an aware `datetime` is converted to Moscow time (UTC+3, no DST since 2014) and
  sent with ``tz=0``; a naive datetime is rejected. Seconds are dropped (the wire format has
  minutes only).
* Pairs the server only honours together are required together: ``period``/``freq``,
  ``imgcode`` → ``userip``, ``voice_language`` → ``voice``, ``tz`` → ``time``.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import TypedDict
from urllib.parse import urlsplit

from .._errors import ValidationError
from .._types.message import (
    CallParams,
    HourWindow,
    Message,
    Translit,
    Voice,
    check_int,
    encode_time,
    list_line,
    whole_minutes,
)
from .prefix import refuse_prefix
from .text import (
    check_sender,
    check_text,
    encode_phones,
    is_plain_phone,
    is_plain_text,
    with_comment,
)

__all__ = [
    "SendOptions",
    "check_url",
    "encode_list_options",
    "encode_send",
    "encode_send_list",
    "form_body",
]


class SendOptions(TypedDict, total=False):
    """Every keyword option of a send, with its Python type (``None`` counts as not given).

    Wire names and ranges are those of ``send.php``; see `encode_send`.
    """

    id: int | str  # 1..2147483647, or 1..40 of [A-Za-z0-9._-]
    sender: str  # ≤ 11 characters, ≤ 15 digits, or an e-mail address (e-mail sends)
    translit: Translit
    tinyurl: bool  # shorten links
    time: datetime | timedelta | HourWindow | int | str  # aware datetime / +m / h1-h2 / Unix
    tz: int  # hours relative to Moscow, -15..11; only with a wall-clock or window `time`
    period: float | Decimal | timedelta  # 0.1..720 hours; with `freq`
    freq: int | timedelta  # 1..1440 minutes; with `period`
    flash: bool
    valid: int | timedelta | str  # 1..24 hours, or 00:01..24:00 (timedelta or "hh:mm")
    maxsms: int  # 1..1000 parts at most
    imgcode: str  # captcha code, 1..32 letters/digits; with `userip`
    userip: str | ipaddress.IPv4Address | ipaddress.IPv6Address
    err: bool  # report failed numbers
    op: bool  # report every number
    pp: int | str  # partner id (digits)
    param: CallParams
    voice: Voice
    voice_language: str  # two lowercase letters, e.g. "en"; with `voice` → "m,en"
    subj: str  # 1..255 characters, one line
    fileurl: str  # absolute http(s) URL
    smsreq: int  # 10..999 days
    nl: bool  # list sends only: the server's multi-line mode
    comment: str  # single sends only: appended as "\n~~~\n<comment>"


# ------------------------------------------------------------------ one encoder per option
# Each takes (field, value) and returns the wire value, or None to leave the field out.

_Encoder = Callable[[str, object], "str | None"]

_ID = re.compile(r"[A-Za-z0-9._-]{1,40}")
_LANGUAGE = re.compile(r"[a-z]{2}")
_DIGITS = re.compile(r"[0-9]{1,20}")
_HHMM = re.compile(r"([0-9]{2}):([0-9]{2})")
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f-\x9f]")


def _int_range(low: int, high: int) -> _Encoder:
    return lambda field, value: str(check_int(field, value, low, high))


def _flag(field: str, value: object) -> str | None:
    if not isinstance(value, bool):
        raise ValidationError(field, "must be True or False")
    return "1" if value else None


def _id(field: str, value: object) -> str:
    if isinstance(value, str):
        if not _ID.fullmatch(value):
            raise ValidationError(field, "must be 1..40 characters of A-Z a-z 0-9 . _ -")
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(check_int(field, value, 1, 2_147_483_647))
    raise ValidationError(field, "must be an integer 1..2147483647 or a string")


def _translit(field: str, value: object) -> str | None:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 2:
        raise ValidationError(field, "must be a Translit (0, 1 or 2)")
    return str(int(value)) if value else None


def _period(field: str, value: object) -> str:
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


def _freq(field: str, value: object) -> str:
    if isinstance(value, timedelta):
        value = whole_minutes(field, value)
    return str(check_int(field, value, 1, 1440))


def _valid(field: str, value: object) -> str:
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


def _imgcode(field: str, value: object) -> str:
    if not isinstance(value, str) or not value.isalnum() or len(value) > 32:
        raise ValidationError(field, "must be 1..32 letters or digits")
    return value


def _userip(field: str, value: object) -> str:
    if isinstance(value, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        return str(value)
    if isinstance(value, str):
        try:
            return str(ipaddress.ip_address(value))
        except ValueError:
            pass
    raise ValidationError(field, "must be an IPv4 or IPv6 address")


def _pp(field: str, value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(check_int(field, value, 1, 10**20 - 1))
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        return value
    raise ValidationError(field, "must be a partner id: a positive integer or 1..20 digits")


def _param(field: str, value: object) -> str:
    if not isinstance(value, CallParams):
        raise ValidationError(field, "must be a CallParams")
    return value.to_param()


def _voice(field: str, value: object) -> str:
    try:
        return Voice(value).value
    except ValueError:
        raise ValidationError(field, "must be a Voice (m, m2, m3, m4, w, w2, w3, w4)") from None


def _voice_language(field: str, value: object) -> str:
    if not isinstance(value, str) or not _LANGUAGE.fullmatch(value):
        raise ValidationError(field, "must be two lowercase ASCII letters, e.g. 'en'")
    return value


def check_url(field: str, value: object, forbidden: str = "") -> str:
    """An absolute http(s) URL of at most 2048 characters without spaces or ``forbidden``."""
    rule = "must be an absolute http(s) URL without spaces, at most 2048 characters"
    if not isinstance(value, str) or len(value) > 2048 or _CONTROL_OR_SPACE.search(value):
        raise ValidationError(field, rule)
    try:
        parts = urlsplit(value)
        ok = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:
        ok = False
    if not ok:
        raise ValidationError(field, rule)
    if any(char in value for char in forbidden):
        raise ValidationError(field, f"must not contain any of {' '.join(forbidden)}")
    return value


# Option name → (wire name, encoder). `voice_language` has no field of its own: it is
# appended to `voice`. `comment` and `nl` are handled by the send they belong to.
_OPTIONS: dict[str, tuple[str, _Encoder]] = {
    "id": ("id", _id),
    "sender": ("sender", partial(check_sender, in_list=False)),
    "translit": ("translit", _translit),
    "tinyurl": ("tinyurl", _flag),
    "time": ("time", encode_time),
    "tz": ("tz", _int_range(-15, 11)),  # UTC-12..UTC+14; whole hours
    "period": ("period", _period),
    "freq": ("freq", _freq),
    "flash": ("flash", _flag),
    "valid": ("valid", _valid),
    "maxsms": ("maxsms", _int_range(1, 1000)),
    "imgcode": ("imgcode", _imgcode),
    "userip": ("userip", _userip),
    "err": ("err", _flag),
    "op": ("op", _flag),
    "pp": ("pp", _pp),
    "param": ("param", _param),
    "voice": ("voice", _voice),
    "voice_language": ("", _voice_language),
    "subj": ("subj", partial(check_text, max_length=255, single_line=True)),
    "fileurl": ("fileurl", check_url),
    "smsreq": ("smsreq", _int_range(10, 999)),
    "nl": ("nl", _flag),
}

# (option, option it needs): the server ignores the first without the second.
_NEEDS = (
    ("freq", "period"),
    ("period", "freq"),
    ("imgcode", "userip"),
    ("voice_language", "voice"),
    ("tz", "time"),
)

# Checked `time` wire forms a zone applies to: DDMMYYhhmm, DD.MM.YY hh:mm (and h1-h2).
_WALL_CLOCK = re.compile(r"[0-9]{10}|[0-9.]{8} [0-9:]{5}")
_ZONED_TIME = re.compile(rf"{_WALL_CLOCK.pattern}|[0-9]+-[0-9]+")


def _encode_options(options: Mapping[str, object]) -> dict[str, str]:
    """Validate and encode the shared options; apply the rules that link two of them."""
    given = {name: value for name, value in options.items() if value is not None}
    params: dict[str, str] = {}
    for name, value in given.items():
        entry = _OPTIONS.get(name)
        if entry is None:
            raise ValidationError(name, "is not a send option")
        wire = entry[1](name, value)
        if wire is not None and entry[0]:
            params[entry[0]] = wire
    for name, needed in _NEEDS:
        if name in given and needed not in given:
            raise ValidationError(name, f"needs {needed}")
    if "voice_language" in given:
        params["voice"] += "," + str(given["voice_language"])
    if "time" in given:
        _apply_time_zone(isinstance(given["time"], datetime), "tz" in given, params)
    return params


def _apply_time_zone(aware: bool, tz_given: bool, params: dict[str, str]) -> None:
    """``tz`` says how to read a wall-clock ``time``; it has no meaning for other forms.

    An aware datetime already fixes the instant (sent as Moscow time with ``tz=0``), so an
    explicit ``tz`` could only contradict it. ``+m`` and ``0<unix time>`` are zone-free.
    """
    if aware:
        if tz_given:
            raise ValidationError("tz", "cannot be combined with an aware datetime time")
        params["tz"] = "0"
    elif tz_given and not _ZONED_TIME.fullmatch(params["time"]):
        raise ValidationError("tz", "only applies to a wall-clock or hour-window time")


def encode_send(
    phones: str | Iterable[str], message: str | None, options: Mapping[str, object]
) -> dict[str, str]:
    """Validate one message and its options; return its ``send.php`` fields.

    Login, password, API key, ``fmt``, ``charset`` and ``cost`` are not included: the client
    adds them.

    Args:
        phones: one string (a ``,``/``;`` separated list is split) or an iterable of strings,
            one recipient each: a phone number (``+`` optional; spaces, dashes and
            parentheses are dropped), ``G<n>`` group, e-mail address, ``@nick`` or ``#id``.
        message: the text, at most 1000 characters, or ``None`` to send no ``mes`` (for
            kinds that need none). ``options["comment"]`` is appended as ``\\n~~~\\n<comment>``.
        options: keyword options, see `SendOptions`.

    Returns:
        The wire fields, ``phones`` and ``mes`` first.

    Raises:
        ValidationError: an argument breaks a rule; ``.field`` names it.
    """
    # The commonest send (one plain number, a plain text, no options) gives the same fields
    # as the general path below, in a fraction of its steps.
    if (
        not options
        and type(phones) is str
        and type(message) is str
        and is_plain_phone(phones)
        and is_plain_text(message, 1000)
    ):
        return {"phones": phones, "mes": message}
    options = dict(options)
    comment = options.pop("comment", None)
    if options.get("nl") is True:
        raise ValidationError("nl", "only applies to a list send")
    params = {"phones": encode_phones("phones", phones)}
    if message is not None:
        # A leading __VIBER__: (etc.) would silently change the kind and the price.
        params["mes"] = refuse_prefix("message", check_text("message", message, 1000))
        params["mes"] = with_comment("comment", params["mes"], comment)
    elif comment is not None:
        raise ValidationError("comment", "needs a message text")
    params.update(_encode_options(options))
    return params


def encode_list_options(options: Mapping[str, object]) -> tuple[dict[str, str], bool, bool]:
    """The fields shared by every line of a ``list`` send, and two facts the lines need.

    Returns:
        The encoded options, whether they ask for ``nl`` (multi-line mode), and whether
        ``time`` is a wall-clock date (which a per-line ``tz`` needs).
    """
    params = _encode_options(options)
    zoned = "time" in params and bool(_WALL_CLOCK.fullmatch(params["time"]))
    return params, params.get("nl") == "1", zoned


def encode_send_list(messages: Iterable[Message], options: Mapping[str, object]) -> dict[str, str]:
    """Validate several messages sent in one request; return the ``list`` field and options.

    Each message becomes one line ``[sender[,tz]|]phones:text`` and the lines are joined by
    a newline. A line break inside a text (``\\r\\n``, ``\\r`` or ``\\n``) is written as the
    two characters ``\\n``, which the server turns back into a line break. A text that
    already holds a backslash followed by ``n`` cannot be written unambiguously (the server
    would break the line there), so it is rejected, unless ``nl=True``: the server's
    multi-line mode, where line breaks inside texts are written as real line breaks and no
    ``\\n`` is interpreted; then a continuation line of a text that itself reads as the start
    of a record (``<valid phones>:``) is rejected, because the server could not tell it apart.

    A message's ``tz`` needs ``time`` as a wall-clock date (an aware datetime, sent as Moscow
    wall-clock time, or a ``DDMMYYhhmm`` / ``DD.MM.YY hh:mm`` string): the server reads that
    wall-clock time in the line's zone. All messages share one ``id``. ``comment`` is not an
    option here: give each `Message` its own.

    Raises:
        ValidationError: ``.field`` is ``messages``, ``messages[i].<field>`` (i from 0) or
            the option at fault.
    """
    options = dict(options)
    if options.get("comment") is not None:
        raise ValidationError("comment", "is per message in a list send: use Message.comment")
    options.pop("comment", None)
    params, nl, wall_clock = encode_list_options(options)
    if isinstance(messages, (Message, str)) or not isinstance(messages, Iterable):
        raise ValidationError("messages", "must be an iterable of Message")
    lines = [
        list_line(f"messages[{i}]", m, nl=nl, zoned=wall_clock) for i, m in enumerate(messages)
    ]
    if not lines:
        raise ValidationError("messages", "must not be empty")
    return {"list": "\n".join(lines), **params}


# ------------------------------------------------------------------------------ form body

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()")
_TABLE_LIMIT = 8192


class _PercentTable(dict[int, str]):
    """Code point → its encodeURIComponent form, for `str.translate`; filled on first use.

    `str.translate` looks every character up in C, so a text costs one dict hit per character
    instead of a Python step per UTF-8 byte (as `urllib.parse.quote` takes). The cache stops
    growing at `_TABLE_LIMIT` entries, so hostile input cannot make it grow without bound.
    """

    def __missing__(self, code: int) -> str:
        char = chr(code)
        encoded = (
            char
            if char in _UNRESERVED
            else "".join(f"%{byte:02X}" for byte in char.encode("utf-8"))
        )
        if len(self) < _TABLE_LIMIT:
            self[code] = encoded
        return encoded


_PERCENT = _PercentTable()
# The same mapping for the ASCII range as a plain dict, complete from the start: `str.translate`
# is a third faster on it than on the dict subclass. Only for text that `isascii()`.
_PERCENT_ASCII = {code: _PERCENT[code] for code in range(128)}
# Encoded keys with their "=": a handful of field names, repeated in every request.
_KEYS: dict[str, str] = {}


def _key(key: str) -> str:
    encoded = key.translate(_PERCENT) + "="
    if len(_KEYS) < 64:
        _KEYS[key] = encoded
    return encoded


def form_body(params: Mapping[str, str]) -> bytes:
    """Encode fields as ``application/x-www-form-urlencoded`` UTF-8, like encodeURIComponent.

    Only ``A-Z a-z 0-9 - _ . ! ~ * ' ( )`` stay as they are; everything else is
    percent-encoded from its UTF-8 bytes (space → ``%20``, ``+`` → ``%2B``, newline →
    ``%0A``), so the server never has to guess what a ``+`` meant.

    Raises:
        UnicodeEncodeError: a key or value holds a lone surrogate (the encoders reject those).
    """
    keys = _KEYS
    return "&".join(
        [
            (keys.get(key) or _key(key))
            + (
                value.translate(_PERCENT)
                if not value.isascii()
                else value  # digits and letters stay as they are
                if value.isalnum()
                else value.translate(_PERCENT_ASCII)
            )
            for key, value in params.items()
        ]
    ).encode("ascii")
