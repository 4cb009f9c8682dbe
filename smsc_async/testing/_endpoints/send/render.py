"""``send.php`` success answers in the four formats, with the ``op=1``/``err=1``
per-number report."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import attrs

from ..._wire.answer import json_text, money, xml_node

__all__ = ["PhoneRow", "SendOutcome", "render_send"]


@attrs.frozen(kw_only=True)
class PhoneRow:
    """One line of the per-number report."""

    phone: str
    mccmnc: str
    cost: Decimal
    status: int
    error: int

    def fields(self) -> list[str]:
        """The report's fields as text, in the documented order."""
        return [self.phone, self.mccmnc, money(self.cost), str(self.status), str(self.error)]


@attrs.frozen(kw_only=True)
class SendOutcome:
    """What an accepted send answers.

    Attributes:
        cost_mode: ``cost`` 0..3.
        message_id: the id (``None`` for ``cost=1``, which sends nothing).
        count: ``<n>``: units × recipients, over all messages.
        cost: the total cost.
        balance: the balance after the send.
        report: per-number rows for ``op=1`` / ``err=1``, or ``None``.
    """

    cost_mode: int
    message_id: int | str | None
    count: int
    cost: Decimal
    balance: Decimal
    report: Sequence[PhoneRow] | None = None


def _text(outcome: SendOutcome) -> str:
    n, mid = outcome.count, outcome.message_id
    if outcome.cost_mode == 1:
        return f"{money(outcome.cost)} ({n} SMS)"
    line = f"OK - {n} SMS, ID - {mid}"
    if outcome.cost_mode >= 2:
        line += f", COST - {money(outcome.cost)}"
    if outcome.cost_mode == 3:
        line += f", BALANCE - {money(outcome.balance)}"
    return line


def _values(outcome: SendOutcome) -> list[tuple[str, Any]]:
    """The answer's (name, JSON value) pairs in the documented order."""
    if outcome.cost_mode == 1:
        return [("cost", money(outcome.cost)), ("cnt", outcome.count)]
    pairs: list[tuple[str, Any]] = [("id", outcome.message_id), ("cnt", outcome.count)]
    if outcome.cost_mode >= 2:
        pairs.append(("cost", money(outcome.cost)))
    if outcome.cost_mode == 3:
        pairs.append(("balance", money(outcome.balance)))
    return pairs


def render_send(fmt: int, outcome: SendOutcome) -> str:
    """The success answer in ``fmt``."""
    rows = outcome.report
    values = _values(outcome)
    if fmt in (0, 1):
        main = _text(outcome) if fmt == 0 else ",".join(str(v) for _, v in values)
        lines = [main] + [",".join(row.fields()) for row in rows or ()]
        return "\n".join(lines)
    if fmt == 2:
        nodes = [xml_node(k, str(v)) for k, v in values]
        if rows is not None:
            phones = [
                xml_node("phone", r.phone, _attributes(r.fields()))
                for r in rows  # the number is the element's text, the rest attributes
            ]
            nodes.append(xml_node("phones", phones))
        return xml_node("result", nodes)
    obj: dict[str, Any] = dict(values)
    if rows is not None:
        keys = ("phone", "mccmnc", "cost", "status", "error")
        obj["phones"] = [dict(zip(keys, row.fields(), strict=False)) for row in rows]
    return json_text(obj)


def _attributes(fields: list[str]) -> dict[str, str]:
    return dict(zip(("mccmnc", "cost", "status", "error"), fields[1:], strict=False))
