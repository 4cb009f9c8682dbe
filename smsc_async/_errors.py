"""The exception hierarchy: one base, and classes that say what happened and what to do.

No message built here ever contains a credential or a message text: errors carry the endpoint,
codes and ids only, so they are safe to log and to show in tracebacks. What an error carries
from the server or a library (a description, a reason, a body, a cause) may quote the request
back; the credentials of every open client are replaced by ``***`` there when the error is
built, in every form a server may quote them in.
"""

from __future__ import annotations

from ._redact import redact_bytes, redact_text

__all__ = [
    "ApiError",
    "AuthenticationError",
    "ClientClosedError",
    "ConfigurationError",
    "DuplicateRequestError",
    "InsufficientFundsError",
    "InvalidDateError",
    "InvalidParametersError",
    "InvalidPhoneError",
    "IpBlockedError",
    "MessageForbiddenError",
    "NotFoundError",
    "NotSentError",
    "OutcomeUnknownError",
    "ProtocolError",
    "SaveFailedError",
    "SmscError",
    "TransportError",
    "UndeliverableError",
    "ValidationError",
    "WrongEventLoopError",
    "api_error",
]


class SmscError(Exception):
    """Base class of every error this SDK raises."""


class ValidationError(SmscError, ValueError):
    """An argument broke a rule; raised before any request is built or sent.

    Attributes:
        field: the parameter at fault (the Python name, e.g. ``"sender"``).
        rule: what the value must satisfy, in words.
    """

    def __init__(self, field: str, rule: str) -> None:
        self.field = field
        self.rule = rule
        super().__init__(f"{field}: {rule}")


class ConfigurationError(SmscError, ValueError):
    """The client was constructed with settings that cannot work (credentials, URL, limits)."""


class ClientClosedError(SmscError, RuntimeError):
    """A call was made on a client that has been closed."""


class WrongEventLoopError(ClientClosedError):
    """A client was used from another event loop than the one it first made a request in.

    Its connections and limiter belong to that loop, so nothing was sent. Create the client
    inside the event loop that uses it: in the ``async`` function that ``asyncio.run`` or
    ``trio.run`` runs, or in your application's lifespan.
    """


class ProtocolError(SmscError):
    """The server's answer could not be understood (empty, truncated, HTML, wrong shape).

    The raw body is kept on ``.body`` for debugging but never shown in the message; any
    credential in it is replaced by ``***``. The request may have been processed: for a send,
    reconcile through ``status``.
    """

    def __init__(
        self,
        reason: str,
        *,
        endpoint: str | None = None,
        status_code: int | None = None,
        body: bytes | None = None,
    ) -> None:
        reason = redact_text(reason)
        self.reason = reason
        self.endpoint = endpoint
        self.status_code = status_code
        self.body = redact_bytes(body) if body else body
        where = f" from {endpoint}" if endpoint else ""
        status = f" (HTTP {status_code})" if status_code is not None else ""
        super().__init__(f"unreadable answer{where}{status}: {reason}")


class TransportError(SmscError):
    """The HTTP exchange itself failed; see the two subclasses for what that means.

    Attributes:
        endpoint: the endpoint called, e.g. ``"send"``.
        message_id: the client-assigned message id, when the call had one.
        cause: the class name and text of the underlying failure (credentials replaced).
    """

    def __init__(
        self,
        reason: str,
        *,
        endpoint: str,
        message_id: int | str | None = None,
        cause: str | None = None,
    ) -> None:
        reason = redact_text(reason)
        cause = redact_text(cause) if cause else cause
        self.reason = reason
        self.endpoint = endpoint
        self.message_id = message_id
        self.cause = cause
        parts = [f"{endpoint}: {reason}"]
        if message_id is not None:
            parts.append(f"id={message_id!r}")
        if cause:
            parts.append(f"cause: {cause}")
        super().__init__("; ".join(parts))


class NotSentError(TransportError):
    """The request provably never reached the server (no connection, or a local wait ran out).

    Nothing was sent and nothing was charged: retrying is safe.
    """


class OutcomeUnknownError(TransportError):
    """The request may have reached the server, but no readable answer came back.

    The message may or may not have been sent (and charged). Do not blindly resend: check
    ``status`` for ``message_id`` (set your own ``id=`` on sends to make this possible), or
    resend knowingly. The SDK never replays such a send by itself.
    """


class ApiError(SmscError):
    """The server answered with an error code (SMSC sends these with HTTP 200).

    Attributes:
        code: SMSC's error code.
        description: the server's own description text (credentials replaced by ``***``).
        endpoint: the endpoint that answered, e.g. ``"send"``.
        message_id: the message id the server reported with the error, when it gave one.
    """

    def __init__(
        self,
        code: int,
        description: str = "",
        *,
        endpoint: str = "send",
        message_id: int | str | None = None,
    ) -> None:
        description = redact_text(description) if description else description
        self.code = code
        self.description = description
        self.endpoint = endpoint
        self.message_id = message_id
        text = f"{endpoint}: error {code}"
        if description:
            text += f" ({description})"
        if message_id is not None:
            text += f", id={message_id!r}"
        super().__init__(text)


class InvalidParametersError(ApiError):
    """Error 1: the server rejected the parameters. Fix the request; do not retry as is."""


class AuthenticationError(ApiError):
    """Error 2: wrong login/password/API key, or this IP is not on the account's allow-list."""


class InsufficientFundsError(ApiError):
    """Error 3 (send): not enough money on the account. Top up, then send again."""


class IpBlockedError(ApiError):
    """Error 4: this IP is temporarily blocked after frequent erroneous requests. Wait.

    After one, the client itself raises it, without sending anything, for its
    ``ip_block_cooloff`` seconds (its description then says the refusal is local).
    """


class InvalidDateError(ApiError):
    """Error 5 (send, jobs): the ``time`` value was not understood."""


class MessageForbiddenError(ApiError):
    """Error 6 (send): the text or sender name is forbidden, or mass mail has no contract."""


class InvalidPhoneError(ApiError):
    """Error 7 (send): a phone number is not in a valid format."""


class UndeliverableError(ApiError):
    """Error 8 (send): the message cannot be delivered to that number."""


class DuplicateRequestError(ApiError):
    """Error 9: a repeated identical request within a minute, or 15+ concurrent requests.

    Never retried automatically. A repeated identical *send* means the first one was taken.
    """


class NotFoundError(ApiError):
    """Error 3 outside send: the record (template, task group, contact…) does not exist."""


class SaveFailedError(ApiError):
    """Error 5 outside send: the server could not save or delete the record."""


# Codes that mean the same on every endpoint.
_COMMON: dict[int, type[ApiError]] = {
    1: InvalidParametersError,
    2: AuthenticationError,
    4: IpBlockedError,
    9: DuplicateRequestError,
}

# Codes whose meaning depends on the endpoint (see SMSC's per-endpoint error lists).
_BY_ENDPOINT: dict[str, dict[int, type[ApiError]]] = {
    "send": {
        3: InsufficientFundsError,
        5: InvalidDateError,
        6: MessageForbiddenError,
        7: InvalidPhoneError,
        8: UndeliverableError,
    },
    "templates": {3: NotFoundError, 5: SaveFailedError},
    "ping": {3: NotFoundError},
    "status": {5: SaveFailedError},
    "jobs": {3: SaveFailedError, 5: InvalidDateError},
    "phones": {3: NotFoundError, 5: SaveFailedError},
    "senders": {3: NotFoundError, 5: SaveFailedError},
    "info": {3: NotFoundError},
    "get": {3: NotFoundError},
}


def api_error(
    endpoint: str,
    code: int,
    description: str = "",
    message_id: int | str | None = None,
) -> ApiError:
    """Build the `ApiError` subclass that ``code`` means on ``endpoint``."""
    cls = _BY_ENDPOINT.get(endpoint, {}).get(code) or _COMMON.get(code, ApiError)
    return cls(code, description, endpoint=endpoint, message_id=message_id)
