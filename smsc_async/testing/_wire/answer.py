"""The emulator's answers: the four formats (0 text, 1 comma-separated, 2 XML, 3 JSON),
SMSC's error answer, money as SMSC writes it, and the web server's own HTML pages.

Written from SMSC's docs alone, never shared with the SDK's decoder.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs
import orjson

from .request import CHARSETS

__all__ = [
    "ApiFault",
    "FakeResponse",
    "encode_answer",
    "error_body",
    "json_text",
    "money",
    "not_found_page",
    "ok_body",
    "xml_node",
]

_CONTENT_TYPES = {0: "text/plain", 1: "text/plain", 2: "application/xml", 3: "application/json"}
_CENT = Decimal("0.01")


@attrs.frozen(kw_only=True)
class FakeResponse:
    """The emulator's answer.

    Attributes:
        status: the HTTP status (200 also for API errors, as SMSC does).
        content_type: e.g. ``application/json; charset=utf-8``.
        body: the encoded body.
    """

    status: int
    content_type: str
    body: bytes


class ApiFault(Exception):
    """An SMSC API error an endpoint answers with (HTTP 200, error body in ``fmt``)."""

    def __init__(self, code: int, description: str, message_id: int | str | None = None):
        super().__init__(code, description)
        self.code = code
        self.description = description
        self.message_id = message_id


def money(value: Decimal) -> str:
    """Money as SMSC writes it: two decimals (``1.40``, ``100.50``)."""
    return str(value.quantize(_CENT))


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def xml_node(tag: str, content: str | Sequence[str], attributes: Mapping[str, str] = {}) -> str:
    """``<tag a="…">content</tag>``: text content is escaped, a list of nodes is joined."""
    attrs_text = "".join(f' {k}="{_escape(v)}"' for k, v in attributes.items())
    inner = _escape(content) if isinstance(content, str) else "".join(content)
    return f"<{tag}{attrs_text}>{inner}</{tag}>"


def json_text(value: Any) -> str:
    """Compact JSON text of ``value`` (non-ASCII kept as is; the answer's charset encodes it)."""
    return orjson.dumps(value).decode("utf-8")


def error_body(fmt: int, fault: ApiFault) -> str:
    """An error answer in ``fmt``: with ``ID - <id>`` when the fault has an id."""
    code, desc, mid = fault.code, fault.description, fault.message_id
    if fmt == 1:
        return f"{mid if mid is not None else 0},-{code}"
    if fmt == 2:
        nodes = [xml_node("error", desc), xml_node("error_code", str(code))]
        if mid is not None:
            nodes.append(xml_node("id", str(mid)))
        return xml_node("result", nodes)
    if fmt == 3:
        obj: dict[str, Any] = {"error": desc, "error_code": code}
        if mid is not None:
            obj["id"] = mid
        return json_text(obj)
    suffix = f", ID - {mid}" if mid is not None else ""
    return f"ERROR = {code} ({desc}){suffix}"


def ok_body(fmt: int) -> str:
    """The bare success answer of changes and deletions: ``OK`` in every format's shape."""
    if fmt == 2:
        return xml_node("result", "OK")
    if fmt == 3:
        return json_text({"result": "OK"})
    return "OK"


def encode_answer(fmt: int, charset: str, text: str) -> FakeResponse:
    """HTTP 200 with ``text`` encoded in ``charset`` and the ``fmt``'s content type.

    Characters the charset cannot hold become ``?``, as a single-byte server would send.
    """
    body = text.encode(CHARSETS[charset], "replace")
    return FakeResponse(
        status=200, content_type=f"{_CONTENT_TYPES[fmt]}; charset={charset}", body=body
    )


def not_found_page(status: int = 404, reason: str = "Not Found") -> FakeResponse:
    """An HTML error page, as a web server answers a path that is not part of the API."""
    html = (
        f"<html><head><title>{status} {reason}</title></head>"
        f"<body><h1>{reason}</h1><hr><p>smsc_async FakeSMSC</p></body></html>"
    )
    return FakeResponse(
        status=status, content_type="text/html; charset=utf-8", body=html.encode("utf-8")
    )
