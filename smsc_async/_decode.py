"""Response decoding: bytes → text → typed result or typed error. Pure functions, no I/O.

Every format (``fmt`` 0 text, 1 CSV, 2 XML, 3 JSON) is first turned into one shape — a mapping
of the server's own field names to raw values (``{"id": ..., "cnt": ..., "phones": [...]}`` or
``{"error": ..., "error_code": ..., "id": ...}``) — and one table-driven builder turns that into
a result or an `ApiError`. Anything that does not fit raises `ProtocolError` and nothing else:
no ``KeyError``, ``ValueError``, ``UnicodeDecodeError`` or parser exception ever escapes.

The small converters (`to_int`, `to_decimal`, `to_text`, `to_message_id`), `parse_json`,
`parse_xml`, `xml_fields` and `convert_fields` are meant for the other endpoints' decoders.
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

from ._errors import ApiError, ProtocolError, ValidationError, api_error
from ._results import CostResult, PhoneReport, SendResult

__all__ = [
    "DEFAULT_CHARSET",
    "Converter",
    "convert_fields",
    "decode_text",
    "optional",
    "parse_error",
    "parse_json",
    "parse_send",
    "parse_xml",
    "to_count",
    "to_decimal",
    "to_int",
    "to_message_id",
    "to_text",
    "xml_fields",
]

DEFAULT_CHARSET = "cp1251"
"""What the server sends when the Content-Type names no charset (windows-1251)."""

Converter = Callable[[object, str], Any]
"""Turns one raw field value into its typed form; the second argument is the field's name."""

# --------------------------------------------------------------------------- bytes → text


def decode_text(content: bytes, content_type: str | None) -> str:
    """Decode a response body by the charset its Content-Type declares.

    Without a ``charset=`` parameter the server's default, windows-1251, is assumed. Any text
    encoding Python knows is honoured (``utf-8``, ``koi8-r``, ``windows-1251``/``cp1251`` and
    their aliases), as an HTTP client would. A leading byte-order mark is dropped.

    Raises:
        ProtocolError: the charset is unknown or the bytes are not valid in it.
    """
    try:
        charset = _charset_of(content_type)
        text = content.decode(charset)
    except ProtocolError as exc:
        raise ProtocolError(exc.reason, body=content) from None
    except (LookupError, UnicodeError):
        # LookupError: a registered codec that is not a text encoding (e.g. "rot13").
        raise ProtocolError(f"body is not valid {charset} text", body=content) from None
    return text[1:] if text.startswith("\ufeff") else text


@lru_cache(maxsize=32)
def _charset_of(content_type: str | None) -> str:
    if content_type:
        for param in content_type.split(";")[1:]:
            name, _, value = param.partition("=")
            value = value.strip().strip("\"'").strip()
            if name.strip().lower() == "charset" and value:
                try:
                    return codecs.lookup(value).name
                except (LookupError, ValueError):
                    raise ProtocolError(f"unknown charset {value[:40]!r}") from None
    return DEFAULT_CHARSET


# --------------------------------------------------------------------------- value converters


def _fail(field: str, expected: str, value: object) -> ProtocolError:
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
    raise _fail(field, "an integer", value)


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
        raise _fail(field, "a decimal number", value)
    if text.isascii() and "_" not in text:
        try:
            number = Decimal(text)
        except InvalidOperation:
            pass
        else:
            if number.is_finite():
                return number
    raise _fail(field, "a decimal number", value)


def to_text(value: object, field: str) -> str:
    """Text, accepting a number where text was expected (``"mccmnc": 25001``); None → ``""``."""
    if isinstance(value, str):
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return str(value)
    raise _fail(field, "text", value)


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
    raise _fail(field, "a message id", value)


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
        raise ProtocolError("not valid JSON") from None


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
        raise ProtocolError("not well-formed XML") from None


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


def _text_error_fields(text: str) -> dict[str, object] | None:
    match = _TEXT_ERROR.fullmatch(_first_line(text))
    return match.groupdict() if match else None


def _csv_error_fields(text: str) -> dict[str, object] | None:
    # fmt=1: "0,-N" or "<id>,-N"; no description is given.
    message_id, sep, code = _first_line(text).partition(",")
    if sep and code.startswith("-") and code[1:].isascii() and code[1:].isdigit():
        return {"error_code": code[1:], "error": "", "id": message_id}
    return None


def _structured_error_fields(text: str, load: Callable[[str], object]) -> dict[str, object] | None:
    try:
        fields = _loaded(text, load)
    except ProtocolError:
        return None
    return fields if isinstance(fields, dict) and _is_error(fields) else None


def _xml_root_fields(text: str) -> object:
    return xml_fields(parse_xml(text))


_ERROR_SHAPES: dict[int, Callable[[str], dict[str, object] | None]] = {
    0: _text_error_fields,
    1: _csv_error_fields,
    2: lambda text: _structured_error_fields(text, _xml_root_fields),
    3: lambda text: _structured_error_fields(text, parse_json),
}


def _is_error(fields: Mapping[str, object]) -> bool:
    # An empty "error" beside a success is not an error; a bare non-empty one is.
    return "error_code" in fields or bool(fields.get("error"))


def _error_from_fields(fields: Mapping[str, object], endpoint: str) -> ApiError:
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
    fields = _ERROR_SHAPES[_check_fmt(fmt)](text)
    if fields is None:
        return None
    try:
        return _error_from_fields(fields, endpoint)
    except ProtocolError as exc:
        raise _in_context(exc, endpoint, text) from None


# --------------------------------------------------------------------------- send.php

_PHONE_FIELDS: dict[str, tuple[str, Converter]] = {
    "phone": ("phone", to_text),
    "mccmnc": ("mccmnc", to_text),
    "cost": ("cost", optional(to_decimal)),
    "status": ("status", optional(to_int)),
    "error": ("error", optional(to_int)),
}
_PHONE_REQUIRED = frozenset({"phone"})
_PHONE_LINE = ("phone", "mccmnc", "cost", "status", "error")  # fmt 0/1 op=1 line order


def _to_phones(value: object, field: str) -> tuple[PhoneReport, ...]:
    if value is None or value == "":  # JSON null, or an empty <phones/>
        return ()
    if not isinstance(value, list):
        raise _fail(field, "a list", value)
    reports = []
    for item in value:
        if not isinstance(item, dict):
            raise _fail(field, "a list of objects", item)
        known, extra = convert_fields(item, _PHONE_FIELDS, _PHONE_REQUIRED)
        if not known["phone"]:
            raise ProtocolError(f"{field}: empty phone")
        reports.append(PhoneReport(**known, extra=extra))
    return tuple(reports)


_SEND_FIELDS: dict[str, tuple[str, Converter]] = {
    "id": ("id", to_message_id),
    "cnt": ("parts", to_count),
    "cost": ("cost", optional(to_decimal)),
    "balance": ("balance", optional(to_decimal)),
    "phones": ("phones", _to_phones),
}
_SEND_REQUIRED = frozenset({"id", "parts"})
# cost=1 answers carry no id; an id the server adds anyway is kept in `extra`.
_COST_FIELDS = {key: entry for key, entry in _SEND_FIELDS.items() if key != "id"}
_COST_REQUIRED = frozenset({"cost", "parts"})

# fmt=1 success lines, by position.
_CSV_SEND = ("id", "cnt", "cost", "balance")
_CSV_COST = ("cost", "cnt")

# fmt=0 success: "OK - <n> SMS" then ", NAME - value" pairs; "<cost> (<n> SMS)" for cost=1.
_TEXT_SENT = re.compile(r"OK\s*-\s*(?P<cnt>\d+)\s*SMS", re.IGNORECASE)
_TEXT_PAIR = re.compile(r"\s*(?P<name>[A-Za-z_]+)\s*-\s*(?P<value>\S+)\s*")
_TEXT_COST = re.compile(r"\s*(?P<cost>\S+)\s*\(\s*(?P<cnt>\d+)\s*SMS\s*\)\s*", re.IGNORECASE)


def _first_line(text: str) -> str:
    return text.strip().split("\n", 1)[0].strip()


def _report_lines(text: str, op: bool) -> dict[str, object]:
    """fmt 0/1: with op=1, each line after the first is ``phone,mccmnc,cost,status,error``.

    Without op=1 further lines are ignored (``err=1`` can add lines of an unspecified shape).
    A line with more than the five known fields is refused: the fields are positional, and
    guessing which one is the cost is not something to do with money.
    """
    if not op:
        return {}
    phones = []
    for line in text.strip().split("\n")[1:]:
        if not line.strip():
            continue
        values = line.split(",")
        if len(values) > len(_PHONE_LINE):
            raise ProtocolError("phone report line has too many fields")
        phones.append(dict(zip(_PHONE_LINE, values, strict=False)))
    return {"phones": phones}


def _send_fields_text(text: str, cost: int, op: bool) -> dict[str, object]:
    error = _text_error_fields(text)
    if error is not None:
        return error
    line = _first_line(text)
    if cost == 1:
        match = _TEXT_COST.fullmatch(line)
        if match is None:
            raise ProtocolError("not a fmt=0 cost answer")
        return {**match.groupdict(), **_report_lines(text, op)}
    head, *pairs = line.split(",")
    sent = _TEXT_SENT.fullmatch(head.strip())
    if sent is None:
        raise ProtocolError("not a fmt=0 send answer")
    fields: dict[str, object] = {"cnt": sent["cnt"]}
    for pair in pairs:
        match = _TEXT_PAIR.fullmatch(pair)
        if match is None:
            raise ProtocolError("not a fmt=0 send answer")
        fields[match["name"].lower()] = match["value"]
    return {**fields, **_report_lines(text, op)}


def _send_fields_csv(text: str, cost: int, op: bool) -> dict[str, object]:
    fields = _csv_error_fields(text)
    if fields is not None:
        return fields
    values = _first_line(text).split(",")
    names = _CSV_COST if cost == 1 else _CSV_SEND
    if not 2 <= len(values) <= len(names):
        raise ProtocolError("unexpected number of fields in a fmt=1 answer")
    return {**dict(zip(names, values, strict=False)), **_report_lines(text, op)}


def _loaded(text: str, load: Callable[[str], object]) -> object:
    """``load(text)``, or a plain-text error's fields when the server ignored ``fmt``."""
    try:
        return load(text)
    except ProtocolError:
        fields = _text_error_fields(text)
        if fields is None:
            raise
        return fields


def _xml_result(text: str) -> dict[str, object]:
    root = parse_xml(text)
    if root.tag != "result":
        raise ProtocolError(f"XML root is <{root.tag[:20]}>, not <result>")
    return xml_fields(root)


def _send_fields_xml(text: str, cost: int, op: bool) -> dict[str, object]:
    return _loaded(text, _xml_result)  # type: ignore[return-value]  # always a dict


def _send_fields_json(text: str, cost: int, op: bool) -> dict[str, object]:
    data = _loaded(text, parse_json)
    if not isinstance(data, dict):
        raise _fail("answer", "a JSON object", data)
    return data


_SEND_SHAPES: dict[int, Callable[[str, int, bool], dict[str, object]]] = {
    0: _send_fields_text,
    1: _send_fields_csv,
    2: _send_fields_xml,
    3: _send_fields_json,
}


def parse_send(
    text: str, *, fmt: int, cost: int, op: bool, endpoint: str = "send"
) -> SendResult | CostResult:
    """Read a ``send.php`` answer in any format.

    Args:
        text: the decoded body (see `decode_text`).
        fmt: the ``fmt`` the request asked for (0 text, 1 CSV, 2 XML, 3 JSON).
        cost: the ``cost`` the request asked for; 1 gives a `CostResult`, 0/2/3 a `SendResult`
            with ``cost``/``balance`` filled when the server gave them.
        op: whether ``op=1`` was asked for. In fmt 0/1 this is what makes the lines after the
            first a per-phone report; in fmt 2/3 a ``phones`` report is read whenever present.
        endpoint: the name errors are reported under.

    Raises:
        ApiError: the server answered with an error code (the subclass says which).
        ProtocolError: the answer could not be understood.
        ValidationError: ``fmt`` or ``cost`` is not a value the API defines.
    """
    shape = _SEND_SHAPES[_check_fmt(fmt)]
    if cost not in (0, 1, 2, 3):
        raise ValidationError("cost", "must be 0, 1, 2 or 3")
    try:
        fields = shape(text, cost, op)
        if _is_error(fields):
            raise _error_from_fields(fields, endpoint)
        if cost == 1:
            known, extra = convert_fields(fields, _COST_FIELDS, _COST_REQUIRED)
            return CostResult(**known, extra=extra)
        known, extra = convert_fields(fields, _SEND_FIELDS, _SEND_REQUIRED)
        return SendResult(**known, extra=extra)
    except ProtocolError as exc:
        raise _in_context(exc, endpoint, text) from None


def _check_fmt(fmt: int) -> int:
    if fmt not in (0, 1, 2, 3):
        raise ValidationError("fmt", "must be 0, 1, 2 or 3")
    return fmt


def _in_context(exc: ProtocolError, endpoint: str, text: str) -> ProtocolError:
    """The same error, now naming the endpoint and keeping the body (never in the message)."""
    body = exc.body if exc.body is not None else text.encode("utf-8", "backslashreplace")
    return ProtocolError(
        exc.reason, endpoint=exc.endpoint or endpoint, status_code=exc.status_code, body=body
    )
