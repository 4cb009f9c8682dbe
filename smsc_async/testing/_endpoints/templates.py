"""``templates.php``: message templates, ``add``, ``chg``, ``del`` and ``get``.

Decisions: an empty template list answers an empty list (not error 3). The rate rules count
accepted requests only.
"""

from __future__ import annotations

from collections.abc import Sequence

from .._state.account import Template
from .._state.shared import Context
from .._wire.answer import ApiFault, json_text, ok_body, xml_node

__all__ = ["handle_templates"]

_FORMATS = frozenset({"", "sms", "flash", "bin", "push", "mms", "call", "mail", "viber"})
_PARAM_ERROR = "parameters error"


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
    key = ctx.limit_identical("templates", ctx.state.limits.templates_identical)
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
