"""Converters from an answer's raw field values to typed ones, and the table-driven builder.

Each converter takes (value, field name) and returns the typed value or raises
`ProtocolError` naming the field and the kind of value expected, never the value itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from .._errors import ProtocolError

__all__ = [
    "MOSCOW",
    "Converter",
    "convert_fields",
    "fail_value",
    "optional",
    "to_count",
    "to_datetime",
    "to_decimal",
    "to_int",
    "to_message_id",
    "to_text",
    "to_timestamp",
]


Converter = Callable[[object, str], Any]
"""Turns one raw field value into its typed form; the second argument is the field's name."""


def fail_value(field: str, expected: str, value: object) -> ProtocolError:
    return ProtocolError(f"{field}: expected {expected}, got {type(value).__name__}")


def to_int(value: object, field: str) -> int:
    """An integer given as a JSON number or as decimal text (``"7"``, ``"-1"``).

    Booleans, floats and anything else raise `ProtocolError`.
    """
    if type(value) is int:
        return value
    if isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text[:1] in ("+", "-") else text
        if digits.isascii() and digits.isdigit():
            try:
                return int(text)
            except ValueError:  # more digits than int() will convert
                pass
    raise fail_value(field, "an integer", value)


def to_count(value: object, field: str) -> int:
    """A count that cannot be negative (SMS parts, seconds); see `to_int`."""
    number = to_int(value, field)
    if number < 0:
        raise ProtocolError(f"{field}: negative count")
    return number


def to_decimal(value: object, field: str) -> Decimal:
    """Money as `Decimal`, from text (``"1.40"``) or a JSON number.

    A float goes through ``str`` so ``0.1`` stays ``Decimal("0.1")``, not binary noise.
    NaN, infinities and non-ASCII digits raise `ProtocolError`.
    """
    if isinstance(value, str):
        text = value.strip()
    elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        text = str(value)
    else:
        raise fail_value(field, "a decimal number", value)
    if text.isascii() and "_" not in text:
        try:
            number = Decimal(text)
        except InvalidOperation:
            pass
        else:
            if number.is_finite():
                return number
    raise fail_value(field, "a decimal number", value)


def to_text(value: object, field: str) -> str:
    """Text, accepting a number where text was expected (``"mccmnc": 25001``); None → ``""``."""
    if isinstance(value, str):
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return str(value)
    raise fail_value(field, "text", value)


def to_message_id(value: object, field: str = "id") -> int | str:
    """A message id: canonical decimal numbers become `int`, other ids stay `str`.

    ``"007"`` or ``"-5"`` are valid client-chosen string ids (``[A-Za-z0-9._-]``), so only a
    canonical number (no sign, no leading zero) is turned into an `int`. Empty text, blanks or
    control characters, booleans and floats raise `ProtocolError`.
    """
    if type(value) is int:
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.isascii() and text.isdigit() and (text[0] != "0" or len(text) == 1):
            try:
                return int(text)
            except ValueError:
                return text
        if text and text.isprintable() and " " not in text:
            return text
    raise fail_value(field, "a message id", value)


def optional(convert: Converter) -> Converter:
    """Wrap a converter so that a missing or empty value (None, ``""``) gives None."""

    def convert_optional(value: object, field: str) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return convert(value, field)

    return convert_optional


def convert_fields(
    raw: Mapping[str, object],
    table: Mapping[str, tuple[str, Converter]],
    required: frozenset[str] = frozenset(),
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split raw fields into converted known ones and the rest.

    Args:
        raw: the server's fields, by the server's names.
        table: server name → (attribute name, converter).
        required: attribute names that must be present.

    Returns:
        ``(known, extra)``: known fields by attribute name, unknown ones as they came.

    Raises:
        ProtocolError: a value did not convert, or a required field is missing.
    """
    known: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in raw.items():
        entry = table.get(key)
        if entry is None:
            extra[key] = value
        else:
            known[entry[0]] = entry[1](value, key)
    for name in required:
        if known.get(name) is None:
            raise ProtocolError(f"missing field {name!r}")
    return known, extra


MOSCOW = timezone(timedelta(hours=3), "MSK")
"""Moscow time, the server's reference zone (UTC+3 all year since 26 October 2014): aware
`datetime` values are sent in it, and the dates of text answers are read in it."""


_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?")


def to_datetime(value: object, field: str) -> datetime | None:
    """A ``DD.MM.YYYY hh:mm[:ss]`` date in Moscow time; empty → None."""
    text = to_text(value, field)
    if not text:
        return None
    match = _DATE.fullmatch(text)
    if match is None:
        raise ProtocolError(f"{field}: not a DD.MM.YYYY hh:mm:ss date")
    day, month, year, hour, minute, second = (int(g or 0) for g in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=MOSCOW)
    except ValueError:
        raise ProtocolError(f"{field}: not a real date") from None


def to_timestamp(value: object, field: str) -> datetime | None:
    """Unix seconds as an aware UTC datetime; empty or 0 (the server's "none") → None."""
    number = optional(to_int)(value, field)
    if not number:
        return None
    try:
        return datetime.fromtimestamp(number, timezone.utc)
    except (OverflowError, OSError, ValueError):
        raise ProtocolError(f"{field}: timestamp out of range") from None
