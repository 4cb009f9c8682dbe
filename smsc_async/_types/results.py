"""Typed results of API calls: frozen attrs values, money as `Decimal`.

Their ``repr`` masks recipients and shows only the keys of ``extra`` (see
`smsc_async._masking`); the attributes hold the values as the server sent them.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from .._masking import mask_fields, recipient_repr

__all__ = ["CostResult", "PhoneReport", "SendResult"]


def frozen_mapping(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """The ``extra`` fields of a result: a copy, so the caller's mapping cannot change it."""
    return dict(value or {})


@attrs.frozen(kw_only=True)
class PhoneReport:
    """One recipient's line of an ``op=1`` report.

    Attributes:
        phone: the number as the server wrote it.
        mccmnc: country code + operator code, as text (may be empty).
        cost: what this recipient cost, when given.
        status: the SMS status code, when given.
        error: the error code within the status (0 when none), when given.
        extra: any other fields the server sent, kept as they came.
    """

    phone: str = attrs.field(repr=recipient_repr)
    mccmnc: str = ""
    cost: Decimal | None = None
    status: int | None = None
    error: int | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, converter=frozen_mapping, repr=mask_fields)


@attrs.frozen(kw_only=True)
class SendResult:
    """What the server said about an accepted send.

    Attributes:
        id: the message id (the one you passed as ``id=``, or the server's).
        parts: SMS parts × recipients (``cnt``); seconds for a voice call.
        cost: the total cost, when asked for (``cost=2`` or ``3``).
        balance: the balance after the send, when asked for (``cost=3``).
        phones: the per-recipient report, when asked for (``op=True``).
        extra: any other fields the server sent.
    """

    id: int | str
    parts: int
    cost: Decimal | None = None
    balance: Decimal | None = None
    phones: tuple[PhoneReport, ...] = ()
    extra: Mapping[str, Any] = attrs.field(factory=dict, converter=frozen_mapping, repr=mask_fields)


@attrs.frozen(kw_only=True)
class CostResult:
    """What a send would cost (``cost=1``); nothing was sent.

    Attributes:
        cost: the total cost.
        parts: SMS parts × recipients (``cnt``).
        phones: the per-recipient report, when asked for (``op=True``).
        extra: any other fields the server sent.
    """

    cost: Decimal
    parts: int
    phones: tuple[PhoneReport, ...] = ()
    extra: Mapping[str, Any] = attrs.field(factory=dict, converter=frozen_mapping, repr=mask_fields)
