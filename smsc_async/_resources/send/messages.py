"""``send.php`` for plain messages: `Messages` (send, send a list, ask the cost), and
`send_once`, the one way every kind of send goes to the server and comes back typed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from ..._types.message import Message
from ..._types.results import CostResult, SendResult
from ..base import Area, Call
from .answer import parse_send
from .request import encode_send, encode_send_list

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ..._types.attachment import Attachment
    from .request import SendOptions

__all__ = ["Messages", "send_once"]


async def send_once(
    call: Call,
    params: dict[str, str],
    options: Mapping[str, object],
    *,
    files: Sequence[Attachment] = (),
) -> SendResult:
    """Send encoded ``params`` (and ``files``) once, never replayed; decode ``cost=3``.

    ``cost=3`` makes every send answer with its cost and the new balance.
    """
    params["cost"] = "3"
    message_id = options.get("id")
    text = await call(
        "send",
        params,
        idempotent=False,
        message_id=message_id if isinstance(message_id, (int, str)) else None,
        files=files,
    )
    result = parse_send(text, fmt=3, cost=3, op=bool(options.get("op")))
    assert isinstance(result, SendResult)
    return result


class Messages(Area):
    """Plain text messages: ``client.send``, ``client.send_list``, ``client.cost``."""

    __slots__ = ()

    async def send(
        self,
        phones: str | Iterable[str],
        message: str,
        **options: Unpack[SendOptions],
    ) -> SendResult:
        """Send one message to one or more recipients.

        The request asks for ``cost=3``, so the result always carries the cost and the new
        balance. A send is never retried once it may have reached the server.

        Args:
            phones: a number, a comma/semicolon list, or an iterable of numbers
                (``+7…``, ``7…``, ``G<n>`` groups).
            message: the text, at most 1000 characters.
            **options: any of `smsc_async.SendOptions` (``sender=``, ``id=``, ``time=``, …).

        Returns:
            The server's id, parts, cost, balance (and per-phone reports with ``op=True``).

        Raises:
            ValidationError: bad input, before anything is sent.
            ApiError: the server refused (a subclass per code, e.g. InsufficientFundsError).
            NotSentError: nothing reached the server; safe to send again.
            OutcomeUnknownError: it may have been sent; reconcile before resending.
            ProtocolError: the answer could not be read; the send may have happened.
        """
        params = encode_send(phones, message, options)
        return await send_once(self._call, params, options)

    async def send_list(
        self,
        messages: Iterable[Message],
        **options: Unpack[SendOptions],
    ) -> SendResult:
        """Send several different messages in one request (SMSC's ``list``).

        All messages share one id; options apply to every line. Errors as for `send`.
        """
        params = encode_send_list(messages, options)
        return await send_once(self._call, params, options)

    async def cost(
        self,
        phones: str | Iterable[str],
        message: str,
        **options: Unpack[SendOptions],
    ) -> CostResult:
        """Ask what a send would cost (``cost=1``); nothing is sent or charged.

        Read-only, so connection failures, timeouts and 5xx answers are retried with capped,
        jittered backoff. SMSC answers error 9 to a sixth identical cost request in a minute.
        """
        params = encode_send(phones, message, options)
        params["cost"] = "1"
        text = await self._call("send", params, idempotent=True, message_id=options.get("id"))
        result = parse_send(text, fmt=3, cost=1, op=bool(options.get("op")))
        assert isinstance(result, CostResult)
        return result
