"""``send.php`` and ``/rest/send/``: validate, apply the rules, bill, ledger, answer.

Order of checks (the first failing one answers): parameters (1) → date (5) → sender and
e-mail-in-test-mode (6, with id) → recipients (7, or 8 when every valid one is blocked by the
anti-flood rule; with id) → identical request within the window (9) → funds (3, with id).

Decisions where SMSC's documentation is silent:

* "Identical" = the same decoded parameters except the credentials (``login``/``psw``/
  ``apikey``), plus the same files; ``fmt``, ``id`` and every other parameter count. Only
  accepted requests are remembered, so a send refused for no money can be repeated after a
  top-up. ``cost=1`` requests have their own count (five per minute).
* Invalid numbers among valid ones are dropped (not billed) and listed by ``err=1``/``op=1``
  with status 22 and error 249; only when no valid number is left is the answer error 7.
* Anti-flood: a blocked number is dropped the same way, with status 20 and error 251
  ("per-number limit exceeded"); when it leaves no recipient the answer is error 8.
* ``phones=G<n>`` expands to the account's configured group ``n`` (`Account.add_group`); an
  unknown group expands to nobody, which alone makes error 7.
* A ``sender`` must be registered in the account (error 6), except for e-mail, whose sender
  is an address.
* An error with an id (3, 6) to a ``list`` request of several lines takes nothing, or, with
  ``FakeSMSC(list_errors=ListErrors.PARTIAL)``, the lines before the one at fault (see
  `ListErrors`). Errors answered without an id (1, 2, 4, 5, 9) always take nothing.
* Files per kind (refused with error 1, or dropped): see `kept_files`.
* A WAP-push text needs a link line and a title line (SMSC's docs: "link and title separated by a
  line break"); a binary message's ``\n~~~\n`` tail is its ``pid``/``dcs`` and must read
  exactly ``pid: <0..255>, dcs: <0..255>``. Either broken is error 1.
"""

from __future__ import annotations

import re
from decimal import Decimal

import attrs

from ..._rules.recipients import parse_message_id
from ..._rules.time import is_absolute, parse_send_time, parse_tz
from ..._state.codes import MessageKind
from ..._state.records import LedgerEntry, StatusChange
from ..._state.settings import ListErrors
from ..._state.shared import Context
from ..._wire.answer import ApiFault
from ..._wire.request import FakeFile
from .files import kept_files
from .parse import Draft, Recipients, expand_recipients, flag_kind, parse_drafts
from .render import PhoneRow, SendOutcome, render_send
from .units import measure, unit_cost

__all__ = ["handle_send"]

_PARAM_ERROR = "parameters error"
_SECRETS = frozenset({"login", "psw", "apikey"})
_NO_TEXT_KINDS = frozenset({MessageKind.HLR, MessageKind.PING})
_FILE_KINDS = frozenset({MessageKind.CALL, MessageKind.VIBER, MessageKind.MMS})
_PID_DCS = re.compile(r"pid: ([0-9]{1,3}), dcs: ([0-9]{1,3})")


@attrs.frozen(kw_only=True)
class _Planned:
    draft: Draft
    text: str
    units: int
    recipients: Recipients
    scheduled_at: float
    unit_cost: Decimal
    files: tuple[FakeFile, ...] = ()
    sent: tuple[str, ...] = ()
    blocked: tuple[str, ...] = ()


def _fail(code: int = 1, description: str = _PARAM_ERROR) -> ApiFault:
    return ApiFault(code, description)


def _check_ranges(ctx: Context) -> None:
    """Numeric options: values outside the documented ranges are error 1."""
    params = ctx.params
    ctx.choice("freq", range(1, 1441), 1)
    ctx.choice("smsreq", range(10, 1000), 10)
    if params.get("period", "").strip():
        try:
            period = Decimal(params["period"].strip())
        except ArithmeticError:
            raise _fail() from None
        if not Decimal("0.1") <= period <= 720:
            raise _fail()
    valid = params.get("valid", "").strip()
    if valid and not (
        (valid.isdigit() and 1 <= int(valid) <= 24)
        or (re.fullmatch(r"\d{2}:\d{2}", valid) and "00:01" <= valid <= "24:00")
    ):
        raise _fail()


def _check_text(ctx: Context, draft: Draft) -> None:
    params, kind, text = ctx.params, draft.kind, draft.text.strip()
    if draft.raw_length > 1000:
        raise _fail()
    has_files = bool(ctx.request.files) or bool(params.get("fileurl", "").strip())
    if kind is MessageKind.TG and not (text.isdigit() and text.isascii() and 4 <= len(text) <= 8):
        raise _fail()
    if kind is MessageKind.PUSH:
        link, newline, title = draft.text.partition("\n")
        if not (link.strip() and newline and title.strip()):
            raise _fail()
    if kind is MessageKind.BIN and draft.comment is not None:
        tail = _PID_DCS.fullmatch(draft.comment)
        if not tail or int(tail[1]) > 255 or int(tail[2]) > 255:
            raise _fail()
    if kind is MessageKind.MAIL:
        if not (text and params.get("subj", "").strip() and draft.sender):
            raise _fail()
    elif kind is MessageKind.MMS:
        if not (text or params.get("subj", "").strip() or has_files):
            raise _fail()
    elif kind in _FILE_KINDS:
        if not (text or has_files):
            raise _fail()
    elif kind not in _NO_TEXT_KINDS and not text:
        raise _fail()


def _plan(ctx: Context, draft: Draft, default_tz: int) -> _Planned:
    _check_text(ctx, draft)
    kept = kept_files(draft.kind, ctx.request.files)
    params, account = ctx.params, ctx.account
    time_raw = params.get("time", "")
    tz = draft.tz if draft.tz is not None and is_absolute(time_raw) else default_tz
    try:
        scheduled = parse_send_time(time_raw, tz, ctx.now)
    except ValueError:
        raise ApiFault(5, "invalid date format") from None
    files = len(kept) + (1 if params.get("fileurl", "").strip() else 0)
    maxsms = params.get("maxsms", "").strip()
    text, units = measure(
        draft.kind,
        "" if draft.kind in _NO_TEXT_KINDS else draft.text,
        translit=ctx.choice("translit", range(3)),
        max_parts=ctx.choice("maxsms", range(1, 1000)) if maxsms else None,
        bin_mode=ctx.choice("bin", range(3)),
        files=files if draft.kind is MessageKind.CALL else 0,
    )
    return _Planned(
        draft=draft,
        text=text,
        units=units,
        recipients=expand_recipients(draft, account),
        scheduled_at=scheduled,
        unit_cost=unit_cost(draft.kind, units, account.price_of(draft.kind)),
        files=kept,
    )


def _apply_flood(ctx: Context, plans: list[_Planned]) -> list[_Planned]:
    """Split each message's valid recipients into sent and blocked by the anti-flood rule."""
    limits, login = ctx.state.limits, ctx.account.login
    pending: dict[str, int] = {}
    result = []
    for plan in plans:
        sent, blocked = [], []
        for phone in plan.recipients.accepted:
            room = ctx.state.flood.room(
                login, phone, ctx.now, limits.flood_messages, limits.flood_gap
            )
            if room - pending.get(phone, 0) > 0:
                pending[phone] = pending.get(phone, 0) + 1
                sent.append(phone)
            else:
                blocked.append(phone)
        result.append(attrs.evolve(plan, sent=tuple(sent), blocked=tuple(blocked)))
    return result


def _mccmnc(phone: str) -> str:
    """A plausible operator code: Russian numbers get MTS's 25001, others none."""
    return "25001" if phone.isdigit() and phone.startswith("7") else ""


def _statuses(ctx: Context, scheduled_at: float) -> list[StatusChange]:
    account, now = ctx.account, ctx.now
    waiting = StatusChange(status=-1, error=0, at=now)
    if not account.test_mode:
        return [waiting]
    start, step = max(now, scheduled_at), account.status_step
    return [
        waiting,
        StatusChange(status=0, error=0, at=start + step),
        StatusChange(status=1, error=0, at=start + 2 * step),
    ]


def _commit(ctx: Context, plans: list[_Planned], message_id: int | str) -> list[LedgerEntry | None]:
    """Ledger the messages that have recipients; the result is aligned with ``plans``."""
    state, account, now = ctx.state, ctx.account, ctx.now
    params = {k: v for k, v in ctx.params.items() if k not in _SECRETS}
    entries: list[LedgerEntry | None] = []
    for plan in plans:
        if not plan.sent:
            entries.append(None)
            continue
        entry = LedgerEntry(
            id=message_id,
            login=account.login,
            recipients=plan.sent,
            text=plan.text,
            comment=plan.draft.comment,
            kind=plan.draft.kind,
            parts=plan.units,
            cost=plan.unit_cost * len(plan.sent),
            sent_at=now,
            scheduled_at=plan.scheduled_at,
            sender=plan.draft.sender,
            params=params,
            files=plan.files,
            statuses={p: _statuses(ctx, plan.scheduled_at) for p in plan.sent},
        )
        for phone in plan.sent:
            state.flood.record(account.login, phone, now, state.limits.flood_gap)
        state.ledger.append(entry)
        entries.append(entry)
    return entries


def _report(
    ctx: Context, plans: list[_Planned], entries: list[LedgerEntry | None]
) -> list[PhoneRow]:
    rows = []
    for plan, entry in zip(plans, entries or [None] * len(plans), strict=True):
        for phone in plan.sent:
            status = entry.status_of(phone, ctx.now).status if entry else -1
            rows.append(PhoneRow(phone=phone, mccmnc=_mccmnc(phone), cost=plan.unit_cost,
                                 status=status, error=0))  # fmt: skip
        for phone in plan.blocked:
            rows.append(PhoneRow(phone=phone, mccmnc=_mccmnc(phone), cost=Decimal(0),
                                 status=20, error=251))  # fmt: skip
        for phone in plan.recipients.invalid:
            rows.append(PhoneRow(phone=phone, mccmnc="", cost=Decimal(0), status=22, error=249))
    return rows


def _message_id(ctx: Context) -> int | str | None:
    raw = ctx.params.get("id", "").strip()
    if not raw:
        return None
    value = parse_message_id(raw)
    if value is None:
        raise _fail()
    return value


def _take_prefix(ctx: Context, plans: list[_Planned], message_id: int | str) -> bool:
    """The partial reading of an error: take the lines ``plans`` (those before the one at
    fault) in order while the balance covers them; return whether it covered them all."""
    account = ctx.account
    taken: list[_Planned] = []
    spent = Decimal(0)
    for plan in _apply_flood(ctx, plans):
        cost = plan.unit_cost * len(plan.sent)
        if account.charges and spent + cost > account.balance:
            break
        spent += cost
        taken.append(plan)
    if account.charges:
        account.balance -= spent
    _commit(ctx, taken, message_id)
    return len(taken) == len(plans)


def _refused_line(ctx: Context, plans: list[_Planned]) -> int | None:
    """The first line whose sender is refused (error 6), if any."""
    account = ctx.account
    for number, plan in enumerate(plans):
        sender, kind = plan.draft.sender, plan.draft.kind
        if sender and kind is not MessageKind.MAIL and sender not in account.senders:
            return number
        if kind is MessageKind.MAIL and account.test_mode:
            return number
    return None


def handle_send(ctx: Context) -> str:
    """Answer one send request (see the module docstring for the rules and their order)."""
    params, account, state = ctx.params, ctx.account, ctx.state
    cost_mode = ctx.choice("cost", range(4))
    client_id = _message_id(ctx)
    drafts = parse_drafts(params, flag_kind(params), state.nl_records)
    _check_ranges(ctx)
    tz = parse_tz(params["tz"]) if params.get("tz", "").strip() else account.tz
    if tz is None:
        raise _fail()
    plans = [_plan(ctx, draft, tz) for draft in drafts]
    message_id: int | str = client_id if client_id is not None else 0
    partial = state.list_errors is ListErrors.PARTIAL and len(plans) > 1 and cost_mode != 1
    assigned: list[int | str] = []

    def with_id(code: int, description: str, before: list[_Planned] | None = None) -> ApiFault:
        if not assigned:
            assigned.append(client_id if client_id is not None else state.new_id(account.login))
        if partial and before and not _take_prefix(ctx, before, assigned[0]):
            return ApiFault(3, "no money", assigned[0])  # the money ran out first
        return ApiFault(code, description, assigned[0])

    refused = _refused_line(ctx, plans)
    if refused is not None:
        raise with_id(6, "message is denied", plans[:refused])
    if cost_mode == 1:
        plans = [attrs.evolve(p, sent=p.recipients.accepted) for p in plans]
    else:
        plans = _apply_flood(ctx, plans)
    if not any(p.sent for p in plans):
        if any(p.blocked for p in plans) and not any(p.recipients.invalid for p in plans):
            raise with_id(8, "can't deliver message")
        raise with_id(7, "invalid number")
    rule, limit = ("cost", state.limits.cost_identical) if cost_mode == 1 else (
        "send", state.limits.send_identical)  # fmt: skip
    key = ctx.limit_identical(rule, limit)
    total = sum((p.unit_cost * len(p.sent) for p in plans), Decimal(0))
    count = sum(p.units * len(p.sent) for p in plans)
    entries: list[LedgerEntry | None] = []
    if cost_mode != 1:
        if account.charges and total > account.balance:
            raise with_id(3, "no money", plans)
        message_id = client_id if client_id is not None else state.new_id(account.login)
        if account.charges:
            account.balance -= total
        entries = _commit(ctx, plans, message_id)
    state.windows.hit(key, ctx.now)
    rows = _report(ctx, plans, entries)
    report = rows if ctx.flag("op") else [r for r in rows if r.status >= 20] or None
    outcome = SendOutcome(
        cost_mode=cost_mode,
        message_id=None if cost_mode == 1 else message_id,
        count=count,
        cost=total,
        balance=account.balance,
        report=report if ctx.flag("op") or ctx.flag("err") else None,
    )
    return render_send(ctx.fmt, outcome)
