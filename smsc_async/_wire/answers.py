"""Response decoding: bytes → text → typed result or typed error. Pure functions, no I/O.

Every format (``fmt`` 0 text, 1 CSV, 2 XML, 3 JSON) is first turned into one shape — a mapping
of the server's own field names to raw values (``{"id": ..., "cnt": ..., "phones": [...]}`` or
``{"error": ..., "error_code": ..., "id": ...}``) — and one table-driven builder turns that into
a result or an `ApiError`. Anything that does not fit raises `ProtocolError` and nothing else:
no ``KeyError``, ``ValueError``, ``UnicodeDecodeError`` or parser exception ever escapes.

This module holds the pieces every endpoint shares — charsets, `parse_json`, `parse_xml`,
`xml_fields` and error answers (`parse_error`); the value converters are in
`smsc_async._wire.values`, and each endpoint's own answers are read in its area's module
(`smsc_async._resources.send.answer` for ``send.php``). `ProtocolError` reasons name the
field and the kind of value, never the value itself.
"""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from functools import lru_cache

import orjson

from .._errors import ApiError, ProtocolError, ValidationError, api_error
from .values import to_int, to_message_id

__all__ = [
    "DEFAULT_CHARSET",
    "check_fmt",
    "csv_error_fields",
    "decode_text",
    "error_from_fields",
    "first_line",
    "in_context",
    "is_error",
    "load_or_text_error",
    "parse_error",
    "parse_json",
    "parse_xml",
    "text_error_fields",
    "xml_fields",
    "xml_result",
]

DEFAULT_CHARSET = "cp1251"
"""The server's own default charset (windows-1251): the fallback for an answer that names no
charset and is not valid UTF-8."""


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
