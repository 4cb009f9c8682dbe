"""``templates.php``, ``op_templates.php`` and ``ping.php``.

Decisions: an empty template list answers an empty list (not error 3); ``op_templates.php``
``add`` creates an entry (status 0, awaiting registration) for each operator flag and answers
1 with its id, or −1 with id 0 when the sender is not registered in the account; ``get``
answers a row for every operator type (−1, id 0, where there is none). The rate rules count
accepted requests only.
"""

from __future__ import annotations

from collections.abc import Sequence

from .._state._account import OPERATOR_TYPES, OpTemplate, PingEvent, Template
from .._state._shared import Context
from .._wire._request import ApiFault, json_text, ok_body, xml_node

__all__ = ["handle_op_templates", "handle_ping", "handle_templates"]

_FORMATS = frozenset({"", "sms", "flash", "bin", "push", "mms", "call", "mail", "viber"})
_PARAM_ERROR = "parameters error"
_DUPLICATE = "duplicate request, wait a minute"


def _limit(ctx: Context, rule: str, limit: int) -> object:
    key, limited = ctx.rate_limited(rule, limit)
    if limited:
        raise ApiFault(9, _DUPLICATE)
    return key


def _template_id(ctx: Context) -> int:
    raw = ctx.params.get("id", "").strip()
    if not raw.isdigit():
        raise ApiFault(1, _PARAM_ERROR)
    if int(raw) not in ctx.account.templates:
        raise ApiFault(3, "record not found")
    return int(raw)


def _apply_fields(ctx: Context, template: Template) -> None:
    params = ctx.params
    if "name" in params:
        template.name = params["name"]
    if "msg" in params:
        template.message = params["msg"]
    if "format" in params:
        template.format = params["format"].strip()
    if "sender" in params:
        template.sender = params["sender"]
    if "fl[1]" in params:
        template.flag = (template.flag & ~1) | (1 if ctx.flag("fl[1]") else 0)


def _render_list(fmt: int, templates: Sequence[Template]) -> str:
    rows = [
        [("id", t.id), ("name", t.name), ("format", t.format), ("sender", t.sender),
         ("flag", t.flag), ("message", t.message)]
        for t in templates
    ]  # fmt: skip
    if fmt == 0:
        return "\n".join(", ".join(f"{k} = {v}" for k, v in row) for row in rows)
    if fmt == 1:
        return "\n".join(",".join(str(v) for _, v in row) for row in rows)
    if fmt == 2:
        items = [xml_node("template", [xml_node(k, str(v)) for k, v in row]) for row in rows]
        return xml_node("list", items)
    return json_text([dict(row) for row in rows])


def handle_templates(ctx: Context) -> str:
    """Answer ``templates.php``: ``add``, ``chg``, ``del`` or ``get``."""
    account, fmt = ctx.account, ctx.fmt
    command = next((c for c in ("add", "chg", "del", "get") if ctx.flag(c)), None)
    if command is None or ctx.params.get("format", "").strip() not in _FORMATS:
        raise ApiFault(1, _PARAM_ERROR)
    if command == "add" and not (ctx.params.get("name") and ctx.params.get("msg")):
        raise ApiFault(1, _PARAM_ERROR)
    key = _limit(ctx, "templates", ctx.state.limits.templates_identical)
    answer: str
    if command == "add":
        template = Template(id=ctx.state.new_id(account.login, "template"), name="", message="")
        _apply_fields(ctx, template)
        account.templates[template.id] = template
        tid = template.id
        answer = {
            0: f"ID - {tid}",
            1: str(tid),
            2: xml_node("template", [xml_node("id", str(tid))]),
        }.get(fmt, json_text({"id": tid}))
    elif command == "get":
        answer = _render_list(fmt, list(account.templates.values()))
    else:
        tid = _template_id(ctx)
        if command == "chg":
            _apply_fields(ctx, account.templates[tid])
        else:
            del account.templates[tid]
        answer = ok_body(fmt)
    ctx.state.windows.hit(key, ctx.now)
    return answer


def _render_op(fmt: int, rows: Sequence[tuple[str, int, int]]) -> str:
    if fmt == 0:
        return "\n".join(f"{name} = {status}, id = {tid}" for name, status, tid in rows)
    if fmt == 1:
        return "\n".join(f"{name},{status},{tid}" for name, status, tid in rows)
    if fmt == 2:
        items = [
            xml_node("template", [xml_node("name", n), xml_node("status", str(s)),
                                  xml_node("id", str(t))])
            for n, s, t in rows
        ]  # fmt: skip
        return xml_node("result", items)
    return json_text([{name: status, "id": tid} for name, status, tid in rows])


def handle_op_templates(ctx: Context) -> str:
    """Answer ``op_templates.php``: ``add`` (one row per operator flag) or ``get``."""
    account, params = ctx.account, ctx.params
    sender, message = params.get("sender", "").strip(), params.get("msg", "")
    adding, getting = ctx.flag("add"), ctx.flag("get")
    wanted = [name for name in OPERATOR_TYPES if ctx.flag(name)]
    if not sender or not message.strip() or adding == getting or (adding and not wanted):
        raise ApiFault(1, _PARAM_ERROR)
    key = _limit(ctx, "op_templates", ctx.state.limits.op_templates_identical)
    existing = {
        t.operator_type: t
        for t in account.op_templates
        if t.sender == sender and t.message == message
    }
    rows: list[tuple[str, int, int]] = []
    if adding:
        for name in wanted:
            if sender not in account.senders:
                rows.append((name, -1, 0))
                continue
            if name not in existing:
                new_id = ctx.state.new_id(account.login, "op_template")
                existing[name] = OpTemplate(
                    id=new_id, operator_type=name, sender=sender, message=message
                )
                account.op_templates.append(existing[name])
            rows.append((name, 1, existing[name].id))
    else:
        for name in OPERATOR_TYPES:
            found = existing.get(name)
            rows.append((name, found.status, found.id) if found else (name, -1, 0))
    ctx.state.windows.hit(key, ctx.now)
    return _render_op(ctx.fmt, rows)


def handle_ping(ctx: Context) -> str:
    """Answer ``ping.php``: record a `PingEvent` for the account's task group ``id``."""
    raw = ctx.params.get("id", "").strip()
    if not raw.isdigit():
        raise ApiFault(1, _PARAM_ERROR)
    recovered = bool(ctx.choice("ok", range(2)))
    group = ctx.account.task_groups.get(int(raw))
    if group is None:
        raise ApiFault(3, "task group not found")
    key = _limit(ctx, "ping", ctx.state.limits.ping_identical)
    event = PingEvent(
        login=ctx.account.login,
        group_id=group.id,
        name=ctx.params.get("name", ""),
        host=ctx.params.get("host", ""),
        info=ctx.params.get("info", ""),
        recovered=recovered,
        at=ctx.now,
    )
    ctx.state.ping_events.append(event)
    ctx.state.windows.hit(key, ctx.now)
    return ok_body(ctx.fmt)
