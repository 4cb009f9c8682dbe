"""``status.php``: message statuses, one or several, and deleting their records.

Answer shapes where the sources are thin (decisions):

* One message, ``all=0``: fmt 0 ``Status = <s>, check_time = <date>``, fmt 1 ``<s>,<ts>``,
  fmt 2 ``<result><status/><last_date/><last_timestamp/></result>``, fmt 3 the documented
  object; ``err`` is added (``, err = N`` / ``,N`` / element / key) only for failed statuses.
* ``all=1|2`` adds, in this order, ``err, send_date, send_timestamp, phone, cost, sender_id,
  status_name``, for ``all=2`` ``country, operator, region``, and ``message`` last (fmt 1
  rows then have 9 / 12 fields with the text last, as SMSC's own PHP library splits them).
* Several messages (a comma list, or the trailing-comma form): fmt 3 a JSON array of objects,
  fmt 2 ``<list><result>…</result>…</list>``, fmt 0/1 one line per message; each row starts
  with ``id`` (and ``phone`` for ``all=0``) and always carries ``err``.
* An unknown or deleted message is status −3 with the request time as its date.
* Messages sent through a Telegram bot are kept apart: ``bot=1`` finds only them, and a
  request without it never does.
* ``del=1`` deletes the (id, phone) records given and answers ``OK``; when none exists the
  answer is error 5.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from .._rules.recipients import parse_message_id, recipient_key
from .._rules.time import format_date
from .._state.codes import FAILED_STATUSES, STATUS_NAMES, MessageKind
from .._state.records import LedgerEntry
from .._state.shared import Context
from .._wire.answer import ApiFault, json_text, money, ok_body, xml_node

__all__ = ["handle_status"]


@attrs.frozen(kw_only=True)
class _Row:
    id: str
    phone: str
    status: int
    err: int
    at: float
    entry: LedgerEntry | None


def _split(raw: str) -> tuple[list[str], bool]:
    items = [item.strip() for item in raw.split(",")]
    trailing = len(items) > 1 and items[-1] == ""
    if trailing:
        items.pop()
    if not items or any(not item for item in items):
        raise ApiFault(1, "parameters error")
    return items, trailing or len(items) > 1


def _find(ctx: Context, message_id: str, phone: str) -> LedgerEntry | None:
    wanted, key = parse_message_id(message_id), recipient_key(phone)
    if wanted is None:
        return None
    bot = ctx.flag("bot")
    for entry in reversed(ctx.state.ledger):
        if (
            entry.login == ctx.account.login
            and entry.id == wanted
            and key in entry.recipients
            and key not in entry.deleted
            and (entry.kind is MessageKind.BOT) == bot
        ):
            return entry
    return None


def _row(ctx: Context, message_id: str, phone: str) -> _Row:
    entry = _find(ctx, message_id, phone)
    if entry is None:
        return _Row(id=message_id, phone=phone, status=-3, err=0, at=ctx.now, entry=None)
    change = entry.status_of(recipient_key(phone), ctx.now)
    return _Row(
        id=message_id, phone=phone, status=change.status, err=change.error, at=change.at,
        entry=entry,
    )  # fmt: skip


def _fields(ctx: Context, row: _Row, detail: int, always_err: bool) -> list[tuple[str, Any]]:
    """(JSON name, value) pairs of one row; the fmt 1 row drops ``last_date``/``send_date``."""
    tz = ctx.account.tz
    pairs: list[tuple[str, Any]] = [
        ("status", row.status),
        ("last_date", format_date(row.at, tz)),
        ("last_timestamp", int(row.at)),
    ]
    if always_err or detail or row.status in FAILED_STATUSES:
        pairs.append(("err", row.err))
    if not detail:
        return pairs
    entry = row.entry
    sent_at = entry.sent_at if entry else 0.0
    recipients = len(entry.recipients) if entry else 1
    pairs += [
        ("send_date", format_date(sent_at, tz) if entry else ""),
        ("send_timestamp", int(sent_at)),
        ("phone", row.phone),
        ("cost", money(entry.cost / recipients if entry else Decimal(0))),
        ("sender_id", (entry.sender or "") if entry else ""),
        ("status_name", STATUS_NAMES.get(row.status, "")),
    ]
    if detail == 2:
        russian = recipient_key(row.phone).startswith("7")
        pairs += [
            ("country", "Россия" if russian else ""),
            ("operator", "МТС" if russian else ""),
            ("region", "Москва" if russian else ""),
        ]
    pairs.append(("message", entry.text if entry else ""))
    return pairs


_TEXT_NAMES = {"status": "Status", "last_date": "check_time", "send_date": "send_time"}
_NOT_IN_FMT1 = frozenset({"last_date", "send_date"})
_NOT_IN_FMT0 = frozenset({"last_timestamp", "send_timestamp"})


def _render_row(fmt: int, pairs: list[tuple[str, Any]]) -> str:
    if fmt == 0:
        shown = [(k, v) for k, v in pairs if k not in _NOT_IN_FMT0]
        return ", ".join(f"{_TEXT_NAMES.get(k, k)} = {v}" for k, v in shown)
    if fmt == 1:
        return ",".join(str(v) for k, v in pairs if k not in _NOT_IN_FMT1)
    if fmt == 2:
        return xml_node("result", [xml_node(k, str(v)) for k, v in pairs])
    return json_text(dict(pairs))


def _delete(ctx: Context, ids: list[str], phones: list[str]) -> str:
    deleted = 0
    for message_id, phone in zip(ids, phones, strict=False):
        entry = _find(ctx, message_id, phone)
        if entry is not None:
            entry.deleted.add(recipient_key(phone))
            deleted += 1
    if not deleted:
        raise ApiFault(5, "delete error")
    return ok_body(ctx.fmt)


def handle_status(ctx: Context) -> str:
    """Answer ``status.php`` (see the module docstring)."""
    ids, many_ids = _split(ctx.params.get("id", ""))
    phones, many_phones = _split(ctx.params.get("phone", ""))
    if len(ids) != len(phones):
        raise ApiFault(1, "parameters error")
    detail = ctx.choice("all", range(3))
    if ctx.flag("del"):
        return _delete(ctx, ids, phones)
    rows = [_row(ctx, i, p) for i, p in zip(ids, phones, strict=False)]
    if not (many_ids or many_phones):
        return _render_row(ctx.fmt, _fields(ctx, rows[0], detail, always_err=False))
    rendered = []
    for row in rows:
        head: list[tuple[str, Any]] = [("id", _id_value(row.id))]
        if not detail:
            head.append(("phone", row.phone))
        pairs = head + _fields(ctx, row, detail, always_err=True)
        rendered.append(_render_row(ctx.fmt, pairs))
    if ctx.fmt == 2:
        return xml_node("list", rendered)
    if ctx.fmt == 3:
        return "[" + ",".join(rendered) + "]"
    return "\n".join(rendered)


def _id_value(raw: str) -> int | str:
    value = parse_message_id(raw)
    return value if value is not None else raw
