"""smsc_async: an async, typed, money-safe SDK for the SMSC.ru messaging gateway."""

from __future__ import annotations

from ._account import OperatorTemplatesArea, StatusArea, TemplatesArea
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
from ._files import Attachment, AttachmentError, BinaryReadable
from ._ivr import IvrAction, IvrCommand, IvrForward, IvrItem, IvrMenu, IvrRecord, IvrSms
from ._kind_binary import BINARY_SMS_BYTES, udh_concat, udh_ports, wap_push_si
from ._kind_prefix import Prefix, PrefixedText, prefixed
from ._kinds_files import (
    CallOptions,
    EmailOptions,
    FileSendOptions,
    MmsOptions,
    ViberOptions,
    file_marker,
)
from ._options import CallParams, HourWindow, Message, Translit, Voice
from ._results import CostResult, PhoneReport, SendResult
from ._retry import RetryPolicy
from ._status import Balance, MessageStatus, StatusCode, StatusError
from ._templates import (
    OperatorTemplateAddStatus,
    OperatorTemplateState,
    OperatorTemplateStatus,
    OperatorType,
    Template,
    TemplateFormat,
)
from ._transport import HttpRequest, HttpResponse, Timeouts, Transport
from ._viber import (
    VIBER_DOCUMENT_FORMATS,
    VIBER_IMAGE_FORMATS,
    VIBER_KINDS,
    VIBER_MAX_FILE_SIZE,
    VIBER_VIDEO_FORMATS,
    ViberButton,
    ViberMedia,
)

__version__ = "0.1.0"

__all__ = [
    "BINARY_SMS_BYTES",
    "MAX_CONCURRENCY",
    "VIBER_DOCUMENT_FORMATS",
    "VIBER_IMAGE_FORMATS",
    "VIBER_KINDS",
    "VIBER_MAX_FILE_SIZE",
    "VIBER_VIDEO_FORMATS",
    "ApiError",
    "AsyncClient",
    "Attachment",
    "AttachmentError",
    "AuthenticationError",
    "Balance",
    "BinaryReadable",
    "CallOptions",
    "CallParams",
    "ClientClosedError",
    "ConfigurationError",
    "CostResult",
    "DuplicateRequestError",
    "EmailOptions",
    "FileSendOptions",
    "HourWindow",
    "HttpRequest",
    "HttpResponse",
    "InsufficientFundsError",
    "InvalidDateError",
    "InvalidParametersError",
    "InvalidPhoneError",
    "IpBlockedError",
    "IvrAction",
    "IvrCommand",
    "IvrForward",
    "IvrItem",
    "IvrMenu",
    "IvrRecord",
    "IvrSms",
    "Message",
    "MessageForbiddenError",
    "MessageStatus",
    "MmsOptions",
    "NotFoundError",
    "NotSentError",
    "OperatorTemplateAddStatus",
    "OperatorTemplateState",
    "OperatorTemplateStatus",
    "OperatorTemplatesArea",
    "OperatorType",
    "OutcomeUnknownError",
    "PhoneReport",
    "Prefix",
    "PrefixedText",
    "ProtocolError",
    "RetryPolicy",
    "SaveFailedError",
    "SendOptions",
    "SendResult",
    "SmscError",
    "StatusArea",
    "StatusCode",
    "StatusError",
    "Template",
    "TemplateFormat",
    "TemplatesArea",
    "Timeouts",
    "Translit",
    "Transport",
    "TransportError",
    "UndeliverableError",
    "ValidationError",
    "ViberButton",
    "ViberMedia",
    "ViberOptions",
    "Voice",
    "__version__",
    "file_marker",
    "prefixed",
    "udh_concat",
    "udh_ports",
    "wap_push_si",
]
