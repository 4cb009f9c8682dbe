"""What a caller may give a send: typed option values, and the checks of texts and recipients.

`CallParams` and `HourWindow` validate themselves when built, so a wrong value fails at the
line that made it. A `Message` is checked when it is encoded, where the error can name its
position. Every failure is a `ValidationError` naming the field and the rule, never the value
(it could be message content or a phone number).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any

import attrs

from .._errors import ValidationError
from .._masking import mask_recipients, mask_text
from .._wire.checks import check_int
from .._wire.prefix import CALL_PARAM_RANGES

__all__ = ["CallParams", "HourWindow", "Message", "Translit", "Voice"]


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

    wait: int = attrs.field(validator=_ranged(*CALL_PARAM_RANGES["wait"], "param"))
    interval: int = attrs.field(validator=_ranged(*CALL_PARAM_RANGES["interval"], "param"))
    attempts: int = attrs.field(validator=_ranged(*CALL_PARAM_RANGES["attempts"], "param"))

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
