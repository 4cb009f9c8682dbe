"""The request mapping of ``send.php``: typed arguments → validated form fields.

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
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import TypedDict

from ..._errors import ValidationError
from ..._types.message import CallParams, HourWindow, Message, Translit, Voice
from ..._wire.checks import (
    check_sender,
    check_text,
    check_url,
    encode_phones,
    is_plain_phone,
    is_plain_text,
    with_comment,
)
from ..._wire.prefix import refuse_prefix
from .fields import (
    Encoder,
    encode_flag,
    encode_freq,
    encode_id,
    encode_imgcode,
    encode_param,
    encode_period,
    encode_pp,
    encode_time,
    encode_translit,
    encode_userip,
    encode_valid,
    encode_voice,
    encode_voice_language,
    int_range,
    list_line,
)

__all__ = ["SendOptions", "encode_list_options", "encode_send", "encode_send_list"]


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


# Option name → (wire name, encoder). `voice_language` has no field of its own: it is
# appended to `voice`. `comment` and `nl` are handled by the send they belong to.
_OPTIONS: dict[str, tuple[str, Encoder]] = {
    "id": ("id", encode_id),
    "sender": ("sender", partial(check_sender, in_list=False)),
    "translit": ("translit", encode_translit),
    "tinyurl": ("tinyurl", encode_flag),
    "time": ("time", encode_time),
    "tz": ("tz", int_range(-15, 11)),  # UTC-12..UTC+14; whole hours
    "period": ("period", encode_period),
    "freq": ("freq", encode_freq),
    "flash": ("flash", encode_flag),
    "valid": ("valid", encode_valid),
    "maxsms": ("maxsms", int_range(1, 1000)),
    "imgcode": ("imgcode", encode_imgcode),
    "userip": ("userip", encode_userip),
    "err": ("err", encode_flag),
    "op": ("op", encode_flag),
    "pp": ("pp", encode_pp),
    "param": ("param", encode_param),
    "voice": ("voice", encode_voice),
    "voice_language": ("", encode_voice_language),
    "subj": ("subj", partial(check_text, max_length=255, single_line=True)),
    "fileurl": ("fileurl", check_url),
    "smsreq": ("smsreq", int_range(10, 999)),
    "nl": ("nl", encode_flag),
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
