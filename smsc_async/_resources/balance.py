"""``balance.php``: `BalanceArea` (``client.balance()``) and its answer."""

from __future__ import annotations

from collections.abc import Mapping

from .._errors import ProtocolError
from .._types.status import Balance
from .._wire.answers import parse_json, parse_xml, xml_fields
from .._wire.records import decoded, text_lines
from .._wire.values import Converter, convert_fields, optional, to_decimal, to_text
from .base import Area

__all__ = ["BalanceArea", "parse_balance"]


_BALANCE_FIELDS: Mapping[str, tuple[str, Converter]] = {
    "balance": ("amount", to_decimal),
    "currency": ("currency", optional(to_text)),
    "credit": ("credit", optional(to_decimal)),
}


_BALANCE_TEXT = ("balance", "currency", "credit")  # fmt 0/1: "250.80[,RUR]"


def _balance_fields(fmt: int, text: str) -> Mapping[str, object]:
    if fmt in (0, 1):
        values = [value.strip() for value in text_lines(text)[0].split(",")] if text.strip() else []
        return dict(zip(_BALANCE_TEXT, values, strict=False))
    if fmt == 2:
        return xml_fields(parse_xml(text))
    data = parse_json(text)
    if not isinstance(data, dict):
        raise ProtocolError("answer: expected a JSON object")
    return data


def parse_balance(text: str, *, fmt: int) -> Balance:
    """Read a ``balance.php`` answer (with or without ``cur=1``).

    Raises:
        ApiError: an error answer (e.g. `DuplicateRequestError` past 10 requests a minute).
        ProtocolError: no readable balance.
    """

    def read(text: str) -> Balance:
        known, extra = convert_fields(
            _balance_fields(fmt, text), _BALANCE_FIELDS, frozenset({"amount"})
        )
        return Balance(**known, extra=extra)

    return decoded(text, fmt, "balance", read)


class BalanceArea(Area):
    """The account's balance: ``client.balance()``."""

    __slots__ = ()

    async def balance(self) -> Balance:
        """The account's balance, with its currency (``cur=1``).

        Raises:
            DuplicateRequestError: more than ten balance requests in a minute.
        """
        text = await self._call("balance", {"cur": "1"}, idempotent=True)
        return parse_balance(text, fmt=3)
