"""smsc_async: an async, typed, money-safe SDK for the SMSC.ru messaging gateway."""

from __future__ import annotations

from ._bulk.checkpoint import Checkpoint, OpenRequest
from ._bulk.job import BulkJob
from ._bulk.outcomes import (
    BulkProgress,
    BulkSummary,
    NotSentOutcome,
    Outcome,
    OutcomeKind,
    ProgressStage,
    RejectedOutcome,
    SentOutcome,
    UnknownOutcome,
)
from ._call.retry import RetryPolicy
from ._client import MAX_CONCURRENCY, AsyncClient
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
    WrongEventLoopError,
)
from ._resources.operator_templates import OperatorTemplatesArea
from ._resources.send.binary import BINARY_SMS_BYTES, udh_concat, udh_ports, wap_push_si
from ._resources.send.file_kinds import (
    CallOptions,
    EmailOptions,
    FileSendOptions,
    MmsOptions,
    ViberOptions,
    file_marker,
)
from ._resources.send.request import SendOptions
from ._resources.status import StatusArea
from ._resources.templates import TemplatesArea
from ._transports.base import DeadlineTransport, HttpRequest, HttpResponse, Timeouts, Transport
from ._types.attachment import Attachment, AttachmentError, BinaryReadable
from ._types.ivr import IvrAction, IvrCommand, IvrForward, IvrItem, IvrMenu, IvrRecord, IvrSms
from ._types.message import CallParams, HourWindow, Message, Translit, Voice
from ._types.results import CostResult, PhoneReport, SendResult
from ._types.status import Balance, MessageStatus, StatusCode, StatusError
from ._types.templates import (
    OperatorTemplateAddStatus,
    OperatorTemplateState,
    OperatorTemplateStatus,
    OperatorType,
    Template,
    TemplateFormat,
)
from ._types.viber import (
    VIBER_DOCUMENT_FORMATS,
    VIBER_IMAGE_FORMATS,
    VIBER_KINDS,
    VIBER_MAX_FILE_SIZE,
    VIBER_VIDEO_FORMATS,
    ViberButton,
    ViberMedia,
)
from ._wire.prefix import Prefix, PrefixedText, prefixed

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
    "BulkJob",
    "BulkProgress",
    "BulkSummary",
    "CallOptions",
    "CallParams",
    "Checkpoint",
    "ClientClosedError",
    "ConfigurationError",
    "CostResult",
    "DeadlineTransport",
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
    "NotSentOutcome",
    "OpenRequest",
    "OperatorTemplateAddStatus",
    "OperatorTemplateState",
    "OperatorTemplateStatus",
    "OperatorTemplatesArea",
    "OperatorType",
    "Outcome",
    "OutcomeKind",
    "OutcomeUnknownError",
    "PhoneReport",
    "Prefix",
    "PrefixedText",
    "ProgressStage",
    "ProtocolError",
    "RejectedOutcome",
    "RetryPolicy",
    "SaveFailedError",
    "SendOptions",
    "SendResult",
    "SentOutcome",
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
    "UnknownOutcome",
    "ValidationError",
    "ViberButton",
    "ViberMedia",
    "ViberOptions",
    "Voice",
    "WrongEventLoopError",
    "__version__",
    "file_marker",
    "prefixed",
    "udh_concat",
    "udh_ports",
    "wap_push_si",
]
