"""``status.php``: `StatusArea` (``client.status``), its request fields and its answers.

The answer is read into one raw mapping per message, by the server's field names, and one
table turns each into a `MessageStatus`. Shapes (where the sources are thin, these are the
decisions):

* fmt 3: an object for one message, an array for several (either is accepted for both).
* fmt 2: ``<result>…</result>`` for one message, ``<list><result>…</result>…</list>`` for several.
* fmt 0: ``Status = 1, check_time = <date>[, err = N]``, more ``name = value`` pairs with
  ``all`` ≥ 1 (``message`` last, so it may hold commas); several messages: one line each,
  starting with ``id = ``.
* fmt 1: positional, as SMSC's own libraries read it: ``status,last_timestamp[,err]`` plus,
  for an HLR request, ``imsi,msc,mcc,mnc,cn,net,rcn,rnet``; ``all=1`` adds
  ``send_timestamp,phone,cost,sender_id,status_name,message`` and ``all=2`` puts
  ``country,operator,region`` before the message. Several messages: each line starts with
  the id (and the phone, for ``all=0``). HLR details with ``all`` ≥ 1 are only read from
  fmt 2/3, which is what the client uses.
* A text with a line break continues on the next line(s) in fmt 0/1; those are joined back.
* Rows that do not name their id or recipient get them from the request, by position.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from .._errors import ProtocolError, ValidationError
from .._types.status import MessageStatus, StatusCode, StatusError
from .._wire.answers import parse_json, parse_xml, xml_fields
from .._wire.checks import check_int, encode_phones
from .._wire.records import decoded, parse_ok, raw_text, xml_rows
from .._wire.values import (
    Converter,
    convert_fields,
    optional,
    to_count,
    to_datetime,
    to_decimal,
    to_int,
    to_message_id,
    to_text,
    to_timestamp,
)
from .base import Area

__all__ = ["StatusArea", "check_status_pairs", "parse_status", "status_params"]


_MESSAGE_ID = re.compile(r"[A-Za-z0-9._-]{1,40}")


STATUS_PAIRS_PER_REQUEST = 100
"""The most (id, recipient) pairs asked in one ``status.php`` request. SMSC states no limit;
100 keeps each request and its answer small (a ``detail=2`` row holds ~20 fields)."""


def check_message_id(field: str, value: object) -> str:
    """A message id as sent: an int 1..2147483647, or 1..40 of ``[A-Za-z0-9._-]``."""
    if isinstance(value, str):
        if not _MESSAGE_ID.fullmatch(value):
            raise ValidationError(field, "must be 1..40 characters of A-Z a-z 0-9 . _ -")
        return value
    return str(check_int(field, value, 1, 2_147_483_647))


def check_status_pairs(pairs: Iterable[tuple[int | str, str]]) -> list[tuple[str, str]]:
    """Check (message id, recipient) pairs and return them as sent.

    Raises:
        ValidationError: a pair is not an (id, recipient) tuple, or either part is bad.
    """
    if isinstance(pairs, (str, bytes)) or not isinstance(pairs, Iterable):
        raise ValidationError("pairs", "must be an iterable of (id, phone) tuples")
    checked = []
    for number, pair in enumerate(pairs):
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise ValidationError(f"pairs[{number}]", "must be an (id, phone) tuple")
        message_id = check_message_id(f"pairs[{number}].id", pair[0])
        checked.append((message_id, encode_phones(f"pairs[{number}].phone", [pair[1]])))
    return checked


def status_params(
    pairs: Sequence[tuple[str, str]], *, detail: int, bot: bool, many: bool
) -> dict[str, str]:
    """The ``status.php`` fields for checked (id, recipient) pairs (see `check_status_pairs`).

    With ``many`` the answer must be an array, so a single pair is sent in the trailing-comma
    form (``id=1,&phone=7999…,``) the documentation gives for that purpose.

    Raises:
        ValidationError: a bad ``detail`` or ``bot``, or no pair at all.
    """
    check_int("detail", detail, 0, 2)
    if not isinstance(bot, bool):
        raise ValidationError("bot", "must be True or False")
    if not pairs:
        raise ValidationError("pairs", "must hold at least one (id, phone) pair")
    tail = "," if many and len(pairs) == 1 else ""
    params = {
        "id": ",".join(i for i, _ in pairs) + tail,
        "phone": ",".join(p for _, p in pairs) + tail,
    }
    if detail:
        params["all"] = str(detail)
    if bot:
        params["bot"] = "1"
    return params


def _code(enum_type: Any) -> Converter:
    def convert(value: object, field: str) -> Any:
        number = to_int(value, field)
        return enum_type(number) if number in enum_type._value2member_map_ else number

    return convert


def _type(value: object, field: str) -> int | str:
    text = to_text(value, field)
    return int(text) if text.isascii() and text.isdigit() else text


_FIELDS: Mapping[str, tuple[str, Converter]] = {
    "id": ("id", to_message_id),
    "phone": ("phone", to_text),
    "status": ("status", _code(StatusCode)),
    "err": ("error", optional(_code(StatusError))),
    "last_timestamp": ("last_timestamp", to_timestamp),
    "last_date": ("last_date", to_datetime),
    "send_timestamp": ("send_timestamp", to_timestamp),
    "send_date": ("send_date", to_datetime),
    "cost": ("cost", optional(to_decimal)),
    "sender_id": ("sender", optional(to_text)),
    "message": ("message", optional(raw_text)),
    "comment": ("comment", optional(raw_text)),
    "country": ("country", optional(to_text)),
    "operator": ("operator", optional(to_text)),
    "region": ("region", optional(to_text)),
    "mccmnc": ("mccmnc", optional(to_text)),
    "type": ("type", optional(_type)),
    "sms_cnt": ("parts", optional(to_count)),
}


# The timestamp wins over the text date it accompanies.
_TIMES = (
    ("last_time", "last_timestamp", "last_date"),
    ("send_time", "send_timestamp", "send_date"),
)


# fmt 0 names that differ from the JSON ones.
_TEXT_NAMES = {"check_time": "last_date", "send_time": "send_date"}


_TEXT_PAIR = re.compile(r"(?:^|, )([A-Za-z_]+) = ")


_HLR = ("imsi", "msc", "mcc", "mnc", "cn", "net", "rcn", "rnet")


_CSV_BASE = ("status", "last_timestamp", "err")


_CSV_DETAIL = ("send_timestamp", "phone", "cost", "sender_id", "status_name")


_CSV_COUNTRY = ("country", "operator", "region")


def _csv_columns(detail: int, many: bool) -> tuple[str, ...]:
    head: tuple[str, ...] = ("id",) if many else ()
    if not detail:
        return (*head, "phone", *_CSV_BASE) if many else _CSV_BASE
    middle = _CSV_COUNTRY if detail == 2 else ()
    return (*head, *_CSV_BASE, *_CSV_DETAIL, *middle, "message")


def _csv_row(line: str, detail: int, many: bool) -> dict[str, object]:
    columns = _csv_columns(detail, many)
    if not detail:
        values = line.split(",")
        if len(values) == len(columns) + len(_HLR):
            columns = (*columns, *_HLR)
        elif not len(columns) - 1 <= len(values) <= len(columns):
            raise ProtocolError("unexpected number of fields in a fmt=1 status line")
        return dict(zip(columns, values, strict=False))
    values = line.split(",", len(columns) - 1)
    if len(values) != len(columns):
        raise ProtocolError("unexpected number of fields in a fmt=1 status line")
    return dict(zip(columns, values, strict=True))


def _text_row(line: str) -> dict[str, object]:
    marks = list(_TEXT_PAIR.finditer(line))
    if not marks or marks[0].start() != 0:
        raise ProtocolError("not a fmt=0 status line")
    row: dict[str, object] = {}
    for number, mark in enumerate(marks):
        name = mark[1].lower()
        if name == "message":  # the text is last and taken whole
            row[name] = line[mark.end() :]
            break
        end = marks[number + 1].start() if number + 1 < len(marks) else len(line)
        row[_TEXT_NAMES.get(name, name)] = line[mark.end() : end]
    return row


def _group_lines(text: str, starts: Callable[[str], bool], many: bool) -> list[str]:
    """fmt 0/1 rows: one per line, except that a line not starting a row continues the last."""
    lines = [line.rstrip("\r") for line in text.strip("\r\n").split("\n")]
    if not many:
        return ["\n".join(lines)]
    rows: list[str] = []
    for line in lines:
        if rows and not starts(line):
            rows[-1] += "\n" + line
        else:
            rows.append(line)
    return rows


def _id_key(raw: str) -> str:
    """An id as compared: ``007`` and ``7`` are the same numeric id."""
    text = raw.strip()
    return str(int(text)) if text.isascii() and text.isdigit() else text


def _rows(text: str, fmt: int, detail: int, ids: Sequence[str], many: bool) -> list[Any]:
    if fmt == 0:
        grouped = _group_lines(text, lambda line: line.lower().startswith("id = "), many)
        return [_text_row(line) for line in grouped]
    if fmt == 1:
        if detail:
            known = {_id_key(i) for i in ids}
            starts = lambda line: _id_key(line.split(",", 1)[0]) in known  # noqa: E731
            grouped = _group_lines(text, starts, many)
        else:
            grouped = [line for line in text.strip().splitlines() if line.strip()]
        return [_csv_row(line, detail, many) for line in grouped]
    if fmt == 2:
        root = parse_xml(text)
        if any(len(child) for child in root):
            return xml_rows(text)
        return [xml_fields(root)]
    data = parse_json(text)
    rows = data if isinstance(data, list) else [data]
    if not all(isinstance(row, dict) for row in rows):
        raise ProtocolError("answer: expected JSON objects")
    return rows


def _status(row: Mapping[str, object], pair: tuple[str, str] | None) -> MessageStatus:
    known, extra = convert_fields(row, _FIELDS, frozenset({"status"}))
    for name, stamp, date in _TIMES:
        at_stamp, at_date = known.pop(stamp, None), known.pop(date, None)
        known[name] = at_stamp or at_date
    if pair is not None:
        if known.get("id") is None:
            known["id"] = to_message_id(pair[0])
        if not known.get("phone"):
            known["phone"] = pair[1]
    if known.get("id") is None or not known.get("phone"):
        raise ProtocolError("status row does not name its message id and recipient")
    return MessageStatus(**known, extra=extra)


def parse_status(
    text: str,
    *,
    fmt: int,
    pairs: Sequence[tuple[str, str]],
    detail: int = 0,
    many: bool = False,
) -> list[MessageStatus]:
    """Read a ``status.php`` answer.

    Args:
        text: the decoded body.
        fmt: the format asked for.
        pairs: the (id, recipient) pairs asked about, as sent; they name rows that do not
            name themselves, and tell fmt 1 row starts from continuation lines.
        detail: the ``all`` asked for (0, 1, 2); it fixes the fmt 0/1 columns.
        many: whether the array form was asked for (a comma list or the trailing comma).

    Returns:
        One `MessageStatus` per row, in the server's order.

    Raises:
        ApiError: an error answer (on ``status``, 5 is `SaveFailedError`).
        ProtocolError: an unreadable answer.
    """

    def read(text: str) -> list[MessageStatus]:
        rows = _rows(text, fmt, detail, [i for i, _ in pairs], many)
        by_position = len(rows) == len(pairs)
        return [
            _status(row, pairs[number] if by_position else None) for number, row in enumerate(rows)
        ]

    return decoded(text, fmt, "status", read)


class StatusArea(Area):
    """``client.status``: message statuses (``status.php``). Call it for one message."""

    __slots__ = ()

    async def __call__(
        self, id: int | str, phone: str, *, detail: int = 0, bot: bool = False
    ) -> MessageStatus:
        """The status of message ``id`` to ``phone``.

        Args:
            id: the message id (yours, or the one the server gave).
            phone: the recipient: a number, an e-mail address, or ``@nick``/``#id`` with ``bot``.
            detail: 0 status only; 1 also send time, cost, sender and text; 2 also country,
                operator and region (the server's ``all``).
            bot: the message went through a Telegram bot (``bot=1``).

        Returns:
            The status; an unknown message is `StatusCode.NOT_FOUND`, not an error.

        Raises:
            ValidationError: a bad id, recipient or option. ApiError, TransportError,
            ProtocolError: as for every call.
        """
        pairs = check_status_pairs([(id, phone)])
        params = status_params(pairs, detail=detail, bot=bot, many=False)
        text = await self._call("status", params, idempotent=True, message_id=id)
        rows = parse_status(text, fmt=3, pairs=pairs, detail=detail, many=False)
        if len(rows) != 1:
            raise ProtocolError("expected the status of one message", endpoint="status")
        return rows[0]

    async def many(
        self, pairs: Iterable[tuple[int | str, str]], *, detail: int = 0, bot: bool = False
    ) -> builtins.list[MessageStatus]:
        """The statuses of several messages (reads, retried when safe).

        A long list is asked in consecutive requests of at most 100 pairs each, one after
        the other (so it holds one of the client's slots at a time).

        Args:
            pairs: (message id, recipient) pairs; none gives ``[]`` without a request.
            detail, bot: as for calling ``client.status`` itself.

        Returns:
            One `MessageStatus` per row of the answers, request by request in the order the
            pairs were given (within one request, in the server's order), each naming its
            id and recipient.

        Raises:
            As for calling ``client.status`` itself; every pair is checked before the first
            request, and an error in any request ends the call (rows already read are lost).
        """
        checked = check_status_pairs(pairs)
        rows: builtins.list[MessageStatus] = []
        for start in range(0, len(checked), STATUS_PAIRS_PER_REQUEST):
            chunk = checked[start : start + STATUS_PAIRS_PER_REQUEST]
            params = status_params(chunk, detail=detail, bot=bot, many=True)
            text = await self._call("status", params, idempotent=True)
            rows += parse_status(text, fmt=3, pairs=chunk, detail=detail, many=True)
        return rows

    async def delete(self, id: int | str, phone: str) -> None:
        """Delete the record of message ``id`` to ``phone`` (``del=1``).

        Raises:
            SaveFailedError: error 5, the record could not be deleted (e.g. there is none).
        """
        params = status_params(check_status_pairs([(id, phone)]), detail=0, bot=False, many=False)
        params["del"] = "1"
        text = await self._call("status", params, idempotent=False, message_id=id)
        parse_ok(text, fmt=3, endpoint="status")
