"""``ping.php``: a monitoring notification to one of the account's task groups.

The rate rules count accepted requests only.
"""

from __future__ import annotations

from .._state.records import PingEvent
from .._state.shared import Context
from .._wire.answer import ApiFault, ok_body

__all__ = ["handle_ping"]

_PARAM_ERROR = "parameters error"


def handle_ping(ctx: Context) -> str:
    """Answer ``ping.php``: record a `PingEvent` for the account's task group ``id``."""
    raw = ctx.params.get("id", "").strip()
    if not raw.isdigit():
        raise ApiFault(1, _PARAM_ERROR)
    recovered = bool(ctx.choice("ok", range(2)))
    group = ctx.account.task_groups.get(int(raw))
    if group is None:
        raise ApiFault(3, "task group not found")
    key = ctx.limit_identical("ping", ctx.state.limits.ping_identical)
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
