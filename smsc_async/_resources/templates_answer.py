"""Decoders of ``templates.php`` and ``op_templates.php`` answers in all four formats.

Pure functions on the shared steps of `smsc_async._wire.records`. Decisions:

* Template lists: error 3 ("nothing found") reads as an empty list. In fmt 0/1 a record is
  one line whose message is the last field and may hold commas; a line that does not read
  as a record continues the previous record's message (a text with a line break). In fmt 1
  a name holding commas is found by the format and flag columns that must follow it.
* Operator template rows in JSON come as ``{"<operator>": <status>, "id": N}`` or as
  ``{"name": "<operator>", "status": <status>, "id": N}``; both are read. An id of 0 (the
  server's "none") reads as None.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from .._errors import NotFoundError, ProtocolError
from .._types.templates import (
    OperatorTemplateAddStatus,
    OperatorTemplateState,
    OperatorTemplateStatus,
    OperatorType,
    Template,
    TemplateFormat,
)
from .._wire.answers import (
    Converter,
    convert_fields,
    optional,
    parse_json,
    parse_xml,
    to_int,
    to_text,
    xml_fields,
)
from .._wire.records import decoded, json_rows, raw_text, text_lines, xml_rows

__all__ = ["line_records", "parse_op_templates", "parse_template_id", "parse_templates"]

S = TypeVar("S", OperatorTemplateAddStatus, OperatorTemplateState)


# --------------------------------------------------------------------------- templates.php

_TEXT_ID = re.compile(r"\s*ID\s*-\s*(\S+)\s*", re.IGNORECASE)


def _read_template_id(fmt: int) -> Callable[[str], int]:
    def read(text: str) -> int:
        value: object
        if fmt == 0:
            match = _TEXT_ID.fullmatch(text.strip())
            if match is None:
                raise ProtocolError("not a fmt=0 template id answer")
            value = match[1]
        elif fmt == 1:
            value = text.strip()
        else:
            fields = xml_fields(parse_xml(text)) if fmt == 2 else parse_json(text)
            if not isinstance(fields, dict):
                raise ProtocolError("answer: expected a JSON object")
            value = fields.get("id")
        number = to_int(value, "id")
        if number < 1:
            raise ProtocolError("id: not a positive integer")
        return number

    return read


def parse_template_id(text: str, *, fmt: int) -> int:
    """Read the id of a template just created (``ID - 5``, ``5``, ``<id>5</id>``,
    ``{"id": 5}``).

    Raises:
        ApiError: an error answer. ProtocolError: no readable id.
    """
    return decoded(text, fmt, "templates", _read_template_id(fmt))


def _template_format(value: object, field: str) -> TemplateFormat | str:
    name = to_text(value, field)
    try:
        return TemplateFormat(name)
    except ValueError:
        return name


_TEMPLATE_FIELDS: Mapping[str, tuple[str, Converter]] = {
    "id": ("id", to_int),
    "name": ("name", raw_text),
    "message": ("message", raw_text),
    "format": ("format", _template_format),
    "sender": ("sender", optional(to_text)),
    "flag": ("flag", optional(to_int)),
}
_TEMPLATE_REQUIRED = frozenset({"id"})
_TEMPLATE_COLUMNS = ("id", "name", "format", "sender", "flag", "message")

_TEXT_TEMPLATE = re.compile(
    r"id = (?P<id>\d+), name = (?P<name>.*?), format = (?P<format>[A-Za-z]*), "
    r"sender = (?P<sender>[^,]*), flag = (?P<flag>-?\d+), message = (?P<message>.*)",
    re.DOTALL,
)
_WORD = re.compile(r"[A-Za-z]*")
_NUMBER = re.compile(r"-?\d+")


def _text_template(line: str) -> dict[str, object] | None:
    match = _TEXT_TEMPLATE.fullmatch(line)
    return match.groupdict() if match else None


def _csv_template(line: str) -> dict[str, object] | None:
    """``id,name,format,sender,flag,message``: the name ends where a format column is
    followed, two columns on, by a numeric flag; the message is everything after the flag."""
    values = line.split(",")
    if not values[0].isdigit():
        return None
    for end in range(2, len(values) - 3):
        fmt_value, flag = values[end], values[end + 2]
        if _WORD.fullmatch(fmt_value) and _NUMBER.fullmatch(flag):
            name = ",".join(values[1:end])
            rest = [fmt_value, values[end + 1], flag, ",".join(values[end + 3 :])]
            return dict(zip(_TEMPLATE_COLUMNS, [values[0], name, *rest], strict=True))
    return None


def line_records(
    text: str, read_line: Callable[[str], dict[str, object] | None]
) -> list[dict[str, object]]:
    """fmt 0/1 records, one per line; a line ``read_line`` cannot read continues the message
    of the record before it (its last field)."""
    records: list[dict[str, object]] = []
    for line in text_lines(text):
        record = read_line(line)
        if record is not None:
            records.append(record)
        elif records:
            records[-1]["message"] = f"{records[-1]['message']}\n{line}"
        else:
            raise ProtocolError("the first line is not a record")
    return records


def _template_rows(fmt: int, text: str) -> list[Any]:
    if fmt == 0:
        return line_records(text, _text_template)
    if fmt == 1:
        return line_records(text, _csv_template)
    if fmt == 2:
        return xml_rows(text)
    return json_rows(text)


def parse_templates(text: str, *, fmt: int) -> list[Template]:
    """Read a ``templates.php?get=1`` answer; "not found" (error 3) is an empty list.

    Raises:
        ApiError: any other error answer. ProtocolError: an unreadable answer.
    """

    def read(text: str) -> list[Template]:
        templates = []
        for row in _template_rows(fmt, text):
            known, extra = convert_fields(row, _TEMPLATE_FIELDS, _TEMPLATE_REQUIRED)
            known["flag"] = known.get("flag") or 0
            templates.append(Template(**{"name": "", "message": "", **known}, extra=extra))
        return templates

    try:
        return decoded(text, fmt, "templates", read)
    except NotFoundError:
        return []


# --------------------------------------------------------------------------- op_templates.php

_TEXT_OP = re.compile(r"(?P<name>\S+)\s*=\s*(?P<status>-?\d+)\s*(?:,\s*id\s*=\s*(?P<id>\d*))?\s*")
_OP_COLUMNS = ("name", "status", "id")


def _op_rows(fmt: int, text: str) -> list[Any]:
    if fmt == 0:
        matches = [_TEXT_OP.fullmatch(line) for line in text_lines(text)]
        if not all(matches):
            raise ProtocolError("not a fmt=0 operator template line")
        return [m.groupdict() for m in matches if m]
    if fmt == 1:
        return [dict(zip(_OP_COLUMNS, line.split(","), strict=False)) for line in text_lines(text)]
    if fmt == 2:
        return xml_rows(text)
    rows = []
    for row in json_rows(text):
        if "name" in row and "status" in row:
            rows.append(row)
            continue
        keys = [key for key in row if key != "id"]
        known = [key for key in keys if key in OperatorType._value2member_map_]
        operator = known[0] if len(known) == 1 else keys[0] if len(keys) == 1 else None
        if operator is None:
            raise ProtocolError("operator template row names no single operator")
        rest = {k: v for k, v in row.items() if k != operator}
        rows.append({**rest, "name": operator, "status": row[operator]})
    return rows


def _op_id(value: object, field: str) -> int | None:
    number = optional(to_int)(value, field)
    return number or None


def parse_op_templates(
    text: str, *, fmt: int, statuses: type[S]
) -> list[OperatorTemplateStatus[S]]:
    """Read an ``op_templates.php`` answer, one entry per operator and message type.

    Args:
        text: the decoded body. fmt: the format asked for.
        statuses: what the status numbers mean: `OperatorTemplateAddStatus` for ``add``,
            `OperatorTemplateState` for ``get``. Unknown numbers stay plain ints.

    Raises:
        ApiError: an error answer. ProtocolError: an unreadable answer.
    """

    def status(value: object, field: str) -> S | int:
        number = to_int(value, field)
        return statuses(number) if number in statuses._value2member_map_ else number

    def operator(value: object, field: str) -> OperatorType | str:
        name = to_text(value, field)
        return OperatorType(name) if name in OperatorType._value2member_map_ else name

    table: Mapping[str, tuple[str, Converter]] = {
        "name": ("operator", operator),
        "status": ("status", status),
        "id": ("id", _op_id),
    }

    def read(text: str) -> list[OperatorTemplateStatus[S]]:
        result: list[OperatorTemplateStatus[S]] = []
        for row in _op_rows(fmt, text):
            known, extra = convert_fields(row, table, frozenset({"operator", "status"}))
            result.append(OperatorTemplateStatus(**known, extra=extra))
        return result

    return decoded(text, fmt, "op_templates", read)
