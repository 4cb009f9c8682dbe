"""SMSC's answers written out by hand, exactly as its documentation's tables show them.

Shared by the tests of the answer formats and of ``send.php``'s answers: ``render_error`` and
``render_success`` give an error or a success in any of the four formats (``fmt`` 0-3), and
``ENTITY_BOMB`` is an XML answer that a careless parser would expand.
"""

from __future__ import annotations

import orjson

__all__ = ["ENTITY_BOMB", "render_error", "render_success"]

ENTITY_BOMB = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    "<result><id>&lol2;</id><cnt>1</cnt></result>"
)


def render_error(fmt: int, code: int, desc: str, mid: int | str | None) -> str:
    if fmt == 0:
        return f"ERROR = {code} ({desc})" + ("" if mid is None else f", ID - {mid}")
    if fmt == 1:
        return f"{0 if mid is None else mid},-{code}"
    if fmt == 2:
        id_xml = "" if mid is None else f"\n<id>{mid}</id>"
        return (
            f"<result>\n<error>{desc}</error>\n<error_code>{code}</error_code>{id_xml}\n</result>"
        )
    body: dict[str, object] = {"error": desc, "error_code": code}
    if mid is not None:
        body["id"] = mid
    return orjson.dumps(body, option=orjson.OPT_INDENT_2).decode()


def render_success(fmt: int, cost: int, mid: int | str, n: int, c: str, bal: str) -> str:
    """cost=0: id,n; cost=1: cost,n; cost=2: +cost; cost=3: +cost,balance."""
    if fmt == 0:
        if cost == 1:
            return f"{c} ({n} SMS)"
        tail = {0: "", 2: f", COST - {c}", 3: f", COST - {c}, BALANCE - {bal}"}[cost]
        return f"OK - {n} SMS, ID - {mid}{tail}"
    if fmt == 1:
        return {0: f"{mid},{n}", 1: f"{c},{n}", 2: f"{mid},{n},{c}", 3: f"{mid},{n},{c},{bal}"}[
            cost
        ]
    by_cost: dict[int, list[tuple[str, object]]] = {
        0: [("id", mid), ("cnt", n)],
        1: [("cost", c), ("cnt", n)],
        2: [("id", mid), ("cnt", n), ("cost", c)],
        3: [("id", mid), ("cnt", n), ("cost", c), ("balance", bal)],
    }
    pairs = by_cost[cost]
    if fmt == 2:
        inner = "".join(f"\n<{k}>{v}</{k}>" for k, v in pairs)
        return f"<result>{inner}\n</result>"
    return orjson.dumps(dict(pairs), option=orjson.OPT_INDENT_2).decode()
