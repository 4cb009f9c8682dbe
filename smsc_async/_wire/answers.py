"""Response decoding: bytes → text → typed result or typed error. Pure functions, no I/O.

Every format (``fmt`` 0 text, 1 CSV, 2 XML, 3 JSON) is first turned into one shape — a mapping
of the server's own field names to raw values (``{"id": ..., "cnt": ..., "phones": [...]}`` or
``{"error": ..., "error_code": ..., "id": ...}``) — and one table-driven builder turns that into
a result or an `ApiError`. Anything that does not fit raises `ProtocolError` and nothing else:
no ``KeyError``, ``ValueError``, ``UnicodeDecodeError`` or parser exception ever escapes.

This module holds the pieces every endpoint shares — charsets, the small converters (`to_int`,
`to_decimal`, `to_text`, `to_message_id`), `parse_json`, `parse_xml`, `xml_fields`,
`convert_fields` and error answers (`parse_error`); each endpoint's own answers are read in a
``_decode_<endpoint>`` module (`smsc_async._resources.send.answer` for ``send.php``).
Their `ProtocolError` reasons name the field and the kind of value, never the value itself.
"""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

import orjson

from .._errors import ApiError, ProtocolError, ValidationError, api_error

__all__ = [
    "DEFAULT_CHARSET",
    "Converter",
    "check_fmt",
    "convert_fields",
    "csv_error_fields",
    "decode_text",
    "error_from_fields",
    "fail_value",
    "first_line",
    "in_context",
    "is_error",
    "load_or_text_error",
    "optional",
    "parse_error",
    "parse_json",
    "parse_xml",
    "text_error_fields",
    "to_count",
    "to_decimal",
    "to_int",
    "to_message_id",
    "to_text",
    "xml_fields",
    "xml_result",
]

DEFAULT_CHARSET = "cp1251"
"""The server's own default charset (windows-1251): the fallback for an answer that names no
charset and is not valid UTF-8."""

Converter = Callable[[object, str], Any]
"""Turns one raw field value into its typed form; the second argument is the field's name."""

# --------------------------------------------------------------------------- bytes → text


def decode_text(content: bytes, content_type: str | None) -> str:
    """Decode a response body by the charset its Content-Type declares.

    Any text encoding Python knows is honoured (``utf-8``, ``koi8-r``, ``windows-1251``/
    ``cp1251`` and their aliases), as an HTTP client would. Without a ``charset=`` parameter
    the body is read as UTF-8, which every request of this SDK asks for, and only when it is
    not valid UTF-8 as windows-1251, the server's own default. (A windows-1251 text that is
    also valid UTF-8 is rare: its Cyrillic letters are not UTF-8 sequences.) A leading
    byte-order mark is dropped.

    Raises:
        ProtocolError: the charset is unknown or the bytes are not valid in it.
    """
    charset = "utf-8"
    try:
        declared = _charset_of(content_type)
        if declared is None:
            try:
                text = content.decode("utf-8")
            except UnicodeDecodeError:
                charset = DEFAULT_CHARSET
                text = content.decode(charset)
        else:
            charset = declared
            text = content.decode(charset)
    except ProtocolError as exc:
        failure = ProtocolError(exc.reason, body=content)
    except (LookupError, UnicodeError):
        # LookupError: a registered codec that is not a text encoding (e.g. "rot13").
        failure = ProtocolError(f"body is not valid {charset} text", body=content)
    else:
        return text[1:] if text.startswith("\ufeff") else text
    # Raised outside the except blocks: a UnicodeDecodeError holds the whole body.
    raise failure


@lru_cache(maxsize=32)
def _charset_of(content_type: str | None) -> str | None:
    """The codec name of the declared charset, or None when none is declared."""
    if content_type:
        for param in content_type.split(";")[1:]:
            name, _, value = param.partition("=")
            value = value.strip().strip("\"'").strip()
            if name.strip().lower() == "charset" and value:
                try:
                    return codecs.lookup(value).name
                except (LookupError, ValueError):
                    raise ProtocolError(f"unknown charset {value[:40]!r}") from None
    return None


# --------------------------------------------------------------------------- value converters


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


# --------------------------------------------------------------------------- JSON and XML


def parse_json(text: str | bytes) -> object:
    """Parse JSON with orjson; anything unparseable raises `ProtocolError`."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        pass
    # Raised outside the except block: the JSONDecodeError holds the whole text (``.doc``).
    raise ProtocolError("not valid JSON")


def parse_xml(text: str) -> ET.Element:
    """Parse XML safely: documents with a DTD (``<!DOCTYPE``/``<!ENTITY``) are refused.

    Without a DTD no entity can be declared, so entity expansion bombs and external entities
    are impossible; expat then only knows the five predefined entities. This keeps us on the
    standard library instead of adding defusedxml as a dependency.

    Raises:
        ProtocolError: a DTD is present or the text is not well-formed XML.
    """
    lowered = text.lower()
    if "<!doctype" in lowered or "<!entity" in lowered:
        raise ProtocolError("XML with a DTD is refused")
    try:
        return ET.fromstring(text)  # noqa: S314 -- no DTD, hence no entities (checked above)
    except (ET.ParseError, ValueError):  # ValueError: text that cannot even be encoded
        pass
    # Raised outside the except block, so no chained exception keeps the parser's frames.
    raise ProtocolError("not well-formed XML")


def xml_fields(element: ET.Element) -> dict[str, object]:
    """An XML element's children as a field mapping, the XML twin of a JSON object.

    A leaf child gives its text (``<cnt>1</cnt>`` → ``"cnt": "1"``). A child with children
    gives a list of records, one per grandchild: its attributes plus its own text under its
    tag (``<phones><phone cost="1.4">79..</phone></phones>`` →
    ``"phones": [{"cost": "1.4", "phone": "79.."}]``). Deeper levels are not read.
    """
    fields: dict[str, object] = {}
    for child in element:
        if len(child):
            fields[child.tag] = [{**item.attrib, item.tag: item.text or ""} for item in child]
        else:
            fields[child.tag] = (child.text or "").strip()
    return fields


# --------------------------------------------------------------------------- error shapes

# fmt=0: "ERROR = N (description)" or "ERROR = N (description), ID - <id>".
# The greedy description lets it contain parentheses of its own.
_TEXT_ERROR = re.compile(
    r"ERROR\s*=\s*(?P<error_code>-?\d+)\s*(?:\((?P<error>.*)\))?"
    r"(?:\s*,\s*ID\s*-\s*(?P<id>\S+))?\s*",
    re.IGNORECASE,
)


def text_error_fields(text: str) -> dict[str, object] | None:
    match = _TEXT_ERROR.fullmatch(first_line(text))
    return match.groupdict() if match else None


def csv_error_fields(text: str) -> dict[str, object] | None:
    # fmt=1: "0,-N" or "<id>,-N"; no description is given.
    message_id, sep, code = first_line(text).partition(",")
    if sep and code.startswith("-") and code[1:].isascii() and code[1:].isdigit():
        return {"error_code": code[1:], "error": "", "id": message_id}
    return None


def _structured_error_fields(text: str, load: Callable[[str], object]) -> dict[str, object] | None:
    try:
        fields = load_or_text_error(text, load)
    except ProtocolError:
        return None
    return fields if isinstance(fields, dict) and is_error(fields) else None


def _xml_root_fields(text: str) -> object:
    return xml_fields(parse_xml(text))


_ERROR_SHAPES: dict[int, Callable[[str], dict[str, object] | None]] = {
    0: text_error_fields,
    1: csv_error_fields,
    2: lambda text: _structured_error_fields(text, _xml_root_fields),
    3: lambda text: _structured_error_fields(text, parse_json),
}


def is_error(fields: Mapping[str, object]) -> bool:
    # An empty "error" beside a success is not an error; a bare non-empty one is.
    return "error_code" in fields or bool(fields.get("error"))


def error_from_fields(fields: Mapping[str, object], endpoint: str) -> ApiError:
    code = fields.get("error_code")
    if code is None:
        raise ProtocolError("error answer without an error code")
    description = fields.get("error")
    message_id = fields.get("id")
    return api_error(
        endpoint,
        to_int(code, "error_code"),
        description.strip() if isinstance(description, str) else "",
        # Id 0 (as in fmt=1 "0,-N") means "no message".
        None if message_id in (None, "", 0, "0") else to_message_id(message_id),
    )


def parse_error(text: str, *, fmt: int, endpoint: str) -> ApiError | None:
    """Recognise an error answer of any endpoint in format ``fmt``.

    Returns:
        The `ApiError` subclass the code means on ``endpoint``, or None when the text does not
        have an error's shape (including text that is not JSON/XML at all, such as a bare
        ``OK``), so the caller can go on to read it as a success.

    Raises:
        ProtocolError: the text has an error's shape but its code or id is unreadable.
    """
    fields = _ERROR_SHAPES[check_fmt(fmt)](text)
    if fields is None:
        return None
    try:
        return error_from_fields(fields, endpoint)
    except ProtocolError as exc:
        failure = in_context(exc, endpoint, text)
    raise failure  # outside the except block: chained to nothing (see `in_context`)


def first_line(text: str) -> str:
    return text.strip().split("\n", 1)[0].strip()


def load_or_text_error(text: str, load: Callable[[str], object]) -> object:
    """``load(text)``, or a plain-text error's fields when the server ignored ``fmt``."""
    try:
        return load(text)
    except ProtocolError:
        fields = text_error_fields(text)
        if fields is None:
            raise
        return fields


def xml_result(text: str) -> dict[str, object]:
    root = parse_xml(text)
    if root.tag != "result":
        raise ProtocolError(f"XML root is <{root.tag[:20]}>, not <result>")
    return xml_fields(root)


def check_fmt(fmt: int) -> int:
    if fmt not in (0, 1, 2, 3):
        raise ValidationError("fmt", "must be 0, 1, 2 or 3")
    return fmt


def in_context(exc: ProtocolError, endpoint: str, text: str) -> ProtocolError:
    """The same error, now naming the endpoint and keeping the body (never in the message).

    Raise it after the ``except`` block that caught ``exc``, not inside: chained to ``exc``,
    it would keep the parser's frames, whose locals hold the answer's text.
    """
    body = exc.body if exc.body is not None else text.encode("utf-8", "backslashreplace")
    return ProtocolError(
        exc.reason, endpoint=exc.endpoint or endpoint, status_code=exc.status_code, body=body
    )
