"""``op_templates.php``: templates registered with operators, ``add`` and ``get``.

Decisions: ``add`` creates an entry (status 0, awaiting registration) for each operator flag
and answers 1 with its id, or −1 with id 0 when the sender is not registered in the account;
``get`` answers a row for every operator type (−1, id 0, where there is none). The rate rules
count accepted requests only.
"""

from __future__ import annotations

from collections.abc import Sequence

from .._state.account import OPERATOR_TYPES, OpTemplate
from .._state.shared import Context
from .._wire.answer import ApiFault, json_text, xml_node

__all__ = ["handle_op_templates"]

_PARAM_ERROR = "parameters error"


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
    key = ctx.limit_identical("op_templates", ctx.state.limits.op_templates_identical)
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
