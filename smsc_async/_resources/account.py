"""Account-level calls and API areas: status, balance, templates, operator templates,
notifications, and raw requests.

The areas (``client.status``, ``client.templates``, ``client.operator_templates``) are small
objects built on each access around the client's call path; they hold nothing else, so
``client.templates is client.templates`` is False and that costs nothing.

Which calls are retried after a failure that may have reached the server (`_call`'s
``idempotent``): reads (status, balance, template lists, operator template statuses) and a
template update (repeating it leaves the same result) are; creating, deleting, notifying and,
unless told otherwise, raw requests are not, since a repeat would duplicate the effect or
answer "not found" for a deletion that did happen.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from .._errors import ProtocolError, ValidationError
from .._types.message import check_int
from .._types.status import (
    STATUS_PAIRS_PER_REQUEST,
    Balance,
    MessageStatus,
    check_status_pairs,
    status_params,
)
from .._types.templates import (
    OperatorTemplateAddStatus,
    OperatorTemplateState,
    OperatorTemplateStatus,
    OperatorType,
    Template,
    TemplateFormat,
    op_template_params,
    template_fields,
    template_id,
)
from .._wire.records import parse_balance, parse_ok, parse_raw
from .._wire.text import check_text
from .status_answer import parse_status
from .templates_answer import parse_op_templates, parse_template_id, parse_templates

__all__ = ["AccountAPI", "OperatorTemplatesArea", "StatusArea", "TemplatesArea", "raw_params"]


class _Call(Protocol):
    async def __call__(
        self,
        endpoint: str,
        params: dict[str, str],
        *,
        idempotent: bool,
        message_id: int | str | None = None,
    ) -> str: ...


class StatusArea:
    """``client.status``: message statuses (``status.php``). Call it for one message."""

    __slots__ = ("_call",)

    def __init__(self, call: _Call) -> None:
        self._call = call

    async def __call__(
        self, id: int | str, phone: str, *, detail: int = 0, bot: bool = False
    ) -> MessageStatus:
        """The status of message ``id`` to ``phone``.

        Args:
            id: the message id (yours, or the one the server gave).
            phone: the recipient: a number, an e-mail address, or ``@nick``/``#id`` with ``bot``.
            detail: 0 status only; 1 also send time, cost, sender and text; 2 also country,
                operator and region (the server's ``all``).
            bot: the message went through a Telegram bot (``bot=1``).

        Returns:
            The status; an unknown message is `StatusCode.NOT_FOUND`, not an error.

        Raises:
            ValidationError: a bad id, recipient or option. ApiError, TransportError,
            ProtocolError: as for every call.
        """
        pairs = check_status_pairs([(id, phone)])
        params = status_params(pairs, detail=detail, bot=bot, many=False)
        text = await self._call("status", params, idempotent=True, message_id=id)
        rows = parse_status(text, fmt=3, pairs=pairs, detail=detail, many=False)
        if len(rows) != 1:
            raise ProtocolError("expected the status of one message", endpoint="status")
        return rows[0]

    async def many(
        self, pairs: Iterable[tuple[int | str, str]], *, detail: int = 0, bot: bool = False
    ) -> builtins.list[MessageStatus]:
        """The statuses of several messages (reads, retried when safe).

        A long list is asked in consecutive requests of at most 100 pairs each, one after
        the other (so it holds one of the client's slots at a time).

        Args:
            pairs: (message id, recipient) pairs; none gives ``[]`` without a request.
            detail, bot: as for calling ``client.status`` itself.

        Returns:
            One `MessageStatus` per row of the answers, request by request in the order the
            pairs were given (within one request, in the server's order), each naming its
            id and recipient.

        Raises:
            As for calling ``client.status`` itself; every pair is checked before the first
            request, and an error in any request ends the call (rows already read are lost).
        """
        checked = check_status_pairs(pairs)
        rows: builtins.list[MessageStatus] = []
        for start in range(0, len(checked), STATUS_PAIRS_PER_REQUEST):
            chunk = checked[start : start + STATUS_PAIRS_PER_REQUEST]
            params = status_params(chunk, detail=detail, bot=bot, many=True)
            text = await self._call("status", params, idempotent=True)
            rows += parse_status(text, fmt=3, pairs=chunk, detail=detail, many=True)
        return rows

    async def delete(self, id: int | str, phone: str) -> None:
        """Delete the record of message ``id`` to ``phone`` (``del=1``).

        Raises:
            SaveFailedError: error 5, the record could not be deleted (e.g. there is none).
        """
        params = status_params(check_status_pairs([(id, phone)]), detail=0, bot=False, many=False)
        params["del"] = "1"
        text = await self._call("status", params, idempotent=False, message_id=id)
        parse_ok(text, fmt=3, endpoint="status")


class TemplatesArea:
    """``client.templates``: message templates (``templates.php``).

    The server refuses a fourth identical request within a minute (`DuplicateRequestError`).
    """

    __slots__ = ("_call",)

    def __init__(self, call: _Call) -> None:
        self._call = call

    async def create(
        self,
        name: str,
        message: str,
        *,
        format: TemplateFormat | None = None,
        sender: str | None = None,
        auto_signature: bool = False,
    ) -> Template:
        """Create a template and return it with the id the server gave.

        Args:
            name: the template's name (one line).
            message: its text.
            format: the kind of message it is for; None leaves it unset.
            sender: the sender name to use with it.
            auto_signature: use it as the account's auto-signature (``fl[1]=1``).

        Raises:
            ValidationError: a bad value. SaveFailedError: error 5, it could not be saved.
        """
        fields = {"name": name, "message": message, "format": format, "sender": sender}
        params = {"add": "1", **template_fields({**fields, "auto_signature": auto_signature})}
        if not auto_signature:
            del params["fl[1]"]
        text = await self._call("templates", params, idempotent=False)
        return Template(
            id=parse_template_id(text, fmt=3),
            name=name,
            message=message,
            format=TemplateFormat(format) if format is not None else TemplateFormat.UNSET,
            sender=sender or None,
            flag=1 if auto_signature else 0,
        )

    async def update(
        self,
        id: int,
        *,
        name: str | None = None,
        message: str | None = None,
        format: TemplateFormat | None = None,
        sender: str | None = None,
        auto_signature: bool | None = None,
    ) -> None:
        """Change the fields given (None = unchanged) of template ``id``.

        ``sender=""`` clears the sender, ``format=TemplateFormat.UNSET`` the format.

        Raises:
            ValidationError: no field given, or a bad value. NotFoundError: error 3, no such
            template. SaveFailedError: error 5, it could not be saved.
        """
        fields = {
            "name": name,
            "message": message,
            "format": format,
            "sender": sender,
            "auto_signature": auto_signature,
        }
        params = template_fields(fields)
        if not params:
            raise ValidationError("fields", "give at least one field to change")
        params = {"chg": "1", "id": template_id(id), **params}
        text = await self._call("templates", params, idempotent=True)
        parse_ok(text, fmt=3, endpoint="templates")

    async def delete(self, id: int) -> None:
        """Delete template ``id``.

        Raises:
            NotFoundError: error 3, no such template. SaveFailedError: error 5.
        """
        text = await self._call("templates", {"del": "1", "id": template_id(id)}, idempotent=False)
        parse_ok(text, fmt=3, endpoint="templates")

    async def list(self) -> builtins.list[Template]:
        """Every template of the account (an empty list when there is none)."""
        text = await self._call("templates", {"get": "1"}, idempotent=True)
        return parse_templates(text, fmt=3)


class OperatorTemplatesArea:
    """``client.operator_templates``: templates registered with Russian operators
    (``op_templates.php``). More than ten identical requests a minute are refused."""

    __slots__ = ("_call",)

    def __init__(self, call: _Call) -> None:
        self._call = call

    async def create(
        self, sender: str, message: str, operators: Iterable[OperatorType]
    ) -> builtins.list[OperatorTemplateStatus[OperatorTemplateAddStatus]]:
        """Submit a template of ``sender`` for each chosen operator and message type.

        Returns:
            One entry per operator type: `OperatorTemplateAddStatus.ADDED`, or why not.

        Raises:
            ValidationError: a bad sender or text, or no operator type chosen.
        """
        params = {"add": "1", **op_template_params(sender, message, operators)}
        text = await self._call("op_templates", params, idempotent=False)
        return parse_op_templates(text, fmt=3, statuses=OperatorTemplateAddStatus)

    async def statuses(
        self, sender: str, message: str
    ) -> builtins.list[OperatorTemplateStatus[OperatorTemplateState]]:
        """Where the registration of this template stands, per operator and message type."""
        params = {"get": "1", **op_template_params(sender, message, None)}
        text = await self._call("op_templates", params, idempotent=True)
        return parse_op_templates(text, fmt=3, statuses=OperatorTemplateState)


# ------------------------------------------------------------------------- raw requests

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


# ------------------------------------------------------------------------- the mixin


class AccountAPI:
    """Mixed into `smsc_async.AsyncClient`; see the module docstring."""

    __slots__ = ()

    if TYPE_CHECKING:

        async def _call(
            self,
            endpoint: str,
            params: dict[str, str],
            *,
            idempotent: bool,
            message_id: int | str | None = None,
        ) -> str: ...

    @property
    def status(self) -> StatusArea:
        """Message statuses: ``await client.status(id, phone)``, ``client.status.many(…)``."""
        return StatusArea(self._call)

    @property
    def templates(self) -> TemplatesArea:
        """Message templates: create, update, delete, list."""
        return TemplatesArea(self._call)

    @property
    def operator_templates(self) -> OperatorTemplatesArea:
        """Operator templates: create, statuses."""
        return OperatorTemplatesArea(self._call)

    async def balance(self) -> Balance:
        """The account's balance, with its currency (``cur=1``).

        Raises:
            DuplicateRequestError: more than ten balance requests in a minute.
        """
        text = await self._call("balance", {"cur": "1"}, idempotent=True)
        return parse_balance(text, fmt=3)

    async def notify(
        self,
        task_group_id: int,
        *,
        name: str | None = None,
        host: str | None = None,
        info: str | None = None,
        recovered: bool = False,
    ) -> None:
        """Send the notification of a monitoring task group (``ping.php``).

        Not retried once it may have reached the server: a repeat notifies twice.

        Args:
            task_group_id: the group's id (the "ID" column in the account).
            name: fills ``{NAME}`` (rule or server name).
            host: fills ``{HOST}`` (the checked server's address).
            info: fills ``{INFO}`` (more about the event).
            recovered: use the group's recovery template instead of the failure one.

        Raises:
            NotFoundError: error 3, no such task group. DuplicateRequestError: more than five
            identical notifications a minute.
        """
        params = {"id": str(check_int("task_group_id", task_group_id, 1, 2**63 - 1))}
        for key, value in (("name", name), ("host", host), ("info", info)):
            if value is not None:
                params[key] = check_text(key, value, 1000, single_line=key != "info")
        if not isinstance(recovered, bool):
            raise ValidationError("recovered", "must be True or False")
        if recovered:
            params["ok"] = "1"
        text = await self._call("ping", params, idempotent=False)
        parse_ok(text, fmt=3, endpoint="ping")

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
