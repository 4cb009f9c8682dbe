"""``balance.php``: the account's balance, with its currency on request."""

from __future__ import annotations

from .._state.shared import Context
from .._wire.answer import ApiFault, json_text, money, xml_node

__all__ = ["handle_balance"]


def handle_balance(ctx: Context) -> str:
    """Answer ``balance.php``: fmt 0/1 ``250.80`` (``250.80,RUR`` with ``cur=1``), fmt 2
    ``<result><balance/>[<currency/>]</result>``, fmt 3 ``{"balance": "…"[, "currency"]}``.
    More than ``Limits.balance_per_window`` requests a minute (any, not only identical) are
    error 9."""
    key = (ctx.account.login, "balance")
    limits = ctx.state.limits
    if ctx.state.windows.count(key, ctx.now, limits.window) >= limits.balance_per_window:
        raise ApiFault(9, "too many requests, wait a minute")
    ctx.state.windows.hit(key, ctx.now)
    pairs = [("balance", money(ctx.account.balance))]
    if ctx.flag("cur"):
        pairs.append(("currency", ctx.account.currency))
    if ctx.fmt in (0, 1):
        return ",".join(v for _, v in pairs)
    if ctx.fmt == 2:
        return xml_node("result", [xml_node(k, v) for k, v in pairs])
    return json_text(dict(pairs))
