"""Any endpoint: `RawRequests` (``client.request``), as safely as every typed call."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from .._errors import ValidationError
from .._wire.answers import (
    parse_json,
)
from .._wire.records import decoded, is_ok
from .base import Area

__all__ = ["RawRequests", "parse_raw", "raw_params"]


_ENDPOINT = re.compile(r"[a-z_]{1,40}")


_PARAM_NAME = re.compile(r"[A-Za-z0-9_]{1,40}(?:\[[A-Za-z0-9_]{0,20}\])?")


_RESERVED = frozenset({"login", "psw", "apikey", "fmt", "charset"})


# Tabs and line breaks are legitimate in texts; other control characters are not.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _raw_item(name: str, value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValidationError(name, "must be a finite Decimal")
        return format(value, "f")
    if isinstance(value, str):
        if _CONTROL.search(value):
            raise ValidationError(name, "must not contain control characters or surrogates")
        return value
    raise ValidationError(name, "must be a str, int, bool, Decimal or a sequence of them")


# Endpoints where a repeated request can spend money or reach people, with the reads among
# their commands: only a request naming one of those reads (and no acting command) may be
# marked idempotent. Every ``send.php`` request may send (even ``cost=1`` is refused: use
# `cost`, which is retried), every ``ping.php`` request notifies; ``jobs.php?add=1`` creates a
# mailing that sends, ``users.php?pay=1`` moves money, ``senders.php?send_code=1`` sends an SMS
# with a confirmation code.
_ONLY_READS_REPEAT: dict[str, frozenset[str]] = {
    "send": frozenset(),
    "ping": frozenset(),
    "jobs": frozenset({"get", "get_all"}),
    "users": frozenset({"get_stat", "get_stat_all"}),
    "senders": frozenset({"get"}),
}


_ACTING_COMMANDS = frozenset({"add", "chg", "del", "cancel", "pay", "send_code", "check_code"})


def _check_repeatable(endpoint: str, fields: Mapping[str, str]) -> None:
    """Refuse ``idempotent=True`` for a request whose repeat could spend money or act."""
    reads = _ONLY_READS_REPEAT.get(endpoint)
    if reads is None:
        return
    given = {name for name, value in fields.items() if value not in ("", "0")}
    if not given & reads or given & _ACTING_COMMANDS:
        raise ValidationError(
            "idempotent",
            f"cannot be True for this {endpoint} request: repeating it could spend money "
            "or act twice",
        )


def raw_params(params: Mapping[str, object]) -> dict[str, str]:
    """Form fields for `AccountAPI.request`: values as text, None dropped, sequences joined,
    one trailing underscore dropped from a name (``del_=1`` sends ``del=1``).

    Raises:
        ValidationError: a bad name, a reserved one (credentials, ``fmt``, ``charset``), a
            value of another type (floats too: use Decimal), or a control character.
    """
    fields: dict[str, str] = {}
    for given, value in params.items():
        # One trailing underscore is dropped, so Python keywords can be passed: del_=1.
        name = given[:-1] if given.endswith("_") else given
        if not _PARAM_NAME.fullmatch(name):
            raise ValidationError("params", "names must be letters, digits, _ and [index]")
        if name.lower() in _RESERVED:
            raise ValidationError(name, "is set by the client and cannot be overridden")
        if value is None:
            continue
        if isinstance(value, Sequence) and not isinstance(value, (str, bytes, bytearray)):
            items = [_raw_item(name, item) for item in value]
            if any("," in item for item in items):
                raise ValidationError(name, "sequence items must not contain commas")
            fields[name] = ",".join(items)
        else:
            fields[name] = _raw_item(name, value)
    return fields


def parse_raw(text: str, *, endpoint: str) -> Any:
    """Read a JSON (fmt=3) answer of any endpoint: the parsed value, ``{"result": "OK"}`` for
    a bare ``OK``.

    Raises:
        ApiError: an error answer (meaning per ``endpoint``). ProtocolError: not JSON.
    """

    def read(text: str) -> Any:
        return {"result": "OK"} if is_ok(text) else parse_json(text)

    return decoded(text, 3, endpoint, read)


class RawRequests(Area):
    """Calls of endpoints this SDK has no typed area for: ``client.request``."""

    __slots__ = ()

    async def request(self, endpoint: str, /, *, idempotent: bool = False, **params: object) -> Any:
        """Call any endpoint this SDK does not cover, as safely as every other call.

        The request goes through the same limiter, encoder, retry policy, decoder and error
        mapping as the typed calls.

        Args:
            endpoint: the name, e.g. ``"senders"`` for ``/sys/senders.php``.
            idempotent: whether a repeat is harmless, so failures that may have reached the
                server are retried (default False: only never-sent requests are retried).
                Refused where a repeat could spend money or reach people: any ``send``
                (use `cost` for a retried price query) or ``ping`` request, and ``jobs``,
                ``users`` or ``senders`` requests other than their reads (``get``/``get_all``,
                ``get_stat``/``get_stat_all``, ``get``) — ``jobs`` with ``add=1`` creates a
                mailing, ``senders`` with ``send_code=1`` sends an SMS.
            **params: str, int, bool (``1``/``0``), Decimal, or a sequence of them (joined
                by commas); None leaves a parameter out; a trailing underscore is dropped
                from a name, for Python keywords (``del_=1``). Credentials, ``fmt`` and
                ``charset`` are the client's.

        Returns:
            The parsed JSON answer (``{"result": "OK"}`` for a bare ``OK``).

        Raises:
            ValidationError: a bad endpoint name or parameter, or ``idempotent=True`` where
            it is refused (see above). ApiError: the error code's
            meaning on that endpoint. TransportError, ProtocolError: as for every call.
        """
        if not isinstance(endpoint, str) or not _ENDPOINT.fullmatch(endpoint):
            raise ValidationError("endpoint", "must be 1..40 of a-z and _ (e.g. 'senders')")
        if not isinstance(idempotent, bool):
            raise ValidationError("idempotent", "must be True or False")
        fields = raw_params(params)
        if idempotent:
            _check_repeatable(endpoint, fields)
        text = await self._call(endpoint, fields, idempotent=idempotent)
        return parse_raw(text, endpoint=endpoint)
