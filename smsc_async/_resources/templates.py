"""``templates.php``: `TemplatesArea` (``client.templates``), its request fields and its answers.

Decisions where the documentation is thin: error 3 ("nothing found") reads as an empty list.
In fmt 0/1 a record is one line whose message is the last field and may hold commas; a line
that does not read as a record continues the previous record's message (a text with a line
break). In fmt 1 a name holding commas is found by the format and flag columns that must
follow it.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Callable, Mapping
from typing import Any

from .._errors import NotFoundError, ProtocolError, ValidationError
from .._types.templates import Template, TemplateFormat
from .._wire.answers import parse_json, parse_xml, xml_fields
from .._wire.checks import check_int, check_sender, check_text
from .._wire.records import (
    decoded,
    json_rows,
    parse_ok,
    raw_text,
    text_lines,
    xml_rows,
)
from .._wire.values import Converter, convert_fields, optional, to_int, to_text
from .base import Area

__all__ = ["TemplatesArea", "parse_template_id", "parse_templates", "template_fields"]


_NAME_LIMIT = 1000


TEMPLATE_TEXT_LIMIT = 100_000
"""The longest template text, for message and operator templates alike."""


def _format(value: object) -> str:
    try:
        return TemplateFormat(value).value
    except ValueError:
        raise ValidationError("format", "must be a TemplateFormat") from None


def _sender(value: object) -> str:
    # An empty sender is how `update` clears it.
    return "" if value == "" else check_sender("sender", value, in_list=False)


def _flag(field: str, value: object) -> str:
    if not isinstance(value, bool):
        raise ValidationError(field, "must be True or False")
    return "1" if value else "0"


# keyword → (wire name, encoder); None values mean "not given".
_REQUEST_FIELDS: Mapping[str, tuple[str, Any]] = {
    "name": ("name", lambda v: check_text("name", v, _NAME_LIMIT, single_line=True)),
    "message": ("msg", lambda v: check_text("message", v, TEMPLATE_TEXT_LIMIT)),
    "format": ("format", _format),
    "sender": ("sender", _sender),
    "auto_signature": ("fl[1]", lambda v: _flag("auto_signature", v)),
}


def template_fields(fields: Mapping[str, object]) -> dict[str, str]:
    """The ``templates.php`` wire fields of the given template attributes (None = not given).

    Raises:
        ValidationError: an unknown attribute or a bad value.
    """
    params: dict[str, str] = {}
    for key, value in fields.items():
        entry = _REQUEST_FIELDS.get(key)
        if entry is None:
            raise ValidationError(key, "is not a template field")
        if value is not None:
            params[entry[0]] = entry[1](value)
    return params


def template_id(value: object) -> str:
    """A template id as sent: a positive int."""
    return str(check_int("id", value, 1, 2**63 - 1))


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


class TemplatesArea(Area):
    """``client.templates``: message templates (``templates.php``).

    The server refuses a fourth identical request within a minute (`DuplicateRequestError`).
    """

    __slots__ = ()

    async def create(
        self,
        name: str,
        message: str,
        *,
        format: TemplateFormat | None = None,
        sender: str | None = None,
        auto_signature: bool = False,
    ) -> Template:
        """Create a template and return it with the id the server gave.

        Args:
            name: the template's name (one line).
            message: its text.
            format: the kind of message it is for; None leaves it unset.
            sender: the sender name to use with it.
            auto_signature: use it as the account's auto-signature (``fl[1]=1``).

        Raises:
            ValidationError: a bad value. SaveFailedError: error 5, it could not be saved.
        """
        fields = {"name": name, "message": message, "format": format, "sender": sender}
        params = {"add": "1", **template_fields({**fields, "auto_signature": auto_signature})}
        if not auto_signature:
            del params["fl[1]"]
        text = await self._call("templates", params, idempotent=False)
        return Template(
            id=parse_template_id(text, fmt=3),
            name=name,
            message=message,
            format=TemplateFormat(format) if format is not None else TemplateFormat.UNSET,
            sender=sender or None,
            flag=1 if auto_signature else 0,
        )

    async def update(
        self,
        id: int,
        *,
        name: str | None = None,
        message: str | None = None,
        format: TemplateFormat | None = None,
        sender: str | None = None,
        auto_signature: bool | None = None,
    ) -> None:
        """Change the fields given (None = unchanged) of template ``id``.

        ``sender=""`` clears the sender, ``format=TemplateFormat.UNSET`` the format.

        Raises:
            ValidationError: no field given, or a bad value. NotFoundError: error 3, no such
            template. SaveFailedError: error 5, it could not be saved.
        """
        fields = {
            "name": name,
            "message": message,
            "format": format,
            "sender": sender,
            "auto_signature": auto_signature,
        }
        params = template_fields(fields)
        if not params:
            raise ValidationError("fields", "give at least one field to change")
        params = {"chg": "1", "id": template_id(id), **params}
        text = await self._call("templates", params, idempotent=True)
        parse_ok(text, fmt=3, endpoint="templates")

    async def delete(self, id: int) -> None:
        """Delete template ``id``.

        Raises:
            NotFoundError: error 3, no such template. SaveFailedError: error 5.
        """
        text = await self._call("templates", {"del": "1", "id": template_id(id)}, idempotent=False)
        parse_ok(text, fmt=3, endpoint="templates")

    async def list(self) -> builtins.list[Template]:
        """Every template of the account (an empty list when there is none)."""
        text = await self._call("templates", {"get": "1"}, idempotent=True)
        return parse_templates(text, fmt=3)
