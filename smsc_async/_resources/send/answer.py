"""``send.php`` answers in all four formats → `SendResult`, `CostResult` or an `ApiError`.

See `smsc_async._wire.answers` for the shared approach: each format is reduced to the server's own
field names, and one table builds the result.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import orjson

from ..._errors import ProtocolError, ValidationError
from ..._types.results import CostResult, PhoneReport, SendResult
from ..._wire.answers import (
    check_fmt,
    csv_error_fields,
    error_from_fields,
    first_line,
    in_context,
    is_error,
    load_or_text_error,
    parse_json,
    text_error_fields,
    xml_result,
)
from ..._wire.values import (
    Converter,
    convert_fields,
    fail_value,
    optional,
    to_count,
    to_decimal,
    to_int,
    to_message_id,
    to_text,
)

__all__ = ["parse_send"]

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
        raise fail_value(field, "a list", value)
    reports = []
    for item in value:
        if not isinstance(item, dict):
            raise fail_value(field, "a list of objects", item)
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
    error = text_error_fields(text)
    if error is not None:
        return error
    line = first_line(text)
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
    fields = csv_error_fields(text)
    if fields is not None:
        return fields
    values = first_line(text).split(",")
    names = _CSV_COST if cost == 1 else _CSV_SEND
    if not 2 <= len(values) <= len(names):
        raise ProtocolError("unexpected number of fields in a fmt=1 answer")
    return {**dict(zip(names, values, strict=False)), **_report_lines(text, op)}


def _send_fields_xml(text: str, cost: int, op: bool) -> dict[str, object]:
    return load_or_text_error(text, xml_result)  # type: ignore[return-value]  # always a dict


def _send_fields_json(text: str, cost: int, op: bool) -> dict[str, object]:
    data = load_or_text_error(text, parse_json)
    if not isinstance(data, dict):
        raise fail_value("answer", "a JSON object", data)
    return data


_PLAIN_SEND_KEYS = frozenset({"id", "cnt", "cost", "balance"})
_MONEY = optional(to_decimal)


def _plain_json_send(text: str) -> SendResult | None:
    """The commonest answer, ``{"id": 7, "cnt": 1[, "cost": "1.40", "balance": "…"]}``, read
    without the table; None for any other shape (an error, ``phones``, a string id, …), which
    the general path then reads. Its result is the one the general path would give.
    """
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    if type(data) is not dict or not data.keys() <= _PLAIN_SEND_KEYS:
        return None
    message_id, parts = data.get("id"), data.get("cnt")
    if type(message_id) is not int or type(parts) is not int or parts < 0:
        return None
    return SendResult(
        id=message_id,
        parts=parts,
        cost=_MONEY(data.get("cost"), "cost"),
        balance=_MONEY(data.get("balance"), "balance"),
    )


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
    shape = _SEND_SHAPES[check_fmt(fmt)]
    if cost not in (0, 1, 2, 3):
        raise ValidationError("cost", "must be 0, 1, 2 or 3")
    try:
        if fmt == 3 and cost != 1:
            result = _plain_json_send(text)
            if result is not None:
                return result
        fields = shape(text, cost, op)
        if is_error(fields):
            raise error_from_fields(fields, endpoint)
        if cost == 1:
            known, extra = convert_fields(fields, _COST_FIELDS, _COST_REQUIRED)
            return CostResult(**known, extra=extra)
        known, extra = convert_fields(fields, _SEND_FIELDS, _SEND_REQUIRED)
        return SendResult(**known, extra=extra)
    except ProtocolError as exc:
        failure = in_context(exc, endpoint, text)
    raise failure  # outside the except block: chained to nothing (see `in_context`)
