"""smsc_async: an async, typed, money-safe SDK for the SMSC.ru messaging gateway."""

from __future__ import annotations

from ._client import MAX_CONCURRENCY, AsyncClient
from ._encode import SendOptions
from ._errors import (
    ApiError,
    AuthenticationError,
    ClientClosedError,
    ConfigurationError,
    DuplicateRequestError,
    InsufficientFundsError,
    InvalidDateError,
    InvalidParametersError,
    InvalidPhoneError,
    IpBlockedError,
    MessageForbiddenError,
    NotFoundError,
    NotSentError,
    OutcomeUnknownError,
    ProtocolError,
    SaveFailedError,
    SmscError,
    TransportError,
    UndeliverableError,
    ValidationError,
)
from ._options import CallParams, HourWindow, Message, Translit, Voice
from ._results import CostResult, PhoneReport, SendResult
from ._retry import RetryPolicy
from ._transport import HttpRequest, HttpResponse, Timeouts, Transport

__version__ = "0.1.0"

__all__ = [
    "MAX_CONCURRENCY",
    "ApiError",
    "AsyncClient",
    "AuthenticationError",
    "CallParams",
    "ClientClosedError",
    "ConfigurationError",
    "CostResult",
    "DuplicateRequestError",
    "HourWindow",
    "HttpRequest",
    "HttpResponse",
    "InsufficientFundsError",
    "InvalidDateError",
    "InvalidParametersError",
    "InvalidPhoneError",
    "IpBlockedError",
    "Message",
    "MessageForbiddenError",
    "NotFoundError",
    "NotSentError",
    "OutcomeUnknownError",
    "PhoneReport",
    "ProtocolError",
    "RetryPolicy",
    "SaveFailedError",
    "SendOptions",
    "SendResult",
    "SmscError",
    "Timeouts",
    "Translit",
    "Transport",
    "TransportError",
    "UndeliverableError",
    "ValidationError",
    "Voice",
    "__version__",
]
