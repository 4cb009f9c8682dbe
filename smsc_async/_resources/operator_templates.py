"""``op_templates.php``: `OperatorTemplatesArea` (``client.operator_templates``), its request
fields and its answers.

Rows in JSON come as ``{"<operator>": <status>, "id": N}`` or as
``{"name": "<operator>", "status": <status>, "id": N}``; both are read. An id of 0 (the
server's "none") reads as None.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from .._errors import ProtocolError, ValidationError
from .._types.templates import (
    OperatorTemplateAddStatus,
    OperatorTemplateState,
    OperatorTemplateStatus,
    OperatorType,
)
from .._wire.checks import check_sender, check_text
from .._wire.records import (
    decoded,
    json_rows,
    text_lines,
    xml_rows,
)
from .._wire.values import Converter, convert_fields, optional, to_int, to_text
from .base import Area
from .templates import TEMPLATE_TEXT_LIMIT

__all__ = ["OperatorTemplatesArea", "op_template_params", "parse_op_templates"]


def op_template_params(
    sender: object, message: object, operators: Iterable[OperatorType | str] | None
) -> dict[str, str]:
    """The ``op_templates.php`` fields: sender, text, and one flag per chosen operator type.

    Raises:
        ValidationError: a bad sender or text, an unknown operator type, or none chosen.
    """
    params = {
        "sender": check_sender("sender", sender, in_list=False),
        "msg": check_text("message", message, TEMPLATE_TEXT_LIMIT),
    }
    if operators is None:
        return params
    if isinstance(operators, (str, bytes)) or not isinstance(operators, Iterable):
        raise ValidationError("operators", "must be an iterable of OperatorType")
    for item in operators:
        try:
            params[OperatorType(item).value] = "1"
        except ValueError:
            raise ValidationError("operators", "must hold only OperatorType values") from None
    if len(params) == 2:
        raise ValidationError("operators", "must name at least one operator type")
    return params


S = TypeVar("S", OperatorTemplateAddStatus, OperatorTemplateState)


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


class OperatorTemplatesArea(Area):
    """``client.operator_templates``: templates registered with Russian operators
    (``op_templates.php``). More than ten identical requests a minute are refused."""

    __slots__ = ()

    async def create(
        self, sender: str, message: str, operators: Iterable[OperatorType]
    ) -> builtins.list[OperatorTemplateStatus[OperatorTemplateAddStatus]]:
        """Submit a template of ``sender`` for each chosen operator and message type.

        Returns:
            One entry per operator type: `OperatorTemplateAddStatus.ADDED`, or why not.

        Raises:
            ValidationError: a bad sender or text, or no operator type chosen.
        """
        params = {"add": "1", **op_template_params(sender, message, operators)}
        text = await self._call("op_templates", params, idempotent=False)
        return parse_op_templates(text, fmt=3, statuses=OperatorTemplateAddStatus)

    async def statuses(
        self, sender: str, message: str
    ) -> builtins.list[OperatorTemplateStatus[OperatorTemplateState]]:
        """Where the registration of this template stands, per operator and message type."""
        params = {"get": "1", **op_template_params(sender, message, None)}
        text = await self._call("op_templates", params, idempotent=True)
        return parse_op_templates(text, fmt=3, statuses=OperatorTemplateState)
